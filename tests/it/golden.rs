//! Every shipped scenario's outputs are pinned, so a change meant to move code and not
//! behaviour (a restructuring, a faster index) proves it moved nothing. Two pins, apart:
//!
//! - the numbers, in `tests/snapshots/<scenario>.snap`: the whole `summary.json`, and for
//!   each CSV its row count, digest and per-column sums, readable in a review; a change
//!   fails with a line diff of the snapshot, so it shows *what* moved;
//! - the narrated trace (`--trace`), in `tests/snapshots/traces.txt`: its line count and
//!   digest, so rewording a narration line re-pins the words and not the numbers.
//!
//! When outputs change on purpose, regenerate with
//!
//! ```sh
//! ECSIM_BLESS=1 cargo test --profile ci --test it golden
//! ```
//!
//! review the diff, and say in the commit which scenarios moved and why. Scenarios that
//! read `../shared/traces` are skipped where that directory is absent, and keep their
//! recorded pins.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const SNAPSHOTS: &str = "tests/snapshots";
const TRACES: &str = "tests/snapshots/traces.txt";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn needs_shared_traces(scenario: &Path) -> bool {
    std::fs::read_to_string(scenario).is_ok_and(|text| text.contains("shared/traces"))
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A scenario's path from the repository root, with `/`.
fn relative(scenario: &Path) -> String {
    scenario
        .strip_prefix(repo())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

fn snapshot_path(rel: &str) -> PathBuf {
    repo().join(SNAPSHOTS).join(format!(
        "{}.snap",
        rel.trim_end_matches(".toml").replace('/', "__")
    ))
}

/// A CSV in a few readable lines: its rows, its digest, and the sum of each numeric
/// column (a moved figure names its column; equal sums with a new digest mean rows
/// moved or text changed).
fn describe_csv(name: &str, bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let mut sums = vec![0.0f64; header.len()];
    let mut numeric = vec![true; header.len()];
    let mut rows = 0;
    for line in lines {
        rows += 1;
        for (i, cell) in line.split(',').enumerate().take(header.len()) {
            match cell.parse::<f64>() {
                Ok(v) => sums[i] += v,
                Err(_) => numeric[i] &= cell.is_empty(),
            }
        }
    }
    let mut out = format!("## {name}: {rows} rows, sha256 {}\n", sha256(bytes));
    for (i, column) in header.iter().enumerate() {
        if numeric[i] && !column.is_empty() {
            out.push_str(&format!("sum {column} = {:.9e}\n", sums[i]));
        }
    }
    out
}

/// What one scenario's run writes, as its snapshot text, and its trace's pin line.
fn run_scenario(scenario: &Path) -> (String, String) {
    let rel = relative(scenario);
    let tmp = tempfile::tempdir().unwrap();
    // A relative --out: the trace's last line names it, and it must not name a temp path.
    let out = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .current_dir(tmp.path())
        .args(["run", scenario.to_str().unwrap(), "--out", "out", "--trace"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{rel}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |file: &str| {
        std::fs::read(tmp.path().join("out").join(file))
            .unwrap_or_else(|e| panic!("{rel}: {file}: {e}"))
    };
    let mut snapshot =
        format!("# ecsim run {rel} --trace; see tests/it/golden.rs\n## summary.json\n");
    snapshot.push_str(&String::from_utf8_lossy(&read("summary.json")));
    if !snapshot.ends_with('\n') {
        snapshot.push('\n');
    }
    for file in ["timeseries.csv", "tasks.csv"] {
        snapshot.push_str(&describe_csv(file, &read(file)));
    }
    let trace = format!(
        "{}  {} lines  {rel}",
        sha256(&out.stdout),
        out.stdout.iter().filter(|b| **b == b'\n').count()
    );
    (snapshot, trace)
}

fn read_traces() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(repo().join(TRACES)).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            l.rsplit_once("  ")
                .map(|(_, rel)| (rel.to_string(), l.to_string()))
        })
        .collect()
}

/// A line diff of `was` against `now`, only the changed lines with a little context.
fn diff(was: &str, now: &str) -> String {
    similar::TextDiff::from_lines(was, now)
        .unified_diff()
        .context_radius(2)
        .to_string()
}

#[test]
fn every_scenario_writes_its_pinned_outputs_and_trace() {
    let bless = std::env::var_os("ECSIM_BLESS").is_some();
    let recorded_traces = read_traces();
    let mut traces = BTreeMap::new();
    let mut moved = Vec::new();
    for scenario in super::common::shipped_scenarios() {
        let rel = relative(&scenario);
        if needs_shared_traces(&scenario) && !repo().join("../shared/traces").exists() {
            // A skipped scenario keeps what was recorded for it.
            if let Some(line) = recorded_traces.get(&rel) {
                traces.insert(rel, line.clone());
            }
            continue;
        }
        let (snapshot, trace) = run_scenario(&scenario);
        let path = snapshot_path(&rel);
        let was = std::fs::read_to_string(&path).unwrap_or_default();
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &snapshot).unwrap();
        } else if was != snapshot {
            moved.push(format!("{}:\n{}", path.display(), diff(&was, &snapshot)));
        }
        if !bless && recorded_traces.get(&rel) != Some(&trace) {
            moved.push(format!(
                "{TRACES}: the trace of {rel} changed\n- {}\n+ {trace}",
                recorded_traces.get(&rel).map_or("(none)", |s| s.as_str())
            ));
        }
        traces.insert(rel, trace);
    }
    if bless {
        let mut text = String::from(
            "# sha256 and line count of each shipped scenario's --trace output; see tests/it/golden.rs.\n",
        );
        for line in traces.values() {
            text.push_str(line);
            text.push('\n');
        }
        std::fs::write(repo().join(TRACES), text).unwrap();
        return;
    }
    for rel in recorded_traces.keys().filter(|k| !traces.contains_key(*k)) {
        moved.push(format!("{TRACES}: {rel} is pinned but no longer shipped"));
    }
    assert!(
        moved.is_empty(),
        "outputs moved (rerun with ECSIM_BLESS=1 if intended, and review the diff):\n{}",
        moved.join("\n")
    );
}

#[test]
fn a_csv_is_described_by_rows_digest_and_column_sums() {
    let text = describe_csv("t.csv", b"time,name,cost\n1,a,0.5\n2,b,\n");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("## t.csv: 2 rows, sha256 "), "{text}");
    // `name` holds text, so it has no sum; an empty cell counts as nothing.
    assert_eq!(
        &lines[1..],
        ["sum time = 3.000000000e0", "sum cost = 5.000000000e-1"]
    );
}
