//! ECS's limits on tasks waiting in PROVISIONING for an Auto Scaling group capacity
//! provider's capacity (`cluster.max_provisioning_tasks`, `cluster.provisioning_timeout`):
//! how many may wait at once in the cluster, and how long each may wait before ECS stops
//! it. Tasks waiting for Fargate or under a plain launch type are outside both.
//!
//! Over the limit, RunTask fails ("Tasks provisioning capacity limit exceeded."): the job
//! task is rejected. A service launch over the limit creates no task; the service is held
//! back and launches again when a waiting task leaves (placed, stopped or timed out).

use super::Simulation;
use super::events::{Event, TaskRef};
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{RestartTag, ServiceId, StopReason, Target, TaskState};
use crate::time::SimTime;

#[derive(Default)]
pub(super) struct Provisioning {
    /// Tasks waiting for an Auto Scaling group capacity provider's capacity.
    pub waiting: u32,
    /// Per service: a launch was refused by the limit and waits for a place.
    held_back: Vec<bool>,
    /// A `ProvisioningSlotFree` event is queued.
    slot_event_queued: bool,
}

impl Provisioning {
    pub fn new(services: usize) -> Self {
        Provisioning {
            held_back: vec![false; services],
            ..Default::default()
        }
    }
}

/// Only tasks sent to an Auto Scaling group or Managed Instances capacity provider wait
/// under the limits.
fn limited(target: Target) -> bool {
    matches!(target, Target::Pool(_) | Target::Managed(_))
}

impl<R: Recorder> Simulation<'_, R> {
    /// Whether a new task bound for `target` is refused because the cluster already has its
    /// maximum of tasks waiting. ECS refuses at the call, before placement, so a task that
    /// would have fit at once is refused too.
    pub(super) fn provisioning_full(&self, target: Target) -> bool {
        limited(target)
            && self
                .config
                .provisioning
                .max_tasks
                .is_some_and(|max| self.provisioning.waiting >= max)
    }

    /// A service launch the limit refused: the loss it was to make good stays owed, and
    /// the service launches again when a place frees.
    pub(super) fn hold_back_service(
        &mut self,
        s: ServiceId,
        restart: Option<RestartTag>,
        now: SimTime,
    ) {
        if let Some(tag) = restart {
            self.origins[s].owed.push_front(tag);
        }
        if std::mem::replace(&mut self.provisioning.held_back[s.index()], true) {
            return;
        }
        self.narrate(now, |n| n.held_back(s));
    }

    /// Task `slot` starts waiting for capacity: it counts against the limit and its
    /// timeout starts (from its creation, when it entered PROVISIONING).
    pub(super) fn provisioning_wait_starts(&mut self, slot: u32, queue: &mut EventQueue<Event>) {
        let task = self.tasks.get(slot);
        if !limited(task.target) {
            return;
        }
        self.provisioning.waiting += 1;
        if let Some(timeout) = self.config.provisioning.timeout {
            let at = task.created_at + timeout;
            let r = self.tasks.reference(slot);
            queue.schedule(at, Event::ProvisioningTimeout(r));
        }
    }

    /// A task bound for `target` stopped waiting (placed or stopped): a place frees for
    /// services held back.
    pub(super) fn provisioning_wait_ends(
        &mut self,
        target: Target,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        if !limited(target) {
            return;
        }
        self.provisioning.waiting -= 1;
        let p = &mut self.provisioning;
        if !p.slot_event_queued && p.held_back.iter().any(|h| *h) {
            p.slot_event_queued = true;
            queue.schedule(now, Event::ProvisioningSlotFree);
        }
    }

    /// The task's wait ran out: ECS stops it if it is still waiting for capacity. A service
    /// replaces it like any other loss.
    pub(super) fn provisioning_timeout(
        &mut self,
        task: TaskRef,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let waiting = self
            .tasks
            .live(task)
            .is_some_and(|t| t.state == TaskState::Provisioning && t.placed_at.is_none());
        if !waiting {
            return;
        }
        self.narrate(now, |n| n.provisioning_timed_out(task.slot, now));
        self.stop_task(task.slot, now, StopReason::ProvisioningTimeout, queue);
    }

    /// A place under the limit freed: every service held back tries its launches again, in
    /// service order.
    pub(super) fn provisioning_slot_free(&mut self, now: SimTime, queue: &mut EventQueue<Event>) {
        self.provisioning.slot_event_queued = false;
        for s in self.origins.service_ids() {
            if std::mem::replace(&mut self.provisioning.held_back[s.index()], false) {
                self.reconcile_service(s, now, queue);
            }
        }
    }
}
