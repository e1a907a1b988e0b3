//! Cost per service (issue 39): AWS's split cost allocation worked by hand on one m5.large,
//! a burst above the reservation, an EC2 Instance Savings Plan, the settings, and the
//! identity (the origins' totals are the bill) on every shipped scenario.

use crate::common::{config, shipped_scenarios};
use ecsim::metrics::{Recorder, Summary, TaskRow};
use ecsim::sim::{RunOptions, run_with};

/// (origin, split, unused, cost) per task row.
#[derive(Default)]
struct Rows(Vec<(String, f64, f64, f64)>);

impl Recorder for Rows {
    fn wants_instances(&self) -> bool {
        false
    }
    fn task(&mut self, row: &TaskRow<'_>) {
        self.0.push((
            row.origin.to_string(),
            row.split_cost_usd,
            row.unused_cost_usd,
            row.cost_usd,
        ));
    }
}

fn run_rows(text: &str) -> (Summary, Rows) {
    let mut rows = Rows::default();
    let cfg = config(text);
    let summary = run_with(&cfg, &mut rows, RunOptions::checked())
        .unwrap_or_else(|h| panic!("{h}"))
        .summary;
    (summary, rows)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// AWS's example (`../shared/cost-allocation.md` §11): one m5.large ($0.096 an hour in the
/// catalog) for one hour holding web (1 vCPU, 2 GiB) and worker (0.5 vCPU, 4 GiB) from the
/// first instant. `extra` goes into the web service (a demand) and the file's end.
fn aws_example(web_extra: &str, extra: &str) -> String {
    format!(
        r#"
name = "scad"
horizon = "1h"
timing = {{ instant = true }}

[[cluster.pools]]
name = "one"
instance_type = "m5.large"
count = 1

[[taskDefinitions]]
family = "web"
cpu = 1024
memory = 2048

[[taskDefinitions]]
family = "worker"
cpu = 512
memory = 4096

[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 1
launchType = "EC2"
{web_extra}

[[services]]
name = "worker"
taskDefinition = "worker"
desiredCount = 1
launchType = "EC2"
{extra}
"#
    )
}

fn task_of<'a>(rows: &'a Rows, origin: &str) -> &'a (String, f64, f64, f64) {
    let mine: Vec<_> = rows.0.iter().filter(|r| r.0 == origin).collect();
    assert_eq!(mine.len(), 1, "{origin}: one task");
    mine[0]
}

#[test]
fn aws_example_split_unused_and_totals() {
    let (s, rows) = run_rows(&aws_example("", ""));
    // 9·2 + 8 = 26 weight units; u = 0.096 / 26. web: split 9·1 + 2 = 11 units = $0.040615,
    // unused (0.5 vCPU idle × 9 × 1/1.5) + (2 GB idle × 2/6) = 3.667 units = $0.013538,
    // total $0.054154. worker: split 4.5 + 4 = 8.5 units = $0.031385, unused 1.5 + 1.333
    // = 2.833 units, total $0.041846. Unused together 6.5 units = $0.024.
    let u = 0.096 / 26.0;
    let web = task_of(&rows, "web");
    let worker = task_of(&rows, "worker");
    assert!(
        close(web.1, 0.0406, 5e-5) && close(web.1, 11.0 * u, 1e-6),
        "{web:?}"
    );
    assert!(
        close(worker.1, 0.0314, 5e-5) && close(worker.1, 8.5 * u, 1e-6),
        "{worker:?}"
    );
    assert!(close(web.2 + worker.2, 0.024, 1e-6));
    assert!(close(web.3, 0.0542, 5e-5) && close(worker.3, 0.0418, 5e-5));
    assert!(close(web.3, web.1 + web.2, 1e-12));
    // The summary: the same per service, and the unused line.
    let by = &s.cost_usd.by_origin;
    assert!(close(by["web"].total, 0.054154, 1e-6), "{:?}", by["web"]);
    assert!(close(by["web"].split, 0.040615, 1e-6));
    assert!(close(by["worker"].total, 0.041846, 1e-6));
    assert!(close(by["worker"].ec2, 0.041846, 1e-6) && by["worker"].fargate == 0.0);
    assert!(close(s.cost_usd.unused, 0.024, 1e-6));
    assert!(close(s.cost_usd.total, 0.096, 1e-12));
}

