//! Integration tests: one binary, one module per area.

mod autoscaling;
mod cli;
mod cloudwatch;
mod commitments;
mod common;
mod compare;
mod core;
mod deploy;
mod failures;
mod golden;
mod gpu;
mod hostile;
mod import;
mod invariants;
mod layers;
mod nothing_lost;
mod outputs;
mod pinned;
mod provisioning;
mod queueing;
mod replay;
mod report;
mod sweep;
mod task_sample;
mod teaching;
mod trace;
