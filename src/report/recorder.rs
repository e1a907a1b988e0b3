//! A recorder that streams `tasks.csv` and `timeseries.csv` and, when asked, prints the
//! narrated trace.

use super::csv_rows::CsvRows;
use super::task_sample::{TaskSample, TaskSampler};
use crate::metrics::{Recorder, SampleRow, TaskRow};
use crate::model::SimConfig;
use crate::time::SimTime;
use std::fs::File;
use std::io::{self, BufWriter, Write};

// Boxed so the rows can go to memory as well as to files (the Python binding keeps them
// in memory); `CsvRows` buffers, so a write reaches the box once per block, not per field.
type CsvOut = CsvRows<Box<dyn Write>>;

/// The last closed clock hour's bill over the metered usage (see README, Outputs).
const COMMITMENT_COLUMNS: [&str; 7] = [
    "hour_start_s",
    "on_demand_equivalent_usd",
    "effective_cost_usd",
    "committed_usd",
    "used_usd",
    "utilization",
    "coverage",
];

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// `ecsim run`'s recorder: streams a row per task to `tasks.csv` (all, a sample, or none)
/// and a row per sample to `timeseries.csv`, and writes the trace when one is asked for. The
/// first write error stops the run (through [`Recorder::failure`]) and comes back from
/// `finish`.
pub struct FileRecorder {
    /// `None` with `--tasks none`: no tasks.csv, and no task rows built.
    tasks: Option<CsvOut>,
    /// With a sampled tasks.csv: which tasks get a row.
    sample: Option<TaskSampler>,
    seed: u64,
    timeseries: CsvOut,
    trace: Option<Box<dyn Write>>,
    trace_detail: bool,
    error: Option<io::Error>,
    /// Per service: (has load columns, has a queue column, has forecast columns).
    scaling_columns: Vec<(bool, bool, bool)>,
    /// Commitments in the scenario: hourly commitment columns when non-zero.
    commitment_plans: usize,
}

impl FileRecorder {
    /// The recorder for a run of `config`: the timeseries gets, per service, desired and
    /// running; per service with a demand curve or queue, `demand`, `cpu_utilization` (and
    /// `queue_depth`; with a predictive policy, `forecast_load` and `forecast_tasks`); per
    /// pool with managed scaling, `reservation` and instance counts.
    pub fn new(
        tasks: Option<BufWriter<File>>,
        timeseries: BufWriter<File>,
        config: &SimConfig,
        trace: Option<Box<dyn Write>>,
    ) -> io::Result<FileRecorder> {
        let tasks = tasks.map(|t| Box::new(t) as Box<dyn Write>);
        FileRecorder::to_writers(tasks, Box::new(timeseries), config, trace)
    }

