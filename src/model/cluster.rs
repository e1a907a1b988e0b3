//! The cluster's state and the indexes placement reads.
//!
//! Every ACTIVE instance sits in two ordered sets keyed by (free CPU | free memory, rank,
//! id), and, for each task group whose strategy spreads over instances, in a set keyed by
//! (tasks of that group, rank, id). Placement walks these sets from the cheapest fitting
//! entry instead of scanning the cluster. Every mutation goes through `reserve`,
//! `release` and the state changes below, which keep the sets in step.

use super::ids::{AzId, GroupId, InstanceId, PoolId};
use super::instance::{Instance, InstanceState, InstanceTypeSpec};
use crate::time::SimTime;
use std::collections::BTreeSet;

/// (free amount or count, rank, instance id): ascending order is placement order.
pub type IndexKey = (u32, u32, u32);

/// Static facts about a pool that attribute queries read.
#[derive(Clone, Debug)]
pub struct PoolInfo {
    pub name: String,
    pub instance_type: InstanceTypeSpec,
    pub os_type: &'static str,
    pub attributes: Vec<(String, String)>,
}

/// How many tasks of one task group sit where.
#[derive(Clone, Debug, Default)]
pub struct GroupCounts {
    /// By instance id.
    pub per_instance: Vec<u32>,
    /// By spread key, then interned attribute value (key 0: by AZ, Fargate tasks included).
    pub per_attribute: Vec<Vec<u32>>,
    /// (count, rank, id) over ACTIVE instances; kept only for groups that spread by instance.
    pub instance_index: Option<BTreeSet<IndexKey>>,
}

/// What a task takes from an instance.
#[derive(Clone, Copy, Debug)]
pub struct Reservation<'a> {
    pub cpu: u32,
    pub memory: u32,
    pub host_ports: &'a [u16],
    pub eni: bool,
    pub group: GroupId,
    pub daemon: bool,
}

#[derive(Clone, Debug)]
pub struct Cluster {
    pub azs: Vec<String>,
    pub pools: Vec<PoolInfo>,
    pub instances: Vec<Instance>,
    pub group_names: Vec<String>,
    pub groups: Vec<GroupCounts>,
    pub spread_keys: Vec<String>,
    /// Interned values per spread key; key 0's values are the AZ names in AzId order.
    pub attribute_values: Vec<Vec<String>>,
    /// Free subnet addresses per AZ; `None` when subnets are not modeled.
    pub subnet_ips_free: Option<Vec<u32>>,
    active: Vec<InstanceId>,
    active_pos: Vec<u32>,
    /// `None` when no strategy binpacks on that resource: each index costs two B-tree
    /// updates per placement and per stop, the largest share of a small run's time.
    by_free_cpu: Option<BTreeSet<IndexKey>>,
    by_free_memory: Option<BTreeSet<IndexKey>>,
    /// Totals over ACTIVE and DRAINING instances, for utilization.
    pub registered_cpu: u64,
    pub registered_memory: u64,
    pub reserved_cpu: u64,
    pub reserved_memory: u64,
}

const NOT_ACTIVE: u32 = u32::MAX;

