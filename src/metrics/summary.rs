//! The headline numbers of one run, in the shape `summary.json` takes.

use serde::Serialize;
use std::collections::BTreeMap;

/// The headline figures of one run, as `summary.json` holds them. Unless a field says
/// otherwise, it covers the measured window: from the end of the warm-up to the horizon.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    /// The scenario's name.
    pub scenario: String,
    /// The master seed the run used.
    pub seed: u64,
    /// Length of the measured window (horizon minus warm-up), seconds.
    pub sim_time_s: f64,
    /// Length of the warm-up before the window opens, seconds.
    pub warmup_s: f64,
    /// Events the simulation handled over the whole run, warm-up included.
    pub events_processed: u64,
    /// What became of the tasks created in the window.
    pub tasks: TaskCounts,
    /// How much of the EC2 instances' registered CPU and memory tasks reserved.
    pub utilization: Utilization,
    /// Created-to-RUNNING times of the window's tasks, seconds.
    pub pending_time_s: PendingSummary,
    /// The bill for the window, US dollars, billing minimums included.
    pub cost_usd: CostSummary,
    /// How many EC2 instances were billed.
    pub instances: InstanceSummary,
    /// From a service task stopping unexpectedly (or its Spot notice) to its replacement
    /// RUNNING, for replacements that reached RUNNING in the window.
    pub restart_latency_s: RestartLatencySummary,
    /// Per service, the time-weighted fraction of desired tasks RUNNING: min(running,
    /// desired) ÷ desired (1 while desired is 0), integrated over the window and divided by
    /// its length; `min` over services (1 when there are none). The figure an SLO uses.
    pub availability: AvailabilitySummary,
    /// Per service, the fraction of the window with every desired task RUNNING (running ≥
    /// desired); `min` over services. Strict: one task short counts as down.
    pub availability_all_up: AvailabilitySummary,
    /// Per service, ∫ max(0, desired − running) dt over the window, task-seconds.
    pub task_seconds_short: BTreeMap<String, f64>,
    /// Scaling actions over the whole run (auto scaling and managed scaling).
    pub scaling: ScalingSummary,
    /// Services with a demand curve: task-seconds above 100% CPU in the window, and their
    /// share of all those services' task-seconds.
    pub overload: OverloadSummary,
    /// Queue-backed services: oldest-message age and depth, read at each scaling tick in
    /// the window.
    pub queues: BTreeMap<String, QueueSummary>,
    /// Services with rolling deployments: each deployment (and rollback) in start order,
    /// over the whole run. Absent when no service deploys.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub deployments: BTreeMap<String, Vec<DeploymentSummary>>,
    /// Suspicious settings found at validation (the scenario still runs). Absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Reserved Instances and Savings Plans; absent when the scenario has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commitments: Option<super::CommitmentsSummary>,
}

/// How a deployment ended, as `summary.json` spells it.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentOutcome {
    /// The new tasks reached the desired count RUNNING and none of the old ones is left.
    Completed,
    /// The circuit breaker stopped it.
    Failed,
    /// A newer deployment started.
    Superseded,
    /// Still rolling at the horizon (e.g. stalled at 100/100).
    #[default]
    InProgress,
}

impl DeploymentOutcome {
    /// The outcome as `summary.json` spells it: `completed`, `failed`, `superseded` or
    /// `in_progress`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentOutcome::Completed => "completed",
            DeploymentOutcome::Failed => "failed",
            DeploymentOutcome::Superseded => "superseded",
            DeploymentOutcome::InProgress => "in_progress",
        }
    }
}

/// One deployment of a service.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct DeploymentSummary {
    /// The task definition family rolled out.
    pub task_definition: String,
    /// `ROLLING`, `BLUE_GREEN`, `LINEAR` or `CANARY`.
    pub strategy: String,
    /// An automatic rollback (circuit breaker, alarm, failed lifecycle hook or stage time
    /// limit).
    pub rollback: bool,
    /// When it started, seconds since the run began (not since the window opened).
    pub started_s: f64,
    /// When it ended; `None` while still in progress at the horizon.
    pub finished_s: Option<f64>,
    /// From start to end, seconds; `None` while still in progress at the horizon.
    pub duration_s: Option<f64>,
    /// How it ended.
    pub outcome: DeploymentOutcome,
    /// Tasks of this deployment that failed to reach RUNNING (or failed health checks).
    pub failed_tasks: u32,
    /// Fewest healthy (RUNNING) tasks seen after each scheduler step of the deployment.
    pub min_healthy: u32,
    /// Most RUNNING + PENDING + STOPPING tasks seen after each step.
    pub max_total: u32,
    /// Most tasks of the service alive at once (PROVISIONING to STOPPING, both revisions)
    /// from start to end.
    pub peak_tasks: u32,
    /// Task-seconds the service's tasks were billed (Fargate: from image pull start; EC2:
    /// from placement; to STOPPED) from start to end, less the tasks billed at the start
    /// times the duration: the overlap of the two revisions. Negative when the deployment
    /// ran fewer tasks than before. To the horizon while still in progress.
    pub overlap_task_seconds: f64,
    /// What the deployment cost above the bill rate at its start, over the same span,
    /// dollars: the service's Fargate tasks at their rates, and on EC2 the cluster's
    /// instances (what the scale-out it caused cost); see `docs/deployments.md`.
    pub extra_cost_usd: f64,
}

