//! The trace's words, all of them: every narrated line of the simulation is built here.
//! A subsystem tells what happened in one line, `self.narrate(now, |n| n.az_down(az))`;
//! [`Simulation::narrate`] builds the words only when the recorder is tracing, so an
//! untraced run pays one test per message and no formatting. The words read the
//! simulation through a [`Narrator`], which can change nothing.

use super::Simulation;
use super::origins::{OriginId, OriginState};
use crate::metrics::Recorder;
use crate::model::task::RejectReason;
use crate::model::{AzId, InstanceId, PoolId, ServiceId, SimConfig, StopReason, Target, TaskDefId};
use crate::placement::{self, PlacementRequest};
use crate::time::{SimDuration, SimTime};

/// A read-only view of the simulation for the words of one message.
pub(super) struct Narrator<'s, 'a, R: Recorder> {
    sim: &'s Simulation<'a, R>,
}

/// What one message traces: one line, or several in order.
pub(super) trait Lines {
    fn each(self, line: impl FnMut(&str));
}

impl Lines for String {
    fn each(self, mut line: impl FnMut(&str)) {
        line(&self);
    }
}

impl Lines for &'static str {
    fn each(self, mut line: impl FnMut(&str)) {
        line(self);
    }
}

impl Lines for Vec<String> {
    fn each(self, mut line: impl FnMut(&str)) {
        self.iter().for_each(|l| line(l));
    }
}

impl<const N: usize> Lines for [String; N] {
    fn each(self, mut line: impl FnMut(&str)) {
        self.iter().for_each(|l| line(l));
    }
}

impl<'a, R: Recorder> Simulation<'a, R> {
    /// Traces at `now` what `words` says, built only when the recorder is tracing.
    #[inline]
    pub(super) fn narrate<L: Lines>(
        &mut self,
        now: SimTime,
        words: impl FnOnce(&Narrator<'_, 'a, R>) -> L,
    ) {
        if self.recorder.tracing() {
            let lines = words(&Narrator { sim: self });
            lines.each(|line| self.recorder.trace(now, line));
        }
    }
}

/// "task 12 (service web)".
fn who(id: u64, origin: &OriginState, config: &SimConfig) -> String {
    format!("task {id} ({} {})", origin.kind, origin.name(config))
}

/// The placement of an EC2 task: a headline, then the funnel and the ranking (see
/// `placement::narrate_placement`). A DAEMON task is not ranked: it comes with its instance.
fn placement(
    cluster: &crate::model::Cluster,
    request: &PlacementRequest<'_>,
    chosen: InstanceId,
    who: &str,
    daemon: bool,
    detail: bool,
) -> Vec<String> {
    let inst = cluster.instance(chosen);
    let az = &cluster.azs[inst.az.index()];
    if daemon {
        return vec![format!(
            "{who} placed on {} ({az}): DAEMON scheduling, one task on every ACTIVE instance that meets its memberOf constraints; no strategy ranks instances",
            inst.ec2_instance_id
        )];
    }
    let mut lines = vec![format!(
        "{who} placed on {} ({az}): {}",
        inst.ec2_instance_id,
        placement::explain(cluster, request, chosen)
    )];
    lines.extend(placement::narrate_placement(
        cluster, request, chosen, detail,
    ));
    lines
}

/// "  startup: ENI attach 5 s + image pull 8 s (300 MB) + container start 2 s = 15 s".
fn startup(
    provisioning: SimDuration,
    provisioning_name: &str,
    pull: SimDuration,
    image_mb: f64,
    cached: Option<&str>,
    start: SimDuration,
) -> String {
    let mut parts = Vec::new();
    if provisioning > SimDuration::ZERO {
        parts.push(format!("{provisioning_name} {}", secs(provisioning)));
    }
    parts.push(match cached {
        Some(why) => format!("image {why}, no pull"),
        None => format!("image pull {} ({image_mb} MB)", secs(pull)),
    });
    parts.push(format!("container start {}", secs(start)));
    let total = provisioning + pull + start;
    format!(
        "  startup: {} = RUNNING in {}",
        parts.join(" + "),
        secs(total)
    )
}

