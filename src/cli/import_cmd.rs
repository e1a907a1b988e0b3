//! `ecsim import`: ECS JSON (what the AWS CLI prints and accepts) to a commented scenario;
//! `ecsim import cloudwatch`: a CloudWatch export to a demand CSV.

use super::CliError;
use ecsim::import::{self, cloudwatch};
use ecsim::report::OutputDir;
use ecsim::scenario::ScenarioError;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: Option<ImportSource>,
    /// JSON files: `aws ecs describe-task-definition`, `describe-services`,
    /// `describe-capacity-providers` and `describe-clusters` output, or
    /// `register-task-definition` / `create-service` input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Write the scenario here [default: print it].
    #[arg(long, value_name = "SCENARIO.toml")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
pub enum ImportSource {
    /// A service's measured load (CloudWatch CPUUtilization or RequestCount) to a demand
    /// CSV for `demand = { type = "csv", path = ... }`.
    Cloudwatch(CloudWatchArgs),
}

/// Reads `aws cloudwatch get-metric-data` JSON (any number of pages, newest or oldest
/// first) or the console's CSV download, and writes ecsim's demand CSV: time 0 at the first
/// datapoint, one step per datapoint. See scenarios/README.md, "Demand from CloudWatch".
#[derive(Debug, clap::Args)]
pub struct CloudWatchArgs {
    /// get-metric-data JSON files (pages in any order) or console CSV downloads.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Which series, by its `Id` or label (CSV: column name), when the export holds several.
    #[arg(long, value_name = "ID")]
    pub series: Option<String>,
    /// The metric, when its label does not say: CPUUtilization or RequestCount.
    #[arg(long, value_name = "NAME")]
    pub metric: Option<String>,
    /// CPUUtilization: tasks running when it was measured [default: the --service's desiredCount].
    #[arg(long, value_name = "N")]
    pub tasks: Option<u32>,
    /// CPUUtilization: a series of the export holding the running task count over time
    /// (Container Insights' RunningTaskCount), by `Id` or label, instead of --tasks.
    #[arg(long, value_name = "ID", conflicts_with = "tasks")]
    pub tasks_series: Option<String>,
    /// CPUUtilization: the task's CPU units (1024 per vCPU) [default: the --service's task definition].
    #[arg(long, value_name = "UNITS")]
    pub task_cpu: Option<u32>,
    /// A scenario to take --tasks and --task-cpu from (with --service).
    #[arg(long, value_name = "FILE", requires = "service")]
    pub scenario: Option<PathBuf>,
    /// The service in --scenario whose desiredCount and task CPU were in effect.
    #[arg(long, value_name = "NAME", requires = "scenario")]
    pub service: Option<String>,
    /// RequestCount: CPU milliseconds one request costs, for a curve in CPU units; without
    /// it the curve is requests per second (for `queue.arrival`).
    #[arg(long, value_name = "MS")]
    pub cpu_ms_per_request: Option<f64>,
    /// Seconds between datapoints [default: the closest two datapoints].
    #[arg(long, value_name = "SECONDS")]
    pub period: Option<u64>,
    /// A gap longer than the period: `zero` (no load) or `hold` (last value)
    /// [default: hold for CPUUtilization, zero for RequestCount].
    #[arg(long, value_name = "RULE")]
    pub gaps: Option<String>,
    /// Write the demand CSV here [default: print it].
    #[arg(long, value_name = "DEMAND.csv")]
    pub out: Option<PathBuf>,
}

fn read_inputs(files: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, CliError> {
    let mut inputs = Vec::new();
    for path in files {
        let text = import::read::text(path).map_err(|message| ScenarioError {
            file: path.clone(),
            line: None,
            column: None,
            field: String::new(),
            message,
            allowed: None,
        })?;
        inputs.push((path.clone(), text));
    }
    Ok(inputs)
}

/// Refuses an `--out` that is one of the inputs, by name, symbolic link or hard link:
/// writing it would replace the file the import reads (issue 32, item 13).
fn refuse_overwriting(out: &Path, inputs: &[&Path]) -> Result<(), CliError> {
    match inputs.iter().find(|input| same_file(out, input)) {
        Some(input) => Err(CliError::Usage(format!(
            "--out {} is the input {}: writing it would replace what is imported; name another file",
            out.display(),
            input.display()
        ))),
        None => Ok(()),
    }
}

/// Whether `a` and `b` are one existing file, under any names.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
    }
}

/// A failed write, said without the operating system's error number.
fn write_error(path: &Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
    move |e| CliError::Output {
        path: path.to_path_buf(),
        source: std::io::Error::new(e.kind(), ecsim::scenario::io_words(&e)),
    }
}

/// Writes `text` to `path` atomically.
fn write_file(path: &Path, default_name: &str, text: &str) -> Result<(), CliError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().map_or_else(
        || default_name.to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut files = OutputDir::create(dir).map_err(write_error(dir))?;
    files
        .write(&name, text.as_bytes())
        .map_err(write_error(path))?;
    files.commit().map_err(write_error(path))?;
    Ok(())
}

