//! Tasks waiting in PROVISIONING for capacity, and the passes that offer them capacity.
//!
//! Each origin has one FIFO queue per target here (task slots in arrival order); the rest
//! of the simulation reads them through [`WaitingQueues::queue`]. Freed or added capacity is offered to the queues' heads, the task
//! created first across queues going first, until nothing more fits; a queue whose head
//! does not fit sits out the rest of the pass. The rest of the simulation changes them
//! through three calls: [`Simulation::enqueue`], [`Simulation::leave_waiting`] and
//! [`Simulation::retry_waiting`].

use super::Simulation;
use super::events::Event;
use super::origins::{OriginId, Origins};
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::Target;
use crate::model::task::RejectReason;
use crate::placement;
use crate::time::SimTime;
use std::collections::VecDeque;

/// Every origin's waiting queues and their bookkeeping.
pub(super) struct WaitingQueues {
    /// Per origin (by [`OriginId::index`]), one queue per target: task slots in arrival
    /// order.
    queues: Vec<Vec<VecDeque<u32>>>,
    /// Per queue, reused by each pass: whether its head failed to fit in this pass. Never
    /// set, nor cleared, when `only_queue` names the one queue (a refusal ends its pass).
    blocked: Vec<bool>,
    /// Tasks waiting across every queue.
    total: usize,
    /// The origin whose first target's queue is the scenario's only queue, if it has one.
    only_queue: Option<OriginId>,
}

impl WaitingQueues {
    pub fn new(origins: &Origins) -> WaitingQueues {
        let queues: Vec<Vec<VecDeque<u32>>> = origins
            .iter()
            .map(|o| vec![VecDeque::new(); o.targets.len()])
            .collect();
        WaitingQueues {
            blocked: vec![false; queues.iter().map(Vec::len).sum()],
            total: 0,
            only_queue: only_queue(origins, &queues),
            queues,
        }
    }

    /// Whether no task waits anywhere.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The tasks of origin `o` waiting for its target `t`, oldest first.
    pub fn queue(&self, o: OriginId, t: usize) -> &VecDeque<u32> {
        &self.queues[o.index()][t]
    }
}

/// The origin holding the scenario's only waiting queue (its first target's), if the
/// scenario has exactly one.
fn only_queue(origins: &Origins, queues: &[Vec<VecDeque<u32>>]) -> Option<OriginId> {
    let mut with_queues = origins.ids().zip(queues).filter(|(_, q)| !q.is_empty());
    match (with_queues.next(), with_queues.next()) {
        (Some((id, q)), None) if q.len() == 1 => Some(id),
        _ => None,
    }
}

