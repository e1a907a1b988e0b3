//! The scenario file as written: serde types only. ECS concepts keep ECS's own names and
//! shapes (camelCase, `placementStrategy = [{ type, field }]`) so configuration carries
//! over; simulator-only settings are snake_case. Field-by-field reference:
//! `scenarios/README.md`.

use super::duration::{DurationOrNone, DurationText};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A scenario file as the user writes it, before any validation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// `name`: the run's label in reports; default the scenario file's name without its
    /// extension.
    pub name: Option<String>,
    /// `description`: free text for the reader; the simulator ignores it.
    #[allow(dead_code)]
    pub description: Option<String>,
    /// `seed`: the random seed every random source derives from; default 1.
    pub seed: Option<u64>,
    /// `horizon`: how much simulated time the run covers, a duration longer than zero.
    pub horizon: DurationText,
    /// `warmup`: simulated time left out of the summary; default 0, and it must end before the
    /// horizon.
    pub warmup: Option<DurationText>,
    /// `sample_interval`: how often the time series is sampled; default 60 s, longer than zero.
    pub sample_interval: Option<DurationText>,
    /// A price file in the built-in catalog's format, relative to the scenario file.
    pub prices: Option<String>,
    /// `[cluster]`: Availability Zones, subnet limits and the EC2 instance pools.
    #[serde(default)]
    pub cluster: ClusterFile,
    /// ECS Managed Instances capacity providers (`[[managed_instances]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_instances: Vec<ManagedInstancesFile>,
    /// `[fargate]`: the account's Fargate quota and Fargate Spot interruptions.
    #[serde(default)]
    pub fargate: FargateFile,
    /// `[timing]`: how long each step of a task's or instance's start takes.
    #[serde(default)]
    pub timing: TimingFile,
    /// `[[instance_types]]`: instance types the catalog lacks, defined by the user.
    #[serde(default)]
    pub instance_types: Vec<CustomInstanceType>,
    /// `[[taskDefinitions]]`: the task definitions services and jobs run.
    #[serde(rename = "taskDefinitions", default)]
    pub task_definitions: Vec<TaskDefinitionFile>,
    /// `[[services]]`: long-running ECS services.
    #[serde(default)]
    pub services: Vec<ServiceFile>,
    /// `[[jobs]]`: streams of standalone tasks started by RunTask.
    #[serde(default)]
    pub jobs: Vec<JobFile>,
    /// Recorded workloads replayed row by row (expanded into task definitions and job
    /// streams by `scenario::trace` before the build).
    #[serde(default)]
    pub traces: Vec<TraceFile>,
    /// `[failures]`: AZ outages, timed events, the Spot notice and restart throttling.
    #[serde(default)]
    pub failures: FailuresFile,
    /// `[[commitments]]`: Reserved Instances and Savings Plans applied to the bill.
    #[serde(default)]
    pub commitments: Vec<CommitmentFile>,
    /// `[limits]`: guards that stop a runaway run.
    #[serde(default, skip_serializing_if = "LimitsFile::is_unset")]
    pub limits: LimitsFile,
    /// `[cost_allocation]`: how a shared instance's cost is split among its tasks.
    #[serde(default, skip_serializing_if = "CostAllocationFile::is_unset")]
    pub cost_allocation: CostAllocationFile,
    /// A teaching scenario's look-for, question and answer (shown on its replay page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<LessonFile>,
}

/// `[lesson]`: what a learner should watch for, the question the lesson asks, and its
/// answer; plain text, shown at the top of `replay.html`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonFile {
    /// What to watch for in the run.
    pub look_for: String,
    /// The lesson's question.
    pub question: String,
    /// Its answer (the page folds it until asked).
    pub answer: String,
    /// An experiment to run next, e.g. a `--set` that changes the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub try_this: Option<String>,
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
    /// `"none"`: no limit.
    None,
    /// A limit of this many tasks (at least 1).
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
    /// `name`: the commitment's label in the cost report.
    pub name: Option<String>,
    /// `kind`: `reserved_instance`, `ec2_instance_savings_plan` or `compute_savings_plan`.
    pub kind: String,
    /// `term`: `1yr` (default) or `3yr`.
    pub term: Option<String>,
    /// `payment`: `no_upfront` (default), `partial_upfront` or `all_upfront`.
    pub payment: Option<String>,
    /// Reserved Instances: the type and how many.
    pub instance_type: Option<String>,
    /// `count`: Reserved Instances only: how many instances, from 1 up.
    pub count: Option<u32>,
    /// EC2 Instance Savings Plans: the instance family (`m5`).
    pub family: Option<String>,
    /// Savings Plans: the commitment, $ per hour.
    pub commitment_per_hour: Option<f64>,
    /// `start`: when the commitment begins, from the run's start; default 0.
    pub start: Option<DurationText>,
    /// `end`: when the commitment ends; default the end of the run.
    pub end: Option<DurationText>,
}

