//! Demand curves: how much CPU work a service is asked to do over time, in CPU units
//! (1024 = one vCPU busy), and the per-task utilization that follows.
//!
//! Demand is work offered, not work served: with too few tasks, per-task utilization goes
//! above 100%, which is how ECS reports it too (CPU units are shares, so a task may burst
//! past its reservation; reference §9.1 and §5 "can exceed 100%"). The simulation counts
//! the time spent above 100% as overload.

use crate::time::{SimDuration, SimTime};
use thiserror::Error;

const DAY_MS: f64 = 86_400_000.0;

/// One burst of extra demand on top of a spike curve's base.
#[derive(Clone, Debug, PartialEq)]
pub struct Spike {
    /// When the spike begins.
    pub start: SimTime,
    /// How long it lasts.
    pub duration: SimDuration,
    /// CPU units added while the spike lasts.
    pub extra: f64,
}

#[derive(Clone, Debug, PartialEq)]
/// CPU work offered to a service over time, in CPU units (1024 = one vCPU kept busy); never
/// negative.
pub enum DemandCurve {
    /// The same demand throughout.
    Constant(f64),
    /// Piecewise constant: each `(t, value)` holds from `t` until the next step. Before the
    /// first step demand is zero (a service that has not been switched on yet); points are
    /// sorted by time. A CSV series parses into this variant.
    Steps(Vec<(SimTime, f64)>),
    /// `mean × (1 + amplitude × cos(2π (t − peak) / 24 h))`, the same shape as the daily
    /// arrival cycle in `workload`, clamped at zero if `amplitude` exceeds 1.
    DailyCycle {
        /// The day's average demand, CPU units.
        mean: f64,
        /// How far the cycle swings around `mean`, as a fraction of it (0.5: ±50%).
        amplitude: f64,
        /// Time of day of the highest demand, from midnight of simulated day zero.
        peak: SimDuration,
    },
    /// `base` plus the `extra` of every spike covering `t` (overlapping spikes add up);
    /// a spike covers `[start, start + duration)`.
    Spikes {
        /// Demand outside every spike, CPU units.
        base: f64,
        /// The bursts on top of `base`, in any order.
        spikes: Vec<Spike>,
    },
}

#[derive(Clone, Debug, PartialEq, Error)]
/// Why a demand CSV could not be read.
pub enum DemandError {
    /// A row that is not a `seconds,cpu_units` pair of numbers.
    #[error("demand CSV line {line}: {message}")]
    Csv {
        /// The row's line in the file, from 1.
        line: usize,
        /// What is wrong with it, in the user's words.
        message: String,
    },
    #[error("demand CSV has no data rows; write one `seconds,cpu_units` pair per line")]
    /// The file holds no `seconds,cpu_units` row.
    Empty,
}

impl DemandCurve {
    /// Demand in CPU units at `t` (never negative).
    pub fn at(&self, t: SimTime) -> f64 {
        let value = match self {
            DemandCurve::Constant(v) => *v,
            DemandCurve::Steps(points) => {
                // Index of the first step after t; the one before it is in force.
                let after = points.partition_point(|(at, _)| *at <= t);
                if after == 0 { 0.0 } else { points[after - 1].1 }
            }
            DemandCurve::DailyCycle {
                mean,
                amplitude,
                peak,
            } => {
                let phase = 2.0 * std::f64::consts::PI * (t.0 as f64 - peak.0 as f64) / DAY_MS;
                mean * (1.0 + amplitude * phase.cos())
            }
            DemandCurve::Spikes { base, spikes } => {
                base + spikes
                    .iter()
                    .filter(|s| s.start <= t && t < s.start + s.duration)
                    .map(|s| s.extra)
                    .sum::<f64>()
            }
        };
        value.max(0.0)
    }

    /// The first instant strictly after `t` at which a piecewise-constant curve changes
    /// value, so the simulation can schedule an event there instead of polling. `None` for
    /// a curve that never changes again, and for the daily cycle, which changes
    /// continuously and is sampled at the scaling tick instead.
    pub fn next_change_after(&self, t: SimTime) -> Option<SimTime> {
        match self {
            DemandCurve::Constant(_) | DemandCurve::DailyCycle { .. } => None,
            DemandCurve::Steps(points) => {
                let after = points.partition_point(|(at, _)| *at <= t);
                points.get(after).map(|(at, _)| *at)
            }
            DemandCurve::Spikes { spikes, .. } => spikes
                .iter()
                .flat_map(|s| [s.start, s.start + s.duration])
                .filter(|edge| *edge > t)
                .min(),
        }
    }

