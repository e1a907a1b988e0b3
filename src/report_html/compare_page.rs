//! A comparison's answer on the first screen: the cheapest leg that meets the stated
//! targets, by how much it beats the scenario as written, and what it does to how long tasks
//! wait to start. Every figure per leg follows, folded, each in its unit.

use super::glossary::explain_leg;
use super::notes;
use super::run_page::{dollars, span, trimmed};
use super::text::{esc, prose};
use crate::outputs::{self, CompareOutputs, CompareTargets, LegFigures};
use std::fmt::Write;

/// AWS's pricing examples price a month as 730 hours.
const MONTH_S: f64 = 730.0 * 3600.0;

/// The leg every other is weighed against: the scenario as written.
const SCENARIO: &str = "scenario";

/// The worst service's downtime a 730-hour month at this availability.
fn downtime(availability: Option<f64>) -> String {
    match availability {
        None => "no services".into(),
        Some(a) => {
            let s = (1.0 - a).max(0.0) * MONTH_S;
            if s < 0.5 {
                "no downtime".into()
            } else {
                format!("{} / month", span(s))
            }
        }
    }
}

/// Why `l` fails `t`, in words; empty when it meets both targets. The rule is
/// `--recommend`'s: the p95 counts only tasks that started, so a rejected task or one left
/// waiting longer than the target fails it too.
pub(super) fn misses(l: &LegFigures, t: &CompareTargets) -> Vec<String> {
    let mut why = Vec::new();
    let p95 = l.pending_p95_s.unwrap_or(0.0);
    if p95 > t.pending_p95_s {
        why.push(format!(
            "pending p95 {} over {}",
            span(p95),
            span(t.pending_p95_s)
        ));
    }
    let rejected = outputs::number(&l.summary, "/tasks/rejected").unwrap_or(0.0);
    if rejected > 0.0 {
        why.push(format!("{rejected} tasks rejected"));
    }
    if let Some(w) = l.longest_unstarted_wait_s.filter(|w| *w > t.pending_p95_s) {
        why.push(format!("a task waited {} without starting", span(w)));
    }
    if let Some(a) = l.availability.filter(|a| *a < t.availability) {
        why.push(format!(
            "availability {}% under {}%",
            trimmed(a * 100.0),
            trimmed(t.availability * 100.0)
        ));
    }
    why
}

/// The cheapest leg meeting the targets (the first in leg order on a tie).
pub(super) fn cheapest_meeting<'a>(
    c: &'a CompareOutputs,
    t: &CompareTargets,
) -> Option<&'a LegFigures> {
    c.legs
        .iter()
        .filter(|l| misses(l, t).is_empty())
        .min_by(|a, b| a.cost_total_usd.total_cmp(&b.cost_total_usd))
}

fn targets_text(t: &CompareTargets) -> String {
    let default = CompareTargets::default();
    let p95 = if t.pending_p95_s == default.pending_p95_s {
        " (default)"
    } else {
        ""
    };
    let avail = if t.availability == default.availability {
        " (default)"
    } else {
        ""
    };
    format!(
        "Targets: pending p95 at most {}{p95}, with no task rejected or left waiting longer; the worst service's availability at least {}%{avail}, {} of downtime a month. Set them with <code>--target-pending-p95</code> and <code>--target-availability</code>.",
        span(t.pending_p95_s),
        trimmed(t.availability * 100.0),
        downtime(Some(t.availability)).trim_end_matches(" / month"),
    )
}

fn card(h: &mut String, label: &str, big: &str, detail: &str) {
    let _ = writeln!(
        h,
        "<div class=\"card\"><div class=\"label\">{}</div><div class=\"big\">{}</div><div class=\"detail\">{}</div></div>",
        esc(label),
        esc(big),
        esc(detail)
    );
}

/// Cost against the scenario's: "$4.84 (70%) less", "$1.20 (17%) more".
fn against(cost: f64, base: f64) -> (String, &'static str) {
    let diff = base - cost;
    let pct = if base > 0.0 {
        format!(" ({}%)", (diff.abs() / base * 100.0).round())
    } else {
        String::new()
    };
    if diff.abs() < 0.005 {
        ("the same".into(), "")
    } else if diff > 0.0 {
        (format!("{}{pct} less", dollars(diff)), "better")
    } else {
        (format!("{}{pct} more", dollars(-diff)), "worse")
    }
}

