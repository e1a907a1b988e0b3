//! Capacity options as pure `SimConfig → SimConfig` transformations.
//!
//! Only where tasks run changes: services, jobs, task definitions' Fargate fields and pools.
//! Seed, horizon, arrivals and durations are untouched, so every leg samples the same
//! workload (the simulation draws them from per-origin streams).

use crate::catalog::{FargatePlatform, round_fargate};
use crate::model::{LaunchSpec, NetworkMode, Provider, ProviderShare, SimConfig, TaskDefId};
use std::fmt;
use thiserror::Error;

/// One capacity option to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leg {
    /// The scenario as written.
    Scenario,
    /// Every task that ran on EC2 capacity runs on Fargate (On-Demand); pools are emptied.
    Fargate,
    /// As `Fargate`, through the [`FARGATE_SPOT_STRATEGY`] capacity provider strategy.
    FargateSpot,
    /// The scenario's pools as Spot instances.
    Ec2Spot,
}

/// (provider, base, weight) of the `fargate-spot` leg: FARGATE base 1 weight 1, FARGATE_SPOT
/// weight 3. The base keeps one task of every service on On-Demand capacity, so a Spot
/// reclaim never takes a whole service down; 1:3 after that is the split AWS's own
/// examples use, putting three quarters of the remaining tasks on Spot.
pub const FARGATE_SPOT_STRATEGY: [(Provider, u32, u32); 2] =
    [(Provider::Fargate, 1, 1), (Provider::FargateSpot, 0, 3)];

impl Leg {
    pub const ALL: [Leg; 4] = [Leg::Scenario, Leg::Fargate, Leg::FargateSpot, Leg::Ec2Spot];

    pub fn name(self) -> &'static str {
        match self {
            Leg::Scenario => "scenario",
            Leg::Fargate => "fargate",
            Leg::FargateSpot => "fargate-spot",
            Leg::Ec2Spot => "ec2-spot",
        }
    }

    /// Parses a `--with` value; the error lists the allowed names.
    pub fn parse(text: &str) -> Result<Leg, String> {
        Leg::ALL
            .into_iter()
            .find(|l| l.name() == text)
            .ok_or_else(|| {
                let allowed: Vec<&str> = Leg::ALL.iter().map(|l| l.name()).collect();
                format!(
                    "unknown launch option `{text}` for --with; allowed: {}",
                    allowed.join(", ")
                )
            })
    }
}

impl fmt::Display for Leg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
#[error("leg `{leg}`: task definition `{family}`: {message}")]
pub struct LegError {
    pub leg: &'static str,
    pub family: String,
    pub message: String,
}

/// The config of `leg`, and the assumptions made to build it (one sentence each).
pub fn apply_leg(config: &SimConfig, leg: Leg) -> Result<(SimConfig, Vec<String>), LegError> {
    let mut c = config.clone();
    let mut notes = Vec::new();
    match leg {
        Leg::Scenario => {}
        Leg::Fargate => move_to_fargate(&mut c, leg, &mut notes)?,
        Leg::FargateSpot => {
            move_to_fargate(&mut c, leg, &mut notes)?;
            spot_strategy(&mut c, &mut notes);
        }
        Leg::Ec2Spot => {
            for pool in &mut c.pools {
                pool.spot = true;
            }
            if !c.pools.is_empty() {
                notes.push(format!(
                    "EC2 pools priced as Spot at {:.0}% off On-Demand; no interruptions are modeled unless the scenario injects them",
                    c.billing.ec2_spot_discount * 100.0
                ));
            }
        }
    }
    Ok((c, notes))
}

pub(super) fn uses_ec2(launch: &LaunchSpec) -> bool {
    match launch {
        LaunchSpec::Ec2 => true,
        LaunchSpec::Fargate => false,
        LaunchSpec::Providers(shares) => shares
            .iter()
            .any(|s| matches!(s.provider, Provider::Pool(_))),
    }
}

/// Moves every service and job that used EC2 capacity to `launchType = FARGATE`, makes their task
/// definitions Fargate-ready, and empties the pools (nothing is left to run there).
fn move_to_fargate(c: &mut SimConfig, leg: Leg, notes: &mut Vec<String>) -> Result<(), LegError> {
    let mut moved: Vec<TaskDefId> = Vec::new();
    for s in &mut c.services {
        if uses_ec2(&s.launch) {
            s.launch = LaunchSpec::Fargate;
            moved.push(s.task_def);
        }
    }
    for j in &mut c.jobs {
        if uses_ec2(&j.launch) {
            j.launch = LaunchSpec::Fargate;
            moved.push(j.task_def);
        }
    }
    moved.sort_by_key(|d| d.index());
    moved.dedup();
    for id in moved {
        let def = &mut c.task_defs[id.index()];
        if def.fargate_compatible {
            continue;
        }
        let size = round_fargate(def.cpu, def.memory, def.platform.os()).map_err(|e| LegError {
            leg: leg.name(),
            family: def.family.clone(),
            message: e.to_string(),
        })?;
        notes.push(format!(
            "task definition `{}` is EC2-only; assumed Fargate-compatible with awsvpc networking at {} cpu / {} MiB (rounded up from {} / {})",
            def.family, size.cpu_units, size.memory_mib, def.cpu, def.memory
        ));
        def.fargate_compatible = true;
        def.fargate_size = Some(size);
        // Fargate runs every task in awsvpc mode; host ports do not exist there.
        def.network_mode = NetworkMode::Awsvpc;
        def.host_ports.clear();
    }
    let had_instances: u32 = c.pools.iter().map(|p| p.count).sum();
    for pool in &mut c.pools {
        pool.count = 0;
    }
    if had_instances > 0 {
        notes.push(format!(
            "{had_instances} EC2 instance(s) removed: no task is left to run on them"
        ));
    }
    Ok(())
}

/// Puts every Fargate service and job on the FARGATE / FARGATE_SPOT strategy, except
/// Windows tasks: Fargate Spot does not run Windows, so they stay On-Demand.
fn spot_strategy(c: &mut SimConfig, notes: &mut Vec<String>) {
    let strategy = LaunchSpec::Providers(
        FARGATE_SPOT_STRATEGY
            .iter()
            .map(|&(provider, base, weight)| ProviderShare {
                provider,
                base,
                weight,
            })
            .collect(),
    );
    let defs = &c.task_defs;
    let is_windows = |d: TaskDefId| defs[d.index()].platform == FargatePlatform::Windows;
    let mut kept = Vec::new();
    let launches = c
        .services
        .iter_mut()
        .map(|s| (&s.name, s.task_def, &mut s.launch))
        .chain(
            c.jobs
                .iter_mut()
                .map(|j| (&j.name, j.task_def, &mut j.launch)),
        );
    for (name, def, launch) in launches {
        if is_windows(def) {
            kept.push(name.clone());
        } else {
            *launch = strategy.clone();
        }
    }
    notes.push(
        "capacity provider strategy FARGATE base 1 weight 1, FARGATE_SPOT weight 3".to_string(),
    );
    if !kept.is_empty() {
        notes.push(format!(
            "Windows tasks stay on FARGATE (no Fargate Spot for Windows): {}",
            kept.join(", ")
        ));
    }
}
