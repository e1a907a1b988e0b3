//! Window metrics: counts, pending-time distribution and time-weighted utilization, all
//! restricted to [warm-up, horizon].

use super::billing::CostTotals;
use super::service_counts::AvailabilityIntegrals;
use crate::metrics::{
    AvailabilitySummary, CostSummary, InstanceSummary, LatencySummary, PendingSummary,
    RestartLatencySummary, Summary, TaskCounts, Utilization,
};
use crate::model::{Cluster, LaunchType, RestartCause, SimConfig, StopReason, TaskState};
use crate::stats::LatencyHistogram;
use crate::time::{SimDuration, SimTime};

pub(super) struct Collector {
    window_start: SimTime,
    in_window: bool,
    counts: TaskCounts,
    pending: LatencyHistogram,
    /// Censored waits of the window's tasks still waiting at the horizon.
    waiting_at_end: LatencyHistogram,
    last: SimTime,
    cpu_reserved_ms: f64,
    cpu_registered_ms: f64,
    memory_reserved_ms: f64,
    memory_registered_ms: f64,
    instance_ms: f64,
    peak_instances: u32,
    restart: LatencyHistogram,
    /// Indexed like `RestartCause::ALL`.
    restart_by_cause: Vec<LatencyHistogram>,
    /// Indexed by `LaunchType`.
    restart_by_launch: [LatencyHistogram; 2],
    /// Containers restarted in place in the window.
    container_restarts: u64,
}

/// `v as f64` for a count or a span of milliseconds, always below 2^63: x86-64 converts a
/// signed integer in one instruction and an unsigned one in a branchy sequence, and both
/// round the same value the same way. Five of these run on every event.
#[inline(always)]
fn count_to_f64(v: u64) -> f64 {
    debug_assert!(v < 1 << 63, "{v} is no count of this simulation");
    v as i64 as f64
}

fn latency_summary(h: &LatencyHistogram) -> LatencySummary {
    let seconds = |ms: u64| ms as f64 / 1000.0;
    if h.is_empty() {
        return LatencySummary::default();
    }
    LatencySummary {
        count: h.count(),
        mean: h.mean().unwrap_or(0.0) / 1000.0,
        p50: seconds(h.quantile(0.50)),
        p95: seconds(h.quantile(0.95)),
        p99: seconds(h.quantile(0.99)),
        max: seconds(h.max().unwrap_or(0)),
    }
}

impl Collector {
    pub fn new(warmup: SimTime) -> Collector {
        Collector {
            window_start: warmup,
            in_window: warmup == SimTime::ZERO,
            counts: TaskCounts::default(),
            pending: LatencyHistogram::new(),
            waiting_at_end: LatencyHistogram::new(),
            last: warmup,
            cpu_reserved_ms: 0.0,
            cpu_registered_ms: 0.0,
            memory_reserved_ms: 0.0,
            memory_registered_ms: 0.0,
            instance_ms: 0.0,
            peak_instances: 0,
            restart: LatencyHistogram::new(),
            restart_by_cause: RestartCause::ALL
                .iter()
                .map(|_| LatencyHistogram::new())
                .collect(),
            restart_by_launch: [LatencyHistogram::new(), LatencyHistogram::new()],
            container_restarts: 0,
        }
    }

    /// A replacement reached RUNNING `latency` after the loss it makes good.
    pub fn restarted(
        &mut self,
        latency: SimDuration,
        cause: RestartCause,
        launch_type: LaunchType,
    ) {
        if !self.in_window {
            return;
        }
        let ms = latency.as_millis();
        self.restart.record(ms);
        let c = RestartCause::ALL
            .iter()
            .position(|x| *x == cause)
            .unwrap_or(0);
        self.restart_by_cause[c].record(ms);
        self.restart_by_launch[launch_type as usize].record(ms);
    }

    /// A container restarted in place (`restartPolicy`): no replacement, so no latency.
    pub fn container_restarted(&mut self) {
        if self.in_window {
            self.container_restarts += 1;
        }
    }

    /// The warm-up ends: tasks alive now are carried over, counted apart from the window's.
    pub fn open_window(&mut self, now: SimTime, pending: u32, running: u32) {
        self.in_window = true;
        self.last = now;
        self.counts.carried_over.pending_at_start = u64::from(pending);
        self.counts.carried_over.running_at_start = u64::from(running);
    }

    /// Whether a task created at `created` belongs to the window (else it is carried over).
    pub fn in_window(&self, created: SimTime) -> bool {
        created >= self.window_start
    }

    /// Accumulates the cluster's state since the last event; called before each event
    /// changes it, so the integral is exact for piecewise-constant values.
    pub fn integrate(&mut self, now: SimTime, cluster: &Cluster, instances: u32) {
        if !self.in_window {
            return;
        }
        let dt = count_to_f64(now.since(self.last).as_millis());
        if dt > 0.0 {
            self.cpu_reserved_ms += count_to_f64(cluster.reserved_cpu) * dt;
            self.cpu_registered_ms += count_to_f64(cluster.registered_cpu) * dt;
            self.memory_reserved_ms += count_to_f64(cluster.reserved_memory) * dt;
            self.memory_registered_ms += count_to_f64(cluster.registered_memory) * dt;
            self.instance_ms += f64::from(instances) * dt;
            self.last = now;
        }
        self.peak_instances = self.peak_instances.max(instances);
    }

