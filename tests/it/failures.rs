//! Failures, restarts and the service scheduler (issue 3).

use ecsim::metrics::{Recorder, SampleRow, Summary, TaskRow};
use ecsim::scenario::load_str;
use std::path::Path;

#[derive(Clone, Debug)]
struct Row {
    created: u64,
    stopped: Option<u64>,
    reason: String,
    az: String,
    /// The loss this task made good, and how long from it to this task's RUNNING (ms).
    restart: Option<(String, u64)>,
}

#[derive(Default)]
struct Keep {
    tasks: Vec<Row>,
    /// (time ms, running per service)
    samples: Vec<(u64, Vec<u32>)>,
}

impl Recorder for Keep {
    fn task(&mut self, r: &TaskRow<'_>) {
        self.tasks.push(Row {
            created: r.created.0,
            stopped: r.stopped.map(|t| t.0),
            reason: r.stop_reason.to_string(),
            az: r.availability_zone.to_string(),
            restart: r
                .restart_latency
                .map(|d| (r.restart_cause.to_string(), d.0)),
        });
    }
    fn sample(&mut self, r: &SampleRow<'_>) {
        self.samples
            .push((r.time.0, r.services.iter().map(|s| s.running).collect()));
    }
}

fn run(text: &str, sets: &[&str]) -> (Summary, Keep) {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let scenario = load_str(text, Path::new("test.toml"), &sets).expect("scenario is valid");
    let mut keep = Keep::default();
    let summary = ecsim::sim::run(&scenario.config, &mut keep);
    keep.tasks.sort_by_key(|r| r.created);
    (summary, keep)
}

/// Bridge-mode task, 100 MB image, no image cache: the startup path is pull overhead 3 s +
/// 100 MB / 50 MB/s + container start 2 s = 7 s, with no ENI attach.
const STARTUP_S: f64 = 7.0;

fn base(pool_count: u32, desired: u32, cpu: u32, extra: &str) -> String {
    format!(
        r#"
horizon = "3h"
sample_interval = "10s"
[timing]
ec2_image_cache = false
[cluster]
availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
[[cluster.pools]]
name = "general"
instance_type = "m5.large"
count = {pool_count}
[[taskDefinitions]]
family = "web"
cpu = {cpu}
memory = 512
networkMode = "bridge"
image_size_mb = 100
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = {desired}
launchType = "EC2"
{extra}
"#
    )
}

#[test]
fn with_spare_capacity_restart_latency_is_the_startup_path() {
    let text = base(
        3,
        3,
        512,
        r#"
[[failures.events]]
action = "kill_instance"
at = "1h"
pool = "general"
index = 0
[[failures.events]]
action = "kill_tasks"
at = "2h"
service = "web"
count = 2
"#,
    );
    let (s, keep) = run(&text, &[]);
    let r = &s.restart_latency_s;
    assert_eq!(r.overall.count, 3);
    assert_eq!(r.overall.max, STARTUP_S);
    assert_eq!(r.overall.mean, STARTUP_S);
    assert_eq!(r.by_cause["instance_failure"].count, 1);
    assert_eq!(r.by_cause["user"].count, 2);
    assert_eq!(r.by_launch_type["EC2"].count, 3);
    let stops: Vec<&str> = keep
        .tasks
        .iter()
        .filter_map(|t| t.stopped.map(|_| t.reason.as_str()))
        .filter(|r| *r != "HorizonReached")
        .collect();
    assert!(stops.contains(&"InstanceFailed") && stops.contains(&"UserInitiated"));
    // Issue 37: each replacement's row carries its own restart (the report's ECDF reads
    // these): one instance failure and two user stops, each the 7 s startup path.
    let mut restarts: Vec<(String, u64)> = keep
        .tasks
        .iter()
        .filter_map(|t| t.restart.clone())
        .collect();
    restarts.sort();
    assert_eq!(
        restarts,
        vec![
            ("instance_failure".to_string(), 7_000),
            ("user".to_string(), 7_000),
            ("user".to_string(), 7_000)
        ]
    );
    // Each loss costs one task for one startup, as does each initial start.
    assert_eq!(
        s.task_seconds_short["web"],
        3.0 * STARTUP_S + 3.0 * STARTUP_S
    );
    assert!(s.availability.min < 1.0 && s.availability.min > 0.99);
}

