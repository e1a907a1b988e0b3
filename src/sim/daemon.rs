//! DAEMON services (reference §3.1): one task on every ACTIVE instance that satisfies the
//! service's `memberOf` constraints. Its desired count is the number of such instances,
//! recounted whenever an instance registers, drains or goes, so availability reads "every
//! eligible instance runs its daemon". A daemon task is placed on a new instance before
//! any waiting replica task gets a look at it, is not replaced elsewhere when its instance
//! drains (it keeps running through a Spot notice), and is stopped after the instance's
//! other tasks when the instance goes. Its reservation is marked as a daemon's, so it does
//! not keep an instance from being "empty" for managed scale-in. A daemon task that stops
//! on an instance still ACTIVE is relaunched there (throttled like any start failure), and
//! its resources stay reserved there until then: ECS reserves a daemon's CPU, memory and
//! ENI, so replica tasks waiting meanwhile cannot take them. The held amounts count as
//! reserved in the utilization figures; no task is counted for them. An instance without
//! room for the daemon task (a task bigger than the instance) goes without it, and the
//! service counts short.

use super::Simulation;
use super::events::Event;
use super::origins::OriginId;
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{InstanceId, InstanceState, Origin, ServiceId, StopReason, TaskDefId};
use crate::placement::{self, PlacementRequest};
use crate::time::SimTime;

/// Per origin (by [`OriginId::index`]; only DAEMON services' rows are ever written), by
/// instance slot: where a task of the service runs, and what is held for a replacement.
pub(super) struct Daemons {
    /// Whether a live task of the service sits on each instance (false again before a
    /// slot is reused, since every task stops before its instance goes: `check_daemons`
    /// holds it to the tasks).
    on: Vec<Vec<bool>>,
    /// The task definition whose resources stay reserved on each instance for the task
    /// that replaces one that stopped there (ECS reserves a daemon's resources).
    held: Vec<Vec<Option<TaskDefId>>>,
}

impl Daemons {
    pub fn new(origins: usize) -> Daemons {
        Daemons {
            on: vec![Vec::new(); origins],
            held: vec![Vec::new(); origins],
        }
    }

    /// Whether a live task of `o` sits on instance `id`.
    pub fn is_on(&self, o: OriginId, id: InstanceId) -> bool {
        self.on[o.index()].get(id.index()).copied().unwrap_or(false)
    }

    /// A task of `o` now sits on `id`; `slots` is the cluster's instance slot count.
    pub fn placed(&mut self, o: OriginId, id: InstanceId, slots: usize) {
        let on = &mut self.on[o.index()];
        if on.len() <= id.index() {
            on.resize(slots, false);
        }
        on[id.index()] = true;
    }

    /// The task of `o` on `id` has stopped.
    pub fn left(&mut self, o: OriginId, id: InstanceId) {
        if let Some(on) = self.on[o.index()].get_mut(id.index()) {
            *on = false;
        }
    }

    /// `def`'s resources stay reserved on `id` for the task of `o` that replaces the one
    /// that just stopped there.
    pub fn hold(&mut self, o: OriginId, id: InstanceId, def: TaskDefId) {
        let held = &mut self.held[o.index()];
        if held.len() <= id.index() {
            held.resize(id.index() + 1, None);
        }
        held[id.index()] = Some(def);
    }

    /// The task definition whose resources `o` holds on `id`, no longer held once taken.
    fn take_hold(&mut self, o: OriginId, id: InstanceId) -> Option<TaskDefId> {
        self.held[o.index()]
            .get_mut(id.index())
            .and_then(Option::take)
    }

    /// What `o` holds, by instance slot.
    fn holds(&self, o: OriginId) -> &[Option<TaskDefId>] {
        &self.held[o.index()]
    }
}

