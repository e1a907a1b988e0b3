//! Running legs and reading off the figures the comparison prints.

use super::commitment_legs::{CommitmentRecommendation, recommend_commitment};
use super::legs::{Leg, LegError, apply_leg};
use crate::metrics::{Recorder, Summary, TaskRow};
use crate::model::SimConfig;
use crate::sim::RunHalted;
use crate::stats::LatencyHistogram;
use crate::time::SimTime;
use rayon::prelude::*;
use serde::Serialize;

/// Hours in an average month (8760 / 12), as AWS's pricing examples use.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// What one leg cost and what it delivered.
#[derive(Clone, Debug, Serialize)]
pub struct LegResult {
    /// The leg's name (or the candidate type's, in a recommendation).
    pub leg: String,
    /// Assumptions made to build the leg.
    pub notes: Vec<String>,
    /// The bill over the measured window, USD: the effective cost when the leg has
    /// commitments (fees plus usage they do not cover), else `cost_usd.total`.
    pub cost_total_usd: f64,
    /// The EC2 instance part of the On-Demand bill, USD.
    pub cost_ec2_usd: f64,
    /// The Fargate part of the On-Demand bill, USD.
    pub cost_fargate_usd: f64,
    /// `cost_total_usd` × 730 h / measured hours.
    pub cost_monthly_usd: f64,
    /// Task-hours RUNNING inside the measured window.
    pub task_hours: f64,
    /// `cost_total_usd` over `task_hours`; `None` when no task ran.
    pub cost_per_task_hour_usd: Option<f64>,
    /// Time-weighted reserved share of registered EC2 CPU and memory; `None` without EC2.
    pub cpu_reserved: Option<f64>,
    /// The same for memory.
    pub memory_reserved: Option<f64>,
    /// 1 − the larger reserved share: capacity paid for that no task held.
    pub idle: Option<f64>,
    /// 95th percentile of started tasks' created-to-RUNNING time, seconds.
    pub pending_p95_s: f64,
    /// Tasks created in the window that never reached RUNNING (waiting at the end, or
    /// rejected), and the longest wait among those still waiting: the pending-time
    /// percentiles count only tasks that started, so these catch a cluster too small to
    /// place some tasks at all.
    pub unstarted_tasks: u64,
    /// The longest wait, seconds, among tasks still waiting to start at the end.
    pub longest_unstarted_wait_s: f64,
    /// From `summary.json`'s `restart_latency_s.p95` when the run reports it.
    pub restart_latency_p95_s: Option<f64>,
    /// The worst service's `availability` (time-weighted share of its desired tasks
    /// RUNNING), over the services the leg runs (`left_out` excluded); `None` without any.
    pub availability: Option<f64>,
    /// Services this leg cannot run (DAEMON services off EC2).
    pub left_out: Vec<String>,
    /// Each service's and job's pending-time p95, seconds, when the run was asked for it
    /// (`--per-service`); empty otherwise.
    #[serde(skip)]
    pub pending_p95_by_origin: std::collections::BTreeMap<String, f64>,
    /// The run's whole summary, as `summary.json` would have it.
    pub summary: Summary,
}

/// Sums running task time in the window and finds the tasks that never started.
struct LegRecorder {
    warmup: SimTime,
    horizon: SimTime,
    task_ms: u128,
    unstarted: u64,
    longest_unstarted_ms: u64,
    /// Created-to-RUNNING per origin, for tasks created in the window; `None` unless asked.
    pending_by_origin: Option<std::collections::BTreeMap<String, LatencyHistogram>>,
}

impl Recorder for LegRecorder {
    fn wants_instances(&self) -> bool {
        false
    }

    fn task(&mut self, row: &TaskRow<'_>) {
        if let (Some(by), Some(running)) = (&mut self.pending_by_origin, row.running)
            && row.created >= self.warmup
        {
            if !by.contains_key(row.origin) {
                by.insert(row.origin.to_string(), LatencyHistogram::new());
            }
            if let Some(h) = by.get_mut(row.origin) {
                h.record(running.since(row.created).as_millis());
            }
        }
        if row.running.is_none() && row.created >= self.warmup {
            self.unstarted += 1;
            if row.stopped.is_none() {
                let waited = self.horizon.since(row.created).as_millis();
                self.longest_unstarted_ms = self.longest_unstarted_ms.max(waited);
            }
        }
        if let Some(start) = row.running {
            let start = start.max(self.warmup);
            let end = row.stopped.unwrap_or(self.horizon).min(self.horizon);
            if end > start {
                self.task_ms += u128::from(end.since(start).as_millis());
            }
        }
    }
}

/// Why a comparison has no results: a leg or the search cannot be built from the
/// scenario, or one of its runs stopped early (a runaway instant, Ctrl-C).
#[derive(Debug)]
pub enum CompareError {
    /// The scenario cannot make a leg or the search: the user's input, in words.
    Usage(String),
    /// A run stopped before its horizon.
    Halted {
        /// The leg (or candidate type) whose run stopped.
        leg: String,
        /// Why it stopped.
        halt: RunHalted,
    },
}

impl std::fmt::Display for CompareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompareError::Usage(m) => write!(f, "{m}"),
            CompareError::Halted { leg, halt } => write!(f, "{leg}: {halt}"),
        }
    }
}

impl From<LegError> for CompareError {
    fn from(e: LegError) -> CompareError {
        CompareError::Usage(e.to_string())
    }
}

/// Runs one config (any leg, or a recommendation candidate) and reads off its figures.
pub fn run_config(
    config: &SimConfig,
    leg: &str,
    notes: Vec<String>,
) -> Result<LegResult, CompareError> {
    Ok(run_config_with_usage(config, leg, notes)?.0)
}

