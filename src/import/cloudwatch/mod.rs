//! `ecsim import cloudwatch`: a service's measured load, exported from CloudWatch, as a
//! demand curve in ecsim's CSV (`seconds,value` steps from time zero) that a scenario's
//! `demand = { type = "csv", path = ... }` (or `queue.arrival`) replays.
//!
//! Inputs: `aws cloudwatch get-metric-data` JSON (`metric_data`) or the console's CSV
//! download (`console_csv`), in any number of files and pages, newest first or oldest
//! first. Mapping, stated once here and in scenarios/README.md:
//!
//! - `CPUUtilization` (ECS's service metric, Average: used CPU over the CPU the running
//!   tasks reserve) becomes CPU units: `percent / 100 × tasks × task cpu`, the tasks and
//!   size that were in effect when it was measured. ecsim's own utilization is that demand
//!   over the simulated tasks' reservation, so a replay on the same tasks reads the same
//!   percentages.
//! - `RequestCount` (the load balancer's Sum per period) becomes a rate, requests per
//!   second = count / period; with a CPU cost per request, CPU units = rate × cost (ms) /
//!   1000 × 1024.
//! - Time zero is the earliest datapoint; each datapoint holds until the next. A gap (next
//!   datapoint more than one period later) either drops to zero at the end of the
//!   datapoint's period (`Gaps::Zero`, the default for RequestCount: a load balancer
//!   publishes no datapoint without requests) or keeps the last value (`Gaps::Hold`, the
//!   default for CPUUtilization: ECS reports nothing while no task runs, which says
//!   nothing about the load that arrived).

mod console_csv;
mod metric_data;
pub mod timestamp;

use crate::import::one_line;
use crate::scenario::ScenarioError;
use std::fmt::Write as _;
use std::path::PathBuf;

/// One datapoint as read.
#[derive(Clone, Debug)]
pub struct Point {
    /// Milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// As CloudWatch gave it: a percentage for CPUUtilization, a count per period for
    /// RequestCount; finite and not negative.
    pub value: f64,
    /// Where it was read.
    pub origin: Origin,
}

/// Where a datapoint was read, to locate an error about it later without keeping a line
/// number per datapoint.
#[derive(Clone, Copy, Debug)]
pub enum Origin {
    /// A value in get-metric-data JSON.
    Json {
        /// Index of the input file.
        input: usize,
        /// Byte offset of the JSON document within the file (a file may hold several
        /// pages one after another).
        doc_start: usize,
        /// Index into the document's `MetricDataResults`.
        result: usize,
        /// Index into that result's `Values`.
        index: usize,
    },
    /// A cell of the console's CSV.
    Csv {
        /// Index of the input file.
        input: usize,
        /// 1-based line.
        line: usize,
        /// 0-based column.
        column: usize,
    },
}

/// One metric's datapoints: a get-metric-data `Id` (all its pages), or a console CSV column.
#[derive(Clone, Debug)]
pub struct Series {
    /// get-metric-data's `Id`; a CSV column's name.
    pub id: String,
    /// get-metric-data's `Label`; a CSV column's name again.
    pub label: String,
    /// In the order read: not yet sorted, and duplicates across pages not yet removed.
    pub points: Vec<Point>,
}

/// The CloudWatch metrics the import knows how to turn into demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// ECS's service CPU, Average, percent of the running tasks' reserved CPU.
    CpuUtilization,
    /// A load balancer's requests, Sum per period.
    RequestCount,
}

impl Metric {
    /// The metric names, for the errors that ask for `--metric`.
    pub const ALLOWED: &'static str = "CPUUtilization, RequestCount";

