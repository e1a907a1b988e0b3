//! Scaling policies: service auto scaling (Application Auto Scaling) and cluster auto
//! scaling (ECS managed scaling of Auto Scaling group capacity providers).
//!
//! Every policy here is a pure decision over a read-only view, one file each, as placement
//! strategies are: given plain numbers (datapoints, counts, shapes, times) and the policy's
//! own small state (cooldown stamps), it returns a value saying what to change. Nothing here
//! touches the simulation, files or randomness, so each rule is unit-tested on hand-worked
//! cases.
//!
//! ## Code map
//! - [`demand`]: demand curves in CPU units over time, and the per-task CPU utilization and
//!   overload that follow from demand, running tasks and task CPU.
//! - [`metrics`]: CloudWatch-like one-minute (or 20-second) datapoints and M-of-N alarms.
//! - [`target_tracking`]: target tracking on a service metric, cooldowns, the combination
//!   of several policies, and [`Proposal`] / [`combine`] shared with the others.
//! - [`step_scaling`]: step adjustments on an alarm's breach size.
//! - [`scheduled`]: scheduled changes to min, max and desired capacity.
//! - [`predictive`]: predictive scaling (forecast timing, capacity from a forecast, the
//!   maximum rule, the breach behaviours) over [`forecast`]'s pluggable forecasters.
//! - [`queue_worker`]: a fluid FIFO message queue and the backlog-per-task metric.
//! - [`managed_scaling`]: CapacityProviderReservation, step sizes, warm-up, scale-in of
//!   empty instances.
//!
//! ## How the simulation drives these
//! The simulation owns all state that changes with events; these modules own only rules,
//! and import nothing of the model (they sit below it; see ARCHITECTURE.md).
//!
//! - **Load** (`sim/autoscaling.rs`): each service with a demand curve or queue keeps its
//!   level and running count as of its last update, made when one of its tasks reaches
//!   RUNNING or stops, when a piecewise-constant curve changes (`Event::DemandChange`) and
//!   at every tick; each update feeds a time-weighted [`metrics::MinuteSeries`], so a
//!   one-minute datapoint is the exact time average, and accumulates overload
//!   ([`demand::overload_task_seconds`]) and queue consumption ([`queue_worker`]).
//! - **The tick** (`Event::ScalingTick`, class `Scaling`, every 60 s, or every 20 s when a
//!   service has high-resolution metrics: after placement retries and before samples at
//!   its instant): close every series' period, apply scheduled actions due
//!   ([`scheduled`]), record an hour and forecast when due (`sim/predictive.rs`), evaluate
//!   each service's target-tracking and step policies, [`combine`] them, take the larger of
//!   that and the forecast in force ([`predictive::with_forecast`]), clamp to [min, max]
//!   (no scale-in while deploying), and set the desired count through the service
//!   scheduler (`sim/service.rs`).
//! - **Managed scaling** (`sim/capacity.rs`): per capacity provider, an
//!   [`managed_scaling::AsgView`] (instances, PROVISIONING task shapes, instance
//!   [`managed_scaling::InstanceShape`]) goes in and an [`managed_scaling::AsgDecision`]
//!   comes out: launch N instances (ACTIVE after `timing.instance_launch`) or drain and
//!   terminate the named empty ones.
//!
//! `tests/it/autoscaling.rs` checks all of it end to end.

pub mod demand;
pub mod forecast;
pub mod managed_scaling;
pub mod metrics;
pub mod predictive;
pub mod queue_worker;
pub mod scheduled;
pub mod step_scaling;
pub mod target_tracking;

pub use target_tracking::{Proposal, combine};
