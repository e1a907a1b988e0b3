//! Integration tests: one binary, one module per area.

mod autoscaling;
mod cli;
mod common;
mod compare;
mod core;
mod deploy;
mod failures;
mod queueing;
mod replay;
mod sweep;
mod teaching;
