//! The command line: clap types, and one function per subcommand. The binary's `main` only
//! calls [`run`] and turns its error into an exit status.

pub mod compare_cmd;
mod error;
pub mod import_cmd;
pub mod report_cmd;
pub mod run_cmd;
mod signals;
pub mod sweep_cmd;

pub use error::CliError;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// A discrete-event simulator of AWS ECS cluster scheduling and capacity.
///
/// Describe a cluster (EC2 instance pools, Fargate) and its workload (services, job
/// streams) in a TOML scenario, run it, and read utilization, pending time and cost.
/// See scenarios/README.md for every scenario field.
#[derive(Debug, Parser)]
#[command(name = "ecsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario; write summary.json, timeseries.csv and tasks.csv.
    Run(RunArgs),
    /// Check a scenario file without running it.
    Validate(ValidateArgs),
    /// Run one workload on EC2, Fargate and Spot side by side; write compare.csv/.json.
    Compare(compare_cmd::CompareArgs),
    /// Run a grid of variants × replications; write runs.csv, sweep.csv and sweep.json.
    Sweep(sweep_cmd::SweepArgs),
    /// Combine `ecsim sweep --shard` outputs into what the unsharded sweep writes.
    Merge(sweep_cmd::MergeArgs),
    /// Turn ECS JSON (describe-task-definition, describe-services, ...) into a scenario;
    /// `import cloudwatch`: CloudWatch metrics into a demand CSV.
    Import(import_cmd::ImportArgs),
    /// Write charts (SVG, PNG) and one self-contained report.html for an output directory.
    Report(report_cmd::ReportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ScenarioArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Override a scenario field by its dotted path, e.g. services.web.desiredCount=8
    /// (repeatable; array elements by index or by name).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Run even when the expected work (tasks, events, samples, output bytes) is beyond
    /// the size limits (see `ecsim validate` for the estimate).
    #[arg(long)]
    pub allow_large: bool,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Master seed; overrides the scenario's `seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory [default: output/(scenario name)/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print a narrated event log: what happened and why. `--trace` explains each
    /// placement (the instances left after each filter, the strategy's ranking, ties and
    /// the tie-break), why waiting tasks fit nowhere, startups, scaling and deployments;
    /// `--trace=detail` also lists every candidate instance of each placement.
    #[arg(long, value_name = "LEVEL", num_args = 0..=1, require_equals = true, default_missing_value = "normal")]
    pub trace: Option<TraceLevel>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write charts and report.html into the output directory.
    #[arg(long)]
    pub report: bool,
    /// Also write replay.html: the run step by step in the browser, with its narration
    /// (teaching-size runs: at most 60 instances and 20 000 narrated events).
    #[arg(long)]
    pub replay: bool,
    /// Per-task output: `csv` writes tasks.csv (one row per task); `none` writes no
    /// tasks.csv, for large runs where only the summary and timeseries matter.
    #[arg(long, value_enum, value_name = "none|csv", default_value = "csv")]
    pub tasks: TasksChoice,
    /// Write tasks.csv rows for only this share of the tasks, e.g. 0.01 or 1%. Each task
    /// is kept or not by a hash of the seed and its task id, so the same scenario and
    /// seed keep the same tasks, and every other output is exactly that of a full run.
    #[arg(long, value_name = "FRACTION")]
    pub tasks_sample: Option<ecsim::report::TaskSample>,
}

/// What `ecsim run` writes per task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TasksChoice {
    None,
    Csv,
}

/// How much the narrated trace says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceLevel {
    /// One headline per event, with the placement funnel, ranking and tie-break.
    Normal,
    /// Also one line per candidate instance (the first 20) for each placement.
    Detail,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
}

/// Parses the command line and runs the subcommand.
pub fn run() -> Result<(), CliError> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run_cmd::run(&args),
        Command::Validate(args) => run_cmd::validate(&args),
        Command::Compare(args) => compare_cmd::run(&args),
        Command::Sweep(args) => sweep_cmd::sweep(&args),
        Command::Merge(args) => sweep_cmd::merge(&args),
        Command::Import(args) => import_cmd::run(&args),
        Command::Report(args) => report_cmd::run(&args),
    }
}