impl<R: Recorder> Simulation<'_, R> {
    /// Task `slot` of origin `o` joins the back of its queue for target `target_index`, and
    /// counts as waiting for the PROVISIONING limit and timeout.
    pub(super) fn enqueue(
        &mut self,
        o: OriginId,
        target_index: usize,
        slot: u32,
        queue: &mut EventQueue<Event>,
    ) {
        self.waiting.queues[o.index()][target_index].push_back(slot);
        self.waiting.total += 1;
        self.provisioning_wait_starts(slot, queue);
        self.managed_task_waits(slot, queue);
    }

    /// Task `slot`, still waiting, stops: it leaves its queue and the PROVISIONING count.
    pub(super) fn leave_waiting(&mut self, slot: u32, now: SimTime, queue: &mut EventQueue<Event>) {
        let task = self.tasks.get(slot);
        let o = self.origins.id(task.origin);
        let target = task.target;
        let queue_of = &mut self.waiting.queues[o.index()][task.target_index as usize];
        if let Some(pos) = queue_of.iter().position(|s| *s == slot) {
            queue_of.remove(pos);
            self.waiting.total -= 1;
            self.provisioning_wait_ends(target, now, queue);
        }
    }

    /// Offers freed capacity to waiting tasks, oldest first across queues. A queue whose
    /// head does not fit is skipped for the rest of the pass: capacity only shrinks within
    /// a pass, and every task of a queue has the same shape and rules.
    #[inline]
    pub(super) fn retry_waiting(&mut self, now: SimTime, queue: &mut EventQueue<Event>) {
        // Inlined so that a release with nothing waiting costs a comparison, not a call.
        if self.waiting.total > 0 {
            self.offer_to_waiting(now, queue);
        }
    }

    fn offer_to_waiting(&mut self, now: SimTime, queue: &mut EventQueue<Event>) {
        // With one queue a refusal ends the pass, so no flag is ever set: nothing to clear.
        if self.waiting.only_queue.is_none() {
            self.waiting.blocked.fill(false);
        }
        let mut placed = false;
        while let Some((o, t, flat, candidates)) = self.oldest_waiting_head() {
            let slot = *self.waiting.queues[o.index()][t]
                .front()
                .expect("head exists");
            // No other head need be looked for when nothing waits any more, or when the
            // only queue that offered one refused (a refusal changes nothing, so no other
            // queue can have filled meanwhile). One queue is the common case.
            let only = candidates == 1;
            // Once this pass has placed a task, the next head often finds the room gone:
            // the indexes' maxima say so before a whole decision is made.
            let outcome = if placed && self.surely_refused(slot) {
                Err(RejectReason::NoInstances)
            } else {
                self.try_start(slot, now, queue)
            };
            match outcome {
                Ok(()) => {
                    placed = true;
                    self.waiting.queues[o.index()][t].pop_front();
                    self.waiting.total -= 1;
                    self.provisioning_wait_ends(self.origins[o].targets[t], now, queue);
                    if self.waiting.total == 0 {
                        break;
                    }
                }
                Err(_) if only => break,
                Err(_) => self.waiting.blocked[flat] = true,
            }
        }
    }

    /// The queue whose head was created first among those not blocked in this pass, as
    /// (origin, target, flat queue number, how many queues had a head to offer).
    fn oldest_waiting_head(&self) -> Option<(OriginId, usize, usize, usize)> {
        // One queue in the whole scenario (one origin, one target) is the common case:
        // its head is the answer without a look at every origin. Its blocked flag is never
        // set (a refusal there ends the pass), so it is not read.
        if let Some(o) = self.waiting.only_queue {
            debug_assert!(
                !self.waiting.blocked[0],
                "the only queue was marked blocked"
            );
            return (!self.waiting.queues[o.index()][0].is_empty()).then_some((o, 0, 0, 1));
        }
        let mut best: Option<(u64, OriginId, usize, usize)> = None;
        let mut candidates = 0;
        let mut flat = 0;
        for (o, queues) in self.origins.ids().zip(&self.waiting.queues) {
            for (t, q) in queues.iter().enumerate() {
                if !self.waiting.blocked[flat] {
                    if let Some(&slot) = q.front() {
                        candidates += 1;
                        let id = self.tasks.get(slot).id;
                        if best.is_none_or(|b| id < b.0) {
                            best = Some((id, o, t, flat));
                        }
                    }
                }
                flat += 1;
            }
        }
        best.map(|(_, o, t, flat)| (o, t, flat, candidates))
    }

    /// Whether placing task `slot` on EC2 must fail for want of room on every ACTIVE
    /// instance (a necessary condition read from the indexes' maxima; false when unsure).
    /// A DAEMON task comes with its instance and a Fargate task asks no instance: never.
    fn surely_refused(&self, slot: u32) -> bool {
        let task = self.tasks.get(slot);
        if task.instance.is_some() || !matches!(task.target, Target::Ec2 | Target::Pool(_)) {
            return false;
        }
        let request = self.placement_request(slot, self.origins.id(task.origin));
        let refused = !placement::may_have_room(&self.cluster, &request);
        debug_assert!(
            !refused
                || placement::choose_instance(
                    &self.cluster,
                    &request,
                    &mut self.streams.placement.clone()
                )
                .is_none(),
            "the maxima refused a task a decision would place"
        );
        refused
    }
}
