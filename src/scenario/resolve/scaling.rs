//! Building the scaling parts of a scenario (issue 4): demand curves, service auto
//! scaling, queue-backed workers and managed scaling of pools, each checked with the
//! field path of the offending value.

use super::super::error::FieldError;
use super::super::file::*;
use super::check::{fraction, non_negative};
use crate::model::{AutoScalingSpec, ManagedScalingSpec, QueueSpec, ServiceScalingSpec};
use crate::scaling::demand::{DemandCurve, Spike};
use crate::scaling::managed_scaling::ManagedScalingConfig;
use crate::scaling::metrics::{Alarm, Comparison, HIGH_RESOLUTION, MINUTE};
use crate::scaling::predictive::LoadResource;
use crate::scaling::scheduled::{Schedule, ScheduledAction};
use crate::scaling::step_scaling::{AdjustmentType, StepAdjustment, StepScalingPolicy};
use crate::scaling::target_tracking::{
    ScaleInRule, ScaleOutRule, TargetTrackingPolicy, TrackedMetric,
};
use crate::time::{SimDuration, SimTime};

/// A demand (or rate) curve; `what` names the unit in messages.
pub(super) fn demand(at: &str, d: &DemandFile) -> Result<DemandCurve, FieldError> {
    Ok(match d {
        DemandFile::Constant { value } => {
            DemandCurve::Constant(non_negative(format!("{at}.value"), *value)?)
        }
        DemandFile::Steps { steps } => {
            let mut points = Vec::with_capacity(steps.len());
            for (k, s) in steps.iter().enumerate() {
                let t = SimTime::ZERO + s.at.0;
                if points.last().is_some_and(|(p, _)| *p >= t) {
                    return Err(FieldError::new(
                        format!("{at}.steps[{k}].at"),
                        "step times must strictly increase",
                    ));
                }
                points.push((t, non_negative(format!("{at}.steps[{k}].value"), s.value)?));
            }
            if points.is_empty() {
                return Err(FieldError::new(
                    format!("{at}.steps"),
                    "needs at least one step",
                ));
            }
            DemandCurve::Steps(points)
        }
        DemandFile::DailyCycle {
            mean,
            amplitude,
            peak,
        } => DemandCurve::DailyCycle {
            mean: non_negative(format!("{at}.mean"), *mean)?,
            amplitude: non_negative(format!("{at}.amplitude"), *amplitude)?,
            peak: peak.map_or(SimDuration::from_secs(14 * 3600), |p| p.0),
        },
        DemandFile::Spikes { base, spikes } => DemandCurve::Spikes {
            base: non_negative(format!("{at}.base"), *base)?,
            spikes: spikes
                .iter()
                .enumerate()
                .map(|(k, s)| {
                    Ok(Spike {
                        start: SimTime::ZERO + s.start.0,
                        duration: s.duration.0,
                        extra: non_negative(format!("{at}.spikes[{k}].extra"), s.extra)?,
                    })
                })
                .collect::<Result<_, FieldError>>()?,
        },
        DemandFile::Csv { path, text } => {
            let text = text.as_deref().ok_or_else(|| {
                FieldError::new(format!("{at}.path"), format!("CSV file `{path}` not read"))
            })?;
            DemandCurve::from_csv(text)
                .map_err(|e| FieldError::new(format!("{at}.path"), format!("{path}: {e}")))?
        }
    })
}

fn metric(field: String, name: &str) -> Result<TrackedMetric, FieldError> {
    match name {
        "cpu" | "ECSServiceAverageCPUUtilization" => Ok(TrackedMetric::Cpu),
        "memory" | "ECSServiceAverageMemoryUtilization" => Ok(TrackedMetric::Memory),
        other => {
            Err(FieldError::new(field, format!("unknown metric `{other}`")).allowed("cpu, memory"))
        }
    }
}