/// The service's scaling policies in words (what `why` names).
fn scaling_rule(service: &crate::model::ServiceSpec, why: &str) -> String {
    use crate::scaling::target_tracking::TrackedMetric;
    let Some(auto) = &service.scaling.auto_scaling else {
        return why.to_string();
    };
    if why != "auto scaling" {
        return format!("{why} (bounds min {}, max {})", auto.min, auto.max);
    }
    let metric = |m: TrackedMetric| match m {
        TrackedMetric::Cpu => "CPU",
        TrackedMetric::Memory => "memory",
        TrackedMetric::CpuHighResolution => "CPU (20-second datapoints)",
        TrackedMetric::MemoryHighResolution => "memory (20-second datapoints)",
        TrackedMetric::BacklogPerTask => "backlog per task",
    };
    let mut rules: Vec<String> = auto
        .target_tracking
        .iter()
        .map(|p| {
            format!(
                "target tracking {} at {}{}: out after {} of {} datapoints above, to ceil(desired × metric / target); in after {} of {} below {:.0}%",
                metric(p.metric),
                p.target,
                if p.metric == TrackedMetric::BacklogPerTask { "" } else { "%" },
                p.scale_out_datapoints.0,
                p.scale_out_datapoints.1,
                p.scale_in_datapoints.0,
                p.scale_in_datapoints.1,
                p.target * p.scale_in_threshold_ratio
            )
        })
        .collect();
    rules.extend(auto.step_scaling.iter().map(|(m, p)| {
        format!(
            "step scaling on {} (alarm at {}, {} of {} datapoints)",
            metric(*m),
            p.alarm.threshold,
            p.alarm.datapoints_to_alarm,
            p.alarm.evaluation_periods
        )
    }));
    format!(
        "{}; within min {} and max {}",
        rules.join("; "),
        auto.min,
        auto.max
    )
}

/// Hour `h` since time zero as "day 2 10:00".
fn clock_hour(h: u64) -> String {
    format!("day {} {:02}:00", h / 24 + 1, h % 24)
}

fn secs(d: SimDuration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// The runs's milestones.
impl<R: Recorder> Narrator<'_, '_, R> {
    pub fn warm_up_ends(&self) -> &'static str {
        "── warm-up ends: the summary's metrics are measured from here ──"
    }

    pub fn horizon(&self) -> String {
        let totals = &self.sim.totals;
        format!(
            "── horizon: the run ends with {} task(s) RUNNING and {} not yet RUNNING ──",
            totals.running(),
            totals.pending()
        )
    }
}

