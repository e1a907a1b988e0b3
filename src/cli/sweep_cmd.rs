//! `ecsim sweep` and `ecsim merge`: argument types and their mapping onto [`ecsim::sweep`].

use super::{CliError, ScenarioArgs};
use ecsim::outputs::SweepOutputs;
use ecsim::sweep::{self, Shard, SweepError, SweepOptions, SweepSpec, Vary};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Vary a field over values: KEY=V1,V2,... (repeatable; the grid is every
    /// combination, the first --vary varying slowest). Commas inside [..], {..} or quotes
    /// belong to one value.
    #[arg(long, value_name = "KEY=V1,V2,...")]
    pub vary: Vec<String>,
    /// Replications per variant; replication i of every variant uses the same seed.
    #[arg(long, short = 'r', value_name = "R")]
    pub replications: u32,
    /// Threads [default: every core].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Output directory [default: output/(scenario name)-sweep/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only runs with index mod N == I and write them plus a shard manifest; combine
    /// shards with `ecsim merge`. `auto` reads the index from SLURM_ARRAY_TASK_ID,
    /// AWS_BATCH_JOB_ARRAY_INDEX or JOB_COMPLETION_INDEX.
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// Shard count for `--shard auto` where the engine does not export it (AWS Batch,
    /// Kubernetes).
    #[arg(long, value_name = "N")]
    pub shards: Option<u32>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write charts and report.html into the output directory (not with --shard;
    /// run `ecsim report DIR` after `ecsim merge`).
    #[arg(long, conflicts_with = "shard")]
    pub report: bool,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Directories holding shard outputs (runs/ and shard-I-of-N.json).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Where to write runs.csv, sweep.csv and sweep.json [default: the first DIR].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl From<SweepError> for CliError {
    fn from(e: SweepError) -> CliError {
        match e {
            SweepError::Scenario(e) => CliError::Scenario(e),
            SweepError::Usage(m) => CliError::Usage(m),
            SweepError::Merge(_) => CliError::Usage(e.to_string()),
            SweepError::Io { path, source } => CliError::Output { path, source },
            SweepError::Halted {
                halt,
                run,
                out,
                saved,
            } => {
                let kept = match out {
                    Some(out) => format!(
                        "{saved} finished run(s) kept in {}; run the same command again to resume",
                        out.join("runs").display()
                    ),
                    None => "no runs were kept".to_string(),
                };
                let halted = super::run_cmd::halted(halt, &kept);
                match halted {
                    CliError::Runaway(m) => CliError::Runaway(format!("run {run}: {m}")),
                    other => other,
                }
            }
        }
    }
}

pub fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    if args.jobs == Some(0) {
        return Err(CliError::Usage(
            "--jobs 0 would run nothing; give 1 or more threads, or leave it out for every core"
                .into(),
        ));
    }
    super::signals::install();
    let vary = args
        .vary
        .iter()
        .map(|v| Vary::parse(v))
        .collect::<Result<Vec<_>, _>>()?;
    let env = |name: &str| std::env::var(name).ok();
    let shard = args
        .shard
        .as_deref()
        .map(|s| Shard::resolve(s, args.shards, &env))
        .transpose()?;
    let options = SweepOptions {
        spec: SweepSpec {
            scenario: args.scenario.scenario.clone(),
            set: args.scenario.set.clone(),
            vary,
            replications: args.replications,
        },
        jobs: args.jobs,
        out: args.out.clone(),
        shard,
        progress: !args.quiet,
        allow_large: args.scenario.allow_large,
    };
    // Every variant is loaded once, here; the size guard then checks each (a sweep keeps
    // each run's summary, never its tasks.csv or timeseries.csv).
    let plan = sweep::plan_sweep(&options)?;
    if !args.quiet {
        for note in &plan.notes {
            eprintln!("{}: {note}", args.scenario.scenario.display());
        }
    }
    let outcome = sweep::run_planned(plan, &options)?;
    if !args.quiet {
        let what = match shard {
            Some(s) => format!("shard {}/{}: ", s.index, s.count),
            None => String::new(),
        };
        eprintln!(
            "{what}{} runs ({} run now, {} already done); results in {}",
            outcome.runs,
            outcome.ran,
            outcome.reused,
            outcome.out.display()
        );
        if shard.is_none() {
            print_table(&outcome.out)?;
        }
    }
    if args.report {
        super::report_cmd::after(&outcome.out, &args.scenario.scenario, args.quiet)?;
    }
    Ok(())
}

pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    if let Some(missing) = args.dirs.iter().find(|d| !d.is_dir()) {
        return Err(CliError::Usage(format!(
            "{}: no such directory; merge takes the --out directories of `ecsim sweep --shard` runs",
            missing.display()
        )));
    }
    let out = args.out.clone().unwrap_or_else(|| args.dirs[0].clone());
    let merged = sweep::merge(&args.dirs, &out)?;
    if !args.quiet {
        let results = SweepOutputs::load(&out).map_err(|e| CliError::Usage(e.to_string()))?;
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(
            stdout,
            "merged {} runs ({} variants × {} replications) from {} shards into {}",
            merged.runs,
            results.variants.len(),
            results.replications,
            merged.shards,
            out.display()
        );
        let _ = write!(stdout, "{}", sweep::table(&results));
    }
    Ok(())
}

/// The variants' headline figures, read back from the sweep.json just written.
fn print_table(out: &std::path::Path) -> Result<(), CliError> {
    let results = SweepOutputs::load(out).map_err(|e| CliError::Usage(e.to_string()))?;
    // `| head` closing stdout is not a failure of the sweep, whose files are written.
    let _ = write!(std::io::stdout().lock(), "{}", sweep::table(&results));
    Ok(())
}
