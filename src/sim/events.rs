//! The simulation's events and their same-time order, [`EventClass`]: the one place an
//! event kind is given its place among the others at one instant.

use crate::engine::Event as EngineEvent;
use crate::model::{InstanceRef, JobId, ServiceId};

/// A task slot plus the generation it held when the event was scheduled, so an event for
/// a task that has since stopped (and whose slot was reused) is recognised and dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskRef {
    /// The task's slot in the task table.
    pub slot: u32,
    /// The slot's generation when the event was scheduled; it changes when the slot is reused.
    pub generation: u32,
}

/// Something due to happen at a simulated instant. Its place among the events due at the
/// same millisecond is its [`EventClass`] ([`Event::event_class`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The warm-up ends and the measured window opens.
    WindowStart,
    /// A RUNNING service task crashes.
    TaskCrash(TaskRef),
    /// An instance fails (its time to failure ran out); dropped if already gone. Events
    /// name an instance by [`InstanceRef`]: once a later launch takes its slot, they are
    /// recognised as stale and dropped.
    InstanceFailure(InstanceRef),
    /// An EC2 Spot instance gets its two-minute notice and starts draining.
    SpotNotice(InstanceRef),
    /// The notice ran out: the Spot instance is reclaimed.
    SpotReclaim(InstanceRef),
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
    /// A stage of a BLUE_GREEN, LINEAR or CANARY deployment ends (hooks answered, a bake
    /// or a step bake is over, or the 24-hour limit): (service, timer). A timer the
    /// deployment no longer waits for is dropped.
    DeploymentStage(ServiceId, u32),
    /// A task with a run time (a job's) reaches its end: its essential container exits.
    TaskExit(TaskRef),
    /// A launched EC2 instance registers with the cluster: its capacity appears.
    InstanceRegistered(InstanceRef),
    /// A task's image is pulled and its containers started: it reaches RUNNING.
    TaskRunning(TaskRef),
    /// A container restarted in place (`restartPolicy`) is up again.
    ContainerRestarted(TaskRef),
    /// A replacement of this service reached RUNNING: one of its draining tasks may stop.
    DrainDone(ServiceId),
    /// A task has waited `cluster.provisioning_timeout` since it was created: ECS stops it
    /// if it is still waiting for capacity.
    ProvisioningTimeout(TaskRef),
    /// A job stream's next task arrives (a RunTask call).
    JobArrival(JobId),
    /// A throttled service may launch again.
    ServiceRetry(ServiceId),
    /// A task left the PROVISIONING wait: services the limit held back launch again.
    ProvisioningSlotFree,
    /// A service's demand (or queue arrival) curve changes value.
    DemandChange(ServiceId),
    /// Once a minute: close metric minutes, evaluate scaling policies.
    ScalingTick,
    /// A Managed Instances provider's batching window ends: instances are chosen for the
    /// tasks waiting for it.
    ManagedBatch(u32),
    /// A Managed Instances instance's scale-in timer runs out (the timer's number, so a
    /// timer reset since is recognised and dropped).
    ManagedCheck(InstanceRef, u32),
    /// A task left a draining Managed Instances instance: drain on, or deregister it.
    ManagedDrainStep(InstanceRef),
    /// A Managed Instances drain reaches its hard deadline.
    ManagedDrainDeadline(InstanceRef),
    /// A Managed Instances instance is due for patching: it drains.
    ManagedRecycle(InstanceRef),
    /// A time-series sample is taken.
    Sample,
}

/// The same-time rule. Events due at one millisecond run in this order (then in the order
/// they were scheduled), so each class sees everything the earlier ones did:
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum EventClass {
    /// The measurement window opens before anything else at its instant, so the instant's
    /// events count.
    Window = 0,
    /// Losses and outside actions (crashes, hangs and failed health checks, instance
    /// failures, Spot notices and reclaims, AZ outages, scheduled actions, deployments
    /// starting): the state they leave is what everything after them reacts to.
    Failure = 1,
    /// Capacity frees: tasks exit, deregistrations end.
    Exit = 2,
    /// Capacity appears: instances register.
    Registration = 3,
    /// Tasks reach RUNNING, containers restarted in place are up again; a rollout or a
    /// Spot drain moves on because one did.
    Lifecycle = 4,
    /// A task's PROVISIONING wait runs out, after the instant's capacity was offered (a
    /// task whose capacity appears at its last instant is placed) and before new work (an
    /// arrival at that instant finds the place it leaves under the limit).
    Expiry = 5,
    /// New work: job arrivals and demand changes, which see all the capacity freed and
    /// added at their instant.
    Arrival = 6,
    /// Throttled service launches try again, and services the PROVISIONING limit held
    /// back, after the instant's arrivals have had their turn.
    Retry = 7,
    /// Scaling ticks decide on the instant's final state.
    Scaling = 8,
    /// Samples last, so a row shows the state after everything at its instant.
    Sample = 9,
}

impl Event {
    /// The event's place among the events due at the same millisecond.
    pub fn event_class(&self) -> EventClass {
        match self {
            Event::WindowStart => EventClass::Window,
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
            | Event::DeploymentStart(..)
            | Event::ManagedDrainDeadline(_)
            | Event::ManagedRecycle(_) => EventClass::Failure,
            Event::TaskExit(_) | Event::DeregistrationDone(_) => EventClass::Exit,
            Event::InstanceRegistered(_) => EventClass::Registration,
            Event::TaskRunning(_)
            | Event::ContainerRestarted(_)
            | Event::DrainDone(_)
            | Event::DeploymentStep(_)
            | Event::DeploymentStage(..)
            | Event::ManagedDrainStep(_) => EventClass::Lifecycle,
            Event::ProvisioningTimeout(_) => EventClass::Expiry,
            Event::JobArrival(_) | Event::DemandChange(_) => EventClass::Arrival,
            Event::ServiceRetry(_) | Event::ProvisioningSlotFree => EventClass::Retry,
            Event::ScalingTick | Event::ManagedBatch(_) | Event::ManagedCheck(..) => {
                EventClass::Scaling
            }
            Event::Sample => EventClass::Sample,
        }
    }
}

impl EngineEvent for Event {
    fn class(&self) -> u8 {
        self.event_class() as u8
    }
}
