//! `ecsim run --tasks-sample`: a sampled tasks.csv is the full file's header and a subset
//! of its rows, in order, of about the asked share, the same on every rerun; every other
//! output is byte for byte that of the full run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// M/M/10 (λ = 9, μ = 1 per minute) over 20 h: about 10,800 jobs, with waiting, names
/// that need quotes, and a service, so rows of both origins are sampled.
const SCENARIO: &str = r#"
name = "sampled"
seed = 11
horizon = "20h"
sample_interval = "1h"

[cluster]
availability_zones = ["us-east-1a"]

[timing]
instant = true

[[instance_types]]
name = "slot.one"
vcpu = 1
memory_gib = 1
registered_memory_mib = 1024

[[cluster.pools]]
name = "slots"
instance_type = "slot.one"
count = 11

[[taskDefinitions]]
family = "batch, \"nightly\""
cpu = 1024
memory = 1024
networkMode = "host"

[[services]]
name = "always"
taskDefinition = "batch, \"nightly\""
desiredCount = 1

[[jobs]]
name = "queue"
taskDefinition = "batch, \"nightly\""
capacityProviderStrategy = [{ capacityProvider = "slots", weight = 1 }]
arrival = { type = "poisson", rate_per_hour = 540 }
duration = { type = "exponential", mean = "1m" }
"#;

fn ecsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .output()
        .expect("ecsim runs")
}

fn run_into(scenario: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = ecsim(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The lines of a CSV file; no field here spans lines (the quoted name has none).
fn lines(path: PathBuf) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_sample_is_an_ordered_subset_of_the_full_rows_and_changes_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let (full, sampled, again) = (
        tmp.path().join("full"),
        tmp.path().join("sampled"),
        tmp.path().join("again"),
    );
    run_into(&scenario, &full, &[]);
    run_into(&scenario, &sampled, &["--tasks-sample", "10%"]);
    run_into(&scenario, &again, &["--tasks-sample=0.1"]);

    for file in ["summary.json", "timeseries.csv"] {
        let a = std::fs::read(full.join(file)).unwrap();
        assert!(a == std::fs::read(sampled.join(file)).unwrap(), "{file}");
    }
    let all = lines(full.join("tasks.csv"));
    let some = lines(sampled.join("tasks.csv"));
    assert_eq!(some, lines(again.join("tasks.csv")), "10% and 0.1 differ");
    assert_eq!(some[0], all[0], "header");
    assert!(
        all[1].contains("\"batch, \"\"nightly\"\"\""),
        "the family is quoted: {}",
        all[1]
    );

    // An ordered subset: every sampled row is found, in turn, among the full rows.
    let mut rest = all[1..].iter();
    for row in &some[1..] {
        assert!(
            rest.any(|r| r == row),
            "not a row of the full file, or out of order: {row}"
        );
    }

    // Each of n tasks kept with p = 0.1: Binomial(n, p); 4.4 standard deviations is a
    // two-sided 1e-5 band, so a correct sampler fails it essentially never.
    let n = (all.len() - 1) as f64;
    assert!(n > 9_000.0, "{n} tasks");
    let kept = (some.len() - 1) as f64;
    let sd = (n * 0.1 * 0.9).sqrt();
    assert!(
        (kept - 0.1 * n).abs() < 4.4 * sd,
        "kept {kept} of {n}, expected {} ± {}",
        0.1 * n,
        4.4 * sd
    );
}

#[test]
fn another_seed_keeps_other_tasks() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let ids = |seed: &str| -> Vec<u64> {
        let out = tmp.path().join(seed);
        run_into(&scenario, &out, &["--seed", seed, "--tasks-sample", "50%"]);
        let mut ids: Vec<u64> = lines(out.join("tasks.csv"))[1..]
            .iter()
            .map(|l| l.split(',').next().unwrap().parse().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    };
    let (a, b) = (ids("1"), ids("2"));
    // Task ids count up from 1 in both runs; two independent halves share about a quarter
    // of the ids below the smaller maximum, not (nearly) all of them.
    let common = a.iter().filter(|id| b.binary_search(id).is_ok()).count();
    assert!(common < a.len() * 3 / 4, "{common} of {} shared", a.len());
}

#[test]
fn a_share_outside_zero_to_one_is_refused_with_status_2() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let s = scenario.to_str().unwrap();
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    for (args, says) in [
        (vec!["--tasks-sample", "0"], "use --tasks none"),
        (
            vec!["--tasks-sample", "150%"],
            "`150%` is not a share of tasks",
        ),
        (vec!["--tasks-sample=-0.5"], "at most 1"),
        (vec!["--tasks-sample", "half"], "like 0.01"),
        (
            vec!["--tasks", "none", "--tasks-sample", "1%"],
            "nothing to sample",
        ),
        (
            vec!["--report", "--tasks-sample", "1%"],
            "drop --tasks-sample",
        ),
    ] {
        let mut all = vec!["run", s, "--quiet", "--out", o];
        all.extend_from_slice(&args);
        let r = ecsim(&all);
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}
