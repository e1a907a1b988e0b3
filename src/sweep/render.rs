//! The three result files as bytes: `runs.csv`, `sweep.csv`, `sweep.json`. A sweep and a
//! merge both call these with the same meta and the same records sorted by run index, which
//! is what makes their outputs byte-identical.

use super::RunRecord;
use super::plan::SweepMeta;
use crate::stats::{ConfidenceInterval, DEFAULT_CONFIDENCE, paired_difference};
use serde_json::{Map, Value, json};

/// Mean and 95% interval of one metric of one variant, and its paired difference from the
/// first variant (replication i against replication i: same seed, common random numbers).
#[derive(Clone, Debug)]
pub struct MetricStats {
    /// The dotted summary name, e.g. `pending_time_s.p95`.
    pub metric: String,
    /// Replications with a finite value; the others are left out of `mean` and `ci`.
    pub n: usize,
    /// Mean of the finite values; NaN when there are none.
    pub mean: f64,
    /// None with fewer than two finite values.
    pub ci: Option<ConfidenceInterval>,
    /// This variant minus the first, paired by replication; `None` for the first variant,
    /// and when a pair holds a non-finite value or there are fewer than two pairs.
    pub vs_first: Option<ConfidenceInterval>,
}

/// Per variant, per metric (in column order).
pub fn aggregate(meta: &SweepMeta, records: &[RunRecord]) -> Vec<Vec<MetricStats>> {
    let names = metric_names(records);
    let column = |variant: usize, m: usize| -> Vec<f64> {
        records
            .iter()
            .filter(|r| r.variant == variant)
            .map(|r| value_of(r, &names[m]))
            .collect()
    };
    (0..meta.variants.len())
        .map(|v| {
            names
                .iter()
                .enumerate()
                .map(|(m, name)| {
                    let xs = column(v, m);
                    let finite: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
                    let mean = finite.iter().sum::<f64>() / finite.len() as f64;
                    let ci = ConfidenceInterval::from_samples(&finite, DEFAULT_CONFIDENCE).ok();
                    let vs_first = (v > 0)
                        .then(|| paired_difference(&xs, &column(0, m), DEFAULT_CONFIDENCE).ok())
                        .flatten();
                    MetricStats {
                        metric: name.clone(),
                        n: finite.len(),
                        mean,
                        ci,
                        vs_first,
                    }
                })
                .collect()
        })
        .collect()
}

