//! Service auto scaling driven by the simulation, and the scaling tick.
//!
//! Load: each service with a demand curve (or queue) keeps its level and running count as
//! of its last update; an update happens when a task of it reaches RUNNING or stops, when a
//! piecewise-constant curve changes (`Event::DemandChange`) and at every scaling tick. Each
//! update integrates overload and queue consumption over the span since the last and feeds
//! the new utilization level to the service's time-weighted minute series, so a one-minute
//! datapoint is the exact time average of that minute. Daily cycles change continuously and
//! are re-read at those same points (at least once a minute).
//!
//! `Event::ScalingTick` (class SCALING, every 60 s from t = 60 s; every 20 s when a service
//! has high-resolution metrics, the ticks between minutes for those services alone): closes
//! the period on every series; records an hour and makes a forecast when due
//! (`predictive.rs`); applies scheduled actions due since the last tick; evaluates each
//! service's target-tracking and step policies, combines them with the forecast in force
//! (the larger count wins, the forecast alone never scales in) and sets the desired count
//! through the service scheduler (`reconcile_service`), which launches tasks or stops the
//! surplus — unplaced tasks first, then not yet RUNNING, then RUNNING ones in ECS's
//! scale-in order for the service's strategy (`placement::scale_in`);
//! then, per pool with managed scaling, hands over to `managed_scaling.rs`, which computes
//! CapacityProviderReservation and launches instances (ACTIVE after
//! `timing.instance_launch`) or terminates empty ones.

use super::Simulation;
use super::events::Event;
use super::metric_history::{HISTORY, push_bounded};
use crate::engine::EventQueue;
use crate::metrics::{ProviderSample, QueueSummary, Recorder, ScalingSample};
use crate::model::{PoolId, ServiceId};
use crate::scaling::demand::{cpu_utilization, overload_task_seconds};
use crate::scaling::metrics::{Aggregation, HIGH_RESOLUTION, MINUTE, MinuteSeries};
use crate::scaling::predictive::with_forecast;
use crate::scaling::queue_worker::{FluidQueue, backlog_per_task};
use crate::scaling::scheduled::{Capacity, apply};
use crate::scaling::target_tracking::{CooldownState, ServiceView, TrackedMetric};
use crate::scaling::{Proposal, combine};
use crate::time::{SimDuration, SimTime};

pub(super) struct ServiceScaling {
    pub active: bool,
    /// Level and running count in force since `since`.
    demand: f64,
    memory: f64,
    running: u32,
    since: SimTime,
    cpu: MinuteSeries,
    mem: MinuteSeries,
    /// 20-second CPU and memory datapoints, for a service with high-resolution metrics.
    fast: Option<(MinuteSeries, MinuteSeries)>,
    /// Predictive scaling's history and forecast, for a service with the policy.
    pub predictive: Option<super::predictive::PredictiveState>,
    backlog: Vec<Option<f64>>,
    cooldown: CooldownState,
    pub min: u32,
    pub max: u32,
    queue: Option<FluidQueue>,
    /// In the measurement window: task-seconds above 100% CPU, and all task-seconds.
    overload_task_s: f64,
    served_task_s: f64,
    /// Oldest-message age at each tick in the window, seconds.
    ages_s: Vec<f64>,
    depth_sum: f64,
    depth_max: f64,
    last_tick: SimTime,
}

/// Service auto scaling: per-service state, the scaling counts the summary reports
/// (instance launches and terminations too), and the rows each sample writes (managed
/// scaling's state is `capacity.rs`'s).
pub(super) struct Autoscaling {
    /// Per service: load, metric series and policy state.
    pub services: Vec<ServiceScaling>,
    counts: ScalingCounts,
    pub samples: Vec<ScalingSample>,
    /// One per pool with managed scaling.
    pub provider_samples: Vec<ProviderSample>,
    /// Time between scaling ticks: a minute, or 20 s when a service has high-resolution
    /// metrics (its policies are then evaluated at each 20-second datapoint; everything
    /// else still once a minute).
    tick: SimDuration,
}

