//! A service (`describe-services`' `services[]`, `create-service` input or output) to a
//! scenario `[[services]]` entry. The task definition's health check and placement
//! constraints are attached later, when the family is known.

use super::Note;
use super::fields::{LeftOut, Obj};
use crate::scenario::ScenarioError;
use crate::scenario::duration::DurationText;
use crate::scenario::file::{
    CanaryConfigurationFile, CapacityProviderItem, CircuitBreakerFile, DeploymentConfigurationFile,
    DurationFile, LifecycleHookFile, LinearConfigurationFile, LoadBalancerFile,
    PlacementConstraintFile, PlacementStrategyFile, ServiceFile, ThresholdConfigurationFile,
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
            "availabilityZoneRebalancing",
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
                format!("the {kind} deployment controller is not modelled; deployments follow the ECS controller (deploymentConfiguration.strategy)"),
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
        availability_zone_rebalancing: obj.str("availabilityZoneRebalancing")?.map(str::to_string),
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
            "strategy",
            "bakeTimeInMinutes",
            "linearConfiguration",
            "canaryConfiguration",
            "lifecycleHooks",
        ],
        &[LeftOut {
            keys: &["alarms"],
            why: "a CloudWatch alarm's rule lives in CloudWatch, not in the service; add `alarms` with failed_tasks_above and evaluation_window to model it",
        }],
        notes,
    )?;
    let breaker = match dc.get("deploymentCircuitBreaker") {
        None => None,
        Some(v) => {
            let bpath = dc.field("deploymentCircuitBreaker");
            let b = Obj::new(service.src, &bpath, v)?;
            b.check(
                &[
                    "enable",
                    "rollback",
                    "resetOnHealthyTask",
                    "thresholdConfiguration",
                ],
                &[],
                notes,
            )?;
            let threshold = match b.get("thresholdConfiguration") {
                None => None,
                Some(v) => {
                    let tpath = b.field("thresholdConfiguration");
                    let t = Obj::new(service.src, &tpath, v)?;
                    t.check(&["type", "value"], &[], notes)?;
                    Some(ThresholdConfigurationFile {
                        kind: t.str("type")?.map(str::to_string),
                        value: t.u32("value")?,
                    })
                }
            };
            Some(CircuitBreakerFile {
                enable: b.bool("enable")?.unwrap_or(false),
                rollback: b.bool("rollback")?.unwrap_or(false),
                min_threshold: None,
                reset_on_healthy_task: b.bool("resetOnHealthyTask")?,
                threshold_configuration: threshold,
            })
        }
    };
    let linear = match dc.get("linearConfiguration") {
        None => None,
        Some(v) => {
            let path = dc.field("linearConfiguration");
            let l = Obj::new(service.src, &path, v)?;
            l.check(&["stepPercent", "stepBakeTimeInMinutes"], &[], notes)?;
            Some(LinearConfigurationFile {
                step_percent: number(l, "stepPercent")?,
                step_bake_time_in_minutes: l.u32("stepBakeTimeInMinutes")?,
            })
        }
    };
    let canary = match dc.get("canaryConfiguration") {
        None => None,
        Some(v) => {
            let path = dc.field("canaryConfiguration");
            let c = Obj::new(service.src, &path, v)?;
            c.check(&["canaryPercent", "canaryBakeTimeInMinutes"], &[], notes)?;
            Some(CanaryConfigurationFile {
                canary_percent: number(c, "canaryPercent")?,
                canary_bake_time_in_minutes: c.u32("canaryBakeTimeInMinutes")?,
            })
        }
    };
    let mut hooks = Vec::new();
    for (path, v) in dc.array("lifecycleHooks")? {
        let h = Obj::new(service.src, &path, v)?;
        h.check(
            &["lifecycleStages"],
            &[LeftOut {
                keys: &["hookTargetArn", "roleArn", "hookDetails"],
                why: "the hook's Lambda function is not run; how long it takes and whether it answers FAILED are not in ECS's JSON: written as 0 s and never FAILED (set duration and failure_probability)",
            }],
            notes,
        )?;
        hooks.push(LifecycleHookFile {
            lifecycle_stages: h.strings("lifecycleStages")?.unwrap_or_default(),
            duration: DurationFile::Constant {
                value: DurationText(SimDuration::ZERO),
            },
            failure_probability: None,
        });
    }
    Ok(DeploymentConfigurationFile {
        minimum_healthy_percent: dc.u32("minimumHealthyPercent")?,
        maximum_percent: dc.u32("maximumPercent")?,
        deployment_circuit_breaker: breaker,
        strategy: dc.str("strategy")?.map(str::to_string),
        bake_time_in_minutes: dc.u32("bakeTimeInMinutes")?,
        linear_configuration: linear,
        canary_configuration: canary,
        lifecycle_hooks: hooks,
        alarms: None,
    })
}

/// A JSON number (ECS's percentages are doubles: `stepPercent`, `canaryPercent`).
fn number(obj: Obj<'_>, key: &str) -> Result<Option<f64>, ScenarioError> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_f64()
            .map(Some)
            .ok_or_else(|| obj.src.error(&obj.field(key), "expected a number")),
    }
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
