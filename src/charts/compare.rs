//! `ecsim compare`: cost per leg, service quality per leg, and the break-even curves.

use super::style::{Dash, Look, Marker};
use super::{BarChart, BarPanel, Body, Figure, Format, Line, Panel, PanelChart, Scale, XAxis};
use crate::outputs::CompareOutputs;

pub fn cost(c: &CompareOutputs) -> Figure {
    let legs = &c.legs;
    let ec2: Vec<Option<f64>> = legs.iter().map(|l| Some(l.cost_ec2_usd)).collect();
    let fargate: Vec<Option<f64>> = legs.iter().map(|l| Some(l.cost_fargate_usd)).collect();
    Figure {
        name: "compare-cost".into(),
        title: format!("{}: cost per capacity option", c.scenario),
        caption: "Total cost of the measured window on each leg, split into EC2 instances and Fargate tasks; every leg ran the same sampled workload.".into(),
        body: Body::Bars(BarChart {
            categories: legs.iter().map(|l| l.leg.clone()).collect(),
            panels: vec![BarPanel {
                y_label: "cost ($)".into(),
                format: Format::Dollars,
                stacks: vec![("EC2".into(), ec2), ("Fargate".into(), fargate)],
                y_floor: 0.0,
            }],
        }),
    }
}

pub fn service(c: &CompareOutputs) -> Figure {
    let legs = &c.legs;
    Figure {
        name: "compare-service".into(),
        title: format!("{}: waiting and availability per option", c.scenario),
        caption: "The 95th percentile of pending time (created to RUNNING) and the worst service's availability on each leg.".into(),
        body: Body::Bars(BarChart {
            categories: legs.iter().map(|l| l.leg.clone()).collect(),
            panels: vec![
                BarPanel {
                    y_label: "pending p95 (s)".into(),
                    format: Format::Plain,
                    stacks: vec![(
                        "pending p95".into(),
                        legs.iter().map(|l| l.pending_p95_s).collect(),
                    )],
                    y_floor: 0.0,
                },
                BarPanel {
                    y_label: "availability".into(),
                    format: Format::Percent,
                    stacks: vec![(
                        "availability".into(),
                        legs.iter().map(|l| l.availability).collect(),
                    )],
                    y_floor: 0.0,
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
    for (i, r) in rows.iter().enumerate() {
        let color = Look::nth(i).color;
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
                marker: Marker::None,
            },
            curve,
        ));
        lines.push(Line::new(
            format!("{}: Fargate", r.task_definition),
            Look {
                color,
                dash: Dash::Dashed,
                marker: Marker::None,
            },
            (5..=100).map(|u| (f64::from(u), fargate)).collect(),
        ));
        if let Some(u) = r.break_even_utilization.filter(|u| *u <= 1.0) {
            let mut point = Line::new(
                format!("{label}: break-even {:.1}%", u * 100.0),
                Look {
                    color,
                    dash: Dash::Solid,
                    marker: Marker::Square,
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
    if let Some(s) = c.legs.iter().find(|l| l.leg == "scenario") {
        if let (Some(u), Some(cost)) = (s.cpu_reserved, s.cost_per_task_hour_usd) {
            let mut point = Line::new(
                format!(
                    "this scenario: {:.1}% CPU reserved, ${cost:.4}/task-hour",
                    u * 100.0
                ),
                Look {
                    color: 6,
                    dash: Dash::Solid,
                    marker: Marker::Cross,
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
        caption: "Cost of one task-hour against the share of an instance's task slots in use: EC2 (solid) costs less as the instance fills, Fargate (dashed) is flat, and EC2 wins right of the crossing. The cross is the scenario's own run (its CPU reservation as the utilization).".into(),
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
            panels: vec![
                BarPanel {
                    y_label: "its cost now ($)".into(),
                    format: Format::Dollars,
                    stacks: vec![("where it is".into(), column(&|r| r.cost_where_it_is_usd))],
                    y_floor: 0.0,
                },
                BarPanel {
                    y_label: "its cost moved ($)".into(),
                    format: Format::Dollars,
                    stacks: vec![("on Fargate".into(), column(&|r| r.cost_moved_usd))],
                    y_floor: 0.0,
                },
                BarPanel {
                    y_label: "whole bill, moved ($)".into(),
                    format: Format::Dollars,
                    stacks: vec![(
                        "the bill with it moved".into(),
                        column(&|r| base + r.bill_change_usd),
                    )],
                    y_floor: 0.0,
                },
            ],
        }),
    })
}
