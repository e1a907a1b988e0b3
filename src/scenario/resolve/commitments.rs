//! `[[commitments]]`: Reserved Instances and Savings Plans, validated and resolved against
//! the run's usage keys and the price file's commitment rates.

use super::super::error::FieldError;
use super::super::file::CommitmentFile;
use super::check::{MAX_COUNT, bounded};
use crate::catalog::plan_rates::{PAYMENTS, TERMS};
use crate::catalog::usage::{CommitmentTarget, UsageKey, fargate_keys, resolve_plan};
use crate::catalog::{CommitmentKind, PriceCatalog};
use crate::model::{CommitmentPlanSpec, CommitmentSpec, PoolSpec};
use crate::time::SimTime;
use std::sync::Arc;

/// The largest Savings Plan commitment, in $ per hour: a million, about $8.8 billion a year,
/// beyond any account's. It keeps every bill finite: over the longest run a scenario may
/// state (a thousand years) it comes to 8.8e12 $, well inside the 1e15 `ecsim report`
/// reads; at 1e308 $ an hour the bill was infinite, summary.json wrote `null` and the cost
/// chart never finished.
pub const MAX_COMMITMENT_PER_HOUR: f64 = 1_000_000.0;

/// Usage keys for `pools` (On-Demand Linux ones, one key per instance type) and Fargate.
fn keys(pools: &[PoolSpec], prices: &PriceCatalog) -> (Vec<UsageKey>, Vec<Option<usize>>, usize) {
    let mut keys: Vec<UsageKey> = Vec::new();
    let pool_keys = pools
        .iter()
        .map(|p| {
            if p.spot || p.os_type != "linux" {
                return None;
            }
            let name = &p.instance_type.name;
            Some(match keys.iter().position(|k| &k.name == name) {
                Some(i) => i,
                None => {
                    keys.push(UsageKey {
                        name: name.clone(),
                        fargate: false,
                        on_demand: p.instance_type.price_per_hour,
                    });
                    keys.len() - 1
                }
            })
        })
        .collect();
    let fargate_key = keys.len();
    keys.extend(fargate_keys(&prices.fargate));
    (keys, pool_keys, fargate_key)
}

