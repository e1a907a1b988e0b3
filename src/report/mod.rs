//! The edge that turns results into files and text: CSV and JSON writers, the atomic
//! output directory, the replay's recorder and the human summary table. Running a
//! scenario into a directory is [`crate::run_dir`]'s, one layer up.

mod csv_rows;
mod output_dir;
mod recorder;
pub mod replay;
mod table;
mod task_sample;

pub use output_dir::OutputDir;
pub use recorder::FileRecorder;
pub use table::summary_table;
pub use task_sample::{TaskSample, TaskSampler};

use crate::metrics::Summary;

/// `summary.json` bytes: pretty, key order fixed by the struct, a trailing newline.
pub fn summary_json(summary: &Summary) -> String {
    let mut text = serde_json::to_string_pretty(summary).expect("summary serializes");
    text.push('\n');
    text
}

/// Seconds with millisecond precision, as every time column is written.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}