/// A task's life: created, waiting, placed, starting, RUNNING, stopped.
impl<'a, R: Recorder> Narrator<'_, 'a, R> {
    /// "task 12 (service web)" for the task in `slot`, and its origin.
    fn task_who(&self, slot: u32) -> (String, OriginId) {
        let sim = self.sim;
        let task = sim.tasks.get(slot);
        let o = sim.origins.id(task.origin);
        (who(task.id, &sim.origins[o], sim.config), o)
    }

    pub fn refused_over_limit(&self, slot: u32) -> String {
        let (who, _) = self.task_who(slot);
        format!(
            "{who} refused by RunTask: Tasks provisioning capacity limit exceeded ({} tasks already wait in PROVISIONING for capacity, cluster.max_provisioning_tasks)",
            self.sim.provisioning.waiting
        )
    }

    pub fn waits_behind_earlier(&self, slot: u32) -> String {
        let (who, o) = self.task_who(slot);
        let origin = &self.sim.origins[o];
        let ahead = self
            .sim
            .waiting
            .queue(o, self.sim.tasks.get(slot).target_index as usize)
            .len();
        format!(
            "{who} waits in PROVISIONING behind {ahead} earlier task(s) of the same {}: they are placed first",
            origin.kind
        )
    }

    pub fn waits(&self, slot: u32, reason: RejectReason) -> String {
        let (who, _) = self.task_who(slot);
        format!(
            "{who} waits in PROVISIONING: {}{}",
            reason.as_str(),
            self.refusal(slot)
        )
    }

    /// Why a waiting EC2 task fits nowhere, summarized over the cluster (empty for Fargate).
    fn refusal(&self, slot: u32) -> String {
        let sim = self.sim;
        let task = sim.tasks.get(slot);
        let pool = match task.target {
            Target::Ec2 | Target::Managed(_) => None,
            Target::Pool(p) => Some(p),
            Target::Fargate { .. } => return String::new(),
        };
        let def = &sim.config.task_defs[task.task_def.index()];
        let o = sim.origins.id(task.origin);
        let request = PlacementRequest::for_task(def, pool, sim.origins[o].placement(sim.config));
        format!(" — {}", placement::narrate_refusal(&sim.cluster, &request))
    }

    /// The placement of an EC2 task on `chosen` (see [`placement`]).
    pub fn placed(
        &self,
        slot: u32,
        request: &PlacementRequest<'_>,
        chosen: InstanceId,
    ) -> Vec<String> {
        let (who, _) = self.task_who(slot);
        if let Target::Managed(m) = self.sim.tasks.get(slot).target {
            return vec![self.placed_on_managed(m, &who, request, chosen)];
        }
        let daemon = self.sim.tasks.get(slot).instance.is_some();
        let detail = self.sim.recorder.trace_detail();
        placement(&self.sim.cluster, request, chosen, &who, daemon, detail)
    }

    /// A placement on a Managed Instances provider's instance, by its own rule (no
    /// strategies there).
    fn placed_on_managed(
        &self,
        m: u32,
        who: &str,
        request: &PlacementRequest<'_>,
        chosen: InstanceId,
    ) -> String {
        let sim = self.sim;
        let cluster = &sim.cluster;
        let provider = &sim.config.managed_instances[m as usize];
        let with_room = provider
            .types
            .iter()
            .flat_map(|t| cluster.pool_live(t.pool))
            .filter(|id| {
                cluster.instance(*id).state == crate::model::InstanceState::Active
                    && placement::fits_on(cluster, request, *id)
                    && placement::member_of_all(cluster, request.placement, *id)
            })
            .count();
        let inst = cluster.instance(chosen);
        let az = &cluster.azs[inst.az.index()];
        let group = cluster.group(request.placement.group);
        let rule = if provider.azs.len() > 1 {
            format!(
                "AZ spread first ({} task(s) of {} in {az}, the fewest), then the instance with the fewest of them, then packing",
                group.per_attribute[0][inst.az.index()],
                sim.config.groups[request.placement.group.index()]
            )
        } else {
            "one subnet: bin packing (the least free memory, then CPU)".to_string()
        };
        format!(
            "{who} placed on {} ({az}): Managed Instances placement over {with_room} instance(s) of provider {} with room: {rule}",
            inst.ec2_instance_id, provider.name
        )
    }

    /// An EC2 task's startup: its ENI attach (`provisioning`), its pull (or a cached image).
    pub fn ec2_startup(
        &self,
        slot: u32,
        provisioning: SimDuration,
        pull: SimDuration,
        cached: bool,
    ) -> String {
        let sim = self.sim;
        let def = &sim.config.task_defs[sim.tasks.get(slot).task_def.index()];
        startup(
            provisioning,
            "ENI attach",
            pull,
            def.image_size_mb,
            cached.then_some("cached on this instance"),
            sim.config.timing.container_start,
        )
    }

    pub fn admitted_to_fargate(&self, slot: u32, az: AzId, pull: SimDuration) -> [String; 2] {
        let sim = self.sim;
        let (who, _) = self.task_who(slot);
        let def = &sim.config.task_defs[sim.tasks.get(slot).task_def.index()];
        let timing = &sim.config.timing;
        [
            format!(
                "{who} admitted to Fargate in {} (the AZ with the fewest of its group's tasks); Fargate places it, no instance to choose",
                sim.cluster.azs[az.index()]
            ),
            startup(
                timing.fargate_provisioning,
                "Fargate provisioning",
                pull,
                def.image_size_mb,
                None,
                timing.container_start,
            ),
        ]
    }

    pub fn running(&self, slot: u32, now: SimTime) -> String {
        let (who, _) = self.task_who(slot);
        let created = self.sim.tasks.get(slot).created_at;
        format!(
            "{who} RUNNING, {} s after it was created",
            now.since(created).as_secs_f64()
        )
    }

    pub fn stopped(&self, slot: u32, reason: StopReason) -> String {
        let (who, _) = self.task_who(slot);
        format!("{who} STOPPED: {}", reason.as_str())
    }

    pub fn provisioning_timed_out(&self, slot: u32, now: SimTime) -> String {
        let (who, _) = self.task_who(slot);
        let created = self.sim.tasks.get(slot).created_at;
        format!(
            "{who} found no capacity in {} s in PROVISIONING (cluster.provisioning_timeout): ECS stops it",
            now.since(created).as_secs_f64()
        )
    }

    pub fn hangs(&self, slot: u32, s: ServiceId) -> String {
        format!(
            "task {} (service {}) hangs",
            self.sim.tasks.get(slot).id,
            self.sim.config.services[s.index()].name
        )
    }

    pub fn container_restarting(
        &self,
        slot: u32,
        code: i32,
        ran: SimDuration,
        back_in: SimDuration,
    ) -> String {
        let (who, _) = self.task_who(slot);
        format!(
            "{who} container exited with code {code} after {} s: restartPolicy restarts it in place, up again in {} s (same task, no replacement)",
            ran.as_secs_f64(),
            back_in.as_secs_f64()
        )
    }

    pub fn container_not_restarted(&self, slot: u32, code: i32, ran: SimDuration) -> String {
        let (who, _) = self.task_who(slot);
        let task = self.sim.tasks.get(slot);
        let def = &self.sim.config.task_defs[task.task_def.index()];
        let why = match &def.restart_policy {
            Some(p) if p.ignored_exit_codes.contains(&code) => {
                format!("{code} is in ignoredExitCodes")
            }
            Some(p) => format!(
                "it ran less than restartAttemptPeriod ({} s)",
                p.attempt_period.as_secs_f64()
            ),
            None => "no restartPolicy".to_string(),
        };
        format!(
            "{who} container exited with code {code} after {} s: not restarted in place, {why}; the task stops",
            ran.as_secs_f64()
        )
    }

    pub fn fargate_launch_throttled(&self, slot: u32, wait: SimDuration) -> String {
        let (who, _) = self.task_who(slot);
        let rate = self.sim.config.fargate.launch_rate.as_ref();
        let (burst, per_s) = rate.map_or((0, 0.0), |r| (r.burst, r.per_second));
        format!(
            "{who} throttled by Fargate's launch rate (bucket of {burst}, {per_s} tasks per second): launched when a token frees, in {} s",
            wait.as_secs_f64()
        )
    }

    pub fn container_restarted(&self, slot: u32) -> String {
        let (who, _) = self.task_who(slot);
        format!("{who} container restarted in place: serving again")
    }

    pub fn task_spot_notice(&self, slot: u32, stop_after: SimDuration) -> String {
        format!(
            "task {} Spot interruption notice and SIGTERM: it stops within {} s (stopTimeout); a service replaces it now if maximumPercent allows, else when it stops",
            self.sim.tasks.get(slot).id,
            stop_after.as_secs_f64()
        )
    }
}

