//! Sweeps: a grid of scenario variants × R replications, run in parallel, summarized with
//! 95% confidence intervals and paired differences against the first variant.
//!
//! The pipeline is flat and deterministic: [`plan`] expands the grid into a run list (run
//! index = variant × R + replication; replication i of every variant uses the same seed, so
//! variants are compared under common random numbers), [`execute`] runs any slice of it on
//! a rayon pool, and `render` turns records sorted by run index into bytes. Because the
//! bytes depend only on the sorted records, `--jobs`, sharding and resuming cannot change
//! them. Like `report`, this module sits at the edge: it alone of the library's sweep path
//! touches files (`store`), always atomically.

mod execute;
mod fingerprint;
mod flatten;
mod plan;
mod render;
mod shard;
mod store;
mod table;

pub use execute::{execute, run_one};
pub use flatten::flatten;
pub use plan::{Plan, RunSpec, SweepMeta, SweepSpec, Variant, Vary, plan, plan_text};
pub use render::{MetricStats, aggregate, runs_csv, sweep_csv, sweep_json};
pub use shard::Shard;
pub use table::table;

use crate::report::OutputDir;
use crate::scenario::ScenarioError;
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// One finished run: where it sits in the run list and its flattened summary.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// Place in the run list: `variant × replications + replication`.
    pub index: usize,
    /// Index into the plan's variants.
    pub variant: usize,
    /// 0-based; replication i of every variant ran with the same seed.
    pub replication: u32,
    /// The master seed the run used.
    pub seed: u64,
    /// [`flatten`]ed summary: dotted names in the summary's field order, NaN where a
    /// figure is undefined.
    pub metrics: Vec<(String, f64)>,
}

/// Why a sweep or a merge stopped; the command line maps each to its exit status.
#[derive(Debug, Error)]
pub enum SweepError {
    /// A variant is not a valid scenario: the same located error `--set` gives.
    #[error("{0}")]
    Scenario(Box<ScenarioError>),
    /// A bad option (`--vary`, `--shard`, `--replications`), a variant beyond the size
    /// limits without `--allow-large`, or threads that would not start; the message says
    /// which and how to fix it.
    #[error("{0}")]
    Usage(String),
    /// Shard outputs that do not add up to one whole sweep.
    #[error("merge: {0}")]
    Merge(String),
    /// A result file, a stored run or a manifest could not be written or read.
    #[error("writing {path}: {}", crate::scenario::io_words(source))]
    Io {
        /// The file or directory at fault.
        path: PathBuf,
        /// The operating system's error, put in words by the message.
        source: std::io::Error,
    },
    /// Run `run` stopped early (a runaway instant, or an interrupt). `saved` finished runs
    /// are kept in `out`/runs/ for a resume.
    #[error("run {run}: {halt}")]
    Halted {
        /// Why the simulation stopped.
        halt: crate::sim::RunHalted,
        /// The run's index in the run list.
        run: usize,
        /// The sweep's output directory; `None` from [`run_one`], which stores nothing.
        out: Option<PathBuf>,
        /// Finished runs stored there, from this attempt and earlier ones.
        saved: usize,
    },
}

/// How to run a sweep: what ([`SweepSpec`]) and where, on how many threads, which slice.
#[derive(Clone, Debug)]
pub struct SweepOptions {
    /// The scenario, `--set`, `--vary` and replications.
    pub spec: SweepSpec,
    /// Threads; None uses every core.
    pub jobs: Option<usize>,
    /// None: `output/<scenario name>-sweep/`.
    pub out: Option<PathBuf>,
    /// Run only this slice and write a manifest instead of the result files; `None` runs
    /// everything.
    pub shard: Option<Shard>,
    /// Draw a progress bar on stderr, if stderr is a terminal.
    pub progress: bool,
    /// Run variants beyond the size limits ([`crate::scenario::SizeLimits`]).
    pub allow_large: bool,
}

/// What [`run_sweep`] did, for the command line to report.
#[derive(Clone, Debug)]
pub struct SweepOutcome {
    /// The output directory used.
    pub out: PathBuf,
    /// Runs in this process's slice (all of them without a shard).
    pub runs: usize,
    /// Of those, how many ran now.
    pub ran: usize,
    /// Of those, how many an earlier attempt at the same sweep had already finished.
    pub reused: usize,
    /// The result files written (none for a shard, which writes only its runs).
    pub written: Vec<PathBuf>,
}

