//! Runs a slice of the run list on a local rayon pool. Parallelism is across runs, never
//! inside one, so each run is exactly what `ecsim run` would compute with its seed.

use super::plan::{Plan, RunSpec};
use super::{RunRecord, SweepError, flatten};
use crate::metrics::NullRecorder;
use rayon::prelude::*;

/// Runs `todo` on `jobs` threads (None: every core), calling `done` as each finishes (to
/// save it, so an interrupted sweep keeps its finished runs). Results come back sorted by
/// run index, whatever order the threads finished in.
pub fn execute(
    plan: &Plan,
    todo: &[RunSpec],
    jobs: Option<usize>,
    done: &(dyn Fn(&RunRecord) -> Result<(), SweepError> + Sync),
) -> Result<Vec<RunRecord>, SweepError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = jobs {
        builder = builder.num_threads(n.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| SweepError::Usage(format!("cannot start {jobs:?} threads: {e}")))?;
    let mut records = pool.install(|| {
        todo.par_iter()
            .map(|run| {
                let record = run_one(plan, run)?;
                done(&record)?;
                Ok(record)
            })
            .collect::<Result<Vec<_>, SweepError>>()
    })?;
    records.sort_by_key(|r| r.index);
    Ok(records)
}

/// One run with its replication's seed; fails on a runaway instant or an interrupt.
pub fn run_one(plan: &Plan, run: &RunSpec) -> Result<RunRecord, SweepError> {
    let mut config = plan.variants[run.variant].config.clone();
    config.seed = run.seed;
    let summary = crate::sim::run_with(&config, &mut NullRecorder, Default::default())
        .map_err(|halt| SweepError::Halted {
            halt,
            run: run.index,
            out: None,
            saved: 0,
        })?
        .summary;
    Ok(RunRecord {
        index: run.index,
        variant: run.variant,
        replication: run.replication,
        seed: run.seed,
        metrics: flatten::flatten(&summary),
    })
}
