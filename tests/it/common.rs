//! Shared helpers: scenarios from text, runs into temporary directories.

use ecsim::metrics::{NullRecorder, Summary};
use ecsim::model::SimConfig;
use std::path::Path;

pub fn config(text: &str) -> SimConfig {
    ecsim::scenario::load_str(text, Path::new("test.toml"), &[])
        .unwrap_or_else(|e| panic!("{e}"))
        .config
}

pub fn run(config: &SimConfig) -> Summary {
    ecsim::sim::run(config, &mut NullRecorder)
}

/// An M/M/c queue as an ECS scenario: `servers` one-task instances (a custom type that
/// holds exactly one task), Poisson arrivals, exponential durations, no startup latency.
/// `waiting`: tasks queue through the pool's capacity provider (Erlang C); otherwise they
/// are RunTask launches that fail when nothing fits (Erlang B).
pub fn mmc_scenario(
    servers: u32,
    lambda_per_s: f64,
    mean_service_s: f64,
    waiting: bool,
    horizon_h: u32,
    seed: u64,
) -> String {
    let launch = if waiting {
        "capacityProviderStrategy = [{ capacityProvider = \"servers\", weight = 1 }]"
    } else {
        "launchType = \"EC2\""
    };
    format!(
        r#"
name = "mmc"
seed = {seed}
horizon = "{horizon_h}h"
warmup = "1h"
timing = {{ instant = true }}

[[instance_types]]
name = "one-slot"
vcpu = 1
memory_gib = 2
registered_memory_mib = 2048

[[cluster.pools]]
name = "servers"
instance_type = "one-slot"
count = {servers}

[[taskDefinitions]]
family = "work"
cpu = 1024
memory = 512

[[jobs]]
name = "arrivals"
taskDefinition = "work"
{launch}
arrival = {{ type = "poisson", rate_per_s = {lambda_per_s} }}
duration = {{ type = "exponential", mean = {mean_service_s} }}
"#
    )
}

/// Every scenario shipped with the project (subdirectories included), then the test
/// fixtures, in a fixed order.
pub fn shipped_scenarios() -> Vec<std::path::PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "toml") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["scenarios", "tests/fixtures"] {
        walk(&root.join(dir), &mut files);
    }
    files
}

/// A run that re-checks every index and bound after each instant, failing at the first
/// violation with the instant and what broke.
pub fn run_checked<R: ecsim::metrics::Recorder>(
    config: &SimConfig,
    recorder: &mut R,
) -> Result<Summary, ecsim::sim::RunHalted> {
    ecsim::sim::run_with(config, recorder, ecsim::sim::RunOptions::checked()).map(|o| o.summary)
}
