//! The short table `ecsim sweep` and `ecsim merge` print when they end: each variant's
//! headline figures with their 95% intervals, as sweep.json holds them, so a sweep's answer
//! is on the screen and not only in its files.

use crate::outputs::{SweepMetric, SweepOutputs};
use std::fmt::Write;

/// (metric, column heading, factor from the metric to the heading's unit).
const HEADLINES: [(&str, &str, f64); 4] = [
    ("cost_usd.total", "cost total ($)", 1.0),
    ("pending_time_s.p95", "pending p95 (s)", 1.0),
    ("utilization.cpu_reserved_mean", "CPU reserved (%)", 100.0),
    ("availability.min", "worst availability (%)", 100.0),
];

/// "count=3" for `cluster.pools.general.count` = 3: the key's last part is what a reader
/// varied.
fn label(keys: &[String], values: &[String]) -> String {
    keys.iter()
        .zip(values)
        .map(|(k, v)| format!("{}={v}", k.rsplit('.').next().unwrap_or(k)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// "12.34 [12.30, 12.38]", the mean alone with one replication, "n/a" without a value.
fn cell(metric: Option<&SweepMetric>, factor: f64) -> String {
    match metric {
        Some(SweepMetric {
            ci: Some(ci),
            mean: Some(m),
            ..
        }) => format!(
            "{:.2} [{:.2}, {:.2}]",
            m * factor,
            ci.lower * factor,
            ci.upper * factor
        ),
        Some(SweepMetric { mean: Some(m), .. }) if m.is_finite() => format!("{:.2}", m * factor),
        _ => "n/a".to_string(),
    }
}

/// One row per variant, one column per headline metric any variant reported.
pub fn table(s: &SweepOutputs) -> String {
    let columns: Vec<(&str, &str, f64)> = HEADLINES
        .iter()
        .copied()
        .filter(|(name, _, _)| s.variants.iter().any(|v| v.metric(name).is_some()))
        .collect();
    let mut rows: Vec<Vec<String>> = vec![
        std::iter::once("variant".to_string())
            .chain(columns.iter().map(|c| c.1.to_string()))
            .collect(),
    ];
    for v in &s.variants {
        let mut row = vec![label(&s.vary, &v.values)];
        row.extend(columns.iter().map(|(name, _, f)| cell(v.metric(name), *f)));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (c, text) in row.iter().enumerate() {
            let _ = write!(line, "  {text:<width$}", width = widths[c]);
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "  mean [95% interval] over {} replication(s) per variant; every figure in sweep.csv",
        s.replications
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::{Interval, SweepVariant};

    #[test]
    fn each_variant_reads_with_its_intervals() {
        let metric = |name: &str, mean: f64, ci: Option<(f64, f64)>| SweepMetric {
            name: name.into(),
            mean: Some(mean),
            ci: ci.map(|(lower, upper)| Interval { mean, lower, upper }),
            vs_first: None,
        };
        let s = SweepOutputs {
            scenario: "s".into(),
            replications: 3,
            vary: vec!["cluster.pools.general.count".into()],
            variants: vec![
                SweepVariant {
                    values: vec!["3".into()],
                    metrics: vec![
                        metric("cost_usd.total", 1.5, Some((1.25, 1.75))),
                        metric("availability.min", 0.995, None),
                    ],
                },
                SweepVariant {
                    values: vec!["4".into()],
                    metrics: vec![metric("cost_usd.total", 2.0, Some((2.0, 2.0)))],
                },
            ],
        };
        let text = table(&s);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "  variant  cost total ($)     worst availability (%)"
        );
        assert_eq!(lines[1], "  count=3  1.50 [1.25, 1.75]  99.50");
        assert_eq!(lines[2], "  count=4  2.00 [2.00, 2.00]  n/a");
        assert!(lines[3].contains("over 3 replication(s)"));
    }
}
