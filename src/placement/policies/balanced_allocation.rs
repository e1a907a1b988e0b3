//! balanced-allocation: Kubernetes' NodeResourcesBalancedAllocation score, over its default
//! resources (CPU and memory).
//!
//! With fraction_r = min(requested_r / registered_r, 1), requested_r being what the
//! instance's tasks reserve plus what this task asks (resources with nothing registered
//! left out), and std their standard deviation (|fraction_cpu − fraction_memory| / 2 for
//! two resources, 0 for fewer):
//!
//! score = truncate((1 − std) × 100)
//!
//! so the instance whose CPU and memory would be most evenly used wins. Perfect at 100.
//! Kubernetes pairs it with LeastAllocated; chain it after or before another rule to do the
//! same.
//!
//! Source: kube-scheduler's `noderesources` plugin (`balanced_allocation.go`,
//! `balancedResourceScorer`: "score = (1 - std) * MaxNodeScore"), after Wei Huang et al.,
//! "An Energy Efficient Virtual Machine Placement Algorithm with Balanced Resource
//! Utilization" (2013).

use super::most_allocated::{MAX_NODE_SCORE, requested};
use super::{Ask, Candidate, PlacementPolicy, PolicyRng};

/// The `balanced-allocation` policy (the module's formula); no settings.
#[derive(Clone, Copy, Debug, Default)]
pub struct BalancedAllocation;

impl PlacementPolicy for BalancedAllocation {
    fn score(&self, ask: &Ask<'_>, c: &Candidate<'_>, _: &mut PolicyRng) -> f64 {
        let fraction = |(requested, capacity): (u64, u64)| {
            (capacity > 0).then(|| (requested as f64 / capacity as f64).min(1.0))
        };
        let [cpu, memory] = requested(ask, c).map(fraction);
        let std = match (cpu, memory) {
            (Some(a), Some(b)) => ((a - b) / 2.0).abs(),
            _ => 0.0,
        };
        ((1.0 - std) * MAX_NODE_SCORE as f64).trunc()
    }

    fn perfect(&self) -> Option<f64> {
        Some(MAX_NODE_SCORE as f64)
    }
}
