//! The `scenario` fuzz target's seeds (fuzz/seeds/scenario/), run on the stable toolchain:
//! each file goes through what the fuzz target does (fuzz/fuzz_targets/scenario.rs: parse
//! and validate with `scenario::load_str`, then, within small size limits, a two-hour run
//! under the runaway guard), so CI keeps the hostile cases they hold fixed without cargo-fuzz.
//! A seed's second line says what it expects: `# expect: ok`, or the field its error names.

use ecsim::metrics::NullRecorder;
use ecsim::time::{SimDuration, SimTime};
use std::path::Path;

/// Words that mean the program, not the scenario, is talking (as in hostile.rs).
const INTERNALS: &[&str] = &["untagged", "u32", "u64", "Some(", "struct ", "os error"];

/// The fuzz target's body, less the UTF-8 check every seed passes: `Ok` when the scenario
/// validated (and then ran), else the error's text.
fn fuzz_one(text: &str) -> Result<(), String> {
    let scenario =
        ecsim::scenario::load_str(text, Path::new("fuzz.toml"), &[]).map_err(|e| e.to_string())?;
    let mut config = scenario.config;
    let two_hours = SimTime::ZERO + SimDuration::from_secs(7200);
    config.horizon = config.horizon.min(two_hours);
    config.warmup = config.warmup.min(SimTime::ZERO);
    config.events_per_instant = config.events_per_instant.min(100_000);
    let small = ecsim::scenario::SizeLimits {
        tasks: 2e4,
        events: 1e6,
        samples: 1e4,
        output_bytes: 1e8,
    };
    if ecsim::scenario::estimate(&config, ecsim::scenario::RunFiles::ALL)
        .exceeds(&small)
        .is_none()
    {
        let _ = ecsim::sim::run_with(&config, &mut NullRecorder, Default::default());
    }
    Ok(())
}

#[test]
fn every_scenario_seed_gets_its_expected_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/scenario");
    let mut seeds: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 10, "{} seeds", seeds.len());
    let mut wrong = Vec::new();
    for seed in &seeds {
        let text = std::fs::read_to_string(seed).unwrap();
        let expect = text
            .lines()
            .find_map(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{}: no `# expect:` line", seed.display()));
        let name = seed.file_name().unwrap().to_string_lossy();
        match (fuzz_one(&text), expect) {
            (Ok(()), "ok") => {}
            (Ok(()), field) => {
                wrong.push(format!("{name}: accepted; expected an error at {field}"))
            }
            (Err(e), "ok") => wrong.push(format!("{name}: {e}")),
            (Err(e), field) => {
                // Located: the file, a line and the field, in the scenario's words.
                if !e.starts_with("fuzz.toml:") || !e.contains(field) {
                    wrong.push(format!("{name}: expected a located error at {field}: {e}"));
                }
                if let Some(internal) = INTERNALS.iter().find(|w| e.contains(*w)) {
                    wrong.push(format!("{name}: mentions {internal:?}: {e}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