/// Services: launches held back, throttling, deployments, scaling, scenario events.
impl<R: Recorder> Narrator<'_, '_, R> {
    fn service_name(&self, s: ServiceId) -> &str {
        &self.sim.config.services[s.index()].name
    }

    fn family(&self, def: TaskDefId) -> &str {
        &self.sim.config.task_defs[def.index()].family
    }

    pub fn held_back(&self, s: ServiceId) -> String {
        format!(
            "service {}: launch refused, Tasks provisioning capacity limit exceeded ({} tasks already wait in PROVISIONING for capacity, cluster.max_provisioning_tasks); the scheduler launches again when one leaves",
            self.sim.origins[s].name(self.sim.config),
            self.sim.provisioning.waiting
        )
    }

    pub fn throttled(&self, s: ServiceId, delay: SimDuration) -> String {
        format!(
            "service {} throttled: {} consecutive failures to start, next launch in {} s",
            self.service_name(s),
            self.sim.origins[s].start_failures,
            delay.as_secs_f64()
        )
    }

    pub fn rollout_begins(
        &self,
        s: ServiceId,
        to: TaskDefId,
        rollback: bool,
        desired: u32,
        lower: u32,
    ) -> String {
        format!(
            "service {} {} to {} (desired {desired}, keep ≥ {lower} healthy, ≤ {} in all)",
            self.service_name(s),
            if rollback { "rolls back" } else { "deploys" },
            self.family(to),
            self.sim.config.services[s.index()]
                .deployment
                .upper(desired),
        )
    }

    pub fn rebalancing_started(&self, s: ServiceId, fewest: u32, most: u32) -> String {
        format!(
            "service {} SERVICE_REBALANCING_STARTED: AZs hold {fewest} to {most} tasks; one more task starts where there are fewest",
            self.service_name(s)
        )
    }

    pub fn rebalancing_completed(&self, s: ServiceId) -> String {
        format!(
            "service {} SERVICE_REBALANCING_COMPLETED: its AZs are balanced",
            self.service_name(s)
        )
    }

    pub fn rebalancing_stopped(&self, s: ServiceId) -> String {
        format!(
            "service {} SERVICE_REBALANCING_STOPPED: no room on existing capacity where a task would balance its AZs",
            self.service_name(s)
        )
    }

