//! A run over time: tasks, capacity, autoscaling and cost, from `timeseries.csv` (with
//! events and Fargate costs from `tasks.csv` and `summary.json`).

use super::commitments;
use super::style::{Dash, Look, Marker};
use super::{Body, Figure, Format, Line, Panel, PanelChart, Scale, XAxis, downsample, time_axis};
use crate::outputs::RunOutputs;

/// Points per drawn series: enough for a smooth line at chart width.
const POINTS: usize = 400;

struct Frame {
    unit: f64,
    x: XAxis,
    shade: Option<(f64, f64, String)>,
}

fn frame(run: &RunOutputs) -> Frame {
    let horizon = run.horizon_s();
    let (unit, label) = time_axis(horizon);
    let warmup = run.warmup_s();
    Frame {
        unit,
        x: XAxis {
            label: label.into(),
            min: 0.0,
            max: horizon / unit,
            scale: Scale::Linear,
        },
        shade: (warmup > 0.0).then(|| (0.0, warmup / unit, "warm-up (not measured)".into())),
    }
}

impl Frame {
    fn series(&self, run: &RunOutputs, column: &str, scale: f64) -> Option<Vec<(f64, f64)>> {
        let ys = run.series.column(column)?;
        let pts: Vec<(f64, f64)> = run
            .series
            .time_s()
            .iter()
            .zip(ys)
            .filter(|(_, y)| y.is_finite())
            .map(|(t, y)| (t / self.unit, y * scale))
            .collect();
        Some(hold_between_samples(&downsample(&pts, POINTS)))
    }

    /// A reference level across the whole time axis.
    fn level(&self, label: String, look: Look, y: f64) -> Line {
        Line::level(label, look, y, self.x.min, self.x.max)
    }

    fn chart(&self, panels: Vec<Panel>, events: Vec<(String, Look, Vec<f64>)>) -> Body {
        Body::Panels(PanelChart {
            x: self.x.clone(),
            panels,
            shade: self.shade.clone(),
            events,
        })
    }
}

/// A policy's target or threshold on a watched column, as a fraction (`scaling.targets`
/// holds percent).
fn target(run: &RunOutputs, column: &str) -> Option<f64> {
    let t = run
        .summary
        .pointer("/scaling/targets")?
        .get(column)?
        .as_f64()?;
    Some(t / 100.0)
}

fn max_of(lines: &[Line]) -> f64 {
    lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(0.0, f64::max)
}

fn panel(y_label: &str, format: Format, lines: Vec<Line>, height: u32) -> Panel {
    let max = max_of(&lines);
    let y_max = match format {
        Format::Percent => (max * 1.08).max(1.0),
        Format::Count => (max * 1.1).ceil().max(1.0),
        _ => (max * 1.1).max(1.0),
    };
    Panel {
        y_label: y_label.into(),
        y_min: 0.0,
        y_max,
        format,
        lines,
        height,
    }
}

fn look(color: usize, dash: Dash, marker: Marker) -> Look {
    Look {
        color,
        dash,
        marker,
    }
}

/// A sample is the state at its instant, held until the next one: drawn as steps, a count
/// that drops at one instant drops there, instead of sloping down across the interval.
fn hold_between_samples(pts: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(pts.len() * 2);
    for (i, p) in pts.iter().enumerate() {
        if i > 0 && pts[i - 1].1 != p.1 {
            out.push((p.0, pts[i - 1].1));
        }
        out.push(*p);
    }
    out
}

/// Event times on the chart's axis, one per pixel-ish bucket so thousands stay cheap.
fn event_marks(times: impl Iterator<Item = f64>, f: &Frame) -> Vec<f64> {
    let span = (f.x.max - f.x.min).max(1e-9);
    let mut xs: Vec<f64> = times
        .map(|t| ((t / f.unit - f.x.min) / span * 800.0).round() / 800.0 * span + f.x.min)
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    xs
}

