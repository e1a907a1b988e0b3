//! The comparison as text, CSV and JSON bytes. Missing figures print as "n/a" in text, as
//! an empty cell in CSV and as `null` in JSON.

use super::breakeven::BreakEven;
use super::recommend::{Recommendation, Target};
use super::run::LegResult;
use crate::outputs::CompareTargets;
use serde::Serialize;
use std::fmt::Write;

fn money(x: f64) -> String {
    format!("{x:.4}")
}
fn opt(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map_or_else(|| "n/a".to_string(), f)
}
fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// (label, one cell per leg), in print order; CSV columns follow the same order.
fn rows(legs: &[LegResult]) -> Vec<(&'static str, &'static str, Vec<String>)> {
    let col = |f: &dyn Fn(&LegResult) -> String| legs.iter().map(f).collect::<Vec<_>>();
    vec![
        (
            "total cost $",
            "cost_total_usd",
            col(&|l| money(l.cost_total_usd)),
        ),
        (
            "monthly-equivalent $",
            "cost_monthly_usd",
            col(&|l| format!("{:.2}", l.cost_monthly_usd)),
        ),
        (
            "cost per task-hour $",
            "cost_per_task_hour_usd",
            col(&|l| opt(l.cost_per_task_hour_usd, money)),
        ),
        (
            "task-hours",
            "task_hours",
            col(&|l| format!("{:.2}", l.task_hours)),
        ),
        (
            "EC2 cpu reserved",
            "cpu_reserved",
            col(&|l| opt(l.cpu_reserved, pct)),
        ),
        (
            "EC2 memory reserved",
            "memory_reserved",
            col(&|l| opt(l.memory_reserved, pct)),
        ),
        ("EC2 idle", "idle", col(&|l| opt(l.idle, pct))),
        (
            "pending p95 s",
            "pending_p95_s",
            col(&|l| format!("{:.2}", l.pending_p95_s)),
        ),
        (
            "tasks never started",
            "unstarted_tasks",
            col(&|l| l.unstarted_tasks.to_string()),
        ),
        (
            "restart latency p95 s",
            "restart_latency_p95_s",
            col(&|l| opt(l.restart_latency_p95_s, |x| format!("{x:.2}"))),
        ),
        (
            "availability",
            "availability",
            col(&|l| opt(l.availability, |x| format!("{:.2}%", x * 100.0))),
        ),
    ]
}

fn grid(header: &[String], body: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            body.iter()
                .map(|r| r[c].len())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(header).chain(body.iter().map(|r| r.as_slice())) {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, v)| {
                if c == 0 {
                    format!("{v:<w$}", w = widths[c])
                } else {
                    format!("{v:>w$}", w = widths[c])
                }
            })
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
    out
}

/// The side-by-side table, the legs' assumptions and the break-even view.
pub fn text(scenario: &str, seed: u64, legs: &[LegResult], be: &BreakEven) -> String {
    let mut out = String::new();
    let hours = legs.first().map_or(0.0, |l| l.summary.sim_time_s / 3600.0);
    let _ = writeln!(
        out,
        "compare {scenario}  seed {seed}  measured {hours:.2} h per leg (same sampled workload in every leg)"
    );
    let mut header = vec![String::new()];
    header.extend(legs.iter().map(|l| l.leg.clone()));
    let body: Vec<Vec<String>> = rows(legs)
        .into_iter()
        .map(|(label, _, cells)| std::iter::once(label.to_string()).chain(cells).collect())
        .collect();
    out.push_str(&grid(&header, &body));
    for l in legs {
        for n in &l.notes {
            let _ = writeln!(out, "  [{}] {n}", l.leg);
        }
    }
    out.push_str(&break_even_text(be));
    out
}

fn break_even_text(be: &BreakEven) -> String {
    let mut out = String::new();
    if be.rows.is_empty() {
        let _ = writeln!(
            out,
            "\nbreak-even: no EC2 pool in the scenario to compare with"
        );
        return out;
    }
    let _ = writeln!(
        out,
        "\nbreak-even: EC2 is cheaper than Fargate above this slot utilization"
    );
    let header: Vec<String> = [
        "task def",
        "fargate size",
        "fargate $/task-h",
        "instance",
        "tasks/instance",
        "EC2 $/task-h full",
        "break-even",
    ]
    .map(String::from)
    .to_vec();
    let body: Vec<Vec<String>> = be
        .rows
        .iter()
        .map(|r| {
            vec![
                r.task_definition.clone(),
                format!("{}/{}", r.fargate_cpu, r.fargate_memory_mib),
                format!("{:.5}", r.fargate_per_task_hour_usd),
                r.instance_type.clone(),
                format!("{} ({})", r.tasks_per_instance, r.binding_limit),
                opt(r.ec2_per_task_hour_full_usd, |x| format!("{x:.5}")),
                match r.break_even_utilization {
                    None => "never (no fit)".to_string(),
                    Some(u) if u > 1.0 => format!("never ({})", pct(u)),
                    Some(u) => pct(u),
                },
            ]
        })
        .collect();
    out.push_str(&grid(&header, &body));
    let _ = writeln!(out, "  assumes: {}", be.assumptions.join("; "));
    out
}

/// `x` rounded to `decimals` places, written as the shortest text that reads back as that
/// rounded value (`6.912`, not `6.911999999999999`).
fn rounded(x: f64, decimals: i32) -> String {
    let scale = 10f64.powi(decimals);
    let r = (x * scale).round() / scale;
    // No "-0" for a value that rounds to zero from below.
    format!("{}", if r == 0.0 { 0.0 } else { r })
}

