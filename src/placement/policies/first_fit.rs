//! first-fit: the earliest-launched instance that fits.
//!
//! score = −launch, where launch counts the instances launched before this one.
//!
//! Source: First Fit for bin packing, each item into the lowest-numbered bin with room
//! (Johnson, Demers, Ullman, Garey and Graham, "Worst-case performance bounds for simple
//! one-dimensional packing algorithms", SIAM J. Computing 3(4), 1974). Bins are numbered
//! here by launch order, which outlives slot reuse; "fits" is ECS's own filter, on every
//! resource.

use super::{Ask, Candidate, PlacementPolicy, PolicyRng};

/// The `first-fit` policy (the module's formula); no settings.
#[derive(Clone, Copy, Debug, Default)]
pub struct FirstFit;

impl PlacementPolicy for FirstFit {
    fn score(&self, _: &Ask<'_>, c: &Candidate<'_>, _: &mut PolicyRng) -> f64 {
        -f64::from(c.launch())
    }
}
