//! GPUs (issue 15): task definitions reserve whole GPUs, instances register them, placement
//! and managed scaling count them, Fargate refuses them, and `compare` keeps GPU work on
//! EC2. Expected values are worked by hand from the catalog's GPU counts.

use super::common::config;
use ecsim::metrics::{Recorder, Summary, TaskRow};
use std::path::Path;
use std::process::Command;

/// (origin, instance, stop reason) of every task.
#[derive(Default)]
struct Rows(Vec<(String, String, String)>);

impl Recorder for Rows {
    fn task(&mut self, r: &TaskRow<'_>) {
        self.0
            .push((r.origin.into(), r.instance.into(), r.stop_reason.into()));
    }
}

fn rows(text: &str) -> (Summary, Vec<(String, String, String)>) {
    let c = config(text);
    let mut rec = Rows::default();
    let s = crate::common::run_checked(&c, &mut rec).unwrap_or_else(|e| panic!("{e}"));
    (s, rec.0)
}

/// Two g4dn.xlarge (4 vCPU, 16 GiB, 1 GPU each). At 1 min three RunTask calls for a
/// 1-vCPU / 2-GiB / 1-GPU task: the first two take one instance's GPU each, the third
/// finds 3072 CPU units and over 13 GiB free on both instances but no GPU, so RunTask
/// fails with RESOURCE:GPU. At 2 min a task without GPUs still fits beside them.
#[test]
fn two_one_gpu_instances_run_two_of_three_gpu_tasks_and_refuse_the_third_on_gpus() {
    let (s, rows) = rows(
        r#"
name = "gpu"
horizon = "30m"
[[cluster.pools]]
name = "gpu"
instance_type = "g4dn.xlarge"
count = 2
[[taskDefinitions]]
family = "infer"
cpu = 1024
memory = 2048
resourceRequirements = [{ type = "GPU", value = "1" }]
[[taskDefinitions]]
family = "cpu-only"
cpu = 1024
memory = 2048
[[jobs]]
name = "infer"
taskDefinition = "infer"
launchType = "EC2"
arrival = { type = "scheduled", times = ["1m"], count = 3 }
duration = { type = "constant", value = "10m" }
[[jobs]]
name = "cpu-only"
taskDefinition = "cpu-only"
launchType = "EC2"
arrival = { type = "scheduled", times = ["2m"] }
duration = { type = "constant", value = "10m" }
"#,
    );
    assert_eq!(
        (s.tasks.created, s.tasks.started, s.tasks.rejected),
        (4, 3, 1)
    );
    let infer: Vec<_> = rows.iter().filter(|r| r.0 == "infer").collect();
    let refused: Vec<_> = infer
        .iter()
        .filter(|r| r.2 != "EssentialContainerExited")
        .collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].2, "RESOURCE:GPU");
    let mut placed: Vec<&str> = infer
        .iter()
        .filter(|r| !r.1.is_empty())
        .map(|r| r.1.as_str())
        .collect();
    placed.sort();
    placed.dedup();
    assert_eq!(placed.len(), 2, "one GPU task per instance: {infer:?}");
    assert!(rows.iter().any(|r| r.0 == "cpu-only" && !r.1.is_empty()));
}

/// A g4dn.12xlarge (48 vCPU, 192 GiB, 4 GPUs) Auto Scaling group with one instance and ten
/// 1-vCPU / 2-GiB one-GPU tasks waiting. CPU and memory would hold all ten on one
/// instance; GPUs hold four. So 4 run, 6 wait, and the estimate is ceil(6 / 4) = 2
/// instances: M = 1 + 2 = 3 of N = 1, desired 3, two launched at the first tick, after
/// which all ten run (4 + 4 + 2) and no further launch is needed.
#[test]
fn managed_scaling_launches_enough_instances_for_the_gpu_tasks() {
    let text = r#"
name = "gpu-asg"
horizon = "1h"
[[cluster.pools]]
name = "asg"
instance_type = "g4dn.12xlarge"
count = 1
managed_scaling = { max_size = 10 }
[[taskDefinitions]]
family = "train"
cpu = 1024
memory = 2048
resourceRequirements = [{ type = "GPU", value = "1" }]
[[jobs]]
name = "train"
taskDefinition = "train"
capacityProviderStrategy = [{ capacityProvider = "asg", weight = 1 }]
arrival = { type = "scheduled", times = ["10s"], count = 10 }
duration = { type = "constant", value = "40m" }
"#;
    let s = ecsim::sim::run(&config(text), &mut ecsim::metrics::NullRecorder);
    assert_eq!(s.scaling.instance_launches, 2);
    assert_eq!(s.instances.peak, 3);
    assert_eq!((s.tasks.started, s.tasks.rejected), (10, 0));
}

