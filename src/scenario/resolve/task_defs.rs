//! `taskDefinitions`: sizes, network mode, ports, health checks.

use super::super::error::FieldError;
use super::super::file::*;
use crate::catalog::{FargatePlatform, round_fargate};
use crate::model::{HealthCheck, NetworkMode, RestartPolicy, TaskDef, TaskDefId};
use crate::time::SimDuration;
use std::collections::HashMap;

/// "512", 512, "0.5 vCPU", "1 vcpu" → CPU units; "1024", "2 GB", "2GB" → MiB.
pub(super) fn amount(
    value: &Amount,
    field: &str,
    units_per_big: f64,
    big_unit: &[&str],
) -> Result<u32, FieldError> {
    let allowed = format!("a number, or text such as \"512\" or \"1 {}\"", big_unit[0]);
    let number = match value {
        Amount::Number(n) => *n,
        Amount::Text(t) => {
            let lower = t.trim().to_ascii_lowercase();
            let (num, scale) = match big_unit
                .iter()
                .find_map(|u| lower.strip_suffix(&u.to_ascii_lowercase()))
            {
                Some(num) => (num.trim().to_string(), units_per_big),
                None => (lower.clone(), 1.0),
            };
            num.parse::<f64>().map(|n| n * scale).map_err(|_| {
                FieldError::new(field, format!("`{t}` is not an amount")).allowed(allowed.clone())
            })?
        }
    };
    if number.is_nan() || number <= 0.0 || number > f64::from(u32::MAX) {
        return Err(FieldError::new(
            field,
            format!("{} is out of range", super::super::estimate::amount(number)),
        )
        .allowed(format!("more than 0 and at most {}; {allowed}", u32::MAX)));
    }
    if matches!(value, Amount::Number(_)) && number.fract() != 0.0 {
        return Err(FieldError::new(
            field,
            format!(
                "{number} is not a whole number of {}; ECS counts these in whole units",
                if big_unit[0] == "vcpu" {
                    "CPU units (1024 = 1 vCPU)"
                } else {
                    "MiB"
                }
            ),
        )
        .allowed(format!(
            "a whole number, or text such as \"{number} {}\"",
            big_unit[0]
        )));
    }
    Ok(number.round() as u32)
}

