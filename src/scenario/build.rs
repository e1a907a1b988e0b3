//! Turns the file's description into the runtime config: names resolved against the
//! catalog and each other, sizes rounded, units converted, every rule checked.

use super::error::FieldError;
use super::file::*;
use crate::catalog::{self, FargatePlatform, PriceCatalog, round_fargate};
use crate::model::{
    Action, AzId, AzOutage, BillingSpec, CircuitBreaker, Deployment, DeploymentConfig, FailureSpec,
    FargateSpec, GroupId, HealthCheck, InstanceTypeSpec, JobSpec, LaunchSpec, NetworkMode,
    Placement, PlacementConstraint, PlacementStrategy, PoolId, PoolSpec, Provider, ProviderShare,
    Resource, RestartBackoff, ScheduledAction, ServiceSpec, SimConfig, SpreadField, TaskDef,
    TaskDefId, Timing,
};
use crate::query::Expr;
use crate::time::{SimDuration, SimTime};
use crate::workload::{ArrivalProcess, DurationDist};

const DEFAULT_AZS: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
const AZ_ATTRIBUTE: &str = "ecs.availability-zone";
const MAX_STRATEGIES: usize = 5;
/// The largest count of tasks or instances one field may ask for. ECS's own quotas are far
/// lower (5,000 tasks per service); the cap keeps a typo from exhausting memory.
pub(super) const MAX_COUNT: u32 = 1_000_000;

pub(super) fn bounded(field: String, value: u32) -> Result<u32, FieldError> {
    if value > MAX_COUNT {
        Err(FieldError::new(field, format!("{value} is too large"))
            .allowed(format!("at most {MAX_COUNT}")))
    } else {
        Ok(value)
    }
}
const MAX_CONSTRAINTS: usize = 10;
/// Ten million events at one millisecond is far beyond any real burst (a million tasks
/// placed at time 0 take about three events each) yet reached within seconds by a loop.
pub const DEFAULT_EVENTS_PER_INSTANT: u64 = 10_000_000;

