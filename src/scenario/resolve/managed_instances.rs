//! `[[managed_instances]]`: ECS Managed Instances capacity providers. Each becomes one
//! hidden pool per instance type its `instanceRequirements` allow (the cluster keeps one
//! type per pool), named `<provider>/<type>`, empty at the start; the provider launches
//! into them (`sim/managed_instances/`).

use super::super::error::FieldError;
use super::super::file::*;
use super::workload::duration;
use crate::catalog::PriceCatalog;
use crate::catalog::instance_requirements::{Inclusion, InstanceRequirements, Range};
use crate::catalog::managed_fees::management_fee_per_hour;
use crate::model::{
    InstanceTypeSpec, ManagedProviderSpec, ManagedType, PoolId, PoolSpec, ScaleInAfter,
};
use crate::time::SimDuration;

/// Defaults where AWS publishes no figure (`scenarios/README.md`, modeling choices).
pub const DEFAULT_SCALE_IN_AFTER: SimDuration = SimDuration(5 * 60 * 1000);
pub const DEFAULT_BATCH_WINDOW: SimDuration = SimDuration(5 * 1000);
/// One published measurement: about 40 s from no instance to a running task (3P), less a
/// typical image pull and container start.
pub const DEFAULT_LAUNCH_TIME: SimDuration = SimDuration(30 * 1000);
pub const DEFAULT_RECYCLE_AFTER: SimDuration = SimDuration(14 * 24 * 3600 * 1000);
pub const DEFAULT_DRAIN_DEADLINE: SimDuration = SimDuration(7 * 24 * 3600 * 1000);

/// The providers, appending their hidden pools to `pools` (after the scenario's own).
pub(super) fn providers(
    file: &[ManagedInstancesFile],
    azs: &[String],
    pools: &mut Vec<PoolSpec>,
    prices: &PriceCatalog,
) -> Result<Vec<ManagedProviderSpec>, FieldError> {
    let mut out: Vec<ManagedProviderSpec> = Vec::new();
    for (i, m) in file.iter().enumerate() {
        let at = format!("managed_instances[{i}]");
        let taken = pools.iter().any(|p| p.name == m.name)
            || out.iter().any(|o| o.name == m.name)
            || matches!(m.name.as_str(), "FARGATE" | "FARGATE_SPOT");
        if taken {
            return Err(FieldError::new(
                format!("{at}.name"),
                format!("capacity provider `{}` is defined twice", m.name),
            )
            .allowed("a name no pool, other provider, FARGATE or FARGATE_SPOT has"));
        }
        if m.name.is_empty() || m.name.contains('/') {
            return Err(FieldError::new(
                format!("{at}.name"),
                format!("\"{}\" cannot name a capacity provider", m.name),
            )
            .allowed("a non-empty name without /"));
        }
        out.push(provider(&at, m, azs, pools, prices)?);
    }
    Ok(out)
}

/// A Managed Instances provider named `name` with every setting at ECS's default (general
/// purpose types, `scaleInAfter` unset), `capacityOptionType` SPOT or ON_DEMAND, over all
/// of `azs`; its hidden pools are appended to `pools`. For `ecsim compare`'s legs.
pub fn default_provider(
    name: &str,
    spot: bool,
    azs: &[String],
    pools: &mut Vec<PoolSpec>,
    prices: &PriceCatalog,
) -> Result<ManagedProviderSpec, FieldError> {
    let file = ManagedInstancesFile {
        name: name.to_string(),
        availability_zones: None,
        capacity_option_type: Some(if spot { "SPOT" } else { "ON_DEMAND" }.into()),
        scale_in_after: None,
        instance_requirements: None,
        default_scale_in_after: None,
        batch_window: None,
        launch_time: None,
        recycle_after: None,
        drain_deadline: None,
        spot_interruption: None,
    };
    provider(name, &file, azs, pools, prices)
}

