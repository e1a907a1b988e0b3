//! The cluster's state and the indexes placement reads.
//!
//! Every ACTIVE instance sits in ordered sets keyed by (free CPU | free memory, rank), and,
//! for each task group whose strategy spreads over instances, in a set keyed by (tasks of
//! that group, rank); each set also knows the most of every resource free in any part of
//! it (`fit_tree.rs`), so placement skips whatever cannot hold the task. The random
//! strategy reads the ACTIVE list with the same maxima (`slot_tree.rs`). Every mutation
//! goes through `reserve`, `release` and the state changes below, which keep them in step.

use super::fit_tree::{Fit, FitTree, Need};
use super::ids::{AzId, GroupId, InstanceId, InstanceRef, PoolId, TaskDefId};
use super::instance::{Instance, InstanceState, InstanceTypeSpec};
use super::slot_tree::{ShapeClass, SlotTree};
use crate::scaling::managed_scaling::TaskShape;
use crate::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};

/// `amount << 32 | rank`: ascending order is placement order. Ranks are unique in a run
/// (a bijection of the launch number), so the key also names the instance; one `u64`
/// compares faster than a tuple, and index updates are the largest share of a run's time.
pub type IndexKey = u64;

/// The murmur3 finalizer: a bijection on u32 that scatters consecutive ids, so ranks are
/// unique, reproducible and in no particular order.
fn scramble(x: u32) -> u32 {
    let mut h = x;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// The multiplicative inverse of an odd number modulo 2^32 (Newton's iteration).
#[cfg(test)]
const fn inverse_mod_2_32(a: u32) -> u32 {
    let mut x = a;
    let mut i = 0;
    while i < 5 {
        x = x.wrapping_mul(2u32.wrapping_sub(a.wrapping_mul(x)));
        i += 1;
    }
    x
}

#[cfg(test)]
fn unscramble(h: u32) -> u32 {
    let mut x = h ^ (h >> 16);
    x = x.wrapping_mul(inverse_mod_2_32(0xc2b2_ae35));
    x ^= (x >> 13) ^ (x >> 26);
    x = x.wrapping_mul(inverse_mod_2_32(0x85eb_ca6b));
    x ^ (x >> 16)
}

/// Static facts about a pool that attribute queries read.
#[derive(Clone, Debug)]
pub struct PoolInfo {
    /// The pool's name in the scenario.
    pub name: String,
    /// The instance type every instance of the pool has.
    pub instance_type: InstanceTypeSpec,
    /// `ecs.os-type` of its instances (`linux`, `windows`).
    pub os_type: &'static str,
    /// Custom attributes (name, value) on every instance, for `memberOf` and spread.
    pub attributes: Vec<(String, String)>,
    /// Host ports the agent holds on every instance: no task can bind them.
    pub reserved_ports: Vec<u16>,
}

/// How many tasks of one task group sit where.
#[derive(Clone, Debug, Default)]
pub struct GroupCounts {
    /// By instance slot; 0 for a TERMINATED slot.
    pub per_instance: Vec<u32>,
    /// By spread key, then interned attribute value (key 0: by AZ, Fargate tasks included).
    pub per_attribute: Vec<Vec<u32>>,
    /// (count, rank) over ACTIVE instances; kept only for groups that spread by instance.
    pub(crate) instance_index: Option<FitTree>,
}

/// What a task takes from an instance.
#[derive(Clone, Copy, Debug)]
pub struct Reservation<'a> {
    /// CPU units reserved (1024 per vCPU).
    pub cpu: u32,
    /// Memory reserved, MiB.
    pub memory: u32,
    /// Whole GPUs, each held by this task alone.
    pub gpu: u32,
    /// Static host ports it binds (bridge or host network mode).
    pub host_ports: &'a [u16],
    /// Whether it takes an ENI (awsvpc network mode).
    pub eni: bool,
    /// The task group it counts in, for spread and `distinctInstance`.
    pub group: GroupId,
    /// Whether it is a DAEMON service's task (not counted in `non_daemon_tasks`).
    pub daemon: bool,
}

impl<'a> Reservation<'a> {
    /// A task of `shape` in `group` (a DAEMON task or not).
    pub fn of(shape: TaskShape<'a>, group: GroupId, daemon: bool) -> Reservation<'a> {
        Reservation {
            cpu: shape.cpu,
            memory: shape.memory,
            gpu: shape.gpu,
            host_ports: shape.host_ports,
            eni: shape.awsvpc,
            group,
            daemon,
        }
    }
}

#[cfg(test)]
impl Reservation<'static> {
    /// The tests' usual task: CPU and memory in group 0, no GPU, ports or ENI.
    pub fn plain(cpu: u32, memory: u32) -> Reservation<'static> {
        Reservation {
            cpu,
            memory,
            gpu: 0,
            host_ports: &[],
            eni: false,
            group: GroupId(0),
            daemon: false,
        }
    }
}

