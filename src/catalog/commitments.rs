//! Commitments applied to one clock hour of usage, as AWS applies them.
//!
//! Sources: AWS Savings Plans User Guide, "Understanding how Savings Plans apply to your
//! AWS usage" (docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html):
//! Savings Plans apply after EC2 Reserved Instances; EC2 Instance Savings Plans before
//! Compute Savings Plans; within a type all plans apply together, to the usage with the
//! highest savings percentage over On-Demand first, on equal percentages to the usage with
//! the lowest plan rate first, until usage or commitment runs out; the rest is On-Demand.
//! Regional Linux RIs are size-flexible within a family by normalization factor (AWS
//! whitepaper "Maximizing Utilization with Size Flexibility in Regional Reserved
//! Instances").
//!
//! One shape covers all three kinds. A plan has an hourly budget in dollars and a rate per
//! unit of each usage it may cover. A Savings Plan's budget is its commitment and its rates
//! are the plan rates. A Reserved Instance of `count` × type T at effective hourly price
//! `r` has budget `count × r`, and a same-family type T' costs it `r × NF(T') / NF(T)` per
//! instance-hour: exactly normalized-unit accounting, so an m5.xlarge hour uses two
//! m5.large RIs. Within a family RI rates are proportional to size, so every size has the
//! same savings percentage and the tie-break (lowest rate first) fills the smallest size
//! first.
//!
//! Usage comes in units: instance-hours per instance type, vCPU-hours and GB-hours per
//! Fargate architecture. A partial hour (the edge of the measured window, a plan starting
//! mid-hour) scales the plan's budget by the share of the hour it is active.

/// A commitment's kind, in the order AWS applies them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CommitmentKind {
    /// `reserved_instance`: a number of instances of one type in the region.
    ReservedInstance,
    /// `ec2_instance_savings_plan`: $ per hour spent on one instance family.
    Ec2InstanceSavingsPlan,
    /// `compute_savings_plan`: $ per hour spent on any EC2 family or on Fargate.
    ComputeSavingsPlan,
}

impl CommitmentKind {
    /// Every kind, in the order AWS applies them.
    pub const ALL: [CommitmentKind; 3] = [
        CommitmentKind::ReservedInstance,
        CommitmentKind::Ec2InstanceSavingsPlan,
        CommitmentKind::ComputeSavingsPlan,
    ];

    /// The name used in scenario and price files.
    pub fn name(self) -> &'static str {
        match self {
            CommitmentKind::ReservedInstance => "reserved_instance",
            CommitmentKind::Ec2InstanceSavingsPlan => "ec2_instance_savings_plan",
            CommitmentKind::ComputeSavingsPlan => "compute_savings_plan",
        }
    }

    /// The kind a scenario or price file names (`reserved_instance`, ...); `None` otherwise.
    pub fn parse(text: &str) -> Option<CommitmentKind> {
        Self::ALL.into_iter().find(|k| k.name() == text)
    }
}

/// One commitment resolved against a run's usage keys.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Reserved Instance or which Savings Plan.
    pub kind: CommitmentKind,
    /// Dollars per full hour: the Savings Plan commitment, or count × the RI's hourly rate.
    pub budget_per_hour: f64,
    /// Per usage key: what one unit of that usage costs this plan, `None` where the plan
    /// does not apply.
    pub rates: Vec<Option<f64>>,
}

/// One plan's share of an hour's bill.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PlanHour {
    /// What the plan costs this hour, used or not.
    pub fee: f64,
    /// Commitment consumed: covered usage at plan rates.
    pub used: f64,
    /// The covered usage at On-Demand rates (what the plan saved you from paying).
    pub covered_on_demand: f64,
    /// All usage this plan could apply to, at On-Demand rates, before any plan applied.
    pub eligible_on_demand: f64,
}

/// An hour's bill over the metered usage.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HourBill {
    /// All metered usage at On-Demand rates.
    pub on_demand: f64,
    /// Usage some active plan could cover, at On-Demand rates.
    pub eligible_on_demand: f64,
    /// Usage the plans covered, at On-Demand rates.
    pub covered_on_demand: f64,
    /// What the plans cost this hour, used or not, $.
    pub fees: f64,
    /// Commitment consumed: covered usage at plan rates, $.
    pub used: f64,
    /// In plan order.
    pub plans: Vec<PlanHour>,
    /// Per usage key, in key order: what the hour's usage of that key cost, so a share of
    /// the bill can follow the usage that incurred it (the split of an instance-hour).
    pub keys: Vec<KeyHour>,
}

