//! Task run-time distributions.

use crate::rng::StreamRng;
use crate::time::SimDuration;
use rand::Rng;
use rand_distr::{Distribution, Exp1, StandardNormal};

/// A random length of time: a job's task run time, or the time to an instance failure, a
/// Spot interruption, a task crash or hang. Parameters are in seconds and already checked
/// (means and deviations > 0, `min_s ≤ max_s`) by the scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum DurationDist {
    /// Always the same; draws nothing from the stream.
    Constant(SimDuration),
    /// Memoryless, as for failures arriving at a constant rate.
    Exponential {
        /// Mean, seconds.
        mean_s: f64,
    },
    /// Parameterised by the mean and standard deviation of the duration itself (seconds),
    /// which users know, rather than of its logarithm.
    LogNormal {
        /// Mean, seconds.
        mean_s: f64,
        /// Standard deviation, seconds.
        std_dev_s: f64,
    },
    /// Equally likely anywhere in `[min_s, max_s]`.
    Uniform {
        /// Shortest, seconds.
        min_s: f64,
        /// Longest, seconds.
        max_s: f64,
    },
}

impl DurationDist {
    /// One draw, rounded to the millisecond; the caller's stream is the only randomness used.
    pub fn sample(&self, rng: &mut StreamRng) -> SimDuration {
        let secs = match *self {
            DurationDist::Constant(d) => return d,
            DurationDist::Exponential { mean_s } => {
                let e: f64 = Exp1.sample(rng);
                e * mean_s
            }
            DurationDist::LogNormal { mean_s, std_dev_s } => {
                let (mu, sigma) = lognormal_params(mean_s, std_dev_s);
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            DurationDist::Uniform { min_s, max_s } => rng.random_range(min_s..=max_s),
        };
        SimDuration::from_secs_f64(secs)
    }

    /// Expected value in seconds, for the pre-run estimate of how many events a scenario
    /// makes.
    pub fn mean_s(&self) -> f64 {
        match *self {
            DurationDist::Constant(d) => d.as_secs_f64(),
            DurationDist::Exponential { mean_s } => mean_s,
            DurationDist::LogNormal { mean_s, .. } => mean_s,
            DurationDist::Uniform { min_s, max_s } => (min_s + max_s) / 2.0,
        }
    }
}

/// μ and σ of the underlying normal for a log-normal with the given mean and std dev.
fn lognormal_params(mean: f64, std_dev: f64) -> (f64, f64) {
    let variance_ratio = (std_dev / mean).powi(2);
    let sigma2 = (1.0 + variance_ratio).ln();
    (mean.ln() - sigma2 / 2.0, sigma2.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{StreamKind, stream};

    fn sample_mean(d: &DurationDist, n: usize) -> f64 {
        let mut rng = stream(3, StreamKind::JobDurations, 0);
        (0..n)
            .map(|_| d.sample(&mut rng).as_secs_f64())
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn means_match_their_parameters() {
        // n = 200 000; each tolerance is 4 standard errors of the sample mean.
        let n = 200_000;
        let se = |sd: f64| 4.0 * sd / (n as f64).sqrt();
        let exp = DurationDist::Exponential { mean_s: 100.0 };
        assert!((sample_mean(&exp, n) - 100.0).abs() < se(100.0));
        let ln = DurationDist::LogNormal {
            mean_s: 60.0,
            std_dev_s: 30.0,
        };
        assert!((sample_mean(&ln, n) - 60.0).abs() < se(30.0));
        let uni = DurationDist::Uniform {
            min_s: 10.0,
            max_s: 20.0,
        };
        assert!((sample_mean(&uni, n) - 15.0).abs() < se(10.0 / 12f64.sqrt()));
        let c = DurationDist::Constant(SimDuration(1234));
        assert_eq!(sample_mean(&c, 10), 1.234);
    }
}
