//! The sink the simulation reports to, and the rows it reports.

use crate::time::SimTime;

/// One task, as it stopped or as the run left it. Borrowed so reporting costs no
/// allocation in the event loop.
#[derive(Clone, Copy, Debug)]
pub struct TaskRow<'a> {
    /// The task's number, unique in the run, in creation order.
    pub task_id: u64,
    /// "service" or "job".
    pub origin_kind: &'static str,
    /// The name of the service or job stream that created it.
    pub origin: &'a str,
    /// The task definition family it runs.
    pub task_definition: &'a str,
    /// EC2 or FARGATE.
    pub launch_type: crate::model::LaunchType,
    /// Capacity provider name, empty for a plain launch type.
    pub capacity_provider: &'a str,
    /// The EC2 instance id it was placed on; empty on Fargate or before placement.
    pub instance: &'a str,
    /// The AZ it was placed in; empty before placement.
    pub availability_zone: &'a str,
    /// CPU reserved, in CPU units (1024 = one vCPU); on Fargate, the size billed.
    pub cpu: u32,
    /// Memory reserved, MiB; on Fargate, the size billed.
    pub memory: u32,
    /// When it was created (the arrival or the service's launch).
    pub created: SimTime,
    /// When it was placed on capacity; `None` if never.
    pub placed: Option<SimTime>,
    /// When its image pull began (after any ENI attachment); `None` if not yet.
    pub pull_started: Option<SimTime>,
    /// When it reached RUNNING; `None` if never.
    pub running: Option<SimTime>,
    /// When it stopped; `None` if alive at the horizon.
    pub stopped: Option<SimTime>,
    /// Its ECS status as the row leaves it: PROVISIONING, PENDING, RUNNING, STOPPING or
    /// STOPPED.
    pub last_status: &'static str,
    /// Why it stopped, as ECS words it (`EssentialContainerExited`,
    /// `ServiceSchedulerInitiated`, `RESOURCE:CPU`, ...); empty if it did not.
    pub stop_reason: &'static str,
    /// What it cost in the measured window, US dollars: `split_cost_usd +
    /// unused_cost_usd`.
    pub cost_usd: f64,
    /// On Fargate its bill, minimum included; on EC2 its share of its instances' hours for
    /// what it held (AWS's `SplitCost`).
    pub split_cost_usd: f64,
    /// On EC2 its share of what no task held on its instances (AWS's `UnusedCost`); 0 on
    /// Fargate.
    pub unused_cost_usd: f64,
    /// For a service task launched to replace one lost unexpectedly (or under a Spot
    /// notice) that reached RUNNING: the loss's cause (`crash`, `spot`, ...); empty
    /// otherwise.
    pub restart_cause: &'static str,
    /// From that loss to this task's RUNNING: the restart latency the summary's
    /// `restart_latency_s` counts, one task's worth.
    pub restart_latency: Option<crate::time::SimDuration>,
}

/// One service's line in a sample.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ServiceSample {
    /// The service's desired count (for a DAEMON service, its eligible instances).
    pub desired: u32,
    /// Its tasks RUNNING (serving: not hung, not draining under a notice).
    pub running: u32,
}

/// A service's load in a sample (services with a demand curve or queue only).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ScalingSample {
    /// CPU units offered.
    pub demand: f64,
    /// Average CPU utilization of its running tasks, percent; `None` with none running.
    pub cpu_utilization: Option<f64>,
    /// Messages waiting in its queue; `None` for a service without one.
    pub queue_depth: Option<f64>,
    /// With a predictive policy: the latest forecast's load for the hour holding the
    /// sample (CPU units, or MiB for a memory pair); `None` before the first forecast.
    pub forecast_load: Option<f64>,
    /// The tasks that forecast asks for that hour, before the service's bounds.
    pub forecast_tasks: Option<u32>,
}

/// A capacity provider with managed scaling in a sample.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ProviderSample {
    /// CapacityProviderReservation at the last scaling tick, percent; `None` before the
    /// first tick.
    pub reservation: Option<f64>,
    /// The group's desired size.
    pub desired: u32,
    /// Launched, not yet registered.
    pub pending: u32,
    /// Registered (ACTIVE).
    pub in_service: u32,
}

/// The bill of the last clock hour that closed, when the run has commitments.
#[derive(Clone, Copy, Debug)]
pub struct CommitmentSample<'a> {
    /// When that hour began.
    pub hour_start: SimTime,
    /// What the hour's usage cost, with and without the commitments.
    pub bill: &'a crate::catalog::HourBill,
}

