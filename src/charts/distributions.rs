//! How long tasks waited: the pending-time CDF from `tasks.csv`, and restart latency by
//! cause from the summary's percentiles.

use super::style::{Dash, Look, Marker};
use super::{Body, Figure, Format, Line, Panel, PanelChart, Scale, XAxis};
use crate::outputs::RunOutputs;

/// Waits below this draw at it on the log axis (a zero has no logarithm).
const FLOOR_S: f64 = 0.1;
const MAX_ORIGINS: usize = 6;

/// Pending-time CDF of tasks created after the warm-up, overall and per service or job
/// stream (up to six), plus restart latency by cause when the run had restarts.
pub fn waits(run: &RunOutputs) -> Vec<Figure> {
    let mut out = Vec::new();
    out.extend(pending(run));
    out.extend(restarts(run));
    out
}

/// The empirical CDF as the step function it is: flat between observed values, rising by
/// the share of tasks at each one (a line joining ranks would slope where many tasks share
/// one wait). At most `MAX_STEPS` steps, at evenly spaced ranks and always the last, so a
/// thinned curve never rises before its data does.
fn cdf(mut xs: Vec<f64>, log: bool) -> Vec<(f64, f64)> {
    const MAX_STEPS: usize = 400;
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let at = |v: f64| if log { v.max(FLOOR_S).log10() } else { v };
    // (x drawn, tasks at or below it) per distinct drawn x.
    let mut steps: Vec<(f64, usize)> = Vec::new();
    for (i, v) in xs.iter().enumerate() {
        let x = at(*v);
        match steps.last_mut() {
            Some(last) if last.0 == x => last.1 = i + 1,
            _ => steps.push((x, i + 1)),
        }
    }
    let stride = steps.len().div_ceil(MAX_STEPS).max(1);
    let last = steps.len() - 1;
    let mut pts = Vec::with_capacity(2 * MAX_STEPS + 2);
    let mut below = 0.0;
    for (k, (x, count)) in steps.into_iter().enumerate() {
        if k % stride != stride - 1 && k != last {
            continue;
        }
        let y = count as f64 / n as f64;
        pts.push((x, below));
        pts.push((x, y));
        below = y;
    }
    pts
}

fn axis(max: f64, min_positive: f64) -> XAxis {
    let log = max / min_positive.max(FLOOR_S) > 100.0;
    if log {
        XAxis {
            label: "seconds (log scale)".into(),
            min: FLOOR_S.log10().floor(),
            max: max.max(1.0).log10().ceil(),
            scale: Scale::Log10,
        }
    } else {
        XAxis {
            label: "seconds".into(),
            min: 0.0,
            max: (max * 1.05).max(1.0),
            scale: Scale::Linear,
        }
    }
}

fn pending(run: &RunOutputs) -> Option<Figure> {
    let waits = &run.tasks.waits;
    if waits.seen() < 2 {
        return None;
    }
    let all: Vec<f64> = waits.iter().map(|w| w.pending_s).collect();
    let x = axis(run.tasks.wait_max, run.tasks.wait_min_positive);
    let log = x.scale == Scale::Log10;
    let mut origins: Vec<u32> = waits.iter().map(|w| w.origin).collect();
    origins.sort_by(|a, b| run.name(*a).cmp(run.name(*b)));
    origins.dedup();
    let mut lines = Vec::new();
    if origins.len() > 1 {
        lines.push(Line::new(
            "all tasks",
            Look {
                color: 6,
                dash: Dash::Solid,
                marker: Marker::None,
            },
            cdf(all, log),
        ));
    }
    if origins.len() <= MAX_ORIGINS {
        for (i, o) in origins.iter().enumerate() {
            let xs: Vec<f64> = waits
                .iter()
                .filter(|w| w.origin == *o)
                .map(|w| w.pending_s)
                .collect();
            if xs.is_empty() {
                continue;
            }
            let mut look = Look::nth(i);
            look.dash = if i % 2 == 0 {
                Dash::Dashed
            } else {
                Dash::Dotted
            };
            lines.push(Line::new(run.name(*o).to_string(), look, cdf(xs, log)));
        }
    }
    let mut note = if log {
        " Waits under 0.1 s are drawn at 0.1 s.".to_string()
    } else {
        String::new()
    };
    if waits.thinned() {
        note.push_str(&format!(
            " Drawn from an even sample of {} of the {} tasks.",
            waits.len(),
            waits.seen()
        ));
    }
    Some(Figure {
        name: "pending-time".into(),
        title: format!("{}: pending time (created to RUNNING)", run.scenario),
        caption: format!(
            "Share of tasks created after the warm-up that reached RUNNING within x seconds, as steps: each rise is the tasks that waited exactly that long. Read a percentile across at its height (p95 at 95%).{note}"
        ),
        body: Body::Panels(PanelChart {
            x,
            panels: vec![Panel {
                y_label: "share of tasks".into(),
                y_min: 0.0,
                y_max: 1.0,
                format: Format::Percent,
                lines,
                height: 300,
            }],
            shade: None,
            events: Vec::new(),
        }),
    })
}

