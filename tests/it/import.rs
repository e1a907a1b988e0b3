//! `ecsim import`: ECS JSON in AWS's shapes to a scenario that runs as the hand-written
//! equivalent does, notes for what is left out, and located errors.

use super::common;
use ecsim::report::summary_json;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `register-task-definition` input: no task-level size, so ECS sums the containers:
/// cpu 256 + 128 = 384; memory: app reserves its memoryReservation 512 (not its 1024 hard
/// limit), the sidecar its hard limit 128, so 640 MiB.
const TASK_DEF: &str = r#"{
  "family": "api",
  "networkMode": "bridge",
  "requiresCompatibilities": ["EC2"],
  "containerDefinitions": [
    {"name": "app", "image": "api:1", "cpu": 256, "memory": 1024, "memoryReservation": 512,
     "essential": true, "portMappings": [{"containerPort": 80, "hostPort": 8080}],
     "healthCheck": {"command": ["CMD", "true"], "interval": 10, "timeout": 2, "retries": 2, "startPeriod": 20}},
    {"name": "sidecar", "image": "envoy", "cpu": 128, "memory": 128, "essential": false}
  ]
}"#;

/// `create-service` input with no launch type or strategy: the cluster default applies.
const SERVICE: &str = r#"{
  "cluster": "c1",
  "serviceName": "api",
  "taskDefinition": "api:4",
  "desiredCount": 5,
  "placementStrategy": [{"type": "binpack", "field": "cpu"}],
  "placementConstraints": [{"type": "distinctInstance"}],
  "deploymentConfiguration": {"maximumPercent": 150, "minimumHealthyPercent": 100,
    "deploymentCircuitBreaker": {"enable": true, "rollback": false}},
  "healthCheckGracePeriodSeconds": 30
}"#;

const PROVIDERS: &str = r#"{"capacityProviders": [{
  "name": "asg1", "status": "ACTIVE",
  "autoScalingGroupProvider": {"autoScalingGroupArn": "arn:x",
    "managedScaling": {"status": "ENABLED", "targetCapacity": 80, "minimumScalingStepSize": 2,
      "maximumScalingStepSize": 3, "instanceWarmupPeriod": 60},
    "managedTerminationProtection": "DISABLED"}}], "failures": []}"#;

const CLUSTER: &str = r#"{"clusters": [{"clusterName": "c1", "status": "ACTIVE",
  "capacityProviders": ["asg1"],
  "defaultCapacityProviderStrategy": [{"capacityProvider": "asg1", "base": 1, "weight": 1}]}]}"#;

/// What a person would write for the same configuration, by hand from the JSON above.
const HAND_WRITTEN: &str = r#"
name = "c1"
seed = 1
horizon = "1h"

[[cluster.pools]]
name = "asg1"
instance_type = "m5.large"
count = 2
managed_scaling = { target_capacity = 80, minimum_scaling_step_size = 2, maximum_scaling_step_size = 3, instance_warmup_period = 60, managed_termination_protection = false, max_size = 10 }

[[taskDefinitions]]
family = "api"
cpu = 384
memory = 640
networkMode = "bridge"
requiresCompatibilities = ["EC2"]
portMappings = [{ containerPort = 80, hostPort = 8080 }]

[[services]]
name = "api"
taskDefinition = "api"
desiredCount = 5
capacityProviderStrategy = [{ capacityProvider = "asg1", base = 1, weight = 1 }]
placementStrategy = [{ type = "binpack", field = "cpu" }]
placementConstraints = [{ type = "distinctInstance" }]
healthCheckGracePeriodSeconds = 30
healthCheck = { interval = 10, timeout = 2, retries = 2, startPeriod = 20 }
deploymentConfiguration = { maximumPercent = 150, minimumHealthyPercent = 100, deploymentCircuitBreaker = { enable = true, rollback = false } }
"#;