/// The cluster at one sample instant.
#[derive(Clone, Copy, Debug)]
pub struct SampleRow<'a> {
    /// The sample instant; the row shows the state after every event at it.
    pub time: SimTime,
    /// Tasks RUNNING, services and jobs together.
    pub running_tasks: u32,
    /// Tasks not yet RUNNING: PROVISIONING (including waiting for capacity) and PENDING.
    pub pending_tasks: u32,
    /// EC2 instances launching, active or draining.
    pub instances: u32,
    /// Reserved over registered CPU of the EC2 instances, a fraction from 0 to 1 (0 with
    /// none registered).
    pub cpu_reserved_fraction: f64,
    /// Reserved over registered memory of the EC2 instances, a fraction from 0 to 1.
    pub memory_reserved_fraction: f64,
    /// The bill for the window so far, US dollars; minimums are added as instances and
    /// tasks stop, and the row at the horizon holds `cost_usd.total`.
    pub cost_usd: f64,
    /// Of `cost_usd`, Managed Instances' EC2 part and management fee (`None` in a scenario
    /// without Managed Instances providers: no columns).
    pub managed_cost_usd: Option<(f64, f64)>,
    /// In `SimConfig::services` order.
    pub services: &'a [ServiceSample],
    /// In `SimConfig::services` order; meaningful for services with scaling only.
    pub scaling: &'a [ScalingSample],
    /// One per pool with managed scaling, in pool order.
    pub providers: &'a [ProviderSample],
    /// `None` without commitments, or before the first hour closes.
    pub commitments: Option<CommitmentSample<'a>>,
}

/// A staged (blue/green, linear, canary) deployment moved production traffic: at `time`,
/// `green_percent` of the service's traffic goes to `green`, the rest to `blue`.
#[derive(Clone, Copy, Debug)]
pub struct TrafficRow<'a> {
    /// When the traffic moved.
    pub time: SimTime,
    /// The service.
    pub service: &'a str,
    /// The revision (task definition family) traffic is moving away from.
    pub blue: &'a str,
    /// The revision traffic is moving to (on a rollback, the failed one, at 0 %).
    pub green: &'a str,
    /// Green's share of production traffic, percent.
    pub green_percent: f64,
}

/// One EC2 instance's life, reported once at the end of the run (for the replay viewer).
#[derive(Clone, Copy, Debug)]
pub struct InstanceRow<'a> {
    /// Its EC2 instance id.
    pub instance: &'a str,
    /// Its instance type, e.g. `m5.large`.
    pub instance_type: &'a str,
    /// The pool that launched it.
    pub pool: &'a str,
    /// The AZ it ran in.
    pub availability_zone: &'a str,
    /// Whether it was a Spot instance.
    pub spot: bool,
    /// CPU it registers, in CPU units (1024 = one vCPU).
    pub cpu: u32,
    /// Memory it registers, MiB.
    pub memory: u32,
    /// When it was launched (time zero for a pool's initial instances).
    pub launched: SimTime,
    /// When it became ACTIVE; `None` if it never did (still booting, or lost booting).
    pub registered: Option<SimTime>,
    /// When it was terminated or lost; `None` if alive at the horizon.
    pub terminated: Option<SimTime>,
}

/// Receives what the simulation reports while it runs. Every method defaults to doing
/// nothing, so a recorder implements only what it keeps.
pub trait Recorder {
    /// Whether to report tasks at all: a recorder that keeps no task rows says no, and
    /// the simulation then skips gathering them (names, instance ids, times) per task.
    fn wants_tasks(&self) -> bool {
        true
    }
    /// One task, when it stops, and once more for each task still alive when the run ends.
    fn task(&mut self, _row: &TaskRow<'_>) {}
    /// The cluster at each sample instant, and once more at the horizon.
    fn sample(&mut self, _row: &SampleRow<'_>) {}
    /// Whether to report instances at all: a recorder that keeps no instance rows says no,
    /// and the simulation then forgets an instance once a later launch takes its slot, so
    /// a long run's memory follows the instances alive, not those ever launched.
    fn wants_instances(&self) -> bool {
        true
    }
    /// Every instance ever launched, once, in launch order, when the run ends.
    fn instance(&mut self, _row: &InstanceRow<'_>) {}
    /// Each move of a staged deployment's production traffic, as it happens.
    fn traffic(&mut self, _row: &TrafficRow<'_>) {}
    /// Whether to build narrated trace lines at all (they cost formatting).
    fn tracing(&self) -> bool {
        false
    }
    /// One narrated line about what happened at `at` (only when [`Recorder::tracing`]
    /// says yes).
    fn trace(&mut self, _at: SimTime, _line: &str) {}
    /// Whether traced placements list every candidate instance (`--trace=detail`).
    fn trace_detail(&self) -> bool {
        false
    }
    /// Why this recorder cannot go on, once it cannot (a write failed, or it has seen
    /// enough): the run stops right after the event in progress instead of running to
    /// the horizon for results that would be lost. Asked after every event, so keep it
    /// cheap.
    fn failure(&self) -> Option<String> {
        None
    }
}

/// Keeps nothing: for benchmarks and sweeps that only want the summary.
pub struct NullRecorder;

impl Recorder for NullRecorder {
    fn wants_tasks(&self) -> bool {
        false
    }
    fn wants_instances(&self) -> bool {
        false
    }
}
