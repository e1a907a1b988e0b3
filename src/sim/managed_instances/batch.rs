//! The batch: every task waiting for a provider (and not already covered by a launching
//! instance) is packed into new instances at once (`placement::managed_instances::packing`),
//! which launch and register `launch_time` later; the waiting tasks take them then.

use super::super::Simulation;
use super::super::events::Event;
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{GroupId, PlacementConstraint, PoolId};
use crate::placement::FreshInstance;
use crate::placement::managed_instances::packing::{self, BinType, Item};
use crate::time::SimTime;

/// One instance a batch launched, for the trace.
pub(in crate::sim) struct Launched {
    pub pool: PoolId,
    pub az: crate::model::AzId,
    pub tasks: usize,
    pub hourly_cost: f64,
    pub instance: crate::model::InstanceId,
}

impl<R: Recorder> Simulation<'_, R> {
    /// Provider `m`'s batching window ended: instances for every uncovered waiting task.
    pub(in crate::sim) fn managed_batch(
        &mut self,
        m: u32,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        self.managed.providers[m as usize].batch_queued = false;
        let slots = self.waiting_for(m);
        if slots.is_empty() {
            return;
        }
        let config = self.config;
        let spec = &config.managed_instances[m as usize];
        let types: Vec<BinType> = spec
            .types
            .iter()
            .map(|t| {
                let it = &config.pools[t.pool.index()].instance_type;
                BinType {
                    cpu: it.cpu_units,
                    memory: it.memory_mib,
                    eni: it.awsvpc_task_limit,
                    gpu: it.gpus,
                    hourly_cost: t.hourly_cost(),
                }
            })
            .collect();
        let mut items = Vec::with_capacity(slots.len());
        let mut arch = Vec::with_capacity(slots.len());
        let mut placements = Vec::with_capacity(slots.len());
        for &slot in &slots {
            let task = self.tasks.get(slot);
            let o = self.origins.id(task.origin);
            let def = &config.task_defs[task.task_def.index()];
            let placement = self.origins[o].placement(config);
            let shape = def.shape();
            items.push(Item {
                cpu: shape.cpu,
                memory: shape.memory,
                gpu: shape.gpu,
                eni: shape.awsvpc,
                host_ports: shape.host_ports,
                group: placement.group.0,
                distinct: placement
                    .constraints
                    .iter()
                    .any(|c| matches!(c, PlacementConstraint::DistinctInstance)),
            });
            arch.push(match def.platform {
                crate::catalog::FargatePlatform::LinuxArm => "arm64",
                _ => "x86_64",
            });
            placements.push(placement);
        }
        let cluster = &self.cluster;
        let outages = &self.outages;
        let admits = |i: usize, k: usize, a: usize| {
            let pool = spec.types[k].pool;
            let az = spec.azs[a];
            config.pools[pool.index()].instance_type.arch == arch[i]
                && !outages.is_down(az)
                && placements[i].constraints.iter().all(|c| match c {
                    PlacementConstraint::MemberOf(expr) => {
                        expr.evaluate(&FreshInstance { cluster, pool, az })
                    }
                    PlacementConstraint::DistinctInstance => true,
                })
        };
        let group_in_az =
            |g: u32, a: usize| cluster.group(GroupId(g)).per_attribute[0][spec.azs[a].index()];
        let plan = packing::pack(&items, &types, spec.azs.len(), &group_in_az, &admits);
        let mut launched = Vec::with_capacity(plan.bins.len());
        for bin in &plan.bins {
            let t = &spec.types[bin.kind];
            let az = spec.azs[bin.az];
            self.autoscaling.instance_launched();
            let id = self.launch_instance(t.pool, az, now);
            let r = self.cluster.reference(id);
            queue.schedule(now + spec.launch_time, Event::InstanceRegistered(r));
            let covered = bin
                .items
                .iter()
                .map(|&i| (slots[i], self.tasks.get(slots[i]).id))
                .collect();
            self.managed.providers[m as usize].plans.push((r, covered));
            launched.push(Launched {
                pool: t.pool,
                az,
                tasks: bin.items.len(),
                hourly_cost: t.hourly_cost(),
                instance: id,
            });
        }
        let unplaced = plan.unplaced.len();
        let waiting = slots.len();
        self.narrate(now, |n| n.managed_batch(m, waiting, &launched, unplaced));
    }
}
