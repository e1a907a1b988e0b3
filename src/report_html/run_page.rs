//! A run's answer on the first screen: what it cost (and would cost a month), how long
//! tasks waited, how much of the month the worst service was down, and how many instances
//! it took. The full figure table follows, folded, each value in its unit.

use super::glossary::explain;
use super::text::{esc, prose, value};
use crate::outputs::{self, RunOutputs};
use std::fmt::Write;

/// AWS's pricing examples price a month as 730 hours.
const MONTH_S: f64 = 730.0 * 3600.0;

/// A figure in its unit, read off its key: dollars, seconds, a share in percent, or a
/// plain number.
pub(super) fn with_unit(key: &str, x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let share = key.starts_with("availability")
        || key.starts_with("utilization.")
        || key.ends_with("fraction")
        || key.ends_with("utilization")
        || key.ends_with("coverage");
    if key.starts_with("cost_usd") || key.ends_with("_usd") {
        dollars(x)
    } else if key.starts_with("scaling.targets.") {
        format!("{}%", trimmed(x))
    } else if share {
        format!("{}%", trimmed(x * 100.0))
    } else if (key.contains("_s.") || key.ends_with("_s")) && !key.ends_with(".count") {
        format!("{} s", value(x))
    } else {
        value(x)
    }
}

