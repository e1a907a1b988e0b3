//! A `compare --recommend` directory: `recommend.json` (each candidate type's smallest
//! count meeting the target, the counts the search ran, and the Managed Instances legs).

use super::{LoadError, read_json};
use serde::Deserialize;
use std::path::Path;

/// Written by `ecsim compare --recommend`.
pub const RECOMMEND: &str = "recommend.json";

/// The search as `recommend.json` records it.
#[derive(Debug, Deserialize)]
pub struct RecommendOutputs {
    /// The scenario's name; the directory's in a file that predates the field.
    #[serde(default)]
    pub scenario: String,
    /// What every candidate had to achieve.
    pub target: TargetView,
    /// The pool whose type and count were searched (the scenario's first).
    pub pool: String,
    /// The largest count tried per type.
    pub max_count: u32,
    /// Index into `types` of the cheapest type meeting the target.
    #[serde(default)]
    pub best: Option<usize>,
    /// One per candidate type, in the order tried.
    pub types: Vec<CandidateView>,
    /// The workload on Managed Instances instead, where ECS picks the instances.
    #[serde(default)]
    pub managed_instances: Vec<ManagedView>,
}

/// The target of the search.
#[derive(Clone, Copy, Debug, Deserialize)]
pub enum TargetView {
    /// Pending-time p95 at most this many seconds, every task served.
    PendingP95(f64),
    /// The worst service's availability at least this share (0–1), every job served.
    Availability(f64),
}

/// One candidate instance type.
#[derive(Debug, Deserialize)]
pub struct CandidateView {
    /// e.g. `t3.medium`.
    pub instance_type: String,
    /// The smallest count meeting the target; `None` when none up to the maximum did.
    #[serde(default)]
    pub count: Option<u32>,
    /// Why there is no count, in words.
    #[serde(default)]
    pub reason: Option<String>,
    /// The run at `count`.
    #[serde(default)]
    pub result: Option<RunFigures>,
    /// Simulations run for this type.
    #[serde(default)]
    pub runs: u32,
    /// Every count the search ran; empty in a file that predates them.
    #[serde(default)]
    pub probes: Vec<ProbeView>,
}

/// One count the search ran.
#[derive(Clone, Debug, Deserialize)]
pub struct ProbeView {
    /// Instances of the type in the pool.
    pub count: u32,
    /// The bill over the measured window, USD.
    pub cost_total_usd: f64,
    /// Pending-time p95, seconds.
    pub pending_p95_s: f64,
    /// Whether the run met the target.
    pub met: bool,
}

/// A run's headline figures, as `compare.json`'s legs carry them.
#[derive(Debug, Deserialize)]
pub struct RunFigures {
    /// The bill over the measured window, USD.
    pub cost_total_usd: f64,
    /// The bill scaled to a 730-hour month, USD.
    #[serde(default)]
    pub cost_monthly_usd: Option<f64>,
    /// Pending-time p95, seconds.
    pub pending_p95_s: f64,
    /// The worst service's availability (0–1); `None` without services.
    #[serde(default)]
    pub availability: Option<f64>,
}

/// A Managed Instances leg beside the sized pools.
#[derive(Debug, Deserialize)]
pub struct ManagedView {
    /// `managed-instances` or `managed-instances-spot`.
    pub leg: String,
    /// Whether it met the target.
    pub meets_target: bool,
    /// Its run.
    pub result: RunFigures,
}

impl RecommendOutputs {
    /// Reads `dir/recommend.json`.
    pub fn load(dir: &Path) -> Result<RecommendOutputs, LoadError> {
        let path = dir.join(RECOMMEND);
        let value = read_json(&path)?;
        let mut out: RecommendOutputs = serde_path_to_error::deserialize(value)
            .map_err(|e| LoadError::bad(&path, format!("field `{}`: {}", e.path(), e.inner())))?;
        if out.best.is_some_and(|b| b >= out.types.len()) {
            return Err(LoadError::bad(
                &path,
                "field `best`: names no candidate type",
            ));
        }
        if out.scenario.is_empty() {
            out.scenario = dir
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
        }
        Ok(out)
    }
}