#[test]
fn without_spare_capacity_restart_latency_includes_the_wait() {
    // One instance holds both tasks (1024 CPU units each on 2048); it fails at 1 h, and
    // both replacements wait for the pool's new instance (launch 120 s).
    let text = base(
        1,
        2,
        1024,
        r#"
[[failures.events]]
action = "kill_instance"
at = "1h"
pool = "general"
"#,
    );
    let (s, keep) = run(&text, &[]);
    let r = &s.restart_latency_s;
    assert_eq!(r.overall.count, 2);
    assert_eq!(r.overall.max, 120.0 + STARTUP_S);
    // Both replacements' rows: 120 s launch + 7 s startup = 127 s each; no other row
    // claims a restart (the initial two started as new tasks).
    let restarts: Vec<(String, u64)> = keep
        .tasks
        .iter()
        .filter_map(|t| t.restart.clone())
        .collect();
    assert_eq!(restarts, vec![("instance_failure".to_string(), 127_000); 2]);
    assert_eq!(r.overall.mean, 120.0 + STARTUP_S);
    // Two tasks short for 127 s, plus the 7 s initial start of both.
    let short = s.task_seconds_short["web"];
    assert!(
        (short - 2.0 * (120.0 + STARTUP_S) - 2.0 * STARTUP_S).abs() < 1e-6,
        "{short}"
    );
}

#[test]
fn a_service_spread_over_three_azs_keeps_two_thirds_through_an_az_outage() {
    let text = base(
        6,
        6,
        512,
        r#"
[[failures.az_outages]]
az = "us-east-1a"
start = "1h"
duration = "30m"
"#,
    );
    let (s, keep) = run(&text, &[]);
    let start = 3_600_000;
    let end = start + 1_800_000;
    let min = keep
        .samples
        .iter()
        .filter(|(t, _)| *t >= start && *t <= end + 600_000)
        .map(|(_, r)| r[0])
        .min()
        .unwrap();
    assert!(min >= 4, "running fell to {min} of 6");
    // The two lost tasks came back in the surviving AZs within the startup path.
    assert_eq!(s.restart_latency_s.by_cause["az_outage"].count, 2);
    assert_eq!(s.restart_latency_s.overall.max, STARTUP_S);
    let lost: Vec<&Row> = keep
        .tasks
        .iter()
        .filter(|t| t.reason == "AvailabilityZoneOutage")
        .collect();
    assert_eq!(lost.len(), 2);
    assert!(lost.iter().all(|t| t.az == "us-east-1a"));
    // Nothing is placed in the AZ during the outage.
    assert!(
        keep.tasks
            .iter()
            .all(|t| !(t.az == "us-east-1a" && t.created >= start && t.created < end))
    );
}

#[test]
fn restart_backoff_grows_to_its_cap() {
    let text = base(
        3,
        1,
        512,
        r#"start_failure_probability = 1.0
[failures.restart_backoff]
initial = "10s"
factor = 2.0
cap = "15m"
"#,
    );
    let (s, keep) = run(&text, &[]);
    assert_eq!(s.tasks.started, 0);
    let gaps: Vec<u64> = keep
        .tasks
        .windows(2)
        .map(|w| (w[1].created - w[0].stopped.unwrap()) / 1000)
        .collect();
    assert!(keep.tasks.iter().all(|t| t.stopped.is_none()
        || t.reason == "TaskFailedToStart"
        || t.reason == "HorizonReached"
        || t.reason.is_empty()));
    assert_eq!(&gaps[..9], &[10, 20, 40, 80, 160, 320, 640, 900, 900]);
    assert!(gaps.iter().all(|g| *g <= 900));
}

#[test]
fn crashes_after_running_are_replaced_without_throttling() {
    let text = base(
        3,
        1,
        512,
        r#"crash_after = { type = "constant", value = "20m" }"#,
    );
    let (s, keep) = run(&text, &[]);
    let crashed: Vec<&Row> = keep
        .tasks
        .iter()
        .filter(|t| t.reason == "TaskFailed")
        .collect();
    assert!(crashed.len() >= 8, "{}", crashed.len());
    for w in keep.tasks.windows(2) {
        if w[0].reason == "TaskFailed" {
            assert_eq!(w[1].created, w[0].stopped.unwrap());
        }
    }
    assert_eq!(s.restart_latency_s.by_cause["crash"].max, STARTUP_S);
}