/// Refuses, before any run starts, a variant whose runs are beyond the size limits: a
/// `--vary horizon=...` value can ask for far more than the base scenario. Its runs write
/// no tasks.csv or timeseries.csv (`execute` keeps only their summaries), so those bytes
/// do not count.
fn refuse_large(spec: &SweepSpec, plan: &Plan) -> Result<(), SweepError> {
    use crate::scenario::{RunFiles, SizeLimits, estimate};
    let limits = SizeLimits::default();
    for variant in &plan.variants {
        if let Some(why) = estimate(&variant.config, RunFiles::SUMMARY_ONLY).exceeds(&limits) {
            let values: Vec<String> = plan
                .meta
                .keys
                .iter()
                .zip(&variant.values)
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            return Err(SweepError::Usage(format!(
                "{}: the variant {}: {why}; pass --allow-large to run it anyway",
                spec.scenario.display(),
                values.join(" ")
            )));
        }
    }
    Ok(())
}

/// The sweep's plan, every variant loaded once: [`run_planned`] runs it. `allow_large`
/// lifts the trace task limit as it does the size limits.
pub fn plan_sweep(options: &SweepOptions) -> Result<Plan, SweepError> {
    let load = crate::scenario::LoadOptions {
        trace_task_limit: (!options.allow_large)
            .then(|| crate::scenario::SizeLimits::default().tasks as u64),
        ..Default::default()
    };
    plan(&options.spec, load)
}

/// Runs a sweep (or one shard of it) into its output directory, skipping runs a previous
/// attempt at the same sweep already finished.
pub fn run_sweep(options: &SweepOptions) -> Result<SweepOutcome, SweepError> {
    run_planned(plan_sweep(options)?, options)
}

/// [`run_sweep`] on a plan already made (by [`plan_sweep`]).
pub fn run_planned(plan: Plan, options: &SweepOptions) -> Result<SweepOutcome, SweepError> {
    if !options.allow_large {
        refuse_large(&options.spec, &plan)?;
    }
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| plan::default_out_dir(&plan.meta));
    let fingerprint = plan.meta.fingerprint.clone();
    let mine: Vec<RunSpec> = plan
        .runs
        .iter()
        .filter(|r| options.shard.is_none_or(|s| s.includes(r.index)))
        .copied()
        .collect();
    let finished = store::load_runs(&out, &fingerprint)?;
    let todo: Vec<RunSpec> = mine
        .iter()
        .filter(|r| !finished.contains_key(&r.index))
        .copied()
        .collect();
    let bar = progress_bar(options.progress, todo.len());
    let saved = std::sync::atomic::AtomicUsize::new(finished.len());
    let save = |record: &RunRecord| {
        store::save_run(&out, &fingerprint, record)?;
        saved.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        bar.inc(1);
        Ok(())
    };
    let fresh = execute(&plan, &todo, options.jobs, &save).map_err(|e| match e {
        SweepError::Halted { halt, run, .. } => SweepError::Halted {
            halt,
            run,
            out: Some(out.clone()),
            saved: saved.load(std::sync::atomic::Ordering::SeqCst),
        },
        other => other,
    })?;
    bar.finish_and_clear();
    let mut outcome = SweepOutcome {
        out: out.clone(),
        runs: mine.len(),
        ran: fresh.len(),
        reused: mine.len() - fresh.len(),
        written: Vec::new(),
    };
    match options.shard {
        Some(shard) => {
            let indices = mine.iter().map(|r| r.index).collect();
            store::save_manifest(&out, &shard, &plan.meta, indices)?;
        }
        None => {
            let mut all = finished;
            all.extend(fresh.into_iter().map(|r| (r.index, r)));
            let records: Vec<RunRecord> = all
                .into_values()
                .filter(|r| r.index < plan.runs.len())
                .collect();
            outcome.written = write_results(&out, &plan.meta, &records)?;
        }
    }
    Ok(outcome)
}

fn progress_bar(wanted: bool, len: usize) -> indicatif::ProgressBar {
    if !(wanted && std::io::stderr().is_terminal()) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
            .expect("a valid template"),
    );
    bar
}

/// Writes `runs.csv`, `sweep.csv` and `sweep.json` together, or none of them.
pub fn write_results(
    out: &Path,
    meta: &SweepMeta,
    records: &[RunRecord],
) -> Result<Vec<PathBuf>, SweepError> {
    let stats = aggregate(meta, records);
    let err = |source| SweepError::Io {
        path: out.to_path_buf(),
        source,
    };
    let mut dir = OutputDir::create(out).map_err(err)?;
    dir.write("runs.csv", &runs_csv(meta, records))
        .map_err(err)?;
    dir.write("sweep.csv", &sweep_csv(meta, &stats))
        .map_err(err)?;
    dir.write("sweep.json", &sweep_json(meta, &stats))
        .map_err(err)?;
    dir.commit().map_err(err)
}

/// What a merge combined.
#[derive(Clone, Debug)]
pub struct Merged {
    /// Runs combined.
    pub runs: usize,
    /// Distinct shards found among the directories.
    pub shards: usize,
    /// `runs.csv`, `sweep.csv` and `sweep.json` in the output directory.
    pub written: Vec<PathBuf>,
}

