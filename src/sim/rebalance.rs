//! Availability Zone rebalancing (`availabilityZoneRebalancing`, `ecs-current.md` §4.1),
//! on by default for eligible services.
//!
//! Once a service is steady (no deployment, every desired task RUNNING and healthy, no
//! replacement owed), it counts its tasks per usable AZ (up, and on EC2 with an instance
//! of the cluster's pools in it). Balanced means the most and the fewest differ by at most
//! one (desired ÷ AZs, the remainder spread). Otherwise it starts one task, which the
//! AZ spread strategy places in the AZ with the fewest; once that task is RUNNING and
//! healthy it stops the newest task in the AZ with the most, and looks again: a transient
//! +1 task per move. On EC2 only existing instances count ("can't launch new
//! instances"): a task that cannot be placed at once, or lands where it balances nothing,
//! is stopped again and the service stops rebalancing until capacity changes (an AZ
//! comes back, an instance registers) or a deployment ends. On Fargate a task goes where
//! Fargate's own AZ balance sends it.

use super::Simulation;
use super::events::Event;
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{AzId, AzRebalancing, LaunchSpec, PoolId, ServiceId, TaskState};
use crate::time::SimTime;

/// Every service's rebalancing, by service.
pub(super) struct Rebalancing {
    services: Vec<Move>,
}

#[derive(Clone, Copy, Default)]
struct Move {
    /// The id of the task a move started, until it is RUNNING.
    task: Option<u64>,
    /// No room on existing capacity was found: off until capacity changes.
    stuck: bool,
}

impl Rebalancing {
    pub fn new(services: usize) -> Rebalancing {
        Rebalancing {
            services: vec![Move::default(); services],
        }
    }

    /// A move of `s` under way stops (a deployment begins).
    pub fn call_off(&mut self, s: ServiceId) {
        self.services[s.index()].task = None;
    }
}

