//! Where tasks come from (services, then job streams, in one table) and what the
//! scheduler tracks for each: counts, the provider split, and the queues of tasks waiting
//! for capacity.

use super::service_counts::ServiceCounts;
use crate::model::{LaunchSpec, Placement, Provider, RestartTag, SimConfig, Target, TaskDefId};
use std::collections::VecDeque;

pub(super) struct OriginState {
    pub kind: &'static str,
    pub task_def: TaskDefId,
    /// Targets a new task can get: one per capacity provider, or the launch type alone.
    pub targets: Vec<Target>,
    /// Capacity provider names parallel to `targets` (empty for a launch type).
    pub provider_names: Vec<String>,
    /// Live tasks per target: the provider split (base, then weight) is over the tasks a
    /// service or job stream has now, so a base is kept and shares recover as tasks end.
    pub target_counts: Vec<u32>,
    /// Standalone tasks on a plain launch type fail at once when nothing fits; everything
    /// else waits.
    pub fails_fast: bool,
    /// Waiting tasks (task slots) per target, in arrival order.
    pub queues: Vec<VecDeque<u32>>,
    /// Desired and serving counts; the only writer of both, and of the availability they
    /// measure.
    pub counts: ServiceCounts,
    /// Tasks of this origin not yet stopped.
    pub alive: u32,
    /// Tasks the next job arrival brings.
    pub batch: u32,
    /// Service tasks under a Spot notice (STOPPING): still serving, already replaced.
    pub doomed: u32,
    /// Slots of those tasks, oldest notice first.
    pub draining: VecDeque<u32>,
    /// Losses not yet made good by a launched replacement, oldest first.
    pub owed: VecDeque<RestartTag>,
    /// Consecutive failures to reach RUNNING, for restart throttling.
    pub start_failures: u32,
    /// A throttled launch is scheduled; the scheduler launches nothing until it fires.
    pub retry_pending: bool,
    /// The rolling deployment in progress, if any (services only).
    pub deployment: Option<super::deploy::Rollout>,
    /// The revision of the service's last deployment that completed (its revision at time
    /// zero until one does): where a circuit-breaker rollback goes.
    pub last_completed: TaskDefId,
    /// A failed deployment without rollback: the service launches nothing until the next.
    pub halted: bool,
    /// Tasks STOPPING through a load balancer's deregistration delay.
    pub deregistering: u32,
    /// DAEMON services: whether a live task of the service sits on each instance (by id).
    pub daemon_on: Vec<bool>,
}

impl OriginState {
    pub fn placement<'c>(&self, config: &'c SimConfig, origin: usize) -> &'c Placement {
        described(config, origin).1
    }

    pub fn name<'c>(&self, config: &'c SimConfig, origin: usize) -> &'c str {
        described(config, origin).0
    }

    pub fn launch<'c>(&self, config: &'c SimConfig, origin: usize) -> &'c LaunchSpec {
        described(config, origin).2
    }
}

/// The scenario's description of an origin (services first, then job streams).
fn described(config: &SimConfig, origin: usize) -> (&str, &Placement, &LaunchSpec) {
    let services = config.services.len();
    if origin < services {
        let s = &config.services[origin];
        (&s.name, &s.placement, &s.launch)
    } else {
        let j = &config.jobs[origin - services];
        (&j.name, &j.placement, &j.launch)
    }
}

pub(super) fn build(config: &SimConfig) -> Vec<OriginState> {
    let service_origins = config.services.iter().map(|s| {
        origin(
            "service",
            s.task_def,
            &s.launch,
            config,
            false,
            s.desired_count,
        )
    });
    let job_origins = config
        .jobs
        .iter()
        .map(|j| origin("job", j.task_def, &j.launch, config, true, 0));
    service_origins.chain(job_origins).collect()
}

fn origin(
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
                Provider::Fargate => (Target::Fargate { spot: false }, "FARGATE".to_string()),
                Provider::FargateSpot => {
                    (Target::Fargate { spot: true }, "FARGATE_SPOT".to_string())
                }
            })
            .unzip(),
    };
    OriginState {
        kind,
        task_def,
        target_counts: vec![0; targets.len()],
        queues: vec![VecDeque::new(); targets.len()],
        targets,
        provider_names,
        fails_fast: standalone && !matches!(launch, LaunchSpec::Providers(_)),
        counts: ServiceCounts::new(desired, config.warmup),
        alive: 0,
        batch: 1,
        doomed: 0,
        draining: VecDeque::new(),
        owed: VecDeque::new(),
        start_failures: 0,
        retry_pending: false,
        deployment: None,
        last_completed: task_def,
        halted: false,
        daemon_on: Vec::new(),
        deregistering: 0,
    }
}
