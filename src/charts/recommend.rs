//! `compare --recommend`: what each candidate type costs against how long tasks wait to
//! start, at every count the search ran, so the chosen point is seen beside the others.

use super::style::{Dash, Look, Marker};
use super::{Body, Figure, Format, Line, Panel, PanelChart, Scale, XAxis};
use crate::outputs::{RecommendOutputs, TargetView};

/// Candidate types drawn as lines: the cheapest that met the target, one colour each.
pub const MAX_CANDIDATES: usize = 6;

/// Bill against pending p95, a line per candidate through the counts the search ran, the
/// count it chose marked; the Managed Instances legs as single points; the target as a
/// vertical line. `None` when no candidate met the target.
pub fn cost_vs_p95(r: &RecommendOutputs) -> Option<Figure> {
    let mut met: Vec<_> = r
        .types
        .iter()
        .filter_map(|t| Some((t, t.result.as_ref()?, t.count?)))
        .collect();
    if met.is_empty() {
        return None;
    }
    met.sort_by(|a, b| a.1.cost_total_usd.total_cmp(&b.1.cost_total_usd));
    let left_out = met.len().saturating_sub(MAX_CANDIDATES);
    met.truncate(MAX_CANDIDATES);
    let target_s = match r.target {
        TargetView::PendingP95(s) => Some(s),
        TargetView::Availability(_) => None,
    };
    // Runs far slower than the chosen ones would squash the interesting part to a corner.
    let chosen_max = met.iter().map(|m| m.1.pending_p95_s).fold(0.0, f64::max);
    let x_max = (chosen_max.max(target_s.unwrap_or(0.0)) * 3.0).max(10.0);
    // Larger pools than the chosen ones only cost more: the chart stops at 1.6 times the
    // dearest answer drawn, so the answers are not squashed to the floor.
    let answers = met
        .iter()
        .map(|m| m.1.cost_total_usd)
        .chain(r.managed_instances.iter().map(|m| m.result.cost_total_usd))
        .fold(0.0, f64::max);
    let y_cap = answers * 1.6;
    let mut lines = Vec::new();
    let mut y_max: f64 = 0.0;
    for (i, (t, chosen, count)) in met.iter().enumerate() {
        let look = Look::nth(i);
        // Only runs that met the target: a pool too small to start every task has a p95
        // over the tasks that did start, which reads fast and is not.
        let mut probes: Vec<(f64, f64)> = t
            .probes
            .iter()
            .filter(|p| p.met && p.pending_p95_s <= x_max && p.cost_total_usd <= y_cap)
            .map(|p| (p.pending_p95_s, p.cost_total_usd))
            .collect();
        // In order of waiting, so the line runs from the largest pool to the smallest.
        probes.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
        y_max = probes.iter().map(|p| p.1).fold(y_max, f64::max);
        y_max = y_max.max(chosen.cost_total_usd);
        let label = format!(
            "{}: {count} × for ${:.2}, p95 {:.1} s",
            t.instance_type, chosen.cost_total_usd, chosen.pending_p95_s
        );
        // No legend entry: the chosen point's names the type in the same colour.
        lines.push(Line::new(
            "",
            Look {
                marker: Marker::Circle,
                dash: Dash::Dotted,
                ..look
            },
            probes,
        ));
        let mut point = Line::new(
            label,
            Look {
                marker: Marker::Square,
                dash: Dash::Solid,
                ..look
            },
            vec![(chosen.pending_p95_s, chosen.cost_total_usd)],
        );
        point.points_only = true;
        lines.push(point);
    }
    for (j, m) in r.managed_instances.iter().enumerate() {
        if m.result.pending_p95_s > x_max {
            continue;
        }
        y_max = y_max.max(m.result.cost_total_usd);
        let mut point = Line::new(
            format!(
                "{}: ${:.2}, p95 {:.1} s{}",
                m.leg,
                m.result.cost_total_usd,
                m.result.pending_p95_s,
                if m.meets_target { "" } else { " (misses)" }
            ),
            Look {
                color: 6,
                dash: Dash::Solid,
                marker: [Marker::Triangle, Marker::Cross][j % 2],
            },
            vec![(m.result.pending_p95_s, m.result.cost_total_usd)],
        );
        point.points_only = true;
        lines.push(point);
    }
    let y_max = if y_max > 0.0 { y_max * 1.15 } else { 1.0 };
    if let Some(s) = target_s {
        lines.push(Line::new(
            format!("target: p95 ≤ {s} s"),
            Look {
                color: 6,
                dash: Dash::Dashed,
                marker: Marker::None,
            },
            vec![(s, 0.0), (s, y_max)],
        ));
    }
    let mut caption = format!(
        "Each candidate type's bill for the measured window against its pending-time p95, at the counts of pool `{}` the search ran that met the target (dotted; more instances cost more and wait less); the square is the smallest such count, the one recommended. Runs slower than {:.0} s or dearer than ${:.2} are off the chart.",
        r.pool, x_max, y_cap
    );
    if left_out > 0 {
        caption.push_str(&format!(
            " The {MAX_CANDIDATES} cheapest types that met the target are drawn; {left_out} more are in the table."
        ));
    }
    Some(Figure {
        name: "recommend".into(),
        title: format!("{}: bill against waiting, per candidate type", r.scenario),
        caption,
        body: Body::Panels(PanelChart {
            x: XAxis {
                label: "pending time p95 (s)".into(),
                min: 0.0,
                max: x_max,
                scale: Scale::Linear,
            },
            panels: vec![Panel {
                y_label: "bill for the window ($)".into(),
                y_min: 0.0,
                y_max,
                format: Format::Dollars,
                lines,
                height: 340,
            }],
            shade: None,
            events: Vec::new(),
        }),
    })
}