/// A target-tracking metric: the step-scaling ones, or a high-resolution one.
fn tracked_metric(field: String, name: &str) -> Result<TrackedMetric, FieldError> {
    match name {
        "ECSServiceAverageCPUUtilizationHighResolution" => Ok(TrackedMetric::CpuHighResolution),
        "ECSServiceAverageMemoryUtilizationHighResolution" => {
            Ok(TrackedMetric::MemoryHighResolution)
        }
        other => metric(field, other).map_err(|e| {
            e.allowed("cpu, memory, ECSServiceAverageCPUUtilizationHighResolution, ECSServiceAverageMemoryUtilizationHighResolution")
        }),
    }
}

fn is_high_resolution(m: TrackedMetric) -> bool {
    matches!(
        m,
        TrackedMetric::CpuHighResolution | TrackedMetric::MemoryHighResolution
    )
}

/// A high-resolution alarm's datapoint count: 1 to [`HISTORY_DATAPOINTS`].
fn datapoints(field: String, n: u32) -> Result<u32, FieldError> {
    if (1..=HISTORY_DATAPOINTS).contains(&n) {
        Ok(n)
    } else {
        Err(
            FieldError::new(field, format!("{n} datapoints is out of range"))
                .allowed(format!("1 to {HISTORY_DATAPOINTS}")),
        )
    }
}

/// The longest alarm a policy can evaluate (the simulation keeps this many datapoints).
const HISTORY_DATAPOINTS: u32 = 60;

fn percent_target(field: String, target: f64) -> Result<f64, FieldError> {
    if target.is_finite() && (1.0..=100.0).contains(&target) {
        Ok(target)
    } else {
        Err(FieldError::new(field, format!("{target} is out of range")).allowed("1 to 100"))
    }
}