pub fn build(
    file: ScenarioFile,
    default_name: &str,
    prices: &PriceCatalog,
) -> Result<SimConfig, FieldError> {
    let horizon = SimTime::ZERO + file.horizon.0;
    if horizon == SimTime::ZERO {
        return Err(FieldError::new("horizon", "must be longer than zero"));
    }
    let warmup = SimTime::ZERO + file.warmup.map_or(SimDuration::ZERO, |d| d.0);
    if warmup >= horizon {
        return Err(FieldError::new("warmup", "must end before the horizon")
            .allowed(format!("less than {} s", horizon.as_secs_f64())));
    }
    let sample_interval = file
        .sample_interval
        .map_or(SimDuration::from_secs(60), |d| d.0);
    if sample_interval == SimDuration::ZERO {
        return Err(FieldError::new(
            "sample_interval",
            "must be longer than zero",
        ));
    }
    let azs: Vec<String> = file
        .cluster
        .availability_zones
        .clone()
        .unwrap_or_else(|| DEFAULT_AZS.iter().map(|s| s.to_string()).collect());
    if azs.is_empty() {
        return Err(FieldError::new(
            "cluster.availability_zones",
            "needs at least one AZ",
        ));
    }
    for (k, az) in azs.iter().enumerate() {
        if azs[..k].contains(az) {
            return Err(FieldError::new(
                format!("cluster.availability_zones[{k}]"),
                format!("`{az}` is listed twice"),
            )
            .allowed("each AZ name once"));
        }
    }
    if let Some(name) = &file.name {
        plain_file_name(name)?;
    }
    let custom: Vec<InstanceTypeSpec> = file
        .instance_types
        .iter()
        .enumerate()
        .map(|(i, t)| custom_type(i, t, prices))
        .collect::<Result<_, _>>()?;
    let pools = file
        .cluster
        .pools
        .iter()
        .enumerate()
        .map(|(i, p)| pool(i, p, &azs, &custom, prices))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, p) in file.cluster.pools.iter().enumerate() {
        if file.cluster.pools[..i].iter().any(|o| o.name == p.name) {
            return Err(FieldError::new(
                format!("cluster.pools[{i}].name"),
                format!("pool `{}` is defined twice", p.name),
            ));
        }
    }
    for (i, t) in file.task_definitions.iter().enumerate() {
        if file.task_definitions[..i]
            .iter()
            .any(|o| o.family == t.family)
        {
            return Err(FieldError::new(
                format!("taskDefinitions[{i}].family"),
                format!("task definition family `{}` is defined twice", t.family),
            ));
        }
    }
    let task_defs = file
        .task_definitions
        .iter()
        .enumerate()
        .map(|(i, t)| task_def(i, t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut names = Names {
        groups: Vec::new(),
        spread_keys: vec![AZ_ATTRIBUTE.to_string()],
    };
    let mut services = Vec::new();
    for (i, s) in file.services.iter().enumerate() {
        let at = format!("services[{i}]");
        if file.services[..i].iter().any(|o| o.name == s.name) {
            return Err(FieldError::new(
                format!("{at}.name"),
                format!("service `{}` is defined twice", s.name),
            ));
        }
        let def = find_def(
            &task_defs,
            &s.task_definition,
            &format!("{at}.taskDefinition"),
        )?;
        let launch = launch(
            &at,
            s.launch_type.as_deref(),
            s.capacity_provider_strategy.as_deref(),
            &pools,
        )?;
        check_compatible(&at, &task_defs[def.index()], &launch)?;
        let mut strategies = strategies(&at, &s.placement_strategy, &mut names)?;
        if s.placement_strategy.is_empty() && s.scheduling_strategy.as_deref() != Some("DAEMON") {
            // ECS's service default: balance AZs, then instances, by this service's tasks.
            strategies = vec![
                PlacementStrategy::Spread(SpreadField::Attribute(0)),
                PlacementStrategy::Spread(SpreadField::InstanceId),
            ];
        }
        let start_failure_probability = s.start_failure_probability.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&start_failure_probability) {
            return Err(FieldError::new(
                format!("{at}.start_failure_probability"),
                format!("{start_failure_probability} is out of range"),
            )
            .allowed("0 to 1"));
        }
        let daemon = match s.scheduling_strategy.as_deref() {
            None | Some("REPLICA") => false,
            Some("DAEMON") => true,
            Some(other) => {
                return Err(FieldError::new(
                    format!("{at}.schedulingStrategy"),
                    format!("`{other}` is not a scheduling strategy"),
                )
                .allowed("REPLICA, DAEMON"));
            }
        };
        let scaling = super::scaling::service(&at, s)?;
        let desired_count = if daemon {
            daemon_rules(&at, s, &launch)?;
            0
        } else {
            let Some(desired) = s.desired_count else {
                return Err(FieldError::new(
                    format!("{at}.desiredCount"),
                    "is required for a REPLICA service",
                ));
            };
            let desired = bounded(format!("{at}.desiredCount"), desired)?;
            // Registering the scalable target moves desired into [min, max].
            scaling
                .auto_scaling
                .as_ref()
                .map_or(desired, |a| desired.clamp(a.min, a.max))
        };
        let (deployment, deployments) = deployments(&at, s, &task_defs, &launch, def, horizon)?;
        let health_check = s
            .health_check
            .as_ref()
            .map(|h| health_check(&format!("{at}.healthCheck"), h))
            .transpose()?;
        services.push(ServiceSpec {
            hung_after: s
                .hung_after
                .as_ref()
                .map(|d| duration(&format!("{at}.hung_after"), d))
                .transpose()?,
            health_check,
            health_check_grace: SimDuration::from_secs(u64::from(
                s.health_check_grace_period_seconds.unwrap_or(0),
            )),
            deregistration_delay: s.load_balancer.as_ref().map_or(SimDuration::ZERO, |lb| {
                lb.deregistration_delay
                    .map_or(SimDuration::from_secs(300), |d| d.0)
            }),
            daemon,
            deployment,
            deployments,
            name: s.name.clone(),
            task_def: def,
            desired_count,
            crash_after: s
                .crash_after
                .as_ref()
                .map(|d| duration(&format!("{at}.crash_after"), d))
                .transpose()?,
            start_failure_probability,
            scaling,
            launch,
            placement: Placement {
                strategies,
                constraints: constraints(&at, &s.placement_constraints)?,
                group: names.group(&format!("service:{}", s.name)),
            },
        });
    }
    let mut jobs = Vec::new();
    for (i, j) in file.jobs.iter().enumerate() {
        let at = format!("jobs[{i}]");
        if file.jobs[..i].iter().any(|o| o.name == j.name) {
            return Err(FieldError::new(
                format!("{at}.name"),
                format!("job stream `{}` is defined twice", j.name),
            ));
        }
        let def = find_def(
            &task_defs,
            &j.task_definition,
            &format!("{at}.taskDefinition"),
        )?;
        let launch = launch(
            &at,
            j.launch_type.as_deref(),
            j.capacity_provider_strategy.as_deref(),
            &pools,
        )?;
        check_compatible(&at, &task_defs[def.index()], &launch)?;
        let group = j
            .group
            .clone()
            .unwrap_or_else(|| format!("family:{}", task_defs[def.index()].family));
        jobs.push(JobSpec {
            name: j.name.clone(),
            task_def: def,
            arrival: arrival(&format!("{at}.arrival"), &j.arrival)?,
            duration: duration(&format!("{at}.duration"), &j.duration)?,
            launch,
            placement: Placement {
                strategies: strategies(&at, &j.placement_strategy, &mut names)?,
                constraints: constraints(&at, &j.placement_constraints)?,
                group: names.group(&group),
            },
        });
    }
    let failures = failures(&file.failures, &azs, &pools, &services, horizon)?;
    let commitments = super::commitments::build(&file.commitments, &pools, prices, horizon)?;
    Ok(SimConfig {
        failures,
        name: file.name.unwrap_or_else(|| default_name.to_string()),
        seed: file.seed.unwrap_or(1),
        horizon,
        warmup,
        sample_interval,
        availability_zones: azs,
        subnet_ips_per_az: file.cluster.subnet_ips_per_az,
        pools,
        fargate: FargateSpec {
            max_concurrent_tasks: file.fargate.max_concurrent_tasks,
            rates: prices.fargate.clone(),
            spot_interruption: file
                .fargate
                .spot_interruption
                .as_ref()
                .map(|d| duration("fargate.spot_interruption", d))
                .transpose()?,
        },
        task_defs,
        services,
        jobs,
        timing: timing(&file.timing)?,
        groups: names.groups,
        spread_keys: names.spread_keys,
        events_per_instant: match file.limits.events_per_instant {
            Some(0) => {
                return Err(FieldError::new(
                    "limits.events_per_instant",
                    "0 would stop every run at its first event",
                )
                .allowed(format!("at least 1; default {DEFAULT_EVENTS_PER_INSTANT}")));
            }
            Some(n) => n,
            None => DEFAULT_EVENTS_PER_INSTANT,
        },
        billing: BillingSpec {
            ec2_minimum: SimDuration(prices.ec2.minimum_ms(catalog::Ec2Os::Linux)),
            ec2_spot_discount: prices.ec2.spot_discount,
            commitments,
        },
    })
}

