//! The scenario file as written: serde types only. ECS concepts keep ECS's own names and
//! shapes (camelCase, `placementStrategy = [{ type, field }]`) so configuration carries
//! over; simulator-only settings are snake_case. Field-by-field reference:
//! `scenarios/README.md`.

use super::duration::{DurationOrNone, DurationText};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: Option<String>,
    #[allow(dead_code)]
    pub description: Option<String>,
    pub seed: Option<u64>,
    pub horizon: DurationText,
    pub warmup: Option<DurationText>,
    pub sample_interval: Option<DurationText>,
    /// A price file in the built-in catalog's format, relative to the scenario file.
    pub prices: Option<String>,
    #[serde(default)]
    pub cluster: ClusterFile,
    /// ECS Managed Instances capacity providers (`[[managed_instances]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_instances: Vec<ManagedInstancesFile>,
    #[serde(default)]
    pub fargate: FargateFile,
    #[serde(default)]
    pub timing: TimingFile,
    #[serde(default)]
    pub instance_types: Vec<CustomInstanceType>,
    #[serde(rename = "taskDefinitions", default)]
    pub task_definitions: Vec<TaskDefinitionFile>,
    #[serde(default)]
    pub services: Vec<ServiceFile>,
    #[serde(default)]
    pub jobs: Vec<JobFile>,
    /// Recorded workloads replayed row by row (expanded into task definitions and job
    /// streams by `scenario::trace` before the build).
    #[serde(default)]
    pub traces: Vec<TraceFile>,
    #[serde(default)]
    pub failures: FailuresFile,
    #[serde(default)]
    pub commitments: Vec<CommitmentFile>,
    #[serde(default, skip_serializing_if = "LimitsFile::is_unset")]
    pub limits: LimitsFile,
    #[serde(default, skip_serializing_if = "CostAllocationFile::is_unset")]
    pub cost_allocation: CostAllocationFile,
}

/// `[cost_allocation]`: the points AWS's split cost allocation leaves open.
#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CostAllocationFile {
    /// Weight of a vCPU-hour against a GB-hour (default 9, AWS's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_memory_weight: Option<f64>,
    /// "nominal" (default) or "registered".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<String>,
    /// "GiB" (default) or "GB".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_unit: Option<String>,
    /// "time_weighted" (default) or "whole_hour".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial_hours: Option<String>,
}

impl CostAllocationFile {
    fn is_unset(&self) -> bool {
        self.cpu_memory_weight.is_none()
            && self.capacity.is_none()
            && self.memory_unit.is_none()
            && self.partial_hours.is_none()
    }
}

/// `[limits]`: guards against runs that would never end.
#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LimitsFile {
    /// Events allowed at one simulated instant before the run stops as a runaway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events_per_instant: Option<u64>,
}

impl LimitsFile {
    fn is_unset(&self) -> bool {
        self.events_per_instant.is_none()
    }
}

/// A count, or "none" for no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountOrNone {
    None,
    Count(u32),
}

impl Serialize for CountOrNone {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CountOrNone::None => serializer.serialize_str("none"),
            CountOrNone::Count(n) => serializer.serialize_u32(*n),
        }
    }
}