    /// [`FileRecorder::new`] writing the same bytes to any writers (in memory, say): what
    /// `tasks.csv` and `timeseries.csv` would hold.
    pub fn to_writers(
        tasks: Option<Box<dyn Write>>,
        timeseries: Box<dyn Write>,
        config: &SimConfig,
        trace: Option<Box<dyn Write>>,
    ) -> io::Result<FileRecorder> {
        let service_names: Vec<String> = config.services.iter().map(|s| s.name.clone()).collect();
        let scaling_columns: Vec<(bool, bool, bool)> = config
            .services
            .iter()
            .map(|s| {
                let predictive = s
                    .scaling
                    .auto_scaling
                    .as_ref()
                    .is_some_and(|a| a.predictive.is_some());
                (s.scaling.is_active(), s.scaling.queue.is_some(), predictive)
            })
            .collect();
        let mut tasks = tasks.map(CsvRows::new);
        if let Some(tasks) = &mut tasks {
            write_task_header(tasks)?;
        }
        let mut timeseries = CsvRows::new(timeseries);
        let mut header: Vec<String> = [
            "time_s",
            "running_tasks",
            "pending_tasks",
            "instances",
            "cpu_reserved_fraction",
            "memory_reserved_fraction",
            "cost_usd",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Managed Instances providers add their two cost columns (the rows carry them).
        if !config.managed_instances.is_empty() {
            header.push("cost_usd.managed_instances".into());
            header.push("cost_usd.management_fee".into());
        }
        for name in &service_names {
            header.push(format!("{name}.desired"));
            header.push(format!("{name}.running"));
        }
        for (s, (load, queue, forecast)) in config.services.iter().zip(&scaling_columns) {
            if *load {
                header.push(format!("{}.demand", s.name));
                header.push(format!("{}.cpu_utilization", s.name));
            }
            if *queue {
                header.push(format!("{}.queue_depth", s.name));
            }
            if *forecast {
                header.push(format!("{}.forecast_load", s.name));
                header.push(format!("{}.forecast_tasks", s.name));
            }
        }
        for p in config.pools.iter().filter(|p| p.managed_scaling.is_some()) {
            header.push(format!("{}.reservation", p.name));
            header.push(format!("{}.instances_desired", p.name));
            header.push(format!("{}.instances_pending", p.name));
            header.push(format!("{}.instances_in_service", p.name));
        }
        let plans = &config.billing.commitments.plans;
        if !plans.is_empty() {
            for column in COMMITMENT_COLUMNS {
                header.push(format!("commitments.{column}"));
            }
            for p in plans {
                header.push(format!("{}.utilization", p.name));
                header.push(format!("{}.coverage", p.name));
            }
        }
        for name in &header {
            timeseries.text(name);
        }
        timeseries.end_row()?;
        Ok(FileRecorder {
            commitment_plans: plans.len(),
            tasks,
            sample: None,
            seed: config.seed,
            timeseries,
            trace,
            trace_detail: false,
            error: None,
            scaling_columns,
        })
    }

    /// Traced placements also list every candidate instance.
    pub fn with_trace_detail(mut self, detail: bool) -> FileRecorder {
        self.trace_detail = detail;
        self
    }

    /// tasks.csv keeps only the tasks `sample` picks for this run's seed.
    pub fn with_task_sample(mut self, sample: Option<TaskSample>) -> FileRecorder {
        self.sample = sample.map(|s| s.for_seed(self.seed));
        self
    }

    /// Why writing stopped, if it did.
    fn failure_text(&self) -> Option<String> {
        self.error
            .as_ref()
            .map(|e| format!("writing results failed: {}", crate::scenario::io_words(e)))
    }

    /// Flushes everything; reports the first write error of the run.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if let Some(tasks) = &mut self.tasks {
            tasks.flush()?;
        }
        self.timeseries.flush()?;
        if let Some(t) = &mut self.trace {
            t.flush()?;
        }
        Ok(())
    }

    fn keep(&mut self, result: io::Result<()>) {
        if let Err(e) = result {
            if self.error.is_none() {
                self.error = Some(e);
            }
        }
    }
}

fn write_task_header(out: &mut CsvOut) -> io::Result<()> {
    for name in [
        "task_id",
        "origin_kind",
        "origin",
        "task_definition",
        "launch_type",
        "capacity_provider",
        "instance",
        "availability_zone",
        "cpu",
        "memory",
        "created_s",
        "placed_s",
        "pull_started_s",
        "running_s",
        "stopped_s",
        "pending_s",
        "last_status",
        "stop_reason",
        "cost_usd",
        "split_cost_usd",
        "unused_cost_usd",
        "restart_cause",
        "restart_latency_s",
    ] {
        out.text(name);
    }
    out.end_row()
}

impl Recorder for FileRecorder {
    fn wants_tasks(&self) -> bool {
        self.tasks.is_some()
    }

    /// No file lists instances; the replay, which draws them, wraps this recorder.
    fn wants_instances(&self) -> bool {
        false
    }

    fn failure(&self) -> Option<String> {
        self.failure_text()
    }