    pub fn staged_begins(
        &self,
        s: ServiceId,
        to: TaskDefId,
        strategy: crate::model::DeploymentStrategy,
        desired: u32,
    ) -> String {
        format!(
            "service {} deploys {} by {} (desired {desired}: green scales to {desired} beside blue before traffic moves); stage {}",
            self.service_name(s),
            self.family(to),
            strategy.as_str(),
            crate::model::Stage::PreScaleUp.as_str(),
        )
    }

    pub fn stage_begins(&self, s: ServiceId, stage: crate::model::Stage) -> String {
        format!(
            "service {} deployment stage {}",
            self.service_name(s),
            stage.as_str()
        )
    }

    pub fn traffic_shifted(&self, s: ServiceId, weight_permille: u32) -> String {
        format!(
            "service {} production traffic: green {}%, blue {}%",
            self.service_name(s),
            permille(weight_permille),
            permille(1000 - weight_permille.min(1000)),
        )
    }

    pub fn traffic_back(&self, s: ServiceId, blue: TaskDefId) -> String {
        format!(
            "service {} rolls back: production traffic 100% to {} (still running), green tasks stop",
            self.service_name(s),
            self.family(blue),
        )
    }

    pub fn rollback_done(&self, s: ServiceId, blue: TaskDefId) -> String {
        format!(
            "service {} rollback to {} done: the failed revision's tasks are gone",
            self.service_name(s),
            self.family(blue),
        )
    }

    pub fn deployment_failed(
        &self,
        s: ServiceId,
        to: TaskDefId,
        why: super::staged::Failure,
        rollback: bool,
    ) -> String {
        use super::staged::Failure;
        let cause = match why {
            Failure::Breaker {
                failures,
                threshold,
            } => format!("{failures} tasks failed (threshold {threshold})"),
            Failure::Alarm { failures, window } => {
                format!("alarm: {failures} failed tasks within {}", secs(window))
            }
            Failure::Hook(stage) => {
                format!("a lifecycle hook answered FAILED in {}", stage.as_str())
            }
            Failure::StageLimit(stage) => {
                format!("stage {} reached the 24-hour limit", stage.as_str())
            }
        };
        format!(
            "service {} deployment of {} FAILED: {cause}{}",
            self.service_name(s),
            self.family(to),
            if rollback { "; rolling back" } else { "" }
        )
    }

    pub fn rollout_completed(&self, s: ServiceId, to: TaskDefId) -> String {
        format!(
            "service {} deployment of {} completed",
            self.service_name(s),
            self.family(to)
        )
    }

    /// A change of desired count by `why` ("auto scaling", or a scheduled action), with
    /// the metrics and the rule behind it.
    pub fn scaling(&self, s: ServiceId, from: u32, to: u32, why: &str) -> [String; 4] {
        let sim = self.sim;
        let st = &sim.autoscaling.services[s.index()];
        let pct = |d: Option<f64>| d.map_or("no data".to_string(), |v| format!("{v:.1}%"));
        let (cpu, mem) = st.latest_utilization();
        let (cpu, mem) = (pct(cpu), pct(mem));
        let service = &sim.config.services[s.index()];
        [
            format!("service {} {why}: desired {from} -> {to}", service.name),
            format!(
                "  metric: CPU {cpu}, memory {mem} (latest one-minute datapoints, as a share of what the {} running task(s) reserve)",
                sim.origins[s].counts.running()
            ),
            format!("  rule: {}", scaling_rule(service, why)),
            format!("  decision: desired count {from} -> {to}"),
        ]
    }

