//! The `cluster` section: AZs, instance pools and custom instance types, and instance
//! `timing`.

use super::super::duration::DurationOrNone;
use super::super::error::FieldError;
use super::super::file::*;
use super::check::{MAX_INSTANCE_PRICE_PER_HOUR, bounded, positive};
use super::workload::duration;
use crate::catalog::PriceCatalog;
use crate::model::{AzId, InstanceTypeSpec, PoolSpec, ProvisioningLimits, Timing};
use crate::time::SimDuration;

pub(super) const DEFAULT_AZS: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

pub(super) fn custom_type(
    i: usize,
    t: &CustomInstanceType,
    prices: &PriceCatalog,
) -> Result<InstanceTypeSpec, FieldError> {
    let at = format!("instance_types[{i}]");
    if t.vcpu == 0 {
        return Err(FieldError::new(format!("{at}.vcpu"), "must be at least 1"));
    }
    if t.memory_gib.is_nan() || t.memory_gib <= 0.0 {
        return Err(FieldError::new(
            format!("{at}.memory_gib"),
            "must be positive",
        ));
    }
    if !(0.0..=MAX_INSTANCE_PRICE_PER_HOUR).contains(&t.price_per_hour) {
        return Err(FieldError::new(
            format!("{at}.price_per_hour"),
            format!("{:?} $ per hour is not allowed", t.price_per_hour),
        )
        .allowed(format!(
            "at least 0, at most {MAX_INSTANCE_PRICE_PER_HOUR} $ per hour"
        )));
    }
    let arch = match t.arch.as_str() {
        "x86_64" => "x86_64",
        "arm64" => "arm64",
        other => {
            return Err(FieldError::new(
                format!("{at}.arch"),
                format!("unknown architecture `{other}`"),
            )
            .allowed("x86_64, arm64"));
        }
    };
    let nominal = t.memory_gib * 1024.0;
    Ok(InstanceTypeSpec {
        name: t.name.clone(),
        arch,
        cpu_units: t.vcpu * 1024,
        memory_mib: t
            .registered_memory_mib
            .unwrap_or((nominal * prices.ec2.os_memory_fraction).floor() as u32),
        awsvpc_task_limit: t.max_enis.saturating_sub(1),
        gpus: t.gpus,
        price_per_hour: t.price_per_hour,
    })
}

pub(super) fn pool(
    i: usize,
    p: &PoolFile,
    azs: &[String],
    custom: &[InstanceTypeSpec],
    prices: &PriceCatalog,
) -> Result<PoolSpec, FieldError> {
    let at = format!("cluster.pools[{i}]");
    let instance_type = if let Some(t) = custom.iter().find(|t| t.name == p.instance_type) {
        let mut t = t.clone();
        t.memory_mib = t.memory_mib.saturating_sub(p.reserved_memory_mib);
        t
    } else {
        let t = prices.instance(&p.instance_type).ok_or_else(|| {
            let mut allowed: Vec<&str> = prices.instance_names();
            allowed.extend(custom.iter().map(|t| t.name.as_str()));
            FieldError::new(
                format!("{at}.instance_type"),
                format!("unknown instance type `{}`; define it under [[instance_types]] or pick one from the catalog", p.instance_type),
            )
            .allowed(allowed.join(", "))
        })?;
        InstanceTypeSpec::from_catalog(
            t,
            u64::from(p.reserved_memory_mib),
            prices.ec2.os_memory_fraction,
            p.awsvpc_trunking,
        )
    };
    let os_type = match p.os_type.as_deref().unwrap_or("linux") {
        "linux" => "linux",
        "windows" => "windows",
        other => {
            return Err(
                FieldError::new(format!("{at}.os_type"), format!("unknown OS `{other}`"))
                    .allowed("linux, windows"),
            );
        }
    };
    let mut instance_type = instance_type;
    if os_type == "windows" {
        // Windows pools pay the OS licence per vCPU on top of the Linux list price, the
        // same rule as `PriceCatalog::ec2_hourly_price` (custom types included).
        let vcpu = f64::from(instance_type.cpu_units / 1024);
        instance_type.price_per_hour += vcpu * prices.ec2.windows_license_per_vcpu_hour;
    }
    let pool_azs = listed_azs(
        p.availability_zones.as_deref(),
        azs,
        &at,
        "needs at least one AZ",
    )?;
    if p.spot_interruption.is_some() && !p.spot {
        return Err(FieldError::new(
            format!("{at}.spot_interruption"),
            "only Spot pools are interrupted",
        )
        .allowed("set spot = true on the pool, or remove spot_interruption"));
    }
    Ok(PoolSpec {
        instance_failure: p
            .instance_failure
            .as_ref()
            .map(|d| duration(&format!("{at}.instance_failure"), d))
            .transpose()?,
        spot_interruption: p
            .spot_interruption
            .as_ref()
            .map(|d| duration(&format!("{at}.spot_interruption"), d))
            .transpose()?,
        name: p.name.clone(),
        instance_type,
        count: bounded(format!("{at}.count"), p.count)?,
        azs: pool_azs,
        attributes: p
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        spot: p.spot,
        os_type,
        reserved_ports: p
            .reserved_ports
            .clone()
            .unwrap_or_else(|| crate::model::AGENT_RESERVED_PORTS.to_vec()),
        spot_instance_draining: p.spot_instance_draining.unwrap_or(false),
        // Settled once the services and jobs are known: see `default_managed_draining`.
        managed_draining: p.managed_draining.unwrap_or(false),
        managed_scaling: p
            .managed_scaling
            .as_ref()
            .map(|m| super::scaling::managed(&format!("{at}.managed_scaling"), m, p.count))
            .transpose()?,
    })
}