impl ServiceScaling {
    /// The latest one-minute CPU and memory datapoints, percent (`None`: no data).
    pub fn latest_utilization(&self) -> (Option<f64>, Option<f64>) {
        let latest = |m: &MinuteSeries| m.latest().and_then(|d| d.value);
        (latest(&self.cpu), latest(&self.mem))
    }
}

impl Autoscaling {
    pub fn new(config: &crate::model::SimConfig) -> Autoscaling {
        Autoscaling {
            services: service_states(config),
            counts: ScalingCounts::default(),
            samples: vec![ScalingSample::default(); config.services.len()],
            tick: if config
                .services
                .iter()
                .any(|s| s.scaling.high_resolution_metrics)
            {
                HIGH_RESOLUTION
            } else {
                MINUTE
            },
            provider_samples: vec![
                ProviderSample::default();
                config
                    .pools
                    .iter()
                    .filter(|p| p.managed_scaling.is_some())
                    .count()
            ],
        }
    }

    /// An instance launched after time zero (scale-out or a replacement).
    pub fn instance_launched(&mut self) {
        self.counts.instance_launches += 1;
    }

    /// `n` instances chosen for scale-in.
    pub fn instances_terminated(&mut self, n: u64) {
        self.counts.instance_terminations += n;
    }

    /// The counts as `summary.json`'s `scaling` holds them.
    pub fn summary(&self) -> crate::metrics::ScalingSummary {
        let c = &self.counts;
        crate::metrics::ScalingSummary {
            service_scale_out_events: c.service_scale_out_events,
            service_scale_in_events: c.service_scale_in_events,
            instance_launches: c.instance_launches,
            instance_terminations: c.instance_terminations,
            targets: Default::default(),
        }
    }
}

#[derive(Default)]
struct ScalingCounts {
    pub service_scale_out_events: u64,
    pub service_scale_in_events: u64,
    pub instance_launches: u64,
    pub instance_terminations: u64,
}

fn service_states(config: &crate::model::SimConfig) -> Vec<ServiceScaling> {
    config
        .services
        .iter()
        .map(|s| {
            let a = s.scaling.auto_scaling.as_ref();
            ServiceScaling {
                active: s.scaling.is_active(),
                demand: 0.0,
                memory: 0.0,
                running: 0,
                since: SimTime::ZERO,
                cpu: MinuteSeries::new(Aggregation::TimeWeighted),
                mem: MinuteSeries::new(Aggregation::TimeWeighted),
                fast: s.scaling.high_resolution_metrics.then(|| {
                    let series =
                        || MinuteSeries::with_period(Aggregation::TimeWeighted, HIGH_RESOLUTION);
                    (series(), series())
                }),
                predictive: super::predictive::state_for(s),
                backlog: Vec::new(),
                cooldown: CooldownState::default(),
                min: a.map_or(0, |a| a.min),
                max: a.map_or(u32::MAX, |a| a.max),
                queue: s
                    .scaling
                    .queue
                    .as_ref()
                    .map(|_| FluidQueue::new(SimTime::ZERO)),
                overload_task_s: 0.0,
                served_task_s: 0.0,
                ages_s: Vec::new(),
                depth_sum: 0.0,
                depth_max: 0.0,
                last_tick: SimTime::ZERO,
            }
        })
        .collect()
}

/// Whether the run needs scaling ticks at all.
pub(super) fn needs_ticks(config: &crate::model::SimConfig) -> bool {
    config.services.iter().any(|s| s.scaling.is_active())
        || config.pools.iter().any(|p| p.managed_scaling.is_some())
}

