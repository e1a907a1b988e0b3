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
//! - [`metrics`]: CloudWatch-like one-minute datapoints and M-of-N alarms.
//! - [`target_tracking`]: target tracking on a service metric, cooldowns, the combination
//!   of several policies, and [`Proposal`] / [`combine`] shared with the others.
//! - [`step_scaling`]: step adjustments on an alarm's breach size.
//! - [`scheduled`]: scheduled changes to min, max and desired capacity.
//! - [`queue_worker`]: a fluid FIFO message queue and the backlog-per-task metric.
//! - [`managed_scaling`]: CapacityProviderReservation, step sizes, warm-up, scale-in of
//!   empty instances.
//!
//! ## How the simulation drives these (integration plan)
//! The simulation owns all state that changes with events; these modules own only rules.
//!
//! 1. **Demand and utilization.** Each service with a demand curve keeps, per metric, a
//!    [`metrics::MinuteSeries`]. The sim feeds it a sample whenever utilization changes
//!    (demand breakpoint from [`demand::DemandCurve::next_change_after`], a task reaching
//!    RUNNING or STOPPED) in `TimeWeighted` mode, so each one-minute datapoint is the exact
//!    time average, with no per-second events. Daily cycles have no breakpoints, so they are
//!    sampled at the scaling tick (and optionally each second) instead. Overload
//!    task-seconds accumulate between those same change points from
//!    [`demand::overload_task_seconds`].
//! 2. **A SCALING-class tick every 60 s**: a new `Event::ScalingTick` mapped to the
//!    existing `sim::events::class::SCALING` (after placement retries, before samples in
//!    the same-time rule, so a tick sees the placements of its instant and the sample
//!    after it sees the tick's decisions). At each tick, in a fixed order (services
//!    by index, then capacity providers by index):
//!    - close the minute on every series ([`metrics::MinuteSeries::close_through`]);
//!    - apply scheduled actions due in (previous tick, now] ([`scheduled::Schedule::due`]),
//!      clamping desired to the new bounds;
//!    - evaluate each service's target-tracking and step policies on their datapoints,
//!      [`combine`] the proposals, clamp to [min, max] and, if the service is deploying,
//!      drop scale-in (ECS pauses scale-in during deployments);
//!    - apply a change by setting the service's desired count (the service scheduler then
//!      starts or stops tasks as it already does) and record it in the policy's
//!      [`target_tracking::CooldownState`];
//!    - for each managed capacity provider, build a [`managed_scaling::AsgView`] (instances
//!      with launch time and non-daemon task count, PROVISIONING task shapes) and apply its
//!      [`managed_scaling::AsgDecision`]: launch N instances (each registers after the
//!      existing `Timing::instance_launch`), or drain and terminate the named empty ones.
//! 3. **Queue workers** advance their [`queue_worker::FluidQueue`] to `now` at every event
//!    that changes the running count and at every tick; the backlog-per-task datapoint is
//!    fed to a target-tracking policy like any other metric.
//!
//! Status: integrated. `sim::scaling` implements this plan (tick, load tracking, queue
//! workers, managed scaling; scale-in stops unplaced tasks first, then not-yet-RUNNING,
//! then the newest); `scenario::scaling` builds the scenario fields; the timeseries and
//! summary carry the outputs; `tests/it/autoscaling.rs` checks them end to end.
//!
//! Integration points as originally planned: an `Event::ScalingTick` variant and its
//! handler (`sim::events`, `sim::mod`); per-service scaling state in the sim's service records (series, cooldown
//! state, queue); a mutable desired count on running services and a way to set the desired
//! size of a pool (launch / drain+terminate) in `sim::lifecycle`; scenario file types
//! (`[services.x.demand]`, `[services.x.autoscaling]`, `[capacity_providers.x.managed_scaling]`,
//! `[services.x.queue]`) and their validation in `scenario`; new columns and summary keys in
//! `metrics`/`report`.

pub mod demand;
pub mod managed_scaling;
pub mod metrics;
pub mod queue_worker;
pub mod scheduled;
pub mod step_scaling;
pub mod target_tracking;

pub use target_tracking::{Proposal, combine};