fn validate(text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["validate", &path.display().to_string()])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fargate_refuses_gpu_tasks_with_a_located_error() {
    let (code, err) = validate(
        r#"name = "fargate-gpu"
horizon = "1h"
[[taskDefinitions]]
family = "infer"
cpu = 1024
memory = 2048
requiresCompatibilities = ["EC2", "FARGATE"]
resourceRequirements = [{ type = "GPU", value = "1" }]
[[services]]
name = "infer"
taskDefinition = "infer"
desiredCount = 1
launchType = "FARGATE"
"#,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("s.toml:8:"), "{err}");
    assert!(
        err.contains("taskDefinitions[0].resourceRequirements")
            && err.contains("Fargate has no GPUs")
            && err.contains("allowed: requiresCompatibilities = [\"EC2\"]"),
        "{err}"
    );
}

#[test]
fn bad_gpu_counts_and_gpu_tasks_without_gpu_instances_are_located_errors() {
    let scenario = |pool: &str, value: &str| {
        format!(
            r#"name = "g"
horizon = "1h"
[[cluster.pools]]
name = "p"
instance_type = "{pool}"
count = 1
[[taskDefinitions]]
family = "infer"
cpu = 1024
memory = 2048
resourceRequirements = [{{ type = "GPU", value = {value} }}]
[[services]]
name = "infer"
taskDefinition = "infer"
desiredCount = 1
"#
        )
    };
    // ECS assigns whole GPUs only.
    let (code, err) = validate(&scenario("g5.xlarge", "\"0.5\""));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("s.toml:11:") && err.contains("resourceRequirements[0].value"),
        "{err}"
    );
    // An m5.large has no GPU: the task could never be placed.
    let (code, err) = validate(&scenario("m5.large", "\"1\""));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("services[0].taskDefinition") && err.contains("1 GPU(s)"),
        "{err}"
    );
    // A g5.xlarge has one: two do not fit it.
    let (code, err) = validate(&scenario("g5.xlarge", "2"));
    assert_eq!(code, 2, "{err}");
    let (code, err) = validate(&scenario("g5.xlarge", "1"));
    assert_eq!(code, 0, "{err}");
}

/// ECS JSON puts `resourceRequirements` on containers; the task needs their sum on one
/// instance (2 + 1 = 3 GPUs here).
#[test]
fn imported_container_gpus_add_up_on_the_task() {
    let td = r#"{"family": "trainer", "networkMode": "bridge", "requiresCompatibilities": ["EC2"],
      "containerDefinitions": [
        {"name": "a", "cpu": 1024, "memory": 4096, "resourceRequirements": [{"type": "GPU", "value": "2"}]},
        {"name": "b", "cpu": 512, "memory": 1024, "resourceRequirements": [{"type": "GPU", "value": "1"}]}]}"#;
    let imported = ecsim::import::import(
        &[(Path::new("td.json").to_path_buf(), td.to_string())],
        Path::new("x.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let c = config(&imported.text);
    assert_eq!(c.task_defs[0].gpu, 3);
    // With no Auto Scaling group in the input, the placeholder pool is the cheapest catalog
    // type with 3 GPUs or more: g4dn.12xlarge ($3.912/h, 4 GPUs) before g6.12xlarge
    // ($4.6016) and g5.12xlarge ($5.672).
    assert_eq!(c.pools[0].instance_type.name, "g4dn.12xlarge");
    assert_eq!(c.pools[0].instance_type.gpus, 4);
    assert!(
        !imported
            .notes
            .iter()
            .any(|n| n.reason.contains("resourceRequirements")),
        "GPUs are carried over, not noted as left out"
    );
    // The same task on Fargate is refused at the JSON's requiresCompatibilities.
    let fargate = td
        .replace("\"bridge\"", "\"awsvpc\"")
        .replace("[\"EC2\"]", "[\"FARGATE\"]");
    let err = ecsim::import::import(
        &[(Path::new("td.json").to_path_buf(), fargate)],
        Path::new("x.toml"),
    )
    .err()
    .expect("Fargate has no GPUs")
    .to_string();
    assert!(
        err.contains("td.json:1") && err.contains("Fargate has no GPUs"),
        "{err}"
    );
}

/// Fargate has no GPUs, so a GPU task has no Fargate price to break even with: the table
/// lists only the CPU task, on both instance types.
#[test]
fn break_even_leaves_out_gpu_tasks() {
    let c = config(
        r#"
name = "be"
horizon = "1h"
[[cluster.pools]]
name = "gpu"
instance_type = "g4dn.xlarge"
count = 1
[[cluster.pools]]
name = "cpu"
instance_type = "m5.large"
count = 1
[[taskDefinitions]]
family = "infer"
cpu = 1024
memory = 2048
resourceRequirements = [{ type = "GPU", value = "1" }]
[[taskDefinitions]]
family = "web"
cpu = 256
memory = 512
[[services]]
name = "infer"
taskDefinition = "infer"
desiredCount = 1
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 1
"#,
    );
    let be = ecsim::compare::break_even(&c);
    let rows: Vec<(&str, &str)> = be
        .rows
        .iter()
        .map(|r| (r.task_definition.as_str(), r.instance_type.as_str()))
        .collect();
    assert_eq!(rows, vec![("web", "g4dn.xlarge"), ("web", "m5.large")]);
}