/// One usage key's part of an hour's bill.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct KeyHour {
    /// Its usage at On-Demand rates.
    pub on_demand: f64,
    /// The part of that some plan covered, at On-Demand rates.
    pub covered_on_demand: f64,
    /// What the covering plans charged for it, at plan rates.
    pub used: f64,
}

impl KeyHour {
    /// What the key's usage cost with the commitments, unused commitment aside: what no
    /// plan covered at On-Demand rates, the rest at the plans' rates.
    pub fn effective(&self) -> f64 {
        self.on_demand - self.covered_on_demand + self.used
    }
}

impl HourBill {
    /// What the hour costs with the commitments: uncovered usage On-Demand, plus every fee.
    pub fn effective(&self) -> f64 {
        self.on_demand - self.covered_on_demand + self.fees
    }

    /// Adds `other` into `self` (totals over hours); plan lists must have the same length.
    pub fn accumulate(&mut self, other: &HourBill) {
        self.on_demand += other.on_demand;
        self.eligible_on_demand += other.eligible_on_demand;
        self.covered_on_demand += other.covered_on_demand;
        self.fees += other.fees;
        self.used += other.used;
        self.keys.resize(other.keys.len(), KeyHour::default());
        for (a, b) in self.keys.iter_mut().zip(&other.keys) {
            a.on_demand += b.on_demand;
            a.covered_on_demand += b.covered_on_demand;
            a.used += b.used;
        }
        self.plans.resize(other.plans.len(), PlanHour::default());
        for (a, b) in self.plans.iter_mut().zip(&other.plans) {
            a.fee += b.fee;
            a.used += b.used;
            a.covered_on_demand += b.covered_on_demand;
            a.eligible_on_demand += b.eligible_on_demand;
        }
    }
}

/// Buffers reused from hour to hour so applying plans allocates nothing once warm.
#[derive(Default)]
pub struct Scratch {
    remaining_usage: Vec<f64>,
    remaining_budget: Vec<f64>,
    pairs: Vec<(usize, usize)>,
    eligible: Vec<bool>,
}

/// Applies `plans` to one hour of `usage` (units per key) priced at `on_demand` ($ per
/// unit per key). `shares[p]` is the part of the hour plan `p` is active (0 to 1). The
/// result goes to `out`, whose plan list is resized to `plans.len()`.
pub fn apply_hour(
    on_demand: &[f64],
    usage: &[f64],
    plans: &[Plan],
    shares: &[f64],
    scratch: &mut Scratch,
    out: &mut HourBill,
) {
    let keys = on_demand.len();
    debug_assert_eq!(usage.len(), keys);
    debug_assert_eq!(shares.len(), plans.len());
    out.plans.clear();
    out.plans.resize(plans.len(), PlanHour::default());
    out.on_demand = usage.iter().zip(on_demand).map(|(u, r)| u * r).sum();
    out.keys.clear();
    out.keys
        .extend(usage.iter().zip(on_demand).map(|(u, r)| KeyHour {
            on_demand: u * r,
            ..KeyHour::default()
        }));
    scratch.remaining_usage.clear();
    scratch.remaining_usage.extend_from_slice(usage);
    scratch.remaining_budget.clear();
    scratch.eligible.clear();
    scratch.eligible.resize(keys, false);
    for ((plan, &share), line) in plans.iter().zip(shares).zip(out.plans.iter_mut()) {
        let active = share > 0.0;
        line.fee = plan.budget_per_hour * share;
        scratch.remaining_budget.push(line.fee);
        if active {
            for (k, rate) in plan.rates.iter().enumerate() {
                if rate.is_some() {
                    line.eligible_on_demand += usage[k] * on_demand[k];
                    scratch.eligible[k] = true;
                }
            }
        }
    }
    out.eligible_on_demand = (0..keys)
        .filter(|&k| scratch.eligible[k])
        .map(|k| usage[k] * on_demand[k])
        .sum();

    for kind in CommitmentKind::ALL {
        scratch.pairs.clear();
        for (p, plan) in plans.iter().enumerate() {
            if plan.kind != kind || shares[p] <= 0.0 {
                continue;
            }
            for (k, rate) in plan.rates.iter().enumerate() {
                if rate.is_some() && usage[k] > 0.0 && on_demand[k] > 0.0 {
                    scratch.pairs.push((p, k));
                }
            }
        }
        let savings = |p: usize, k: usize| {
            let rate = plans[p].rates[k].unwrap_or(f64::INFINITY);
            (1.0 - rate / on_demand[k], rate)
        };
        // Highest savings percentage first; equal percentages, lowest plan rate first;
        // then plan and key order, so the result never depends on sort stability.
        scratch.pairs.sort_by(|&(p1, k1), &(p2, k2)| {
            let (s1, r1) = savings(p1, k1);
            let (s2, r2) = savings(p2, k2);
            s2.total_cmp(&s1)
                .then(r1.total_cmp(&r2))
                .then(p1.cmp(&p2))
                .then(k1.cmp(&k2))
        });
        for &(p, k) in &scratch.pairs {
            let rate = plans[p].rates[k].unwrap_or(f64::INFINITY);
            let left = scratch.remaining_usage[k];
            let budget = scratch.remaining_budget[p];
            if left <= 0.0 || budget <= 0.0 || rate <= 0.0 {
                continue;
            }
            let covered = left.min(budget / rate);
            scratch.remaining_usage[k] -= covered;
            scratch.remaining_budget[p] = (budget - covered * rate).max(0.0);
            let line = &mut out.plans[p];
            line.used += covered * rate;
            line.covered_on_demand += covered * on_demand[k];
            out.keys[k].used += covered * rate;
            out.keys[k].covered_on_demand += covered * on_demand[k];
        }
    }
    out.fees = out.plans.iter().map(|l| l.fee).sum();
    out.used = out.plans.iter().map(|l| l.used).sum();
    out.covered_on_demand = out.plans.iter().map(|l| l.covered_on_demand).sum();
}

