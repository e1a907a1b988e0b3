//! CloudWatch-like metrics: one-minute (or 20-second) datapoints and M-of-N alarms.
//!
//! ECS sends service utilization to CloudWatch once a minute, each datapoint aggregating
//! many samples, so spikes shorter than a minute are smoothed away (reference §5); a
//! service may be set to publish CPU and memory every 20 s instead, for target tracking
//! on the `...HighResolution` metrics (ecs-current §3.4). Scaling policies never see raw
//! samples: they see these datapoints through alarms.

use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

/// The CloudWatch period ECS metrics use.
pub const MINUTE: SimDuration = SimDuration(60_000);

/// The period of ECS's high-resolution service metrics.
pub const HIGH_RESOLUTION: SimDuration = SimDuration(20_000);

/// Datapoints kept per series: one day, far more than the longest alarm window (15).
const KEEP: usize = 1440;

/// How the samples within a minute become its datapoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregation {
    /// The plain mean of the values observed in the minute (per-second samples, or
    /// whatever the caller reports); a minute with none is missing.
    Samples,
    /// The signal is piecewise constant and each observation is a new level from that
    /// instant on (event-driven: the sim reports only changes). The datapoint is the time
    /// average over the part of the minute that had a level; a minute with no level at all
    /// (`None` throughout, e.g. no running task) is missing.
    TimeWeighted,
}

/// One period's datapoint: covers `[minute × period, (minute + 1) × period)` (the period
/// is a minute unless the series was made [`MinuteSeries::with_period`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Datapoint {
    /// The period's number, counted from time zero.
    pub minute: u64,
    /// The period's aggregate; `None` when nothing was measured in it (a missing datapoint).
    pub value: Option<f64>,
}

/// A metric's stream of one-minute datapoints.
#[derive(Clone, Debug)]
pub struct MinuteSeries {
    mode: Aggregation,
    /// The datapoint period, ms.
    period_ms: u64,
    /// The minute now accumulating.
    minute: u64,
    sum: f64,
    count: u32,
    /// TimeWeighted: the level in force and since when.
    level: Option<f64>,
    level_since_ms: u64,
    area: f64,
    covered_ms: u64,
    closed: VecDeque<Datapoint>,
}

impl MinuteSeries {
    /// A series of one-minute datapoints aggregated by `mode`.
    pub fn new(mode: Aggregation) -> Self {
        MinuteSeries::with_period(mode, MINUTE)
    }

    /// A series of datapoints every `period` (e.g. [`HIGH_RESOLUTION`]) instead of every
    /// minute.
    pub fn with_period(mode: Aggregation, period: SimDuration) -> Self {
        MinuteSeries {
            mode,
            period_ms: period.0.max(1),
            minute: 0,
            sum: 0.0,
            count: 0,
            level: None,
            level_since_ms: 0,
            area: 0.0,
            covered_ms: 0,
            closed: VecDeque::new(),
        }
    }

    /// Records a sample (Samples) or a new level (TimeWeighted) at `t`; `None` is "no
    /// data" (ignored as a sample; as a level, it stops the time average accumulating).
    /// Observations must come in time order; one at an earlier minute than the last closed
    /// one is counted in the current minute.
    pub fn observe(&mut self, t: SimTime, value: Option<f64>) {
        self.close_through(t);
        match self.mode {
            Aggregation::Samples => {
                if let Some(v) = value {
                    self.sum += v;
                    self.count += 1;
                }
            }
            Aggregation::TimeWeighted => {
                self.accumulate_to(t.0);
                self.level = value;
            }
        }
    }

