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
mod replay;
mod report;
mod sweep;
mod teaching;
mod trace;
