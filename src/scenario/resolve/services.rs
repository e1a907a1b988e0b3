//! `services`: launch type or capacity providers, scheduling strategy, health and load
//! balancer settings, deployments.

use super::super::error::FieldError;
use super::super::file::*;
use super::Names;
use super::check::bounded;
use super::placement::{constraints, strategies};
use super::task_defs::{find_def, health_check};
use super::workload::duration;
use crate::catalog::FargatePlatform;
use crate::model::{
    CircuitBreaker, Deployment, DeploymentConfig, LaunchSpec, ManagedProviderSpec, Placement,
    PlacementStrategy, PoolId, PoolSpec, Provider, ProviderShare, ServiceSpec, SpreadField,
    TaskDef, TaskDefId,
};
use crate::time::{SimDuration, SimTime};

pub(super) fn launch(
    at: &str,
    launch_type: Option<&str>,
    strategy: Option<&[CapacityProviderItem]>,
    pools: &[PoolSpec],
    managed: &[ManagedProviderSpec],
) -> Result<LaunchSpec, FieldError> {
    // A Managed Instances provider's hidden pools are its own, never a provider by name.
    let hidden = |p: usize| {
        managed
            .iter()
            .any(|m| m.type_of(PoolId(p as u32)).is_some())
    };
    match (launch_type, strategy) {
        (Some(_), Some(_)) => Err(FieldError::new(
            format!("{at}.launchType"),
            "launchType and capacityProviderStrategy are mutually exclusive, as in ECS",
        )),
        (None, None) | (Some("EC2"), None) if !managed.is_empty() => Err(FieldError::new(
            format!("{at}.launchType"),
            "launchType EC2 (the default) would place tasks on any instance of the cluster, Managed Instances included, which ECS does not do",
        )
        .allowed(format!(
            "a capacityProviderStrategy naming {} or a pool, or launchType = \"FARGATE\"",
            managed
                .iter()
                .map(|m| format!("`{}`", m.name))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
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
                    name if managed.iter().any(|m| m.name == name) => Provider::Managed(
                        managed.iter().position(|m| m.name == name).unwrap_or(0) as u32,
                    ),
                    name => Provider::Pool(
                        pools
                            .iter()
                            .enumerate()
                            .position(|(i, p)| p.name == name && !hidden(i))
                            .map(|p| PoolId(p as u32))
                            .ok_or_else(|| {
                                let mut all: Vec<String> = pools
                                    .iter()
                                    .enumerate()
                                    .filter(|(i, _)| !hidden(*i))
                                    .map(|(_, p)| p.name.clone())
                                    .collect();
                                all.extend(managed.iter().map(|m| m.name.clone()));
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
            let managed_count = shares
                .iter()
                .filter(|s| matches!(s.provider, Provider::Managed(_)))
                .count();
            if managed_count != 0 && managed_count != shares.len() {
                return Err(FieldError::new(
                    format!("{at}.capacityProviderStrategy"),
                    "a strategy mixes Managed Instances providers with other provider types; ECS allows one provider type per strategy",
                )
                .allowed("Managed Instances providers only, Auto Scaling group providers only, or FARGATE and FARGATE_SPOT only"));
            }
            let fargate = shares
                .iter()
                .filter(|s| matches!(s.provider, Provider::Fargate | Provider::FargateSpot))
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

pub(super) fn check_compatible(
    at: &str,
    def: &TaskDef,
    def_index: usize,
    launch: &LaunchSpec,
) -> Result<(), FieldError> {
    let (needs_ec2, needs_fargate) = match launch {
        LaunchSpec::Ec2 => (true, false),
        LaunchSpec::Fargate => (false, true),
        LaunchSpec::Providers(s) => (
            s.iter().any(|p| matches!(p.provider, Provider::Pool(_))),
            s.iter()
                .any(|p| matches!(p.provider, Provider::Fargate | Provider::FargateSpot)),
        ),
    };
    if let LaunchSpec::Providers(s) = launch
        && s.iter().any(|p| matches!(p.provider, Provider::Managed(_)))
    {
        check_managed_instances(at, def, def_index)?;
    }
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

/// ECS does not support placement strategies on Managed Instances (ecs-current.md §1.3):
/// placement constraints apply, strategies are refused.
pub(super) fn no_strategy_on_managed(
    at: &str,
    launch: &LaunchSpec,
    has_strategy: bool,
) -> Result<(), FieldError> {
    let managed = matches!(launch, LaunchSpec::Providers(s)
        if s.iter().any(|p| matches!(p.provider, Provider::Managed(_))));
    if managed && has_strategy {
        return Err(FieldError::new(
            format!("{at}.placementStrategy"),
            "placement strategies are not supported on Managed Instances: ECS spreads over AZs and packs by itself",
        )
        .allowed("no placementStrategy (placementConstraints still apply)"));
    }
    Ok(())
}

/// What Managed Instances accept (ecs-current.md §1.1, §1.6): task definitions that list
/// `MANAGED_INSTANCES`, Linux only, in `awsvpc` or `host` network mode (no `bridge`).
fn check_managed_instances(at: &str, def: &TaskDef, def_index: usize) -> Result<(), FieldError> {
    let td = format!("taskDefinitions[{def_index}]");
    if !def.managed_instances_compatible {
        return Err(FieldError::new(
            format!("{at}.taskDefinition"),
            format!(
                "task definition `{}` runs on a Managed Instances provider but does not list MANAGED_INSTANCES",
                def.family
            ),
        )
        .allowed("add \"MANAGED_INSTANCES\" to its requiresCompatibilities"));
    }
    if def.platform == FargatePlatform::Windows {
        return Err(FieldError::new(
            format!("{td}.runtimePlatform.operatingSystemFamily"),
            format!(
                "task definition `{}` is a Windows task; Managed Instances run Linux containers only",
                def.family
            ),
        )
        .allowed("a Linux task definition, or an Auto Scaling group provider with Windows instances"));
    }
    if !matches!(
        def.network_mode,
        crate::model::NetworkMode::Awsvpc | crate::model::NetworkMode::Host
    ) {
        return Err(FieldError::new(
            format!("{td}.networkMode"),
            format!(
                "task definition `{}` uses {} network mode, which Managed Instances do not support (it runs on a Managed Instances provider through {at})",
                def.family,
                def.network_mode.as_str()
            ),
        )
        .allowed("awsvpc, host"));
    }
    Ok(())
}

/// Fargate Spot runs Linux X86_64 tasks only: no Windows, no ARM64 (reference, "Resolved
/// since the first edition", [DG-fargate-cp-2026]).
pub(super) fn check_fargate_spot_platform(
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

/// What a DAEMON service may not have (reference §3.1): a desired count, a placement
/// strategy, Fargate or a capacity provider strategy, auto scaling; and, in the simulator,
/// deployments.
pub(super) fn daemon_rules(
    at: &str,
    s: &ServiceFile,
    launch: &LaunchSpec,
) -> Result<(), FieldError> {
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
pub(super) fn deployments(
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
            let (threshold_type, threshold_value) = super::strategy::threshold(
                &format!("{field}.deploymentCircuitBreaker.thresholdConfiguration"),
                b.threshold_configuration.as_ref(),
            )?;
            config.circuit_breaker = b.enable.then(|| CircuitBreaker {
                rollback: b.rollback,
                min_threshold: b.min_threshold.unwrap_or(3),
                reset_on_healthy_task: b.reset_on_healthy_task.unwrap_or(true),
                threshold_type,
                threshold_value,
            });
        }
        super::strategy::strategy(&field, c, &mut config)?;
        if config.strategy.is_staged() && config.circuit_breaker.is_some() {
            return Err(FieldError::new(
                format!("{field}.deploymentCircuitBreaker"),
                "the circuit breaker watches rolling deployments only, as in ECS",
            )
            .allowed("alarms to stop a BLUE_GREEN, LINEAR or CANARY deployment"));
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
        check_compatible(&field, &task_defs[def.index()], def.index(), launch)?;
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

/// `services[i]` of the file, checked against the ones before it.
pub(super) fn service(
    i: usize,
    all: &[ServiceFile],
    task_defs: &[TaskDef],
    pools: &[PoolSpec],
    managed: &[ManagedProviderSpec],
    names: &mut Names<'_>,
    horizon: SimTime,
) -> Result<ServiceSpec, FieldError> {
    let s = &all[i];
    let at = format!("services[{i}]");
    if !names.services.insert(s.name.clone()) {
        return Err(FieldError::new(
            format!("{at}.name"),
            format!("service `{}` is defined twice", s.name),
        ));
    }
    let def = find_def(
        task_defs,
        &s.task_definition,
        &format!("{at}.taskDefinition"),
    )?;
    let launch = launch(
        &at,
        s.launch_type.as_deref(),
        s.capacity_provider_strategy.as_deref(),
        pools,
        managed,
    )?;
    check_compatible(&at, &task_defs[def.index()], def.index(), &launch)?;
    no_strategy_on_managed(&at, &launch, !s.placement_strategy.is_empty())?;
    let (mut strategies, policies) = strategies(&at, &s.placement_strategy, names)?;
    let on_managed = matches!(&launch, LaunchSpec::Providers(p)
        if p.iter().any(|p| matches!(p.provider, Provider::Managed(_))));
    if s.placement_strategy.is_empty()
        && s.scheduling_strategy.as_deref() != Some("DAEMON")
        && !on_managed
    {
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
    let (deployment, deployments) = deployments(&at, s, task_defs, &launch, def, horizon)?;
    let az_rebalancing = super::strategy::az_rebalancing(&at, s, daemon, &strategies, &deployment)?;
    let health_check = s
        .health_check
        .as_ref()
        .map(|h| health_check(&format!("{at}.healthCheck"), h))
        .transpose()?;
    Ok(ServiceSpec {
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
        az_rebalancing,
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
            policies,
        },
    })
}
