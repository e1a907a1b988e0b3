//! Commitments in charts: a run's spend hour by hour, split into the commitment fee (the
//! part used on covered usage and the part paid unused) and On-Demand spend; and, for
//! `compare --recommend-commitment`, each leg's bill against its hourly commitment.

use super::style::{Dash, Look, Marker};
use super::{Body, Figure, Format, Line, Panel, PanelChart, Scale, XAxis};
use crate::outputs::{CommitmentCurveView, RunOutputs};

const HOUR_S: f64 = 3600.0;

/// Hours drawn as they are up to this many; longer runs average consecutive hours.
const MAX_SPANS: usize = 720;

/// One clock hour of the measured window (clipped to it), in dollars.
#[derive(Clone, Debug, PartialEq)]
pub struct HourSpend {
    /// Where the hour starts, seconds since time zero (the warm-up's end for the first).
    pub start_s: f64,
    /// Where it ends, seconds since time zero (the horizon for the last).
    pub end_s: f64,
    /// Commitment fees paid this hour, used or not.
    pub fee: f64,
    /// The part of the fees covered usage consumed (at plan rates).
    pub used: f64,
    /// The covered usage at On-Demand rates: what the fees saved paying.
    pub covered_on_demand: f64,
    /// Usage no commitment covered, billed On-Demand (Spot at Spot rates).
    pub on_demand: f64,
    /// The whole hour without commitments: covered + On-Demand.
    pub without: f64,
}

impl HourSpend {
    /// What the hour cost with the commitments.
    pub fn effective(&self) -> f64 {
        self.fee + self.on_demand
    }
}

/// The run's cumulative cost (`cost_usd`) at `t`, linear between samples: the last sample
/// carries the closed bill, minimums included, so the hours add up to the summary.
fn cumulative_at(times: &[f64], cost: &[f64], t: f64) -> f64 {
    let i = times.partition_point(|&x| x < t);
    if i >= times.len() {
        return cost.last().copied().unwrap_or(0.0);
    }
    if i == 0 || times[i] == t {
        return cost[i];
    }
    let (t0, t1) = (times[i - 1], times[i]);
    cost[i - 1] + (cost[i] - cost[i - 1]) * (t - t0) / (t1 - t0)
}

/// Every clock hour of the measured window, in order, for a run with commitments. Each
/// `timeseries.csv` row carries the last closed hour's bill; the On-Demand part is the
/// run's own spend in that hour (from `cost_usd`, so Spot and Windows usage, which no
/// commitment covers, are in it) less the covered usage. `None` without commitment
/// columns, or when samples more than an hour apart skipped some hours.
pub fn hourly_spend(run: &RunOutputs) -> Option<Vec<HourSpend>> {
    reported_hours(run).filter(|h| h.len() == expected_hours(run))
}

/// Whether the run has commitments but samples too sparse to chart every hour.
pub fn hours_missing(run: &RunOutputs) -> bool {
    reported_hours(run).is_some_and(|h| h.len() < expected_hours(run))
}

fn reported_hours(run: &RunOutputs) -> Option<Vec<HourSpend>> {
    let col = |name: &str| run.series.column(&format!("commitments.{name}"));
    let (start, od, eff, fee, used) = (
        col("hour_start_s")?,
        col("on_demand_equivalent_usd")?,
        col("effective_cost_usd")?,
        col("committed_usd")?,
        col("used_usd")?,
    );
    let times = run.series.time_s();
    let cost = run.series.column("cost_usd")?;
    let (warmup, horizon) = (run.warmup_s(), run.horizon_s());
    let mut hours: Vec<HourSpend> = Vec::new();
    for i in 0..times.len() {
        if !start[i].is_finite() || hours.last().is_some_and(|h| h.start_s >= start[i]) {
            continue;
        }
        let (from, to) = (start[i].max(warmup), (start[i] + HOUR_S).min(horizon));
        let covered = od[i] - (eff[i] - fee[i]);
        // Nothing accrues before the window: no interpolation across its start.
        let before = if from <= warmup {
            0.0
        } else {
            cumulative_at(times, cost, from)
        };
        let spent = cumulative_at(times, cost, to) - before;
        hours.push(HourSpend {
            start_s: from,
            end_s: to,
            fee: fee[i],
            used: used[i],
            covered_on_demand: covered,
            on_demand: spent - covered,
            without: spent,
        });
    }
    (!hours.is_empty()).then_some(hours)
}