    /// The curve's exact time average over `[from, to)` (its value at `from` for an empty
    /// span): the hourly load a predictive forecast is made of and judged against. Steps
    /// and spikes integrate piece by piece; the daily cycle through its sine, except when
    /// an amplitude above 1 clamps troughs at zero, where a one-second midpoint sum stands
    /// in (exact for every other curve, within float rounding).
    pub fn mean_over(&self, from: SimTime, to: SimTime) -> f64 {
        if to <= from {
            return self.at(from);
        }
        let span = (to.0 - from.0) as f64;
        let overlap = |a: SimTime, b: SimTime| -> f64 {
            let lo = a.max(from);
            let hi = b.min(to);
            if hi > lo { (hi.0 - lo.0) as f64 } else { 0.0 }
        };
        match self {
            DemandCurve::Constant(v) => v.max(0.0),
            DemandCurve::Steps(points) => {
                let mut area = 0.0;
                for (k, (at, value)) in points.iter().enumerate() {
                    let until = points.get(k + 1).map_or(SimTime(u64::MAX), |p| p.0);
                    area += value.max(0.0) * overlap(*at, until);
                }
                area / span
            }
            DemandCurve::Spikes { base, spikes } => {
                let extra: f64 = spikes
                    .iter()
                    .map(|s| s.extra * overlap(s.start, s.start + s.duration))
                    .sum();
                (base + extra / span).max(0.0)
            }
            DemandCurve::DailyCycle {
                mean,
                amplitude,
                peak,
            } if *amplitude <= 1.0 => {
                let omega = 2.0 * std::f64::consts::PI / DAY_MS;
                let phase = |t: SimTime| omega * (t.0 as f64 - peak.0 as f64);
                let cos_integral = (phase(to).sin() - phase(from).sin()) / omega;
                mean * (1.0 + amplitude * cos_integral / span)
            }
            DemandCurve::DailyCycle { .. } => {
                let steps = (to.0 - from.0).div_ceil(1000);
                let mut area = 0.0;
                for k in 0..steps {
                    let a = from.0 + k * 1000;
                    let b = (a + 1000).min(to.0);
                    area += self.at(SimTime(a + (b - a) / 2)) * (b - a) as f64;
                }
                area / span
            }
        }
    }

    /// Parses `seconds,cpu_units` rows into a step curve. Blank lines and lines starting
    /// with `#` are skipped; a first row whose time is not a number is taken as a header.
    /// Times must strictly increase and values be finite and non-negative. Errors name the
    /// 1-based line.
    pub fn from_csv(text: &str) -> Result<DemandCurve, DemandError> {
        let mut points: Vec<(SimTime, f64)> = Vec::new();
        let mut seen_row = false;
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let row = raw.trim();
            if row.is_empty() || row.starts_with('#') {
                continue;
            }
            let err = |message: String| DemandError::Csv { line, message };
            let fields: Vec<&str> = row.split(',').map(str::trim).collect();
            if fields.len() != 2 {
                return Err(err(format!(
                    "expected 2 fields `seconds,cpu_units`, found {}",
                    fields.len()
                )));
            }
            let first_row = !seen_row;
            seen_row = true;
            let secs: Option<f64> = fields[0].parse().ok();
            if secs.is_none() && first_row {
                continue; // a header row
            }
            let secs = secs.unwrap_or(f64::NAN);
            if !secs.is_finite() || secs < 0.0 {
                return Err(err(format!(
                    "time `{}` must be a non-negative number of seconds",
                    fields[0]
                )));
            }
            let value: f64 = fields[1].parse().map_err(|_| {
                err(format!(
                    "demand `{}` is not a number (CPU units, 1024 per vCPU)",
                    fields[1]
                ))
            })?;
            if !value.is_finite() || value < 0.0 {
                return Err(err(format!(
                    "demand `{}` must be finite and non-negative",
                    fields[1]
                )));
            }
            let at = SimTime::ZERO + SimDuration::from_secs_f64(secs);
            if let Some((prev, _)) = points.last() {
                if at <= *prev {
                    return Err(err(format!(
                        "time {secs} s does not come after the previous row's {} s; sort the rows by time",
                        prev.as_secs_f64()
                    )));
                }
            }
            points.push((at, value));
        }
        if points.is_empty() {
            return Err(DemandError::Empty);
        }
        Ok(DemandCurve::Steps(points))
    }
}

