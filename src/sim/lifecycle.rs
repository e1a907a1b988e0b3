//! A task's life: created, placed (or queued, or rejected), started through its
//! provisioning, pull and container start, RUNNING, and stopped.

use super::Simulation;
use super::events::Event;
use super::origins::OriginId;
use super::service::StoppedTask;
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::task::RejectReason;
use crate::model::{
    AzId, JobId, Origin, RestartTag, ServiceId, StopReason, Target, Task, TaskState,
};
use crate::placement::{self, PlacementRequest, providers};
use crate::time::{SimDuration, SimTime};

/// Tasks by where they are in their life, cluster-wide (written only here).
#[derive(Default)]
pub(super) struct TaskTotals {
    running: u32,
    /// Created and not yet RUNNING (PROVISIONING or PENDING).
    pending: u32,
    /// On Fargate, for the concurrency quota.
    fargate: u32,
}

impl TaskTotals {
    /// Tasks RUNNING (STOPPING ones included until they stop).
    pub fn running(&self) -> u32 {
        self.running
    }

    /// Tasks created and not yet RUNNING (PROVISIONING or PENDING).
    pub fn pending(&self) -> u32 {
        self.pending
    }
}

impl<'a, R: Recorder> Simulation<'a, R> {
    /// Launches a task of `service`; false when the PROVISIONING limit refused it (no task
    /// was created, and further launches now would be refused too).
    pub(super) fn launch_service_task(
        &mut self,
        service: ServiceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) -> bool {
        let restart = self.origins[service].owed.pop_front();
        self.create_and_submit(service.into(), None, restart, None, now, queue)
    }

    /// Launches a DAEMON service's task on `instance` (which has room for it).
    pub(super) fn launch_daemon_task(
        &mut self,
        service: ServiceId,
        instance: crate::model::InstanceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let restart = self.origins[service].owed.pop_front();
        self.daemons.placed(
            service.into(),
            instance,
            self.cluster.instance_slots().len(),
        );
        self.create_and_submit(service.into(), None, restart, Some(instance), now, queue);
    }

    pub(super) fn launch_job_task(
        &mut self,
        job: JobId,
        recorded: Option<SimDuration>,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let run_time = recorded.unwrap_or_else(|| {
            self.config.jobs[job.index()]
                .duration
                .sample(&mut self.streams.job_durations[job.index()])
        });
        let origin = self.origins.id(Origin::Job(job));
        self.create_and_submit(origin, Some(run_time), None, None, now, queue);
    }

    pub(super) fn is_daemon(&self, o: OriginId) -> bool {
        self.origins
            .service(o)
            .is_some_and(|s| self.config.services[s.index()].daemon)
    }

    /// Creates a task of origin `o` (a service, or a job stream after the services) and
    /// places it, on `on` for a DAEMON task, or queues it. False when the PROVISIONING
    /// limit held a service launch back (no task created).
    fn create_and_submit(
        &mut self,
        o: OriginId,
        run_time: Option<SimDuration>,
        restart: Option<RestartTag>,
        on: Option<crate::model::InstanceId>,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) -> bool {
        let origin = self.origins[o].origin;
        let target_index = match self.config_launch_shares(o) {
            Some(shares) => {
                providers::next_provider(shares, self.origins[o].target_counts()).unwrap_or(0)
            }
            None => 0,
        };
        let over_limit =
            on.is_none() && self.provisioning_full(self.origins[o].targets[target_index]);
        if let (true, Origin::Service(service)) = (over_limit, origin) {
            self.hold_back_service(service, restart, now);
            return false;
        }
        let state = &mut self.origins[o];
        state.task_created(target_index);
        let task_def = state.task_def;
        let target = state.targets[target_index];
        let id = self.next_task_id;
        self.next_task_id += 1;
        let task = Task {
            id,
            generation: 0,
            origin,
            task_def,
            target,
            target_index: target_index as u16,
            state: TaskState::Provisioning,
            instance: on,
            az: None,
            fargate_size: None,
            created_at: now,
            placed_at: None,
            pull_started_at: None,
            running_at: None,
            stopped_at: None,
            run_time,
            stop_reason: None,
            restart,
            restored: None,
            hung: false,
            deregistering: false,
            restarting: false,
            restarted_at: None,
        };
        let r = self.tasks.insert(task, o);
        self.totals.pending += 1;
        self.collector.task_created();
        if over_limit {
            self.narrate(now, |n| n.refused_over_limit(r.slot));
            let reason = StopReason::PlacementFailed(RejectReason::ProvisioningLimit);
            self.stop_task(r.slot, now, reason, queue);
            return true;
        }
        let waiting_ahead = on.is_none() && !self.waiting.queue(o, target_index).is_empty();
        if waiting_ahead {
            self.narrate(now, |n| n.waits_behind_earlier(r.slot));
            self.enqueue(o, target_index, r.slot, queue);
            return true;
        }
        match self.try_start(r.slot, now, queue) {
            Ok(()) => {}
            Err(reason) if self.origins[o].fails_fast => {
                self.stop_task(r.slot, now, StopReason::PlacementFailed(reason), queue);
            }
            Err(reason) => {
                self.narrate(now, |n| n.waits(r.slot, reason));
                self.enqueue(o, target_index, r.slot, queue);
            }
        }
        true
    }

