//! The smaller scheduler changes of 2024–2026 (ecs-current §4.3–4.5, issue 34 item 6): the
//! container restart policy, managed instance draining on by default for Auto Scaling
//! group capacity providers, and Fargate's launch rate.

use crate::common::{config, run};
use ecsim::metrics::{Recorder, Summary, TaskRow};

/// One EC2 bridge-mode task, no image cache: pull overhead 3 s + 100 MB / 50 MB/s + start
/// 2 s = 7 s from creation to RUNNING; a container restarted in place is up again after
/// `timing.container_start`, 2 s. Horizon 1 h; `taskdef` is appended to the task
/// definition, `service` to the service.
fn one_task(taskdef: &str, service: &str) -> String {
    format!(
        r#"
horizon = "1h"
sample_interval = "10s"
[timing]
ec2_image_cache = false
[cluster]
availability_zones = ["us-east-1a"]
[[cluster.pools]]
name = "general"
instance_type = "m5.large"
count = 1
[[taskDefinitions]]
family = "web"
cpu = 512
memory = 512
networkMode = "bridge"
image_size_mb = 100
{taskdef}
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 1
launchType = "EC2"
crash_after = {{ type = "constant", value = "10m" }}
{service}
"#
    )
}

fn short(s: &Summary) -> f64 {
    s.task_seconds_short["web"]
}

/// Without a policy each crash replaces the task: RUNNING at 7 s, crashes at 607, 1214,
/// 1821, 2428, 3035 s (every 600 + 7 s), each replacement RUNNING 7 s later; the next
/// crash (3642 s) is past the horizon. 1 + 5 tasks, 5 restarts of 7 s; short 7 s at the
/// start + 5 × 7 = 42 task-seconds.
///
/// With `restartPolicy` (period 300 s, the default) each crash comes after 600 s ≥ 300 s
/// of running, so the container restarts in place, up 2 s later: crashes at 607, 1209,
/// 1811, 2413, 3015 s (every 600 + 2 s; the next, 3617 s, is past the horizon). One task,
/// no replacement, 5 container restarts; short 7 + 5 × 2 = 17 task-seconds.
#[test]
fn a_crash_restarts_the_container_in_place_instead_of_replacing_the_task() {
    let without = run(&config(&one_task("", "")));
    assert_eq!(without.tasks.created, 6);
    assert_eq!(without.restart_latency_s.overall.count, 5);
    assert_eq!(without.restart_latency_s.overall.max, 7.0);
    assert_eq!(without.restart_latency_s.container_restarts, 0);
    assert!((short(&without) - 42.0).abs() < 1e-9, "{}", short(&without));

    let with = run(&config(&one_task("restartPolicy = { enabled = true }", "")));
    assert_eq!(with.tasks.created, 1);
    assert_eq!(with.tasks.stopped_other, 0);
    assert_eq!(with.restart_latency_s.overall.count, 0);
    assert_eq!(with.restart_latency_s.container_restarts, 5);
    assert!((short(&with) - 17.0).abs() < 1e-9, "{}", short(&with));
    // The task kept its instance and bill: one instance, nothing launched.
    assert_eq!(with.scaling.instance_launches, 0);
    assert!((with.availability.min - (1.0 - 17.0 / 3600.0)).abs() < 1e-12);
}

/// ECS restarts a container only if it ran at least `restartAttemptPeriod`. Crashing 2 min
/// after each start, under the default 300 s it never qualifies: every crash replaces the
/// task as without a policy (crashes at 127 k s, replacement RUNNING 7 s later; 127 k ≤
/// 3600 for k ≤ 28: 28 replacements). With a 60 s period every crash restarts in place:
/// crashes at 127, then every 120 + 2 s: 127 + 122 k ≤ 3600 for k ≤ 28: 29 restarts.
#[test]
fn a_container_that_ran_less_than_the_attempt_period_is_not_restarted() {
    let crash = |policy: &str| {
        one_task(policy, "").replace(
            "crash_after = { type = \"constant\", value = \"10m\" }",
            "crash_after = { type = \"constant\", value = \"2m\" }",
        )
    };
    let default = run(&config(&crash("restartPolicy = { enabled = true }")));
    assert_eq!(default.restart_latency_s.container_restarts, 0);
    assert_eq!(default.restart_latency_s.overall.count, 28);
    let sixty = run(&config(&crash(
        "restartPolicy = { enabled = true, restartAttemptPeriod = 60 }",
    )));
    assert_eq!(sixty.restart_latency_s.container_restarts, 29);
    assert_eq!(sixty.restart_latency_s.overall.count, 0);
    assert_eq!(sixty.tasks.created, 1);
}

