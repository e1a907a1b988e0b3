//! A run's [`Summary`] as flat metric columns with dotted names (`pending_time_s.p95`), in
//! the struct's field order, so a new summary field becomes a sweep column by itself.

use crate::metrics::Summary;
use serde_json::Value;

/// Every numeric leaf of the summary. A non-finite float (serialized as null) stays a
/// column, as NaN, so every run has the same columns; strings are labels, not metrics, and
/// the seed has its own column.
pub fn flatten(summary: &Summary) -> Vec<(String, f64)> {
    let value = serde_json::to_value(summary).expect("a summary serializes");
    let mut out = Vec::new();
    walk("", &value, &mut out);
    out.retain(|(name, _)| name != "seed");
    out
}

fn walk(prefix: &str, value: &Value, out: &mut Vec<(String, f64)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                walk(&name, child, out);
            }
        }
        Value::Number(n) => out.push((prefix.to_string(), n.as_f64().unwrap_or(f64::NAN))),
        Value::Null => out.push((prefix.to_string(), f64::NAN)),
        Value::String(_) | Value::Bool(_) | Value::Array(_) => {}
    }
}
