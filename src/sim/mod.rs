//! The ECS model driven by the engine: arrivals, placement, the task lifecycle, services
//! kept at their desired count, billing and metrics. This is where ECS semantics live; the
//! engine below knows none of it, and the files above (`scenario`, `report`) feed and read it.

mod autoscaling;
mod billing;
mod capacity;
mod collector;
mod cost_split;
mod daemon;
mod deploy;
mod deploy_cost;
mod describe;
pub mod events;
mod failures;
mod fargate_launch_rate;
mod health;
mod lifecycle;
mod managed_instances;
mod metric_history;
mod narrate;
mod origins;
mod predictive;
mod provisioning;
mod rebalance;
mod restart_policy;
mod service;
mod service_counts;
mod staged;
mod streams;
mod task_rows;
mod tasks;
mod usage;
mod waiting;

use crate::engine::{self, EventQueue, Model};
use crate::metrics::{Recorder, ServiceSample, Summary};
use crate::model::{AzId, Cluster, JobId, LaunchSpec, PoolId, SimConfig, StopReason, TaskState};
use crate::rng::{StreamKind, stream};
use crate::time::SimTime;
use crate::workload::arrivals::ArrivalCursor;
use billing::Billing;
use collector::Collector;
use events::Event;
use origins::Origins;
use rand::Rng;
use streams::RandomStreams;
use tasks::TaskTable;
use waiting::WaitingQueues;

/// Runs the scenario to its horizon, reporting to `recorder`, and returns the summary.
/// For scenarios known to end (tests, benches): a runaway instant or an interrupt panics
/// with the reason. Everything else runs through [`run_with`].
pub fn run<R: Recorder>(config: &SimConfig, recorder: &mut R) -> Summary {
    run_with(config, recorder, RunOptions::default())
        .unwrap_or_else(|halt| panic!("{halt}"))
        .summary
}

/// How a run is carried out, beyond the scenario it runs: what may stop it early and
/// what it re-checks on the way. The guard against a runaway instant is always on, with
/// the scenario's `limits.events_per_instant`.
#[derive(Default)]
pub struct RunOptions<'a> {
    /// Called every [`engine::CHECKPOINT_EVERY`] events with the simulated time reached
    /// and the events handled so far (to draw progress, say); returning false stops the
    /// run as [`RunHalted::Interrupted`]. A process-wide interrupt
    /// ([`crate::interrupt::request`]) stops it the same way.
    pub checkpoint: Option<&'a mut dyn FnMut(SimTime, u64) -> bool>,
    /// Re-check every cluster index and capacity bound after each instant and stop at
    /// the first violation ([`RunHalted::InvariantBroken`]). O(instances) per instant:
    /// for tests, not for speed.
    pub check_invariants: bool,
}

impl RunOptions<'_> {
    /// Every invariant re-checked after each instant, nothing else.
    pub fn checked() -> RunOptions<'static> {
        RunOptions {
            checkpoint: None,
            check_invariants: true,
        }
    }
}

/// What a finished run gives back besides what it told its recorder.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    /// The headline figures, as `summary.json` holds them.
    pub summary: Summary,
    /// Usage per clock hour, when the config meters it (`billing.commitments.metered()`).
    pub usage: Option<HourlyUsage>,
}

/// Usage per clock hour of the measured window, per metered key (`config.billing.
/// commitments.keys`): instance-hours, vCPU-hours, GB-hours. Row-major, hours × keys.
#[derive(Clone, Debug, PartialEq)]
pub struct HourlyUsage {
    /// Clock hours metered.
    pub hours: usize,
    /// The usage, `hours` rows of one value per metered key.
    pub units: Vec<f64>,
}

impl HourlyUsage {
    /// Hour `h`'s usage, one value per metered key, in key order.
    pub fn hour(&self, h: usize) -> &[f64] {
        let keys = self.units.len() / self.hours.max(1);
        &self.units[h * keys..(h + 1) * keys]
    }
}