/// The service's `demand`, `memory_demand`, `auto_scaling` and `queue`.
pub(super) fn service(at: &str, s: &ServiceFile) -> Result<ServiceScalingSpec, FieldError> {
    let demand_curve = s
        .demand
        .as_ref()
        .map(|d| demand(&format!("{at}.demand"), d))
        .transpose()?;
    let memory_demand = s
        .memory_demand
        .as_ref()
        .map(|d| demand(&format!("{at}.memory_demand"), d))
        .transpose()?;
    let high_resolution = match &s.metric_resolution {
        None => false,
        Some(r) if r.0 == HIGH_RESOLUTION => true,
        Some(r) if r.0 == MINUTE => false,
        Some(r) => {
            return Err(FieldError::new(
                format!("{at}.metric_resolution"),
                format!("{} s is not a resolution ECS publishes", r.0.as_secs_f64()),
            )
            .allowed("20s, 60s"));
        }
    };
    let mut auto_scaling = match &s.auto_scaling {
        None => None,
        Some(a) => Some(auto_scaling(&format!("{at}.auto_scaling"), a)?),
    };
    if let Some(a) = &auto_scaling {
        let needs = |m: TrackedMetric| {
            let base = |x: TrackedMetric| match x {
                TrackedMetric::CpuHighResolution => TrackedMetric::Cpu,
                TrackedMetric::MemoryHighResolution => TrackedMetric::Memory,
                other => other,
            };
            a.target_tracking.iter().any(|p| base(p.metric) == m)
                || a.step_scaling.iter().any(|(sm, _)| *sm == m)
        };
        if needs(TrackedMetric::Cpu) && demand_curve.is_none() {
            return Err(FieldError::new(
                format!("{at}.auto_scaling"),
                "a CPU policy needs the service's `demand`",
            ));
        }
        if needs(TrackedMetric::Memory) && memory_demand.is_none() {
            return Err(FieldError::new(
                format!("{at}.auto_scaling"),
                "a memory policy needs the service's `memory_demand`",
            ));
        }
        if a.target_tracking
            .iter()
            .any(|p| is_high_resolution(p.metric))
            && !high_resolution
        {
            return Err(FieldError::new(
                format!("{at}.auto_scaling"),
                "a `...HighResolution` metric needs the service's `metric_resolution = \"20s\"`",
            ));
        }
        if let Some(p) = &a.predictive {
            let (curve, needed) = match p.resource {
                LoadResource::Cpu => (&demand_curve, "`demand`"),
                LoadResource::Memory => (&memory_demand, "`memory_demand`"),
            };
            if curve.is_none() {
                return Err(FieldError::new(
                    format!("{at}.auto_scaling.predictive.metric_specification"),
                    format!(
                        "a predictive policy on this metric forecasts the service's {needed}, which it does not have"
                    ),
                ));
            }
        }
    }
    let queue = match &s.queue {
        None => None,
        Some(q) => {
            let qat = format!("{at}.queue");
            let arrival = match (&q.arrival, q.arrival_rate_per_s) {
                (Some(curve), None) => demand(&format!("{qat}.arrival"), curve)?,
                (None, Some(rate)) => {
                    DemandCurve::Constant(non_negative(format!("{qat}.arrival_rate_per_s"), rate)?)
                }
                _ => {
                    return Err(FieldError::new(
                        qat,
                        "needs exactly one of arrival_rate_per_s, arrival",
                    ));
                }
            };
            let per_task = q.per_task_rate_per_s;
            if !(per_task.is_finite() && per_task > 0.0) {
                return Err(FieldError::new(
                    format!("{qat}.per_task_rate_per_s"),
                    format!("{per_task} is not allowed"),
                )
                .allowed("a positive number"));
            }
            if let Some(target) = q.target_backlog_per_task {
                if !(target.is_finite() && target > 0.0) {
                    return Err(FieldError::new(
                        format!("{qat}.target_backlog_per_task"),
                        format!("{target} is not allowed"),
                    )
                    .allowed("a positive number"));
                }
                let Some(a) = auto_scaling.as_mut() else {
                    return Err(FieldError::new(
                        format!("{qat}.target_backlog_per_task"),
                        "scaling on backlog needs `auto_scaling` (min and max) on the service",
                    ));
                };
                let mut p = TargetTrackingPolicy::new(TrackedMetric::BacklogPerTask, target);
                if let Some(c) = q.scale_out_cooldown {
                    p.scale_out_cooldown = c.0;
                }
                if let Some(c) = q.scale_in_cooldown {
                    p.scale_in_cooldown = c.0;
                }
                a.target_tracking.push(p);
            }
            Some(QueueSpec {
                arrival,
                per_task_rate_per_s: per_task,
            })
        }
    };
    Ok(ServiceScalingSpec {
        demand: demand_curve,
        memory_demand,
        auto_scaling,
        queue,
        high_resolution_metrics: high_resolution,
    })
}