impl<'de> Deserialize<'de> for CountOrNone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = CountOrNone;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number of tasks, or \"none\"")
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<CountOrNone, E> {
                u32::try_from(n).map(CountOrNone::Count).map_err(|_| {
                    E::custom(format!(
                        "{n} is not a whole number of tasks from 1 to {}, or \"none\"",
                        u32::MAX
                    ))
                })
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<CountOrNone, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(-1))
            }
            fn visit_str<E: serde::de::Error>(self, t: &str) -> Result<CountOrNone, E> {
                if t == "none" {
                    Ok(CountOrNone::None)
                } else {
                    Err(E::custom(format!(
                        "\"{t}\" is not a whole number of tasks, or \"none\""
                    )))
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `[[commitments]]`: a Reserved Instance purchase or a Savings Plan.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentFile {
    pub name: Option<String>,
    pub kind: String,
    pub term: Option<String>,
    pub payment: Option<String>,
    /// Reserved Instances: the type and how many.
    pub instance_type: Option<String>,
    pub count: Option<u32>,
    /// EC2 Instance Savings Plans: the instance family (`m5`).
    pub family: Option<String>,
    /// Savings Plans: the commitment, $ per hour.
    pub commitment_per_hour: Option<f64>,
    pub start: Option<DurationText>,
    pub end: Option<DurationText>,
}

/// `[[traces]]`: a trace file replayed as RunTask calls, one task per row.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TraceFile {
    pub name: String,
    /// "ecsim" (default: `arrival,duration,cpu,memory[,group]`) or "alibaba_gpu_2023".
    pub format: Option<String>,
    /// The trace, relative to the scenario file.
    pub path: String,
    /// alibaba_gpu_2023 only: the node list, which becomes the cluster's pools.
    pub nodes: Option<String>,
    /// Keep rows arriving in [start, end) of trace time; the replay starts at `start`.
    pub start: Option<DurationText>,
    pub end: Option<DurationText>,
    /// Multiplies arrival offsets and durations (0.5 replays twice as fast).
    #[serde(rename = "time_scale")]
    pub time_scale: Option<f64>,
    /// Fraction of rows kept, each by a seeded coin (`sample_seed`, default 1).
    #[serde(rename = "sample")]
    pub sample: Option<f64>,
    #[serde(rename = "sample_seed")]
    pub sample_seed: Option<u64>,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Option<Vec<CapacityProviderItem>>,
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategyFile>,
}

#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ClusterFile {
    pub availability_zones: Option<Vec<String>>,
    pub subnet_ips_per_az: Option<u32>,
    /// ECS's "Tasks in the PROVISIONING state per cluster": tasks that may wait at once for
    /// an Auto Scaling group capacity provider's capacity; "none" for no limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_provisioning_tasks: Option<CountOrNone>,
    /// How long such a task waits before ECS stops it; "none" to wait for ever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_timeout: Option<DurationOrNone>,
    /// Whether a DAEMON task that stops on an ACTIVE instance leaves its resources reserved
    /// there for its replacement (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daemon_room_held: Option<bool>,
    #[serde(default)]
    pub pools: Vec<PoolFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolFile {
    pub name: String,
    pub instance_type: String,
    pub count: u32,
    pub availability_zones: Option<Vec<String>>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub spot: bool,
    pub os_type: Option<String>,
    #[serde(default)]
    pub awsvpc_trunking: bool,
    /// ECS_RESERVED_MEMORY, MiB held back from tasks on each instance.
    #[serde(default)]
    pub reserved_memory_mib: u32,
    /// ECS_RESERVED_PORTS: host ports no task may bind; default the agent's list.
    pub reserved_ports: Option<Vec<u16>>,
    /// ECS_ENABLE_SPOT_INSTANCE_DRAINING: a Spot notice drains the instance; default false.
    pub spot_instance_draining: Option<bool>,
    /// ECS `managedDraining` of the pool's capacity provider: a Spot notice (and ECS's
    /// other ASG terminations) drains the instance; default on for a pool that is a
    /// capacity provider (managed scaling, or named in a `capacityProviderStrategy`).
    #[serde(rename = "managedDraining", skip_serializing_if = "Option::is_none")]
    pub managed_draining: Option<bool>,
    /// Time from registration to failure, per instance; off when absent.
    pub instance_failure: Option<DurationFile>,
    /// Spot pools only: time from registration to a Spot interruption notice.
    pub spot_interruption: Option<DurationFile>,
    /// The pool as an Auto Scaling group capacity provider with ECS managed scaling.
    pub managed_scaling: Option<ManagedScalingFile>,
}

impl PoolFile {
    /// A pool of `count` on-demand Linux instances with every optional setting at its
    /// default, as importers write one.
    pub fn plain(name: String, instance_type: String, count: u32) -> PoolFile {
        PoolFile {
            name,
            instance_type,
            count,
            availability_zones: None,
            attributes: BTreeMap::new(),
            spot: false,
            os_type: None,
            awsvpc_trunking: false,
            reserved_memory_mib: 0,
            reserved_ports: None,
            spot_instance_draining: None,
            managed_draining: None,
            instance_failure: None,
            spot_interruption: None,
            managed_scaling: None,
        }
    }
}

/// `[[managed_instances]]`: an ECS Managed Instances capacity provider. ECS's names
/// (`managedInstancesProvider.instanceLaunchTemplate` and `infrastructureOptimization`
/// flattened into one table); simulator-only settings are snake_case.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedInstancesFile {
    /// The capacity provider's name, as a `capacityProviderStrategy` names it.
    pub name: String,
    /// The AZs of its subnets; default every AZ of the cluster.
    pub availability_zones: Option<Vec<String>>,
    /// `ON_DEMAND` (default) or `SPOT`.
    #[serde(rename = "capacityOptionType")]
    pub capacity_option_type: Option<String>,
    /// `infrastructureOptimization.scaleInAfter`: seconds, -1 (off) or 0 to 3600; unset,
    /// ECS's own timing (`default_scale_in_after`).
    #[serde(rename = "scaleInAfter")]
    pub scale_in_after: Option<i64>,
    #[serde(rename = "instanceRequirements")]
    pub instance_requirements: Option<InstanceRequirementsFile>,
    /// Simulator-only: the scale-in delay when `scaleInAfter` is unset (AWS does not
    /// publish it); default 5 min.
    pub default_scale_in_after: Option<DurationText>,
    /// Simulator-only: how long waiting tasks are gathered before instances are chosen for
    /// them; default 5 s.
    pub batch_window: Option<DurationText>,
    /// Simulator-only: from launch to ACTIVE; default 30 s.
    pub launch_time: Option<DurationText>,
    /// Simulator-only: instances start draining this long after launch (patching);
    /// default 14 days, "none" never.
    pub recycle_after: Option<super::duration::DurationOrNone>,
    /// Simulator-only: draining's hard deadline; default 7 days.
    pub drain_deadline: Option<DurationText>,
    /// Spot only: time from registration to a Spot interruption notice.
    pub spot_interruption: Option<DurationFile>,
}

