//! Failure injection: what goes wrong, and when. The service scheduler's answer (a
//! replacement, throttling, reconciling to the desired count) lives in `service.rs`.
//!
//! Failure sources, each off unless the scenario sets it: task crashes after RUNNING
//! (`services[].crash_after`), failures before RUNNING (`start_failure_probability`,
//! throttled by `failures.restart_backoff`), instance failures per pool, Spot notices for
//! EC2 Spot pools and FARGATE_SPOT tasks, AZ outage windows, and scheduled actions. Every
//! source draws from its own random stream, so turning one on never changes another's draws
//! or the workload's.
//!
//! Each unexpected loss leaves a [`RestartTag`] that the next launched task carries; when
//! that task reaches RUNNING the restart latency is recorded (a replacement that itself
//! fails before RUNNING passes the tag on, so the latency covers every attempt).
//!
//! Hung tasks and health checks live in `health.rs`; rolling
//! deployments and the circuit breaker in `deploy.rs` (a service under deployment is
//! reconciled by `rollout_step`); DAEMON services in `daemon.rs` (reconciled per instance).
//!
//! Under a Spot notice (an EC2 Spot instance with managed draining or
//! `spot_instance_draining`, or a
//! FARGATE_SPOT task) a RUNNING service task becomes STOPPING: it still serves and counts
//! as running, but is already replaced; it stops when a replacement of its service reaches
//! RUNNING or when the notice ends, whichever is first. PENDING tasks on a noticed instance
//! stop at once, as on a DRAINING instance.

use super::Simulation;
use super::events::{Event, TaskRef};
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{
    Action, AzId, InstanceId, InstanceRef, InstanceState, Origin, PoolId, RestartCause, RestartTag,
    StopReason, TaskState,
};
use crate::time::SimTime;

/// What AZ outages have taken away.
pub(super) struct Outages {
    /// AZs inside an outage window.
    az_down: Vec<bool>,
    /// Replacement instances per pool waiting for one of its AZs to come back.
    owed_instances: Vec<u32>,
}

impl Outages {
    pub fn new(config: &crate::model::SimConfig) -> Outages {
        Outages {
            az_down: vec![false; config.availability_zones.len()],
            owed_instances: vec![0; config.pools.len()],
        }
    }

    /// Whether `az` is inside an outage window.
    pub fn is_down(&self, az: AzId) -> bool {
        self.az_down[az.index()]
    }
}

