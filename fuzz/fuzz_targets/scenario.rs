//! Any bytes as a scenario file: parsing and validation must return a located error or a
//! config, never panic; a config that passes validation and the size limits must run (its
//! horizon cut to two simulated hours so each input stays fast) without panicking, and end
//! or stop at the runaway guard.

#![no_main]

use ecsim::metrics::NullRecorder;
use ecsim::time::{SimDuration, SimTime};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = ecsim::scenario::load_str(text, Path::new("fuzz.toml"), &[]) else {
        return;
    };
    let mut config = scenario.config;
    let two_hours = SimTime::ZERO + SimDuration::from_secs(7200);
    config.horizon = config.horizon.min(two_hours);
    config.warmup = config.warmup.min(SimTime::ZERO);
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
        return;
    }
    let _ = ecsim::sim::run_with(
        &config,
        &mut NullRecorder,
        ecsim::sim::RunOptions::default(),
    );
});
