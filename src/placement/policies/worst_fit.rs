//! worst-fit: the most left of the binding resource after placing.
//!
//! With the binding resource r* as in best-fit (the least free_r / asked_r over the
//! resources the task asks):
//!
//! score = (free_r* − asked_r*) / registered_r*
//!
//! so the candidate left with the largest share of its binding resource wins, which spreads
//! load and keeps room for growth.
//!
//! Source: Worst Fit for bin packing, each item into the bin with the most room (Johnson et
//! al., SIAM J. Computing 3(4), 1974); the mirror of best-fit, as DSLab ships
//! `best_fit.rs` and `worst_fit.rs` side by side.

use super::{Ask, Candidate, PlacementPolicy, PolicyRng, binding};

/// The `worst-fit` policy (the module's formula); no settings.
#[derive(Clone, Copy, Debug, Default)]
pub struct WorstFit;

impl PlacementPolicy for WorstFit {
    fn score(&self, ask: &Ask<'_>, c: &Candidate<'_>, _: &mut PolicyRng) -> f64 {
        binding(ask, c).map_or(0.0, |(free, need, total)| {
            f64::from(free.saturating_sub(need)) / f64::from(total)
        })
    }
}