fn provider(
    at: &str,
    m: &ManagedInstancesFile,
    azs: &[String],
    pools: &mut Vec<PoolSpec>,
    prices: &PriceCatalog,
) -> Result<ManagedProviderSpec, FieldError> {
    let spot = match m.capacity_option_type.as_deref() {
        None | Some("ON_DEMAND") => false,
        Some("SPOT") => true,
        Some(other) => {
            return Err(FieldError::new(
                format!("{at}.capacityOptionType"),
                format!("unknown capacity option `{other}`"),
            )
            .allowed("ON_DEMAND, SPOT"));
        }
    };
    if m.spot_interruption.is_some() && !spot {
        return Err(FieldError::new(
            format!("{at}.spot_interruption"),
            "only a SPOT provider's instances are interrupted",
        )
        .allowed("capacityOptionType = \"SPOT\", or remove spot_interruption"));
    }
    let scale_in_after = match m.scale_in_after {
        Some(-1) => ScaleInAfter::Off,
        Some(s) if (0..=3600).contains(&s) => ScaleInAfter::After(SimDuration::from_secs(s as u64)),
        Some(s) => {
            return Err(FieldError::new(
                format!("{at}.scaleInAfter"),
                format!("{s} is out of range"),
            )
            .allowed("-1 (off), or 0 to 3600 seconds; unset for ECS's own timing"));
        }
        None => ScaleInAfter::After(
            m.default_scale_in_after
                .map_or(DEFAULT_SCALE_IN_AFTER, |d| d.0),
        ),
    };
    let provider_azs = super::cluster::listed_azs(
        m.availability_zones.as_deref(),
        azs,
        at,
        "needs at least one AZ (a subnet)",
    )?;
    let requirements = match &m.instance_requirements {
        None => InstanceRequirements::general_purpose(),
        Some(r) => requirements(&format!("{at}.instanceRequirements"), r, spot)?,
    };
    let chosen = requirements.select(prices.instances());
    if chosen.is_empty() {
        return Err(FieldError::new(
            format!("{at}.instanceRequirements"),
            "no instance type in the catalog has every attribute asked for",
        )
        .allowed(format!(
            "requirements some catalog type meets; the catalog's families: {}",
            families(prices).join(", ")
        )));
    }
    let positive =
        |field: &str, d: Option<crate::scenario::duration::DurationText>, default: SimDuration| {
            let d = d.map_or(default, |d| d.0);
            if d == SimDuration::ZERO {
                Err(FieldError::new(
                    format!("{at}.{field}"),
                    "must be longer than zero",
                ))
            } else {
                Ok(d)
            }
        };
    let batch_window = m.batch_window.map_or(DEFAULT_BATCH_WINDOW, |d| d.0);
    let launch_time = m.launch_time.map_or(DEFAULT_LAUNCH_TIME, |d| d.0);
    let drain_deadline = positive("drain_deadline", m.drain_deadline, DEFAULT_DRAIN_DEADLINE)?;
    let recycle_after = match m.recycle_after {
        None => Some(DEFAULT_RECYCLE_AFTER),
        Some(crate::scenario::duration::DurationOrNone::None) => None,
        Some(crate::scenario::duration::DurationOrNone::After(d)) if d.0 == SimDuration::ZERO => {
            return Err(FieldError::new(
                format!("{at}.recycle_after"),
                "0s would drain every instance as it launches",
            )
            .allowed("a positive duration such as \"14d\", or \"none\"; default \"14d\""));
        }
        Some(crate::scenario::duration::DurationOrNone::After(d)) => Some(d.0),
    };
    let spot_interruption = m
        .spot_interruption
        .as_ref()
        .map(|d| duration(&format!("{at}.spot_interruption"), d))
        .transpose()?;
    let mut types = Vec::with_capacity(chosen.len());
    for t in chosen {
        // Managed Instances turn ENI trunking on where the type supports it (VIA-SAMPLE).
        let spec = InstanceTypeSpec::from_catalog(t, 0, prices.ec2.os_memory_fraction, true);
        let pool = PoolId(pools.len() as u32);
        let on_demand = spec.price_per_hour;
        let (fee, _) = management_fee_per_hour(&t.name, on_demand);
        let ec2 = if spot {
            on_demand * (1.0 - prices.ec2.spot_discount)
        } else {
            on_demand
        };
        pools.push(PoolSpec {
            name: format!("{}/{}", m.name, t.name),
            instance_type: spec,
            count: 0,
            azs: provider_azs.clone(),
            attributes: Vec::new(),
            spot,
            os_type: "linux",
            reserved_ports: crate::model::AGENT_RESERVED_PORTS.to_vec(),
            // A Spot notice drains a Managed Instances instance (ecs-current.md §1.1).
            spot_instance_draining: true,
            managed_draining: true,
            instance_failure: None,
            spot_interruption: spot_interruption.clone(),
            managed_scaling: None,
        });
        types.push(ManagedType {
            pool,
            ec2_per_hour: ec2,
            fee_per_hour: fee,
        });
    }
    types.sort_by(|a, b| {
        a.hourly_cost()
            .total_cmp(&b.hourly_cost())
            .then_with(|| pools[a.pool.index()].name.cmp(&pools[b.pool.index()].name))
    });
    Ok(ManagedProviderSpec {
        name: m.name.clone(),
        types,
        azs: provider_azs,
        spot,
        scale_in_after,
        batch_window,
        launch_time,
        drain_deadline,
        recycle_after,
    })
}

