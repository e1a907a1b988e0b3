//! Rolling deployments (the `ECS` deployment controller, reference §3.2 and §3.5).
//!
//! A deployment makes a new task definition the service's own: every task launched from
//! then on is of the new revision, and the tasks of any other revision are "old". While it
//! rolls, [`Simulation::reconcile_service`] hands the service to [`Simulation::rollout_step`],
//! which, with `lower = ceil(desired × minimumHealthyPercent / 100)` and
//! `upper = floor(desired × maximumPercent / 100)`:
//!
//! 1. stops old tasks that are not RUNNING yet (they count towards nothing healthy);
//! 2. stops old RUNNING tasks while more than `lower` tasks are healthy (RUNNING);
//! 3. starts new tasks, up to `desired` of them, while RUNNING + PENDING + STOPPING tasks
//!    stay within `upper` (a task held in STOPPING by a deregistration delay still counts);
//! 4. completes once no old task is left and `desired` new tasks are RUNNING.
//!
//! The step runs again whenever one of the service's tasks reaches RUNNING or stops, so old
//! tasks are stopped as new ones become healthy. Healthy means RUNNING (and, with health
//! checks, not hung past detection); the 40 s "healthy after RUNNING" rule ECS applies to
//! tasks with neither health checks nor a load balancer is not modeled. When
//! `minimumHealthyPercent = 100` and `maximumPercent = 100`, nothing may stop and nothing
//! may start: the deployment stalls, as in ECS, and is reported `in_progress`.
//!
//! Circuit breaker: each task of the deployment that fails to reach RUNNING
//! (`start_failure_probability`, or stopped by the PROVISIONING timeout, ECS's
//! TimedOutWaitingForCapacity) or is stopped by a failed health check counts one failure;
//! at `clamp(ceil(0.5 × desired), min_threshold, 200)` the deployment is FAILED. With
//! `resetOnHealthyTask` (on by default, as in ECS) a task of the deployment reaching
//! RUNNING, the model's healthy, sets the count back to 0; the summary's `failed_tasks`
//! still counts every failure. With
//! rollback, a new deployment starts at once of the revision of the last deployment that
//! COMPLETED (ECS's "last completed deployment"): a revision that was itself superseded
//! before it completed is skipped, and the service's revision at time zero counts as
//! completed (the run starts from a steady service); without rollback, the service
//! launches no more tasks until its next deployment. A new revision resets restart
//! throttling. Application Auto Scaling does not scale in while a deployment rolls.

use super::Simulation;
use super::deploy_cost::DeploymentMeter;
use super::events::Event;
use super::staged::{Failure, Staged};
use crate::engine::EventQueue;
use crate::metrics::{DeploymentOutcome, DeploymentSummary, Recorder};
use crate::model::{ServiceId, TaskDefId, TaskState};
use crate::time::SimTime;
use std::collections::VecDeque;
use std::ops::{Index, IndexMut};

/// Every service's deployments, by service.
pub(super) struct Deployments {
    services: Vec<ServiceDeployments>,
}

/// One service's deployments: the one rolling, what a failure goes back to, what the
/// alarm rule counts, and the log the summary reports.
pub(super) struct ServiceDeployments {
    /// The deployment in progress, if any.
    pub rollout: Option<Rollout>,
    /// The revision of the service's last deployment that completed (its revision at time
    /// zero until one does): where a circuit-breaker rollback goes.
    pub last_completed: TaskDefId,
    /// A failed deployment without rollback: the service launches nothing until the next.
    pub halted: bool,
    /// Failures of the service's tasks (time, revision) within the longest alarm window,
    /// oldest first: what a deployment's alarm rule counts.
    pub recent_failures: VecDeque<(SimTime, TaskDefId)>,
    /// The last stage timer issued for a staged deployment; an older one is stale.
    pub stage_timer: u32,
    /// Every deployment so far, for the summary.
    pub log: Vec<DeploymentSummary>,
}

impl Deployments {
    pub fn new(config: &crate::model::SimConfig) -> Deployments {
        Deployments {
            services: config
                .services
                .iter()
                .map(|s| ServiceDeployments {
                    rollout: None,
                    last_completed: s.task_def,
                    halted: false,
                    recent_failures: VecDeque::new(),
                    stage_timer: 0,
                    log: Vec::new(),
                })
                .collect(),
        }
    }

    /// Whether a deployment of `s` is in progress.
    pub fn rolling(&self, s: ServiceId) -> bool {
        self.services[s.index()].rollout.is_some()
    }

