//! Typed readers for the files `run`, `compare` and `sweep` write, so charts and the HTML
//! report work on any existing output directory. Readers tolerate optional keys a newer or
//! older `summary.json` may lack: a missing figure is `None`, never an error.

mod compare;
pub mod figure;
mod recommend;
mod run;
mod sweep;
mod tasks;

pub use compare::{
    BreakEvenLine, COMMITMENT_RECOMMENDATION, CommitmentCurveView, CompareOutputs, CompareTargets,
    CurvePointView, LegFigures, OriginMoveView, PER_SERVICE,
};
pub use recommend::{
    CandidateView, ManagedView, ProbeView, RECOMMEND, RecommendOutputs, RunFigures, TargetView,
};
pub use run::{RunOutputs, TimeSeries};
pub use sweep::{Interval, SweepMetric, SweepOutputs, SweepVariant, short_value};
pub use tasks::{
    COST_BANDS, FirstSeen, HEAT_COLUMNS, MAX_HEAT_INSTANCES, Marks, OTHER_ORIGINS, Placed, Restart,
    Sample, Stops, Tasks, Wait,
};

use serde_json::Value;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// What an output directory holds.
pub enum Outputs {
    /// `ecsim run`'s directory.
    Run(RunOutputs),
    /// `ecsim compare`'s.
    Compare(CompareOutputs),
    /// `ecsim compare --recommend`'s.
    Recommend(RecommendOutputs),
    /// `ecsim sweep`'s (or `sweep merge`'s).
    Sweep(SweepOutputs),
}

/// Why an output directory could not be read; the message names the file and, for a bad
/// value, its line and column or field.
#[derive(Debug, Error)]
pub enum LoadError {
    /// The directory holds none of `summary.json`, `compare.json`, `recommend.json`,
    /// `sweep.json`.
    #[error(
        "{0}: not an ecsim output directory (expected summary.json from `ecsim run`, compare.json from `ecsim compare`, recommend.json from `ecsim compare --recommend` or sweep.json from `ecsim sweep`)"
    )]
    NotOutputs(PathBuf),
    /// A file is unreadable, not valid JSON or CSV, or lacks a field or column it needs.
    #[error("{path}: {message}")]
    Bad {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong, in words, located within the file where possible.
        message: String,
    },
}

impl LoadError {
    pub(crate) fn bad(path: &Path, message: impl Into<String>) -> LoadError {
        LoadError::Bad {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}

/// Reads whichever results `dir` holds; a sweep wins over a compare over a recommendation
/// over a run when a directory somehow holds several.
pub fn load(dir: &Path) -> Result<Outputs, LoadError> {
    if dir.join("sweep.json").is_file() {
        Ok(Outputs::Sweep(SweepOutputs::load(dir)?))
    } else if dir.join("compare.json").is_file() {
        Ok(Outputs::Compare(CompareOutputs::load(dir)?))
    } else if dir.join(RECOMMEND).is_file() {
        Ok(Outputs::Recommend(RecommendOutputs::load(dir)?))
    } else if dir.join("summary.json").is_file() {
        Ok(Outputs::Run(RunOutputs::load(dir)?))
    } else {
        Err(LoadError::NotOutputs(dir.to_path_buf()))
    }
}

pub(crate) fn read_json(path: &Path) -> Result<Value, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, &e))?;
    if let Some((line, column, why)) = figure::first_bad_json_number(&text) {
        return Err(LoadError::bad(
            path,
            format!("line {line}, column {column}: {why}"),
        ));
    }
    serde_json::from_str(&text)
        .map_err(|e| LoadError::bad(path, format!("line {}: not valid JSON ({e})", e.line())))
}

/// A file that could not be read, in words.
pub(crate) fn io_error(path: &Path, e: &std::io::Error) -> LoadError {
    LoadError::bad(path, crate::scenario::io_words(e))
}

/// A number at a `/`-separated JSON pointer, if present and numeric.
pub fn number(value: &Value, pointer: &str) -> Option<f64> {
    value.pointer(pointer).and_then(Value::as_f64)
}

/// Every numeric leaf under `value` with dotted names, in file order; a null (a non-finite
/// float as JSON writes it) is NaN, so every record of one shape has the same names.
pub fn leaves(value: &Value) -> Vec<(String, f64)> {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<(String, f64)>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let name = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&name, child, out);
                }
            }
            Value::Number(n) => out.push((prefix.to_string(), n.as_f64().unwrap_or(f64::NAN))),
            Value::Null => out.push((prefix.to_string(), f64::NAN)),
            Value::String(_) | Value::Bool(_) | Value::Array(_) => {}
        }
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}
