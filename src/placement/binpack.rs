//! binpack: the instance with the least of the named resource left after placing, so
//! fewer instances carry the load.

use super::PlacementRequest;
use crate::model::fit_tree::FitTree;
use crate::model::{Cluster, InstanceId, Resource};

pub(super) fn free(cluster: &Cluster, id: InstanceId, resource: Resource) -> u32 {
    let inst = cluster.instance(id);
    match resource {
        Resource::Cpu => inst.cpu_free,
        Resource::Memory => inst.memory_free,
    }
}

/// The index of ACTIVE instances by free amount of the resource, and the first key that
/// has the requested amount free; `None` when the cluster does not keep that index.
pub(super) fn candidates<'c>(
    cluster: &'c Cluster,
    resource: Resource,
    request: &PlacementRequest<'_>,
) -> Option<(&'c FitTree, u64)> {
    let (cpu_index, needed) = match resource {
        Resource::Cpu => (true, request.cpu),
        Resource::Memory => (false, request.memory),
    };
    Some((cluster.free_index(cpu_index)?, u64::from(needed) << 32))
}
