//! The simulation's events and their same-time order.
//!
//! At one instant: the measurement window opens first, then failures, then task exits
//! (capacity frees), then instance registrations (capacity appears), then tasks reaching
//! RUNNING, then arrivals (which see all the capacity freed at that instant), then
//! placement retries, then scaling decisions, and samples last, so a sample shows the
//! state after everything that happened at its instant.

use crate::engine::Event as EngineEvent;
use crate::model::{InstanceId, JobId};

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
    TaskExit(TaskRef),
    InstanceRegistered(InstanceId),
    TaskRunning(TaskRef),
    JobArrival(JobId),
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
            Event::TaskExit(_) => class::EXIT,
            Event::InstanceRegistered(_) => class::REGISTRATION,
            Event::TaskRunning(_) => class::LIFECYCLE,
            Event::JobArrival(_) => class::ARRIVAL,
            Event::Sample => class::SAMPLE,
        }
    }
}
