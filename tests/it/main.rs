//! Integration tests: one binary, one module per area.

mod autoscaling;
mod cli;
mod common;
mod commitments;
mod compare;
mod core;
mod deploy;
mod failures;
mod queueing;
mod sweep;
