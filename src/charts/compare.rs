//! `ecsim compare`: cost per leg, service quality per leg, and the break-even curves.

use super::style::{Dash, Look, Marker};
use super::{BarChart, BarPanel, Body, Figure, Format, Line, Panel, PanelChart, Scale, XAxis};
use crate::outputs::CompareOutputs;

/// Minutes in AWS's 730-hour month.
const MONTH_MIN: f64 = 730.0 * 60.0;

/// Each leg's palette index: its place among the comparison's legs, on every chart.
fn leg_colors(c: &CompareOutputs) -> Vec<usize> {
    (0..c.legs.len()).collect()
}

/// The bill as the table states it: with the leg's commitments where it has them, the
/// On-Demand bill of the same usage as a light bar behind.
pub fn cost(c: &CompareOutputs) -> Figure {
    let legs = &c.legs;
    let bills: Vec<Option<f64>> = legs.iter().map(|l| Some(l.cost_total_usd)).collect();
    let committed = legs
        .iter()
        .any(|l| crate::outputs::number(&l.summary, "/commitments/effective_cost_usd").is_some());
    let ghost = committed.then(|| {
        (
            "On-Demand".to_string(),
            legs.iter()
                .map(|l| crate::outputs::number(&l.summary, "/cost_usd/total"))
                .collect(),
        )
    });
    let caption = if committed {
        "The bill of the measured window on each leg (compare.csv's cost_total_usd), with the leg's commitments (Reserved Instances, Savings Plans) where it has them; the grey bar behind is the same usage at On-Demand rates. Every leg ran the same sampled workload."
    } else {
        "The bill of the measured window on each leg (compare.csv's cost_total_usd), EC2 instances and Fargate tasks together; every leg ran the same sampled workload."
    };
    Figure {
        name: "compare-cost".into(),
        title: format!("{}: bill per capacity option", c.scenario),
        caption: caption.into(),
        body: Body::Bars(BarChart {
            categories: legs.iter().map(|l| l.leg.clone()).collect(),
            colors: leg_colors(c),
            panels: vec![BarPanel {
                y_label: "bill ($)".into(),
                format: Format::Dollars,
                stacks: vec![("bill".into(), bills)],
                y_floor: 0.0,
                ghost,
            }],
        }),
    }
}

/// How long tasks waited to start, and the worst service's downtime as minutes a month:
/// availability near 100% drawn as a share hides the difference between two and four
/// nines.
pub fn service(c: &CompareOutputs) -> Figure {
    let legs = &c.legs;
    Figure {
        name: "compare-service".into(),
        title: format!("{}: waiting and downtime per option", c.scenario),
        caption: format!(
            "The 95th percentile of pending time (created to RUNNING) on each leg, and the worst service's downtime a 730-hour month at its availability (desired tasks not RUNNING; {:.1} min a month is 99.9%). No bar: no downtime.",
            MONTH_MIN * 0.001
        ),
        body: Body::Bars(BarChart {
            categories: legs.iter().map(|l| l.leg.clone()).collect(),
            colors: leg_colors(c),
            panels: vec![
                BarPanel {
                    y_label: "pending p95 (s)".into(),
                    format: Format::Plain,
                    stacks: vec![(
                        "pending p95 (s)".into(),
                        legs.iter().map(|l| l.pending_p95_s).collect(),
                    )],
                    y_floor: 0.0,
                    ghost: None,
                },
                BarPanel {
                    y_label: "downtime (min / month)".into(),
                    format: Format::Plain,
                    stacks: vec![(
                        "downtime (min / month)".into(),
                        legs.iter()
                            .map(|l| l.availability.map(|a| (1.0 - a).max(0.0) * MONTH_MIN))
                            .collect(),
                    )],
                    y_floor: 0.0,
                    ghost: None,
                },
            ],
        }),
    }
}

