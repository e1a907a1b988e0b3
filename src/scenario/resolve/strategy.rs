//! `deploymentConfiguration`'s strategy fields (`strategy`, `bakeTimeInMinutes`,
//! `linearConfiguration`, `canaryConfiguration`, `lifecycleHooks`, `alarms`) and the
//! circuit breaker's `thresholdConfiguration`, checked against ECS's valid ranges
//! (`ecs-current.md` §2.1, §4.2).

use super::super::error::FieldError;
use super::super::file::*;
use super::workload::duration;
use crate::model::{
    AlarmRule, AzRebalancing, DeploymentConfig, DeploymentStrategy, LifecycleHook,
    PlacementStrategy, SpreadField, Stage, ThresholdType,
};
use crate::time::SimDuration;

/// ECS limits every stage (and every traffic-shift step) to 24 hours.
const MAX_MINUTES: u32 = 1440;

fn minutes(field: String, value: u32) -> Result<SimDuration, FieldError> {
    if value > MAX_MINUTES {
        return Err(FieldError::new(field, format!("{value} is out of range"))
            .allowed("0 to 1440 minutes (24 hours)"));
    }
    Ok(SimDuration::from_secs(u64::from(value) * 60))
}

/// A percentage ECS takes in multiples of 0.1 within `min..=100`, as tenths.
fn tenths(field: String, value: f64, min: f64) -> Result<u32, FieldError> {
    let scaled = value * 10.0;
    let whole = scaled.round();
    if !value.is_finite() || value < min - 1e-9 || value > 100.0 + 1e-9 {
        return Err(FieldError::new(field, format!("{value} is out of range"))
            .allowed(format!("{min} to 100, in steps of 0.1")));
    }
    if (scaled - whole).abs() > 1e-6 {
        return Err(
            FieldError::new(field, format!("{value} is not a multiple of 0.1"))
                .allowed(format!("{min} to 100, in steps of 0.1")),
        );
    }
    Ok(whole as u32)
}

/// Reads the strategy fields of `c` into `config`; `field` is the path of
/// `deploymentConfiguration`.
pub(super) fn strategy(
    field: &str,
    c: &DeploymentConfigurationFile,
    config: &mut DeploymentConfig,
) -> Result<(), FieldError> {
    let name = c.strategy.as_deref().unwrap_or("ROLLING");
    let misplaced = |what: &str, wants: &str| {
        Err(FieldError::new(
            format!("{field}.{what}"),
            format!("applies to strategy = \"{wants}\", not \"{name}\""),
        ))
    };
    config.strategy = match name {
        "ROLLING" => DeploymentStrategy::Rolling,
        "BLUE_GREEN" => DeploymentStrategy::BlueGreen,
        "LINEAR" => {
            let l = c.linear_configuration.as_ref();
            let step = l.and_then(|l| l.step_percent).unwrap_or(10.0);
            let bake = l.and_then(|l| l.step_bake_time_in_minutes).unwrap_or(6);
            DeploymentStrategy::Linear {
                step_permille: tenths(
                    format!("{field}.linearConfiguration.stepPercent"),
                    step,
                    3.0,
                )?,
                step_bake: minutes(
                    format!("{field}.linearConfiguration.stepBakeTimeInMinutes"),
                    bake,
                )?,
            }
        }
        "CANARY" => {
            let k = c.canary_configuration.as_ref();
            let percent = k.and_then(|k| k.canary_percent).unwrap_or(5.0);
            let bake = k.and_then(|k| k.canary_bake_time_in_minutes).unwrap_or(10);
            DeploymentStrategy::Canary {
                canary_permille: tenths(
                    format!("{field}.canaryConfiguration.canaryPercent"),
                    percent,
                    0.1,
                )?,
                canary_bake: minutes(
                    format!("{field}.canaryConfiguration.canaryBakeTimeInMinutes"),
                    bake,
                )?,
            }
        }
        other => {
            return Err(FieldError::new(
                format!("{field}.strategy"),
                format!("`{other}` is not a deployment strategy"),
            )
            .allowed("ROLLING, BLUE_GREEN, LINEAR, CANARY"));
        }
    };
    if c.linear_configuration.is_some() && name != "LINEAR" {
        return misplaced("linearConfiguration", "LINEAR");
    }
    if c.canary_configuration.is_some() && name != "CANARY" {
        return misplaced("canaryConfiguration", "CANARY");
    }
    if let Some(bake) = c.bake_time_in_minutes {
        if name == "ROLLING" {
            return Err(FieldError::new(
                format!("{field}.bakeTimeInMinutes"),
                "the rolling strategy's bake time (alarms watched after the last old task \
                 stops) is not modeled",
            )
            .allowed("bakeTimeInMinutes with BLUE_GREEN, LINEAR or CANARY"));
        }
        config.bake_time = minutes(format!("{field}.bakeTimeInMinutes"), bake)?;
    }
    if !c.lifecycle_hooks.is_empty() && name == "ROLLING" {
        return misplaced("lifecycleHooks", "BLUE_GREEN, LINEAR or CANARY");
    }
    if c.lifecycle_hooks.len() > 10 {
        return Err(FieldError::new(
            format!("{field}.lifecycleHooks"),
            format!("{} hooks are too many", c.lifecycle_hooks.len()),
        )
        .allowed("at most 10 Lambda hooks per service, as in ECS"));
    }
    config.hooks = c
        .lifecycle_hooks
        .iter()
        .enumerate()
        .map(|(i, h)| hook(&format!("{field}.lifecycleHooks[{i}]"), h))
        .collect::<Result<_, _>>()?;
    if let Some(a) = &c.alarms {
        if a.enable {
            let window = a.evaluation_window.0;
            if window == SimDuration::ZERO {
                return Err(FieldError::new(
                    format!("{field}.alarms.evaluation_window"),
                    "must be longer than 0",
                )
                .allowed("a duration such as \"5m\""));
            }
            config.alarm = Some(AlarmRule {
                failures_above: a.failed_tasks_above,
                window,
                rollback: a.rollback,
            });
        }
    }
    Ok(())
}

