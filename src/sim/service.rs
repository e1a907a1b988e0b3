//! The service scheduler: keeps each service at its desired count, chooses which tasks go
//! on scale-in, throttles restarts after repeated start failures, and reacts when one of
//! its tasks reaches RUNNING or stops. `lifecycle` moves tasks through their states and
//! hands each change here when a service owns the task.
//!
//! Behind a load balancer (`loadBalancer`), a RUNNING task the scheduler stops (scale-in,
//! deployment) is first deregistered: it stays STOPPING for the deregistration delay,
//! holding its resources and counting towards `maximumPercent`, but not running. Tasks
//! lost to failures stop at once.

use super::Simulation;
use super::events::Event;
use super::origins::OriginId;
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{Origin, RestartCause, RestartTag, ServiceId, StopReason, TaskDefId, TaskState};
use crate::placement::scale_in;
use crate::placement::scale_in_ranking::ScaleInRanking;
use crate::time::SimTime;

/// What the scheduler needs to know of a service task that stopped without being asked to.
pub(super) struct StoppedTask {
    pub was: TaskState,
    pub reason: StopReason,
    /// The loss this task was replacing, if it was a replacement.
    pub restart: Option<RestartTag>,
    pub launch_type: crate::model::LaunchType,
    pub task_def: TaskDefId,
}

