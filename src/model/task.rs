//! Tasks and their lifecycle states.

use super::ids::{AzId, InstanceId, JobId, PoolId, ServiceId, TaskDefId};
use crate::catalog::FargateSize;
use crate::time::{SimDuration, SimTime};

/// The ECS lifecycle, reduced to the states that take time in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaskState {
    /// Waiting for capacity, then for ENI/Fargate provisioning.
    Provisioning,
    /// Image pull and container start.
    Pending,
    /// Its essential container runs; a service counts it unless hung or deregistering.
    Running,
    /// Deregistering or draining before the stop.
    Stopping,
    /// Stopped; its slot is released once reported.
    Stopped,
}

impl TaskState {
    /// ECS's spelling of the state (`RUNNING`, ...), as outputs and the trace show it.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Provisioning => "PROVISIONING",
            TaskState::Pending => "PENDING",
            TaskState::Running => "RUNNING",
            TaskState::Stopping => "STOPPING",
            TaskState::Stopped => "STOPPED",
        }
    }
}

/// Who launched a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A service's scheduler, to keep its desired count.
    Service(ServiceId),
    /// A job stream's RunTask.
    Job(JobId),
}

/// Where a task was sent: an EC2 instance (directly or through a pool's capacity
/// provider) or Fargate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `launchType = EC2`: any instance of the cluster.
    Ec2,
    /// A capacity provider backed by one pool.
    Pool(PoolId),
    /// A Managed Instances provider (index into `SimConfig::managed_instances`).
    Managed(u32),
    /// `launchType = FARGATE`, or a `FARGATE`/`FARGATE_SPOT` capacity provider.
    Fargate {
        /// Sent to Fargate Spot: cheaper, and open to interruption.
        spot: bool,
    },
}

/// Where a task runs, as ECS's `launchType` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LaunchType {
    /// On an EC2 instance, an Auto Scaling group's or a Managed Instances provider's.
    Ec2,
    /// On Fargate.
    Fargate,
}

impl LaunchType {
    /// Both, in the order outputs list them.
    pub const ALL: [LaunchType; 2] = [LaunchType::Ec2, LaunchType::Fargate];

    /// ECS's spelling, as outputs show it.
    pub fn as_str(self) -> &'static str {
        match self {
            LaunchType::Ec2 => "EC2",
            LaunchType::Fargate => "FARGATE",
        }
    }
}

impl Target {
    /// The launch type of the capacity a task sent here runs on (Managed Instances count as EC2).
    pub fn launch_type(self) -> LaunchType {
        match self {
            Target::Ec2 | Target::Pool(_) | Target::Managed(_) => LaunchType::Ec2,
            Target::Fargate { .. } => LaunchType::Fargate,
        }
    }
    /// Whether the task goes to Fargate or Fargate Spot.
    pub fn is_fargate(self) -> bool {
        matches!(self, Target::Fargate { .. })
    }
}

/// Why a task stopped, as ECS's stop codes say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The essential container exited (a job finished).
    EssentialContainerExited,
    /// RunTask could not place it (RESOURCE:CPU and friends).
    PlacementFailed(RejectReason),
    /// Still alive when the run ended.
    HorizonReached,
    /// The service scheduler stopped it (scale-in, deployment).
    ServiceScheduler,
    /// Crashed after RUNNING.
    TaskFailed,
    /// Failed before RUNNING (image pull failure and the like); restarts are throttled.
    StartFailed,
    /// Stopped by failing health checks while hung.
    HealthCheckFailed,
    /// Its instance failed.
    InstanceFailed,
    /// Its instance was terminated by cluster scale-in (no managed termination protection).
    InstanceTerminated,
    /// Spot capacity reclaimed.
    SpotInterruption,
    /// Its AZ went down.
    AzOutage,
    /// A scheduled action in the scenario stopped it.
    UserInitiated,
    /// Waited in PROVISIONING for capacity longer than `cluster.provisioning_timeout`.
    ProvisioningTimeout,
}