/// Why a run stopped before its horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunHalted {
    /// More than `limits.events_per_instant` events at one simulated instant.
    Runaway {
        /// The instant at which time stopped advancing.
        at: SimTime,
        /// The events allowed at one instant.
        limit: u64,
        /// The event that crossed the limit, in the simulation's words.
        event: String,
    },
    /// [`crate::interrupt::request`] was called (Ctrl-C, SIGTERM), or the checkpoint said stop.
    Interrupted {
        /// The simulated time at which the run stopped.
        at: SimTime,
    },
    /// The recorder could not go on ([`Recorder::failure`]).
    RecorderFailed {
        /// The simulated time at which the run stopped.
        at: SimTime,
        /// The recorder's reason, in its words.
        reason: String,
    },
    /// With [`RunOptions::check_invariants`]: an index or bound no longer held.
    InvariantBroken {
        /// The simulated time at which the check failed.
        at: SimTime,
        /// What no longer held.
        reason: String,
    },
}

impl std::fmt::Display for RunHalted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunHalted::Runaway { at, limit, event } => write!(
                f,
                "the run stopped at simulated time {at}: more than {limit} events at that one instant, the last {event}; \
                 the scenario repeats it without time passing (a zero time to failure, restart delay or notice?). \
                 If that many events at one instant are real, raise limits.events_per_instant"
            ),
            RunHalted::Interrupted { at } => write!(f, "interrupted at simulated time {at}"),
            RunHalted::RecorderFailed { at, reason } => {
                write!(f, "the run stopped at simulated time {at}: {reason}")
            }
            RunHalted::InvariantBroken { at, reason } => {
                write!(f, "after the events at {at}: {reason}")
            }
        }
    }
}

impl std::error::Error for RunHalted {}

/// Runs the scenario to its horizon, reporting to `recorder`: the one way every caller
/// (the command line, compare, sweep, tests, benches) runs a simulation.
pub fn run_with<R: Recorder>(
    config: &SimConfig,
    recorder: &mut R,
    options: RunOptions,
) -> Result<RunOutcome, RunHalted> {
    if crate::interrupt::requested() {
        return Err(RunHalted::Interrupted { at: SimTime::ZERO });
    }
    let RunOptions {
        mut checkpoint,
        check_invariants,
    } = options;
    let mut sim = Simulation::new(config, recorder);
    let mut queue = EventQueue::with_capacity(1024);
    sim.start(&mut queue);
    let mut keep_going = |now, handled| {
        !crate::interrupt::requested() && checkpoint.as_mut().is_none_or(|c| c(now, handled))
    };
    let mut guard = engine::Guard {
        max_events_per_instant: config.events_per_instant,
        checkpoint: &mut keep_going,
    };
    let halted = |halt| match halt {
        engine::Halt::Runaway { at, limit, event } => RunHalted::Runaway { at, limit, event },
        engine::Halt::Stopped { at } => RunHalted::Interrupted { at },
        engine::Halt::ModelStopped { at, reason } => RunHalted::RecorderFailed { at, reason },
    };
    let handled = if check_invariants {
        let mut handled = 0;
        while let Some(next) = queue.peek_time().filter(|t| *t <= config.horizon) {
            handled +=
                engine::run_guarded(&mut sim, &mut queue, next, &mut guard).map_err(halted)?;
            sim.check_invariants()
                .map_err(|reason| RunHalted::InvariantBroken { at: next, reason })?;
        }
        handled
    } else {
        engine::run_guarded(&mut sim, &mut queue, config.horizon, &mut guard).map_err(halted)?
    };
    Ok(sim.finish(handled))
}

pub(crate) struct Simulation<'a, R: Recorder> {
    config: &'a SimConfig,
    recorder: &'a mut R,
    cluster: Cluster,
    tasks: TaskTable,
    origins: Origins,
    next_task_id: u64,
    totals: lifecycle::TaskTotals,
    streams: RandomStreams,
    /// Per job stream: where its arrivals stand.
    job_arrivals: Vec<JobArrivals>,
    collector: Collector,
    billing: Billing,
    /// Reused per sample, so sampling allocates nothing.
    service_samples: Vec<ServiceSample>,
    waiting: WaitingQueues,
    outages: failures::Outages,
    daemons: daemon::Daemons,
    rebalancing: rebalance::Rebalancing,
    /// Reused task-slot list for failure handling.
    scratch: Vec<u32>,
    autoscaling: autoscaling::Autoscaling,
    /// Capacity providers' managed scaling, by pool.
    pool_scaling: capacity::PoolScalings,
    deployments: deploy::Deployments,
    /// Instances present at time zero take the first launch numbers; they are past their
    /// warm-up.
    initial_instances: u32,
    /// Tasks waiting in PROVISIONING under ECS's limits.
    provisioning: provisioning::Provisioning,
    /// Managed Instances providers' batches, plans, scale-in timers and drains.
    managed: managed_instances::ManagedInstances,
    /// Task rows waiting for their last hour's cost.
    task_rows: task_rows::TaskRows,
    /// Fargate's launch token buckets.
    fargate_launches: fargate_launch_rate::FargateLaunchRate,
}