/// The catalog's instance families (`m7g` of `m7g.large`), each once, in catalog order.
fn families(prices: &PriceCatalog) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for name in prices.instance_names() {
        let family = name.split('.').next().unwrap_or(name);
        if !out.contains(&family) {
            out.push(family);
        }
    }
    out
}

fn range(at: &str, r: Option<RangeFile>) -> Result<Range, FieldError> {
    let Some(r) = r else {
        return Ok(Range::default());
    };
    for (side, v) in [("min", r.min), ("max", r.max)] {
        if let Some(v) = v
            && !(v.is_finite() && v >= 0.0)
        {
            return Err(
                FieldError::new(format!("{at}.{side}"), format!("{v} is not allowed"))
                    .allowed("a number ≥ 0"),
            );
        }
    }
    if let (Some(lo), Some(hi)) = (r.min, r.max)
        && lo > hi
    {
        return Err(
            FieldError::new(format!("{at}.max"), format!("{hi} is below min {lo}"))
                .allowed(format!("at least {lo}")),
        );
    }
    Ok(Range {
        min: r.min,
        max: r.max,
    })
}

fn requirements(
    at: &str,
    r: &InstanceRequirementsFile,
    spot: bool,
) -> Result<InstanceRequirements, FieldError> {
    // ECS requires both ranges (the API marks vCpuCount and memoryMiB required).
    if r.v_cpu_count.is_none_or(|v| v.min.is_none()) {
        return Err(FieldError::new(
            format!("{at}.vCpuCount"),
            "ECS requires vCpuCount with a min",
        )
        .allowed("vCpuCount = { min = 1 }, with an optional max"));
    }
    if r.memory_mib.is_none_or(|v| v.min.is_none()) {
        return Err(FieldError::new(
            format!("{at}.memoryMiB"),
            "ECS requires memoryMiB with a min",
        )
        .allowed("memoryMiB = { min = 1024 }, with an optional max"));
    }
    let list = |field: &str, v: &Option<Vec<String>>, allowed: &[&str]| {
        let v = v.clone().unwrap_or_default();
        for (k, item) in v.iter().enumerate() {
            if !allowed.is_empty() && !allowed.contains(&item.as_str()) {
                return Err(FieldError::new(
                    format!("{at}.{field}[{k}]"),
                    format!("unknown value `{item}`"),
                )
                .allowed(allowed.join(", ")));
            }
            if allowed.is_empty() && (item.is_empty() || item.contains(char::is_whitespace)) {
                return Err(FieldError::new(
                    format!("{at}.{field}[{k}]"),
                    format!("\"{item}\" is not an instance type or pattern"),
                )
                .allowed("a type such as \"m7g.large\" or a pattern such as \"r7a.*\""));
            }
        }
        Ok(v)
    };
    let allowed = list("allowedInstanceTypes", &r.allowed_instance_types, &[])?;
    let excluded = list("excludedInstanceTypes", &r.excluded_instance_types, &[])?;
    if !allowed.is_empty() && !excluded.is_empty() {
        return Err(FieldError::new(
            format!("{at}.excludedInstanceTypes"),
            "allowedInstanceTypes and excludedInstanceTypes cannot both be given, as in EC2",
        ));
    }
    let burstable = match r.burstable_performance.as_deref() {
        None | Some("excluded") => Inclusion::Excluded,
        Some("included") => Inclusion::Included,
        Some("required") => Inclusion::Required,
        Some(other) => {
            return Err(FieldError::new(
                format!("{at}.burstablePerformance"),
                format!("unknown value `{other}`"),
            )
            .allowed("included, excluded, required"));
        }
    };
    let accelerators = match r.accelerator_count {
        // Accelerated types only when asked for (INFERRED: ECS's default selection is
        // general purpose).
        None => Range {
            min: None,
            max: Some(0.0),
        },
        Some(_) => range(&format!("{at}.acceleratorCount"), r.accelerator_count)?,
    };
    let price = if spot {
        r.spot_max_price_percentage_over_lowest_price
    } else {
        r.on_demand_max_price_percentage_over_lowest_price
    };
    Ok(InstanceRequirements {
        vcpu: range(&format!("{at}.vCpuCount"), r.v_cpu_count)?,
        memory_mib: range(&format!("{at}.memoryMiB"), r.memory_mib)?,
        memory_gib_per_vcpu: range(&format!("{at}.memoryGiBPerVCpu"), r.memory_gib_per_vcpu)?,
        cpu_manufacturers: list(
            "cpuManufacturers",
            &r.cpu_manufacturers,
            &["intel", "amd", "amazon-web-services"],
        )?,
        allowed,
        excluded,
        generations: list(
            "instanceGenerations",
            &r.instance_generations,
            &["current", "previous"],
        )?,
        burstable,
        accelerators,
        max_price_percentage_over_lowest: price,
    })
}
