//! ECS Managed Instances (issue 33): placement, provisioning, scale-in and the bill, each
//! expected value worked by hand from ecs-current.md §1 and the catalog.

use ecsim::metrics::{InstanceRow, Recorder, Summary, TaskRow};
use ecsim::scenario::load_str;
use std::path::Path;

/// Every task's (service or job name, instance, stopped ms, reason) and every instance's
/// (id, type, AZ, launched ms, terminated ms).
#[derive(Default)]
struct Lives {
    tasks: Vec<(String, String, Option<u64>, String)>,
    instances: Vec<(String, String, String, u64, Option<u64>)>,
    trace: Vec<String>,
}

impl Recorder for Lives {
    fn task(&mut self, r: &TaskRow<'_>) {
        self.tasks.push((
            r.origin.to_string(),
            r.instance.to_string(),
            r.stopped.map(|t| t.0),
            r.stop_reason.to_string(),
        ));
    }
    fn instance(&mut self, r: &InstanceRow<'_>) {
        self.instances.push((
            r.instance.to_string(),
            r.instance_type.to_string(),
            r.availability_zone.to_string(),
            r.launched.0,
            r.terminated.map(|t| t.0),
        ));
    }
    fn tracing(&self) -> bool {
        true
    }
    fn trace(&mut self, _at: ecsim::time::SimTime, line: &str) {
        self.trace.push(line.to_string());
    }
}

fn run(text: &str) -> (Summary, Lives) {
    let scenario = load_str(text, Path::new("test.toml"), &[]).unwrap_or_else(|e| panic!("{e}"));
    let mut lives = Lives::default();
    let summary =
        crate::common::run_checked(&scenario.config, &mut lives).expect("invariants hold");
    (summary, lives)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// AWS's deep-dive demo (ecs-current.md §1.9, cases 1 and 2), in two AZs with the
/// provider restricted to r5a.large (2 vCPU, 16 GiB: 16384 × 0.975 = 15974 MiB
/// registered). Service A: 2 × (1 vCPU, 9.5 GB = 9728 MiB); B: 2 × (1 vCPU, 5.5 GB =
/// 5632 MiB). By hand, with instances ACTIVE 30 s after launch and tasks running at once:
/// - 0 s: the four tasks wait; the batch spreads each service over the AZs (A, then B:
///   one of each per AZ) and one r5a.large holds A + B (2048 CPU, 15360 MiB): 2 launches.
/// - 30 s: both register; each takes one A and one B (AZ spread first, then the instance
///   with fewer of the service's tasks).
/// - 600 s: A's desired count goes to 0; its tasks stop, each instance's timer restarts.
/// - 900 s (scaleInAfter 300): the first timer finds its instance underutilized (B fits
///   on the other): it drains, B's replacement starts on the other instance, the old B
///   stops and the instance is terminated. The other timer was reset by that placement:
///   one instance drains, not both.
///
/// Bill: 900 s + 1500 s of r5a.large at $0.113 plus the fee 0.113 × 12% = $0.01356:
/// EC2 2400/3600 × 0.113 = $0.0753333, fee 2400/3600 × 0.01356 = $0.00904.
#[test]
fn the_deep_dive_demo_launches_two_r5a_large_and_consolidates_one() {
    let text = r#"
horizon = "1500s"
timing = { instant = true }
[cluster]
availability_zones = ["us-west-2a", "us-west-2b"]
[[managed_instances]]
name = "mi"
scaleInAfter = 300
batch_window = "0s"
launch_time = "30s"
instanceRequirements = { vCpuCount = { min = 1 }, memoryMiB = { min = 1024 }, allowedInstanceTypes = ["r5a.large"] }
[[taskDefinitions]]
family = "a"
cpu = 1024
memory = 9728
networkMode = "awsvpc"
requiresCompatibilities = ["MANAGED_INSTANCES"]
[[taskDefinitions]]
family = "b"
cpu = 1024
memory = 5632
networkMode = "awsvpc"
requiresCompatibilities = ["MANAGED_INSTANCES"]
[[services]]
name = "a"
taskDefinition = "a"
desiredCount = 2
capacityProviderStrategy = [{ capacityProvider = "mi", weight = 1 }]
[[services]]
name = "b"
taskDefinition = "b"
desiredCount = 2
capacityProviderStrategy = [{ capacityProvider = "mi", weight = 1 }]
[[failures.events]]
action = "set_desired_count"
at = "600s"
service = "a"
count = 0
"#;
    let (summary, lives) = run(text);
    assert_eq!(summary.scaling.instance_launches, 2);
    assert_eq!(summary.scaling.instance_terminations, 1);
    let types: Vec<&str> = lives.instances.iter().map(|i| i.1.as_str()).collect();
    assert_eq!(types, ["r5a.large", "r5a.large"]);
    assert_ne!(lives.instances[0].2, lives.instances[1].2, "one per AZ");
    let ended: Vec<Option<u64>> = lives.instances.iter().map(|i| i.4).collect();
    assert!(
        ended == [Some(900_000), None] || ended == [None, Some(900_000)],
        "{ended:?}"
    );
    let survivor = &lives.instances[ended.iter().position(Option::is_none).unwrap()].0;
    // At the horizon the two B tasks run on the survivor; the B task that was on the
    // drained instance stopped at 900 s as its instance was terminated.
    let b_alive: Vec<&String> = lives
        .tasks
        .iter()
        .filter(|t| t.0 == "b" && t.3.is_empty())
        .map(|t| &t.1)
        .collect();
    assert_eq!(b_alive, [survivor, survivor]);
    let moved: Vec<_> = lives
        .tasks
        .iter()
        .filter(|t| t.0 == "b" && !t.3.is_empty())
        .collect();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].2, Some(900_000));
    assert_eq!(moved[0].3, "InstanceTerminated");
    assert!(close(
        summary.cost_usd.managed_instances,
        2400.0 / 3600.0 * 0.113
    ));
    assert!(close(
        summary.cost_usd.management_fee,
        2400.0 / 3600.0 * 0.01356
    ));
    assert!(close(
        summary.cost_usd.total,
        summary.cost_usd.managed_instances + summary.cost_usd.management_fee
    ));
    assert_eq!(summary.cost_usd.ec2, 0.0);
    assert!(
        lives
            .trace
            .iter()
            .any(|l| l.contains("batched 4 waiting task(s); r5a.large is the cheapest type that holds 2 of them in us-west-2a")),
        "{:#?}",
        lives.trace
    );
}