    /// Closes every minute that has ended by `t` (end ≤ t), appending its datapoint.
    pub fn close_through(&mut self, t: SimTime) {
        let period = self.period_ms;
        while (self.minute + 1).saturating_mul(period) <= t.0 {
            let end = (self.minute + 1) * period;
            let value = match self.mode {
                Aggregation::Samples => (self.count > 0).then(|| self.sum / f64::from(self.count)),
                Aggregation::TimeWeighted => {
                    self.accumulate_to(end);
                    (self.covered_ms > 0).then(|| self.area / self.covered_ms as f64)
                }
            };
            if self.closed.len() == KEEP {
                self.closed.pop_front();
            }
            self.closed.push_back(Datapoint {
                minute: self.minute,
                value,
            });
            self.minute += 1;
            self.sum = 0.0;
            self.count = 0;
            self.area = 0.0;
            self.covered_ms = 0;
            self.level_since_ms = self.level_since_ms.max(end);
        }
    }

    /// The values of the last `n` closed datapoints, oldest first (fewer if fewer exist).
    pub fn recent(&self, n: usize) -> Vec<Option<f64>> {
        let skip = self.closed.len().saturating_sub(n);
        self.closed.iter().skip(skip).map(|d| d.value).collect()
    }

    /// The most recent closed datapoint.
    pub fn latest(&self) -> Option<Datapoint> {
        self.closed.back().copied()
    }