/// A task of the service stopped by its own failure (it crashed, never started, or failed
/// its health check); an essential container exiting counts for a service, whose tasks
/// should not exit, and not for a job, whose tasks end that way.
const CRASH_REASONS: [&str; 3] = ["TaskFailed", "TaskFailedToStart", "HealthCheckFailed"];

fn events(run: &RunOutputs, f: &Frame) -> Vec<(String, Look, Vec<f64>)> {
    let mut rows = Vec::new();
    let deployments: Vec<f64> = run
        .summary
        .get("deployments")
        .and_then(|d| d.as_object())
        .map(|services| {
            services
                .values()
                .filter_map(|list| list.as_array())
                .flatten()
                .filter_map(|d| d.get("started_s").and_then(|s| s.as_f64()))
                .collect()
        })
        .unwrap_or_default();
    let stopped = |wanted: &dyn Fn(&str, bool) -> bool| -> Vec<f64> {
        run.tasks
            .stops
            .iter()
            .filter(|s| wanted(run.name(s.reason), s.service))
            .flat_map(|s| s.at.times())
            .collect()
    };
    let crashes = stopped(&|reason, service| {
        CRASH_REASONS.contains(&reason) || (service && reason == "EssentialContainerExited")
    });
    // Tasks stopped because the capacity under them went away: an instance, or a zone.
    let instance_losses = stopped(&|reason, _| reason == "InstanceFailed");
    let az_losses = stopped(&|reason, _| reason == "AvailabilityZoneOutage");
    let spot = stopped(&|reason, _| reason == "SpotInterruption");
    let mut scaling = Vec::new();
    let times = run.series.time_s();
    let desired: Vec<String> = run
        .series
        .prefixes("desired")
        .into_iter()
        .map(|s| format!("{s}.desired"))
        .chain(
            run.series
                .prefixes("instances_desired")
                .into_iter()
                .map(|p| format!("{p}.instances_desired")),
        )
        .collect();
    for column in &desired {
        if let Some(ys) = run.series.column(column) {
            for i in 1..ys.len() {
                if ys[i] != ys[i - 1] && i > 1 {
                    scaling.push(times[i]);
                }
            }
        }
    }
    let candidates = [
        ("deployment", 6, deployments),
        ("task crash", 1, crashes),
        ("instance failure", 4, instance_losses),
        ("AZ outage", 5, az_losses),
        ("Spot interruption", 3, spot),
        ("scaling action", 2, scaling),
    ];
    for (label, color, ts) in candidates {
        if !ts.is_empty() {
            rows.push((
                label.to_string(),
                look(color, Dash::Solid, Marker::None),
                event_marks(ts.into_iter(), f),
            ));
        }
    }
    rows
}

/// Tasks over time: desired and running per service, all running tasks, pending tasks, and
/// what happened when.
pub fn tasks(run: &RunOutputs) -> Option<Figure> {
    if run.series.is_empty() {
        return None;
    }
    let f = frame(run);
    let services = run.series.prefixes("running");
    let mut lines = Vec::new();
    let has_jobs = run.tasks.any_job;
    if has_jobs || services.is_empty() {
        lines.push(Line::new(
            "all running tasks",
            look(6, Dash::Solid, Marker::None),
            f.series(run, "running_tasks", 1.0)?,
        ));
    }
    for (i, s) in services.iter().enumerate() {
        let color = [0, 2, 4, 5, 3, 1, 7][i % 7];
        if let Some(p) = f.series(run, &format!("{s}.running"), 1.0) {
            lines.push(Line::new(
                format!("{s} running"),
                look(color, Dash::Solid, Look::nth(i + 1).marker),
                p,
            ));
        }
        // Desired after running: where they agree, the dashes draw over the solid line
        // instead of vanishing under it.
        if let Some(p) = f.series(run, &format!("{s}.desired"), 1.0) {
            lines.push(Line::new(
                format!("{s} desired"),
                look(color, Dash::Dashed, Marker::None),
                p,
            ));
        }
    }
    let pending = vec![Line::new(
        "pending (PROVISIONING or PENDING)",
        look(1, Dash::Solid, Marker::None),
        f.series(run, "pending_tasks", 1.0)?,
    )];
    let events = events(run, &f);
    let body = f.chart(
        vec![
            panel("running tasks", Format::Count, lines, 260),
            panel("pending tasks", Format::Count, pending, 150),
        ],
        events,
    );
    Some(Figure {
        name: "tasks".into(),
        title: format!("{}: tasks over time", run.scenario),
        caption: "Running tasks against each service's desired count (dashed), tasks waiting to start, and the events below on the same time axis.".into(),
        body,
    })
}

