//! `jobs`: job streams of standalone tasks.

use super::super::error::FieldError;
use super::super::file::*;
use super::Names;
use super::placement::{constraints, strategies};
use super::services::{check_compatible, launch, no_strategy_on_managed};
use super::task_defs::Families;
use super::workload::{arrival, duration};
use crate::model::{JobSpec, ManagedProviderSpec, Placement, PoolSpec};

/// `jobs[i]` of the file (its name already checked against the ones before it).
pub(super) fn job(
    i: usize,
    j: &JobFile,
    task_defs: &Families<'_>,
    pools: &[PoolSpec],
    managed: &[ManagedProviderSpec],
    names: &mut Names<'_>,
) -> Result<JobSpec, FieldError> {
    let at = format!("jobs[{i}]");
    let def = task_defs.find(&j.task_definition, &format!("{at}.taskDefinition"))?;
    let task_defs = task_defs.all();
    let launch = launch(
        &at,
        j.launch_type.as_deref(),
        j.capacity_provider_strategy.as_deref(),
        pools,
        managed,
    )?;
    check_compatible(&at, &task_defs[def.index()], def.index(), &launch)?;
    no_strategy_on_managed(&at, &launch, !j.placement_strategy.is_empty())?;
    let group = j
        .group
        .clone()
        .unwrap_or_else(|| format!("family:{}", task_defs[def.index()].family));
    let (strategies, policies) = strategies(&at, &j.placement_strategy, names)?;
    Ok(JobSpec {
        name: j.name.clone(),
        task_def: def,
        arrival: arrival(&format!("{at}.arrival"), &j.arrival)?,
        duration: duration(&format!("{at}.duration"), &j.duration)?,
        launch,
        placement: Placement {
            strategies,
            constraints: constraints(&at, &j.placement_constraints)?,
            group: names.group(&group),
            policies,
        },
    })
}