pub fn build(
    files: &[CommitmentFile],
    pools: &[PoolSpec],
    prices: &PriceCatalog,
    horizon: SimTime,
) -> Result<CommitmentSpec, FieldError> {
    let (keys, pool_keys, fargate_key) = keys(pools, prices);
    let mut plans: Vec<CommitmentPlanSpec> = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        let at = |field: &str| format!("commitments[{i}].{field}");
        let kinds: Vec<&str> = CommitmentKind::ALL.iter().map(|k| k.name()).collect();
        let kind = CommitmentKind::parse(&f.kind).ok_or_else(|| {
            FieldError::new(at("kind"), format!("unknown commitment kind `{}`", f.kind))
                .allowed(kinds.join(", "))
        })?;
        let term = f.term.clone().unwrap_or_else(|| "1yr".into());
        if !TERMS.contains(&term.as_str()) {
            return Err(
                FieldError::new(at("term"), format!("unknown term `{term}`"))
                    .allowed(TERMS.join(", ")),
            );
        }
        let payment = f.payment.clone().unwrap_or_else(|| "no_upfront".into());
        if !PAYMENTS.contains(&payment.as_str()) {
            return Err(FieldError::new(
                at("payment"),
                format!("unknown payment option `{payment}`"),
            )
            .allowed(PAYMENTS.join(", ")));
        }
        let not_for = |field: &str, present: bool| {
            if present {
                Err(FieldError::new(
                    at(field),
                    format!("does not apply to a {}", kind.name()),
                ))
            } else {
                Ok(())
            }
        };
        let per_hour = || {
            let v = f.commitment_per_hour.ok_or_else(|| {
                FieldError::new(
                    at("commitment_per_hour"),
                    format!("a {} needs its commitment in $ per hour", kind.name()),
                )
            })?;
            let allowed = format!("more than 0, at most {MAX_COMMITMENT_PER_HOUR} $ per hour");
            if v > MAX_COMMITMENT_PER_HOUR {
                Err(FieldError::new(
                    at("commitment_per_hour"),
                    format!("{v:?} $ per hour is more than ecsim takes"),
                )
                .allowed(allowed))
            } else if v > 0.0 {
                Ok(v)
            } else {
                Err(FieldError::new(
                    at("commitment_per_hour"),
                    format!("must be more than 0 $ per hour (got {v:?})"),
                )
                .allowed(allowed))
            }
        };
        let target = match kind {
            CommitmentKind::ReservedInstance => {
                not_for("family", f.family.is_some())?;
                not_for("commitment_per_hour", f.commitment_per_hour.is_some())?;
                let name = f.instance_type.as_ref().ok_or_else(|| {
                    FieldError::new(
                        at("instance_type"),
                        "a reserved_instance needs the instance type it reserves",
                    )
                })?;
                let t = prices.instance(name).ok_or_else(|| {
                    FieldError::new(
                        at("instance_type"),
                        format!("unknown instance type `{name}`"),
                    )
                    .allowed(prices.instance_names().join(", "))
                })?;
                let count = f.count.unwrap_or(1);
                if count == 0 {
                    return Err(FieldError::new(at("count"), "must be at least 1")
                        .allowed(format!("from 1 to {MAX_COUNT}")));
                }
                let count = bounded(at("count"), count)?;
                CommitmentTarget::Instances {
                    instance_type: name.clone(),
                    on_demand: t.price_per_hour,
                    count: f64::from(count),
                }
            }
            CommitmentKind::Ec2InstanceSavingsPlan => {
                not_for("instance_type", f.instance_type.is_some())?;
                not_for("count", f.count.is_some())?;
                let mut families: Vec<&str> = Vec::new();
                for n in prices.instance_names() {
                    let family = n.split('.').next().unwrap_or(n);
                    if !families.contains(&family) {
                        families.push(family);
                    }
                }
                let family = f.family.as_ref().ok_or_else(|| {
                    FieldError::new(
                        at("family"),
                        "an ec2_instance_savings_plan needs the instance family it covers",
                    )
                    .allowed(families.join(", "))
                })?;
                if !families.contains(&family.as_str()) {
                    return Err(FieldError::new(
                        at("family"),
                        format!("unknown instance family `{family}`"),
                    )
                    .allowed(families.join(", ")));
                }
                CommitmentTarget::Family {
                    family: family.clone(),
                    per_hour: per_hour()?,
                }
            }
            CommitmentKind::ComputeSavingsPlan => {
                not_for("instance_type", f.instance_type.is_some())?;
                not_for("count", f.count.is_some())?;
                not_for("family", f.family.is_some())?;
                CommitmentTarget::Compute {
                    per_hour: per_hour()?,
                }
            }
        };
        let start = SimTime::ZERO + f.start.as_ref().map_or(Default::default(), |d| d.0);
        let end = f.end.as_ref().map_or(horizon, |d| SimTime::ZERO + d.0);
        let run = format!("0 s to {} s", horizon.as_secs_f64());
        if start >= horizon {
            return Err(FieldError::new(at("start"), "must fall within the run").allowed(run));
        }
        if end <= start || end > horizon {
            return Err(
                FieldError::new(at("end"), "must fall within the run, after `start`").allowed(run),
            );
        }
        let name = f
            .name
            .clone()
            .unwrap_or_else(|| format!("{}-{i}", kind.name()));
        if plans.iter().any(|p| p.name == name) {
            return Err(FieldError::new(
                at("name"),
                format!("commitment name `{name}` is used twice"),
            ));
        }
        let plan = resolve_plan(&target, &term, &payment, &keys, &prices.commitments)
            .map_err(|e| FieldError::new(at("kind"), e))?;
        plans.push(CommitmentPlanSpec {
            name,
            term,
            payment,
            target,
            start,
            end,
            plan,
        });
    }
    Ok(CommitmentSpec {
        plans,
        keys,
        pool_keys,
        fargate_key,
        meter: false,
        rates: Some(Arc::new(prices.commitments.clone())),
    })
}