/// Average per-task CPU utilization in percent: demand over the CPU the running tasks
/// reserve. `None` when no task runs: ECS publishes no service CPU datapoint then, and the
/// alarms see missing data rather than infinity.
pub fn cpu_utilization(demand_cpu: f64, running: u32, task_cpu: u32) -> Option<f64> {
    let reserved = f64::from(running) * f64::from(task_cpu);
    if reserved <= 0.0 {
        return None;
    }
    Some(demand_cpu.max(0.0) / reserved * 100.0)
}

/// Whether a utilization is overload: above 100%, the tasks are asked for more than they
/// reserve.
pub fn is_overloaded(utilization_percent: f64) -> bool {
    utilization_percent > 100.0
}

/// Task-seconds of overload over a span of `dt` with constant demand and running count:
/// every running task is overloaded when the average is above 100% (demand is shared
/// evenly), so it is `running × dt` or nothing.
pub fn overload_task_seconds(demand_cpu: f64, running: u32, task_cpu: u32, dt: SimDuration) -> f64 {
    match cpu_utilization(demand_cpu, running, task_cpu) {
        Some(u) if is_overloaded(u) => f64::from(running) * dt.as_secs_f64(),
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> SimTime {
        SimTime(s * 1000)
    }

    #[test]
    fn steps_hold_until_the_next_point_and_start_at_zero() {
        let c = DemandCurve::Steps(vec![(secs(10), 512.0), (secs(20), 2048.0)]);
        assert_eq!(c.at(secs(0)), 0.0);
        assert_eq!(c.at(secs(10)), 512.0);
        assert_eq!(c.at(SimTime(19_999)), 512.0);
        assert_eq!(c.at(secs(20)), 2048.0);
        assert_eq!(c.at(secs(99_999)), 2048.0);
        assert_eq!(c.next_change_after(secs(0)), Some(secs(10)));
        assert_eq!(c.next_change_after(secs(10)), Some(secs(20)));
        assert_eq!(c.next_change_after(secs(20)), None);
    }

    #[test]
    fn daily_cycle_peaks_and_troughs_where_asked() {
        let c = DemandCurve::DailyCycle {
            mean: 1000.0,
            amplitude: 0.5,
            peak: SimDuration::from_secs(14 * 3600),
        };
        assert!((c.at(secs(14 * 3600)) - 1500.0).abs() < 1e-9);
        assert!((c.at(secs(2 * 3600)) - 500.0).abs() < 1e-9);
        // A quarter day from the peak the cosine is zero: the mean.
        assert!((c.at(secs(20 * 3600)) - 1000.0).abs() < 1e-9);
        let deep = DemandCurve::DailyCycle {
            mean: 1000.0,
            amplitude: 2.0,
            peak: SimDuration::ZERO,
        };
        assert_eq!(deep.at(secs(12 * 3600)), 0.0);
    }

    #[test]
    fn spikes_add_to_the_base_over_half_open_spans() {
        let c = DemandCurve::Spikes {
            base: 100.0,
            spikes: vec![
                Spike {
                    start: secs(60),
                    duration: SimDuration::from_secs(60),
                    extra: 400.0,
                },
                Spike {
                    start: secs(90),
                    duration: SimDuration::from_secs(60),
                    extra: 1000.0,
                },
            ],
        };
        assert_eq!(c.at(secs(59)), 100.0);
        assert_eq!(c.at(secs(60)), 500.0);
        assert_eq!(c.at(secs(90)), 1500.0);
        assert_eq!(c.at(secs(120)), 1100.0);
        assert_eq!(c.at(secs(150)), 100.0);
        assert_eq!(c.next_change_after(secs(60)), Some(secs(90)));
        assert_eq!(c.next_change_after(secs(130)), Some(secs(150)));
        assert_eq!(c.next_change_after(secs(150)), None);
    }

    #[test]
    fn means_over_a_span_integrate_each_curve() {
        // Steps: 0 for 10 s, 512 for 10 s, 2048 for 20 s over [0, 40): (5120 + 40960) / 40.
        let steps = DemandCurve::Steps(vec![(secs(10), 512.0), (secs(20), 2048.0)]);
        assert!((steps.mean_over(secs(0), secs(40)) - 1152.0).abs() < 1e-9);
        // Spikes: 100 + 400 × 30 s / 120 s over [90, 210).
        let spikes = DemandCurve::Spikes {
            base: 100.0,
            spikes: vec![Spike {
                start: secs(60),
                duration: SimDuration::from_secs(60),
                extra: 400.0,
            }],
        };
        assert!((spikes.mean_over(secs(90), secs(210)) - 200.0).abs() < 1e-9);
        // A whole day of a cycle is its mean; the six hours centred on the peak average
        // mean × (1 + a × sin(π/4) / (π/4)) = 1000 × (1 + 0.5 × 0.900316) = 1450.158.
        let cycle = DemandCurve::DailyCycle {
            mean: 1000.0,
            amplitude: 0.5,
            peak: SimDuration::from_secs(12 * 3600),
        };
        assert!((cycle.mean_over(secs(0), secs(86_400)) - 1000.0).abs() < 1e-6);
        let around_peak = cycle.mean_over(secs(9 * 3600), secs(15 * 3600));
        assert!((around_peak - 1450.158).abs() < 1e-3, "{around_peak}");
        // Clamped troughs: 1000 × max(0, 1 + 2 cos θ) is positive for |θ| ≤ 2π/3, so the
        // day's mean is 1000 × (4π/3 + 4 sin(2π/3)) / 2π = 1000 × 7.652891 / 6.283185
        // = 1217.996.
        let deep = DemandCurve::DailyCycle {
            mean: 1000.0,
            amplitude: 2.0,
            peak: SimDuration::ZERO,
        };
        let clamped = deep.mean_over(secs(0), secs(86_400));
        assert!((clamped - 1217.996).abs() < 1e-2, "{clamped}");
    }

    #[test]
    fn csv_parses_with_header_comments_and_fractional_seconds() {
        let text = "time_s,cpu\n# warm start\n0,256\n\n90.5, 1024\n";
        let c = DemandCurve::from_csv(text).unwrap();
        assert_eq!(
            c,
            DemandCurve::Steps(vec![(SimTime(0), 256.0), (SimTime(90_500), 1024.0)])
        );
    }

    #[test]
    fn csv_errors_name_the_line() {
        let cases = [
            ("0,1\n5,x\n", 2, "not a number"),
            ("0,1\n\n5\n", 3, "expected 2 fields"),
            ("0,1\n5,2\n5,3\n", 3, "does not come after"),
            ("0,-1\n", 1, "non-negative"),
            ("time,cpu\n-4,1\n", 2, "non-negative number of seconds"),
            ("0,1\nabc,2\n", 2, "non-negative number of seconds"),
        ];
        for (text, line, needle) in cases {
            match DemandCurve::from_csv(text) {
                Err(DemandError::Csv { line: l, message }) => {
                    assert_eq!(l, line, "{text:?}");
                    assert!(message.contains(needle), "{text:?}: {message}");
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
        assert_eq!(
            DemandCurve::from_csv("time,cpu\n# nothing\n"),
            Err(DemandError::Empty)
        );
    }

    #[test]
    fn utilization_and_overload_from_demand() {
        // 3 tasks of 512 units reserve 1536; 1024 of demand is 66.7%.
        let u = cpu_utilization(1024.0, 3, 512).unwrap();
        assert!((u - 200.0 / 3.0).abs() < 1e-9);
        assert!(!is_overloaded(u));
        // The reference's example: 2048 used of 512 reserved is 400%.
        assert_eq!(cpu_utilization(2048.0, 1, 512), Some(400.0));
        assert_eq!(cpu_utilization(2048.0, 0, 512), None);
        assert!(!is_overloaded(100.0));
        // 4 tasks overloaded for 30 s: 120 task-seconds; exactly 100% is not overload.
        let dt = SimDuration::from_secs(30);
        assert_eq!(overload_task_seconds(2560.0, 4, 512, dt), 120.0);
        assert_eq!(overload_task_seconds(2048.0, 4, 512, dt), 0.0);
        assert_eq!(overload_task_seconds(2048.0, 0, 512, dt), 0.0);
    }
}