/// The bill for a sequence of hours, each with every plan fully active: a convenience for
/// tests and for evaluating commitment levels over recorded hourly usage.
pub fn apply_hours<'a>(
    on_demand: &[f64],
    hours: impl IntoIterator<Item = &'a [f64]>,
    plans: &[Plan],
) -> HourBill {
    let shares = vec![1.0; plans.len()];
    let mut scratch = Scratch::default();
    let mut hour = HourBill::default();
    let mut total = HourBill {
        plans: vec![PlanHour::default(); plans.len()],
        ..HourBill::default()
    };
    for usage in hours {
        apply_hour(on_demand, usage, plans, &shares, &mut scratch, &mut hour);
        total.accumulate(&hour);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn sp(kind: CommitmentKind, budget: f64, rates: &[Option<f64>]) -> Plan {
        Plan {
            kind,
            budget_per_hour: budget,
            rates: rates.to_vec(),
        }
    }

    fn one(on_demand: &[f64], usage: &[f64], plans: &[Plan]) -> HourBill {
        apply_hours(on_demand, [usage], plans)
    }

    use CommitmentKind::*;

    #[test]
    fn highest_savings_percentage_first_and_commitment_covers_only_one() {
        // Key 0: OD $1.00, plan $0.70 (30% off). Key 1: OD $0.50, plan $0.25 (50% off).
        // One unit of each. Commitment $0.30: key 1 first (50% > 30%) takes $0.25; the
        // $0.05 left covers 0.05 / 0.70 = 1/14 of key 0.
        let bill = one(
            &[1.0, 0.5],
            &[1.0, 1.0],
            &[sp(ComputeSavingsPlan, 0.30, &[Some(0.70), Some(0.25)])],
        );
        let covered = 0.5 + 1.0 / 14.0;
        assert!(close(bill.covered_on_demand, covered));
        assert!(close(bill.used, 0.30));
        assert!(close(bill.fees, 0.30));
        // effective = 1.5 − (0.5 + 1/14) + 0.30 = 1.228571…
        assert!(close(bill.effective(), 1.5 - covered + 0.30));
        assert!(close(bill.effective(), 1.2285714285714286));

        // Commitment $0.25 exactly covers key 1 and nothing of key 0.
        let bill = one(
            &[1.0, 0.5],
            &[1.0, 1.0],
            &[sp(ComputeSavingsPlan, 0.25, &[Some(0.70), Some(0.25)])],
        );
        assert!(close(bill.covered_on_demand, 0.5));
        assert!(close(bill.effective(), 1.0 + 0.25));
    }

    #[test]
    fn each_key_carries_its_covered_usage_and_plan_charge() {
        // As above: commitment $0.30, key 1 (50% off) first takes $0.25 and covers its $0.50;
        // the $0.05 left covers 1/14 of key 0 ($1/14 On-Demand). Key 0 costs
        // 1 − 1/14 + 0.05, key 1 costs 0.25; with the fee fully used they sum to the hour.
        let bill = one(
            &[1.0, 0.5],
            &[1.0, 1.0],
            &[sp(ComputeSavingsPlan, 0.30, &[Some(0.70), Some(0.25)])],
        );
        assert!(close(bill.keys[1].covered_on_demand, 0.5) && close(bill.keys[1].used, 0.25));
        assert!(close(bill.keys[0].covered_on_demand, 1.0 / 14.0));
        assert!(close(bill.keys[0].used, 0.05));
        assert!(close(bill.keys[0].effective(), 1.0 - 1.0 / 14.0 + 0.05));
        assert!(close(bill.keys[1].effective(), 0.25));
        assert!(close(
            bill.keys[0].effective() + bill.keys[1].effective(),
            bill.effective()
        ));
    }

    #[test]
    fn equal_percentages_lowest_rate_first() {
        // Both 40% off: key 0 OD $1.00 → $0.60, key 1 OD $0.50 → $0.30. The $0.30 budget
        // goes to key 1 (lower rate) in full; key 0 gets nothing.
        let bill = one(
            &[1.0, 0.5],
            &[1.0, 1.0],
            &[sp(ComputeSavingsPlan, 0.30, &[Some(0.60), Some(0.30)])],
        );
        assert!(close(bill.covered_on_demand, 0.5));
        assert!(close(bill.effective(), 1.5 - 0.5 + 0.3));
        // Listed the other way round, the same key wins.
        let bill = one(
            &[0.5, 1.0],
            &[1.0, 1.0],
            &[sp(ComputeSavingsPlan, 0.30, &[Some(0.30), Some(0.60)])],
        );
        assert!(close(bill.covered_on_demand, 0.5));
    }

    #[test]
    fn reserved_instances_apply_before_savings_plans() {
        // Two m5.large-hours at OD $0.096. One RI ($0.060/h) and a Compute SP of $0.068/h
        // (SP rate $0.068): the RI takes one hour whatever the plan order in the list, the
        // SP the other. Effective = 0.060 + 0.068 = 0.128; nothing On-Demand.
        let plans = [
            sp(ComputeSavingsPlan, 0.068, &[Some(0.068)]),
            sp(ReservedInstance, 0.060, &[Some(0.060)]),
        ];
        let bill = one(&[0.096], &[2.0], &plans);
        assert!(close(bill.plans[1].covered_on_demand, 0.096));
        assert!(close(bill.plans[0].covered_on_demand, 0.096));
        assert!(close(bill.effective(), 0.128));
        // With one hour of usage the RI takes it and the SP is paid for nothing.
        let bill = one(&[0.096], &[1.0], &plans);
        assert!(close(bill.plans[1].used, 0.060));
        assert!(close(bill.plans[0].used, 0.0));
        assert!(close(bill.effective(), 0.128));
    }

    #[test]
    fn ec2_instance_savings_plan_before_compute() {
        // One hour of usage, OD $1. ISP rate $0.60, CSP rate $0.70; both $1 budgets. The ISP
        // applies first and covers it all at $0.60; the CSP idles.
        let plans = [
            sp(ComputeSavingsPlan, 1.0, &[Some(0.70)]),
            sp(Ec2InstanceSavingsPlan, 1.0, &[Some(0.60)]),
        ];
        let bill = one(&[1.0], &[1.0], &plans);
        assert!(close(bill.plans[1].used, 0.60));
        assert!(close(bill.plans[0].used, 0.0));
    }

    #[test]
    fn an_hour_without_usage_still_pays_the_commitment() {
        let plans = [
            sp(ComputeSavingsPlan, 0.25, &[Some(0.7)]),
            sp(ReservedInstance, 0.06, &[Some(0.06)]),
        ];
        let bill = one(&[1.0], &[0.0], &plans);
        assert!(close(bill.on_demand, 0.0));
        assert!(close(bill.effective(), 0.31));
        assert!(close(bill.used, 0.0));
        // Half the hour active: half the fee.
        let mut out = HourBill::default();
        apply_hour(
            &[1.0],
            &[0.0],
            &plans,
            &[0.5, 1.0],
            &mut Scratch::default(),
            &mut out,
        );
        assert!(close(out.effective(), 0.125 + 0.06));
    }

    #[test]
    fn fargate_and_ec2_under_one_compute_savings_plan() {
        // Keys: m5.large-hours (OD 0.096, CSP 0.068: 29.17% off), Fargate x86 vCPU-hours
        // (OD 0.04048, CSP 0.032384: 20% off), Fargate x86 GB-hours (OD 0.004445, CSP
        // 0.003556: 20% off). Usage: 2 instance-hours, 4 vCPU-hours, 8 GB-hours.
        // Commitment $0.20: EC2 first (29% > 20%): 2 × 0.068 = 0.136, $0.064 left. The two
        // Fargate keys tie at 20%; GB has the lower rate: 8 × 0.003556 = 0.028448, $0.035552
        // left, covering 0.035552 / 0.032384 = 1.097826… vCPU-hours.
        let od = [0.096, 0.04048, 0.004445];
        let plan = sp(
            ComputeSavingsPlan,
            0.20,
            &[Some(0.068), Some(0.032384), Some(0.003556)],
        );
        let bill = one(&od, &[2.0, 4.0, 8.0], std::slice::from_ref(&plan));
        let vcpu_covered = 0.035552 / 0.032384;
        let covered = 2.0 * 0.096 + 8.0 * 0.004445 + vcpu_covered * 0.04048;
        assert!(close(bill.covered_on_demand, covered));
        assert!(close(bill.used, 0.20));
        let on_demand = 2.0 * 0.096 + 4.0 * 0.04048 + 8.0 * 0.004445; // 0.38948
        assert!(close(bill.on_demand, 0.38948));
        // 0.38948 − (0.192 + 0.03556 + 0.04444) + 0.20 = 0.31748
        assert!(close(bill.effective(), on_demand - covered + 0.20));
        assert!(close(bill.effective(), 0.31748));
    }

    #[test]
    fn size_flexible_reserved_instance_by_normalization_factor() {
        // Two m5.large RIs at $0.060 (NF 4) = budget $0.120. Usage: one m5.xlarge-hour
        // (NF 8: rate 0.120, OD 0.192) and one m5.large-hour (OD 0.096). Same 37.5% off;
        // the smaller size (lower rate) first: the large hour takes 0.060, the 0.060 left
        // covers half the xlarge hour, billed on demand for the other half (0.096).
        let plan = sp(ReservedInstance, 0.120, &[Some(0.060), Some(0.120)]);
        let bill = one(&[0.096, 0.192], &[1.0, 1.0], &[plan]);
        assert!(close(bill.covered_on_demand, 0.096 + 0.096));
        assert!(close(bill.effective(), 0.120 + 0.096));
    }

    #[test]
    fn two_plans_of_a_kind_apply_together() {
        // Two CSPs: plan 0 rate 0.7 on the key (30% off), plan 1 rate 0.5 (50% off), each $0.5.
        // Together, the deeper discount first: plan 1 covers 1 unit; plan 0 covers
        // 0.5 / 0.7 of the second unit.
        let plans = [
            sp(ComputeSavingsPlan, 0.5, &[Some(0.7)]),
            sp(ComputeSavingsPlan, 0.5, &[Some(0.5)]),
        ];
        let bill = one(&[1.0], &[2.0], &plans);
        assert!(close(bill.plans[1].covered_on_demand, 1.0));
        assert!(close(bill.plans[0].covered_on_demand, 0.5 / 0.7));
    }

    #[test]
    fn constant_load_matches_flat_discount_varying_load_does_not() {
        // OD $0.10 per unit, plan rate $0.07 (30% off). A flat-discount calculator takes
        // average usage × OD × (1 − 30%).
        let od = [0.10];
        let rate = [Some(0.07)];
        // Constant: 10 units every hour for 4 hours, commitment = 10 × 0.07 = $0.70/h.
        let constant: Vec<[f64; 1]> = vec![[10.0]; 4];
        let plan = sp(ComputeSavingsPlan, 0.70, &rate);
        let bill = apply_hours(&od, constant.iter().map(|h| &h[..]), &[plan]);
        let flat = 4.0 * 10.0 * 0.10 * (1.0 - 0.30); // 2.80
        assert!(close(bill.effective(), flat));
        assert!(close(bill.effective(), 2.80));
        // Varying: 0, 20, 0, 20 units (the same average of 10). Committing to the average,
        // $0.70/h: empty hours pay $0.70 for nothing; busy hours cover 10 units and pay
        // 10 × 0.10 = $1.00 On-Demand for the rest: 0.70 + 1.70 + 0.70 + 1.70 = $4.80.
        let varying: Vec<[f64; 1]> = vec![[0.0], [20.0], [0.0], [20.0]];
        let plan = sp(ComputeSavingsPlan, 0.70, &rate);
        let bill = apply_hours(&od, varying.iter().map(|h| &h[..]), &[plan]);
        assert!(close(bill.effective(), 4.80));
        // $2.00 more than the flat-discount figure; utilization is 50%.
        assert!(close(bill.effective() - flat, 2.00));
        assert!(close(bill.used / bill.fees, 0.5));
        assert!(close(bill.covered_on_demand / bill.eligible_on_demand, 0.5));
    }
}
