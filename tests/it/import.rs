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
    // 512 / 1024 (256 units is too little CPU). The container's own 128 units / 600 MiB
    // (within the task's, as ECS requires) would round to 256 / 1024: they are not used.
    let td = r#"{"taskDefinition": {"family": "f", "cpu": "300", "memory": "700",
      "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
      "containerDefinitions": [{"name": "a", "cpu": 128, "memory": 600}]}}"#;
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

/// The seeds of the fuzz target `import` (fuzz/seeds/import/), one hostile input each: a
/// line `--- NAME` starts each file (`ecsim::import::bundle`).
fn seeds() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/import");
    let mut seeds: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    seeds.sort();
    seeds
}

/// Every seed through the fuzz target's entry point: no panic; an error names one of the
/// seed's files and says nothing of the program's internals; a scenario made validates; a
/// demand CSV has its header and numbers.
#[test]
fn every_import_seed_imports_or_fails_in_the_users_words() {
    let seeds = seeds();
    assert!(seeds.len() >= 25, "{} seeds", seeds.len());
    let mut wrong = Vec::new();
    for (name, text) in &seeds {
        let files = ecsim::import::bundle::split(text);
        for result in ecsim::import::bundle::import_all(text) {
            match result {
                Err(e) => {
                    let said = e.to_string();
                    let named = files
                        .iter()
                        .any(|(p, _)| said.starts_with(&p.display().to_string()))
                        || said.starts_with("imported.toml");
                    let internal = super::hostile::INTERNALS
                        .iter()
                        .chain(&["os error", "serde", "CSV error"])
                        .find(|w| said.contains(*w));
                    if !named || internal.is_some() || said.len() > 1000 {
                        wrong.push(format!("{name}: {said}"));
                    }
                }
                Ok(out) if out.contains("seconds,") => {
                    let data = out
                        .lines()
                        .skip_while(|l| !l.starts_with("seconds,"))
                        .skip(1);
                    for line in data {
                        let numbers: Vec<Result<f64, _>> =
                            line.split(',').map(str::parse::<f64>).collect();
                        if numbers.len() != 2 || numbers.iter().any(Result::is_err) {
                            wrong.push(format!("{name}: demand line {line:?}"));
                        }
                    }
                }
                Ok(scenario) => {
                    if let Err(e) =
                        ecsim::scenario::load_str(&scenario, Path::new("imported.toml"), &[])
                    {
                        wrong.push(format!("{name}: the scenario made fails: {e}"));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

struct ImportCase {
    seed: &'static str,
    /// `F`: the seed's files; `F1`: its first file; `D`: a fresh directory.
    args: &'static [&'static str],
    code: i32,
    says: &'static [&'static str],
    never: &'static [&'static str],
}

const IMPORT: &[&str] = &["import", "F"];
const IMPORT_TO_FILE: &[&str] = &["import", "F", "--out", "D/out.toml"];
const CLOUDWATCH: &[&str] = &[
    "import",
    "cloudwatch",
    "F",
    "--tasks",
    "2",
    "--task-cpu",
    "512",
    "--out",
    "D/demand.csv",
];

/// Issue 32's import cases, one line each. Lines are counted by hand in the seed files
/// (a file's line 1 is the line after its `--- NAME`).
#[rustfmt::skip]
fn import_cases() -> Vec<ImportCase> {
    let c = |seed, args, code, says, never| ImportCase {
        seed,
        args,
        code,
        says,
        never,
    };
    vec![
        // Item 3: stopTimeout carried over, not dropped with a false reason.
        c("stop-timeout-90-fargate-spot", IMPORT, 0, &["stopTimeout = 90"], &["stops a task at once"]),
        c("stop-timeout-200-fargate", IMPORT_TO_FILE, 2, &["td.json:14:", "taskDefinition.containerDefinitions[0].stopTimeout", "200 s is more than Fargate allows"], &["out.toml"]),
        // Item 4: task definitions ECS refuses.
        c("container-memory-below-reservation", IMPORT_TO_FILE, 2, &["td.json:12:", "field `taskDefinition.containerDefinitions[0].memory`", "256 MiB is below the container's memoryReservation 512 MiB"], &[]),
        c("task-memory-below-reservations", IMPORT_TO_FILE, 2, &["td.json:22:", "field `taskDefinition.memory`", "512 MiB is below the 640 MiB its containers reserve"], &[]),
        // Item 14: errors at the JSON line and field the value came from.
        c("health-check-interval-0", IMPORT_TO_FILE, 2, &["td.json:19:", "taskDefinition.containerDefinitions[0].healthCheck.interval"], &["out.toml"]),
        c("target-capacity-0", IMPORT_TO_FILE, 2, &["cp.json:10:", "capacityProviders[0].autoScalingGroupProvider.managedScaling.targetCapacity"], &["out.toml"]),
        c("target-capacity-101", IMPORT_TO_FILE, 2, &["cp.json:10:", "managedScaling.targetCapacity"], &["out.toml"]),
        c("gpu-1000", IMPORT_TO_FILE, 2, &["td.json:17:", "taskDefinition.containerDefinitions[0].resourceRequirements[0].value"], &["out.toml"]),
        c("fargate-with-bridge", IMPORT_TO_FILE, 2, &["td.json:4:", "field `taskDefinition.networkMode`", "awsvpc"], &["out.toml"]),
        c("network-mode-overlay", IMPORT_TO_FILE, 2, &["td.json:4:", "field `taskDefinition.networkMode`"], &["out.toml"]),
        c("bad-member-of", IMPORT_TO_FILE, 2, &["svc.json:11:", "services[0].placementConstraints[0].expression"], &["out.toml"]),
        c("bad-member-of-in-task-definition", IMPORT_TO_FILE, 2, &["td.json:19:", "taskDefinition.placementConstraints[0].expression"], &["out.toml"]),
        c("binpak", IMPORT_TO_FILE, 2, &["svc.json:10:", "services[0].placementStrategy[0].type", "binpak"], &["out.toml"]),
        c("unknown-scheduling-strategy", IMPORT_TO_FILE, 2, &["svc.json:8:", "services[0].schedulingStrategy", "SOMETIMES"], &["out.toml"]),
        // Item 15: nothing to import is an error that says what was missing.
        c("describe-services-missing", IMPORT_TO_FILE, 2, &["svc.json:4:", "nothing could be imported", "service/prod/web", "MISSING"], &[]),
        c("capacity-providers-empty", IMPORT_TO_FILE, 2, &["cp.json:2:", "nothing could be imported", "found no capacity provider"], &[]),
        c("clusters-empty", IMPORT_TO_FILE, 2, &["cluster.json:2:", "nothing could be imported", "found no cluster"], &[]),
        c("cluster-alone", IMPORT_TO_FILE, 2, &["nothing could be imported", "a cluster alone"], &[]),
        // Item 13: --out naming an input.
        c("valid-ec2-service", &["import", "F", "--out", "F1"], 2, &["is the input", "td.json", "name another file"], &[]),
        c("cloudwatch-newline-in-id", &["import", "cloudwatch", "F", "--tasks", "2", "--task-cpu", "512", "--out", "F1"], 2, &["is the input", "cpu.json"], &[]),
        // Item 16: the user's words.
        c("json-missing-colon", IMPORT_TO_FILE, 2, &["td.json:3:9", "not valid JSON: expected `:` after a field name"], &[]),
        c("json-cut-short", IMPORT_TO_FILE, 2, &["td.json:", "the text ends before the JSON does"], &["EOF"]),
        c("json-nested-deep", IMPORT_TO_FILE, 2, &["x.json:", "nested more than 128 levels deep"], &["recursion"]),
        c("valid-ec2-service", &["import", "F", "D/nope.json"], 2, &["nope.json: cannot read the file: there is no such file"], &[]),
        // Item 17: timestamps outside 1970..9999.
        c("cloudwatch-timestamp-1e300", CLOUDWATCH, 2, &["cpu.json:8:", "Timestamps[1]", "outside the times ecsim reads", "9999-12-31T23:59:59Z"], &["-292"]),
        c("cloudwatch-timestamp-minus-1e300", CLOUDWATCH, 2, &["cpu.json:7:", "Timestamps[0]", "outside the times ecsim reads"], &[]),
        c("cloudwatch-csv-timestamp-1e300", CLOUDWATCH, 2, &["cpu.csv:3", "outside the times ecsim reads"], &[]),
        // Item 19: names on one line in comments; values escaped.
        c("newline-in-names", IMPORT, 0, &["# from ", "web\\nwarmup"], &["\nwarmup", "\nseed = 7"]),
        c("cloudwatch-newline-in-id", &["import", "cloudwatch", "F", "--tasks", "2", "--task-cpu", "512"], 0, &["# series `cpu\\n99999,1e9\\n#`"], &["\n99999,1e9"]),
        // Issue 33: a Managed Instances provider becomes [[managed_instances]], not a pool;
        // its task definition keeps MANAGED_INSTANCES; the subnets' AZs are a note.
        c("managed-instances-provider", IMPORT, 0, &["[[managed_instances]]", "name = \"mi\"", "capacityOptionType = \"SPOT\"", "scaleInAfter = 600", "allowedInstanceTypes = [\"m7a.*\", \"c7a.*\"]", "\"MANAGED_INSTANCES\"", "subnet ids do not say their AZs"], &["[[cluster.pools]]", "managedInstancesProvider)"]),
        c("managed-instances-scale-in-after-words", IMPORT_TO_FILE, 2, &["cp.json:6:", "scaleInAfter", "-1, or 0 to 3600"], &["out.toml"]),
        // A task bigger than the m5.large placeholder: 4096 units need 4 vCPU, 16384 MiB more
        // than 16 GiB (15,974 MiB registered at 97.5%); of the x86 types with 4 vCPU and
        // 32 GiB, r6a.xlarge at $0.2268/h is cheaper than r5.xlarge and r6i.xlarge at $0.252
        // and r7a.xlarge at $0.3043 (the AMD families came with issue 33's catalog).
        c("task-larger-than-m5-large", IMPORT, 0, &["instance_type = \"r6a.xlarge\"", "2 × r6a.xlarge"], &[]),
        // Issue 34 item 2: the strategy and its settings carried; a hook's run time said.
        c("canary-strategy-with-hook", IMPORT, 0, &["strategy = \"CANARY\"", "bakeTimeInMinutes = 15", "canaryPercent = 10,", "canaryBakeTimeInMinutes = 30", "POST_SCALE_UP", "availabilityZoneRebalancing = \"DISABLED\"", "written as 0 s and never FAILED"], &["deployments are rolling"]),
        c("canary-percent-text", IMPORT_TO_FILE, 2, &["svc.json:11:", "services[0].deploymentConfiguration.canaryConfiguration.canaryPercent", "expected a number"], &["out.toml"]),
        // Item 20: the placeholder pool's note names the file it came from.
        c("ec2-service-without-pools", IMPORT, 0, &["not carried over: svc.json:7: services[0].launchType: runs on EC2"], &[": : "]),
    ]
}

#[test]
fn hostile_imports_get_the_documented_exit_status_and_words() {
    let mut failures = Vec::new();
    let seeds = seeds();
    let cases = import_cases();
    for c in &cases {
        let (_, text) = seeds
            .iter()
            .find(|(name, _)| name == c.seed)
            .unwrap_or_else(|| panic!("no seed {}", c.seed));
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (name, content) in ecsim::import::bundle::split(text) {
            let name = name.file_name().unwrap().to_owned();
            std::fs::write(dir.path().join(&name), &content).unwrap();
            paths.push((name, content));
        }
        let mut args: Vec<String> = Vec::new();
        for a in c.args {
            match *a {
                "F" => args.extend(paths.iter().map(|(n, _)| n.to_string_lossy().into_owned())),
                "F1" => args.push(paths[0].0.to_string_lossy().into_owned()),
                other => args.push(other.replacen("D/", "", 1)),
            }
        }
        let out = Command::new(env!("CARGO_BIN_EXE_ecsim"))
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let mut wrong = Vec::new();
        if out.status.code() != Some(c.code) {
            wrong.push(format!("exit {:?}, expected {}", out.status.code(), c.code));
        }
        wrong.extend(
            c.says
                .iter()
                .filter(|w| !said.contains(*w))
                .map(|w| format!("lacks {w:?}")),
        );
        wrong.extend(
            c.never
                .iter()
                .filter(|w| said.contains(*w))
                .map(|w| format!("says {w:?}")),
        );
        wrong.extend(
            super::hostile::INTERNALS
                .iter()
                .chain(&["os error"])
                .filter(|w| said.contains(*w))
                .map(|w| format!("mentions {w:?}")),
        );
        // Nothing the user had is lost, and a failure writes nothing.
        for (name, content) in &paths {
            if std::fs::read_to_string(dir.path().join(name)).ok().as_ref() != Some(content) {
                wrong.push(format!("{} changed", name.to_string_lossy()));
            }
        }
        if c.code != 0 {
            for written in ["out.toml", "demand.csv"] {
                if dir.path().join(written).exists() {
                    wrong.push(format!("wrote {written}"));
                }
            }
        }
        let partials = super::hostile::debris(dir.path());
        if !partials.is_empty() {
            wrong.push(format!("left {partials:?}"));
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{}: {}\n    {}",
                c.seed,
                wrong.join("; "),
                said.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn import_seed(name: &str) -> ecsim::import::Imported {
    let (_, text) = seeds()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no seed {name}"));
    ecsim::import::import(&ecsim::import::bundle::split(&text), Path::new("x.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Issue 32, item 3: an imported Fargate Spot service keeps its container's `stopTimeout`
/// (90 s). With the interruption notice 1 h after RUNNING and a container that exits only
/// when killed (ecsim's default shutdown), each task stops 90 s after its notice: 3,690 s
/// after RUNNING. Before, the import dropped the field and the tasks stopped at ECS's
/// default 30 s, 3,630 s after RUNNING. Their replacements run about 3,660 s in, so
/// their notices (about 7,260 s) fall after the 2 h horizon: two interruptions.
#[test]
fn an_imported_fargate_spot_service_stops_its_stop_timeout_after_the_notice() {
    use ecsim::metrics::{Recorder, TaskRow};
    #[derive(Default)]
    struct Stops(Vec<(u64, u64)>);
    impl Recorder for Stops {
        fn task(&mut self, r: &TaskRow<'_>) {
            if r.stop_reason == "SpotInterruption" {
                self.0.push((r.running.unwrap().0, r.stopped.unwrap().0));
            }
        }
    }
    let imported = import_seed("stop-timeout-90-fargate-spot");
    assert!(
        !imported
            .notes
            .iter()
            .any(|n| n.field.contains("stopTimeout")),
        "{:?}",
        imported.notes
    );
    let text = format!(
        "{}\n[fargate]\nspot_interruption = {{ type = \"constant\", value = \"1h\" }}\n",
        imported
            .text
            .replace("horizon = \"1h\"", "horizon = \"2h\"")
    );
    let mut stops = Stops::default();
    ecsim::sim::run(&common::config(&text), &mut stops);
    assert_eq!(stops.0.len(), 2, "{:?}", stops.0);
    for (running, stopped) in stops.0 {
        assert_eq!(stopped - running, 3_690_000);
    }
}

/// Issue 32, item 3: a task stops when its last container has, so its `stopTimeout` is the
/// longest of its containers': 45 s and an unset one (ECS's 30 s) give 45 s; 10 s and an
/// unset one give 30 s.
#[test]
fn the_task_stop_timeout_is_the_longest_of_its_containers() {
    let td = |a: &str| {
        format!(
            r#"{{"family": "t", "containerDefinitions": [
              {{"name": "a", "cpu": 128, "memory": 128{a}}},
              {{"name": "b", "cpu": 128, "memory": 128}}]}}"#
        )
    };
    for (a, expected) in [(", \"stopTimeout\": 45", 45), (", \"stopTimeout\": 10", 30)] {
        let imported = ecsim::import::import(&inputs(&[("td.json", &td(a))]), Path::new("x.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let line = format!("stopTimeout = {expected}\n");
        assert!(imported.text.contains(&line), "{a}: {}", imported.text);
    }
}

/// Issue 32, item 19: a family and a service name holding newlines and TOML stay inside
/// their strings and comments: the scenario keeps the names whole, ecsim's seed 1 and no
/// warm-up.
#[test]
fn newlines_in_imported_names_add_no_line_to_the_scenario() {
    let imported = import_seed("newline-in-names");
    let config = common::config(&imported.text);
    assert_eq!(config.task_defs[0].family, "web\nwarmup = \"50m\"\n#");
    assert_eq!(config.services[0].name, "web\nseed = 7\n#");
    assert_eq!((config.seed, config.warmup.0), (1, 0));
    // Every comment line is one line: a note naming the family says it with `\n`.
    assert!(
        imported
            .text
            .lines()
            .all(|l| !l.starts_with("warmup") && !l.starts_with("seed = 7")),
        "{}",
        imported.text
    );
}

/// Issue 32, item 11: import was quadratic in the number of services (1,000 in 5 s, 4,000
/// in 82 s, so 10,000 would take about 8.5 min). Linear, 10,000 services of
/// describe-services output (13 MB) take about a second; 60 s leaves room for a slow,
/// shared machine and still fails the quadratic import.
#[test]
fn ten_thousand_services_import_in_linear_time() {
    let mut services = Vec::new();
    for i in 0..10_000 {
        services.push(format!(
            r#"    {{
      "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/web-{i}",
      "serviceName": "web-{i}",
      "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
      "loadBalancers": [{{"targetGroupArn": "arn:tg", "containerName": "app", "containerPort": 8080}}],
      "status": "ACTIVE", "desiredCount": 1, "runningCount": 1, "pendingCount": 0,
      "launchType": "EC2",
      "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/api:7",
      "placementStrategy": [{{"type": "spread", "field": "attribute:ecs.availability-zone"}}],
      "createdAt": "2026-11-02T10:14:07.511000+00:00",
      "schedulingStrategy": "REPLICA", "enableECSManagedTags": true, "propagateTags": "NONE"
    }}"#
        ));
    }
    let json = format!(
        "{{\"services\": [\n{}\n], \"failures\": []}}",
        services.join(",\n")
    );
    let started = std::time::Instant::now();
    let imported = ecsim::import::import(
        &inputs(&[("td.json", TASK_DEF), ("svc.json", &json)]),
        Path::new("x.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let took = started.elapsed();
    assert_eq!(imported.services, 10_000);
    // The last service's note on AWS's state still points at its own `serviceArn`: after
    // the opening line, 12 lines per service, the key on a service's second line.
    let last = imported
        .notes
        .iter()
        .find(|n| n.field.starts_with("services[9999] (serviceArn"))
        .expect("a note about the last service");
    assert_eq!(last.line, Some(1 + 9_999 * 12 + 2));
    assert!(took.as_secs() < 60, "{took:?}");
}

/// Issue 32, item 13: an `--out` that is an input under another name (another spelling of
/// its path, a symbolic link, a hard link) is refused as the input itself is, exit 2, and
/// the input is left as it was.
#[cfg(unix)]
#[test]
fn an_out_that_is_an_input_by_another_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let td = dir.path().join("td.json");
    std::fs::write(&td, TASK_DEF).unwrap();
    std::os::unix::fs::symlink(&td, dir.path().join("soft.toml")).unwrap();
    std::fs::hard_link(&td, dir.path().join("hard.toml")).unwrap();
    let other_spelling = format!(
        "../{}/td.json",
        dir.path().file_name().unwrap().to_string_lossy()
    );
    for out in ["soft.toml", "hard.toml", "./td.json", &other_spelling] {
        let run = Command::new(env!("CARGO_BIN_EXE_ecsim"))
            .args(["import", "td.json", "--out", out])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{out}: {err}");
        assert!(err.contains("is the input td.json"), "{out}: {err}");
        assert_eq!(std::fs::read_to_string(&td).unwrap(), TASK_DEF, "{out}");
    }
    assert!(
        std::fs::symlink_metadata(dir.path().join("soft.toml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// `describe-services` output for four services of one Fargate task definition, each with
/// a 2025 deployment strategy (ecs-current §2.1, §4.1–4.2): what the import carried over
/// before issue 34 was only the rolling bounds and the breaker.
const STRATEGY_SERVICES: &str = r#"{"services": [
  {"serviceName": "linear", "taskDefinition": "arn:aws:ecs:us-east-1:1:task-definition/web:3",
   "desiredCount": 10, "launchType": "FARGATE",
   "availabilityZoneRebalancing": "DISABLED",
   "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 100,
     "strategy": "LINEAR", "bakeTimeInMinutes": 15,
     "linearConfiguration": {"stepPercent": 20.0, "stepBakeTimeInMinutes": 10}}},
  {"serviceName": "rolling", "taskDefinition": "web", "desiredCount": 10, "launchType": "FARGATE",
   "deploymentConfiguration": {"strategy": "ROLLING",
     "deploymentCircuitBreaker": {"enable": true, "rollback": true,
       "thresholdConfiguration": {"type": "COUNT", "value": 4}}}},
  {"serviceName": "canary", "taskDefinition": "web", "desiredCount": 4, "launchType": "FARGATE",
   "deploymentConfiguration": {"strategy": "CANARY", "bakeTimeInMinutes": 5,
     "canaryConfiguration": {"canaryPercent": 12.5, "canaryBakeTimeInMinutes": 30},
     "lifecycleHooks": [{"hookTargetArn": "arn:aws:lambda:us-east-1:1:function:check",
       "roleArn": "arn:aws:iam::1:role/hooks", "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT", "PRE_SCALE_UP"]}],
     "alarms": {"alarmNames": ["errors"], "enable": true, "rollback": true}}},
  {"serviceName": "bluegreen", "taskDefinition": "web", "desiredCount": 2, "launchType": "FARGATE",
   "availabilityZoneRebalancing": "ENABLED",
   "deploymentConfiguration": {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 0}}
], "failures": []}"#;

const FARGATE_TD: &str = r#"{"taskDefinition": {"family": "web", "cpu": "512", "memory": "1024",
  "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
  "containerDefinitions": [{"name": "app", "image": "web:3", "essential": true}]}}"#;

/// Issue 34, item 2: strategy, bake time, the linear and canary settings, lifecycle hooks'
/// stages, the breaker's thresholdConfiguration and availabilityZoneRebalancing reach the
/// scenario. Resolved as ECS reads them: LINEAR 20 % every 10 min is five production
/// steps of 200 ‰ (20, 40, 60, 80, 100 %) with a 10 min wait after each but the last;
/// CANARY 12.5 % then 100 % after 30 min; COUNT 4 fails the deployment at 4 failed tasks
/// whatever the desired count. A hook's run time is not in ECS's JSON: 0 s, said in a note.
/// The alarm's rule is in CloudWatch, so `alarms` is left out with a note.
#[test]
fn deployment_strategies_survive_the_import() {
    use ecsim::model::{AzRebalancing, DeploymentStrategy, Stage};
    let imported = ecsim::import::import(
        &inputs(&[("svc.json", STRATEGY_SERVICES), ("td.json", FARGATE_TD)]),
        Path::new("imported.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config = common::config(&imported.text);
    let by_name = |n: &str| {
        config
            .services
            .iter()
            .find(|s| s.name == n)
            .unwrap_or_else(|| panic!("no service {n}"))
    };
    let min = |m: u64| ecsim::time::SimDuration::from_secs(m * 60);

    let linear = by_name("linear");
    let d = &linear.deployment;
    assert_eq!(
        d.strategy,
        DeploymentStrategy::Linear {
            step_permille: 200,
            step_bake: min(10)
        }
    );
    assert_eq!(d.bake_time, min(15));
    let steps: Vec<u32> = d.strategy.traffic_steps().iter().map(|s| s.0).collect();
    assert_eq!(steps, [200, 400, 600, 800, 1000]);
    assert_eq!(linear.az_rebalancing, AzRebalancing::Disabled);
    // The breaker (ROLLING only, as ECS has it) with its 2026 threshold.
    let rolling = by_name("rolling");
    assert_eq!(rolling.deployment.strategy, DeploymentStrategy::Rolling);
    let breaker = rolling
        .deployment
        .circuit_breaker
        .as_ref()
        .expect("the breaker is carried");
    assert!(breaker.rollback);
    assert_eq!((breaker.threshold(10), breaker.threshold(800)), (4, 4));

    let canary = by_name("canary");
    assert_eq!(
        canary.deployment.strategy,
        DeploymentStrategy::Canary {
            canary_permille: 125,
            canary_bake: min(30)
        }
    );
    assert_eq!(canary.deployment.bake_time, min(5));
    assert_eq!(canary.deployment.hooks.len(), 1);
    assert_eq!(
        canary.deployment.hooks[0].stages,
        [Stage::PostTestTrafficShift, Stage::PreScaleUp]
    );
    assert!(canary.deployment.alarm.is_none());

    let bluegreen = by_name("bluegreen");
    assert_eq!(bluegreen.deployment.strategy, DeploymentStrategy::BlueGreen);
    assert_eq!(bluegreen.deployment.bake_time, min(0));
    assert_eq!(bluegreen.az_rebalancing, AzRebalancing::Enabled);

    let said = |field: &str| imported.notes.iter().any(|n| n.field == field);
    assert!(said("services[2].deploymentConfiguration.alarms"));
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.field.contains("lifecycleHooks[0]") && n.reason.contains("0 s")),
        "{:?}",
        imported.notes
    );
    assert!(
        !imported
            .text
            .contains("not modelled; deployments are rolling")
    );
}

/// An out-of-range strategy setting in describe-services JSON is refused at the scenario's
/// field (ECS's ranges, checked where every scenario is), not carried silently.
#[test]
fn an_imported_linear_step_out_of_range_is_refused() {
    let bad = STRATEGY_SERVICES.replace("\"stepPercent\": 20.0", "\"stepPercent\": 2.0");
    let imported = ecsim::import::import(
        &inputs(&[("svc.json", &bad), ("td.json", FARGATE_TD)]),
        Path::new("imported.toml"),
    );
    let text = match imported {
        Ok(i) => ecsim::scenario::load_str(&i.text, Path::new("imported.toml"), &[])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default(),
        Err(e) => e.to_string(),
    };
    assert!(text.contains("stepPercent"), "{text}");
    assert!(text.contains("3 to 100"), "{text}");
}