/// One job task at a time on a provider with `scaleInAfter = 300`, instances ACTIVE at
/// once: the instance launched at 0 s for `times`' tasks (each running 1000 s).
fn idle(times: &str) -> (Summary, Lives) {
    run(&format!(
        r#"
horizon = "3000s"
timing = {{ instant = true }}
[cluster]
availability_zones = ["us-east-1a"]
[[managed_instances]]
name = "mi"
scaleInAfter = 300
batch_window = "0s"
launch_time = "0s"
instanceRequirements = {{ vCpuCount = {{ min = 1 }}, memoryMiB = {{ min = 1024 }}, allowedInstanceTypes = ["m7g.large"] }}
[[taskDefinitions]]
family = "j"
cpu = 1024
memory = 1024
networkMode = "awsvpc"
requiresCompatibilities = ["MANAGED_INSTANCES"]
runtimePlatform = {{ cpuArchitecture = "ARM64" }}
[[jobs]]
name = "j"
taskDefinition = "j"
capacityProviderStrategy = [{{ capacityProvider = "mi", weight = 1 }}]
arrival = {{ type = "scheduled", times = [{times}] }}
duration = {{ type = "constant", value = "1000s" }}
"#
    ))
}

/// ecs-current.md §1.9 case 4: the last task stops at 1,000 s → the instance leaves at
/// 1,300 s; a task placed on it at 1,200 s cancels that (it then stops at 2,200 s and the
/// instance leaves at 2,500 s). One launch either way.
#[test]
fn scale_in_after_an_idle_instance_and_a_task_that_cancels_it() {
    let (summary, lives) = idle("\"0s\"");
    assert_eq!(summary.scaling.instance_launches, 1);
    assert_eq!(lives.instances.len(), 1);
    assert_eq!(lives.instances[0].4, Some(1_300_000));
    let (summary, lives) = idle("\"0s\", \"1200s\"");
    assert_eq!(summary.scaling.instance_launches, 1);
    assert_eq!(lives.instances.len(), 1);
    assert_eq!(lives.instances[0].4, Some(2_500_000));
    assert_eq!(summary.tasks.started, 2);
}

/// The fee arithmetic (ecs-current.md §1.9 case 5): a c6a.2xlarge alive 90 s costs
/// 90/3600 × ($0.306 + $0.037) = $0.008575 (the published fee); alive 30 s it bills the
/// 60 s minimum on both parts: 60/3600 × $0.343 = $0.0057167.
#[test]
fn a_c6a_2xlarge_billed_per_second_with_its_published_fee() {
    let alive = |task_s: u32, idle_s: u32| {
        run(&format!(
            r#"
horizon = "600s"
timing = {{ instant = true }}
[cluster]
availability_zones = ["us-east-1a"]
[[managed_instances]]
name = "mi"
scaleInAfter = {idle_s}
batch_window = "0s"
launch_time = "0s"
instanceRequirements = {{ vCpuCount = {{ min = 1 }}, memoryMiB = {{ min = 1024 }}, allowedInstanceTypes = ["c6a.2xlarge"] }}
[[taskDefinitions]]
family = "j"
cpu = 1024
memory = 1024
networkMode = "host"
requiresCompatibilities = ["MANAGED_INSTANCES"]
[[jobs]]
name = "j"
taskDefinition = "j"
capacityProviderStrategy = [{{ capacityProvider = "mi", weight = 1 }}]
arrival = {{ type = "scheduled", times = ["0s"] }}
duration = {{ type = "constant", value = "{task_s}s" }}
"#
        ))
        .0
    };
    let s = alive(60, 30);
    assert!(close(s.cost_usd.managed_instances, 90.0 / 3600.0 * 0.306));
    assert!(close(s.cost_usd.management_fee, 90.0 / 3600.0 * 0.037));
    assert!(close(s.cost_usd.total, 0.008575), "{}", s.cost_usd.total);
    let s = alive(10, 20);
    assert!(
        close(s.cost_usd.total, 60.0 / 3600.0 * 0.343),
        "{}",
        s.cost_usd.total
    );
}

