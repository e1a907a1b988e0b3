//! The core model: every task accounted for, capacity never exceeded, startup latency built
//! from its parts, and ECS's rules for ports, ENIs, subnets and capacity providers.

use super::common::{config, run};
use ecsim::metrics::{Recorder, TaskRow};

/// Keeps every task row, owned, for assertions.
#[derive(Default)]
struct Rows(Vec<Row>);

#[derive(Debug, Clone)]
#[allow(dead_code)]
struct Row {
    origin: String,
    instance: String,
    az: String,
    provider: String,
    launch_type: String,
    created: u64,
    running: Option<u64>,
    pull_started: Option<u64>,
    stopped: Option<u64>,
    reason: String,
    cpu: u32,
    memory: u32,
    cost: f64,
}

impl Recorder for Rows {
    fn task(&mut self, r: &TaskRow<'_>) {
        self.0.push(Row {
            origin: r.origin.into(),
            instance: r.instance.into(),
            az: r.availability_zone.into(),
            provider: r.capacity_provider.into(),
            launch_type: r.launch_type.as_str().into(),
            created: r.created.0,
            running: r.running.map(|t| t.0),
            pull_started: r.pull_started.map(|t| t.0),
            stopped: r.stopped.map(|t| t.0),
            reason: r.stop_reason.into(),
            cpu: r.cpu,
            memory: r.memory,
            cost: r.cost_usd,
        });
    }
}

fn rows(text: &str) -> (ecsim::metrics::Summary, Vec<Row>) {
    let c = config(text);
    let mut rec = Rows::default();
    let s = crate::common::run_checked(&c, &mut rec).unwrap_or_else(|e| panic!("{e}"));
    (s, rec.0)
}

const BUSY: &str = r#"
horizon = "3h"
seed = 9
[cluster]
subnet_ips_per_az = 40
[[cluster.pools]]
name = "a"
instance_type = "t3.medium"
count = 4
[[cluster.pools]]
name = "b"
instance_type = "m5.xlarge"
count = 3
availability_zones = ["us-east-1a"]
[[taskDefinitions]]
family = "api"
cpu = 512
memory = 900
networkMode = "awsvpc"
[[taskDefinitions]]
family = "edge"
cpu = 256
memory = 256
networkMode = "bridge"
portMappings = [{ containerPort = 443, hostPort = 443 }]
[[taskDefinitions]]
family = "batch"
cpu = 1024
memory = 1500
requiresCompatibilities = ["EC2", "FARGATE"]
[[services]]
name = "api"
taskDefinition = "api"
desiredCount = 9
# Its AZs stay uneven (5, 2, 2: only 1a has room); rebalancing's one try would add a task
# these counts do not expect (tests/it/rebalancing.rs covers it).
availabilityZoneRebalancing = "DISABLED"
[[services]]
name = "edge"
taskDefinition = "edge"
desiredCount = 9
[[jobs]]
name = "batch-ec2"
taskDefinition = "batch"
launchType = "EC2"
placementStrategy = [{ type = "binpack", field = "cpu" }, { type = "spread", field = "instanceId" }]
arrival = { type = "poisson", rate_per_hour = 200 }
duration = { type = "exponential", mean = "4m" }
[[jobs]]
name = "batch-queued"
taskDefinition = "batch"
capacityProviderStrategy = [{ capacityProvider = "b", weight = 1 }]
placementStrategy = [{ type = "random" }]
arrival = { type = "poisson", rate_per_hour = 60 }
duration = { type = "uniform", min = "1m", max = "9m" }
[[jobs]]
name = "batch-fargate"
taskDefinition = "batch"
launchType = "FARGATE"
arrival = { type = "fixed_interval", interval = "7m" }
duration = { type = "constant", value = "3m" }
"#;

#[test]
fn every_task_is_accounted_for_and_capacity_never_exceeded() {
    let (s, rows) = rows(BUSY);
    // run_checked verified indexes and capacity bounds after every instant.
    assert_eq!(rows.len() as u64, s.tasks.created, "one row per task");
    let stopped = rows.iter().filter(|r| r.stopped.is_some()).count() as u64;
    let t = &s.tasks;
    assert_eq!(t.created, stopped + t.pending_at_end + t.running_at_end);
    assert_eq!(stopped, t.completed + t.rejected);
    assert_eq!(
        t.created,
        t.started + t.rejected + t.stopped_before_running + t.pending_at_end
    );
    assert_eq!(t.started, t.completed + t.running_at_end);
    assert!(
        s.tasks.rejected > 0,
        "the busy cluster should turn RunTask launches away"
    );
    for r in rows
        .iter()
        .filter(|r| !r.reason.is_empty() && r.reason != "EssentialContainerExited")
    {
        assert!(r.reason.starts_with("RESOURCE:"), "{r:?}");
        assert_eq!(
            r.origin, "batch-ec2",
            "only plain-EC2 RunTask launches fail fast"
        );
    }
}

