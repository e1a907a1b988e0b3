//! A compare directory: `compare.json` (every leg's figures and the break-even rows).

use super::{LoadError, read_json};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;

/// Written by `ecsim compare --recommend-commitment`.
pub const COMMITMENT_RECOMMENDATION: &str = "commitment-recommendation.json";

/// Written by `ecsim compare --per-service`: one row per service or job moved alone.
pub const PER_SERVICE: &str = "per-service.csv";

/// A comparison as `compare.json` records it, plus the commitment curves beside it.
#[derive(Debug, Deserialize)]
pub struct CompareOutputs {
    /// The scenario's name.
    pub scenario: String,
    /// The seed every leg ran with; `None` in a file that predates the field.
    #[serde(default)]
    pub seed: Option<u64>,
    /// In the order the legs were asked for.
    pub legs: Vec<LegFigures>,
    /// EC2 against Fargate per task definition and instance type; empty when absent.
    #[serde(default)]
    pub break_even: BreakEvenView,
    /// `commitment-recommendation.json`, when the comparison ran `--recommend-commitment`.
    #[serde(skip)]
    pub commitments: Vec<CommitmentCurveView>,
    /// `per-service.csv`, when the comparison ran `--per-service`.
    #[serde(skip)]
    pub per_service: Vec<OriginMoveView>,
    /// What a leg must achieve to count in the report's answer; the defaults when the file
    /// predates the field.
    #[serde(default)]
    pub targets: CompareTargets,
}

/// The service a comparison's answer asks of a leg: the cheapest leg meeting both is the
/// report's headline. `ecsim compare --target-pending-p95` and `--target-availability`
/// set them; the defaults are [`CompareTargets::default`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareTargets {
    /// Pending-time p95 at most this many seconds, and no task rejected or left waiting
    /// longer than that without starting.
    pub pending_p95_s: f64,
    /// The worst service's availability at least this share (0–1).
    pub availability: f64,
}

impl Default for CompareTargets {
    /// Two minutes for a task to start: above the 53–62 s a Fargate task with a 413 MB
    /// image was measured to take (elasticscale.com, 2024), so the default alone never
    /// rules Fargate out; and three nines (43.8 minutes of downtime a 730-hour month).
    fn default() -> CompareTargets {
        CompareTargets {
            pending_p95_s: 120.0,
            availability: 0.999,
        }
    }
}

/// One row of `per-service.csv`: a service or job moved alone to Fargate.
#[derive(Debug, Deserialize)]
pub struct OriginMoveView {
    /// The service or job.
    pub origin: String,
    /// Its share of the scenario's bill, US dollars.
    pub cost_where_it_is_usd: f64,
    /// Its share of the bill once moved, US dollars.
    pub cost_moved_usd: f64,
    /// The moved leg's bill less the scenario's, US dollars.
    pub bill_change_usd: f64,
    /// Its pending-time p95 moved less where it is, seconds; empty when not measured.
    pub pending_p95_change_s: Option<f64>,
}

/// Rows a `per-service.csv` may hold: far more services and jobs than a comparison runs.
const MAX_PER_SERVICE_ROWS: usize = 100_000;

