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

/// Issue 32 item 18: `-q` means nothing but errors, notes about imported files included;
/// without it the note is there.
#[test]
fn quiet_prints_no_notes() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("td.json"),
        r#"{"family": "web", "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "app", "image": "web:1", "essential": true}]}"#,
    )
    .unwrap();
    let s = scenario(
        tmp.path(),
        "s.toml",
        "horizon = \"10m\"\n[[cluster.pools]]\nname = \"p\"\ninstance_type = \"m5.large\"\ncount = 1\n\n[[taskDefinitions]]\nimport = \"td.json\"\n\n[[services]]\nname = \"web\"\ntaskDefinition = \"web\"\ndesiredCount = 1\n",
    );
    let out_dir = tmp.path().join("out");
    let out = ecsim(&["run", &s, "--out", out_dir.to_str().unwrap()]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`web` imported from"), "{err}");
    for command in ["run", "compare", "sweep"] {
        let mut args = vec![
            command,
            s.as_str(),
            "-q",
            "--out",
            out_dir.to_str().unwrap(),
        ];
        if command == "sweep" {
            args.extend(["-r", "2", "--vary", "services.web.desiredCount=1,2"]);
        }
        let out = ecsim(&args);
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{command} -q");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "", "{command} -q");
        std::fs::remove_dir_all(&out_dir).unwrap();
    }
}

/// The 95% interval of `xs` as the sweep table prints it: mean [lower, upper], each to two
/// decimals. Student's t for 2 degrees of freedom at 0.975 is 4.302653.
fn interval_text(xs: &[f64]) -> String {
    assert_eq!(xs.len(), 3);
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let half = 4.302653 * sd / n.sqrt();
    format!("{mean:.2} [{:.2}, {:.2}]", mean - half, mean + half)
}

/// Each variant's `cost_usd.total` over its replications, from runs.csv.
fn costs_by_variant(dir: &Path) -> Vec<Vec<f64>> {
    let mut reader = csv::Reader::from_path(dir.join("runs.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (variant, cost) = (col("variant"), col("cost_usd.total"));
    let mut out: Vec<Vec<f64>> = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        let v: usize = row[variant].parse().unwrap();
        if out.len() <= v {
            out.resize(v + 1, Vec::new());
        }
        out[v].push(row[cost].parse().unwrap());
    }
    out
}

/// Issue 32 item 18: a sweep ends with its variants' headline figures and their intervals,
/// and a merge says what it merged and where, with the same table.
#[test]
fn sweep_and_merge_say_what_they_found() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    let args = [
        "sweep",
        "scenarios/quickstart.toml",
        "-r",
        "3",
        "--vary",
        "cluster.pools.general.count=3,4",
    ];
    let out = ecsim(&[&args[..], &["--out", whole.to_str().unwrap()]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(table.contains("cost total ($)"), "{table}");
    let costs = costs_by_variant(&whole);
    for (v, count) in ["count=3", "count=4"].iter().enumerate() {
        let line = table
            .lines()
            .find(|l| l.trim_start().starts_with(count))
            .unwrap_or_else(|| panic!("no row for {count}: {table}"));
        assert!(line.contains(&interval_text(&costs[v])), "{line}");
    }

    let shards = tmp.path().join("shards");
    for i in 0..2 {
        let shard = format!("{i}/2");
        let out = ecsim(
            &[
                &args[..],
                &["-q", "--shard", &shard, "--out", shards.to_str().unwrap()],
            ]
            .concat(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let merged = tmp.path().join("merged");
    let out = ecsim(&[
        "merge",
        shards.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!(
            "merged 6 runs (2 variants × 3 replications) from 2 shards into {}",
            merged.display()
        )),
        "{said}"
    );
    assert!(said.contains(&interval_text(&costs[1])), "{said}");
}