/// ECS turns managed draining on by default for a new Auto Scaling group capacity provider
/// (reference §4.2, [DG-managed-draining]): a pool is one when it has managed scaling or a
/// service or job names it in its `capacityProviderStrategy`. A pool its tasks reach only
/// through `launchType = "EC2"` has no capacity provider, so nothing drains it but the
/// agent (`spot_instance_draining`). A pool that sets `managedDraining` keeps its value.
pub(super) fn default_managed_draining<'a>(
    pools: &mut [PoolSpec],
    files: &[PoolFile],
    launches: impl Iterator<Item = &'a crate::model::LaunchSpec>,
) {
    let mut provider = vec![false; pools.len()];
    for launch in launches {
        if let crate::model::LaunchSpec::Providers(shares) = launch {
            for share in shares {
                if let crate::model::Provider::Pool(p) = share.provider {
                    provider[p.index()] = true;
                }
            }
        }
    }
    for ((pool, file), provider) in pools.iter_mut().zip(files).zip(provider) {
        if file.managed_draining.is_none() {
            pool.managed_draining = provider || pool.managed_scaling.is_some();
        }
    }
}

/// Fargate's launch bucket (ecs-current §4.5, [DG-throttling]): burst 100, 20 tasks per
/// second. Textbook queues (`timing.instant`) launch without limit unless a field is set,
/// as they wait for no PROVISIONING limit either.
pub(super) fn fargate_launch_rate(
    f: &FargateFile,
    t: &TimingFile,
) -> Result<Option<crate::model::LaunchRate>, FieldError> {
    if t.instant && f.launch_burst.is_none() && f.launch_rate_per_s.is_none() {
        return Ok(None);
    }
    let burst = match f.launch_burst {
        Some(CountOrNone::None) => return Ok(None),
        Some(CountOrNone::Count(0)) => {
            return Err(FieldError::new(
                "fargate.launch_burst",
                "0 would let no Fargate task launch",
            )
            .allowed("at least 1, or \"none\" for no limit; default 100"));
        }
        Some(CountOrNone::Count(n)) => n,
        None => 100,
    };
    let per_second = f.launch_rate_per_s.unwrap_or(20.0);
    if !(per_second > 0.0 && per_second <= 1_000_000.0) {
        return Err(FieldError::new(
            "fargate.launch_rate_per_s",
            format!("{per_second} is out of range"),
        )
        .allowed("tasks per second above 0, at most 1000000; default 20"));
    }
    Ok(Some(crate::model::LaunchRate { burst, per_second }))
}

