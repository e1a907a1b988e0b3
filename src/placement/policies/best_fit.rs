//! best-fit: the least left of the binding resource after placing.
//!
//! On each candidate the binding resource r* is the one that runs out first if the
//! instance took copies of the task: the least free_r / asked_r over the resources the
//! task asks (CPU, memory, GPUs, ENIs; the first on a tie). Then
//!
//! score = −(free_r* − asked_r*) / registered_r*
//!
//! so the candidate left with the smallest share of its binding resource wins. Perfect at 0:
//! the task fills the binding resource exactly.
//!
//! Source: Best Fit for bin packing, each item into the bin it leaves with the least room
//! (Johnson et al., SIAM J. Computing 3(4), 1974); with several resources, the residual of
//! the bottleneck resource, one of the size measures compared by Panigrahy, Talwar, Uyeda
//! and Wieder, "Heuristics for Vector Bin Packing" (Microsoft Research, 2011). Unlike ECS's
//! binpack, which names one resource for every task, the resource is the task's bottleneck
//! on that instance, and the residual is a share, so instance sizes compare.

use super::{Ask, Candidate, PlacementPolicy, PolicyRng, binding};

/// The `best-fit` policy (the module's formula); no settings.
#[derive(Clone, Copy, Debug, Default)]
pub struct BestFit;

impl PlacementPolicy for BestFit {
    fn score(&self, ask: &Ask<'_>, c: &Candidate<'_>, _: &mut PolicyRng) -> f64 {
        binding(ask, c).map_or(0.0, |(free, need, total)| {
            -(f64::from(free.saturating_sub(need)) / f64::from(total))
        })
    }

    fn perfect(&self) -> Option<f64> {
        Some(0.0)
    }
}