/// A job stream's arrivals so far.
#[derive(Clone, Default)]
struct JobArrivals {
    /// The last arrival's time.
    last: Option<SimTime>,
    cursor: ArrivalCursor,
    /// Tasks the next arrival brings.
    batch: u32,
}

impl<'a, R: Recorder> Simulation<'a, R> {
    fn new(config: &'a SimConfig, recorder: &'a mut R) -> Self {
        let pools = config.pool_infos();
        let mut spreads_by_instance = vec![false; config.groups.len()];
        for placement in config
            .services
            .iter()
            .map(|s| &s.placement)
            .chain(config.jobs.iter().map(|j| &j.placement))
        {
            if placement
                .strategies
                .contains(&crate::model::PlacementStrategy::Spread(
                    crate::model::SpreadField::InstanceId,
                ))
            {
                spreads_by_instance[placement.group.index()] = true;
            }
        }
        let mut cluster = Cluster::new(
            config.availability_zones.clone(),
            pools,
            config.groups.clone(),
            &spreads_by_instance,
            config.spread_keys.clone(),
            config.subnet_ips_per_az,
        );
        cluster.set_rank_salt(stream(config.seed, StreamKind::InstanceRanks, 0).random());
        if recorder.wants_instances() {
            cluster.keep_retired();
        }
        let request = |def: crate::model::TaskDefId, placement| {
            let def = &config.task_defs[def.index()];
            crate::placement::PlacementRequest::for_task(def, None, placement)
        };
        // DAEMON tasks come with their instance and Fargate tasks have none: neither is
        // placed, so neither asks for an index or a counted shape.
        let placed = |launch: &LaunchSpec| !matches!(launch, LaunchSpec::Fargate);
        crate::placement::keep_indexes_for(
            &mut cluster,
            config
                .services
                .iter()
                .filter(|s| !s.daemon && placed(&s.launch))
                .flat_map(|s| {
                    let defs =
                        std::iter::once(s.task_def).chain(s.deployments.iter().map(|d| d.task_def));
                    defs.map(move |def| request(def, &s.placement))
                })
                .chain(
                    config
                        .jobs
                        .iter()
                        .filter(|j| placed(&j.launch))
                        .map(|j| request(j.task_def, &j.placement)),
                ),
        );
        let origins = Origins::new(config);
        Simulation {
            provisioning: provisioning::Provisioning::new(config.services.len()),
            task_rows: task_rows::TaskRows::default(),
            config,
            recorder,
            cluster,
            tasks: TaskTable::default(),
            waiting: WaitingQueues::new(&origins),
            daemons: daemon::Daemons::new(origins.iter().count()),
            origins,
            next_task_id: 1,
            totals: lifecycle::TaskTotals::default(),
            streams: RandomStreams::new(config),
            job_arrivals: vec![JobArrivals::default(); config.jobs.len()],
            collector: Collector::new(config.warmup),
            billing: Billing::new(config),
            service_samples: vec![ServiceSample::default(); config.services.len()],
            outages: failures::Outages::new(config),
            rebalancing: rebalance::Rebalancing::new(config.services.len()),
            scratch: Vec::new(),
            autoscaling: autoscaling::Autoscaling::new(config),
            pool_scaling: capacity::PoolScalings::new(config),
            deployments: deploy::Deployments::new(config),
            initial_instances: config.pools.iter().map(|p| p.count).sum(),
            managed: managed_instances::ManagedInstances::new(config),
            fargate_launches: fargate_launch_rate::FargateLaunchRate::new(
                config.fargate.launch_rate.as_ref(),
            ),
        }
    }