/// The scenario name becomes a directory under `output/`: it must stay there.
fn plain_file_name(name: &str) -> Result<(), FieldError> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !std::path::Path::new(name).is_absolute();
    if plain {
        Ok(())
    } else {
        Err(FieldError::new(
            "name",
            format!("\"{name}\" is not a plain file name; the name becomes the output directory output/<name>/"),
        )
        .allowed("a name without / or \\, not . or .., such as \"web-peak\""))
    }
}

struct Names {
    groups: Vec<String>,
    spread_keys: Vec<String>,
}

impl Names {
    fn group(&mut self, name: &str) -> GroupId {
        GroupId(intern(&mut self.groups, name) as u32)
    }
}

fn intern(list: &mut Vec<String>, name: &str) -> usize {
    list.iter().position(|n| n == name).unwrap_or_else(|| {
        list.push(name.to_string());
        list.len() - 1
    })
}

fn custom_type(
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
    if t.price_per_hour.is_nan() || t.price_per_hour < 0.0 {
        return Err(FieldError::new(
            format!("{at}.price_per_hour"),
            "cannot be negative",
        ));
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
        price_per_hour: t.price_per_hour,
    })
}

fn pool(
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
    let pool_azs = match &p.availability_zones {
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
    if pool_azs.is_empty() {
        return Err(FieldError::new(
            format!("{at}.availability_zones"),
            "needs at least one AZ",
        ));
    }
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
        managed_scaling: p
            .managed_scaling
            .as_ref()
            .map(|m| super::scaling::managed(&format!("{at}.managed_scaling"), m, p.count))
            .transpose()?,
    })
}

