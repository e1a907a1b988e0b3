//! One run into an output directory: `summary.json`, `timeseries.csv`, `tasks.csv` (all,
//! sampled or none) and, when asked, `replay.html`, all or nothing.

use crate::metrics::Summary;
use crate::report::TaskSample;
use crate::report::replay::ReplayRecorder;
use crate::report::{FileRecorder, OutputDir};
use crate::scenario::Scenario;
use crate::sim::{RunHalted, RunOptions};
use crate::time::SimTime;
use std::io::Write;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// What a run writes per task.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TasksOutput {
    /// No `tasks.csv`, and no task rows built: for large runs where the summary and the
    /// timeseries are enough.
    None,
    /// `tasks.csv` with one row per task.
    Csv,
    /// `tasks.csv` with the rows of a fixed, seed-determined subset of the tasks.
    Sampled(TaskSample),
}

/// Where the narrated trace goes and how much it says.
pub struct Trace {
    /// Receives the trace, one line per thing that happened.
    pub out: Box<dyn Write>,
    /// Every candidate instance of each placement too.
    pub detail: bool,
}

/// What [`run_to_dir`] writes besides the summary and the timeseries.
pub struct OutputOptions {
    /// Whether `tasks.csv` is written, and with which tasks.
    pub tasks: TasksOutput,
    /// The narrated trace; `None` for none.
    pub trace: Option<Trace>,
    /// Also `replay.html` (teaching-size runs only).
    pub replay: bool,
}

impl Default for OutputOptions {
    /// Every task's row; no trace, no replay page.
    fn default() -> OutputOptions {
        OutputOptions {
            tasks: TasksOutput::Csv,
            trace: None,
            replay: false,
        }
    }
}

