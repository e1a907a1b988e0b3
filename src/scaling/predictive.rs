//! Predictive scaling (Application Auto Scaling's `PredictiveScaling` policy): forecast
//! the load hour by hour and raise the desired count ahead of it.
//!
//! What is documented (`ecs-current.md` §3): one metric specification with a target
//! value; `Mode` ForecastOnly (the default: forecasts are made and shown, nothing scales)
//! or ForecastAndScale; no forecast before 24 h of history, at most 14 days used; hourly
//! forecasts for the next 48 h, refreshed every 6 h; in ForecastAndScale the desired
//! count is set at each hour's start to that hour's forecast, `SchedulingBufferTime`
//! (default 300 s, below 3600) earlier; predictive scaling alone never scales in; with
//! several policies desired is the maximum of what each wants; `HonorMaxCapacity`
//! (default) caps the forecast at the maximum, `IncreaseMaxCapacity` raises the maximum
//! to the forecast plus `MaxCapacityBuffer` percent, and the raised maximum stays.
//!
//! What is INFERRED (settings, defaults stated where they are made):
//! - capacity from a forecast: `ceil(forecast load ÷ (per-task size × target ÷ 100))`,
//!   the convention EC2 Auto Scaling documents, as [`PredictiveScalingPolicy::tasks_for`];
//! - the forecasting model ([`super::forecast`]);
//! - refreshes fall on hour boundaries: the first at the first hour with 24 h of history,
//!   then every 6 h; each covers the 48 hours from its own hour.

use super::Proposal;
use super::forecast::{FORECAST_HOURS, Forecaster, HISTORY_HOURS_NEEDED, HOUR, REFRESH, Seasonal};
use crate::time::{SimDuration, SimTime};
use std::sync::Arc;

/// `Mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PredictiveMode {
    /// Forecasts are made (and written out) but never change the desired count.
    ForecastOnly,
    /// Forecasts set the desired count ahead of each hour.
    ForecastAndScale,
}

/// `MaxCapacityBreachBehavior`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaxCapacityBreach {
    /// A forecast above the maximum is capped at it.
    HonorMaxCapacity,
    /// A forecast above the maximum raises the maximum to the forecast plus
    /// `buffer_percent` of it (`MaxCapacityBuffer`, 0–100), for good.
    IncreaseMaxCapacity {
        /// Percent of the forecast capacity added above it.
        buffer_percent: u32,
    },
}

/// The resource of the metric pair: `ECSServiceCPUUtilization` (load
/// `ECSServiceTotalCPUUtilization`, scaling `ECSServiceAverageCPUUtilization`) or the
/// memory pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadResource {
    /// CPU: load in CPU units, tasks sized by their CPU.
    Cpu,
    /// Memory: load in MiB, tasks sized by their memory.
    Memory,
}

/// A predictive scaling policy on a service.
#[derive(Clone, Debug)]
pub struct PredictiveScalingPolicy {
    /// The metric pair's resource.
    pub resource: LoadResource,
    /// `TargetValue`: the scaling metric's target, percent of what a task reserves.
    pub target: f64,
    /// `Mode`.
    pub mode: PredictiveMode,
    /// `SchedulingBufferTime`: how long before each hour its capacity is set.
    pub scheduling_buffer: SimDuration,
    /// `MaxCapacityBreachBehavior` with its buffer.
    pub max_capacity_breach: MaxCapacityBreach,
    /// The model that makes the forecasts.
    pub forecaster: Arc<dyn Forecaster>,
}

/// A forecast: hourly loads and the tasks each needs, from `first_hour` on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Forecast {
    /// When it was made (the start of `first_hour`).
    pub made_at: SimTime,
    /// Its first hour, in hours since time zero.
    pub first_hour: u64,
    /// Load per hour, in the resource's units.
    pub loads: Vec<f64>,
    /// Tasks per hour at the target, before the service's bounds.
    pub tasks: Vec<u32>,
}

impl Forecast {
    /// Hour `hour`'s (load, tasks), if the forecast covers it.
    pub fn hour(&self, hour: u64) -> Option<(f64, u32)> {
        let k = usize::try_from(hour.checked_sub(self.first_hour)?).ok()?;
        Some((*self.loads.get(k)?, *self.tasks.get(k)?))
    }
}

/// A forecast capacity within the service's bounds: the count the policy wants and the
/// maximum from now on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounded {
    /// The desired count the policy asks for.
    pub wanted: u32,
    /// The service's maximum after this action (raised under IncreaseMaxCapacity).
    pub max: u32,
}

