//! A service (`describe-services`' `services[]`, `create-service` input or output) to a
//! scenario `[[services]]` entry. The task definition's health check and placement
//! constraints are attached later, when the family is known.

use super::Note;
use super::fields::{LeftOut, Obj};
use crate::scenario::ScenarioError;
use crate::scenario::duration::DurationText;
use crate::scenario::file::{
    CapacityProviderItem, CircuitBreakerFile, DeploymentConfigurationFile, LoadBalancerFile,
    PlacementConstraintFile, PlacementStrategyFile, ServiceFile,
};
use crate::time::SimDuration;

const SERVICE_RUNTIME_STATE: &[&str] = &[
    "serviceArn",
    "clusterArn",
    "status",
    "runningCount",
    "pendingCount",
    "taskSets",
    "deployments",
    "events",
    "createdAt",
    "createdBy",
    "roleArn",
    "clientToken",
    "currentServiceDeployment",
    "currentServiceRevisions",
    "resourceManagementType",
];
const SERVICE_NOT_MODELLED: &[&str] = &[
    "cluster",
    "role",
    "serviceRegistries",
    "platformVersion",
    "platformFamily",
    "tags",
    "enableECSManagedTags",
    "propagateTags",
    "enableExecuteCommand",
    "serviceConnectConfiguration",
    "volumeConfigurations",
    "vpcLatticeConfigurations",
    "availabilityZoneRebalancing",
];

pub fn import(obj: Obj<'_>, notes: &mut Vec<Note>) -> Result<ServiceFile, ScenarioError> {
    obj.check(
        &[
            "serviceName",
            "taskDefinition",
            "desiredCount",
            "launchType",
            "capacityProviderStrategy",
            "placementStrategy",
            "placementConstraints",
            "deploymentConfiguration",
            "deploymentController",
            "loadBalancers",
            "healthCheckGracePeriodSeconds",
            "schedulingStrategy",
            "networkConfiguration",
        ],
        &[
            LeftOut {
                keys: SERVICE_RUNTIME_STATE,
                why: "state AWS reports, not configuration",
            },
            LeftOut {
                keys: SERVICE_NOT_MODELLED,
                why: "no effect on placement, capacity or timing in ecsim",
            },
        ],
        notes,
    )?;
    let src = obj.src;
    let name = obj
        .str("serviceName")?
        .ok_or_else(|| src.error(&obj.field("serviceName"), "a service needs a `serviceName`"))?
        .to_string();
    let task_definition = obj.str("taskDefinition")?.ok_or_else(|| {
        src.error(
            &obj.field("taskDefinition"),
            "a service needs a `taskDefinition` (family, family:revision or ARN)",
        )
    })?;
    // ARN `arn:aws:ecs:region:account:task-definition/web:3` → `web:3`; the scenario
    // matches by family.
    let task_definition = task_definition
        .rsplit('/')
        .next()
        .unwrap_or(task_definition)
        .to_string();
    if obj.get("networkConfiguration").is_some() {
        notes.push(src.note(
            &obj.field("networkConfiguration"),
            "subnets and security groups are not modelled; tasks spread over the cluster's availability_zones",
        ));
    }
    if let Some(controller) = obj.get("deploymentController") {
        let path = obj.field("deploymentController");
        let dc = Obj::new(src, &path, controller)?;
        dc.check(&["type"], &[], notes)?;
        if let Some(kind) = dc.str("type")?.filter(|t| *t != "ECS") {
            notes.push(src.note(
                &path,
                format!("the {kind} deployment controller is not modelled; deployments follow ECS rolling updates"),
            ));
        }
    }
    let mut launch_type = obj.str("launchType")?.map(str::to_string);
    if launch_type.as_deref() == Some("EXTERNAL") {
        notes.push(src.note(
            &obj.field("launchType"),
            "EXTERNAL (ECS Anywhere) instances are not modelled; written as EC2",
        ));
        launch_type = Some("EC2".into());
    }
    let strategy = capacity_provider_strategy(obj, "capacityProviderStrategy", notes)?;
    let mut placement_strategy = Vec::new();
    for (path, v) in obj.array("placementStrategy")? {
        let s = Obj::new(src, &path, v)?;
        s.check(&["type", "field"], &[], notes)?;
        placement_strategy.push(PlacementStrategyFile {
            kind: s.str("type")?.unwrap_or_default().to_string(),
            field: s.str("field")?.map(str::to_string),
            name: None,
        });
    }
    let mut placement_constraints = Vec::new();
    for (path, v) in obj.array("placementConstraints")? {
        let c = Obj::new(src, &path, v)?;
        c.check(&["type", "expression"], &[], notes)?;
        placement_constraints.push(PlacementConstraintFile {
            kind: c.str("type")?.unwrap_or_default().to_string(),
            expression: c.str("expression")?.map(str::to_string),
        });
    }
    let load_balancers = obj.array("loadBalancers")?;
    for (path, v) in &load_balancers {
        Obj::new(src, path, v)?.check(
            &[],
            &[LeftOut {
                keys: &[
                    "targetGroupArn",
                    "loadBalancerName",
                    "containerName",
                    "containerPort",
                ],
                why: "the target group's deregistration delay is not in the service; ecsim uses the ELB default, 300 s",
            }],
            notes,
        )?;
    }
    let deployment_configuration = match obj.get("deploymentConfiguration") {
        None => None,
        Some(v) => Some(deployment(obj, v, notes)?),
    };
    let scheduling_strategy = obj.str("schedulingStrategy")?.map(str::to_string);
    let daemon = scheduling_strategy.as_deref() == Some("DAEMON");
    Ok(ServiceFile {
        name,
        task_definition,
        desired_count: if daemon {
            None
        } else {
            Some(obj.u32("desiredCount")?.unwrap_or(1))
        },
        scheduling_strategy,
        launch_type,
        capacity_provider_strategy: strategy,
        placement_strategy,
        placement_constraints,
        crash_after: None,
        start_failure_probability: None,
        demand: None,
        memory_demand: None,
        auto_scaling: None,
        queue: None,
        metric_resolution: None,
        hung_after: None,
        health_check: None,
        health_check_grace_period_seconds: obj.u32("healthCheckGracePeriodSeconds")?,
        load_balancer: (!load_balancers.is_empty()).then_some(LoadBalancerFile {
            deregistration_delay: Some(DurationText(SimDuration::from_secs(300))),
        }),
        deployment_configuration,
        deployments: Vec::new(),
        availability_zone_rebalancing: None,
    })
}

