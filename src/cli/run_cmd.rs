//! `ecsim run` and `ecsim validate`.

use super::{CliError, RunArgs, TasksOutput, ValidateArgs, signals};
use crate::metrics::Summary;
use crate::report::replay::ReplayRecorder;
use crate::report::{self, FileRecorder, OutputDir};
use crate::scenario::{self, Scenario};
use crate::sim::RunHalted;
use crate::time::SimTime;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Loads the scenario, applies `--seed`, and refuses work beyond the size limits for a
/// run that writes `files`, unless `--allow-large` was given.
pub fn load(
    args: &super::ScenarioArgs,
    seed: Option<u64>,
    files: scenario::RunFiles,
) -> Result<Scenario, CliError> {
    let mut scenario = scenario::load(&args.scenario, &args.set)?;
    if let Some(seed) = seed {
        scenario.config.seed = seed;
    }
    for note in &scenario.notes {
        eprintln!("{}: {note}", args.scenario.display());
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
    if args.report && args.tasks == TasksOutput::None {
        return Err(CliError::Usage(
            "--report draws its charts from tasks.csv; drop --tasks none, or run `ecsim report` on a run with --tasks csv".into(),
        ));
    }
    let files = scenario::RunFiles {
        tasks_csv: args.tasks == TasksOutput::Csv,
        timeseries_csv: true,
    };
    let scenario = load(&args.scenario, args.seed, files)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&scenario.config.name));
    let trace = args.trace.map(|level| Trace {
        out: Box::new(PipeTolerant::new(std::io::stdout())) as Box<dyn Write>,
        detail: level == super::TraceLevel::Detail,
    });
    let progress = !args.quiet && args.trace.is_none() && std::io::stderr().is_terminal();
    let summary = run_to_dir(&scenario, &dir, args.tasks, trace, progress, args.replay)?;
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

/// Where the narrated trace goes and how much it says.
pub struct Trace {
    pub out: Box<dyn Write>,
    pub detail: bool,
}

/// Runs a scenario and writes its files into `dir`, all or nothing (no `tasks.csv` with
/// `TasksOutput::None`). `progress` draws simulated time reached, events per second and an
/// ETA on stderr; `replay` adds `replay.html`.
pub fn run_to_dir(
    scenario: &Scenario,
    dir: &Path,
    tasks: TasksOutput,
    trace: Option<Trace>,
    progress: bool,
    replay: bool,
) -> Result<Summary, CliError> {
    let config = &scenario.config;
    let unusable = |e: std::io::Error| {
        CliError::Usage(format!(
            "cannot write results into {}: {e} (--out needs a directory that exists or can be created, and is writable)",
            dir.display()
        ))
    };
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::Usage(format!(
            "{} is a file, not a directory; give --out a directory",
            dir.display()
        )));
    }
    let mut out = OutputDir::create(dir).map_err(unusable)?;
    let tasks_file = match tasks {
        TasksOutput::Csv => Some(out.writer("tasks.csv").map_err(unusable)?),
        TasksOutput::None => None,
    };
    let series = out
        .writer("timeseries.csv")
        .map_err(CliError::output(dir))?;
    let detail = trace.as_ref().is_some_and(|t| t.detail);
    let mut recorder = FileRecorder::new(tasks_file, series, config, trace.map(|t| t.out))
        .map_err(CliError::output(dir))?
        .with_trace_detail(detail);
    let bar = progress.then(|| Progress::new(config.horizon));
    signals::install();
    let mut checkpoint = |now: SimTime, handled: u64| {
        if let Some(bar) = &bar {
            bar.update(now, handled);
        }
        true
    };
    let mut replay_data = None;
    let result = if replay {
        let mut replay = ReplayRecorder::new(&mut recorder, config);
        let result = crate::sim::run_guarded(config, &mut replay, &mut checkpoint);
        if result.is_ok() && !replay.fits() {
            return Err(CliError::Usage(format!(
                "--replay is for teaching-size runs: this one has {} instance(s) and {} narrated event(s), the page holds at most {} and {}; shorten `horizon`, shrink the pools, or drop --replay",
                replay.data.instances.len(),
                replay.events_seen,
                report::replay::MAX_INSTANCES,
                report::replay::MAX_EVENTS
            )));
        }
        replay_data = Some(replay.data);
        result
    } else {
        crate::sim::run_guarded(config, &mut recorder, &mut checkpoint)
    };
    if let Some(bar) = bar {
        bar.clear();
    }
    let mut summary = match result {
        Ok(summary) => summary,
        Err(RunHalted::RecorderFailed { .. }) => {
            // The write error itself, not its description, so the message names the file.
            let source = recorder
                .finish()
                .err()
                .unwrap_or_else(|| std::io::Error::other("the recorder stopped the run"));
            drop(out);
            return Err(CliError::Output {
                path: dir.to_path_buf(),
                source,
            });
        }
        Err(halt) => {
            // Dropping `out` removes this run's partial files before we report.
            drop(recorder);
            drop(out);
            return Err(halted(
                halt,
                &kept_in(dir, &["summary.json", "tasks.csv", "timeseries.csv"]),
            ));
        }
    };
    summary.warnings = scenario.warnings.clone();
    if let Some(data) = &replay_data {
        out.write(
            "replay.html",
            crate::report_html::replay::page(data).as_bytes(),
        )
        .map_err(CliError::output(dir))?;
    }
    recorder.finish().map_err(CliError::output(dir))?;
    out.write("summary.json", report::summary_json(&summary).as_bytes())
        .map_err(CliError::output(dir))?;
    out.commit().map_err(CliError::output(dir))?;
    if tasks == TasksOutput::None {
        // A tasks.csv left by an earlier run would not describe this one.
        let stale = dir.join("tasks.csv");
        if stale.is_file() {
            std::fs::remove_file(&stale).map_err(CliError::output(dir))?;
        }
    }
    Ok(summary)
}

/// The error for a run that stopped before its horizon; `kept` says what is on disk.
pub fn halted(halt: RunHalted, kept: &str) -> CliError {
    match halt {
        RunHalted::Runaway { .. } => CliError::Runaway(format!("{halt}; {kept}")),
        RunHalted::RecorderFailed { .. } => CliError::Usage(format!("{halt}; {kept}")),
        RunHalted::Interrupted { at } => CliError::Interrupted {
            signal: signals::received().unwrap_or(2),
            kept: format!("stopped at simulated time {at}; {kept}"),
        },
    }
}

/// "no partial files left; ... kept" for the result files of an earlier run in `dir`.
pub fn kept_in(dir: &Path, names: &[&str]) -> String {
    let earlier: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| dir.join(n).is_file())
        .collect();
    if earlier.is_empty() {
        format!("nothing was written to {}", dir.display())
    } else {
        format!(
            "no partial files left; the earlier {} in {} kept",
            earlier.join(", "),
            dir.display()
        )
    }
}

pub fn validate(args: &ValidateArgs) -> Result<(), CliError> {
    let scenario = load(&args.scenario, None, scenario::RunFiles::ALL)?;
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
    for w in &scenario.warnings {
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