/// `[[traces]]`: a trace file replayed as RunTask calls, one task per row.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TraceFile {
    /// `name`: the job stream the trace becomes, as reports name it.
    pub name: String,
    /// "ecsim" (default: `arrival,duration,cpu,memory[,group]`) or "alibaba_gpu_2023".
    pub format: Option<String>,
    /// The trace, relative to the scenario file.
    pub path: String,
    /// alibaba_gpu_2023 only: the node list, which becomes the cluster's pools.
    pub nodes: Option<String>,
    /// Keep rows arriving in [start, end) of trace time; the replay starts at `start`.
    pub start: Option<DurationText>,
    /// `end`: the end of the trace-time window kept (exclusive); default the trace's end.
    pub end: Option<DurationText>,
    /// Multiplies arrival offsets and durations (0.5 replays twice as fast).
    #[serde(rename = "time_scale")]
    pub time_scale: Option<f64>,
    /// Fraction of rows kept, each by a seeded coin (`sample_seed`, default 1).
    #[serde(rename = "sample")]
    pub sample: Option<f64>,
    /// `sample_seed`: the seed of the row-sampling coin; default 1.
    #[serde(rename = "sample_seed")]
    pub sample_seed: Option<u64>,
    /// `launchType`: `EC2` (default) or `FARGATE`, instead of a capacity provider strategy.
    pub launch_type: Option<String>,
    /// `capacityProviderStrategy`: the capacity providers the replayed tasks are split across.
    pub capacity_provider_strategy: Option<Vec<CapacityProviderItem>>,
    /// `placementStrategy`: how the replayed tasks are placed on instances, ECS's rules in
    /// order.
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategyFile>,
}

/// `[cluster]`: the cluster's Availability Zones, limits and instance pools.
#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ClusterFile {
    /// `availability_zones`: the cluster's AZs; default `us-east-1a`, `us-east-1b`,
    /// `us-east-1c`.
    pub availability_zones: Option<Vec<String>>,
    /// `subnet_ips_per_az`: free IP addresses in each AZ's subnet, each awsvpc task using one;
    /// no limit when absent.
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
    /// `[[cluster.pools]]`: groups of identical EC2 instances registered to the cluster.
    #[serde(default)]
    pub pools: Vec<PoolFile>,
}

/// `[[cluster.pools]]`: a group of identical EC2 container instances.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolFile {
    /// `name`: the pool's name, as capacity provider strategies and events name it.
    pub name: String,
    /// `instance_type`: the EC2 instance type (`m5.large`), from the catalog or
    /// `[[instance_types]]`.
    pub instance_type: String,
    /// `count`: instances the pool starts with.
    pub count: u32,
    /// `availability_zones`: the AZs its instances are spread over; default every AZ of the
    /// cluster.
    pub availability_zones: Option<Vec<String>>,
    /// `attributes`: custom attributes on every instance, for `memberOf` placement constraints.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// `spot`: Spot instances instead of on-demand; default false.
    #[serde(default)]
    pub spot: bool,
    /// `os_type`: `linux` (default) or `windows`.
    pub os_type: Option<String>,
    /// `awsvpc_trunking`: ENI trunking on, raising the awsvpc tasks each instance takes;
    /// default false.
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
    /// `instanceRequirements`: the attributes instance types must have to be launched.
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
    /// `vCpuCount`: vCPUs per instance, `{ min, max }`.
    pub v_cpu_count: Option<RangeFile>,
    /// `memoryMiB`: memory per instance, MiB, `{ min, max }`.
    #[serde(rename = "memoryMiB")]
    pub memory_mib: Option<RangeFile>,
    /// `memoryGiBPerVCpu`: memory per vCPU, GiB, `{ min, max }`.
    #[serde(rename = "memoryGiBPerVCpu")]
    pub memory_gib_per_vcpu: Option<RangeFile>,
    /// `cpuManufacturers`: the CPU makers allowed (`intel`, `amd`, `amazon-web-services`).
    pub cpu_manufacturers: Option<Vec<String>>,
    /// `allowedInstanceTypes`: only these instance types (or patterns) may be chosen.
    pub allowed_instance_types: Option<Vec<String>>,
    /// `excludedInstanceTypes`: these instance types (or patterns) are never chosen.
    pub excluded_instance_types: Option<Vec<String>>,
    /// `instanceGenerations`: `current` and/or `previous`.
    pub instance_generations: Option<Vec<String>>,
    /// `included`, `excluded` (default) or `required`.
    pub burstable_performance: Option<String>,
    /// `acceleratorCount`: GPUs or other accelerators per instance, `{ min, max }`.
    pub accelerator_count: Option<RangeFile>,
    /// `onDemandMaxPricePercentageOverLowestPrice`: on-demand types priced more than this
    /// percent above the cheapest are left out.
    pub on_demand_max_price_percentage_over_lowest_price: Option<u32>,
    /// `spotMaxPricePercentageOverLowestPrice`: Spot types priced more than this percent above
    /// the cheapest are left out.
    pub spot_max_price_percentage_over_lowest_price: Option<u32>,
}

