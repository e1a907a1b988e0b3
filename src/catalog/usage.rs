//! Usage keys (what the simulation meters per hour) and commitments resolved against them
//! into [`Plan`]s the hourly arithmetic applies.

use super::commitments::{CommitmentKind, Plan};
use super::fargate::FargateRates;
use super::plan_rates::{FARGATE_DIMENSIONS, PlanRates, fargate_on_demand};

/// One metered kind of usage with its On-Demand rate per unit-hour.
#[derive(Clone, Debug, PartialEq)]
pub struct UsageKey {
    /// An instance type name (unit: instance-hours) or a Fargate dimension from
    /// [`FARGATE_DIMENSIONS`] (unit: vCPU-hours or GB-hours).
    pub name: String,
    /// A Fargate dimension rather than an instance type.
    pub fargate: bool,
    /// The On-Demand rate, $ per unit-hour.
    pub on_demand: f64,
}

impl UsageKey {
    /// The family of an instance type: the part before the dot (`m5` of `m5.large`).
    pub fn family(&self) -> Option<&str> {
        (!self.fargate).then(|| self.name.split('.').next().unwrap_or(&self.name))
    }
}

/// The four Fargate Linux On-Demand compute keys, in [`FARGATE_DIMENSIONS`] order.
pub fn fargate_keys(rates: &FargateRates) -> Vec<UsageKey> {
    FARGATE_DIMENSIONS
        .iter()
        .map(|d| UsageKey {
            name: (*d).to_string(),
            fargate: true,
            on_demand: fargate_on_demand(rates, d).unwrap_or(0.0),
        })
        .collect()
}

/// What a commitment buys.
#[derive(Clone, Debug, PartialEq)]
pub enum CommitmentTarget {
    /// Reserved Instances: `count` of `instance_type`, whose On-Demand price is given.
    Instances {
        /// The instance type reserved.
        instance_type: String,
        /// Its On-Demand price, $ per hour.
        on_demand: f64,
        /// How many instances.
        count: f64,
    },
    /// EC2 Instance Savings Plan: $ per hour on one family.
    Family {
        /// The instance family, `m5`.
        family: String,
        /// The commitment, $ per hour.
        per_hour: f64,
    },
    /// Compute Savings Plan: $ per hour on any EC2 family and Fargate.
    Compute {
        /// The commitment, $ per hour.
        per_hour: f64,
    },
}

impl CommitmentTarget {
    /// Which kind of commitment this is.
    pub fn kind(&self) -> CommitmentKind {
        match self {
            CommitmentTarget::Instances { .. } => CommitmentKind::ReservedInstance,
            CommitmentTarget::Family { .. } => CommitmentKind::Ec2InstanceSavingsPlan,
            CommitmentTarget::Compute { .. } => CommitmentKind::ComputeSavingsPlan,
        }
    }
}

/// Resolves a commitment into per-key rates and an hourly budget. Errors are sentences for
/// the user (no rate for that term and payment, a size without a normalization factor).
pub fn resolve_plan(
    target: &CommitmentTarget,
    term: &str,
    payment: &str,
    keys: &[UsageKey],
    rates: &PlanRates,
) -> Result<Plan, String> {
    let kind = target.kind();
    let missing = || {
        format!(
            "the price table has no {} rate for term {term}, payment {payment}",
            kind.name()
        )
    };
    if !rates.has_row(kind, term, payment) {
        return Err(missing());
    }
    match target {
        CommitmentTarget::Instances {
            instance_type,
            on_demand,
            count,
        } => {
            let rate = rates
                .instance_rate(kind, term, payment, instance_type, *on_demand)
                .ok_or_else(missing)?;
            let family = instance_type.split('.').next().unwrap_or(instance_type);
            let own_factor = rates.normalization_factor(instance_type);
            // Regional Linux RIs are size-flexible; a size without a normalization factor
            // can only match its own type.
            let key_rates = keys
                .iter()
                .map(|k| {
                    if k.name == *instance_type {
                        return Some(rate);
                    }
                    if k.family() != Some(family) {
                        return None;
                    }
                    let (own, theirs) = (own_factor?, rates.normalization_factor(&k.name)?);
                    Some(rate * theirs / own)
                })
                .collect();
            Ok(Plan {
                kind,
                budget_per_hour: rate * count,
                rates: key_rates,
            })
        }
        CommitmentTarget::Family { family, per_hour } => {
            let key_rates = keys
                .iter()
                .map(|k| {
                    if k.family() == Some(family.as_str()) {
                        rates.instance_rate(kind, term, payment, &k.name, k.on_demand)
                    } else {
                        None
                    }
                })
                .collect::<Vec<_>>();
            Ok(Plan {
                kind,
                budget_per_hour: *per_hour,
                rates: key_rates,
            })
        }
        CommitmentTarget::Compute { per_hour } => {
            let key_rates = keys
                .iter()
                .map(|k| {
                    if k.fargate {
                        rates.fargate_rate(kind, term, payment, &k.name, k.on_demand)
                    } else {
                        rates.instance_rate(kind, term, payment, &k.name, k.on_demand)
                    }
                })
                .collect();
            Ok(Plan {
                kind,
                budget_per_hour: *per_hour,
                rates: key_rates,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, on_demand: f64) -> UsageKey {
        UsageKey {
            name: name.into(),
            fargate: false,
            on_demand,
        }
    }

    #[test]
    fn reserved_instance_rates_follow_normalization_factors() {
        let keys = [
            key("m5.large", 0.096),
            key("m5.xlarge", 0.192),
            key("c5.large", 0.085),
        ];
        let target = CommitmentTarget::Instances {
            instance_type: "m5.xlarge".into(),
            on_demand: 0.192,
            count: 2.0,
        };
        let plan =
            resolve_plan(&target, "1yr", "no_upfront", &keys, &PlanRates::builtin()).unwrap();
        // m5.xlarge RI at 0.192 × 0.625 = 0.120; two of them: $0.24/h. An m5.large hour
        // costs it half an xlarge (NF 4 / 8): 0.060. c5 is another family.
        assert!((plan.budget_per_hour - 0.24).abs() < 1e-12);
        assert!((plan.rates[0].unwrap() - 0.060).abs() < 1e-12);
        assert!((plan.rates[1].unwrap() - 0.120).abs() < 1e-12);
        assert_eq!(plan.rates[2], None);
    }

    #[test]
    fn savings_plans_cover_their_scope() {
        let rates = PlanRates::builtin();
        let mut keys = vec![key("m5.large", 0.096), key("c5.large", 0.085)];
        keys.extend(fargate_keys(
            &crate::catalog::PriceCatalog::builtin().fargate,
        ));
        let isp = CommitmentTarget::Family {
            family: "m5".into(),
            per_hour: 1.0,
        };
        let plan = resolve_plan(&isp, "3yr", "all_upfront", &keys, &rates).unwrap();
        assert!(plan.rates[0].is_some());
        assert!(plan.rates[1..].iter().all(Option::is_none));
        let csp = CommitmentTarget::Compute { per_hour: 1.0 };
        let plan = resolve_plan(&csp, "1yr", "no_upfront", &keys, &rates).unwrap();
        assert!(plan.rates.iter().all(Option::is_some));
        // Fargate x86 vCPU: 0.04048 × 0.8.
        assert!((plan.rates[2].unwrap() - 0.032384).abs() < 1e-12);
    }
}