fn auto_scaling(at: &str, a: &AutoScalingFile) -> Result<AutoScalingSpec, FieldError> {
    super::check::bounded(format!("{at}.max"), a.max)?;
    if a.min > a.max {
        return Err(FieldError::new(
            format!("{at}.min"),
            format!("min {} is above max {}", a.min, a.max),
        )
        .allowed(format!("at most {}", a.max)));
    }
    let mut target_tracking = Vec::new();
    for (k, t) in a.target_tracking.iter().enumerate() {
        let tat = format!("{at}.target_tracking[{k}]");
        let m = tracked_metric(format!("{tat}.metric"), &t.metric)?;
        let target = percent_target(format!("{tat}.target"), t.target)?;
        let mut p = TargetTrackingPolicy::new(m, target);
        for (name, given, slot) in [
            (
                "scale_out_datapoints",
                t.scale_out_datapoints,
                &mut p.scale_out_datapoints,
            ),
            (
                "scale_in_datapoints",
                t.scale_in_datapoints,
                &mut p.scale_in_datapoints,
            ),
        ] {
            let Some(n) = given else { continue };
            if !is_high_resolution(m) {
                return Err(FieldError::new(
                    format!("{tat}.{name}"),
                    "is a setting of the high-resolution metrics only; on one-minute metrics AWS fixes the alarms at 3 of 3 and 15 of 15",
                ));
            }
            let n = datapoints(format!("{tat}.{name}"), n)?;
            *slot = (n, n);
        }
        if let Some(c) = t.scale_out_cooldown {
            p.scale_out_cooldown = c.0;
        }
        if let Some(c) = t.scale_in_cooldown {
            p.scale_in_cooldown = c.0;
        }
        p.disable_scale_in = t.disable_scale_in;
        if let Some(r) = t.scale_in_threshold_ratio {
            p.scale_in_threshold_ratio = fraction(format!("{tat}.scale_in_threshold_ratio"), r)?;
        }
        if let Some(step) = t.scale_out_step {
            if step == 0 {
                return Err(FieldError::new(
                    format!("{tat}.scale_out_step"),
                    "must be at least 1",
                ));
            }
            p.scale_out_rule = ScaleOutRule::Fixed(step);
        }
        if let Some(f) = t.scale_in_max_fraction {
            let f = fraction(format!("{tat}.scale_in_max_fraction"), f)?;
            p.scale_in_rule = if f >= 1.0 {
                ScaleInRule::Proportional
            } else {
                ScaleInRule::Gradual { max_fraction: f }
            };
        }
        target_tracking.push(p);
    }
    let mut step_scaling = Vec::new();
    for (k, s) in a.step_scaling.iter().enumerate() {
        let sat = format!("{at}.step_scaling[{k}]");
        let m = metric(format!("{sat}.metric"), &s.metric)?;
        let comparison = match s.comparison.as_str() {
            "GreaterThanThreshold" => Comparison::GreaterThan,
            "GreaterThanOrEqualToThreshold" => Comparison::GreaterThanOrEqual,
            "LessThanThreshold" => Comparison::LessThan,
            "LessThanOrEqualToThreshold" => Comparison::LessThanOrEqual,
            other => {
                return Err(FieldError::new(
                    format!("{sat}.comparison"),
                    format!("unknown comparison `{other}`"),
                )
                .allowed("GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold, LessThanOrEqualToThreshold"));
            }
        };
        let n = s.evaluation_periods.unwrap_or(1);
        let mm = s.datapoints_to_alarm.unwrap_or(n);
        if n == 0 || mm == 0 || mm > n {
            return Err(FieldError::new(
                format!("{sat}.datapoints_to_alarm"),
                format!("{mm} of {n} datapoints is not allowed"),
            )
            .allowed("1 ≤ datapoints_to_alarm ≤ evaluation_periods"));
        }
        let adjustment_type = match s.adjustment_type.as_deref().unwrap_or("ChangeInCapacity") {
            "ChangeInCapacity" => AdjustmentType::ChangeInCapacity,
            "PercentChangeInCapacity" => AdjustmentType::PercentChangeInCapacity,
            "ExactCapacity" => AdjustmentType::ExactCapacity,
            other => {
                return Err(FieldError::new(
                    format!("{sat}.adjustment_type"),
                    format!("unknown adjustment type `{other}`"),
                )
                .allowed("ChangeInCapacity, PercentChangeInCapacity, ExactCapacity"));
            }
        };
        if s.steps.is_empty() {
            return Err(FieldError::new(
                format!("{sat}.steps"),
                "needs at least one step",
            ));
        }
        for (j, st) in s.steps.iter().enumerate() {
            if let (Some(l), Some(u)) = (st.lower, st.upper) {
                if l >= u {
                    return Err(FieldError::new(
                        format!("{sat}.steps[{j}].upper"),
                        "upper must be above lower",
                    ));
                }
            }
        }
        step_scaling.push((
            m,
            StepScalingPolicy {
                alarm: Alarm {
                    comparison,
                    threshold: s.threshold,
                    datapoints_to_alarm: mm,
                    evaluation_periods: n,
                },
                adjustment_type,
                steps: s
                    .steps
                    .iter()
                    .map(|st| StepAdjustment {
                        lower: st.lower,
                        upper: st.upper,
                        adjustment: st.adjustment,
                    })
                    .collect(),
                min_adjustment_magnitude: s.min_adjustment_magnitude,
                cooldown: s.cooldown.map_or(SimDuration::from_secs(300), |c| c.0),
            },
        ));
    }
    let scheduled = if a.scheduled.is_empty() {
        None
    } else {
        let mut actions = Vec::new();
        for (k, s) in a.scheduled.iter().enumerate() {
            if let (Some(lo), Some(hi)) = (s.min, s.max) {
                if lo > hi {
                    return Err(FieldError::new(
                        format!("{at}.scheduled[{k}].min"),
                        format!("min {lo} is above max {hi}"),
                    ));
                }
            }
            actions.push(ScheduledAction {
                at: SimTime::ZERO + s.at.0,
                min: s.min,
                max: s.max,
                desired: s.desired,
            });
        }
        Some(Schedule::new(actions, a.scheduled_every.map(|e| e.0)))
    };
    Ok(AutoScalingSpec {
        min: a.min,
        max: a.max,
        target_tracking,
        step_scaling,
        scheduled,
        predictive: a
            .predictive
            .as_ref()
            .map(|p| super::predictive::policy(&format!("{at}.predictive"), p))
            .transpose()?,
    })
}