impl<R: Recorder> Simulation<'_, R> {
    /// Service `s`'s desired count becomes `desired` (auto scaling, a scheduled action, a
    /// DAEMON service's eligible instances). The scheduler acts on it when reconciled.
    pub(super) fn set_service_desired(&mut self, s: ServiceId, desired: u32, now: SimTime) {
        self.origins[s].counts.set_desired(desired, now);
        self.rollout_desired_changed(s);
    }

    /// Origin `o`'s task began serving: counts (and with them availability), then load.
    pub(super) fn task_starts_serving(&mut self, o: OriginId, now: SimTime) {
        self.origins[o].counts.task_up(now);
        if let Some(s) = self.origins.service(o) {
            self.load_update(s, now);
        }
    }

    /// Origin `o`'s task stopped serving (stopped, hung or deregistering).
    pub(super) fn task_stops_serving(&mut self, o: OriginId, now: SimTime) {
        self.origins[o].counts.task_down(now);
        if let Some(s) = self.origins.service(o) {
            self.load_update(s, now);
        }
    }

    /// Launches or stops service tasks until the tasks not under a notice match the
    /// desired count. Launches wait while the service is throttled.
    pub(super) fn reconcile_service(
        &mut self,
        s: ServiceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        if self.deployments.rolling(s) {
            return self.rollout_step(s, now, queue);
        }
        if self.config.services[s.index()].daemon {
            return self.daemon_reconcile(s, now, queue);
        }
        // A rebalancing move's task runs beside the desired count until it is RUNNING.
        let extra = self.rebalance_extra(s);
        let state = &self.origins[s];
        let active = state.active();
        let desired = state.counts.desired() + extra;
        let throttled = state.retry_pending || self.deployments.halted(s);
        if active >= desired {
            self.origins[s].owed.clear();
        }
        if active < desired {
            if throttled {
                return;
            }
            for _ in active..desired {
                if !self.launch_service_task(s, now, queue) {
                    break;
                }
            }
        } else if active > desired {
            self.scale_in(s, (active - desired) as usize, now, queue);
        }
    }

    /// Stops `count` tasks of service `s`: tasks not yet placed first, then those not yet
    /// RUNNING (newest first), then RUNNING ones in the order ECS documents for the
    /// service's placement strategy (`placement::scale_in`), re-ranked after each stop.
    fn scale_in(
        &mut self,
        s: ServiceId,
        count: usize,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        // Tasks not yet RUNNING go first: unplaced ones, then placed ones, newest first.
        // Only they need sorting. The running ones are ranked below with ties broken by
        // task id, so the order they are listed in changes nothing; sorting thousands of
        // them on every scale-in was 8% of the scale run.
        let mut not_started = std::mem::take(&mut self.scratch);
        not_started.clear();
        let mut running: Vec<u32> = Vec::new();
        let tasks = &self.tasks;
        let placed_rank = |slot: u32| {
            let t = tasks.get(slot);
            match (t.state, t.placed_at) {
                (TaskState::Provisioning, None) => 0,
                _ => 1,
            }
        };
        for &slot in tasks.of_origin(s.into()) {
            match tasks.get(slot).state {
                TaskState::Stopping => {}
                TaskState::Provisioning | TaskState::Pending => not_started.push(slot),
                // A stopped task has left the list; it would rank as a running one.
                TaskState::Running | TaskState::Stopped => running.push(slot),
            }
        }
        // Task ids are unique, so an unstable sort orders them as a stable one would.
        not_started.sort_unstable_by_key(|&slot| {
            (placed_rank(slot), std::cmp::Reverse(tasks.get(slot).id))
        });
        let early = not_started.len().min(count);
        for &slot in &not_started[..early] {
            self.scheduler_stop(slot, now, queue);
        }
        self.scratch = not_started;
        if early == count {
            return;
        }
        let placement = &self.config.services[s.index()].placement;
        let as_candidate = |t: &crate::model::Task| scale_in::Candidate {
            task_id: t.id,
            instance: t.instance,
            az: t.az,
        };
        // Tasks already stopping still hold their place (a deregistration delay, a notice)
        // but are leaving: the ranking must not count them, or every stop comes from the
        // same AZ.
        let mut departing: Vec<scale_in::Candidate> = self
            .tasks
            .of_origin(s.into())
            .iter()
            .filter(|slot| self.tasks.get(**slot).state == TaskState::Stopping)
            .map(|slot| as_candidate(self.tasks.get(*slot)))
            .collect();
        let mut candidates: Vec<scale_in::Candidate> = running
            .iter()
            .map(|slot| as_candidate(self.tasks.get(*slot)))
            .collect();
        // With tasks waiting, a stop can place others and change the cluster beyond the
        // victim's instance, which the ranking index does not follow: rank afresh each time.
        let ranking = self
            .waiting
            .is_empty()
            .then(|| ScaleInRanking::new(&self.cluster, placement, &candidates, &departing))
            .flatten();
        if let Some(mut ranking) = ranking {
            for _ in early..count {
                let Some(i) = ranking.victim(&self.cluster) else {
                    break;
                };
                let slot = running[i];
                self.scheduler_stop(slot, now, queue);
                let t = self.tasks.get(slot);
                let departing = t.id == candidates[i].task_id && t.state == TaskState::Stopping;
                ranking.remove(&self.cluster, i, departing);
            }
            return;
        }
        for _ in early..count {
            let Some(i) = scale_in::victim(&self.cluster, placement, &candidates, &departing)
            else {
                break;
            };
            let slot = running.swap_remove(i);
            let chosen = candidates.swap_remove(i);
            self.scheduler_stop(slot, now, queue);
            // Stopped at once, it has already left the counts; deregistering, it has not.
            let t = self.tasks.get(slot);
            if t.id == chosen.task_id && t.state == TaskState::Stopping {
                departing.push(chosen);
            }
        }
    }

    /// A replacement of `service` is RUNNING: its oldest task on a draining Spot instance
    /// stops. (A FARGATE_SPOT task has had its SIGTERM and stops on its own schedule.)
    pub(super) fn drain_done(
        &mut self,
        service: ServiceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let tasks = &self.tasks;
        let first_on_ec2 = self.origins[service]
            .draining()
            .iter()
            .copied()
            .find(|&slot| tasks.get(slot).instance.is_some());
        if let Some(slot) = first_on_ec2 {
            let on = self
                .tasks
                .get(slot)
                .instance
                .expect("chosen for its instance");
            let reason = self.drained_task_reason(on);
            self.stop_task(slot, now, reason, queue);
        }
    }

    /// A throttled service may launch again.
    pub(super) fn service_retry(
        &mut self,
        service: ServiceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        self.origins[service].retry_pending = false;
        self.reconcile_service(service, now, queue);
    }

    /// The scheduler stops a task it no longer wants: behind a load balancer a RUNNING
    /// task deregisters first; anything else stops now.
    pub(super) fn scheduler_stop(
        &mut self,
        slot: u32,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let task = self.tasks.get(slot);
        let Origin::Service(service) = task.origin else {
            return self.stop_task(slot, now, StopReason::ServiceScheduler, queue);
        };
        let s = service;
        let delay = self.config.services[s.index()].deregistration_delay;
        if task.state != TaskState::Running || delay.as_millis() == 0 {
            return self.stop_task(slot, now, StopReason::ServiceScheduler, queue);
        }
        let serving = task.serving();
        let task = self.tasks.get_mut(slot);
        task.state = TaskState::Stopping;
        task.deregistering = true;
        self.origins[s].task_deregisters();
        if serving {
            self.task_stops_serving(s.into(), now);
        }
        let r = self.tasks.reference(slot);
        queue.schedule(now + delay, Event::DeregistrationDone(r));
    }

    /// A task of `service` reached RUNNING: a loss it replaces is made good, throttling
    /// resets, a drain or rollout waiting for it moves on, and its own failures are drawn.
    pub(super) fn service_task_running(
        &mut self,
        service: ServiceId,
        slot: u32,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let s = service;
        let task = self.tasks.get_mut(slot);
        if let Some(tag) = task.restart.take() {
            task.restored = Some(tag);
            self.collector
                .restarted(now.since(tag.since), tag.cause, tag.launch_type);
        }
        let r = self.tasks.reference(slot);
        let state = &mut self.origins[s];
        state.start_failures = 0;
        if state.has_doomed() {
            queue.schedule(now, Event::DrainDone(service));
        }
        if self.deployments.rolling(s) {
            queue.schedule(now, Event::DeploymentStep(service));
            let def = self.tasks.get(slot).task_def;
            self.rollout_task_healthy(s, def);
        }
        let def = self.tasks.get(slot).task_def;
        self.arm_crash(s, def, r, now, queue);
        if let Some(dist) = &self.config.services[s.index()].hung_after {
            let tth = dist.sample(&mut self.streams.hangs[s.index()]);
            queue.schedule(now + tth, Event::TaskHung(r));
        }
    }

    /// Draws when task `r` of service `s` (revision `def`), whose container just started,
    /// crashes: the revision's `crash_after`, else the service's; none without either.
    pub(super) fn arm_crash(
        &mut self,
        s: ServiceId,
        def: crate::model::TaskDefId,
        r: super::events::TaskRef,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let crash_after = self.config.task_defs[def.index()].crash_after.as_ref();
        if let Some(dist) = crash_after.or(self.config.services[s.index()].crash_after.as_ref()) {
            let ttf = dist.sample(&mut self.streams.crashes[s.index()]);
            queue.schedule(now + ttf, Event::TaskCrash(r));
        }
    }

    /// A task of service `o` stopped for a reason other than the scheduler's own: the loss
    /// is owed a replacement, a failure to start throttles further launches, a rollout
    /// counts the failure, and the service is brought back to its desired count.
    pub(super) fn service_task_lost(
        &mut self,
        s: ServiceId,
        stopped: StoppedTask,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let StoppedTask {
            was,
            reason,
            restart,
            launch_type,
            task_def: def,
        } = stopped;
        // A task already replaced under a notice owes nothing; a replacement that never
        // ran passes its loss on; any other unexpected stop is a new loss.
        let tag = if was == TaskState::Stopping {
            None
        } else {
            restart.or_else(|| {
                RestartCause::of(reason).map(|cause| RestartTag {
                    since: now,
                    cause,
                    launch_type,
                })
            })
        };
        if let Some(tag) = tag {
            self.origins[s].owed.push_back(tag);
        }
        if was == TaskState::Running {
            self.rollout_lost_task(s);
        }
        if reason == StopReason::StartFailed {
            let state = &mut self.origins[s];
            state.start_failures += 1;
            let delay = self.config.failures.backoff.delay(state.start_failures);
            if !state.retry_pending {
                state.retry_pending = true;
                queue.schedule(now + delay, Event::ServiceRetry(s));
                self.narrate(now, |n| n.throttled(s, delay));
            }
        }
        // A task the PROVISIONING timeout stopped never reached RUNNING: ECS's stage 1
        // counts every task of the deployment that fails to reach RUNNING, and without it
        // a deployment short of capacity would stay IN_PROGRESS for ever (issue 32, item 5).
        if matches!(
            reason,
            StopReason::StartFailed
                | StopReason::HealthCheckFailed
                | StopReason::ProvisioningTimeout
        ) {
            self.rollout_task_failed(s, def, now, queue);
        }
        if matches!(
            reason,
            StopReason::StartFailed
                | StopReason::HealthCheckFailed
                | StopReason::ProvisioningTimeout
                | StopReason::TaskFailed
        ) {
            self.alarm_observes(s, def, now, queue);
        }
        self.reconcile_service(s, now, queue);
    }
}
