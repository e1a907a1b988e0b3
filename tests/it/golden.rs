//! Every shipped scenario's outputs are pinned by digest, so a change meant to move code
//! and not behaviour (a restructuring, a faster index) proves it moved nothing: the
//! summary, both CSV files and the narrated trace must stay byte for byte the same.
//!
//! When outputs change on purpose, regenerate the digests with
//!
//! ```sh
//! ECSIM_BLESS=1 cargo test --release --test it golden
//! ```
//!
//! and say in the commit which scenarios moved and why. Scenarios that read
//! `../shared/traces` are skipped where that directory is absent, and keep their
//! recorded digests.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const DIGESTS: &str = "tests/fixtures/output-digests.txt";
/// What a run writes that a refactoring must not move. Charts are left out: they are
/// drawn from these same numbers.
const PINNED_FILES: [&str; 3] = ["summary.json", "timeseries.csv", "tasks.csv"];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn needs_shared_traces(scenario: &Path) -> bool {
    std::fs::read_to_string(scenario).is_ok_and(|text| text.contains("shared/traces"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Digests of one scenario's run, keyed `scenario-path/file`.
fn digest_run(scenario: &Path, into: &mut BTreeMap<String, String>) {
    let rel = scenario
        .strip_prefix(repo())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
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
    into.insert(format!("{rel}/trace"), hex(&Sha256::digest(&out.stdout)));
    for file in PINNED_FILES {
        let bytes = std::fs::read(tmp.path().join("out").join(file))
            .unwrap_or_else(|e| panic!("{rel}: {file}: {e}"));
        into.insert(format!("{rel}/{file}"), hex(&Sha256::digest(&bytes)));
    }
}

fn read_recorded() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(repo().join(DIGESTS)).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (digest, key) = l.split_once("  ").expect("digest  key");
            (key.to_string(), digest.to_string())
        })
        .collect()
}

#[test]
fn every_scenario_writes_the_pinned_outputs() {
    let recorded = read_recorded();
    let mut now = BTreeMap::new();
    let mut skipped = Vec::new();
    for scenario in super::common::shipped_scenarios() {
        if needs_shared_traces(&scenario) && !repo().join("../shared/traces").exists() {
            skipped.push(scenario);
            continue;
        }
        digest_run(&scenario, &mut now);
    }
    // A skipped scenario keeps what was recorded for it.
    for scenario in &skipped {
        let rel = scenario.strip_prefix(repo()).unwrap().to_string_lossy();
        for (k, v) in &recorded {
            if k.starts_with(&format!("{rel}/")) {
                now.insert(k.clone(), v.clone());
            }
        }
    }
    if std::env::var_os("ECSIM_BLESS").is_some() {
        let mut text =
            String::from("# sha256 of each shipped scenario's outputs; see tests/it/golden.rs.\n");
        for (k, v) in &now {
            text.push_str(&format!("{v}  {k}\n"));
        }
        std::fs::write(repo().join(DIGESTS), text).unwrap();
        return;
    }
    let moved: std::collections::BTreeSet<&String> = now
        .keys()
        .chain(recorded.keys())
        .filter(|k| now.get(*k) != recorded.get(*k))
        .collect();
    assert!(
        moved.is_empty(),
        "outputs differ from {DIGESTS} (rerun with ECSIM_BLESS=1 if intended): {moved:?}"
    );
}