fn hook(at: &str, h: &LifecycleHookFile) -> Result<LifecycleHook, FieldError> {
    if h.lifecycle_stages.is_empty() {
        return Err(
            FieldError::new(format!("{at}.lifecycleStages"), "names no stage")
                .allowed(hook_stages()),
        );
    }
    let mut stages = Vec::new();
    for (j, name) in h.lifecycle_stages.iter().enumerate() {
        let stage = Stage::ALL
            .into_iter()
            .find(|s| s.as_str() == name && s.takes_hooks());
        let Some(stage) = stage else {
            return Err(FieldError::new(
                format!("{at}.lifecycleStages[{j}]"),
                format!("`{name}` is not a stage a hook can run in"),
            )
            .allowed(hook_stages()));
        };
        if !stages.contains(&stage) {
            stages.push(stage);
        }
    }
    let p = h.failure_probability.unwrap_or(0.0);
    if !(0.0..=1.0).contains(&p) {
        return Err(FieldError::new(
            format!("{at}.failure_probability"),
            format!("{p} is out of range"),
        )
        .allowed("0 to 1"));
    }
    Ok(LifecycleHook {
        stages,
        duration: duration(&format!("{at}.duration"), &h.duration)?,
        failure_probability: p,
    })
}

fn hook_stages() -> String {
    let names: Vec<&str> = Stage::ALL
        .into_iter()
        .filter(|s| s.takes_hooks())
        .map(Stage::as_str)
        .collect();
    names.join(", ")
}

/// `thresholdConfiguration` of the circuit breaker: (type, value).
pub(super) fn threshold(
    at: &str,
    t: Option<&ThresholdConfigurationFile>,
) -> Result<(ThresholdType, u32), FieldError> {
    let Some(t) = t else {
        return Ok((ThresholdType::BoundedPercent, 50));
    };
    let kind = match t.kind.as_deref().unwrap_or("BOUNDED_PERCENT") {
        "BOUNDED_PERCENT" => ThresholdType::BoundedPercent,
        "UNBOUNDED_PERCENT" => ThresholdType::UnboundedPercent,
        "COUNT" => ThresholdType::Count,
        other => {
            return Err(FieldError::new(
                format!("{at}.type"),
                format!("`{other}` is not a threshold type"),
            )
            .allowed("BOUNDED_PERCENT, UNBOUNDED_PERCENT, COUNT"));
        }
    };
    let value = t.value.unwrap_or(50);
    let range = match kind {
        ThresholdType::Count => 1..=super::check::MAX_COUNT,
        _ => 1..=100,
    };
    if !range.contains(&value) {
        return Err(
            FieldError::new(format!("{at}.value"), format!("{value} is out of range")).allowed(
                match kind {
                    ThresholdType::Count => "a count of at least 1",
                    _ => "1 to 100 (percent of the desired count)",
                },
            ),
        );
    }
    Ok((kind, value))
}

/// `availabilityZoneRebalancing` (`ecs-current.md` §4.1): `ENABLED` by default for an
/// eligible service, as ECS does since 2025-09-05. Eligible: a REPLICA service whose first
/// placement strategy spreads across Availability Zones (the default has), with
/// `maximumPercent` above 100 and no `ecs.availability-zone` constraint.
pub(super) fn az_rebalancing(
    at: &str,
    s: &ServiceFile,
    daemon: bool,
    strategies: &[PlacementStrategy],
    deployment: &DeploymentConfig,
) -> Result<AzRebalancing, FieldError> {
    let field = format!("{at}.availabilityZoneRebalancing");
    let asked = match s.availability_zone_rebalancing.as_deref() {
        None => None,
        Some("ENABLED") => Some(true),
        Some("DISABLED") => Some(false),
        Some(other) => {
            return Err(
                FieldError::new(field, format!("`{other}` is not a setting"))
                    .allowed("ENABLED, DISABLED"),
            );
        }
    };
    let az_constraint = s.placement_constraints.iter().any(|c| {
        c.expression
            .as_deref()
            .is_some_and(|e| e.contains(super::placement::AZ_ATTRIBUTE))
    });
    let why_not = if daemon {
        Some("a DAEMON service")
    } else if strategies.first() != Some(&PlacementStrategy::Spread(SpreadField::Attribute(0))) {
        Some("a service whose first placement strategy is not spread across Availability Zones")
    } else if deployment.maximum_percent <= 100 {
        Some("a service with maximumPercent = 100 (no room for the extra task)")
    } else if az_constraint {
        Some("a service with an ecs.availability-zone placement constraint")
    } else {
        None
    };
    match (asked, why_not) {
        (Some(true), Some(why)) => Err(FieldError::new(
            field,
            format!("ECS does not rebalance {why}"),
        )
        .allowed("DISABLED, or leave it out")),
        (Some(false), _) | (None, Some(_)) => Ok(AzRebalancing::Disabled),
        (_, None) => Ok(AzRebalancing::Enabled),
    }
}
