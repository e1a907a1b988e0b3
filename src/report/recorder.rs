//! A recorder that streams `tasks.csv` and `timeseries.csv` and, when asked, prints the
//! narrated trace.

use super::seconds;
use crate::metrics::{Recorder, SampleRow, TaskRow};
use crate::time::SimTime;
use std::fs::File;
use std::io::{self, BufWriter, Write};

type CsvOut = csv::Writer<BufWriter<File>>;

pub struct FileRecorder {
    tasks: CsvOut,
    timeseries: CsvOut,
    trace: Option<Box<dyn Write>>,
    field: String,
    error: Option<io::Error>,
}

impl FileRecorder {
    pub fn new(
        tasks: BufWriter<File>,
        timeseries: BufWriter<File>,
        service_names: &[String],
        trace: Option<Box<dyn Write>>,
    ) -> io::Result<FileRecorder> {
        let mut tasks = csv::Writer::from_writer(tasks);
        tasks.write_record([
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
        ])?;
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
        for name in service_names {
            header.push(format!("{name}.desired"));
            header.push(format!("{name}.running"));
        }
        timeseries.write_record(&header)?;
        Ok(FileRecorder {
            tasks,
            timeseries,
            trace,
            field: String::new(),
            error: None,
        })
    }

    /// Flushes everything; reports the first write error of the run.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.tasks.flush()?;
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
    fn task(&mut self, row: &TaskRow<'_>) {
        let out = &mut self.tasks;
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
            out.write_field(row.launch_type)?;
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
            out.write_record(None::<&[u8]>)
        })();
        self.keep(result);
    }

    fn tracing(&self) -> bool {
        self.trace.is_some()
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