impl<R: Recorder> Simulation<'_, R> {
    fn rebalances(&self, s: ServiceId) -> bool {
        self.config.services[s.index()].az_rebalancing == AzRebalancing::Enabled
    }

    /// 1 while a rebalancing task of `s` is alive: the scheduler keeps it beside the
    /// desired count rather than scaling it in.
    pub(super) fn rebalance_extra(&mut self, s: ServiceId) -> u32 {
        let Some(id) = self.rebalancing.services[s.index()].task else {
            return 0;
        };
        let alive = self.tasks.of_origin(s.into()).iter().any(|&slot| {
            let t = self.tasks.get(slot);
            t.id == id && t.state != TaskState::Stopping
        });
        if alive {
            1
        } else {
            // It stopped before RUNNING (a failed start, a lost instance): the move is off.
            self.rebalancing.services[s.index()].task = None;
            0
        }
    }

    /// The AZs tasks of `s` can go to now, each with its RUNNING and healthy tasks. With
    /// `registered`, an EC2 service's AZs need an ACTIVE instance of its pools (a walk
    /// over the ACTIVE instances, so only once an imbalance is seen); without, any
    /// instance not terminated will do.
    fn az_counts(&self, s: ServiceId, skip: Option<u64>, registered: bool) -> Vec<(AzId, u32)> {
        let on_ec2_pools: Option<Vec<PoolId>> = match &self.config.services[s.index()].launch {
            LaunchSpec::Fargate => None,
            LaunchSpec::Ec2 => Some((0..self.config.pools.len() as u32).map(PoolId).collect()),
            LaunchSpec::Providers(shares) => {
                let pools: Vec<PoolId> = shares
                    .iter()
                    .filter_map(|p| match p.provider {
                        crate::model::Provider::Pool(id) => Some(id),
                        _ => None,
                    })
                    .collect();
                (!pools.is_empty()).then_some(pools)
            }
        };
        let mut counts: Vec<(AzId, u32)> = (0..self.cluster.azs.len() as u32)
            .map(AzId)
            .filter(|az| !self.outages.is_down(*az))
            .filter(|az| {
                on_ec2_pools.as_ref().is_none_or(|pools| {
                    if registered {
                        self.cluster.active().iter().any(|id| {
                            let i = self.cluster.instance(*id);
                            i.az == *az && pools.contains(&i.pool)
                        })
                    } else {
                        pools
                            .iter()
                            .any(|p| self.cluster.pool_az_instances(*p, *az) > 0)
                    }
                })
            })
            .map(|az| (az, 0))
            .collect();
        for &slot in self.tasks.of_origin(s.into()) {
            let t = self.tasks.get(slot);
            if t.state != TaskState::Running || t.hung || Some(t.id) == skip {
                continue;
            }
            if let Some(c) = counts.iter_mut().find(|(az, _)| Some(*az) == t.az) {
                c.1 += 1;
            }
        }
        counts
    }

    /// (fewest, most) of `counts`, the first AZ in order on ties.
    fn extremes(counts: &[(AzId, u32)]) -> Option<((AzId, u32), (AzId, u32))> {
        let min = counts.iter().copied().min_by_key(|(az, n)| (*n, az.0))?;
        let max = counts
            .iter()
            .copied()
            .max_by_key(|(az, n)| (*n, std::cmp::Reverse(az.0)))?;
        Some((min, max))
    }

    /// Whether a task of `s` fits an existing instance in an AZ where it would balance
    /// (fewer than `most − 1` tasks): on Fargate always; on EC2 by the resource and
    /// `memberOf` checks placement makes, without its random tie-breaks, so a move that
    /// cannot help starts no task.
    fn room_where_fewest(&self, s: ServiceId, counts: &[(AzId, u32)], most: u32) -> bool {
        let spec = &self.config.services[s.index()];
        let pools: Vec<PoolId> = match &spec.launch {
            LaunchSpec::Fargate => return true,
            LaunchSpec::Ec2 => (0..self.config.pools.len() as u32).map(PoolId).collect(),
            LaunchSpec::Providers(shares) => {
                // The provider the next task gets by base and weight, as launching does.
                let counts = self.origins[s].target_counts();
                let next = crate::placement::providers::next_provider(shares, counts);
                match shares.get(next.unwrap_or(0)).map(|p| p.provider) {
                    Some(crate::model::Provider::Pool(id)) => vec![id],
                    _ => return true,
                }
            }
        };
        let def = &self.config.task_defs[self.origins[s].task_def.index()];
        let request = crate::placement::PlacementRequest::for_task(def, None, &spec.placement);
        self.cluster.active().iter().any(|&id| {
            let i = self.cluster.instance(id);
            pools.contains(&i.pool)
                && counts.iter().any(|(az, n)| *az == i.az && n + 1 < most)
                && crate::placement::fits_on(&self.cluster, &request, id)
                && crate::placement::member_of_all(&self.cluster, &spec.placement, id)
        })
    }

    /// Service `s` may have become steady: if its AZs are out of balance, start a move.
    pub(super) fn rebalance_check(
        &mut self,
        s: ServiceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        if !self.rebalances(s) {
            return;
        }
        let state = &self.origins[s];
        let under_way = self.rebalancing.services[s.index()];
        let steady = !self.deployments.rolling(s)
            && under_way.task.is_none()
            && !under_way.stuck
            && state.owed.is_empty()
            && !state.retry_pending
            && !self.deployments.halted(s)
            && state.counts.desired() > 0
            && state.active() == state.counts.desired()
            && state.counts.running() == state.counts.desired();
        if !steady {
            return;
        }
        let balanced = |counts: &[(AzId, u32)]| {
            Self::extremes(counts).is_none_or(|((_, fewest), (_, most))| most <= fewest + 1)
        };
        if balanced(&self.az_counts(s, None, false)) {
            return;
        }
        let counts = self.az_counts(s, None, true);
        let Some(((_, fewest), (_, most))) = Self::extremes(&counts) else {
            return;
        };
        if most <= fewest + 1 {
            return;
        }
        let spec = &self.config.services[s.index()].deployment;
        let desired = self.origins[s].counts.desired();
        if spec.upper(desired) <= desired {
            // maximumPercent leaves no room for the extra task at this desired count.
            return;
        }
        if !self.room_where_fewest(s, &counts, most) {
            self.rebalancing.services[s.index()].stuck = true;
            self.narrate(now, |n| n.rebalancing_stopped(s));
            return;
        }
        let before = self.tasks.of_origin(s.into()).len();
        if !self.launch_service_task(s, now, queue) {
            return;
        }
        let Some(&slot) = self.tasks.of_origin(s.into()).get(before) else {
            return;
        };
        let task = self.tasks.get(slot);
        let (id, az, placed) = (task.id, task.az, task.placed_at.is_some());
        let lands = az.and_then(|az| counts.iter().find(|(a, _)| *a == az).map(|c| c.1));
        if !placed || lands.is_none_or(|n| n + 1 >= most) {
            // No room on existing instances where it would help: give up until capacity
            // changes.
            self.rebalancing.services[s.index()].stuck = true;
            self.scheduler_stop(slot, now, queue);
            self.narrate(now, |n| n.rebalancing_stopped(s));
            return;
        }
        self.rebalancing.services[s.index()].task = Some(id);
        self.narrate(now, |n| n.rebalancing_started(s, fewest, most));
    }

    /// A task of `s` reached RUNNING: if it is the rebalancing task, the move completes by
    /// stopping the newest task in the AZ with the most.
    fn rebalance_task_running(
        &mut self,
        s: ServiceId,
        slot: u32,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let id = self.tasks.get(slot).id;
        if self.rebalancing.services[s.index()].task != Some(id) {
            return;
        }
        self.rebalancing.services[s.index()].task = None;
        let counts = self.az_counts(s, Some(id), true);
        let Some((_, (most_az, _))) = Self::extremes(&counts) else {
            return;
        };
        let victim = self
            .tasks
            .of_origin(s.into())
            .iter()
            .copied()
            .filter(|&v| {
                let t = self.tasks.get(v);
                t.id != id && t.state == TaskState::Running && t.az == Some(most_az)
            })
            .max_by_key(|&v| self.tasks.get(v).id);
        if let Some(victim) = victim {
            self.scheduler_stop(victim, now, queue);
        }
        let counts = self.az_counts(s, None, true);
        if let Some(((_, fewest), (_, most))) = Self::extremes(&counts)
            && most <= fewest + 1
        {
            self.narrate(now, |n| n.rebalancing_completed(s));
        }
    }

    /// Capacity changed (an AZ came back, an instance registered): every service looks
    /// again, those that gave up included.
    pub(super) fn rebalance_all(&mut self, now: SimTime, queue: &mut EventQueue<Event>) {
        for s in self.origins.service_ids() {
            if self.rebalances(s) {
                self.rebalancing.services[s.index()].stuck = false;
                self.rebalance_check(s, now, queue);
            }
        }
    }

    /// A task of `s` reached RUNNING and counts as serving: a move it completes, then a
    /// new look if the service is steady.
    pub(super) fn rebalance_after_running(
        &mut self,
        s: ServiceId,
        slot: u32,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        if self.rebalances(s) {
            self.rebalance_task_running(s, slot, now, queue);
            self.rebalance_check(s, now, queue);
        }
    }
}