/// Two on-demand instances in us-east-1b/c and one Spot instance in us-east-1a whose
/// notice comes at 1 h; `spot_extra` goes on the Spot pool.
fn spot_pool(spot_extra: &str) -> String {
    // AZ rebalancing off: once the reclaimed instance's replacement registers in 1a, the
    // service would move a task back there (tests/it/rebalancing.rs), and that
    // instance's own notice an hour later would interrupt it too.
    base(2, 3, 512, "availabilityZoneRebalancing = \"DISABLED\"").replace(
        "[[taskDefinitions]]",
        &format!(
            r#"availability_zones = ["us-east-1b", "us-east-1c"]
[[cluster.pools]]
name = "spot"
instance_type = "m5.large"
count = 1
availability_zones = ["us-east-1a"]
spot = true
spot_interruption = {{ type = "constant", value = "1h" }}
{spot_extra}
[[taskDefinitions]]"#
        ),
    )
}

fn spot_interrupted(keep: &Keep) -> Vec<&Row> {
    keep.tasks
        .iter()
        .filter(|t| t.reason == "SpotInterruption")
        .collect()
}

#[test]
fn spot_replacements_start_during_the_notice() {
    let text = spot_pool("spot_instance_draining = true");
    let (s, keep) = run(&text, &[]);
    let spot = &s.restart_latency_s.by_cause["spot"];
    // The replacement ran 7 s after the notice, while the noticed task still served.
    assert_eq!(spot.count, 1);
    assert_eq!(spot.max, STARTUP_S);
    let interrupted = spot_interrupted(&keep);
    assert_eq!(interrupted.len(), 1);
    // It stopped when its replacement reached RUNNING, inside the two-minute notice.
    assert_eq!(interrupted[0].stopped, Some(3_600_000 + 7_000));
    assert_eq!(s.availability.min, {
        // Short only during the initial 7 s start.
        1.0 - 7.0 / 10_800.0
    });
}

/// A Fargate service of two tasks on FARGATE_SPOT, with `extra` appended to its task
/// definition.
fn fargate_spot_service(taskdef_extra: &str, service_extra: &str) -> String {
    format!(
        r#"
horizon = "1h"
sample_interval = "1s"
[[taskDefinitions]]
family = "api"
cpu = 512
memory = 1024
networkMode = "awsvpc"
requiresCompatibilities = ["FARGATE"]
image_size_mb = 150
{taskdef_extra}
[[services]]
name = "api"
taskDefinition = "api"
desiredCount = 2
capacityProviderStrategy = [{{ capacityProvider = "FARGATE_SPOT", weight = 1 }}]
{service_extra}
"#
    )
}

