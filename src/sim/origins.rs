//! Where tasks come from (services, then job streams, in one table) and what the
//! scheduler tracks for each: counts and the provider split. Per-origin state another
//! subsystem owns lives in that subsystem, by [`OriginId`]: the waiting queues in
//! `waiting.rs`, deployments in `deploy.rs`, DAEMON marks and holds in `daemon.rs`,
//! rebalancing moves in `rebalance.rs`.

use super::service_counts::ServiceCounts;
use crate::model::{
    JobId, LaunchSpec, Origin, Placement, Provider, RestartTag, ServiceId, SimConfig, Target,
    TaskDefId,
};
use std::collections::VecDeque;
use std::ops::{Index, IndexMut};

/// A service or a job stream: its row in the origin table. Only [`Origins`] makes one, so
/// the table's layout (services first, then job streams) is spelled out in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct OriginId(u32);

impl OriginId {
    /// The row, for per-origin tables kept outside [`Origins`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl From<ServiceId> for OriginId {
    fn from(s: ServiceId) -> OriginId {
        OriginId(s.0)
    }
}

/// What the scheduler tracks for every service and job stream, addressed by [`OriginId`]
/// (or directly by [`ServiceId`], since services come first).
pub(super) struct Origins {
    table: Vec<OriginState>,
    services: u32,
}

impl Origins {
    pub fn new(config: &SimConfig) -> Origins {
        Origins {
            table: build(config),
            services: config.services.len() as u32,
        }
    }

    pub fn id(&self, origin: Origin) -> OriginId {
        match origin {
            Origin::Service(s) => OriginId(s.0),
            Origin::Job(j) => OriginId(self.services + j.0),
        }
    }

    /// The service an origin is, if it is one.
    pub fn service(&self, id: OriginId) -> Option<ServiceId> {
        (id.0 < self.services).then_some(ServiceId(id.0))
    }

    pub fn iter(&self) -> impl Iterator<Item = &OriginState> {
        self.table.iter()
    }

    pub fn ids(&self) -> impl Iterator<Item = OriginId> + use<> {
        (0..self.table.len() as u32).map(OriginId)
    }

    pub fn service_ids(&self) -> impl Iterator<Item = ServiceId> + use<> {
        (0..self.services).map(ServiceId)
    }
}

impl Index<OriginId> for Origins {
    type Output = OriginState;
    fn index(&self, id: OriginId) -> &OriginState {
        &self.table[id.index()]
    }
}

impl IndexMut<OriginId> for Origins {
    fn index_mut(&mut self, id: OriginId) -> &mut OriginState {
        &mut self.table[id.index()]
    }
}

impl Index<ServiceId> for Origins {
    type Output = OriginState;
    fn index(&self, s: ServiceId) -> &OriginState {
        &self.table[s.index()]
    }
}

impl IndexMut<ServiceId> for Origins {
    fn index_mut(&mut self, s: ServiceId) -> &mut OriginState {
        &mut self.table[s.index()]
    }
}

pub(super) struct OriginState {
    /// Which service or job stream this is.
    pub origin: Origin,
    pub kind: &'static str,
    pub task_def: TaskDefId,
    /// Targets a new task can get: one per capacity provider, or the launch type alone.
    pub targets: Vec<Target>,
    /// Capacity provider names parallel to `targets` (empty for a launch type).
    pub provider_names: Vec<String>,
    /// Live tasks per target: the provider split (base, then weight) is over the tasks a
    /// service or job stream has now, so a base is kept and shares recover as tasks end.
    target_counts: Vec<u32>,
    /// Standalone tasks on a plain launch type fail at once when nothing fits; everything
    /// else waits.
    pub fails_fast: bool,
    /// Desired and serving counts; the only writer of both, and of the availability they
    /// measure.
    pub counts: ServiceCounts,
    /// Tasks of this origin not yet stopped (written only by the methods below).
    alive: u32,
    /// Service tasks under a Spot notice (STOPPING): still serving, already replaced.
    doomed: u32,
    /// Slots of those tasks, oldest notice first.
    draining: VecDeque<u32>,
    /// Losses not yet made good by a launched replacement, oldest first.
    pub owed: VecDeque<RestartTag>,
    /// Consecutive failures to reach RUNNING, for restart throttling.
    pub start_failures: u32,
    /// A throttled launch is scheduled; the scheduler launches nothing until it fires.
    pub retry_pending: bool,
    /// Tasks STOPPING through a load balancer's deregistration delay.
    deregistering: u32,
}

impl OriginState {
    pub fn alive(&self) -> u32 {
        self.alive
    }