/// EC2 capacity: instances (per managed pool: desired, pending, in service) and the
/// reserved share of registered CPU and memory. Left out for runs without EC2.
pub fn capacity(run: &RunOutputs) -> Option<Figure> {
    let instances = run.series.column("instances")?;
    if !instances.iter().any(|&n| n > 0.0) {
        return None;
    }
    let f = frame(run);
    let billed = Line::new(
        "EC2 instances (billed)",
        look(6, Dash::Dashed, Marker::None),
        f.series(run, "instances", 1.0)?,
    );
    let mut counts = Vec::new();
    for (i, p) in run
        .series
        .prefixes("instances_in_service")
        .iter()
        .enumerate()
    {
        let c = [0, 2, 4, 5][i % 4];
        for (what, dash, marker) in [
            ("in service", Dash::Solid, Marker::Circle),
            ("desired", Dash::Dashed, Marker::None),
            ("pending", Dash::Dotted, Marker::Triangle),
        ] {
            let col = format!("{p}.instances_{}", what.replace(' ', "_"));
            if let Some(pts) = f.series(run, &col, 1.0) {
                if what == "pending" && pts.iter().all(|p| p.1 == 0.0) {
                    continue;
                }
                counts.push(Line::new(format!("{p} {what}"), look(c, dash, marker), pts));
            }
        }
    }
    // Billed last, dashed: it equals a pool's in-service count most of the time and would
    // vanish under it if drawn first.
    counts.push(billed);
    let reserved = vec![
        Line::new(
            "CPU reserved",
            look(0, Dash::Solid, Marker::None),
            f.series(run, "cpu_reserved_fraction", 1.0)?,
        ),
        Line::new(
            "memory reserved",
            look(1, Dash::Dashed, Marker::Triangle),
            f.series(run, "memory_reserved_fraction", 1.0)?,
        ),
    ];
    Some(Figure {
        name: "capacity".into(),
        title: format!("{}: EC2 capacity over time", run.scenario),
        caption: "Instances billed (and, for pools with managed scaling, the group's desired, launching and registered counts), and the share of registered CPU and memory that tasks reserve.".into(),
        body: f.chart(
            vec![
                panel("instances", Format::Count, counts, 220),
                panel("reserved share", Format::Percent, reserved, 180),
            ],
            Vec::new(),
        ),
    })
}