/// `value` without the trailing zeros a fixed precision leaves: 43.8, not 43.800.
pub(super) fn trimmed(x: f64) -> String {
    let text = value(x);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

pub(super) fn dollars(x: f64) -> String {
    if x.abs() >= 100.0 {
        // Thousands apart, as a bill prints them: $1,199.
        let whole = format!("{:.0}", x.abs());
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{}${grouped}", if x < 0.0 { "-" } else { "" })
    } else {
        format!("${x:.2}")
    }
}

/// Seconds as a reader says them: "45 s", "12 min", "3.5 h".
pub(super) fn span(s: f64) -> String {
    if s < 90.0 {
        format!("{} s", trimmed(s.round()))
    } else if s < 5400.0 {
        format!("{} min", trimmed((s / 60.0 * 10.0).round() / 10.0))
    } else {
        format!("{} h", trimmed((s / 3600.0 * 10.0).round() / 10.0))
    }
}

struct Card {
    figure: String,
    label: &'static str,
    detail: String,
}

fn cost_card(r: &RunOutputs, window_s: f64) -> Option<Card> {
    let on_demand = r.figure("/cost_usd/total")?;
    let billed = r
        .figure("/commitments/effective_cost_usd")
        .unwrap_or(on_demand);
    let mut detail = if window_s > 0.0 {
        format!(
            "{} a month at this rate (730 h) · {} measured",
            dollars(billed * MONTH_S / window_s),
            span(window_s)
        )
    } else {
        String::new()
    };
    if billed != on_demand {
        let _ = write!(detail, " · {} On-Demand", dollars(on_demand));
    }
    Some(Card {
        figure: dollars(billed),
        label: if billed != on_demand {
            "cost with commitments"
        } else {
            "cost"
        },
        detail,
    })
}

fn pending_card(r: &RunOutputs) -> Option<Card> {
    let p95 = r.figure("/pending_time_s/p95")?;
    let count = r.figure("/pending_time_s/count").unwrap_or(0.0);
    let mut detail = format!(
        "created to RUNNING, {} tasks · mean {} · max {}",
        value(count),
        span(r.figure("/pending_time_s/mean").unwrap_or(0.0)),
        span(r.figure("/pending_time_s/max").unwrap_or(0.0))
    );
    let waiting = r
        .figure("/pending_time_s/waiting_at_end/count")
        .unwrap_or(0.0);
    if waiting > 0.0 {
        let _ = write!(detail, " · {} still waiting at the end", value(waiting));
    }
    Some(Card {
        figure: span(p95),
        label: "pending time, p95",
        detail,
    })
}

/// The worst service's availability, as the downtime a month at that rate comes to.
fn availability_card(r: &RunOutputs) -> Option<Card> {
    let services = r.summary.get("availability")?.as_object()?;
    let worst = services.get("min")?.as_f64()?;
    let who = services
        .iter()
        .filter(|(k, _)| *k != "min")
        .filter(|(_, v)| v.as_f64() == Some(worst))
        .map(|(k, _)| k.as_str())
        .next()
        .unwrap_or("");
    let down_s = (1.0 - worst).max(0.0) * MONTH_S;
    let figure = if down_s < 0.5 {
        "no downtime".to_string()
    } else {
        format!("{} / month", span(down_s))
    };
    Some(Card {
        figure,
        label: "worst service's downtime",
        detail: format!(
            "{} at {}% availability (running tasks short of desired)",
            if who.is_empty() {
                "the worst service"
            } else {
                who
            },
            trimmed(worst * 100.0)
        ),
    })
}

fn instances_card(r: &RunOutputs) -> Option<Card> {
    let peak = r.figure("/instances/peak")?;
    let mean = r.figure("/instances/mean").unwrap_or(0.0);
    if peak == 0.0 {
        return Some(Card {
            figure: "none".into(),
            label: "EC2 instances",
            detail: "every task ran on Fargate".into(),
        });
    }
    Some(Card {
        figure: format!(
            "{} · peak {}",
            trimmed((mean * 10.0).round() / 10.0),
            trimmed(peak)
        ),
        label: "EC2 instances, mean",
        detail: format!(
            "{} launched, {} terminated in the window",
            value(r.figure("/scaling/instance_launches").unwrap_or(0.0)),
            value(r.figure("/scaling/instance_terminations").unwrap_or(0.0))
        ),
    })
}

pub(super) fn headline(r: &RunOutputs) -> String {
    let window_s = r.figure("/sim_time_s").unwrap_or(0.0);
    let cards: Vec<Card> = [
        cost_card(r, window_s),
        pending_card(r),
        availability_card(r),
        instances_card(r),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut h = String::from("<section class=\"headline\">\n<div class=\"cards\">\n");
    for c in &cards {
        let _ = writeln!(
            h,
            "<div class=\"card\"><div class=\"label\">{}</div><div class=\"big\">{}</div><div class=\"detail\">{}</div></div>",
            c.label,
            esc(&c.figure),
            esc(&c.detail)
        );
    }
    h.push_str("</div>\n");
    let rejected = r.figure("/tasks/rejected").unwrap_or(0.0);
    if rejected > 0.0 {
        let _ = writeln!(
            h,
            "<p class=\"worse\">{} tasks were rejected: they could never be placed (see the notes).</p>",
            value(rejected)
        );
    }
    h.push_str("</section>\n");
    h
}

/// Every figure of `summary.json`, in its unit, folded under the headline.
pub(super) fn all_figures(r: &RunOutputs) -> String {
    let leaves = outputs::leaves(&r.summary);
    let mut h = format!(
        "<details>\n<summary>All figures ({} from <code>summary.json</code>)</summary>\n<table>\n<thead><tr><th>figure</th><th class=\"num\">value</th><th>meaning</th></tr></thead>\n<tbody>\n",
        leaves.len()
    );
    for (key, x) in leaves {
        if key == "seed" {
            continue;
        }
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&key),
            with_unit(&key, x),
            prose(&explain(&key).unwrap_or_default())
        );
    }
    h.push_str("</tbody>\n</table>\n</details>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_carry_their_units() {
        assert_eq!(with_unit("cost_usd.total", 6.912), "$6.91");
        assert_eq!(with_unit("pending_time_s.p95", 8.031), "8.031 s");
        assert_eq!(with_unit("pending_time_s.count", 731.0), "731");
        assert_eq!(with_unit("availability.api", 0.995), "99.5%");
        assert_eq!(with_unit("instances.peak", 3.0), "3");
        // A month of autoscaling.toml's bill reads as a bill does (issue 37's screenshot).
        assert_eq!(dollars(1199.4), "$1,199");
        assert_eq!(dollars(123456.0), "$123,456");
        assert_eq!(trimmed(4.8), "4.8");
    }

    #[test]
    fn spans_read_in_the_unit_a_person_uses() {
        assert_eq!(span(45.0), "45 s");
        // 0.1% of a 730-hour month: 2,628 s, 43.8 min.
        assert_eq!(span(0.001 * MONTH_S), "43.8 min");
        assert_eq!(span(3.5 * 3600.0), "3.5 h");
    }
}
