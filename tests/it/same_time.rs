//! The same-time rule (`sim::events::EventClass`) as the model lives it: at one instant,
//! events run class by class, each seeing what the earlier classes left. Each test sets
//! two events at one millisecond so that the other order would give a different count.

use crate::common::{config, run};
use ecsim::metrics::{NullRecorder, Recorder, SampleRow};

/// An instance type that holds exactly one 1-vCPU task, a task definition, `top` (keys
/// before any table) and `tables` (pools, jobs) appended.
fn one_slot(top: &str, tables: &str) -> String {
    format!(
        r#"
{top}
name = "same-time"
seed = 1
horizon = "300s"
warmup = "0s"
sample_interval = "60s"

[[instance_types]]
name = "one-slot"
vcpu = 1
memory_gib = 2
registered_memory_mib = 2048

[[taskDefinitions]]
family = "work"
cpu = 1024
memory = 512
{tables}
"#
    )
}

#[test]
fn a_task_exit_frees_its_place_for_an_arrival_at_the_same_instant() {
    // The first task runs 0-100 s on the only slot; the second arrives at 100 s as a plain
    // RunTask, which fails when nothing fits. Exit (class Exit) before arrival (class
    // Arrival): it is placed, so 2 started and none rejected. The other order: 1 rejected.
    let c = config(&one_slot(
        "timing = { instant = true }",
        r#"
[[cluster.pools]]
name = "servers"
instance_type = "one-slot"
count = 1

[[jobs]]
name = "first"
taskDefinition = "work"
launchType = "EC2"
arrival = { type = "scheduled", times = ["0s"] }
duration = { type = "constant", value = "100s" }

[[jobs]]
name = "second"
taskDefinition = "work"
launchType = "EC2"
arrival = { type = "scheduled", times = ["100s"] }
duration = { type = "constant", value = "10s" }
"#,
    ));
    let s = run(&c);
    assert_eq!((s.tasks.started, s.tasks.rejected), (2, 0), "{:?}", s.tasks);
}

#[test]
fn an_instance_registering_at_a_tasks_last_instant_in_provisioning_takes_it() {
    // The only instance fails at 100 s; its replacement registers after the 120 s launch,
    // at 220 s. A job arriving at 100 s through the pool's capacity provider waits in
    // PROVISIONING, and its 120 s provisioning timeout runs out at 220 s too. Registration
    // before expiry: it is placed (1 started, 0 stopped before running). The other order
    // would stop it with TimedOutWaitingForCapacity.
    let c = config(&one_slot(
        r#"timing = { instance_launch = "120s" }"#,
        r#"
[cluster]
provisioning_timeout = "120s"

[[cluster.pools]]
name = "servers"
instance_type = "one-slot"
count = 1
instance_failure = { type = "constant", value = "100s" }

[[jobs]]
name = "late"
taskDefinition = "work"
capacityProviderStrategy = [{ capacityProvider = "servers", weight = 1 }]
arrival = { type = "scheduled", times = ["100s"] }
duration = { type = "constant", value = "10s" }
"#,
    ));
    let s = run(&c);
    assert_eq!(
        (
            s.tasks.created,
            s.tasks.started,
            s.tasks.stopped_before_running
        ),
        (1, 1, 0),
        "{:?}",
        s.tasks
    );
}

/// The running-task count of each sample row, by time in seconds.
#[derive(Default)]
struct Samples(Vec<(u64, u32)>);

impl Recorder for Samples {
    fn sample(&mut self, row: &SampleRow<'_>) {
        self.0.push((row.time.0 / 1000, row.running_tasks));
    }
}

#[test]
fn a_sample_shows_the_state_after_everything_at_its_instant() {
    // A task arrives at 60 s and, with instant timing, is RUNNING at once; the sample at
    // 60 s (class Sample, last) counts it. Were samples first, the 60 s row would say 0.
    let c = config(&one_slot(
        "timing = { instant = true }",
        r#"
[[cluster.pools]]
name = "servers"
instance_type = "one-slot"
count = 1

[[jobs]]
name = "at-a-minute"
taskDefinition = "work"
launchType = "EC2"
arrival = { type = "scheduled", times = ["60s"] }
duration = { type = "constant", value = "30s" }
"#,
    ));
    let mut samples = Samples::default();
    ecsim::sim::run(&c, &mut samples);
    let at = |t: u64| samples.0.iter().find(|(time, _)| *time == t).map(|s| s.1);
    assert_eq!((at(0), at(60), at(120)), (Some(0), Some(1), Some(0)));
}

#[test]
fn the_window_opens_before_an_arrival_at_the_end_of_the_warm_up() {
    // Warm-up ends at 60 s, when a task arrives. The window opens first (class Window), so
    // the task is created inside it: created 1, nothing carried over from the warm-up.
    // Were the arrival first, it would be a warm-up task running at the window's start.
    let text = one_slot(
        "timing = { instant = true }",
        r#"
[[cluster.pools]]
name = "servers"
instance_type = "one-slot"
count = 1

[[jobs]]
name = "at-the-window"
taskDefinition = "work"
launchType = "EC2"
arrival = { type = "scheduled", times = ["60s"] }
duration = { type = "constant", value = "30s" }
"#,
    )
    .replace("warmup = \"0s\"", "warmup = \"60s\"");
    let s = ecsim::sim::run(&config(&text), &mut NullRecorder);
    assert_eq!(s.tasks.created, 1, "{:?}", s.tasks);
    assert_eq!(s.tasks.carried_over.running_at_start, 0, "{:?}", s.tasks);
}

#[test]
fn a_task_already_waiting_takes_the_place_a_stopped_service_task_frees_before_its_replacement() {
    // `stop_task` offers freed capacity to the tasks already waiting before the stopped
    // task's service hears of the stop (and launches a replacement). The only slot holds
    // the service's one task from 0 s; a job arriving at 50 s through the pool's capacity
    // provider waits in PROVISIONING. At 100 s the service task is stopped (StopTask): the
    // job takes the slot at 100 s and runs 10 s, and the replacement, waiting meanwhile,
    // takes it at 110 s: 3 created, 3 started, none pending at the end, the replacement
    // RUNNING at the end. Were the service told first, its replacement would take the
    // slot at 100 s and keep it: 2 started, the job pending at the end.
    let c = config(&one_slot(
        "timing = { instant = true }",
        r#"
[[cluster.pools]]
name = "servers"
instance_type = "one-slot"
count = 1

[[services]]
name = "web"
taskDefinition = "work"
desiredCount = 1
launchType = "EC2"

[[jobs]]
name = "waiting"
taskDefinition = "work"
capacityProviderStrategy = [{ capacityProvider = "servers", weight = 1 }]
arrival = { type = "scheduled", times = ["50s"] }
duration = { type = "constant", value = "10s" }

[[failures.events]]
action = "kill_tasks"
at = "100s"
service = "web"
count = 1
"#,
    ));
    let s = run(&c);
    let t = &s.tasks;
    assert_eq!(
        (t.created, t.started, t.pending_at_end, t.running_at_end),
        (3, 3, 0, 1),
        "{t:?}"
    );
}
