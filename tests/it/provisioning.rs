//! ECS's PROVISIONING limits (issue 9): `cluster.max_provisioning_tasks` and
//! `cluster.provisioning_timeout`. Every expected value below is worked by hand from a
//! one-slot cluster: one instance that holds exactly one task, reached through a capacity
//! provider without managed scaling, and instant timing so a placed task runs at once.

use ecsim::metrics::{Recorder, Summary, TaskRow};
use ecsim::scenario::load_str;
use std::path::Path;

#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: u64,
    created_s: u64,
    running_s: Option<u64>,
    stopped_s: Option<u64>,
    reason: String,
}

#[derive(Default)]
struct Keep {
    tasks: Vec<Row>,
    trace: Vec<String>,
}

impl Recorder for Keep {
    fn task(&mut self, r: &TaskRow<'_>) {
        self.tasks.push(Row {
            id: r.task_id,
            created_s: r.created.0 / 1000,
            running_s: r.running.map(|t| t.0 / 1000),
            stopped_s: r.stopped.map(|t| t.0 / 1000),
            reason: r.stop_reason.to_string(),
        });
    }
    fn tracing(&self) -> bool {
        true
    }
    fn trace(&mut self, _at: ecsim::time::SimTime, line: &str) {
        self.trace.push(line.to_string());
    }
}

fn run(text: &str) -> (Summary, Keep) {
    let scenario = load_str(text, Path::new("test.toml"), &[]).unwrap_or_else(|e| panic!("{e}"));
    let mut keep = Keep::default();
    let summary = ecsim::sim::run(&scenario.config, &mut keep);
    keep.tasks.sort_by_key(|r| r.id);
    (summary, keep)
}

/// One instance that holds one task, behind capacity provider `slot`; `cluster` lines go
/// in `[cluster]`, `rest` after the task definition.
fn one_slot(horizon: &str, cluster: &str, rest: &str) -> String {
    format!(
        r#"
name = "provisioning"
horizon = "{horizon}"
timing = {{ instant = true }}

[cluster]
availability_zones = ["us-east-1a"]
{cluster}

[[instance_types]]
name = "one-slot"
vcpu = 1
memory_gib = 2
registered_memory_mib = 2048

[[cluster.pools]]
name = "slot"
instance_type = "one-slot"
count = 1

[[taskDefinitions]]
family = "work"
cpu = 1024
memory = 512

{rest}
"#
    )
}

fn jobs(times: &str, count: u32, duration: &str) -> String {
    format!(
        r#"[[jobs]]
name = "batch"
taskDefinition = "work"
capacityProviderStrategy = [{{ capacityProvider = "slot", weight = 1 }}]
arrival = {{ type = "scheduled", times = [{times}], count = {count} }}
duration = {{ type = "constant", value = "{duration}" }}
"#
    )
}

/// Five RunTask tasks at once, cap 3: task 1 takes the slot, tasks 2-4 wait (three
/// waiting: the cap), task 5 is refused. At 1 h task 1 ends and task 2 runs until 2 h,
/// then task 3; at the 2 h 30 m horizon task 3 runs and task 4 still waits.
#[test]
fn over_the_cap_runtask_is_refused_and_the_waiting_keep_their_place() {
    let text = one_slot(
        "2h30m",
        "max_provisioning_tasks = 3\nprovisioning_timeout = \"none\"",
        &jobs("\"0s\"", 5, "1h"),
    );
    let (s, keep) = run(&text);
    let t = &s.tasks;
    assert_eq!(
        (t.created, t.rejected, t.started, t.completed),
        (5, 1, 3, 2)
    );
    assert_eq!((t.running_at_end, t.pending_at_end), (1, 1));
    assert_eq!(t.stopped_before_running, 0);
    let refused: Vec<u64> = keep
        .tasks
        .iter()
        .filter(|r| r.reason == "TasksProvisioningCapacityLimitExceeded")
        .map(|r| r.id)
        .collect();
    assert_eq!(refused, [5]);
    let ran: Vec<(u64, Option<u64>)> = keep.tasks.iter().map(|r| (r.id, r.running_s)).collect();
    assert_eq!(
        ran,
        [
            (1, Some(0)),
            (2, Some(3600)),
            (3, Some(7200)),
            (4, None),
            (5, None)
        ]
    );
    assert!(
        keep.trace
            .iter()
            .any(|l| l.starts_with("task 5 (job batch) refused by RunTask: Tasks provisioning capacity limit exceeded (3 tasks")),
        "{:#?}",
        keep.trace
    );
}

/// Timeout 10 min, tasks of 12 min at 0, 0, 5, 8 and 20 min. Task 1 runs 0-12. Task 2
/// waits from 0 and is stopped at 10. Task 3 (from 5, due out at 15) takes the slot at 12
/// and runs to 24. Task 4 (from 8) is still waiting at 18 and is stopped. Task 5 (from 20,
/// due out at 30) takes the slot at 24.
#[test]
fn a_task_still_waiting_after_the_timeout_stops() {
    let text = one_slot(
        "1h",
        "provisioning_timeout = \"10m\"",
        &jobs("\"0s\", \"0s\", \"5m\", \"8m\", \"20m\"", 1, "12m"),
    );
    let (s, keep) = run(&text);
    let got: Vec<(u64, Option<u64>, Option<u64>, &str)> = keep
        .tasks
        .iter()
        .map(|r| (r.created_s, r.running_s, r.stopped_s, r.reason.as_str()))
        .collect();
    let exited = "EssentialContainerExited";
    let timed_out = "TimedOutWaitingForCapacity";
    assert_eq!(
        got,
        [
            (0, Some(0), Some(720), exited),
            (0, None, Some(600), timed_out),
            (300, Some(720), Some(1440), exited),
            (480, None, Some(1080), timed_out),
            (1200, Some(1440), Some(2160), exited),
        ]
    );
    let t = &s.tasks;
    assert_eq!(
        (t.created, t.started, t.completed, t.stopped_before_running),
        (5, 3, 3, 2)
    );
    assert_eq!(
        t.created,
        t.started + t.rejected + t.stopped_before_running + t.pending_at_end
    );
    assert!(keep.trace.iter().any(|l| l
        == "task 2 (job batch) found no capacity in 600 s in PROVISIONING (cluster.provisioning_timeout): ECS stops it"));
}

