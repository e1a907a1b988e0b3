//! `[cost_allocation]`: the points AWS's split cost allocation leaves open, each a setting
//! with AWS's choice (or the documented example's) as its default, and the capacity each
//! pool's instances offer the split.

use super::super::error::FieldError;
use super::super::file::{CostAllocationFile, CustomInstanceType, PoolFile};
use crate::catalog::PriceCatalog;
use crate::catalog::allocation::{
    AllocationSettings, AllocationSpec, CapacityBasis, MemoryUnit, PartialHours, RESOURCES,
};
use crate::model::PoolSpec;

/// Above this a vCPU would weigh more than a thousand GB: no pricing comes near it (AWS: 9).
const MAX_CPU_MEMORY_WEIGHT: f64 = 1000.0;

fn choice<T: Copy>(
    field: &str,
    value: Option<&str>,
    options: &[(&str, T)],
    default: T,
) -> Result<T, FieldError> {
    let Some(text) = value else {
        return Ok(default);
    };
    options
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            FieldError::new(
                format!("cost_allocation.{field}"),
                format!("unknown value \"{text}\""),
            )
            .allowed(names.join(", "))
        })
}

fn settings(file: &CostAllocationFile) -> Result<AllocationSettings, FieldError> {
    let default = AllocationSettings::default();
    let cpu_weight = match file.cpu_memory_weight {
        None => default.cpu_weight,
        Some(w) if w.is_finite() && w > 0.0 && w <= MAX_CPU_MEMORY_WEIGHT => w,
        Some(w) => {
            return Err(FieldError::new(
                "cost_allocation.cpu_memory_weight",
                format!("{w} is not allowed"),
            )
            .allowed(format!(
                "a number above 0, at most {MAX_CPU_MEMORY_WEIGHT}; default 9 (AWS's weight of a vCPU-hour against a GB-hour)"
            )));
        }
    };
    Ok(AllocationSettings {
        cpu_weight,
        capacity: choice(
            "capacity",
            file.capacity.as_deref(),
            &[
                ("nominal", CapacityBasis::Nominal),
                ("registered", CapacityBasis::Registered),
            ],
            default.capacity,
        )?,
        memory_unit: choice(
            "memory_unit",
            file.memory_unit.as_deref(),
            &[("GiB", MemoryUnit::Gib), ("GB", MemoryUnit::Gb)],
            default.memory_unit,
        )?,
        partial_hours: choice(
            "partial_hours",
            file.partial_hours.as_deref(),
            &[
                ("time_weighted", PartialHours::TimeWeighted),
                ("whole_hour", PartialHours::WholeHour),
            ],
            default.partial_hours,
        )?,
    })
}

/// The settings, and per pool what one instance offers: nominal (the catalog's or the
/// custom type's vCPU and memory) or registered (what the agent registers, after
/// `reserved_memory_mib`).
pub(super) fn build(
    file: &CostAllocationFile,
    pool_files: &[PoolFile],
    custom: &[CustomInstanceType],
    pools: &[PoolSpec],
    prices: &PriceCatalog,
) -> Result<AllocationSpec, FieldError> {
    let settings = settings(file)?;
    let mib = settings.memory_unit.mib();
    // Managed Instances providers' hidden pools come after the file's pools, with no line
    // of their own: their type's name is on the resolved pool.
    let pool_capacity = pools
        .iter()
        .enumerate()
        .map(|(i, pool)| {
            let t = &pool.instance_type;
            let type_name = pool_files
                .get(i)
                .map_or(t.name.as_str(), |p| p.instance_type.as_str());
            let registered = (f64::from(t.cpu_units) / 1024.0, f64::from(t.memory_mib));
            let nominal = if let Some(c) = custom.iter().find(|c| c.name == type_name) {
                (f64::from(c.vcpu), c.memory_gib * 1024.0)
            } else if let Some(c) = prices.instance(type_name) {
                (f64::from(c.vcpu), c.memory_mib as f64)
            } else {
                registered
            };
            let (vcpu, memory_mib) = match settings.capacity {
                CapacityBasis::Nominal => nominal,
                CapacityBasis::Registered => registered,
            };
            let capacity: [f64; RESOURCES] = [vcpu, memory_mib / mib, f64::from(t.gpus)];
            capacity
        })
        .collect();
    Ok(AllocationSpec {
        settings,
        pool_capacity,
    })
}
