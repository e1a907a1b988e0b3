//! `ecsim import cloudwatch` (issue 15): a CloudWatch export becomes a demand CSV whose run
//! equals a scenario with the same steps typed by hand; bad exports fail located, exit 2,
//! writing nothing; the shipped example is what the import makes of its exports.

use ecsim::import::cloudwatch::{self, Options};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ecsim(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// get-metric-data output as the CLI prints it (newest first); 10:02 has no datapoint.
const CPU_EXPORT: &str = include_str!("../fixtures/cloudwatch-cpu-newest-first.json");

/// The configuration the export was measured on: 4 tasks of 512 CPU units.
const MEASURED: &str = r#"
name = "measured"
horizon = "1h"
[[cluster.pools]]
name = "p"
instance_type = "m5.xlarge"
count = 1
[[taskDefinitions]]
family = "web"
cpu = 512
memory = 512
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 4
"#;

/// A new configuration: one 1024-CPU task to start, target tracking at 50%.
fn replay(demand: &str) -> String {
    format!(
        r#"
name = "replay"
horizon = "15m"
sample_interval = "30s"
[[cluster.pools]]
name = "p"
instance_type = "m5.xlarge"
count = 2
[[taskDefinitions]]
family = "web"
cpu = 1024
memory = 512
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 1
demand = {demand}
[services.auto_scaling]
min = 1
max = 6
target_tracking = [{{ metric = "cpu", target = 50, scale_out_cooldown = "60s", scale_in_cooldown = "60s" }}]
"#
    )
}

#[test]
fn an_imported_export_runs_as_the_same_steps_typed_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cpu.json"), CPU_EXPORT).unwrap();
    std::fs::write(dir.path().join("measured.toml"), MEASURED).unwrap();
    let out = ecsim(
        &[
            "import",
            "cloudwatch",
            "cpu.json",
            "--scenario",
            "measured.toml",
            "--service",
            "web",
            "--out",
            "demand.csv",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // By hand: 4 × 512 = 2048 CPU units reserved, so 12.5% → 256, 50% → 1024, 25% → 512,
    // 30% → 614.4, one minute apart from 10:00, the missing 10:02 holding 10:01's value.
    let by_hand = r#"{ type = "steps", steps = [{ at = 0, value = 256 }, { at = 60, value = 1024 }, { at = 180, value = 512 }, { at = 240, value = 614.4 }] }"#;
    std::fs::write(
        dir.path().join("imported.toml"),
        replay(r#"{ type = "csv", path = "demand.csv" }"#),
    )
    .unwrap();
    std::fs::write(dir.path().join("by-hand.toml"), replay(by_hand)).unwrap();
    for name in ["imported", "by-hand"] {
        let out = ecsim(&["run", &format!("{name}.toml"), "--out", name], dir.path());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for file in ["summary.json", "timeseries.csv", "tasks.csv"] {
        let read = |d: &str| std::fs::read_to_string(dir.path().join(d).join(file)).unwrap();
        assert_eq!(read("imported"), read("by-hand"), "{file}");
    }
    // The replay did scale: 1024 CPU units on one 1024-CPU task is 100%, above the target.
    let timeseries = std::fs::read_to_string(dir.path().join("imported/timeseries.csv")).unwrap();
    let mut lines = timeseries.lines();
    let desired = lines
        .next()
        .unwrap()
        .split(',')
        .position(|c| c == "web.desired")
        .unwrap();
    assert!(
        lines.any(|l| l.split(',').nth(desired) != Some("1")),
        "web.desired never moved:\n{timeseries}"
    );
}

fn failed_import(args: &[&str], files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut all = vec!["import", "cloudwatch"];
    all.extend(args);
    all.extend(["--out", "demand.csv"]);
    let out = ecsim(&all, dir.path());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        !dir.path().join("demand.csv").exists(),
        "a failed import writes nothing"
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_exports_fail_located_with_exit_2() {
    let cpu = ["x.json", "--tasks", "4", "--task-cpu", "512"];
    let err = failed_import(&cpu, &[("x.json", &CPU_EXPORT.replace("25.0,", "25.0"))]);
    assert!(
        err.contains("x.json:15:") && err.contains("not valid JSON"),
        "{err}"
    );
    let err = failed_import(&cpu, &[("x.json", &CPU_EXPORT.replace("25.0", "-25.0"))]);
    assert!(
        err.contains("x.json:14:") && err.contains("Values[1]") && err.contains("negative"),
        "{err}"
    );
    let err = failed_import(
        &cpu,
        &[("x.json", &CPU_EXPORT.replace("\"Label\"", "\"Lable\""))],
    );
    assert!(
        err.contains("x.json:5:") && err.contains("`Lable`"),
        "{err}"
    );
    let csv = "Time,CPUUtilization\n2024-05-06 10:00:00,12\n2024-05-06 10:01:00,high\n";
    let err = failed_import(
        &["g.csv", "--tasks", "4", "--task-cpu", "512"],
        &[("g.csv", csv)],
    );
    assert!(
        err.contains("g.csv:3") && err.contains("`high` is not a number"),
        "{err}"
    );
    let err = failed_import(&["x.json", "--gaps", "skip"], &[("x.json", CPU_EXPORT)]);
    assert!(err.contains("allowed: zero, hold"), "{err}");
    let err = failed_import(
        &["x.json", "--scenario", "m.toml", "--service", "api"],
        &[("x.json", CPU_EXPORT), ("m.toml", MEASURED)],
    );
    assert!(
        err.contains("`api` is not a service") && err.contains("web"),
        "{err}"
    );
}

fn shipped(name: &str) -> (PathBuf, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cloudwatch-replay");
    (
        PathBuf::from(name),
        std::fs::read_to_string(dir.join(name)).unwrap(),
    )
}

fn steps(csv: &str) -> Vec<(f64, f64)> {
    csv.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("seconds"))
        .map(|l| {
            let (t, v) = l.split_once(',').unwrap();
            (t.parse().unwrap(), v.parse().unwrap())
        })
        .collect()
}

#[test]
fn the_shipped_demand_files_are_what_import_makes_of_the_exports() {
    let web = cloudwatch::import(
        &[shipped("web-cpu.json")],
        &Options {
            tasks: Some(4),
            task_cpu: Some(512),
            ..Default::default()
        },
    )
    .unwrap();
    let (_, web_csv) = shipped("web-demand.csv");
    assert_eq!(
        web.to_csv(&["web-cpu.json".into()]),
        web_csv,
        "regenerate with the commands in scenarios/cloudwatch-replay/scenario.toml"
    );
    let api = cloudwatch::import(
        &[shipped("api-requests.csv")],
        &Options {
            series: Some("RequestCount".into()),
            cpu_ms_per_request: Some(40.0),
            ..Default::default()
        },
    )
    .unwrap();
    let (_, api_csv) = shipped("api-demand.csv");
    assert_eq!(api.to_csv(&["api-requests.csv".into()]), api_csv);

    // 12 h of 5-minute datapoints from 06:00. web: 09:15 and 09:20 (11700 s, 12000 s)
    // are missing, so 09:10's step (11400 s) holds to 09:25 (12300 s).
    let web = steps(&web_csv);
    assert_eq!(web.len(), 142);
    let at = |s: &[(f64, f64)], t: f64| s.iter().position(|(at, _)| *at == t);
    let i = at(&web, 11400.0).unwrap();
    assert_eq!(web[i + 1].0, 12300.0);
    // api: no requests 15:00 to 15:15 (32400 s to 33300 s): zero from the end of the
    // 14:55 period, and 144 − 3 datapoints plus that one zero step.
    let api = steps(&api_csv);
    assert_eq!(api.len(), 142);
    let i = at(&api, 32400.0).unwrap();
    assert_eq!((api[i].1, api[i + 1].0), (0.0, 33300.0));
    // The first row of api-requests.csv: 6965 requests in 300 s at 40 ms each, × 1.024.
    assert_eq!(api[0], (0.0, 950.954667));
    assert!((6965.0 / 300.0 * 0.040 * 1024.0 - 950.954667f64).abs() < 1e-6);
}
