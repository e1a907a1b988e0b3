//! Capacity providers (`describe-capacity-providers`' `capacityProviders[]`) and clusters
//! (`describe-clusters`' `clusters[]`): an Auto Scaling group provider becomes an instance
//! pool with its managed scaling; a cluster gives the default strategy that services with
//! neither a launch type nor a strategy of their own use, as ECS does.

use super::Note;
use super::fields::{LeftOut, Obj};
use super::service::capacity_provider_strategy;
use crate::scenario::ScenarioError;
use crate::scenario::duration::DurationText;
use crate::scenario::file::{CapacityProviderItem, ManagedScalingFile};
use crate::time::SimDuration;

pub struct ImportedProvider {
    pub name: String,
    pub managed_scaling: Option<ManagedScalingFile>,
}

pub fn provider(obj: Obj<'_>, notes: &mut Vec<Note>) -> Result<ImportedProvider, ScenarioError> {
    obj.check(
        &["name", "autoScalingGroupProvider"],
        &[
            LeftOut {
                keys: &[
                    "capacityProviderArn",
                    "status",
                    "updateStatus",
                    "updateStatusReason",
                    "cluster",
                ],
                why: "state AWS reports, not configuration",
            },
            LeftOut {
                keys: &["tags", "type", "managedInstancesProvider"],
                why: "no effect on placement, capacity or timing in ecsim",
            },
        ],
        notes,
    )?;
    let src = obj.src;
    let name = obj
        .str("name")?
        .ok_or_else(|| src.error(&obj.field("name"), "a capacity provider needs a `name`"))?
        .to_string();
    let Some(asg) = obj.get("autoScalingGroupProvider") else {
        return Ok(ImportedProvider {
            name,
            managed_scaling: None,
        });
    };
    let path = obj.field("autoScalingGroupProvider");
    let asg = Obj::new(src, &path, asg)?;
    asg.check(
        &[
            "autoScalingGroupArn",
            "managedScaling",
            "managedTerminationProtection",
        ],
        &[LeftOut {
            keys: &["managedDraining"],
            why: "not a setting in ecsim: instances leaving the group are drained as ECS draining does",
        }],
        notes,
    )?;
    notes.push(src.note(
        &asg.field("autoScalingGroupArn"),
        "the group's instance type and sizes are not in the capacity provider: the pool is written with placeholders (instance_type, count, max_size); copy them from `aws autoscaling describe-auto-scaling-groups`",
    ));
    let protection = asg
        .str("managedTerminationProtection")?
        .map(|p| p == "ENABLED");
    let Some(ms) = asg.get("managedScaling") else {
        return Ok(ImportedProvider {
            name,
            managed_scaling: None,
        });
    };
    let mpath = asg.field("managedScaling");
    let ms = Obj::new(src, &mpath, ms)?;
    ms.check(
        &[
            "status",
            "targetCapacity",
            "minimumScalingStepSize",
            "maximumScalingStepSize",
            "instanceWarmupPeriod",
        ],
        &[],
        notes,
    )?;
    if ms.str("status")? != Some("ENABLED") {
        return Ok(ImportedProvider {
            name,
            managed_scaling: None,
        });
    }
    Ok(ImportedProvider {
        name,
        managed_scaling: Some(ManagedScalingFile {
            target_capacity: ms.u32("targetCapacity")?,
            minimum_scaling_step_size: ms.u32("minimumScalingStepSize")?,
            maximum_scaling_step_size: ms.u32("maximumScalingStepSize")?,
            instance_warmup_period: ms
                .u32("instanceWarmupPeriod")?
                .map(|s| DurationText(SimDuration::from_secs(u64::from(s)))),
            managed_termination_protection: protection,
            min_size: None,
            max_size: PLACEHOLDER_MAX_SIZE,
        }),
    })
}

/// The Auto Scaling group's MaxSize is not in the capacity provider.
pub const PLACEHOLDER_MAX_SIZE: u32 = 10;

pub struct ImportedCluster {
    pub providers: Vec<String>,
    pub default_strategy: Option<Vec<CapacityProviderItem>>,
}

pub fn cluster(obj: Obj<'_>, notes: &mut Vec<Note>) -> Result<ImportedCluster, ScenarioError> {
    obj.check(
        &[
            "clusterName",
            "capacityProviders",
            "defaultCapacityProviderStrategy",
        ],
        &[
            LeftOut {
                keys: &[
                    "clusterArn",
                    "status",
                    "registeredContainerInstancesCount",
                    "runningTasksCount",
                    "pendingTasksCount",
                    "activeServicesCount",
                    "statistics",
                    "attachments",
                    "attachmentsStatus",
                ],
                why: "state AWS reports, not configuration",
            },
            LeftOut {
                keys: &[
                    "tags",
                    "settings",
                    "configuration",
                    "serviceConnectDefaults",
                ],
                why: "no effect on placement, capacity or timing in ecsim",
            },
        ],
        notes,
    )?;
    Ok(ImportedCluster {
        providers: obj.strings("capacityProviders")?.unwrap_or_default(),
        default_strategy: capacity_provider_strategy(
            obj,
            "defaultCapacityProviderStrategy",
            notes,
        )?,
    })
}