impl<R: Recorder> Simulation<'_, R> {
    /// Draws the failure and Spot notice times of an instance that just registered.
    pub(super) fn arm_instance(&mut self, id: InstanceId, now: SimTime, q: &mut EventQueue<Event>) {
        let p = self.cluster.instance(id).pool.index();
        let r = self.cluster.reference(id);
        let spec = &self.config.pools[p];
        if let Some(dist) = &spec.instance_failure {
            let ttf = dist.sample(&mut self.streams.instance_failures[p]);
            q.schedule(now + ttf, Event::InstanceFailure(r));
        }
        if let Some(dist) = &spec.spot_interruption {
            let ttn = dist.sample(&mut self.streams.ec2_spot_notices[p]);
            q.schedule(now + ttn, Event::SpotNotice(r));
        }
    }

    /// The instance is lost: every task on it stops with `reason`, it is terminated, and
    /// its pool launches a replacement.
    pub(super) fn fail_instance(
        &mut self,
        id: InstanceId,
        now: SimTime,
        reason: StopReason,
        queue: &mut EventQueue<Event>,
    ) {
        let inst = self.cluster.instance(id);
        if inst.state == InstanceState::Terminated {
            return;
        }
        let (pool, az, price, launched) =
            (inst.pool, inst.az, inst.price_per_hour, inst.launched_at);
        self.narrate(now, |n| n.instance_lost(id, reason));
        self.terminate_with_tasks(id, price, launched, now, reason, queue);
        self.replace_instance(pool, az, now, queue);
    }

    /// Drains the instance, stops every task on it with `reason`, closes its bill and
    /// terminates it: what a failure and a scale-in have in common.
    pub(super) fn terminate_with_tasks(
        &mut self,
        id: InstanceId,
        price: f64,
        launched: SimTime,
        now: SimTime,
        reason: StopReason,
        queue: &mut EventQueue<Event>,
    ) {
        self.cluster.drain(id);
        self.release_daemon_holds_on(id);
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        scratch.extend_from_slice(self.tasks.on_instance(id));
        scratch.sort_unstable();
        self.daemons_last(&mut scratch);
        for &slot in &scratch {
            // A slot freed above may already hold a replacement; it is never on this
            // (draining) instance, so the check tells them apart.
            let t = self.tasks.get(slot);
            if t.state != TaskState::Stopped && t.instance == Some(id) {
                self.stop_task(slot, now, reason, queue);
            }
        }
        self.scratch = scratch;
        let pool = self.cluster.instance(id).pool.index();
        self.billing
            .instance_closed(id.index(), price, pool, launched, now);
        self.meter_instance_closed(price, launched, now);
        self.cluster.terminate(id, now);
        self.daemons_reconcile(now, queue);
    }

    /// The pool keeps its size: a new instance in `prefer` if that AZ is up, else in the
    /// pool's up AZ with the fewest of its instances; if all are down, once one comes back.
    pub(super) fn replace_instance(
        &mut self,
        pool: PoolId,
        prefer: AzId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        // A Managed Instances provider launches for the tasks that wait, not to keep a size.
        if self.managed.provider_of(pool).is_some() {
            return;
        }
        let spec = &self.config.pools[pool.index()];
        let az = if !self.outages.is_down(prefer) && spec.azs.contains(&prefer) {
            Some(prefer)
        } else {
            spec.azs
                .iter()
                .copied()
                .filter(|az| !self.outages.is_down(*az))
                .min_by_key(|az| (self.cluster.pool_az_instances(pool, *az), az.0))
        };
        match az {
            Some(az) => {
                // Every launch after time zero goes through here: scale-out and replacements.
                self.autoscaling.instance_launched();
                let id = self.launch_instance(pool, az, now);
                queue.schedule(
                    now + self.config.timing.instance_launch,
                    Event::InstanceRegistered(self.cluster.reference(id)),
                );
            }
            None => self.outages.owed_instances[pool.index()] += 1,
        }
    }

    /// A RUNNING service task is under notice: it keeps serving but is replaced now.
    pub(super) fn doom_task(&mut self, slot: u32, now: SimTime, cause: RestartCause) {
        let task = self.tasks.get_mut(slot);
        task.state = TaskState::Stopping;
        let launch_type = task.target.launch_type();
        let Origin::Service(s) = task.origin else {
            return;
        };
        self.rollout_lost_task(s);
        let state = &mut self.origins[s];
        state.task_doomed(slot);
        state.owed.push_back(RestartTag {
            since: now,
            cause,
            launch_type,
        });
    }

    /// EC2 Spot notice. With managed draining (the capacity provider's `managedDraining`,
    /// on by default) or `spot_instance_draining` (`ECS_ENABLE_SPOT_INSTANCE_DRAINING`)
    /// the instance drains: its running service tasks are replaced during the notice, its
    /// pending ones stop now, and standalone tasks run on until the instance is reclaimed.
    /// Without either ECS is not told: every task runs, and the instance
    /// takes new ones, until the reclaim stops them all.
    pub(super) fn spot_notice(
        &mut self,
        id: InstanceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        if self.cluster.instance(id).state != InstanceState::Active {
            return;
        }
        let pool = self.cluster.instance(id).pool;
        let spec = &self.config.pools[pool.index()];
        let draining = spec.managed_draining || spec.spot_instance_draining;
        self.narrate(now, |n| n.spot_notice(id));
        let reclaim = now + self.config.failures.spot_notice;
        let r = self.cluster.reference(id);
        if !draining {
            queue.schedule(reclaim, Event::SpotReclaim(r));
            return;
        }
        self.cluster.drain(id);
        self.release_daemon_holds_on(id);
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        scratch.extend(
            self.tasks
                .on_instance(id)
                .iter()
                .filter(|s| matches!(self.tasks.get(**s).origin, Origin::Service(_))),
        );
        scratch.sort_unstable();
        for &slot in &scratch {
            let t = self.tasks.get(slot);
            if t.instance != Some(id) {
                continue;
            }
            match t.state {
                // A daemon task runs on until the instance goes (stopped last).
                TaskState::Running if matches!(t.origin, Origin::Service(s) if self.is_daemon(s.into())) =>
                    {}
                TaskState::Running => self.doom_task(slot, now, RestartCause::Spot),
                TaskState::Provisioning | TaskState::Pending => {
                    self.stop_task(slot, now, StopReason::SpotInterruption, queue)
                }
                TaskState::Stopping | TaskState::Stopped => {}
            }
        }
        self.scratch = scratch;
        for s in self.origins.service_ids() {
            self.reconcile_service(s, now, queue);
        }
        queue.schedule(reclaim, Event::SpotReclaim(r));
    }

    /// FARGATE_SPOT notice for one task: ECS sends SIGTERM with the notice, so the task
    /// stops once its container has shut down (at most `stopTimeout` later, then SIGKILL),
    /// not at the end of the two minutes. A service starts its replacement now only if
    /// `maximumPercent` leaves room beside the stopping task; otherwise when it stops.
    pub(super) fn task_spot_notice(
        &mut self,
        r: TaskRef,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(task) = self.tasks.live(r) else {
            return;
        };
        if task.state != TaskState::Running {
            return;
        }
        let stop_after = self.config.task_defs[task.task_def.index()].stop_after_sigterm;
        let origin = task.origin;
        self.narrate(now, |n| n.task_spot_notice(r.slot, stop_after));
        if let Origin::Service(s) = origin {
            let state = &self.origins[s];
            let upper = self.config.services[s.index()]
                .deployment
                .upper(state.counts.desired());
            // Without room it stays RUNNING (and serving) until it stops; that stop is an
            // ordinary loss the scheduler replaces.
            if state.alive() < upper {
                self.doom_task(r.slot, now, RestartCause::Spot);
                self.reconcile_service(s, now, queue);
            }
        }
        queue.schedule(now + stop_after, Event::TaskSpotReclaim(r));
    }

    pub(super) fn az_outage_start(&mut self, i: u32, now: SimTime, queue: &mut EventQueue<Event>) {
        let az = self.config.failures.az_outages[i as usize].az;
        self.outages.az_down[az.index()] = true;
        self.narrate(now, |n| n.az_down(az));
        // Rare, so a fresh list is fine here. Lost in launch order (slots are reused).
        let mut lost: Vec<(u32, InstanceId)> = self
            .cluster
            .instance_slots()
            .iter()
            .filter(|i| i.az == az && i.state != InstanceState::Terminated)
            .map(|i| (i.launch, i.id))
            .collect();
        lost.sort_unstable();
        // References, not slots: a replacement launched while this list is worked through
        // may take a slot freed earlier in it.
        let lost: Vec<InstanceRef> = lost
            .into_iter()
            .map(|(_, id)| self.cluster.reference(id))
            .collect();
        // Drain them all first, so no task lost here is replaced onto a doomed neighbour.
        for r in &lost {
            self.cluster.drain(r.id);
            self.release_daemon_holds_on(r.id);
        }
        for r in lost {
            if let Some(id) = self.cluster.resolve(r) {
                self.fail_instance(id, now, StopReason::AzOutage, queue);
            }
        }
        let fargate: Vec<u32> = self
            .tasks
            .live_slots()
            .filter(|s| {
                let t = self.tasks.get(*s);
                t.target.is_fargate() && t.az == Some(az)
            })
            .collect();
        for slot in fargate {
            let t = self.tasks.get(slot);
            if t.state != TaskState::Stopped && t.target.is_fargate() && t.az == Some(az) {
                self.stop_task(slot, now, StopReason::AzOutage, queue);
            }
        }
    }

    pub(super) fn az_outage_end(&mut self, i: u32, now: SimTime, queue: &mut EventQueue<Event>) {
        let az = self.config.failures.az_outages[i as usize].az;
        self.outages.az_down[az.index()] = false;
        self.narrate(now, |n| n.az_back(az));
        for p in 0..self.outages.owed_instances.len() {
            let owed = std::mem::take(&mut self.outages.owed_instances[p]);
            for _ in 0..owed {
                self.replace_instance(PoolId(p as u32), az, now, queue);
            }
        }
        self.retry_waiting(now, queue);
        self.rebalance_all(now, queue);
    }

    pub(super) fn scheduled(&mut self, i: u32, now: SimTime, queue: &mut EventQueue<Event>) {
        let action = self.config.failures.events[i as usize].action.clone();
        match action {
            Action::KillInstance { pool, index } => {
                // The index counts the pool's registered instances in launch order.
                let mut registered: Vec<(u32, InstanceId)> = self
                    .cluster
                    .instance_slots()
                    .iter()
                    .filter(|inst| {
                        inst.pool == pool
                            && matches!(inst.state, InstanceState::Active | InstanceState::Draining)
                    })
                    .map(|inst| (inst.launch, inst.id))
                    .collect();
                registered.sort_unstable();
                let target = registered.get(index as usize).map(|(_, id)| *id);
                if let Some(id) = target {
                    self.fail_instance(id, now, StopReason::InstanceFailed, queue);
                }
            }
            Action::KillTasks { service, count } => {
                self.narrate(now, |n| n.kill_tasks(service, count));
                let mut victims: Vec<(u64, u32)> = self
                    .tasks
                    .of_origin(service.into())
                    .iter()
                    .filter_map(|&s| {
                        let t = self.tasks.get(s);
                        (t.state == TaskState::Running).then_some((t.id, s))
                    })
                    .collect();
                victims.sort_unstable_by(|a, b| b.cmp(a));
                for (id, slot) in victims.into_iter().take(count as usize) {
                    let t = self.tasks.get(slot);
                    if t.id == id && t.state == TaskState::Running {
                        self.stop_task(slot, now, StopReason::UserInitiated, queue);
                    }
                }
            }
            Action::SetDesiredCount { service, count } => {
                self.narrate(now, |n| n.desired_set(service, count));
                self.set_service_desired(service, count, now);
                self.reconcile_service(service, now, queue);
            }
        }
    }

    /// Whether a task whose start completes now fails instead (`start_failure_probability`).
    pub(super) fn start_fails(&mut self, slot: u32) -> bool {
        use rand::Rng;
        let task = self.tasks.get(slot);
        let Origin::Service(s) = task.origin else {
            return false;
        };
        let p = self.config.task_defs[task.task_def.index()]
            .start_failure_probability
            .unwrap_or(self.config.services[s.index()].start_failure_probability);
        p > 0.0 && self.streams.start_failures[s.index()].random::<f64>() < p
    }
}
