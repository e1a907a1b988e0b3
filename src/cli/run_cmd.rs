//! `ecsim run` and `ecsim validate`.

use super::{CliError, RunArgs, TasksChoice, ValidateArgs, signals};
use ecsim::report;
use ecsim::run_dir::{OutputOptions, RunError, TasksOutput, Trace};
use ecsim::scenario::{self, Scenario};
use ecsim::sim::RunHalted;
use ecsim::time::SimTime;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Loads the scenario, applies `--seed`, and refuses work beyond the size limits for a
/// run that writes `files`, unless `--allow-large` was given. Notes on what loading read
/// (imported task definitions, trace rows) go to stderr unless `quiet`.
pub fn load(
    args: &super::ScenarioArgs,
    seed: Option<u64>,
    files: scenario::RunFiles,
    quiet: bool,
) -> Result<Scenario, CliError> {
    // A trace past the task limit is refused as it is read, not after (issue 32).
    let options = scenario::LoadOptions {
        trace_task_limit: (!args.allow_large).then(|| scenario::SizeLimits::default().tasks as u64),
        ..Default::default()
    };
    let mut scenario = scenario::load_with(&args.scenario, &args.set, options)?;
    if let Some(seed) = seed {
        scenario.config.seed = seed;
    }
    if !quiet {
        for note in &scenario.notes {
            eprintln!("{}: {note}", args.scenario.display());
        }
    }
    if !args.allow_large {
        let estimate = scenario::estimate(&scenario.config, files);
        if let Some(why) = estimate.exceeds(&scenario::SizeLimits::default()) {
            return Err(CliError::Usage(format!(
                "{}: {why}; pass --allow-large to run it anyway",
                scenario.path.display()
            )));
        }
    }
    Ok(scenario)
}

pub fn default_out_dir(name: &str) -> PathBuf {
    Path::new("output").join(name)
}

pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let tasks = tasks_output(args)?;
    let files = scenario::RunFiles {
        // A sampled tasks.csv is counted whole: the limits stay conservative.
        tasks_csv: tasks != TasksOutput::None,
        timeseries_csv: true,
    };
    let scenario = load(&args.scenario, args.seed, files, args.quiet)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&scenario.config.name));
    let trace = args.trace.map(|level| Trace {
        out: Box::new(PipeTolerant::new(std::io::stdout())) as Box<dyn Write>,
        detail: level == super::TraceLevel::Detail,
    });
    let progress = !args.quiet && args.trace.is_none() && std::io::stderr().is_terminal();
    let bar = progress.then(|| Progress::new(scenario.config.horizon));
    signals::install();
    let options = OutputOptions {
        tasks,
        trace,
        replay: args.replay,
    };
    let result = ecsim::run_dir::run_to_dir(&scenario, &dir, options, |now, handled| {
        if let Some(bar) = &bar {
            bar.update(now, handled);
        }
    });
    if let Some(bar) = bar {
        bar.clear();
    }
    let summary = result.map_err(|e| from_run_error(e, &dir))?;
    if !args.quiet {
        // A closed pipe (`ecsim run ... | head`) is not an error worth failing the run for.
        let mut stdout = std::io::stdout().lock();
        let _ = write!(stdout, "{}", report::summary_table(&summary));
        for w in &summary.warnings {
            let _ = writeln!(stdout, "  warning: {w}");
        }
        let _ = writeln!(stdout, "  results in {}", dir.display());
    }
    if args.report {
        super::report_cmd::after(&dir, &scenario.path, args.quiet)?;
    }
    Ok(())
}

/// `--tasks` and `--tasks-sample` together, refusing what cannot be meant.
fn tasks_output(args: &RunArgs) -> Result<TasksOutput, CliError> {
    match (args.tasks, args.tasks_sample) {
        (TasksChoice::None, Some(_)) => Err(CliError::Usage(
            "--tasks none writes no tasks.csv, so there is nothing to sample; drop one of --tasks none and --tasks-sample".into(),
        )),
        (TasksChoice::None, None) if args.report => Err(CliError::Usage(
            "--report draws its charts from tasks.csv; drop --tasks none, or run `ecsim report` on a run with --tasks csv".into(),
        )),
        (TasksChoice::Csv, Some(_)) if args.report => Err(CliError::Usage(
            "--report draws its charts (costs, pending times) from every task in tasks.csv; drop --tasks-sample, or run without --report".into(),
        )),
        (TasksChoice::None, None) => Ok(TasksOutput::None),
        (TasksChoice::Csv, None) => Ok(TasksOutput::Csv),
        (TasksChoice::Csv, Some(sample)) => Ok(TasksOutput::Sampled(sample)),
    }
}

