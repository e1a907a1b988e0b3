//! Predictive scaling driven by the simulation: the hourly load history, forecasts made
//! on schedule, and the count a forecast asks for at each scaling tick.
//!
//! At every tick on an hour's start the hour that ended joins the service's history (its
//! load is the demand curve's exact average over it, `forecast::hour_load`), and once 24
//! hours are held a forecast is made, then every 6 h, for the 48 hours ahead
//! (`PredictiveScalingPolicy::forecast_due`). In ForecastAndScale each tick reads the hour
//! in force (the next hour from its start less `SchedulingBufferTime`) and hands its count
//! to `scale_service`, which takes the largest of what every policy wants; the forecast
//! alone never lowers desired. Hour starts fall on whole minutes, so with the default
//! ticks the actions run exactly on time; a buffer that is not a whole number of minutes
//! acts at the next tick, as scheduled actions do.

use super::Simulation;
use crate::metrics::Recorder;
use crate::model::{ServiceId, ServiceSpec};
use crate::scaling::demand::DemandCurve;
use crate::scaling::forecast::{ForecastInput, HOUR, HourlyHistory, hour_load};
use crate::scaling::predictive::{Forecast, LoadResource, PredictiveMode, PredictiveScalingPolicy};
use crate::time::SimTime;

/// One service's predictive history and latest forecast.
#[derive(Default)]
pub(super) struct PredictiveState {
    history: HourlyHistory,
    /// Hours observed since the service began (the history keeps the last 14 days).
    observed_hours: u64,
    /// The latest forecast; `None` before the first.
    pub forecast: Option<Forecast>,
    scratch: Vec<f64>,
}

impl PredictiveState {
    /// The forecast load and tasks of the hour holding `now`, for the timeseries.
    pub fn at(&self, now: SimTime) -> (Option<f64>, Option<u32>) {
        let hour = self.forecast.as_ref().and_then(|f| f.hour(now.0 / HOUR.0));
        (hour.map(|h| h.0), hour.map(|h| h.1))
    }
}

/// What a forecast asks for at a tick: hour `hour`'s `tasks` from its `load`, as
/// `wanted` within the service's bounds.
#[derive(Clone, Copy, Debug)]
pub(super) struct ForecastAction {
    pub hour: u64,
    pub load: f64,
    pub tasks: u32,
    pub wanted: u32,
}

/// The policy, its load curve and the per-task size of `service`, if it has a policy.
fn policy_of<'a>(
    service: &'a ServiceSpec,
    config: &crate::model::SimConfig,
) -> Option<(&'a PredictiveScalingPolicy, &'a DemandCurve, u32)> {
    let p = service.scaling.auto_scaling.as_ref()?.predictive.as_ref()?;
    let def = &config.task_defs[service.task_def.index()];
    let (curve, per_task) = match p.resource {
        LoadResource::Cpu => (service.scaling.demand.as_ref()?, def.cpu),
        LoadResource::Memory => (service.scaling.memory_demand.as_ref()?, def.memory),
    };
    Some((p, curve, per_task))
}

/// The state for a service with a predictive policy.
pub(super) fn state_for(service: &ServiceSpec) -> Option<PredictiveState> {
    service
        .scaling
        .auto_scaling
        .as_ref()?
        .predictive
        .as_ref()
        .map(|_| PredictiveState::default())
}

impl<R: Recorder> Simulation<'_, R> {
    /// At an hour's start: records the hour that ended and makes a forecast when one is
    /// due.
    pub(super) fn predictive_hour(&mut self, s: ServiceId, now: SimTime) {
        let config = self.config;
        let Some((policy, curve, per_task)) = policy_of(&config.services[s.index()], config) else {
            return;
        };
        if now.0 == 0 || !now.0.is_multiple_of(HOUR.0) {
            return;
        }
        let Some(st) = self.autoscaling.services[s.index()].predictive.as_mut() else {
            return;
        };
        let ended = now.0 / HOUR.0 - 1;
        st.history.push(ended, hour_load(curve, ended));
        st.observed_hours += 1;
        let last = st.forecast.as_ref().map(|f| f.made_at);
        if !PredictiveScalingPolicy::forecast_due(now, st.observed_hours, last) {
            return;
        }
        let (first_hour, hours) = PredictiveScalingPolicy::forecast_hours(now);
        let mut loads = std::mem::take(&mut st.scratch);
        policy.forecaster.forecast(
            &ForecastInput {
                first_hour,
                hours,
                history: &st.history,
                curve,
            },
            &mut loads,
        );
        let tasks = loads
            .iter()
            .map(|l| policy.tasks_for(*l, per_task))
            .collect();
        if let Some(old) = st.forecast.replace(Forecast {
            made_at: now,
            first_hour,
            loads,
            tasks,
        }) {
            st.scratch = old.loads;
        }
        self.narrate(now, |n| n.forecast_made(s));
    }

    /// In ForecastAndScale, the count the forecast in force at `now` asks for, within the
    /// service's bounds; raises the service's maximum for good under IncreaseMaxCapacity.
    pub(super) fn forecast_action(&mut self, s: ServiceId, now: SimTime) -> Option<ForecastAction> {
        let config = self.config;
        let (policy, _, _) = policy_of(&config.services[s.index()], config)?;
        if policy.mode != PredictiveMode::ForecastAndScale {
            return None;
        }
        let st = &mut self.autoscaling.services[s.index()];
        let hour = policy.hour_in_force(now);
        let (load, tasks) = st.predictive.as_ref()?.forecast.as_ref()?.hour(hour)?;
        let bounded = policy.bounded(tasks, st.min, st.max);
        st.max = bounded.max;
        Some(ForecastAction {
            hour,
            load,
            tasks,
            wanted: bounded.wanted,
        })
    }

    /// The service's latest forecast and the hours of history behind it, for the trace.
    pub(super) fn latest_forecast(&self, s: ServiceId) -> Option<(&Forecast, u64)> {
        let p = self.autoscaling.services[s.index()].predictive.as_ref()?;
        Some((
            p.forecast.as_ref()?,
            p.observed_hours.min(p.history.len() as u64),
        ))
    }
}