pub(super) fn timing(t: &TimingFile) -> Result<Timing, FieldError> {
    let base = if t.instant {
        Timing::instant()
    } else {
        Timing {
            eni_attach: SimDuration::from_secs(6),
            fargate_provisioning: SimDuration::from_secs(20),
            ec2_pull_mb_per_s: 50.0,
            fargate_pull_mb_per_s: 15.0,
            pull_overhead: SimDuration::from_secs(3),
            container_start: SimDuration::from_secs(2),
            ec2_image_cache: true,
            instance_launch: SimDuration::from_secs(120),
        }
    };
    let d = |v: &Option<crate::scenario::duration::DurationText>, default: SimDuration| {
        v.map_or(default, |x| x.0)
    };
    Ok(Timing {
        eni_attach: d(&t.eni_attach, base.eni_attach),
        fargate_provisioning: d(&t.fargate_provisioning, base.fargate_provisioning),
        ec2_pull_mb_per_s: match t.ec2_pull_mb_per_s {
            Some(v) => positive("timing.ec2_pull_mb_per_s".into(), v)?,
            None => base.ec2_pull_mb_per_s,
        },
        fargate_pull_mb_per_s: match t.fargate_pull_mb_per_s {
            Some(v) => positive("timing.fargate_pull_mb_per_s".into(), v)?,
            None => base.fargate_pull_mb_per_s,
        },
        pull_overhead: d(&t.pull_overhead, base.pull_overhead),
        container_start: d(&t.container_start, base.container_start),
        ec2_image_cache: t.ec2_image_cache.unwrap_or(base.ec2_image_cache),
        instance_launch: d(&t.instance_launch, base.instance_launch),
    })
}

/// ECS's quota on tasks in PROVISIONING per cluster: 100 in 2020 (Deep Dive on Amazon ECS
/// Cluster Auto Scaling), 300 on the quota page in 2022 (containers-roadmap #1780), 500 on
/// later quota pages. The current figure, so a scenario of today's ECS is refused where
/// today's ECS would refuse it.
pub(super) const DEFAULT_MAX_PROVISIONING_TASKS: u32 = 500;

/// "between 10 and 30 minutes" (the same 2020 post): the upper end, so a task is never
/// stopped before ECS could have stopped it.
pub(super) const DEFAULT_PROVISIONING_TIMEOUT: SimDuration = SimDuration(30 * 60 * 1000);

/// The PROVISIONING limits. Textbook-queue scenarios (`timing.instant`) have a queue of
/// unlimited room and patience unless they set a limit themselves.
pub(super) fn provisioning(
    c: &ClusterFile,
    t: &TimingFile,
) -> Result<ProvisioningLimits, FieldError> {
    let max_tasks = match c.max_provisioning_tasks {
        Some(CountOrNone::Count(0)) => {
            return Err(FieldError::new(
                "cluster.max_provisioning_tasks",
                "0 would refuse every task sent to a capacity provider",
            )
            .allowed(format!(
                "at least 1, or \"none\" for no limit; default {DEFAULT_MAX_PROVISIONING_TASKS}"
            )));
        }
        Some(CountOrNone::Count(n)) => Some(n),
        Some(CountOrNone::None) => None,
        None if t.instant => None,
        None => Some(DEFAULT_MAX_PROVISIONING_TASKS),
    };
    let timeout = match c.provisioning_timeout {
        Some(DurationOrNone::After(d)) if d.0 == SimDuration::ZERO => {
            return Err(FieldError::new(
                "cluster.provisioning_timeout",
                "0s would stop a task the moment it waits for capacity",
            )
            .allowed("a positive duration such as \"10m\", or \"none\" to wait for ever; default \"30m\""));
        }
        Some(DurationOrNone::After(d)) => Some(d.0),
        Some(DurationOrNone::None) => None,
        None if t.instant => None,
        None => Some(DEFAULT_PROVISIONING_TIMEOUT),
    };
    Ok(ProvisioningLimits { max_tasks, timeout })
}

/// The cluster's AZs a pool or provider names (all of them when it names none), each name
/// checked against the cluster's; `empty` says why an empty list is refused.
pub(super) fn listed_azs(
    list: Option<&[String]>,
    azs: &[String],
    at: &str,
    empty: &str,
) -> Result<Vec<AzId>, FieldError> {
    let resolved = match list {
        None => (0..azs.len()).map(|a| AzId(a as u32)).collect(),
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(k, name)| {
                azs.iter()
                    .position(|a| a == name)
                    .map(|a| AzId(a as u32))
                    .ok_or_else(|| {
                        FieldError::new(
                            format!("{at}.availability_zones[{k}]"),
                            format!("`{name}` is not one of the cluster's AZs"),
                        )
                        .allowed(azs.join(", "))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    if resolved.is_empty() {
        return Err(FieldError::new(format!("{at}.availability_zones"), empty));
    }
    Ok(resolved)
}
