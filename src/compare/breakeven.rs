//! Break-even utilization: for a task size and an instance type, the share of the
//! instance's task slots that must be busy, on average, for EC2 to cost less per task-hour
//! than Fargate.
//!
//! An instance holding `n` such tasks when full costs `price / n` per task-hour at full
//! packing and `price / (n × u)` at slot utilization `u`. Fargate costs `F` per task-hour at
//! the rounded size. EC2 is cheaper when `price / (n × u) < F`, i.e. `u > price / (n × F)`.
//! Above 1 EC2 never wins, even packed full.

use crate::catalog::{self, FargateRates};
use crate::model::{InstanceTypeSpec, SimConfig, TaskDef};
use serde::Serialize;

/// What the arithmetic assumes, printed with every break-even table.
pub const ASSUMPTIONS: [&str; 4] = [
    "On-Demand prices on both sides (no Spot, Savings Plans or Reserved Instances)",
    "per-second billing with no minimums: long-running tasks and instances",
    "Fargate billed at the task's rounded size; EC2 slots = min(CPU, memory, ENI for awsvpc) limits of the registered capacity",
    "utilization = share of the instance's task slots occupied on average",
];

/// One task size on one instance type: what a task-hour costs each way, and the slot
/// utilization at which they cost the same.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BreakEvenRow {
    /// The task definition's family.
    pub task_definition: String,
    /// The task's CPU units as defined.
    pub cpu: u32,
    /// The task's memory as defined, MiB.
    pub memory_mib: u32,
    /// CPU units Fargate bills: the smallest Fargate size that holds the task.
    pub fargate_cpu: u32,
    /// Memory Fargate bills, MiB, at that size.
    pub fargate_memory_mib: u32,
    /// On-Demand Fargate price of one task at that size, USD per hour.
    pub fargate_per_task_hour_usd: f64,
    /// The EC2 type (or the Managed Instances provider's cheapest type when full).
    pub instance_type: String,
    /// On-Demand price of one instance, USD per hour (with the management fee on Managed
    /// Instances).
    pub instance_per_hour_usd: f64,
    /// How many such tasks one instance holds; 0 if none fits.
    pub tasks_per_instance: u32,
    /// Which limit sets `tasks_per_instance`: "cpu", "memory" or "eni".
    pub binding_limit: &'static str,
    /// EC2 $/task-hour with every slot busy.
    pub ec2_per_task_hour_full_usd: Option<f64>,
    /// Slot utilization above which EC2 is cheaper; above 1.0 means never.
    pub break_even_utilization: Option<f64>,
}

/// The break-even view of a comparison: its rows and the simplifications they rest on.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BreakEven {
    /// The simplifications behind every row, as sentences ([`ASSUMPTIONS`]).
    pub assumptions: Vec<&'static str>,
    /// One per (task definition, instance type) pair.
    pub rows: Vec<BreakEvenRow>,
}