/// `{ min, max }`, either side optional.
#[derive(Debug, Serialize, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct RangeFile {
    /// `min`: the lowest value allowed; no lower bound when absent.
    pub min: Option<f64>,
    /// `max`: the highest value allowed; no upper bound when absent.
    pub max: Option<f64>,
}

/// `managed_scaling` on a pool (ECS `managedScaling`, snake_case). Defaults: target 100,
/// steps 1 and 10000, warm-up 300 s, termination protection on, min_size 0.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedScalingFile {
    /// `target_capacity`: percent of the group's capacity the tasks should use, 1 to 100;
    /// default 100.
    pub target_capacity: Option<u32>,
    /// `minimum_scaling_step_size`: fewest instances added or removed at once, 1 to 10000;
    /// default 1.
    pub minimum_scaling_step_size: Option<u32>,
    /// `maximum_scaling_step_size`: most instances added or removed at once, 1 to 10000;
    /// default 10000.
    pub maximum_scaling_step_size: Option<u32>,
    /// `instance_warmup_period`: how long a new instance is left out of the capacity metric;
    /// default 300 s.
    pub instance_warmup_period: Option<DurationText>,
    /// `managed_termination_protection`: instances running tasks are never scaled in; default
    /// true.
    pub managed_termination_protection: Option<bool>,
    /// `min_size`: the group's smallest size; default 0.
    pub min_size: Option<u32>,
    /// `max_size`: the group's largest size, instances.
    pub max_size: u32,
}

/// A demand curve, in CPU units (or MiB for `memory_demand`, messages/s for a queue).
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DemandFile {
    /// `type = "constant"`: the same demand all run.
    Constant {
        /// `value`: the demand.
        value: f64,
    },
    /// `type = "steps"`: the demand changes at set times.
    Steps {
        /// `steps`: each change, in time order.
        steps: Vec<DemandStepFile>,
    },
    /// `type = "daily_cycle"`: a sine wave with a period of one day.
    DailyCycle {
        /// `mean`: the demand averaged over a day, at least 0.
        mean: f64,
        /// `amplitude`: how far the demand swings above and below the mean, at least 0.
        amplitude: f64,
        /// `peak`: the time of day of the highest demand; default 14:00.
        peak: Option<DurationText>,
    },
    /// `type = "spikes"`: a base demand with bursts added on top.
    Spikes {
        /// `base`: the demand outside the bursts, at least 0.
        base: f64,
        /// `spikes`: each burst.
        spikes: Vec<SpikeFile>,
    },
    /// `seconds,value` rows, path relative to the scenario file.
    Csv {
        /// `path`: the CSV file, relative to the scenario file.
        path: String,
        /// The file's text, read by the loader before the build.
        #[serde(skip)]
        text: Option<String>,
    },
}

/// One step of a `type = "steps"` demand.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandStepFile {
    /// `at`: when the demand changes, from the run's start.
    pub at: DurationText,
    /// `value`: the demand from then on.
    pub value: f64,
}

/// One burst of a `type = "spikes"` demand.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpikeFile {
    /// `start`: when the burst begins, from the run's start.
    pub start: DurationText,
    /// `duration`: how long the burst lasts.
    pub duration: DurationText,
    /// `extra`: demand added to the base during the burst.
    pub extra: f64,
}

/// `auto_scaling` on a service: Application Auto Scaling's scalable target and policies.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingFile {
    /// `min`: the fewest tasks auto scaling may set.
    pub min: u32,
    /// `max`: the most tasks auto scaling may set.
    pub max: u32,
    /// `target_tracking`: target-tracking policies, each holding a metric at a target.
    #[serde(default)]
    pub target_tracking: Vec<TargetTrackingFile>,
    /// `step_scaling`: step-scaling policies driven by an alarm on a metric.
    #[serde(default)]
    pub step_scaling: Vec<StepScalingFile>,
    /// `scheduled`: scheduled actions that change min, max or desired count at set times.
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