/// Clock hours in the measured window (the first and last may be partial).
fn expected_hours(run: &RunOutputs) -> usize {
    let first = (run.warmup_s() / HOUR_S).floor();
    let last = (run.horizon_s() / HOUR_S).ceil();
    (last - first).max(0.0) as usize
}

/// Steps over the hours (or groups of consecutive hours on long runs), in $ per hour.
fn steps(hours: &[HourSpend], unit: f64, value: impl Fn(&HourSpend) -> f64) -> Vec<(f64, f64)> {
    let group = hours.len().div_ceil(MAX_SPANS).max(1);
    let mut out = Vec::with_capacity(2 * hours.len().div_ceil(group));
    for chunk in hours.chunks(group) {
        let (from, to) = (chunk[0].start_s, chunk[chunk.len() - 1].end_s);
        let span_h = chunk.iter().map(|h| h.end_s - h.start_s).sum::<f64>() / HOUR_S;
        let dollars: f64 = chunk.iter().map(&value).sum();
        let rate = if span_h > 0.0 { dollars / span_h } else { 0.0 };
        out.push((from / unit, rate));
        out.push((to / unit, rate));
    }
    out
}

/// The hourly spend panel of the cost chart: the fee (used, then unused) and On-Demand
/// stacked to what each hour cost, and the same hour without commitments as a line.
pub fn spend_panel(hours: &[HourSpend], unit: f64) -> Panel {
    let look = |color, dash, marker| Look {
        color,
        dash,
        marker,
    };
    let bands = vec![
        Line::band(
            "commitment fee, used by covered usage",
            look(2, Dash::Solid, Marker::None),
            steps(hours, unit, |h| h.used),
        ),
        Line::band(
            "commitment fee, unused (paid anyway)",
            look(3, Dash::Solid, Marker::None),
            steps(hours, unit, |h| h.fee - h.used),
        ),
        Line::band(
            "On-Demand (usage not covered)",
            look(5, Dash::Solid, Marker::None),
            steps(hours, unit, |h| h.on_demand),
        ),
        Line::new(
            "the same hours without commitments",
            look(6, Dash::Dashed, Marker::None),
            steps(hours, unit, |h| h.without),
        ),
    ];
    let top = hours
        .iter()
        .map(|h| {
            let span = ((h.end_s - h.start_s) / HOUR_S).max(1e-9);
            h.effective().max(h.without) / span
        })
        .fold(0.0, f64::max);
    Panel {
        y_label: "spend ($/h)".into(),
        y_min: 0.0,
        y_max: if top > 0.0 { top * 1.12 } else { 1.0 },
        format: Format::Dollars,
        lines: bands,
        height: 220,
    }
}

/// What a reader needs to know about the hours drawn, for the cost chart's caption.
pub fn spend_caption(hours: &[HourSpend]) -> String {
    let mut text = "Below, each clock hour's spend with the commitments: the fee, split into the part covered usage used and the part paid unused, then the usage billed On-Demand; the dashed line is the same hour without commitments, so the gap between it and the bands is what the commitments saved (or, below it, lost).".to_string();
    if hours.len().div_ceil(MAX_SPANS) > 1 {
        text.push_str(&format!(
            " Each step averages {} consecutive hours.",
            hours.len().div_ceil(MAX_SPANS)
        ));
    }
    text
}

/// Cumulative spend with the commitments, at each hour's end, from the window's start.
pub fn cumulative_effective(hours: &[HourSpend], unit: f64) -> Vec<(f64, f64)> {
    let mut acc = 0.0;
    let mut out = Vec::with_capacity(hours.len() + 1);
    if let Some(h) = hours.first() {
        out.push((h.start_s / unit, 0.0));
    }
    for h in hours {
        acc += h.effective();
        out.push((h.end_s / unit, acc));
    }
    super::downsample(&out, 400)
}

