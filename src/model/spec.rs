//! The resolved configuration of one run: what the scenario file described, with names
//! looked up and units converted. Built by `scenario`, read by `sim`.

use super::ids::{AzId, GroupId, PoolId, ServiceId, TaskDefId};
use super::instance::InstanceTypeSpec;
use super::policy::PolicyHandle;
use super::taskdef::TaskDef;
use crate::catalog::FargateRates;
use crate::query::Expr;
use crate::time::{SimDuration, SimTime};
use crate::workload::{ArrivalProcess, DurationDist};

/// Everything one run needs, resolved from a scenario: names looked up, units converted, times in
/// milliseconds.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// The scenario's name, as the outputs and the trace show it.
    pub name: String,
    /// The master seed every random stream is derived from (`sim/streams.rs`).
    pub seed: u64,
    /// When the run stops: simulated time from its start.
    pub horizon: SimTime,
    /// Metrics ignore everything before this instant.
    pub warmup: SimTime,
    /// Time between two timeseries samples.
    pub sample_interval: SimDuration,
    /// AZ names, indexed by `AzId`.
    pub availability_zones: Vec<String>,
    /// Free IPv4 addresses per AZ subnet for awsvpc tasks; `None` = unlimited.
    pub subnet_ips_per_az: Option<u32>,
    /// A DAEMON task that stops on an ACTIVE instance leaves its resources (subnet address
    /// included) reserved there for its replacement (`cluster.daemon_room_held`).
    pub daemon_room_held: bool,
    /// EC2 Auto Scaling group capacity (pools), indexed by `PoolId`.
    pub pools: Vec<PoolSpec>,
    /// Managed Instances capacity providers; each owns hidden pools (one per allowed type).
    pub managed_instances: Vec<super::managed::ManagedProviderSpec>,
    /// Fargate's quota, prices and Spot interruptions.
    pub fargate: FargateSpec,
    /// ECS's limits on tasks waiting in PROVISIONING.
    pub provisioning: ProvisioningLimits,
    /// Task definitions, indexed by `TaskDefId`.
    pub task_defs: Vec<TaskDef>,
    /// Services, indexed by `ServiceId`.
    pub services: Vec<ServiceSpec>,
    /// Job streams of standalone tasks (RunTask), in scenario order.
    pub jobs: Vec<JobSpec>,
    /// Startup latencies of tasks and instances.
    pub timing: Timing,
    /// Task group names, indexed by GroupId.
    pub groups: Vec<String>,
    /// Attribute names spread strategies count over, indexed by spread key.
    /// Key 0 is always `ecs.availability-zone`.
    pub spread_keys: Vec<String>,
    /// Prices, minimums, commitments and the cost split.
    pub billing: BillingSpec,
    /// Failure injection and the service scheduler's restart rules; all off by default.
    pub failures: FailureSpec,
    /// Events allowed at one simulated instant before a run is stopped as a runaway
    /// (`limits.events_per_instant`).
    pub events_per_instant: u64,
    /// Settings that are legal but probably not meant, found when the scenario was
    /// checked; the run still goes ahead, and its summary carries them.
    pub warnings: Vec<String>,
}

impl SimConfig {
    /// What the cluster needs to know of each pool, in pool order.
    pub fn pool_infos(&self) -> Vec<super::cluster::PoolInfo> {
        self.pools
            .iter()
            .map(|p| super::cluster::PoolInfo {
                name: p.name.clone(),
                instance_type: p.instance_type.clone(),
                os_type: p.os_type,
                attributes: p.attributes.clone(),
                reserved_ports: p.reserved_ports.clone(),
            })
            .collect()
    }
}