/// Cost per task-hour against slot utilization: EC2's falls as the instance fills,
/// Fargate's is flat; they cross at the break-even. The scenario's measured point is
/// marked. Left out when the scenario has no EC2 pool.
pub fn break_even(c: &CompareOutputs) -> Option<Figure> {
    let rows: Vec<_> = c
        .break_even
        .rows
        .iter()
        .filter(|r| r.tasks_per_instance > 0)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let mut lines = Vec::new();
    let mut y_max: f64 = 0.0;
    // Colours mean legs on this page; the task definitions differ by marker instead.
    const CURVES: usize = 6;
    const MARKERS: [Marker; 4] = [
        Marker::None,
        Marker::Circle,
        Marker::Triangle,
        Marker::Square,
    ];
    for (i, r) in rows.iter().enumerate() {
        let color = CURVES;
        let shape = MARKERS[i % MARKERS.len()];
        let n = f64::from(r.tasks_per_instance);
        let fargate = r.fargate_per_task_hour_usd;
        let full = r.instance_per_hour_usd / n;
        y_max = y_max.max(fargate * 2.5).max(full * 1.5);
        let curve: Vec<(f64, f64)> = (5..=100)
            .map(|u| {
                let u = f64::from(u) / 100.0;
                (u * 100.0, full / u)
            })
            .collect();
        let label = format!("{} on {}", r.task_definition, r.instance_type);
        lines.push(Line::new(
            format!("{label}: EC2"),
            Look {
                color,
                dash: Dash::Solid,
                marker: shape,
            },
            curve,
        ));
        lines.push(Line::new(
            format!("{}: Fargate", r.task_definition),
            Look {
                color,
                dash: Dash::Dashed,
                marker: shape,
            },
            (5..=100).map(|u| (f64::from(u), fargate)).collect(),
        ));
        if let Some(u) = r.break_even_utilization.filter(|u| *u <= 1.0) {
            let mut point = Line::new(
                format!("{label}: break-even {:.1}%", u * 100.0),
                Look {
                    color,
                    dash: Dash::Solid,
                    marker: Marker::Cross,
                },
                vec![(u * 100.0, fargate)],
            );
            point.points_only = true;
            lines.push(point);
        }
    }
    // Clip the curves at the top of the panel.
    for l in &mut lines {
        l.points.retain(|p| p.1 <= y_max);
    }
    if let Some((leg, s)) = c.legs.iter().enumerate().find(|(_, l)| l.leg == "scenario") {
        if let (Some(u), Some(cost)) = (s.cpu_reserved, s.cost_per_task_hour_usd) {
            let mut point = Line::new(
                format!(
                    "this scenario: {:.1}% CPU reserved, ${cost:.4}/task-hour",
                    u * 100.0
                ),
                Look {
                    color: leg_colors(c)[leg],
                    dash: Dash::Solid,
                    marker: Marker::Circle,
                },
                vec![(u * 100.0, cost.min(y_max))],
            );
            point.points_only = true;
            lines.push(point);
        }
    }
    Some(Figure {
        name: "break-even".into(),
        title: format!("{}: EC2 against Fargate per task-hour", c.scenario),
        caption: "Cost of one task-hour against the share of an instance's task slots in use: EC2 (solid) costs less as the instance fills, Fargate (dashed) is flat, and EC2 wins right of the crossing. The crosses mark the break-evens; the dot in the scenario leg's colour is the scenario's own run (its CPU reservation as the utilization).".into(),
        body: Body::Panels(PanelChart {
            x: XAxis {
                label: "slot utilization (%)".into(),
                min: 0.0,
                max: 100.0,
                scale: Scale::Linear,
            },
            panels: vec![Panel {
                y_label: "$ per task-hour".into(),
                y_min: 0.0,
                y_max,
                format: Format::Dollars,
                lines,
                height: 320,
            }],
            shade: None,
            events: Vec::new(),
        }),
    })
}

/// `compare --per-service`: each service or job moved alone to Fargate, what it costs where
/// it is and moved, and the whole bill after the move beside the scenario's.
pub fn per_service(c: &CompareOutputs) -> Option<Figure> {
    let rows = &c.per_service;
    let base = c.legs.first().map(|l| l.cost_total_usd)?;
    if rows.is_empty() {
        return None;
    }
    let column = |f: &dyn Fn(&crate::outputs::OriginMoveView) -> f64| -> Vec<Option<f64>> {
        rows.iter().map(|r| Some(f(r))).collect()
    };
    Some(Figure {
        name: "compare-per-service".into(),
        title: format!("{}: which services to move to Fargate", c.scenario),
        caption: format!(
            "Each service or job moved alone to Fargate while the rest stays (pools re-size): its share of the bill where it is (its tasks' split of the instances they used plus its share of idle capacity) and once moved, and the whole bill after the move; the scenario's bill is ${base:.2}, so a bar below that saves."
        ),
        body: Body::Bars(BarChart {
            categories: rows.iter().map(|r| r.origin.clone()).collect(),
            // Each origin in the colour of its own leg, `fargate:<origin>` (the name
            // `compare::per_service::origin_leg_name` gives it; charts sit below compare).
            colors: rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let leg = format!("fargate:{}", r.origin);
                    c.legs.iter().position(|l| l.leg == leg).unwrap_or(i + 1)
                })
                .collect(),
            panels: vec![
                BarPanel {
                    y_label: "its cost now ($)".into(),
                    format: Format::Dollars,
                    stacks: vec![("where it is".into(), column(&|r| r.cost_where_it_is_usd))],
                    y_floor: 0.0,
                    ghost: None,
                },
                BarPanel {
                    y_label: "its cost moved ($)".into(),
                    format: Format::Dollars,
                    stacks: vec![("on Fargate".into(), column(&|r| r.cost_moved_usd))],
                    y_floor: 0.0,
                    ghost: None,
                },
                BarPanel {
                    y_label: "whole bill, moved ($)".into(),
                    format: Format::Dollars,
                    stacks: vec![(
                        "the bill with it moved".into(),
                        column(&|r| base + r.bill_change_usd),
                    )],
                    y_floor: 0.0,
                    ghost: None,
                },
            ],
        }),
    })
}
