//! Infrastructure optimization and instance lifecycle (ecs-current.md §1.4, §1.5):
//!
//! - every launch or stop of a task on an instance restarts its timer (`scaleInAfter`);
//!   when the timer runs out an idle instance is deregistered and terminated, and an
//!   underutilized one is drained, its service tasks replaced elsewhere first;
//! - underutilized (AWS publishes no rule; INFERRED, `scenarios/README.md`): the instance
//!   runs service tasks only, and they all fit, first fit by CPU, memory, GPUs and ENIs, in
//!   the room the provider's other ACTIVE instances have free. One instance per provider
//!   is consolidated at a time; instances running standalone tasks never are;
//! - instances drain `recycle_after` (14 days) after launch for patching;
//! - a drain replaces service tasks start before stop within `maximumPercent` (or stops
//!   one first where `minimumHealthyPercent` allows), lets standalone tasks finish, and
//!   stops whatever is left at its hard deadline (`drain_deadline`, 7 days).

use super::super::Simulation;
use super::super::events::Event;
use super::DrainCause;
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{
    InstanceId, InstanceRef, InstanceState, Origin, RestartCause, ScaleInAfter, StopReason,
    TaskState,
};
use crate::time::SimTime;

impl<R: Recorder> Simulation<'_, R> {
    /// Starts instance `id`'s scale-in timer again from `now`.
    pub(super) fn arm_scale_in(
        &mut self,
        m: u32,
        id: InstanceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let ScaleInAfter::After(after) = self.config.managed_instances[m as usize].scale_in_after
        else {
            return;
        };
        let token = super::ManagedInstances::slot(&mut self.managed.tokens, id);
        *token = token.wrapping_add(1);
        let token = *token;
        let r = self.cluster.reference(id);
        queue.schedule(now + after, Event::ManagedCheck(r, token));
    }

    /// A scale-in timer ran out: unless a later launch or stop reset it, an idle instance
    /// goes and an underutilized one is drained.
    pub(in crate::sim) fn managed_check(
        &mut self,
        r: InstanceRef,
        token: u32,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(id) = self.cluster.resolve(r) else {
            return;
        };
        let inst = self.cluster.instance(id);
        let current = self.managed.tokens.get(id.index()) == Some(&token);
        if !current || inst.state != InstanceState::Active {
            return;
        }
        let Some(m) = self.managed.provider_of(inst.pool) else {
            return;
        };
        if inst.task_count == 0 {
            self.narrate(now, |n| n.managed_idle(id));
            self.autoscaling.instances_terminated(1);
            self.terminate_instance(id, now, queue);
            return;
        }
        let busy = self.managed.providers[m as usize]
            .consolidating
            .is_some_and(|c| self.cluster.resolve(c).is_some());
        if !busy && self.underutilized(m, id) {
            self.managed.providers[m as usize].consolidating = Some(r);
            self.start_drain(id, DrainCause::Consolidation, now, queue);
        }
    }

    /// Whether instance `id` of provider `m` runs only service tasks that would all fit in
    /// the free room of the provider's other ACTIVE instances.
    fn underutilized(&self, m: u32, id: InstanceId) -> bool {
        let config = self.config;
        let mut tasks: Vec<crate::model::TaskShape<'_>> = Vec::new();
        for &slot in self.tasks.on_instance(id) {
            let task = self.tasks.get(slot);
            let Origin::Service(s) = task.origin else {
                return false;
            };
            if config.services[s.index()].daemon {
                return false;
            }
            tasks.push(config.task_defs[task.task_def.index()].shape());
        }
        let arch = config.pools[self.cluster.instance(id).pool.index()]
            .instance_type
            .arch;
        let mut room: Vec<(u32, u32, u32, u32)> = Vec::new();
        for t in &config.managed_instances[m as usize].types {
            if config.pools[t.pool.index()].instance_type.arch != arch {
                continue;
            }
            for other in self.cluster.pool_live(t.pool) {
                let o = self.cluster.instance(other);
                if other != id && o.state == InstanceState::Active {
                    room.push((o.cpu_free, o.memory_free, o.gpu_free, o.eni_free));
                }
            }
        }
        tasks.sort_by_key(|s| std::cmp::Reverse((s.memory, s.cpu)));
        tasks.iter().all(|s| {
            let eni = u32::from(s.awsvpc);
            let fit = room
                .iter_mut()
                .find(|r| r.0 >= s.cpu && r.1 >= s.memory && r.2 >= s.gpu && r.3 >= eni);
            match fit {
                Some(r) => {
                    *r = (r.0 - s.cpu, r.1 - s.memory, r.2 - s.gpu, r.3 - eni);
                    true
                }
                None => false,
            }
        })
    }

    /// Instance `id` drains for `cause`: it takes no new task, its tasks go (see
    /// [`Self::drain_pass`]), and whatever is left at the deadline is stopped.
    fn start_drain(
        &mut self,
        id: InstanceId,
        cause: DrainCause,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        *super::ManagedInstances::slot(&mut self.managed.draining, id) = Some(cause);
        self.cluster.drain(id);
        let r = self.cluster.reference(id);
        let deadline = self.config.managed_instances[self
            .managed
            .provider_of(self.cluster.instance(id).pool)
            .unwrap_or(0) as usize]
            .drain_deadline;
        queue.schedule(now + deadline, Event::ManagedDrainDeadline(r));
        self.narrate(now, |n| n.managed_drain(id, cause));
        self.drain_pass(id, now, queue);
    }

    /// One pass over a draining instance's service tasks: each RUNNING one is replaced
    /// before it stops while its service has room under `maximumPercent`; without room it
    /// stops first if `minimumHealthyPercent` allows; otherwise it waits for a later pass
    /// (any stop on the instance) or the deadline. Tasks not yet RUNNING stop now.
    pub(super) fn drain_pass(
        &mut self,
        id: InstanceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let mut slots: Vec<u32> = self.tasks.on_instance(id).to_vec();
        slots.sort_unstable();
        for slot in slots {
            let task = self.tasks.get(slot);
            if task.instance != Some(id) {
                continue;
            }
            let Origin::Service(s) = task.origin else {
                continue;
            };
            match task.state {
                TaskState::Provisioning | TaskState::Pending => {
                    self.stop_task(slot, now, StopReason::InstanceTerminated, queue);
                }
                TaskState::Running => {
                    let spec = &self.config.services[s.index()];
                    let state = &self.origins[s];
                    let desired = state.counts.desired();
                    if state.alive() < spec.deployment.upper(desired) {
                        self.doom_task(slot, now, RestartCause::ScaleIn);
                        self.reconcile_service(s, now, queue);
                    } else if state.counts.running() > spec.deployment.lower(desired) {
                        self.stop_task(slot, now, StopReason::InstanceTerminated, queue);
                    }
                }
                TaskState::Stopping | TaskState::Stopped => {}
            }
        }
        if self.cluster.instance(id).task_count == 0 {
            let r = self.cluster.reference(id);
            queue.schedule(now, Event::ManagedDrainStep(r));
        }
    }

    /// A draining instance may have emptied: deregister and terminate it, or go on
    /// draining it.
    pub(in crate::sim) fn managed_drain_step(
        &mut self,
        r: InstanceRef,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(id) = self.cluster.resolve(r) else {
            return;
        };
        if self.managed.drain_cause(id).is_none()
            || self.cluster.instance(id).state != InstanceState::Draining
        {
            return;
        }
        if self.cluster.instance(id).task_count > 0 {
            self.drain_pass(id, now, queue);
            return;
        }
        self.narrate(now, |n| n.managed_drained(id));
        self.end_drain(id, now, queue);
    }

    /// The drain's hard deadline: whatever still runs on the instance is stopped.
    pub(in crate::sim) fn managed_drain_deadline(
        &mut self,
        r: InstanceRef,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(id) = self.cluster.resolve(r) else {
            return;
        };
        if self.managed.drain_cause(id).is_none()
            || self.cluster.instance(id).state != InstanceState::Draining
        {
            return;
        }
        self.narrate(now, |n| n.managed_drain_deadline(id));
        self.end_drain(id, now, queue);
    }

    fn end_drain(&mut self, id: InstanceId, now: SimTime, queue: &mut EventQueue<Event>) {
        let r = self.cluster.reference(id);
        self.managed.draining[id.index()] = None;
        for p in &mut self.managed.providers {
            if p.consolidating == Some(r) {
                p.consolidating = None;
            }
        }
        self.autoscaling.instances_terminated(1);
        self.terminate_instance(id, now, queue);
    }

    /// Patching: an instance drains `recycle_after` its launch.
    pub(in crate::sim) fn managed_recycle(
        &mut self,
        r: InstanceRef,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(id) = self.cluster.resolve(r) else {
            return;
        };
        if self.cluster.instance(id).state == InstanceState::Active {
            self.start_drain(id, DrainCause::Recycle, now, queue);
        }
    }

    /// How a task on a draining instance is stopped once its replacement runs.
    pub(in crate::sim) fn drained_task_reason(&self, id: InstanceId) -> StopReason {
        if self.managed.drain_cause(id).is_some() {
            StopReason::InstanceTerminated
        } else {
            StopReason::SpotInterruption
        }
    }
}
