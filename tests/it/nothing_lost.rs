//! Nothing lost, nothing left behind (issue 11): interrupted runs and sweeps, a closed
//! stdout, and a resume that notices changed input files.

use super::hostile::{BASE, debris};
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Jobs arriving fast for days: minutes of work, long enough to interrupt.
const LONG: &str = r#"
horizon = "30d"

[timing]
instant = true

[[cluster.pools]]
name = "p"
instance_type = "m5.large"
count = 4

[[taskDefinitions]]
family = "j"
cpu = 256
memory = 512

[[jobs]]
name = "j"
taskDefinition = "j"
arrival = { type = "poisson", rate_per_s = 20 }
duration = { type = "exponential", mean = 1 }
"#;

/// `long.toml` run into `out/`, for interrupting.
const LONG_RUN: &[&str] = &[
    "run",
    "long.toml",
    "--quiet",
    "--allow-large",
    "--out",
    "out",
];

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ecsim starts")
}

fn interrupt(child: &Child) {
    signal(child, "-INT");
}

fn signal(child: &Child, which: &str) {
    let status = Command::new("kill")
        .args([which, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits until `ready` holds (the child has started writing), at most 60 s.
fn wait_for(ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the child never got going"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn finish(child: Child) -> (Option<i32>, String) {
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_interrupted_run_leaves_no_partials_and_keeps_the_earlier_results() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("short.toml"), LONG.replace("\"30d\"", "\"1m\"")).unwrap();
    std::fs::write(dir.join("long.toml"), LONG).unwrap();
    let out = dir.join("out");
    let o = spawn(dir, &["run", "short.toml", "--quiet", "--out", "out"])
        .wait_with_output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let earlier = std::fs::read(out.join("summary.json")).unwrap();
    // A SIGKILLed run's leftovers: a PID no process has.
    let stale = out.join(".tasks.csv.partial-4294967290");
    std::fs::write(&stale, b"half a row").unwrap();

    let child = spawn(dir, LONG_RUN);
    let mine = out.join(format!(".tasks.csv.partial-{}", child.id()));
    wait_for(|| mine.exists());
    assert!(
        !stale.exists(),
        "the stale partial file survived the next run"
    );
    std::thread::sleep(Duration::from_millis(200));
    interrupt(&child);
    let (code, stderr) = finish(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(
        stderr.contains("summary.json, tasks.csv, timeseries.csv"),
        "{stderr}"
    );
    assert_eq!(debris(dir), Vec::<String>::new());
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), earlier);
}

#[test]
fn a_terminated_run_exits_143_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("long.toml"), LONG).unwrap();
    let child = spawn(dir, LONG_RUN);
    let mine = dir
        .join("out")
        .join(format!(".tasks.csv.partial-{}", child.id()));
    wait_for(|| mine.exists());
    signal(&child, "-TERM");
    let (code, stderr) = finish(child);
    // 128 + SIGTERM (15), as a shell reports a process the signal ended.
    assert_eq!(code, Some(143), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(debris(dir), Vec::<String>::new());
    for file in ["summary.json", "tasks.csv", "timeseries.csv"] {
        assert!(!dir.join("out").join(file).exists(), "{file} written");
    }
}

#[test]
fn an_interrupted_sweep_keeps_whole_runs_only_and_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("long.toml"), LONG.replace("\"30d\"", "\"2d\"")).unwrap();
    let args = [
        "sweep",
        "long.toml",
        "-r",
        "40",
        "--jobs",
        "1",
        "--quiet",
        "--allow-large",
        "--out",
        "sw",
    ];
    let child = spawn(dir, &args);
    let runs = dir.join("sw").join("runs");
    wait_for(|| std::fs::read_dir(&runs).is_ok_and(|mut d| d.next().is_some()));
    interrupt(&child);
    let (code, stderr) = finish(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("run the same command again to resume"),
        "{stderr}"
    );
    assert_eq!(debris(dir), Vec::<String>::new());
    assert!(!dir.join("sw").join("sweep.csv").exists());
    for entry in std::fs::read_dir(&runs).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "a torn run file: {text}"
        );
    }
}

