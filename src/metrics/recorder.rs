//! The sink the simulation reports to, and the rows it reports.

use crate::time::SimTime;

/// One task, as it stopped or as the run left it. Borrowed so reporting costs no
/// allocation in the event loop.
#[derive(Clone, Copy, Debug)]
pub struct TaskRow<'a> {
    pub task_id: u64,
    /// "service" or "job".
    pub origin_kind: &'static str,
    pub origin: &'a str,
    pub task_definition: &'a str,
    pub launch_type: crate::model::LaunchType,
    /// Capacity provider name, empty for a plain launch type.
    pub capacity_provider: &'a str,
    pub instance: &'a str,
    pub availability_zone: &'a str,
    pub cpu: u32,
    pub memory: u32,
    pub created: SimTime,
    pub placed: Option<SimTime>,
    pub pull_started: Option<SimTime>,
    pub running: Option<SimTime>,
    pub stopped: Option<SimTime>,
    pub last_status: &'static str,
    pub stop_reason: &'static str,
    pub cost_usd: f64,
}

/// One service's line in a sample.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ServiceSample {
    pub desired: u32,
    pub running: u32,
}

/// A service's load in a sample (services with a demand curve or queue only).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ScalingSample {
    /// CPU units offered.
    pub demand: f64,
    /// Average CPU utilization of its running tasks, percent; `None` with none running.
    pub cpu_utilization: Option<f64>,
    pub queue_depth: Option<f64>,
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
    pub hour_start: SimTime,
    pub bill: &'a crate::catalog::HourBill,
}

/// The cluster at one sample instant.
#[derive(Clone, Copy, Debug)]
pub struct SampleRow<'a> {
    pub time: SimTime,
    pub running_tasks: u32,
    /// Tasks not yet RUNNING: PROVISIONING (including waiting for capacity) and PENDING.
    pub pending_tasks: u32,
    /// EC2 instances launching, active or draining.
    pub instances: u32,
    pub cpu_reserved_fraction: f64,
    pub memory_reserved_fraction: f64,
    pub cost_usd: f64,
    /// In `SimConfig::services` order.
    pub services: &'a [ServiceSample],
    /// In `SimConfig::services` order; meaningful for services with scaling only.
    pub scaling: &'a [ScalingSample],
    /// One per pool with managed scaling, in pool order.
    pub providers: &'a [ProviderSample],
    /// `None` without commitments, or before the first hour closes.
    pub commitments: Option<CommitmentSample<'a>>,
}

/// One EC2 instance's life, reported once at the end of the run (for the replay viewer).
#[derive(Clone, Copy, Debug)]
pub struct InstanceRow<'a> {
    pub instance: &'a str,
    pub instance_type: &'a str,
    pub pool: &'a str,
    pub availability_zone: &'a str,
    pub spot: bool,
    pub cpu: u32,
    pub memory: u32,
    pub launched: SimTime,
    /// When it became ACTIVE; `None` if it never did (still booting, or lost booting).
    pub registered: Option<SimTime>,
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
    fn task(&mut self, _row: &TaskRow<'_>) {}
    fn sample(&mut self, _row: &SampleRow<'_>) {}
    /// Whether to report instances at all: a recorder that keeps no instance rows says no,
    /// and the simulation then forgets an instance once a later launch takes its slot, so
    /// a long run's memory follows the instances alive, not those ever launched.
    fn wants_instances(&self) -> bool {
        true
    }
    /// Every instance ever launched, once, in launch order, when the run ends.
    fn instance(&mut self, _row: &InstanceRow<'_>) {}
    /// Whether to build narrated trace lines at all (they cost formatting).
    fn tracing(&self) -> bool {
        false
    }
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
