//! The headline outputs reconcile: counts, cost, availability and the compare legs, each
//! checked against figures worked out by hand or recounted from the files a run writes.

use super::common::{config, shipped_scenarios};
use ecsim::compare::{self, Leg};
use ecsim::metrics::Summary;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A run of `scenario` into a temporary directory: its summary and the two CSV files.
struct Written {
    summary: Summary,
    tasks: Vec<csv::StringRecord>,
    task_header: csv::StringRecord,
    timeseries: Vec<csv::StringRecord>,
    _dir: tempfile::TempDir,
}

impl Written {
    fn task_col(&self, name: &str) -> usize {
        self.task_header.iter().position(|h| h == name).unwrap()
    }
}

fn read_csv(path: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    (header, r.records().map(|x| x.unwrap()).collect())
}

fn write_run(scenario: &ecsim::scenario::Scenario) -> Written {
    let dir = tempfile::tempdir().unwrap();
    let summary = ecsim::run_dir::run_to_dir(
        scenario,
        dir.path(),
        ecsim::run_dir::OutputOptions::default(),
        |_, _| (),
    )
    .unwrap();
    let (task_header, tasks) = read_csv(&dir.path().join("tasks.csv"));
    let (_, timeseries) = read_csv(&dir.path().join("timeseries.csv"));
    Written {
        summary,
        tasks,
        task_header,
        timeseries,
        _dir: dir,
    }
}

