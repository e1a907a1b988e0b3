//! Why an instance was chosen, in words, for the narrated trace. Only called when tracing.

use super::{Ctx, PlacementRequest};
use crate::model::{Cluster, InstanceId, PlacementStrategy, Resource, SpreadField};
use std::fmt::Write;

pub fn explain(cluster: &Cluster, request: &PlacementRequest<'_>, chosen: InstanceId) -> String {
    let ctx = Ctx {
        cluster,
        request,
        nonce: 0,
    };
    let inst = cluster.instance(chosen);
    let group = &cluster.group_names[request.placement.group.index()];
    let mut out = String::new();
    if request.placement.strategies.is_empty() {
        out.push_str("random among instances that fit");
    }
    for (i, strategy) in request.placement.strategies.iter().enumerate() {
        if i > 0 {
            out.push_str(", then ");
        }
        match strategy {
            PlacementStrategy::Binpack(Resource::Cpu) => {
                let _ = write!(
                    out,
                    "binpack(cpu): {} CPU units left",
                    inst.cpu_free - request.cpu
                );
            }
            PlacementStrategy::Binpack(Resource::Memory) => {
                let _ = write!(
                    out,
                    "binpack(memory): {} MiB left",
                    inst.memory_free - request.memory
                );
            }
            PlacementStrategy::Spread(field) => {
                let n = ctx.key(*strategy, chosen);
                let where_ = match field {
                    SpreadField::InstanceId => "this instance".to_string(),
                    SpreadField::Attribute(k) => format!(
                        "{} {}",
                        cluster.spread_keys[*k],
                        cluster.attribute_values[*k][inst.attribute_values[*k] as usize]
                    ),
                };
                let _ = write!(
                    out,
                    "spread: {n} {group} tasks already on {where_}, the fewest"
                );
            }
            PlacementStrategy::Random => out.push_str("random"),
        }
    }
    if !request.placement.constraints.is_empty() {
        out.push_str("; constraints met");
    }
    out
}