fn from_run_error(e: RunError, dir: &Path) -> CliError {
    match e {
        RunError::Unusable(why) | RunError::TooLargeForReplay(why) => CliError::Usage(why),
        RunError::Halted { halt, kept } => halted(halt, &kept),
        RunError::Output { source, .. } => CliError::Output {
            path: dir.to_path_buf(),
            source,
        },
    }
}

/// The error for a run that stopped before its horizon; `kept` says what is on disk.
pub fn halted(halt: RunHalted, kept: &str) -> CliError {
    match halt {
        RunHalted::Runaway { .. } => CliError::Runaway(format!("{halt}; {kept}")),
        RunHalted::RecorderFailed { .. } => CliError::Usage(format!("{halt}; {kept}")),
        // The command line never asks for the checks; a run that does is a test's.
        RunHalted::InvariantBroken { .. } => CliError::Runaway(format!(
            "the simulator's own consistency check failed ({halt}); this is a bug in ecsim; {kept}"
        )),
        RunHalted::Interrupted { at } => CliError::Interrupted {
            signal: signals::received().unwrap_or(2),
            kept: format!("stopped at simulated time {at}; {kept}"),
        },
    }
}

pub fn validate(args: &ValidateArgs) -> Result<(), CliError> {
    let scenario = load(&args.scenario, None, scenario::RunFiles::ALL, false)?;
    let c = &scenario.config;
    let instances: u32 = c.pools.iter().map(|p| p.count).sum();
    let estimate = scenario::estimate(c, scenario::RunFiles::ALL);
    // `ecsim validate ... | head -0` closes the pipe: nothing more to say, not a failure.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "{}: ok — {} pool(s) with {} instance(s), {} task definition(s), {} service(s), {} job stream(s), horizon {} s",
        scenario.path.display(),
        c.pools.len(),
        instances,
        c.task_defs.len(),
        c.services.len(),
        c.jobs.len(),
        c.horizon.as_secs_f64()
    );
    let _ = writeln!(stdout, "  expected work: {estimate}");
    for w in &scenario.config.warnings {
        let _ = writeln!(stdout, "  warning: {w}");
    }
    Ok(())
}

/// A writer that, once its reader has gone (`| head`), quietly drops the rest instead of
/// failing the run whose results are still being written to files.
struct PipeTolerant<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> PipeTolerant<W> {
    fn new(inner: W) -> Self {
        PipeTolerant {
            inner,
            closed: false,
        }
    }

    fn tolerate(&mut self, result: std::io::Result<()>) -> std::io::Result<()> {
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

impl<W: Write> Write for PipeTolerant<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.closed {
            let result = self.inner.write_all(buf);
            self.tolerate(result)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.tolerate(result)
    }
}

/// Simulated time reached, events per second and an ETA, on stderr.
/// The progress line's words: simulated time reached of the horizon, in the units a
/// scenario uses, and the event rate so far.
fn progress_message(now: SimTime, horizon: SimTime, handled: u64, elapsed_s: f64) -> String {
    format!(
        "simulated {} of {}, {:.2} M events/s",
        clock(now.0),
        clock(horizon.0),
        handled as f64 / elapsed_s.max(1e-3) / 1e6
    )
}

/// Milliseconds as `2d 03:04:05`, `03:04:05` or `04:05` (whole seconds).
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    match (d, h) {
        (0, 0) => format!("{m:02}:{sec:02}"),
        (0, _) => format!("{h:02}:{m:02}:{sec:02}"),
        _ => format!("{d}d {h:02}:{m:02}:{sec:02}"),
    }
}

struct Progress {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
}

impl Progress {
    fn new(horizon: SimTime) -> Progress {
        let bar = indicatif::ProgressBar::new(horizon.0.max(1));
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {msg}  ETA {eta}")
                .expect("a valid template"),
        );
        Progress {
            bar,
            started: std::time::Instant::now(),
        }
    }

    fn update(&self, now: SimTime, handled: u64) {
        let elapsed = self.started.elapsed().as_secs_f64();
        self.bar.set_position(now.0);
        let horizon = SimTime(self.bar.length().unwrap_or(0));
        self.bar
            .set_message(progress_message(now, horizon, handled, elapsed));
    }

    fn clear(self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_in_clock_time_with_the_event_rate() {
        // 2 h 14 min 5 s of a 6 h horizon, 3 M events in 2 s.
        let now = SimTime((2 * 3600 + 14 * 60 + 5) * 1000);
        let line = progress_message(now, SimTime(6 * 3_600_000), 3_000_000, 2.0);
        assert_eq!(line, "simulated 02:14:05 of 06:00:00, 1.50 M events/s");
        assert_eq!(clock(59_999), "00:59");
        assert_eq!(clock(200 * 86_400_000 + 1000), "200d 00:00:01");
    }
}