#[test]
fn a_burst_above_the_reservation_is_charged_and_shrinks_the_others_share() {
    // web's demand is 1638.4 CPU units (1.6 vCPU) on its one task: A_c = 1.6 + 0.5 = 2.1
    // > 2 vCPU, so the 18-unit CPU pot is divided by 2.1: web 18·1.6/2.1 = 13.714 units,
    // worker 18·0.5/2.1 = 4.286 units; memory as before (web 2 + 0.667, worker
    // 4 + 1.333). web $0.060484, worker $0.035516; only memory idle (2 units, $0.007385).
    let (s, rows) = run_rows(&aws_example(
        "demand = { type = \"constant\", value = 1638.4 }",
        "",
    ));
    let u = 0.096 / 26.0;
    let web = task_of(&rows, "web");
    let worker = task_of(&rows, "worker");
    assert!(close(web.3, 0.060484, 1e-6), "{web:?}");
    assert!(close(worker.3, 0.035516, 1e-6), "{worker:?}");
    assert!(close(worker.1, (18.0 * 0.5 / 2.1 + 4.0) * u, 1e-9));
    assert!(close(s.cost_usd.unused, 2.0 * u, 1e-9));
    // Before the burst worker paid $0.041846: the burst moved $0.0063 to web.
    assert!(close(0.041846 - worker.3, 0.006330, 1e-6));
}

#[test]
fn a_savings_plan_splits_the_effective_rate() {
    // An EC2 Instance Savings Plan on m5 at $0.03 an hour; its m5.large rate is the
    // catalog's 1-year no-upfront 37.5% off: 0.096 × 0.625 = $0.060. It covers 0.03 / 0.06
    // = half the instance-hour ($0.048 On-Demand) and is used in full, so the hour costs
    // 0.096 − 0.048 + 0.03 = $0.078, 0.8125 of On-Demand. web: 14.667/26 × 0.078 =
    // $0.044, worker: 11.333/26 × 0.078 = $0.034, summing to the bill with the plan.
    let plan = r#"
[[commitments]]
name = "isp"
kind = "ec2_instance_savings_plan"
family = "m5"
commitment_per_hour = 0.03
"#;
    let (s, rows) = run_rows(&aws_example("", plan));
    let c = s.commitments.as_ref().expect("commitments");
    assert!(
        close(c.effective_cost_usd, 0.078, 1e-9),
        "{}",
        c.effective_cost_usd
    );
    let web = task_of(&rows, "web");
    let worker = task_of(&rows, "worker");
    assert!(close(web.3, 0.044, 1e-6), "{web:?}");
    assert!(close(worker.3, 0.034, 1e-6), "{worker:?}");
    assert!(close(web.3 + worker.3, c.effective_cost_usd, 1e-6));
    assert!(!close(web.3 + worker.3, s.cost_usd.total, 1e-3));
    let by = &s.cost_usd.by_origin;
    assert!(close(by["web"].total + by["worker"].total, 0.078, 1e-9));
}

#[test]
fn the_settings_change_the_weights() {
    // cpu_memory_weight = 1: 2 + 8 = 10 units at $0.0096. web split 1 + 2 = 3 units =
    // $0.0288, worker 0.5 + 4 = 4.5 units = $0.0432; idle 0.5 + 2 = 2.5 units = $0.024.
    let (s, _) = run_rows(&aws_example("", "[cost_allocation]\ncpu_memory_weight = 1"));
    let by = &s.cost_usd.by_origin;
    assert!(close(by["web"].split, 0.0288, 1e-9), "{:?}", by["web"]);
    assert!(close(by["worker"].split, 0.0432, 1e-9));
    assert!(close(s.cost_usd.unused, 0.024, 1e-9));
    // GB rather than GiB: the instance's 8192 MiB are 8.589935 GB, the tasks' 2048 and
    // 4096 MiB 2.147484 and 4.294967 GB. Units 18 + 8.589935 = 26.589935; web's split
    // 9 + 2.147484 = 11.147484 units of 0.096 / 26.589935.
    let (s, _) = run_rows(&aws_example("", "[cost_allocation]\nmemory_unit = \"GB\""));
    let gb = 1024.0 * 1024.0 * 1024.0 / 1e9;
    let units = 18.0 + 8.0 * gb;
    assert!(close(
        s.cost_usd.by_origin["web"].split,
        (9.0 + 2.0 * gb) * 0.096 / units,
        1e-9
    ));
}

