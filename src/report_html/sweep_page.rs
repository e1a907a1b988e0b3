//! The sweep's summary on the page: first the answer (which differences between variants
//! are real, in words, and whether each is for the better), then the variants named by
//! their values, then only the figures that vary, with everything else one click away.

use super::glossary::explain;
use super::text::{esc, value};
use crate::outputs::{Interval, SweepMetric, SweepOutputs};
use std::fmt::Write;

/// Which way a figure improves. Figures with no better side (instance counts,
/// reservation) are reported as higher or lower and left unjudged.
#[derive(Clone, Copy, PartialEq)]
enum Better {
    Lower,
    Higher,
}

fn better(name: &str) -> Option<Better> {
    // How many pending times were observed is a count of tasks, not a waiting figure.
    if name.ends_with(".count") {
        return None;
    }
    const LOWER_PREFIXES: [&str; 5] = [
        "pending_time_s.",
        "restart_latency_s.",
        "cost_usd.",
        "overload.",
        "task_seconds_short.",
    ];
    const LOWER: [&str; 5] = [
        "tasks.rejected",
        "tasks.stopped_before_running",
        "tasks.pending_at_end",
        "tasks.stopped_other",
        "commitments.effective_cost_usd",
    ];
    if LOWER_PREFIXES.iter().any(|p| name.starts_with(p)) || LOWER.contains(&name) {
        Some(Better::Lower)
    } else if name.starts_with("availability") || name == "tasks.completed" {
        Some(Better::Higher)
    } else {
        None
    }
}

/// Shares (0 to 1): shown in percent, their intervals cut at 0 and 1.
fn is_share(name: &str) -> bool {
    name.starts_with("availability")
        || name.starts_with("utilization.")
        || name == "overload.fraction"
        || name.ends_with(".utilization")
        || name.ends_with(".coverage")
}

/// Every figure of a summary is a count, a duration, a bill or a share: none goes below
/// zero. Savings can (a commitment larger than the use costs more than none).
fn can_be_negative(name: &str) -> bool {
    name.contains("savings")
}

/// A normal-theory interval knows no bounds: with a handful of replications of a figure
/// that is mostly zero, its lower end falls below zero. The page cuts it where the figure
/// cannot go (the note under the table says so); `sweep.csv` keeps it as computed.
fn clipped(name: &str, ci: Interval) -> (f64, f64) {
    let lo = if can_be_negative(name) {
        f64::NEG_INFINITY
    } else {
        0.0
    };
    let hi = if is_share(name) { 1.0 } else { f64::INFINITY };
    (ci.lower.clamp(lo, hi), ci.upper.clamp(lo, hi))
}

/// The figures the headline speaks of, in the order a design review asks about them.
const HEADLINE: [(&str, &str); 8] = [
    ("cost_usd.total", "cost"),
    ("pending_time_s.p95", "pending p95"),
    ("pending_time_s.mean", "mean pending time"),
    ("availability.min", "worst availability"),
    ("restart_latency_s.p95", "restart p95"),
    ("tasks.rejected", "rejected tasks"),
    ("overload.task_seconds", "overload task-seconds"),
    ("instances.mean", "mean instance count"),
];

/// An amount in the figure's unit: dollars, seconds, percentage points or a plain number.
fn amount(name: &str, x: f64) -> String {
    if name.starts_with("cost_usd.") || name.ends_with("_usd") {
        format!("${}", value(x))
    } else if is_share(name) {
        format!("{} pp", value(x * 100.0))
    } else if name.ends_with("_s") || name.contains("_s.") {
        format!("{} s", value(x))
    } else {
        value(x)
    }
}

/// A paired difference whose interval leaves out zero: a real effect at 95%.
fn real(d: &Interval) -> bool {
    d.lower > 0.0 || d.upper < 0.0
}

/// Equal in every replication: the paired differences were all zero.
fn identical(d: &Interval) -> bool {
    d.mean == 0.0 && d.lower == 0.0 && d.upper == 0.0
}

fn verdict(name: &str, d: &Interval) -> Option<bool> {
    better(name).map(|b| (b == Better::Lower) == (d.mean < 0.0))
}