#[test]
fn an_interrupted_compare_stops_every_leg_and_keeps_the_earlier_results() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("short.toml"), LONG.replace("\"30d\"", "\"1m\"")).unwrap();
    std::fs::write(dir.join("long.toml"), LONG).unwrap();
    let legs = ["--with", "scenario", "--with", "fargate"];
    let o = spawn(
        dir,
        &[
            &["compare", "short.toml", "--quiet", "--out", "cmp"][..],
            &legs,
        ]
        .concat(),
    )
    .wait_with_output()
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let earlier = std::fs::read(dir.join("cmp").join("compare.json")).unwrap();

    // Thirty days of 20 jobs a second per leg: far longer than the wait before the signal.
    let child = spawn(
        dir,
        &[
            &[
                "compare",
                "long.toml",
                "--quiet",
                "--allow-large",
                "--out",
                "cmp",
            ][..],
            &legs,
        ]
        .concat(),
    );
    std::thread::sleep(Duration::from_millis(1500));
    interrupt(&child);
    let (code, stderr) = finish(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(stderr.contains("compare.csv, compare.json"), "{stderr}");
    assert_eq!(debris(dir), Vec::<String>::new());
    assert_eq!(
        std::fs::read(dir.join("cmp").join("compare.json")).unwrap(),
        earlier
    );
}

#[test]
fn a_closed_stdout_neither_fails_a_traced_run_nor_panics_validate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("s.toml"), LONG.replace("\"30d\"", "\"2h\"")).unwrap();
    // `ecsim run --trace | head -1`
    let mut child = spawn(dir, &["run", "s.toml", "--trace", "--out", "out"]);
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let (code, stderr) = finish(child);
    assert_eq!(code, Some(0), "{stderr}");
    for file in ["summary.json", "tasks.csv", "timeseries.csv"] {
        assert!(dir.join("out").join(file).is_file(), "{file} missing");
    }
    // `ecsim validate ... | head -0`
    let mut child = spawn(dir, &["validate", "s.toml"]);
    drop(child.stdout.take());
    let (code, stderr) = finish(child);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_sweep_does_not_reuse_runs_after_a_referenced_file_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let text = format!(
        "{BASE}demand = {{ type = \"csv\", path = \"demand.csv\" }}\nauto_scaling = {{ min = 1, max = 6, target_tracking = [{{ metric = \"cpu\", target = 50 }}] }}\n"
    );
    std::fs::write(dir.join("s.toml"), text).unwrap();
    std::fs::write(dir.join("demand.csv"), "0,100\n3600,900\n").unwrap();
    let sweep = || {
        let o = spawn(dir, &["sweep", "s.toml", "-r", "2", "--out", "sw"])
            .wait_with_output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    assert!(sweep().contains("2 run now, 0 already done"));
    assert!(sweep().contains("0 run now, 2 already done"));
    std::fs::write(dir.join("demand.csv"), "0,100\n3600,1800\n").unwrap();
    assert!(
        sweep().contains("2 run now, 0 already done"),
        "stale runs reused"
    );
}

#[test]
fn a_sweep_does_not_reuse_runs_a_different_build_computed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("s.toml"), BASE).unwrap();
    // The same program with one byte more: a rebuilt binary, same version number.
    let rebuilt = dir.join("ecsim-rebuilt");
    let mut bytes = std::fs::read(env!("CARGO_BIN_EXE_ecsim")).unwrap();
    bytes.push(0);
    std::fs::write(&rebuilt, bytes).unwrap();
    std::fs::set_permissions(
        &rebuilt,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let sweep = |exe: &Path| {
        let o = Command::new(exe)
            .args(["sweep", "s.toml", "-r", "2", "--out", "sw"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let original = Path::new(env!("CARGO_BIN_EXE_ecsim"));
    assert!(sweep(original).contains("2 run now, 0 already done"));
    assert!(sweep(original).contains("0 run now, 2 already done"));
    let rerun = sweep(&rebuilt);
    assert!(rerun.contains("2 run now, 0 already done"), "{rerun}");
}