    /// CloudWatch's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Metric::CpuUtilization => "CPUUtilization",
            Metric::RequestCount => "RequestCount",
        }
    }

    /// `--metric`'s value: CloudWatch's name, or the short `cpu` / `requests`; `None` for
    /// anything else.
    pub fn from_name(name: &str) -> Option<Metric> {
        match name {
            "CPUUtilization" | "cpu" => Some(Metric::CpuUtilization),
            "RequestCount" | "requests" => Some(Metric::RequestCount),
            _ => None,
        }
    }

    /// The metric a label or `Id` names (CloudWatch's default label is the metric name).
    fn named_in(text: &str) -> Option<Metric> {
        let t = text.to_ascii_lowercase();
        if t.contains("cpuutilization") {
            Some(Metric::CpuUtilization)
        } else if t.contains("requestcount") && !t.contains("pertarget") {
            Some(Metric::RequestCount)
        } else {
            None
        }
    }

    fn default_gaps(self) -> Gaps {
        match self {
            Metric::CpuUtilization => Gaps::Hold,
            Metric::RequestCount => Gaps::Zero,
        }
    }
}

/// What a missing datapoint means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gaps {
    /// No load: demand is zero from the end of the last datapoint's period.
    Zero,
    /// Unknown load: the last value holds until the next datapoint.
    Hold,
}

impl Gaps {
    /// `--gaps`'s word for it.
    pub fn name(self) -> &'static str {
        match self {
            Gaps::Zero => "zero",
            Gaps::Hold => "hold",
        }
    }
}

/// The user's choices; what they leave out is inferred or defaulted as the module says.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The `Id` or label (CSV: column name) to read, when the export holds several.
    pub series: Option<String>,
    /// Which metric the series is; inferred from its label or `Id` when absent.
    pub metric: Option<Metric>,
    /// CPUUtilization: tasks running and their CPU units when it was measured.
    pub tasks: Option<u32>,
    /// CPUUtilization: a series in the export giving the running task count over time
    /// (Container Insights' `RunningTaskCount`), instead of one `tasks` for all of it.
    pub tasks_series: Option<String>,
    /// CPUUtilization: CPU units one task reserves (1024 to a vCPU); required for it.
    pub task_cpu: Option<u32>,
    /// RequestCount: CPU milliseconds one request costs; without it the curve is requests/s.
    pub cpu_ms_per_request: Option<f64>,
    /// Seconds between datapoints; inferred from the closest two when absent.
    pub period_s: Option<u64>,
    /// The gap rule; the metric's default (see [`Gaps`]) when absent.
    pub gaps: Option<Gaps>,
}

/// What the curve's values measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// CPU units of demand (1024 to a vCPU): what a scenario's demand curve means.
    CpuUnits,
    /// RequestCount without a CPU cost per request.
    RequestsPerSecond,
}

impl Unit {
    /// The value column's header in the written CSV.
    pub fn column(self) -> &'static str {
        match self {
            Unit::CpuUnits => "cpu_units",
            Unit::RequestsPerSecond => "requests_per_s",
        }
    }
}

/// The demand curve, ready to write.
#[derive(Clone, Debug)]
pub struct Demand {
    /// (milliseconds after time zero, value), strictly increasing times.
    pub steps: Vec<(u64, f64)>,
    /// What the values measure.
    pub unit: Unit,
    /// The metric read, given or inferred.
    pub metric: Metric,
    /// The `Id` (or CSV column) of the series converted.
    pub series: String,
    /// Time zero: the first datapoint, milliseconds since the Unix epoch.
    pub start_ms: i64,
    /// Datapoint period, milliseconds.
    pub period_ms: u64,
    /// True when the period was taken from the closest two datapoints, not `--period`.
    pub period_inferred: bool,
    /// When the last datapoint's period ends, after time zero.
    pub end_ms: u64,
    /// Distinct timestamps read (a page given twice counts once).
    pub datapoints: usize,
    /// Spaces between datapoints longer than the period.
    pub gaps: usize,
    /// How those gaps were filled.
    pub gap_rule: Gaps,
    /// The formula from metric to value, in words.
    pub mapping: String,
    /// What the user should know: partial data, CloudWatch's messages.
    pub notes: Vec<String>,
}