/// Scaling actions over the whole run, warm-up included.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ScalingSummary {
    /// Service auto scaling actions that raised a service's desired count.
    pub service_scale_out_events: u64,
    /// Service auto scaling actions that lowered a service's desired count.
    pub service_scale_in_events: u64,
    /// EC2 instances launched after time zero: managed scale-out, and replacements of
    /// instances that failed, were reclaimed (Spot) or were lost with their AZ. A pool's
    /// initial instances are not counted.
    pub instance_launches: u64,
    /// Instances terminated by managed scale-in.
    pub instance_terminations: u64,
    /// What the policies steer to, keyed by the `timeseries.csv` column they watch, in its
    /// unit (percent): `<service>.cpu_utilization` a CPU target tracking policy's target,
    /// `<service>.cpu_utilization.scale_in` the utilization below which it scales in,
    /// `<pool>.reservation` managed scaling's target capacity. Absent without such a policy.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub targets: BTreeMap<String, f64>,
}

/// Demand beyond what the running tasks could serve, for services with a demand curve.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct OverloadSummary {
    /// Task-seconds spent above 100% CPU in the window.
    pub task_seconds: f64,
    /// Those task-seconds as a fraction (0–1) of all task-seconds those services ran in the
    /// window; 0 when they ran none.
    pub fraction: f64,
}

/// One queue-backed service's backlog, read at each scaling tick (once a minute) in the
/// window.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct QueueSummary {
    /// Mean age of the oldest waiting message, seconds.
    pub oldest_message_age_s_mean: f64,
    /// 95th percentile of that age, seconds.
    pub oldest_message_age_s_p95: f64,
    /// Largest age seen, seconds.
    pub oldest_message_age_s_max: f64,
    /// Mean number of messages waiting.
    pub depth_mean: f64,
    /// Most messages seen waiting.
    pub depth_max: f64,
}

/// Restart latencies, seconds: from a service task stopping unexpectedly (or its Spot
/// notice) to its replacement RUNNING.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct RestartLatencySummary {
    #[serde(flatten)]
    /// Every replacement that reached RUNNING in the window.
    pub overall: LatencySummary,
    /// By cause: crash, hung, instance_failure, spot, az_outage, user (only those seen).
    pub by_cause: BTreeMap<String, LatencySummary>,
    /// By launch type of the task that was lost: EC2, FARGATE.
    pub by_launch_type: BTreeMap<String, LatencySummary>,
    /// Losses still waiting for a RUNNING replacement when the run ended (throttled,
    /// halted, or short of capacity): not in the latencies above, which would bias low
    /// without this count.
    pub unrestored_at_end: u64,
    /// Containers restarted in place by a task definition's `restartPolicy` in the window:
    /// the task kept running, nothing was replaced, so none is in the latencies above.
    pub container_restarts: u64,
}

/// One availability figure per service, each a fraction from 0 to 1, and the lowest.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct AvailabilitySummary {
    #[serde(flatten)]
    /// By service name.
    pub services: BTreeMap<String, f64>,
    /// The lowest over services; 1 when there are none.
    pub min: f64,
}

/// What became of the tasks created in the window. Two identities hold for every run:
///
/// - `created = started + rejected + stopped_before_running + pending_at_end`
/// - `started = completed + stopped_by_scheduler + stopped_other + running_at_end`
///
/// Tasks created during the warm-up are counted apart, in `carried_over`.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct TaskCounts {
    /// Tasks created in the window (arrivals and service launches).
    pub created: u64,
    /// Of those, the tasks that reached RUNNING.
    pub started: u64,
    /// Standalone tasks RunTask could not place (RESOURCE:* and friends).
    pub rejected: u64,
    /// Stopped before RUNNING for another reason: a failed start, or the service scheduler
    /// stopping a task still PROVISIONING or PENDING (scale-in, deployment).
    pub stopped_before_running: u64,
    /// Still PROVISIONING or PENDING when the run ended (see `pending_time_s.waiting_at_end`).
    pub pending_at_end: u64,
    /// Started tasks whose essential container exited (finished jobs).
    pub completed: u64,
    /// Started tasks the service scheduler stopped: scale-in, deployments, daemon cleanup.
    pub stopped_by_scheduler: u64,
    /// Started tasks stopped for any other reason: crash, failed health check, instance
    /// failure or termination, Spot interruption, AZ outage, a scheduled user action.
    pub stopped_other: u64,
    /// Started tasks still RUNNING (or draining) when the run ended.
    pub running_at_end: u64,
    /// Tasks created during the warm-up and still alive when the window opened.
    pub carried_over: CarriedOver,
}

