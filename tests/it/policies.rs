//! Placement policies from scenario files and from outside the crate (issue 40,
//! https://github.com/ecsim/ecsim/issues/40): a registered policy places tasks, the
//! detailed trace shows every candidate's score, and a sweep over policies writes the same
//! bytes at one and two threads.

use ecsim::metrics::{Recorder, TaskRow};
use ecsim::placement::policies::{Ask, Candidate, PlacementPolicy, PolicyRegistry, PolicyRng};
use ecsim::sweep::{SweepOptions, SweepSpec, Vary, run_sweep};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Two empty m5.large (2048 CPU units each) and a two-task web service of 512 units and
/// 1024 MiB, placed by `strategy`.
fn two_instances(strategy: &str) -> String {
    format!(
        r#"
horizon = "10m"
[[cluster.pools]]
name = "p"
instance_type = "m5.large"
count = 2
[[taskDefinitions]]
family = "web"
cpu = 512
memory = 1024
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 2
placementStrategy = {strategy}
"#
    )
}

#[test]
fn the_detailed_trace_shows_each_candidates_score() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(
        &path,
        two_instances(r#"[{ type = "policy", name = "best-fit" }]"#),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["run", path.to_str().unwrap(), "--out"])
        .arg(dir.path().join("out"))
        .arg("--trace=detail")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trace = String::from_utf8_lossy(&out.stdout);
    // best-fit: an m5.large registers 2048 units and 7987 MiB; a 512-unit, 1024-MiB task
    // binds on CPU (2048/512 = 4 copies against 7987/1024 = 7.8). Task 1 sees two empty
    // instances, each left with 1536/2048 = 0.75 of CPU: score −0.75 on both, a tie.
    // Task 2 sees that one (1024 left: −0.5) and the empty one (−0.75), and packs.
    let candidate_lines: Vec<&str> = trace
        .lines()
        .filter(|l| l.contains("policy(best-fit) score"))
        .collect();
    assert_eq!(candidate_lines.len(), 4, "{trace}");
    assert!(
        candidate_lines[..2]
            .iter()
            .all(|l| l.ends_with("score -0.75") || l.ends_with("score -0.75 — CHOSEN"))
    );
    assert!(
        trace.contains("policy(best-fit): 2 of 2 tied at the best, score -0.75"),
        "{trace}"
    );
    let second: Vec<&&str> = candidate_lines[2..].iter().collect();
    assert!(
        second.iter().any(|l| l.ends_with("score -0.5 — CHOSEN"))
            && second.iter().any(|l| l.ends_with("score -0.75")),
        "{trace}"
    );
    // Both tasks on one instance.
    let placed_on = |task: u32| {
        trace
            .lines()
            .find(|l| l.contains(&format!("task {task} (service web) placed on")))
            .and_then(|l| l.split("placed on ").nth(1))
            .map(|rest| rest.split(' ').next().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(placed_on(1), placed_on(2));
}

/// Likes the latest-launched instance best: the opposite of first-fit.
struct Newest;

impl PlacementPolicy for Newest {
    fn score(&self, _: &Ask<'_>, c: &Candidate<'_>, _: &mut PolicyRng) -> f64 {
        f64::from(c.launch())
    }
}

/// Where each task ran.
#[derive(Default)]
struct Instances(Vec<String>);

impl Recorder for Instances {
    fn task(&mut self, row: &TaskRow<'_>) {
        self.0.push(row.instance.to_string());
    }
}

#[test]
fn a_policy_registered_outside_the_crate_places_tasks() {
    let text = two_instances(r#"[{ type = "policy", name = "newest" }]"#);
    // Not among the shipped names: an error that lists them.
    let err = ecsim::scenario::load_str(&text, Path::new("s.toml"), &[]).unwrap_err();
    let said = err.to_string();
    assert!(
        said.contains("placementStrategy[0].name")
            && said.contains("no placement policy is registered as `newest`")
            && said.contains("first-fit, best-fit"),
        "{said}"
    );
    let mut registry = PolicyRegistry::builtin();
    registry.register("newest", Newest).unwrap();
    let options = ecsim::scenario::LoadOptions {
        policies: Some(&registry),
        ..Default::default()
    };
    let scenario = ecsim::scenario::load_str_with(&text, Path::new("s.toml"), &[], options)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut where_ = Instances::default();
    ecsim::sim::run(&scenario.config, &mut where_);
    // Both on i-00000002, the second launch, whatever the random ranks say.
    assert_eq!(where_.0, ["i-00000002", "i-00000002"]);
    // first-fit, its mirror, takes the first launch.
    let first = ecsim::scenario::load_str(
        &two_instances(r#"[{ type = "policy", name = "first-fit" }]"#),
        Path::new("s.toml"),
        &[],
    )
    .unwrap();
    let mut where_ = Instances::default();
    ecsim::sim::run(&first.config, &mut where_);
    assert_eq!(where_.0, ["i-00000001", "i-00000001"]);
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn a_sweep_over_policies_writes_the_same_bytes_at_one_and_two_threads() {
    let spec = || {
        SweepSpec {
        scenario: repo("scenarios/placement-policies.toml"),
        set: vec!["horizon=3h".into()],
        vary: vec![
            Vary::parse(
                r#"jobs.batch.placementStrategy=[{type="binpack",field="cpu"}],[{type="policy",name="tetris"}],[{type="policy",name="most-allocated"},{type="spread",field="instanceId"}]"#,
            )
            .unwrap(),
        ],
        replications: 3,
    }
    };
    let root = tempfile::tempdir().unwrap();
    let mut written = Vec::new();
    for jobs in [1, 2] {
        let out = root.path().join(format!("j{jobs}"));
        let outcome = run_sweep(&SweepOptions {
            spec: spec(),
            jobs: Some(jobs),
            out: Some(out.clone()),
            shard: None,
            progress: false,
            allow_large: false,
        })
        .unwrap();
        assert_eq!((outcome.runs, outcome.ran), (9, 9));
        written.push(
            ["runs.csv", "sweep.csv", "sweep.json"].map(|f| std::fs::read(out.join(f)).unwrap()),
        );
    }
    assert!(written[0] == written[1], "--jobs 1 and --jobs 2 differ");
    // The policies were run, not ignored: replication 0 of binpack and of tetris (same
    // seed, same tasks) differ in what follows the quoted strategy, the run's figures.
    let runs = String::from_utf8_lossy(&written[0][0]).into_owned();
    let figures = |row: &str| row.rsplit_once('"').unwrap().1.to_string();
    let rows: Vec<&str> = runs.lines().skip(1).collect();
    assert_eq!(rows.len(), 9);
    assert!(
        rows[0].starts_with("0,0,") && rows[3].starts_with("3,1,"),
        "{runs}"
    );
    assert_ne!(figures(rows[0]), figures(rows[3]), "{runs}");
}