    pub fn task_created(&mut self) {
        if self.in_window {
            self.counts.created += 1;
        }
    }

    pub fn task_started(&mut self, created: SimTime, now: SimTime) {
        if !self.in_window {
            return;
        }
        if self.in_window(created) {
            self.counts.started += 1;
            self.pending.record(now.since(created).as_millis());
        } else {
            self.counts.carried_over.started += 1;
        }
    }

    /// A task stopped from state `was` for `reason`: one count of the identities.
    pub fn task_stopped(&mut self, created: SimTime, was: TaskState, reason: StopReason) {
        if !self.in_window {
            return;
        }
        let window_task = self.in_window(created);
        let c = &mut self.counts;
        if !window_task {
            c.carried_over.stopped += 1;
            return;
        }
        let started = matches!(was, TaskState::Running | TaskState::Stopping);
        let count = match (started, reason) {
            (false, StopReason::PlacementFailed(_)) => &mut c.rejected,
            (false, _) => &mut c.stopped_before_running,
            (true, StopReason::EssentialContainerExited) => &mut c.completed,
            (true, StopReason::ServiceScheduler) => &mut c.stopped_by_scheduler,
            (true, _) => &mut c.stopped_other,
        };
        *count += 1;
    }

    /// A task still alive at the horizon `end`, in state `state`.
    pub fn task_alive_at_end(&mut self, created: SimTime, state: TaskState, end: SimTime) {
        let started = matches!(state, TaskState::Running | TaskState::Stopping);
        let window_task = self.in_window(created);
        let c = &mut self.counts;
        if !window_task {
            if started {
                c.carried_over.running_at_end += 1;
            } else {
                c.carried_over.pending_at_end += 1;
            }
        } else if started {
            c.running_at_end += 1;
        } else {
            c.pending_at_end += 1;
            self.waiting_at_end.record(end.since(created).as_millis());
        }
    }

    pub fn summary(
        &self,
        config: &SimConfig,
        events: u64,
        cost: CostTotals,
        availability_integrals: &[AvailabilityIntegrals],
    ) -> Summary {
        let window_ms = config.horizon.since(self.window_start).as_millis() as f64;
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        let pending_time_s = PendingSummary {
            started: latency_summary(&self.pending),
            waiting_at_end: latency_summary(&self.waiting_at_end),
        };
        let availability = |f: &dyn Fn(&AvailabilityIntegrals) -> f64| {
            let services: std::collections::BTreeMap<String, f64> = config
                .services
                .iter()
                .zip(availability_integrals)
                .map(|(s, a)| (s.name.clone(), ratio(f(a), window_ms)))
                .collect();
            let min = services.values().copied().fold(1.0, f64::min);
            AvailabilitySummary { services, min }
        };
        Summary {
            scenario: config.name.clone(),
            seed: config.seed,
            sim_time_s: window_ms / 1000.0,
            warmup_s: config.warmup.as_secs_f64(),
            events_processed: events,
            tasks: self.counts.clone(),
            utilization: Utilization {
                cpu_reserved_mean: ratio(self.cpu_reserved_ms, self.cpu_registered_ms),
                memory_reserved_mean: ratio(self.memory_reserved_ms, self.memory_registered_ms),
            },
            pending_time_s,
            cost_usd: CostSummary {
                total: cost.total(),
                ec2: cost.ec2,
                fargate: cost.fargate,
                managed_instances: cost.managed_instances,
                management_fee: cost.management_fee,
                // The split and per-origin figures are filled when the run ends, once
                // every hour is split.
                ..CostSummary::default()
            },
            instances: InstanceSummary {
                mean: ratio(self.instance_ms, window_ms),
                peak: self.peak_instances,
            },
            restart_latency_s: RestartLatencySummary {
                overall: latency_summary(&self.restart),
                by_cause: RestartCause::ALL
                    .iter()
                    .zip(&self.restart_by_cause)
                    .filter(|(_, h)| !h.is_empty())
                    .map(|(c, h)| (c.as_str().to_string(), latency_summary(h)))
                    .collect(),
                by_launch_type: LaunchType::ALL
                    .iter()
                    .zip(&self.restart_by_launch)
                    .filter(|(_, h)| !h.is_empty())
                    .map(|(l, h)| (l.as_str().to_string(), latency_summary(h)))
                    .collect(),
                // Filled in by the simulation, which knows what is still owed.
                unrestored_at_end: 0,
                container_restarts: self.container_restarts,
            },
            availability: availability(&|a| a.served_ms),
            availability_all_up: availability(&|a| a.ok_ms as f64),
            deployments: std::collections::BTreeMap::new(),
            warnings: Vec::new(),
            task_seconds_short: config
                .services
                .iter()
                .zip(availability_integrals)
                .map(|(s, a)| (s.name.clone(), a.short_task_ms as f64 / 1000.0))
                .collect(),
            scaling: Default::default(),
            overload: Default::default(),
            queues: Default::default(),
            commitments: None,
        }
    }
}