/// `compare.csv`: one row per leg, numbers as fractions (not percentages) rounded well below
/// what any decision rests on: dollars and fractions to 6 places, seconds and task-hours to 3;
/// the text table rounds further for reading. An absent figure is an empty cell. Columns
/// follow the text table's rows.
pub fn csv(legs: &[LegResult]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["leg"];
    header.extend(rows(&[]).iter().map(|r| r.1));
    let _ = w.write_record(&header);
    let cell = |x: Option<f64>, decimals: i32| x.map_or_else(String::new, |v| rounded(v, decimals));
    for l in legs {
        let cells = [
            cell(Some(l.cost_total_usd), 6),
            cell(Some(l.cost_monthly_usd), 6),
            cell(l.cost_per_task_hour_usd, 6),
            cell(Some(l.task_hours), 3),
            cell(l.cpu_reserved, 6),
            cell(l.memory_reserved, 6),
            cell(l.idle, 6),
            cell(Some(l.pending_p95_s), 3),
            l.unstarted_tasks.to_string(),
            cell(l.restart_latency_p95_s, 3),
            cell(l.availability, 6),
        ];
        let mut rec = vec![l.leg.clone()];
        rec.extend(cells);
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[derive(Serialize)]
struct CompareJson<'a> {
    scenario: &'a str,
    seed: u64,
    targets: &'a CompareTargets,
    legs: &'a [LegResult],
    break_even: &'a BreakEven,
}

/// `compare.json`: the targets the report judges legs by, every leg with its full summary,
/// and the break-even view.
pub fn json(
    scenario: &str,
    seed: u64,
    targets: &CompareTargets,
    legs: &[LegResult],
    be: &BreakEven,
) -> String {
    let doc = CompareJson {
        scenario,
        seed,
        targets,
        legs,
        break_even: be,
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// The recommendation, one line per type, cheapest marked.
pub fn recommend_text(r: &Recommendation) -> String {
    let mut out = String::new();
    let target = match r.target {
        Target::PendingP95(s) => format!("pending p95 ≤ {s} s"),
        Target::Availability(a) => format!(
            "availability ≥ {:.3}% (time-weighted share of desired tasks RUNNING, worst service; not the all-up figure)",
            a * 100.0
        ),
    };
    let _ = writeln!(
        out,
        "recommend: smallest count of pool `{}` meeting {target} (at most {}), per type",
        r.pool, r.max_count
    );
    let header: Vec<String> = [
        "",
        "instance",
        "count",
        "total $",
        "monthly $",
        "pending p95 s",
        "availability",
        "runs",
    ]
    .map(String::from)
    .to_vec();
    let body: Vec<Vec<String>> = r
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mark = if r.best == Some(i) { "*" } else { "" }.to_string();
            match (&t.result, t.count) {
                (Some(x), Some(n)) => vec![
                    mark,
                    t.instance_type.clone(),
                    n.to_string(),
                    money(x.cost_total_usd),
                    format!("{:.2}", x.cost_monthly_usd),
                    format!("{:.2}", x.pending_p95_s),
                    opt(x.availability, |a| format!("{:.2}%", a * 100.0)),
                    t.runs.to_string(),
                ],
                _ => vec![
                    mark,
                    t.instance_type.clone(),
                    "-".into(),
                    t.reason.clone().unwrap_or_default(),
                    String::new(),
                    String::new(),
                    String::new(),
                    t.runs.to_string(),
                ],
            }
        })
        .collect();
    out.push_str(&grid(&header, &body));
    match r.best {
        Some(i) => {
            let t = &r.types[i];
            let _ = writeln!(
                out,
                "  cheapest: {} × {} (${} over the run)",
                t.count.unwrap_or(0),
                t.instance_type,
                t.result
                    .as_ref()
                    .map_or(String::new(), |x| money(x.cost_total_usd))
            );
        }
        None => {
            let _ = writeln!(out, "  no instance type meets the target");
        }
    }
    for m in &r.managed_instances {
        let verdict = match (m.meets_target, m.cheaper_than_best) {
            (true, true) => "meets the target, cheaper than every sized pool",
            (true, false) => "meets the target",
            (false, _) => "misses the target",
        };
        let _ = writeln!(
            out,
            "  {} (no pool to size; ECS picks the instances): ${} over the run, pending p95 {:.2} s, availability {}: {verdict}",
            m.leg,
            money(m.result.cost_total_usd),
            m.result.pending_p95_s,
            opt(m.result.availability, |a| format!("{:.2}%", a * 100.0)),
        );
    }
    out
}

/// `recommend.json`.
pub fn recommend_json(r: &Recommendation) -> String {
    let mut text = serde_json::to_string_pretty(r).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::rounded;

    #[test]
    fn csv_numbers_are_the_shortest_text_of_the_rounded_value() {
        // The ec2-vs-fargate scenario leg's cost as billing sums it: 3 × 24 × $0.096 lands
        // one unit in the last place below 6.912, and `to_string` shows every digit of it.
        let cost = 6.911_999_999_999_999_f64;
        assert_eq!(cost.to_string(), "6.911999999999999");
        assert_eq!(rounded(cost, 6), "6.912");
        assert_eq!(rounded(0.754_166_666_7, 6), "0.754167");
        assert_eq!(rounded(8.0, 3), "8");
        assert_eq!(rounded(-0.000_000_1, 6), "0");
    }
}