    fn task(&mut self, row: &TaskRow<'_>) {
        let Some(out) = &mut self.tasks else { return };
        if self.sample.is_some_and(|s| !s.keeps(row.task_id)) {
            return;
        }
        let ms = |t: Option<SimTime>| t.map(|t| t.0);
        out.int(row.task_id);
        out.word(row.origin_kind);
        out.text(row.origin);
        out.text(row.task_definition);
        out.word(row.launch_type.as_str());
        out.text(row.capacity_provider);
        out.text(row.instance);
        out.text(row.availability_zone);
        out.int(row.cpu.into());
        out.int(row.memory.into());
        out.seconds(row.created.0);
        out.opt_seconds(ms(row.placed));
        out.opt_seconds(ms(row.pull_started));
        out.opt_seconds(ms(row.running));
        out.opt_seconds(ms(row.stopped));
        out.opt_seconds(row.running.map(|r| r.since(row.created).0));
        out.word(row.last_status);
        out.word(row.stop_reason);
        out.fixed(row.cost_usd, 6);
        out.fixed(row.split_cost_usd, 6);
        out.fixed(row.unused_cost_usd, 6);
        out.word(row.restart_cause);
        out.opt_seconds(row.restart_latency.map(|d| d.0));
        let result = out.end_row();
        self.keep(result);
    }

    fn sample(&mut self, row: &SampleRow<'_>) {
        let columns = &self.scaling_columns;
        let plans = self.commitment_plans;
        let out = &mut self.timeseries;
        out.seconds(row.time.0);
        out.int(row.running_tasks.into());
        out.int(row.pending_tasks.into());
        out.int(row.instances.into());
        out.fixed(row.cpu_reserved_fraction, 6);
        out.fixed(row.memory_reserved_fraction, 6);
        out.fixed(row.cost_usd, 6);
        if let Some((ec2, fee)) = row.managed_cost_usd {
            out.fixed(ec2, 6);
            out.fixed(fee, 6);
        }
        for s in row.services {
            out.int(s.desired.into());
            out.int(s.running.into());
        }
        for (s, (load, queue, forecast)) in row.scaling.iter().zip(columns) {
            if *load {
                out.fixed(s.demand, 1);
                match s.cpu_utilization {
                    Some(u) => out.fixed(u, 2),
                    None => out.empty(),
                }
            }
            if *queue {
                out.fixed(s.queue_depth.unwrap_or(0.0), 1);
            }
            if *forecast {
                match (s.forecast_load, s.forecast_tasks) {
                    (Some(load), Some(tasks)) => {
                        out.fixed(load, 1);
                        out.int(tasks.into());
                    }
                    _ => {
                        out.empty();
                        out.empty();
                    }
                }
            }
        }
        for p in row.providers {
            match p.reservation {
                Some(r) => out.fixed(r, 1),
                None => out.empty(),
            }
            out.int(p.desired.into());
            out.int(p.pending.into());
            out.int(p.in_service.into());
        }
        if plans > 0 {
            match row.commitments {
                Some(c) => {
                    let b = c.bill;
                    out.seconds(c.hour_start.0);
                    for v in [b.on_demand, b.effective(), b.fees, b.used] {
                        out.fixed(v, 6);
                    }
                    out.fixed(ratio(b.used, b.fees), 4);
                    out.fixed(ratio(b.covered_on_demand, b.eligible_on_demand), 4);
                    for p in &b.plans {
                        out.fixed(ratio(p.used, p.fee), 4);
                        out.fixed(ratio(p.covered_on_demand, p.eligible_on_demand), 4);
                    }
                }
                None => {
                    for _ in 0..COMMITMENT_COLUMNS.len() + 2 * plans {
                        out.empty();
                    }
                }
            }
        }
        let result = out.end_row();
        self.keep(result);
    }

    fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    fn trace_detail(&self) -> bool {
        self.trace_detail
    }

    fn trace(&mut self, at: SimTime, line: &str) {
        if let Some(t) = &mut self.trace {
            if let Err(e) = writeln!(t, "{at}  {line}") {
                if self.error.is_none() {
                    self.error = Some(e);
                }
            }
        }
    }
}