pub(super) fn task_def(i: usize, t: &TaskDefinitionFile) -> Result<TaskDef, FieldError> {
    let at = format!("taskDefinitions[{i}]");
    let cpu = amount(&t.cpu, &format!("{at}.cpu"), 1024.0, &["vcpu"])?;
    let memory = amount(&t.memory, &format!("{at}.memory"), 1024.0, &["gb", "gib"])?;
    let compat = t
        .requires_compatibilities
        .clone()
        .unwrap_or_else(|| vec!["EC2".into()]);
    let mut ec2 = false;
    let mut fargate = false;
    let mut managed = false;
    for (k, c) in compat.iter().enumerate() {
        match c.as_str() {
            "EC2" => ec2 = true,
            "FARGATE" => fargate = true,
            "MANAGED_INSTANCES" => managed = true,
            other => {
                return Err(FieldError::new(
                    format!("{at}.requiresCompatibilities[{k}]"),
                    format!("unknown launch type `{other}`"),
                )
                .allowed("EC2, FARGATE, MANAGED_INSTANCES"));
            }
        }
    }
    let network_mode = match t.network_mode.as_deref() {
        None if fargate => NetworkMode::Awsvpc,
        None | Some("bridge") => NetworkMode::Bridge,
        Some("awsvpc") => NetworkMode::Awsvpc,
        Some("host") => NetworkMode::Host,
        Some("none") => NetworkMode::None,
        Some(other) => {
            return Err(FieldError::new(
                format!("{at}.networkMode"),
                format!("unknown network mode `{other}`"),
            )
            .allowed("awsvpc, bridge, host, none"));
        }
    };
    if fargate && network_mode != NetworkMode::Awsvpc {
        return Err(
            FieldError::new(format!("{at}.networkMode"), "Fargate tasks must use awsvpc")
                .allowed("awsvpc"),
        );
    }
    let host_ports = t
        .port_mappings
        .iter()
        .filter_map(|m| match network_mode {
            NetworkMode::Host => Some(m.container_port),
            NetworkMode::Bridge => m.host_port.filter(|p| *p != 0),
            _ => None,
        })
        .collect();
    let platform = match &t.runtime_platform {
        None => FargatePlatform::LinuxX86,
        Some(rp) => {
            let windows = rp
                .operating_system_family
                .as_deref()
                .is_some_and(|os| os.starts_with("WINDOWS"));
            match (windows, rp.cpu_architecture.as_deref().unwrap_or("X86_64")) {
                (true, _) => FargatePlatform::Windows,
                (false, "X86_64") => FargatePlatform::LinuxX86,
                (false, "ARM64") => FargatePlatform::LinuxArm,
                (false, other) => {
                    return Err(FieldError::new(
                        format!("{at}.runtimePlatform.cpuArchitecture"),
                        format!("unknown architecture `{other}`"),
                    )
                    .allowed("X86_64, ARM64"));
                }
            }
        }
    };
    let gpu = gpu_count(&at, &t.resource_requirements)?;
    if fargate && gpu > 0 {
        return Err(FieldError::new(
            format!("{at}.resourceRequirements"),
            format!("asks for {gpu} GPU(s), but Fargate has no GPUs"),
        )
        .allowed("requiresCompatibilities = [\"EC2\"] for a task definition that needs GPUs"));
    }
    let fargate_size = if fargate {
        Some(round_fargate(cpu, memory, platform.os()).map_err(|e| {
            FieldError::new(format!("{at}.cpu"), format!("no Fargate size fits: {e}"))
        })?)
    } else {
        None
    };
    let image_size_mb = t.image_size_mb.unwrap_or(100.0);
    if image_size_mb.is_nan() || image_size_mb < 0.0 {
        return Err(FieldError::new(
            format!("{at}.image_size_mb"),
            "cannot be negative",
        ));
    }
    // ECS: stopTimeout defaults to 30 s and may be at most 120 s on Fargate (reference
    // §2.2, [DG-tdp]).
    let stop_timeout = t.stop_timeout.unwrap_or(30);
    if fargate && stop_timeout > 120 {
        return Err(FieldError::new(
            format!("{at}.stopTimeout"),
            format!("{stop_timeout} s is more than Fargate allows"),
        )
        .allowed("0 to 120 seconds for a Fargate-compatible task definition"));
    }
    let stop_timeout = SimDuration::from_secs(u64::from(stop_timeout));
    let stop_after_sigterm = t
        .shutdown_time
        .as_ref()
        .map_or(stop_timeout, |d| d.0.min(stop_timeout));
    let storage = t.ephemeral_storage.as_ref().map_or(20, |e| e.size_in_gi_b);
    if !(20..=200).contains(&storage) {
        return Err(FieldError::new(
            format!("{at}.ephemeralStorage.sizeInGiB"),
            format!("{storage} GiB is out of range"),
        )
        .allowed("20..=200"));
    }
    let restart_policy = restart_policy(&at, t.restart_policy.as_ref())?;
    Ok(TaskDef {
        restart_policy,
        crash_exit_code: t.crash_exit_code.unwrap_or(1),
        family: t.family.clone(),
        cpu,
        memory,
        gpu,
        network_mode,
        host_ports,
        ec2_compatible: ec2,
        fargate_compatible: fargate,
        managed_instances_compatible: managed,
        image_size_mb,
        fargate_size,
        platform,
        ephemeral_storage_gib: storage,
        stop_after_sigterm,
        crash_after: t
            .crash_after
            .as_ref()
            .map(|d| super::workload::duration(&format!("{at}.crash_after"), d))
            .transpose()?,
        start_failure_probability: match t.start_failure_probability {
            Some(p) if !(0.0..=1.0).contains(&p) => {
                return Err(FieldError::new(
                    format!("{at}.start_failure_probability"),
                    format!("{p} is out of range"),
                )
                .allowed("0 to 1"));
            }
            p => p,
        },
    })
}

/// ECS's `restartPolicy` bounds ([DG-restart]): `restartAttemptPeriod` 60–1800 s (300 when
/// unset), at most 50 `ignoredExitCodes`. A disabled policy is no policy.
fn restart_policy(
    at: &str,
    p: Option<&RestartPolicyFile>,
) -> Result<Option<RestartPolicy>, FieldError> {
    let Some(p) = p else {
        return Ok(None);
    };
    let period = p.restart_attempt_period.unwrap_or(300);
    if !(60..=1800).contains(&period) {
        return Err(FieldError::new(
            format!("{at}.restartPolicy.restartAttemptPeriod"),
            format!("{period} s is out of range"),
        )
        .allowed("60 to 1800 seconds (ECS's default is 300)"));
    }
    if p.ignored_exit_codes.len() > 50 {
        return Err(FieldError::new(
            format!("{at}.restartPolicy.ignoredExitCodes"),
            format!(
                "{} exit codes is more than ECS accepts",
                p.ignored_exit_codes.len()
            ),
        )
        .allowed("at most 50 exit codes"));
    }
    Ok(p.enabled.then(|| RestartPolicy {
        ignored_exit_codes: p.ignored_exit_codes.clone(),
        attempt_period: SimDuration::from_secs(u64::from(period)),
    }))
}

