//! least-allocated: Kubernetes' NodeResourcesFit score with `scoringStrategy.type =
//! LeastAllocated` (its default), over its default resources (CPU and memory, weight 1
//! each).
//!
//! Per resource, with requested_r = what the instance's tasks reserve plus what this task
//! asks, in integer arithmetic as kube-scheduler computes it:
//!
//! score_r = (registered_r − requested_r) × 100 / registered_r
//!           (0 when nothing is registered or requested_r > registered_r)
//! score   = (score_cpu × 1 + score_memory × 1) / 2
//!
//! each division truncating: the emptiest instance wins, spreading load.
//!
//! Source: kube-scheduler's `noderesources` plugin (`least_allocated.go`,
//! `leastRequestedScore`), the NodeResourcesFit default documented in the scheduler
//! configuration reference (kubernetes.io/docs/reference/scheduling/config/).

use super::most_allocated::{MAX_NODE_SCORE, requested};
use super::{Ask, Candidate, PlacementPolicy, PolicyRng};

/// The `least-allocated` policy (the module's formula); no settings.
#[derive(Clone, Copy, Debug, Default)]
pub struct LeastAllocated;

impl PlacementPolicy for LeastAllocated {
    fn score(&self, ask: &Ask<'_>, c: &Candidate<'_>, _: &mut PolicyRng) -> f64 {
        let each = requested(ask, c).map(|(requested, capacity)| {
            if capacity == 0 || requested > capacity {
                0
            } else {
                (capacity - requested) * MAX_NODE_SCORE / capacity
            }
        });
        ((each[0] + each[1]) / 2) as f64
    }
}
