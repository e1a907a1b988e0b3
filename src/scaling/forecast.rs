//! Forecasters for predictive scaling: hourly load history in, hourly load forecasts out.
//!
//! AWS does not publish the model behind `PredictiveScaling` (it is machine learning over
//! up to 14 days of the load metric), so the forecaster is pluggable: anything
//! implementing [`Forecaster`] can be put on a policy. Two ship:
//! - [`Seasonal`], the default, INFERRED: each hour forecast as a weighted mix of the same
//!   hour one day and one week earlier, the two seasons AWS's documentation says the model
//!   looks for ("daily and weekly patterns");
//! - [`Oracle`], which reads the demand curve ahead and so forecasts every hour exactly:
//!   the upper bound of what any forecast could buy, which no real forecaster reaches.
//!
//! Load is the service's total demand in the resource's units (CPU units, or MiB for
//! memory): what `ECSServiceTotalCPUUtilization` sums, since demand is work offered and a
//! task's utilization may pass 100% (see [`super::demand`]). An hour's load is the exact
//! time average of the demand curve over it ([`DemandCurve::mean_over`]).

use super::demand::DemandCurve;
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;
use std::fmt::Debug;

/// One forecast interval: AWS forecasts hour by hour.
pub const HOUR: SimDuration = SimDuration(3_600_000);
/// Hours each forecast covers ("the next 48 hours").
pub const FORECAST_HOURS: usize = 48;
/// Hours of history used at most ("up to 14 days").
pub const HISTORY_HOURS_USED: usize = 14 * 24;
/// Hours of history needed before the first forecast ("at least 24 hours").
pub const HISTORY_HOURS_NEEDED: u64 = 24;
/// Time between forecasts ("refreshed every 6 hours").
pub const REFRESH: SimDuration = SimDuration(6 * 3_600_000);

/// The hourly load observed so far, the last [`HISTORY_HOURS_USED`] hours kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HourlyHistory {
    /// The hour index (hours since time zero) of `loads[0]`.
    first_hour: u64,
    loads: VecDeque<f64>,
}

impl HourlyHistory {
    /// An empty history starting at hour 0.
    pub fn new() -> Self {
        HourlyHistory::default()
    }

    /// Records hour `hour`'s load. Hours come in order, one each: `hour` is
    /// [`HourlyHistory::end_hour`]; a gap (a service switched on late) restarts the history.
    pub fn push(&mut self, hour: u64, load: f64) {
        if hour != self.end_hour() {
            self.loads.clear();
            self.first_hour = hour;
        }
        if self.loads.len() == HISTORY_HOURS_USED {
            self.loads.pop_front();
            self.first_hour += 1;
        }
        self.loads.push_back(load);
    }

    /// The first hour not yet observed.
    pub fn end_hour(&self) -> u64 {
        self.first_hour + self.loads.len() as u64
    }

    /// Hours of history held (at most [`HISTORY_HOURS_USED`]).
    pub fn len(&self) -> usize {
        self.loads.len()
    }

    /// Whether no hour has been observed.
    pub fn is_empty(&self) -> bool {
        self.loads.is_empty()
    }

    /// Hour `hour`'s load, if it is held.
    pub fn get(&self, hour: u64) -> Option<f64> {
        let k = hour.checked_sub(self.first_hour)?;
        self.loads.get(usize::try_from(k).ok()?).copied()
    }
}

/// What a forecaster is given.
#[derive(Clone, Copy, Debug)]
pub struct ForecastInput<'a> {
    /// The first hour to forecast (hours since time zero); the forecast is made at its start.
    pub first_hour: u64,
    /// How many hours to forecast ([`FORECAST_HOURS`]).
    pub hours: usize,
    /// The hours observed before `first_hour`.
    pub history: &'a HourlyHistory,
    /// The scenario's demand curve for the load metric, the whole run of it: only an
    /// oracle may read past `first_hour`.
    pub curve: &'a DemandCurve,
}

/// A forecasting model: fills `out` with one load per hour from `input.first_hour`.
pub trait Forecaster: Debug + Send + Sync {
    /// The name the scenario file uses and the trace shows.
    fn name(&self) -> &str;
    /// How it forecasts, in a few words, for the trace.
    fn describe(&self) -> String;
    /// Writes `input.hours` hourly loads into `out` (cleared first).
    fn forecast(&self, input: &ForecastInput<'_>, out: &mut Vec<f64>);
}

/// The default forecaster (INFERRED): hour H is `(1 − week_weight) × L(day) + week_weight
/// × L(H − 168)`, where L(day) is the latest observed same hour of the day (H − 24 k for
/// the smallest k ≥ 1 already observed: H − 24 for the next day, H − 48 for the day
/// after) and the week term is used only when that hour is still held; without it, the
/// day term alone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seasonal {
    /// The weight of the same hour one week earlier, 0 to 1 (default 0.5).
    pub week_weight: f64,
}

impl Default for Seasonal {
    fn default() -> Self {
        Seasonal { week_weight: 0.5 }
    }
}

impl Forecaster for Seasonal {
    fn name(&self) -> &str {
        "seasonal"
    }

    fn describe(&self) -> String {
        format!(
            "seasonal (INFERRED: {:.0}% the same hour a day earlier, {:.0}% a week earlier)",
            (1.0 - self.week_weight) * 100.0,
            self.week_weight * 100.0
        )
    }