/// `target_tracking` on a service's `auto_scaling`: hold a metric at a target.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetTrackingFile {
    /// "cpu" or "memory".
    pub metric: String,
    /// `target`: the metric's target, percent utilisation, 1 to 100.
    pub target: f64,
    /// `scale_out_cooldown`: how long after a scale-out before another; default 300 s.
    pub scale_out_cooldown: Option<DurationText>,
    /// `scale_in_cooldown`: how long after a scale-in before another; default 300 s.
    pub scale_in_cooldown: Option<DurationText>,
    /// `disable_scale_in`: the policy only adds tasks; default false.
    #[serde(default)]
    pub disable_scale_in: bool,
    /// INFERRED settings: scale-in alarm threshold as a fraction of target (0.9), a fixed
    /// scale-out step instead of the proportional rule, the largest share removed per
    /// scale-in (0.1; 1 = straight to the proportional count).
    pub scale_in_threshold_ratio: Option<f64>,
    /// `scale_out_step`: INFERRED: a fixed number of tasks added per scale-out instead of the
    /// proportional rule.
    pub scale_out_step: Option<u32>,
    /// `scale_in_max_fraction`: INFERRED: the largest share of tasks removed per scale-in
    /// (default 0.1; 1 = straight to the proportional count).
    pub scale_in_max_fraction: Option<f64>,
    /// On a `...HighResolution` metric only (AWS fixes 3 and 15 one-minute datapoints
    /// otherwise): the 20-second datapoints the scale-out alarm needs (3 of 3 by default)
    /// and the scale-in alarm needs (45 of 45), each M of M, at most 60.
    pub scale_out_datapoints: Option<u32>,
    /// `scale_in_datapoints`: high-resolution metrics only: 20-second datapoints the scale-in
    /// alarm needs (default 45 of 45, at most 60).
    pub scale_in_datapoints: Option<u32>,
}

/// `step_scaling` on a service's `auto_scaling`: an alarm on a metric and the steps it takes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepScalingFile {
    /// `metric`: the alarm's metric, "cpu" or "memory".
    pub metric: String,
    /// "GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold",
    /// "LessThanOrEqualToThreshold".
    pub comparison: String,
    /// `threshold`: the alarm's threshold, percent utilisation.
    pub threshold: f64,
    /// `evaluation_periods`: the alarm's evaluation periods; default 1.
    pub evaluation_periods: Option<u32>,
    /// `datapoints_to_alarm`: breaching datapoints among them that fire the alarm; default all
    /// of them.
    pub datapoints_to_alarm: Option<u32>,
    /// "ChangeInCapacity" (default), "PercentChangeInCapacity", "ExactCapacity".
    pub adjustment_type: Option<String>,
    /// `steps`: the step adjustments, at least one.
    pub steps: Vec<StepAdjustmentFile>,
    /// `min_adjustment_magnitude`: PercentChangeInCapacity only: the smallest change in tasks.
    pub min_adjustment_magnitude: Option<u32>,
    /// `cooldown`: how long after a scaling activity before the next; default 300 s.
    pub cooldown: Option<DurationText>,
}

/// One step of a step-scaling policy, bounds relative to the threshold.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepAdjustmentFile {
    /// `lower`: the step's lower bound on the breach; unbounded when absent.
    pub lower: Option<f64>,
    /// `upper`: the step's upper bound on the breach (above `lower`); unbounded when absent.
    pub upper: Option<f64>,
    /// `adjustment`: the change the step makes, in tasks, percent or an exact count per
    /// `adjustment_type`.
    pub adjustment: i64,
}

/// `scheduled` on a service's `auto_scaling`: a scheduled action.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledScalingFile {
    /// `at`: when the action runs, from the run's start.
    pub at: DurationText,
    /// `min`: the new lowest task count; unchanged when absent.
    pub min: Option<u32>,
    /// `max`: the new highest task count; unchanged when absent.
    pub max: Option<u32>,
    /// `desired`: the new desired count; unchanged when absent.
    pub desired: Option<u32>,
}

/// `queue` on a service: an SQS-style queue its tasks consume.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueFile {
    /// `arrival_rate_per_s`: messages arriving per second, constant.
    pub arrival_rate_per_s: Option<f64>,
    /// A rate curve in messages per second, instead of a constant rate.
    pub arrival: Option<DemandFile>,
    /// `per_task_rate_per_s`: messages one task processes per second.
    pub per_task_rate_per_s: f64,
    /// Adds a target-tracking policy on backlog per task (needs `auto_scaling`).
    pub target_backlog_per_task: Option<f64>,
    /// `scale_out_cooldown`: the backlog policy's wait after a scale-out; default 300 s.
    pub scale_out_cooldown: Option<DurationText>,
    /// `scale_in_cooldown`: the backlog policy's wait after a scale-in; default 300 s.
    pub scale_in_cooldown: Option<DurationText>,
}

/// `[fargate]`: the account's Fargate settings.
#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FargateFile {
    /// `max_concurrent_tasks`: the account's quota on Fargate tasks running at once; no limit
    /// when absent.
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