#[test]
fn ports_enis_and_subnets_limit_density() {
    let (_, rows) = rows(BUSY);
    // Static host port 443: at most one edge task per instance, and 7 instances for 9 tasks.
    let mut edge_hosts: Vec<&str> = rows
        .iter()
        .filter(|r| r.origin == "edge" && !r.instance.is_empty())
        .map(|r| r.instance.as_str())
        .collect();
    let placed = edge_hosts.len();
    edge_hosts.sort();
    edge_hosts.dedup();
    assert_eq!(placed, edge_hosts.len());
    assert_eq!(placed, 7);
    // awsvpc without trunking: t3.medium holds 2 tasks, m5.xlarge 3: 4×2 + 3×3 = 17 ≥ 9.
    let api = rows
        .iter()
        .filter(|r| r.origin == "api" && !r.instance.is_empty())
        .count();
    assert_eq!(api, 9);
}

#[test]
fn startup_latency_is_built_from_its_parts() {
    let text = r#"
horizon = "1h"
timing = { eni_attach = "6s", pull_overhead = "3s", ec2_pull_mb_per_s = 50, container_start = "2s", fargate_provisioning = "20s", fargate_pull_mb_per_s = 10 }
[[cluster.pools]]
name = "a"
instance_type = "m5.xlarge"
count = 1
[[taskDefinitions]]
family = "svc"
cpu = 256
memory = 512
networkMode = "awsvpc"
image_size_mb = 200
requiresCompatibilities = ["EC2", "FARGATE"]
[[services]]
name = "on-ec2"
taskDefinition = "svc"
desiredCount = 2
[[services]]
name = "on-fargate"
taskDefinition = "svc"
desiredCount = 1
launchType = "FARGATE"
"#;
    let (_, rows) = rows(text);
    let ec2: Vec<&Row> = rows.iter().filter(|r| r.origin == "on-ec2").collect();
    // First task pulls: 6 s ENI + (3 s + 200 MB / 50 MB/s) + 2 s = 15 s. The second finds
    // the image cached on the instance: 6 s ENI + 2 s start.
    let mut pending: Vec<u64> = ec2.iter().map(|r| r.running.unwrap() - r.created).collect();
    pending.sort();
    assert_eq!(pending, vec![8_000, 15_000]);
    // Fargate: 20 s provisioning + 3 s + 200/10 s + 2 s = 45 s, billed from pull start.
    let f = rows.iter().find(|r| r.origin == "on-fargate").unwrap();
    assert_eq!(f.running.unwrap() - f.created, 45_000);
    assert_eq!(f.pull_started.unwrap() - f.created, 20_000);
    assert_eq!((f.cpu, f.memory), (256, 512));
}

#[test]
fn capacity_provider_base_and_weight_split_a_service() {
    let text = r#"
horizon = "10m"
[[taskDefinitions]]
family = "w"
cpu = 256
memory = 512
requiresCompatibilities = ["FARGATE"]
[[services]]
name = "w"
taskDefinition = "w"
desiredCount = 10
capacityProviderStrategy = [
  { capacityProvider = "FARGATE", base = 2, weight = 1 },
  { capacityProvider = "FARGATE_SPOT", weight = 3 },
]
"#;
    let (_, rows) = rows(text);
    let on = |p: &str| rows.iter().filter(|r| r.provider == p).count();
    assert_eq!((on("FARGATE"), on("FARGATE_SPOT")), (4, 6));
}

#[test]
fn service_default_placement_balances_azs() {
    let text = r#"
horizon = "10m"
[[cluster.pools]]
name = "a"
instance_type = "m5.2xlarge"
count = 6
[[taskDefinitions]]
family = "w"
cpu = 256
memory = 512
[[services]]
name = "w"
taskDefinition = "w"
desiredCount = 9
"#;
    let (_, rows) = rows(text);
    for az in ["us-east-1a", "us-east-1b", "us-east-1c"] {
        assert_eq!(rows.iter().filter(|r| r.az == az).count(), 3, "{az}");
    }
    let mut hosts: Vec<&str> = rows.iter().map(|r| r.instance.as_str()).collect();
    hosts.sort();
    hosts.dedup();
    assert_eq!(hosts.len(), 6, "spread by instance after AZ");
}