    fn forecast(&self, input: &ForecastInput<'_>, out: &mut Vec<f64>) {
        out.clear();
        let history = input.history;
        let end = history.end_hour();
        for h in input.first_hour..input.first_hour + input.hours as u64 {
            // The latest same hour of the day already observed.
            let days_back = if h >= end { (h - end) / 24 + 1 } else { 1 };
            let day = h.checked_sub(24 * days_back).and_then(|d| history.get(d));
            let week = h.checked_sub(168).and_then(|w| history.get(w));
            let value = match (day, week) {
                (Some(d), Some(w)) => (1.0 - self.week_weight) * d + self.week_weight * w,
                (Some(d), None) => d,
                (None, Some(w)) => w,
                (None, None) => 0.0,
            };
            out.push(value);
        }
    }
}

/// Reads the demand curve ahead: each hour's exact average load.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Oracle;

impl Forecaster for Oracle {
    fn name(&self) -> &str {
        "oracle"
    }

    fn describe(&self) -> String {
        "oracle (reads the demand curve ahead: exact)".to_string()
    }

    fn forecast(&self, input: &ForecastInput<'_>, out: &mut Vec<f64>) {
        out.clear();
        for h in input.first_hour..input.first_hour + input.hours as u64 {
            out.push(hour_load(input.curve, h));
        }
    }
}

/// Hour `hour`'s load: the curve's exact average over it.
pub fn hour_load(curve: &DemandCurve, hour: u64) -> f64 {
    let start = SimTime::ZERO + SimDuration(HOUR.0.saturating_mul(hour));
    curve.mean_over(start, start + HOUR)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A day of 24 hourly steps: hour h of every day has load 100 × (h + 1), repeated for
    /// `days` days.
    fn daily_steps(days: u64) -> DemandCurve {
        let mut points = Vec::new();
        for d in 0..days {
            for h in 0..24u64 {
                let t = SimTime::ZERO + SimDuration::from_secs((d * 24 + h) * 3600);
                points.push((t, 100.0 * (h + 1) as f64));
            }
        }
        DemandCurve::Steps(points)
    }

    fn history_of(curve: &DemandCurve, hours: u64) -> HourlyHistory {
        let mut h = HourlyHistory::new();
        for k in 0..hours {
            h.push(k, hour_load(curve, k));
        }
        h
    }

    #[test]
    fn history_keeps_fourteen_days_and_restarts_on_a_gap() {
        let mut h = HourlyHistory::new();
        for k in 0..400 {
            h.push(k, k as f64);
        }
        // 400 hours pushed, 336 kept: hours 64..400.
        assert_eq!(h.len(), 336);
        assert_eq!(h.get(63), None);
        assert_eq!(h.get(64), Some(64.0));
        assert_eq!(h.end_hour(), 400);
        h.push(410, 1.0);
        assert_eq!((h.len(), h.get(399), h.get(410)), (1, None, Some(1.0)));
    }

    #[test]
    fn seasonal_forecasts_a_daily_repeat_exactly_from_day_two() {
        // Hand-worked: made at hour 24 from one day of history, hour 24 + j is hour j's
        // load 100 × (j % 24 + 1) (for j ≥ 24 the latest same hour is two days back);
        // no week-old hour exists yet, so the day term alone.
        let curve = daily_steps(5);
        let history = history_of(&curve, 24);
        let mut out = Vec::new();
        Seasonal::default().forecast(
            &ForecastInput {
                first_hour: 24,
                hours: FORECAST_HOURS,
                history: &history,
                curve: &curve,
            },
            &mut out,
        );
        assert_eq!(out.len(), 48);
        for (j, v) in out.iter().enumerate() {
            assert_eq!(*v, 100.0 * ((j % 24) + 1) as f64, "hour {}", 24 + j);
        }
    }

    #[test]
    fn seasonal_mixes_the_day_and_the_week() {
        // Steps: 1000 for the first week, 2000 after (hour 168 on). At hour 192 (day 8)
        // the history holds hours 0..192: L(H − 24) = L(168 + j) = 2000, L(H − 168) =
        // L(24 + j) = 1000, so with week_weight 0.25: 0.75 × 2000 + 0.25 × 1000 = 1750.
        let curve = DemandCurve::Steps(vec![
            (SimTime::ZERO, 1000.0),
            (SimTime::ZERO + SimDuration::from_secs(168 * 3600), 2000.0),
        ]);
        let history = history_of(&curve, 192);
        let mut out = Vec::new();
        Seasonal { week_weight: 0.25 }.forecast(
            &ForecastInput {
                first_hour: 192,
                hours: 3,
                history: &history,
                curve: &curve,
            },
            &mut out,
        );
        assert_eq!(out, vec![1750.0; 3]);
    }

    #[test]
    fn the_oracle_forecasts_any_curve_exactly() {
        // A spike of 3600 units over [10:30, 10:45) adds 3600 × 900 / 3600 = 900 to hour
        // 10's average on a base of 100: 1000; hours 9 and 11 are the base.
        let curve = DemandCurve::Spikes {
            base: 100.0,
            spikes: vec![super::super::demand::Spike {
                start: SimTime::ZERO + SimDuration::from_secs(10 * 3600 + 1800),
                duration: SimDuration::from_secs(900),
                extra: 3600.0,
            }],
        };
        let mut out = Vec::new();
        Oracle.forecast(
            &ForecastInput {
                first_hour: 9,
                hours: 3,
                history: &HourlyHistory::new(),
                curve: &curve,
            },
            &mut out,
        );
        assert_eq!(out, vec![100.0, 1000.0, 100.0]);
    }
}