/// `ignoredExitCodes`: a crash exits with `crash_exit_code` (default 1). With 1 ignored the
/// task is replaced as without a policy (5 replacements, as above); with the crash exiting
/// 137 instead, the policy restarts it (5 in place). `enabled = false` is no policy.
#[test]
fn an_ignored_exit_code_ends_the_task() {
    let ignored = run(&config(&one_task(
        "restartPolicy = { enabled = true, ignoredExitCodes = [1] }",
        "",
    )));
    assert_eq!(ignored.restart_latency_s.container_restarts, 0);
    assert_eq!(ignored.restart_latency_s.overall.count, 5);
    let other = run(&config(&one_task(
        "restartPolicy = { enabled = true, ignoredExitCodes = [1] }\ncrash_exit_code = 137",
        "",
    )));
    assert_eq!(other.restart_latency_s.container_restarts, 5);
    let off = run(&config(&one_task(
        "restartPolicy = { enabled = false }",
        "",
    )));
    assert_eq!(off.restart_latency_s.container_restarts, 0);
    assert_eq!(off.tasks.created, 6);
}

/// A job's container ends its run with exit code 0, which ECS restarts too unless 0 is
/// ignored. One job task at 0 s running 400 s: RUNNING at 7 s, exits at 407 s after 400 s
/// ≥ 300 s, up again at 409 s, exits at 809 s, … every 402 s: 407 + 402 k ≤ 3600 for
/// k ≤ 7, so 8 restarts and the task never completes. With `ignoredExitCodes = [0]` it
/// completes at 407 s.
#[test]
fn a_job_exiting_zero_restarts_unless_zero_is_ignored() {
    let job = |policy: &str| {
        format!(
            r#"
horizon = "1h"
[timing]
ec2_image_cache = false
[[cluster.pools]]
name = "general"
instance_type = "m5.large"
count = 1
[[taskDefinitions]]
family = "report"
cpu = 512
memory = 512
networkMode = "bridge"
image_size_mb = 100
{policy}
[[jobs]]
name = "report"
taskDefinition = "report"
launchType = "EC2"
arrival = {{ type = "scheduled", times = ["0s"] }}
duration = {{ type = "constant", value = "400s" }}
"#
        )
    };
    let restarted = run(&config(&job("restartPolicy = { enabled = true }")));
    assert_eq!(restarted.restart_latency_s.container_restarts, 8);
    assert_eq!(restarted.tasks.completed, 0);
    assert_eq!(restarted.tasks.running_at_end, 1);
    let ignored = run(&config(&job(
        "restartPolicy = { enabled = true, ignoredExitCodes = [0] }",
    )));
    assert_eq!(ignored.restart_latency_s.container_restarts, 0);
    assert_eq!(ignored.tasks.completed, 1);
}

/// Two on-demand m5.large in us-east-1b/c and one Spot m5.large in us-east-1a noticed at
/// 1 h; three tasks spread one per instance (7 s startup as above). `spot_pool` goes on
/// the Spot pool, `launch` on the service.
fn spot(spot_pool: &str, launch: &str) -> String {
    format!(
        r#"
horizon = "3h"
[timing]
ec2_image_cache = false
[cluster]
availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
[[cluster.pools]]
name = "general"
instance_type = "m5.large"
count = 2
availability_zones = ["us-east-1b", "us-east-1c"]
[[cluster.pools]]
name = "spot"
instance_type = "m5.large"
count = 1
availability_zones = ["us-east-1a"]
spot = true
spot_interruption = {{ type = "constant", value = "1h" }}
{spot_pool}
[[taskDefinitions]]
family = "web"
cpu = 512
memory = 512
networkMode = "bridge"
image_size_mb = 100
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 3
availabilityZoneRebalancing = "DISABLED"
{launch}
"#
    )
}

#[derive(Default)]
struct Stops(Vec<(String, u64)>);

impl Recorder for Stops {
    fn task(&mut self, r: &TaskRow<'_>) {
        if let Some(t) = r.stopped {
            self.0.push((r.stop_reason.to_string(), t.0));
        }
    }
}

