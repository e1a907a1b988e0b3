//! `ecsim sweep`: each headline metric against a swept parameter with 95% intervals, and
//! each variant's paired difference from the first.

use super::style::{Dash, Look, Marker};
use super::{Body, Figure, Format, IntervalChart, Line, Panel, PanelChart, Scale, XAxis};
use crate::outputs::{SweepOutputs, short_value};

/// Every metric charted can be neither negative nor, as a share (`Format::Percent`), above
/// one. A normal-theory interval knows neither bound: with three replications of a pending
/// time that is mostly zero, its lower end falls below zero, and drawn as it is it stretches
/// the axis into values the metric cannot take. The chart cuts each whisker at the bounds
/// (the caption says so); `sweep.csv` and `sweep.json` keep the interval as computed.
fn bounds(format: Format) -> (f64, f64) {
    match format {
        Format::Percent => (0.0, 1.0),
        _ => (0.0, f64::INFINITY),
    }
}

/// The metrics charted, in order, with their axis labels and formats.
const METRICS: [(&str, &str, Format); 7] = [
    ("pending_time_s.mean", "pending mean (s)", Format::Plain),
    ("pending_time_s.p95", "pending p95 (s)", Format::Plain),
    ("cost_usd.total", "total cost ($)", Format::Dollars),
    (
        "utilization.cpu_reserved_mean",
        "CPU reserved",
        Format::Percent,
    ),
    ("availability.min", "worst availability", Format::Percent),
    ("restart_latency_s.p95", "restart p95 (s)", Format::Plain),
    ("tasks.rejected", "tasks rejected", Format::Plain),
];

fn short_key(k: &str) -> String {
    let parts: Vec<&str> = k.split('.').collect();
    if parts.len() > 2 {
        parts[parts.len() - 2..].join(".")
    } else {
        k.to_string()
    }
}

/// Metrics that vary across variants (a constant one says nothing on a chart).
fn charted(s: &SweepOutputs) -> Vec<(&'static str, &'static str, Format)> {
    METRICS
        .iter()
        .copied()
        .filter(|(name, _, _)| {
            let means: Vec<f64> = s
                .variants
                .iter()
                .filter_map(|v| v.metric(name)?.mean)
                .collect();
            means.len() == s.variants.len()
                && means
                    .iter()
                    .any(|m| (m - means[0]).abs() > 1e-9 * means[0].abs().max(1.0))
        })
        .collect()
}

fn distinct(s: &SweepOutputs, k: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in &s.variants {
        if !out.contains(&v.values[k]) {
            out.push(v.values[k].clone());
        }
    }
    out
}