    fn start(&mut self, queue: &mut EventQueue<Event>) {
        let now = SimTime::ZERO;
        for (p, pool) in self.config.pools.iter().enumerate() {
            for k in 0..pool.count {
                let az = pool.azs[k as usize % pool.azs.len()];
                let id = self.launch_instance(PoolId(p as u32), az, now);
                self.register_instance(id, now, queue);
            }
        }
        for (i, outage) in self.config.failures.az_outages.iter().enumerate() {
            queue.schedule(outage.start, Event::AzOutageStart(i as u32));
            queue.schedule(outage.end, Event::AzOutageEnd(i as u32));
        }
        for (i, action) in self.config.failures.events.iter().enumerate() {
            queue.schedule(action.at, Event::Scheduled(i as u32));
        }
        for (s, service) in self.origins.service_ids().zip(&self.config.services) {
            for (i, d) in service.deployments.iter().enumerate() {
                queue.schedule(d.at, Event::DeploymentStart(s, i as u32));
            }
        }
        if self.config.warmup > SimTime::ZERO {
            queue.schedule(self.config.warmup, Event::WindowStart);
        }
        if self.config.horizon > SimTime::ZERO {
            queue.schedule(SimTime::ZERO, Event::Sample);
        }
        for j in 0..self.config.jobs.len() {
            self.schedule_next_arrival(JobId(j as u32), queue);
        }
        for s in self.origins.service_ids() {
            let desired = self.config.services[s.index()].desired_count;
            for _ in 0..desired {
                if !self.launch_service_task(s, now, queue) {
                    break;
                }
            }
        }
        self.start_scaling(queue);
    }

    fn launch_instance(
        &mut self,
        pool: PoolId,
        az: AzId,
        now: SimTime,
    ) -> crate::model::InstanceId {
        let spec = &self.config.pools[pool.index()];
        let price = if spec.spot {
            spec.instance_type.price_per_hour * (1.0 - self.config.billing.ec2_spot_discount)
        } else {
            spec.instance_type.price_per_hour
        };
        let id = self.cluster.add_instance(pool, az, spec.spot, price, now);
        self.billing
            .instance_launched(id.index(), price, pool.index(), now);
        id
    }

    fn register_instance(
        &mut self,
        id: crate::model::InstanceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        self.cluster.activate(id, now);
        self.arm_instance(id, now, queue);
        // Daemon tasks first, before any waiting task sees the new capacity.
        self.daemons_on_new_instance(id, now, queue);
        self.narrate(now, |n| n.registered(id));
    }

    fn schedule_next_arrival(&mut self, job: JobId, queue: &mut EventQueue<Event>) {
        let j = job.index();
        let JobArrivals {
            last,
            cursor,
            batch,
        } = &mut self.job_arrivals[j];
        if let Some(arrival) =
            self.config.jobs[j]
                .arrival
                .next(*last, cursor, &mut self.streams.job_arrivals[j])
        {
            *last = Some(arrival.at);
            if arrival.at <= self.config.horizon {
                *batch = arrival.tasks;
                queue.schedule(arrival.at, Event::JobArrival(job));
            }
        }
    }

    /// One timeseries row; `cost` overrides the running accrual (the horizon's row carries
    /// the closed bill, minimums included, so it equals the summary's total).
    fn sample(&mut self, now: SimTime, closed: Option<&billing::CostTotals>) {
        self.billing.close_usage_hours(now);
        for (s, out) in self
            .origins
            .service_ids()
            .zip(self.service_samples.iter_mut())
        {
            let o = &self.origins[s];
            *out = ServiceSample {
                desired: o.counts.desired(),
                running: o.counts.running(),
            };
        }
        self.scaling_sample(now);
        let c = &self.cluster;
        let frac = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let row = crate::metrics::SampleRow {
            time: now,
            running_tasks: self.totals.running(),
            pending_tasks: self.totals.pending(),
            instances: self.billing.live_instances(),
            cpu_reserved_fraction: frac(c.reserved_cpu, c.registered_cpu),
            memory_reserved_fraction: frac(c.reserved_memory, c.registered_memory),
            cost_usd: closed.map_or_else(
                || self.billing.cost_so_far(now, self.config.warmup),
                billing::CostTotals::total,
            ),
            managed_cost_usd: (!self.config.managed_instances.is_empty()).then(|| {
                closed.map_or_else(
                    || self.billing.managed_so_far(now, self.config.warmup),
                    |c| (c.managed_instances, c.management_fee),
                )
            }),
            services: &self.service_samples,
            scaling: &self.autoscaling.samples,
            providers: &self.autoscaling.provider_samples,
            commitments: self
                .billing
                .usage()
                .filter(|m| m.closed_any() && !self.config.billing.commitments.plans.is_empty())
                .map(|m| crate::metrics::CommitmentSample {
                    hour_start: m.last_hour_start,
                    bill: &m.last,
                }),
        };
        self.recorder.sample(&row);
    }

