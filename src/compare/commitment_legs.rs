//! Legs with commitments (`ec2+ri`, `ec2+isp`, `fargate+csp`), and the hourly commitment
//! that minimizes a leg's bill, found on its simulated hourly usage.
//!
//! A commitment changes the bill, not the simulation, so each leg runs the same sampled
//! workload as its plain twin. The legs size their commitment to the steady part of the
//! workload known before running: the pools' starting counts (a managed pool's
//! `min_size`), or the services' desired counts on Fargate. `--recommend-commitment`
//! searches the level instead.

use crate::catalog::commitments::{HourBill, Plan, apply_hours};
use crate::catalog::usage::{CommitmentTarget, resolve_plan};
use crate::catalog::{CommitmentKind, PlanRates};
use crate::model::{CommitmentPlanSpec, LaunchSpec, SimConfig};
use crate::sim::HourlyUsage;
use crate::time::SimTime;
use serde::Serialize;

/// Term and payment option of the commitments the legs and the recommendation buy.
pub const LEG_TERM: &str = "1yr";
/// Payment option of those commitments: nothing upfront, the whole fee hourly.
pub const LEG_PAYMENT: &str = "no_upfront";

fn rates(config: &SimConfig) -> PlanRates {
    config
        .billing
        .commitments
        .rates
        .as_deref()
        .cloned()
        .unwrap_or_else(PlanRates::builtin)
}

fn push(config: &mut SimConfig, name: String, target: CommitmentTarget) -> Result<(), String> {
    let spec = &config.billing.commitments;
    let plan = resolve_plan(&target, LEG_TERM, LEG_PAYMENT, &spec.keys, &rates(config))?;
    config.billing.commitments.plans.push(CommitmentPlanSpec {
        name,
        term: LEG_TERM.into(),
        payment: LEG_PAYMENT.into(),
        target,
        start: SimTime::ZERO,
        end: config.horizon,
        plan,
    });
    Ok(())
}

/// On-Demand Linux pools as (instance type, On-Demand price, steady count).
fn steady_pools(config: &SimConfig) -> Vec<(String, f64, u32)> {
    config
        .pools
        .iter()
        .filter(|p| !p.spot && p.os_type == "linux")
        .map(|p| {
            let steady = p
                .managed_scaling
                .as_ref()
                .map_or(p.count, |m| m.min_size.min(p.count));
            (
                p.instance_type.name.clone(),
                p.instance_type.price_per_hour,
                steady,
            )
        })
        .filter(|(_, _, n)| *n > 0)
        .collect()
}

/// Reserved Instances for every On-Demand Linux pool's steady count.
pub fn add_reserved_instances(config: &mut SimConfig) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    for (name, on_demand, count) in steady_pools(config) {
        push(
            config,
            format!("ri-{name}"),
            CommitmentTarget::Instances {
                instance_type: name.clone(),
                on_demand,
                count: f64::from(count),
            },
        )?;
        notes.push(format!(
            "{count} × {name} Reserved Instances ({LEG_TERM}, {LEG_PAYMENT}, regional Linux)"
        ));
    }
    Ok(notes)
}

/// An EC2 Instance Savings Plan per family, committing the steady pools' plan-rate cost.
pub fn add_instance_savings_plans(config: &mut SimConfig) -> Result<Vec<String>, String> {
    let rates = rates(config);
    let mut by_family: Vec<(String, f64)> = Vec::new();
    for (name, on_demand, count) in steady_pools(config) {
        let family = name.split('.').next().unwrap_or(&name).to_string();
        let rate = rates
            .instance_rate(
                CommitmentKind::Ec2InstanceSavingsPlan,
                LEG_TERM,
                LEG_PAYMENT,
                &name,
                on_demand,
            )
            .unwrap_or(0.0);
        match by_family.iter_mut().find(|(f, _)| *f == family) {
            Some((_, sum)) => *sum += rate * f64::from(count),
            None => by_family.push((family, rate * f64::from(count))),
        }
    }
    let mut notes = Vec::new();
    for (family, per_hour) in by_family {
        notes.push(format!(
            "EC2 Instance Savings Plan on {family}: ${per_hour:.4}/h ({LEG_TERM}, {LEG_PAYMENT}), the steady pools at plan rates"
        ));
        push(
            config,
            format!("isp-{family}"),
            CommitmentTarget::Family { family, per_hour },
        )?;
    }
    Ok(notes)
}

