//! Why an interval could not be built.

use thiserror::Error;

/// Why a confidence interval could not be built; callers such as the sweep tables print no
/// interval rather than fail the run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StatsError {
    /// A sample variance needs two observations; one replication gives no interval.
    #[error("need at least {needed} samples, got {got}")]
    TooFewSamples {
        /// Always 2 today.
        needed: usize,
        /// Observations supplied.
        got: usize,
    },
    /// A paired difference was asked of samples of different lengths.
    #[error("paired samples must have equal lengths, got {left} and {right}")]
    LengthMismatch {
        /// Length of the first sample.
        left: usize,
        /// Length of the second.
        right: usize,
    },
    /// The level (carried) is not strictly between 0 and 1.
    #[error("confidence level must be strictly between 0 and 1, got {0}")]
    InvalidConfidence(f64),
    /// A NaN or infinite observation, or a difference that overflowed.
    #[error("sample contains a non-finite value")]
    NonFinite,
}
