//! spread: even out the task group's tasks over instances, or over the values of an
//! attribute such as the availability zone.

use super::{Ctx, Filter};
use crate::model::fit_tree::FitTree;
use crate::model::{InstanceId, SpreadField};

/// Tasks of the request's group on the instance, or on the instance's attribute value.
pub(super) fn count(ctx: &Ctx<'_>, field: SpreadField, id: InstanceId) -> u32 {
    let group = ctx.cluster.group(ctx.request.placement.group);
    match field {
        SpreadField::InstanceId => group.per_instance[id.index()],
        SpreadField::Attribute(key) => {
            let value = ctx.cluster.instance(id).attribute_values[key];
            group.per_attribute[key][value as usize]
        }
    }
}

/// ACTIVE instances, fewest tasks of the group first (when the group keeps that index).
pub(super) fn instance_candidates<'c>(ctx: &Ctx<'c>) -> Option<&'c FitTree> {
    ctx.cluster.group_index(ctx.request.placement.group)
}

/// Offers the attribute's values level by level, fewest tasks of the group first: `within`
/// is asked to choose among instances whose value sits on the current level, and the first
/// level that yields an instance wins. Levels are found without sorting or allocating.
pub(super) fn by_levels(
    ctx: &Ctx<'_>,
    key: usize,
    filter: Filter<'_>,
    within: &mut dyn FnMut(Filter<'_>) -> Option<InstanceId>,
) -> Option<InstanceId> {
    let counts = &ctx.cluster.group(ctx.request.placement.group).per_attribute[key];
    let mut floor: Option<u32> = None;
    loop {
        let level = counts
            .iter()
            .copied()
            .filter(|c| floor.is_none_or(|f| *c > f))
            .min()?;
        let on_level = |id: InstanceId| {
            let value = ctx.cluster.instance(id).attribute_values[key];
            counts[value as usize] == level && filter.allows(id)
        };
        // Key 0's values are the AZs, so the indexes can skip the AZs off this level.
        let azs = if key == 0 {
            counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c == level)
                .fold(0u32, |mask, (az, _)| mask | 1 << (az % 32))
        } else {
            u32::MAX
        };
        let level_filter = Filter {
            azs: filter.azs & azs,
            check: Some(&on_level),
        };
        if let Some(id) = within(level_filter) {
            return Some(id);
        }
        floor = Some(level);
    }
}