/// " ($63.07 a month)", or nothing for a file without the figure.
fn month(l: &LegFigures) -> String {
    l.cost_monthly_usd
        .map_or(String::new(), |m| format!(" ({} a month)", dollars(m)))
}

pub(super) fn headline(c: &CompareOutputs) -> String {
    let t = &c.targets;
    let base = c.legs.iter().find(|l| l.leg == SCENARIO);
    let best = cheapest_meeting(c, t);
    let mut h = String::from("<section class=\"headline\">\n");
    match (best, base) {
        (None, _) => {
            h.push_str("<p class=\"answer worse\"><strong>No option meets the targets.</strong> Relax them, or add capacity to the scenario.</p>\n");
        }
        (Some(b), Some(s)) if b.leg == s.leg => {
            let _ = writeln!(
                h,
                "<p class=\"answer\">The <strong>scenario as written</strong> is the cheapest option that meets the targets: <strong>{}</strong> over the measured window{}.</p>",
                dollars(b.cost_total_usd),
                month(b)
            );
        }
        (Some(b), base) => {
            let mut p = format!(
                "<p class=\"answer\"><strong>{}</strong> is the cheapest option that meets the targets: <strong>{}</strong> over the measured window{}",
                esc(&b.leg),
                dollars(b.cost_total_usd),
                month(b)
            );
            match base {
                Some(s) => {
                    let (words, class) = against(b.cost_total_usd, s.cost_total_usd);
                    let _ = write!(
                        p,
                        ", <span class=\"{class}\">{words}</span> than the scenario as written ({}), with tasks starting at p95 {} against the scenario's {}.</p>",
                        dollars(s.cost_total_usd),
                        span(b.pending_p95_s.unwrap_or(0.0)),
                        span(s.pending_p95_s.unwrap_or(0.0))
                    );
                }
                None => p.push_str(
                    ". The comparison has no <code>scenario</code> leg to weigh it against.</p>",
                ),
            }
            h.push_str(&p);
            h.push('\n');
        }
    }
    h.push_str("<div class=\"cards\">\n");
    if let Some(b) = best {
        card(
            &mut h,
            "cheapest meeting the targets",
            &b.leg,
            &format!("{} measured{}", dollars(b.cost_total_usd), month(b)),
        );
        if let Some(s) = base.filter(|s| s.leg != b.leg) {
            let diff = s.cost_total_usd - b.cost_total_usd;
            let (label, big) = if diff >= 0.0 {
                ("saves against the scenario", dollars(diff))
            } else {
                ("costs more than the scenario", dollars(-diff))
            };
            let share = if s.cost_total_usd > 0.0 {
                format!(" ({}%)", (diff.abs() / s.cost_total_usd * 100.0).round())
            } else {
                String::new()
            };
            card(
                &mut h,
                label,
                &format!("{big}{share}"),
                &format!("scenario: {}{}", dollars(s.cost_total_usd), month(s)),
            );
        }
        let base_p95 = base.map_or(String::new(), |s| {
            format!("scenario: {}", span(s.pending_p95_s.unwrap_or(0.0)))
        });
        card(
            &mut h,
            "pending time, p95",
            &span(b.pending_p95_s.unwrap_or(0.0)),
            &base_p95,
        );
        card(
            &mut h,
            "worst service's downtime",
            &downtime(b.availability),
            &base.map_or(String::new(), |s| {
                format!("scenario: {}", downtime(s.availability))
            }),
        );
    }
    h.push_str("</div>\n");
    if let Some(b) = best.filter(|b| !b.notes.is_empty()) {
        let _ = writeln!(
            h,
            "<p class=\"detail\">{} assumes: {}</p>",
            esc(&b.leg),
            prose(&b.notes.join("; "))
        );
    }
    let missed: Vec<String> = c
        .legs
        .iter()
        .filter_map(|l| {
            let why = misses(l, t);
            (!why.is_empty()).then(|| format!("{} ({})", esc(&l.leg), esc(&why.join(", "))))
        })
        .collect();
    if !missed.is_empty() {
        let _ = writeln!(h, "<p>Missing the targets: {}.</p>", missed.join("; "));
    }
    let _ = writeln!(h, "<p class=\"meta\">{}</p>", targets_text(t));
    h.push_str("</section>\n");
    h
}