/// Reads every input (path, text) and converts the chosen series.
pub fn import(inputs: &[(PathBuf, String)], options: &Options) -> Result<Demand, ScenarioError> {
    let mut all = Vec::new();
    let mut notes = Vec::new();
    for (input, (path, text)) in inputs.iter().enumerate() {
        if text.trim_start().starts_with('{') {
            metric_data::read(input, path, text, &mut all, &mut notes)?;
        } else {
            console_csv::read(input, path, text, &mut all)?;
        }
    }
    let tasks = match &options.tasks_series {
        Some(want) => Some(take(&mut all, Some(want), "--tasks-series", inputs)?),
        None => None,
    };
    let series = take(&mut all, options.series.as_deref(), "--series", inputs)?;
    convert(series, tasks, options, inputs, notes)
}

fn input_error(
    inputs: &[(PathBuf, String)],
    message: String,
    allowed: Option<String>,
) -> ScenarioError {
    ScenarioError {
        file: inputs.first().map(|(p, _)| p.clone()).unwrap_or_default(),
        line: None,
        column: None,
        field: String::new(),
        message,
        allowed,
    }
}

/// Takes the series `want` names (by `Id` or label) out of `all`, or the only one when
/// `want` is absent; `flag` is the option that names it.
fn take(
    all: &mut Vec<Series>,
    want: Option<&str>,
    flag: &str,
    inputs: &[(PathBuf, String)],
) -> Result<Series, ScenarioError> {
    let names = |all: &[Series]| {
        all.iter()
            .map(|s| {
                if s.id == s.label {
                    s.id.clone()
                } else {
                    format!("{} (label \"{}\")", s.id, s.label)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match want {
        Some(want) => match all.iter().position(|s| s.id == want || s.label == want) {
            Some(at) => Ok(all.remove(at)),
            None => Err(input_error(
                inputs,
                format!("{flag}: no series `{want}` in the export"),
                Some(names(all)),
            )),
        },
        None if all.len() == 1 => Ok(all.remove(0)),
        None if all.is_empty() => Err(input_error(
            inputs,
            "the export holds no metric".into(),
            None,
        )),
        None => Err(input_error(
            inputs,
            format!(
                "the export holds {} metrics; pick one with --series",
                all.len()
            ),
            Some(names(all)),
        )),
    }
}

/// Where a datapoint was read, as an error to fill in.
fn locate(origin: Origin, inputs: &[(PathBuf, String)]) -> ScenarioError {
    match origin {
        Origin::Json {
            input,
            doc_start,
            result,
            index,
        } => {
            let (path, text) = &inputs[input];
            let field = format!("MetricDataResults[{result}].Values[{index}]");
            let e = crate::import::json::error_at(&text[doc_start..], path, &field, "", None);
            metric_data::shift(e, text, doc_start)
        }
        Origin::Csv {
            input,
            line,
            column,
        } => ScenarioError {
            file: inputs[input].0.clone(),
            line: Some(line),
            column: None,
            field: format!("column {}", column + 1),
            message: String::new(),
            allowed: None,
        },
    }
}

/// The running task count at each instant: the datapoint at or before it (the first one
/// before the series starts).
struct TaskCounts {
    name: String,
    points: Vec<(i64, f64)>,
}

impl TaskCounts {
    fn at(&self, t_ms: i64) -> f64 {
        let after = self.points.partition_point(|(at, _)| *at <= t_ms);
        self.points[after.saturating_sub(1)].1
    }
}

fn convert(
    series: Series,
    tasks: Option<Series>,
    options: &Options,
    inputs: &[(PathBuf, String)],
    notes: Vec<String>,
) -> Result<Demand, ScenarioError> {
    let metric = match options.metric {
        Some(m) => m,
        None => Metric::named_in(&series.label)
            .or_else(|| Metric::named_in(&series.id))
            .ok_or_else(|| {
                input_error(
                    inputs,
                    format!(
                        "cannot tell which metric `{}` is from its label; say it with --metric",
                        series.label
                    ),
                    Some(Metric::ALLOWED.into()),
                )
            })?,
    };
    let mut points = series.points;
    if points.is_empty() {
        return Err(input_error(
            inputs,
            format!("`{}` has no datapoints", series.id),
            None,
        ));
    }
    // Pages may come newest first (get-metric-data's default order) and in any order.
    points.sort_by_key(|p| p.at_ms);
    let mut unique: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        match unique.last() {
            Some(prev) if prev.at_ms == p.at_ms => {
                if prev.value != p.value {
                    let first = locate(prev.origin, inputs);
                    return Err(ScenarioError {
                        message: format!(
                            "{} at {} here, but {} at the same time in {}{}",
                            p.value,
                            timestamp::format(p.at_ms),
                            prev.value,
                            first.file.display(),
                            first.line.map_or(String::new(), |l| format!(":{l}")),
                        ),
                        allowed: Some(
                            "one value per timestamp (a page given twice must repeat it exactly)"
                                .into(),
                        ),
                        ..locate(p.origin, inputs)
                    });
                }
            }
            _ => unique.push(p),
        }
    }
    let closest = unique
        .windows(2)
        .map(|w| (w[1].at_ms - w[0].at_ms) as u64)
        .min();
    let (period_ms, period_inferred) = match (options.period_s, closest) {
        (Some(s), _) if s > 0 => (s * 1000, false),
        (Some(_), _) => {
            return Err(input_error(
                inputs,
                "--period must be above 0 seconds".into(),
                None,
            ));
        }
        (None, Some(ms)) => (ms, true),
        (None, None) => {
            return Err(input_error(
                inputs,
                "one datapoint alone does not show the period; give it with --period SECONDS"
                    .into(),
                None,
            ));
        }
    };
    let counts = match tasks {
        None => None,
        Some(_) if metric != Metric::CpuUtilization => {
            return Err(input_error(
                inputs,
                "--tasks-series applies to CPUUtilization only".into(),
                None,
            ));
        }
        Some(t) if t.points.is_empty() => {
            return Err(input_error(
                inputs,
                format!("--tasks-series `{}` has no datapoints", t.id),
                None,
            ));
        }
        Some(t) => {
            let mut points: Vec<(i64, f64)> = t.points.iter().map(|p| (p.at_ms, p.value)).collect();
            points.sort_by_key(|p| p.0);
            Some(TaskCounts { name: t.id, points })
        }
    };
    let (factor, unit, mapping) = scale(metric, options, counts.as_ref(), period_ms, inputs)?;
    let count_at = |t: i64| counts.as_ref().map_or(1.0, |c| c.at(t));
    let gap_rule = options.gaps.unwrap_or(metric.default_gaps());
    let start_ms = unique[0].at_ms;
    let mut steps = Vec::with_capacity(unique.len());
    let mut gaps = 0;
    for (i, p) in unique.iter().enumerate() {
        let at = (p.at_ms - start_ms) as u64;
        steps.push((at, rounded(p.value * count_at(p.at_ms) * factor)));
        if let Some(next) = unique.get(i + 1) {
            if (next.at_ms - p.at_ms) as u64 > period_ms {
                gaps += 1;
                if gap_rule == Gaps::Zero {
                    steps.push((at + period_ms, 0.0));
                }
            }
        }
    }
    let end_ms = (unique[unique.len() - 1].at_ms - start_ms) as u64 + period_ms;
    Ok(Demand {
        steps,
        unit,
        metric,
        series: series.id,
        start_ms,
        period_ms,
        period_inferred,
        end_ms,
        datapoints: unique.len(),
        gaps,
        gap_rule,
        mapping,
        notes,
    })
}

/// The factor from a datapoint's value to the curve's, its unit, and the formula in words.
fn scale(
    metric: Metric,
    options: &Options,
    counts: Option<&TaskCounts>,
    period_ms: u64,
    inputs: &[(PathBuf, String)],
) -> Result<(f64, Unit, String), ScenarioError> {
    let period_s = period_ms as f64 / 1000.0;
    match metric {
        Metric::CpuUtilization => {
            if let (Some(counts), Some(cpu)) = (counts, options.task_cpu.filter(|c| *c > 0)) {
                return Ok((
                    f64::from(cpu) / 100.0,
                    Unit::CpuUnits,
                    format!(
                        "CPU units = CPUUtilization % / 100 × tasks (series `{}` at or before each datapoint) × {cpu} CPU units",
                        counts.name
                    ),
                ));
            }
            let (Some(tasks), Some(cpu)) = (options.tasks, options.task_cpu) else {
                return Err(input_error(
                    inputs,
                    "CPUUtilization is a percentage of the tasks' reserved CPU: say how many tasks ran and their CPU units when it was measured".into(),
                    Some("--tasks N --task-cpu UNITS, or --scenario FILE --service NAME to take them from a scenario, or --tasks-series ID --task-cpu UNITS for a task count that changed".into()),
                ));
            };
            if tasks == 0 || cpu == 0 {
                return Err(input_error(
                    inputs,
                    "--tasks and --task-cpu must be above 0".into(),
                    None,
                ));
            }
            let reserved = f64::from(tasks) * f64::from(cpu);
            Ok((
                reserved / 100.0,
                Unit::CpuUnits,
                format!("CPU units = CPUUtilization % / 100 × {tasks} tasks × {cpu} CPU units"),
            ))
        }
        Metric::RequestCount => match options.cpu_ms_per_request {
            None => Ok((
                1.0 / period_s,
                Unit::RequestsPerSecond,
                format!("requests/s = RequestCount (Sum per period) / {period_s} s"),
            )),
            Some(ms) if ms.is_finite() && ms > 0.0 => Ok((
                ms / 1000.0 * 1024.0 / period_s,
                Unit::CpuUnits,
                format!(
                    "CPU units = RequestCount (Sum per period) / {period_s} s × {ms} ms of CPU per request / 1000 × 1024"
                ),
            )),
            Some(ms) => Err(input_error(
                inputs,
                format!("--cpu-ms-per-request {ms} must be a number above 0"),
                None,
            )),
        },
    }
}

/// A millionth of a unit is far below anything a demand curve can mean, and rounding there
/// keeps `0.235 × 2048` from printing as 481.28000000000003.
fn rounded(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

impl Demand {
    /// ecsim's demand CSV, with comments saying where it came from and how it was mapped
    /// (names from the input on one line each, so none can start a row of data).
    pub fn to_csv(&self, sources: &[String]) -> String {
        let mut out = String::new();
        let secs = |ms: u64| ms as f64 / 1000.0;
        let _ = writeln!(
            out,
            "# demand curve made by `ecsim import cloudwatch` from {}",
            one_line(&sources.join(", "))
        );
        let _ = writeln!(
            out,
            "# series `{}`, {}: {} datapoints, period {} s{}",
            one_line(&self.series),
            self.metric.name(),
            self.datapoints,
            secs(self.period_ms),
            if self.period_inferred {
                " (the closest two datapoints)"
            } else {
                ""
            }
        );
        let _ = writeln!(out, "# {}", one_line(&self.mapping));
        let _ = writeln!(
            out,
            "# time 0 = {} (the first datapoint)",
            timestamp::format(self.start_ms)
        );
        let gap_text = match self.gap_rule {
            Gaps::Zero => "demand 0 from the end of the datapoint's period to the next",
            Gaps::Hold => "the last value holds to the next datapoint",
        };
        let _ = writeln!(
            out,
            "# {} gap(s) longer than the period: {gap_text} (--gaps {})",
            self.gaps,
            self.gap_rule.name()
        );
        let _ = writeln!(
            out,
            "# the data ends at {} s; a longer horizon replays the last value",
            secs(self.end_ms)
        );
        let _ = writeln!(out, "seconds,{}", self.unit.column());
        for (at, v) in &self.steps {
            let _ = writeln!(out, "{},{}", secs(*at), v);
        }
        out
    }
}

#[cfg(test)]
mod tests;
