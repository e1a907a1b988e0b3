//! Task definitions: what a task reserves and how it is networked.

use crate::catalog::{FargatePlatform, FargateSize};
use crate::scaling::managed_scaling::TaskShape;

/// `networkMode`: how a task's containers are networked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkMode {
    /// One ENI per task: limited by the instance's ENIs and the subnet's free addresses.
    Awsvpc,
    /// Docker bridge: static host ports conflict; dynamic ports (0) do not.
    Bridge,
    /// Host networking: every container port is a host port.
    Host,
    /// No external networking.
    None,
}

impl NetworkMode {
    /// ECS's spelling (`awsvpc`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkMode::Awsvpc => "awsvpc",
            NetworkMode::Bridge => "bridge",
            NetworkMode::Host => "host",
            NetworkMode::None => "none",
        }
    }
}

/// A task definition revision, as the simulation uses it.
#[derive(Clone, Debug)]
pub struct TaskDef {
    /// `family`: the name revisions share.
    pub family: String,
    /// CPU units reserved (1024 per vCPU).
    pub cpu: u32,
    /// Memory reserved, MiB.
    pub memory: u32,
    /// Whole GPUs reserved (`resourceRequirements` of type GPU); ECS pins each to this task.
    pub gpu: u32,
    /// `networkMode`.
    pub network_mode: NetworkMode,
    /// Static host ports the task binds on its instance (bridge/host modes only).
    pub host_ports: Vec<u16>,
    /// `EC2` in `requiresCompatibilities`.
    pub ec2_compatible: bool,
    /// `FARGATE` in `requiresCompatibilities`.
    pub fargate_compatible: bool,
    /// `MANAGED_INSTANCES` in `requiresCompatibilities`.
    pub managed_instances_compatible: bool,
    /// Compressed image size, MB: pull time is size / throughput.
    pub image_size_mb: f64,
    /// The size Fargate bills and runs, rounded up from cpu/memory; `None` if the task
    /// definition is not Fargate-compatible.
    pub fargate_size: Option<FargateSize>,
    /// `runtimePlatform`: what Fargate bills it as (x86 or ARM Linux, or Windows).
    pub platform: FargatePlatform,
    /// Ephemeral storage requested, GiB (Fargate bills what exceeds the included 20).
    pub ephemeral_storage_gib: u32,
    /// Simulator-only: chance a task of this revision fails before RUNNING; overrides the
    /// service's `start_failure_probability` (a bad revision for a deployment).
    pub start_failure_probability: Option<f64>,
    /// Simulator-only: time from RUNNING to a crash for tasks of this revision; overrides
    /// the service's `crash_after` (a revision that fails once it runs).
    pub crash_after: Option<crate::workload::DurationDist>,
    /// From SIGTERM until the task has stopped: the container's shutdown time, cut off by
    /// `stopTimeout` (SIGKILL).
    pub stop_after_sigterm: crate::time::SimDuration,
    /// ECS `restartPolicy`: a crashed container restarted in place; `None` when not enabled.
    pub restart_policy: Option<RestartPolicy>,
    /// Simulator-only: the exit code of a crash (`crash_after`), for `ignoredExitCodes`.
    pub crash_exit_code: i32,
}

/// ECS's container restart policy (`restartPolicy` with `enabled = true`): a container
/// that exits is restarted in place, in the same task, unless its exit code is ignored or
/// it ran less than `restartAttemptPeriod` since it last (re)started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestartPolicy {
    /// `ignoredExitCodes`: exits that end the task as if no policy were set.
    pub ignored_exit_codes: Vec<i32>,
    /// `restartAttemptPeriod`: how long a container must have run before it may restart,
    /// which also makes it restart at most once per period.
    pub attempt_period: crate::time::SimDuration,
}

impl RestartPolicy {
    /// Whether a container that (re)started `ran` ago and now exits with `code` is
    /// restarted in place.
    pub fn restarts(&self, code: i32, ran: crate::time::SimDuration) -> bool {
        !self.ignored_exit_codes.contains(&code) && ran >= self.attempt_period
    }
}

impl TaskDef {
    /// The resources one task of this definition takes from an instance. Placement
    /// requests, reservations and managed scaling's estimate are all built from it.
    pub fn shape(&self) -> TaskShape<'_> {
        TaskShape {
            cpu: self.cpu,
            memory: self.memory,
            gpu: self.gpu,
            awsvpc: self.uses_eni(),
            host_ports: &self.host_ports,
        }
    }

    /// What one task of this definition holds on an instance, for `group` (and as a DAEMON
    /// task or not): the same value reserves it and releases it.
    pub fn reservation(
        &self,
        group: super::GroupId,
        daemon: bool,
    ) -> super::cluster::Reservation<'_> {
        super::cluster::Reservation::of(self.shape(), group, daemon)
    }

    /// Whether a task takes an ENI (awsvpc): one from its instance and an address from its subnet.
    pub fn uses_eni(&self) -> bool {
        self.network_mode == NetworkMode::Awsvpc
    }
}
