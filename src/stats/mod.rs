//! Output statistics for simulation runs.

mod confidence;
mod error;
mod special;
mod student_t;
mod welford;

pub use confidence::{
    ConfidenceInterval, DEFAULT_CONFIDENCE, paired_difference, welch_difference,
};
pub use error::StatsError;
pub use student_t::{normal_quantile, student_t_quantile};
pub use welford::Welford;
