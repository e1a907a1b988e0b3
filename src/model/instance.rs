//! Container instances: what ECS registered for them and what is left.

use super::ids::{AzId, InstanceId, PoolId};
use crate::time::SimTime;

/// An instance type as the cluster sees it (resolved from the catalog or a custom type).
#[derive(Clone, Debug)]
pub struct InstanceTypeSpec {
    /// The EC2 type's name (`m5.large`) or the scenario's custom name.
    pub name: String,
    /// `ecs.cpu-architecture` (`x86_64`, `arm64`).
    pub arch: &'static str,
    /// Registered CPU units: vCPU × 1024.
    pub cpu_units: u32,
    /// Registered memory, MiB: what the OS reports, less ECS_RESERVED_MEMORY.
    pub memory_mib: u32,
    /// awsvpc tasks it can hold: ENIs − 1, or the trunk's branch ENIs when trunking.
    pub awsvpc_task_limit: u32,
    /// Whole GPUs; ECS gives each to one task.
    pub gpus: u32,
    /// On-Demand Linux price, US dollars per hour.
    pub price_per_hour: f64,
}

impl InstanceTypeSpec {
    /// The capacity managed scaling sizes with.
    pub fn shape(&self) -> crate::scaling::managed_scaling::InstanceShape {
        crate::scaling::managed_scaling::InstanceShape {
            cpu_units: self.cpu_units,
            memory_mib: self.memory_mib,
            awsvpc_task_limit: self.awsvpc_task_limit,
            gpus: self.gpus,
        }
    }

    /// How ECS registers a catalog type: vCPU × 1024 CPU units, the OS's share of nominal
    /// memory less `ECS_RESERVED_MEMORY`, and the awsvpc task limit with or without
    /// trunking. The price is the catalog's Linux list price.
    pub fn from_catalog(
        t: &crate::catalog::InstanceType,
        reserved_memory_mib: u64,
        os_memory_fraction: f64,
        trunking: bool,
    ) -> InstanceTypeSpec {
        InstanceTypeSpec {
            name: t.name.clone(),
            arch: match t.arch {
                crate::catalog::Arch::X86_64 => "x86_64",
                crate::catalog::Arch::Arm64 => "arm64",
            },
            cpu_units: t.registered_cpu_units(),
            memory_mib: t.registered_memory_mib(reserved_memory_mib, os_memory_fraction) as u32,
            awsvpc_task_limit: t.awsvpc_task_limit(trunking),
            gpus: t.gpus,
            price_per_hour: t.price_per_hour,
        }
    }
}

/// An instance's state in the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceState {
    /// Booting; registers with the cluster when its launch time has passed.
    Launching,
    /// Takes new tasks.
    Active,
    /// Takes no new tasks; its service tasks are being replaced elsewhere.
    Draining,
    /// Stopped and no longer billed; its slot waits for a later launch.
    Terminated,
}

impl InstanceState {
    /// ECS's spelling (`ACTIVE`, ...), as outputs and the trace show it.
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceState::Launching => "LAUNCHING",
            InstanceState::Active => "ACTIVE",
            InstanceState::Draining => "DRAINING",
            InstanceState::Terminated => "TERMINATED",
        }
    }
}

/// One EC2 instance from launch to termination: its capacity, what is free, and its place in the
/// run.
#[derive(Clone, Debug)]
pub struct Instance {
    /// Its slot, shared over the run with the instances launched into it before and after.
    pub id: InstanceId,
    /// How many launches used this slot before this one (see `InstanceRef`).
    pub generation: u32,
    /// Launches in the run before this one: the launch order, which the slot is not. What
    /// users see comes from it (the EC2 id, the rank), never from the slot.
    pub launch: u32,
    /// `i-` followed by a zero-padded launch number, for traces and tasks.csv.
    pub ec2_instance_id: String,
    /// The pool (Auto Scaling group) it belongs to.
    pub pool: PoolId,
    /// The AZ it runs in.
    pub az: AzId,
    /// Its state now.
    pub state: InstanceState,
    /// A Spot instance: billed at the Spot rate, open to interruption.
    pub spot: bool,
    /// CPU units registered (1024 per vCPU).
    pub cpu_total: u32,
    /// Memory registered, MiB.
    pub memory_total: u32,
    /// CPU units not reserved by a task or a DAEMON hold.
    pub cpu_free: u32,
    /// Memory not reserved, MiB.
    pub memory_free: u32,
    /// awsvpc tasks it can hold at once.
    pub eni_total: u32,
    /// awsvpc tasks it can still take.
    pub eni_free: u32,
    /// Whole GPUs registered.
    pub gpu_total: u32,
    /// GPUs no task holds.
    pub gpu_free: u32,
    /// Static host ports in use; small, so a Vec beats a set.
    pub ports_used: Vec<u16>,
    /// Tasks holding resources here (any state before STOPPED).
    pub task_count: u32,
    /// Tasks that are not daemon tasks: an instance is empty for scale-in when this is 0.
    pub non_daemon_tasks: u32,
    /// A random rank fixed at launch: the final tie-break between otherwise equal
    /// candidates, so ties resolve randomly yet reproducibly and in O(log n). A bijection
    /// of the launch number, so no two instances of a run share one.
    pub rank: u32,
    /// When it was launched (began billing).
    pub launched_at: SimTime,
    /// When it registered ACTIVE (its launch time if still LAUNCHING).
    pub registered_at: SimTime,
    /// When it was terminated, once it was.
    pub terminated_at: Option<SimTime>,
    /// What it is billed per hour, US dollars (Spot at the pool's discount).
    pub price_per_hour: f64,
    /// Interned value of each spread attribute (indexed by spread key).
    pub attribute_values: Vec<u32>,
    /// Task definitions whose image this instance has pulled (bitset by TaskDefId).
    pub cached_images: Vec<u64>,
}

impl Instance {
    /// Whether it has pulled task definition `taskdef`'s image.
    pub fn has_image(&self, taskdef: usize) -> bool {
        self.cached_images
            .get(taskdef / 64)
            .is_some_and(|word| word & (1u64 << (taskdef % 64)) != 0)
    }

    /// Records that it has pulled task definition `taskdef`'s image.
    pub fn cache_image(&mut self, taskdef: usize) {
        let word = taskdef / 64;
        if self.cached_images.len() <= word {
            self.cached_images.resize(word + 1, 0);
        }
        self.cached_images[word] |= 1u64 << (taskdef % 64);
    }

    /// Whether none of `ports` is in use here.
    pub fn ports_free(&self, ports: &[u16]) -> bool {
        ports.iter().all(|p| !self.ports_used.contains(p))
    }
}