#[test]
fn changing_the_strategy_leaves_the_workload_unchanged() {
    let base = config(BUSY);
    let mut other = base.clone();
    for j in &mut other.jobs {
        j.placement.strategies.clear();
    }
    let mut a = Rows::default();
    let mut b = Rows::default();
    ecsim::sim::run(&base, &mut a);
    ecsim::sim::run(&other, &mut b);
    let arrivals = |rows: &Rows, job: &str| -> Vec<u64> {
        let mut t: Vec<u64> = rows
            .0
            .iter()
            .filter(|r| r.origin == job)
            .map(|r| r.created)
            .collect();
        t.sort();
        t
    };
    for job in ["batch-ec2", "batch-queued", "batch-fargate"] {
        assert_eq!(arrivals(&a, job), arrivals(&b, job), "{job}");
    }
}

#[test]
fn fargate_bills_per_second_from_pull_with_a_minimum() {
    let text = r#"
horizon = "1h"
timing = { instant = true }
[[taskDefinitions]]
family = "t"
cpu = 300
memory = 600
requiresCompatibilities = ["FARGATE"]
[[jobs]]
name = "short"
taskDefinition = "t"
launchType = "FARGATE"
arrival = { type = "scheduled", times = ["10m"] }
duration = { type = "constant", value = "30s" }
[[jobs]]
name = "long"
taskDefinition = "t"
launchType = "FARGATE"
arrival = { type = "scheduled", times = ["20m"] }
duration = { type = "constant", value = "90.4s" }
"#;
    let (s, rows) = rows(text);
    // 300/600 rounds up to 0.5 vCPU / 1 GB: $0.04048×0.5 + $0.004445×1 = $0.024685 per hour.
    let hourly = 0.04048 * 0.5 + 0.004445;
    let short = rows.iter().find(|r| r.origin == "short").unwrap();
    let long = rows.iter().find(|r| r.origin == "long").unwrap();
    assert_eq!((short.cpu, short.memory), (512, 1024));
    assert!(
        (short.cost - hourly * 60.0 / 3600.0).abs() < 1e-12,
        "minimum of one minute"
    );
    assert!(
        (long.cost - hourly * 91.0 / 3600.0).abs() < 1e-12,
        "rounded up to whole seconds"
    );
    assert!((s.cost_usd.fargate - short.cost - long.cost).abs() < 1e-12);
}

#[test]
fn ec2_instances_bill_for_the_window() {
    let text = r#"
horizon = "2h"
warmup = "1h"
[[cluster.pools]]
name = "a"
instance_type = "m5.large"
count = 2
"#;
    let s = run(&config(text));
    assert!(
        (s.cost_usd.ec2 - 2.0 * 0.096).abs() < 1e-12,
        "{}",
        s.cost_usd.ec2
    );
    assert_eq!(s.instances.peak, 2);
    assert!((s.instances.mean - 2.0).abs() < 1e-12);
}

#[test]
fn subnet_addresses_and_the_fargate_quota_cap_concurrency() {
    let text = r#"
horizon = "30m"
[cluster]
availability_zones = ["us-east-1a", "us-east-1b"]
subnet_ips_per_az = 2
[fargate]
max_concurrent_tasks = 3
[[taskDefinitions]]
family = "w"
cpu = 256
memory = 512
requiresCompatibilities = ["FARGATE"]
[[services]]
name = "w"
taskDefinition = "w"
desiredCount = 6
launchType = "FARGATE"
"#;
    let (s, rows) = rows(text);
    // The quota (3) binds before the subnets (2 + 2 addresses); the rest wait, not fail.
    assert_eq!(s.tasks.running_at_end, 3);
    assert_eq!(s.tasks.pending_at_end, 3);
    assert_eq!(s.tasks.rejected, 0);
    let in_az = |az: &str| {
        rows.iter()
            .filter(|r| r.az == az && r.running.is_some())
            .count()
    };
    assert_eq!(
        (in_az("us-east-1a"), in_az("us-east-1b")),
        (2, 1),
        "Fargate balances AZs"
    );

    let tight = text.replace("max_concurrent_tasks = 3", "max_concurrent_tasks = 10");
    let (s, _) = super::core::rows(&tight);
    // Now the subnets bind: two addresses per AZ.
    assert_eq!(s.tasks.running_at_end, 4);
    assert_eq!(s.tasks.pending_at_end, 2);
}

/// Samples' cumulative cost, in time order.
#[derive(Default)]
struct CostSeries(Vec<f64>);

