//! Integration tests: one binary, one module per area.

mod autoscaling;
mod cli;
mod common;
mod core;
mod failures;
mod queueing;