/// Service auto scaling and managed cluster scaling signals; left out without either.
pub fn autoscaling(run: &RunOutputs) -> Option<Figure> {
    let demand_services = run.series.prefixes("demand");
    let pools = run.series.prefixes("reservation");
    if demand_services.is_empty() && pools.is_empty() {
        return None;
    }
    let f = frame(run);
    let mut panels = Vec::new();
    if !demand_services.is_empty() {
        let mut demand = Vec::new();
        let mut util = Vec::new();
        for (i, s) in demand_services.iter().enumerate() {
            if let Some(p) = f.series(run, &format!("{s}.demand"), 1.0 / 1024.0) {
                demand.push(Line::new(format!("{s} demand"), Look::nth(i), p));
            }
            let color = Look::nth(i + 1).color;
            if let Some(p) = f.series(run, &format!("{s}.cpu_utilization"), 0.01) {
                util.push(Line::new(
                    format!("{s} CPU utilization"),
                    look(color, Dash::Solid, Marker::Triangle),
                    p,
                ));
            }
            let column = format!("{s}.cpu_utilization");
            if let Some(t) = target(run, &column) {
                util.push(f.level(
                    format!("{s} target"),
                    look(6, Dash::Dashed, Marker::None),
                    t,
                ));
            }
            if let Some(t) = target(run, &format!("{column}.scale_in")) {
                util.push(f.level(
                    format!("{s} scales in below"),
                    look(6, Dash::Dotted, Marker::None),
                    t,
                ));
            }
        }
        panels.push(panel("demand (vCPU)", Format::Plain, demand, 180));
        panels.push(panel("CPU utilization", Format::Percent, util, 180));
    }
    if !pools.is_empty() {
        let mut lines = Vec::new();
        for (i, p) in pools.iter().enumerate() {
            let color = Look::nth(i + 2).color;
            if let Some(pts) = f.series(run, &format!("{p}.reservation"), 0.01) {
                lines.push(Line::new(
                    format!("{p} CapacityProviderReservation"),
                    look(color, Dash::Solid, Marker::Square),
                    pts,
                ));
            }
            if let Some(t) = target(run, &format!("{p}.reservation")) {
                lines.push(f.level(
                    format!("{p} target capacity"),
                    look(6, Dash::Dashed, Marker::None),
                    t,
                ));
            }
        }
        panels.push(panel("provider reservation", Format::Percent, lines, 180));
    }
    Some(Figure {
        name: "autoscaling".into(),
        title: format!("{}: autoscaling signals", run.scenario),
        caption: "What the scaling policies watch: offered demand, the average CPU utilization of running tasks against its target tracking target (black, dashed) and the level it scales in below (black, dotted), and each managed pool's CapacityProviderReservation against its target capacity (black, dashed), which managed scaling steers it to.".into(),
        body: f.chart(panels, Vec::new()),
    })
}

/// Predictive scaling: each forecast hour's load against the load that came, and the
/// tasks forecast against the desired count; left out without a predictive policy.
pub fn forecast(run: &RunOutputs) -> Option<Figure> {
    let services = run.series.prefixes("forecast_load");
    if services.is_empty() {
        return None;
    }
    let f = frame(run);
    let mut load = Vec::new();
    let mut tasks = Vec::new();
    for (i, s) in services.iter().enumerate() {
        let color = Look::nth(i).color;
        if let Some(p) = f.series(run, &format!("{s}.demand"), 1.0 / 1024.0) {
            load.push(Line::new(
                format!("{s} load"),
                look(color, Dash::Solid, Marker::None),
                p,
            ));
        }
        if let Some(p) = f.series(run, &format!("{s}.forecast_load"), 1.0 / 1024.0) {
            load.push(Line::new(
                format!("{s} forecast"),
                look(Look::nth(i + 1).color, Dash::Dashed, Marker::None),
                p,
            ));
        }
        if let Some(p) = f.series(run, &format!("{s}.desired"), 1.0) {
            tasks.push(Line::new(
                format!("{s} desired"),
                look(color, Dash::Solid, Marker::None),
                p,
            ));
        }
        if let Some(p) = f.series(run, &format!("{s}.forecast_tasks"), 1.0) {
            tasks.push(Line::new(
                format!("{s} forecast tasks"),
                look(Look::nth(i + 1).color, Dash::Dashed, Marker::None),
                p,
            ));
        }
    }
    Some(Figure {
        name: "forecast".into(),
        title: format!("{}: predictive forecast against actual load", run.scenario),
        caption: "Each hour's forecast load (dashed; from the latest forecast, none in the first 24 h) beside the load that came, in vCPU (a memory pair's forecast is in GiB), and the tasks the forecast asks for beside the desired count. Where the desired count stands above the forecast, another policy (or a scale-in not yet made) holds it there; a forecast below the load is capacity target tracking must make up.".into(),
        body: f.chart(
            vec![
                panel("load (vCPU)", Format::Plain, load, 180),
                panel("tasks", Format::Count, tasks, 180),
            ],
            Vec::new(),
        ),
    })
}

