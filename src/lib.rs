//! ecsim: a discrete-event simulator of AWS ECS-style cluster scheduling and capacity.

pub mod stats;
pub mod query;
