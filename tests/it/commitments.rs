//! Commitments in the bill (issue 17): the example scenario's figures worked by hand, the
//! legs, validation errors, and nothing changing for scenarios without commitments.

use crate::common::{config, run};
use ecsim::compare::{Leg, run_legs};
use std::path::Path;

fn scenario(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn example_scenario_matches_the_hand_worked_bill() {
    let s = run(&config(&scenario("scenarios/commitments.toml")));
    let c = s.commitments.expect("commitments in the summary");
    // Fees every hour: RI 3 × 0.060 + ISP 0.03 + CSP 0.20 = $0.41; 24 h = $9.84.
    assert!(close(c.committed_usd, 9.84, 1e-9), "{}", c.committed_usd);
    // EC2 is constant: 4 m5.large-hours an hour. RIs cover 3 (fully used), the ISP half
    // a fourth (0.03 / 0.060), the CSP the other half before any Fargate usage (29% off
    // beats Fargate's 20%): 0.5 × 0.06816 = 0.03408.
    let ri = &c.plans["m5-ri"];
    assert!(close(ri.utilization, 1.0, 1e-9));
    assert!(close(ri.coverage, 0.75, 1e-9));
    assert!(close(c.plans["m5-isp"].utilization, 1.0, 1e-9));
    // Night hour (4 tasks: 4 vCPU + 8 GB): the CSP spends 0.03408 + 8 × 0.003556 +
    // 4 × 0.032384 = 0.192064 of 0.20. Day hour (8 tasks): the whole 0.20. 12 hours each:
    // (12 × 0.192064 + 12 × 0.20) / 4.80 = 0.98016.
    let csp = &c.plans["compute"];
    assert!(close(csp.utilization, 0.98016, 1e-4), "{}", csp.utilization);
    // Effective: a night hour pays the fees only (everything covered): $0.41. A day hour
    // leaves (8 − 0.109024 / 0.032384) vCPU-hours On-Demand: 4.633399 × 0.04048 =
    // 0.187560, so $0.597560. 12 × 0.41 + 12 × 0.59756 = $12.09072, less what the
    // extra tasks' ~32 s startup leaves out of the first day hour (~$0.0011).
    assert!(
        close(c.effective_cost_usd, 12.09072, 0.003),
        "{}",
        c.effective_cost_usd
    );
    // The bill without commitments: EC2 4 × 0.096 × 24 = 9.216, plus Fargate.
    assert!(close(s.cost_usd.ec2, 9.216, 1e-9));
    assert!(close(c.on_demand_equivalent_usd, s.cost_usd.total, 1e-12));
    assert!(close(
        c.savings_usd,
        s.cost_usd.total - c.effective_cost_usd,
        1e-9
    ));
}

#[test]
fn reserved_instance_leg_pays_the_ri_rate_for_every_steady_instance() {
    let cfg = config(&scenario("scenarios/ec2-vs-fargate.toml"));
    let results = run_legs(&cfg, &[Leg::Scenario, Leg::Ec2Ri, Leg::Ec2Isp]).unwrap();
    // 3 m5.large On-Demand all day: 3 × 0.096 × 24 = 6.912. With 3 RIs at 0.060:
    // 3 × 0.060 × 24 = 4.32 (every instance covered every hour). The ISP leg commits
    // 3 × 0.060 = $0.18/h on m5: the same bill.
    assert!(close(results[0].cost_total_usd, 6.912, 1e-9));
    assert!(close(results[1].cost_total_usd, 4.32, 1e-9));
    assert!(close(results[2].cost_total_usd, 4.32, 1e-9));
    // Same sampled workload in every leg.
    assert_eq!(results[0].task_hours, results[1].task_hours);
}

#[test]
fn scenarios_without_commitments_report_none() {
    let s = run(&config(&scenario("scenarios/ec2-vs-fargate.toml")));
    assert!(s.commitments.is_none());
    let json = serde_json::to_string(&s).unwrap();
    assert!(!json.contains("commitments"));
}

#[test]
fn bad_commitments_are_located_errors() {
    let base = scenario("scenarios/commitments.toml");
    let check = |from: &str, to: &str, field: &str, allowed: &str| {
        let text = base.replacen(from, to, 1);
        assert_ne!(text, base, "{from}");
        let e = ecsim::scenario::load_str(&text, Path::new("c.toml"), &[]).unwrap_err();
        assert_eq!(e.field, field, "{e}");
        assert!(e.line.is_some(), "{e}");
        assert!(e.to_string().contains(allowed), "{e}");
    };
    check(
        "kind = \"compute_savings_plan\"",
        "kind = \"savings_plan\"",
        "commitments[2].kind",
        "allowed: reserved_instance, ec2_instance_savings_plan, compute_savings_plan",
    );
    check(
        "payment = \"no_upfront\"",
        "payment = \"monthly\"",
        "commitments[0].payment",
        "allowed: no_upfront, partial_upfront, all_upfront",
    );
    check(
        "term = \"1yr\"",
        "term = \"5yr\"",
        "commitments[0].term",
        "allowed: 1yr, 3yr",
    );
    check(
        "family = \"m5\"",
        "family = \"m55\"",
        "commitments[1].family",
        "unknown instance family `m55`",
    );
    check(
        "count = 3\n",
        "count = 3\nend = \"30h\"\n",
        "commitments[0].end",
        "allowed: 0 s to 90000 s",
    );
    check(
        "commitment_per_hour = 0.20",
        "commitment_per_hour = 0",
        "commitments[2].commitment_per_hour",
        "must be more than 0",
    );
    // Issue 32 item 17: a commitment no account makes, refused at its documented bound.
    check(
        "commitment_per_hour = 0.20",
        "commitment_per_hour = 1e300",
        "commitments[2].commitment_per_hour",
        "allowed: more than 0, at most 1000000 $ per hour",
    );
    check(
        "instance_type = \"m5.large\"\ncount = 3",
        "instance_type = \"m5.huge\"\ncount = 3",
        "commitments[0].instance_type",
        "unknown instance type `m5.huge`",
    );
}

/// Savings Plans and Reserved Instances do not apply to Spot usage (AWS Savings Plans
/// User Guide: plans cover On-Demand usage; Spot is billed at the Spot price). Regression:
/// `--recommend-commitment` once covered the ec2-spot leg's instances with a Compute
/// Savings Plan at On-Demand-equivalent value, taking its bill from $2.07 to $0.07.
#[test]
fn spot_instances_are_billed_at_spot_rates_whatever_the_commitments() {
    let cfg = config(&scenario("scenarios/ec2-vs-fargate.toml"));
    let legs = [Leg::Ec2Spot];
    let (results, recs) = ecsim::compare::run::run_and_recommend(&cfg, &legs).unwrap();
    // 3 m5.large all day at 70% off: 3 × 0.096 × 0.3 × 24 = $2.0736. No usage a plan can
    // cover, so the cheapest commitment is none and the bill stays the Spot bill.
    assert!(close(results[0].cost_total_usd, 2.0736, 1e-9));
    let r = &recs[0];
    assert!(
        close(r.cost_without_usd, 2.0736, 1e-9),
        "{}",
        r.cost_without_usd
    );
    assert_eq!(r.best.commitment_per_hour, 0.0);
    assert!(close(r.best.effective_cost_usd, 2.0736, 1e-9));
    assert!(r.break_even_utilization.is_none());
    // The busiest hour has nothing a plan can cover, so no level above 0 is evaluated.
    assert_eq!(r.curve.len(), 1);
}

#[test]
fn the_scenarios_own_commitments_do_not_cover_its_pools_made_spot() {
    let cfg = config(&scenario("scenarios/commitments.toml"));
    let results = run_legs(&cfg, &[Leg::Ec2Spot]).unwrap();
    let s = &results[0].summary;
    let c = s.commitments.as_ref().expect("commitments in the summary");
    // 4 m5.large at 70% off: 4 × 0.096 × 0.3 × 24 = $2.7648, and the RI and the ISP,
    // which cover only EC2, cover nothing while still paid every hour.
    assert!(close(s.cost_usd.ec2, 2.7648, 1e-9));
    assert!(close(c.committed_usd, 9.84, 1e-9));
    for plan in ["m5-ri", "m5-isp"] {
        assert_eq!(c.plans[plan].used_usd, 0.0, "{plan}");
        assert_eq!(c.plans[plan].on_demand_equivalent_usd, 0.0, "{plan}");
    }
    // The Compute SP covers Fargate only, all of it 20% off, so each hour it covers
    // min(usage, 0.20 / 0.8) at On-Demand rates. Night (4 tasks: 4 × 0.04048 +
    // 8 × 0.004445 = 0.19748 On-Demand, 0.157984 at plan rates): all covered. Day
    // (8 tasks): 0.25. 12 × 0.19748 + 12 × 0.25 = 5.36976.
    assert!(
        close(c.covered_on_demand_usd, 5.36976, 0.003),
        "{}",
        c.covered_on_demand_usd
    );
    // Effective: Spot EC2 + Fargate On-Demand − covered + fees.
    let expected = s.cost_usd.total - c.covered_on_demand_usd + 9.84;
    assert!(close(results[0].cost_total_usd, expected, 1e-9));
}

fn run_into(dir: &Path, extra: &[&str]) -> ecsim::outputs::RunOutputs {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/commitments.toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args([
            "run",
            "-q",
            path.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    match ecsim::outputs::load(dir).unwrap() {
        ecsim::outputs::Outputs::Run(r) => r,
        _ => panic!("a run directory"),
    }
}

#[test]
fn the_hourly_cost_chart_adds_up_to_the_summary() {
    let root = tempfile::tempdir().unwrap();
    let run = run_into(root.path(), &[]);
    let hours = ecsim::charts::hourly_spend(&run).expect("hours with commitments");
    // 25 h horizon less the 1 h warm-up: 24 clock hours.
    assert_eq!(hours.len(), 24);
    let sum = |f: &dyn Fn(&ecsim::charts::HourSpend) -> f64| hours.iter().map(f).sum::<f64>();
    let figure = |p: &str| run.figure(p).unwrap();
    // timeseries.csv rounds each dollar figure to 6 decimals: 24 hours stay within 1e-4.
    assert!(close(sum(&|h| h.fee), 9.84, 1e-4));
    assert!(close(
        sum(&|h| h.fee),
        figure("/commitments/committed_usd"),
        1e-4
    ));
    assert!(close(
        sum(&|h| h.used),
        figure("/commitments/used_usd"),
        1e-4
    ));
    assert!(close(sum(&|h| h.without), figure("/cost_usd/total"), 1e-4));
    assert!(close(
        sum(&|h| h.effective()),
        figure("/commitments/effective_cost_usd"),
        1e-4
    ));
    // A night hour is all fees ($0.41, nothing On-Demand), a full day hour pays
    // $0.18756 On-Demand on top (worked in the test above).
    assert!(close(hours[2].effective(), 0.41, 1e-5) && close(hours[2].on_demand, 0.0, 1e-5));
    assert!(
        close(hours[10].on_demand, 0.187560, 1e-5),
        "{:?}",
        hours[10]
    );
}

#[test]
fn the_hourly_cost_chart_bills_spot_pools_at_spot_rates() {
    let root = tempfile::tempdir().unwrap();
    let run = run_into(root.path(), &["--set", "cluster.pools.base.spot=true"]);
    let hours = ecsim::charts::hourly_spend(&run).unwrap();
    // A night hour: 4 m5.large at Spot, 4 × 0.096 × 0.3 = $0.1152, none of it covered.
    // The Compute SP covers all the Fargate usage (0.157984 of its 0.20 at plan rates);
    // the RI and the ISP find nothing to cover. Fees 0.41, of which 0.157984 used.
    let h = &hours[2];
    assert!(close(h.on_demand, 0.1152, 1e-5), "{h:?}");
    assert!(close(h.used, 0.157984, 1e-5), "{h:?}");
    assert!(close(h.fee - h.used, 0.252016, 1e-5), "{h:?}");
}

#[test]
fn the_break_even_commitment_of_a_constant_workload_is_its_on_demand_rate() {
    let cfg = config(&scenario("scenarios/ec2-vs-fargate.toml"));
    let (_, recs) = ecsim::compare::run::run_and_recommend(&cfg, &[Leg::Scenario]).unwrap();
    let r = &recs[0];
    // 3 m5.large every hour: $0.288/h On-Demand, $0.20448/h at the 1-year no-upfront
    // Compute SP rate (0.096 × 0.71 each). Committing exactly that covers everything:
    // 24 × 0.20448 = $4.90752. Past it each extra dollar is fee alone, so the bill is back
    // at On-Demand's $6.912 at 0.20448 + (6.912 − 4.90752) / 24 = $0.288/h.
    assert!(close(r.best.commitment_per_hour, 0.20448, 1e-9));
    assert!(close(r.best.effective_cost_usd, 4.90752, 1e-9));
    assert!(close(r.break_even_utilization.unwrap(), 0.71, 1e-9));
    let level = r.break_even_commitment_per_hour.unwrap();
    assert!(close(level, 0.288, 1e-9), "{level}");
    // The curve reaches past it, and there the bill is On-Demand's.
    let at = r
        .curve
        .iter()
        .find(|p| close(p.commitment_per_hour, 0.288, 1e-9))
        .unwrap();
    assert!(close(at.effective_cost_usd, 6.912, 1e-9));
    assert!(r.curve.last().unwrap().commitment_per_hour > 0.288);
}