    fn config_launch_shares(&self, o: OriginId) -> Option<&[crate::model::ProviderShare]> {
        match self.origins[o].launch(self.config) {
            crate::model::LaunchSpec::Providers(shares) => Some(shares),
            _ => None,
        }
    }

    /// Places the task (EC2) or admits it (Fargate) and starts its startup path.
    pub(super) fn try_start(
        &mut self,
        slot: u32,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) -> Result<(), RejectReason> {
        let task = self.tasks.get(slot);
        let def = &self.config.task_defs[task.task_def.index()];
        let o = self.origins.id(task.origin);
        let (provisioning, pull_and_start) = match task.target {
            Target::Ec2 | Target::Pool(_) | Target::Managed(_) => {
                self.place_on_ec2(slot, o, now)?
            }
            Target::Fargate { .. } => self.admit_to_fargate(slot, o, now)?,
        };
        let task = self.tasks.get_mut(slot);
        task.placed_at = Some(now);
        task.state = TaskState::Pending;
        if let (Target::Managed(_), Some(on)) = (task.target, task.instance) {
            self.managed_instance_changed(on, now, queue);
        }
        let task = self.tasks.get_mut(slot);
        let pull_start = now + provisioning;
        task.pull_started_at = Some(pull_start);
        let running_at = pull_start + pull_and_start;
        // A start that may fail is decided by the TaskRunning event, never inline.
        let may_fail = self.origins.service(o).is_some_and(|s| {
            def.start_failure_probability
                .unwrap_or(self.config.services[s.index()].start_failure_probability)
                > 0.0
        });
        if running_at == now && !may_fail {
            self.task_running(slot, now, queue);
        } else {
            let r = self.tasks.reference(slot);
            queue.schedule(running_at, Event::TaskRunning(r));
        }
        Ok(())
    }

    /// Chooses an instance for task `slot` of origin `o` (or takes the one a DAEMON task
    /// comes with), reserves it and returns the startup delays: (provisioning, pull and
    /// container start).
    fn place_on_ec2(
        &mut self,
        slot: u32,
        o: OriginId,
        now: SimTime,
    ) -> Result<(SimDuration, SimDuration), RejectReason> {
        let task = self.tasks.get(slot);
        let def = &self.config.task_defs[task.task_def.index()];
        let request = self.placement_request(slot, o);
        let chosen = match task.instance {
            // A DAEMON task comes with its instance.
            Some(on) => Some(on),
            None => match task.target {
                Target::Managed(m) => self.choose_managed(m, &request, def),
                _ => {
                    placement::choose_instance(&self.cluster, &request, &mut self.streams.placement)
                }
            },
        };
        let Some(chosen) = chosen else {
            // The reason costs a scan; only a RunTask failure or the trace shows it.
            return Err(if self.origins[o].fails_fast || self.recorder.tracing() {
                placement::reject_reason(&self.cluster, &request)
            } else {
                RejectReason::NoInstances
            });
        };
        let task_def = task.task_def;
        self.narrate(now, |n| n.placed(slot, &request, chosen));
        let group = request.placement.group;
        self.cluster
            .reserve(chosen, def.reservation(group, self.is_daemon(o)));
        self.billing.task_placed(
            slot,
            o.index(),
            self.origins.service(o).map(|s| s.index()),
            chosen.index(),
            def,
            now,
        );
        let az = self.cluster.instance(chosen).az;
        let timing = &self.config.timing;
        let already_held = self.cluster.record_image_pull(chosen, task_def);
        let cached = timing.ec2_image_cache && already_held;
        if def.uses_eni() {
            self.cluster.take_ip(az);
        }
        let provisioning = if def.uses_eni() {
            timing.eni_attach
        } else {
            SimDuration::ZERO
        };
        let pull = if cached {
            SimDuration::ZERO
        } else {
            timing.pull_time(def.image_size_mb, timing.ec2_pull_mb_per_s)
        };
        let container_start = timing.container_start;
        self.narrate(now, |n| n.ec2_startup(slot, provisioning, pull, cached));
        self.tasks.set_instance(slot, chosen);
        self.tasks.get_mut(slot).az = Some(az);
        Ok((provisioning, pull + container_start))
    }

