//! A recorder that streams `tasks.csv` and `timeseries.csv` and, when asked, prints the
//! narrated trace.

use super::seconds;
use crate::metrics::{Recorder, SampleRow, TaskRow};
use crate::model::SimConfig;
use crate::time::SimTime;
use std::fs::File;
use std::io::{self, BufWriter, Write};

type CsvOut = csv::Writer<BufWriter<File>>;

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

pub struct FileRecorder {
    /// `None` with `--tasks none`: no tasks.csv, and no task rows built.
    tasks: Option<CsvOut>,
    timeseries: CsvOut,
    trace: Option<Box<dyn Write>>,
    trace_detail: bool,
    field: String,
    error: Option<io::Error>,
    /// Per service: (has load columns, has a queue column).
    scaling_columns: Vec<(bool, bool)>,
    /// Commitments in the scenario: hourly commitment columns when non-zero.
    commitment_plans: usize,
}

impl FileRecorder {
    /// The recorder for a run of `config`: the timeseries gets, per service, desired and
    /// running; per service with a demand curve or queue, `demand`, `cpu_utilization` (and
    /// `queue_depth`); per pool with managed scaling, `reservation` and instance counts.
    pub fn new(
        tasks: Option<BufWriter<File>>,
        timeseries: BufWriter<File>,
        config: &SimConfig,
        trace: Option<Box<dyn Write>>,
    ) -> io::Result<FileRecorder> {
        let service_names: Vec<String> = config.services.iter().map(|s| s.name.clone()).collect();
        let scaling_columns: Vec<(bool, bool)> = config
            .services
            .iter()
            .map(|s| (s.scaling.is_active(), s.scaling.queue.is_some()))
            .collect();
        let mut tasks = tasks.map(csv::Writer::from_writer);
        if let Some(tasks) = &mut tasks {
            write_task_header(tasks)?;
        }
        let mut timeseries = csv::Writer::from_writer(timeseries);
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
        for name in &service_names {
            header.push(format!("{name}.desired"));
            header.push(format!("{name}.running"));
        }
        for (s, (load, queue)) in config.services.iter().zip(&scaling_columns) {
            if *load {
                header.push(format!("{}.demand", s.name));
                header.push(format!("{}.cpu_utilization", s.name));
            }
            if *queue {
                header.push(format!("{}.queue_depth", s.name));
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
        timeseries.write_record(&header)?;
        Ok(FileRecorder {
            commitment_plans: plans.len(),
            tasks,
            timeseries,
            trace,
            trace_detail: false,
            field: String::new(),
            error: None,
            scaling_columns,
        })
    }

    /// Traced placements also list every candidate instance.
    pub fn with_trace_detail(mut self, detail: bool) -> FileRecorder {
        self.trace_detail = detail;
        self
    }

    /// Why writing stopped, if it did.
    fn failure_text(&self) -> Option<String> {
        self.error
            .as_ref()
            .map(|e| format!("writing results failed: {e}"))
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

    fn keep(&mut self, result: Result<(), csv::Error>) {
        if let Err(e) = result {
            if self.error.is_none() {
                self.error = Some(e.into());
            }
        }
    }
}

fn write_task_header(out: &mut CsvOut) -> Result<(), csv::Error> {
    out.write_record([
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
    ])
}

fn write_field(
    out: &mut CsvOut,
    buf: &mut String,
    value: std::fmt::Arguments<'_>,
) -> Result<(), csv::Error> {
    use std::fmt::Write as _;
    buf.clear();
    let _ = buf.write_fmt(value);
    out.write_field(buf.as_bytes())
}

fn opt_time(t: Option<SimTime>) -> String {
    t.map_or_else(String::new, |t| seconds(t.0))
}

impl Recorder for FileRecorder {
    fn wants_tasks(&self) -> bool {
        self.tasks.is_some()
    }

    fn failure(&self) -> Option<String> {
        self.failure_text()
    }

    fn task(&mut self, row: &TaskRow<'_>) {
        let Some(out) = &mut self.tasks else { return };
        let buf = &mut self.field;
        let pending = match row.running {
            Some(r) => seconds(r.since(row.created).0),
            None => String::new(),
        };
        let result = (|| {
            write_field(out, buf, format_args!("{}", row.task_id))?;
            out.write_field(row.origin_kind)?;
            out.write_field(row.origin)?;
            out.write_field(row.task_definition)?;
            out.write_field(row.launch_type.as_str())?;
            out.write_field(row.capacity_provider)?;
            out.write_field(row.instance)?;
            out.write_field(row.availability_zone)?;
            write_field(out, buf, format_args!("{}", row.cpu))?;
            write_field(out, buf, format_args!("{}", row.memory))?;
            out.write_field(seconds(row.created.0))?;
            out.write_field(opt_time(row.placed))?;
            out.write_field(opt_time(row.pull_started))?;
            out.write_field(opt_time(row.running))?;
            out.write_field(opt_time(row.stopped))?;
            out.write_field(&pending)?;
            out.write_field(row.last_status)?;
            out.write_field(row.stop_reason)?;
            write_field(out, buf, format_args!("{:.6}", row.cost_usd))?;
            out.write_record(None::<&[u8]>)
        })();
        self.keep(result);
    }

    fn sample(&mut self, row: &SampleRow<'_>) {
        let columns = &self.scaling_columns;
        let plans = self.commitment_plans;
        let out = &mut self.timeseries;
        let buf = &mut self.field;
        let result = (|| {
            out.write_field(seconds(row.time.0))?;
            write_field(out, buf, format_args!("{}", row.running_tasks))?;
            write_field(out, buf, format_args!("{}", row.pending_tasks))?;
            write_field(out, buf, format_args!("{}", row.instances))?;
            write_field(out, buf, format_args!("{:.6}", row.cpu_reserved_fraction))?;
            write_field(
                out,
                buf,
                format_args!("{:.6}", row.memory_reserved_fraction),
            )?;
            write_field(out, buf, format_args!("{:.6}", row.cost_usd))?;
            for s in row.services {
                write_field(out, buf, format_args!("{}", s.desired))?;
                write_field(out, buf, format_args!("{}", s.running))?;
            }
            for (s, (load, queue)) in row.scaling.iter().zip(columns) {
                if *load {
                    write_field(out, buf, format_args!("{:.1}", s.demand))?;
                    match s.cpu_utilization {
                        Some(u) => write_field(out, buf, format_args!("{u:.2}"))?,
                        None => out.write_field("")?,
                    }
                }
                if *queue {
                    write_field(
                        out,
                        buf,
                        format_args!("{:.1}", s.queue_depth.unwrap_or(0.0)),
                    )?;
                }
            }
            for p in row.providers {
                match p.reservation {
                    Some(r) => write_field(out, buf, format_args!("{r:.1}"))?,
                    None => out.write_field("")?,
                }
                write_field(out, buf, format_args!("{}", p.desired))?;
                write_field(out, buf, format_args!("{}", p.pending))?;
                write_field(out, buf, format_args!("{}", p.in_service))?;
            }
            if plans > 0 {
                match row.commitments {
                    Some(c) => {
                        let b = c.bill;
                        out.write_field(seconds(c.hour_start.0))?;
                        for v in [b.on_demand, b.effective(), b.fees, b.used] {
                            write_field(out, buf, format_args!("{v:.6}"))?;
                        }
                        let utilization = ratio(b.used, b.fees);
                        let coverage = ratio(b.covered_on_demand, b.eligible_on_demand);
                        write_field(out, buf, format_args!("{utilization:.4}"))?;
                        write_field(out, buf, format_args!("{coverage:.4}"))?;
                        for p in &b.plans {
                            let u = ratio(p.used, p.fee);
                            let c = ratio(p.covered_on_demand, p.eligible_on_demand);
                            write_field(out, buf, format_args!("{u:.4}"))?;
                            write_field(out, buf, format_args!("{c:.4}"))?;
                        }
                    }
                    None => {
                        for _ in 0..COMMITMENT_COLUMNS.len() + 2 * plans {
                            out.write_field("")?;
                        }
                    }
                }
            }
            out.write_record(None::<&[u8]>)
        })();
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
