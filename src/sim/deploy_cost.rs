//! What a deployment costs above the steady bill: `peak_tasks`, `overlap_task_seconds` and
//! `extra_cost_usd` of `deployments.<service>` (issue 34 item 4).
//!
//! Over the deployment's span [started, finished] (the horizon while in progress):
//!
//! - a task of the service is *billed* from its image pull's start on Fargate (AWS bills
//!   from there) and from its placement on EC2 (it holds its reservation), until STOPPED;
//! - `overlap_task_seconds` = ∫ billed tasks dt − (tasks billed at `started`) × span;
//! - `extra_cost_usd` = the Fargate part, ∫ Σ the billed Fargate tasks' hourly rates dt
//!   − (their rate at `started`) × span, plus, when the service can run on EC2, the EC2
//!   part, ∫ the cluster's instances' hourly prices dt − (their price at `started`) × span:
//!   on EC2 AWS bills instances, so the overlap costs only the capacity the cluster added
//!   (managed scale-out) while the deployment ran, and nothing when spare room absorbed it.
//!
//! Per-second rates without the one-minute minimums; the EC2 part counts every instance of
//! the cluster (another service scaling out at the same time is counted too) and stops at
//! `finished` (instances the deployment added and scale-in removes later are not counted
//! beyond it). Both can be negative: a rolling deployment with `maximumPercent = 100` runs
//! fewer tasks than before.
//!
//! Each part is an integral of a step function, summed per task (per instance) when it
//! stops and for the ones still alive when the deployment ends, so nothing is sampled.

use super::Simulation;
use crate::metrics::{DeploymentSummary, Recorder};
use crate::model::{LaunchSpec, Provider, ServiceId, Target, Task};
use crate::time::SimTime;

const MS_PER_HOUR: f64 = 3_600_000.0;

/// The running sums of one open deployment.
#[derive(Clone, Copy, Debug)]
pub(super) struct DeploymentMeter {
    started: SimTime,
    base_tasks: u32,
    base_fargate_per_hour: f64,
    /// `None` when the service cannot run on EC2: its deployments add no instances.
    base_ec2_per_hour: Option<f64>,
    task_ms: f64,
    fargate_usd: f64,
    ec2_usd: f64,
    peak_tasks: u32,
}

/// When a task starts being billed, per the module doc; `None` if it never is.
fn billed_from(task: &Task) -> Option<SimTime> {
    match task.target {
        Target::Fargate { .. } => task.pull_started_at,
        // Managed Instances are EC2 instances ECS runs: a task holds its share from placement.
        Target::Ec2 | Target::Pool(_) | Target::Managed(_) => task.placed_at,
    }
}

/// Milliseconds of [from, to) after `started`.
fn span_after(started: SimTime, from: SimTime, to: SimTime) -> f64 {
    let from = from.max(started);
    if to > from {
        to.since(from).as_millis() as f64
    } else {
        0.0
    }
}