/// Cumulative cost by launch type (Fargate split by capacity provider) and the cost rate.
pub fn cost(run: &RunOutputs) -> Option<Figure> {
    let f = frame(run);
    let total = run.series.column("cost_usd")?;
    let times = run.series.time_s();
    if total.iter().all(|c| *c == 0.0) {
        return None;
    }
    // Fargate cost accrues over each task's billed span, spread evenly from placement (or
    // warm-up) to stop (or the end) as the outputs reader sums it per provider.
    let providers = &run.tasks.fargate_spend;
    let pts = |ys: &[f64]| -> Vec<(f64, f64)> {
        downsample(
            &times
                .iter()
                .zip(ys)
                .map(|(t, y)| (t / f.unit, *y))
                .collect::<Vec<_>>(),
            POINTS,
        )
    };
    let mut lines = vec![Line::new(
        "total",
        look(6, Dash::Solid, Marker::None),
        pts(total),
    )];
    let fargate_sum: Vec<f64> = (0..times.len())
        .map(|i| providers.iter().map(|p| p.1[i]).sum())
        .collect();
    let ec2: Vec<f64> = total
        .iter()
        .zip(&fargate_sum)
        .map(|(t, fg)| (t - fg).max(0.0))
        .collect();
    if ec2.iter().any(|c| *c > 1e-9) && !providers.is_empty() {
        lines.push(Line::new(
            "EC2",
            look(0, Dash::Dashed, Marker::Circle),
            pts(&ec2),
        ));
    }
    let mut by_name: Vec<&(u32, Vec<f64>)> = providers.iter().collect();
    by_name.sort_by(|a, b| run.name(a.0).cmp(run.name(b.0)));
    for (i, (p, acc)) in by_name.into_iter().enumerate() {
        let name = match run.name(*p) {
            "" => "Fargate".to_string(),
            n => format!("Fargate via {n}"),
        };
        lines.push(Line::new(
            name,
            look([1, 2, 4, 5][i % 4], Dash::Dotted, Look::nth(i + 2).marker),
            pts(acc),
        ));
    }
    // Rate: the change in total cost per hour, over spans of about 1/100 of the run.
    let span = ((times.len() / 100).max(1)).min(times.len().saturating_sub(1).max(1));
    let rate: Vec<(f64, f64)> = (span..times.len())
        .step_by(span)
        .map(|i| {
            let dt = (times[i] - times[i - span]) / 3600.0;
            let mid = (times[i] + times[i - span]) / 2.0 / f.unit;
            (
                mid,
                if dt > 0.0 {
                    (total[i] - total[i - span]) / dt
                } else {
                    0.0
                },
            )
        })
        .collect();
    let mut caption = "Cumulative cost from the end of the warm-up, by launch type (EC2 is the total less Fargate; a Fargate task's cost is spread evenly over its run)".to_string();
    // With commitments the hourly bill replaces the rate: the same spend, split by what
    // paid for it.
    let second = match commitments::hourly_spend(run) {
        Some(hours) => {
            lines[0].label = "total without commitments".into();
            lines.insert(
                1,
                Line::new(
                    "total with commitments",
                    look(2, Dash::Solid, Marker::Square),
                    commitments::cumulative_effective(&hours, f.unit),
                ),
            );
            caption.push_str(", with and without the commitments. ");
            caption.push_str(&commitments::spend_caption(&hours));
            commitments::spend_panel(&hours, f.unit)
        }
        None => {
            caption.push_str(", and the rate of spend in dollars per hour.");
            if commitments::hours_missing(run) {
                caption.push_str(" The hourly bill with commitments is not charted: timeseries.csv reports the last closed hour at each sample, and these samples are more than an hour apart (set sample_interval to 1h or less).");
            }
            let rate_line = vec![Line::new(
                "cost rate, all",
                look(0, Dash::Solid, Marker::None),
                rate,
            )];
            panel("cost rate ($/h)", Format::Dollars, rate_line, 150)
        }
    };
    let first = panel("cumulative cost", Format::Dollars, lines, 220);
    Some(Figure {
        name: "cost".into(),
        title: format!("{}: cost", run.scenario),
        caption,
        body: f.chart(vec![first, second], Vec::new()),
    })
}