#[test]
fn an_instance_hour_without_tasks_is_shared_by_the_hour_s_ec2_users() {
    // Two m5.large for an hour; web and worker binpack onto one (memory: 2 + 4 GiB fit
    // in one's 7.8 registered). The empty one's $0.096 has no task to carry it: it goes
    // to web and worker by their EC2 cost in the hour, 0.054154 : 0.041846, so web gets
    // 0.096 × 0.054154/0.096 = $0.054154 more, its total $0.108308.
    let text = aws_example("", "").replace("count = 1", "count = 2").replace(
        "launchType = \"EC2\"\n",
        "launchType = \"EC2\"\nplacementStrategy = [{ type = \"binpack\", field = \"memory\" }]\n",
    );
    let (s, rows) = run_rows(&text);
    let by = &s.cost_usd.by_origin;
    assert!(
        close(by["web"].total, 2.0 * 0.054154, 2e-6),
        "{:?}",
        by["web"]
    );
    assert!(close(by["worker"].total, 2.0 * 0.041846, 2e-6));
    assert!(close(by["web"].total + by["worker"].total, 0.192, 1e-9));
    // The task rows keep AWS's figures; the empty instance is no task's.
    assert!(close(task_of(&rows, "web").3, 0.054154, 1e-6));
    assert!(close(s.cost_usd.unused, 0.024 + 0.096, 1e-6));
}

/// The origins' totals are the bill to the cent, on every shipped scenario and fixture.
#[test]
fn the_origins_add_up_to_the_bill_on_every_shipped_scenario() {
    let shared_traces = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/traces");
    for path in shipped_scenarios() {
        // The Alibaba replay reads its trace from ../shared, absent outside the workplace.
        if !shared_traces.is_dir() && path.ends_with("alibaba-gpu-2023.toml") {
            continue;
        }
        let loaded = ecsim::scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
        let s = ecsim::sim::run(&loaded.config, &mut ecsim::metrics::NullRecorder);
        let c = &s.cost_usd;
        let bill = s
            .commitments
            .as_ref()
            .map_or(c.total, |k| k.effective_cost_usd);
        let sum: f64 = c.by_origin.values().map(|o| o.total).sum();
        let name = path.display();
        assert!(
            close(sum, bill, 0.005),
            "{name}: origins {sum}, bill {bill}"
        );
        let unused: f64 = c.by_origin.values().map(|o| o.unused).sum();
        assert!(close(unused, c.unused, 1e-6), "{name}: unused");
        for (origin, o) in &c.by_origin {
            assert!(close(o.total, o.split + o.unused, 1e-9), "{name} {origin}");
            assert!(
                close(o.total, o.ec2 + o.fargate + o.managed_instances, 1e-9),
                "{name} {origin}"
            );
        }
        if !loaded.config.services.is_empty() || !loaded.config.jobs.is_empty() {
            assert!(!c.by_origin.is_empty(), "{name}");
        }
    }
}

/// Thumbnail tasks' run times (RUNNING to stop) in the scenario as written.
#[derive(Default)]
struct RunTimes(Vec<(u64, Option<u64>)>);

impl Recorder for RunTimes {
    fn wants_instances(&self) -> bool {
        false
    }
    fn task(&mut self, row: &TaskRow<'_>) {
        if row.origin == "thumbnails"
            && let Some(running) = row.running
        {
            self.0.push((running.0, row.stopped.map(|s| s.0)));
        }
    }
}