impl PredictiveScalingPolicy {
    /// A policy with AWS's defaults: ForecastOnly, a 300 s buffer, HonorMaxCapacity; the
    /// [`Seasonal`] forecaster (INFERRED).
    pub fn new(resource: LoadResource, target: f64) -> Self {
        PredictiveScalingPolicy {
            resource,
            target,
            mode: PredictiveMode::ForecastOnly,
            scheduling_buffer: SimDuration::from_secs(300),
            max_capacity_breach: MaxCapacityBreach::HonorMaxCapacity,
            forecaster: Arc::new(Seasonal::default()),
        }
    }

    /// Tasks of `per_task` units each needed for `load` at the target (INFERRED:
    /// `ceil(load ÷ (per_task × target ÷ 100))`). The tiny slack keeps float noise
    /// (12.000000001) from adding a task.
    pub fn tasks_for(&self, load: f64, per_task: u32) -> u32 {
        let per_task_at_target = f64::from(per_task) * self.target / 100.0;
        if per_task_at_target <= 0.0 || load <= 0.0 {
            return 0;
        }
        let n = (load / per_task_at_target - 1e-9).ceil();
        if n >= f64::from(u32::MAX) {
            u32::MAX
        } else {
            n.max(0.0) as u32
        }
    }

    /// Whether a new forecast is due at `now`: at an hour's start, once at least 24 h of
    /// history exist (`history_hours`), and 6 h after the last one.
    pub fn forecast_due(now: SimTime, history_hours: u64, last: Option<SimTime>) -> bool {
        now.0.is_multiple_of(HOUR.0)
            && history_hours >= HISTORY_HOURS_NEEDED
            && last.is_none_or(|at| now >= at + REFRESH)
    }

    /// The hours a forecast made at `now` covers: from `now`'s hour, [`FORECAST_HOURS`].
    pub fn forecast_hours(now: SimTime) -> (u64, usize) {
        (now.0 / HOUR.0, FORECAST_HOURS)
    }

    /// The hour whose capacity is in force at `now`: hour H's action runs from its start
    /// less the buffer to the next hour's start less the buffer.
    pub fn hour_in_force(&self, now: SimTime) -> u64 {
        (now.0 + self.scheduling_buffer.0) / HOUR.0
    }

    /// A forecast of `tasks` within `[min, max]` under the breach behaviour.
    pub fn bounded(&self, tasks: u32, min: u32, max: u32) -> Bounded {
        let max = match self.max_capacity_breach {
            MaxCapacityBreach::HonorMaxCapacity => max,
            MaxCapacityBreach::IncreaseMaxCapacity { buffer_percent } if tasks > max => {
                // Forecast × (1 + buffer ÷ 100), in whole tasks, rounded up.
                let raised = (u64::from(tasks) * (100 + u64::from(buffer_percent))).div_ceil(100);
                max.max(u32::try_from(raised).unwrap_or(u32::MAX))
            }
            MaxCapacityBreach::IncreaseMaxCapacity { .. } => max,
        };
        Bounded {
            wanted: tasks.min(max).max(min),
            max,
        }
    }
}