    fn accumulate_to(&mut self, now_ms: u64) {
        if now_ms > self.level_since_ms {
            if let Some(level) = self.level {
                let span = now_ms - self.level_since_ms;
                self.area += level * span as f64;
                self.covered_ms += span;
            }
            self.level_since_ms = now_ms;
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// How an alarm compares a datapoint with its threshold (CloudWatch's `ComparisonOperator`).
pub enum Comparison {
    /// Breaches above the threshold.
    GreaterThan,
    /// Breaches at or above the threshold.
    GreaterThanOrEqual,
    /// Breaches below the threshold.
    LessThan,
    /// Breaches at or below the threshold.
    LessThanOrEqual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// An alarm's state after an evaluation, as CloudWatch names it.
pub enum AlarmState {
    /// Fewer than M of the last N datapoints breach.
    Ok,
    /// At least M of the last N datapoints breach: the policy acts.
    Alarm,
    /// Too few datapoints yet, or all of the window missing: policies do nothing.
    InsufficientData,
}

/// A CloudWatch alarm: ALARM when at least `datapoints_to_alarm` (M) of the last
/// `evaluation_periods` (N) one-minute datapoints breach the threshold. With M = N, as
/// every alarm ECS and Application Auto Scaling create, that is N consecutive breaches.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Alarm {
    /// How a datapoint is compared with `threshold`.
    pub comparison: Comparison,
    /// The value a datapoint breaches, in the metric's unit (percent for utilization).
    pub threshold: f64,
    /// M: breaching datapoints needed, 1 to `evaluation_periods`.
    pub datapoints_to_alarm: u32,
    /// N: the latest datapoints looked at, at least 1.
    pub evaluation_periods: u32,
}

impl Alarm {
    /// Whether one datapoint breaches the threshold.
    pub fn breaches(&self, value: f64) -> bool {
        match self.comparison {
            Comparison::GreaterThan => value > self.threshold,
            Comparison::GreaterThanOrEqual => value >= self.threshold,
            Comparison::LessThan => value < self.threshold,
            Comparison::LessThanOrEqual => value <= self.threshold,
        }
    }

    /// Evaluates the alarm on datapoints, oldest first (only the last N matter). Missing
    /// datapoints neither breach nor clear (CloudWatch's default `missing` treatment): the
    /// state is InsufficientData while fewer than N minutes exist or all N are missing,
    /// ALARM when M of the N breach, OK otherwise.
    pub fn evaluate(&self, datapoints: &[Option<f64>]) -> AlarmState {
        let n = self.evaluation_periods.max(1) as usize;
        if datapoints.len() < n {
            return AlarmState::InsufficientData;
        }
        let window = &datapoints[datapoints.len() - n..];
        if window.iter().all(Option::is_none) {
            return AlarmState::InsufficientData;
        }
        let breaching = window
            .iter()
            .flatten()
            .filter(|v| self.breaches(**v))
            .count();
        if breaching >= self.datapoints_to_alarm.max(1) as usize {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SimTime {
        SimTime(secs * 1000)
    }

    #[test]
    fn samples_average_within_each_minute_and_empty_minutes_are_missing() {
        let mut s = MinuteSeries::new(Aggregation::Samples);
        s.observe(at(0), Some(10.0));
        s.observe(at(30), Some(20.0));
        s.observe(at(59), Some(60.0));
        s.observe(at(60), Some(5.0)); // closes minute 0: (10 + 20 + 60) / 3
        s.observe(at(70), None);
        s.close_through(at(180));
        assert_eq!(s.recent(10), vec![Some(30.0), Some(5.0), None]);
        assert_eq!(s.recent(2), vec![Some(5.0), None]);
        assert_eq!(
            s.latest(),
            Some(Datapoint {
                minute: 2,
                value: None
            })
        );
    }

    #[test]
    fn time_weighted_levels_carry_across_minutes() {
        let mut s = MinuteSeries::new(Aggregation::TimeWeighted);
        s.observe(at(0), Some(40.0));
        s.observe(at(45), Some(80.0)); // 40 for 45 s, 80 for 15 s → 50
        s.close_through(at(120)); // minute 1 is all 80
        s.observe(at(150), None); // 80 for 30 s, then no data → 80
        s.close_through(at(240)); // minute 3 has no level at all
        s.observe(at(250), Some(20.0));
        s.close_through(at(300));
        assert_eq!(
            s.recent(5),
            vec![Some(50.0), Some(80.0), Some(80.0), None, Some(20.0)]
        );
    }

    #[test]
    fn a_minute_closes_exactly_at_its_end() {
        let mut s = MinuteSeries::new(Aggregation::Samples);
        s.observe(at(0), Some(1.0));
        s.close_through(SimTime(59_999));
        assert!(s.recent(1).is_empty());
        s.close_through(at(60));
        assert_eq!(s.recent(1), vec![Some(1.0)]);
    }

    #[test]
    fn twenty_second_series_close_three_datapoints_a_minute() {
        let mut s = MinuteSeries::with_period(Aggregation::TimeWeighted, HIGH_RESOLUTION);
        s.observe(at(0), Some(40.0));
        s.observe(at(30), Some(100.0)); // [20, 40): 40 for 10 s, 100 for 10 s → 70
        s.close_through(at(60));
        assert_eq!(s.recent(5), vec![Some(40.0), Some(70.0), Some(100.0)]);
    }

    #[test]
    fn alarm_needs_m_of_the_last_n() {
        let high = Alarm {
            comparison: Comparison::GreaterThan,
            threshold: 50.0,
            datapoints_to_alarm: 3,
            evaluation_periods: 3,
        };
        assert_eq!(
            high.evaluate(&[Some(60.0), Some(70.0)]),
            AlarmState::InsufficientData
        );
        assert_eq!(
            high.evaluate(&[Some(10.0), Some(60.0), Some(70.0), Some(51.0)]),
            AlarmState::Alarm
        );
        // Exactly at the threshold does not breach GreaterThan.
        assert_eq!(
            high.evaluate(&[Some(60.0), Some(50.0), Some(70.0)]),
            AlarmState::Ok
        );
        assert_eq!(
            high.evaluate(&[Some(60.0), None, Some(70.0)]),
            AlarmState::Ok
        );
        assert_eq!(
            high.evaluate(&[None, None, None]),
            AlarmState::InsufficientData
        );
        let two_of_three = Alarm {
            datapoints_to_alarm: 2,
            ..high
        };
        assert_eq!(
            two_of_three.evaluate(&[Some(60.0), None, Some(70.0)]),
            AlarmState::Alarm
        );
    }
}