pub fn metrics(s: &SweepOutputs) -> Option<Figure> {
    if s.vary.is_empty() || s.variants.len() < 2 {
        return None;
    }
    let metrics = charted(s);
    if metrics.is_empty() {
        return None;
    }
    // The x axis is the parameter with the most values; lines are the other combinations.
    let key = (0..s.vary.len())
        .max_by_key(|&k| (distinct(s, k).len(), usize::MAX - k))
        .unwrap_or(0);
    let values = distinct(s, key);
    let numeric: Option<Vec<f64>> = values.iter().map(|v| v.parse().ok()).collect();
    let position = |v: &str| -> f64 {
        match &numeric {
            Some(nums) => nums[values.iter().position(|x| x == v).unwrap_or(0)],
            None => values.iter().position(|x| x == v).unwrap_or(0) as f64,
        }
    };
    let x = match &numeric {
        Some(nums) => {
            let lo = nums.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = nums.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let pad = ((hi - lo) * 0.08).max(0.5);
            let whole = nums.iter().all(|v| v.fract() == 0.0);
            XAxis {
                label: short_key(&s.vary[key]),
                min: lo - pad,
                max: hi + pad,
                scale: if whole {
                    Scale::Integers
                } else {
                    Scale::Linear
                },
            }
        }
        None => XAxis {
            label: short_key(&s.vary[key]),
            min: 0.0,
            max: 0.0,
            scale: Scale::Categories(values.iter().map(|v| short_value(v)).collect()),
        },
    };
    let others: Vec<usize> = (0..s.vary.len()).filter(|&k| k != key).collect();
    let mut combos: Vec<Vec<String>> = Vec::new();
    for v in &s.variants {
        let c: Vec<String> = others.iter().map(|&k| v.values[k].clone()).collect();
        if !combos.contains(&c) {
            combos.push(c);
        }
    }
    let dodge = if numeric.is_some() {
        (x.max - x.min) * 0.01
    } else {
        0.06
    };
    let panels = metrics
        .iter()
        .map(|(name, label, format)| {
            let mut lines = Vec::new();
            let mut lo = f64::INFINITY;
            let mut hi = f64::NEG_INFINITY;
            for (j, combo) in combos.iter().enumerate() {
                let offset = (j as f64 - (combos.len() - 1) as f64 / 2.0) * dodge;
                let mut points = Vec::new();
                let mut whiskers = Vec::new();
                for v in s.variants.iter().filter(|v| {
                    others
                        .iter()
                        .zip(combo)
                        .all(|(&k, want)| &v.values[k] == want)
                }) {
                    let Some(m) = v.metric(name) else { continue };
                    let Some(mean) = m.mean else { continue };
                    let px = position(&v.values[key]) + offset;
                    points.push((px, mean));
                    lo = lo.min(mean);
                    hi = hi.max(mean);
                    if let Some(ci) = m.ci {
                        let (floor, ceiling) = bounds(*format);
                        let (lower, upper) = (ci.lower.max(floor), ci.upper.min(ceiling));
                        whiskers.push((px, lower, upper));
                        lo = lo.min(lower);
                        hi = hi.max(upper);
                    }
                }
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                let label = if combo.is_empty() {
                    "mean, 95% interval".to_string()
                } else {
                    others
                        .iter()
                        .zip(combo)
                        .map(|(&k, v)| format!("{} = {}", short_key(&s.vary[k]), short_value(v)))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let mut line = Line::new(
                    label,
                    Look {
                        color: Look::nth(j).color,
                        dash: [Dash::Solid, Dash::Dashed, Dash::Dotted][j % 3],
                        marker: [
                            Marker::Circle,
                            Marker::Triangle,
                            Marker::Square,
                            Marker::Cross,
                        ][j % 4],
                    },
                    points,
                );
                line.whiskers = whiskers;
                lines.push(line);
            }
            let pad = ((hi - lo) * 0.1).max(hi.abs() * 0.02).max(1e-9);
            Panel {
                y_label: label.to_string(),
                y_min: if lo >= 0.0 {
                    (lo - pad).max(0.0)
                } else {
                    lo - pad
                },
                y_max: hi + pad,
                format: *format,
                lines,
                height: 170,
            }
        })
        .collect();
    Some(Figure {
        name: "sweep-metrics".into(),
        title: format!(
            "{}: metrics against {} ({} replications)",
            s.scenario,
            short_key(&s.vary[key]),
            s.replications
        ),
        caption: "Each metric's mean over the replications with its 95% confidence interval (error bars, cut at zero and at 100% where the metric cannot go further; sweep.csv has them uncut); lines join variants that share the other parameters. Metrics equal in every variant are left out.".into(),
        body: Body::Panels(PanelChart {
            x,
            panels,
            shade: None,
            events: Vec::new(),
        }),
    })
}

pub fn paired(s: &SweepOutputs) -> Option<Figure> {
    if s.variants.len() < 2 {
        return None;
    }
    let metrics = charted(s);
    if metrics.is_empty() {
        return None;
    }
    let rows = s.variants[1..].iter().map(|v| v.name()).collect();
    let panels = metrics
        .iter()
        .map(|(name, axis, _)| {
            let values = s.variants[1..]
                .iter()
                .map(|v| {
                    let d = v.metric(name)?.vs_first?;
                    Some((d.mean, d.lower, d.upper))
                })
                .collect();
            (format!("difference in {axis}"), values)
        })
        .collect();
    Some(Figure {
        name: "sweep-paired".into(),
        title: format!(
            "{}: each variant against {}",
            s.scenario,
            s.variants[0].name()
        ),
        caption: "Paired difference from the first variant (replication i against replication i, same seed) with its 95% interval; an interval clear of the zero line is a real effect.".into(),
        body: Body::Intervals(IntervalChart { rows, panels }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::{Interval, SweepMetric, SweepVariant};

    fn metric(name: &str, mean: f64, lower: f64, upper: f64) -> SweepMetric {
        SweepMetric {
            name: name.into(),
            mean: Some(mean),
            ci: Some(Interval { mean, lower, upper }),
            vs_first: None,
        }
    }

    /// Two variants whose pending mean's interval reaches below zero and whose availability's
    /// reaches above 100%: the whiskers stop at 0 and 1, and the axis starts at zero.
    #[test]
    fn whiskers_stop_where_the_metric_cannot_go() {
        let variant =
            |count: &str, pending: (f64, f64, f64), avail: (f64, f64, f64)| SweepVariant {
                values: vec![count.into()],
                metrics: vec![
                    metric("pending_time_s.mean", pending.0, pending.1, pending.2),
                    metric("availability.min", avail.0, avail.1, avail.2),
                ],
            };
        let s = SweepOutputs {
            scenario: "s".into(),
            replications: 3,
            vary: vec!["cluster.pools.workers.count".into()],
            variants: vec![
                variant("8", (2.0, -1.5, 5.5), (0.99, 0.97, 1.01)),
                variant("10", (0.5, -0.2, 1.2), (0.995, 0.99, 1.0)),
            ],
        };
        let figure = metrics(&s).expect("two variants that differ");
        let Body::Panels(chart) = figure.body else {
            panic!("a sweep's metrics are panels")
        };
        let pending = &chart.panels[0];
        assert_eq!(pending.y_label, "pending mean (s)");
        assert_eq!(
            pending.lines[0].whiskers,
            [(8.0, 0.0, 5.5), (10.0, 0.0, 1.2)]
        );
        assert_eq!(pending.y_min, 0.0);
        let availability = &chart.panels[1];
        assert_eq!(availability.lines[0].whiskers[0], (8.0, 0.97, 1.0));
        assert!(availability.y_min > 0.9, "{}", availability.y_min);
    }
}