    /// Closes every cost hour that ended before `now` (`SimTime(u64::MAX)`: all that are
    /// left): the hour's bill with commitments first, then the split at its rates; then
    /// writes the task rows that waited for those hours.
    fn close_cost_hours(&mut self, now: SimTime) {
        self.billing.close_hours_before(now);
        self.write_ready_rows();
    }

    /// Every cluster index, capacity bound and task list as it must be between instants.
    fn check_invariants(&self) -> Result<(), String> {
        self.cluster
            .check_invariants()
            .and_then(|()| self.check_rollouts())
            .and_then(|()| self.check_daemons())
            .and_then(|()| self.check_reservations())
            .and_then(|()| self.tasks.check_lists())
    }

    fn finish(mut self, handled: u64) -> RunOutcome {
        let end = self.config.horizon;
        self.narrate(end, |n| n.horizon());
        self.collector
            .integrate(end, &self.cluster, self.billing.live_instances());
        let availability: Vec<_> = self
            .origins
            .service_ids()
            .map(|s| self.origins[s].counts.integrals_at(end))
            .collect();
        let live: Vec<u32> = self.tasks.live_slots().collect();
        // Losses whose replacement has not reached RUNNING: the latency histogram cannot
        // hold them, so they are counted beside it rather than silently dropped.
        let unrestored = live
            .iter()
            .filter(|slot| self.tasks.get(**slot).restart.is_some())
            .count()
            + self.origins.iter().map(|o| o.owed.len()).sum::<usize>();
        for slot in live {
            self.report_unfinished(slot, end);
        }
        self.billing.close_instances(&self.cluster, end);
        self.close_cost_hours(SimTime(u64::MAX));
        let totals = self.billing.totals();
        // The last row shows the cluster at the horizon (instances still live) and the bill
        // as the summary states it.
        self.sample(end, Some(&totals));
        self.report_instances();
        let (over, served, queues) = self.scaling_finish(end);
        let config = self.config;
        let mut summary = self
            .collector
            .summary(config, handled, totals, &availability);
        summary.scaling = self.autoscaling.summary();
        summary.scaling.targets = scaling_targets(config);
        summary.overload = crate::metrics::OverloadSummary {
            task_seconds: over,
            fraction: if served > 0.0 { over / served } else { 0.0 },
        };
        summary.queues = queues;
        summary.deployments = self.deployment_summaries();
        summary.restart_latency_s.unrestored_at_end = unrestored as u64;
        let usage = self.billing.take_usage().map(|mut meter| {
            meter.close_hours(end);
            let spec = &config.billing.commitments;
            if !spec.plans.is_empty() {
                let names: Vec<(&str, &str)> = spec
                    .plans
                    .iter()
                    .map(|p| (p.name.as_str(), p.plan.kind.name()))
                    .collect();
                summary.commitments = Some(crate::metrics::CommitmentsSummary::new(
                    summary.cost_usd.total,
                    &meter.total,
                    &names,
                ));
            }
            HourlyUsage {
                hours: meter.hours(),
                units: meter.hourly_units(),
            }
        });
        self.fill_origin_costs(&mut summary.cost_usd, summary.commitments.as_ref());
        summary.warnings = config.warnings.clone();
        RunOutcome { summary, usage }
    }
}

/// `scaling.targets`: the lines the report draws on the series the policies watch.
fn scaling_targets(config: &SimConfig) -> std::collections::BTreeMap<String, f64> {
    use crate::scaling::target_tracking::TrackedMetric;
    let mut targets = std::collections::BTreeMap::new();
    for s in &config.services {
        let cpu = s
            .scaling
            .auto_scaling
            .iter()
            .flat_map(|a| &a.target_tracking)
            .find(|p| {
                matches!(
                    p.metric,
                    TrackedMetric::Cpu | TrackedMetric::CpuHighResolution
                )
            });
        if let Some(p) = cpu {
            let column = format!("{}.cpu_utilization", s.name);
            if !p.disable_scale_in {
                targets.insert(
                    format!("{column}.scale_in"),
                    p.target * p.scale_in_threshold_ratio,
                );
            }
            targets.insert(column, p.target);
        }
    }
    for p in &config.pools {
        if let Some(m) = &p.managed_scaling {
            targets.insert(
                format!("{}.reservation", p.name),
                f64::from(m.config.target_capacity),
            );
        }
    }
    targets
}