/// ECS turns managed draining on for a new Auto Scaling group capacity provider: a pool is
/// one when a strategy names it or it has managed scaling. A pool reached only through
/// `launchType = "EC2"` is not, and `managedDraining` set on a pool wins.
#[test]
fn managed_draining_is_on_for_capacity_provider_pools_only() {
    let drains = |text: &str| -> Vec<bool> {
        config(text)
            .pools
            .iter()
            .map(|p| p.managed_draining)
            .collect()
    };
    assert_eq!(drains(&spot("", "launchType = \"EC2\"")), [false, false]);
    let strategy = "capacityProviderStrategy = [{ capacityProvider = \"general\", base = 2, weight = 0 }, { capacityProvider = \"spot\", weight = 1 }]";
    assert_eq!(drains(&spot("", strategy)), [true, true]);
    assert_eq!(
        drains(&spot("managedDraining = false", strategy)),
        [true, false]
    );
    let scaled = spot("", "launchType = \"EC2\"").replace(
        "count = 2\n",
        "count = 2\nmanaged_scaling = { min_size = 2, max_size = 2 }\n",
    );
    assert_eq!(drains(&scaled), [true, false]);
}

/// The Spot notice at 3600 s. With managed draining the instance drains: the task on it is
/// replaced at once (RUNNING at 3607 s on an on-demand instance) and stops then, inside
/// the two-minute notice: 7 task-seconds short at the start × 3 tasks = 21, nothing
/// after. Without it (and without `spot_instance_draining`) the task runs until the
/// reclaim at 3720 s and its replacement runs at 3727 s: 21 + 7 = 28 task-seconds short.
/// The pool is reached through `launchType = "EC2"` so the replacement may land on the
/// on-demand instances; `managedDraining` is set on it as a capacity provider would have it.
#[test]
fn a_spot_notice_drains_the_instance_under_managed_draining() {
    let run_stops = |text: &str| {
        let mut stops = Stops::default();
        let s = ecsim::sim::run(&config(text), &mut stops);
        let spot: Vec<u64> = stops
            .0
            .iter()
            .filter(|(r, _)| r == "SpotInterruption")
            .map(|(_, t)| *t)
            .collect();
        (s, spot)
    };
    let ec2 = "launchType = \"EC2\"";
    let (drained, stops) = run_stops(&spot("managedDraining = true", ec2));
    assert_eq!(stops, [3_607_000]);
    assert!((short(&drained) - 21.0).abs() < 1e-9, "{}", short(&drained));
    assert_eq!(drained.restart_latency_s.by_cause["spot"].max, 7.0);
    let (killed, stops) = run_stops(&spot("managedDraining = false", ec2));
    assert_eq!(stops, [3_720_000]);
    assert!((short(&killed) - 28.0).abs() < 1e-9, "{}", short(&killed));
    // The pool's default here (no capacity provider) is the second case.
    let (default, _) = run_stops(&spot("", ec2));
    assert_eq!(short(&default), short(&killed));
}

#[derive(Default)]
struct Pulls(Vec<u64>);

impl Recorder for Pulls {
    fn task(&mut self, r: &TaskRow<'_>) {
        self.0.extend(r.pull_started.map(|t| t.0));
    }
}

/// 300 Fargate tasks asked for at 0 s (a service of 300). The bucket holds 100 and refills
/// 20 a second: 100 launch at 0 s, then one every 50 ms, the 300th at 200 × 50 ms = 10 s.
/// Each then provisions for 20 s before its image pull starts: pulls at 20 s (×100), 20.05
/// s, …, 30 s. Without the limit all 300 pull at 20 s.
#[test]
fn fargate_launches_beyond_the_bucket_wait_for_tokens() {
    let text = r#"
horizon = "2m"
[[taskDefinitions]]
family = "api"
cpu = 256
memory = 512
requiresCompatibilities = ["FARGATE"]
[[services]]
name = "api"
taskDefinition = "api"
desiredCount = 300
launchType = "FARGATE"
"#;
    let pulls = |text: &str| {
        let mut p = Pulls::default();
        ecsim::sim::run(&config(text), &mut p);
        p.0.sort_unstable();
        p.0
    };
    let limited = pulls(text);
    assert_eq!(limited.len(), 300);
    assert!(limited[..100].iter().all(|t| *t == 20_000));
    assert_eq!(limited[100], 20_050);
    assert_eq!(limited[199], 20_000 + 100 * 50);
    assert_eq!(limited[299], 30_000);
    let free = pulls(&format!("{text}\n[fargate]\nlaunch_burst = \"none\"\n"));
    assert!(free.iter().all(|t| *t == 20_000));
    // A bigger bucket: 250 at once, then 20/s: the 300th waits 50 × 50 ms = 2.5 s.
    let big = pulls(&format!("{text}\n[fargate]\nlaunch_burst = 250\n"));
    assert_eq!(big[299], 22_500);
}