fn from_text(text: &str) -> ecsim::scenario::Scenario {
    ecsim::scenario::load_str(text, Path::new("test.toml"), &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The identities `TaskCounts` documents, recounted from tasks.csv, plus cost and
/// availability consistency.
fn check_reconciles(name: &str, w: &Written) {
    let s = &w.summary;
    let t = &s.tasks;
    assert_eq!(
        t.created,
        t.started + t.rejected + t.stopped_before_running + t.pending_at_end,
        "{name}: created = started + rejected + stopped before running + pending at end"
    );
    assert_eq!(
        t.started,
        t.completed + t.stopped_by_scheduler + t.stopped_other + t.running_at_end,
        "{name}: started = completed + stopped by scheduler + other + running at end"
    );
    let c = &t.carried_over;
    assert_eq!(
        c.pending_at_start + c.running_at_start,
        c.stopped + c.pending_at_end + c.running_at_end,
        "{name}: warm-up carry-overs"
    );
    assert_eq!(s.pending_time_s.started.count, t.started, "{name}");
    assert_eq!(
        s.pending_time_s.waiting_at_end.count, t.pending_at_end,
        "{name}"
    );

    // Recount from tasks.csv: the window's tasks are those created at or after the warm-up.
    let warmup_ms = (s.warmup_s * 1000.0).round() as u64;
    let ms = |text: &str| (text.parse::<f64>().unwrap() * 1000.0).round() as u64;
    let (created, running, stopped, reason) = (
        w.task_col("created_s"),
        w.task_col("running_s"),
        w.task_col("stopped_s"),
        w.task_col("stop_reason"),
    );
    let window: Vec<&csv::StringRecord> = w
        .tasks
        .iter()
        .filter(|r| ms(&r[created]) >= warmup_ms)
        .collect();
    let count = |f: &dyn Fn(&csv::StringRecord) -> bool| window.iter().filter(|r| f(r)).count();
    assert_eq!(window.len() as u64, t.created, "{name}: created");
    let started = |r: &csv::StringRecord| !r[running].is_empty();
    assert_eq!(count(&|r| started(r)) as u64, t.started, "{name}: started");
    assert_eq!(
        count(&|r| r[stopped].is_empty() && !started(r)) as u64,
        t.pending_at_end,
        "{name}: pending at end"
    );
    assert_eq!(
        count(&|r| r[stopped].is_empty() && started(r)) as u64,
        t.running_at_end,
        "{name}: running at end"
    );
    assert_eq!(
        count(&|r| started(r) && &r[reason] == "ServiceSchedulerInitiated") as u64,
        t.stopped_by_scheduler,
        "{name}: stopped by the scheduler"
    );
    assert_eq!(
        count(&|r| &r[reason] == "EssentialContainerExited") as u64,
        t.completed,
        "{name}: completed"
    );
    assert_eq!(
        count(&|r| {
            r[reason].starts_with("RESOURCE:")
                || r[reason].starts_with("LIMIT:")
                || &r[reason] == "TasksProvisioningCapacityLimitExceeded"
        }) as u64,
        t.rejected,
        "{name}: rejected"
    );

    // The last timeseries row is the horizon, and its cost is the summary's, as written.
    let last = w.timeseries.last().expect("a timeseries row");
    let horizon_s = s.warmup_s + s.sim_time_s;
    assert_eq!(last[0].parse::<f64>().unwrap(), horizon_s, "{name}");
    assert_eq!(
        &last[6],
        format!("{:.6}", s.cost_usd.total),
        "{name}: last timeseries cost vs summary"
    );

    for (label, a) in [
        ("availability", &s.availability),
        ("availability_all_up", &s.availability_all_up),
    ] {
        for (service, x) in &a.services {
            assert!((0.0..=1.0).contains(x), "{name}: {label}.{service} = {x}");
        }
        assert!((0.0..=1.0).contains(&a.min), "{name}: {label}.min");
    }
    for (service, x) in &s.availability.services {
        // Every instant with all tasks up counts fully in both; other instants only in the first.
        assert!(
            *x >= s.availability_all_up.services[service] - 1e-12,
            "{name}: {service}"
        );
    }
}

#[test]
fn every_shipped_scenario_reconciles() {
    let files = shipped_scenarios();
    assert!(files.len() >= 7, "{files:?}");
    let shared_traces = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/traces");
    for file in files {
        // The Alibaba replay reads the real trace from ../shared, which a checkout outside
        // the workplace does not have; everything else must load.
        if !shared_traces.is_dir() && file.ends_with("alibaba-gpu-2023.toml") {
            eprintln!("skipping {}: ../shared/traces is absent", file.display());
            continue;
        }
        let scenario = ecsim::scenario::load(&file, &[]).unwrap_or_else(|e| panic!("{e}"));
        let w = write_run(&scenario);
        check_reconciles(&file.display().to_string(), &w);
    }
}

#[test]
fn autoscaling_scale_in_stops_appear_in_the_counts() {
    // The review found 89 service tasks stopped by scale-in that no count showed.
    let scenario = ecsim::scenario::load(&repo("scenarios/autoscaling.toml"), &[]).unwrap();
    let w = write_run(&scenario);
    assert!(w.summary.tasks.stopped_by_scheduler > 0);
    check_reconciles("autoscaling", &w);
}

#[test]
fn failures_timeseries_ends_at_the_summary_cost() {
    // Before: the last row read $27.648167 and summary.json $27.648240 (the minimums were
    // added at close, after the last sample).
    let scenario = ecsim::scenario::load(&repo("scenarios/failures.toml"), &[]).unwrap();
    let w = write_run(&scenario);
    let last = w.timeseries.last().unwrap();
    assert_eq!(&last[6], format!("{:.6}", w.summary.cost_usd.total));
    // Replacements of failed instances are launches.
    assert!(w.summary.scaling.instance_launches > 0);
}

/// One m5.large (2048 CPU units) and a service of three 1024-unit tasks: two run, the
/// third waits for capacity for ever.
const TWO_OF_THREE: &str = r#"
name = "short"
horizon = "70m"
warmup = "10m"
timing = { instant = true }
[[cluster.pools]]
name = "p"
instance_type = "m5.large"
count = 1
[[taskDefinitions]]
family = "web"
cpu = 1024
memory = 512
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 3
launchType = "EC2"
"#;

#[test]
fn availability_is_the_share_of_desired_tasks_running() {
    let s = write_run(&from_text(TWO_OF_THREE)).summary;
    // Two of three desired tasks RUNNING through the whole hour-long window.
    assert!((s.availability.services["web"] - 2.0 / 3.0).abs() < 1e-12);
    assert!((s.availability.min - 2.0 / 3.0).abs() < 1e-12);
    // Never all three: the strict figure is 0.
    assert_eq!(s.availability_all_up.services["web"], 0.0);
    assert_eq!(s.availability_all_up.min, 0.0);
    assert_eq!(s.task_seconds_short["web"], 3600.0);
}

#[test]
fn tasks_that_never_start_are_reported_with_their_waits_so_far() {
    // One job holds the only instance for an hour; two more arrive at 5 and 10 minutes and
    // wait in PROVISIONING until the 15-minute horizon: censored waits 600 s and 300 s.
    let text = r#"
name = "waiting"
horizon = "15m"
timing = { instant = true }
[[cluster.pools]]
name = "p"
instance_type = "m5.large"
count = 1
[[taskDefinitions]]
family = "big"
cpu = 2048
memory = 1024
[[jobs]]
name = "batch"
taskDefinition = "big"
capacityProviderStrategy = [{ capacityProvider = "p", weight = 1 }]
arrival = { type = "scheduled", times = ["0s", "5m", "10m"] }
duration = { type = "constant", value = "1h" }
"#;
    let s = write_run(&from_text(text)).summary;
    assert_eq!(
        (s.tasks.created, s.tasks.started, s.tasks.pending_at_end),
        (3, 1, 2)
    );
    assert_eq!(s.pending_time_s.started.count, 1);
    assert_eq!(s.pending_time_s.started.max, 0.0);
    let waiting = &s.pending_time_s.waiting_at_end;
    assert_eq!(waiting.count, 2);
    assert_eq!(waiting.mean, 450.0);
    assert_eq!(waiting.max, 600.0);
    let printed = ecsim::report::summary_table(&s);
    assert!(
        printed.contains("never started, still waiting") && printed.contains("2 task(s)"),
        "{printed}"
    );
    assert!(printed.contains("max 600.00 s"), "{printed}");
}

#[test]
fn a_fargate_task_still_provisioning_at_the_horizon_shows_no_pull() {
    // Created 10 s before the horizon; Fargate provisioning takes 20 s by default, so its
    // pull would start 10 s after the run ends.
    let text = r#"
name = "late"
horizon = "1h"
[[taskDefinitions]]
family = "small"
cpu = 256
memory = 512
networkMode = "awsvpc"
requiresCompatibilities = ["FARGATE"]
[[jobs]]
name = "late"
taskDefinition = "small"
launchType = "FARGATE"
arrival = { type = "scheduled", times = ["3590s"] }
duration = { type = "constant", value = "1m" }
"#;
    let w = write_run(&from_text(text));
    assert_eq!(w.tasks.len(), 1);
    let row = &w.tasks[0];
    assert_eq!(&row[w.task_col("created_s")], "3590.000");
    assert_eq!(&row[w.task_col("pull_started_s")], "");
    assert_eq!(&row[w.task_col("last_status")], "PROVISIONING");
    assert_eq!(&row[w.task_col("cost_usd")], "0.000000");
}

#[test]
fn a_replaced_instance_counts_as_a_launch() {
    let text = r#"
name = "replace"
horizon = "2h"
[[cluster.pools]]
name = "p"
instance_type = "m5.large"
count = 2
[failures]
events = [{ action = "kill_instance", at = "1h", pool = "p" }]
"#;
    let s = write_run(&from_text(text)).summary;
    assert_eq!(s.scaling.instance_launches, 1);
    assert_eq!(s.scaling.instance_terminations, 0);
}

/// A service of 2 tasks rolling out a second revision at 1 h, and a DAEMON service.
const REVISIONS: &str = r#"
name = "revisions"
horizon = "2h"
timing = { instant = true }
[[cluster.pools]]
name = "p"
instance_type = "m5.xlarge"
count = 2
[[taskDefinitions]]
family = "web"
cpu = 512
memory = 1024
[[taskDefinitions]]
family = "web-v2"
cpu = 512
memory = 1024
[[taskDefinitions]]
family = "agent"
cpu = 128
memory = 256
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 2
launchType = "EC2"
deployments = [{ at = "1h", taskDefinition = "web-v2" }]
[[services]]
name = "agent"
taskDefinition = "agent"
schedulingStrategy = "DAEMON"
launchType = "EC2"
"#;

#[test]
fn the_fargate_leg_bills_every_revision_and_leaves_daemons_out() {
    let c = config(REVISIONS);
    let legs = compare::run_legs(&c, &[Leg::Fargate]).unwrap();
    let f = &legs[0];
    // 0.5 vCPU / 1 GB: 0.5 × $0.04048 + 1 × $0.004445 = $0.024685 per hour. Two tasks for
    // two hours (instant startup; the rollout replaces each task at once) is 4 task-hours:
    // $0.09874. Before, only the first revision's hour was billed: about $0.049.
    let by_hand = 4.0 * (0.5 * 0.04048 + 0.004445);
    assert!(
        (f.cost_total_usd - by_hand).abs() < 0.001,
        "fargate leg {} vs {by_hand}",
        f.cost_total_usd
    );
    assert_eq!(f.cost_ec2_usd, 0.0);
    assert_eq!(f.left_out, vec!["agent".to_string()]);
    assert!(
        f.notes
            .iter()
            .any(|n| n.contains("DAEMON service `agent` cannot run on Fargate")),
        "{:?}",
        f.notes
    );
    assert!(
        f.notes.iter().any(|n| n.contains("`web-v2`")),
        "{:?}",
        f.notes
    );
    // The leg's availability is the web service's, not the daemon's vacuous 1.
    assert_eq!(f.availability, Some(f.summary.availability.services["web"]));
}

#[test]
fn the_fargate_spot_leg_keeps_arm64_and_windows_tasks_on_demand() {
    let text = r#"
name = "arm"
horizon = "1h"
[[taskDefinitions]]
family = "arm"
cpu = 256
memory = 512
networkMode = "awsvpc"
requiresCompatibilities = ["FARGATE"]
runtimePlatform = { cpuArchitecture = "ARM64", operatingSystemFamily = "LINUX" }
[[taskDefinitions]]
family = "win"
cpu = 1024
memory = 2048
networkMode = "awsvpc"
requiresCompatibilities = ["FARGATE"]
runtimePlatform = { cpuArchitecture = "X86_64", operatingSystemFamily = "WINDOWS_SERVER_2022_CORE" }
[[taskDefinitions]]
family = "x86"
cpu = 256
memory = 512
networkMode = "awsvpc"
requiresCompatibilities = ["FARGATE"]
[[services]]
name = "graviton"
taskDefinition = "arm"
desiredCount = 2
launchType = "FARGATE"
[[services]]
name = "windows"
taskDefinition = "win"
desiredCount = 1
launchType = "FARGATE"
[[services]]
name = "plain"
taskDefinition = "x86"
desiredCount = 2
launchType = "FARGATE"
"#;
    let leg = compare::apply_leg(&config(text), Leg::FargateSpot).unwrap();
    let c = &leg.config;
    assert_eq!(c.services[0].launch, ecsim::model::LaunchSpec::Fargate);
    assert_eq!(c.services[1].launch, ecsim::model::LaunchSpec::Fargate);
    assert!(matches!(
        c.services[2].launch,
        ecsim::model::LaunchSpec::Providers(_)
    ));
    let note = leg
        .notes
        .iter()
        .find(|n| n.contains("stay on FARGATE"))
        .expect("a note on the tasks kept on demand");
    assert!(
        note.contains("graviton (Linux ARM64)") && note.contains("windows (Windows)"),
        "{note}"
    );
    assert!(note.contains("Linux X86_64 tasks only"), "{note}");
}

#[test]
fn recommend_prices_candidates_from_the_resolved_catalog() {
    // A price file that makes m5.large ten times dearer, given only with --set: the
    // recommendation must bill with it, not with the file the scenario names (none).
    let tmp = tempfile::tempdir().unwrap();
    let builtin = std::fs::read_to_string(repo("src/catalog/instances.toml")).unwrap();
    let dear = builtin.replace(
        "name = \"m5.large\", arch = \"x86_64\", vcpu = 2, memory_gib = 8, price_per_hour = 0.096,",
        "name = \"m5.large\", arch = \"x86_64\", vcpu = 2, memory_gib = 8, price_per_hour = 0.96,",
    );
    assert_ne!(dear, builtin, "the catalog line to edit has moved");
    std::fs::write(tmp.path().join("dear.toml"), dear).unwrap();
    let scenario = tmp.path().join("s.toml");
    // One m5.large and one task: the smallest count meeting any target is 1.
    let one_task = TWO_OF_THREE.replace("desiredCount = 3", "desiredCount = 1");
    std::fs::write(&scenario, one_task).unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args([
            "compare",
            scenario.to_str().unwrap(),
            "--set",
            "prices=dear.toml",
        ])
        .args([
            "--recommend",
            "--types",
            "m5.large",
            "--target-availability",
            "0.9",
        ])
        .args(["-q", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("recommend.json")).unwrap())
            .unwrap();
    // One m5.large over the one-hour window at the file's $0.96.
    let cost = rec["types"][0]["result"]["cost_total_usd"]
        .as_f64()
        .unwrap();
    assert!((cost - 0.96).abs() < 1e-9, "{cost}");
}

/// Rerunning into the same directory without `--replay` or with `--tasks none` leaves no
/// replay.html or tasks.csv of the earlier run to be mistaken for this one's.
#[test]
fn a_rerun_leaves_no_file_of_the_earlier_run_it_did_not_write() {
    let scenario =
        ecsim::scenario::load(Path::new("scenarios/teaching/02-taskdef-vs-task.toml"), &[])
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let first = ecsim::run_dir::OutputOptions {
        replay: true,
        ..ecsim::run_dir::OutputOptions::default()
    };
    ecsim::run_dir::run_to_dir(&scenario, dir.path(), first, |_, _| ()).unwrap();
    assert!(dir.path().join("replay.html").is_file());
    assert!(dir.path().join("tasks.csv").is_file());
    let second = ecsim::run_dir::OutputOptions {
        tasks: ecsim::run_dir::TasksOutput::None,
        ..ecsim::run_dir::OutputOptions::default()
    };
    ecsim::run_dir::run_to_dir(&scenario, dir.path(), second, |_, _| ()).unwrap();
    assert!(!dir.path().join("replay.html").exists());
    assert!(!dir.path().join("tasks.csv").exists());
    assert!(dir.path().join("summary.json").is_file());
}