pub fn run(args: &ImportArgs) -> Result<(), CliError> {
    if let Some(ImportSource::Cloudwatch(cw)) = &args.source {
        return cloudwatch(cw);
    }
    if let Some(out) = &args.out {
        let inputs: Vec<&Path> = args.files.iter().map(PathBuf::as_path).collect();
        refuse_overwriting(out, &inputs)?;
    }
    let inputs = read_inputs(&args.files)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("imported.toml"));
    let imported = import::import(&inputs, &out)?;
    let mut stderr = std::io::stderr().lock();
    for note in &imported.notes {
        let _ = writeln!(stderr, "not carried over: {note}");
    }
    let summary = format!(
        "imported {} task definition(s), {} service(s), {} pool(s); {} field(s) not carried over",
        imported.task_definitions,
        imported.services,
        imported.pools,
        imported.notes.len()
    );
    match &args.out {
        None => {
            let _ = writeln!(stderr, "{summary}");
            print!("{}", imported.text);
        }
        Some(path) => {
            write_file(path, "imported.toml", &imported.text)?;
            let _ = writeln!(stderr, "{summary}; wrote {}", path.display());
        }
    }
    Ok(())
}

fn cloudwatch(args: &CloudWatchArgs) -> Result<(), CliError> {
    if let Some(out) = &args.out {
        let inputs: Vec<&Path> = args
            .files
            .iter()
            .chain(&args.scenario)
            .map(PathBuf::as_path)
            .collect();
        refuse_overwriting(out, &inputs)?;
    }
    let mut options = cloudwatch::Options {
        series: args.series.clone(),
        tasks: args.tasks,
        tasks_series: args.tasks_series.clone(),
        task_cpu: args.task_cpu,
        cpu_ms_per_request: args.cpu_ms_per_request,
        period_s: args.period,
        ..Default::default()
    };
    if let Some(name) = &args.metric {
        options.metric = Some(cloudwatch::Metric::from_name(name).ok_or_else(|| {
            CliError::Usage(format!(
                "--metric `{name}` is not a metric ecsim imports (allowed: {})",
                cloudwatch::Metric::ALLOWED
            ))
        })?);
    }
    if let Some(rule) = &args.gaps {
        options.gaps = Some(match rule.as_str() {
            "zero" => cloudwatch::Gaps::Zero,
            "hold" => cloudwatch::Gaps::Hold,
            other => {
                return Err(CliError::Usage(format!(
                    "--gaps `{other}` is not a gap rule (allowed: zero, hold)"
                )));
            }
        });
    }
    if let (Some(path), Some(name)) = (&args.scenario, &args.service) {
        let (tasks, cpu) = service_size(path, name)?;
        options.tasks = options.tasks.or(Some(tasks));
        options.task_cpu = options.task_cpu.or(Some(cpu));
    }
    let inputs = read_inputs(&args.files)?;
    let demand = cloudwatch::import(&inputs, &options)?;
    let sources: Vec<String> = inputs
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    let text = demand.to_csv(&sources);
    let mut stderr = std::io::stderr().lock();
    for note in &demand.notes {
        let _ = writeln!(stderr, "note: {}", import::one_line(note));
    }
    let summary = format!(
        "{} `{}`: {} datapoints every {} s from {}, {} gap(s) (--gaps {}): {} steps in {}; the data ends at {} s",
        demand.metric.name(),
        import::one_line(&demand.series),
        demand.datapoints,
        demand.period_ms as f64 / 1000.0,
        cloudwatch::timestamp::format(demand.start_ms),
        demand.gaps,
        demand.gap_rule.name(),
        demand.steps.len(),
        demand.unit.column(),
        demand.end_ms as f64 / 1000.0,
    );
    match &args.out {
        None => {
            let _ = writeln!(stderr, "{summary}");
            print!("{text}");
        }
        Some(path) => {
            write_file(path, "demand.csv", &text)?;
            let _ = writeln!(stderr, "{summary}; wrote {}", path.display());
        }
    }
    Ok(())
}

/// The desired count and task CPU units of `service` in the scenario at `path`.
fn service_size(path: &Path, service: &str) -> Result<(u32, u32), CliError> {
    let scenario = ecsim::scenario::load(path, &[])?;
    let config = &scenario.config;
    let Some(spec) = config.services.iter().find(|s| s.name == service) else {
        let names: Vec<&str> = config.services.iter().map(|s| s.name.as_str()).collect();
        return Err(CliError::Usage(format!(
            "--service `{service}` is not a service of {} (allowed: {})",
            path.display(),
            names.join(", ")
        )));
    };
    Ok((
        spec.desired_count,
        config.task_defs[spec.task_def.index()].cpu,
    ))
}
