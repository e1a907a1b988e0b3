//! An ECS Managed Instances capacity provider, resolved: the instance types its
//! `instanceRequirements` allow (each the type of one hidden pool of the cluster, cheapest
//! capacity first), its subnets, capacity option and infrastructure optimization, and the
//! settings where AWS publishes no figure (`scenarios/README.md`, modeling choices).

use super::ids::{AzId, PoolId};
use crate::time::SimDuration;

/// `infrastructureOptimization.scaleInAfter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScaleInAfter {
    /// `-1`: idle and underutilized instances are kept.
    Off,
    /// Unset (ECS's own heuristic, whose timing AWS does not publish) or `0`–`3600` s.
    After(SimDuration),
}

/// One allowed instance type: its pool and what an instance of it costs per hour.
#[derive(Clone, Debug, PartialEq)]
pub struct ManagedType {
    /// The hidden pool that holds the provider's instances of this type.
    pub pool: PoolId,
    /// EC2 rate, $ per hour: On-Demand, or the Spot price for a SPOT provider.
    pub ec2_per_hour: f64,
    /// The Managed Instances management fee, $ per instance-hour.
    pub fee_per_hour: f64,
}

impl ManagedType {
    /// What ECS picks instance types by: the instance price plus the fee.
    pub fn hourly_cost(&self) -> f64 {
        crate::catalog::managed_fees::managed_instance_hourly_cost(
            self.ec2_per_hour,
            self.fee_per_hour,
        )
    }
}

/// A Managed Instances capacity provider.
#[derive(Clone, Debug)]
pub struct ManagedProviderSpec {
    /// The capacity provider's name in the scenario.
    pub name: String,
    /// Allowed types, cheapest capacity first (price plus fee, then name).
    pub types: Vec<ManagedType>,
    /// The AZs of its subnets.
    pub azs: Vec<AzId>,
    /// `capacityOptionType = "SPOT"`.
    pub spot: bool,
    /// `scaleInAfter`: how long an idle instance waits before ECS stops it.
    pub scale_in_after: ScaleInAfter,
    /// How long ECS gathers waiting tasks before it picks instances for them (INFERRED).
    pub batch_window: SimDuration,
    /// From an instance's launch to its registration as ACTIVE.
    pub launch_time: SimDuration,
    /// Draining's hard deadline: what is still on the instance then is stopped (7 days).
    pub drain_deadline: SimDuration,
    /// Instances start draining this long after launch (patching, 14 days), `None` never.
    pub recycle_after: Option<SimDuration>,
}

impl ManagedProviderSpec {
    /// The allowed type whose pool is `pool`, if it is one of this provider's.
    pub fn type_of(&self, pool: PoolId) -> Option<&ManagedType> {
        self.types.iter().find(|t| t.pool == pool)
    }
}