/// A group of identical EC2 instances of one type (an Auto Scaling group).
#[derive(Clone, Debug)]
pub struct PoolSpec {
    /// The pool's name in the scenario, used in outputs.
    pub name: String,
    /// What each instance offers and costs.
    pub instance_type: InstanceTypeSpec,
    /// Instances at the start of the run (desired capacity).
    pub count: u32,
    /// AZs the pool's instances are spread over, round-robin.
    pub azs: Vec<AzId>,
    /// Custom attributes (name, value) on every instance of the pool.
    pub attributes: Vec<(String, String)>,
    /// Spot instances, billed at the Spot discount and open to interruption.
    pub spot: bool,
    /// The instances' operating system as ECS's `ecs.os-type` attribute reports it (`linux`,
    /// `windows`).
    pub os_type: &'static str,
    /// Host ports the ECS agent reserves on every instance (`ECS_RESERVED_PORTS`).
    pub reserved_ports: Vec<u16>,
    /// `ECS_ENABLE_SPOT_INSTANCE_DRAINING`: a Spot notice sets the instance DRAINING. Off
    /// (the agent's default): tasks run until the instance is reclaimed.
    pub spot_instance_draining: bool,
    /// ECS managed instance draining of the pool as an Auto Scaling group capacity
    /// provider (`managedDraining`, on by default for them): a Spot notice drains the
    /// instance whatever `spot_instance_draining` says.
    pub managed_draining: bool,
    /// Time from an instance's registration to its failure (every task on it stops); the
    /// pool launches a replacement at once, ACTIVE after `timing.instance_launch`.
    pub instance_failure: Option<DurationDist>,
    /// Spot pools only: time from registration to a Spot interruption notice.
    pub spot_interruption: Option<DurationDist>,
    /// ECS managed scaling of this pool as an Auto Scaling group capacity provider; `None`
    /// keeps the pool at its size (replacing failed instances only).
    pub managed_scaling: Option<ManagedScalingSpec>,
}

/// The ECS agent's default `ECS_RESERVED_PORTS`: SSH, the Docker daemon (2375, 2376) and
/// the agent's own introspection and credential ports (reference §9, [AGENT-readme]).
pub const AGENT_RESERVED_PORTS: [u16; 5] = [22, 2375, 2376, 51678, 51679];

/// `managed_scaling` on a pool: the policy settings plus the group's size bounds.
#[derive(Clone, Debug)]
pub struct ManagedScalingSpec {
    /// Managed scaling's target capacity and step sizes.
    pub config: crate::scaling::managed_scaling::ManagedScalingConfig,
    /// Fewest instances the group keeps.
    pub min_size: u32,
    /// Most instances the group may have.
    pub max_size: u32,
}

/// A service's load and auto scaling; everything off by default.
#[derive(Clone, Debug, Default)]
pub struct ServiceScalingSpec {
    /// CPU work offered, CPU units (1024 = one vCPU busy).
    pub demand: Option<crate::scaling::demand::DemandCurve>,
    /// Memory in use by the service in all, MiB (for memory target tracking).
    pub memory_demand: Option<crate::scaling::demand::DemandCurve>,
    /// Application Auto Scaling of the desired count; `None`: the count moves only by scheduled
    /// actions.
    pub auto_scaling: Option<AutoScalingSpec>,
    /// A queue the service's tasks consume, for backlog-per-task scaling; `None` when there is
    /// none.
    pub queue: Option<QueueSpec>,
    /// CPU and memory datapoints every 20 s as well as every minute, for target tracking
    /// on the `...HighResolution` metrics.
    pub high_resolution_metrics: bool,
}

impl ServiceScalingSpec {
    /// Whether the service has any demand, scaling or queue to simulate.
    pub fn is_active(&self) -> bool {
        self.demand.is_some()
            || self.memory_demand.is_some()
            || self.auto_scaling.is_some()
            || self.queue.is_some()
    }
}