/// The GPUs a task definition reserves: the sum of its `GPU` requirements, whole numbers
/// only, since ECS gives each GPU to one task.
fn gpu_count(at: &str, requirements: &[ResourceRequirement]) -> Result<u32, FieldError> {
    let mut total: u32 = 0;
    for (k, r) in requirements.iter().enumerate() {
        let field = format!("{at}.resourceRequirements[{k}]");
        if r.kind != "GPU" {
            return Err(FieldError::new(
                format!("{field}.type"),
                format!("`{}` is not modelled", r.kind),
            )
            .allowed("GPU"));
        }
        let refuse = |message: String| {
            Err(FieldError::new(format!("{field}.value"), message)
                .allowed("a whole number from 1 to 64, e.g. value = \"1\""))
        };
        let count = match &r.value {
            Amount::Number(n) => *n,
            Amount::Text(t) => match t.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => n,
                _ => return refuse(format!("\"{t}\" is not a number of GPUs")),
            },
        };
        if count.fract() != 0.0 {
            return refuse(format!("{count} is not a whole number of GPUs"));
        }
        if !(1.0..=64.0).contains(&count) {
            return refuse(format!("{count} GPUs is not allowed"));
        }
        total = total.saturating_add(count as u32);
    }
    Ok(total)
}

pub(super) fn find_def(
    defs: &[TaskDef],
    family: &str,
    field: &str,
) -> Result<TaskDefId, FieldError> {
    let family = family.split(':').next().unwrap_or(family);
    defs.iter()
        .position(|d| d.family == family)
        .map(|i| TaskDefId(i as u32))
        .ok_or_else(|| unknown_family(defs, family, field))
}

fn unknown_family(defs: &[TaskDef], family: &str, field: &str) -> FieldError {
    let all: Vec<&str> = defs.iter().map(|d| d.family.as_str()).collect();
    FieldError::new(field, format!("no task definition with family `{family}`"))
        .allowed(all.join(", "))
}

/// The task definitions with an index by family: [`find_def`] for many lookups (a
/// trace's job streams, one per size and group).
pub(super) struct Families<'d> {
    defs: &'d [TaskDef],
    by_family: HashMap<&'d str, TaskDefId>,
}

impl<'d> Families<'d> {
    pub(super) fn new(defs: &'d [TaskDef]) -> Families<'d> {
        let by_family = defs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.family.as_str(), TaskDefId(i as u32)))
            .collect();
        Families { defs, by_family }
    }

    pub(super) fn all(&self) -> &'d [TaskDef] {
        self.defs
    }

    pub(super) fn find(&self, family: &str, field: &str) -> Result<TaskDefId, FieldError> {
        let family = family.split(':').next().unwrap_or(family);
        self.by_family
            .get(family)
            .copied()
            .ok_or_else(|| unknown_family(self.defs, family, field))
    }
}

/// A container health check within ECS's ranges (reference §2.2).
pub(super) fn health_check(at: &str, h: &HealthCheckFile) -> Result<HealthCheck, FieldError> {
    let secs = |field: &str,
                v: Option<crate::scenario::duration::DurationText>,
                default: u64,
                lo: u64,
                hi: u64| {
        let d = v.map_or(SimDuration::from_secs(default), |d| d.0);
        if d < SimDuration::from_secs(lo) || d > SimDuration::from_secs(hi) {
            return Err(FieldError::new(
                format!("{at}.{field}"),
                format!("{} s is out of range", d.as_secs_f64()),
            )
            .allowed(format!("{lo} to {hi} seconds")));
        }
        Ok(d)
    };
    let retries = h.retries.unwrap_or(3);
    if !(1..=10).contains(&retries) {
        return Err(FieldError::new(
            format!("{at}.retries"),
            format!("{retries} is out of range"),
        )
        .allowed("1 to 10"));
    }
    Ok(HealthCheck {
        interval: secs("interval", h.interval, 30, 5, 300)?,
        timeout: secs("timeout", h.timeout, 5, 2, 60)?,
        retries,
        start_period: secs("startPeriod", h.start_period, 0, 0, 300)?,
    })
}