pub(super) fn meta(c: &CompareOutputs) -> String {
    let mut parts = Vec::new();
    if let Some(seed) = c.seed {
        parts.push(format!("seed {seed}"));
    }
    parts.push(format!("{} capacity options", c.legs.len()));
    if let Some(t) = c
        .legs
        .first()
        .and_then(|l| outputs::number(&l.summary, "/sim_time_s"))
    {
        parts.push(format!(
            "measured {} per option, the same sampled workload in each",
            notes::duration(t)
        ));
    }
    parts.join(" · ")
}

type Cell = fn(&LegFigures) -> Option<String>;

/// The rows of the folded table: label with its unit, `compare.json` key, the cell.
fn rows(c: &CompareOutputs) -> Vec<(&'static str, &'static str, Cell)> {
    let mut rows: Vec<(&'static str, &'static str, Cell)> =
        vec![("bill, measured window", "cost_total_usd", |l| {
            Some(format!("${:.4}", l.cost_total_usd))
        })];
    let committed = c
        .legs
        .iter()
        .any(|l| outputs::number(&l.summary, "/commitments/effective_cost_usd").is_some());
    if committed {
        rows.push(("On-Demand bill (no commitments)", "on_demand_usd", |l| {
            outputs::number(&l.summary, "/cost_usd/total").map(|x| format!("${x:.4}"))
        }));
    }
    rows.extend([
        (
            "bill a month (730 h)",
            "cost_monthly_usd",
            (|l| l.cost_monthly_usd.map(|x| format!("${x:.2}"))) as Cell,
        ),
        ("cost per task-hour", "cost_per_task_hour_usd", |l| {
            l.cost_per_task_hour_usd.map(|x| format!("${x:.4}"))
        }),
        ("EC2 CPU reserved", "cpu_reserved", |l| {
            l.cpu_reserved.map(|x| format!("{:.1}%", x * 100.0))
        }),
        ("EC2 capacity idle", "idle", |l| {
            l.cpu_reserved.map(|cpu| {
                let mem =
                    outputs::number(&l.summary, "/utilization/memory_reserved_mean").unwrap_or(0.0);
                format!("{:.1}%", (1.0 - cpu.max(mem)) * 100.0)
            })
        }),
        ("pending time, p95", "pending_p95_s", |l| {
            l.pending_p95_s.map(|x| format!("{x:.2} s"))
        }),
        ("tasks never started", "unstarted_tasks", |l| {
            l.unstarted_tasks.map(|x| x.to_string())
        }),
        ("worst service's availability", "availability", |l| {
            l.availability.map(|x| format!("{:.3}%", x * 100.0))
        }),
        ("its downtime a month", "downtime", |l| {
            Some(downtime(l.availability))
        }),
    ]);
    rows
}

fn meaning(key: &str) -> &'static str {
    match key {
        "on_demand_usd" => {
            "The same usage billed at On-Demand (and Spot) rates: what the commitments saved against."
        }
        "downtime" => {
            "The worst service's unavailable share of a 730-hour month: desired tasks not RUNNING."
        }
        _ => explain_leg(key),
    }
}

/// Every figure per leg, folded under the headline, then the break-even and commitment
/// tables.
pub(super) fn all_figures(c: &CompareOutputs) -> String {
    let rows = rows(c);
    let mut h = format!(
        "<details>\n<summary>All figures ({} per option, from <code>compare.json</code>)</summary>\n<div class=\"wide\">\n<table>\n<thead><tr><th>figure</th>",
        rows.len() + 1
    );
    for l in &c.legs {
        let _ = write!(h, "<th class=\"num\">{}</th>", esc(&l.leg));
    }
    h.push_str("<th>meaning</th></tr></thead>\n<tbody>\n");
    h.push_str("<tr><td>meets the targets</td>");
    for l in &c.legs {
        let ok = misses(l, &c.targets).is_empty();
        let _ = write!(
            h,
            "<td class=\"num {}\">{}</td>",
            if ok { "better" } else { "worse" },
            if ok { "yes" } else { "no" }
        );
    }
    h.push_str("<td>Pending p95 and the worst service's availability within the targets above, every task served.</td></tr>\n");
    for (label, key, cell) in rows {
        let _ = write!(h, "<tr><td>{label}</td>");
        for l in &c.legs {
            let _ = write!(
                h,
                "<td class=\"num\">{}</td>",
                esc(&cell(l).unwrap_or_else(|| "n/a".into()))
            );
        }
        let _ = writeln!(h, "<td>{}</td></tr>", prose(meaning(key)));
    }
    h.push_str("</tbody>\n</table>\n</div>\n</details>\n");
    h.push_str(&deployments_table(c));
    h.push_str(&break_even_table(c));
    h.push_str(&commitment_table(c));
    h
}