impl Cluster {
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
                    .then(BTreeSet::new),
            })
            .collect();
        Cluster {
            subnet_ips_free: subnet_ips_per_az.map(|n| vec![n; azs.len()]),
            azs,
            pools,
            instances: Vec::new(),
            group_names,
            groups,
            spread_keys,
            attribute_values,
            active: Vec::new(),
            active_pos: Vec::new(),
            by_free_cpu: Some(BTreeSet::new()),
            by_free_memory: Some(BTreeSet::new()),
            registered_cpu: 0,
            registered_memory: 0,
            reserved_cpu: 0,
            reserved_memory: 0,
        }
    }

    /// Adds a LAUNCHING instance; it takes no tasks until `activate`.
    pub fn add_instance(
        &mut self,
        pool: PoolId,
        az: AzId,
        spot: bool,
        price_per_hour: f64,
        rank: u32,
        now: SimTime,
    ) -> InstanceId {
        let id = InstanceId(self.instances.len() as u32);
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
        self.instances.push(Instance {
            id,
            ec2_instance_id: format!("i-{:08}", id.0 + 1),
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
            ports_used: Vec::new(),
            task_count: 0,
            non_daemon_tasks: 0,
            rank,
            launched_at: now,
            registered_at: now,
            terminated_at: None,
            price_per_hour,
            attribute_values,
            cached_images: Vec::new(),
        });
        self.active_pos.push(NOT_ACTIVE);
        for group in &mut self.groups {
            group.per_instance.push(0);
        }
        id
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

    pub fn instance(&self, id: InstanceId) -> &Instance {
        &self.instances[id.index()]
    }

    pub fn instance_mut(&mut self, id: InstanceId) -> &mut Instance {
        &mut self.instances[id.index()]
    }

    /// ACTIVE instances, in an order that changes as instances come and go.
    pub fn active(&self) -> &[InstanceId] {
        &self.active
    }

    /// The free-CPU or free-memory index, if it is kept.
    pub fn by_free(&self, cpu: bool) -> Option<&BTreeSet<IndexKey>> {
        if cpu {
            self.by_free_cpu.as_ref()
        } else {
            self.by_free_memory.as_ref()
        }
    }

    /// Chooses which free-resource indexes to keep; call before adding instances.
    /// Placement falls back to a scan for a binpack whose index is not kept.
    pub fn keep_free_indexes(&mut self, cpu: bool, memory: bool) {
        debug_assert!(self.instances.is_empty());
        self.by_free_cpu = cpu.then(BTreeSet::new);
        self.by_free_memory = memory.then(BTreeSet::new);
    }

    pub fn group(&self, group: GroupId) -> &GroupCounts {
        &self.groups[group.index()]
    }

    pub fn activate(&mut self, id: InstanceId, now: SimTime) {
        let inst = &mut self.instances[id.index()];
        debug_assert_eq!(inst.state, InstanceState::Launching);
        inst.state = InstanceState::Active;
        inst.registered_at = now;
        self.registered_cpu += u64::from(inst.cpu_total);
        self.registered_memory += u64::from(inst.memory_total);
        self.index_insert(id);
    }

    /// Stops new placements on the instance; its tasks keep their resources.
    pub fn drain(&mut self, id: InstanceId) {
        if self.instances[id.index()].state == InstanceState::Active {
            self.index_remove(id);
            self.instances[id.index()].state = InstanceState::Draining;
        }
    }

    /// Removes the instance. Its tasks must have been released first.
    pub fn terminate(&mut self, id: InstanceId, now: SimTime) {
        let state = self.instances[id.index()].state;
        if state == InstanceState::Active {
            self.index_remove(id);
        }
        if matches!(state, InstanceState::Active | InstanceState::Draining) {
            let inst = &self.instances[id.index()];
            self.registered_cpu -= u64::from(inst.cpu_total);
            self.registered_memory -= u64::from(inst.memory_total);
        }
        let inst = &mut self.instances[id.index()];
        inst.state = InstanceState::Terminated;
        inst.terminated_at = Some(now);
    }

    pub fn reserve(&mut self, id: InstanceId, r: Reservation<'_>) {
        let indexed = self.instances[id.index()].state == InstanceState::Active;
        if indexed {
            self.index_remove_resources(id);
            self.group_index_remove(r.group, id);
        }
        let inst = &mut self.instances[id.index()];
        debug_assert!(inst.cpu_free >= r.cpu && inst.memory_free >= r.memory);
        inst.cpu_free -= r.cpu;
        inst.memory_free -= r.memory;
        if r.eni {
            inst.eni_free -= 1;
        }
        inst.ports_used.extend_from_slice(r.host_ports);
        inst.task_count += 1;
        if !r.daemon {
            inst.non_daemon_tasks += 1;
        }
        self.reserved_cpu += u64::from(r.cpu);
        self.reserved_memory += u64::from(r.memory);
        let group = &mut self.groups[r.group.index()];
        group.per_instance[id.index()] += 1;
        let inst = &self.instances[id.index()];
        for (k, v) in inst.attribute_values.iter().enumerate() {
            group.per_attribute[k][*v as usize] += 1;
        }
        if indexed {
            self.index_insert_resources(id);
            self.group_index_insert(r.group, id);
        }
    }

    pub fn release(&mut self, id: InstanceId, r: Reservation<'_>) {
        let indexed = self.instances[id.index()].state == InstanceState::Active;
        if indexed {
            self.index_remove_resources(id);
            self.group_index_remove(r.group, id);
        }
        let inst = &mut self.instances[id.index()];
        inst.cpu_free += r.cpu;
        inst.memory_free += r.memory;
        if r.eni {
            inst.eni_free += 1;
        }
        for port in r.host_ports {
            if let Some(pos) = inst.ports_used.iter().position(|p| p == port) {
                inst.ports_used.swap_remove(pos);
            }
        }
        inst.task_count -= 1;
        if !r.daemon {
            inst.non_daemon_tasks -= 1;
        }
        self.reserved_cpu -= u64::from(r.cpu);
        self.reserved_memory -= u64::from(r.memory);
        let group = &mut self.groups[r.group.index()];
        group.per_instance[id.index()] -= 1;
        let inst = &self.instances[id.index()];
        for (k, v) in inst.attribute_values.iter().enumerate() {
            group.per_attribute[k][*v as usize] -= 1;
        }
        if indexed {
            self.index_insert_resources(id);
            self.group_index_insert(r.group, id);
        }
    }

    /// Counts a Fargate task toward its group's AZ balance.
    pub fn count_fargate_task(&mut self, group: GroupId, az: AzId, delta: i32) {
        let count = &mut self.groups[group.index()].per_attribute[0][az.index()];
        *count = count.saturating_add_signed(delta);
    }

    pub fn subnet_has_ip(&self, az: AzId) -> bool {
        self.subnet_ips_free
            .as_ref()
            .is_none_or(|free| free[az.index()] > 0)
    }

    pub fn take_ip(&mut self, az: AzId) {
        if let Some(free) = &mut self.subnet_ips_free {
            free[az.index()] -= 1;
        }
    }

    pub fn return_ip(&mut self, az: AzId) {
        if let Some(free) = &mut self.subnet_ips_free {
            free[az.index()] += 1;
        }
    }

    fn key(&self, id: InstanceId, amount: u32) -> IndexKey {
        (amount, self.instances[id.index()].rank, id.0)
    }

    fn index_insert(&mut self, id: InstanceId) {
        self.active_pos[id.index()] = self.active.len() as u32;
        self.active.push(id);
        self.index_insert_resources(id);
        for g in 0..self.groups.len() {
            self.group_index_insert(GroupId(g as u32), id);
        }
    }

    fn index_remove(&mut self, id: InstanceId) {
        let pos = self.active_pos[id.index()] as usize;
        self.active.swap_remove(pos);
        if let Some(moved) = self.active.get(pos) {
            self.active_pos[moved.index()] = pos as u32;
        }
        self.active_pos[id.index()] = NOT_ACTIVE;
        self.index_remove_resources(id);
        for g in 0..self.groups.len() {
            self.group_index_remove(GroupId(g as u32), id);
        }
    }

    fn index_insert_resources(&mut self, id: InstanceId) {
        let inst = &self.instances[id.index()];
        let (cpu, mem) = (inst.cpu_free, inst.memory_free);
        let (cpu_key, mem_key) = (self.key(id, cpu), self.key(id, mem));
        if let Some(index) = &mut self.by_free_cpu {
            index.insert(cpu_key);
        }
        if let Some(index) = &mut self.by_free_memory {
            index.insert(mem_key);
        }
    }

    fn index_remove_resources(&mut self, id: InstanceId) {
        let inst = &self.instances[id.index()];
        let (cpu, mem) = (inst.cpu_free, inst.memory_free);
        let (cpu_key, mem_key) = (self.key(id, cpu), self.key(id, mem));
        if let Some(index) = &mut self.by_free_cpu {
            index.remove(&cpu_key);
        }
        if let Some(index) = &mut self.by_free_memory {
            index.remove(&mem_key);
        }
    }

    fn group_index_insert(&mut self, group: GroupId, id: InstanceId) {
        let rank = self.instances[id.index()].rank;
        let g = &mut self.groups[group.index()];
        let count = g.per_instance[id.index()];
        if let Some(index) = &mut g.instance_index {
            index.insert((count, rank, id.0));
        }
    }

    fn group_index_remove(&mut self, group: GroupId, id: InstanceId) {
        let rank = self.instances[id.index()].rank;
        let g = &mut self.groups[group.index()];
        let count = g.per_instance[id.index()];
        if let Some(index) = &mut g.instance_index {
            index.remove(&(count, rank, id.0));
        }
    }

    /// Checks every index against a recount from the instances. For tests and debug runs.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut expect_cpu = BTreeSet::new();
        let mut expect_mem = BTreeSet::new();
        for inst in &self.instances {
            if inst.cpu_free > inst.cpu_total || inst.memory_free > inst.memory_total {
                return Err(format!("{} frees more than it has", inst.ec2_instance_id));
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
        let matches = |index: &Option<BTreeSet<IndexKey>>, expect: &BTreeSet<IndexKey>| {
            index.as_ref().is_none_or(|i| i == expect)
        };
        if !matches(&self.by_free_cpu, &expect_cpu) || !matches(&self.by_free_memory, &expect_mem) {
            return Err("free-resource index out of step with instances".into());
        }
        if self.active.len() != expect_cpu.len() {
            return Err("active list out of step with instance states".into());
        }
        Ok(())
    }
}
