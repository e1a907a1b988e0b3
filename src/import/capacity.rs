//! Capacity providers (`describe-capacity-providers`' `capacityProviders[]`) and clusters
//! (`describe-clusters`' `clusters[]`): an Auto Scaling group provider becomes an instance
//! pool with its managed scaling, a Managed Instances provider (`managedInstancesProvider`)
//! a `[[managed_instances]]` entry; a cluster gives the default strategy that services with
//! neither a launch type nor a strategy of their own use, as ECS does.

use super::Note;
use super::fields::{LeftOut, Obj};
use super::service::capacity_provider_strategy;
use crate::scenario::ScenarioError;
use crate::scenario::duration::DurationText;
use crate::scenario::file::{
    CapacityProviderItem, InstanceRequirementsFile, ManagedInstancesFile, ManagedScalingFile,
    RangeFile,
};
use crate::time::SimDuration;

pub struct ImportedProvider {
    pub name: String,
    pub managed_scaling: Option<ManagedScalingFile>,
    /// A Managed Instances provider: no pool, ECS runs its instances.
    pub managed_instances: Option<ManagedInstancesFile>,
}

pub fn provider(obj: Obj<'_>, notes: &mut Vec<Note>) -> Result<ImportedProvider, ScenarioError> {
    obj.check(
        &[
            "name",
            "autoScalingGroupProvider",
            "managedInstancesProvider",
        ],
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
                keys: &["tags", "type"],
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
    if let Some(mi) = obj.get("managedInstancesProvider") {
        let path = obj.field("managedInstancesProvider");
        let mi = Obj::new(src, &path, mi)?;
        let managed = managed_instances(name.clone(), mi, notes)?;
        return Ok(ImportedProvider {
            name,
            managed_scaling: None,
            managed_instances: Some(managed),
        });
    }
    let Some(asg) = obj.get("autoScalingGroupProvider") else {
        return Ok(ImportedProvider {
            name,
            managed_scaling: None,
            managed_instances: None,
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
            managed_instances: None,
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
            managed_instances: None,
        });
    }
    Ok(ImportedProvider {
        name,
        managed_instances: None,
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

/// `managedInstancesProvider`: its launch template's capacity option and instance
/// requirements, and its infrastructure optimization.
fn managed_instances(
    name: String,
    mi: Obj<'_>,
    notes: &mut Vec<Note>,
) -> Result<ManagedInstancesFile, ScenarioError> {
    let src = mi.src;
    mi.check(
        &["instanceLaunchTemplate", "infrastructureOptimization"],
        &[LeftOut {
            keys: &["infrastructureRoleArn", "propagateTags"],
            why: "no effect on placement, capacity or timing in ecsim",
        }],
        notes,
    )?;
    let mut out = ManagedInstancesFile {
        name,
        availability_zones: None,
        capacity_option_type: None,
        scale_in_after: None,
        instance_requirements: None,
        default_scale_in_after: None,
        batch_window: None,
        launch_time: None,
        recycle_after: None,
        drain_deadline: None,
        spot_interruption: None,
    };
    if let Some(opt) = mi.get("infrastructureOptimization") {
        let path = mi.field("infrastructureOptimization");
        let opt = Obj::new(src, &path, opt)?;
        opt.check(&["scaleInAfter"], &[], notes)?;
        out.scale_in_after = match opt.get("scaleInAfter") {
            None => None,
            Some(v) => Some(v.as_i64().ok_or_else(|| {
                src.error(
                    &opt.field("scaleInAfter"),
                    "expected a whole number of seconds: -1, or 0 to 3600",
                )
            })?),
        };
    }
    let Some(template) = mi.get("instanceLaunchTemplate") else {
        return Ok(out);
    };
    let path = mi.field("instanceLaunchTemplate");
    let template = Obj::new(src, &path, template)?;
    template.check(
        &[
            "capacityOptionType",
            "instanceRequirements",
            "networkConfiguration",
        ],
        &[LeftOut {
            keys: &[
                "ec2InstanceProfileArn",
                "storageConfiguration",
                "monitoring",
                "capacityReservations",
                "fipsEnabled",
            ],
            why: "no effect on placement, capacity or timing in ecsim",
        }],
        notes,
    )?;
    out.capacity_option_type = template.str("capacityOptionType")?.map(str::to_string);
    if template.get("networkConfiguration").is_some() {
        notes.push(src.note(
            &template.field("networkConfiguration"),
            "subnet ids do not say their AZs: the provider uses every AZ of the cluster (set availability_zones to its subnets' AZs)",
        ));
    }
    if let Some(req) = template.get("instanceRequirements") {
        let path = template.field("instanceRequirements");
        let req = Obj::new(src, &path, req)?;
        out.instance_requirements = Some(requirements(req, notes)?);
    }
    Ok(out)
}

fn requirements(
    req: Obj<'_>,
    notes: &mut Vec<Note>,
) -> Result<InstanceRequirementsFile, ScenarioError> {
    let src = req.src;
    req.check(
        &[
            "vCpuCount",
            "memoryMiB",
            "memoryGiBPerVCpu",
            "cpuManufacturers",
            "allowedInstanceTypes",
            "excludedInstanceTypes",
            "instanceGenerations",
            "burstablePerformance",
            "acceleratorCount",
            "onDemandMaxPricePercentageOverLowestPrice",
            "spotMaxPricePercentageOverLowestPrice",
        ],
        &[LeftOut {
            keys: &[
                "bareMetal",
                "requireHibernateSupport",
                "networkInterfaceCount",
                "localStorage",
                "localStorageTypes",
                "totalLocalStorageGB",
                "baselineEbsBandwidthMbps",
                "acceleratorTypes",
                "acceleratorManufacturers",
                "acceleratorNames",
                "acceleratorTotalMemoryMiB",
                "networkBandwidthGbps",
                "maxSpotPriceAsPercentageOfOptimalOnDemandPrice",
            ],
            why: "not in ecsim's catalog: every catalog type is taken to meet them",
        }],
        notes,
    )?;
    let range = |key: &str| -> Result<Option<RangeFile>, ScenarioError> {
        let Some(v) = req.get(key) else {
            return Ok(None);
        };
        let path = req.field(key);
        let r = Obj::new(src, &path, v)?;
        let num = |k: &str| -> Result<Option<f64>, ScenarioError> {
            match r.get(k) {
                None => Ok(None),
                Some(v) => v
                    .as_f64()
                    .map(Some)
                    .ok_or_else(|| src.error(&r.field(k), "expected a number")),
            }
        };
        Ok(Some(RangeFile {
            min: num("min")?,
            max: num("max")?,
        }))
    };
    Ok(InstanceRequirementsFile {
        v_cpu_count: range("vCpuCount")?,
        memory_mib: range("memoryMiB")?,
        memory_gib_per_vcpu: range("memoryGiBPerVCpu")?,
        cpu_manufacturers: req.strings("cpuManufacturers")?,
        allowed_instance_types: req.strings("allowedInstanceTypes")?,
        excluded_instance_types: req.strings("excludedInstanceTypes")?,
        instance_generations: req.strings("instanceGenerations")?,
        burstable_performance: req.str("burstablePerformance")?.map(str::to_string),
        accelerator_count: range("acceleratorCount")?,
        on_demand_max_price_percentage_over_lowest_price: req
            .u32("onDemandMaxPricePercentageOverLowestPrice")?,
        spot_max_price_percentage_over_lowest_price: req
            .u32("spotMaxPricePercentageOverLowestPrice")?,
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