fn deployment(
    service: Obj<'_>,
    value: &serde_json::Value,
    notes: &mut Vec<Note>,
) -> Result<DeploymentConfigurationFile, ScenarioError> {
    let path = service.field("deploymentConfiguration");
    let dc = Obj::new(service.src, &path, value)?;
    dc.check(
        &[
            "minimumHealthyPercent",
            "maximumPercent",
            "deploymentCircuitBreaker",
        ],
        &[LeftOut {
            keys: &["alarms", "strategy", "bakeTimeInMinutes", "lifecycleHooks"],
            why: "CloudWatch alarm rollback and blue/green or canary strategies are not modelled; deployments are rolling",
        }],
        notes,
    )?;
    let breaker = match dc.get("deploymentCircuitBreaker") {
        None => None,
        Some(v) => {
            let bpath = dc.field("deploymentCircuitBreaker");
            let b = Obj::new(service.src, &bpath, v)?;
            b.check(&["enable", "rollback", "resetOnHealthyTask"], &[], notes)?;
            Some(CircuitBreakerFile {
                enable: b.bool("enable")?.unwrap_or(false),
                rollback: b.bool("rollback")?.unwrap_or(false),
                min_threshold: None,
                reset_on_healthy_task: b.bool("resetOnHealthyTask")?,
                threshold_configuration: None,
            })
        }
    };
    Ok(DeploymentConfigurationFile {
        minimum_healthy_percent: dc.u32("minimumHealthyPercent")?,
        maximum_percent: dc.u32("maximumPercent")?,
        deployment_circuit_breaker: breaker,
        strategy: None,
        bake_time_in_minutes: None,
        linear_configuration: None,
        canary_configuration: None,
        lifecycle_hooks: Vec::new(),
        alarms: None,
    })
}

/// `capacityProviderStrategy` (a service's, or a cluster's default); `None` when absent or
/// empty, as ECS treats an empty list.
pub fn capacity_provider_strategy(
    obj: Obj<'_>,
    key: &str,
    notes: &mut Vec<Note>,
) -> Result<Option<Vec<CapacityProviderItem>>, ScenarioError> {
    let mut items = Vec::new();
    for (path, v) in obj.array(key)? {
        let item = Obj::new(obj.src, &path, v)?;
        item.check(&["capacityProvider", "base", "weight"], &[], notes)?;
        items.push(CapacityProviderItem {
            capacity_provider: item
                .str("capacityProvider")?
                .ok_or_else(|| {
                    obj.src.error(
                        &item.field("capacityProvider"),
                        "each item names a capacityProvider",
                    )
                })?
                .to_string(),
            base: item.u32("base")?.unwrap_or(0),
            weight: item.u32("weight")?.unwrap_or(0),
        });
    }
    Ok((!items.is_empty()).then_some(items))
}