/// Issue 9: Fargate Spot runs Linux X86_64 tasks only. Windows and ARM64 task definitions
/// on FARGATE_SPOT are rejected at the service's `taskDefinition` line, with what is
/// allowed; before, both ran (and were billed at the Spot rate).
#[test]
fn fargate_spot_rejects_windows_and_arm64_tasks_with_a_located_error() {
    for (platform, said) in [
        (
            r#"runtimePlatform = { operatingSystemFamily = "WINDOWS_SERVER_2022_CORE" }"#,
            "is Windows",
        ),
        (
            r#"runtimePlatform = { cpuArchitecture = "ARM64" }"#,
            "is Linux ARM64",
        ),
    ] {
        let text = fargate_spot_service(platform, "");
        let e = load_str(&text, Path::new("t.toml"), &[])
            .expect_err("FARGATE_SPOT with a non-x86 Linux task")
            .to_string();
        assert!(
            e.contains("t.toml:14:")
                && e.contains("services[0].taskDefinition")
                && e.contains(said)
                && e.contains("only Linux X86_64")
                && e.contains("FARGATE in place of FARGATE_SPOT"),
            "{e}"
        );
    }
    // Linux X86_64 (explicit or by default) is accepted.
    let x86 = r#"runtimePlatform = { cpuArchitecture = "X86_64" }"#;
    assert!(load_str(&fargate_spot_service(x86, ""), Path::new("t.toml"), &[]).is_ok());
    // On-demand FARGATE takes ARM64.
    let arm = fargate_spot_service(r#"runtimePlatform = { cpuArchitecture = "ARM64" }"#, "")
        .replace("\"FARGATE_SPOT\"", "\"FARGATE\"");
    assert!(load_str(&arm, Path::new("t.toml"), &[]).is_ok());
}

/// A RunTask job of one bridge task binding `host_port`, on one m5.large, at 1 min.
fn one_port_job(host_port: u16, pool_extra: &str) -> String {
    format!(
        r#"
horizon = "10m"
[[cluster.pools]]
name = "general"
instance_type = "m5.large"
count = 1
{pool_extra}
[[taskDefinitions]]
family = "tool"
cpu = 256
memory = 256
networkMode = "bridge"
portMappings = [{{ containerPort = {host_port}, hostPort = {host_port} }}]
[[jobs]]
name = "tool"
taskDefinition = "tool"
launchType = "EC2"
arrival = {{ type = "scheduled", times = ["1m"] }}
duration = {{ type = "constant", value = "1m" }}
"#
    )
}

/// Issue 9: the ECS agent reserves host ports 22, 2375, 2376, 51678 and 51679
/// (`ECS_RESERVED_PORTS`), so a task binding one fits no instance: RunTask fails with
/// RESOURCE:PORTS. Before, every one of them started. Port 8022 is free; a pool that
/// reserves nothing (`reserved_ports = []`) lets port 22 through.
#[test]
fn the_agents_reserved_ports_are_not_available_to_tasks() {
    for port in [22, 2375, 2376, 51678, 51679] {
        let (s, keep) = run(&one_port_job(port, ""), &[]);
        assert_eq!((s.tasks.started, s.tasks.rejected), (0, 1), "port {port}");
        assert_eq!(keep.tasks[0].reason, "RESOURCE:PORTS", "port {port}");
    }
    let (s, _) = run(&one_port_job(8022, ""), &[]);
    assert_eq!((s.tasks.started, s.tasks.rejected), (1, 0));
    let (s, _) = run(&one_port_job(22, "reserved_ports = []"), &[]);
    assert_eq!((s.tasks.started, s.tasks.rejected), (1, 0));
}

/// Issue 9: without `ECS_ENABLE_SPOT_INSTANCE_DRAINING` (the agent's default, false) ECS
/// does not drain a noticed Spot instance: its task runs until the reclaim at 1 h + 2 min
/// and is replaced only then, RUNNING 7 s later. Before, the instance always drained and
/// the replacement ran at 1 h 7 s with no loss. Task-seconds short: the initial start
/// (3 tasks × 7 s) plus 7 s after the reclaim.
#[test]
fn ec2_spot_without_draining_runs_until_the_reclaim() {
    let (s, keep) = run(&spot_pool(""), &[]);
    let interrupted = spot_interrupted(&keep);
    assert_eq!(interrupted.len(), 1);
    assert_eq!(interrupted[0].stopped, Some(3_600_000 + 120_000));
    let spot = &s.restart_latency_s.by_cause["spot"];
    assert_eq!((spot.count, spot.max), (1, STARTUP_S));
    assert!(
        (s.task_seconds_short["web"] - (3.0 * STARTUP_S + STARTUP_S)).abs() < 1e-6,
        "{}",
        s.task_seconds_short["web"]
    );
}

/// Issue 9: a FARGATE_SPOT interruption sends SIGTERM with the two-minute notice, and the
/// task stops once its container exits, at most `stopTimeout` (default 30 s) later. Two
/// tasks RUNNING at 35 s (Fargate provisioning 20 s + pull 3 s + 150 MB / 15 MB/s + start
/// 2 s) get their notices at 3635 s.
/// - `maximumPercent` 200 (upper 4): replacements start at the notice and run at 3670 s;
///   the old tasks stop at 3665 s: 5 s short each. Before: the old tasks served until
///   their replacements ran, no loss.
/// - `maximumPercent` 100 (upper 2): no room beside the stopping tasks, so replacements
///   start at 3665 s and run at 3700 s: 35 s short each.
/// - `stopTimeout = 120`, container exiting when killed: stops at 3755 s, after the
///   replacements run: no loss beyond the initial start.
///
/// Task-seconds short always include the initial start, 2 × 35 s.
#[test]
fn fargate_spot_tasks_stop_within_stop_timeout_of_the_notice() {
    let spot = "[fargate]\nspot_interruption = { type = \"constant\", value = \"1h\" }";
    let case = |taskdef: &str, max: u32| {
        let text = fargate_spot_service(
            taskdef,
            &format!("deploymentConfiguration = {{ maximumPercent = {max} }}\n{spot}"),
        )
        .replace("horizon = \"1h\"", "horizon = \"2h\"");
        let (s, keep) = run(&text, &[]);
        let stops: Vec<Option<u64>> = keep
            .tasks
            .iter()
            .filter(|t| t.reason == "SpotInterruption")
            .map(|t| t.stopped)
            .collect();
        (s.task_seconds_short["api"], stops)
    };
    let (short, stops) = case("", 200);
    assert_eq!(stops, [Some(3_665_000), Some(3_665_000)]);
    assert!((short - (70.0 + 2.0 * 5.0)).abs() < 1e-6, "{short}");
    let (short, stops) = case("", 100);
    assert_eq!(stops, [Some(3_665_000), Some(3_665_000)]);
    assert!((short - (70.0 + 2.0 * 35.0)).abs() < 1e-6, "{short}");
    let (short, stops) = case("stopTimeout = 120", 200);
    assert_eq!(stops, [Some(3_755_000), Some(3_755_000)]);
    assert!((short - 70.0).abs() < 1e-6, "{short}");
    // A container that exits 10 s after SIGTERM: stops at 3645 s, 25 s short each.
    let (short, _) = case("shutdown_time = \"10s\"", 200);
    assert!((short - (70.0 + 2.0 * 25.0)).abs() < 1e-6, "{short}");
    // Fargate allows at most 120 s.
    let e = load_str(
        &fargate_spot_service("stopTimeout = 121", ""),
        Path::new("t.toml"),
        &[],
    )
    .expect_err("stopTimeout above 120 on Fargate")
    .to_string();
    assert!(
        e.contains("taskDefinitions[0].stopTimeout") && e.contains("0 to 120"),
        "{e}"
    );
}

/// Issue 9: scale-in behind a load balancer keeps AZs balanced. Nine tasks on four
/// m5.large in two AZs (two instances each) under ECS's default spread (AZ, then
/// instance): 5 and 4 per AZ. At 1 h the desired count drops to 3; the six victims
/// deregister for 300 s, still holding their place. Counting only the tasks that stay,
/// spread leaves 2 and 1 (or 1 and 2) per AZ. Before, victims still deregistering were
/// counted, so the same AZ kept looking fullest and all three survivors sat in one AZ.
#[test]
fn scale_in_behind_a_load_balancer_does_not_empty_an_az() {
    let text = base(
        4,
        9,
        256,
        "loadBalancer = { deregistration_delay = \"300s\" }",
    )
    .replace(
        r#"availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]"#,
        r#"availability_zones = ["us-east-1a", "us-east-1b"]"#,
    ) + "[failures]\nevents = [{ action = \"set_desired_count\", at = \"1h\", service = \"web\", count = 3 }]\n";
    let (s, keep) = run(&text, &[]);
    assert_eq!(s.tasks.running_at_end, 3);
    let survivors: Vec<&str> = keep
        .tasks
        .iter()
        .filter(|t| {
            t.reason != "ServiceSchedulerInitiated"
                && t.stopped.is_none_or(|at| at >= 3 * 3_600_000)
        })
        .map(|t| t.az.as_str())
        .collect();
    let in_a = survivors.iter().filter(|az| **az == "us-east-1a").count();
    assert_eq!(survivors.len(), 3, "{survivors:?}");
    assert!(in_a == 1 || in_a == 2, "survivors by AZ: {survivors:?}");
}

/// Every task's (created, instance, stopped, reason) and every instance's (EC2 id,
/// launched, registered, terminated), in milliseconds.
#[derive(Default)]
struct Lives {
    tasks: Vec<(u64, String, Option<u64>, String)>,
    instances: Vec<(String, u64, Option<u64>, Option<u64>)>,
}

impl Recorder for Lives {
    fn task(&mut self, r: &TaskRow<'_>) {
        self.tasks.push((
            r.created.0,
            r.instance.to_string(),
            r.stopped.map(|t| t.0),
            r.stop_reason.to_string(),
        ));
    }
    fn instance(&mut self, r: &ecsim::metrics::InstanceRow<'_>) {
        self.instances.push((
            r.instance.to_string(),
            r.launched.0,
            r.registered.map(|t| t.0),
            r.terminated.map(|t| t.0),
        ));
    }
}

/// Runs `text` checked (after every instant the free list holds exactly the TERMINATED
/// slots and their per-slot tables read empty) and returns its lives, tasks sorted.
fn checked_lives(text: &str) -> (ecsim::metrics::Summary, Lives) {
    let scenario = load_str(text, Path::new("test.toml"), &[]).expect("scenario is valid");
    let mut lives = Lives::default();
    let summary =
        crate::common::run_checked(&scenario.config, &mut lives).expect("invariants hold");
    lives.tasks.sort();
    (summary, lives)
}

/// Issue 12: a TERMINATED instance's slot is taken by the next launch, and the events
/// drawn for the old instance must not reach the new one. One Spot instance (its notice
/// 1 h after registering, reclaim 2 min later; it fails 100 min after registering) runs
/// the service's one task; without `spot_instance_draining` the notice only schedules the
/// reclaim. By hand, with `instance_launch` 120 s and a 7 s startup:
/// - 60 min: i-00000001's notice: its reclaim is due at 62 min.
/// - 61 min: `kill_instance` fails it (task 1 stops, InstanceFailed); i-00000002 launches
///   into its slot and registers at 63 min; task 2 runs at 63 min 7 s.
/// - 62 min: i-00000001's reclaim is stale: nothing happens (else i-00000002, still
///   booting, would be reclaimed and a third instance launched).
/// - 100 min: i-00000001's failure is stale: nothing happens (else task 2 would stop).
/// - 123 min: i-00000002's own notice; 125 min: its reclaim stops task 2
///   (SpotInterruption); i-00000003 takes the slot, registers at 127 min; task 3 runs.
/// - 163 min: i-00000002's failure is stale; i-00000003's notice (187 min) and failure
///   (227 min) fall after the 3 h horizon.
#[test]
fn a_reused_instance_slot_drops_the_old_instances_events() {
    let kill = r#"
[[failures.events]]
action = "kill_instance"
at = "61m"
pool = "general"
"#;
    let text = base(1, 1, 512, kill).replace(
        "count = 1\n",
        r#"count = 1
spot = true
spot_interruption = { type = "constant", value = "1h" }
instance_failure = { type = "constant", value = "100m" }
"#,
    );
    let (summary, lives) = checked_lives(&text);
    let min = |m: u64| m * 60_000;
    let task = |created, instance: &str, stopped, reason: &str| {
        (created, instance.to_string(), stopped, reason.to_string())
    };
    assert_eq!(
        lives.tasks,
        [
            task(0, "i-00000001", Some(min(61)), "InstanceFailed"),
            task(min(61), "i-00000002", Some(min(125)), "SpotInterruption"),
            task(min(125), "i-00000003", None, ""),
        ]
    );
    let life = |id: &str, launched, registered, terminated| {
        (id.to_string(), launched, Some(registered), terminated)
    };
    assert_eq!(
        lives.instances,
        [
            life("i-00000001", 0, 0, Some(min(61))),
            life("i-00000002", min(61), min(63), Some(min(125))),
            life("i-00000003", min(125), min(127), None),
        ]
    );
    assert_eq!(summary.scaling.instance_launches, 2);
}

/// An AZ outage while an instance boots: the booting instance is lost, its replacement
/// takes its slot at once, and the lost one's registration, still due, must not register
/// the replacement early. By hand, with `instance_launch` 120 s and a 7 s startup:
/// - 61 min: `kill_instance` fails i-00000001 (us-east-1a; task 1 stops, InstanceFailed);
///   i-00000002 launches in us-east-1a, due to register at 63 min.
/// - 62 min: us-east-1a goes down: i-00000002, booting, is lost; i-00000003 launches into
///   its slot in us-east-1b (the least loaded AZ that is up) and registers at 64 min.
/// - 63 min: i-00000002's registration is stale: nothing happens (else i-00000003 would
///   register a minute early).
/// - 64 min: task 2, waiting since 61 min, is placed on i-00000003.
#[test]
fn an_instance_lost_while_booting_does_not_register_its_replacement() {
    let events = r#"
[[failures.events]]
action = "kill_instance"
at = "61m"
pool = "general"

[[failures.az_outages]]
az = "us-east-1a"
start = "62m"
duration = "30m"
"#;
    let text = base(1, 1, 512, events);
    let (_, lives) = checked_lives(&text);
    let min = |m: u64| m * 60_000;
    assert_eq!(
        lives.instances,
        [
            ("i-00000001".to_string(), 0, Some(0), Some(min(61))),
            ("i-00000002".to_string(), min(61), None, Some(min(62))),
            ("i-00000003".to_string(), min(62), Some(min(64)), None),
        ]
    );
    assert_eq!(
        lives.tasks,
        [
            (
                0,
                "i-00000001".to_string(),
                Some(min(61)),
                "InstanceFailed".to_string()
            ),
            (min(61), "i-00000003".to_string(), None, String::new()),
        ]
    );
}
