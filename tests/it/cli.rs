//! The binary as a user meets it: files written, byte-identical reruns, and errors that
//! name the file, line and field with exit status 2.

use std::path::Path;
use std::process::{Command, Output};

fn ecsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .output()
        .expect("ecsim runs")
}

fn scenario(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn same_seed_gives_byte_identical_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    for out in [&a, &b] {
        let o = ecsim(&[
            "run",
            "scenarios/quickstart.toml",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for file in ["summary.json", "timeseries.csv", "tasks.csv"] {
        let x = std::fs::read(a.join(file)).unwrap();
        let y = std::fs::read(b.join(file)).unwrap();
        assert!(!x.is_empty());
        assert!(x == y, "{file} differs between identical runs");
    }
    let c = tmp.path().join("c");
    ecsim(&[
        "run",
        "scenarios/quickstart.toml",
        "--quiet",
        "--seed",
        "7",
        "--out",
        c.to_str().unwrap(),
    ]);
    assert_ne!(
        std::fs::read(a.join("tasks.csv")).unwrap(),
        std::fs::read(c.join("tasks.csv")).unwrap()
    );
}

#[test]
fn tasks_none_writes_no_tasks_csv_and_the_same_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full");
    let bare = tmp.path().join("bare");
    for (out, tasks) in [(&full, "csv"), (&bare, "none")] {
        let o = ecsim(&[
            "run",
            "scenarios/quickstart.toml",
            "--quiet",
            "--tasks",
            tasks,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(full.join("tasks.csv").is_file());
    assert!(!bare.join("tasks.csv").exists());
    for file in ["summary.json", "timeseries.csv"] {
        let x = std::fs::read(full.join(file)).unwrap();
        let y = std::fs::read(bare.join(file)).unwrap();
        assert!(x == y, "{file} differs with --tasks none");
    }
    // A rerun into a directory that holds an earlier tasks.csv must not leave it behind.
    let o = ecsim(&[
        "run",
        "scenarios/quickstart.toml",
        "--quiet",
        "--tasks",
        "none",
        "--out",
        full.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(!full.join("tasks.csv").exists());
    let o = ecsim(&["run", "scenarios/quickstart.toml", "--tasks", "some"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("none"));
}

#[test]
fn summary_has_the_documented_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let o = ecsim(&[
        "run",
        "scenarios/quickstart.toml",
        "--quiet",
        "--out",
        tmp.path().to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("summary.json")).unwrap()).unwrap();
    for key in [
        "/scenario",
        "/seed",
        "/sim_time_s",
        "/events_processed",
        "/tasks/started",
        "/tasks/completed",
        "/tasks/rejected",
        "/tasks/pending_at_end",
        "/utilization/cpu_reserved_mean",
        "/utilization/memory_reserved_mean",
        "/pending_time_s/mean",
        "/pending_time_s/p50",
        "/pending_time_s/p95",
        "/pending_time_s/p99",
        "/pending_time_s/max",
        "/cost_usd/total",
        "/cost_usd/ec2",
        "/cost_usd/fargate",
        "/instances/mean",
        "/instances/peak",
    ] {
        assert!(json.pointer(key).is_some(), "summary.json lacks {key}");
    }
}

fn expect_user_error(text: &str, needles: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let path = scenario(tmp.path(), "bad.toml", text);
    let out = tmp.path().join("out");
    let o = ecsim(&["run", &path, "--out", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "`{needle}` missing from: {err}");
    }
    assert!(
        !out.exists() || std::fs::read_dir(&out).unwrap().count() == 0,
        "a failed run left files"
    );
}

#[test]
fn bad_input_is_located_and_explained() {
    expect_user_error(
        "horizon = \"1h\"\n[cluster\n",
        &["bad.toml:2", "not valid TOML"],
    );
    expect_user_error(
        "horizon = \"1h\"\n\n[[cluster.pools]]\nname = \"a\"\ninstance_type = \"m5.huge\"\ncount = 1\n",
        &[
            "bad.toml:5",
            "cluster.pools[0].instance_type",
            "m5.huge",
            "allowed:",
            "m5.large",
        ],
    );
    expect_user_error(
        "horizon = \"1h\"\n[[taskDefinitions]]\nfamily = \"x\"\ncpu = 32768\nmemory = 1024\nrequiresCompatibilities = [\"FARGATE\"]\n",
        &["bad.toml:4", "taskDefinitions[0].cpu", "Fargate"],
    );
    expect_user_error(
        "horizon = \"1h\"\n[[taskDefinitions]]\nfamily = \"x\"\ncpu = 256\nmemory = 512\n[[jobs]]\nname = \"j\"\ntaskDefinition = \"x\"\narrival = { type = \"poisson\", rate_per_hour = -3 }\nduration = { type = \"constant\", value = 1 }\n",
        &["bad.toml:9", "jobs[0].arrival.rate_per_hour", "positive"],
    );
    expect_user_error(
        "horizon = \"1h\"\n[[services]]\nname = \"s\"\ntaskDefinition = \"x\"\ndesiredCount = 1\nplacementStrategy = [{ type = \"pack\" }]\n",
        &["bad.toml", "services[0]"],
    );
    expect_user_error("horizon = \"1h\"\nhorizn = 3\n", &["bad.toml", "horizn"]);
    expect_user_error(
        "horizon = \"1h\"\n[[taskDefinitions]]\nfamily = \"x\"\ncpu = 256\nmemory = 512\n[[services]]\nname = \"s\"\ntaskDefinition = \"x\"\ndesiredCount = 4294967295\n",
        &[
            "bad.toml:9",
            "services[0].desiredCount",
            "too large",
            "at most",
        ],
    );
    expect_user_error(
        "horizon = \"1h\"\n[[taskDefinitions]]\nfamily = \"x\"\ncpu = 256\nmemory = 512\n[[taskDefinitions]]\nfamily = \"x\"\ncpu = 512\nmemory = 512\n",
        &["bad.toml:7", "taskDefinitions[1].family", "twice"],
    );
    expect_user_error(
        "horizon = \"soon\"\n",
        &["bad.toml:1", "horizon", "duration"],
    );
}

#[test]
fn set_overrides_fields_and_reports_bad_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o = ecsim(&[
        "run",
        "scenarios/quickstart.toml",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
        "--set",
        "services.web.desiredCount=2",
        "--set",
        "horizon=\"1h\"",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let series = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert!(series.lines().last().unwrap().ends_with(",2,2"), "{series}");
    let o = ecsim(&[
        "validate",
        "scenarios/quickstart.toml",
        "--set",
        "services.nope.desiredCount=2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("allowed: web"));
}

#[test]
fn trace_narrates_placements() {
    let o = ecsim(&[
        "run",
        "scenarios/quickstart.toml",
        "--trace",
        "--out",
        tempfile::tempdir().unwrap().path().to_str().unwrap(),
        "--set",
        "horizon=\"10m\"",
        "--set",
        "warmup=0",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("placed on i-"), "{text}");
    assert!(text.contains("spread:"), "{text}");
}