fn service(desired: u32) -> String {
    format!(
        r#"[[services]]
name = "web"
taskDefinition = "work"
desiredCount = {desired}
capacityProviderStrategy = [{{ capacityProvider = "slot", weight = 1 }}]
"#
    )
}

/// A service of two on one slot, timeout 10 min: task 1 runs; task 2 waits and stops at
/// 10 min, its replacement (task 3) at 20, task 4 at 30; task 5, created at 30, still
/// waits at the 35 min horizon. None of them ran, so no loss is owed a restart.
#[test]
fn a_service_replaces_a_timed_out_task_like_any_other_loss() {
    let text = one_slot("35m", "provisioning_timeout = \"10m\"", &service(2));
    let (s, keep) = run(&text);
    let created: Vec<u64> = keep.tasks.iter().map(|r| r.created_s).collect();
    assert_eq!(created, [0, 0, 600, 1200, 1800]);
    let stopped: Vec<Option<u64>> = keep.tasks.iter().map(|r| r.stopped_s).collect();
    assert_eq!(stopped, [None, Some(600), Some(1200), Some(1800), None]);
    let t = &s.tasks;
    assert_eq!(
        (
            t.created,
            t.started,
            t.stopped_before_running,
            t.pending_at_end,
            t.running_at_end
        ),
        (5, 1, 3, 1, 1)
    );
    assert_eq!(s.restart_latency_s.overall.count, 0);
    assert_eq!(s.restart_latency_s.unrestored_at_end, 0);
}

/// A service of three on one slot, cap 1, timeout 10 min: task 1 runs, task 2 waits (the
/// cap) and the third launch creates no task: the service is held back. At 10 min task 2
/// times out; its replacement (task 3) takes the one place and the held-back launch is
/// refused again; the same at 20 min (task 4). Four tasks in all, none rejected.
#[test]
fn a_service_over_the_cap_is_held_back_without_creating_tasks() {
    let text = one_slot(
        "25m",
        "max_provisioning_tasks = 1\nprovisioning_timeout = \"10m\"",
        &service(3),
    );
    let (s, keep) = run(&text);
    let created: Vec<u64> = keep.tasks.iter().map(|r| r.created_s).collect();
    assert_eq!(created, [0, 0, 600, 1200]);
    let t = &s.tasks;
    assert_eq!(
        (
            t.created,
            t.rejected,
            t.started,
            t.stopped_before_running,
            t.pending_at_end
        ),
        (4, 0, 1, 2, 1)
    );
    let held = keep
        .trace
        .iter()
        .filter(|l| {
            l.starts_with("service web: launch refused, Tasks provisioning capacity limit exceeded")
        })
        .count();
    assert_eq!(held, 3, "at 0, 10 and 20 min");
}

/// Textbook queues (`timing.instant`) keep unlimited room and patience unless a limit is
/// set: an overloaded M/M/1 (twice as much work as the one slot serves) whose waits run to
/// hours gives the same results as with both limits written as "none", and the ECS
/// timeout, set, stops tasks.
#[test]
fn textbook_queues_wait_without_limits_unless_one_is_set() {
    let arrivals = r#"[[jobs]]
name = "batch"
taskDefinition = "work"
capacityProviderStrategy = [{ capacityProvider = "slot", weight = 1 }]
arrival = { type = "poisson", rate_per_hour = 120 }
duration = { type = "exponential", mean = "1m" }
"#;
    let default = run(&one_slot("12h", "", arrivals)).0;
    let none = run(&one_slot(
        "12h",
        "max_provisioning_tasks = \"none\"\nprovisioning_timeout = \"none\"",
        arrivals,
    ))
    .0;
    assert_eq!(
        serde_json::to_string(&default).unwrap(),
        serde_json::to_string(&none).unwrap()
    );
    assert_eq!(default.tasks.stopped_before_running, 0);
    // ρ = 2: about 1440 arrivals, 720 served, the rest still waiting, most for hours.
    assert!(default.pending_time_s.waiting_at_end.count > 500);
    let timed = run(&one_slot("12h", "provisioning_timeout = \"30m\"", arrivals)).0;
    assert!(
        timed.tasks.stopped_before_running > 500,
        "{:?}",
        timed.tasks
    );
}

/// The limits bind only tasks sent to an Auto Scaling group capacity provider: a service
/// on the plain EC2 launch type waits past the timeout as before.
#[test]
fn a_plain_launch_type_is_outside_the_limits() {
    let rest = r#"[[services]]
name = "web"
taskDefinition = "work"
desiredCount = 3
launchType = "EC2"
"#;
    let (s, _) = run(&one_slot(
        "1h",
        "max_provisioning_tasks = 1\nprovisioning_timeout = \"10m\"",
        rest,
    ));
    assert_eq!(
        (s.tasks.created, s.tasks.started, s.tasks.pending_at_end),
        (3, 1, 2)
    );
}
