//! A run directory: `summary.json`, `timeseries.csv`, `tasks.csv`.

use super::figure::figure;
use super::tasks::{self, Frame, Tasks};
use super::{LoadError, number, read_json};
use serde_json::Value;
use std::path::Path;

pub struct RunOutputs {
    pub scenario: String,
    pub seed: Option<u64>,
    pub summary: Value,
    pub series: TimeSeries,
    /// What the charts and notes need of tasks.csv, read in one pass (boxed: it is most of
    /// the value's size).
    pub tasks: Box<Tasks>,
}

/// `timeseries.csv` as columns of numbers; an empty cell is NaN.
pub struct TimeSeries {
    pub columns: Vec<String>,
    pub values: Vec<Vec<f64>>,
}

impl TimeSeries {
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        let i = self.columns.iter().position(|c| c == name)?;
        Some(&self.values[i])
    }

    pub fn time_s(&self) -> &[f64] {
        self.column("time_s").unwrap_or(&[])
    }

    pub fn len(&self) -> usize {
        self.values.first().map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `<name>` prefixes of columns ending in `.<suffix>`, in column order.
    pub fn prefixes(&self, suffix: &str) -> Vec<String> {
        let tail = format!(".{suffix}");
        self.columns
            .iter()
            .filter_map(|c| c.strip_suffix(&tail).map(str::to_string))
            .collect()
    }
}

impl RunOutputs {
    pub fn load(dir: &Path) -> Result<RunOutputs, LoadError> {
        let summary_path = dir.join("summary.json");
        let summary = read_json(&summary_path)?;
        let scenario = summary
            .get("scenario")
            .and_then(Value::as_str)
            .ok_or_else(|| LoadError::bad(&summary_path, "field `scenario` is missing"))?
            .to_string();
        let seed = summary.get("seed").and_then(Value::as_u64);
        let series = load_series(&dir.join("timeseries.csv"))?;
        let mut run = RunOutputs {
            scenario,
            seed,
            summary,
            series,
            tasks: Box::default(),
        };
        let frame = Frame {
            warmup_s: run.warmup_s(),
            horizon_s: run.horizon_s(),
            times: run.series.time_s(),
        };
        let tasks = tasks::load(&dir.join("tasks.csv"), &frame)?;
        run.tasks = Box::new(tasks);
        Ok(run)
    }

    pub fn name(&self, index: u32) -> &str {
        self.tasks.name(index)
    }

    pub fn figure(&self, pointer: &str) -> Option<f64> {
        number(&self.summary, pointer)
    }

    pub fn warmup_s(&self) -> f64 {
        self.figure("/warmup_s").unwrap_or(0.0)
    }

    /// The run's end: warm-up plus the measured window, or the last sample.
    pub fn horizon_s(&self) -> f64 {
        match self.figure("/sim_time_s") {
            Some(t) => self.warmup_s() + t,
            None => self.series.time_s().last().copied().unwrap_or(0.0),
        }
    }
}

fn load_series(path: &Path) -> Result<TimeSeries, LoadError> {
    let csv_error = |e: csv::Error| match e.kind() {
        csv::ErrorKind::Io(io) => super::io_error(path, io),
        _ => LoadError::bad(path, tasks::csv_words(&e)),
    };
    let mut reader = csv::Reader::from_path(path).map_err(csv_error)?;
    let columns: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(str::to_string)
        .collect();
    let mut values = vec![Vec::new(); columns.len()];
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(csv_error)? {
        let line = record.position().map_or(0, |p| p.line());
        for (i, cell) in record.iter().enumerate().take(columns.len()) {
            let x = if cell.is_empty() {
                f64::NAN
            } else {
                figure(cell).map_err(|why| {
                    LoadError::bad(
                        path,
                        format!("line {line}, column {} (`{}`): {why}", i + 1, columns[i]),
                    )
                })?
            };
            values[i].push(x);
        }
    }
    Ok(TimeSeries { columns, values })
}
