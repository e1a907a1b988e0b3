//! A run's [`Summary`] as flat metric columns with dotted names (`pending_time_s.p95`), in
//! the struct's field order, so a new summary field becomes a sweep column by itself.

use crate::metrics::Summary;

/// Every numeric leaf of the summary. A non-finite float (serialized as null) stays a
/// column, as NaN, so every run has the same columns; strings are labels, not metrics, and
/// the seed has its own column.
pub fn flatten(summary: &Summary) -> Vec<(String, f64)> {
    let value = serde_json::to_value(summary).expect("a summary serializes");
    let mut out = crate::outputs::leaves(&value);
    out.retain(|(name, _)| name != "seed");
    out
}