impl<R: Recorder> Simulation<'_, R> {
    /// Every DAEMON service catches up with the cluster's instances.
    pub(super) fn daemons_reconcile(&mut self, now: SimTime, queue: &mut EventQueue<Event>) {
        for s in self.origins.service_ids() {
            if self.config.services[s.index()].daemon {
                self.daemon_reconcile(s, now, queue);
            }
        }
    }

    /// A new ACTIVE instance: each DAEMON service that may run there counts it and places
    /// its task on it (before anything else sees the instance's capacity).
    pub(super) fn daemons_on_new_instance(
        &mut self,
        id: InstanceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        for s in self.origins.service_ids() {
            if !self.config.services[s.index()].daemon || !self.daemon_eligible(s, id) {
                continue;
            }
            let desired = self.origins[s].counts.desired() + 1;
            self.set_service_desired(s, desired, now);
            let state = &self.origins[s];
            if state.retry_pending || self.deployments.halted(s) {
                continue;
            }
            let def = &self.config.task_defs[self.config.services[s.index()].task_def.index()];
            let request =
                PlacementRequest::for_task(def, None, &self.config.services[s.index()].placement);
            if placement::fits_on(&self.cluster, &request, id) {
                self.launch_daemon_task(s, id, now, queue);
            }
        }
    }

    fn daemon_eligible(&self, s: ServiceId, id: InstanceId) -> bool {
        self.cluster.instance(id).state == InstanceState::Active
            && placement::member_of_all(
                &self.cluster,
                &self.config.services[s.index()].placement,
                id,
            )
    }

    /// Recounts the service's eligible instances and launches its task on each that lacks
    /// one and has room.
    pub(super) fn daemon_reconcile(
        &mut self,
        s: ServiceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let mut eligible = 0;
        // Room held on instances that no longer qualify (memberOf can read task counts, so
        // an ACTIVE instance may stop qualifying) is given back, throttled or not.
        let mut freed = false;
        for k in 0..self.cluster.active().len() {
            let id = self.cluster.active()[k];
            if self.daemon_eligible(s, id) {
                eligible += 1;
            } else {
                freed |= self.release_daemon_hold(s, id);
            }
        }
        if freed {
            self.retry_waiting(now, queue);
        }
        if eligible != self.origins[s].counts.desired() {
            self.set_service_desired(s, eligible, now);
        }
        let state = &self.origins[s];
        if state.alive() >= state.counts.desired() {
            self.origins[s].owed.clear();
        }
        let state = &self.origins[s];
        if state.retry_pending || self.deployments.halted(s) {
            return;
        }
        let def = &self.config.task_defs[self.config.services[s.index()].task_def.index()];
        let placement = &self.config.services[s.index()].placement;
        let request = PlacementRequest::for_task(def, None, placement);
        let mut k = 0;
        while k < self.cluster.active().len() {
            let id = self.cluster.active()[k];
            k += 1;
            let has = self.daemons.is_on(s.into(), id);
            if has || !self.daemon_eligible(s, id) {
                continue;
            }
            // The replacement takes over what was held for it: the same task definition
            // (DAEMON services take no deployments), so it always fits what was released.
            self.release_daemon_hold(s, id);
            if placement::fits_on(&self.cluster, &request, id) {
                self.launch_daemon_task(s, id, now, queue);
            }
        }
    }

    /// Whether a DAEMON task of origin `o` stopping on `id` for `reason` keeps its resources
    /// reserved there for its replacement: the instance stays ACTIVE and the scheduler did
    /// not stop the task itself, so the service will launch another there, and ECS keeps
    /// a daemon's resources reserved (reference §3.1), so that waiting replica tasks cannot
    /// take them while, say, its launches are throttled after failures to start.
    pub(super) fn daemon_keeps_place(
        &self,
        o: super::origins::OriginId,
        id: InstanceId,
        reason: StopReason,
    ) -> bool {
        self.config.daemon_room_held
            && self.is_daemon(o)
            && reason != StopReason::ServiceScheduler
            && self.cluster.instance(id).state == InstanceState::Active
    }

    /// Frees what service `s` holds on `id` for a task that stopped there; true if it held
    /// anything.
    fn release_daemon_hold(&mut self, s: ServiceId, id: InstanceId) -> bool {
        let Some(def) = self.daemons.take_hold(s.into(), id) else {
            return false;
        };
        let def = &self.config.task_defs[def.index()];
        let group = self.origins[s].placement(self.config).group;
        self.cluster.release_hold(id, def.reservation(group, true));
        if def.uses_eni() {
            self.cluster.return_ip(self.cluster.instance(id).az);
        }
        true
    }

    /// The instance drains or goes: nothing is held on it any more.
    pub(super) fn release_daemon_holds_on(&mut self, id: InstanceId) {
        for s in self.origins.service_ids() {
            if self.config.services[s.index()].daemon {
                self.release_daemon_hold(s, id);
            }
        }
    }

    /// Orders the task slots so DAEMON tasks come last (they are stopped last).
    pub(super) fn daemons_last(&self, slots: &mut [u32]) {
        slots.sort_unstable_by_key(|slot| match self.tasks.get(*slot).origin {
            Origin::Service(ServiceId(s)) => self.config.services[s as usize].daemon,
            Origin::Job(_) => false,
        });
    }

    /// For checked runs: every ACTIVE eligible instance holds exactly one live task of each
    /// DAEMON service that is not throttled, and none holds two.
    pub(super) fn check_daemons(&self) -> Result<(), String> {
        for s in self.origins.service_ids() {
            if !self.config.services[s.index()].daemon {
                continue;
            }
            let origin = Origin::Service(s);
            let def = &self.config.task_defs[self.config.services[s.index()].task_def.index()];
            let placement = &self.config.services[s.index()].placement;
            let request = PlacementRequest::for_task(def, None, placement);
            let mut per_instance = vec![0u32; self.cluster.instance_slots().len()];
            for slot in self.tasks.live_slots() {
                let t = self.tasks.get(slot);
                if t.origin == origin {
                    if let Some(i) = t.instance {
                        per_instance[i.index()] += 1;
                    }
                }
            }
            let name = &self.config.services[s.index()].name;
            for (i, n) in per_instance.iter().enumerate() {
                let id = InstanceId(i as u32);
                let held = self.daemons.holds(s.into()).get(i).copied().flatten();
                if held.is_some()
                    && (*n > 0 || self.cluster.instance(id).state != InstanceState::Active)
                {
                    return Err(format!(
                        "DAEMON service {name}: resources held on {} beside {n} tasks, in state {:?}",
                        self.cluster.instance(id).ec2_instance_id,
                        self.cluster.instance(id).state
                    ));
                }
                // Without a task, only for want of room (others took it while the service was
                // throttled, with `daemon_room_held` off; or the task is larger than the
                // instance).
                let want_one = self.daemon_eligible(s, id)
                    && !self.origins[s].retry_pending
                    && (*n > 0 || placement::fits_on(&self.cluster, &request, id));
                if *n > 1 || (want_one && *n != 1) {
                    return Err(format!(
                        "DAEMON service {name}: {n} tasks on {}",
                        self.cluster.instance(id).ec2_instance_id
                    ));
                }
                // A reused slot must not inherit its earlier instance's mark.
                let marked = self.daemons.is_on(s.into(), id);
                if marked != (*n == 1) {
                    return Err(format!(
                        "DAEMON service {name}: {} marked {marked} with {n} tasks",
                        self.cluster.instance(id).ec2_instance_id
                    ));
                }
            }
        }
        Ok(())
    }
    /// For checked runs: what each live instance has free is its total less the
    /// reservations of its live tasks and of the DAEMON holds on it (CPU, memory, GPUs,
    /// ENIs).
    pub(super) fn check_reservations(&self) -> Result<(), String> {
        let n = self.cluster.instance_slots().len();
        let mut used = vec![(0u32, 0u32, 0u32, 0u32); n];
        let mut add = |id: InstanceId, def: crate::model::TaskDefId| {
            let shape = self.config.task_defs[def.index()].shape();
            let u = &mut used[id.index()];
            *u = (
                u.0 + shape.cpu,
                u.1 + shape.memory,
                u.2 + shape.gpu,
                u.3 + u32::from(shape.awsvpc),
            );
        };
        for slot in self.tasks.live_slots() {
            let t = self.tasks.get(slot);
            if let (Some(id), false) = (t.instance, t.target.is_fargate()) {
                add(id, t.task_def);
            }
        }
        for s in self.origins.service_ids() {
            for (i, held) in self.daemons.holds(s.into()).iter().enumerate() {
                if let Some(def) = held {
                    add(InstanceId(i as u32), *def);
                }
            }
        }
        self.check_subnet_addresses()?;
        for (inst, u) in self.cluster.instance_slots().iter().zip(used) {
            if inst.state == InstanceState::Terminated {
                continue;
            }
            let reserved = (
                inst.cpu_total - inst.cpu_free,
                inst.memory_total - inst.memory_free,
                inst.gpu_total - inst.gpu_free,
                inst.eni_total - inst.eni_free,
            );
            if reserved != u {
                return Err(format!(
                    "{} has (CPU, memory, GPUs, ENIs) {reserved:?} reserved, its tasks and holds {u:?}",
                    inst.ec2_instance_id
                ));
            }
        }
        Ok(())
    }

    /// For checked runs, with subnets sized: each AZ's free addresses are its subnet's size
    /// less one per live awsvpc task placed there (on EC2 or Fargate) and per DAEMON hold
    /// of an awsvpc task there.
    fn check_subnet_addresses(&self) -> Result<(), String> {
        let (Some(size), Some(free)) =
            (self.config.subnet_ips_per_az, &self.cluster.subnet_ips_free)
        else {
            return Ok(());
        };
        let mut taken = vec![0u32; free.len()];
        for slot in self.tasks.live_slots() {
            let t = self.tasks.get(slot);
            let def = &self.config.task_defs[t.task_def.index()];
            let placed = t.placed_at.is_some() || t.target.is_fargate();
            if let (Some(az), true) = (t.az, placed && (def.uses_eni() || t.target.is_fargate())) {
                taken[az.index()] += 1;
            }
        }
        for s in self.origins.service_ids() {
            for (i, held) in self.daemons.holds(s.into()).iter().enumerate() {
                if held.is_some_and(|def| self.config.task_defs[def.index()].uses_eni()) {
                    taken[self.cluster.instance(InstanceId(i as u32)).az.index()] += 1;
                }
            }
        }
        for (a, (free, taken)) in free.iter().zip(taken).enumerate() {
            if free + taken != size {
                return Err(format!(
                    "AZ {}: {free} subnet addresses free and {taken} taken, of {size}",
                    self.cluster.azs[a]
                ));
            }
        }
        Ok(())
    }
}
