//! `ecsim run` and `ecsim validate`.

use super::{CliError, RunArgs, ValidateArgs};
use crate::metrics::Summary;
use crate::report::{self, FileRecorder, OutputDir};
use crate::scenario::{self, Scenario};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn load(args: &super::ScenarioArgs, seed: Option<u64>) -> Result<Scenario, CliError> {
    let mut scenario = scenario::load(&args.scenario, &args.set)?;
    if let Some(seed) = seed {
        scenario.config.seed = seed;
    }
    for note in &scenario.notes {
        eprintln!("{}: {note}", args.scenario.display());
    }
    Ok(scenario)
}

pub fn default_out_dir(name: &str) -> PathBuf {
    Path::new("output").join(name)
}

pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let scenario = load(&args.scenario, args.seed)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&scenario.config.name));
    let trace: Option<Box<dyn Write>> = args
        .trace
        .then(|| Box::new(std::io::stdout()) as Box<dyn Write>);
    let summary = run_to_dir(&scenario, &dir, trace)?;
    if !args.quiet {
        // A closed pipe (`ecsim run ... | head`) is not an error worth failing the run for.
        let mut stdout = std::io::stdout().lock();
        let _ = write!(stdout, "{}", report::summary_table(&summary));
        let _ = writeln!(stdout, "  results in {}", dir.display());
    }
    Ok(())
}

/// Runs a scenario and writes its three files into `dir`, all or nothing.
pub fn run_to_dir(
    scenario: &Scenario,
    dir: &Path,
    trace: Option<Box<dyn Write>>,
) -> Result<Summary, CliError> {
    let config = &scenario.config;
    let mut out = OutputDir::create(dir).map_err(CliError::output(dir))?;
    let tasks = out.writer("tasks.csv").map_err(CliError::output(dir))?;
    let series = out
        .writer("timeseries.csv")
        .map_err(CliError::output(dir))?;
    let mut recorder =
        FileRecorder::new(tasks, series, config, trace).map_err(CliError::output(dir))?;
    let summary = crate::sim::run(config, &mut recorder);
    recorder.finish().map_err(CliError::output(dir))?;
    out.write("summary.json", report::summary_json(&summary).as_bytes())
        .map_err(CliError::output(dir))?;
    out.commit().map_err(CliError::output(dir))?;
    Ok(summary)
}

pub fn validate(args: &ValidateArgs) -> Result<(), CliError> {
    let scenario = load(&args.scenario, None)?;
    let c = &scenario.config;
    let instances: u32 = c.pools.iter().map(|p| p.count).sum();
    println!(
        "{}: ok — {} pool(s) with {} instance(s), {} task definition(s), {} service(s), {} job stream(s), horizon {} s",
        scenario.path.display(),
        c.pools.len(),
        instances,
        c.task_defs.len(),
        c.services.len(),
        c.jobs.len(),
        c.horizon.as_secs_f64()
    );
    Ok(())
}