/// Application Auto Scaling on a service's desired count.
#[derive(Clone, Debug)]
pub struct AutoScalingSpec {
    /// Smallest desired count scaling may set.
    pub min: u32,
    /// Largest desired count scaling may set.
    pub max: u32,
    /// Target tracking policies, each on one metric.
    pub target_tracking: Vec<crate::scaling::target_tracking::TargetTrackingPolicy>,
    /// Step policies, each on a metric.
    pub step_scaling: Vec<(
        crate::scaling::target_tracking::TrackedMetric,
        crate::scaling::step_scaling::StepScalingPolicy,
    )>,
    /// Scheduled actions on the minimum, maximum and desired count; `None` when there are none.
    pub scheduled: Option<crate::scaling::scheduled::Schedule>,
    /// The service's predictive scaling policy, if any (one per service here).
    pub predictive: Option<crate::scaling::predictive::PredictiveScalingPolicy>,
}

/// A queue-backed worker: messages arrive at a rate curve (messages per second) and each
/// RUNNING task consumes `per_task_rate_per_s`.
#[derive(Clone, Debug)]
pub struct QueueSpec {
    /// Messages offered per second, over time.
    pub arrival: crate::scaling::demand::DemandCurve,
    /// Messages one RUNNING task consumes per second.
    pub per_task_rate_per_s: f64,
}

/// ECS's limits on tasks waiting in PROVISIONING for an Auto Scaling group capacity
/// provider's capacity (`cluster.max_provisioning_tasks`, `cluster.provisioning_timeout`);
/// `None` switches one off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProvisioningLimits {
    /// Tasks the cluster may have waiting at once; a task over it is refused.
    pub max_tasks: Option<u32>,
    /// How long a task waits before ECS stops it.
    pub timeout: Option<SimDuration>,
}

/// Fargate's account settings for the run.
#[derive(Clone, Debug)]
pub struct FargateSpec {
    /// Concurrent Fargate tasks allowed (the account's vCPU-based quota, as a task count).
    pub max_concurrent_tasks: Option<u32>,
    /// Prices per vCPU-hour and GB-hour, x86 and Arm, On-Demand and Spot.
    pub rates: FargateRates,
    /// Time from a FARGATE_SPOT task reaching RUNNING to its interruption notice.
    pub spot_interruption: Option<DurationDist>,
    /// The task launch rate's token bucket (On-Demand and Spot each have one); `None`
    /// launches without limit.
    pub launch_rate: Option<LaunchRate>,
}

/// A token bucket on Fargate task launches: `burst` at once, then `per_second`.
#[derive(Clone, Debug, PartialEq)]
pub struct LaunchRate {
    /// Tokens the bucket holds: launches that may go at once.
    pub burst: u32,
    /// Tokens refilled per second.
    pub per_second: f64,
}

/// How the run's capacity is billed.
#[derive(Clone, Debug)]
pub struct BillingSpec {
    /// Minimum billed per EC2 instance launch (60 s for Linux).
    pub ec2_minimum: SimDuration,
    /// Fraction taken off on-demand prices for EC2 Spot pools.
    pub ec2_spot_discount: f64,
    /// Reserved Instances and Savings Plans, and the usage metered for them.
    pub commitments: CommitmentSpec,
    /// How each instance-hour's cost is split among its tasks (`[cost_allocation]`).
    pub allocation: crate::catalog::allocation::AllocationSpec,
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

/// One capacity provider a strategy names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    /// An Auto Scaling group capacity provider: the pool it scales.
    Pool(PoolId),
    /// A Managed Instances provider: index into `SimConfig::managed_instances`.
    Managed(u32),
    /// `FARGATE`.
    Fargate,
    /// `FARGATE_SPOT`.
    FargateSpot,
}

/// One entry of a `capacityProviderStrategy`.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderShare {
    /// The capacity provider.
    pub provider: Provider,
    /// Tasks placed on this provider before the weights apply.
    pub base: u32,
    /// Relative share of the tasks past the bases.
    pub weight: u32,
}

/// A resource binpack minimizes what is left of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// CPU units.
    Cpu,
    /// Memory, MiB.
    Memory,
}

