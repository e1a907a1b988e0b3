//! ecsim: a discrete-event simulator of AWS ECS-style cluster scheduling and capacity.

pub mod query;
pub mod stats;
