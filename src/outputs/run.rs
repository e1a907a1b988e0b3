//! A run directory: `summary.json`, `timeseries.csv`, `tasks.csv`.

use super::{LoadError, number, read_json};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

pub struct RunOutputs {
    pub scenario: String,
    pub seed: Option<u64>,
    pub summary: Value,
    pub series: TimeSeries,
    pub tasks: Vec<TaskRecord>,
    /// Interned names the task records index: origins, instances, providers.
    pub names: Vec<String>,
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

/// One row of `tasks.csv`; names are indexes into [`RunOutputs::names`].
#[derive(Clone, Copy, Debug)]
pub struct TaskRecord {
    pub is_service: bool,
    pub origin: u32,
    pub fargate: bool,
    pub capacity_provider: u32,
    pub instance: u32,
    pub cpu: u32,
    pub created_s: f64,
    pub placed_s: Option<f64>,
    pub running_s: Option<f64>,
    pub stopped_s: Option<f64>,
    pub pending_s: Option<f64>,
    pub stop_reason: u32,
    pub cost_usd: f64,
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
        let mut names = Names::default();
        let tasks = load_tasks(&dir.join("tasks.csv"), &mut names)?;
        Ok(RunOutputs {
            scenario,
            seed,
            summary,
            series,
            tasks,
            names: names.list,
        })
    }

    pub fn name(&self, index: u32) -> &str {
        &self.names[index as usize]
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

fn csv_reader(path: &Path) -> Result<csv::Reader<std::fs::File>, LoadError> {
    csv::Reader::from_path(path).map_err(|e| LoadError::bad(path, e.to_string()))
}

fn load_series(path: &Path) -> Result<TimeSeries, LoadError> {
    let mut reader = csv_reader(path)?;
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| LoadError::bad(path, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut values = vec![Vec::new(); columns.len()];
    let mut record = csv::StringRecord::new();
    let mut line = 1;
    while reader
        .read_record(&mut record)
        .map_err(|e| LoadError::bad(path, e.to_string()))?
    {
        line += 1;
        for (i, cell) in record.iter().enumerate().take(columns.len()) {
            let x = if cell.is_empty() {
                f64::NAN
            } else {
                cell.parse().map_err(|_| {
                    LoadError::bad(
                        path,
                        format!(
                            "line {line}: column `{}` is `{cell}`, not a number",
                            columns[i]
                        ),
                    )
                })?
            };
            values[i].push(x);
        }
    }
    Ok(TimeSeries { columns, values })
}

#[derive(Default)]
struct Names {
    index: HashMap<String, u32>,
    list: Vec<String>,
}

impl Names {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }
}

fn load_tasks(path: &Path, names: &mut Names) -> Result<Vec<TaskRecord>, LoadError> {
    let mut reader = csv_reader(path)?;
    let header = reader
        .headers()
        .map_err(|e| LoadError::bad(path, e.to_string()))?
        .clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| LoadError::bad(path, format!("column `{name}` is missing")))
    };
    let columns: Vec<usize> = [
        "origin_kind",
        "origin",
        "launch_type",
        "capacity_provider",
        "instance",
        "cpu",
        "created_s",
        "placed_s",
        "running_s",
        "stopped_s",
        "pending_s",
        "stop_reason",
        "cost_usd",
    ]
    .iter()
    .map(|name| col(name))
    .collect::<Result<_, _>>()?;
    let [
        kind,
        origin,
        launch,
        provider,
        instance,
        cpu,
        created,
        placed,
        running,
        stopped,
        pending,
        reason,
        cost,
    ]: [usize; 13] = columns.try_into().expect("one index per name");
    let mut tasks = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut line = 1;
    while reader
        .read_record(&mut record)
        .map_err(|e| LoadError::bad(path, e.to_string()))?
    {
        line += 1;
        let field = |i: usize| record.get(i).unwrap_or("");
        let bad = |i: usize| {
            LoadError::bad(
                path,
                format!(
                    "line {line}: column `{}` is `{}`, not a number",
                    &header[i],
                    field(i)
                ),
            )
        };
        let opt = |i: usize| -> Result<Option<f64>, LoadError> {
            match field(i) {
                "" => Ok(None),
                s => s.parse().map(Some).map_err(|_| bad(i)),
            }
        };
        tasks.push(TaskRecord {
            is_service: field(kind) == "service",
            origin: names.intern(field(origin)),
            fargate: field(launch) == "FARGATE",
            capacity_provider: names.intern(field(provider)),
            instance: names.intern(field(instance)),
            cpu: field(cpu).parse().map_err(|_| bad(cpu))?,
            created_s: opt(created)?.ok_or_else(|| bad(created))?,
            placed_s: opt(placed)?,
            running_s: opt(running)?,
            stopped_s: opt(stopped)?,
            pending_s: opt(pending)?,
            stop_reason: names.intern(field(reason)),
            cost_usd: opt(cost)?.unwrap_or(0.0),
        });
    }
    Ok(tasks)
}
