//! Output statistics for simulation runs: running moments, confidence
//! intervals, queueing-theory reference values, latency histograms and
//! time-weighted averages.

mod confidence;
mod error;
mod histogram;
mod queueing;
mod special;
mod student_t;
mod time_weighted;
mod welford;

pub use confidence::{ConfidenceInterval, DEFAULT_CONFIDENCE, paired_difference, welch_difference};
pub use error::StatsError;
pub use histogram::LatencyHistogram;
pub use queueing::{erlang_b, erlang_c, mmc_mean_queue_length, mmc_mean_response, mmc_mean_wait};
pub use student_t::{normal_quantile, student_t_quantile};
pub use time_weighted::TimeWeighted;
pub use welford::Welford;
