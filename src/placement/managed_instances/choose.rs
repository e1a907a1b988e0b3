//! Which existing instance of a Managed Instances provider takes a task. A scan of the
//! provider's ACTIVE instances (no index: the provider's instances are a small part of a
//! cluster, and its ranking is its own). Lower keys win:
//!
//! - several AZs: the fewest tasks of the task's group in the instance's AZ, then on the
//!   instance ("across at least 3 instances in different AZs when possible"), then the
//!   least free memory and CPU (packing within the spread);
//! - one AZ (one subnet): the least free memory, then CPU (bin packing);
//!
//! and the instance's random rank breaks what ties remain, as in ECS's chain.

use super::super::{Ctx, PlacementRequest, constraints};
use crate::model::{Cluster, InstanceId, InstanceState, ManagedProviderSpec};

/// An instance's ranking key, lower first (see the module docs).
type Key = (u32, u32, u32, u32, u32);

/// The instance of `provider` the task goes to, if any has the room and meets the
/// constraints. `arch`: the task's CPU architecture (`x86_64` or `arm64`).
pub fn choose(
    cluster: &Cluster,
    request: &PlacementRequest<'_>,
    provider: &ManagedProviderSpec,
    arch: &str,
) -> Option<InstanceId> {
    let spread = provider.azs.len() > 1;
    let group = cluster.group(request.placement.group);
    let mut best: Option<(Key, InstanceId)> = None;
    for t in &provider.types {
        if cluster.pools[t.pool.index()].instance_type.arch != arch {
            continue;
        }
        let in_pool = PlacementRequest {
            pool: Some(t.pool),
            ..*request
        };
        let ctx = Ctx {
            cluster,
            request: &in_pool,
            nonce: 0,
        };
        for id in cluster.pool_live(t.pool) {
            let inst = cluster.instance(id);
            if inst.state != InstanceState::Active
                || !constraints::fits(&ctx, id)
                || !constraints::allowed(&ctx, id)
            {
                continue;
            }
            let key = if spread {
                (
                    group.per_attribute[0][inst.az.index()],
                    group.per_instance[id.index()],
                    inst.memory_free,
                    inst.cpu_free,
                    inst.rank,
                )
            } else {
                (inst.memory_free, inst.cpu_free, 0, 0, inst.rank)
            };
            if best.is_none_or(|(k, _)| key < k) {
                best = Some((key, id));
            }
        }
    }
    best.map(|(_, id)| id)
}
