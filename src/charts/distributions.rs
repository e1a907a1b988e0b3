//! How long tasks waited: the pending-time CDF and restart latency by cause, both step
//! ECDFs of `tasks.csv`'s per-task times.

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
        lines.push(Line::steps(
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
            lines.push(Line::steps(run.name(*o).to_string(), look, cdf(xs, log)));
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

/// Restarts per cause at or below which each one is also drawn as a dot: with so few, the
/// reader should see every restart, not only the curve through them.
const DOTS_UP_TO: usize = 30;

/// The dots of a small sample's ECDF: each distinct value at the share of restarts at or
/// below it (the top of its step).
fn dots(steps: &[(f64, f64)]) -> Vec<(f64, f64)> {
    steps.chunks(2).map(|pair| pair[pair.len() - 1]).collect()
}

fn restarts(run: &RunOutputs) -> Option<Figure> {
    let restarts = &run.tasks.restarts;
    if restarts.is_empty() {
        return None;
    }
    let mut causes: Vec<u32> = restarts.iter().map(|r| r.cause).collect();
    causes.sort_by(|a, b| run.name(*a).cmp(run.name(*b)));
    causes.dedup();
    let max = restarts.iter().map(|r| r.latency_s).fold(0.0, f64::max);
    let min_pos = restarts
        .iter()
        .map(|r| r.latency_s)
        .filter(|x| *x > 0.0)
        .fold(f64::INFINITY, f64::min);
    let x = axis(max, min_pos);
    let log = x.scale == Scale::Log10;
    let mut lines = Vec::new();
    let mut counts = Vec::new();
    let mut any_dots = false;
    for (i, cause) in causes.iter().enumerate() {
        let xs: Vec<f64> = restarts
            .iter()
            .filter(|r| r.cause == *cause)
            .map(|r| r.latency_s)
            .collect();
        let label = run.name(*cause).replace('_', " ");
        counts.push(format!("{label} {}", xs.len()));
        let n = xs.len();
        let mut look = Look::nth(i);
        look.marker = Marker::None;
        let steps = cdf(xs, log);
        if n <= DOTS_UP_TO {
            any_dots = true;
            let mut points = Line::new(label.clone(), Look::nth(i), dots(&steps));
            points.look.marker = if points.look.marker == Marker::None {
                Marker::Circle
            } else {
                points.look.marker
            };
            points.points_only = true;
            lines.push(Line::steps(label, look, steps));
            lines.push(points);
        } else {
            lines.push(Line::steps(label, look, steps));
        }
    }
    let mut note = if log {
        " Restarts under 0.1 s are drawn at 0.1 s.".to_string()
    } else {
        String::new()
    };
    if restarts.thinned() {
        note.push_str(&format!(
            " Drawn from an even sample of {} of the {} restarts.",
            restarts.len(),
            restarts.seen()
        ));
    }
    Some(Figure {
        name: "restart-latency".into(),
        title: format!("{}: restart latency by cause", run.scenario),
        caption: format!(
            "From a service task's unexpected stop (or Spot notice) to its replacement RUNNING, one step per restart from tasks.csv's restart_latency_s: the share of restarts of each cause done within x seconds ({}){}. Losses still unrestored at the end are not here.{note}",
            counts.join(", "),
            if any_dots {
                "; where a cause has few restarts, a dot marks each latency seen"
            } else {
                ""
            }
        ),
        body: Body::Panels(PanelChart {
            x,
            panels: vec![Panel {
                y_label: "share of restarts".into(),
                y_min: 0.0,
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

    /// Issue 37: four restarts of 1, 2, 2 and 5 s. Joining the summary's quantiles drew
    /// 50% at 2 s; the ECDF says 3 of 4 (75%) were done within 2 s, and a dot sits at the
    /// top of each step: 1/4 at 1 s, 3/4 at 2 s, 4/4 at 5 s.
    #[test]
    fn restart_dots_sit_on_the_top_of_each_step() {
        let steps = cdf(vec![1.0, 2.0, 2.0, 5.0], false);
        assert_eq!(dots(&steps), vec![(1.0, 0.25), (2.0, 0.75), (5.0, 1.0)]);
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