/// The container instances of a run, what they hold, and the indexes placement reads.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// AZ names, indexed by `AzId`.
    pub azs: Vec<String>,
    /// Per pool, the facts attribute queries read.
    pub pools: Vec<PoolInfo>,
    /// By slot (`InstanceId`). A TERMINATED instance keeps its slot until a later launch
    /// takes it, so the table, and every table kept per slot, is as large as the most
    /// instances alive at once, not as the instances ever launched. `Instance::launch`
    /// gives the launch order; slot order means nothing. Private: an instance's free
    /// amounts change only through `reserve`, `release` and their kin, which keep the
    /// placement indexes and the maxima true.
    instances: Vec<Instance>,
    /// Slots of TERMINATED instances, the last freed taken first.
    free_slots: Vec<InstanceId>,
    /// Launches so far: the next launch's number.
    launches: u32,
    /// Instances whose slot a later launch took, when kept (`keep_retired`): for recorders
    /// that report every instance's life. Otherwise nothing here grows with the horizon.
    retired: Option<Vec<Instance>>,
    /// Task group names, indexed by `GroupId`.
    pub group_names: Vec<String>,
    /// Per task group, where its tasks sit.
    pub groups: Vec<GroupCounts>,
    /// Attribute names spread strategies count over (key 0: `ecs.availability-zone`).
    pub spread_keys: Vec<String>,
    /// Interned values per spread key; key 0's values are the AZ names in AzId order.
    pub attribute_values: Vec<Vec<String>>,
    /// Free subnet addresses per AZ; `None` when subnets are not modeled.
    pub subnet_ips_free: Option<Vec<u32>>,
    /// Mixed into every rank, so each run's tie-break order is its own.
    rank_salt: u32,
    active: Vec<InstanceId>,
    active_pos: Vec<u32>,
    /// `None` when no strategy binpacks on that resource: each index costs two tree
    /// updates per placement and per stop, the largest share of a small run's time.
    by_free_cpu: Option<FitTree>,
    by_free_memory: Option<FitTree>,
    /// `active` with free-resource maxima; `None` when no strategy draws at random.
    slots: Option<SlotTree>,
    /// Per pool: its LAUNCHING and ACTIVE instances (what its Auto Scaling group counts)
    /// by launch number, and how many of them run a task that is not a daemon's. Kept as
    /// instances change, so managed scaling's minute tick reads counts instead of walking
    /// every instance.
    pool_live: Vec<BTreeMap<u32, InstanceId>>,
    pool_busy: Vec<u32>,
    /// Per pool: how many of its live instances are still LAUNCHING. Every time-series
    /// sample reads it; counting through `pool_live` there was a tenth of a 50,000-instance
    /// run.
    pool_launching: Vec<u32>,
    /// Per pool and AZ: instances not yet TERMINATED, which a replacement or a scale-out
    /// balances across AZs.
    pool_az_instances: Vec<Vec<u32>>,
    /// Totals over ACTIVE and DRAINING instances, for utilization.
    pub registered_cpu: u64,
    /// Memory registered by ACTIVE and DRAINING instances, MiB.
    pub registered_memory: u64,
    /// CPU units reserved on ACTIVE and DRAINING instances.
    pub reserved_cpu: u64,
    /// Memory reserved on ACTIVE and DRAINING instances, MiB.
    pub reserved_memory: u64,
}

const NOT_ACTIVE: u32 = u32::MAX;

impl Cluster {
    /// An empty cluster in `azs` with `pools`; a group whose entry in
    /// `groups_spreading_by_instance` is true keeps a spread-by-instance index.
    pub fn new(
        azs: Vec<String>,
        pools: Vec<PoolInfo>,
        group_names: Vec<String>,
        groups_spreading_by_instance: &[bool],
        spread_keys: Vec<String>,
        subnet_ips_per_az: Option<u32>,
    ) -> Cluster {
        let mut attribute_values = vec![Vec::new(); spread_keys.len().max(1)];
        attribute_values[0] = azs.clone();
        let groups = group_names
            .iter()
            .enumerate()
            .map(|(g, _)| GroupCounts {
                per_instance: Vec::new(),
                per_attribute: attribute_values.iter().map(|v| vec![0; v.len()]).collect(),
                instance_index: groups_spreading_by_instance
                    .get(g)
                    .copied()
                    .unwrap_or(false)
                    .then(FitTree::new),
            })
            .collect();
        Cluster {
            pool_live: vec![BTreeMap::new(); pools.len()],
            pool_busy: vec![0; pools.len()],
            pool_launching: vec![0; pools.len()],
            pool_az_instances: vec![vec![0; azs.len()]; pools.len()],
            subnet_ips_free: subnet_ips_per_az.map(|n| vec![n; azs.len()]),
            azs,
            pools,
            instances: Vec::new(),
            free_slots: Vec::new(),
            launches: 0,
            retired: None,
            group_names,
            groups,
            spread_keys,
            attribute_values,
            rank_salt: 0,
            active: Vec::new(),
            active_pos: Vec::new(),
            by_free_cpu: Some(FitTree::new()),
            by_free_memory: Some(FitTree::new()),
            slots: Some(SlotTree::new()),
            registered_cpu: 0,
            registered_memory: 0,
            reserved_cpu: 0,
            reserved_memory: 0,
        }
    }

    /// Sets the salt of the random tie-break order; call before adding instances.
    pub fn set_rank_salt(&mut self, salt: u32) {
        debug_assert!(self.instances.is_empty());
        self.rank_salt = salt;
    }

    /// Keeps the instances whose slot a later launch takes, for `every_instance`.
    pub fn keep_retired(&mut self) {
        self.retired.get_or_insert_with(Vec::new);
    }

