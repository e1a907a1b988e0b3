//! A compare directory: `compare.json` (every leg's figures and the break-even rows).

use super::{LoadError, read_json};
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

#[derive(Debug, Deserialize)]
pub struct CompareOutputs {
    pub scenario: String,
    #[serde(default)]
    pub seed: Option<u64>,
    pub legs: Vec<LegFigures>,
    #[serde(default)]
    pub break_even: BreakEvenView,
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
        serde_path_to_error::deserialize(value)
            .map_err(|e| LoadError::bad(&path, format!("field `{}`: {}", e.path(), e.inner())))
    }
}