/// "512", 512, "0.5 vCPU", "1 vcpu" → CPU units; "1024", "2 GB", "2GB" → MiB.
fn amount(
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
            format!("{} is out of range", super::estimate::amount(number)),
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

fn task_def(i: usize, t: &TaskDefinitionFile) -> Result<TaskDef, FieldError> {
    let at = format!("taskDefinitions[{i}]");
    let cpu = amount(&t.cpu, &format!("{at}.cpu"), 1024.0, &["vcpu"])?;
    let memory = amount(&t.memory, &format!("{at}.memory"), 1024.0, &["gb", "gib"])?;
    let compat = t
        .requires_compatibilities
        .clone()
        .unwrap_or_else(|| vec!["EC2".into()]);
    let mut ec2 = false;
    let mut fargate = false;
    for (k, c) in compat.iter().enumerate() {
        match c.as_str() {
            "EC2" => ec2 = true,
            "FARGATE" => fargate = true,
            other => {
                return Err(FieldError::new(
                    format!("{at}.requiresCompatibilities[{k}]"),
                    format!("unknown launch type `{other}`"),
                )
                .allowed("EC2, FARGATE"));
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
    Ok(TaskDef {
        family: t.family.clone(),
        cpu,
        memory,
        network_mode,
        host_ports,
        ec2_compatible: ec2,
        fargate_compatible: fargate,
        image_size_mb,
        fargate_size,
        platform,
        ephemeral_storage_gib: storage,
        stop_after_sigterm,
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

fn find_def(defs: &[TaskDef], family: &str, field: &str) -> Result<TaskDefId, FieldError> {
    let family = family.split(':').next().unwrap_or(family);
    defs.iter()
        .position(|d| d.family == family)
        .map(|i| TaskDefId(i as u32))
        .ok_or_else(|| {
            let all: Vec<&str> = defs.iter().map(|d| d.family.as_str()).collect();
            FieldError::new(field, format!("no task definition with family `{family}`"))
                .allowed(all.join(", "))
        })
}

fn launch(
    at: &str,
    launch_type: Option<&str>,
    strategy: Option<&[CapacityProviderItem]>,
    pools: &[PoolSpec],
) -> Result<LaunchSpec, FieldError> {
    match (launch_type, strategy) {
        (Some(_), Some(_)) => Err(FieldError::new(
            format!("{at}.launchType"),
            "launchType and capacityProviderStrategy are mutually exclusive, as in ECS",
        )),
        (None, None) | (Some("EC2"), None) => Ok(LaunchSpec::Ec2),
        (Some("FARGATE"), None) => Ok(LaunchSpec::Fargate),
        (Some(other), None) => Err(FieldError::new(
            format!("{at}.launchType"),
            format!("unknown launch type `{other}`"),
        )
        .allowed("EC2, FARGATE")),
        (None, Some(items)) => {
            if items.is_empty() || items.len() > 6 {
                return Err(FieldError::new(
                    format!("{at}.capacityProviderStrategy"),
                    "needs 1 to 6 providers",
                ));
            }
            let mut shares = Vec::new();
            for (k, item) in items.iter().enumerate() {
                let provider = match item.capacity_provider.as_str() {
                    "FARGATE" => Provider::Fargate,
                    "FARGATE_SPOT" => Provider::FargateSpot,
                    name => Provider::Pool(
                        pools
                            .iter()
                            .position(|p| p.name == name)
                            .map(|p| PoolId(p as u32))
                            .ok_or_else(|| {
                                let mut all: Vec<String> =
                                    pools.iter().map(|p| p.name.clone()).collect();
                                all.extend(["FARGATE".into(), "FARGATE_SPOT".into()]);
                                FieldError::new(
                                    format!("{at}.capacityProviderStrategy[{k}].capacityProvider"),
                                    format!("unknown capacity provider `{name}`"),
                                )
                                .allowed(all.join(", "))
                            })?,
                    ),
                };
                shares.push(ProviderShare {
                    provider,
                    base: item.base,
                    weight: item.weight,
                });
            }
            if shares.iter().filter(|s| s.base > 0).count() > 1 {
                return Err(FieldError::new(
                    format!("{at}.capacityProviderStrategy"),
                    "only one provider may have a base, as in ECS",
                ));
            }
            let fargate = shares
                .iter()
                .filter(|s| !matches!(s.provider, Provider::Pool(_)))
                .count();
            if fargate != 0 && fargate != shares.len() {
                return Err(FieldError::new(
                    format!("{at}.capacityProviderStrategy"),
                    "a strategy mixes Fargate and Auto Scaling group providers; ECS does not allow that",
                ));
            }
            if shares.iter().all(|s| s.weight == 0) {
                return Err(FieldError::new(
                    format!("{at}.capacityProviderStrategy"),
                    "every weight is 0, so no task could be placed beyond the base",
                )
                .allowed("a weight of at least 1 on some provider"));
            }
            Ok(LaunchSpec::Providers(shares))
        }
    }
}

fn check_compatible(at: &str, def: &TaskDef, launch: &LaunchSpec) -> Result<(), FieldError> {
    let (needs_ec2, needs_fargate) = match launch {
        LaunchSpec::Ec2 => (true, false),
        LaunchSpec::Fargate => (false, true),
        LaunchSpec::Providers(s) => (
            s.iter().any(|p| matches!(p.provider, Provider::Pool(_))),
            s.iter().any(|p| !matches!(p.provider, Provider::Pool(_))),
        ),
    };
    if needs_ec2 && !def.ec2_compatible {
        return Err(FieldError::new(
            format!("{at}.taskDefinition"),
            format!("task definition `{}` is not EC2-compatible", def.family),
        )
        .allowed("add \"EC2\" to its requiresCompatibilities"));
    }
    if needs_fargate && !def.fargate_compatible {
        return Err(FieldError::new(
            format!("{at}.taskDefinition"),
            format!("task definition `{}` is not Fargate-compatible", def.family),
        )
        .allowed("add \"FARGATE\" to its requiresCompatibilities"));
    }
    check_fargate_spot_platform(at, def, launch)
}

/// Fargate Spot runs Linux X86_64 tasks only: no Windows, no ARM64 (reference, "Resolved
/// since the first edition", [DG-fargate-cp-2026]).
fn check_fargate_spot_platform(
    at: &str,
    def: &TaskDef,
    launch: &LaunchSpec,
) -> Result<(), FieldError> {
    let LaunchSpec::Providers(shares) = launch else {
        return Ok(());
    };
    let platform = match def.platform {
        FargatePlatform::LinuxX86 => return Ok(()),
        FargatePlatform::LinuxArm => "Linux ARM64",
        FargatePlatform::Windows => "Windows",
    };
    if shares.iter().any(|s| s.provider == Provider::FargateSpot) {
        return Err(FieldError::new(
            format!("{at}.taskDefinition"),
            format!(
                "task definition `{}` is {platform}, and FARGATE_SPOT runs only Linux X86_64 tasks, as in ECS",
                def.family
            ),
        )
        .allowed("a Linux X86_64 task definition, or FARGATE in place of FARGATE_SPOT"));
    }
    Ok(())
}

fn strategies(
    at: &str,
    list: &[PlacementStrategyFile],
    names: &mut Names,
) -> Result<Vec<PlacementStrategy>, FieldError> {
    if list.len() > MAX_STRATEGIES {
        return Err(FieldError::new(
            format!("{at}.placementStrategy"),
            format!("{} rules; ECS allows at most {MAX_STRATEGIES}", list.len()),
        ));
    }
    list.iter()
        .enumerate()
        .map(|(k, s)| {
            let here = format!("{at}.placementStrategy[{k}]");
            let field = s.field.as_deref();
            match (s.kind.as_str(), field) {
                ("binpack", Some("cpu")) => Ok(PlacementStrategy::Binpack(Resource::Cpu)),
                ("binpack", Some("memory")) => Ok(PlacementStrategy::Binpack(Resource::Memory)),
                ("binpack", other) => Err(FieldError::new(
                    format!("{here}.field"),
                    format!("binpack needs field cpu or memory, not {}", given(other)),
                )
                .allowed("cpu, memory")),
                ("spread", Some("instanceId" | "host")) => {
                    Ok(PlacementStrategy::Spread(SpreadField::InstanceId))
                }
                ("spread", Some(f)) if f.starts_with("attribute:") => {
                    let name = &f["attribute:".len()..];
                    Ok(PlacementStrategy::Spread(SpreadField::Attribute(intern(
                        &mut names.spread_keys,
                        name,
                    ))))
                }
                ("spread", other) => Err(FieldError::new(
                    format!("{here}.field"),
                    format!("spread needs a field, not {}", given(other)),
                )
                .allowed(
                    "instanceId, host, attribute:<name> such as attribute:ecs.availability-zone",
                )),
                ("random", None) => Ok(PlacementStrategy::Random),
                ("random", Some(_)) => Err(FieldError::new(
                    format!("{here}.field"),
                    "random takes no field",
                )),
                (other, _) => Err(FieldError::new(
                    format!("{here}.type"),
                    format!("unknown placement strategy `{other}`"),
                )
                .allowed("binpack, spread, random")),
            }
        })
        .collect()
}

/// An optional text field as the user wrote it: `"disk"`, or "none" when absent.
fn given(value: Option<&str>) -> String {
    value.map_or_else(|| "none".to_string(), |v| format!("\"{v}\""))
}

fn constraints(
    at: &str,
    list: &[PlacementConstraintFile],
) -> Result<Vec<PlacementConstraint>, FieldError> {
    if list.len() > MAX_CONSTRAINTS {
        return Err(FieldError::new(
            format!("{at}.placementConstraints"),
            format!(
                "{} constraints; ECS allows at most {MAX_CONSTRAINTS}",
                list.len()
            ),
        ));
    }
    list.iter()
        .enumerate()
        .map(|(k, c)| {
            let here = format!("{at}.placementConstraints[{k}]");
            match (c.kind.as_str(), c.expression.as_deref()) {
                ("distinctInstance", None) => Ok(PlacementConstraint::DistinctInstance),
                ("distinctInstance", Some(_)) => Err(FieldError::new(
                    format!("{here}.expression"),
                    "distinctInstance takes no expression",
                )),
                ("memberOf", Some(e)) => {
                    Expr::parse(e)
                        .map(PlacementConstraint::MemberOf)
                        .map_err(|err| {
                            FieldError::new(
                                format!("{here}.expression"),
                                format!("cluster query: {err}"),
                            )
                        })
                }
                ("memberOf", None) => Err(FieldError::new(
                    format!("{here}.expression"),
                    "memberOf needs an expression",
                )
                .allowed("a cluster query such as \"attribute:ecs.instance-type =~ t3.*\"")),
                (other, _) => Err(FieldError::new(
                    format!("{here}.type"),
                    format!("unknown placement constraint `{other}`"),
                )
                .allowed("distinctInstance, memberOf")),
            }
        })
        .collect()
}

fn positive(field: String, value: f64) -> Result<f64, FieldError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(FieldError::new(field, format!("{value} is not allowed")).allowed("a positive number"))
    }
}

fn arrival(at: &str, a: &ArrivalFile) -> Result<ArrivalProcess, FieldError> {
    Ok(match a {
        ArrivalFile::Poisson {
            rate_per_hour,
            rate_per_s,
        } => {
            let rate = match (rate_per_hour, rate_per_s) {
                (Some(h), None) => positive(format!("{at}.rate_per_hour"), *h)? / 3600.0,
                (None, Some(s)) => positive(format!("{at}.rate_per_s"), *s)?,
                _ => {
                    return Err(FieldError::new(
                        at,
                        "poisson needs exactly one of rate_per_hour, rate_per_s",
                    ));
                }
            };
            ArrivalProcess::Poisson { rate_per_s: rate }
        }
        ArrivalFile::FixedInterval { interval, start } => {
            if interval.0 == SimDuration::ZERO {
                return Err(FieldError::new(
                    format!("{at}.interval"),
                    "must be longer than zero",
                ));
            }
            ArrivalProcess::FixedInterval {
                interval: interval.0,
                start: start.map_or(SimDuration::ZERO, |s| s.0),
            }
        }
        ArrivalFile::DailyCycle {
            mean_rate_per_hour,
            amplitude,
            peak,
        } => {
            if !(0.0..=1.0).contains(amplitude) {
                return Err(FieldError::new(
                    format!("{at}.amplitude"),
                    format!("{amplitude} is out of range"),
                )
                .allowed("0 to 1"));
            }
            ArrivalProcess::DailyCycle {
                mean_rate_per_s: positive(format!("{at}.mean_rate_per_hour"), *mean_rate_per_hour)?
                    / 3600.0,
                amplitude: *amplitude,
                peak: peak.map_or(SimDuration::from_secs(14 * 3600), |p| p.0),
            }
        }
        ArrivalFile::Scheduled {
            times,
            count,
            every,
        } => {
            let mut sorted: Vec<SimDuration> = times.iter().map(|t| t.0).collect();
            sorted.sort();
            if let Some(p) = every {
                if sorted.last().is_some_and(|last| *last >= p.0) {
                    return Err(FieldError::new(
                        format!("{at}.times"),
                        "every time must fall inside one `every` period",
                    ));
                }
            }
            ArrivalProcess::Scheduled {
                times: sorted,
                count: bounded(format!("{at}.count"), *count)?,
                every: every.map(|e| e.0),
            }
        }
        ArrivalFile::Replay(rows) => ArrivalProcess::Trace(rows.clone()),
    })
}

fn duration(at: &str, d: &DurationFile) -> Result<DurationDist, FieldError> {
    Ok(match d {
        DurationFile::Constant { value } => DurationDist::Constant(value.0),
        DurationFile::Exponential { mean } => DurationDist::Exponential {
            mean_s: positive(format!("{at}.mean"), mean.0.as_secs_f64())?,
        },
        DurationFile::Lognormal { mean, std_dev } => DurationDist::LogNormal {
            mean_s: positive(format!("{at}.mean"), mean.0.as_secs_f64())?,
            std_dev_s: positive(format!("{at}.std_dev"), std_dev.0.as_secs_f64())?,
        },
        DurationFile::Uniform { min, max } => {
            if max.0 < min.0 {
                return Err(FieldError::new(
                    format!("{at}.max"),
                    "must not be below min",
                ));
            }
            DurationDist::Uniform {
                min_s: min.0.as_secs_f64(),
                max_s: max.0.as_secs_f64(),
            }
        }
    })
}

fn timing(t: &TimingFile) -> Result<Timing, FieldError> {
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
    let d = |v: &Option<super::duration::DurationText>, default: SimDuration| {
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

/// A container health check within ECS's ranges (reference §2.2).
fn health_check(at: &str, h: &HealthCheckFile) -> Result<HealthCheck, FieldError> {
    let secs =
        |field: &str, v: Option<super::duration::DurationText>, default: u64, lo: u64, hi: u64| {
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

/// What a DAEMON service may not have (reference §3.1): a desired count, a placement
/// strategy, Fargate or a capacity provider strategy, auto scaling; and, in the simulator,
/// deployments.
fn daemon_rules(at: &str, s: &ServiceFile, launch: &LaunchSpec) -> Result<(), FieldError> {
    let no =
        |field: &str, why: &str| Err(FieldError::new(format!("{at}.{field}"), why.to_string()));
    if s.desired_count.is_some() {
        return no(
            "desiredCount",
            "a DAEMON service runs one task per instance and has no desired count",
        );
    }
    if !s.placement_strategy.is_empty() {
        return no(
            "placementStrategy",
            "a DAEMON service takes no placement strategy",
        );
    }
    if *launch != LaunchSpec::Ec2 {
        return no("launchType", "a DAEMON service needs launchType = \"EC2\"");
    }
    if s.auto_scaling.is_some() {
        return no("auto_scaling", "a DAEMON service cannot be auto scaled");
    }
    if !s.deployments.is_empty() {
        return no(
            "deployments",
            "rolling deployments of DAEMON services are not modeled",
        );
    }
    Ok(())
}

/// `deploymentConfiguration` and `deployments` of one service.
fn deployments(
    at: &str,
    s: &ServiceFile,
    task_defs: &[TaskDef],
    launch: &LaunchSpec,
    current: TaskDefId,
    horizon: SimTime,
) -> Result<(DeploymentConfig, Vec<Deployment>), FieldError> {
    let mut config = DeploymentConfig::default();
    if let Some(c) = &s.deployment_configuration {
        let field = format!("{at}.deploymentConfiguration");
        if let Some(min) = c.minimum_healthy_percent {
            if min > 100 {
                return Err(FieldError::new(
                    format!("{field}.minimumHealthyPercent"),
                    format!("{min} is out of range"),
                )
                .allowed("0 to 100"));
            }
            config.minimum_healthy_percent = min;
        }
        if let Some(max) = c.maximum_percent {
            if !(100..=200).contains(&max) {
                return Err(FieldError::new(
                    format!("{field}.maximumPercent"),
                    format!("{max} is out of range"),
                )
                .allowed("100 to 200"));
            }
            config.maximum_percent = max;
        }
        if let Some(b) = &c.deployment_circuit_breaker {
            if b.min_threshold == Some(0) {
                return Err(FieldError::new(
                    format!("{field}.deploymentCircuitBreaker.min_threshold"),
                    "must be at least 1",
                ));
            }
            config.circuit_breaker = b.enable.then(|| CircuitBreaker {
                rollback: b.rollback,
                min_threshold: b.min_threshold.unwrap_or(3),
                reset_on_healthy_task: b.reset_on_healthy_task.unwrap_or(true),
            });
        }
    }
    let mut list = Vec::new();
    for (i, d) in s.deployments.iter().enumerate() {
        let field = format!("{at}.deployments[{i}]");
        let def = find_def(
            task_defs,
            &d.task_definition,
            &format!("{field}.taskDefinition"),
        )?;
        check_compatible(&field, &task_defs[def.index()], launch)?;
        let time = SimTime::ZERO + d.at.0;
        if time > horizon {
            return Err(FieldError::new(
                format!("{field}.at"),
                "falls after the horizon, so it would never happen",
            ));
        }
        list.push(Deployment {
            at: time,
            task_def: def,
        });
    }
    list.sort_by_key(|d| d.at);
    let mut previous = current;
    for d in &list {
        if d.task_def == previous {
            let i = s
                .deployments
                .iter()
                .position(|f| SimTime::ZERO + f.at.0 == d.at)
                .unwrap_or(0);
            return Err(FieldError::new(
                format!("{at}.deployments[{i}].taskDefinition"),
                "is already the service's task definition at that time",
            ));
        }
        previous = d.task_def;
    }
    Ok((config, list))
}

fn failures(
    f: &FailuresFile,
    azs: &[String],
    pools: &[PoolSpec],
    services: &[ServiceSpec],
    horizon: SimTime,
) -> Result<FailureSpec, FieldError> {
    let mut az_outages = Vec::new();
    for (i, o) in f.az_outages.iter().enumerate() {
        let at = format!("failures.az_outages[{i}]");
        let az = azs.iter().position(|a| *a == o.az).ok_or_else(|| {
            FieldError::new(
                format!("{at}.az"),
                format!("`{}` is not one of the cluster's AZs", o.az),
            )
            .allowed(azs.join(", "))
        })?;
        if o.duration.0 == SimDuration::ZERO {
            return Err(FieldError::new(
                format!("{at}.duration"),
                "must be longer than zero",
            ));
        }
        let start = SimTime::ZERO + o.start.0;
        let outage = AzOutage {
            az: AzId(az as u32),
            start,
            end: start + o.duration.0,
        };
        if az_outages
            .iter()
            .any(|p: &AzOutage| p.az == outage.az && p.start < outage.end && outage.start < p.end)
        {
            return Err(FieldError::new(
                at,
                format!("overlaps another outage of {}", o.az),
            ));
        }
        az_outages.push(outage);
    }
    let service = |name: &str, field: String| {
        services.iter().position(|s| s.name == name).ok_or_else(|| {
            let all: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
            FieldError::new(field, format!("no service named `{name}`")).allowed(all.join(", "))
        })
    };
    let mut events = Vec::new();
    for (i, e) in f.events.iter().enumerate() {
        let at = format!("failures.events[{i}]");
        let (time, action) = match e {
            EventFile::KillInstance { at: t, pool, index } => {
                let p = pools.iter().position(|p| p.name == *pool).ok_or_else(|| {
                    let all: Vec<&str> = pools.iter().map(|p| p.name.as_str()).collect();
                    FieldError::new(format!("{at}.pool"), format!("no pool named `{pool}`"))
                        .allowed(all.join(", "))
                })?;
                (
                    t.0,
                    Action::KillInstance {
                        pool: PoolId(p as u32),
                        index: *index,
                    },
                )
            }
            EventFile::KillTasks {
                at: t,
                service: s,
                count,
            } => (
                t.0,
                Action::KillTasks {
                    service: service(s, format!("{at}.service"))?,
                    count: bounded(format!("{at}.count"), *count)?,
                },
            ),
            EventFile::SetDesiredCount {
                at: t,
                service: s,
                count,
            } => (
                t.0,
                Action::SetDesiredCount {
                    service: service(s, format!("{at}.service"))?,
                    count: bounded(format!("{at}.count"), *count)?,
                },
            ),
        };
        let time = SimTime::ZERO + time;
        if time > horizon {
            return Err(FieldError::new(
                format!("{at}.at"),
                "falls after the horizon, so it would never happen",
            ));
        }
        events.push(ScheduledAction { at: time, action });
    }
    events.sort_by_key(|e| e.at);
    let default = RestartBackoff::default();
    let b = &f.restart_backoff;
    let factor = match b.factor {
        Some(v) if v.is_finite() && v >= 1.0 => v,
        Some(v) => {
            return Err(FieldError::new(
                "failures.restart_backoff.factor",
                format!("{v} is not allowed"),
            )
            .allowed("a number of at least 1"));
        }
        None => default.factor,
    };
    let backoff = RestartBackoff {
        initial: b.initial.map_or(default.initial, |d| d.0),
        factor,
        cap: b.cap.map_or(default.cap, |d| d.0),
    };
    if backoff.cap < backoff.initial {
        return Err(FieldError::new(
            "failures.restart_backoff.cap",
            "must not be below initial",
        ));
    }
    Ok(FailureSpec {
        az_outages,
        events,
        spot_notice: f.spot_notice.map_or(SimDuration::from_secs(120), |d| d.0),
        backoff,
    })
}