/// Warm-up tasks alive at the window's start:
/// `pending_at_start + running_at_start = stopped + pending_at_end + running_at_end`.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct CarriedOver {
    /// Not yet RUNNING when the window opened.
    pub pending_at_start: u64,
    /// RUNNING when the window opened.
    pub running_at_start: u64,
    /// Of the pending ones, those that reached RUNNING in the window (their pending time
    /// began before the window and is not in `pending_time_s`).
    pub started: u64,
    /// Stopped in the window, whether or not they had reached RUNNING.
    pub stopped: u64,
    /// Still not RUNNING when the run ended.
    pub pending_at_end: u64,
    /// Still RUNNING (or draining) when the run ended.
    pub running_at_end: u64,
}

/// Pending time (created to RUNNING) of the tasks created in the window.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct PendingSummary {
    /// Tasks that reached RUNNING: `count` equals `tasks.started`.
    #[serde(flatten)]
    pub started: LatencySummary,
    /// Tasks still waiting at the horizon: their waits so far (censored at the horizon),
    /// which the percentiles above cannot include. `count` equals `tasks.pending_at_end`.
    pub waiting_at_end: LatencySummary,
}

/// Reservation of EC2 capacity over the window, time-weighted (Fargate capacity is not
/// in it). Each is a fraction from 0 to 1; 0 when nothing was registered.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Utilization {
    /// Reserved over registered CPU of EC2 instances, integrated over the window.
    pub cpu_reserved_mean: f64,
    /// Reserved over registered memory of EC2 instances, integrated over the window.
    pub memory_reserved_mean: f64,
}

/// The distribution of a set of durations, seconds; all zero when `count` is 0.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct LatencySummary {
    /// How many durations.
    pub count: u64,
    /// Their mean, seconds.
    pub mean: f64,
    /// Median, seconds.
    pub p50: f64,
    /// 95th percentile, seconds.
    pub p95: f64,
    /// 99th percentile, seconds.
    pub p99: f64,
    /// Longest, seconds.
    pub max: f64,
}

/// The bill for the measured window, US dollars. A launch before the window is billed
/// from the window's start; minimums are charged when an instance or task stops, or at the
/// horizon.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct CostSummary {
    /// Everything: EC2, Fargate, Managed Instances and their management fee.
    pub total: f64,
    /// EC2 instances of pools (Auto Scaling group capacity), On-Demand and Spot.
    pub ec2: f64,
    /// Fargate and Fargate Spot tasks.
    pub fargate: f64,
    /// The EC2 part of Managed Instances instances, On-Demand and Spot.
    pub managed_instances: f64,
    /// The Managed Instances management fee.
    pub management_fee: f64,
    /// What nobody's tasks held: idle capacity on instances (AWS's `UnusedCost`), whole
    /// instance-hours without a task, and commitment paid and not used; already inside
    /// the origins' totals, as their `unused`.
    pub unused: f64,
    /// Per service and job stream, by name: their shares add up to the bill (with
    /// commitments when the run has any).
    pub by_origin: std::collections::BTreeMap<String, OriginCostSummary>,
}

/// One service's or job stream's share of the bill, US dollars: `total = split + unused =
/// ec2 + fargate + managed_instances`.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct OriginCostSummary {
    /// All of it.
    pub total: f64,
    /// What its tasks held (EC2) or were billed (Fargate).
    pub split: f64,
    /// Its share of capacity no task held.
    pub unused: f64,
    /// On EC2 instances.
    pub ec2: f64,
    /// On Fargate.
    pub fargate: f64,
    /// On ECS Managed Instances: 0 for now, their share is counted under `ec2`
    /// (docs/cost-allocation.md).
    pub managed_instances: f64,
}

/// Billed EC2 instances (launching, active or draining) over the window.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct InstanceSummary {
    /// Time-weighted mean count of billed EC2 instances (launching, active, draining).
    pub mean: f64,
    /// The most at any one instant in the window.
    pub peak: u32,
}