#[test]
fn moving_the_thumbnail_job_alone_changes_the_bill_by_its_fargate_bill() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ec2-vs-fargate.toml");
    let cfg = ecsim::scenario::load(&path, &[]).unwrap().config;
    let per = ecsim::compare::per_service::run_per_service(&cfg, None).unwrap();
    let names: Vec<&str> = per.legs.iter().map(|l| l.leg.as_str()).collect();
    assert_eq!(names, ["scenario", "fargate:api", "fargate:thumbnails"]);
    let moved = &per.legs[2];
    // The EC2 side keeps its 3 m5.large (the API's 8 tasks stay spread over them): 3 ×
    // $0.096 × 24 h = $6.912, as before the move.
    assert_eq!(moved.summary.instances.mean, 3.0);
    assert!(close(moved.cost_ec2_usd, 6.912, 1e-9));
    // On Fargate a thumbnail (0.25 vCPU, 0.5 GB) costs 0.25 × 0.04048 + 0.5 × 0.004445 =
    // $0.0123425 an hour, billed from its pull's start: the pull is 3 s + 120 MB at 15
    // MB/s = 11 s, the container start 2 s, so each task is billed its run time + 13 s
    // (whole seconds, at least 60 s). The run times are the workload's, the same in
    // every leg: read them off the scenario as written. Window [1 h, 25 h].
    let mut times = RunTimes::default();
    ecsim::sim::run(&cfg, &mut times);
    let (warmup, horizon) = (3_600_000_u64, 90_000_000_u64);
    let billed_s: f64 = times
        .0
        .iter()
        .map(|&(running, stopped)| {
            let pull = running - 13_000;
            let end = stopped.unwrap_or(horizon);
            if end <= warmup {
                0.0
            } else if pull < warmup {
                (end - warmup) as f64 / 1000.0
            } else {
                ((end - pull).div_ceil(1000) as f64).max(60.0)
            }
        })
        .sum();
    let fargate = 0.0123425 * billed_s / 3600.0;
    // On Fargate a task starts some 30 s later than on EC2 (provisioning, a slower pull):
    // the tasks that straddle the window's edges are clipped a little differently, at
    // most a few minutes of one task each ($0.0006 is 3 minutes of one).
    let tol = 6e-4;
    assert!(
        close(moved.cost_fargate_usd, fargate, tol),
        "{} vs {fargate}",
        moved.cost_fargate_usd
    );
    let row = &per.moves[1];
    assert_eq!(row.origin, "thumbnails");
    assert!(close(row.bill_change_usd, fargate, tol), "{row:?}");
    // Where it is, it is billed its share of the shared instances; moved, its own bill.
    assert!(close(row.cost_moved_usd, fargate, tol));
    assert!(close(
        row.cost_where_it_is_usd,
        per.legs[0].summary.cost_usd.by_origin["thumbnails"].total,
        1e-12
    ));
}

#[test]
fn an_origin_leg_names_what_it_cannot_move() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ec2-vs-fargate.toml");
    let cfg = ecsim::scenario::load(&path, &[]).unwrap().config;
    let err = ecsim::compare::per_service::apply_origin_leg(&cfg, &["thumbnail".to_string()])
        .unwrap_err()
        .to_string();
    assert!(err.contains("`thumbnail` is not a service or job"), "{err}");
    assert!(err.contains("movable here: api, thumbnails"), "{err}");
}

#[test]
fn per_service_writes_its_table_and_chart() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("cmp");
    let scenario =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ec2-vs-fargate.toml");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["compare", "-q", "--per-service", "--report", "--out"])
        .arg(&out)
        .arg(&scenario)
        .status()
        .unwrap();
    assert!(status.success());
    let csv = std::fs::read_to_string(out.join("per-service.csv")).unwrap();
    let origins: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(origins, ["api", "thumbnails"]);
    assert!(out.join("charts/compare-per-service.svg").is_file());
    // A later comparison without --per-service leaves no stale table behind.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["compare", "-q", "--with", "fargate:thumbnails", "--out"])
        .arg(&out)
        .arg(&scenario)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(!out.join("per-service.csv").exists());
    let json = std::fs::read_to_string(out.join("compare.json")).unwrap();
    assert!(
        json.contains("\"leg\": \"fargate:thumbnails\""),
        "{}",
        &json[..200.min(json.len())]
    );
}