/// What a spread strategy balances tasks over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpreadField {
    /// `instanceId`: each instance is its own bucket.
    InstanceId,
    /// Index into `SimConfig::spread_keys`.
    Attribute(usize),
}

/// ECS placement strategies, applied in order; each later one breaks the ties of the
/// earlier ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlacementStrategy {
    /// `binpack`: the instance with the least of the resource left after placing.
    Binpack(Resource),
    /// `spread`: the bucket of the field holding fewest of the group's tasks.
    Spread(SpreadField),
    /// `random`: a uniformly drawn instance among those that fit.
    Random,
    /// A placement policy (`{ type = "policy", name }`): index into the placement's
    /// `policies`. Ranks by score, highest first, like a strategy in the chain.
    Policy(usize),
}

/// A placement constraint: a rule an instance must meet to be a candidate.
#[derive(Clone, Debug)]
pub enum PlacementConstraint {
    /// `distinctInstance`: no other task of the same group on the instance.
    DistinctInstance,
    /// `memberOf`: the instance satisfies the cluster query expression.
    MemberOf(Expr),
}

/// A service's or job's placement: strategies, constraints and the task group they count.
#[derive(Clone, Debug)]
pub struct Placement {
    /// In order; each later one breaks the ties of the earlier ones.
    pub strategies: Vec<PlacementStrategy>,
    /// All must hold for an instance to be a candidate.
    pub constraints: Vec<PlacementConstraint>,
    /// The task group spread and `distinctInstance` count tasks of.
    pub group: GroupId,
    /// The policies `strategies` name, each once, in order of first mention.
    pub policies: Vec<PolicyHandle>,
}

/// An ECS service: a desired count of tasks kept running.
#[derive(Clone, Debug)]
pub struct ServiceSpec {
    /// The service's name, as outputs show it.
    pub name: String,
    /// Its task definition (the revision at the start of the run).
    pub task_def: TaskDefId,
    /// 0 for a DAEMON service, whose desired count is its eligible instances.
    pub desired_count: u32,
    /// `schedulingStrategy = "DAEMON"`: one task on every ACTIVE instance the placement
    /// constraints allow, placed before other tasks and stopped after them.
    pub daemon: bool,
    /// Where its tasks run.
    pub launch: LaunchSpec,
    /// How its tasks are placed on EC2.
    pub placement: Placement,
    /// Time from RUNNING to a crash (the essential container exits unexpectedly).
    pub crash_after: Option<DurationDist>,
    /// Chance that a task fails before RUNNING (image pull failure and the like), drawn
    /// when its start would complete. Such failures are throttled (`FailureSpec::backoff`).
    pub start_failure_probability: f64,
    /// Demand, auto scaling and queue (issue 4).
    pub scaling: ServiceScalingSpec,
    /// Time from RUNNING until the task stops answering (hangs); detected only by
    /// `health_check`.
    pub hung_after: Option<DurationDist>,
    /// Container health check; `None`: hung tasks are never detected.
    pub health_check: Option<HealthCheck>,
    /// `healthCheckGracePeriodSeconds`: failed checks this long after RUNNING are ignored.
    pub health_check_grace: SimDuration,
    /// Load balancer target deregistration delay: a RUNNING task the scheduler stops stays
    /// STOPPING (holding its resources, not serving) this long. Zero without a load balancer.
    pub deregistration_delay: SimDuration,
    /// Rolling-deployment bounds and circuit breaker (`deploymentConfiguration`).
    pub deployment: DeploymentConfig,
    /// Timed new revisions of the task definition, sorted by time.
    pub deployments: Vec<Deployment>,
    /// `availabilityZoneRebalancing`, resolved against eligibility.
    pub az_rebalancing: super::AzRebalancing,
}

