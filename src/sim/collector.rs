//! Window metrics: counts, pending-time distribution and time-weighted utilization, all
//! restricted to [warm-up, horizon].

use super::billing::CostTotals;
use crate::metrics::{
    AvailabilitySummary, CostSummary, InstanceSummary, LatencySummary, RestartLatencySummary,
    Summary, TaskCounts, Utilization,
};
use crate::model::{Cluster, RestartCause, SimConfig};
use crate::stats::LatencyHistogram;
use crate::time::{SimDuration, SimTime};

pub(super) struct Collector {
    window_start: SimTime,
    in_window: bool,
    counts: TaskCounts,
    pending: LatencyHistogram,
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
    /// EC2, FARGATE.
    restart_by_launch: [LatencyHistogram; 2],
    availability: Vec<ServiceAvailability>,
}

/// One service's availability integrals, advanced lazily whenever its running or desired
/// count is about to change.
#[derive(Clone, Copy, Default)]
struct ServiceAvailability {
    last: SimTime,
    ok_ms: u64,
    short_task_ms: u64,
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
    pub fn new(warmup: SimTime, services: usize) -> Collector {
        Collector {
            window_start: warmup,
            in_window: warmup == SimTime::ZERO,
            counts: TaskCounts::default(),
            pending: LatencyHistogram::new(),
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
            availability: vec![ServiceAvailability::default(); services],
        }
    }

    /// A replacement reached RUNNING `latency` after the loss it makes good.
    pub fn restarted(&mut self, latency: SimDuration, cause: RestartCause, launch_type: &str) {
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
        let l = usize::from(launch_type != "EC2");
        self.restart_by_launch[l].record(ms);
    }

    /// Advances service `s`'s availability integrals to `now` with the counts that held
    /// since the last call; call before either count changes.
    pub fn availability(&mut self, s: usize, now: SimTime, desired: u32, running: u32) {
        let a = &mut self.availability[s];
        let from = a.last.max(self.window_start);
        if now > from {
            let dt = now.since(from).as_millis();
            if running >= desired {
                a.ok_ms += dt;
            } else {
                a.short_task_ms += u64::from(desired - running) * dt;
            }
        }
        a.last = now;
    }

    pub fn open_window(&mut self, now: SimTime) {
        self.in_window = true;
        self.last = now;
    }

    /// Accumulates the cluster's state since the last event; called before each event
    /// changes it, so the integral is exact for piecewise-constant values.
    pub fn integrate(&mut self, now: SimTime, cluster: &Cluster, instances: u32) {
        if !self.in_window {
            return;
        }
        let dt = now.since(self.last).as_millis() as f64;
        if dt > 0.0 {
            self.cpu_reserved_ms += cluster.reserved_cpu as f64 * dt;
            self.cpu_registered_ms += cluster.registered_cpu as f64 * dt;
            self.memory_reserved_ms += cluster.reserved_memory as f64 * dt;
            self.memory_registered_ms += cluster.registered_memory as f64 * dt;
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

    pub fn task_started(&mut self, pending: SimDuration) {
        if self.in_window {
            self.counts.started += 1;
            self.pending.record(pending.as_millis());
        }
    }

    pub fn task_completed(&mut self) {
        if self.in_window {
            self.counts.completed += 1;
        }
    }

    pub fn task_rejected(&mut self) {
        if self.in_window {
            self.counts.rejected += 1;
        }
    }

    pub fn summary(
        &self,
        config: &SimConfig,
        events: u64,
        pending_at_end: u32,
        running_at_end: u32,
        cost: CostTotals,
    ) -> Summary {
        let window_ms = config.horizon.since(self.window_start).as_millis() as f64;
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        let pending_time_s = latency_summary(&self.pending);
        Summary {
            scenario: config.name.clone(),
            seed: config.seed,
            sim_time_s: window_ms / 1000.0,
            warmup_s: config.warmup.as_secs_f64(),
            events_processed: events,
            tasks: TaskCounts {
                pending_at_end: u64::from(pending_at_end),
                running_at_end: u64::from(running_at_end),
                ..self.counts.clone()
            },
            utilization: Utilization {
                cpu_reserved_mean: ratio(self.cpu_reserved_ms, self.cpu_registered_ms),
                memory_reserved_mean: ratio(self.memory_reserved_ms, self.memory_registered_ms),
            },
            pending_time_s,
            cost_usd: CostSummary {
                total: cost.ec2 + cost.fargate,
                ec2: cost.ec2,
                fargate: cost.fargate,
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
                by_launch_type: ["EC2", "FARGATE"]
                    .iter()
                    .zip(&self.restart_by_launch)
                    .filter(|(_, h)| !h.is_empty())
                    .map(|(l, h)| (l.to_string(), latency_summary(h)))
                    .collect(),
                // Filled in by the simulation, which knows what is still owed.
                unrestored_at_end: 0,
            },
            availability: {
                let services: std::collections::BTreeMap<String, f64> = config
                    .services
                    .iter()
                    .zip(&self.availability)
                    .map(|(s, a)| (s.name.clone(), ratio(a.ok_ms as f64, window_ms)))
                    .collect();
                let min = services.values().copied().fold(1.0, f64::min);
                AvailabilitySummary { services, min }
            },
            deployments: std::collections::BTreeMap::new(),
            warnings: Vec::new(),
            task_seconds_short: config
                .services
                .iter()
                .zip(&self.availability)
                .map(|(s, a)| (s.name.clone(), a.short_task_ms as f64 / 1000.0))
                .collect(),
            scaling: Default::default(),
            overload: Default::default(),
            queues: Default::default(),
            commitments: None,
        }
    }
}
