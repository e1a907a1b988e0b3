//! Which tasks a sampled `tasks.csv` keeps: each task independently with the sample's
//! probability, decided by a hash of the run's seed and the task's id. Nothing is drawn
//! from the simulation's random streams, so every other output is the same as in a full
//! run, and the same scenario and seed keep the same tasks every time.

use std::fmt;
use std::str::FromStr;

/// Mixed into the seed so the sample does not line up with any stream derived from it.
const SAMPLE_KEY: u64 = 0x7461_736b_735f_6373; // "tasks_cs"

/// The share of tasks a sampled `tasks.csv` keeps: more than 0, at most 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TaskSample {
    fraction: f64,
}

impl TaskSample {
    /// Errors, in words for the command line, unless `0 < fraction ≤ 1`; 0 gets its own
    /// message pointing at `--tasks none`.
    pub fn new(fraction: f64) -> Result<TaskSample, String> {
        if fraction > 0.0 && fraction <= 1.0 {
            Ok(TaskSample { fraction })
        } else if fraction == 0.0 {
            Err("a sample of 0 keeps no task; to write no tasks.csv, use --tasks none".into())
        } else {
            Err(format!(
                "{fraction} is not a share of tasks: give more than 0 and at most 1 (or 100%)"
            ))
        }
    }

    /// The share kept, in (0, 1].
    pub fn fraction(self) -> f64 {
        self.fraction
    }

    /// The rule for one run: which task ids it keeps.
    pub fn for_seed(self, seed: u64) -> TaskSampler {
        // fraction × 2^64, so a hash below it is kept with probability `fraction`
        // (1 keeps every task: no u64 reaches 2^64).
        let threshold = (self.fraction * 2f64.powi(64)) as u128;
        TaskSampler {
            key: mix(seed ^ SAMPLE_KEY),
            threshold,
        }
    }
}

impl FromStr for TaskSample {
    type Err = String;

    /// `0.01` or `1%`.
    fn from_str(text: &str) -> Result<TaskSample, String> {
        let text = text.trim();
        let (number, scale) = match text.strip_suffix('%') {
            Some(percent) => (percent.trim(), 100.0),
            None => (text, 1.0),
        };
        let not_a_share = || {
            format!(
                "`{text}` is not a share of tasks: give a fraction more than 0 and at most 1, like 0.01, or a percentage like 1%"
            )
        };
        let value: f64 = number.parse().map_err(|_| not_a_share())?;
        match value / scale {
            0.0 => TaskSample::new(0.0),
            share if share > 0.0 && share <= 1.0 => TaskSample::new(share),
            _ => Err(not_a_share()),
        }
    }
}

impl fmt::Display for TaskSample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.fraction * 100.0)
    }
}

/// [`TaskSample`] bound to a run's seed.
#[derive(Clone, Copy, Debug)]
pub struct TaskSampler {
    key: u64,
    threshold: u128,
}

impl TaskSampler {
    /// Whether the task with this id gets a row; the same answer every time for one seed.
    pub fn keeps(&self, task_id: u64) -> bool {
        u128::from(mix(self.key ^ task_id)) < self.threshold
    }
}

/// SplitMix64: every input bit moves every output bit, so consecutive task ids give
/// unrelated hashes.
fn mix(x: u64) -> u64 {
    crate::rng::splitmix64(&mut { x })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_fractions_or_percentages() {
        assert_eq!("0.01".parse::<TaskSample>().unwrap().fraction(), 0.01);
        assert_eq!("1%".parse::<TaskSample>().unwrap().fraction(), 0.01);
        assert_eq!("100%".parse::<TaskSample>().unwrap().fraction(), 1.0);
        assert_eq!(" 25 % ".parse::<TaskSample>().unwrap().fraction(), 0.25);
        for bad in [
            "0", "0%", "-0.1", "1.5", "150%", "abc", "NaN", "inf", "", "%",
        ] {
            let e = bad.parse::<TaskSample>().unwrap_err();
            assert!(
                e.contains("share of tasks") || e.contains("--tasks none"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn a_full_sample_keeps_every_task() {
        let all = TaskSample::new(1.0).unwrap().for_seed(42);
        assert!((0..100_000).all(|id| all.keeps(id)));
    }

    #[test]
    fn the_kept_share_is_the_fraction_within_its_binomial_interval() {
        // 200,000 ids at p = 0.05: mean 10,000, sd sqrt(n p (1 - p)) = 97.5; 4.4 sd
        // (two-sided 1e-5) is ±429.
        let n = 200_000;
        for seed in [1, 7, 2024] {
            let sampler = TaskSample::new(0.05).unwrap().for_seed(seed);
            let kept = (0..n).filter(|&id| sampler.keeps(id)).count() as f64;
            assert!((kept - 10_000.0).abs() < 429.0, "seed {seed}: {kept}");
        }
    }

    #[test]
    fn different_seeds_keep_different_tasks() {
        let a = TaskSample::new(0.5).unwrap().for_seed(1);
        let b = TaskSample::new(0.5).unwrap().for_seed(2);
        // Independent halves agree on about half of 10,000 ids (sd 50).
        let agree = (0..10_000).filter(|&id| a.keeps(id) == b.keeps(id)).count();
        assert!((4_800..5_200).contains(&agree), "{agree}");
    }
}
