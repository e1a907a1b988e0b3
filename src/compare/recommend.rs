//! Instance-type recommendation: for each candidate type, the smallest count of the
//! scenario's first pool that meets a target, then the cheapest of those.
//!
//! The search assumes more instances never make the target worse (true of pending time and
//! availability when nothing else changes), so a binary search on the count finds the
//! smallest one in about log2(max) runs. Types run in parallel; within a type the search is
//! sequential, each probe depending on the last.

use super::legs::{Leg, uses_ec2};
use super::run::{CompareError, LegResult, run_config};
use crate::catalog::{Arch, Ec2Os, InstanceType, PriceCatalog};
use crate::model::{InstanceTypeSpec, SimConfig};
use rayon::prelude::*;
use serde::Serialize;

/// An availability target covers services only; a configuration must also serve its jobs:
/// none rejected and none left waiting longer than this without starting.
pub const AVAILABILITY_MAX_UNSTARTED_WAIT_S: f64 = 600.0;

/// What the recommended pool must achieve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Target {
    /// Pending-time p95 at or below this many seconds, no task rejected, and no task left
    /// waiting longer than that without starting (the percentile counts only tasks that
    /// started, so a pool too small to place some tasks would otherwise look fast).
    PendingP95(f64),
    /// Worst service's availability at or above this fraction, with every job served
    /// (see [`AVAILABILITY_MAX_UNSTARTED_WAIT_S`]).
    Availability(f64),
}

impl Target {
    /// Whether the run `r` achieves the target, every task served.
    pub fn met(self, r: &LegResult) -> bool {
        let served =
            |max_wait: f64| r.summary.tasks.rejected == 0 && r.longest_unstarted_wait_s <= max_wait;
        match self {
            Target::PendingP95(s) => r.pending_p95_s <= s && served(s),
            Target::Availability(a) => {
                r.availability.is_some_and(|x| x >= a) && served(AVAILABILITY_MAX_UNSTARTED_WAIT_S)
            }
        }
    }
}

/// The outcome for one instance type.
#[derive(Clone, Debug, Serialize)]
pub struct TypeResult {
    /// The candidate, e.g. `t3.medium`.
    pub instance_type: String,
    /// Smallest count meeting the target, if any up to the maximum.
    pub count: Option<u32>,
    /// Why there is no count (task does not fit, target not met at the maximum).
    pub reason: Option<String>,
    /// The run at `count`.
    pub result: Option<LegResult>,
    /// Simulations run for this type.
    pub runs: u32,
    /// Every count the search ran, in the order it ran them: what cost and waiting each
    /// gave (the report charts them).
    pub probes: Vec<Probe>,
}

/// One run of the search: a count of the type and what it gave.
#[derive(Clone, Debug, Serialize)]
pub struct Probe {
    /// Instances of the type in the pool.
    pub count: u32,
    /// The run's bill over the measured window, USD.
    pub cost_total_usd: f64,
    /// The run's pending-time p95, seconds.
    pub pending_p95_s: f64,
    /// Whether the run met the target.
    pub met: bool,
}

/// What `compare --recommend` found (`recommend.json`).
#[derive(Clone, Debug, Serialize)]
pub struct Recommendation {
    /// The scenario's name.
    pub scenario: String,
    /// What every candidate had to achieve.
    pub target: Target,
    /// The pool whose type and count were searched: the scenario's first.
    pub pool: String,
    /// The largest count tried per type.
    pub max_count: u32,
    /// Index into `types` of the cheapest type meeting the target.
    pub best: Option<usize>,
    /// One per candidate type, in the order given.
    pub types: Vec<TypeResult>,
    /// The workload on ECS Managed Instances instead (the `managed-instances` and
    /// `managed-instances-spot` legs): no pool to size, ECS picks the instances.
    pub managed_instances: Vec<ManagedAlternative>,
}

/// One Managed Instances leg beside the sized pools.
#[derive(Clone, Debug, Serialize)]
pub struct ManagedAlternative {
    /// `managed-instances` or `managed-instances-spot`.
    pub leg: String,
    /// Whether its run achieved the target.
    pub meets_target: bool,
    /// Cheaper than the cheapest sized pool, and meets the target.
    pub cheaper_than_best: bool,
    /// Its run.
    pub result: LegResult,
}

/// Candidate types: `names` from the catalog (unknown names are an error listing the
/// allowed ones), or every catalog type with the pool's architecture, since an image built
/// for one architecture does not run on the other; types with GPUs only when `gpus` (some
/// task needs them), and then only those, since a GPU task fits no other type.
pub fn candidates<'a>(
    catalog: &'a PriceCatalog,
    names: Option<&[String]>,
    arch: &str,
    gpus: bool,
) -> Result<Vec<&'a InstanceType>, String> {
    match names {
        Some(list) => list
            .iter()
            .map(|n| catalog.require_instance(n).map_err(|e| e.to_string()))
            .collect(),
        None => Ok(catalog
            .instances()
            .iter()
            .filter(|t| {
                let a = match t.arch {
                    Arch::X86_64 => "x86_64",
                    Arch::Arm64 => "arm64",
                };
                a == arch && (t.gpus > 0) == gpus
            })
            .collect()),
    }
}

