//! dominant-best-fit: the instance whose dominant share would be the largest after placing.
//!
//! With used_r = registered_r − free_r, over CPU, memory, GPUs and ENIs the instance has:
//!
//! score = max_r (used_r + asked_r) / registered_r
//!
//! the instance's dominant share once the task is on it. The candidate closest to full in
//! its fullest resource wins, so instances fill up one by one whatever resource fills them.
//! Perfect at 1: the task fills some resource of the instance.
//!
//! Source: the dominant share of Dominant Resource Fairness (Ghodsi, Zaharia, Hindman,
//! Konwinski, Shenker and Stoica, "Dominant Resource Fairness: Fair Allocation of Multiple
//! Resource Types", NSDI 2011), taken per machine as a best-fit measure. It differs from
//! best-fit, which looks only at the resource the task runs out of first: here a resource
//! the task hardly asks for can make an instance the fullest.

use super::{Ask, Candidate, PlacementPolicy, PolicyRng};

/// The `dominant-best-fit` policy (the module's formula); no settings.
#[derive(Clone, Copy, Debug, Default)]
pub struct DominantBestFit;

impl PlacementPolicy for DominantBestFit {
    fn score(&self, ask: &Ask<'_>, c: &Candidate<'_>, _: &mut PolicyRng) -> f64 {
        let (need, free, total) = (ask.need.each(), c.free().each(), c.registered().each());
        (0..4)
            .filter(|&r| total[r] > 0)
            .map(|r| {
                let used = f64::from(total[r]) - f64::from(free[r]);
                (used + f64::from(need[r])) / f64::from(total[r])
            })
            .fold(0.0, f64::max)
    }

    fn perfect(&self) -> Option<f64> {
        Some(1.0)
    }
}
