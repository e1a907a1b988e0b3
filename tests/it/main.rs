//! Integration tests: one binary, one module per area.

mod autoscaling;
mod cli;
mod commitments;
mod common;
mod compare;
mod core;
mod deploy;
mod failures;
mod import;
mod queueing;
mod sweep;
mod trace;