    /// A new forecast: what it predicts and how it will be used.
    pub fn forecast_made(&self, s: ServiceId) -> Vec<String> {
        use crate::scaling::predictive::{LoadResource, PredictiveMode};
        let sim = self.sim;
        let service = &sim.config.services[s.index()];
        let (Some((forecast, history_h)), Some(policy)) = (
            sim.latest_forecast(s),
            service
                .scaling
                .auto_scaling
                .as_ref()
                .and_then(|a| a.predictive.as_ref()),
        ) else {
            return Vec::new();
        };
        let def = &sim.config.task_defs[service.task_def.index()];
        let (unit, per_task) = match policy.resource {
            LoadResource::Cpu => ("CPU units", def.cpu),
            LoadResource::Memory => ("MiB", def.memory),
        };
        let span = |v: &[f64]| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(0.0, f64::max);
            format!("{lo:.0} to {hi:.0}")
        };
        let (lo_t, hi_t) = (
            forecast.tasks.iter().min().copied().unwrap_or(0),
            forecast.tasks.iter().max().copied().unwrap_or(0),
        );
        let first = forecast.first_hour;
        let (load, tasks) = forecast.hour(first).unwrap_or((0.0, 0));
        vec![
            format!(
                "service {} predictive forecast by {} from the last {history_h} h of load:",
                service.name,
                policy.forecaster.describe()
            ),
            format!(
                "  next {} hours ({} to {}): load {} {unit}, {lo_t} to {hi_t} tasks at {}% of the {per_task} {unit} each task reserves (tasks = ceil(load ÷ {:.0}))",
                forecast.loads.len(),
                clock_hour(first),
                clock_hour(first + forecast.loads.len() as u64),
                span(&forecast.loads),
                policy.target,
                f64::from(per_task) * policy.target / 100.0,
            ),
            format!(
                "  this hour ({}): load {load:.0} {unit} -> {tasks} tasks",
                clock_hour(first)
            ),
            match policy.mode {
                PredictiveMode::ForecastOnly => {
                    "  mode ForecastOnly: the forecast is recorded, desired is not changed"
                        .to_string()
                }
                PredictiveMode::ForecastAndScale => format!(
                    "  mode ForecastAndScale: each hour's count is set {} s before the hour starts, never lowering desired",
                    policy.scheduling_buffer.as_secs_f64()
                ),
            },
        ]
    }

    /// A pre-emptive scale-out: the forecast in force asked for more than any other
    /// policy.
    pub fn predictive_scaling(
        &self,
        s: ServiceId,
        from: u32,
        f: super::predictive::ForecastAction,
    ) -> [String; 3] {
        let sim = self.sim;
        let service = &sim.config.services[s.index()];
        let st = &sim.autoscaling.services[s.index()];
        let (cpu, _) = st.latest_utilization();
        let now_cpu = cpu.map_or("no data".to_string(), |v| format!("{v:.1}%"));
        let capped = if f.wanted < f.tasks {
            format!(", capped at max {} (HonorMaxCapacity)", f.wanted)
        } else {
            String::new()
        };
        [
            format!(
                "service {} predictive scaling: desired {from} -> {} ahead of {}",
                service.name,
                f.wanted,
                clock_hour(f.hour)
            ),
            format!(
                "  forecast for {}: load {:.0} -> {} tasks{capped}; max now {}; CPU now {now_cpu} (the load has not come yet: this is ahead of it)",
                clock_hour(f.hour),
                f.load,
                f.tasks,
                st.max
            ),
            "  rule: desired = the largest count any policy wants; the forecast alone never scales in".to_string(),
        ]
    }

    pub fn kill_tasks(&self, s: ServiceId, count: u32) -> String {
        format!(
            "scenario event: {count} RUNNING task(s) of service {} are stopped (StopTask); the service scheduler will replace them",
            self.service_name(s)
        )
    }

    pub fn desired_set(&self, s: ServiceId, count: u32) -> String {
        format!(
            "service {} desiredCount set to {count} (UpdateService; it was {}): the scheduler starts or stops tasks to match",
            self.service_name(s),
            self.sim.origins[s].counts.desired()
        )
    }
}

/// Instances, AZs and capacity providers.
impl<R: Recorder> Narrator<'_, '_, R> {
    pub fn registered(&self, id: InstanceId) -> String {
        let sim = self.sim;
        let inst = sim.cluster.instance(id);
        format!(
            "instance {} ({}, {}) registered: {} CPU units, {} MiB",
            inst.ec2_instance_id,
            sim.config.pools[inst.pool.index()].instance_type.name,
            sim.cluster.azs[inst.az.index()],
            inst.cpu_total,
            inst.memory_total
        )
    }

    pub fn instance_lost(&self, id: InstanceId, reason: StopReason) -> String {
        let inst = self.sim.cluster.instance(id);
        format!(
            "instance {} ({}) lost: {}; {} task(s) on it stop",
            inst.ec2_instance_id,
            self.sim.cluster.azs[inst.az.index()],
            reason.as_str(),
            inst.task_count
        )
    }

    pub fn spot_notice(&self, id: InstanceId) -> String {
        let inst = self.sim.cluster.instance(id);
        let pool = &self.sim.config.pools[inst.pool.index()];
        format!(
            "instance {} gets a Spot interruption notice; {}",
            inst.ec2_instance_id,
            if pool.managed_draining {
                "it drains (managed draining of its capacity provider)"
            } else if pool.spot_instance_draining {
                "it drains (spot_instance_draining)"
            } else {
                "ECS is not told (managed draining and spot_instance_draining off): its tasks run until the reclaim"
            }
        )
    }