/// Each leg's deployments with their strategy and what each cost beyond the bill rate at
/// its start: the same rollout costs differently on each kind of capacity.
fn deployments_table(c: &CompareOutputs) -> String {
    let mut rows = String::new();
    for l in &c.legs {
        let Some(deps) = l.summary.get("deployments").and_then(|d| d.as_object()) else {
            continue;
        };
        for (service, list) in deps {
            for d in list.as_array().into_iter().flatten() {
                let s = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("");
                let n = |k: &str| d.get(k).and_then(|v| v.as_f64());
                let _ = writeln!(
                    rows,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                    esc(&l.leg),
                    esc(service),
                    esc(s("task_definition")),
                    esc(s("strategy")),
                    n("duration_s").map_or("in progress".into(), span),
                    esc(s("outcome")),
                    n("extra_cost_usd").map_or("n/a".into(), |x| format!("${x:.4}"))
                );
            }
        }
    }
    if rows.is_empty() {
        return rows;
    }
    format!(
        "<h3>Deployments per option</h3>\n<div class=\"wide\">\n<table>\n<thead><tr><th>option</th><th>service</th><th>task definition</th><th>strategy</th><th class=\"num\">duration</th><th>outcome</th><th class=\"num\">extra cost</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</div>\n<p>Extra cost: what a deployment cost above the bill rate at its start over its span (<code>extra_cost_usd</code>): the two revisions' overlap, and on EC2 the scale-out it caused.</p>\n"
    )
}

fn break_even_table(c: &CompareOutputs) -> String {
    let mut h = String::new();
    if c.break_even.rows.is_empty() {
        return h;
    }
    h.push_str("<h3>Break-even</h3>\n<table>\n<thead><tr><th>task definition</th><th>instance</th><th class=\"num\">tasks per instance</th><th class=\"num\">Fargate $/task-h</th><th class=\"num\">EC2 cheaper above</th></tr></thead>\n<tbody>\n");
    for r in &c.break_even.rows {
        let be = match r.break_even_utilization {
            None => "never (no fit)".to_string(),
            Some(u) if u > 1.0 => format!("never ({:.1}%)", u * 100.0),
            Some(u) => format!("{:.1}%", u * 100.0),
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.5}</td><td class=\"num\">{}</td></tr>",
            esc(&r.task_definition),
            esc(&r.instance_type),
            r.tasks_per_instance,
            r.fargate_per_task_hour_usd,
            esc(&be)
        );
    }
    h.push_str("</tbody>\n</table>\n<p>The slot utilization above which an instance full of one task size costs less per task-hour than Fargate at the task's rounded size.</p>\n");
    h
}