impl<R: Recorder> Simulation<'_, R> {
    /// Schedules the first tick and demand changes, and reads the initial levels.
    pub(super) fn start_scaling(&mut self, queue: &mut EventQueue<Event>) {
        if !needs_ticks(self.config) {
            return;
        }
        queue.schedule(SimTime::ZERO + self.autoscaling.tick, Event::ScalingTick);
        for s in self.origins.service_ids() {
            if self.autoscaling.services[s.index()].active {
                self.load_update(s, SimTime::ZERO);
                self.schedule_demand_change(s, SimTime::ZERO, queue);
            }
        }
    }

    fn schedule_demand_change(
        &mut self,
        s: ServiceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let spec = &self.config.services[s.index()].scaling;
        let next = [
            spec.demand.as_ref(),
            spec.memory_demand.as_ref(),
            spec.queue.as_ref().map(|q| &q.arrival),
        ]
        .into_iter()
        .flatten()
        .filter_map(|c| c.next_change_after(now))
        .min();
        if let Some(t) = next.filter(|t| *t <= self.config.horizon) {
            queue.schedule(t, Event::DemandChange(s));
        }
    }

    pub(super) fn demand_change(&mut self, s: ServiceId, now: SimTime, q: &mut EventQueue<Event>) {
        self.load_update(s, now);
        self.schedule_demand_change(s, now, q);
    }

    /// Brings service `s`'s load accounting to `now` and reads the new levels. Called after
    /// its running count changed; allocation-free.
    pub(super) fn load_update(&mut self, s: ServiceId, now: SimTime) {
        if !self.autoscaling.services[s.index()].active {
            return;
        }
        let spec = &self.config.services[s.index()];
        let def = &self.config.task_defs[spec.task_def.index()];
        let task_cpu = def.cpu;
        let task_mem = def.memory;
        let running_now = self.origins[s].counts.running();
        let warmup = self.config.warmup;
        let st = &mut self.autoscaling.services[s.index()];
        let from = st.since.max(warmup);
        if now > from {
            let dt = now.since(from);
            if spec.scaling.demand.is_some() {
                st.overload_task_s += overload_task_seconds(st.demand, st.running, task_cpu, dt);
            }
            st.served_task_s += f64::from(st.running) * dt.as_secs_f64();
        }
        if let (Some(q), Some(qs)) = (st.queue.as_mut(), spec.scaling.queue.as_ref()) {
            let rate = qs.arrival.at(st.since);
            q.advance(now, rate, f64::from(st.running) * qs.per_task_rate_per_s);
        }
        st.since = now;
        st.running = running_now;
        if let Some(d) = &spec.scaling.demand {
            st.demand = d.at(now);
            let level = cpu_utilization(st.demand, running_now, task_cpu);
            st.cpu.observe(now, level);
            if let Some((cpu, _)) = st.fast.as_mut() {
                cpu.observe(now, level);
            }
        }
        if let Some(m) = &spec.scaling.memory_demand {
            st.memory = m.at(now);
            let level = cpu_utilization(st.memory, running_now, task_mem);
            st.mem.observe(now, level);
            if let Some((_, mem)) = st.fast.as_mut() {
                mem.observe(now, level);
            }
        }
        if spec.scaling.demand.is_some() {
            let demand = st.demand;
            // A task's use, where it passes its reservation, is what the cost split charges.
            self.billing
                .service_load(s.index(), now, demand, running_now);
        }
    }

    /// Sets a service's desired count and lets the scheduler act on it (as the
    /// `SetDesiredCount` scheduled action does).
    fn set_desired(
        &mut self,
        s: ServiceId,
        count: u32,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        self.set_service_desired(s, count, now);
        self.reconcile_service(s, now, queue);
    }

    pub(super) fn scaling_tick(&mut self, now: SimTime, queue: &mut EventQueue<Event>) {
        let next = now + self.autoscaling.tick;
        if next <= self.config.horizon {
            queue.schedule(next, Event::ScalingTick);
        }
        let minute_tick = now.0.is_multiple_of(MINUTE.0);
        for s in self.origins.service_ids() {
            let st = &self.autoscaling.services[s.index()];
            if !st.active || !(minute_tick || st.fast.is_some()) {
                continue;
            }
            self.load_update(s, now);
            if minute_tick {
                self.predictive_hour(s, now);
            }
            let in_window = now >= self.config.warmup;
            let running = self.origins[s].counts.running();
            let st = &mut self.autoscaling.services[s.index()];
            st.cpu.close_through(now);
            st.mem.close_through(now);
            if let Some((cpu, mem)) = st.fast.as_mut() {
                cpu.close_through(now);
                mem.close_through(now);
            }
            if let Some(q) = st.queue.as_ref().filter(|_| minute_tick) {
                let depth = q.depth();
                let age = q.oldest_age(now).as_secs_f64();
                push_bounded(&mut st.backlog, Some(backlog_per_task(depth, running)));
                if in_window {
                    st.ages_s.push(age);
                    st.depth_sum += depth;
                    st.depth_max = st.depth_max.max(depth);
                }
            }
            if self.config.services[s.index()]
                .scaling
                .auto_scaling
                .is_some()
            {
                self.scale_service(s, now, queue);
            }
            self.autoscaling.services[s.index()].last_tick = now;
        }
        for p in 0..self.config.pools.len() {
            if minute_tick && self.config.pools[p].managed_scaling.is_some() {
                self.scale_pool(p, now, queue);
            }
        }
    }

    fn scale_service(&mut self, s: ServiceId, now: SimTime, queue: &mut EventQueue<Event>) {
        let config = self.config;
        let Some(spec) = config.services[s.index()].scaling.auto_scaling.as_ref() else {
            return;
        };
        if let Some(schedule) = &spec.scheduled {
            let last = self.autoscaling.services[s.index()].last_tick;
            for (_, action) in schedule.due(last, now) {
                let st = &mut self.autoscaling.services[s.index()];
                let cap = apply(
                    Capacity {
                        min: st.min,
                        max: st.max,
                        desired: self.origins[s].counts.desired(),
                    },
                    &action,
                );
                st.min = cap.min;
                st.max = cap.max;
                if cap.desired != self.origins[s].counts.desired() {
                    let from = self.origins[s].counts.desired();
                    let why = "scheduled action";
                    self.narrate(now, |n| n.scaling(s, from, cap.desired, why));
                    self.set_desired(s, cap.desired, now, queue);
                }
            }
        }
        let forecast = self.forecast_action(s, now);
        let st = &self.autoscaling.services[s.index()];
        let desired = self.origins[s].counts.desired();
        // Application Auto Scaling suspends scale-in while a deployment rolls (§3.2).
        let scale_in_allowed = !self.deployments.rolling(s);
        let series = |m: TrackedMetric| -> Vec<Option<f64>> {
            match m {
                TrackedMetric::Cpu => st.cpu.recent(HISTORY),
                TrackedMetric::Memory => st.mem.recent(HISTORY),
                TrackedMetric::CpuHighResolution => st
                    .fast
                    .as_ref()
                    .map_or_else(Vec::new, |f| f.0.recent(HISTORY)),
                TrackedMetric::MemoryHighResolution => st
                    .fast
                    .as_ref()
                    .map_or_else(Vec::new, |f| f.1.recent(HISTORY)),
                TrackedMetric::BacklogPerTask => st.backlog.clone(),
            }
        };
        let mut proposals = Vec::new();
        let mut out_cooldown = SimDuration::ZERO;
        for p in &spec.target_tracking {
            let dp = series(p.metric);
            let view = ServiceView {
                now,
                desired,
                running: self.origins[s].counts.running(),
                min: st.min,
                max: st.max,
                datapoints: &dp,
                scale_in_allowed,
            };
            proposals.push(p.propose(&view, &st.cooldown));
            out_cooldown = out_cooldown.max(p.scale_out_cooldown);
        }
        for (m, p) in &spec.step_scaling {
            let dp = series(*m);
            let view = ServiceView {
                now,
                desired,
                running: self.origins[s].counts.running(),
                min: st.min,
                max: st.max,
                datapoints: &dp,
                scale_in_allowed,
            };
            proposals.push(p.propose(&view, &st.cooldown));
            out_cooldown = out_cooldown.max(p.cooldown);
        }
        // A desired count set from outside (a scenario event) is left alone until a policy
        // acts; only the policies' own counts are clamped to the bounds.
        let others = combine(&proposals);
        let wanted = match with_forecast(others, forecast.map(|f| f.wanted), desired) {
            Proposal::Hold => return,
            Proposal::Out(n) | Proposal::In(n) => n.clamp(st.min, st.max),
        };
        // The forecast decided when no other policy wanted as many.
        let led_by_forecast = forecast
            .filter(|f| f.wanted == wanted && !matches!(others, Proposal::Out(n) if n >= wanted));
        if wanted == desired {
            return;
        }
        if wanted > desired {
            self.autoscaling.counts.service_scale_out_events += 1;
        } else {
            self.autoscaling.counts.service_scale_in_events += 1;
        }
        self.autoscaling.services[s.index()]
            .cooldown
            .record(now, desired, wanted, out_cooldown);
        match led_by_forecast {
            Some(f) => self.narrate(now, |n| n.predictive_scaling(s, desired, f)),
            None => self.narrate(now, |n| n.scaling(s, desired, wanted, "auto scaling")),
        }
        self.set_desired(s, wanted, now, queue);
    }

    /// Fills the per-service and per-provider parts of a sample.
    pub(super) fn scaling_sample(&mut self, now: SimTime) {
        for (s, out) in self
            .origins
            .service_ids()
            .zip(self.autoscaling.samples.iter_mut())
        {
            let st = &self.autoscaling.services[s.index()];
            if !st.active {
                continue;
            }
            let spec = &self.config.services[s.index()];
            let cpu = self.config.task_defs[spec.task_def.index()].cpu;
            let demand = spec.scaling.demand.as_ref().map_or(0.0, |d| d.at(now));
            let (forecast_load, forecast_tasks) =
                st.predictive.as_ref().map_or((None, None), |p| p.at(now));
            *out = ScalingSample {
                demand,
                cpu_utilization: cpu_utilization(demand, self.origins[s].counts.running(), cpu),
                queue_depth: st.queue.as_ref().map(|q| q.depth()),
                forecast_load,
                forecast_tasks,
            };
        }
        let managed = self
            .config
            .pools
            .iter()
            .enumerate()
            .filter(|(_, p)| p.managed_scaling.is_some())
            .map(|(p, _)| p);
        for (p, out) in managed.zip(self.autoscaling.provider_samples.iter_mut()) {
            let pid = PoolId(p as u32);
            // The pool's live instances are LAUNCHING (pending) or ACTIVE (in service).
            let total = self.cluster.pool_live(pid).len() as u32;
            let pending = self.cluster.pool_launching(pid);
            let in_service = total - pending;
            let (reservation, desired) = self.pool_scaling.reading(p);
            *out = ProviderSample {
                reservation,
                desired,
                pending,
                in_service,
            };
        }
    }

    /// Summary parts: (overload task-seconds, served task-seconds, queues).
    pub(super) fn scaling_finish(
        &mut self,
        end: SimTime,
    ) -> (f64, f64, std::collections::BTreeMap<String, QueueSummary>) {
        let mut queues = std::collections::BTreeMap::new();
        let (mut over, mut served) = (0.0, 0.0);
        for s in self.origins.service_ids() {
            if !self.autoscaling.services[s.index()].active {
                continue;
            }
            self.load_update(s, end);
            let st = &mut self.autoscaling.services[s.index()];
            if self.config.services[s.index()].scaling.demand.is_some() {
                over += st.overload_task_s;
                served += st.served_task_s;
            }
            if st.queue.is_some() {
                let ages = &mut st.ages_s;
                ages.sort_by(f64::total_cmp);
                let n = ages.len();
                let p95 = if n == 0 {
                    0.0
                } else {
                    ages[((0.95 * n as f64).ceil() as usize).clamp(1, n) - 1]
                };
                queues.insert(
                    self.config.services[s.index()].name.clone(),
                    QueueSummary {
                        oldest_message_age_s_mean: if n == 0 {
                            0.0
                        } else {
                            ages.iter().sum::<f64>() / n as f64
                        },
                        oldest_message_age_s_p95: p95,
                        oldest_message_age_s_max: ages.last().copied().unwrap_or(0.0),
                        depth_mean: if n == 0 { 0.0 } else { st.depth_sum / n as f64 },
                        depth_max: st.depth_max,
                    },
                );
            }
        }
        (over, served, queues)
    }
}