/// A container health check (reference §2.2): a check every `interval` from RUNNING on,
/// each failing after `timeout` without an answer; `retries` consecutive failures mark the
/// task UNHEALTHY. Failures within `start_period` of RUNNING do not count; the service's
/// grace period only delays the scheduler's reaction (see [`HealthCheck::detection`]).
#[derive(Clone, Debug, PartialEq)]
pub struct HealthCheck {
    /// Time between two checks.
    pub interval: SimDuration,
    /// How long a check waits for an answer before it fails.
    pub timeout: SimDuration,
    /// Consecutive failed checks that mark the container UNHEALTHY.
    pub retries: u32,
    /// Failed checks this soon after RUNNING do not count.
    pub start_period: SimDuration,
}

impl HealthCheck {
    /// When the service scheduler stops a task RUNNING since `running` that hangs at
    /// `hung`. The container turns UNHEALTHY at the first check at or after both the hang
    /// and its `startPeriod` (failures inside it do not count), plus `retries − 1` more
    /// intervals and that check's timeout; checks fall at `running + k × interval`, k ≥ 1.
    /// The scheduler ignores health status during the service's grace period and acts on
    /// the current status when it ends (issue 9), so a task UNHEALTHY at 95 s with a
    /// 120 s grace period is stopped at 120 s.
    pub fn detection(&self, running: SimTime, hung: SimTime, grace: SimDuration) -> SimTime {
        let interval = self.interval.as_millis().max(1);
        let counted_from = hung.max(running + self.start_period);
        let since = counted_from.since(running).as_millis();
        let k = since.div_ceil(interval).max(1);
        let unhealthy = running
            + SimDuration(k * interval + u64::from(self.retries.saturating_sub(1)) * interval)
            + self.timeout;
        unhealthy.max(running + grace)
    }
}

/// ECS `deploymentConfiguration` for the rolling (`ECS`) controller (reference §3.2, §3.5).
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentConfig {
    /// Healthy tasks kept during a deployment: `ceil(desired × min / 100)`. Default 100.
    pub minimum_healthy_percent: u32,
    /// Cap on RUNNING + PENDING + STOPPING tasks: `floor(desired × max / 100)`. Default 200.
    pub maximum_percent: u32,
    /// `deploymentCircuitBreaker`; `None` when off.
    pub circuit_breaker: Option<CircuitBreaker>,
    /// `strategy` with its traffic-shift settings; ROLLING by default.
    pub strategy: super::DeploymentStrategy,
    /// `bakeTimeInMinutes`: both revisions run this long after production traffic moved.
    pub bake_time: SimDuration,
    /// `lifecycleHooks`, as durations and failure chances.
    pub hooks: Vec<super::LifecycleHook>,
    /// `alarms`, as a rule over the new revision's failures.
    pub alarm: Option<super::AlarmRule>,
}

impl Default for DeploymentConfig {
    fn default() -> Self {
        DeploymentConfig {
            minimum_healthy_percent: 100,
            maximum_percent: 200,
            circuit_breaker: None,
            strategy: super::DeploymentStrategy::Rolling,
            bake_time: SimDuration::ZERO,
            hooks: Vec::new(),
            alarm: None,
        }
    }
}

impl DeploymentConfig {
    /// Healthy tasks a deployment keeps: `ceil(desired × minimumHealthyPercent / 100)`.
    pub fn lower(&self, desired: u32) -> u32 {
        (u64::from(desired) * u64::from(self.minimum_healthy_percent)).div_ceil(100) as u32
    }

    /// Tasks a deployment may hold at once: `floor(desired × maximumPercent / 100)`.
    pub fn upper(&self, desired: u32) -> u32 {
        (u64::from(desired) * u64::from(self.maximum_percent) / 100) as u32
    }
}