/// Cumulative cost stacked by service and job (what their tasks held: SCAD's split cost,
/// Fargate bills), with what no task held (idle capacity, instance-hours without a task)
/// as the top band, up to the run's total.
pub fn cost_by_service(run: &RunOutputs) -> Option<Figure> {
    use crate::outputs::OTHER_ORIGINS;
    let f = frame(run);
    let total = run.series.column("cost_usd")?;
    let origins = &run.tasks.origin_spend;
    if origins.is_empty() || total.iter().all(|c| *c == 0.0) {
        return None;
    }
    let times = run.series.time_s();
    let pts = |ys: &[f64]| -> Vec<(f64, f64)> {
        downsample(
            &times
                .iter()
                .zip(ys)
                .map(|(t, y)| (t / f.unit, *y))
                .collect::<Vec<_>>(),
            POINTS,
        )
    };
    let mut by_name: Vec<&(u32, Vec<f64>)> = origins.iter().collect();
    // Named services and jobs alphabetically, the shared band of the rest last.
    by_name.sort_by_key(|(o, _)| {
        (
            *o == OTHER_ORIGINS,
            if *o == OTHER_ORIGINS {
                ""
            } else {
                run.name(*o)
            },
        )
    });
    let mut lines: Vec<Line> = by_name
        .iter()
        .enumerate()
        .map(|(i, (o, acc))| {
            let label = if *o == OTHER_ORIGINS {
                "other services and jobs".to_string()
            } else {
                run.name(*o).to_string()
            };
            Line::band(
                label,
                look(Look::nth(i).color, Dash::Solid, Marker::None),
                pts(acc),
            )
        })
        .collect();
    let unused: Vec<f64> = (0..times.len())
        .map(|i| {
            let split: f64 = origins.iter().map(|(_, acc)| acc[i]).sum();
            (total[i] - split).max(0.0)
        })
        .collect();
    lines.push(Line::band(
        "unused: capacity no task held",
        look(7, Dash::Solid, Marker::None),
        pts(&unused),
    ));
    let top = total.iter().copied().fold(0.0, f64::max);
    let mut caption = "Cumulative cost from the end of the warm-up, stacked by service and job: what their tasks held (on EC2 each instance-hour split by AWS's split cost allocation, on Fargate each task's bill, spread evenly over its run), then what no task held (idle CPU and memory, instance-hours without a task) up to the total. summary.json's cost_usd.by_origin shares that unused band out among them.".to_string();
    if run
        .series
        .column("commitments.effective_cost_usd")
        .is_some()
    {
        caption.push_str(" With commitments, tasks are charged at the hour's effective rate while the total is On-Demand: the top band also holds what the commitments saved.");
    }
    if origins.iter().any(|(o, _)| *o == OTHER_ORIGINS) {
        caption.push_str(&format!(
            " The first {} services and jobs with a cost have a band each; the rest share one.",
            crate::outputs::COST_BANDS
        ));
    }
    let panel = Panel {
        y_label: "cumulative cost".into(),
        y_min: 0.0,
        y_max: (top * 1.1).max(1e-6),
        format: Format::Dollars,
        lines,
        height: 260,
    };
    Some(Figure {
        name: "cost-by-service".into(),
        title: format!("{}: cost by service", run.scenario),
        caption,
        body: f.chart(vec![panel], Vec::new()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_hold_until_the_next_one() {
        // 6 running at 0 and 1 h, 4 at 2 h: flat to 2 h, then straight down at 2 h.
        let pts = hold_between_samples(&[(0.0, 6.0), (1.0, 6.0), (2.0, 4.0), (3.0, 4.0)]);
        assert_eq!(
            pts,
            vec![(0.0, 6.0), (1.0, 6.0), (2.0, 6.0), (2.0, 4.0), (3.0, 4.0)]
        );
    }
}