/// Why RunTask or the scheduler could not place a task, with ECS's failure reasons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectReason {
    /// Not enough free CPU units on any instance.
    Cpu,
    /// Fewer free whole GPUs than the task asks for.
    Gpu,
    /// Not enough free memory on any instance.
    Memory,
    /// A host port it needs is taken on every instance.
    Ports,
    /// No instance has an ENI left for another awsvpc task.
    Eni,
    /// The subnet has no free address for another awsvpc task.
    SubnetIps,
    /// Resources fit somewhere, but no such instance satisfies the placement constraints.
    Constraint,
    /// No ACTIVE instance is eligible at all.
    NoInstances,
    /// Fargate's concurrent-task quota is used up.
    FargateQuota,
    /// The cluster already has its maximum of tasks waiting in PROVISIONING for capacity
    /// (`cluster.max_provisioning_tasks`); RunTask fails with ECS's ClientException "Tasks
    /// provisioning capacity limit exceeded."
    ProvisioningLimit,
}

impl RejectReason {
    /// ECS's failure reason (`RESOURCE:CPU`, ...), as outputs and the trace show it.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::Cpu => "RESOURCE:CPU",
            RejectReason::Gpu => "RESOURCE:GPU",
            RejectReason::Memory => "RESOURCE:MEMORY",
            RejectReason::Ports => "RESOURCE:PORTS",
            RejectReason::Eni => "RESOURCE:ENI",
            RejectReason::SubnetIps => "RESOURCE:IP",
            RejectReason::Constraint => "CONSTRAINT",
            RejectReason::NoInstances => "MISSING",
            RejectReason::FargateQuota => "LIMIT:FARGATE",
            RejectReason::ProvisioningLimit => "TasksProvisioningCapacityLimitExceeded",
        }
    }
}

impl StopReason {
    /// ECS's stop code, as `tasks.csv` and the trace show it.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::EssentialContainerExited => "EssentialContainerExited",
            StopReason::PlacementFailed(r) => r.as_str(),
            StopReason::HorizonReached => "HorizonReached",
            StopReason::ServiceScheduler => "ServiceSchedulerInitiated",
            StopReason::TaskFailed => "TaskFailed",
            StopReason::StartFailed => "TaskFailedToStart",
            StopReason::HealthCheckFailed => "HealthCheckFailed",
            StopReason::InstanceFailed => "InstanceFailed",
            StopReason::InstanceTerminated => "InstanceTerminated",
            StopReason::SpotInterruption => "SpotInterruption",
            StopReason::AzOutage => "AvailabilityZoneOutage",
            StopReason::UserInitiated => "UserInitiated",
            StopReason::ProvisioningTimeout => "TimedOutWaitingForCapacity",
        }
    }
}