    /// Whether `s` launches nothing until its next deployment (one failed without
    /// rollback).
    pub fn halted(&self, s: ServiceId) -> bool {
        self.services[s.index()].halted
    }
}

impl Index<ServiceId> for Deployments {
    type Output = ServiceDeployments;
    fn index(&self, s: ServiceId) -> &ServiceDeployments {
        &self.services[s.index()]
    }
}

impl IndexMut<ServiceId> for Deployments {
    fn index_mut(&mut self, s: ServiceId) -> &mut ServiceDeployments {
        &mut self.services[s.index()]
    }
}

/// A deployment in progress.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rollout {
    /// Index into the service's deployment log.
    pub record: usize,
    pub to: TaskDefId,
    pub failures: u32,
    /// Whether the min-healthy bound held when the deployment started and no task was
    /// lost unexpectedly since: only then can the bound be checked.
    pub bound_holds: bool,
    /// BLUE_GREEN, LINEAR, CANARY: the stages (`staged.rs`); `None` for ROLLING.
    pub staged: Option<Staged>,
    /// The alarm rule was already in ALARM when the deployment started: ECS ignores the
    /// alarm for this deployment.
    pub alarm_ignored: bool,
    /// What it costs (`deploy_cost.rs`).
    pub meter: DeploymentMeter,
}

/// A service's tasks by revision and state.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct RolloutCounts {
    pub total: u32,
    pub healthy: u32,
    pub new_running: u32,
    pub new_pending: u32,
    pub old_running: u32,
    pub old_pending: u32,
    pub old_stopping: u32,
}

