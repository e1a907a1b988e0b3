//! Output statistics for simulation runs.

mod special;
mod student_t;

pub use student_t::{normal_quantile, student_t_quantile};
