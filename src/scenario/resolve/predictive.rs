//! `auto_scaling.predictive`: a predictive scaling policy checked against
//! `PredictiveScalingPolicyConfiguration`'s rules, each error naming its field.

use super::super::error::FieldError;
use super::super::file::{PredictiveMetricFile, PredictiveScalingFile};
use super::check::fraction;
use crate::scaling::forecast::{HOUR, Oracle, Seasonal};
use crate::scaling::predictive::{
    LoadResource, MaxCapacityBreach, PredictiveMode, PredictiveScalingPolicy,
};
use std::sync::Arc;

const PAIRS: &str = "ECSServiceCPUUtilization, ECSServiceMemoryUtilization";
const SCALING: &str = "ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization";
const LOADS: &str = "ECSServiceTotalCPUUtilization, ECSServiceTotalMemoryUtilization";

/// The policy at `at` (`services[i].auto_scaling.predictive`).
pub(super) fn policy(
    at: &str,
    p: &PredictiveScalingFile,
) -> Result<PredictiveScalingPolicy, FieldError> {
    let (resource, target) = metric(
        &format!("{at}.metric_specification"),
        &p.metric_specification,
    )?;
    let mut policy = PredictiveScalingPolicy::new(resource, target);
    policy.mode = match p.mode.as_deref().unwrap_or("ForecastOnly") {
        "ForecastOnly" => PredictiveMode::ForecastOnly,
        "ForecastAndScale" => PredictiveMode::ForecastAndScale,
        other => {
            return Err(
                FieldError::new(format!("{at}.mode"), format!("unknown mode `{other}`"))
                    .allowed("ForecastOnly, ForecastAndScale"),
            );
        }
    };
    if let Some(b) = &p.scheduling_buffer_time {
        if b.0 >= HOUR {
            return Err(FieldError::new(
                format!("{at}.scheduling_buffer_time"),
                format!(
                    "{} s is not less than the forecast interval of 3600 s",
                    b.0.as_secs_f64()
                ),
            )
            .allowed("0 s up to, not including, 3600 s"));
        }
        policy.scheduling_buffer = b.0;
    }
    let behavior = p
        .max_capacity_breach_behavior
        .as_deref()
        .unwrap_or("HonorMaxCapacity");
    policy.max_capacity_breach = match (behavior, p.max_capacity_buffer) {
        ("HonorMaxCapacity", None) => MaxCapacityBreach::HonorMaxCapacity,
        ("HonorMaxCapacity", Some(_)) => {
            return Err(FieldError::new(
                format!("{at}.max_capacity_buffer"),
                "is allowed only with max_capacity_breach_behavior = \"IncreaseMaxCapacity\"",
            ));
        }
        ("IncreaseMaxCapacity", None) => {
            return Err(FieldError::new(
                format!("{at}.max_capacity_buffer"),
                "is required with max_capacity_breach_behavior = \"IncreaseMaxCapacity\"",
            )
            .allowed("0 to 100 (percent of the forecast capacity)"));
        }
        ("IncreaseMaxCapacity", Some(b)) if b > 100 => {
            return Err(FieldError::new(
                format!("{at}.max_capacity_buffer"),
                format!("{b} is out of range"),
            )
            .allowed("0 to 100 (percent of the forecast capacity)"));
        }
        ("IncreaseMaxCapacity", Some(b)) => {
            MaxCapacityBreach::IncreaseMaxCapacity { buffer_percent: b }
        }
        (other, _) => {
            return Err(FieldError::new(
                format!("{at}.max_capacity_breach_behavior"),
                format!("unknown behavior `{other}`"),
            )
            .allowed("HonorMaxCapacity, IncreaseMaxCapacity"));
        }
    };
    policy.forecaster = match (p.forecaster.as_deref().unwrap_or("seasonal"), p.week_weight) {
        ("seasonal", w) => {
            let mut s = Seasonal::default();
            if let Some(w) = w {
                s.week_weight = fraction(format!("{at}.week_weight"), w)?;
            }
            Arc::new(s)
        }
        ("oracle", None) => Arc::new(Oracle),
        ("oracle", Some(_)) => {
            return Err(FieldError::new(
                format!("{at}.week_weight"),
                "is a setting of the seasonal forecaster; the oracle has none",
            ));
        }
        (other, _) => {
            return Err(FieldError::new(
                format!("{at}.forecaster"),
                format!("unknown forecaster `{other}`"),
            )
            .allowed("seasonal, oracle"));
        }
    };
    Ok(policy)
}

/// The metric specification: a pair, or a scaling and a load metric of one resource.
fn metric(at: &str, m: &PredictiveMetricFile) -> Result<(LoadResource, f64), FieldError> {
    let target = m.target_value;
    if !(target.is_finite() && (1.0..=100.0).contains(&target)) {
        return Err(FieldError::new(
            format!("{at}.target_value"),
            format!("{target} is out of range"),
        )
        .allowed("1 to 100 (percent)"));
    }
    let resource = match (
        m.predefined_metric_pair.as_deref(),
        m.predefined_scaling_metric.as_deref(),
        m.predefined_load_metric.as_deref(),
    ) {
        (Some(pair), None, None) => named(
            format!("{at}.predefined_metric_pair"),
            pair,
            "ECSServiceCPUUtilization",
            "ECSServiceMemoryUtilization",
            PAIRS,
        )?,
        (None, Some(scaling), Some(load)) => {
            let s = named(
                format!("{at}.predefined_scaling_metric"),
                scaling,
                "ECSServiceAverageCPUUtilization",
                "ECSServiceAverageMemoryUtilization",
                SCALING,
            )?;
            let l = named(
                format!("{at}.predefined_load_metric"),
                load,
                "ECSServiceTotalCPUUtilization",
                "ECSServiceTotalMemoryUtilization",
                LOADS,
            )?;
            if s != l {
                return Err(FieldError::new(
                    format!("{at}.predefined_load_metric"),
                    format!(
                        "`{load}` does not measure the resource `{scaling}` scales on; ecsim sizes capacity as forecast load ÷ per-task target, which needs both of one resource"
                    ),
                ));
            }
            s
        }
        (Some(_), _, _) => {
            return Err(FieldError::new(
                format!("{at}.predefined_metric_pair"),
                "give either a metric pair or a scaling and a load metric, not both",
            ));
        }
        _ => {
            return Err(FieldError::new(
                at.to_string(),
                "needs predefined_metric_pair, or both predefined_scaling_metric and predefined_load_metric",
            )
            .allowed(PAIRS));
        }
    };
    Ok((resource, target))
}

fn named(
    field: String,
    name: &str,
    cpu: &str,
    memory: &str,
    allowed: &str,
) -> Result<LoadResource, FieldError> {
    if name == cpu {
        Ok(LoadResource::Cpu)
    } else if name == memory {
        Ok(LoadResource::Memory)
    } else if name.contains("ALB") {
        Err(FieldError::new(
            field,
            format!("`{name}` counts load balancer requests, which ecsim does not model"),
        )
        .allowed(allowed.to_string()))
    } else {
        Err(FieldError::new(field, format!("unknown metric `{name}`")).allowed(allowed.to_string()))
    }
}
