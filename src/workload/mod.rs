//! Workload generators: when tasks arrive and how long they run. Pure samplers over a
//! stream the caller owns; each job stream has its own arrival and duration streams.

pub mod arrivals;
pub mod durations;

pub use arrivals::{ArrivalProcess, TracedTask};
pub use durations::DurationDist;
