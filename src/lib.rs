//! # ecsim
//!
//! A discrete-event simulator of AWS ECS-style cluster scheduling and capacity.
//!
//! ## The model
//! A simulated clock (integer milliseconds, [`time::SimTime`]) drives task arrivals from
//! services and job streams against EC2 instance pools and Fargate. Placement follows ECS:
//! resources, then constraints, then strategies in order ([`placement`]). Tasks go through
//! PROVISIONING, PENDING and RUNNING with startup latency built from its parts (ENI attach,
//! image pull, container start), and are billed as AWS bills ([`catalog`]).
//!
//! ## Layers, lowest first
//! `time`, `rng`, `stats`, `query`, `catalog`, `workload` → `engine` → `model` →
//! `placement` → `metrics` → `sim` → `scenario`, `report`, `cli`. A layer uses only those
//! below it: the engine never sees ECS, and only `scenario`, `report` and the binary touch
//! files.
//!
//! ## Same-time rule
//! Events due at the same millisecond run by class: window start, failures, task exits,
//! instance registrations, tasks reaching RUNNING, arrivals, placement retries, scaling,
//! samples; within a class, in scheduling order (see [`sim::events`]).
//!
//! ## Randomness
//! One master seed per run, split into a stream per random source ([`rng`]), so changing a
//! strategy or the cluster never changes the sampled workload.
//!
//! ## Deliberately left out
//! Container-level (as opposed to task-level) reservations (GPUs are reserved per task,
//! the containers' sum), accelerators other than GPUs, and the ECS
//! API's rate limits other than Fargate's concurrent-task quota. Of the failure model
//! ([`sim`]'s `failures`): hung tasks and health checks, load-balancer deregistration delay,
//! DAEMON services, rolling deployments and the circuit breaker, and ASG AZ rebalancing
//! after an AZ outage ends.

// Nested `if let` reads more plainly here than let-chains, and a scenario error is built
// once per run, so its size is irrelevant.
#![allow(clippy::collapsible_if, clippy::result_large_err)]

pub mod calendar;
pub mod catalog;
pub mod charts;
// The command-line front end: used by the `ecsim` binary, not part of the library API.
#[doc(hidden)]
pub mod cli;
pub mod compare;
pub mod engine;
pub mod import;
pub mod interrupt;
pub mod metrics;
pub mod model;
pub mod outputs;
pub mod placement;
pub mod query;
pub mod report;
pub mod report_html;
pub mod rng;
pub mod scaling;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod sweep;
pub mod time;
pub mod workload;