/// One task from creation to its report: where it was sent, where it runs, and when each state
/// began.
#[derive(Clone, Debug)]
pub struct Task {
    /// Unique within a run, in creation order.
    pub id: u64,
    /// Bumped when the slot is reused, so stale events for an earlier task are ignored.
    pub generation: u32,
    /// The service or job stream that launched it.
    pub origin: Origin,
    /// The task definition (revision) it runs.
    pub task_def: TaskDefId,
    /// The capacity it was sent to.
    pub target: Target,
    /// Which of its origin's targets (capacity providers) the task was given.
    pub target_index: u16,
    /// Its lifecycle state now.
    pub state: TaskState,
    /// The EC2 instance it was placed on, once placed.
    pub instance: Option<InstanceId>,
    /// The AZ it runs in, once placed or admitted to Fargate.
    pub az: Option<AzId>,
    /// The Fargate size it is billed at; `None` on EC2.
    pub fargate_size: Option<FargateSize>,
    /// When RunTask or the scheduler created it.
    pub created_at: SimTime,
    /// When it was placed on an instance or admitted to Fargate.
    pub placed_at: Option<SimTime>,
    /// When its image pull began (after ENI or Fargate provisioning).
    pub pull_started_at: Option<SimTime>,
    /// When it reached RUNNING.
    pub running_at: Option<SimTime>,
    /// When it stopped.
    pub stopped_at: Option<SimTime>,
    /// How long a job runs once RUNNING, drawn at arrival from the job's own stream.
    pub run_time: Option<SimDuration>,
    /// Why it stopped, once stopped.
    pub stop_reason: Option<StopReason>,
    /// Set on a service task launched to replace one that stopped unexpectedly.
    pub restart: Option<RestartTag>,
    /// The loss this task made good on reaching RUNNING (`restart` moves here then), so its
    /// row can say how long the restart took.
    pub restored: Option<RestartTag>,
    /// RUNNING but no longer answering (`hung_after`): not counted as running.
    pub hung: bool,
    /// STOPPING through a load balancer's deregistration delay: not counted as running.
    pub deregistering: bool,
    /// Its container is restarting in place (`restartPolicy`): RUNNING to ECS, not serving.
    pub restarting: bool,
    /// When its container last restarted in place; `None` before the first restart.
    pub restarted_at: Option<SimTime>,
}

impl Task {
    /// Whether its service counts it as running (serving): RUNNING and answering, or
    /// STOPPING under a Spot notice (it serves until its replacement runs).
    pub fn serving(&self) -> bool {
        matches!(self.state, TaskState::Running | TaskState::Stopping)
            && !self.hung
            && !self.deregistering
            && !self.restarting
    }
}

/// Why a service lost a task, for the restart-latency split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartCause {
    /// The essential container exited unexpectedly.
    Crash,
    /// It hung and failed its health checks.
    Hung,
    /// Its instance failed.
    InstanceFailure,
    /// Its instance was terminated by cluster scale-in.
    ScaleIn,
    /// Spot capacity was reclaimed.
    Spot,
    /// Its AZ went down.
    AzOutage,
    /// A scheduled action in the scenario stopped it.
    User,
}

impl RestartCause {
    /// Every cause, in the order outputs list them.
    pub const ALL: [RestartCause; 7] = [
        RestartCause::Crash,
        RestartCause::Hung,
        RestartCause::InstanceFailure,
        RestartCause::ScaleIn,
        RestartCause::Spot,
        RestartCause::AzOutage,
        RestartCause::User,
    ];

    /// The cause's name in `summary.json`'s restart figures.
    pub fn as_str(self) -> &'static str {
        match self {
            RestartCause::Crash => "crash",
            RestartCause::Hung => "hung",
            RestartCause::InstanceFailure => "instance_failure",
            RestartCause::ScaleIn => "scale_in",
            RestartCause::Spot => "spot",
            RestartCause::AzOutage => "az_outage",
            RestartCause::User => "user",
        }
    }

    /// The cause of an unexpected stop; `None` for stops the scheduler or the run meant.
    pub fn of(reason: StopReason) -> Option<RestartCause> {
        match reason {
            StopReason::TaskFailed => Some(RestartCause::Crash),
            StopReason::HealthCheckFailed => Some(RestartCause::Hung),
            StopReason::InstanceFailed => Some(RestartCause::InstanceFailure),
            StopReason::InstanceTerminated => Some(RestartCause::ScaleIn),
            StopReason::SpotInterruption => Some(RestartCause::Spot),
            StopReason::AzOutage => Some(RestartCause::AzOutage),
            StopReason::UserInitiated => Some(RestartCause::User),
            _ => None,
        }
    }
}

/// The loss a replacement makes good: when it happened, why, and on which launch type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestartTag {
    /// When the lost task stopped.
    pub since: SimTime,
    /// Why it was lost.
    pub cause: RestartCause,
    /// Where the lost task ran.
    pub launch_type: LaunchType,
}