impl Recorder for CostSeries {
    fn sample(&mut self, row: &ecsim::metrics::SampleRow<'_>) {
        self.0.push(row.cost_usd);
    }
}

#[test]
fn cost_so_far_never_decreases_when_fargate_tasks_start_in_bursts() {
    // Regression: a burst of Fargate launches, still provisioning, made the running cost dip.
    let text = r#"
horizon = "40m"
sample_interval = "1s"
[[taskDefinitions]]
family = "w"
cpu = 1024
memory = 2048
requiresCompatibilities = ["FARGATE"]
[[services]]
name = "base"
taskDefinition = "w"
desiredCount = 2
launchType = "FARGATE"
[[services]]
name = "burst"
taskDefinition = "w"
desiredCount = 0
launchType = "FARGATE"
[failures]
events = [{ at = "1000s", action = "set_desired_count", service = "burst", count = 20 }, { at = "1500s", action = "set_desired_count", service = "burst", count = 0 }]
"#;
    let c = config(text);
    let mut series = CostSeries::default();
    let s = ecsim::sim::run(&c, &mut series);
    assert!(series.0.len() > 2000);
    for w in series.0.windows(2) {
        assert!(w[1] >= w[0] - 1e-12, "cost went from {} to {}", w[0], w[1]);
    }
    assert!(*series.0.last().unwrap() <= s.cost_usd.total + 1e-9);
}

#[test]
fn a_job_streams_base_counts_its_live_tasks() {
    // Jobs never overlap, so each one finds the base unmet and runs on FARGATE.
    let text = r#"
horizon = "2h"
timing = { instant = true }
[[taskDefinitions]]
family = "j"
cpu = 256
memory = 512
requiresCompatibilities = ["FARGATE"]
[[jobs]]
name = "j"
taskDefinition = "j"
capacityProviderStrategy = [{ capacityProvider = "FARGATE", base = 1, weight = 0 }, { capacityProvider = "FARGATE_SPOT", weight = 1 }]
arrival = { type = "fixed_interval", interval = "10m" }
duration = { type = "constant", value = "1m" }
"#;
    let (_, rows) = rows(text);
    assert!(rows.len() >= 12);
    assert!(rows.iter().all(|r| r.provider == "FARGATE"), "{rows:?}");
}

#[test]
fn losses_not_restored_by_the_horizon_are_counted_not_dropped() {
    // The only instance dies 60 s before the end; its replacement needs 120 s to launch.
    let text = r#"
horizon = "1h"
timing = { instant = true, instance_launch = "120s" }
[cluster]
availability_zones = ["us-east-1a"]
[[cluster.pools]]
name = "a"
instance_type = "m5.large"
count = 1
[[taskDefinitions]]
family = "w"
cpu = 256
memory = 512
[[services]]
name = "w"
taskDefinition = "w"
desiredCount = 3
[failures]
events = [{ at = "59m", action = "kill_instance", pool = "a" }]
"#;
    let s = run(&config(text));
    assert_eq!(s.restart_latency_s.overall.count, 0);
    assert_eq!(s.restart_latency_s.unrestored_at_end, 3);
}

/// A recorder whose output fails at its third sample (a full disk, say).
struct FailsAtThirdSample {
    samples: u32,
}

impl Recorder for FailsAtThirdSample {
    fn wants_tasks(&self) -> bool {
        false
    }
    fn sample(&mut self, _row: &ecsim::metrics::SampleRow<'_>) {
        self.samples += 1;
    }
    fn failure(&self) -> Option<String> {
        (self.samples >= 3).then(|| "disk full".to_string())
    }
}

#[test]
fn a_failing_recorder_stops_the_run_at_once() {
    // Samples every minute from t = 0: the third is at 2 min, hours before the horizon.
    let c = config(
        r#"
horizon = "10h"
sample_interval = "1m"
[[cluster.pools]]
name = "p"
instance_type = "m5.large"
count = 1
[[taskDefinitions]]
family = "t"
cpu = 256
memory = 512
[[services]]
name = "s"
taskDefinition = "t"
desiredCount = 1
"#,
    );
    let mut recorder = FailsAtThirdSample { samples: 0 };
    let halt = ecsim::sim::run_with(&c, &mut recorder, Default::default()).unwrap_err();
    assert_eq!(
        halt,
        ecsim::sim::RunHalted::RecorderFailed {
            at: ecsim::time::SimTime(120_000),
            reason: "disk full".into()
        }
    );
    assert_eq!(recorder.samples, 3);
}
