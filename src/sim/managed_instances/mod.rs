//! ECS Managed Instances capacity providers carried out (ecs-current.md §1): tasks placed on
//! the provider's existing instances (`placement::managed_instances::choose`), the waiting
//! ones batched and instances launched for them (`batch.rs`), idle and underutilized
//! instances scaled in, and instances drained for patching (`scale_in.rs`).
//!
//! The rest of the simulation calls in at five points: a task starts waiting for a
//! provider ([`Simulation::managed_task_waits`]), a task is placed on or leaves one of its
//! instances ([`Simulation::managed_instance_changed`]), one of its instances registers
//! ([`Simulation::managed_registered`]), and its events arrive.

mod batch;
mod scale_in;

pub(super) use batch::Launched;

use super::Simulation;
use super::events::Event;
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{InstanceId, InstanceRef, PoolId, SimConfig, Target};
use crate::time::SimTime;

/// Why a Managed Instances instance is draining.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DrainCause {
    /// Its tasks fit on the provider's other instances.
    Consolidation,
    /// Patching: 14 days after launch.
    Recycle,
}

/// One provider's running state.
#[derive(Default)]
struct ProviderState {
    /// A `ManagedBatch` event is queued.
    batch_queued: bool,
    /// Instances launching, each with the waiting tasks (slot, task id) it was chosen for:
    /// those are not batched again until it registers.
    plans: Vec<(InstanceRef, Vec<(u32, u64)>)>,
    /// The instance being consolidated: one at a time, "to maintain availability".
    consolidating: Option<InstanceRef>,
}

/// Every provider's state, and per instance slot the scale-in timer and drain.
#[derive(Default)]
pub(super) struct ManagedInstances {
    /// Per pool: the provider whose hidden pool it is.
    pool_provider: Vec<Option<u32>>,
    providers: Vec<ProviderState>,
    /// Per instance slot: the latest scale-in timer; an older one that fires is stale.
    tokens: Vec<u32>,
    /// Per instance slot: why it drains, if a provider drains it.
    draining: Vec<Option<DrainCause>>,
}

impl ManagedInstances {
    pub fn new(config: &SimConfig) -> ManagedInstances {
        let mut pool_provider = vec![None; config.pools.len()];
        for (m, p) in config.managed_instances.iter().enumerate() {
            for t in &p.types {
                pool_provider[t.pool.index()] = Some(m as u32);
            }
        }
        ManagedInstances {
            pool_provider,
            providers: config
                .managed_instances
                .iter()
                .map(|_| ProviderState::default())
                .collect(),
            tokens: Vec::new(),
            draining: Vec::new(),
        }
    }

    /// The provider owning `pool`, if it is a Managed Instances pool.
    pub fn provider_of(&self, pool: PoolId) -> Option<u32> {
        self.pool_provider.get(pool.index()).copied().flatten()
    }

    fn slot<T: Default + Clone>(table: &mut Vec<T>, id: InstanceId) -> &mut T {
        if table.len() <= id.index() {
            table.resize(id.index() + 1, T::default());
        }
        &mut table[id.index()]
    }

    /// Why the instance in slot `id` drains, if its provider drains it.
    pub fn drain_cause(&self, id: InstanceId) -> Option<DrainCause> {
        self.draining.get(id.index()).copied().flatten()
    }
}

impl<R: Recorder> Simulation<'_, R> {
    /// The instance of Managed Instances provider `m` a task asking `request` goes to.
    pub(super) fn choose_managed(
        &self,
        m: u32,
        request: &crate::placement::PlacementRequest<'_>,
        def: &crate::model::TaskDef,
    ) -> Option<InstanceId> {
        let provider = &self.config.managed_instances[m as usize];
        let arch = match def.platform {
            crate::catalog::FargatePlatform::LinuxArm => "arm64",
            _ => "x86_64",
        };
        crate::placement::managed_instances::choose(&self.cluster, request, provider, arch)
    }

    /// Task `slot` started waiting for capacity: a task bound for a Managed Instances
    /// provider is gathered into the provider's next batch.
    pub(super) fn managed_task_waits(&mut self, slot: u32, queue: &mut EventQueue<Event>) {
        let task = self.tasks.get(slot);
        if let Target::Managed(m) = task.target {
            self.queue_batch(m, task.created_at, queue);
        }
    }

    fn queue_batch(&mut self, m: u32, now: SimTime, queue: &mut EventQueue<Event>) {
        let p = &mut self.managed.providers[m as usize];
        if !p.batch_queued {
            p.batch_queued = true;
            let window = self.config.managed_instances[m as usize].batch_window;
            queue.schedule(now + window, Event::ManagedBatch(m));
        }
    }

    /// A task was placed on, or left, instance `id`: if a provider owns it, its scale-in
    /// timer starts again from now (any launch or stop resets it), and a drained instance
    /// left empty is deregistered.
    pub(super) fn managed_instance_changed(
        &mut self,
        id: InstanceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let inst = self.cluster.instance(id);
        let Some(m) = self.managed.provider_of(inst.pool) else {
            return;
        };
        let r = self.cluster.reference(id);
        if self.managed.drain_cause(id).is_some() {
            // Not at once: this runs inside the stop of one of its tasks.
            queue.schedule(now, Event::ManagedDrainStep(r));
            return;
        }
        self.arm_scale_in(m, id, now, queue);
    }

    /// Instance `id` registered and the waiting tasks had their turn at it: its plan is
    /// done (tasks it was launched for and did not take are batched again), its scale-in
    /// timer starts, and its recycling is scheduled.
    pub(super) fn managed_registered(
        &mut self,
        id: InstanceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(m) = self.managed.provider_of(self.cluster.instance(id).pool) else {
            return;
        };
        let r = self.cluster.reference(id);
        let provider = &mut self.managed.providers[m as usize];
        provider.plans.retain(|(planned, _)| *planned != r);
        if self.uncovered_waiting(m) > 0 {
            self.queue_batch(m, now, queue);
        }
        self.arm_scale_in(m, id, now, queue);
        let spec = &self.config.managed_instances[m as usize];
        if let Some(after) = spec.recycle_after {
            let launched = self.cluster.instance(id).launched_at;
            queue.schedule(launched + after, Event::ManagedRecycle(r));
        }
    }

    /// Tasks waiting for provider `m` that no launching instance was chosen for.
    fn uncovered_waiting(&self, m: u32) -> usize {
        self.waiting_for(m).len()
    }

    /// The slots of the tasks waiting for provider `m`, oldest first, without those a
    /// launching instance was chosen for.
    fn waiting_for(&self, m: u32) -> Vec<u32> {
        let covered = &self.managed.providers[m as usize].plans;
        let mut out: Vec<(u64, u32)> = Vec::new();
        for (o, origin) in self.origins.ids().zip(self.origins.iter()) {
            for (t, target) in origin.targets.iter().enumerate() {
                if *target != Target::Managed(m) {
                    continue;
                }
                for &slot in self.waiting.queue(o, t) {
                    let id = self.tasks.get(slot).id;
                    let planned = covered.iter().any(|(_, tasks)| tasks.contains(&(slot, id)));
                    if !planned {
                        out.push((id, slot));
                    }
                }
            }
        }
        out.sort_unstable();
        out.into_iter().map(|(_, slot)| slot).collect()
    }
}
