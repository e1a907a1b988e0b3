//! Checks over the whole resolved config that no single field can make: loops that would
//! never let simulated time pass, work that could never be placed anywhere, and settings
//! that are legal but probably not meant (warnings, kept in the summary).

use super::error::FieldError;
use crate::model::{
    Cluster, InstanceTypeSpec, LaunchSpec, Placement, PlacementConstraint, PoolId, Provider,
    SimConfig, TaskDef,
};
use crate::placement::FreshInstance;
use crate::time::SimDuration;
use crate::workload::{ArrivalProcess, DurationDist};

/// Errors for what cannot run as meant; the warnings for what can.
pub fn check(c: &SimConfig) -> Result<Vec<String>, FieldError> {
    zero_time_cycles(c)?;
    let mut warnings = Vec::new();
    for (i, s) in c.services.iter().enumerate() {
        let needs_capacity = s.daemon
            || s.desired_count > 0
            || s.scaling.auto_scaling.as_ref().is_some_and(|a| a.max > 0);
        if needs_capacity {
            capacity(c, &format!("services[{i}]"), s.task_def, &s.launch, false)?;
        }
        member_of(
            c,
            &format!("services[{i}]"),
            &s.placement,
            &s.launch,
            &mut warnings,
        );
    }
    for (i, j) in c.jobs.iter().enumerate() {
        // A trace's row is one RunTask call: one too big for every instance is rejected
        // when it arrives, as ECS would, and counted (issue 32), not a reason to refuse
        // the whole replay; `trace::TraceOrigins::unplaceable` warns of such rows.
        let replayed = matches!(j.arrival, ArrivalProcess::Trace(_));
        capacity(c, &format!("jobs[{i}]"), j.task_def, &j.launch, replayed)?;
        member_of(
            c,
            &format!("jobs[{i}]"),
            &j.placement,
            &j.launch,
            &mut warnings,
        );
    }
    for (i, d) in c.task_defs.iter().enumerate() {
        if let Some(size) = d.fargate_size {
            if size.cpu_units > 2 * d.cpu || size.memory_mib > 2 * d.memory {
                warnings.push(format!(
                    "taskDefinitions[{i}] (`{}`): {} CPU units / {} MiB is billed on Fargate as {} / {} (the smallest valid size), more than twice what it asks for",
                    d.family, d.cpu, d.memory, size.cpu_units, size.memory_mib
                ));
            }
        }
    }
    Ok(warnings)
}

/// The longest a duration drawn from `d` can be, in ms: zero means "always at once".
fn longest(d: &DurationDist) -> f64 {
    match d {
        DurationDist::Constant(v) => v.0 as f64,
        DurationDist::Uniform { max_s, .. } => max_s * 1000.0,
        _ => f64::INFINITY,
    }
}

/// A failure that always strikes at once, whose replacement also comes at once, repeats at
/// one instant forever (issue 11): refuse it with the field that makes the cycle.
fn zero_time_cycles(c: &SimConfig) -> Result<(), FieldError> {
    let zero = |d: &Option<DurationDist>| d.as_ref().is_some_and(|d| longest(d) == 0.0);
    for (i, s) in c.services.iter().enumerate() {
        if zero(&s.crash_after) {
            return Err(FieldError::new(
                format!("services[{i}].crash_after"),
                "is always 0: every task would crash the instant it reaches RUNNING and be replaced, without end",
            )
            .allowed("a time to crash that can be longer than 0; to model tasks that never start, use start_failure_probability = 1"));
        }
        let always_fails = s.start_failure_probability >= 1.0
            || c.task_defs[s.task_def.index()]
                .start_failure_probability
                .is_some_and(|p| p >= 1.0);
        if always_fails && c.failures.backoff.initial == SimDuration::ZERO {
            return Err(FieldError::new(
                "failures.restart_backoff.initial",
                format!(
                    "is 0 while every task of service `{}` fails to start (start_failure_probability = 1): the service would relaunch without end at one instant",
                    s.name
                ),
            )
            .allowed("an initial restart delay longer than 0 (ECS throttles restarts; default 10s)"));
        }
    }
    let relaunch_is_instant = c.timing.instance_launch == SimDuration::ZERO;
    for (i, p) in c.pools.iter().enumerate() {
        if relaunch_is_instant && zero(&p.instance_failure) {
            return Err(FieldError::new(
                format!("cluster.pools[{i}].instance_failure"),
                "is always 0 and timing.instance_launch is 0: every instance would fail the instant it registers and be replaced, without end",
            )
            .allowed("a time to failure that can be longer than 0, or a launch time above 0"));
        }
        if relaunch_is_instant
            && c.failures.spot_notice == SimDuration::ZERO
            && zero(&p.spot_interruption)
        {
            return Err(FieldError::new(
                format!("cluster.pools[{i}].spot_interruption"),
                "is always 0 with a zero spot_notice and a zero timing.instance_launch: every instance would be reclaimed the instant it registers and be replaced, without end",
            )
            .allowed("a time to interruption that can be longer than 0, a notice above 0, or a launch time above 0"));
        }
    }
    if zero(&c.fargate.spot_interruption) && c.failures.spot_notice == SimDuration::ZERO {
        return Err(FieldError::new(
            "fargate.spot_interruption",
            "is always 0 with a zero spot_notice: every FARGATE_SPOT task would be reclaimed the instant it runs",
        )
        .allowed("a time to interruption that can be longer than 0, or a notice above 0"));
    }
    Ok(())
}