/// Combines the shard outputs in `dirs` into the files the unsharded sweep writes, in
/// `out`. Fails, naming what is missing, unless every run of one sweep is present.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Merged, SweepError> {
    let mut meta: Option<(SweepMeta, PathBuf)> = None;
    let mut shards_seen = BTreeSet::new();
    for dir in dirs {
        for m in store::load_manifests(dir)? {
            match &meta {
                None => meta = Some((m.sweep.clone(), dir.clone())),
                Some((first, first_dir)) if first.fingerprint != m.sweep.fingerprint => {
                    return Err(SweepError::Merge(format!(
                        "{} holds shard {}/{} of a different sweep than {} (fingerprint {} vs {}); merge shards of one sweep only",
                        dir.display(),
                        m.shard,
                        m.shards,
                        first_dir.display(),
                        m.sweep.fingerprint,
                        first.fingerprint
                    )));
                }
                Some(_) => {}
            }
            shards_seen.insert((m.shard, m.shards));
        }
    }
    let Some((meta, _)) = meta else {
        return Err(SweepError::Merge(format!(
            "no shard manifest (shard-I-of-N.json) in {}; run `ecsim sweep ... --shard I/N --out DIR` first",
            list(dirs.iter().map(|d| d.display().to_string()))
        )));
    };
    let mut records: BTreeMap<usize, RunRecord> = BTreeMap::new();
    for dir in dirs {
        records.extend(store::load_runs(dir, &meta.fingerprint)?);
    }
    let total = meta.total_runs();
    let missing: Vec<usize> = (0..total).filter(|i| !records.contains_key(i)).collect();
    if !missing.is_empty() {
        let counts: BTreeSet<u32> = shards_seen.iter().map(|&(_, n)| n).collect();
        let absent: Vec<String> = counts
            .iter()
            .flat_map(|&n| (0..n).map(move |i| (i, n)))
            .filter(|s| !shards_seen.contains(s))
            .map(|(i, n)| format!("{i}/{n}"))
            .collect();
        let hint = if absent.is_empty() {
            String::new()
        } else {
            format!("; no manifest for shard {}", absent.join(", "))
        };
        return Err(SweepError::Merge(format!(
            "{} of {total} runs missing (run {}){hint}; re-run those shards with the same arguments",
            missing.len(),
            list(missing.iter().map(|i| i.to_string()))
        )));
    }
    let records: Vec<RunRecord> = records.into_values().filter(|r| r.index < total).collect();
    Ok(Merged {
        runs: records.len(),
        shards: shards_seen.len(),
        written: write_results(out, &meta, &records)?,
    })
}

/// The first few items, then how many more.
fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let shown = items
        .iter()
        .take(10)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > 10 {
        format!("{shown}, and {} more", items.len() - 10)
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variant_is_refused_only_for_what_its_runs_make() {
        // At 50 days: 19.8 M tasks (16,500 an hour) and 4,320,001 one-second samples, both
        // under their limits; with tasks.csv (3.17 GB) and timeseries.csv (0.89 GB, 23
        // columns at 9 B) `ecsim run` would write 4.06 GB, over its 4 GB, but a sweep
        // writes neither. At 100 years the 3.15 G samples are over their 5 M limit anyway.
        let pools: String = ["a", "b", "c", "d"]
            .iter()
            .map(|n| {
                format!(
                    "[[cluster.pools]]\nname = \"{n}\"\ninstance_type = \"m5.large\"\ncount = 1\n"
                )
            })
            .collect();
        let text = format!(
            "horizon = \"1h\"\nsample_interval = \"1s\"\n{pools}[[taskDefinitions]]\nfamily = \"j\"\ncpu = 256\nmemory = 512\n[[jobs]]\nname = \"j\"\ntaskDefinition = \"j\"\nduration = {{ type = \"constant\", value = 60 }}\narrival = {{ type = \"poisson\", rate_per_hour = 16500 }}\n"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, text).unwrap();
        let spec = |horizons: &str| SweepSpec {
            scenario: path.clone(),
            set: Vec::new(),
            vary: vec![Vary::parse(&format!("horizon={horizons}")).unwrap()],
            replications: 1,
        };
        let fifty_days = spec("1h,50d");
        refuse_large(&fifty_days, &plan(&fifty_days, Default::default()).unwrap()).unwrap();
        let century = spec("50d,36500d");
        let why = refuse_large(&century, &plan(&century, Default::default()).unwrap()).unwrap_err();
        let why = why.to_string();
        assert!(why.contains("the variant horizon=36500d"), "{why}");
        assert!(
            why.contains("timeseries samples") && !why.contains("bytes of output"),
            "{why}"
        );
    }
}