/// `commitment-curve`: each leg's bill over the measured window against the hourly
/// Compute Savings Plan commitment, with the cheapest level and the break-even level (as
/// dear as no commitment) marked. Legs with nothing a plan could cover are left out.
pub fn curve(scenario: &str, recs: &[CommitmentCurveView]) -> Option<Figure> {
    // One recommendation per leg, in leg order: its index is the leg's colour on every
    // chart of the comparison.
    let shown: Vec<(usize, &CommitmentCurveView)> = recs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.curve.len() > 1)
        .collect();
    if shown.is_empty() {
        return None;
    }
    let mut lines = Vec::new();
    let (mut x_max, mut y_max): (f64, f64) = (0.0, 0.0);
    for (i, &(leg, r)) in shown.iter().enumerate() {
        let color = Look::nth(leg).color;
        let line_look = Look {
            color,
            dash: [Dash::Solid, Dash::Dashed, Dash::Dotted][i % 3],
            marker: Marker::None,
        };
        let pts: Vec<(f64, f64)> = r
            .curve
            .iter()
            .map(|p| (p.commitment_per_hour, p.effective_cost_usd))
            .collect();
        x_max = pts.iter().map(|p| p.0).fold(x_max, f64::max);
        y_max = pts.iter().map(|p| p.1).fold(y_max, f64::max);
        lines.push(Line::new(r.leg.clone(), line_look, pts));
        let b = &r.best;
        let mut best = Line::new(
            if b.commitment_per_hour > 0.0 {
                format!(
                    "{}: best ${:.4}/h, bill ${:.2} (${:.2} without)",
                    r.leg, b.commitment_per_hour, b.effective_cost_usd, r.cost_without_usd
                )
            } else {
                format!(
                    "{}: no commitment pays, bill ${:.2}",
                    r.leg, r.cost_without_usd
                )
            },
            Look {
                color,
                dash: Dash::Solid,
                marker: Marker::Circle,
            },
            vec![(b.commitment_per_hour, b.effective_cost_usd)],
        );
        best.points_only = true;
        lines.push(best);
        if let Some(level) = r.break_even_commitment_per_hour {
            let used = r.break_even_utilization.map_or(String::new(), |u| {
                format!("; pays off used ≥ {:.0}%", u * 100.0)
            });
            let mut even = Line::new(
                format!("{}: break-even ${level:.4}/h{used}", r.leg),
                Look {
                    color,
                    dash: Dash::Solid,
                    marker: Marker::Cross,
                },
                vec![(level, r.cost_without_usd)],
            );
            even.points_only = true;
            lines.push(even);
        }
    }
    Some(Figure {
        name: "commitment-curve".into(),
        title: format!("{scenario}: bill against the hourly commitment"),
        caption: "Each leg's bill for the measured window with a Compute Savings Plan (1 year, no upfront) of the hourly commitment on the x axis, evaluated on the leg's simulated hourly usage. The dot is the cheapest commitment; the cross the break-even commitment, which costs as much as none at all: above it the plan loses money. Legs with no usage a plan can cover (Spot) are left out.".into(),
        body: Body::Panels(PanelChart {
            x: XAxis {
                label: "commitment ($ per hour)".into(),
                min: 0.0,
                max: if x_max > 0.0 { x_max } else { 1.0 },
                scale: Scale::Linear,
            },
            panels: vec![Panel {
                y_label: "bill for the window ($)".into(),
                y_min: 0.0,
                y_max: if y_max > 0.0 { y_max * 1.1 } else { 1.0 },
                format: Format::Dollars,
                lines,
                height: 340,
            }],
            shade: None,
            events: Vec::new(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::{CurvePointView, TimeSeries};

    /// Two hours sampled every half hour. Hour 0: $1.00 of usage, $0.70 of it covered by a
    /// $0.40 fee fully used. Hour 1: $1.00 metered, a $0.40 fee of which $0.30 is used
    /// covering $0.50; the run's cost also jumps $0.20 at the horizon (a minimum charge no
    /// commitment covers).
    fn two_hours() -> RunOutputs {
        let nan = f64::NAN;
        let columns = [
            "time_s",
            "cost_usd",
            "commitments.hour_start_s",
            "commitments.on_demand_equivalent_usd",
            "commitments.effective_cost_usd",
            "commitments.committed_usd",
            "commitments.used_usd",
        ];
        let values = vec![
            vec![0.0, 1800.0, 3600.0, 5400.0, 7200.0],
            vec![0.0, 0.5, 1.0, 1.5, 2.2],
            vec![nan, nan, 0.0, 0.0, 3600.0],
            vec![nan, nan, 1.0, 1.0, 1.0],
            vec![nan, nan, 0.7, 0.7, 0.9],
            vec![nan, nan, 0.4, 0.4, 0.4],
            vec![nan, nan, 0.4, 0.4, 0.3],
        ];
        RunOutputs {
            scenario: "t".into(),
            seed: None,
            summary: serde_json::json!({ "warmup_s": 0.0, "sim_time_s": 7200.0 }),
            series: TimeSeries {
                columns: columns.iter().map(|c| c.to_string()).collect(),
                values,
            },
            tasks: Box::default(),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn hours_split_the_runs_spend_into_fee_and_on_demand() {
        let hours = hourly_spend(&two_hours()).unwrap();
        assert_eq!(hours.len(), 2);
        // Hour 0: covered 1.0 − (0.7 − 0.4) = 0.7; spent 1.0; On-Demand 0.3.
        let h = &hours[0];
        assert!(close(h.covered_on_demand, 0.7) && close(h.without, 1.0));
        assert!(close(h.on_demand, 0.3) && close(h.effective(), 0.7));
        // Hour 1: covered 1.0 − 0.5 = 0.5; spent 2.2 − 1.0 = 1.2; On-Demand 0.7, the
        // minimum charge included.
        let h = &hours[1];
        assert!(close(h.covered_on_demand, 0.5) && close(h.without, 1.2));
        assert!(close(h.on_demand, 0.7) && close(h.effective(), 1.1));
        // Whole window: fees 0.8 + the run's 2.2 − covered 1.2 = 1.8.
        let total: f64 = hours.iter().map(HourSpend::effective).sum();
        assert!(close(total, 1.8));
    }

    #[test]
    fn the_bands_stack_to_each_hours_bill() {
        let hours = hourly_spend(&two_hours()).unwrap();
        let panel = spend_panel(&hours, 3600.0);
        let bands: Vec<&Line> = panel.lines.iter().filter(|l| l.stacked).collect();
        assert_eq!(bands.len(), 3);
        // Steps: two points per hour, at its start and end, in hours.
        assert_eq!(
            bands[0].points,
            vec![(0.0, 0.4), (1.0, 0.4), (1.0, 0.3), (2.0, 0.3)]
        );
        for (k, h) in hours.iter().enumerate() {
            let stacked: f64 = bands.iter().map(|b| b.points[2 * k].1).sum();
            assert!(close(stacked, h.effective()), "hour {k}: {stacked}");
        }
        // The dashed line is the hour without commitments; the axis clears both.
        let without = panel.lines.iter().find(|l| !l.stacked).unwrap();
        assert!(close(without.points[2].1, 1.2));
        assert!(panel.y_max >= 1.2);
    }

    #[test]
    fn a_skipped_hour_leaves_the_hourly_bill_out() {
        // Samples two hours apart: only the second hour is reported.
        let mut run = two_hours();
        for column in &mut run.series.values {
            column.drain(1..4);
        }
        assert!(hourly_spend(&run).is_none());
        assert!(hours_missing(&run));
        assert!(!hours_missing(&two_hours()));
    }

    #[test]
    fn nothing_is_interpolated_across_the_warm_up() {
        // Warm-up 1 h, samples every 45 min: the window's first hour starts between
        // samples, but nothing accrued before it, so the hour spent the whole $1.
        let mut run = two_hours();
        run.summary = serde_json::json!({ "warmup_s": 3600.0, "sim_time_s": 3600.0 });
        run.series.values = vec![
            vec![0.0, 2700.0, 5400.0, 7200.0],
            vec![0.0, 0.0, 0.5, 1.0],
            vec![f64::NAN, f64::NAN, f64::NAN, 3600.0],
            vec![f64::NAN, f64::NAN, f64::NAN, 1.0],
            vec![f64::NAN, f64::NAN, f64::NAN, 0.7],
            vec![f64::NAN, f64::NAN, f64::NAN, 0.4],
            vec![f64::NAN, f64::NAN, f64::NAN, 0.4],
        ];
        let hours = hourly_spend(&run).unwrap();
        assert_eq!(hours.len(), 1);
        assert!(close(hours[0].without, 1.0) && close(hours[0].on_demand, 0.3));
    }

    #[test]
    fn interpolates_the_cumulative_cost_between_samples() {
        let times = [0.0, 100.0, 300.0];
        let cost = [0.0, 1.0, 2.0];
        assert!(close(cumulative_at(&times, &cost, 50.0), 0.5));
        assert!(close(cumulative_at(&times, &cost, 200.0), 1.5));
        assert!(close(cumulative_at(&times, &cost, 100.0), 1.0));
        // Past the last sample: the closed bill.
        assert!(close(cumulative_at(&times, &cost, 400.0), 2.0));
    }

    #[test]
    fn long_runs_average_hours_in_dollars_per_hour() {
        let hour = |i: usize, v: f64| HourSpend {
            start_s: i as f64 * HOUR_S,
            end_s: (i + 1) as f64 * HOUR_S,
            fee: v,
            used: v,
            covered_on_demand: 0.0,
            on_demand: 0.0,
            without: 0.0,
        };
        // 1,440 hours alternating $1 and $3: groups of two average $2/h.
        let hours: Vec<HourSpend> = (0..1440)
            .map(|i| hour(i, if i % 2 == 0 { 1.0 } else { 3.0 }))
            .collect();
        let pts = steps(&hours, HOUR_S, |h| h.fee);
        assert_eq!(pts.len(), 2 * 720);
        assert!(pts.iter().all(|p| close(p.1, 2.0)));
    }

    fn view(leg: &str, levels: &[(f64, f64)], break_even: Option<f64>) -> CommitmentCurveView {
        let curve: Vec<CurvePointView> = levels
            .iter()
            .map(|&(l, c)| CurvePointView {
                commitment_per_hour: l,
                effective_cost_usd: c,
            })
            .collect();
        CommitmentCurveView {
            leg: leg.into(),
            cost_without_usd: curve[0].effective_cost_usd,
            best: curve
                .iter()
                .min_by(|a, b| a.effective_cost_usd.total_cmp(&b.effective_cost_usd))
                .cloned()
                .unwrap(),
            break_even_utilization: break_even.map(|_| 0.71),
            break_even_commitment_per_hour: break_even,
            curve,
        }
    }

    #[test]
    fn the_curve_marks_the_best_and_break_even_levels_and_skips_spot_legs() {
        let recs = [
            view(
                "scenario",
                &[(0.0, 6.912), (0.20448, 4.90752), (0.3, 7.2)],
                Some(0.288),
            ),
            view("ec2-spot", &[(0.0, 2.0736)], None),
        ];
        let fig = curve("s", &recs).unwrap();
        let Body::Panels(p) = &fig.body else {
            panic!("a panel chart")
        };
        let lines = &p.panels[0].lines;
        assert!(lines.iter().all(|l| l.label.starts_with("scenario")));
        let best = lines.iter().find(|l| l.label.contains("best")).unwrap();
        assert_eq!(best.points, vec![(0.20448, 4.90752)]);
        let even = lines
            .iter()
            .find(|l| l.label.contains("break-even"))
            .unwrap();
        assert_eq!(even.points, vec![(0.288, 6.912)]);
        assert!(even.label.contains("71%"));
        assert!(curve("s", &recs[1..]).is_none());
    }
}