impl<R: Recorder> Simulation<'_, R> {
    /// A meter for a deployment of service `s` starting now.
    pub(super) fn meter_start(&self, s: ServiceId, now: SimTime) -> DeploymentMeter {
        let (mut base_tasks, mut base_fargate_per_hour) = (0, 0.0);
        let live = self.tasks.of_origin(s.into());
        for &slot in live {
            let task = self.tasks.get(slot);
            if billed_from(task).is_some_and(|t| t <= now) {
                base_tasks += 1;
                let def = &self.config.task_defs[task.task_def.index()];
                base_fargate_per_hour += self.billing.task_rate_per_hour(task, def);
            }
        }
        let on_ec2 = match &self.config.services[s.index()].launch {
            LaunchSpec::Ec2 => true,
            LaunchSpec::Fargate => false,
            LaunchSpec::Providers(shares) => shares
                .iter()
                .any(|p| matches!(p.provider, Provider::Pool(_) | Provider::Managed(_))),
        };
        DeploymentMeter {
            started: now,
            base_tasks,
            base_fargate_per_hour,
            base_ec2_per_hour: on_ec2.then(|| self.instances_per_hour()),
            task_ms: 0.0,
            fargate_usd: 0.0,
            ec2_usd: 0.0,
            peak_tasks: live.len() as u32,
        }
    }

    fn instances_per_hour(&self) -> f64 {
        let mut live: Vec<_> = self
            .cluster
            .instance_slots()
            .iter()
            .filter(|i| i.state != crate::model::InstanceState::Terminated)
            .map(|i| (i.launch, i.price_per_hour))
            .collect();
        // Summed in launch order: floating-point sums depend on order, slots' is not stable.
        live.sort_unstable_by_key(|(launch, _)| *launch);
        live.iter().map(|(_, p)| p).sum()
    }

    /// Service `s` may have more tasks now: its open deployment's peak follows.
    pub(super) fn meter_peak(&mut self, s: ServiceId) {
        let alive = self.tasks.of_origin(s.into()).len() as u32;
        if let Some(r) = self.deployments[s].rollout.as_mut() {
            r.meter.peak_tasks = r.meter.peak_tasks.max(alive);
        }
    }

    /// Task `slot` stops now: its billed time goes to its service's open deployment.
    // Inlined to a test of the origin: only a service with a deployment open pays more.
    #[inline]
    pub(super) fn meter_task_stopped(&mut self, slot: u32, now: SimTime) {
        let task = self.tasks.get(slot);
        let crate::model::Origin::Service(s) = task.origin else {
            return;
        };
        if self.deployments[s].rollout.is_none() {
            return;
        }
        let Some(from) = billed_from(task) else {
            return;
        };
        let def = &self.config.task_defs[task.task_def.index()];
        let rate = self.billing.task_rate_per_hour(task, def);
        if let Some(r) = self.deployments[s].rollout.as_mut() {
            let ms = span_after(r.meter.started, from, now);
            r.meter.task_ms += ms;
            r.meter.fargate_usd += rate * ms / MS_PER_HOUR;
        }
    }

    /// An instance launched at `launched` and priced `per_hour` terminates now.
    pub(super) fn meter_instance_closed(&mut self, per_hour: f64, launched: SimTime, now: SimTime) {
        for s in self.origins.service_ids() {
            if let Some(r) = self.deployments[s].rollout.as_mut()
                && r.meter.base_ec2_per_hour.is_some()
            {
                r.meter.ec2_usd +=
                    per_hour * span_after(r.meter.started, launched, now) / MS_PER_HOUR;
            }
        }
    }

    /// Closes `meter` of service `s` at `now` into `record`: the tasks and instances still
    /// alive count up to now.
    pub(super) fn meter_close(
        &self,
        s: ServiceId,
        meter: &DeploymentMeter,
        now: SimTime,
        record: &mut DeploymentSummary,
    ) {
        let mut m = *meter;
        for &slot in self.tasks.of_origin(s.into()) {
            let task = self.tasks.get(slot);
            if let Some(from) = billed_from(task) {
                let def = &self.config.task_defs[task.task_def.index()];
                let ms = span_after(m.started, from, now);
                m.task_ms += ms;
                m.fargate_usd += self.billing.task_rate_per_hour(task, def) * ms / MS_PER_HOUR;
            }
        }
        let span_ms = now.since(m.started).as_millis() as f64;
        let mut extra = m.fargate_usd - m.base_fargate_per_hour * span_ms / MS_PER_HOUR;
        if let Some(base) = m.base_ec2_per_hour {
            let mut live: Vec<_> = self
                .cluster
                .instance_slots()
                .iter()
                .filter(|i| i.state != crate::model::InstanceState::Terminated)
                .map(|i| (i.launch, i.launched_at, i.price_per_hour))
                .collect();
            live.sort_unstable_by_key(|(launch, ..)| *launch);
            for (_, launched, price) in live {
                m.ec2_usd += price * span_after(m.started, launched, now) / MS_PER_HOUR;
            }
            extra += m.ec2_usd - base * span_ms / MS_PER_HOUR;
        }
        record.peak_tasks = m.peak_tasks;
        record.overlap_task_seconds = (m.task_ms - f64::from(m.base_tasks) * span_ms) / 1000.0;
        record.extra_cost_usd = extra;
    }
}
