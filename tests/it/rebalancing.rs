//! Availability Zone rebalancing (issue 34 item 5), the hand checks of `ecs-current.md`
//! §4.1. An AZ outage from time zero keeps the tasks out of one AZ; when it ends the
//! service rebalances. Fargate tasks start in 20 + 3 + 0 + 2 = 25 s (no image).

use ecsim::metrics::{Recorder, TaskRow};
use ecsim::time::SimTime;

fn fargate(azs: &str, down: &str, desired: u32, extra: &str) -> String {
    format!(
        r#"
horizon = "1h"
[cluster]
availability_zones = {azs}
[[taskDefinitions]]
family = "web"
cpu = 256
memory = 512
requiresCompatibilities = ["FARGATE"]
image_size_mb = 0
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = {desired}
launchType = "FARGATE"
{extra}
[failures]
az_outages = [{{ az = "{down}", start = 0, duration = "10m" }}]
"#
    )
}

/// (created, AZ, stopped) of every task.
#[derive(Default)]
struct Rows(Vec<(f64, String, Option<f64>)>);

impl Recorder for Rows {
    fn task(&mut self, r: &TaskRow<'_>) {
        self.0.push((
            r.created.as_secs_f64(),
            r.availability_zone.to_string(),
            r.stopped.map(SimTime::as_secs_f64),
        ));
    }
}

fn rows(text: &str) -> Vec<(f64, String, Option<f64>)> {
    let mut r = Rows::default();
    crate::common::run_checked(&crate::common::config(text), &mut r)
        .unwrap_or_else(|e| panic!("{e}"));
    r.0
}

/// Tasks alive at the horizon per AZ, in the order `azs` lists them.
fn at_end(rows: &[(f64, String, Option<f64>)], azs: &[&str]) -> Vec<usize> {
    azs.iter()
        .map(|az| rows.iter().filter(|r| r.1 == *az && r.2.is_none()).count())
        .collect()
}

/// Most tasks alive at once after `from` (a task counts from creation to its stop).
fn peak_after(rows: &[(f64, String, Option<f64>)], from: f64) -> usize {
    let mut times: Vec<f64> = rows.iter().map(|r| r.0).filter(|t| *t >= from).collect();
    times.push(from);
    times
        .iter()
        .map(|&t| {
            rows.iter()
                .filter(|r| r.0 <= t && r.2.is_none_or(|s| s > t))
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn two_tasks_over_two_azs_move_from_2_0_to_1_1_with_one_extra_task() {
    let azs = ["us-east-1a", "us-east-1b"];
    let r = rows(&fargate(
        r#"["us-east-1a", "us-east-1b"]"#,
        "us-east-1b",
        2,
        "",
    ));
    // Until 600 s both run in 1a; at 600 s one task starts (in 1b, the fewest), RUNNING at
    // 625 s, when the newest in 1a stops: (1, 1), three tasks alive from 600 to 625 s.
    let late: Vec<_> = r.iter().filter(|t| t.0 >= 600.0).collect();
    assert_eq!(late.len(), 1, "{r:?}");
    assert_eq!((late[0].0, late[0].1.as_str()), (600.0, "us-east-1b"));
    assert_eq!(r.iter().filter(|t| t.2 == Some(625.0)).count(), 1);
    assert_eq!(peak_after(&r, 600.0), 3);
    assert_eq!(at_end(&r, &azs), [1, 1]);
}

#[test]
fn five_tasks_over_three_azs_move_from_3_2_0_to_2_2_1() {
    let azs = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let r = rows(&fargate(
        r#"["us-east-1a", "us-east-1b", "us-east-1c"]"#,
        "us-east-1c",
        5,
        "",
    ));
    // Fargate fills the fewest AZ, lowest first: a, b, a, b, a = (3, 2, 0). One move:
    // a task in 1c, then the newest in 1a stops: (2, 2, 1), balanced (5 ÷ 3 = 1 rest 2).
    assert_eq!(r.iter().filter(|t| t.0 >= 600.0).count(), 1);
    assert_eq!(at_end(&r, &azs), [2, 2, 1]);
}

#[test]
fn maximum_percent_100_never_rebalances() {
    let azs = ["us-east-1a", "us-east-1b"];
    let r = rows(&fargate(
        r#"["us-east-1a", "us-east-1b"]"#,
        "us-east-1b",
        2,
        "deploymentConfiguration = { minimumHealthyPercent = 50, maximumPercent = 100 }",
    ));
    assert_eq!(r.iter().filter(|t| t.0 >= 600.0).count(), 0);
    assert_eq!(at_end(&r, &azs), [2, 0]);
}

#[test]
fn disabled_and_ineligible_services_stay_where_they_are() {
    let azs = ["us-east-1a", "us-east-1b"];
    let off = fargate(
        r#"["us-east-1a", "us-east-1b"]"#,
        "us-east-1b",
        2,
        "availabilityZoneRebalancing = \"DISABLED\"",
    );
    assert_eq!(at_end(&rows(&off), &azs), [2, 0]);
    let binpack = fargate(
        r#"["us-east-1a", "us-east-1b"]"#,
        "us-east-1b",
        2,
        "placementStrategy = [{ type = \"binpack\", field = \"memory\" }]\navailabilityZoneRebalancing = \"ENABLED\"",
    );
    let err = ecsim::scenario::load_str(&binpack, std::path::Path::new("t.toml"), &[])
        .expect_err("ENABLED on a binpack service is refused")
        .to_string();
    assert!(
        err.contains("services[0].availabilityZoneRebalancing"),
        "{err}"
    );
    assert!(
        err.contains("first placement strategy is not spread"),
        "{err}"
    );
}

#[test]
fn on_ec2_rebalancing_uses_existing_instances_only() {
    // A pool per AZ, one task per m5.large (4000 MiB of its ~7.5 GiB). The outage takes
    // 1b's instance and its task (replaced on 1a's second instance: (2, 0));
    // pool b has no other AZ, so its instance comes back with 1b, registering at 600 +
    // 120 s (instance_launch) = 720 s: the move starts then, into 1b.
    let text = |b_type: &str| {
        format!(
            r#"
horizon = "1h"
[cluster]
availability_zones = ["us-east-1a", "us-east-1b"]
[[cluster.pools]]
name = "a"
instance_type = "m5.large"
count = 2
availability_zones = ["us-east-1a"]
[[cluster.pools]]
name = "b"
instance_type = "{b_type}"
count = 1
availability_zones = ["us-east-1b"]
[[taskDefinitions]]
family = "web"
cpu = 256
memory = 4000
networkMode = "bridge"
image_size_mb = 0
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 2
launchType = "EC2"
[failures]
az_outages = [{{ az = "us-east-1b", start = "5m", duration = "5m" }}]
"#
        )
    };
    let azs = ["us-east-1a", "us-east-1b"];
    let r = rows(&text("m5.large"));
    assert_eq!(at_end(&r, &azs), [1, 1], "{r:?}");
    let late: Vec<_> = r.iter().filter(|t| t.0 > 300.0).collect();
    assert_eq!(late.len(), 1, "{r:?}");
    assert_eq!((late[0].0, late[0].1.as_str()), (720.0, "us-east-1b"));
    // 1b's instance too small for the task (a t3.medium registers less than 4000 MiB): both
    // tasks run in 1a from the start. No existing instance in 1b has room, so no task
    // is started for a move (and no instance launched): two tasks in all.
    let r = rows(&text("t3.medium"));
    assert_eq!(at_end(&r, &azs), [2, 0], "{r:?}");
    assert_eq!(r.len(), 2, "{r:?}");
}