fn restarts(run: &RunOutputs) -> Option<Figure> {
    if run.figure("/restart_latency_s/count").unwrap_or(0.0) < 1.0 {
        return None;
    }
    let by_cause = run
        .summary
        .pointer("/restart_latency_s/by_cause")
        .and_then(|v| v.as_object())?;
    let quantiles = [("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0)];
    let mut causes: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for (cause, stats) in by_cause {
        if stats.get("count").and_then(|c| c.as_f64()).unwrap_or(0.0) < 1.0 {
            continue;
        }
        let pts: Vec<(f64, f64)> = quantiles
            .iter()
            .filter_map(|(k, q)| Some((stats.get(*k)?.as_f64()?, *q)))
            .collect();
        causes.push((cause.replace('_', " "), pts));
    }
    if causes.is_empty() {
        return None;
    }
    let max = causes
        .iter()
        .flat_map(|c| c.1.iter().map(|p| p.0))
        .fold(0.0, f64::max);
    let min_pos = causes
        .iter()
        .flat_map(|c| c.1.iter().map(|p| p.0))
        .filter(|x| *x > 0.0)
        .fold(f64::INFINITY, f64::min);
    let x = axis(max, min_pos);
    let log = x.scale == Scale::Log10;
    let lines = causes
        .into_iter()
        .enumerate()
        .map(|(i, (cause, pts))| {
            let mut look = Look::nth(i);
            if look.marker == Marker::None {
                look.marker = Marker::Circle;
            }
            let pts = pts
                .into_iter()
                .map(|(x, q)| (if log { x.max(FLOOR_S).log10() } else { x }, q))
                .collect();
            // Four percentiles say nothing of the curve between them: joined by lines they
            // would claim restarts that never happened (or hide ones that did), so they
            // stand as points.
            let mut line = Line::new(cause, look, pts);
            line.points_only = true;
            line
        })
        .collect();
    Some(Figure {
        name: "restart-latency".into(),
        title: format!("{}: restart latency by cause", run.scenario),
        caption: "From a service task's unexpected stop (or Spot notice) to its replacement RUNNING, per cause: the summary's p50, p95, p99 and maximum as points (the curve between them is not known from the summary). Losses still unrestored at the end are not in these latencies.".into(),
        body: Body::Panels(PanelChart {
            x,
            panels: vec![Panel {
                y_label: "share of restarts".into(),
                y_min: 0.4,
                y_max: 1.0,
                format: Format::Percent,
                lines,
                height: 280,
            }],
            shade: None,
            events: Vec::new(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cdf_is_a_step_function_of_the_data() {
        // Waits 1, 2, 2, 5: F rises by 1/4 at 1, by 2/4 at 2 and by 1/4 at 5, flat between.
        let pts = cdf(vec![5.0, 2.0, 1.0, 2.0], false);
        assert_eq!(
            pts,
            vec![
                (1.0, 0.0),
                (1.0, 0.25),
                (2.0, 0.25),
                (2.0, 0.75),
                (5.0, 0.75),
                (5.0, 1.0)
            ]
        );
    }

    #[test]
    fn a_thinned_cdf_keeps_its_last_step_and_never_rises_early() {
        // 1,000 distinct waits 1..=1000 s: at most 400 steps, ending at (1000, 1).
        let pts = cdf((1..=1000).map(f64::from).collect(), false);
        assert!(pts.len() <= 2 * 400 + 2);
        assert_eq!(pts.last(), Some(&(1000.0, 1.0)));
        // Every drawn height is at most the true share of waits at or below its x.
        for (x, y) in &pts {
            assert!(*y <= x / 1000.0 + 1e-12, "({x}, {y})");
        }
    }
}
