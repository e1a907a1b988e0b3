//! most-allocated: Kubernetes' NodeResourcesFit score with `scoringStrategy.type =
//! MostAllocated`, its default resources (CPU and memory, weight 1 each).
//!
//! Per resource, with requested_r = what the instance's tasks reserve plus what this task
//! asks, capped at the capacity, in integer arithmetic as kube-scheduler computes it:
//!
//! score_r = requested_r × 100 / registered_r   (0 when nothing is registered)
//! score   = (score_cpu × 1 + score_memory × 1) / 2
//!
//! each division truncating. Perfect at 100: the task fills both resources.
//!
//! Source: kube-scheduler's `noderesources` plugin (`most_allocated.go`,
//! `mostRequestedScore`), documented in "Resource Bin Packing"
//! (kubernetes.io/docs/concepts/scheduling-eviction/resource-bin-packing/). Kubernetes
//! breaks ties between nodes at random; here they go to the later rules, then the rank.

use super::{Ask, Candidate, PlacementPolicy, PolicyRng};

/// kube-scheduler's `MaxNodeScore`.
pub(super) const MAX_NODE_SCORE: u64 = 100;

/// The `most-allocated` policy (the module's formula); no settings.
#[derive(Clone, Copy, Debug, Default)]
pub struct MostAllocated;

/// (requested including the task, capacity) for CPU and memory, as kube-scheduler's
/// `calculateResourceAllocatableRequest` pairs them.
pub(super) fn requested(ask: &Ask<'_>, c: &Candidate<'_>) -> [(u64, u64); 2] {
    let (free, total) = (c.free(), c.registered());
    let pair = |need: u32, free: u32, total: u32| {
        (
            u64::from(total.saturating_sub(free)) + u64::from(need),
            u64::from(total),
        )
    };
    [
        pair(ask.need.cpu, free.cpu, total.cpu),
        pair(ask.need.memory, free.memory, total.memory),
    ]
}

impl PlacementPolicy for MostAllocated {
    fn score(&self, ask: &Ask<'_>, c: &Candidate<'_>, _: &mut PolicyRng) -> f64 {
        let each = requested(ask, c).map(|(requested, capacity)| {
            // Nothing registered scores 0.
            (requested.min(capacity) * MAX_NODE_SCORE)
                .checked_div(capacity)
                .unwrap_or(0)
        });
        ((each[0] + each[1]) / 2) as f64
    }

    fn perfect(&self) -> Option<f64> {
        Some(MAX_NODE_SCORE as f64)
    }
}