/// `[timing]`: how long each step of starting a task or an instance takes.
#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TimingFile {
    /// `eni_attach`: time to attach an awsvpc task's network interface.
    pub eni_attach: Option<DurationText>,
    /// `fargate_provisioning`: time Fargate takes to provision a task's capacity.
    pub fargate_provisioning: Option<DurationText>,
    /// `ec2_pull_mb_per_s`: image pull speed on EC2, MB per second, above 0; default 50.
    pub ec2_pull_mb_per_s: Option<f64>,
    /// `fargate_pull_mb_per_s`: image pull speed on Fargate, MB per second, above 0; default
    /// 15.
    pub fargate_pull_mb_per_s: Option<f64>,
    /// `pull_overhead`: fixed time added to every image pull; default 3 s.
    pub pull_overhead: Option<DurationText>,
    /// `container_start`: time from image pulled to container running; default 2 s.
    pub container_start: Option<DurationText>,
    /// `ec2_image_cache`: an EC2 instance keeps pulled images, so later tasks skip the pull;
    /// default true.
    pub ec2_image_cache: Option<bool>,
    /// `instance_launch`: time from an EC2 launch to the instance registering; default 120 s.
    pub instance_launch: Option<DurationText>,
    /// Every part zero: tasks run the instant they are placed (for textbook queues).
    #[serde(default)]
    pub instant: bool,
}

/// `[[instance_types]]`: an instance type the catalog lacks.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomInstanceType {
    /// `name`: the type's name, as pools use it.
    pub name: String,
    /// `vcpu`: vCPUs, at least 1.
    pub vcpu: u32,
    /// `memory_gib`: nominal memory, GiB, above 0.
    pub memory_gib: f64,
    /// Registered memory, MiB; defaults to the catalog's OS fraction of nominal memory.
    pub registered_memory_mib: Option<u32>,
    /// `max_enis`: network interfaces the type takes, the primary included; default 3.
    #[serde(default = "default_enis")]
    pub max_enis: u32,
    /// `price_per_hour`: on-demand price, $ per hour, at least 0; default 0.
    #[serde(default)]
    pub price_per_hour: f64,
    /// `arch`: CPU architecture; default `x86_64`.
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
    /// A number: CPU units or MiB.
    Number(f64),
    /// Text as ECS takes it: "512", "1 vCPU", "2 GB".
    Text(String),
}

/// `[[taskDefinitions]]`: an ECS task definition, with ECS's field names.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TaskDefinitionFile {
    /// `family`: the name services and jobs refer to.
    pub family: String,
    /// `cpu`: CPU units the task reserves (1024 per vCPU), a number or text like "1 vCPU".
    pub cpu: Amount,
    /// `memory`: memory the task reserves, MiB, a number or text like "2 GB".
    pub memory: Amount,
    /// `networkMode`: `bridge`, `host`, `awsvpc` or `none`; default `bridge` (`awsvpc` on
    /// Fargate).
    pub network_mode: Option<String>,
    /// `requiresCompatibilities`: the launch types it must run on (`EC2`, `FARGATE`, ...).
    pub requires_compatibilities: Option<Vec<String>>,
    /// `portMappings`: the container ports and the host ports they bind.
    #[serde(default)]
    pub port_mappings: Vec<PortMapping>,
    /// `runtimePlatform`: the CPU architecture and operating system it needs.
    pub runtime_platform: Option<RuntimePlatform>,
    /// `ephemeralStorage`: Fargate ephemeral storage.
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
    /// `enabled`: whether a crashed container restarts in place instead of stopping its task.
    pub enabled: bool,
    /// `ignoredExitCodes`: exit codes that never trigger a restart (at most 50).
    #[serde(default)]
    pub ignored_exit_codes: Vec<i32>,
    /// `restartAttemptPeriod`: seconds a container must have run before it may restart
    /// again, 60–1800 (default 300).
    pub restart_attempt_period: Option<u32>,
}

/// One of a task definition's `portMappings`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PortMapping {
    /// `containerPort`: the port the container listens on.
    pub container_port: u16,
    /// `hostPort`: bridge mode only: the instance port it binds; absent or 0 for a dynamic
    /// port.
    pub host_port: Option<u16>,
}

/// `{ type = "GPU", value = "1" }`: ECS writes the count as text; a number is accepted too.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceRequirement {
    /// `type`: the resource, `GPU`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `value`: how many, a whole number from 1 to 64.
    pub value: Amount,
}

/// `runtimePlatform`: what the task needs of its host.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuntimePlatform {
    /// `cpuArchitecture`: `X86_64` (default) or `ARM64`.
    pub cpu_architecture: Option<String>,
    /// `operatingSystemFamily`: the OS the task runs on (`LINUX`, or a Windows family).
    pub operating_system_family: Option<String>,
}

/// `ephemeralStorage`: Fargate task storage.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EphemeralStorage {
    /// `sizeInGiB`: the storage, GiB, 20 to 200; default 20.
    pub size_in_gi_b: u32,
}