/// `deploymentCircuitBreaker`: the deployment fails once `threshold(desired)` of its tasks
/// failed to reach RUNNING (or failed health checks after one ran).
#[derive(Clone, Debug, PartialEq)]
pub struct CircuitBreaker {
    /// Whether a failed deployment rolls back to the last revision that completed.
    pub rollback: bool,
    /// The lower clamp of the threshold: 3 per the current API reference (the 2023
    /// developer guide says 10; reference §3.5).
    pub min_threshold: u32,
    /// `resetOnHealthyTask`: a task of the deployment that becomes healthy resets the
    /// failure count to 0. Default true, as in ECS's API.
    pub reset_on_healthy_task: bool,
    /// `thresholdConfiguration.type`; BOUNDED_PERCENT by default.
    pub threshold_type: super::ThresholdType,
    /// `thresholdConfiguration.value`: a percentage of the desired count, or a count.
    /// Default 50.
    pub threshold_value: u32,
}

impl CircuitBreaker {
    /// BOUNDED_PERCENT: `clamp(ceil(value % × desired), min_threshold, 200)`;
    /// UNBOUNDED_PERCENT: `ceil(value % × desired)`, at least 1; COUNT: `value`.
    pub fn threshold(&self, desired: u32) -> u32 {
        let percent = (u64::from(desired) * u64::from(self.threshold_value)).div_ceil(100);
        let percent = percent.min(u64::from(u32::MAX)) as u32;
        match self.threshold_type {
            super::ThresholdType::BoundedPercent => percent.clamp(self.min_threshold.min(200), 200),
            super::ThresholdType::UnboundedPercent => percent.max(1),
            super::ThresholdType::Count => self.threshold_value.max(1),
        }
    }
}

/// A new revision of a service's task definition, rolled out at `at`.
#[derive(Clone, Debug, PartialEq)]
pub struct Deployment {
    /// When the revision is rolled out.
    pub at: SimTime,
    /// The new revision.
    pub task_def: TaskDefId,
}

/// A stream of standalone tasks started by RunTask.
#[derive(Clone, Debug)]
pub struct JobSpec {
    /// The stream's name, as outputs show it.
    pub name: String,
    /// The task definition each of its tasks runs.
    pub task_def: TaskDefId,
    /// When its tasks arrive.
    pub arrival: ArrivalProcess,
    /// How long each task runs once RUNNING.
    pub duration: DurationDist,
    /// Where its tasks run.
    pub launch: LaunchSpec,
    /// How its tasks are placed on EC2.
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

    /// Time to pull an image of `image_size_mb` MB at `mb_per_s` MB/s, the fixed overhead included.
    pub fn pull_time(&self, image_size_mb: f64, mb_per_s: f64) -> SimDuration {
        let transfer = if mb_per_s.is_infinite() {
            0.0
        } else {
            image_size_mb / mb_per_s
        };
        self.pull_overhead + SimDuration::from_secs_f64(transfer)
    }
}

/// Failures that are not tied to one service or pool, and the scheduler's restart rules.
#[derive(Clone, Debug, Default)]
pub struct FailureSpec {
    /// AZ outages, each a window.
    pub az_outages: Vec<AzOutage>,
    /// Timed actions, sorted by time.
    pub events: Vec<ScheduledAction>,
    /// The Spot interruption notice: two minutes on EC2 and Fargate.
    pub spot_notice: SimDuration,
    /// The throttle on a service whose tasks keep failing before RUNNING.
    pub backoff: RestartBackoff,
}

/// One AZ down for a window: its instances and tasks are lost at `start`; nothing is
/// placed there until `end`.
#[derive(Clone, Debug, PartialEq)]
pub struct AzOutage {
    /// The AZ that fails.
    pub az: AzId,
    /// When its instances and tasks are lost.
    pub start: SimTime,
    /// When it takes tasks again.
    pub end: SimTime,
}

/// An action at a set time (`[[failures.events]]`).
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduledAction {
    /// When the action happens.
    pub at: SimTime,
    /// What happens.
    pub action: Action,
}