    /// What task `slot` of origin `o` asks of an EC2 instance, under its origin's rules
    /// (only its capacity provider's pool, when it has one).
    // Built for every decision and every glance at the maxima: inlined, the request's
    // fields are read where they are used instead of being copied out of a call.
    #[inline]
    pub(super) fn placement_request(&self, slot: u32, o: OriginId) -> PlacementRequest<'a> {
        let config: &'a crate::model::SimConfig = self.config;
        let task = self.tasks.get(slot);
        let pool = match task.target {
            Target::Pool(p) => Some(p),
            _ => None,
        };
        PlacementRequest::for_task(
            &config.task_defs[task.task_def.index()],
            pool,
            self.origins[o].placement(config),
        )
    }

    /// Admits task `slot` of origin `o` to Fargate (quota, then an AZ with a free subnet
    /// address) and returns its startup delays, as [`Self::place_on_ec2`] does, the wait
    /// for a launch token (`fargate_launch_rate.rs`) included.
    fn admit_to_fargate(
        &mut self,
        slot: u32,
        o: OriginId,
        now: SimTime,
    ) -> Result<(SimDuration, SimDuration), RejectReason> {
        let def = &self.config.task_defs[self.tasks.get(slot).task_def.index()];
        if self
            .config
            .fargate
            .max_concurrent_tasks
            .is_some_and(|max| self.totals.fargate >= max)
        {
            return Err(RejectReason::FargateQuota);
        }
        let group = self.origins[o].placement(self.config).group;
        let az = self.fargate_az(group).ok_or(RejectReason::SubnetIps)?;
        self.cluster.take_ip(az);
        self.cluster.count_fargate_task(group, az, 1);
        self.totals.fargate += 1;
        let timing = &self.config.timing;
        let pull = timing.pull_time(def.image_size_mb, timing.fargate_pull_mb_per_s);
        let size = def.fargate_size;
        let spot = matches!(self.tasks.get(slot).target, Target::Fargate { spot: true });
        // A throttled launch is retried until a token frees; its provisioning starts then.
        let throttled = self.fargate_launches.take(spot, now);
        let delays = (
            throttled + timing.fargate_provisioning,
            pull + timing.container_start,
        );
        if throttled > SimDuration::ZERO {
            self.narrate(now, |n| n.fargate_launch_throttled(slot, throttled));
        }
        self.narrate(now, |n| n.admitted_to_fargate(slot, az, pull));
        let task = self.tasks.get_mut(slot);
        task.az = Some(az);
        task.fargate_size = size;
        Ok(delays)
    }

    /// Fargate spreads a group's tasks over AZs by itself: the AZ with the fewest of the
    /// group's tasks that still has a free subnet address.
    fn fargate_az(&self, group: crate::model::GroupId) -> Option<AzId> {
        let counts = &self.cluster.group(group).per_attribute[0];
        (0..self.cluster.azs.len())
            .map(|a| AzId(a as u32))
            .filter(|az| self.cluster.subnet_has_ip(*az) && !self.outages.is_down(*az))
            .min_by_key(|az| (counts[az.index()], az.0))
    }

    pub(super) fn task_running(&mut self, slot: u32, now: SimTime, queue: &mut EventQueue<Event>) {
        let task = self.tasks.get_mut(slot);
        task.state = TaskState::Running;
        task.running_at = Some(now);
        let (created, run_time, origin) = (task.created_at, task.run_time, task.origin);
        self.totals.pending -= 1;
        self.totals.running += 1;
        let o = self.origins.id(origin);
        self.narrate(now, |n| n.running(slot, now));
        let task = self.tasks.get(slot);
        let def = &self.config.task_defs[task.task_def.index()];
        self.billing.task_started(o.index(), task, def, now);
        if let Origin::Service(service) = origin {
            self.service_task_running(service, slot, now, queue);
        }
        if let (Target::Fargate { spot: true }, Some(dist)) = (
            self.tasks.get(slot).target,
            &self.config.fargate.spot_interruption,
        ) {
            let ttn = dist.sample(&mut self.streams.fargate_spot_notices);
            let r = self.tasks.reference(slot);
            queue.schedule(now + ttn, Event::TaskSpotNotice(r));
        }
        self.task_starts_serving(o, now);
        self.collector.task_started(created, now);
        if let Some(run_time) = run_time {
            let r = self.tasks.reference(slot);
            queue.schedule(now + run_time, Event::TaskExit(r));
        }
        if let Origin::Service(s) = origin {
            self.rebalance_after_running(s, slot, now, queue);
        }
    }

    /// Stops a live task: frees what it holds, bills it, reports it, lets waiting tasks
    /// try the capacity it leaves, then tells its service (which may replace it).
    pub(super) fn stop_task(
        &mut self,
        slot: u32,
        now: SimTime,
        reason: StopReason,
        queue: &mut EventQueue<Event>,
    ) {
        self.narrate(now, |n| n.stopped(slot, reason));
        self.meter_task_stopped(slot, now);
        let task = self.tasks.get(slot);
        let was = task.state;
        let (serving, deregistering) = (task.serving(), task.deregistering);
        let o = self.origins.id(task.origin);
        let def = &self.config.task_defs[task.task_def.index()];
        let group = self.origins[o].placement(self.config).group;
        let mut freed = false;
        if let Some(inst) = task.instance {
            let reservation = def.reservation(group, self.is_daemon(o));
            if self.daemon_keeps_place(o, inst, reason) {
                // Its subnet address too: the replacement's ENI must find one.
                self.cluster.hold_for_successor(inst, reservation);
                self.daemons.hold(o, inst, task.task_def);
            } else {
                self.cluster.release(inst, reservation);
                if def.uses_eni() {
                    self.cluster.return_ip(self.cluster.instance(inst).az);
                }
                freed = true;
            }
            self.daemons.left(o, inst);
        }
        let cost = self.billing.task_stopped(o.index(), task, def, now);
        let managed_instance = match (task.target, task.instance) {
            (Target::Managed(_), Some(on)) => Some(on),
            _ => None,
        };
        if let (Target::Fargate { .. }, Some(az), Some(_)) =
            (task.target, task.az, task.pull_started_at)
        {
            self.cluster.return_ip(az);
            self.cluster.count_fargate_task(group, az, -1);
            self.totals.fargate -= 1;
            freed = true;
        }
        if was == TaskState::Provisioning && task.placed_at.is_none() {
            self.leave_waiting(slot, now, queue);
        }
        let service = self.origins.service(o);
        self.origins[o].task_leaves(slot, deregistering);
        match was {
            TaskState::Running | TaskState::Stopping => {
                self.totals.running -= 1;
                if serving {
                    self.task_stops_serving(o, now);
                }
            }
            TaskState::Provisioning | TaskState::Pending => self.totals.pending -= 1,
            TaskState::Stopped => {}
        }
        let t = self.tasks.get(slot).target_index as usize;
        self.origins[o].task_stopped(t);
        let task = self.tasks.get_mut(slot);
        task.state = TaskState::Stopped;
        task.stopped_at = Some(now);
        task.stop_reason = Some(reason);
        let created = task.created_at;
        self.collector.task_stopped(created, was, reason);
        self.report_task(slot, cost, now);
        let task = self.tasks.get(slot);
        let (restart, launch_type, def) = (task.restart, task.target.launch_type(), task.task_def);
        self.tasks.release(slot);
        // The tasks already waiting are offered the freed capacity before the service
        // hears of the stop: they asked first, and ECS documents no other order. Told
        // first, the service's replacement would take the place of a task queued before
        // it (scenarios/README.md, modeling choices; tests/it/same_time.rs pins it), so
        // swapping the two changes which task runs, and the outputs with it.
        if freed {
            self.retry_waiting(now, queue);
        }
        if let Some(on) = managed_instance {
            self.managed_instance_changed(on, now, queue);
        }
        if let (Some(service), true) = (service, reason != StopReason::ServiceScheduler) {
            let stopped = StoppedTask {
                was,
                reason,
                restart,
                launch_type,
                task_def: def,
            };
            self.service_task_lost(service, stopped, now, queue);
        }
    }

    /// Reports the task as it stands at `at` (its stop, or the horizon): its share of its
    /// instance's hours ends here, and its row waits for the last of them.
    #[inline]
    fn report_task(&mut self, slot: u32, cost: f64, at: SimTime) {
        // Inlined so that a run without per-task output pays a test, not a call.
        let keep = self.recorder.wants_tasks();
        let split_row = self.billing.task_share_ends(slot, at, keep);
        if keep {
            self.queue_task_row(slot, cost, split_row, at);
        }
    }

    /// Reports a task still alive at the horizon, billing Fargate up to the horizon.
    pub(super) fn report_unfinished(&mut self, slot: u32, end: SimTime) {
        let task = self.tasks.get(slot);
        let def = &self.config.task_defs[task.task_def.index()];
        let o = self.origins.id(task.origin);
        let cost = self.billing.task_stopped(o.index(), task, def, end);
        let (created, state) = (task.created_at, task.state);
        self.collector.task_alive_at_end(created, state, end);
        self.report_task(slot, cost, end);
    }
}