fn read_per_service(path: &Path) -> Result<Vec<OriginMoveView>, LoadError> {
    let bad = |why: String| LoadError::bad(path, why);
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(super::tasks::csv_words(&e)))?;
    let mut rows = Vec::new();
    for row in reader.deserialize::<OriginMoveView>() {
        let row = row.map_err(|e| bad(super::tasks::csv_words(&e)))?;
        let figures = [
            row.cost_where_it_is_usd,
            row.cost_moved_usd,
            row.bill_change_usd,
        ];
        if figures.iter().any(|f| !f.is_finite() || f.abs() > 1e15) {
            return Err(bad(format!(
                "row for `{}`: a cost that is not a finite number of dollars",
                row.origin
            )));
        }
        if rows.len() >= MAX_PER_SERVICE_ROWS {
            return Err(bad(format!("more than {MAX_PER_SERVICE_ROWS} rows")));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// One leg's cost against its hourly Compute Savings Plan commitment.
#[derive(Debug, Deserialize)]
pub struct CommitmentCurveView {
    /// The leg the plan was sized for.
    pub leg: String,
    /// The leg's bill without the recommended plan, USD over the measured window.
    pub cost_without_usd: f64,
    /// The cheapest point of `curve`.
    pub best: CurvePointView,
    /// The share (0–1) of hours a committed dollar must be used to pay for itself; `None`
    /// when no commitment saves anything.
    #[serde(default)]
    pub break_even_utilization: Option<f64>,
    /// The largest commitment, USD per hour, that costs no more than none; `None` when no
    /// commitment saves anything.
    #[serde(default)]
    pub break_even_commitment_per_hour: Option<f64>,
    /// Commitment levels in increasing order.
    pub curve: Vec<CurvePointView>,
}

/// One commitment level and the bill it gives.
#[derive(Clone, Debug, Deserialize)]
pub struct CurvePointView {
    /// Hourly commitment, USD per hour.
    pub commitment_per_hour: f64,
    /// Fees plus usage the plan does not cover, USD over the measured window.
    pub effective_cost_usd: f64,
}

/// One leg's headline figures. Fields other than `leg` and `cost_total_usd` default when a
/// file lacks them, so an older `compare.json` still loads.
#[derive(Debug, Deserialize)]
pub struct LegFigures {
    /// The leg's name, e.g. `ec2` or `fargate`.
    pub leg: String,
    /// Assumptions made to build the leg, as sentences.
    #[serde(default)]
    pub notes: Vec<String>,
    /// The bill over the measured window, USD (the effective cost when commitments apply).
    pub cost_total_usd: f64,
    /// EC2 instance part of the bill, USD.
    #[serde(default)]
    pub cost_ec2_usd: f64,
    /// Fargate part of the bill, USD.
    #[serde(default)]
    pub cost_fargate_usd: f64,
    /// The total scaled to a 730-hour month, USD.
    #[serde(default)]
    pub cost_monthly_usd: Option<f64>,
    /// Total over task-hours RUNNING in the window, USD; `None` when no task ran.
    #[serde(default)]
    pub cost_per_task_hour_usd: Option<f64>,
    /// Time-weighted share (0–1) of registered EC2 CPU that tasks reserved; `None`
    /// without EC2.
    #[serde(default)]
    pub cpu_reserved: Option<f64>,
    /// 95th percentile of started tasks' pending time, seconds.
    #[serde(default)]
    pub pending_p95_s: Option<f64>,
    /// Tasks created in the window that never reached RUNNING.
    #[serde(default)]
    pub unstarted_tasks: Option<u64>,
    /// The worst service's share (0–1) of desired tasks RUNNING; `None` without services.
    #[serde(default)]
    pub availability: Option<f64>,
    /// The longest any never-started task had waited at the end, seconds.
    #[serde(default)]
    pub longest_unstarted_wait_s: Option<f64>,
    /// The leg's whole `summary.json`, for figures not lifted out above.
    #[serde(default)]
    pub summary: Value,
}

/// `compare.json`'s `break_even`: when EC2 beats Fargate for the workload's task sizes.
#[derive(Debug, Default, Deserialize)]
pub struct BreakEvenView {
    /// The simplifications behind the arithmetic, as sentences.
    #[serde(default)]
    pub assumptions: Vec<String>,
    /// One per (task definition, instance type) pair.
    #[serde(default)]
    pub rows: Vec<BreakEvenLine>,
}

/// One (task definition, instance type) pair of the break-even arithmetic.
#[derive(Debug, Deserialize)]
pub struct BreakEvenLine {
    /// The task definition's family name.
    pub task_definition: String,
    /// e.g. `m5.large`.
    pub instance_type: String,
    /// On-Demand Fargate price of one task at its rounded size, USD per hour.
    pub fargate_per_task_hour_usd: f64,
    /// Such tasks one instance holds; 0 when none fits.
    pub tasks_per_instance: u32,
    /// On-Demand instance price, USD per hour.
    pub instance_per_hour_usd: f64,
    /// Share (0–1) of an instance's task slots that must be busy for EC2 to be cheaper;
    /// above 1 means never; `None` when no task fits.
    #[serde(default)]
    pub break_even_utilization: Option<f64>,
}

impl CompareOutputs {
    /// Reads `dir/compare.json`, and `commitment-recommendation.json` when present.
    pub fn load(dir: &Path) -> Result<CompareOutputs, LoadError> {
        let path = dir.join("compare.json");
        let value = read_json(&path)?;
        let mut out: CompareOutputs = serde_path_to_error::deserialize(value)
            .map_err(|e| LoadError::bad(&path, format!("field `{}`: {}", e.path(), e.inner())))?;
        let curve = dir.join(COMMITMENT_RECOMMENDATION);
        if curve.is_file() {
            out.commitments =
                serde_path_to_error::deserialize(read_json(&curve)?).map_err(|e| {
                    LoadError::bad(&curve, format!("field `{}`: {}", e.path(), e.inner()))
                })?;
        }
        let per_service = dir.join(PER_SERVICE);
        if per_service.is_file() {
            out.per_service = read_per_service(&per_service)?;
        }
        Ok(out)
    }
}