/// Every metric any run reported, in first-seen order. Runs can differ: a map-valued
/// summary field (`restart_latency_s.by_cause.*`) has only the keys that run saw.
fn metric_names(records: &[RunRecord]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut names = Vec::new();
    for r in records {
        for (name, _) in &r.metrics {
            if seen.insert(name.as_str()) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// A run's value of a metric; NaN (undefined, left out of means) where it did not report it.
fn value_of(record: &RunRecord, name: &str) -> f64 {
    record
        .metrics
        .iter()
        .find(|(n, _)| n == name)
        .map_or(f64::NAN, |(_, x)| *x)
}

/// Shortest text that reads back as the same f64 (`NaN` when undefined).
fn num(x: f64) -> String {
    format!("{x}")
}

fn opt(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

fn csv_bytes(rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// One row per run: run index, variant, the varied values, replication, seed, metrics.
pub fn runs_csv(meta: &SweepMeta, records: &[RunRecord]) -> Vec<u8> {
    let mut header: Vec<String> = vec!["run".into(), "variant".into()];
    header.extend(meta.keys.iter().cloned());
    header.extend(["replication".into(), "seed".into()]);
    let names = metric_names(records);
    header.extend(names.iter().cloned());
    let mut rows = vec![header];
    for r in records {
        let mut row = vec![r.index.to_string(), r.variant.to_string()];
        row.extend(meta.variants[r.variant].iter().cloned());
        row.extend([r.replication.to_string(), r.seed.to_string()]);
        row.extend(names.iter().map(|name| num(value_of(r, name))));
        rows.push(row);
    }
    csv_bytes(rows)
}

/// One row per variant and metric: mean, 95% interval, and the paired difference from
/// variant 0 (empty for variant 0 itself).
pub fn sweep_csv(meta: &SweepMeta, stats: &[Vec<MetricStats>]) -> Vec<u8> {
    let mut header: Vec<String> = vec!["variant".into()];
    header.extend(meta.keys.iter().cloned());
    header.extend(
        [
            "metric",
            "n",
            "mean",
            "ci_lower",
            "ci_upper",
            "ci_half_width",
            "diff_vs_first_mean",
            "diff_vs_first_lower",
            "diff_vs_first_upper",
            "diff_vs_first_half_width",
        ]
        .map(String::from),
    );
    let mut rows = vec![header];
    for (v, metrics) in stats.iter().enumerate() {
        for s in metrics {
            let mut row = vec![v.to_string()];
            row.extend(meta.variants[v].iter().cloned());
            row.extend([s.metric.clone(), s.n.to_string(), num(s.mean)]);
            row.extend([
                opt(s.ci.map(|c| c.lower)),
                opt(s.ci.map(|c| c.upper)),
                opt(s.ci.map(|c| c.half_width)),
                opt(s.vs_first.map(|c| c.mean)),
                opt(s.vs_first.map(|c| c.lower)),
                opt(s.vs_first.map(|c| c.upper)),
                opt(s.vs_first.map(|c| c.half_width)),
            ]);
            rows.push(row);
        }
    }
    csv_bytes(rows)
}

fn interval(ci: &ConfidenceInterval) -> Value {
    json!({
        "n": ci.n,
        "mean": finite(ci.mean),
        "lower": finite(ci.lower),
        "upper": finite(ci.upper),
        "half_width": finite(ci.half_width),
    })
}

fn finite(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// The same numbers as `sweep.csv`, nested: variants → metrics → interval.
pub fn sweep_json(meta: &SweepMeta, stats: &[Vec<MetricStats>]) -> Vec<u8> {
    let variants: Vec<Value> = stats
        .iter()
        .enumerate()
        .map(|(v, metrics)| {
            let values: Map<String, Value> = meta
                .keys
                .iter()
                .cloned()
                .zip(meta.variants[v].iter().map(|x| Value::String(x.clone())))
                .collect();
            let per_metric: Map<String, Value> = metrics
                .iter()
                .map(|s| {
                    let mut m = Map::new();
                    m.insert("n".into(), json!(s.n));
                    m.insert("mean".into(), finite(s.mean));
                    m.insert("ci95".into(), s.ci.as_ref().map_or(Value::Null, interval));
                    if v > 0 {
                        m.insert(
                            "paired_diff_vs_first".into(),
                            s.vs_first.as_ref().map_or(Value::Null, interval),
                        );
                    }
                    (s.metric.clone(), Value::Object(m))
                })
                .collect();
            json!({ "variant": v, "values": values, "metrics": per_metric })
        })
        .collect();
    let doc = json!({
        "scenario": meta.scenario,
        "replications": meta.replications,
        "confidence": DEFAULT_CONFIDENCE,
        "vary": meta.keys,
        "variants": variants,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("json serializes");
    text.push('\n');
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(index: usize, variant: usize, metrics: &[(&str, f64)]) -> RunRecord {
        RunRecord {
            index,
            variant,
            replication: 0,
            seed: 1,
            metrics: metrics.iter().map(|(n, x)| (n.to_string(), *x)).collect(),
        }
    }

    /// One run saw an instance failure, the other did not: the failure's column exists for
    /// both, undefined (NaN) where the run has no such key, and the shared column lines up.
    #[test]
    fn runs_with_different_metric_keys_share_columns() {
        let meta = SweepMeta {
            scenario: "s".into(),
            fingerprint: "f".into(),
            keys: vec!["k".into()],
            variants: vec![vec!["a".into()], vec!["b".into()]],
            replications: 1,
        };
        let records = [
            record(0, 0, &[("cost", 2.0)]),
            record(1, 1, &[("by_cause.failure", 5.0), ("cost", 3.0)]),
        ];
        let text = String::from_utf8(runs_csv(&meta, &records)).unwrap();
        assert_eq!(
            text,
            "run,variant,k,replication,seed,cost,by_cause.failure\n\
             0,0,a,0,1,2,NaN\n\
             1,1,b,0,1,3,5\n"
        );
        let stats = aggregate(&meta, &records);
        assert_eq!(stats[1][0].metric, "cost");
        assert_eq!(stats[1][0].mean, 3.0);
        assert_eq!(stats[0][1].n, 0);
        assert_eq!(stats[1][1].mean, 5.0);
    }
}