    /// Adds a LAUNCHING instance; it takes no tasks until `activate`. It takes the slot
    /// of a TERMINATED instance if there is one.
    pub fn add_instance(
        &mut self,
        pool: PoolId,
        az: AzId,
        spot: bool,
        price_per_hour: f64,
        now: SimTime,
    ) -> InstanceId {
        let launch = self.launches;
        self.launches += 1;
        let rank = scramble(launch ^ self.rank_salt);
        let spec = self.pools[pool.index()].instance_type.clone();
        let attribute_values = (0..self.spread_keys.len())
            .map(|k| {
                if k == 0 {
                    az.0
                } else {
                    let value = self
                        .attribute_of(pool, az, &self.spread_keys[k])
                        .unwrap_or("")
                        .to_string();
                    self.intern(k, value)
                }
            })
            .collect();
        let reused = self.free_slots.pop();
        let id = reused.unwrap_or(InstanceId(self.instances.len() as u32));
        let generation = reused.map_or(0, |id| self.instances[id.index()].generation + 1);
        let instance = Instance {
            id,
            generation,
            launch,
            ec2_instance_id: format!("i-{:08}", u64::from(launch) + 1),
            pool,
            az,
            state: InstanceState::Launching,
            spot,
            cpu_total: spec.cpu_units,
            memory_total: spec.memory_mib,
            cpu_free: spec.cpu_units,
            memory_free: spec.memory_mib,
            eni_total: spec.awsvpc_task_limit,
            eni_free: spec.awsvpc_task_limit,
            gpu_total: spec.gpus,
            gpu_free: spec.gpus,
            ports_used: self.pools[pool.index()].reserved_ports.clone(),
            task_count: 0,
            non_daemon_tasks: 0,
            rank,
            launched_at: now,
            registered_at: now,
            terminated_at: None,
            price_per_hour,
            attribute_values,
            cached_images: Vec::new(),
        };
        match reused {
            Some(slot) => {
                let mut old = std::mem::replace(&mut self.instances[slot.index()], instance);
                if let Some(retired) = &mut self.retired {
                    // What a report of its life reads; the rest goes now.
                    old.ports_used = Vec::new();
                    old.attribute_values = Vec::new();
                    old.cached_images = Vec::new();
                    retired.push(old);
                }
                // The TERMINATED instance left every index and held no task; `check_invariants`
                // holds a free slot to that, so resetting these is all a new life needs.
                self.active_pos[slot.index()] = NOT_ACTIVE;
                for group in &mut self.groups {
                    group.per_instance[slot.index()] = 0;
                }
            }
            None => {
                self.instances.push(instance);
                self.active_pos.push(NOT_ACTIVE);
                for group in &mut self.groups {
                    group.per_instance.push(0);
                }
            }
        }
        self.pool_live[pool.index()].insert(launch, id);
        self.pool_launching[pool.index()] += 1;
        self.pool_az_instances[pool.index()][az.index()] += 1;
        id
    }

    /// The reference to the instance now in slot `id`, for an event that may outlive it.
    pub fn reference(&self, id: InstanceId) -> InstanceRef {
        InstanceRef {
            id,
            generation: self.instances[id.index()].generation,
        }
    }

    /// The slot if `r` still names the instance in it (TERMINATED or not); `None` once a
    /// later launch has taken the slot.
    pub fn resolve(&self, r: InstanceRef) -> Option<InstanceId> {
        self.instances
            .get(r.id.index())
            .is_some_and(|i| i.generation == r.generation)
            .then_some(r.id)
    }

    /// Every instance of the run in launch order: those in the table and, when kept
    /// (`keep_retired`), those whose slot a later launch took.
    pub fn every_instance(&self) -> Vec<&Instance> {
        let mut all: Vec<&Instance> = self
            .retired
            .iter()
            .flatten()
            .chain(&self.instances)
            .collect();
        all.sort_unstable_by_key(|i| i.launch);
        all
    }

