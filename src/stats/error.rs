use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum StatsError {
    #[error("need at least {needed} samples, got {got}")]
    TooFewSamples { needed: usize, got: usize },
    #[error("paired samples must have equal lengths, got {left} and {right}")]
    LengthMismatch { left: usize, right: usize },
    #[error("confidence level must be strictly between 0 and 1, got {0}")]
    InvalidConfidence(f64),
    #[error("sample contains a non-finite value")]
    NonFinite,
}
