//! Integration tests: one binary, one module per area.

mod autoscaling;
mod cli;
mod commitments;
mod common;
mod compare;
mod core;
mod deploy;
mod failures;
mod hostile;
mod import;
mod invariants;
mod nothing_lost;
mod queueing;
mod report;
mod sweep;
mod trace;