/// `instanceRequirements` (EC2 attribute-based selection), as ECS names its fields.
#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InstanceRequirementsFile {
    pub v_cpu_count: Option<RangeFile>,
    #[serde(rename = "memoryMiB")]
    pub memory_mib: Option<RangeFile>,
    #[serde(rename = "memoryGiBPerVCpu")]
    pub memory_gib_per_vcpu: Option<RangeFile>,
    pub cpu_manufacturers: Option<Vec<String>>,
    pub allowed_instance_types: Option<Vec<String>>,
    pub excluded_instance_types: Option<Vec<String>>,
    pub instance_generations: Option<Vec<String>>,
    /// `included`, `excluded` (default) or `required`.
    pub burstable_performance: Option<String>,
    pub accelerator_count: Option<RangeFile>,
    pub on_demand_max_price_percentage_over_lowest_price: Option<u32>,
    pub spot_max_price_percentage_over_lowest_price: Option<u32>,
}

/// `{ min, max }`, either side optional.
#[derive(Debug, Serialize, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct RangeFile {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// `managed_scaling` on a pool (ECS `managedScaling`, snake_case). Defaults: target 100,
/// steps 1 and 10000, warm-up 300 s, termination protection on, min_size 0.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedScalingFile {
    pub target_capacity: Option<u32>,
    pub minimum_scaling_step_size: Option<u32>,
    pub maximum_scaling_step_size: Option<u32>,
    pub instance_warmup_period: Option<DurationText>,
    pub managed_termination_protection: Option<bool>,
    pub min_size: Option<u32>,
    pub max_size: u32,
}