/// A `placementStrategy` rule: `{ type, field }`, as ECS writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlacementStrategyFile {
    /// `type`: `spread`, `binpack`, `random`, or simulator-only `policy`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `field`: what the rule works on (`attribute:ecs.availability-zone`, `cpu`, `memory`,
    /// `instanceId`).
    pub field: Option<String>,
    /// Simulator-only: the placement policy a `type = "policy"` rule names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A `placementConstraints` entry: `{ type, expression }`, as ECS writes it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlacementConstraintFile {
    /// `type`: `distinctInstance` or `memberOf`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `expression`: `memberOf` only: the cluster query expression instances must match.
    pub expression: Option<String>,
}

/// A `capacityProviderStrategy` item: `{ capacityProvider, base, weight }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CapacityProviderItem {
    /// `capacityProvider`: a pool's or Managed Instances provider's name, or `FARGATE` /
    /// `FARGATE_SPOT`.
    pub capacity_provider: String,
    /// `base`: tasks placed on this provider first; default 0.
    #[serde(default)]
    pub base: u32,
    /// `weight`: its share of the tasks beyond the bases; default 0.
    #[serde(default)]
    pub weight: u32,
}

/// `[[services]]`: an ECS service, with ECS's field names.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceFile {
    /// `name` (or `serviceName`): the service's name in reports.
    #[serde(alias = "serviceName")]
    pub name: String,
    /// `taskDefinition`: the family its tasks run.
    pub task_definition: String,
    /// Required for REPLICA services; a DAEMON service has none.
    pub desired_count: Option<u32>,
    /// "REPLICA" (default) or "DAEMON": one task on every ACTIVE instance allowed by the
    /// placement constraints.
    pub scheduling_strategy: Option<String>,
    /// `launchType`: `EC2` (default) or `FARGATE`, instead of a capacity provider strategy.
    pub launch_type: Option<String>,
    /// `capacityProviderStrategy`: the capacity providers its tasks are split across, 1 to 6.
    pub capacity_provider_strategy: Option<Vec<CapacityProviderItem>>,
    /// `placementStrategy`: how its tasks are placed on instances, ECS's rules in order.
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategyFile>,
    /// `placementConstraints`: where its tasks may not go.
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
    /// `auto_scaling`: Application Auto Scaling on the desired count.
    #[serde(rename = "auto_scaling")]
    pub auto_scaling: Option<AutoScalingFile>,
    /// `queue`: an SQS-style queue its tasks consume.
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
    /// `interval`: time between checks, 5 to 300 s; default 30 s.
    pub interval: Option<DurationText>,
    /// `timeout`: how long a check may take, 2 to 60 s; default 5 s.
    pub timeout: Option<DurationText>,
    /// `retries`: failed checks in a row that mark the container unhealthy, 1 to 10; default 3.
    pub retries: Option<u32>,
    /// `startPeriod`: failed checks this soon after start do not count, 0 to 300 s; default 0.
    pub start_period: Option<DurationText>,
}

/// `load_balancer` on a service: its target group settings.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerFile {
    /// Target group deregistration delay; default 300 s (the ELB default).
    pub deregistration_delay: Option<DurationText>,
}

/// `deploymentConfiguration`: how a service rolls out a new revision.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeploymentConfigurationFile {
    /// `minimumHealthyPercent`: percent of the desired count kept running during a deployment,
    /// 0 to 100.
    pub minimum_healthy_percent: Option<u32>,
    /// `maximumPercent`: percent of the desired count allowed running during a deployment, 100
    /// to 200.
    pub maximum_percent: Option<u32>,
    /// `deploymentCircuitBreaker`: stops (and optionally rolls back) a failing deployment.
    pub deployment_circuit_breaker: Option<CircuitBreakerFile>,
    /// `ROLLING` (default), `BLUE_GREEN`, `LINEAR` or `CANARY`.
    pub strategy: Option<String>,
    /// Minutes both revisions run after production traffic moved; 0–1440.
    pub bake_time_in_minutes: Option<u32>,
    /// `linearConfiguration`: the traffic steps of a `LINEAR` deployment.
    pub linear_configuration: Option<LinearConfigurationFile>,
    /// `canaryConfiguration`: the canary step of a `CANARY` deployment.
    pub canary_configuration: Option<CanaryConfigurationFile>,
    /// `lifecycleHooks`: hooks run at deployment stages, at most 10.
    #[serde(default)]
    pub lifecycle_hooks: Vec<LifecycleHookFile>,
    /// `alarms`: an alarm that fails (and optionally rolls back) a deployment.
    pub alarms: Option<AlarmsFile>,
}

/// `linearConfiguration`: `stepPercent` 3.0–100.0 (default 10), `stepBakeTimeInMinutes`
/// 0–1440 (default 6).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LinearConfigurationFile {
    /// `stepPercent`: percent of traffic moved per step, 3.0 to 100.0; default 10.
    pub step_percent: Option<f64>,
    /// `stepBakeTimeInMinutes`: minutes between steps, 0 to 1440; default 6.
    pub step_bake_time_in_minutes: Option<u32>,
}