impl<R: Recorder> Simulation<'_, R> {
    /// Counts the service's tasks against revision `to`; with `old`, also lists the old
    /// tasks not yet STOPPING (pending first, then running, newest first).
    pub(super) fn rollout_counts(
        &self,
        s: ServiceId,
        to: TaskDefId,
        old: Option<&mut Vec<u32>>,
    ) -> RolloutCounts {
        let mut c = RolloutCounts::default();
        let mut old = old;
        for &slot in self.tasks.of_origin(s.into()) {
            let t = self.tasks.get(slot);
            c.total += 1;
            let new = t.task_def == to;
            // A hung task is alive but not healthy: counted like one not yet running.
            let state = if t.hung { TaskState::Pending } else { t.state };
            match (state, new) {
                (TaskState::Running, true) => {
                    c.new_running += 1;
                    c.healthy += 1;
                }
                (TaskState::Running, false) => {
                    c.old_running += 1;
                    c.healthy += 1;
                }
                (TaskState::Provisioning | TaskState::Pending, true) => c.new_pending += 1,
                (TaskState::Provisioning | TaskState::Pending, false) => c.old_pending += 1,
                (TaskState::Stopping, false) => c.old_stopping += 1,
                _ => {}
            }
            if !new && t.state != TaskState::Stopping {
                if let Some(list) = old.as_deref_mut() {
                    list.push(slot);
                }
            }
        }
        if let Some(list) = old {
            let tasks = &self.tasks;
            list.sort_unstable_by_key(|slot| {
                let t = tasks.get(*slot);
                (t.state == TaskState::Running, std::cmp::Reverse(t.id))
            });
        }
        c
    }

    /// `services[s].deployments[i]` comes due.
    pub(super) fn deployment_start(
        &mut self,
        s: ServiceId,
        i: u32,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let to = self.config.services[s.index()].deployments[i as usize].task_def;
        self.begin_rollout(s, to, false, now, queue);
    }

    fn begin_rollout(
        &mut self,
        s: ServiceId,
        to: TaskDefId,
        rollback: bool,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        // A rebalancing move under way stops (SERVICE_REBALANCING_STOPPED): its task is
        // one more of the old revision for the deployment.
        self.rebalancing.call_off(s);
        if let Some(prev) = self.deployments[s].rollout.take() {
            // A rollback that was still stopping green ends as the failure it was.
            let outcome = if prev.staged.is_some_and(|st| st.reverting) {
                DeploymentOutcome::Failed
            } else {
                DeploymentOutcome::Superseded
            };
            self.end_record(s, &prev, now, outcome);
        }
        let desired = self.origins[s].counts.desired();
        let spec = &self.config.services[s.index()].deployment;
        let lower = spec.lower(desired);
        let strategy = spec.strategy;
        let counts = self.rollout_counts(s, to, None);
        let record = self.deployments[s].log.len();
        self.deployments[s].log.push(DeploymentSummary {
            task_definition: self.config.task_defs[to.index()].family.clone(),
            strategy: strategy.as_str().to_string(),
            rollback,
            started_s: now.as_secs_f64(),
            finished_s: None,
            duration_s: None,
            outcome: DeploymentOutcome::InProgress,
            failed_tasks: 0,
            min_healthy: counts.healthy,
            max_total: counts.total,
            peak_tasks: 0,
            overlap_task_seconds: 0.0,
            extra_cost_usd: 0.0,
        });
        // A rollback of a staged strategy happens inside the failed deployment
        // (`staged_revert`); one that comes here replaces tasks as a rolling one does.
        let staged =
            (strategy.is_staged() && !rollback).then(|| Staged::new(self.origins[s].task_def));
        if staged.is_some() {
            self.narrate(now, |n| n.staged_begins(s, to, strategy, desired));
        } else {
            self.narrate(now, |n| n.rollout_begins(s, to, rollback, desired, lower));
        }
        let alarm_ignored = self.alarm_in_alarm(s, to, now);
        let meter = self.meter_start(s, now);
        let state = &mut self.origins[s];
        state.task_def = to;
        // A new task definition resets restart throttling (reference §3.3).
        state.start_failures = 0;
        state.retry_pending = false;
        let d = &mut self.deployments[s];
        d.halted = false;
        d.rollout = Some(super::deploy::Rollout {
            record,
            to,
            failures: 0,
            bound_holds: counts.healthy >= lower,
            staged,
            alarm_ignored,
            meter,
        });
        if staged.is_some() {
            self.stages_enter(s, now, queue);
        } else {
            self.reconcile_service(s, now, queue);
        }
    }

    /// Closes the record of `rollout` at `now` with `outcome`, its cost measured.
    pub(super) fn end_record(
        &mut self,
        s: ServiceId,
        rollout: &Rollout,
        now: SimTime,
        outcome: DeploymentOutcome,
    ) {
        let mut r = std::mem::take(&mut self.deployments[s].log[rollout.record]);
        self.meter_close(s, &rollout.meter, now, &mut r);
        r.finished_s = Some(now.as_secs_f64());
        r.duration_s = Some(now.as_secs_f64() - r.started_s);
        r.outcome = outcome;
        self.deployments[s].log[rollout.record] = r;
    }

    /// One scheduler pass over a service under deployment (see the module doc).
    pub(super) fn rollout_step(
        &mut self,
        s: ServiceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(rollout) = self.deployments[s].rollout else {
            return;
        };
        if rollout.staged.is_some() {
            return self.staged_step(s, now, queue);
        }
        let desired = self.origins[s].counts.desired();
        let spec = &self.config.services[s.index()].deployment;
        let (lower, upper) = (spec.lower(desired), spec.upper(desired));
        let mut old = std::mem::take(&mut self.scratch);
        old.clear();
        let c = self.rollout_counts(s, rollout.to, Some(&mut old));
        // Old tasks not yet running, then old running ones down to the healthy floor.
        let stop_running = c.old_running.min(c.healthy.saturating_sub(lower));
        let stops = (c.old_pending + stop_running) as usize;
        for &slot in old.iter().take(stops) {
            let t = self.tasks.get(slot);
            if matches!(
                t.state,
                TaskState::Provisioning | TaskState::Pending | TaskState::Running
            ) && t.task_def != rollout.to
            {
                self.scheduler_stop(slot, now, queue);
            }
        }
        self.scratch = old;
        // What the stops left (a task held by a deregistration delay still counts).
        let c = self.rollout_counts(s, rollout.to, None);
        let new_alive = c.new_running + c.new_pending;
        let mut launched = 0;
        if !self.origins[s].retry_pending
            && !self.deployments[s].halted
            && self.deployments[s].rollout.is_some()
        {
            let wanted = desired.saturating_sub(new_alive);
            for _ in 0..wanted.min(upper.saturating_sub(c.total)) {
                if !self.launch_service_task(s, now, queue) {
                    break;
                }
                launched += 1;
            }
        }
        let Some(rollout) = self.deployments[s].rollout else {
            return;
        };
        self.meter_peak(s);
        let record = &mut self.deployments[s].log[rollout.record];
        record.min_healthy = record.min_healthy.min(c.healthy);
        record.max_total = record.max_total.max(c.total + launched);
        let old_left = c.old_running + c.old_pending + c.old_stopping;
        if old_left == 0 && c.new_running >= desired {
            self.deployment_done(s, now, queue);
        }
    }

    /// The deployment of `s` is over: completed, or (a staged rollback) failed with blue
    /// serving again.
    pub(super) fn deployment_done(
        &mut self,
        s: ServiceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(rollout) = self.deployments[s].rollout.take() else {
            return;
        };
        let reverted = rollout.staged.is_some_and(|st| st.reverting);
        let outcome = if reverted {
            DeploymentOutcome::Failed
        } else {
            self.deployments[s].last_completed = rollout.to;
            DeploymentOutcome::Completed
        };
        self.end_record(s, &rollout, now, outcome);
        self.origins[s].owed.clear();
        // A desired count lowered during the rollout is honoured now.
        self.reconcile_service(s, now, queue);
        if reverted {
            self.narrate(now, |n| n.rollback_done(s, rollout.to));
        } else {
            self.narrate(now, |n| n.rollout_completed(s, rollout.to));
        }
    }

    /// The deployment of `s` failed for `why`: a staged one shifts traffic back to blue;
    /// a rolling one rolls back when `rollback` (to the last completed revision) or halts.
    pub(super) fn fail_deployment(
        &mut self,
        s: ServiceId,
        why: Failure,
        rollback: bool,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(rollout) = self.deployments[s].rollout.take() else {
            return;
        };
        let to = rollout.to;
        let staged = rollout.staged;
        let rollback = rollback || staged.is_some();
        self.deployments[s].log[rollout.record].outcome = DeploymentOutcome::Failed;
        self.narrate(now, |n| n.deployment_failed(s, to, why, rollback));
        if let Some(st) = staged {
            // The record stays open until green is gone (`staged_revert`).
            return self.staged_revert(s, rollout, st, now, queue);
        }
        self.end_record(s, &rollout, now, DeploymentOutcome::Failed);
        if rollback {
            let to = self.deployments[s].last_completed;
            self.begin_rollout(s, to, true, now, queue);
        } else {
            self.deployments[s].halted = true;
        }
    }

    /// A staged deployment failed before CLEAN_UP: production traffic goes back to blue,
    /// still running, and green is stopped. `rollout` is the failed one.
    pub(super) fn staged_revert(
        &mut self,
        s: ServiceId,
        rollout: Rollout,
        st: Staged,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let blue = st.other;
        self.origins[s].task_def = blue;
        self.deployments[s].rollout = Some(Rollout {
            to: blue,
            staged: Some(Staged {
                other: rollout.to,
                reverting: true,
                weight: 0,
                ..st
            }),
            ..rollout
        });
        self.narrate(now, |n| n.traffic_back(s, blue));
        self.report_traffic(s, now, blue, rollout.to, 0);
        self.staged_step(s, now, queue);
    }

    /// A task of service `s` and revision `def` failed (to start, or a health check):
    /// the deployment's circuit breaker counts it.
    pub(super) fn rollout_task_failed(
        &mut self,
        s: ServiceId,
        def: TaskDefId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(rollout) = self.deployments[s].rollout.as_mut() else {
            return;
        };
        if rollout.to != def {
            return;
        }
        if rollout.staged.is_some_and(|st| st.reverting) {
            return;
        }
        rollout.failures += 1;
        let rollout = *rollout;
        self.deployments[s].log[rollout.record].failed_tasks += 1;
        if rollout.staged.is_some() {
            // The circuit breaker watches rolling deployments only.
            return;
        }
        let Some(breaker) = &self.config.services[s.index()].deployment.circuit_breaker else {
            return;
        };
        let threshold = breaker.threshold(self.origins[s].counts.desired());
        if rollout.failures < threshold {
            return;
        }
        let why = Failure::Breaker {
            failures: rollout.failures,
            threshold,
        };
        self.fail_deployment(s, why, breaker.rollback, now, queue);
    }

    /// A task of service `s` and revision `def` failed now (did not reach RUNNING, failed
    /// its health checks, crashed or waited out the PROVISIONING timeout): the alarm rule
    /// counts it, and a deployment of `def` watching its alarm fails when the rule trips.
    pub(super) fn alarm_observes(
        &mut self,
        s: ServiceId,
        def: TaskDefId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(alarm) = &self.config.services[s.index()].deployment.alarm else {
            return;
        };
        let (window, rollback) = (alarm.window, alarm.rollback);
        let recent = &mut self.deployments[s].recent_failures;
        recent.push_back((now, def));
        while recent.front().is_some_and(|(t, _)| *t + window <= now) {
            recent.pop_front();
        }
        let Some(rollout) = self.deployments[s].rollout else {
            return;
        };
        let watching = rollout.staged.is_none_or(|st| st.watches_alarm());
        if rollout.to != def || rollout.alarm_ignored || !watching {
            return;
        }
        if self.alarm_in_alarm(s, def, now) {
            let failures = self.alarm_count(s, def, now);
            self.fail_deployment(s, Failure::Alarm { failures, window }, rollback, now, queue);
        }
    }

    /// Failures of revision `def` within the alarm window ending now.
    fn alarm_count(&self, s: ServiceId, def: TaskDefId, now: SimTime) -> u32 {
        let Some(alarm) = &self.config.services[s.index()].deployment.alarm else {
            return 0;
        };
        self.deployments[s]
            .recent_failures
            .iter()
            .filter(|(t, d)| *d == def && *t + alarm.window > now)
            .count() as u32
    }

    /// Whether the alarm rule of `s` is in ALARM for revision `def` now.
    fn alarm_in_alarm(&self, s: ServiceId, def: TaskDefId, now: SimTime) -> bool {
        self.config.services[s.index()]
            .deployment
            .alarm
            .as_ref()
            .is_some_and(|a| self.alarm_count(s, def, now) > a.failures_above)
    }

    /// A task of service `s` and revision `def` became healthy (RUNNING): with
    /// `resetOnHealthyTask`, the deployment's circuit breaker starts counting afresh.
    pub(super) fn rollout_task_healthy(&mut self, s: ServiceId, def: TaskDefId) {
        let resets = self.config.services[s.index()]
            .deployment
            .circuit_breaker
            .as_ref()
            .is_some_and(|b| b.reset_on_healthy_task);
        if let Some(rollout) = self.deployments[s].rollout.as_mut() {
            if resets && rollout.to == def {
                rollout.failures = 0;
            }
        }
    }

    /// The desired count of service `s` changed: raised during a rollout, it lifts the
    /// healthy floor above the tasks there are without any task stopping, so the floor can
    /// no longer be promised for this deployment (ECS launches toward it; it does not
    /// appear at once).
    pub(super) fn rollout_desired_changed(&mut self, s: ServiceId) {
        let Some(r) = self.deployments[s].rollout else {
            return;
        };
        let lower = self.config.services[s.index()]
            .deployment
            .lower(self.origins[s].counts.desired());
        if self.rollout_counts(s, r.to, None).healthy < lower {
            self.rollout_lost_task(s);
        }
    }

    /// A RUNNING task of a service under deployment was lost unexpectedly: the healthy
    /// floor can no longer be promised.
    pub(super) fn rollout_lost_task(&mut self, s: ServiceId) {
        if let Some(r) = self.deployments[s].rollout.as_mut() {
            r.bound_holds = false;
        }
    }

    /// For checked runs: every deployment within its bounds right now.
    pub(super) fn check_rollouts(&self) -> Result<(), String> {
        for s in self.origins.service_ids() {
            let Some(r) = self.deployments[s].rollout else {
                continue;
            };
            if r.staged.is_some() {
                // Both revisions at full count: ROLLING's bounds do not apply.
                continue;
            }
            let desired = self.origins[s].counts.desired();
            let spec = &self.config.services[s.index()].deployment;
            let c = self.rollout_counts(s, r.to, None);
            let name = &self.config.services[s.index()].name;
            if c.total > spec.upper(desired).max(desired) {
                return Err(format!(
                    "service {name}: {} tasks exceed maximumPercent's {}",
                    c.total,
                    spec.upper(desired)
                ));
            }
            if r.bound_holds && c.healthy < spec.lower(desired) {
                return Err(format!(
                    "service {name}: {} healthy tasks below minimumHealthyPercent's {}",
                    c.healthy,
                    spec.lower(desired)
                ));
            }
        }
        Ok(())
    }

    /// The deployment log for the summary: deployments still rolling stay `in_progress`.
    pub(super) fn deployment_summaries(
        &mut self,
    ) -> std::collections::BTreeMap<String, Vec<DeploymentSummary>> {
        let end = self.config.horizon;
        for s in self.origins.service_ids() {
            if let Some(r) = self.deployments[s].rollout {
                let mut record = std::mem::take(&mut self.deployments[s].log[r.record]);
                self.meter_close(s, &r.meter, end, &mut record);
                self.deployments[s].log[r.record] = record;
            }
        }
        self.config
            .services
            .iter()
            .zip(std::mem::take(&mut self.deployments.services))
            .map(|(s, d)| (s, d.log))
            .filter(|(_, log)| !log.is_empty())
            .map(|(s, log)| (s.name.clone(), log))
            .collect()
    }
}