/// The legs' Compute Savings Plan over the config's usage keys, with no budget yet.
fn compute_plan_rates(config: &SimConfig) -> Result<Plan, String> {
    let target = CommitmentTarget::Compute { per_hour: 0.0 };
    let keys = &config.billing.commitments.keys;
    resolve_plan(&target, LEG_TERM, LEG_PAYMENT, keys, &rates(config))
}

/// A Compute Savings Plan committing the Fargate services' desired counts at plan rates.
pub fn add_compute_savings_plan(config: &mut SimConfig) -> Result<Vec<String>, String> {
    let spec = &config.billing.commitments;
    let csp = compute_plan_rates(config)?;
    let f = spec.fargate_key;
    let mut per_hour = 0.0;
    for s in config
        .services
        .iter()
        .filter(|s| s.launch == LaunchSpec::Fargate)
    {
        let def = &config.task_defs[s.task_def.index()];
        let Some(size) = def.fargate_size else {
            continue;
        };
        let base = match def.platform {
            crate::catalog::FargatePlatform::LinuxX86 => f,
            crate::catalog::FargatePlatform::LinuxArm => f + 2,
            crate::catalog::FargatePlatform::Windows => continue,
        };
        let vcpu = f64::from(size.cpu_units) / 1024.0;
        let gb = f64::from(size.memory_mib) / 1024.0;
        let rate = |k: usize| csp.rates[k].unwrap_or(0.0);
        per_hour += f64::from(s.desired_count) * (vcpu * rate(base) + gb * rate(base + 1));
    }
    if per_hour <= 0.0 {
        return Ok(vec![
            "no Fargate service runs steadily: no Compute Savings Plan bought".into(),
        ]);
    }
    push(
        config,
        "compute-sp".into(),
        CommitmentTarget::Compute { per_hour },
    )?;
    Ok(vec![format!(
        "Compute Savings Plan ${per_hour:.4}/h ({LEG_TERM}, {LEG_PAYMENT}): the services' desired counts at plan rates"
    )])
}

/// One point of the cost-vs-commitment curve.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CurvePoint {
    /// Hourly commitment, USD per hour.
    pub commitment_per_hour: f64,
    /// Fees plus the usage the plan does not cover, USD over the measured window.
    pub effective_cost_usd: f64,
    /// Share (0–1) of the committed dollars that covered usage consumed.
    pub utilization: f64,
    /// Share (0–1) of coverable On-Demand spend the plan covered.
    pub coverage: f64,
}

/// The recommended Compute Savings Plan for one leg.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CommitmentRecommendation {
    /// The leg the plan is sized for.
    pub leg: String,
    /// The plan's term ([`LEG_TERM`]).
    pub term: &'static str,
    /// The plan's payment option ([`LEG_PAYMENT`]).
    pub payment: &'static str,
    /// The leg's bill without the recommended plan (its own commitments kept).
    pub cost_without_usd: f64,
    /// The cheapest point of the curve: the recommended commitment.
    pub best: CurvePoint,
    /// A dollar of commitment pays for itself when it is used at least this share of the
    /// hours: the plan rate over the On-Demand rate of the usage it covers at the optimum
    /// (1 − the discount obtained).
    pub break_even_utilization: Option<f64>,
    /// The largest hourly commitment that costs no more than none at all: committing
    /// more loses money on this usage. `None` when no commitment saves anything.
    pub break_even_commitment_per_hour: Option<f64>,
    /// Levels in increasing order, past the break-even commitment when there is one.
    pub curve: Vec<CurvePoint>,
}

/// Levels evaluated: 0, a uniform grid up to the busiest hour's usage at plan rates, and
/// every hour's own full-cover level (where the bill's slope changes).
const GRID_STEPS: usize = 100;