fn inputs(files: &[(&str, &str)]) -> Vec<(PathBuf, String)> {
    files
        .iter()
        .map(|(n, t)| (PathBuf::from(n), t.to_string()))
        .collect()
}

#[test]
fn imported_json_runs_as_the_hand_written_scenario() {
    let imported = ecsim::import::import(
        &inputs(&[
            ("td.json", TASK_DEF),
            ("svc.json", SERVICE),
            ("cp.json", PROVIDERS),
            ("cluster.json", CLUSTER),
        ]),
        Path::new("imported.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let from_json = common::config(&imported.text);
    let by_hand = common::config(HAND_WRITTEN);
    let def = &from_json.task_defs[0];
    assert_eq!((def.cpu, def.memory), (384, 640));
    assert_eq!(def.host_ports, vec![8080]);
    assert_eq!(
        summary_json(&common::run(&from_json)),
        summary_json(&common::run(&by_hand))
    );
    // What could not be carried over is said, with where it was.
    let image = imported
        .notes
        .iter()
        .find(|n| n.field == "containerDefinitions[0].image")
        .expect("a note about the image size");
    assert_eq!(
        (image.file.as_path(), image.line),
        (Path::new("td.json"), Some(6))
    );
    assert!(imported.notes.iter().any(|n| n.field == "cluster"));
}

#[test]
fn task_level_size_wins_and_fargate_rounds_up() {
    // Task level 300 units / 700 MiB on Fargate: the cheapest size holding both is
    // 512 / 1024 (256 units is too little CPU). The containers' own values are ignored.
    let td = r#"{"taskDefinition": {"family": "f", "cpu": "300", "memory": "700",
      "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
      "containerDefinitions": [{"name": "a", "cpu": 4096, "memory": 9000}]}}"#;
    let svc = r#"{"services": [{"serviceName": "f", "taskDefinition": "f", "desiredCount": 1,
      "launchType": "FARGATE"}]}"#;
    let imported = ecsim::import::import(
        &inputs(&[("td.json", td), ("svc.json", svc)]),
        Path::new("x.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config = common::config(&imported.text);
    assert_eq!(
        (config.task_defs[0].cpu, config.task_defs[0].memory),
        (512, 1024)
    );
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.reason.contains("not a Fargate size"))
    );
    // "1 vCPU" / "2 GB" text, as ECS accepts it.
    let td = td
        .replace("\"300\"", "\"1 vCPU\"")
        .replace("\"700\"", "\"2 GB\"");
    let imported = ecsim::import::import(
        &inputs(&[("td.json", &td), ("svc.json", svc)]),
        Path::new("x.toml"),
    )
    .unwrap();
    let config = common::config(&imported.text);
    assert_eq!(
        (config.task_defs[0].cpu, config.task_defs[0].memory),
        (1024, 2048)
    );
}