/// A demand curve, in CPU units (or MiB for `memory_demand`, messages/s for a queue).
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DemandFile {
    Constant {
        value: f64,
    },
    Steps {
        steps: Vec<DemandStepFile>,
    },
    DailyCycle {
        mean: f64,
        amplitude: f64,
        peak: Option<DurationText>,
    },
    Spikes {
        base: f64,
        spikes: Vec<SpikeFile>,
    },
    /// `seconds,value` rows, path relative to the scenario file.
    Csv {
        path: String,
        /// The file's text, read by the loader before the build.
        #[serde(skip)]
        text: Option<String>,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandStepFile {
    pub at: DurationText,
    pub value: f64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpikeFile {
    pub start: DurationText,
    pub duration: DurationText,
    pub extra: f64,
}

/// `auto_scaling` on a service: Application Auto Scaling's scalable target and policies.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingFile {
    pub min: u32,
    pub max: u32,
    #[serde(default)]
    pub target_tracking: Vec<TargetTrackingFile>,
    #[serde(default)]
    pub step_scaling: Vec<StepScalingFile>,
    #[serde(default)]
    pub scheduled: Vec<ScheduledScalingFile>,
    /// Repeat every scheduled action with this period (a cron stand-in).
    pub scheduled_every: Option<DurationText>,
    /// A predictive scaling policy (`PredictiveScalingPolicyConfiguration`).
    pub predictive: Option<PredictiveScalingFile>,
}

/// `auto_scaling.predictive`: Application Auto Scaling's predictive policy, its fields in
/// snake_case, plus the forecaster (AWS does not publish its model).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PredictiveScalingFile {
    /// The one metric specification: a target and a metric pair, or a scaling metric and
    /// a load metric.
    pub metric_specification: PredictiveMetricFile,
    /// "ForecastOnly" (default) or "ForecastAndScale".
    pub mode: Option<String>,
    /// How long before each hour its capacity is set (default 300 s, below 3600 s).
    pub scheduling_buffer_time: Option<DurationText>,
    /// "HonorMaxCapacity" (default) or "IncreaseMaxCapacity".
    pub max_capacity_breach_behavior: Option<String>,
    /// Percent of the forecast above it the raised maximum leaves, 0 to 100; only with
    /// IncreaseMaxCapacity, and required there.
    pub max_capacity_buffer: Option<u32>,
    /// "seasonal" (default, INFERRED) or "oracle" (reads the demand ahead).
    pub forecaster: Option<String>,
    /// The seasonal forecaster's weight on the same hour a week earlier (0 to 1, 0.5).
    pub week_weight: Option<f64>,
}

/// A predictive policy's metric specification.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PredictiveMetricFile {
    /// The scaling metric's target, percent.
    pub target_value: f64,
    /// "ECSServiceCPUUtilization" or "ECSServiceMemoryUtilization".
    pub predefined_metric_pair: Option<String>,
    /// "ECSServiceAverageCPUUtilization" or "ECSServiceAverageMemoryUtilization".
    pub predefined_scaling_metric: Option<String>,
    /// "ECSServiceTotalCPUUtilization" or "ECSServiceTotalMemoryUtilization".
    pub predefined_load_metric: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetTrackingFile {
    /// "cpu" or "memory".
    pub metric: String,
    pub target: f64,
    pub scale_out_cooldown: Option<DurationText>,
    pub scale_in_cooldown: Option<DurationText>,
    #[serde(default)]
    pub disable_scale_in: bool,
    /// INFERRED settings: scale-in alarm threshold as a fraction of target (0.9), a fixed
    /// scale-out step instead of the proportional rule, the largest share removed per
    /// scale-in (0.1; 1 = straight to the proportional count).
    pub scale_in_threshold_ratio: Option<f64>,
    pub scale_out_step: Option<u32>,
    pub scale_in_max_fraction: Option<f64>,
    /// On a `...HighResolution` metric only (AWS fixes 3 and 15 one-minute datapoints
    /// otherwise): the 20-second datapoints the scale-out alarm needs (3 of 3 by default)
    /// and the scale-in alarm needs (45 of 45), each M of M, at most 60.
    pub scale_out_datapoints: Option<u32>,
    pub scale_in_datapoints: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepScalingFile {
    pub metric: String,
    /// "GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold",
    /// "LessThanOrEqualToThreshold".
    pub comparison: String,
    pub threshold: f64,
    pub evaluation_periods: Option<u32>,
    pub datapoints_to_alarm: Option<u32>,
    /// "ChangeInCapacity" (default), "PercentChangeInCapacity", "ExactCapacity".
    pub adjustment_type: Option<String>,
    pub steps: Vec<StepAdjustmentFile>,
    pub min_adjustment_magnitude: Option<u32>,
    pub cooldown: Option<DurationText>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepAdjustmentFile {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub adjustment: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledScalingFile {
    pub at: DurationText,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub desired: Option<u32>,
}

/// `queue` on a service: an SQS-style queue its tasks consume.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueFile {
    pub arrival_rate_per_s: Option<f64>,
    /// A rate curve in messages per second, instead of a constant rate.
    pub arrival: Option<DemandFile>,
    pub per_task_rate_per_s: f64,
    /// Adds a target-tracking policy on backlog per task (needs `auto_scaling`).
    pub target_backlog_per_task: Option<f64>,
    pub scale_out_cooldown: Option<DurationText>,
    pub scale_in_cooldown: Option<DurationText>,
}

#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FargateFile {
    pub max_concurrent_tasks: Option<u32>,
    /// Time from a FARGATE_SPOT task reaching RUNNING to its interruption notice.
    pub spot_interruption: Option<DurationFile>,
    /// The launch rate's bucket: tasks that may launch at once (default 100), or "none"
    /// for no limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_burst: Option<CountOrNone>,
    /// The bucket's refill, tasks per second (default 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_rate_per_s: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TimingFile {
    pub eni_attach: Option<DurationText>,
    pub fargate_provisioning: Option<DurationText>,
    pub ec2_pull_mb_per_s: Option<f64>,
    pub fargate_pull_mb_per_s: Option<f64>,
    pub pull_overhead: Option<DurationText>,
    pub container_start: Option<DurationText>,
    pub ec2_image_cache: Option<bool>,
    pub instance_launch: Option<DurationText>,
    /// Every part zero: tasks run the instant they are placed (for textbook queues).
    #[serde(default)]
    pub instant: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomInstanceType {
    pub name: String,
    pub vcpu: u32,
    pub memory_gib: f64,
    /// Registered memory, MiB; defaults to the catalog's OS fraction of nominal memory.
    pub registered_memory_mib: Option<u32>,
    #[serde(default = "default_enis")]
    pub max_enis: u32,
    #[serde(default)]
    pub price_per_hour: f64,
    #[serde(default = "default_arch")]
    pub arch: String,
    /// Whole GPUs the type carries.
    #[serde(default)]
    pub gpus: u32,
}

fn default_enis() -> u32 {
    3
}

fn default_arch() -> String {
    "x86_64".into()
}

/// ECS accepts cpu and memory as numbers or strings ("512", "1 vCPU", "2 GB").
#[derive(Debug, Serialize, Deserialize, Clone)]
#[serde(untagged)]
pub enum Amount {
    Number(f64),
    Text(String),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TaskDefinitionFile {
    pub family: String,
    pub cpu: Amount,
    pub memory: Amount,
    pub network_mode: Option<String>,
    pub requires_compatibilities: Option<Vec<String>>,
    #[serde(default)]
    pub port_mappings: Vec<PortMapping>,
    pub runtime_platform: Option<RuntimePlatform>,
    pub ephemeral_storage: Option<EphemeralStorage>,
    /// ECS `resourceRequirements` (a container-level list in ECS JSON; summed here): `GPU`
    /// with a whole count as its value.
    #[serde(default)]
    pub resource_requirements: Vec<ResourceRequirement>,
    /// Simulator-only: compressed image size, MB.
    #[serde(rename = "image_size_mb")]
    pub image_size_mb: Option<f64>,
    /// Simulator-only: chance a task of this revision fails before RUNNING; overrides the
    /// service's `start_failure_probability`.
    #[serde(rename = "start_failure_probability")]
    pub start_failure_probability: Option<f64>,
    /// Simulator-only: time from RUNNING to a crash for tasks of this revision; overrides
    /// the service's `crash_after`.
    #[serde(rename = "crash_after", default)]
    pub crash_after: Option<DurationFile>,
    /// ECS `stopTimeout`, whole seconds: SIGTERM to SIGKILL. Default 30; at most 120 on
    /// Fargate.
    pub stop_timeout: Option<u32>,
    /// Simulator-only: how long the container takes to exit after SIGTERM; default the
    /// stop timeout (it exits only when killed).
    #[serde(rename = "shutdown_time")]
    pub shutdown_time: Option<super::duration::DurationText>,
    /// ECS `restartPolicy` (a container-level setting in ECS JSON; the essential
    /// container's here): a crashed container restarted in place.
    pub restart_policy: Option<RestartPolicyFile>,
    /// Simulator-only: the exit code a crash (`crash_after`) exits with; default 1.
    #[serde(rename = "crash_exit_code")]
    pub crash_exit_code: Option<i32>,
}

/// ECS `restartPolicy`: `enabled` (required), `ignoredExitCodes` (at most 50, default
/// none), `restartAttemptPeriod` (seconds, 60–1800, default 300).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RestartPolicyFile {
    pub enabled: bool,
    #[serde(default)]
    pub ignored_exit_codes: Vec<i32>,
    pub restart_attempt_period: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PortMapping {
    pub container_port: u16,
    pub host_port: Option<u16>,
}

/// `{ type = "GPU", value = "1" }`: ECS writes the count as text; a number is accepted too.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceRequirement {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: Amount,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuntimePlatform {
    pub cpu_architecture: Option<String>,
    pub operating_system_family: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EphemeralStorage {
    pub size_in_gi_b: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlacementStrategyFile {
    #[serde(rename = "type")]
    pub kind: String,
    pub field: Option<String>,
    /// Simulator-only: the placement policy a `type = "policy"` rule names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlacementConstraintFile {
    #[serde(rename = "type")]
    pub kind: String,
    pub expression: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CapacityProviderItem {
    pub capacity_provider: String,
    #[serde(default)]
    pub base: u32,
    #[serde(default)]
    pub weight: u32,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceFile {
    #[serde(alias = "serviceName")]
    pub name: String,
    pub task_definition: String,
    /// Required for REPLICA services; a DAEMON service has none.
    pub desired_count: Option<u32>,
    /// "REPLICA" (default) or "DAEMON": one task on every ACTIVE instance allowed by the
    /// placement constraints.
    pub scheduling_strategy: Option<String>,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Option<Vec<CapacityProviderItem>>,
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategyFile>,
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraintFile>,
    /// Simulator-only: time from RUNNING to a crash; off when absent.
    #[serde(rename = "crash_after")]
    pub crash_after: Option<DurationFile>,
    /// Simulator-only: chance a task fails before RUNNING (throttled restarts); default 0.
    #[serde(rename = "start_failure_probability")]
    pub start_failure_probability: Option<f64>,
    /// Simulator-only: CPU work offered to the service, CPU units.
    #[serde(rename = "demand")]
    pub demand: Option<DemandFile>,
    /// Simulator-only: memory in use across the service, MiB.
    #[serde(rename = "memory_demand")]
    pub memory_demand: Option<DemandFile>,
    #[serde(rename = "auto_scaling")]
    pub auto_scaling: Option<AutoScalingFile>,
    #[serde(rename = "queue")]
    pub queue: Option<QueueFile>,
    /// Simulator-only name for ECS's monitoring configuration: the period of the
    /// service's CPU and memory datapoints, 60 s (default) or 20 s (high resolution).
    #[serde(rename = "metric_resolution")]
    pub metric_resolution: Option<DurationText>,
    /// Simulator-only: time from RUNNING until a task hangs (stops answering); off when
    /// absent. Detected only with `healthCheck`.
    #[serde(rename = "hung_after")]
    pub hung_after: Option<DurationFile>,
    /// The essential container's health check (ECS names; durations as seconds or text).
    pub health_check: Option<HealthCheckFile>,
    /// Failed health checks this soon after RUNNING are ignored; default 0.
    pub health_check_grace_period_seconds: Option<u32>,
    /// The service sits behind a load balancer (target group settings).
    pub load_balancer: Option<LoadBalancerFile>,
    /// ECS `deploymentConfiguration`: rolling-deployment bounds and circuit breaker.
    pub deployment_configuration: Option<DeploymentConfigurationFile>,
    /// Simulator-only: timed new revisions of the task definition.
    #[serde(rename = "deployments", default)]
    pub deployments: Vec<DeploymentFile>,
    /// `ENABLED` (the default for eligible services) or `DISABLED`.
    pub availability_zone_rebalancing: Option<String>,
}

/// Defaults as ECS: interval 30 s, timeout 5 s, retries 3, startPeriod 0.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HealthCheckFile {
    pub interval: Option<DurationText>,
    pub timeout: Option<DurationText>,
    pub retries: Option<u32>,
    pub start_period: Option<DurationText>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerFile {
    /// Target group deregistration delay; default 300 s (the ELB default).
    pub deregistration_delay: Option<DurationText>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeploymentConfigurationFile {
    pub minimum_healthy_percent: Option<u32>,
    pub maximum_percent: Option<u32>,
    pub deployment_circuit_breaker: Option<CircuitBreakerFile>,
    /// `ROLLING` (default), `BLUE_GREEN`, `LINEAR` or `CANARY`.
    pub strategy: Option<String>,
    /// Minutes both revisions run after production traffic moved; 0–1440.
    pub bake_time_in_minutes: Option<u32>,
    pub linear_configuration: Option<LinearConfigurationFile>,
    pub canary_configuration: Option<CanaryConfigurationFile>,
    #[serde(default)]
    pub lifecycle_hooks: Vec<LifecycleHookFile>,
    pub alarms: Option<AlarmsFile>,
}

/// `linearConfiguration`: `stepPercent` 3.0–100.0 (default 10), `stepBakeTimeInMinutes`
/// 0–1440 (default 6).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LinearConfigurationFile {
    pub step_percent: Option<f64>,
    pub step_bake_time_in_minutes: Option<u32>,
}

/// `canaryConfiguration`: `canaryPercent` 0.1–100.0 (default 5),
/// `canaryBakeTimeInMinutes` 0–1440 (default 10).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CanaryConfigurationFile {
    pub canary_percent: Option<f64>,
    pub canary_bake_time_in_minutes: Option<u32>,
}

/// A lifecycle hook: ECS's `lifecycleStages`, and simulator-only how long it takes and how
/// often it answers FAILED.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleHookFile {
    #[serde(rename = "lifecycleStages")]
    pub lifecycle_stages: Vec<String>,
    pub duration: DurationFile,
    pub failure_probability: Option<f64>,
}

/// `alarms`: ECS's `enable` and `rollback` (and `alarmNames`, kept for the reader), with
/// the simulator-only rule standing in for the alarm.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmsFile {
    pub enable: bool,
    #[serde(default)]
    pub rollback: bool,
    #[serde(rename = "alarmNames", default)]
    pub alarm_names: Vec<String>,
    pub failed_tasks_above: u32,
    pub evaluation_window: DurationText,
}

/// `thresholdConfiguration`: `type` BOUNDED_PERCENT (default), UNBOUNDED_PERCENT or COUNT,
/// `value` (default 50).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdConfigurationFile {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub value: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreakerFile {
    pub enable: bool,
    #[serde(default)]
    pub rollback: bool,
    /// Simulator-only: the threshold's lower clamp; default 3 (the 2023 guide says 10).
    pub min_threshold: Option<u32>,
    /// ECS `resetOnHealthyTask`: a new task reaching a healthy state resets the failure
    /// count; default true (API reference).
    #[serde(rename = "resetOnHealthyTask")]
    pub reset_on_healthy_task: Option<bool>,
    #[serde(rename = "thresholdConfiguration")]
    pub threshold_configuration: Option<ThresholdConfigurationFile>,
}

/// A timed rollout of a new task definition revision.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFile {
    pub at: DurationText,
    #[serde(rename = "taskDefinition")]
    pub task_definition: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct JobFile {
    pub name: String,
    pub task_definition: String,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Option<Vec<CapacityProviderItem>>,
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategyFile>,
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraintFile>,
    /// Task group for spread and distinctInstance; ECS's default is `family:<family>`.
    pub group: Option<String>,
    pub arrival: ArrivalFile,
    pub duration: DurationFile,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ArrivalFile {
    Poisson {
        rate_per_hour: Option<f64>,
        rate_per_s: Option<f64>,
    },
    FixedInterval {
        interval: DurationText,
        start: Option<DurationText>,
    },
    DailyCycle {
        mean_rate_per_hour: f64,
        amplitude: f64,
        peak: Option<DurationText>,
    },
    Scheduled {
        times: Vec<DurationText>,
        #[serde(default = "one")]
        count: u32,
        every: Option<DurationText>,
    },
    /// Rows of a `[[traces]]` entry; made by the loader, never written in a file.
    #[serde(skip)]
    Replay(std::sync::Arc<[crate::workload::TracedTask]>),
}

fn one() -> u32 {
    1
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DurationFile {
    Constant {
        value: DurationText,
    },
    Exponential {
        mean: DurationText,
    },
    Lognormal {
        mean: DurationText,
        std_dev: DurationText,
    },
    Uniform {
        min: DurationText,
        max: DurationText,
    },
}

/// `[failures]`: failures not tied to one service or pool, and the restart rules.
#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FailuresFile {
    #[serde(default)]
    pub az_outages: Vec<AzOutageFile>,
    #[serde(default)]
    pub events: Vec<EventFile>,
    /// Spot interruption notice; default 2 min.
    pub spot_notice: Option<DurationText>,
    #[serde(default)]
    pub restart_backoff: BackoffFile,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzOutageFile {
    pub az: String,
    pub start: DurationText,
    pub duration: DurationText,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventFile {
    KillInstance {
        at: DurationText,
        pool: String,
        #[serde(default)]
        index: u32,
    },
    KillTasks {
        at: DurationText,
        service: String,
        #[serde(default = "one")]
        count: u32,
    },
    SetDesiredCount {
        at: DurationText,
        service: String,
        count: u32,
    },
}

/// Restart throttling for tasks that never reach RUNNING: delay n = min(initial ×
/// factor^(n−1), cap). Defaults 10 s, 2, 15 min.
#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BackoffFile {
    pub initial: Option<DurationText>,
    pub factor: Option<f64>,
    pub cap: Option<DurationText>,
}
