//! tetris: the instance whose free resources best align with what the task asks.
//!
//! score = Σ_r (asked_r / registered_r) × (free_r / registered_r)
//!
//! over CPU, memory, GPUs and ENIs (a resource the instance does not have adds nothing, nor
//! does one the task does not ask), with free amounts before placing.
//!
//! Source: the alignment score of Tetris (Grandl, Ananthanarayanan, Kandula, Rao and
//! Akella, "Multi-Resource Packing for Cluster Schedulers", SIGCOMM 2014, §3.2): the dot
//! product of a task's peak demand vector and a machine's available-resource vector, both
//! normalized by the machine's capacity. It favours machines with much of whatever the task
//! needs much of, so big tasks land where their shape fits. Only the packing score is
//! modelled: Tetris's fairness knob and shortest-remaining-time term need job sizes ECS
//! does not know.

use super::{Ask, Candidate, PlacementPolicy, PolicyRng};

/// The `tetris` policy (the module's formula); no settings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tetris;

impl PlacementPolicy for Tetris {
    fn score(&self, ask: &Ask<'_>, c: &Candidate<'_>, _: &mut PolicyRng) -> f64 {
        let (need, free, total) = (ask.need.each(), c.free().each(), c.registered().each());
        (0..4)
            .filter(|&r| total[r] > 0)
            .map(|r| {
                let t = f64::from(total[r]);
                (f64::from(need[r]) / t) * (f64::from(free[r]) / t)
            })
            .sum()
    }
}