/// `canaryConfiguration`: `canaryPercent` 0.1–100.0 (default 5),
/// `canaryBakeTimeInMinutes` 0–1440 (default 10).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CanaryConfigurationFile {
    /// `canaryPercent`: percent of traffic the canary receives, 0.1 to 100.0; default 5.
    pub canary_percent: Option<f64>,
    /// `canaryBakeTimeInMinutes`: minutes before the rest of the traffic moves, 0 to 1440;
    /// default 10.
    pub canary_bake_time_in_minutes: Option<u32>,
}

/// A lifecycle hook: ECS's `lifecycleStages`, and simulator-only how long it takes and how
/// often it answers FAILED.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleHookFile {
    /// `lifecycleStages`: the deployment stages the hook runs at.
    #[serde(rename = "lifecycleStages")]
    pub lifecycle_stages: Vec<String>,
    /// `duration`: how long the hook takes to answer.
    pub duration: DurationFile,
    /// `failure_probability`: chance the hook answers FAILED, 0 to 1; default 0.
    pub failure_probability: Option<f64>,
}

/// `alarms`: ECS's `enable` and `rollback` (and `alarmNames`, kept for the reader), with
/// the simulator-only rule standing in for the alarm.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmsFile {
    /// `enable`: whether the alarm is watched.
    pub enable: bool,
    /// `rollback`: a fired alarm rolls the deployment back; default false.
    #[serde(default)]
    pub rollback: bool,
    /// `alarmNames`: the CloudWatch alarms' names, for the reader only.
    #[serde(rename = "alarmNames", default)]
    pub alarm_names: Vec<String>,
    /// `failed_tasks_above`: the alarm fires while more of the new revision's tasks than this
    /// failed within the window.
    pub failed_tasks_above: u32,
    /// `evaluation_window`: the window failed tasks are counted over, longer than 0.
    pub evaluation_window: DurationText,
}

/// `thresholdConfiguration`: `type` BOUNDED_PERCENT (default), UNBOUNDED_PERCENT or COUNT,
/// `value` (default 50).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdConfigurationFile {
    /// `type`: how `value` is read, `BOUNDED_PERCENT` (default), `UNBOUNDED_PERCENT` or
    /// `COUNT`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `value`: the failure threshold, percent of the desired count (1 to 100) or a count (at
    /// least 1); default 50.
    pub value: Option<u32>,
}

/// `deploymentCircuitBreaker`: ECS's deployment circuit breaker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreakerFile {
    /// `enable`: whether the circuit breaker watches deployments.
    pub enable: bool,
    /// `rollback`: a tripped breaker rolls back to the last completed deployment; default
    /// false.
    #[serde(default)]
    pub rollback: bool,
    /// Simulator-only: the threshold's lower clamp; default 3 (the 2023 guide says 10).
    pub min_threshold: Option<u32>,
    /// ECS `resetOnHealthyTask`: a new task reaching a healthy state resets the failure
    /// count; default true (API reference).
    #[serde(rename = "resetOnHealthyTask")]
    pub reset_on_healthy_task: Option<bool>,
    /// `thresholdConfiguration`: how many failed tasks trip the breaker.
    #[serde(rename = "thresholdConfiguration")]
    pub threshold_configuration: Option<ThresholdConfigurationFile>,
}

/// A timed rollout of a new task definition revision.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFile {
    /// `at`: when the rollout starts, from the run's start.
    pub at: DurationText,
    /// `taskDefinition`: the new revision's family.
    #[serde(rename = "taskDefinition")]
    pub task_definition: String,
}

/// `[[jobs]]`: a stream of standalone tasks, each started by RunTask.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct JobFile {
    /// `name`: the job stream's name in reports.
    pub name: String,
    /// `taskDefinition`: the family each task runs.
    pub task_definition: String,
    /// `launchType`: `EC2` (default) or `FARGATE`, instead of a capacity provider strategy.
    pub launch_type: Option<String>,
    /// `capacityProviderStrategy`: the capacity providers its tasks are split across, 1 to 6.
    pub capacity_provider_strategy: Option<Vec<CapacityProviderItem>>,
    /// `placementStrategy`: how its tasks are placed on instances, ECS's rules in order.
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategyFile>,
    /// `placementConstraints`: where its tasks may not go.
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraintFile>,
    /// Task group for spread and distinctInstance; ECS's default is `family:<family>`.
    pub group: Option<String>,
    /// `arrival`: when tasks are started.
    pub arrival: ArrivalFile,
    /// `duration`: how long each task runs once RUNNING.
    pub duration: DurationFile,
}