/// `--recommend-commitment`: the Compute Savings Plan level that minimizes each leg's
/// bill, as `commitment-recommendation.json` has it.
fn commitment_table(c: &CompareOutputs) -> String {
    let mut h = String::new();
    if c.commitments.is_empty() {
        return h;
    }
    h.push_str("<h3 id=\"commitment\">Commitment that minimizes each bill</h3>\n<table>\n<thead><tr><th>leg</th><th class=\"num\">commitment $/h</th><th class=\"num\">bill</th><th class=\"num\">without</th><th class=\"num\">saves</th><th class=\"num\">break-even use</th><th class=\"num\">pays up to</th></tr></thead>\n<tbody>\n");
    for r in &c.commitments {
        let b = &r.best;
        let or_na = |x: Option<String>| x.unwrap_or_else(|| "n/a".into());
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">${:.4}</td><td class=\"num\">${:.4}</td><td class=\"num\">${:.4}</td><td class=\"num\">${:.4}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&r.leg),
            b.commitment_per_hour,
            b.effective_cost_usd,
            r.cost_without_usd,
            r.cost_without_usd - b.effective_cost_usd,
            or_na(
                r.break_even_utilization
                    .map(|u| format!("{:.1}%", u * 100.0))
            ),
            or_na(
                r.break_even_commitment_per_hour
                    .map(|l| format!("${l:.4}/h"))
            ),
        );
    }
    h.push_str("</tbody>\n</table>\n<p>A Compute Savings Plan (1 year, no upfront) evaluated hour by hour on each leg's simulated usage (<code>commitment-curve.csv</code>, charted in <code>commitment-curve.png</code>). Break-even use: a dollar of commitment pays off only if used at least that share of the hours. Pays up to: a larger commitment costs more than none at all. Spot usage is never covered.</p>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leg(name: &str, cost: f64, p95: f64, availability: f64, waited: f64) -> LegFigures {
        serde_json::from_value(serde_json::json!({
            "leg": name,
            "cost_total_usd": cost,
            "pending_p95_s": p95,
            "availability": availability,
            "longest_unstarted_wait_s": waited,
            "summary": {"tasks": {"rejected": 0}},
        }))
        .unwrap()
    }

    fn compare(legs: Vec<LegFigures>, targets: CompareTargets) -> CompareOutputs {
        let mut c: CompareOutputs = serde_json::from_value(serde_json::json!({
            "scenario": "s",
            "legs": [],
        }))
        .unwrap();
        c.legs = legs;
        c.targets = targets;
        c
    }

    #[test]
    fn the_answer_is_the_cheapest_leg_meeting_both_targets() {
        let t = CompareTargets {
            pending_p95_s: 30.0,
            availability: 0.999,
        };
        let c = compare(
            vec![
                leg("scenario", 6.91, 8.0, 1.0, 0.0),
                // Cheapest, but 33 s > 30 s.
                leg("fargate", 5.37, 33.0, 1.0, 0.0),
                // 0.998 < 0.999.
                leg("ec2-spot", 2.07, 8.0, 0.998, 0.0),
                // Its started tasks are fast, but one waited 45 s > 30 s without starting.
                leg("cramped", 1.00, 2.0, 1.0, 45.0),
                leg("ec2+ri", 4.32, 8.0, 1.0, 0.0),
            ],
            t,
        );
        assert_eq!(cheapest_meeting(&c, &t).unwrap().leg, "ec2+ri");
        assert_eq!(misses(&c.legs[1], &t), ["pending p95 33 s over 30 s"]);
        assert_eq!(misses(&c.legs[2], &t), ["availability 99.8% under 99.9%"]);
        assert_eq!(
            misses(&c.legs[3], &t),
            ["a task waited 45 s without starting"]
        );
        let h = headline(&c);
        // 6.91 − 4.32 = 2.59, 2.59 / 6.91 = 37.5% → 37%.
        assert!(h.contains("$2.59 (37%) less"), "{h}");
        assert!(h.contains("p95 8 s against the scenario's 8 s"), "{h}");
        // 0.1% of 730 h = 43.8 min.
        assert!(
            h.contains("at least 99.9% (default), 43.8 min of downtime"),
            "{h}"
        );
    }

    #[test]
    fn no_leg_meeting_the_targets_is_said_plainly() {
        let t = CompareTargets {
            pending_p95_s: 1.0,
            availability: 0.999,
        };
        let c = compare(vec![leg("scenario", 6.91, 8.0, 1.0, 0.0)], t);
        assert!(cheapest_meeting(&c, &t).is_none());
        assert!(headline(&c).contains("No option meets the targets."));
    }

    #[test]
    fn downtime_is_the_unavailable_share_of_a_month() {
        // (1 − 0.9995) × 730 h × 60 = 21.9 min.
        assert_eq!(downtime(Some(0.9995)), "21.9 min / month");
        assert_eq!(downtime(Some(1.0)), "no downtime");
        assert_eq!(downtime(None), "no services");
    }
}
