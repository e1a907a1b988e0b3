//! One trace replay from arbitrary bytes, shared by the `trace` fuzz target and the test
//! that runs its seeds (`tests/it/trace.rs`), so both go through the same steps: the bytes
//! become `t.csv` of a small scenario, which must load or fail with an error in the user's
//! words, and a loaded scenario runs (at most two simulated hours) without panicking and
//! with every cluster invariant holding after each instant.

use ecsim::metrics::NullRecorder;
use ecsim::sim::{RunHalted, RunOptions};
use ecsim::time::{SimDuration, SimTime};
use std::path::Path;

/// Two pools, one with GPUs, so rows can fit one, both or neither.
pub const SCENARIO: &str = r#"
horizon = "2h"

[[cluster.pools]]
name = "cpu"
instance_type = "m5.large"
count = 2

[[cluster.pools]]
name = "gpu"
instance_type = "g4dn.xlarge"
count = 1

[[traces]]
name = "t"
path = "t.csv"
"#;

/// Writes `csv` as `dir/t.csv` and replays it; the error as the user would read it.
pub fn replay(dir: &Path, csv: &[u8]) -> Result<(), String> {
    std::fs::write(dir.join("t.csv"), csv).expect("the trace is written");
    let scenario =
        ecsim::scenario::load_str(SCENARIO, &dir.join("s.toml"), &[]).map_err(|e| e.to_string())?;
    let mut config = scenario.config;
    let two_hours = SimTime::ZERO + SimDuration::from_secs(7200);
    config.horizon = config.horizon.min(two_hours);
    config.events_per_instant = config.events_per_instant.min(100_000);
    if ecsim::scenario::estimate(&config, ecsim::scenario::RunFiles::ALL)
        .exceeds(&ecsim::scenario::SizeLimits {
            tasks: 2e4,
            events: 1e6,
            samples: 1e4,
            output_bytes: 1e8,
        })
        .is_some()
    {
        return Ok(());
    }
    match ecsim::sim::run_with(&config, &mut NullRecorder, RunOptions::checked()) {
        Err(e @ RunHalted::InvariantBroken { .. }) => panic!("{e}"),
        _ => Ok(()),
    }
}