/// A pool's `managed_scaling`.
pub(super) fn managed(
    at: &str,
    m: &ManagedScalingFile,
    count: u32,
) -> Result<ManagedScalingSpec, FieldError> {
    let mut config = ManagedScalingConfig::default();
    if let Some(t) = m.target_capacity {
        if !(1..=100).contains(&t) {
            return Err(FieldError::new(
                format!("{at}.target_capacity"),
                format!("{t} is out of range"),
            )
            .allowed("1 to 100"));
        }
        config.target_capacity = t;
    }
    if let Some(v) = m.minimum_scaling_step_size {
        config.minimum_scaling_step_size = v;
    }
    if let Some(v) = m.maximum_scaling_step_size {
        config.maximum_scaling_step_size = v;
    }
    for (name, v) in [
        (
            "minimum_scaling_step_size",
            config.minimum_scaling_step_size,
        ),
        (
            "maximum_scaling_step_size",
            config.maximum_scaling_step_size,
        ),
    ] {
        if !(1..=10_000).contains(&v) {
            return Err(
                FieldError::new(format!("{at}.{name}"), format!("{v} is out of range"))
                    .allowed("1 to 10000"),
            );
        }
    }
    if config.minimum_scaling_step_size > config.maximum_scaling_step_size {
        return Err(FieldError::new(
            format!("{at}.minimum_scaling_step_size"),
            "is above maximum_scaling_step_size",
        ));
    }
    if let Some(w) = m.instance_warmup_period {
        config.instance_warmup = w.0;
    }
    if let Some(p) = m.managed_termination_protection {
        config.managed_termination_protection = p;
    }
    let min_size = m.min_size.unwrap_or(0);
    super::check::bounded(format!("{at}.max_size"), m.max_size)?;
    if min_size > m.max_size {
        return Err(FieldError::new(
            format!("{at}.min_size"),
            format!("min_size {min_size} is above max_size {}", m.max_size),
        )
        .allowed(format!("at most {}", m.max_size)));
    }
    if !(min_size..=m.max_size).contains(&count) {
        return Err(FieldError::new(
            format!("{at}.max_size"),
            format!(
                "the pool's count {count} is outside min_size..max_size {min_size}..{}",
                m.max_size
            ),
        ));
    }
    Ok(ManagedScalingSpec {
        config,
        min_size,
        max_size: m.max_size,
    })
}
