//! A compare directory: `compare.json` (every leg's figures and the break-even rows).

use super::{LoadError, read_json};
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

/// Written by `ecsim compare --recommend-commitment`.
pub const COMMITMENT_RECOMMENDATION: &str = "commitment-recommendation.json";

#[derive(Debug, Deserialize)]
pub struct CompareOutputs {
    pub scenario: String,
    #[serde(default)]
    pub seed: Option<u64>,
    pub legs: Vec<LegFigures>,
    #[serde(default)]
    pub break_even: BreakEvenView,
    /// `commitment-recommendation.json`, when the comparison ran `--recommend-commitment`.
    #[serde(skip)]
    pub commitments: Vec<CommitmentCurveView>,
}

/// One leg's cost against its hourly Compute Savings Plan commitment.
#[derive(Debug, Deserialize)]
pub struct CommitmentCurveView {
    pub leg: String,
    pub cost_without_usd: f64,
    pub best: CurvePointView,
    #[serde(default)]
    pub break_even_utilization: Option<f64>,
    #[serde(default)]
    pub break_even_commitment_per_hour: Option<f64>,
    pub curve: Vec<CurvePointView>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct CurvePointView {
    pub commitment_per_hour: f64,
    pub effective_cost_usd: f64,
}

#[derive(Debug, Deserialize)]
pub struct LegFigures {
    pub leg: String,
    #[serde(default)]
    pub notes: Vec<String>,
    pub cost_total_usd: f64,
    #[serde(default)]
    pub cost_ec2_usd: f64,
    #[serde(default)]
    pub cost_fargate_usd: f64,
    #[serde(default)]
    pub cost_monthly_usd: Option<f64>,
    #[serde(default)]
    pub cost_per_task_hour_usd: Option<f64>,
    #[serde(default)]
    pub cpu_reserved: Option<f64>,
    #[serde(default)]
    pub pending_p95_s: Option<f64>,
    #[serde(default)]
    pub unstarted_tasks: Option<u64>,
    #[serde(default)]
    pub availability: Option<f64>,
    #[serde(default)]
    pub summary: Value,
}

#[derive(Debug, Default, Deserialize)]
pub struct BreakEvenView {
    #[serde(default)]
    pub assumptions: Vec<String>,
    #[serde(default)]
    pub rows: Vec<BreakEvenLine>,
}

/// One (task definition, instance type) pair of the break-even arithmetic.
#[derive(Debug, Deserialize)]
pub struct BreakEvenLine {
    pub task_definition: String,
    pub instance_type: String,
    pub fargate_per_task_hour_usd: f64,
    pub tasks_per_instance: u32,
    pub instance_per_hour_usd: f64,
    #[serde(default)]
    pub break_even_utilization: Option<f64>,
}

impl CompareOutputs {
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
        Ok(out)
    }
}
