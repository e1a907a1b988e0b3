//! Issue 5: billing through whole runs, the Fargate rounding table via scenario files, and
//! the comparison's legs, break-even arithmetic, recommendation and CLI errors.

use ecsim::compare::{self, Leg, Target, breakeven};
use ecsim::metrics::NullRecorder;
use ecsim::model::SimConfig;
use ecsim::scenario::{self, ScenarioError};
use std::path::Path;
use std::process::Command;

fn load(text: &str) -> Result<SimConfig, Box<ScenarioError>> {
    scenario::load_str(text, Path::new("test.toml"), &[])
        .map(|s| s.config)
        .map_err(Box::new)
}

fn config(text: &str) -> SimConfig {
    load(text).unwrap_or_else(|e| panic!("{e}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// One pool of `count` × `instance` with nothing to run, for `horizon`.
fn idle_pool(instance: &str, count: u32, os: &str, horizon: &str) -> String {
    format!(
        r#"
name = "idle"
horizon = "{horizon}"
[[cluster.pools]]
name = "p"
instance_type = "{instance}"
count = {count}
os_type = "{os}"
"#
    )
}

fn total_cost(c: &SimConfig) -> f64 {
    ecsim::sim::run(c, &mut NullRecorder).cost_usd.total
}

#[test]
fn one_m5_large_for_one_hour_costs_its_hourly_price() {
    let c = config(&idle_pool("m5.large", 1, "linux", "1h"));
    assert!(close(total_cost(&c), 0.096));
}

#[test]
fn an_instance_running_61_4_s_is_billed_62_s() {
    let c = config(&idle_pool("m5.large", 1, "linux", "61400ms"));
    assert!(close(total_cost(&c), 0.096 * 62.0 / 3600.0));
}

#[test]
fn an_instance_running_10_s_is_billed_the_60_s_minimum() {
    let c = config(&idle_pool("m5.large", 2, "linux", "10s"));
    assert!(close(total_cost(&c), 2.0 * 0.096 * 60.0 / 3600.0));
}

#[test]
fn windows_pool_bills_the_licence_per_vcpu() {
    // m5.large Linux $0.096 + 2 vCPU × $0.046 licence = $0.188 per hour.
    let c = config(&idle_pool("m5.large", 1, "windows", "1h"));
    assert!(close(c.pools[0].instance_type.price_per_hour, 0.188));
    assert!(close(total_cost(&c), 0.188));
}

/// One Fargate job of `duration` at `times`, with every startup part zero so billing runs
/// exactly from placement to exit.
fn fargate_job(cpu: u32, memory: u32, duration: &str) -> String {
    format!(
        r#"
name = "fargate-job"
horizon = "1h"
[timing]
instant = true
[[taskDefinitions]]
family = "t"
cpu = {cpu}
memory = {memory}
requiresCompatibilities = ["FARGATE"]
[[jobs]]
name = "j"
taskDefinition = "t"
launchType = "FARGATE"
arrival = {{ type = "scheduled", times = ["10s"] }}
duration = {{ type = "constant", value = "{duration}" }}
"#
    )
}

#[test]
fn a_30_s_fargate_task_is_billed_60_s_at_its_rounded_size() {
    // 200 cpu / 300 MiB rounds to 256 / 512: 0.25 × 0.04048 + 0.5 × 0.004445 = 0.0123425 $/h.
    let c = config(&fargate_job(200, 300, "30s"));
    let size = c.task_defs[0].fargate_size.expect("fargate size");
    assert_eq!((size.cpu_units, size.memory_mib), (256, 512));
    assert!(close(total_cost(&c), 0.0123425 * 60.0 / 3600.0));
}

#[test]
fn a_fargate_task_is_billed_per_second_above_the_minimum() {
    // 1 vCPU / 2 GB = 0.04937 $/h for 90.5 s → 91 s.
    let c = config(&fargate_job(1024, 2048, "90500ms"));
    assert!(close(total_cost(&c), 0.04937 * 91.0 / 3600.0));
}

#[test]
fn fargate_rounding_table_through_scenario_files() {
    // (requested cpu, memory) → (billed cpu, memory); one line per case.
    let cases = [
        ((256, 512), (256, 512)),
        ((256, 1536), (256, 2048)),
        ((300, 600), (512, 1024)),
        ((1024, 9000), (2048, 9216)),
        ((2048, 512), (2048, 4096)),
        ((8192, 17 * 1024), (8192, 20480)),
        ((16384, 120 * 1024), (16384, 122880)),
    ];
    for ((cpu, mem), (want_cpu, want_mem)) in cases {
        let c = config(&fargate_job(cpu, mem, "1m"));
        let s = c.task_defs[0].fargate_size.expect("fargate size");
        assert_eq!(
            (s.cpu_units, s.memory_mib),
            (want_cpu, want_mem),
            "request {cpu}/{mem}"
        );
    }
}

#[test]
fn an_invalid_fargate_size_is_an_error_naming_the_field() {
    let err = load(&fargate_job(16384, 200 * 1024, "1m")).unwrap_err();
    assert_eq!(err.field, "taskDefinitions[0].cpu");
    let text = err.to_string();
    assert!(text.contains("16384 cpu units and 122880 MiB"), "{text}");
}

fn web_and_jobs() -> SimConfig {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ec2-vs-fargate.toml"),
    )
    .expect("scenario file");
    config(&text.replace("horizon = \"25h\"", "horizon = \"4h\""))
}

#[test]
fn run_and_scenario_leg_cost_the_same_to_the_bit() {
    let c = web_and_jobs();
    let dir = tempfile::tempdir().unwrap();
    let scenario = scenario::Scenario {
        path: "x.toml".into(),
        config: c.clone(),
        inputs: Vec::new(),
        prices: ecsim::catalog::PriceCatalog::builtin(),
        notes: Vec::new(),
        lesson: None,
    };
    let run = ecsim::run_dir::run_to_dir(
        &scenario,
        dir.path(),
        ecsim::run_dir::OutputOptions::default(),
        |_, _| (),
    )
    .unwrap();
    let legs = compare::run_legs(&c, &[Leg::Scenario, Leg::Fargate]).unwrap();
    assert_eq!(
        legs[0].cost_total_usd.to_bits(),
        run.cost_usd.total.to_bits()
    );
    assert_eq!(legs[0].summary, run);
}

#[test]
fn every_leg_runs_the_same_sampled_workload() {
    let c = web_and_jobs();
    let legs = compare::run_legs(&c, &Leg::ALL).unwrap();
    let names: Vec<&str> = legs.iter().map(|l| l.leg.as_str()).collect();
    assert_eq!(names, ["scenario", "fargate", "fargate-spot", "ec2-spot"]);
    let created: Vec<u64> = legs.iter().map(|l| l.summary.tasks.created).collect();
    assert!(created.iter().all(|&n| n == created[0]), "{created:?}");
    // Fargate legs run no instances and bill only Fargate; Spot halves nothing else.
    assert_eq!(legs[1].cost_ec2_usd, 0.0);
    assert!(legs[1].cpu_reserved.is_none());
    assert!(legs[2].cost_total_usd < legs[1].cost_total_usd);
    // EC2 Spot is the scenario's bill at 70% off, instance for instance.
    assert!((legs[3].cost_total_usd - 0.3 * legs[0].cost_total_usd).abs() < 1e-9);
    // Monthly-equivalent: total × 730 / 3 measured hours.
    assert!(close(
        legs[0].cost_monthly_usd,
        legs[0].cost_total_usd * 730.0 / 3.0
    ));
}

#[test]
fn fargate_leg_makes_ec2_only_task_definitions_fargate_ready() {
    let c = web_and_jobs();
    let compare::LegConfig {
        config: f, notes, ..
    } = compare::apply_leg(&c, Leg::Fargate).unwrap();
    let api = &f.task_defs[0];
    assert!(api.fargate_compatible);
    assert_eq!(api.network_mode, ecsim::model::NetworkMode::Awsvpc);
    assert!(f.pools.iter().all(|p| p.count == 0));
    assert!(notes.iter().any(|n| n.contains("`api` is EC2-only")));
    let s = compare::apply_leg(&c, Leg::FargateSpot).unwrap().config;
    match &s.services[0].launch {
        ecsim::model::LaunchSpec::Providers(shares) => {
            let split: Vec<(u32, u32)> = shares.iter().map(|p| (p.base, p.weight)).collect();
            assert_eq!(split, [(1, 1), (0, 3)]);
        }
        other => panic!("expected a capacity provider strategy, got {other:?}"),
    }
}

#[test]
fn break_even_on_a_hand_worked_case() {
    let c = web_and_jobs();
    let be = compare::break_even(&c);
    // api: 512 cpu / 1024 MiB bridge on m5.large (2048 cpu, 7987 MiB): 4 tasks by cpu.
    // EC2 full: 0.096 / 4 = 0.024; Fargate 0.5 × 0.04048 + 1 × 0.004445 = 0.024685.
    let api = &be.rows[0];
    assert_eq!((api.tasks_per_instance, api.binding_limit), (4, "cpu"));
    assert!(close(api.ec2_per_task_hour_full_usd.unwrap(), 0.024));
    assert!(close(api.fargate_per_task_hour_usd, 0.024685));
    assert!(close(api.break_even_utilization.unwrap(), 0.024 / 0.024685));
    // thumbnail: awsvpc, so m5.large's 2 free ENIs bind: 0.048 vs 0.0123425 → never.
    let th = &be.rows[1];
    assert_eq!((th.tasks_per_instance, th.binding_limit), (2, "eni"));
    assert!(close(th.break_even_utilization.unwrap(), 0.048 / 0.0123425));
    assert_eq!(be.assumptions.len(), breakeven::ASSUMPTIONS.len());
}

#[test]
fn recommend_finds_the_smallest_count_meeting_the_target() {
    let c = web_and_jobs();
    let catalog = ecsim::catalog::PriceCatalog::builtin();
    let names = ["m5.large".to_string(), "c5.xlarge".to_string()];
    let types = compare::recommend::candidates(&catalog, Some(&names), "x86_64", false).unwrap();
    let target = Target::PendingP95(60.0);
    let rec = compare::recommend(&c, &catalog, &types, target, 8).unwrap();
    for t in &rec.types {
        let n = t.count.expect("met within 8");
        assert!(target.met(t.result.as_ref().unwrap()));
        // The scenario's own pool is m5.large: one fewer instance must miss the target.
        if t.instance_type == "m5.large" && n > 1 {
            let mut smaller = c.clone();
            smaller.pools[0].count = n - 1;
            let r = compare::run_config(&smaller, "smaller", Vec::new()).unwrap();
            assert!(!target.met(&r), "{} × m5.large also meets it", n - 1);
        }
    }
    let best = rec.best.expect("a cheapest type");
    let cheapest = rec.types[best].result.as_ref().unwrap().cost_total_usd;
    assert!(
        rec.types
            .iter()
            .filter_map(|t| t.result.as_ref())
            .all(|r| r.cost_total_usd >= cheapest)
    );
    let err = compare::recommend::candidates(&catalog, Some(&["m9.huge".into()]), "x86_64", false)
        .unwrap_err();
    assert!(err.contains("m5.large"), "{err}");
}

fn ecsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn cli_rejects_unknown_options_with_exit_2_and_the_allowed_values() {
    let out = ecsim(&[
        "compare",
        "scenarios/ec2-vs-fargate.toml",
        "--with",
        "lambda",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("scenario, fargate, fargate-spot, ec2-spot"),
        "{err}"
    );
    let out = ecsim(&[
        "compare",
        "scenarios/ec2-vs-fargate.toml",
        "--recommend",
        "--types",
        "m5.large,m9.huge",
        "--target-pending-p95",
        "30",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("m9.huge") && err.contains("c5.xlarge"),
        "{err}"
    );
}

#[test]
fn cli_run_and_compare_write_the_same_cost() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    let cmp_dir = dir.path().join("cmp");
    let scenario = "scenarios/ec2-vs-fargate.toml";
    let set = "horizon=3h";
    let run = ecsim(
        &["run", scenario, "--set", set, "-q", "--out"]
            .into_iter()
            .chain([run_dir.to_str().unwrap()])
            .collect::<Vec<_>>(),
    );
    assert!(run.status.success(), "{run:?}");
    let cmp = ecsim(&[
        "compare",
        scenario,
        "--set",
        set,
        "-q",
        "--with",
        "scenario",
        "--out",
        cmp_dir.to_str().unwrap(),
    ]);
    assert!(cmp.status.success(), "{cmp:?}");
    let read = |p: std::path::PathBuf| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let summary = read(run_dir.join("summary.json"));
    let compare = read(cmp_dir.join("compare.json"));
    let a = summary["cost_usd"]["total"].as_f64().unwrap();
    let b = compare["legs"][0]["cost_total_usd"].as_f64().unwrap();
    assert_eq!(a.to_bits(), b.to_bits());
    let csv = std::fs::read_to_string(cmp_dir.join("compare.csv")).unwrap();
    assert!(csv.starts_with("leg,cost_total_usd,cost_monthly_usd"));
    // No failures are injected, so restart latency is absent: an empty cell, not a made-up
    // zero or text in a numeric column.
    let mut lines = csv.lines().map(|l| l.split(',').collect::<Vec<_>>());
    let header = lines.next().unwrap();
    let row = lines.next().unwrap();
    let col = header
        .iter()
        .position(|h| *h == "restart_latency_p95_s")
        .unwrap();
    assert_eq!((row[0], row[col]), ("scenario", ""));
    // The cost cell is the total rounded to 6 places, written as the shortest text that
    // reads back as that rounded value.
    let cost = row[1];
    assert_eq!(cost.parse::<f64>().unwrap(), (a * 1e6).round() / 1e6);
    assert!(
        cost.split('.').nth(1).is_none_or(|d| d.len() <= 6),
        "{cost}"
    );
}

#[test]
fn compare_output_is_deterministic() {
    let c = web_and_jobs();
    let be = compare::break_even(&c);
    let once = compare::table::json(
        &c.name,
        c.seed,
        &Default::default(),
        &compare::run_legs(&c, &Leg::ALL).unwrap(),
        &be,
    );
    let twice = compare::table::json(
        &c.name,
        c.seed,
        &Default::default(),
        &compare::run_legs(&c, &Leg::ALL).unwrap(),
        &be,
    );
    assert_eq!(once, twice);
}

#[test]
fn cli_recommend_without_a_feasible_type_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = ecsim(&[
        "compare",
        "scenarios/ec2-vs-fargate.toml",
        "--recommend",
        "--types",
        "m5.large",
        "--target-pending-p95",
        "1",
        "--max-count",
        "2",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no instance type meets the target with at most 2 instances"),
        "{err}"
    );
    let out = ecsim(&["compare", "scenarios/ec2-vs-fargate.toml", "--recommend"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--target-pending-p95"));
}