/// One service task on a provider whose instances are ACTIVE at once: `provider` lines go
/// in the provider's table.
fn one_task(horizon: &str, provider: &str) -> (Summary, Lives) {
    run(&format!(
        r#"
horizon = "{horizon}"
timing = {{ instant = true }}
[cluster]
availability_zones = ["us-east-1a"]
[[managed_instances]]
name = "mi"
batch_window = "0s"
launch_time = "0s"
instanceRequirements = {{ vCpuCount = {{ min = 1 }}, memoryMiB = {{ min = 1024 }}, allowedInstanceTypes = ["c6a.large"] }}
{provider}
[[taskDefinitions]]
family = "web"
cpu = 512
memory = 1024
networkMode = "awsvpc"
requiresCompatibilities = ["MANAGED_INSTANCES"]
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 1
capacityProviderStrategy = [{{ capacityProvider = "mi", weight = 1 }}]
"#
    ))
}

/// Spot (issue 33, item 6): c6a.large at 70% off $0.0765 = $0.02295 plus the fee on the
/// On-Demand rate, 12% × $0.0765 = $0.00918. Instance A registers at 0 s, its notice comes
/// 600 s later: it drains, the task's replacement waits, the batch launches B at 600 s, the
/// replacement runs there and the old task stops (SpotInterruption); A is reclaimed at the
/// end of the two-minute notice, 720 s. Billed: A 720 s + B 400 s (to the 1000 s horizon) =
/// 1120 s: EC2 1120/3600 × 0.02295, fee 1120/3600 × 0.00918.
#[test]
fn a_spot_instance_drains_on_its_notice_and_the_provider_replaces_it() {
    let (summary, lives) = one_task(
        "1000s",
        "capacityOptionType = \"SPOT\"\nspot_interruption = { type = \"constant\", value = \"600s\" }",
    );
    assert_eq!(summary.scaling.instance_launches, 2);
    let ends: Vec<(u64, Option<u64>)> = lives.instances.iter().map(|i| (i.3, i.4)).collect();
    assert_eq!(ends, [(0, Some(720_000)), (600_000, None)]);
    let stopped: Vec<(Option<u64>, &str)> = lives
        .tasks
        .iter()
        .filter(|t| !t.3.is_empty())
        .map(|t| (t.2, t.3.as_str()))
        .collect();
    assert_eq!(stopped, [(Some(600_000), "SpotInterruption")]);
    assert!(close(
        summary.cost_usd.managed_instances,
        1120.0 / 3600.0 * 0.0765 * 0.3
    ));
    assert!(close(
        summary.cost_usd.management_fee,
        1120.0 / 3600.0 * 0.0765 * 0.12
    ));
}

/// Recycling (item 5): with `recycle_after = "1h"` the instance launched at 0 s drains at
/// 3600 s; its task is replaced first on a new instance (launched and ACTIVE at once) and
/// then stops (InstanceTerminated); the drained instance is terminated at 3600 s. The
/// replacement's restart latency is 0 s (cause scale_in). `scaleInAfter = -1` keeps the
/// idle-instance rule out of it.
#[test]
fn an_instance_is_recycled_after_recycle_after_with_its_task_replaced_first() {
    let (summary, lives) = one_task("5400s", "scaleInAfter = -1\nrecycle_after = \"1h\"");
    assert_eq!(summary.scaling.instance_launches, 2);
    assert_eq!(summary.scaling.instance_terminations, 1);
    let ends: Vec<(u64, Option<u64>)> = lives.instances.iter().map(|i| (i.3, i.4)).collect();
    assert_eq!(ends, [(0, Some(3_600_000)), (3_600_000, None)]);
    let stopped: Vec<(Option<u64>, &str)> = lives
        .tasks
        .iter()
        .filter(|t| !t.3.is_empty())
        .map(|t| (t.2, t.3.as_str()))
        .collect();
    assert_eq!(stopped, [(Some(3_600_000), "InstanceTerminated")]);
    assert_eq!(summary.restart_latency_s.overall.count, 1);
    assert_eq!(summary.restart_latency_s.overall.max, 0.0);
    assert!(lives.trace.iter().any(|l| l.contains("due for patching")));
}