impl<R: Recorder> Simulation<'_, R> {
    /// `cost_usd.by_origin` and `cost_usd.unused`: every service's and job stream's share,
    /// adding up to the bill with commitments when the run has any, else to `total`.
    fn fill_origin_costs(
        &mut self,
        cost: &mut crate::metrics::CostSummary,
        commitments: Option<&crate::metrics::CommitmentsSummary>,
    ) {
        let bill = commitments.map_or(cost.total, |c| c.effective_cost_usd);
        let shares = self.billing.origin_shares(bill);
        for (o, share) in self.origins.ids().zip(shares) {
            let name = self.origins[o].name(self.config);
            let line = cost.by_origin.entry(name.to_string()).or_default();
            line.total += share.total();
            line.split += share.split;
            line.unused += share.unused;
            line.ec2 += share.ec2;
            line.fargate += share.fargate;
            cost.unused += share.unused;
        }
    }

    /// Every instance's life, for recorders that draw the cluster (the replay).
    fn report_instances(&mut self) {
        if !self.recorder.wants_instances() {
            return;
        }
        for inst in self.cluster.every_instance() {
            // An instance registers when it leaves LAUNCHING; one still booting, or lost
            // while booting (after a launch delay), never did.
            let never = inst.state == crate::model::InstanceState::Launching
                || (inst.terminated_at.is_some()
                    && inst.registered_at == inst.launched_at
                    && inst.launched_at > SimTime::ZERO);
            let pool = &self.config.pools[inst.pool.index()];
            self.recorder.instance(&crate::metrics::InstanceRow {
                instance: &inst.ec2_instance_id,
                instance_type: &pool.instance_type.name,
                pool: &pool.name,
                availability_zone: &self.cluster.azs[inst.az.index()],
                spot: inst.spot,
                cpu: inst.cpu_total,
                memory: inst.memory_total,
                launched: inst.launched_at,
                registered: (!never).then_some(inst.registered_at),
                terminated: inst.terminated_at,
            });
        }
    }
}