/// The other policies' combined proposal with the predictive floor in force: desired is
/// the largest count any policy wants, and the floor alone never lowers it. `None`: no
/// forecast action in force.
pub fn with_forecast(others: Proposal, floor: Option<u32>, desired: u32) -> Proposal {
    let Some(floor) = floor else {
        return others;
    };
    match others {
        Proposal::Out(n) => Proposal::Out(n.max(floor)),
        Proposal::In(n) => {
            let m = n.max(floor);
            if m < desired {
                Proposal::In(m)
            } else if m > desired {
                Proposal::Out(m)
            } else {
                Proposal::Hold
            }
        }
        Proposal::Hold if floor > desired => Proposal::Out(floor),
        Proposal::Hold => Proposal::Hold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u64, m: u64) -> SimTime {
        SimTime((h * 3600 + m * 60) * 1000)
    }

    #[test]
    fn the_action_for_an_hour_starts_the_buffer_before_it() {
        // Buffer 300 s: 10:00's capacity is in force from 09:55 to 10:55.
        let p = PredictiveScalingPolicy::new(LoadResource::Cpu, 50.0);
        assert_eq!(p.hour_in_force(at(9, 54)), 9);
        assert_eq!(p.hour_in_force(at(9, 55)), 10);
        assert_eq!(p.hour_in_force(at(10, 54)), 10);
        assert_eq!(p.hour_in_force(at(10, 55)), 11);
        let none = PredictiveScalingPolicy {
            scheduling_buffer: SimDuration::ZERO,
            ..p
        };
        assert_eq!(none.hour_in_force(at(9, 59)), 9);
        assert_eq!(none.hour_in_force(at(10, 0)), 10);
    }

    #[test]
    fn forecasts_wait_for_a_day_of_history_then_come_every_six_hours() {
        assert!(!PredictiveScalingPolicy::forecast_due(at(23, 0), 23, None));
        assert!(PredictiveScalingPolicy::forecast_due(at(24, 0), 24, None));
        // Not on the hour: no forecast.
        assert!(!PredictiveScalingPolicy::forecast_due(at(24, 1), 24, None));
        let last = Some(at(24, 0));
        assert!(!PredictiveScalingPolicy::forecast_due(at(29, 0), 29, last));
        assert!(PredictiveScalingPolicy::forecast_due(at(30, 0), 30, last));
        assert_eq!(PredictiveScalingPolicy::forecast_hours(at(30, 0)), (30, 48));
    }

    #[test]
    fn capacity_is_load_over_the_per_task_target() {
        let p = PredictiveScalingPolicy::new(LoadResource::Cpu, 50.0);
        // 1024-unit tasks at 50% carry 512 each: 6144 ÷ 512 = 12 exactly, 6145 needs 13.
        assert_eq!(p.tasks_for(6144.0, 1024), 12);
        assert_eq!(p.tasks_for(6145.0, 1024), 13);
        assert_eq!(p.tasks_for(0.0, 1024), 0);
    }

    #[test]
    fn a_forecast_above_the_maximum_is_capped_or_raises_it() {
        // ecs-current §3.3 check 2: forecast 50, maximum 40.
        let honor = PredictiveScalingPolicy::new(LoadResource::Cpu, 50.0);
        assert_eq!(
            honor.bounded(50, 1, 40),
            Bounded {
                wanted: 40,
                max: 40
            }
        );
        let raise = PredictiveScalingPolicy {
            max_capacity_breach: MaxCapacityBreach::IncreaseMaxCapacity { buffer_percent: 10 },
            ..honor.clone()
        };
        // 50 × 1.10 = 55: the forecast is met and 5 tasks of headroom stay above it.
        assert_eq!(
            raise.bounded(50, 1, 40),
            Bounded {
                wanted: 50,
                max: 55
            }
        );
        // With the maximum already raised, a smaller forecast leaves it.
        assert_eq!(
            raise.bounded(20, 1, 55),
            Bounded {
                wanted: 20,
                max: 55
            }
        );
        // Buffer 0: the maximum becomes the forecast; 7 × 1.15 = 8.05 rounds up to 9.
        let zero = PredictiveScalingPolicy {
            max_capacity_breach: MaxCapacityBreach::IncreaseMaxCapacity { buffer_percent: 0 },
            ..honor.clone()
        };
        assert_eq!(
            zero.bounded(50, 1, 40),
            Bounded {
                wanted: 50,
                max: 50
            }
        );
        let fifteen = PredictiveScalingPolicy {
            max_capacity_breach: MaxCapacityBreach::IncreaseMaxCapacity { buffer_percent: 15 },
            ..honor
        };
        assert_eq!(fifteen.bounded(7, 1, 5), Bounded { wanted: 7, max: 9 });
    }

    #[test]
    fn desired_is_the_largest_wanted_and_the_forecast_never_scales_in_alone() {
        // ecs-current §3.3 check 1: forecast 12 in force, desired 8 before.
        assert_eq!(
            with_forecast(Proposal::Hold, Some(12), 8),
            Proposal::Out(12)
        );
        // Target tracking wanting 9 (in from 12): desired stays 12.
        assert_eq!(with_forecast(Proposal::In(9), Some(12), 12), Proposal::Hold);
        // Target tracking wanting 15: 15.
        assert_eq!(
            with_forecast(Proposal::Out(15), Some(12), 12),
            Proposal::Out(15)
        );
        // A forecast below desired holds alone, and bounds another policy's scale-in.
        assert_eq!(with_forecast(Proposal::Hold, Some(12), 20), Proposal::Hold);
        assert_eq!(
            with_forecast(Proposal::In(10), Some(12), 20),
            Proposal::In(12)
        );
        assert_eq!(
            with_forecast(Proposal::In(15), Some(12), 20),
            Proposal::In(15)
        );
        // Target tracking scaling in below a forecast above desired: up to the forecast.
        assert_eq!(
            with_forecast(Proposal::In(5), Some(12), 8),
            Proposal::Out(12)
        );
        assert_eq!(with_forecast(Proposal::In(5), None, 8), Proposal::In(5));
    }
}