    /// The pool's LAUNCHING and ACTIVE instances in launch order.
    pub fn pool_live(
        &self,
        pool: PoolId,
    ) -> impl DoubleEndedIterator<Item = InstanceId> + ExactSizeIterator + '_ {
        self.pool_live[pool.index()].values().copied()
    }

    /// How many of the pool's instances in `az` are not TERMINATED.
    pub fn pool_az_instances(&self, pool: PoolId, az: AzId) -> u32 {
        self.pool_az_instances[pool.index()][az.index()]
    }

    /// How many of the pool's instances are LAUNCHING.
    pub fn pool_launching(&self, pool: PoolId) -> u32 {
        self.pool_launching[pool.index()]
    }

    /// How many of the pool's LAUNCHING and ACTIVE instances run a non-daemon task.
    pub fn pool_busy(&self, pool: PoolId) -> u32 {
        self.pool_busy[pool.index()]
    }

    /// The instance leaves its pool's live set (draining or terminated).
    fn leave_pool(&mut self, id: InstanceId) {
        let inst = &self.instances[id.index()];
        if self.pool_live[inst.pool.index()]
            .remove(&inst.launch)
            .is_some()
            && inst.non_daemon_tasks > 0
        {
            self.pool_busy[inst.pool.index()] -= 1;
        }
    }

    /// A non-daemon task count went from `before` to its current value.
    fn busy_changed(&mut self, id: InstanceId, before: u32) {
        let inst = &self.instances[id.index()];
        let pool = inst.pool.index();
        let (was, is) = (before > 0, inst.non_daemon_tasks > 0);
        // In the pool's live set exactly while LAUNCHING or ACTIVE.
        let live = matches!(inst.state, InstanceState::Launching | InstanceState::Active);
        if was != is && live {
            if is {
                self.pool_busy[pool] += 1;
            } else {
                self.pool_busy[pool] -= 1;
            }
        }
    }

    fn intern(&mut self, key: usize, value: String) -> u32 {
        if let Some(pos) = self.attribute_values[key].iter().position(|v| *v == value) {
            return pos as u32;
        }
        self.attribute_values[key].push(value);
        for group in &mut self.groups {
            group.per_attribute[key].push(0);
        }
        (self.attribute_values[key].len() - 1) as u32
    }

    /// The value of an instance attribute as `attribute:<name>` queries see it.
    pub fn attribute_of(&self, pool: PoolId, az: AzId, name: &str) -> Option<&str> {
        let info = &self.pools[pool.index()];
        match name {
            "ecs.availability-zone" => Some(&self.azs[az.index()]),
            "ecs.instance-type" => Some(&info.instance_type.name),
            "ecs.os-type" => Some(info.os_type),
            "ecs.cpu-architecture" => Some(info.instance_type.arch),
            _ => info
                .attributes
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
        }
    }

    /// The instance in slot `id`.
    pub fn instance(&self, id: InstanceId) -> &Instance {
        &self.instances[id.index()]
    }

    /// Every slot, TERMINATED instances whose slot no launch has taken yet included: a
    /// table kept per slot is this long.
    pub fn instance_slots(&self) -> &[Instance] {
        &self.instances
    }

    /// Records that `id` has pulled `task_def`'s image for a task placed there, and says
    /// whether it held that image already (a cache hit, so the pull can be skipped). It is
    /// here, not on `Instance`, because the instance table is private to the cluster.
    pub fn record_image_pull(&mut self, id: InstanceId, task_def: TaskDefId) -> bool {
        let inst = &mut self.instances[id.index()];
        let already_held = inst.has_image(task_def.index());
        inst.cache_image(task_def.index());
        already_held
    }

    /// ACTIVE instances, in an order that changes as instances come and go.
    pub fn active(&self) -> &[InstanceId] {
        &self.active
    }

    /// ACTIVE instances by (free CPU or memory, rank), least free first; `None` when the
    /// cluster does not keep that index. Keys hold the amount in their high half.
    pub fn free_index(&self, cpu: bool) -> Option<&FitTree> {
        if cpu {
            self.by_free_cpu.as_ref()
        } else {
            self.by_free_memory.as_ref()
        }
    }

    /// False only when no ACTIVE instance has the room `need` asks, as an index the
    /// cluster keeps can tell at a glance (each holds exactly the ACTIVE instances); true
    /// when it cannot tell or keeps none.
    pub fn may_admit(&self, need: &Need) -> bool {
        if let Some(slots) = &self.slots {
            return need.admits(&slots.maxima());
        }
        let kept = self.by_free_cpu.as_ref().or(self.by_free_memory.as_ref());
        kept.or_else(|| self.groups.iter().find_map(|g| g.instance_index.as_ref()))
            .is_none_or(|index| index.may_admit(need))
    }

    /// ACTIVE instances by (tasks of the group, rank), fewest first, when the group keeps
    /// that index.
    pub fn group_index(&self, group: GroupId) -> Option<&FitTree> {
        self.groups[group.index()].instance_index.as_ref()
    }

    /// `active()` position by position, with free-resource maxima, when kept.
    pub fn slot_index(&self) -> Option<&SlotTree> {
        self.slots.as_ref()
    }

    /// What the instance has free, as the indexes see it.
    pub fn fit_of(&self, id: InstanceId) -> Fit {
        let inst = &self.instances[id.index()];
        Fit {
            cpu: inst.cpu_free,
            memory: inst.memory_free,
            eni: inst.eni_free,
            gpu: inst.gpu_free,
            tags: Fit::tags_of(inst.az.0, inst.pool.0),
        }
    }

    /// Chooses which indexes to keep; call before adding instances. `slots`: keep the slot
    /// index, counting the instances with the room for each of these task shapes. Placement
    /// falls back to a scan for a binpack whose index is not kept, and to a full pass for a
    /// random draw without the slot index or the count of its shape.
    pub fn keep_indexes(
        &mut self,
        cpu: bool,
        memory: bool,
        slots: Option<impl IntoIterator<Item = ShapeClass>>,
    ) {
        debug_assert!(self.instances.is_empty());
        self.by_free_cpu = cpu.then(FitTree::new);
        self.by_free_memory = memory.then(FitTree::new);
        self.slots = slots.map(SlotTree::counting);
    }

    /// Where task group `group`'s tasks sit.
    pub fn group(&self, group: GroupId) -> &GroupCounts {
        &self.groups[group.index()]
    }

    /// Instance `id` registers at `now`: ACTIVE, its capacity counted and placeable.
    pub fn activate(&mut self, id: InstanceId, now: SimTime) {
        let inst = &mut self.instances[id.index()];
        debug_assert_eq!(inst.state, InstanceState::Launching);
        inst.state = InstanceState::Active;
        self.pool_launching[inst.pool.index()] -= 1;
        inst.registered_at = now;
        self.registered_cpu += u64::from(inst.cpu_total);
        self.registered_memory += u64::from(inst.memory_total);
        self.index_insert(id);
    }

    /// Stops new placements on the instance; its tasks keep their resources.
    pub fn drain(&mut self, id: InstanceId) {
        if self.instances[id.index()].state == InstanceState::Active {
            self.index_remove(id);
            self.leave_pool(id);
            self.instances[id.index()].state = InstanceState::Draining;
        }
    }

    /// Removes the instance and frees its slot for a later launch. Its tasks must have been
    /// released first.
    pub fn terminate(&mut self, id: InstanceId, now: SimTime) {
        let state = self.instances[id.index()].state;
        debug_assert_eq!(self.instances[id.index()].task_count, 0);
        if state == InstanceState::Terminated {
            return;
        }
        if state == InstanceState::Active {
            self.index_remove(id);
        }
        let (pool, az) = (
            self.instances[id.index()].pool,
            self.instances[id.index()].az,
        );
        if state == InstanceState::Launching {
            self.pool_launching[pool.index()] -= 1;
        }
        self.pool_az_instances[pool.index()][az.index()] -= 1;
        self.leave_pool(id);
        if matches!(state, InstanceState::Active | InstanceState::Draining) {
            let inst = &self.instances[id.index()];
            self.registered_cpu -= u64::from(inst.cpu_total);
            self.registered_memory -= u64::from(inst.memory_total);
        }
        let inst = &mut self.instances[id.index()];
        inst.state = InstanceState::Terminated;
        inst.terminated_at = Some(now);
        self.free_slots.push(id);
    }

    /// Instance `id` takes reservation `r` (its indexes and counts follow).
    pub fn reserve(&mut self, id: InstanceId, r: Reservation<'_>) {
        self.take_resources(id, &r);
        self.count_task::<true>(id, &r);
        self.reindex_if_active(id);
    }

    /// Instance `id` gives reservation `r` back (its indexes and counts follow).
    pub fn release(&mut self, id: InstanceId, r: Reservation<'_>) {
        self.give_back_resources(id, &r);
        self.count_task::<false>(id, &r);
        self.reindex_if_active(id);
    }

    /// The task of reservation `r` leaves the instance but its resources stay reserved, held
    /// for the task that will take its place (a DAEMON task's, which ECS keeps reserved on
    /// every instance its service runs on). The held amounts count as reserved; no task is
    /// counted, for memberOf expressions, spread counts or scale-in.
    pub fn hold_for_successor(&mut self, id: InstanceId, r: Reservation<'_>) {
        self.count_task::<false>(id, &r);
        // A group's spread-by-instance index is keyed by its task count there.
        self.reindex_if_active(id);
    }

    /// Frees what [`Self::hold_for_successor`] kept.
    pub fn release_hold(&mut self, id: InstanceId, r: Reservation<'_>) {
        self.give_back_resources(id, &r);
        self.reindex_if_active(id);
    }

    #[inline]
    fn take_resources(&mut self, id: InstanceId, r: &Reservation<'_>) {
        let inst = &mut self.instances[id.index()];
        debug_assert!(
            inst.cpu_free >= r.cpu && inst.memory_free >= r.memory && inst.gpu_free >= r.gpu
        );
        inst.cpu_free -= r.cpu;
        inst.memory_free -= r.memory;
        inst.gpu_free -= r.gpu;
        if r.eni {
            inst.eni_free -= 1;
        }
        inst.ports_used.extend_from_slice(r.host_ports);
        self.reserved_cpu += u64::from(r.cpu);
        self.reserved_memory += u64::from(r.memory);
    }

    #[inline]
    fn give_back_resources(&mut self, id: InstanceId, r: &Reservation<'_>) {
        let inst = &mut self.instances[id.index()];
        inst.cpu_free += r.cpu;
        inst.memory_free += r.memory;
        inst.gpu_free += r.gpu;
        if r.eni {
            inst.eni_free += 1;
        }
        for port in r.host_ports {
            if let Some(pos) = inst.ports_used.iter().position(|p| p == port) {
                inst.ports_used.swap_remove(pos);
            }
        }
        self.reserved_cpu -= u64::from(r.cpu);
        self.reserved_memory -= u64::from(r.memory);
    }

    /// Counts a task of reservation `r` onto (`ARRIVES`) or off the instance: its task
    /// counts, busy mark and placement group counts. A constant, so each caller gets its
    /// own straight-line copy: this runs twice per task.
    #[inline(always)]
    fn count_task<const ARRIVES: bool>(&mut self, id: InstanceId, r: &Reservation<'_>) {
        let step = |n: &mut u32| {
            if ARRIVES {
                *n += 1;
            } else {
                *n -= 1;
            }
        };
        let inst = &mut self.instances[id.index()];
        step(&mut inst.task_count);
        if !r.daemon {
            let was = inst.non_daemon_tasks;
            step(&mut inst.non_daemon_tasks);
            self.busy_changed(id, was);
        }
        let group = &mut self.groups[r.group.index()];
        step(&mut group.per_instance[id.index()]);
        let inst = &self.instances[id.index()];
        for (k, v) in inst.attribute_values.iter().enumerate() {
            step(&mut group.per_attribute[k][*v as usize]);
        }
    }

    #[inline]
    fn reindex_if_active(&mut self, id: InstanceId) {
        if self.instances[id.index()].state == InstanceState::Active {
            self.reindex(id);
        }
    }

    /// Counts a Fargate task toward its group's AZ balance.
    pub fn count_fargate_task(&mut self, group: GroupId, az: AzId, delta: i32) {
        let count = &mut self.groups[group.index()].per_attribute[0][az.index()];
        *count = count.saturating_add_signed(delta);
    }

    /// Whether `az`'s subnet has an address for another awsvpc task (always, when subnets are not
    /// modeled).
    pub fn subnet_has_ip(&self, az: AzId) -> bool {
        self.subnet_ips_free
            .as_ref()
            .is_none_or(|free| free[az.index()] > 0)
    }

    /// An awsvpc task takes an address in `az`'s subnet.
    pub fn take_ip(&mut self, az: AzId) {
        if let Some(free) = &mut self.subnet_ips_free {
            free[az.index()] -= 1;
        }
    }

    /// An awsvpc task gives its address in `az`'s subnet back.
    pub fn return_ip(&mut self, az: AzId) {
        if let Some(free) = &mut self.subnet_ips_free {
            free[az.index()] += 1;
        }
    }

    fn key(&self, id: InstanceId, amount: u32) -> IndexKey {
        (u64::from(amount) << 32) | u64::from(self.instances[id.index()].rank)
    }

    fn index_insert(&mut self, id: InstanceId) {
        let pos = self.active.len();
        self.active_pos[id.index()] = pos as u32;
        self.active.push(id);
        let fit = self.fit_of(id);
        if let Some(slots) = &mut self.slots {
            slots.set(pos, fit);
        }
        let inst = &self.instances[id.index()];
        let (cpu_key, mem_key) = (self.key(id, inst.cpu_free), self.key(id, inst.memory_free));
        if let Some(index) = &mut self.by_free_cpu {
            index.insert(id.0, cpu_key, fit);
        }
        if let Some(index) = &mut self.by_free_memory {
            index.insert(id.0, mem_key, fit);
        }
        let rank = u64::from(inst.rank);
        for group in &mut self.groups {
            let count = u64::from(group.per_instance[id.index()]);
            if let Some(index) = &mut group.instance_index {
                index.insert(id.0, (count << 32) | rank, fit);
            }
        }
    }

    fn index_remove(&mut self, id: InstanceId) {
        let pos = self.active_pos[id.index()] as usize;
        self.active.swap_remove(pos);
        if let Some(&moved) = self.active.get(pos) {
            self.active_pos[moved.index()] = pos as u32;
        }
        let last = self.active.len();
        let moved_fit = self.active.get(pos).map(|m| self.fit_of(*m));
        if let Some(slots) = &mut self.slots {
            if let Some(fit) = moved_fit {
                slots.set(pos, fit);
            }
            slots.set(last, Fit::default());
        }
        self.active_pos[id.index()] = NOT_ACTIVE;
        for index in [&mut self.by_free_cpu, &mut self.by_free_memory]
            .into_iter()
            .flatten()
        {
            index.remove(id.0);
        }
        for group in &mut self.groups {
            if let Some(index) = &mut group.instance_index {
                index.remove(id.0);
            }
        }
    }

    /// Brings every index up to date with an ACTIVE instance's free resources and counts.
    // Every placement and every stop runs it; callgrind's call counts on the M/M/10 showed
    // LTO kept it a call even under `#[inline]`.
    #[inline(always)]
    fn reindex(&mut self, id: InstanceId) {
        let fit = self.fit_of(id);
        let inst = &self.instances[id.index()];
        let (cpu_key, mem_key) = (self.key(id, inst.cpu_free), self.key(id, inst.memory_free));
        if let Some(slots) = &mut self.slots {
            slots.set(self.active_pos[id.index()] as usize, fit);
        }
        if let Some(index) = &mut self.by_free_cpu {
            index.update(id.0, cpu_key, fit);
        }
        if let Some(index) = &mut self.by_free_memory {
            index.update(id.0, mem_key, fit);
        }
        let rank = u64::from(inst.rank);
        for group in &mut self.groups {
            let count = u64::from(group.per_instance[id.index()]);
            if let Some(index) = &mut group.instance_index {
                index.update(id.0, (count << 32) | rank, fit);
            }
        }
    }

    /// Checks every index against a recount from the instances. For tests and debug runs.
    pub fn check_invariants(&self) -> Result<(), String> {
        for (p, live) in self.pool_live.iter().enumerate() {
            let in_group = |i: &&Instance| {
                i.pool.index() == p
                    && matches!(i.state, InstanceState::Launching | InstanceState::Active)
            };
            let expected: BTreeMap<u32, InstanceId> = self
                .instances
                .iter()
                .filter(in_group)
                .map(|i| (i.launch, i.id))
                .collect();
            let busy = self
                .instances
                .iter()
                .filter(in_group)
                .filter(|i| i.non_daemon_tasks > 0)
                .count() as u32;
            let launching = self
                .instances
                .iter()
                .filter(|i| i.pool.index() == p && i.state == InstanceState::Launching)
                .count() as u32;
            for (a, &kept) in self.pool_az_instances[p].iter().enumerate() {
                let counted = self
                    .instances
                    .iter()
                    .filter(|i| i.pool.index() == p && i.az.index() == a)
                    .filter(|i| i.state != InstanceState::Terminated)
                    .count() as u32;
                if kept != counted {
                    return Err(format!(
                        "pool {p}, AZ {a}: {kept} instances kept, {counted} counted"
                    ));
                }
            }
            if *live != expected || self.pool_busy[p] != busy || self.pool_launching[p] != launching
            {
                return Err(format!(
                    "pool {p}: {} live, {} busy and {} launching instances kept, {} and {busy} and {launching} counted",
                    live.len(),
                    self.pool_busy[p],
                    self.pool_launching[p],
                    expected.len()
                ));
            }
        }
        self.check_free_slots()?;
        let mut expect_cpu = BTreeSet::new();
        let mut expect_mem = BTreeSet::new();
        for inst in &self.instances {
            if inst.cpu_free > inst.cpu_total || inst.memory_free > inst.memory_total {
                return Err(format!("{} frees more than it has", inst.ec2_instance_id));
            }
            if inst.gpu_free > inst.gpu_total {
                return Err(format!(
                    "{} frees more GPUs than it has",
                    inst.ec2_instance_id
                ));
            }
            if inst.eni_free > inst.eni_total {
                return Err(format!(
                    "{} frees more ENIs than it has",
                    inst.ec2_instance_id
                ));
            }
            let mut ports = inst.ports_used.clone();
            ports.sort_unstable();
            if ports.windows(2).any(|w| w[0] == w[1]) {
                return Err(format!("{} binds a host port twice", inst.ec2_instance_id));
            }
            if inst.state == InstanceState::Active {
                expect_cpu.insert(self.key(inst.id, inst.cpu_free));
                expect_mem.insert(self.key(inst.id, inst.memory_free));
            }
        }
        let held = |total: u32, free: u32| u64::from(total - free);
        let live = || {
            self.instances
                .iter()
                .filter(|i| matches!(i.state, InstanceState::Active | InstanceState::Draining))
        };
        let reserved_cpu: u64 = live().map(|i| held(i.cpu_total, i.cpu_free)).sum();
        let reserved_memory: u64 = live().map(|i| held(i.memory_total, i.memory_free)).sum();
        if reserved_cpu != self.reserved_cpu || reserved_memory != self.reserved_memory {
            return Err("reserved totals out of step with instances".into());
        }
        let matches = |index: &Option<FitTree>, expect: &BTreeSet<IndexKey>| {
            index.as_ref().is_none_or(|i| {
                i.check().is_ok()
                    && i.entries().iter().map(|e| e.0).eq(expect.iter().copied())
                    && i.entries()
                        .iter()
                        .all(|(_, id, fit)| *fit == self.fit_of(InstanceId(*id)))
            })
        };
        if !matches(&self.by_free_cpu, &expect_cpu) || !matches(&self.by_free_memory, &expect_mem) {
            return Err("free-resource index out of step with instances".into());
        }
        for (g, group) in self.groups.iter().enumerate() {
            let expect: BTreeSet<IndexKey> = self
                .active
                .iter()
                .map(|id| self.key(*id, group.per_instance[id.index()]))
                .collect();
            if !matches(&group.instance_index, &expect) {
                return Err(format!(
                    "instance index of group {} out of step",
                    self.group_names[g]
                ));
            }
        }
        if let Some(slots) = &self.slots {
            let stale = (0..self.active.len() + 8).any(|pos| {
                let expect = self
                    .active
                    .get(pos)
                    .map_or(Fit::default(), |id| self.fit_of(*id));
                slots.get(pos) != expect
            });
            if stale {
                return Err("slot index out of step with the active list".into());
            }
            slots.check_counts()?;
        }
        if self.active.len() != expect_cpu.len() {
            return Err("active list out of step with instance states".into());
        }
        Ok(())
    }

    /// The free list holds exactly the TERMINATED slots, once each, and every table kept
    /// per slot reads as empty there, so the next launch into one starts clean.
    fn check_free_slots(&self) -> Result<(), String> {
        let mut free = vec![false; self.instances.len()];
        for id in &self.free_slots {
            if std::mem::replace(&mut free[id.index()], true) {
                return Err(format!("slot {} is free twice", id.0));
            }
        }
        let in_index = |id: u32| {
            [&self.by_free_cpu, &self.by_free_memory]
                .into_iter()
                .chain(self.groups.iter().map(|g| &g.instance_index))
                .flatten()
                .any(|index| index.contains(id))
        };
        for (slot, inst) in self.instances.iter().enumerate() {
            let terminated = inst.state == InstanceState::Terminated;
            if inst.id.index() != slot {
                return Err(format!("{} sits in slot {slot}", inst.ec2_instance_id));
            }
            if terminated != free[slot] {
                return Err(format!(
                    "{} is {} but its slot is {}on the free list",
                    inst.ec2_instance_id,
                    inst.state.as_str(),
                    if free[slot] { "" } else { "not " }
                ));
            }
            let held = self.groups.iter().any(|g| g.per_instance[slot] != 0);
            if terminated
                && (inst.task_count != 0
                    || held
                    || self.active_pos[slot] != NOT_ACTIVE
                    || in_index(inst.id.0))
            {
                return Err(format!(
                    "{} is TERMINATED but its slot still holds tasks or index entries",
                    inst.ec2_instance_id
                ));
            }
        }
        let mut launches: Vec<u32> = self.instances.iter().map(|i| i.launch).collect();
        launches.extend(self.retired.iter().flatten().map(|i| i.launch));
        launches.sort_unstable();
        if launches.windows(2).any(|w| w[0] == w[1]) || launches.last() >= Some(&self.launches) {
            return Err("two instances share a launch number".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod rank_tests {
    use super::*;

    #[test]
    fn ranks_are_a_bijection_and_invert() {
        for x in (0..200_000u32).chain([u32::MAX, u32::MAX - 7, 0x8000_0000]) {
            assert_eq!(unscramble(scramble(x)), x);
        }
    }
}

#[cfg(test)]
impl Cluster {
    /// For tests: one pool of m5.large (2048 CPU units, `memory_mib`) over AZs `a` and `b`,
    /// one task group `web` that spreads by instance, AZ the only spread key.
    pub(crate) fn one_pool_for_tests(memory_mib: u32) -> Cluster {
        let pool = PoolInfo {
            name: "p".into(),
            instance_type: InstanceTypeSpec {
                name: "m5.large".into(),
                arch: "x86_64",
                cpu_units: 2048,
                memory_mib,
                gpus: 0,
                awsvpc_task_limit: 2,
                price_per_hour: 0.096,
            },
            os_type: "linux",
            attributes: vec![],
            reserved_ports: vec![],
        };
        Cluster::new(
            vec!["a".into(), "b".into()],
            vec![pool],
            vec!["web".into()],
            &[true],
            vec!["ecs.availability-zone".into()],
            None,
        )
    }
}

#[cfg(test)]
mod slot_tests {
    use super::*;

    fn cluster(keep_retired: bool) -> Cluster {
        let mut c = Cluster::one_pool_for_tests(7680);
        c.set_rank_salt(0x5eed);
        if keep_retired {
            c.keep_retired();
        }
        c
    }

    fn web(cpu: u32) -> Reservation<'static> {
        Reservation::plain(cpu, 256)
    }

    /// Three launches, the first terminated before the third: the third takes slot 0 with
    /// generation 1 and the launch number 2, so its EC2 id and rank are those of the third
    /// launch (as in a cluster that never reuses a slot), and a reference to the first
    /// instance no longer resolves.
    #[test]
    fn a_terminated_slot_takes_the_next_launch_under_a_new_generation() {
        let mut c = cluster(true);
        let t = SimTime(1000);
        let first = c.add_instance(PoolId(0), AzId(0), false, 0.1, SimTime::ZERO);
        let second = c.add_instance(PoolId(0), AzId(1), false, 0.1, SimTime::ZERO);
        c.activate(first, SimTime::ZERO);
        c.activate(second, SimTime::ZERO);
        c.reserve(first, web(512));
        let old = c.reference(first);
        c.release(first, web(512));
        c.terminate(first, t);
        c.check_invariants().unwrap();

        let third = c.add_instance(PoolId(0), AzId(1), false, 0.1, t);
        assert_eq!(
            (first, second, third),
            (InstanceId(0), InstanceId(1), InstanceId(0))
        );
        let inst = c.instance(third);
        assert_eq!((inst.generation, inst.launch), (1, 2));
        assert_eq!(inst.ec2_instance_id, "i-00000003");
        assert_eq!(inst.rank, scramble(2 ^ 0x5eed));
        assert_eq!(inst.state, InstanceState::Launching);
        assert_eq!(inst.terminated_at, None);
        assert_eq!(c.group(GroupId(0)).per_instance[third.index()], 0);
        assert_eq!(c.resolve(old), None);
        assert_eq!(c.resolve(c.reference(third)), Some(third));
        // The pool lists its live instances in launch order, not slot order.
        assert_eq!(c.pool_live(PoolId(0)).collect::<Vec<_>>(), [second, third]);
        c.activate(third, t);
        c.reserve(third, web(1024));
        c.check_invariants().unwrap();
        assert_eq!(c.group_index(GroupId(0)).unwrap().len(), 2);
        assert_eq!(c.instance(third).cpu_free, 2048 - 1024);

        // Every instance of the run, the retired first one included, in launch order.
        let lives: Vec<(&str, Option<SimTime>)> = c
            .every_instance()
            .iter()
            .map(|i| (i.ec2_instance_id.as_str(), i.terminated_at))
            .collect();
        assert_eq!(
            lives,
            [
                ("i-00000001", Some(t)),
                ("i-00000002", None),
                ("i-00000003", None)
            ]
        );
    }

    /// Without `keep_retired` a reused slot forgets its earlier instance: the table stays
    /// the size of the most instances alive at once however many launch.
    #[test]
    fn launches_after_terminations_do_not_grow_the_table() {
        let mut c = cluster(false);
        for k in 0..100u64 {
            let id = c.add_instance(PoolId(0), AzId(0), false, 0.1, SimTime(k));
            c.activate(id, SimTime(k));
            c.terminate(id, SimTime(k + 1));
        }
        assert_eq!(c.instances.len(), 1);
        assert_eq!(c.instance(InstanceId(0)).ec2_instance_id, "i-00000100");
        assert_eq!(c.every_instance().len(), 1);
        c.check_invariants().unwrap();
    }

    /// The per-pool counts a sample and an AZ choice read, through every state change:
    /// launched (LAUNCHING), registered (ACTIVE), drained (DRAINING: still an instance of
    /// its AZ, no longer live) and terminated from each state, a slot reused in another AZ.
    #[test]
    fn launching_and_per_az_counts_follow_every_state_change() {
        let mut c = cluster(false);
        let p = PoolId(0);
        let counts = |c: &Cluster| {
            (
                c.pool_launching(p),
                c.pool_az_instances(p, AzId(0)),
                c.pool_az_instances(p, AzId(1)),
                c.pool_live(p).len(),
            )
        };
        let a0 = c.add_instance(p, AzId(0), false, 0.1, SimTime::ZERO);
        let a1 = c.add_instance(p, AzId(0), false, 0.1, SimTime::ZERO);
        let b0 = c.add_instance(p, AzId(1), false, 0.1, SimTime::ZERO);
        assert_eq!(counts(&c), (3, 2, 1, 3));
        c.activate(a0, SimTime(1));
        c.activate(b0, SimTime(1));
        assert_eq!(counts(&c), (1, 2, 1, 3));
        c.drain(a0);
        assert_eq!(counts(&c), (1, 2, 1, 2));
        c.terminate(a0, SimTime(2));
        assert_eq!(counts(&c), (1, 1, 1, 2));
        // Terminated while still LAUNCHING (a failure before registration).
        c.terminate(a1, SimTime(2));
        assert_eq!(counts(&c), (0, 0, 1, 1));
        c.terminate(a1, SimTime(3));
        assert_eq!(
            counts(&c),
            (0, 0, 1, 1),
            "a second terminate changes nothing"
        );
        let b1 = c.add_instance(p, AzId(1), false, 0.1, SimTime(4));
        assert_eq!(b1, a1, "the slot freed last is reused first");
        assert_eq!(counts(&c), (1, 0, 2, 2));
        c.check_invariants().unwrap();
        c.pool_az_instances[0][1] += 1;
        assert!(c.check_invariants().unwrap_err().contains("AZ 1"));
    }

    #[test]
    fn the_invariants_catch_a_terminated_slot_left_off_the_free_list() {
        let mut c = cluster(false);
        let id = c.add_instance(PoolId(0), AzId(0), false, 0.1, SimTime::ZERO);
        c.terminate(id, SimTime(5));
        c.free_slots.clear();
        assert!(
            c.check_invariants()
                .unwrap_err()
                .contains("not on the free list")
        );
    }
}
