//! The filters: resources first (what RunTask reports as RESOURCE:*), then the placement
//! constraints, which may leave no candidate at all.

use super::Ctx;
use crate::model::cluster::Cluster;
use crate::model::task::RejectReason;
use crate::model::{AzId, Instance, InstanceId, Placement, PlacementConstraint, PoolId};
use crate::query::QuerySubject;

/// The resource checks in ECS's order; the first that fails names the reason.
pub(super) fn first_shortfall(ctx: &Ctx<'_>, inst: &Instance) -> Option<RejectReason> {
    let r = ctx.request;
    if r.pool.is_some_and(|p| p != inst.pool) {
        return Some(RejectReason::NoInstances);
    }
    if inst.cpu_free < r.cpu {
        return Some(RejectReason::Cpu);
    }
    if inst.gpu_free < r.gpu {
        return Some(RejectReason::Gpu);
    }
    if inst.memory_free < r.memory {
        return Some(RejectReason::Memory);
    }
    if !inst.ports_free(r.host_ports) {
        return Some(RejectReason::Ports);
    }
    if r.awsvpc {
        if inst.eni_free == 0 {
            return Some(RejectReason::Eni);
        }
        if !ctx.cluster.subnet_has_ip(inst.az) {
            return Some(RejectReason::SubnetIps);
        }
    }
    None
}

pub(super) fn fits(ctx: &Ctx<'_>, id: InstanceId) -> bool {
    first_shortfall(ctx, ctx.cluster.instance(id)).is_none()
}

pub(super) fn allowed(ctx: &Ctx<'_>, id: InstanceId) -> bool {
    let placement = ctx.request.placement;
    placement.constraints.iter().all(|c| match c {
        PlacementConstraint::DistinctInstance => {
            ctx.cluster.group(placement.group).per_instance[id.index()] == 0
        }
        PlacementConstraint::MemberOf(expr) => expr.evaluate(&InstanceSubject {
            cluster: ctx.cluster,
            id,
        }),
    })
}

/// Why no ACTIVE instance took the task: the resource that stopped the instance that got
/// furthest through the checks, or the constraints if some instance had the resources.
pub(super) fn reject_reason(ctx: &Ctx<'_>) -> RejectReason {
    let stage = |r: RejectReason| match r {
        RejectReason::NoInstances => 0,
        RejectReason::Cpu => 1,
        RejectReason::Gpu => 2,
        RejectReason::Memory => 3,
        RejectReason::Ports => 4,
        RejectReason::Eni => 5,
        RejectReason::SubnetIps => 6,
        _ => 7,
    };
    let mut furthest = RejectReason::NoInstances;
    for &id in ctx.cluster.active() {
        let reason = match first_shortfall(ctx, ctx.cluster.instance(id)) {
            Some(r) => r,
            None => RejectReason::Constraint,
        };
        if stage(reason) > stage(furthest) {
            furthest = reason;
        }
    }
    furthest
}

/// An instance as the cluster query language sees it.
pub struct InstanceSubject<'a> {
    pub cluster: &'a Cluster,
    pub id: InstanceId,
}

impl QuerySubject for InstanceSubject<'_> {
    fn attribute(&self, name: &str) -> Option<&str> {
        let inst = self.cluster.instance(self.id);
        self.cluster.attribute_of(inst.pool, inst.az, name)
    }
    fn ec2_instance_id(&self) -> &str {
        &self.cluster.instance(self.id).ec2_instance_id
    }
    fn running_tasks_count(&self) -> u32 {
        self.cluster.instance(self.id).task_count
    }
    fn has_task_group(&self, group: &str) -> bool {
        self.cluster
            .group_names
            .iter()
            .position(|g| g == group)
            .is_some_and(|g| self.cluster.groups[g].per_instance[self.id.index()] > 0)
    }
    fn agent_connected(&self) -> bool {
        true
    }
    fn agent_version(&self) -> &str {
        "1.88.0"
    }
    fn registered_at_ms(&self) -> u64 {
        self.cluster.instance(self.id).registered_at.0
    }
}

/// An instance of a pool in an AZ as it registers, before anything runs on it: what a
/// launch would add, for the questions asked before any launch.
pub struct FreshInstance<'a> {
    /// The cluster whose attribute tables answer the queries.
    pub cluster: &'a Cluster,
    /// The pool the instance would be launched into.
    pub pool: PoolId,
    /// The AZ it would be launched in.
    pub az: AzId,
}

impl QuerySubject for FreshInstance<'_> {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.cluster.attribute_of(self.pool, self.az, name)
    }
    fn ec2_instance_id(&self) -> &str {
        ""
    }
    fn running_tasks_count(&self) -> u32 {
        0
    }
    fn has_task_group(&self, _group: &str) -> bool {
        false
    }
    fn agent_connected(&self) -> bool {
        true
    }
    fn agent_version(&self) -> &str {
        "1.88.0"
    }
    fn registered_at_ms(&self) -> u64 {
        0
    }
}

/// The first memberOf constraint of `placement` that no fresh instance of `pool` in any
/// of `azs` satisfies (its index in `placement.constraints`): a task under it can never be
/// placed on an instance the pool launches, so launching for it is futile.
pub fn unsatisfiable_on_launch(
    cluster: &Cluster,
    pool: PoolId,
    azs: &[AzId],
    placement: &Placement,
) -> Option<usize> {
    placement.constraints.iter().position(|constraint| {
        let PlacementConstraint::MemberOf(expr) = constraint else {
            return false;
        };
        !azs.iter()
            .any(|&az| expr.evaluate(&FreshInstance { cluster, pool, az }))
    })
}
