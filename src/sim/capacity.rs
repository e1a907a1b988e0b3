//! ECS managed scaling of Auto Scaling group capacity providers, driven from the scaling
//! tick: the decision is `scaling::managed_scaling`'s (a pure rule over a view of the
//! group); this file builds the view and carries the decision out: launch instances, or
//! drain and terminate empty ones.

use super::Simulation;
use super::events::Event;
use super::metric_history::push_bounded;
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{Cluster, InstanceId, InstanceState, PoolId, StopReason, Target};
use crate::scaling::managed_scaling::{
    AsgCounts, AsgDecision, AsgInstance, AsgInstances, AsgView, TaskShape,
};
use crate::time::SimTime;

/// Every pool's managed scaling state, by pool.
pub(super) struct PoolScalings {
    pools: Vec<PoolScaling>,
}

/// One pool's managed scaling state.
struct PoolScaling {
    desired: u32,
    /// (origin index, target) pairs already narrated as not counted toward scale-out, so
    /// the trace says it once, not at every tick.
    futile_noted: Vec<(usize, usize)>,
    history: Vec<Option<f64>>,
    metric: Option<f64>,
}

impl PoolScalings {
    pub fn new(config: &crate::model::SimConfig) -> PoolScalings {
        PoolScalings {
            pools: config
                .pools
                .iter()
                .map(|p| PoolScaling {
                    desired: p.count,
                    futile_noted: Vec::new(),
                    history: Vec::new(),
                    metric: None,
                })
                .collect(),
        }
    }

    /// Pool `p`'s last CapacityProviderReservation (none before its first tick) and the
    /// desired size its policy last set.
    pub fn reading(&self, p: usize) -> (Option<f64>, u32) {
        (self.pools[p].metric, self.pools[p].desired)
    }
}

/// A pool's instances as its managed scaling policy sees them: counts the cluster keeps
/// up to date, and the list built only when the policy asks for it.
struct PoolMembers<'c> {
    cluster: &'c Cluster,
    pool: PoolId,
    initial_instances: u32,
}

impl AsgInstances for PoolMembers<'_> {
    fn counts(&self) -> AsgCounts {
        let mut live = self.cluster.pool_live(self.pool);
        let instances = live.len() as u32;
        // Launch times rise with launch numbers, so the newest instance is the last one.
        let newest = live
            .next_back()
            .map(|id| self.cluster.instance(id))
            .filter(|inst| inst.launch >= self.initial_instances);
        AsgCounts {
            instances,
            busy: self.cluster.pool_busy(self.pool),
            newest_launch_in_run: newest.map(|inst| inst.launched_at),
        }
    }

    fn list(&self) -> Vec<AsgInstance> {
        self.cluster
            .pool_live(self.pool)
            .map(|id| {
                let inst = self.cluster.instance(id);
                AsgInstance {
                    launched_at: inst.launched_at,
                    registered: inst.state == InstanceState::Active,
                    non_daemon_tasks: inst.non_daemon_tasks,
                    launched_in_run: inst.launch >= self.initial_instances,
                }
            })
            .collect()
    }
}

impl<R: Recorder> Simulation<'_, R> {
    pub(super) fn scale_pool(&mut self, p: usize, now: SimTime, queue: &mut EventQueue<Event>) {
        let config = self.config;
        let pool = &config.pools[p];
        let instance_shape = pool.instance_type.shape();
        let Some(ms) = &pool.managed_scaling else {
            return;
        };
        let pid = PoolId(p as u32);
        let mut provisioning: Vec<TaskShape> = Vec::new();
        let mut futile: Vec<(super::origins::OriginId, usize, usize)> = Vec::new();
        for (o, origin) in self.origins.ids().zip(self.origins.iter()) {
            let index = o.index();
            for (t, target) in origin.targets.iter().enumerate() {
                if *target != Target::Pool(pid) || self.waiting.queue(o, t).is_empty() {
                    continue;
                }
                // A task whose memberOf no instance of this group satisfies is not
                // counted: launching for it could never place it (issue 32, item 1).
                let placement = origin.placement(config);
                if let Some(k) = crate::placement::unsatisfiable_on_launch(
                    &self.cluster,
                    pid,
                    &pool.azs,
                    placement,
                ) {
                    let noted = &mut self.pool_scaling.pools[p].futile_noted;
                    if !noted.contains(&(index, t)) {
                        noted.push((index, t));
                        futile.push((o, t, k));
                    }
                    continue;
                }
                let shape = config.task_defs[origin.task_def.index()].shape();
                provisioning.extend(std::iter::repeat_n(shape, self.waiting.queue(o, t).len()));
            }
        }
        for (o, t, k) in futile {
            self.narrate(now, |n| n.futile_waiting(pid, o, t, k));
        }
        let members = PoolMembers {
            cluster: &self.cluster,
            pool: pid,
            initial_instances: self.initial_instances,
        };
        let view = AsgView {
            now,
            instances: &members,
            min_size: ms.min_size,
            max_size: ms.max_size,
            instance_types: std::slice::from_ref(&instance_shape),
            multiple_azs: pool.azs.len() > 1,
            reserved_ports: &pool.reserved_ports,
            provisioning: &provisioning,
            history: &self.pool_scaling.pools[p].history,
        };
        let (reservation, decision) = ms.config.decide(&view);
        let ps = &mut self.pool_scaling.pools[p];
        ps.metric = Some(reservation.metric);
        push_bounded(&mut ps.history, Some(reservation.metric));
        match decision {
            AsgDecision::Hold => {}
            AsgDecision::Launch { count, desired } => {
                ps.desired = desired;
                let words = super::narrate::ScaleOutWords {
                    pool: pid,
                    reservation,
                    count,
                    desired,
                    waiting: &provisioning,
                    shape: instance_shape,
                };
                self.narrate(now, |n| n.pool_scales_out(&words));
                for _ in 0..count {
                    let az = self.least_loaded_az(pid);
                    self.replace_instance(pid, az, now, queue);
                }
            }
            AsgDecision::Terminate {
                instances: victims,
                desired,
            } => {
                ps.desired = desired;
                self.autoscaling.instances_terminated(victims.len() as u64);
                let (metric, count) = (reservation.metric, victims.len());
                self.narrate(now, |n| n.pool_scales_in(pid, metric, count, desired));
                // Positions in the list the policy saw: the live instances in launch order.
                let ids: Vec<InstanceId> = self.cluster.pool_live(pid).collect();
                for i in victims {
                    self.terminate_instance(ids[i], now, queue);
                }
            }
        }
    }

    /// The pool's AZ (up if any is) with the fewest of its instances not yet TERMINATED
    /// (DRAINING ones included).
    fn least_loaded_az(&self, pool: PoolId) -> crate::model::AzId {
        let spec = &self.config.pools[pool.index()];
        spec.azs
            .iter()
            .copied()
            .min_by_key(|az| {
                let down = self.outages.is_down(*az);
                (down, self.cluster.pool_az_instances(pool, *az), az.0)
            })
            .unwrap_or(spec.azs[0])
    }

    /// Scale-in of one instance: it drains, its tasks (none under managed termination
    /// protection) stop, and it is terminated.
    pub(super) fn terminate_instance(
        &mut self,
        id: InstanceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let inst = self.cluster.instance(id);
        if inst.state == InstanceState::Terminated {
            return;
        }
        let (price, launched) = (inst.price_per_hour, inst.launched_at);
        self.terminate_with_tasks(
            id,
            price,
            launched,
            now,
            StopReason::InstanceTerminated,
            queue,
        );
    }
}