    /// Live tasks per target, for the capacity provider split.
    pub fn target_counts(&self) -> &[u32] {
        &self.target_counts
    }

    /// Live tasks neither under a notice nor deregistering: what the scheduler counts
    /// against the desired count.
    pub fn active(&self) -> u32 {
        self.alive - self.doomed - self.deregistering
    }

    /// Tasks under a Spot notice, oldest first.
    pub fn draining(&self) -> &VecDeque<u32> {
        &self.draining
    }

    pub fn has_doomed(&self) -> bool {
        self.doomed > 0
    }

    /// A task was created for `target`.
    pub fn task_created(&mut self, target: usize) {
        self.target_counts[target] += 1;
        self.alive += 1;
    }

    /// Task `slot` got a Spot notice: it serves on until it stops, already replaced.
    pub fn task_doomed(&mut self, slot: u32) {
        self.doomed += 1;
        self.draining.push_back(slot);
    }

    /// A task started its deregistration delay.
    pub fn task_deregisters(&mut self) {
        self.deregistering += 1;
    }

    /// Task `slot` is stopping for good: it leaves the notice list if it was under a
    /// notice, and the deregistering count if it was in its delay.
    pub fn task_leaves(&mut self, slot: u32, deregistering: bool) {
        if let Some(pos) = self.draining.iter().position(|s| *s == slot) {
            self.draining.remove(pos);
            self.doomed -= 1;
        }
        if deregistering {
            self.deregistering -= 1;
        }
    }

    /// A task of `target` is STOPPED.
    pub fn task_stopped(&mut self, target: usize) {
        self.alive -= 1;
        self.target_counts[target] -= 1;
    }

    pub fn placement<'c>(&self, config: &'c SimConfig) -> &'c Placement {
        described(config, self.origin).1
    }

    pub fn name<'c>(&self, config: &'c SimConfig) -> &'c str {
        described(config, self.origin).0
    }

    pub fn launch<'c>(&self, config: &'c SimConfig) -> &'c LaunchSpec {
        described(config, self.origin).2
    }
}

/// The scenario's description of an origin.
fn described(config: &SimConfig, origin: Origin) -> (&str, &Placement, &LaunchSpec) {
    match origin {
        Origin::Service(s) => {
            let s = &config.services[s.index()];
            (&s.name, &s.placement, &s.launch)
        }
        Origin::Job(j) => {
            let j = &config.jobs[j.index()];
            (&j.name, &j.placement, &j.launch)
        }
    }
}

fn build(config: &SimConfig) -> Vec<OriginState> {
    let service_origins = config.services.iter().enumerate().map(|(i, s)| {
        origin(
            Origin::Service(ServiceId(i as u32)),
            "service",
            s.task_def,
            &s.launch,
            config,
            false,
            s.desired_count,
        )
    });
    let job_origins = config.jobs.iter().enumerate().map(|(i, j)| {
        let id = Origin::Job(JobId(i as u32));
        origin(id, "job", j.task_def, &j.launch, config, true, 0)
    });
    service_origins.chain(job_origins).collect()
}

fn origin(
    id: Origin,
    kind: &'static str,
    task_def: TaskDefId,
    launch: &LaunchSpec,
    config: &SimConfig,
    standalone: bool,
    desired: u32,
) -> OriginState {
    let (targets, provider_names): (Vec<Target>, Vec<String>) = match launch {
        LaunchSpec::Ec2 => (vec![Target::Ec2], vec![String::new()]),
        LaunchSpec::Fargate => (vec![Target::Fargate { spot: false }], vec![String::new()]),
        LaunchSpec::Providers(shares) => shares
            .iter()
            .map(|s| match s.provider {
                Provider::Pool(p) => (Target::Pool(p), config.pools[p.index()].name.clone()),
                Provider::Managed(m) => (
                    Target::Managed(m),
                    config.managed_instances[m as usize].name.clone(),
                ),
                Provider::Fargate => (Target::Fargate { spot: false }, "FARGATE".to_string()),
                Provider::FargateSpot => {
                    (Target::Fargate { spot: true }, "FARGATE_SPOT".to_string())
                }
            })
            .unzip(),
    };
    OriginState {
        origin: id,
        kind,
        task_def,
        target_counts: vec![0; targets.len()],
        targets,
        provider_names,
        fails_fast: standalone && !matches!(launch, LaunchSpec::Providers(_)),
        counts: ServiceCounts::new(desired, config.warmup),
        alive: 0,
        doomed: 0,
        draining: VecDeque::new(),
        owed: VecDeque::new(),
        start_failures: 0,
        retry_pending: false,
        deregistering: 0,
    }
}
