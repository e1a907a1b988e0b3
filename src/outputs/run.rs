//! A run directory: `summary.json`, `timeseries.csv`, `tasks.csv`.

use super::figure::figure;
use super::tasks::{self, Frame, Tasks};
use super::{LoadError, number, read_json};
use serde_json::Value;
use std::path::Path;

/// One run's results, as the charts and `report.html` draw them.
pub struct RunOutputs {
    /// `summary.json`'s `scenario`, the scenario's name.
    pub scenario: String,
    /// `None` when `summary.json` does not record one.
    pub seed: Option<u64>,
    /// All of `summary.json`, read by JSON pointer through [`figure`](Self::figure).
    pub summary: Value,
    /// `timeseries.csv`.
    pub series: TimeSeries,
    /// What the charts and notes need of tasks.csv, read in one pass (boxed: it is most of
    /// the value's size).
    pub tasks: Box<Tasks>,
}

/// `timeseries.csv` as columns of numbers; an empty cell is NaN.
pub struct TimeSeries {
    /// The header's names, e.g. `time_s`, `<service>.running`.
    pub columns: Vec<String>,
    /// One vector per column, in `columns` order, each with one value per sample row.
    pub values: Vec<Vec<f64>>,
}

impl TimeSeries {
    /// The named column's values; `None` when the file has no such column.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        let i = self.columns.iter().position(|c| c == name)?;
        Some(&self.values[i])
    }

    /// Sample times, seconds since time zero (the warm-up included); empty without the
    /// column.
    pub fn time_s(&self) -> &[f64] {
        self.column("time_s").unwrap_or(&[])
    }

    /// Sample rows.
    pub fn len(&self) -> usize {
        self.values.first().map_or(0, Vec::len)
    }

    /// True when the file has a header and no samples.
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
    /// Reads `summary.json`, `timeseries.csv` and `tasks.csv` from `dir`; all three must be
    /// there, and `summary.json` must name its scenario.
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

    /// The name behind an index in [`Tasks`] (origin, instance, capacity provider or stop
    /// reason).
    pub fn name(&self, index: u32) -> &str {
        self.tasks.name(index)
    }

    /// A number in `summary.json` at a JSON pointer such as `/cost_usd/total`; `None` when
    /// absent or not a number.
    pub fn figure(&self, pointer: &str) -> Option<f64> {
        number(&self.summary, pointer)
    }

    /// Seconds before measurement began; 0 when the summary does not say.
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