impl<R: Recorder> Model for Simulation<'_, R> {
    type Event = Event;

    fn handle(&mut self, now: SimTime, event: Event, queue: &mut EventQueue<Event>) {
        self.collector
            .integrate(now, &self.cluster, self.billing.live_instances());
        if now.0 > self.billing.hour_end() {
            self.close_cost_hours(now);
        }
        match event {
            Event::WindowStart => {
                self.collector
                    .open_window(now, self.totals.pending(), self.totals.running());
                self.narrate(now, |n| n.warm_up_ends());
            }
            Event::TaskExit(task) => {
                if self.tasks.live(task).is_some() {
                    // A job's essential container ends its run with exit code 0.
                    self.container_exited(
                        task,
                        0,
                        StopReason::EssentialContainerExited,
                        now,
                        queue,
                    );
                }
            }
            Event::InstanceRegistered(r) => {
                // An instance lost while booting (an AZ outage) never registers, nor does
                // the slot's next instance on its behalf.
                let booting = self.cluster.resolve(r).filter(|id| {
                    self.cluster.instance(*id).state == crate::model::InstanceState::Launching
                });
                if let Some(id) = booting {
                    self.register_instance(id, now, queue);
                    self.retry_waiting(now, queue);
                    self.managed_registered(id, now, queue);
                    // Waiting tasks take the new instance first; only then may a service
                    // move a task onto what is left of it.
                    self.rebalance_all(now, queue);
                }
            }
            Event::TaskRunning(task) => {
                if self.tasks.live(task).is_some() {
                    if self.start_fails(task.slot) {
                        self.stop_task(task.slot, now, StopReason::StartFailed, queue);
                    } else {
                        self.task_running(task.slot, now, queue);
                    }
                }
            }
            Event::TaskCrash(task) => {
                if self
                    .tasks
                    .live(task)
                    .is_some_and(|t| matches!(t.state, TaskState::Running | TaskState::Stopping))
                {
                    let def = self.tasks.get(task.slot).task_def;
                    let code = self.config.task_defs[def.index()].crash_exit_code;
                    self.container_exited(task, code, StopReason::TaskFailed, now, queue);
                }
            }
            Event::ContainerRestarted(task) => self.container_restarted(task, now, queue),
            // An instance event whose instance's slot a later launch took is dropped.
            Event::InstanceFailure(r) => {
                if let Some(id) = self.cluster.resolve(r) {
                    self.fail_instance(id, now, StopReason::InstanceFailed, queue);
                }
            }
            Event::SpotNotice(r) => {
                if let Some(id) = self.cluster.resolve(r) {
                    self.spot_notice(id, now, queue);
                }
            }
            Event::SpotReclaim(r) => {
                if let Some(id) = self.cluster.resolve(r) {
                    self.fail_instance(id, now, StopReason::SpotInterruption, queue);
                }
            }
            Event::TaskSpotNotice(task) => self.task_spot_notice(task, now, queue),
            Event::TaskSpotReclaim(task) => {
                if self.tasks.live(task).is_some() {
                    self.stop_task(task.slot, now, StopReason::SpotInterruption, queue);
                }
            }
            Event::AzOutageStart(i) => self.az_outage_start(i, now, queue),
            Event::AzOutageEnd(i) => self.az_outage_end(i, now, queue),
            Event::Scheduled(i) => self.scheduled(i, now, queue),
            Event::DrainDone(service) => self.drain_done(service, now, queue),
            Event::TaskHung(task) => self.task_hung(task, now, queue),
            Event::HealthCheckFailed(task) => {
                if self.tasks.live(task).is_some_and(|t| t.hung) {
                    self.stop_task(task.slot, now, StopReason::HealthCheckFailed, queue);
                }
            }
            Event::DeregistrationDone(task) => {
                if let Some(t) = self.tasks.live(task).filter(|t| t.deregistering) {
                    let crate::model::Origin::Service(s) = t.origin else {
                        return;
                    };
                    self.stop_task(task.slot, now, StopReason::ServiceScheduler, queue);
                    // A deployment may be waiting for this task to go.
                    self.reconcile_service(s, now, queue);
                }
            }
            Event::DeploymentStart(service, i) => self.deployment_start(service, i, now, queue),
            Event::DeploymentStep(service) => self.reconcile_service(service, now, queue),
            Event::DeploymentStage(service, timer) => {
                self.stage_timer_done(service, timer, now, queue)
            }
            Event::ServiceRetry(service) => self.service_retry(service, now, queue),
            Event::ProvisioningTimeout(task) => self.provisioning_timeout(task, now, queue),
            Event::ProvisioningSlotFree => self.provisioning_slot_free(now, queue),
            Event::JobArrival(job) => {
                let arrivals = &self.job_arrivals[job.index()];
                let batch = arrivals.batch;
                // Read before the next arrival moves the cursor on.
                let run_time = self.config.jobs[job.index()]
                    .arrival
                    .run_time(&arrivals.cursor);
                self.schedule_next_arrival(job, queue);
                for _ in 0..batch {
                    self.launch_job_task(job, run_time, now, queue);
                }
            }
            Event::DemandChange(s) => self.demand_change(s, now, queue),
            Event::ScalingTick => self.scaling_tick(now, queue),
            Event::ManagedBatch(m) => self.managed_batch(m, now, queue),
            Event::ManagedCheck(r, token) => self.managed_check(r, token, now, queue),
            Event::ManagedDrainStep(r) => self.managed_drain_step(r, now, queue),
            Event::ManagedDrainDeadline(r) => self.managed_drain_deadline(r, now, queue),
            Event::ManagedRecycle(r) => self.managed_recycle(r, now, queue),
            Event::Sample => {
                self.sample(now, None);
                // The horizon's row is written by `finish`, after the bills close.
                let next = now + self.config.sample_interval;
                if next < self.config.horizon {
                    queue.schedule(next, Event::Sample);
                }
            }
        }
    }

    fn describe(&self, event: &Event) -> String {
        self.describe_event(event)
    }

    fn stop_reason(&self) -> Option<String> {
        self.recorder.failure()
    }
}