/// Why a run wrote nothing. In each case the directory holds what it held before, except
/// a run found too large for its replay only once it ran: that one writes every other file.
#[derive(Debug, Error)]
pub enum RunError {
    /// The directory is a file, or cannot be created or written.
    #[error("{0}")]
    Unusable(String),
    /// The run is too large for the replay page: refused before it was simulated when its
    /// pools start too large, else found at its end, with the other files written.
    #[error("{0}")]
    TooLargeForReplay(String),
    /// The run stopped before its horizon; `kept` says what an earlier run left there.
    #[error("{halt}; {kept}")]
    Halted {
        /// Why it stopped, and when.
        halt: RunHalted,
        /// What result files an earlier run left in the directory, in words.
        kept: String,
    },
    /// Writing a result file failed.
    #[error("writing {path}: {}", crate::scenario::io_words(source))]
    Output {
        /// The file being written.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

const RESULT_FILES: [&str; 3] = ["summary.json", "tasks.csv", "timeseries.csv"];

/// Runs a scenario and writes its files into `dir`, all or nothing. `checkpoint` is
/// called now and then with the simulated time reached and the events handled so far
/// (for a progress display). A run stopped by [`crate::interrupt::request`] ends in
/// [`RunError::Halted`], leaving nothing half-written.
pub fn run_to_dir(
    scenario: &Scenario,
    dir: &Path,
    options: OutputOptions,
    mut checkpoint: impl FnMut(SimTime, u64),
) -> Result<Summary, RunError> {
    let config = &scenario.config;
    let output = |source: std::io::Error| RunError::Output {
        path: dir.to_path_buf(),
        source,
    };
    let unusable = |e: std::io::Error| {
        RunError::Unusable(format!(
            "cannot write results into {}: {} (--out needs a directory that exists or can be created, and is writable)",
            dir.display(),
            crate::scenario::io_words(&e)
        ))
    };
    if options.replay {
        crate::report::replay::refuse_before_running(config)
            .map_err(RunError::TooLargeForReplay)?;
        let expected = crate::scenario::estimate(config, crate::scenario::RunFiles::ALL);
        crate::report::replay::refuse_expected_work(config, expected.events)
            .map_err(RunError::TooLargeForReplay)?;
    }
    if dir.exists() && !dir.is_dir() {
        return Err(RunError::Unusable(format!(
            "{} is a file, not a directory; give --out a directory",
            dir.display()
        )));
    }
    let mut out = OutputDir::create(dir).map_err(unusable)?;
    let tasks_file = match options.tasks {
        TasksOutput::None => None,
        TasksOutput::Csv | TasksOutput::Sampled(_) => {
            Some(out.writer("tasks.csv").map_err(unusable)?)
        }
    };
    let series = out.writer("timeseries.csv").map_err(output)?;
    let detail = options.trace.as_ref().is_some_and(|t| t.detail);
    let sample = match options.tasks {
        TasksOutput::Sampled(sample) => Some(sample),
        TasksOutput::None | TasksOutput::Csv => None,
    };
    let mut recorder = FileRecorder::new(tasks_file, series, config, options.trace.map(|t| t.out))
        .map_err(output)?
        .with_trace_detail(detail)
        .with_task_sample(sample);
    let mut watch = |now: SimTime, handled: u64| {
        checkpoint(now, handled);
        true
    };
    let mut replay_data = None;
    // Too large to replay, found only by running: the other files are still written.
    let mut replay_refused = None;
    let result = if options.replay {
        let mut replay = ReplayRecorder::new(&mut recorder, config);
        replay.data.lesson = scenario.lesson.clone();
        let options = RunOptions {
            checkpoint: Some(&mut watch),
            ..Default::default()
        };
        let result = crate::sim::run_with(config, &mut replay, options).map(|o| o.summary);
        if result.is_ok() && !replay.fits() {
            replay_refused = Some(format!(
                "--replay is for teaching-size runs: this one had {} instance(s) and {} narrated event(s), and the page holds at most {} instances and {} narrated events; narrow the run in time (--set horizon=…) or in instances (--set on the pools' count or managed_scaling.max_size) for a replay",
                replay.data.instances.len(),
                replay.events_seen,
                crate::report::replay::MAX_INSTANCES,
                crate::report::replay::MAX_EVENTS
            ));
        } else {
            replay_data = Some(replay.data);
        }
        result
    } else {
        let options = RunOptions {
            checkpoint: Some(&mut watch),
            ..Default::default()
        };
        crate::sim::run_with(config, &mut recorder, options).map(|o| o.summary)
    };
    let summary = match result {
        Ok(summary) => summary,
        Err(RunHalted::RecorderFailed { .. }) => {
            // The write error itself, not its description, so the message names the file.
            let source = recorder
                .finish()
                .err()
                .unwrap_or_else(|| std::io::Error::other("the recorder stopped the run"));
            drop(out);
            return Err(output(source));
        }
        Err(halt) => {
            // Dropping `out` removes this run's partial files before we report.
            drop(recorder);
            drop(out);
            return Err(RunError::Halted {
                halt,
                kept: kept_in(dir, &RESULT_FILES),
            });
        }
    };
    if let Some(data) = &replay_data {
        out.write(
            "replay.html",
            crate::report_html::replay::page(data).as_bytes(),
        )
        .map_err(output)?;
    }
    recorder.finish().map_err(output)?;
    out.write(
        "summary.json",
        crate::report::summary_json(&summary).as_bytes(),
    )
    .map_err(output)?;
    out.commit().map_err(output)?;
    // A tasks.csv or replay.html left by an earlier run would not describe this one.
    let not_written = [
        (options.tasks == TasksOutput::None, "tasks.csv"),
        (replay_data.is_none(), "replay.html"),
    ];
    for (stale, name) in not_written {
        let path = dir.join(name);
        if stale && path.is_file() {
            std::fs::remove_file(&path).map_err(output)?;
        }
    }
    if let Some(why) = replay_refused {
        let written: Vec<&str> = ["summary.json", "timeseries.csv", "tasks.csv"]
            .into_iter()
            .filter(|name| *name != "tasks.csv" || options.tasks != TasksOutput::None)
            .collect();
        return Err(RunError::TooLargeForReplay(format!(
            "{why}. replay.html was not written; {} are in {}",
            written.join(", "),
            dir.display()
        )));
    }
    Ok(summary)
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
