//! The resolved configuration of one run: what the scenario file described, with names
//! looked up and units converted. Built by `scenario`, read by `sim`.

use super::ids::{AzId, GroupId, PoolId, TaskDefId};
use super::instance::InstanceTypeSpec;
use super::taskdef::TaskDef;
use crate::catalog::FargateRates;
use crate::query::Expr;
use crate::time::{SimDuration, SimTime};
use crate::workload::{ArrivalProcess, DurationDist};

#[derive(Clone, Debug)]
pub struct SimConfig {
    pub name: String,
    pub seed: u64,
    pub horizon: SimTime,
    /// Metrics ignore everything before this instant.
    pub warmup: SimTime,
    pub sample_interval: SimDuration,
    pub availability_zones: Vec<String>,
    /// Free IPv4 addresses per AZ subnet for awsvpc tasks; `None` = unlimited.
    pub subnet_ips_per_az: Option<u32>,
    pub pools: Vec<PoolSpec>,
    pub fargate: FargateSpec,
    pub task_defs: Vec<TaskDef>,
    pub services: Vec<ServiceSpec>,
    pub jobs: Vec<JobSpec>,
    pub timing: Timing,
    /// Task group names, indexed by GroupId.
    pub groups: Vec<String>,
    /// Attribute names spread strategies count over, indexed by spread key.
    /// Key 0 is always `ecs.availability-zone`.
    pub spread_keys: Vec<String>,
    pub billing: BillingSpec,
}

#[derive(Clone, Debug)]
pub struct PoolSpec {
    pub name: String,
    pub instance_type: InstanceTypeSpec,
    pub count: u32,
    /// AZs the pool's instances are spread over, round-robin.
    pub azs: Vec<AzId>,
    /// Custom attributes (name, value) on every instance of the pool.
    pub attributes: Vec<(String, String)>,
    pub spot: bool,
    pub os_type: &'static str,
}

#[derive(Clone, Debug)]
pub struct FargateSpec {
    /// Concurrent Fargate tasks allowed (the account's vCPU-based quota, as a task count).
    pub max_concurrent_tasks: Option<u32>,
    pub rates: FargateRates,
}

#[derive(Clone, Debug)]
pub struct BillingSpec {
    /// Minimum billed per EC2 instance launch (60 s for Linux).
    pub ec2_minimum: SimDuration,
    /// Minimum billed per Fargate task (one minute on Linux).
    pub fargate_minimum: SimDuration,
    /// Fraction taken off on-demand prices for EC2 Spot pools.
    pub ec2_spot_discount: f64,
}

/// Where a task may run.
#[derive(Clone, Debug, PartialEq)]
pub enum LaunchSpec {
    /// `launchType = "EC2"`: any ACTIVE instance; a standalone task that fits nowhere fails.
    Ec2,
    /// `launchType = "FARGATE"`.
    Fargate,
    /// `capacityProviderStrategy`: tasks are spread over providers by base and weight and
    /// wait in PROVISIONING when their provider has no room.
    Providers(Vec<ProviderShare>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    Pool(PoolId),
    Fargate,
    FargateSpot,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProviderShare {
    pub provider: Provider,
    pub base: u32,
    pub weight: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Cpu,
    Memory,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpreadField {
    InstanceId,
    /// Index into `SimConfig::spread_keys`.
    Attribute(usize),
}

/// ECS placement strategies, applied in order; each later one breaks the ties of the
/// earlier ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlacementStrategy {
    Binpack(Resource),
    Spread(SpreadField),
    Random,
}

#[derive(Clone, Debug)]
pub enum PlacementConstraint {
    DistinctInstance,
    MemberOf(Expr),
}

#[derive(Clone, Debug)]
pub struct Placement {
    pub strategies: Vec<PlacementStrategy>,
    pub constraints: Vec<PlacementConstraint>,
    pub group: GroupId,
}

#[derive(Clone, Debug)]
pub struct ServiceSpec {
    pub name: String,
    pub task_def: TaskDefId,
    pub desired_count: u32,
    pub launch: LaunchSpec,
    pub placement: Placement,
}

#[derive(Clone, Debug)]
pub struct JobSpec {
    pub name: String,
    pub task_def: TaskDefId,
    pub arrival: ArrivalProcess,
    pub duration: DurationDist,
    pub launch: LaunchSpec,
    pub placement: Placement,
}

/// Startup latency parts. ECS publishes few of these numbers (see the reference §2.3), so
/// each is a setting; defaults are stated in `scenarios/README.md`.
#[derive(Clone, Debug)]
pub struct Timing {
    /// ENI creation and attachment for an awsvpc task on EC2 (PROVISIONING).
    pub eni_attach: SimDuration,
    /// Fargate capacity provisioning plus ENI attach before the pull starts.
    pub fargate_provisioning: SimDuration,
    /// Image pull throughput on EC2, MB/s.
    pub ec2_pull_mb_per_s: f64,
    /// Image pull throughput on Fargate, MB/s (no image cache on Fargate).
    pub fargate_pull_mb_per_s: f64,
    /// Fixed part of every pull (registry auth, manifest), not spent for cached images.
    pub pull_overhead: SimDuration,
    /// From pull done to RUNNING: container create and start.
    pub container_start: SimDuration,
    /// Whether EC2 instances reuse an image already pulled by an earlier task
    /// (ECS_IMAGE_PULL_BEHAVIOR=prefer-cached).
    pub ec2_image_cache: bool,
    /// From an EC2 instance's launch to its registration as ACTIVE.
    pub instance_launch: SimDuration,
}

impl Timing {
    /// Every part zero: tasks run the instant they are placed (textbook-queue scenarios).
    pub fn instant() -> Timing {
        Timing {
            eni_attach: SimDuration::ZERO,
            fargate_provisioning: SimDuration::ZERO,
            ec2_pull_mb_per_s: f64::INFINITY,
            fargate_pull_mb_per_s: f64::INFINITY,
            pull_overhead: SimDuration::ZERO,
            container_start: SimDuration::ZERO,
            ec2_image_cache: true,
            instance_launch: SimDuration::ZERO,
        }
    }

    pub fn pull_time(&self, image_size_mb: f64, mb_per_s: f64) -> SimDuration {
        let transfer = if mb_per_s.is_infinite() {
            0.0
        } else {
            image_size_mb / mb_per_s
        };
        self.pull_overhead + SimDuration::from_secs_f64(transfer)
    }
}
