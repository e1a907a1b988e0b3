//! Your own placement policy, from outside the crate (issue 40): define it, register it
//! under a name, and name it in a scenario where a placement strategy goes. Here a policy
//! that puts a task where the most tasks already run (a count-based packer) competes with
//! the scenario's own `tetris` on identical tasks.
//!
//! ```sh
//! cargo run --profile ci --example custom_policy
//! ```

use ecsim::metrics::{NullRecorder, Summary};
use ecsim::placement::policies::{Ask, Candidate, PlacementPolicy, PolicyRegistry, PolicyRng};
use ecsim::scenario::LoadOptions;
use std::path::Path;
use std::process::ExitCode;

/// The instance running the most tasks wins; ECS's filters have already kept only the
/// instances with the room, and ties go to the next rule, then to the random rank.
struct MostTasks;

impl PlacementPolicy for MostTasks {
    fn score(&self, _task: &Ask<'_>, instance: &Candidate<'_>, _rng: &mut PolicyRng) -> f64 {
        f64::from(instance.tasks())
    }
}

fn main() -> ExitCode {
    let mut registry = PolicyRegistry::builtin();
    registry
        .register("most-tasks", MostTasks)
        .expect("a new, plain name");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/placement-policies.toml");
    let mine = r#"jobs.batch.placementStrategy=[{type="policy",name="most-tasks"}]"#;
    println!(
        "{:<12} {:>8} {:>10} {:>10} {:>15}",
        "batch by", "CPU res.", "instances", "cost", "pending p95"
    );
    for (label, overrides) in [("tetris", vec![]), ("most-tasks", vec![mine.to_string()])] {
        let options = LoadOptions {
            policies: Some(&registry),
            ..LoadOptions::default()
        };
        let loaded = match ecsim::scenario::load_with(&scenario, &overrides, options) {
            Ok(loaded) => loaded,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let s: Summary = ecsim::sim::run(&loaded.config, &mut NullRecorder);
        println!(
            "{label:<12} {:>7.1}% {:>10.1} {:>10} {:>13.1} s",
            100.0 * s.utilization.cpu_reserved_mean,
            s.instances.mean,
            format!("${:.2}", s.cost_usd.total),
            s.pending_time_s.started.p95,
        );
    }
    ExitCode::SUCCESS
}
