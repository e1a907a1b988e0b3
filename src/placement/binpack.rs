//! binpack: the instance with the least of the named resource left after placing, so
//! fewer instances carry the load.

use super::PlacementRequest;
use crate::model::{Cluster, InstanceId, Resource};

pub(super) fn free(cluster: &Cluster, id: InstanceId, resource: Resource) -> u32 {
    let inst = cluster.instance(id);
    match resource {
        Resource::Cpu => inst.cpu_free,
        Resource::Memory => inst.memory_free,
    }
}

/// ACTIVE instances with at least the requested amount free, least free first; `None`
/// when the cluster does not keep that index.
pub(super) fn candidates<'c>(
    cluster: &'c Cluster,
    resource: Resource,
    request: &PlacementRequest<'_>,
) -> Option<impl Iterator<Item = (u32, InstanceId)> + 'c> {
    let (cpu_index, needed) = match resource {
        Resource::Cpu => (true, request.cpu),
        Resource::Memory => (false, request.memory),
    };
    cluster.walk_free(cpu_index, needed)
}
