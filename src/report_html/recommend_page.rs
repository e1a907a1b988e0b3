//! `compare --recommend`'s page: the cheapest type and count that met the target first,
//! then every candidate, and in words what the search assumed and what it did not try.

use super::notes::Notes;
use super::run_page::{dollars, span, trimmed};
use super::text::esc;
use crate::outputs::{RecommendOutputs, TargetView};
use std::fmt::Write;

fn target_text(t: TargetView) -> String {
    match t {
        TargetView::PendingP95(s) => format!(
            "pending p95 at most {}, no task rejected or left waiting longer",
            span(s)
        ),
        TargetView::Availability(a) => format!(
            "the worst service's availability at least {}%, every job served",
            trimmed(a * 100.0)
        ),
    }
}

/// The t family's names: burstable types, whose CPU above a baseline spends credits.
fn burstable(instance_type: &str) -> bool {
    let family = instance_type.split('.').next().unwrap_or("");
    family.starts_with('t')
        && family[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
}

pub(super) fn meta(r: &RecommendOutputs) -> String {
    let runs: u32 = r.types.iter().map(|t| t.runs).sum();
    format!(
        "{} candidate types · pool {} sized from 1 to {} instances · {runs} runs",
        r.types.len(),
        r.pool,
        r.max_count
    )
}

pub(super) fn headline(r: &RecommendOutputs) -> String {
    let mut h = String::from("<section class=\"headline\">\n");
    let best = r
        .best
        .and_then(|i| r.types.get(i))
        .and_then(|t| Some((t, t.count?, t.result.as_ref()?)));
    match best {
        Some((t, count, x)) => {
            let month = x
                .cost_monthly_usd
                .map_or(String::new(), |m| format!(" ({} a month)", dollars(m)));
            let _ = writeln!(
                h,
                "<p class=\"answer\">The cheapest pool meeting the target is <strong>{count} × {}</strong>: <strong>{}</strong> over the measured window{month}, with tasks starting at p95 {}.</p>",
                esc(&t.instance_type),
                dollars(x.cost_total_usd),
                span(x.pending_p95_s)
            );
            if burstable(&t.instance_type) {
                let _ = writeln!(
                    h,
                    "<p class=\"worse\">{} is a burstable type: ecsim does not model CPU credits, so its tasks run here at full CPU for as long as they like. On AWS a busy t-family instance spends credits above its baseline and is then held to the baseline (standard mode) or billed for the surplus (unlimited mode): check the workload's CPU against the baseline before choosing it.</p>",
                    esc(&t.instance_type)
                );
            }
        }
        None => h.push_str(
            "<p class=\"answer worse\"><strong>No candidate type meets the target</strong> within the counts tried.</p>\n",
        ),
    }
    let cheaper_mi: Vec<&str> = r
        .managed_instances
        .iter()
        .filter(|m| {
            m.meets_target
                && best.is_none_or(|(_, _, x)| m.result.cost_total_usd < x.cost_total_usd)
        })
        .map(|m| m.leg.as_str())
        .collect();
    if !cheaper_mi.is_empty() {
        let _ = writeln!(
            h,
            "<p>Cheaper still, with no pool to size: {} (ECS picks the instances).</p>",
            esc(&cheaper_mi.join(", "))
        );
    }
    let _ = writeln!(
        h,
        "<p class=\"meta\">Target: {}. Set with <code>--target-pending-p95</code> or <code>--target-availability</code>.</p>",
        target_text(r.target)
    );
    h.push_str("</section>\n");
    h
}

/// Every candidate, folded: its count, bill and service, or why it has none.
pub(super) fn table(r: &RecommendOutputs) -> String {
    let mut h = format!(
        "<details>\n<summary>All candidates ({} types)</summary>\n<div class=\"wide\">\n<table>\n<thead><tr><th>instance type</th><th class=\"num\">count</th><th class=\"num\">bill</th><th class=\"num\">a month</th><th class=\"num\">pending p95</th><th class=\"num\">availability</th><th class=\"num\">runs</th></tr></thead>\n<tbody>\n",
        r.types.len()
    );
    for (i, t) in r.types.iter().enumerate() {
        let mark = if r.best == Some(i) { " (cheapest)" } else { "" };
        match (&t.result, t.count) {
            (Some(x), Some(n)) => {
                let _ = writeln!(
                    h,
                    "<tr><td>{}{mark}</td><td class=\"num\">{n}</td><td class=\"num\">${:.4}</td><td class=\"num\">{}</td><td class=\"num\">{:.2} s</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    esc(&t.instance_type),
                    x.cost_total_usd,
                    x.cost_monthly_usd
                        .map_or("n/a".into(), |m| format!("${m:.2}")),
                    x.pending_p95_s,
                    x.availability
                        .map_or("n/a".into(), |a| format!("{:.3}%", a * 100.0)),
                    t.runs
                );
            }
            _ => {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td class=\"num\">–</td><td colspan=\"4\">{}</td><td class=\"num\">{}</td></tr>",
                    esc(&t.instance_type),
                    esc(t.reason.as_deref().unwrap_or("")),
                    t.runs
                );
            }
        }
    }
    for m in &r.managed_instances {
        let _ = writeln!(
            h,
            "<tr><td>{} (no pool; {})</td><td class=\"num\">–</td><td class=\"num\">${:.4}</td><td class=\"num\">{}</td><td class=\"num\">{:.2} s</td><td class=\"num\">{}</td><td class=\"num\">1</td></tr>",
            esc(&m.leg),
            if m.meets_target {
                "meets the target"
            } else {
                "misses the target"
            },
            m.result.cost_total_usd,
            m.result
                .cost_monthly_usd
                .map_or("n/a".into(), |x| format!("${x:.2}")),
            m.result.pending_p95_s,
            m.result
                .availability
                .map_or("n/a".into(), |a| format!("{:.3}%", a * 100.0)),
        );
    }
    h.push_str("</tbody>\n</table>\n</div>\n</details>\n");
    h
}

/// What the search assumed and left out, in words.
pub(super) fn notes(r: &RecommendOutputs) -> Notes {
    let mut warnings = Vec::new();
    let t_family: Vec<&str> = r
        .types
        .iter()
        .filter(|t| t.count.is_some() && burstable(&t.instance_type))
        .map(|t| t.instance_type.as_str())
        .collect();
    warnings.push(format!(
        "Burstable CPU credits are not modeled: a t-family instance runs its tasks at full CPU for ever here{}. On AWS it is held to its baseline (or bills the surplus) once its credits run out.",
        if t_family.is_empty() {
            String::new()
        } else {
            format!(" (among the types that met the target: {})", t_family.join(", "))
        }
    ));
    warnings.push(format!(
        "What the search did not try: only pool `{}`'s type and count changed (every other pool and setting as written); one instance type per pool (no mixed types), On-Demand only (no Spot for the pool, no Reserved Instances or Savings Plans); counts above {}; types outside the candidate list (by default every catalog type of the pool's architecture, GPU types only when a task needs GPUs).",
        r.pool, r.max_count
    ));
    warnings.push("The search is a binary search on the count: it assumes more instances never make the target worse, true of pending time and availability when nothing else changes. One seed: the figures are one sample of the workload, not an interval.".into());
    Notes {
        warnings,
        choices: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burstable_types_are_the_t_family() {
        assert!(burstable("t3.medium"));
        assert!(burstable("t4g.small"));
        assert!(!burstable("m5.large"));
        assert!(!burstable("trn1.2xlarge"));
    }
}