    pub fn az_down(&self, az: AzId) -> String {
        format!("AZ {} goes down", self.sim.cluster.azs[az.index()])
    }

    pub fn az_back(&self, az: AzId) -> String {
        format!("AZ {} is back", self.sim.cluster.azs[az.index()])
    }

    /// Origin `o`'s waiting tasks bound for pool `pool` (its target `t`) that no instance
    /// the pool launches could place, by its placement constraint `k`.
    pub fn futile_waiting(&self, pool: PoolId, o: OriginId, t: usize, k: usize) -> String {
        let config = self.sim.config;
        let pool = &config.pools[pool.index()];
        let origin = &self.sim.origins[o];
        format!(
            "capacity provider {} managed scaling: {} {}'s {} waiting task(s) not counted toward scale-out: no {} instance it launches satisfies placementConstraints[{k}] (memberOf), so added instances could never place them",
            pool.name,
            origin.kind,
            origin.name(config),
            self.sim.waiting.queue(o, t).len(),
            pool.instance_type.name,
        )
    }

    /// The scale-out headline and, as lesson 11 does for a service, the metric, the rule
    /// that sized the step and the decision, each number with the setting behind it.
    pub fn pool_scales_out(&self, scale: &ScaleOutWords<'_>) -> Vec<String> {
        let pool = &self.sim.config.pools[scale.pool.index()];
        let ms = pool
            .managed_scaling
            .as_ref()
            .expect("only a pool with managed scaling scales");
        let cfg = &ms.config;
        let r = scale.reservation;
        let (target, desired, count) = (cfg.target_capacity, scale.desired, scale.count);
        let mut lines = vec![format!(
            "capacity provider {} managed scaling: CapacityProviderReservation {:.0}% above its target {target}% → launching {count} instance(s), group desired {desired}",
            pool.name, r.metric
        )];
        let waiting = scale.waiting.len();
        lines.push(if waiting == 0 || r.m < r.n {
            format!(
                "  metric: M = {} instance(s) running tasks, N = {} in the group → M / N = {:.0}%",
                r.m, r.n, r.metric
            )
        } else if r.n == 0 {
            format!(
                "  metric: an empty group with tasks waiting reads {:.0}% (empty_group_reservation, default 200)",
                r.metric
            )
        } else {
            format!(
                "  metric: M = N + {} = {}, N = {} → M / N = {:.0}%",
                r.m - r.n,
                r.m,
                r.n,
                r.metric
            )
        });
        if waiting > 0 {
            let need = crate::scaling::managed_scaling::estimate_instances(
                scale.waiting,
                std::slice::from_ref(&scale.shape),
                &pool.reserved_ports,
            )
            .instances;
            let azs = pool.azs.len();
            let (min, max) = (cfg.minimum_scaling_step_size, cfg.maximum_scaling_step_size);
            lines.push(if azs > 1 && cfg.mixed_group_uses_minimum_step {
                format!(
                    "  rule: {waiting} task(s) in PROVISIONING would fill {need} new {}; the group spans {azs} AZs, so ECS scales by the minimum step, minimum_scaling_step_size = {min} (default 1), whatever they need",
                    pool.instance_type.name
                )
            } else {
                format!(
                    "  rule: {waiting} task(s) in PROVISIONING would fill {need} new {}; the group is in one AZ, so the step is that, held between minimum_scaling_step_size {min} and maximum_scaling_step_size {max} (defaults 1 and 10000)",
                    pool.instance_type.name
                )
            });
        }
        let capped = if desired == ms.max_size {
            format!(", at most max_size {}", ms.max_size)
        } else {
            String::new()
        };
        lines.push(format!(
            "  decision: group desired = ceil(M × 100 / target_capacity {target}) = {desired}{capped}; no further scale-out until the newest instance is {} s old (instance_warmup_period, default 300 s)",
            cfg.instance_warmup.0 / 1000
        ));
        lines
    }

    pub fn pool_scales_in(&self, pool: PoolId, metric: f64, count: usize, desired: u32) -> String {
        let pool = &self.sim.config.pools[pool.index()];
        let target = managed_target(pool);
        format!(
            "capacity provider {} managed scaling: CapacityProviderReservation {metric:.0}% below its target {target}% → terminating {count} empty instance(s), group desired {desired}",
            pool.name
        )
    }
}