/// Like [`run_config`], with the hourly usage when the config meters it.
pub fn run_config_with_usage(
    config: &SimConfig,
    leg: &str,
    notes: Vec<String>,
) -> Result<(LegResult, Option<crate::sim::HourlyUsage>), CompareError> {
    measure(config, leg, notes, Vec::new(), false)
}

/// Runs `config` and reads off its figures; `left_out` services do not count toward its
/// availability. `per_origin`: also each origin's pending-time p95.
pub(super) fn measure(
    config: &SimConfig,
    leg: &str,
    notes: Vec<String>,
    left_out: Vec<String>,
    per_origin: bool,
) -> Result<(LegResult, Option<crate::sim::HourlyUsage>), CompareError> {
    let mut rec = LegRecorder {
        warmup: config.warmup,
        horizon: config.horizon,
        task_ms: 0,
        unstarted: 0,
        longest_unstarted_ms: 0,
        pending_by_origin: per_origin.then(Default::default),
    };
    let crate::sim::RunOutcome { summary, usage } =
        crate::sim::run_with(config, &mut rec, Default::default()).map_err(|halt| {
            CompareError::Halted {
                leg: leg.to_string(),
                halt,
            }
        })?;
    let hours = summary.sim_time_s / 3600.0;
    let task_hours = rec.task_ms as f64 / 3_600_000.0;
    // With commitments, the bill is the effective cost (fees plus uncovered usage).
    let cost = summary
        .commitments
        .as_ref()
        .map_or(summary.cost_usd.total, |c| c.effective_cost_usd);
    let has_ec2 = summary.instances.mean > 0.0;
    let u = &summary.utilization;
    let json = serde_json::to_value(&summary).unwrap_or_default();
    let lookup = |path: &str| json.pointer(path).and_then(|v| v.as_f64());
    let availability = summary
        .availability
        .services
        .iter()
        .filter(|(name, _)| !left_out.contains(name))
        .map(|(_, a)| *a)
        .reduce(f64::min);
    let result = LegResult {
        leg: leg.to_string(),
        notes,
        cost_total_usd: cost,
        cost_ec2_usd: summary.cost_usd.ec2,
        cost_fargate_usd: summary.cost_usd.fargate,
        cost_monthly_usd: if hours > 0.0 {
            cost * HOURS_PER_MONTH / hours
        } else {
            0.0
        },
        task_hours,
        cost_per_task_hour_usd: (task_hours > 0.0).then(|| cost / task_hours),
        cpu_reserved: has_ec2.then_some(u.cpu_reserved_mean),
        memory_reserved: has_ec2.then_some(u.memory_reserved_mean),
        idle: has_ec2.then(|| 1.0 - u.cpu_reserved_mean.max(u.memory_reserved_mean)),
        pending_p95_s: summary.pending_time_s.started.p95,
        unstarted_tasks: rec.unstarted,
        longest_unstarted_wait_s: rec.longest_unstarted_ms as f64 / 1000.0,
        // No restarts means no latency to report, not a latency of zero.
        restart_latency_p95_s: lookup("/restart_latency_s/count")
            .filter(|n| *n > 0.0)
            .and(lookup("/restart_latency_s/p95")),
        availability,
        left_out,
        pending_p95_by_origin: rec
            .pending_by_origin
            .unwrap_or_default()
            .into_iter()
            .map(|(o, h)| (o, h.quantile(0.95) as f64 / 1000.0))
            .collect(),
        summary,
    };
    Ok((result, usage))
}

/// Runs `legs` of `config` in parallel; results come back in the order of `legs`.
pub fn run_legs(config: &SimConfig, legs: &[Leg]) -> Result<Vec<LegResult>, CompareError> {
    let configs = legs
        .iter()
        .map(|&leg| apply_leg(config, leg).map(|c| (leg, c)))
        .collect::<Result<Vec<_>, _>>()?;
    // An indexed parallel iterator collects in input order, so the output (and which
    // leg's failure is reported, the first in leg order) is deterministic.
    let runs: Vec<_> = configs
        .into_par_iter()
        .map(|(leg, c)| measure(&c.config, leg.name(), c.notes, c.left_out, false).map(|r| r.0))
        .collect();
    runs.into_iter().collect()
}
/// Runs `legs` with usage metered and recommends a Compute Savings Plan level for each, on
/// the same sampled workload. Results come back in leg order.
pub fn run_and_recommend(
    config: &SimConfig,
    legs: &[Leg],
) -> Result<(Vec<LegResult>, Vec<CommitmentRecommendation>), CompareError> {
    let configs = legs
        .iter()
        .map(|&leg| {
            apply_leg(config, leg).map(|mut planned| {
                planned.config.billing.commitments.meter = true;
                (leg, planned)
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let runs: Vec<_> = configs
        .into_par_iter()
        .map(|(leg, planned)| {
            let (result, usage) = measure(
                &planned.config,
                leg.name(),
                planned.notes,
                planned.left_out,
                false,
            )?;
            Ok((leg, planned.config, result, usage))
        })
        .collect::<Vec<Result<_, CompareError>>>()
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let mut results = Vec::with_capacity(runs.len());
    let mut recs = Vec::with_capacity(runs.len());
    for (leg, c, result, usage) in runs {
        if let Some(usage) = usage {
            let rec = recommend_commitment(leg.name(), &c, &usage, result.summary.cost_usd.total)
                .map_err(|message| LegError {
                leg: leg.name(),
                family: "(commitments)".into(),
                message,
            })?;
            recs.push(rec);
        }
        results.push(result);
    }
    Ok((results, recs))
}