fn import_error(files: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["import".to_string()];
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        args.push(path.display().to_string());
    }
    let out_path = dir.path().join("out.toml");
    args.extend(["--out".into(), out_path.display().to_string()]);
    let out = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(&args)
        .output()
        .unwrap();
    assert!(!out_path.exists(), "a failed import writes nothing");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_json_is_located_with_exit_2() {
    let (code, err) = import_error(&[("td.json", "{\n  \"family\": \"a\",\n  \"cpu\" 256\n}")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("td.json:3:9") && err.contains("not valid JSON"),
        "{err}"
    );

    let typo = "{\"services\": [{\"serviceName\": \"a\",\n \"taskDefinition\": \"a\",\n \"desiredCont\": 2}]}";
    let (code, err) = import_error(&[("svc.json", typo)]);
    assert_eq!(code, 2);
    assert!(
        err.contains("svc.json:3:2") && err.contains("desiredCont") && err.contains("desiredCount"),
        "{err}"
    );

    let missing =
        r#"{"services": [{"serviceName": "a", "taskDefinition": "nope:1", "desiredCount": 1}]}"#;
    let (code, err) = import_error(&[("svc.json", missing)]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`nope` is not among the imported files"),
        "{err}"
    );

    let (code, err) = import_error(&[("x.json", "{\"hello\": 1}")]);
    assert_eq!(code, 2);
    assert!(err.contains("not a JSON shape ecsim imports"), "{err}");
}

#[test]
fn the_shipped_example_is_what_import_makes_of_its_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let names = [
        "capacity-providers.json",
        "cluster.json",
        "services.json",
        "task-definition.json",
    ];
    let files: Vec<(PathBuf, String)> = names
        .iter()
        .map(|n| {
            let rel = Path::new("imported-service").join(n);
            let text = std::fs::read_to_string(dir.join(&rel)).unwrap();
            (rel, text)
        })
        .collect();
    let imported = ecsim::import::import(&files, Path::new("scenario.toml")).unwrap();
    let shipped = std::fs::read_to_string(dir.join("imported-service/scenario.toml")).unwrap();
    assert_eq!(
        imported.text, shipped,
        "regenerate with `ecsim import` from scenarios/"
    );
    // 384 + 128 cpu; memoryReservation 768 (not the 1024 hard limit) + 256.
    let config = common::config(&shipped);
    assert_eq!(
        (config.task_defs[0].cpu, config.task_defs[0].memory),
        (512, 1024)
    );
}

#[test]
fn a_scenario_importing_the_json_runs_as_the_inline_one() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/imported-service");
    let load =
        |name: &str| ecsim::scenario::load(&dir.join(name), &[]).unwrap_or_else(|e| panic!("{e}"));
    let (json, inline) = (load("scenario-json.toml"), load("scenario.toml"));
    // The size ECS derives (384 + 128 cpu; memoryReservation 768 + 256) and the essential
    // container's health check, which ECS keeps on the task definition.
    let def = &json.config.task_defs[0];
    assert_eq!((def.cpu, def.memory), (512, 1024));
    assert!(json.inputs.contains(&dir.join("task-definition.json")));
    assert_eq!(
        summary_json(&common::run(&json.config)),
        summary_json(&common::run(&inline.config))
    );
}

/// Writes `scenario` and `td.json` into a temporary directory and validates the scenario.
fn validate_with_json(scenario: &str, td: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
    std::fs::write(dir.path().join("td.json"), td).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .arg("validate")
        .arg(dir.path().join("s.toml"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_imported_task_definition_takes_overrides_and_locates_errors() {
    let scenario = |import: &str| {
        format!(
            "horizon = \"1m\"\n[[cluster.pools]]\nname = \"p\"\ninstance_type = \"m5.large\"\ncount = 1\n\n[[taskDefinitions]]\n{import}\n\n[[services]]\nname = \"api\"\ntaskDefinition = \"api\"\ndesiredCount = 1\n"
        )
    };
    // Keys beside `import` win over the imported ones.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("td.json"), TASK_DEF).unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, scenario("import = \"td.json\"\nimage_size_mb = 300")).unwrap();
    let loaded = ecsim::scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
    let def = &loaded.config.task_defs[0];
    assert_eq!((def.cpu, def.memory), (384, 640));
    assert_eq!(def.image_size_mb, 300.0);

    let (code, err) = validate_with_json(&scenario("import = \"other.json\""), TASK_DEF);
    assert_eq!(code, 2);
    assert!(
        err.contains("s.toml:8:") && err.contains("taskDefinitions[0].import"),
        "{err}"
    );
    // The JSON's own line and column, and the scenario line that imported it.
    let (code, err) = validate_with_json(
        &scenario("import = \"td.json\""),
        "{\n  \"family\": \"a\",\n  \"cpu\" 256\n}",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("td.json:3:9") && err.contains("s.toml:8"),
        "{err}"
    );
    let (code, err) = validate_with_json(&scenario("import = \"td.json\""), SERVICE);
    assert_eq!(code, 2);
    assert!(err.contains("not a task definition"), "{err}");
}
