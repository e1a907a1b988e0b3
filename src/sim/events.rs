//! The simulation's events and their same-time order.
//!
//! At one instant: the measurement window opens first, then failures (crashes, instance
//! failures, Spot notices and reclaims, AZ outages, scheduled actions), then task exits
//! (capacity frees), then instance registrations (capacity appears), then tasks reaching
//! RUNNING, then arrivals (which see all the capacity freed at that instant), then
//! placement retries, then scaling decisions, and samples last, so a sample shows the
//! state after everything that happened at its instant.

use crate::engine::Event as EngineEvent;
use crate::model::{InstanceId, JobId, ServiceId};

/// A task slot plus the generation it held when the event was scheduled, so an event for
/// a task that has since stopped (and whose slot was reused) is recognised and dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskRef {
    pub slot: u32,
    pub generation: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    WindowStart,
    /// A RUNNING service task crashes.
    TaskCrash(TaskRef),
    /// An instance fails (its time to failure ran out); dropped if already gone.
    InstanceFailure(InstanceId),
    /// An EC2 Spot instance gets its two-minute notice and starts draining.
    SpotNotice(InstanceId),
    /// The notice ran out: the Spot instance is reclaimed.
    SpotReclaim(InstanceId),
    /// A FARGATE_SPOT task gets its notice.
    TaskSpotNotice(TaskRef),
    /// A FARGATE_SPOT task's notice ran out.
    TaskSpotReclaim(TaskRef),
    /// `failures.az_outages[i]` begins.
    AzOutageStart(u32),
    /// `failures.az_outages[i]` ends.
    AzOutageEnd(u32),
    /// `failures.events[i]` happens.
    Scheduled(u32),
    /// A RUNNING service task hangs (stops answering health checks).
    TaskHung(TaskRef),
    /// A hung task's health checks have failed `retries` times: it is stopped.
    HealthCheckFailed(TaskRef),
    /// A task the scheduler stopped has been deregistered from its load balancer.
    DeregistrationDone(TaskRef),
    /// `services[s].deployments[i]` starts: (service, i).
    DeploymentStart(ServiceId, u32),
    /// A task of a service under deployment changed state: the rollout may move on.
    DeploymentStep(ServiceId),
    TaskExit(TaskRef),
    InstanceRegistered(InstanceId),
    TaskRunning(TaskRef),
    /// A replacement of this service reached RUNNING: one of its draining tasks may stop.
    DrainDone(ServiceId),
    JobArrival(JobId),
    /// A throttled service may launch again.
    ServiceRetry(ServiceId),
    /// A service's demand (or queue arrival) curve changes value.
    DemandChange(ServiceId),
    /// Once a minute: close metric minutes, evaluate scaling policies.
    ScalingTick,
    Sample,
}

pub mod class {
    pub const WINDOW: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const EXIT: u8 = 2;
    pub const REGISTRATION: u8 = 3;
    pub const LIFECYCLE: u8 = 4;
    pub const ARRIVAL: u8 = 5;
    pub const RETRY: u8 = 6;
    pub const SCALING: u8 = 7;
    pub const SAMPLE: u8 = 8;
}

impl EngineEvent for Event {
    fn class(&self) -> u8 {
        match self {
            Event::WindowStart => class::WINDOW,
            Event::TaskCrash(_)
            | Event::InstanceFailure(_)
            | Event::SpotNotice(_)
            | Event::SpotReclaim(_)
            | Event::TaskSpotNotice(_)
            | Event::TaskSpotReclaim(_)
            | Event::AzOutageStart(_)
            | Event::AzOutageEnd(_)
            | Event::Scheduled(_)
            | Event::TaskHung(_)
            | Event::HealthCheckFailed(_)
            | Event::DeploymentStart(..) => class::FAILURE,
            Event::DeregistrationDone(_) => class::EXIT,
            Event::DrainDone(_) | Event::DeploymentStep(_) => class::LIFECYCLE,
            Event::ServiceRetry(_) => class::RETRY,
            Event::TaskExit(_) => class::EXIT,
            Event::InstanceRegistered(_) => class::REGISTRATION,
            Event::TaskRunning(_) => class::LIFECYCLE,
            Event::JobArrival(_) | Event::DemandChange(_) => class::ARRIVAL,
            Event::ScalingTick => class::SCALING,
            Event::Sample => class::SAMPLE,
        }
    }
}