/// The pools a launch may use; None for Fargate.
fn pools_of(c: &SimConfig, launch: &LaunchSpec) -> Option<Vec<usize>> {
    match launch {
        LaunchSpec::Ec2 => Some((0..c.pools.len()).collect()),
        LaunchSpec::Fargate => None,
        LaunchSpec::Providers(shares) => {
            let pools: Vec<usize> = shares
                .iter()
                .filter_map(|s| match s.provider {
                    Provider::Pool(p) => Some(p.index()),
                    _ => None,
                })
                .collect();
            (!pools.is_empty()).then_some(pools)
        }
    }
}

/// Whether an instance of type `t`, empty, has room for a task of `d`.
fn holds(t: &InstanceTypeSpec, d: &TaskDef) -> bool {
    t.cpu_units >= d.cpu && t.memory_mib >= d.memory && t.gpus >= d.gpu
}

/// Whether `launch` places on pools and none of their instance types could hold a task of
/// `d` even empty.
pub(super) fn fits_no_pool(c: &SimConfig, d: &TaskDef, launch: &LaunchSpec) -> bool {
    pools_of(c, launch)
        .is_some_and(|pools| !pools.iter().any(|&p| holds(&c.pools[p].instance_type, d)))
}

/// An EC2 task with no pool that could ever hold it: none listed, none big enough, or
/// none with an instance now or later. For a replayed trace (`per_task`), only the
/// first: the others are decided task by task as RunTask calls.
fn capacity(
    c: &SimConfig,
    at: &str,
    def: crate::model::TaskDefId,
    launch: &LaunchSpec,
    per_task: bool,
) -> Result<(), FieldError> {
    let Some(pools) = pools_of(c, launch) else {
        return Ok(());
    };
    let d = &c.task_defs[def.index()];
    if pools.is_empty() {
        return Err(FieldError::new(
            format!("{at}.taskDefinition"),
            "runs on EC2 but the cluster has no pools, so its tasks could never be placed",
        )
        .allowed("add a [[cluster.pools]], or launch on Fargate (launchType = \"FARGATE\")"));
    }
    if per_task {
        return Ok(());
    }
    let fits: Vec<usize> = pools
        .iter()
        .copied()
        .filter(|&p| holds(&c.pools[p].instance_type, d))
        .collect();
    if fits.is_empty() && d.gpu > 0 {
        let most = pools
            .iter()
            .map(|&p| &c.pools[p])
            .max_by_key(|p| p.instance_type.gpus)
            .expect("pools is not empty");
        return Err(FieldError::new(
            format!("{at}.taskDefinition"),
            format!(
                "task definition `{}` needs {} CPU units, {} MiB and {} GPU(s) on one instance, and no instance it may use has them (the most GPUs: pool `{}` of {}, with {})",
                d.family,
                d.cpu,
                d.memory,
                d.gpu,
                most.name,
                most.instance_type.name,
                most.instance_type.gpus
            ),
        )
        .allowed("an instance type with GPUs (g4dn, g5, g6, p4d, p5), or fewer GPUs"));
    }
    if fits.is_empty() {
        let largest = pools
            .iter()
            .map(|&p| &c.pools[p])
            .max_by_key(|p| (p.instance_type.cpu_units, p.instance_type.memory_mib))
            .expect("pools is not empty");
        return Err(FieldError::new(
            format!("{at}.taskDefinition"),
            format!(
                "task definition `{}` needs {} CPU units and {} MiB, more than any instance it may use offers (the largest, pool `{}` of {}, registers {} CPU units and {} MiB)",
                d.family,
                d.cpu,
                d.memory,
                largest.name,
                largest.instance_type.name,
                largest.instance_type.cpu_units,
                largest.instance_type.memory_mib
            ),
        )
        .allowed("a larger instance type, or a smaller cpu and memory"));
    }
    let ever = |p: &usize| {
        let pool = &c.pools[*p];
        pool.count > 0
            || pool
                .managed_scaling
                .as_ref()
                .is_some_and(|m| m.max_size > 0)
    };
    if !fits.iter().any(ever) {
        let names: Vec<&str> = fits.iter().map(|&p| c.pools[p].name.as_str()).collect();
        return Err(FieldError::new(
            format!("{at}.taskDefinition"),
            format!(
                "its tasks could never be placed: the pools they fit in ({}) have no instances and cannot scale up (count = 0, no managed_scaling or max_size = 0)",
                names.join(", ")
            ),
        )
        .allowed("a count above 0, or managed_scaling with max_size above 0"));
    }
    Ok(())
}

/// A memberOf constraint no instance of any usable pool satisfies at start (no tasks
/// running yet): a warning, since expressions about running tasks may change later.
fn member_of(
    c: &SimConfig,
    at: &str,
    placement: &Placement,
    launch: &LaunchSpec,
    warnings: &mut Vec<String>,
) {
    let Some(pools) = pools_of(c, launch) else {
        return;
    };
    if pools.is_empty() {
        return;
    }
    // Built only for a memberOf, once: a trace's thousands of job streams have none.
    let mut cluster = None;
    for (k, constraint) in placement.constraints.iter().enumerate() {
        let PlacementConstraint::MemberOf(expr) = constraint else {
            continue;
        };
        let cluster = cluster.get_or_insert_with(|| {
            Cluster::new(
                c.availability_zones.clone(),
                c.pool_infos(),
                Vec::new(),
                &[],
                vec!["ecs.availability-zone".into()],
                None,
            )
        });
        let satisfied = pools.iter().any(|&p| {
            c.pools[p].azs.iter().any(|&az| {
                expr.evaluate(&FreshInstance {
                    cluster,
                    pool: PoolId(p as u32),
                    az,
                })
            })
        });
        if !satisfied {
            warnings.push(format!(
                "{at}.placementConstraints[{k}]: no instance of the pools it may use satisfies this memberOf expression, so its tasks may never be placed"
            ));
        }
    }
}
