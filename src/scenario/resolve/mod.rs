//! Turns the file's description into the runtime config: names resolved against the
//! catalog and each other, sizes rounded, units converted, every rule checked.

pub(super) mod check;
mod cluster;
mod commitments;
mod cost_allocation;
mod failures;
mod jobs;
pub mod managed_instances;
mod placement;
mod predictive;
pub(super) mod scaling;
mod services;
mod strategy;
mod task_defs;
mod workload;

use super::error::FieldError;
use super::file::*;
use crate::catalog::{self, PriceCatalog};
use crate::model::{BillingSpec, FargateSpec, GroupId, InstanceTypeSpec, SimConfig};
use crate::placement::policies::PolicyRegistry;
use crate::time::{SimDuration, SimTime};
use cluster::{DEFAULT_AZS, custom_type, pool, timing};
use placement::AZ_ATTRIBUTE;
use std::collections::{BTreeSet, HashMap, HashSet};
use task_defs::{Families, task_def};
use workload::duration;

/// Ten million events at one millisecond is far beyond any real burst (a million tasks
/// placed at time 0 take about three events each) yet reached within seconds by a loop.
pub const DEFAULT_EVENTS_PER_INSTANT: u64 = 10_000_000;

/// `policies`: the placement policies a `{ type = "policy", name }` rule may name.
pub fn sim_config(
    file: ScenarioFile,
    default_name: &str,
    prices: &PriceCatalog,
    policies: &PolicyRegistry,
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
    let mut pools = file
        .cluster
        .pools
        .iter()
        .enumerate()
        .map(|(i, p)| pool(i, p, &azs, &custom, prices))
        .collect::<Result<Vec<_>, _>>()?;
    // Names are checked through sets: a trace makes a task definition per distinct size
    // and a job stream per size and group, tens of thousands of them (issue 32).
    let mut seen = HashSet::new();
    for (i, p) in file.cluster.pools.iter().enumerate() {
        if !seen.insert(p.name.as_str()) {
            return Err(FieldError::new(
                format!("cluster.pools[{i}].name"),
                format!("pool `{}` is defined twice", p.name),
            ));
        }
    }
    let managed = managed_instances::providers(&file.managed_instances, &azs, &mut pools, prices)?;
    let mut seen = HashSet::new();
    for (i, t) in file.task_definitions.iter().enumerate() {
        if !seen.insert(t.family.as_str()) {
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
        group_ids: HashMap::new(),
        spread_keys: vec![AZ_ATTRIBUTE.to_string()],
        services: BTreeSet::new(),
        policies,
    };
    let mut services = Vec::new();
    for i in 0..file.services.len() {
        let service = services::service(
            i,
            &file.services,
            &task_defs,
            &pools,
            &managed,
            &mut names,
            horizon,
        )?;
        services.push(service);
    }
    let families = Families::new(&task_defs);
    let mut jobs = Vec::new();
    let mut seen = HashSet::new();
    for (i, j) in file.jobs.iter().enumerate() {
        if !seen.insert(j.name.as_str()) {
            return Err(FieldError::new(
                format!("jobs[{i}].name"),
                format!("job stream `{}` is defined twice", j.name),
            ));
        }
        jobs.push(jobs::job(i, j, &families, &pools, &managed, &mut names)?);
    }
    cluster::default_managed_draining(
        &mut pools,
        &file.cluster.pools,
        services
            .iter()
            .map(|s| &s.launch)
            .chain(jobs.iter().map(|j| &j.launch)),
    );
    let failures = failures::failures(&file.failures, &azs, &pools, &services, horizon)?;
    let commitments = commitments::build(&file.commitments, &pools, prices, horizon)?;
    let allocation = cost_allocation::build(
        &file.cost_allocation,
        &file.cluster.pools,
        &file.instance_types,
        &pools,
        prices,
    )?;
    Ok(SimConfig {
        failures,
        name: file.name.unwrap_or_else(|| default_name.to_string()),
        seed: file.seed.unwrap_or(1),
        horizon,
        warmup,
        sample_interval,
        availability_zones: azs,
        subnet_ips_per_az: file.cluster.subnet_ips_per_az,
        daemon_room_held: file.cluster.daemon_room_held.unwrap_or(true),
        pools,
        managed_instances: managed,
        provisioning: cluster::provisioning(&file.cluster, &file.timing)?,
        fargate: FargateSpec {
            max_concurrent_tasks: file.fargate.max_concurrent_tasks,
            rates: prices.fargate.clone(),
            spot_interruption: file
                .fargate
                .spot_interruption
                .as_ref()
                .map(|d| duration("fargate.spot_interruption", d))
                .transpose()?,
            launch_rate: cluster::fargate_launch_rate(&file.fargate, &file.timing)?,
        },
        task_defs,
        services,
        jobs,
        timing: timing(&file.timing)?,
        groups: names.groups,
        spread_keys: names.spread_keys,
        // Filled by the checks that run on the built config.
        warnings: Vec::new(),
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
            allocation,
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

/// Names given out while building, each looked up through an ordered index: a scenario of
/// N services (an imported one) checks and interns them in n log n, not n² (issue 32, item 11).
pub(super) struct Names<'r> {
    groups: Vec<String>,
    /// Position of each name in `groups`, so a trace's thousands of groups are found at once.
    group_ids: HashMap<String, u32>,
    spread_keys: Vec<String>,
    /// The services built so far, for "defined twice" (job streams are checked as they
    /// are read, in `build`).
    pub(super) services: BTreeSet<String>,
    /// The placement policies a `{ type = "policy", name }` rule may name.
    policies: &'r PolicyRegistry,
}

impl Names<'_> {
    fn group(&mut self, name: &str) -> GroupId {
        if let Some(&id) = self.group_ids.get(name) {
            return GroupId(id);
        }
        let id = self.groups.len() as u32;
        self.groups.push(name.to_string());
        self.group_ids.insert(name.to_string(), id);
        GroupId(id)
    }
}

pub(super) fn intern(list: &mut Vec<String>, name: &str) -> usize {
    list.iter().position(|n| n == name).unwrap_or_else(|| {
        list.push(name.to_string());
        list.len() - 1
    })
}
