//! `jobs`: job streams of standalone tasks.

use super::super::error::FieldError;
use super::super::file::*;
use super::Names;
use super::placement::{constraints, strategies};
use super::services::{check_compatible, launch};
use super::task_defs::find_def;
use super::workload::{arrival, duration};
use crate::model::{JobSpec, Placement, PoolSpec, TaskDef};

/// `jobs[i]` of the file, checked against the ones before it.
pub(super) fn job(
    i: usize,
    all: &[JobFile],
    task_defs: &[TaskDef],
    pools: &[PoolSpec],
    names: &mut Names,
) -> Result<JobSpec, FieldError> {
    let j = &all[i];
    let at = format!("jobs[{i}]");
    if !names.jobs.insert(j.name.clone()) {
        return Err(FieldError::new(
            format!("{at}.name"),
            format!("job stream `{}` is defined twice", j.name),
        ));
    }
    let def = find_def(
        task_defs,
        &j.task_definition,
        &format!("{at}.taskDefinition"),
    )?;
    let launch = launch(
        &at,
        j.launch_type.as_deref(),
        j.capacity_provider_strategy.as_deref(),
        pools,
    )?;
    check_compatible(&at, &task_defs[def.index()], &launch)?;
    let group = j
        .group
        .clone()
        .unwrap_or_else(|| format!("family:{}", task_defs[def.index()].family));
    Ok(JobSpec {
        name: j.name.clone(),
        task_def: def,
        arrival: arrival(&format!("{at}.arrival"), &j.arrival)?,
        duration: duration(&format!("{at}.duration"), &j.duration)?,
        launch,
        placement: Placement {
            strategies: strategies(&at, &j.placement_strategy, names)?,
            constraints: constraints(&at, &j.placement_constraints)?,
            group: names.group(&group),
        },
    })
}