/// Evaluates a Compute Savings Plan (added to the leg's own commitments) at many hourly
/// levels on the leg's hourly usage and returns the cheapest, with the curve.
pub fn recommend_commitment(
    leg: &str,
    config: &SimConfig,
    usage: &HourlyUsage,
    bill_without_commitments: f64,
) -> Result<CommitmentRecommendation, String> {
    let spec = &config.billing.commitments;
    let on_demand: Vec<f64> = spec.keys.iter().map(|k| k.on_demand).collect();
    let csp = compute_plan_rates(config)?;
    let own: Vec<Plan> = spec.plans.iter().map(|p| p.plan.clone()).collect();
    let hours: Vec<&[f64]> = (0..usage.hours).map(|h| usage.hour(h)).collect();
    let bill =
        |plans: &[Plan]| -> HourBill { apply_hours(&on_demand, hours.iter().copied(), plans) };
    let effective = |b: &HourBill| bill_without_commitments - b.covered_on_demand + b.fees;
    // Each hour's eligible usage at plan rates: committing more than the busiest hour's
    // is never cheaper.
    let per_hour: Vec<f64> = hours
        .iter()
        .map(|u| {
            u.iter()
                .zip(&csp.rates)
                .map(|(q, r)| q * r.unwrap_or(0.0))
                .sum()
        })
        .collect();
    let top = per_hour.iter().copied().fold(0.0, f64::max);
    let mut levels: Vec<f64> = (0..=GRID_STEPS)
        .map(|i| top * i as f64 / GRID_STEPS as f64)
        .chain(per_hour.iter().copied())
        .collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let base = bill(&own);
    let cost_without_usd = effective(&base);
    let at = |level: f64| -> (CurvePoint, HourBill) {
        let mut plans = own.clone();
        plans.push(Plan {
            budget_per_hour: level,
            ..csp.clone()
        });
        let b = bill(&plans);
        let line = b.plans.last().copied().unwrap_or_default();
        let ratio = |a: f64, d: f64| if d > 0.0 { a / d } else { 0.0 };
        let point = CurvePoint {
            commitment_per_hour: level,
            effective_cost_usd: effective(&b),
            utilization: ratio(line.used, line.fee),
            coverage: ratio(b.covered_on_demand, b.eligible_on_demand),
        };
        (point, b)
    };
    let mut curve = Vec::with_capacity(levels.len() + 2);
    let mut best: Option<(CurvePoint, HourBill)> = None;
    for level in levels {
        let (point, b) = at(level);
        if best
            .as_ref()
            .is_none_or(|(p, _)| point.effective_cost_usd < p.effective_cost_usd - 1e-9)
        {
            best = Some((point.clone(), b));
        }
        curve.push(point);
    }
    let (best, b) = best.ok_or("no commitment level to evaluate")?;
    let line = b.plans.last().copied().unwrap_or_default();
    let saves = best.effective_cost_usd < cost_without_usd - 1e-9;
    let break_even = saves.then(|| {
        let last = curve.last().cloned().unwrap_or_else(|| best.clone());
        break_even_level(&best, &last, cost_without_usd, usage.hours as f64, |l| {
            at(l).0.effective_cost_usd
        })
    });
    if let Some(level) = break_even.filter(|l| *l > top + 1e-9) {
        // Past the busiest hour every extra dollar is pure fee: two points draw the rise.
        for l in [level, level + (level - best.commitment_per_hour) * 0.15] {
            curve.push(at(l).0);
        }
    }
    Ok(CommitmentRecommendation {
        leg: leg.to_string(),
        term: LEG_TERM,
        payment: LEG_PAYMENT,
        cost_without_usd,
        break_even_utilization: (line.covered_on_demand > 0.0)
            .then(|| line.used / line.covered_on_demand),
        break_even_commitment_per_hour: break_even,
        best,
        curve,
    })
}