/// What a scheduled action does.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The `index`-th live instance of the pool (launch order) fails.
    KillInstance {
        /// The pool whose instance fails.
        pool: PoolId,
        /// Which of its live instances, 0-based in launch order.
        index: u32,
    },
    /// `count` running tasks of the service are stopped (newest first).
    KillTasks {
        /// The service whose tasks are stopped.
        service: ServiceId,
        /// How many of its running tasks.
        count: u32,
    },
    /// The service's desired count becomes `count`.
    SetDesiredCount {
        /// The service whose desired count is set.
        service: ServiceId,
        /// The new desired count.
        count: u32,
    },
}

/// ECS throttles a service whose tasks keep failing before RUNNING. The growth curve is not
/// published (reference §3.3), so it is a setting: the n-th consecutive failure delays the
/// next launch by `min(initial × factor^(n−1), cap)`.
#[derive(Clone, Debug, PartialEq)]
pub struct RestartBackoff {
    /// The delay after the first failure.
    pub initial: SimDuration,
    /// What each further failure multiplies the delay by.
    pub factor: f64,
    /// 15 min per the 2023 developer guide; the current AWS page says 27 min.
    pub cap: SimDuration,
}

impl Default for RestartBackoff {
    fn default() -> Self {
        RestartBackoff {
            initial: SimDuration::from_secs(10),
            factor: 2.0,
            cap: SimDuration::from_secs(15 * 60),
        }
    }
}

impl RestartBackoff {
    /// The delay after the `failures`-th consecutive failure to start (1-based).
    pub fn delay(&self, failures: u32) -> SimDuration {
        let cap = self.cap.as_millis() as f64;
        let exp = failures.saturating_sub(1).min(1000) as i32;
        let d = self.initial.as_millis() as f64 * self.factor.powi(exp);
        SimDuration(if d.is_finite() {
            d.min(cap) as u64
        } else {
            cap as u64
        })
    }
}

/// Commitments (Reserved Instances, Savings Plans) and the usage the simulation meters for
/// them, hour by hour. Empty by default: nothing is metered and no output changes.
#[derive(Clone, Debug, Default)]
pub struct CommitmentSpec {
    /// In scenario order.
    pub plans: Vec<CommitmentPlanSpec>,
    /// Metered usage kinds: one per On-Demand Linux pool instance type, then the four
    /// Fargate Linux On-Demand dimensions (x86 vCPU, x86 GB, arm vCPU, arm GB).
    pub keys: Vec<crate::catalog::usage::UsageKey>,
    /// Per pool: its usage key; `None` for Spot and Windows pools, which no commitment
    /// here covers.
    pub pool_keys: Vec<Option<usize>>,
    /// Index of the first Fargate key.
    pub fargate_key: usize,
    /// Meter usage even without plans (the comparison's commitment legs).
    pub meter: bool,
    /// The run's rate table, for legs that add commitments of their own.
    pub rates: Option<std::sync::Arc<crate::catalog::PlanRates>>,
}

impl CommitmentSpec {
    /// Whether any usage is metered: there are plans, or a comparison leg asks for the meter.
    pub fn metered(&self) -> bool {
        self.meter || !self.plans.is_empty()
    }
}

/// One commitment of the scenario, resolved.
#[derive(Clone, Debug)]
pub struct CommitmentPlanSpec {
    /// The commitment's name in the scenario.
    pub name: String,
    /// Its term as the scenario names it.
    pub term: String,
    /// Its payment option as the scenario names it.
    pub payment: String,
    /// What it covers: a count of one instance type, an instance family, or compute usage ($ per
    /// hour).
    pub target: crate::catalog::usage::CommitmentTarget,
    /// Active from `start` to `end` (within the run).
    pub start: SimTime,
    /// When it stops applying.
    pub end: SimTime,
    /// Its hourly budget and its rate per usage key.
    pub plan: crate::catalog::Plan,
}