/// One sentence per variant after the first, saying what differs from the first for real.
pub(super) fn headline(s: &SweepOutputs) -> String {
    let mut h = String::from("<section class=\"headline\">\n<h2>What the sweep found</h2>\n");
    let Some(base) = s.variants.first() else {
        h.push_str("<p>No variants ran.</p>\n</section>\n");
        return h;
    };
    if s.variants.len() < 2 {
        let _ = writeln!(
            h,
            "<p>One variant, <b>{}</b>: nothing to compare. The figures below are its means over {} replications.</p>\n</section>",
            esc(&base.name()),
            s.replications
        );
        return h;
    }
    let _ = writeln!(
        h,
        "<p>Each variant against <b>{}</b>, replication against replication (same seeds), over {} replications; a difference counts when its 95% interval leaves out zero.</p>\n<ul>",
        esc(&base.name()),
        s.replications
    );
    for v in &s.variants[1..] {
        let mut real_ones = Vec::new();
        let mut unclear = Vec::new();
        let mut all_identical = true;
        for (name, words) in HEADLINE {
            let Some(d) = v.metric(name).and_then(|m| m.vs_first) else {
                continue;
            };
            all_identical &= identical(&d);
            if real(&d) {
                let (lo, hi) = (
                    d.lower.abs().min(d.upper.abs()),
                    d.lower.abs().max(d.upper.abs()),
                );
                let direction = if d.mean > 0.0 { "higher" } else { "lower" };
                let judged = match verdict(name, &d) {
                    Some(true) => " <span class=\"better\">(better)</span>",
                    Some(false) => " <span class=\"worse\">(worse)</span>",
                    None => "",
                };
                let scale = if is_share(name) { 100.0 } else { 1.0 };
                let spread = if d.lower == d.upper {
                    " in every replication".to_string()
                } else {
                    format!(" [{}, {}]", value(lo * scale), value(hi * scale))
                };
                real_ones.push(format!(
                    "{direction} {words} by {}{spread}{judged}",
                    amount(name, d.mean.abs()),
                ));
            } else if !identical(&d) {
                unclear.push(words);
            }
        }
        let _ = write!(h, "<li><b>{}</b>: ", esc(&v.name()));
        if all_identical {
            h.push_str("identical to the first in every replication, on every figure above: what it changes made no difference to this workload.");
        } else {
            if real_ones.is_empty() {
                h.push_str("no real difference on the headline figures");
            } else {
                h.push_str(&real_ones.join("; "));
            }
            if !unclear.is_empty() {
                let _ = write!(
                    h,
                    "; no real difference in {} (more replications would tell)",
                    unclear.join(", ")
                );
            }
            h.push('.');
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ul>\n</section>\n");
    h
}

fn varies(s: &SweepOutputs, name: &str) -> bool {
    let means: Vec<Option<f64>> = s
        .variants
        .iter()
        .map(|v| v.metric(name).and_then(|m| m.mean))
        .collect();
    means.iter().any(|m| *m != means[0])
        || s.variants
            .iter()
            .filter_map(|v| v.metric(name)?.vs_first)
            .any(|d| !identical(&d))
}

fn cell(name: &str, m: &SweepMetric, first: bool) -> String {
    let mut text = m.mean.map_or("n/a".into(), value);
    if let Some(ci) = m.ci.filter(|c| c.upper > c.lower) {
        let (lo, hi) = clipped(name, ci);
        let _ = write!(text, " [{}, {}]", value(lo), value(hi));
    }
    if first {
        return text;
    }
    if let Some(d) = m.vs_first.filter(|d| !identical(d)) {
        let class = match (real(&d), verdict(name, &d)) {
            (true, Some(true)) => " class=\"better\"",
            (true, Some(false)) => " class=\"worse\"",
            _ => "",
        };
        let _ = write!(
            text,
            "<br><span{class}>Δ {}{} [{}, {}]</span>",
            if d.mean >= 0.0 { "+" } else { "" },
            value(d.mean),
            value(d.lower),
            value(d.upper)
        );
    }
    text
}

fn figure_table(s: &SweepOutputs, names: &[&str]) -> String {
    let mut h = String::from("<div class=\"wide\"><table>\n<thead><tr><th>figure</th>");
    for v in &s.variants {
        let _ = write!(h, "<th class=\"num\">{}</th>", esc(&v.name()));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for name in names {
        let meaning = explain(name).unwrap_or_default();
        let _ = write!(
            h,
            "<tr><td title=\"{}\"><code>{}</code></td>",
            esc(&meaning),
            esc(name)
        );
        for (i, v) in s.variants.iter().enumerate() {
            let text = v
                .metric(name)
                .map_or("n/a".into(), |m| cell(name, m, i == 0));
            let _ = write!(h, "<td class=\"num\">{text}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table></div>\n");
    h
}

pub(super) fn meta(s: &SweepOutputs) -> String {
    format!(
        "{} variants × {} replications · varied: {}",
        s.variants.len(),
        s.replications,
        s.vary.join(", ")
    )
}

pub(super) fn summary(s: &SweepOutputs) -> String {
    let mut h = String::from(
        "<h3>The variants</h3>\n<div class=\"wide\"><table>\n<thead><tr><th>variant</th>",
    );
    for k in &s.vary {
        let _ = write!(h, "<th><code>{}</code></th>", esc(k));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for v in &s.variants {
        let _ = write!(h, "<tr><td>{}</td>", esc(&v.name()));
        for value in &v.values {
            let _ = write!(h, "<td><code>{}</code></td>", esc(value));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table></div>\n");
    let names: Vec<&str> = s
        .variants
        .first()
        .map(|v| v.metrics.iter().map(|m| m.name.as_str()).collect())
        .unwrap_or_default();
    let (varying, constant): (Vec<&str>, Vec<&str>) =
        names.iter().partition(|name| varies(s, name));
    h.push_str("<h3>The figures that differ</h3>\n<p>Each cell: the mean over the replications [95% interval, cut where the figure cannot go: below zero, or above 100% for a share; <code>sweep.csv</code> keeps it as computed]. Under it, for each variant after the first, the paired difference from the first [95% interval], <span class=\"better\">green</span> when it is real and for the better, <span class=\"worse\">red</span> when real and for the worse. Hover a figure's name for its meaning.</p>\n");
    if varying.is_empty() {
        h.push_str("<p>No figure differs between the variants.</p>\n");
    } else {
        h.push_str(&figure_table(s, &varying));
    }
    if !constant.is_empty() {
        let _ = write!(
            h,
            "<details>\n<summary>All figures ({} more, equal in every variant)</summary>\n{}</details>\n",
            constant.len(),
            figure_table(s, &constant)
        );
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::SweepVariant;

    fn metric(name: &str, mean: f64, ci: (f64, f64), d: Option<(f64, f64, f64)>) -> SweepMetric {
        SweepMetric {
            name: name.into(),
            mean: Some(mean),
            ci: Some(Interval {
                mean,
                lower: ci.0,
                upper: ci.1,
            }),
            vs_first: d.map(|(mean, lower, upper)| Interval { mean, lower, upper }),
        }
    }

    fn sweep() -> SweepOutputs {
        SweepOutputs {
            scenario: "t".into(),
            replications: 10,
            vary: vec!["cluster.pools.general.count".into()],
            variants: vec![
                SweepVariant {
                    values: vec!["3".into()],
                    metrics: vec![
                        metric("cost_usd.total", 1.5, (1.5, 1.5), None),
                        metric("pending_time_s.p95", 12.0, (-3.0, 27.0), None),
                        metric("availability.min", 0.99, (0.97, 1.01), None),
                        metric("seed_count", 7.0, (7.0, 7.0), None),
                    ],
                },
                SweepVariant {
                    values: vec!["4".into()],
                    metrics: vec![
                        metric("cost_usd.total", 2.0, (2.0, 2.0), Some((0.5, 0.5, 0.5))),
                        metric(
                            "pending_time_s.p95",
                            2.0,
                            (1.0, 3.0),
                            Some((-10.0, -14.0, -6.0)),
                        ),
                        metric(
                            "availability.min",
                            0.995,
                            (0.99, 1.0),
                            Some((0.005, -0.01, 0.02)),
                        ),
                        metric("seed_count", 7.0, (7.0, 7.0), Some((0.0, 0.0, 0.0))),
                    ],
                },
            ],
        }
    }

    #[test]
    fn the_headline_names_real_differences_and_judges_them() {
        let h = headline(&sweep());
        // Cost up $0.50 (interval [0.5, 0.5] leaves out zero): worse. Pending p95 down 10 s,
        // interval [-14, -6]: better. Availability's [-1, +2] pp straddles zero: unclear.
        assert!(h.contains("<b>4</b>: higher cost by $0.5000 in every replication <span class=\"worse\">(worse)</span>"), "{h}");
        assert!(
            h.contains("lower pending p95 by 10 s [6, 14] <span class=\"better\">(better)</span>"),
            "{h}"
        );
        assert!(
            h.contains("no real difference in worst availability"),
            "{h}"
        );
    }

    #[test]
    fn intervals_are_cut_where_the_figure_cannot_go_and_constant_figures_fold_away() {
        let page = summary(&sweep());
        // Pending p95's [-3, 27] is shown as [0, 27]; availability's [0.97, 1.01] as [0.97, 1].
        assert!(page.contains("12 [0, 27]"), "{page}");
        assert!(page.contains("0.9900 [0.9700, 1]"), "{page}");
        // seed_count is equal everywhere: only in the folded table.
        let (shown, folded) = page.split_once("<details>").unwrap();
        assert!(!shown.contains("seed_count") && folded.contains("seed_count"));
        assert!(!page.contains("variant 0") && !page.contains("variant 1"));
    }

    #[test]
    fn a_variant_identical_in_every_replication_is_said_to_make_no_difference() {
        let mut s = sweep();
        for m in &mut s.variants[1].metrics {
            m.vs_first = Some(Interval {
                mean: 0.0,
                lower: 0.0,
                upper: 0.0,
            });
        }
        assert!(headline(&s).contains("identical to the first in every replication"));
    }
}
