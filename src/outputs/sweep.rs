//! A sweep directory: `sweep.json` (per variant and metric: mean, 95% interval, paired
//! difference from variant 0).

use super::{LoadError, read_json};
use serde_json::Value;
use std::path::Path;

/// A sweep's aggregated results as `sweep.json` holds them.
pub struct SweepOutputs {
    /// The scenario's name.
    pub scenario: String,
    /// Runs per variant, each with its own seed; 0 when the file does not say.
    pub replications: u64,
    /// The varied keys, slowest first.
    pub vary: Vec<String>,
    /// Variant 0 first: the baseline the paired differences are taken from.
    pub variants: Vec<SweepVariant>,
}

/// One combination of the varied values.
pub struct SweepVariant {
    /// One value per key of `vary`, as given on the command line; empty where the file
    /// lacks it.
    pub values: Vec<String>,
    /// In file order.
    pub metrics: Vec<SweepMetric>,
}

/// One summary figure across a variant's replications, in the figure's own units.
pub struct SweepMetric {
    /// The dotted summary key, e.g. `cost_usd.total`.
    pub name: String,
    /// Over the replications that reported a finite value; `None` when none did.
    pub mean: Option<f64>,
    /// The mean's 95 % interval; `None` below two finite values.
    pub ci: Option<Interval>,
    /// This variant minus variant 0, paired by replication (same seeds); `None` for
    /// variant 0 itself and when the interval could not be formed.
    pub vs_first: Option<Interval>,
}

/// A 95 % confidence interval as `sweep.json` records it.
#[derive(Clone, Copy, Debug)]
pub struct Interval {
    /// Point estimate.
    pub mean: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

impl SweepVariant {
    /// The metric of that name; `None` when no run of the sweep reported it.
    pub fn metric(&self, name: &str) -> Option<&SweepMetric> {
        self.metrics.iter().find(|m| m.name == name)
    }

    /// The variant named by its values, as charts and pages show it: `binpack memory · 8`.
    pub fn name(&self) -> String {
        self.values
            .iter()
            .map(|v| short_value(v))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// A `--vary` value as a reader says it: `[{type="spread",field="instanceId"}]` reads as
/// `spread instanceId`.
pub fn short_value(v: &str) -> String {
    let cleaned: String = v
        .replace("type=", "")
        .replace("field=", "")
        .replace("expression=", "")
        .chars()
        .map(|c| if "[]{}\"'".contains(c) { ' ' } else { c })
        .collect::<String>()
        .replace(',', " ");
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn interval(v: Option<&Value>) -> Option<Interval> {
    let v = v?;
    Some(Interval {
        mean: v.get("mean")?.as_f64()?,
        lower: v.get("lower")?.as_f64()?,
        upper: v.get("upper")?.as_f64()?,
    })
}

impl SweepOutputs {
    /// Reads `dir/sweep.json`; `scenario`, `vary` and `variants` must be present.
    pub fn load(dir: &Path) -> Result<SweepOutputs, LoadError> {
        let path = dir.join("sweep.json");
        SweepOutputs::from_json(read_json(&path)?, &path)
    }

    /// [`SweepOutputs::load`] of a `sweep.json` already parsed (from
    /// [`crate::sweep::sweep_json`]'s bytes, say); `path` names it in errors.
    pub fn from_json(doc: Value, path: &Path) -> Result<SweepOutputs, LoadError> {
        let path = path.to_path_buf();
        let missing = |field: &str| LoadError::bad(&path, format!("field `{field}` is missing"));
        let scenario = doc
            .get("scenario")
            .and_then(Value::as_str)
            .ok_or_else(|| missing("scenario"))?
            .to_string();
        let vary: Vec<String> = doc
            .get("vary")
            .and_then(Value::as_array)
            .ok_or_else(|| missing("vary"))?
            .iter()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect();
        let mut variants = Vec::new();
        for v in doc
            .get("variants")
            .and_then(Value::as_array)
            .ok_or_else(|| missing("variants"))?
        {
            let values = vary
                .iter()
                .map(|k| {
                    v.pointer("/values")
                        .and_then(|m| m.get(k))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                })
                .collect();
            let metrics = v
                .get("metrics")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(name, s)| SweepMetric {
                            name: name.clone(),
                            mean: s.get("mean").and_then(Value::as_f64),
                            ci: interval(s.get("ci95")),
                            vs_first: interval(s.get("paired_diff_vs_first")),
                        })
                        .collect()
                })
                .unwrap_or_default();
            variants.push(SweepVariant { values, metrics });
        }
        Ok(SweepOutputs {
            scenario,
            replications: doc.get("replications").and_then(Value::as_u64).unwrap_or(0),
            vary,
            variants,
        })
    }
}