/// One row per (task definition the workload uses, distinct instance type of the pools),
/// then per (task definition, Managed Instances provider): the provider's type that runs
/// the task cheapest when full, priced with its management fee.
pub fn break_even(config: &SimConfig) -> BreakEven {
    let mut defs: Vec<usize> = config
        .services
        .iter()
        .map(|s| s.task_def.index())
        .chain(config.jobs.iter().map(|j| j.task_def.index()))
        .collect();
    defs.sort_unstable();
    defs.dedup();
    let mut types: Vec<&InstanceTypeSpec> = Vec::new();
    let hidden = |p: usize| {
        config
            .managed_instances
            .iter()
            .any(|m| m.type_of(crate::model::PoolId(p as u32)).is_some())
    };
    for (i, p) in config.pools.iter().enumerate() {
        if !hidden(i) && !types.iter().any(|t| t.name == p.instance_type.name) {
            types.push(&p.instance_type);
        }
    }
    let mut rows = Vec::new();
    for &d in &defs {
        for t in &types {
            if let Some(row) = row(
                &config.task_defs[d],
                &t.name,
                t.cpu_units,
                t.memory_mib,
                t.awsvpc_task_limit,
                t.price_per_hour,
                &config.fargate.rates,
            ) {
                rows.push(row);
            }
        }
    }
    for &d in &defs {
        for provider in &config.managed_instances {
            let best = provider
                .types
                .iter()
                .filter_map(|mt| {
                    let t = &config.pools[mt.pool.index()].instance_type;
                    let def = &config.task_defs[d];
                    // A task runs on its own architecture (x86_64 unless it says ARM64).
                    let arm = def.platform == crate::catalog::FargatePlatform::LinuxArm;
                    if (t.arch == "arm64") != arm {
                        return None;
                    }
                    row(
                        &config.task_defs[d],
                        &format!("{} (Managed Instances {})", t.name, provider.name),
                        t.cpu_units,
                        t.memory_mib,
                        t.awsvpc_task_limit,
                        mt.hourly_cost(),
                        &config.fargate.rates,
                    )
                })
                .filter(|r| r.ec2_per_task_hour_full_usd.is_some())
                .min_by(|a, b| {
                    let cost = |r: &BreakEvenRow| r.ec2_per_task_hour_full_usd.unwrap_or(f64::MAX);
                    cost(a).total_cmp(&cost(b))
                });
            rows.extend(best);
        }
    }
    BreakEven {
        assumptions: ASSUMPTIONS.to_vec(),
        rows,
    }
}

/// [`break_even`] of the scenario, with the Managed Instances rows of the legs among
/// `legs` that move the workload onto a provider (`managed-instances` and its Spot form
/// price the same types On-Demand here, so one of them suffices).
pub fn break_even_with_legs(config: &SimConfig, legs: &[super::Leg]) -> BreakEven {
    let mut be = break_even(config);
    let managed = legs.iter().any(|l| {
        matches!(
            l,
            super::Leg::ManagedInstances | super::Leg::ManagedInstancesSpot
        )
    });
    if managed
        && config.managed_instances.is_empty()
        && let Ok(leg) = super::apply_leg(config, super::Leg::ManagedInstances)
    {
        let rows = break_even(&leg.config).rows;
        be.rows.extend(
            rows.into_iter()
                .filter(|r| r.instance_type.contains("(Managed Instances")),
        );
    }
    be
}

/// One break-even row; `None` if the task has no valid Fargate size, or needs GPUs (Fargate
/// has none, so there is nothing to break even with).
pub fn row(
    def: &TaskDef,
    instance_type: &str,
    cpu_units: u32,
    memory_mib: u32,
    awsvpc_limit: u32,
    price_per_hour: f64,
    rates: &FargateRates,
) -> Option<BreakEvenRow> {
    if def.gpu > 0 {
        return None;
    }
    let size = catalog::round_fargate(def.cpu, def.memory, def.platform.os()).ok()?;
    // One hour, no minimum reached: the Fargate hourly price at the rounded size.
    let fargate = catalog::fargate_task_cost(size, def.platform, 3_600_000, rates, false, 0);
    let mut limits = vec![
        ("cpu", cpu_units / def.cpu.max(1)),
        ("memory", memory_mib / def.memory.max(1)),
    ];
    if def.uses_eni() {
        limits.push(("eni", awsvpc_limit));
    }
    // The first smallest limit names the binding resource.
    let (binding_limit, n) = limits
        .iter()
        .copied()
        .fold(limits[0], |best, l| if l.1 < best.1 { l } else { best });
    let full = (n > 0).then(|| price_per_hour / f64::from(n));
    Some(BreakEvenRow {
        task_definition: def.family.clone(),
        cpu: def.cpu,
        memory_mib: def.memory,
        fargate_cpu: size.cpu_units,
        fargate_memory_mib: size.memory_mib,
        fargate_per_task_hour_usd: fargate,
        instance_type: instance_type.to_string(),
        instance_per_hour_usd: price_per_hour,
        tasks_per_instance: n,
        binding_limit,
        ec2_per_task_hour_full_usd: full,
        break_even_utilization: full.map(|f| f / fargate),
    })
}