/// Where the bill, convex in the level (each further dollar covers usage with a smaller
/// saving, or none), climbs back to `cost_without` beyond the optimum. `last` is the
/// highest level evaluated, the busiest hour's full cover: past it nothing more is
/// covered and the bill rises by the fee alone, `hours` dollars per $/h.
fn break_even_level(
    best: &CurvePoint,
    last: &CurvePoint,
    cost_without: f64,
    hours: f64,
    cost_at: impl Fn(f64) -> f64,
) -> f64 {
    if last.effective_cost_usd <= cost_without {
        let rise = if hours > 0.0 { hours } else { 1.0 };
        return last.commitment_per_hour + (cost_without - last.effective_cost_usd) / rise;
    }
    let (mut lo, mut hi) = (best.commitment_per_hour, last.commitment_per_hour);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if cost_at(mid) <= cost_without {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// `commitment-curve.csv`: every leg's bill at every level evaluated.
pub fn curve_csv(recs: &[CommitmentRecommendation]) -> String {
    let mut out = String::from("leg,commitment_per_hour,effective_cost_usd,utilization,coverage\n");
    for r in recs {
        for p in &r.curve {
            out.push_str(&format!(
                "{},{:.6},{:.6},{:.6},{:.6}\n",
                r.leg, p.commitment_per_hour, p.effective_cost_usd, p.utilization, p.coverage
            ));
        }
    }
    out
}

/// The recommendation in words, one block per leg.
pub fn recommendation_text(recs: &[CommitmentRecommendation]) -> String {
    let mut out = format!(
        "\nCompute Savings Plan that minimizes each leg's bill ({LEG_TERM}, {LEG_PAYMENT}), evaluated hour by hour:\n"
    );
    out.push_str(&format!(
        "  {:<14} {:>11} {:>11} {:>11} {:>10} {:>8} {:>10} {:>12}\n",
        "leg",
        "commit $/h",
        "bill $",
        "without $",
        "saves $",
        "utiliz.",
        "break-even",
        "pays up to",
    ));
    for r in recs {
        let b = &r.best;
        out.push_str(&format!(
            "  {:<14} {:>11.4} {:>11.4} {:>11.4} {:>10.4} {:>7.1}% {:>10} {:>12}\n",
            r.leg,
            b.commitment_per_hour,
            b.effective_cost_usd,
            r.cost_without_usd,
            r.cost_without_usd - b.effective_cost_usd,
            b.utilization * 100.0,
            r.break_even_utilization
                .map_or("n/a".to_string(), |u| format!("{:.1}%", u * 100.0)),
            r.break_even_commitment_per_hour
                .map_or("n/a".to_string(), |l| format!("${l:.4}/h")),
        ));
    }
    out.push_str(
        "  break-even: a dollar of commitment pays off only if used at least that share of the hours\n  pays up to: a larger commitment costs more than none at all\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(level: f64, cost: f64) -> CurvePoint {
        CurvePoint {
            commitment_per_hour: level,
            effective_cost_usd: cost,
            utilization: 0.0,
            coverage: 0.0,
        }
    }

    #[test]
    fn break_even_inside_the_evaluated_levels_is_where_the_convex_bill_recrosses() {
        // Bill 1 + |L − 1|: $2 with no plan, cheapest at L = 1, back at $2 at L = 2.
        let cost = |l: f64| 1.0 + (l - 1.0).abs();
        let level = break_even_level(&point(1.0, 1.0), &point(3.0, 3.0), 2.0, 24.0, cost);
        assert!((level - 2.0).abs() < 1e-9, "{level}");
    }

    #[test]
    fn break_even_past_the_busiest_hour_rises_by_the_fee_alone() {
        // At the busiest hour's level ($0.5/h) the 10-hour bill is $6 against $8 with no
        // plan: $2 more of fees, $0.2/h more over 10 hours, reaches it at $0.7/h.
        let level = break_even_level(&point(0.5, 6.0), &point(0.5, 6.0), 8.0, 10.0, |_| {
            unreachable!("no search needed")
        });
        assert!((level - 0.7).abs() < 1e-12, "{level}");
    }
}