/// When a job's tasks are started: `type` picks the pattern.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ArrivalFile {
    /// `type = "poisson"`: tasks arrive at random at a steady rate.
    Poisson {
        /// `rate_per_hour`: tasks per hour; give it or `rate_per_s`.
        rate_per_hour: Option<f64>,
        /// `rate_per_s`: tasks per second; give it or `rate_per_hour`.
        rate_per_s: Option<f64>,
    },
    /// `type = "fixed_interval"`: one task at every interval.
    FixedInterval {
        /// `interval`: the time between tasks, longer than zero.
        interval: DurationText,
        /// `start`: when the first task starts; default 0.
        start: Option<DurationText>,
    },
    /// `type = "daily_cycle"`: a random arrival rate that follows a sine wave over each day.
    DailyCycle {
        /// `mean_rate_per_hour`: tasks per hour averaged over a day.
        mean_rate_per_hour: f64,
        /// `amplitude`: how far the rate swings, as a fraction of the mean, 0 to 1.
        amplitude: f64,
        /// `peak`: the time of day of the highest rate; default 14:00.
        peak: Option<DurationText>,
    },
    /// `type = "scheduled"`: tasks started at set times.
    Scheduled {
        /// `times`: when tasks start, from the run's start (or each period's start).
        times: Vec<DurationText>,
        /// `count`: tasks started at each time; default 1.
        #[serde(default = "one")]
        count: u32,
        /// `every`: repeat the times with this period; once when absent.
        every: Option<DurationText>,
    },
    /// Rows of a `[[traces]]` entry; made by the loader, never written in a file.
    #[serde(skip)]
    Replay(std::sync::Arc<[crate::workload::TracedTask]>),
}

fn one() -> u32 {
    1
}

/// A random duration: `type` picks the distribution.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DurationFile {
    /// `type = "constant"`: always the same.
    Constant {
        /// `value`: the duration.
        value: DurationText,
    },
    /// `type = "exponential"`: memoryless, with the given mean.
    Exponential {
        /// `mean`: the average duration.
        mean: DurationText,
    },
    /// `type = "lognormal"`: skewed, with the given mean and spread.
    Lognormal {
        /// `mean`: the average duration.
        mean: DurationText,
        /// `std_dev`: the standard deviation.
        std_dev: DurationText,
    },
    /// `type = "uniform"`: equally likely anywhere between two bounds.
    Uniform {
        /// `min`: the shortest.
        min: DurationText,
        /// `max`: the longest.
        max: DurationText,
    },
}

/// `[failures]`: failures not tied to one service or pool, and the restart rules.
#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FailuresFile {
    /// `az_outages`: times an Availability Zone goes down.
    #[serde(default)]
    pub az_outages: Vec<AzOutageFile>,
    /// `events`: one-off actions at set times.
    #[serde(default)]
    pub events: Vec<EventFile>,
    /// Spot interruption notice; default 2 min.
    pub spot_notice: Option<DurationText>,
    /// `restart_backoff`: how restarts of tasks that never reach RUNNING are throttled.
    #[serde(default)]
    pub restart_backoff: BackoffFile,
}

/// `[[failures.az_outages]]`: an Availability Zone down for a while.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzOutageFile {
    /// `az`: the AZ's name.
    pub az: String,
    /// `start`: when it goes down, from the run's start.
    pub start: DurationText,
    /// `duration`: how long it stays down.
    pub duration: DurationText,
}

/// `[[failures.events]]`: a one-off action at a set time; `action` picks which.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventFile {
    /// `action = "kill_instance"`: one instance of a pool fails.
    KillInstance {
        /// `at`: when, from the run's start.
        at: DurationText,
        /// `pool`: the pool's name.
        pool: String,
        /// `index`: which of the pool's instances, counting from 0; default 0.
        #[serde(default)]
        index: u32,
    },
    /// `action = "kill_tasks"`: running tasks of a service stop.
    KillTasks {
        /// `at`: when, from the run's start.
        at: DurationText,
        /// `service`: the service's name.
        service: String,
        /// `count`: how many tasks; default 1.
        #[serde(default = "one")]
        count: u32,
    },
    /// `action = "set_desired_count"`: a service's desired count changes, as an UpdateService
    /// call.
    SetDesiredCount {
        /// `at`: when, from the run's start.
        at: DurationText,
        /// `service`: the service's name.
        service: String,
        /// `count`: the new desired count.
        count: u32,
    },
}

/// Restart throttling for tasks that never reach RUNNING: delay n = min(initial ×
/// factor^(n−1), cap). Defaults 10 s, 2, 15 min.
#[derive(Debug, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BackoffFile {
    /// `initial`: the first restart delay, longer than 0; default 10 s.
    pub initial: Option<DurationText>,
    /// `factor`: each later delay's multiplier, at least 1; default 2.
    pub factor: Option<f64>,
    /// `cap`: the longest delay; default 15 min.
    pub cap: Option<DurationText>,
}