/// Searches `types` in parallel; results keep the order of `types`.
pub fn recommend(
    config: &SimConfig,
    catalog: &PriceCatalog,
    types: &[&InstanceType],
    target: Target,
    max_count: u32,
) -> Result<Recommendation, CompareError> {
    let Some(pool) = config.pools.first() else {
        return Err(CompareError::Usage(
            "--recommend sizes the scenario's first EC2 pool, and it has none".into(),
        ));
    };
    let pool_name = pool.name.clone();
    let searched: Vec<_> = types
        .par_iter()
        .map(|t| search(config, catalog, t, target, max_count.max(1)))
        .collect();
    let results = searched.into_iter().collect::<Result<Vec<_>, _>>()?;
    let best = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.result.as_ref().map(|x| (i, x.cost_total_usd)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i);
    let best_cost = best.and_then(|i| results[i].result.as_ref().map(|r| r.cost_total_usd));
    let legs = [Leg::ManagedInstances, Leg::ManagedInstancesSpot];
    let managed = super::run::run_legs(config, &legs)?
        .into_iter()
        .zip(legs)
        .map(|(result, leg)| {
            let meets_target = target.met(&result);
            ManagedAlternative {
                leg: leg.name().to_string(),
                meets_target,
                cheaper_than_best: meets_target
                    && best_cost.is_none_or(|c| result.cost_total_usd < c),
                result,
            }
        })
        .collect();
    Ok(Recommendation {
        scenario: config.name.clone(),
        target,
        pool: pool_name,
        max_count,
        best,
        types: results,
        managed_instances: managed,
    })
}

fn spec(catalog: &PriceCatalog, t: &InstanceType, os: &str) -> InstanceTypeSpec {
    let os = if os == "windows" {
        Ec2Os::Windows
    } else {
        Ec2Os::Linux
    };
    InstanceTypeSpec {
        price_per_hour: catalog
            .ec2_hourly_price(&t.name, os, false)
            .unwrap_or(t.price_per_hour),
        ..InstanceTypeSpec::from_catalog(t, 0, catalog.ec2.os_memory_fraction, false)
    }
}

fn with_pool(config: &SimConfig, spec: &InstanceTypeSpec, count: u32) -> SimConfig {
    let mut c = config.clone();
    c.pools[0].instance_type = spec.clone();
    c.pools[0].count = count;
    c
}

fn search(
    config: &SimConfig,
    catalog: &PriceCatalog,
    t: &InstanceType,
    target: Target,
    max: u32,
) -> Result<TypeResult, CompareError> {
    let spec = spec(catalog, t, config.pools[0].os_type);
    let mut out = TypeResult {
        instance_type: t.name.clone(),
        count: None,
        reason: None,
        result: None,
        runs: 0,
        probes: Vec::new(),
    };
    if let Some(family) = too_small(config, &spec) {
        out.reason = Some(format!("task definition `{family}` does not fit"));
        return Ok(out);
    }
    let probe = |n: u32, out: &mut TypeResult| -> Result<Option<LegResult>, CompareError> {
        out.runs += 1;
        let r = run_config(&with_pool(config, &spec, n), &t.name, Vec::new())?;
        let met = target.met(&r);
        out.probes.push(Probe {
            count: n,
            cost_total_usd: r.cost_total_usd,
            pending_p95_s: r.pending_p95_s,
            met,
        });
        Ok(met.then_some(r))
    };
    let Some(mut best) = probe(max, &mut out)? else {
        out.reason = Some(format!("target not met even with {max} instances"));
        return Ok(out);
    };
    // Invariant: `hi` meets the target, every count below `lo` does not.
    let (mut lo, mut hi) = (1, max);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match probe(mid, &mut out)? {
            Some(r) => {
                hi = mid;
                best = r;
            }
            None => lo = mid + 1,
        }
    }
    out.count = Some(hi);
    out.result = Some(best);
    Ok(out)
}

/// The family of a task definition launched on EC2 capacity that fits on no instance of
/// this type.
fn too_small(config: &SimConfig, spec: &InstanceTypeSpec) -> Option<String> {
    let defs = config
        .services
        .iter()
        .filter(|s| uses_ec2(&s.launch))
        .map(|s| s.task_def)
        .chain(
            config
                .jobs
                .iter()
                .filter(|j| uses_ec2(&j.launch))
                .map(|j| j.task_def),
        );
    defs.map(|d| &config.task_defs[d.index()])
        .find(|d| {
            d.cpu > spec.cpu_units
                || d.memory > spec.memory_mib
                || (d.uses_eni() && spec.awsvpc_task_limit == 0)
        })
        .map(|d| d.family.clone())
}
