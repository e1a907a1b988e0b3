//! `summary.json` `commitments.*`: the bill with Reserved Instances and Savings Plans.

use crate::catalog::HourBill;
use serde::Serialize;
use std::collections::BTreeMap;

/// Totals over the measured window. `on_demand_equivalent_usd` is the whole bill as it is
/// without commitments (`cost_usd.total`); `effective_cost_usd` the bill with them: that,
/// less the covered usage at On-Demand rates, plus every commitment fee.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CommitmentsSummary {
    /// The window's bill without commitments (`cost_usd.total`), US dollars.
    pub on_demand_equivalent_usd: f64,
    /// The window's bill with them, US dollars.
    pub effective_cost_usd: f64,
    /// `on_demand_equivalent_usd` less `effective_cost_usd`; negative when the fees cost
    /// more than the usage they covered.
    pub savings_usd: f64,
    /// Commitment fees paid (every hour, used or not).
    pub committed_usd: f64,
    /// Commitment consumed by covered usage, at plan rates.
    pub used_usd: f64,
    /// used ÷ committed.
    pub utilization: f64,
    /// Usage some commitment could cover, at On-Demand rates.
    pub eligible_on_demand_usd: f64,
    /// Usage the commitments covered, at On-Demand rates.
    pub covered_on_demand_usd: f64,
    /// covered ÷ eligible.
    pub coverage: f64,
    /// Each commitment by its name in the scenario.
    pub plans: BTreeMap<String, PlanSummary>,
}

/// One commitment: what it cost (`effective_cost_usd`, its fees), what the usage it
/// covered would have cost On-Demand (`on_demand_equivalent_usd`), utilization, coverage.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PlanSummary {
    /// What it is: `reserved_instance`, `ec2_instance_savings_plan` or
    /// `compute_savings_plan`.
    pub kind: String,
    /// What the usage it covered would have cost On-Demand, US dollars.
    pub on_demand_equivalent_usd: f64,
    /// Its fees over the window, US dollars, used or not.
    pub effective_cost_usd: f64,
    /// Its commitment consumed by covered usage, at plan rates.
    pub used_usd: f64,
    /// `used_usd` ÷ its fees, a fraction from 0 to 1 (0 without fees).
    pub utilization: f64,
    /// Usage this commitment could cover, at On-Demand rates.
    pub eligible_on_demand_usd: f64,
    /// Covered ÷ eligible, a fraction from 0 to 1 (0 with nothing eligible).
    pub coverage: f64,
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

impl CommitmentsSummary {
    /// From the window's summed hourly bills; `bill_without` is the run's On-Demand bill
    /// and `plans` the (name, kind) of each commitment in order.
    pub fn new(bill_without: f64, total: &HourBill, plans: &[(&str, &str)]) -> Self {
        let effective = bill_without - total.covered_on_demand + total.fees;
        CommitmentsSummary {
            on_demand_equivalent_usd: bill_without,
            effective_cost_usd: effective,
            savings_usd: bill_without - effective,
            committed_usd: total.fees,
            used_usd: total.used,
            utilization: ratio(total.used, total.fees),
            eligible_on_demand_usd: total.eligible_on_demand,
            covered_on_demand_usd: total.covered_on_demand,
            coverage: ratio(total.covered_on_demand, total.eligible_on_demand),
            plans: plans
                .iter()
                .zip(&total.plans)
                .map(|((name, kind), p)| {
                    let line = PlanSummary {
                        kind: (*kind).to_string(),
                        on_demand_equivalent_usd: p.covered_on_demand,
                        effective_cost_usd: p.fee,
                        used_usd: p.used,
                        utilization: ratio(p.used, p.fee),
                        eligible_on_demand_usd: p.eligible_on_demand,
                        coverage: ratio(p.covered_on_demand, p.eligible_on_demand),
                    };
                    ((*name).to_string(), line)
                })
                .collect(),
        }
    }
}