/// Managed Instances providers: batches, scale-in, drains.
impl<R: Recorder> Narrator<'_, '_, R> {
    /// "instance i-00000003 (r7a.large, us-east-1b)".
    fn instance_words(&self, id: InstanceId) -> String {
        let sim = self.sim;
        let inst = sim.cluster.instance(id);
        format!(
            "instance {} ({}, {})",
            inst.ec2_instance_id,
            sim.config.pools[inst.pool.index()].instance_type.name,
            sim.cluster.azs[inst.az.index()]
        )
    }

    fn provider_of_instance(&self, id: InstanceId) -> &str {
        let sim = self.sim;
        let pool = sim.cluster.instance(id).pool;
        sim.managed.provider_of(pool).map_or("", |m| {
            sim.config.managed_instances[m as usize].name.as_str()
        })
    }

    pub fn managed_batch(
        &self,
        m: u32,
        waiting: usize,
        launched: &[super::managed_instances::Launched],
        unplaced: usize,
    ) -> Vec<String> {
        let sim = self.sim;
        let spec = &sim.config.managed_instances[m as usize];
        let mut lines = Vec::with_capacity(launched.len() + 1);
        for l in launched {
            let them = if l.tasks == waiting { "them" } else { "" };
            let held = if them.is_empty() {
                format!("{} of them", l.tasks)
            } else {
                them.to_string()
            };
            lines.push(format!(
                "capacity provider {} (Managed Instances): batched {waiting} waiting task(s); {} is the cheapest type that holds {held} in {} (${:.4}/h with the management fee): launching {}, ACTIVE in {}",
                spec.name,
                sim.config.pools[l.pool.index()].instance_type.name,
                sim.cluster.azs[l.az.index()],
                l.hourly_cost,
                sim.cluster.instance(l.instance).ec2_instance_id,
                secs(spec.launch_time),
            ));
        }
        if unplaced > 0 {
            lines.push(format!(
                "capacity provider {} (Managed Instances): {unplaced} waiting task(s) fit no instance type its instanceRequirements allow (or no AZ its constraints accept); they wait",
                spec.name
            ));
        }
        lines
    }

    pub fn managed_idle(&self, id: InstanceId) -> String {
        format!(
            "capacity provider {} (Managed Instances): {} idle for scaleInAfter: deregistered and terminated",
            self.provider_of_instance(id),
            self.instance_words(id)
        )
    }

    pub fn managed_drain(
        &self,
        id: InstanceId,
        cause: super::managed_instances::DrainCause,
    ) -> String {
        let why = match cause {
            super::managed_instances::DrainCause::Consolidation => {
                "underutilized (its tasks fit on the provider's other instances): draining to consolidate, its service tasks replaced there first"
            }
            super::managed_instances::DrainCause::Recycle => {
                "due for patching (recycle_after): draining, its service tasks replaced first"
            }
        };
        format!(
            "capacity provider {} (Managed Instances): {} {why}",
            self.provider_of_instance(id),
            self.instance_words(id)
        )
    }

    pub fn managed_drained(&self, id: InstanceId) -> String {
        format!(
            "capacity provider {} (Managed Instances): {} drained: deregistered and terminated",
            self.provider_of_instance(id),
            self.instance_words(id)
        )
    }

    pub fn managed_drain_deadline(&self, id: InstanceId) -> String {
        format!(
            "capacity provider {} (Managed Instances): {} reached its drain deadline: its {} remaining task(s) stop and it is terminated",
            self.provider_of_instance(id),
            self.instance_words(id),
            self.sim.cluster.instance(id).task_count
        )
    }
}

/// What a managed scale-out decided and from what, for its narration.
pub(super) struct ScaleOutWords<'a> {
    pub pool: PoolId,
    pub reservation: crate::scaling::managed_scaling::Reservation,
    pub count: u32,
    pub desired: u32,
    /// The PROVISIONING tasks the estimate counted.
    pub waiting: &'a [crate::scaling::managed_scaling::TaskShape<'a>],
    pub shape: crate::scaling::managed_scaling::InstanceShape,
}

fn managed_target(pool: &crate::model::PoolSpec) -> u32 {
    let ms = pool.managed_scaling.as_ref();
    ms.expect("only a pool with managed scaling scales")
        .config
        .target_capacity
}

/// Tenths of a percent as a percentage: 200 → "20", 5 → "0.5".
fn permille(p: u32) -> String {
    if p.is_multiple_of(10) {
        format!("{}", p / 10)
    } else {
        format!("{}.{}", p / 10, p % 10)
    }
}
