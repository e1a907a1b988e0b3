//! Capacity options as pure `SimConfig → SimConfig` transformations.
//!
//! Only where tasks run changes: services, jobs, task definitions' Fargate fields and pools.
//! Seed, horizon, arrivals and durations are untouched, so every leg samples the same
//! workload (the simulation draws them from per-origin streams).

use super::commitment_legs::{
    add_compute_savings_plan, add_instance_savings_plans, add_reserved_instances,
};
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
    /// The scenario with Reserved Instances for its On-Demand pools' steady counts.
    Ec2Ri,
    /// The scenario with EC2 Instance Savings Plans for those counts.
    Ec2Isp,
    /// `Fargate` with a Compute Savings Plan for the services' desired counts.
    FargateCsp,
    /// Every task that ran on EC2 or Fargate runs on one ECS Managed Instances provider
    /// with ECS's default settings, On-Demand.
    ManagedInstances,
    /// As `ManagedInstances`, with `capacityOptionType = "SPOT"`.
    ManagedInstancesSpot,
}

/// The name of the provider the Managed Instances legs add.
pub const MANAGED_INSTANCES_PROVIDER: &str = "managed-instances";

/// (provider, base, weight) of the `fargate-spot` leg: FARGATE base 1 weight 1, FARGATE_SPOT
/// weight 3. The base keeps one task of every service on On-Demand capacity, so a Spot
/// reclaim never takes a whole service down; 1:3 after that is the split AWS's own
/// examples use, putting three quarters of the remaining tasks on Spot.
pub const FARGATE_SPOT_STRATEGY: [(Provider, u32, u32); 2] =
    [(Provider::Fargate, 1, 1), (Provider::FargateSpot, 0, 3)];

impl Leg {
    /// The default legs of `ecsim compare`.
    pub const ALL: [Leg; 4] = [Leg::Scenario, Leg::Fargate, Leg::FargateSpot, Leg::Ec2Spot];
    /// Every leg `--with` accepts.
    pub const CHOICES: [Leg; 9] = [
        Leg::Scenario,
        Leg::Fargate,
        Leg::FargateSpot,
        Leg::Ec2Spot,
        Leg::Ec2Ri,
        Leg::Ec2Isp,
        Leg::FargateCsp,
        Leg::ManagedInstances,
        Leg::ManagedInstancesSpot,
    ];

    /// The leg's name as `--with` takes it and the tables print it.
    pub fn name(self) -> &'static str {
        match self {
            Leg::Scenario => "scenario",
            Leg::Fargate => "fargate",
            Leg::FargateSpot => "fargate-spot",
            Leg::Ec2Spot => "ec2-spot",
            Leg::Ec2Ri => "ec2+ri",
            Leg::Ec2Isp => "ec2+isp",
            Leg::FargateCsp => "fargate+csp",
            Leg::ManagedInstances => "managed-instances",
            Leg::ManagedInstancesSpot => "managed-instances-spot",
        }
    }

    /// Parses a `--with` value; the error lists the allowed names.
    pub fn parse(text: &str) -> Result<Leg, String> {
        Leg::CHOICES
            .into_iter()
            .find(|l| l.name() == text)
            .ok_or_else(|| {
                let allowed: Vec<&str> = Leg::CHOICES.iter().map(|l| l.name()).collect();
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

/// Why a leg cannot be built from the scenario: a task definition it cannot run.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("leg `{leg}`: task definition `{family}`: {message}")]
pub struct LegError {
    /// The leg's name.
    pub leg: &'static str,
    /// The task definition at fault (or what else the leg could not build, in parentheses).
    pub family: String,
    /// What is wrong, in words.
    pub message: String,
}

/// A leg ready to run.
#[derive(Clone, Debug)]
pub struct LegConfig {
    /// The scenario transformed into the leg.
    pub config: SimConfig,
    /// The assumptions made to build it, one sentence each.
    pub notes: Vec<String>,
    /// Services that cannot run in this leg (DAEMON services off EC2): left out of its
    /// availability rather than counted as available.
    pub left_out: Vec<String>,
}

/// The config of `leg`, with its assumptions and the services it cannot run.
pub fn apply_leg(config: &SimConfig, leg: Leg) -> Result<LegConfig, LegError> {
    let mut c = config.clone();
    let mut notes = Vec::new();
    let mut left_out = Vec::new();
    // A leg moves capacity, never how a service deploys: its strategy (and so the overlap
    // a BLUE_GREEN, LINEAR or CANARY deployment runs) is the same in every leg.
    for s in c.services.iter().filter(|s| !s.deployments.is_empty()) {
        let strategy = s.deployment.strategy;
        if strategy.is_staged() && leg != Leg::Scenario {
            notes.push(format!(
                "service {} deploys by {} as in the scenario",
                s.name,
                strategy.as_str()
            ));
        }
    }
    match leg {
        Leg::Scenario => {}
        Leg::Fargate => move_to_fargate(&mut c, leg.name(), None, &mut notes, &mut left_out)?,
        Leg::FargateSpot => {
            move_to_fargate(&mut c, leg.name(), None, &mut notes, &mut left_out)?;
            spot_strategy(&mut c, &mut notes);
        }
        Leg::Ec2Spot => {
            // Reserved Instances and Savings Plans never cover Spot usage: a Spot pool is
            // billed at the Spot rate and its instances are not metered for commitments.
            let keys = &mut c.billing.commitments.pool_keys;
            for (i, pool) in c.pools.iter_mut().enumerate() {
                pool.spot = true;
                if let Some(key) = keys.get_mut(i) {
                    *key = None;
                }
            }
            if !c.pools.is_empty() {
                notes.push(format!(
                    "EC2 pools priced as Spot at {:.0}% off On-Demand; no interruptions are modeled unless the scenario injects them",
                    c.billing.ec2_spot_discount * 100.0
                ));
            }
        }
        Leg::Ec2Ri => notes.extend(commitments(leg, add_reserved_instances(&mut c))?),
        Leg::Ec2Isp => notes.extend(commitments(leg, add_instance_savings_plans(&mut c))?),
        Leg::FargateCsp => {
            move_to_fargate(&mut c, leg.name(), None, &mut notes, &mut left_out)?;
            notes.extend(commitments(leg, add_compute_savings_plan(&mut c))?);
        }
        Leg::ManagedInstances => move_to_managed(&mut c, leg, false, &mut notes, &mut left_out)?,
        Leg::ManagedInstancesSpot => {
            move_to_managed(&mut c, leg, true, &mut notes, &mut left_out)?;
        }
    }
    let kept = config.billing.commitments.plans.len();
    if kept > 0 && leg != Leg::Scenario {
        // Commitments already bought are owed whatever the leg runs: a leg that no
        // longer uses what they cover still pays their fees, and says so.
        notes.push(format!(
            "keeps the scenario's {kept} commitment(s): their fees are owed every hour whether or not this leg's usage is covered"
        ));
    }
    Ok(LegConfig {
        config: c,
        notes,
        left_out,
    })
}

fn commitments(leg: Leg, added: Result<Vec<String>, String>) -> Result<Vec<String>, LegError> {
    added.map_err(|message| LegError {
        leg: leg.name(),
        family: "(commitments)".into(),
        message,
    })
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
/// definitions (every revision a service deploys, too) Fargate-ready, and empties the pools
/// (nothing is left to run there). DAEMON services stay behind: ECS runs daemon tasks only
/// on EC2 container instances, so they have nowhere to run in this leg. Services and jobs
/// whose task definitions need GPUs stay on EC2 with the pools that have GPUs, since
/// Fargate has none.
///
/// With `only`, just the services and jobs named there move (the caller checked that each
/// exists and can move) and the pools stay: what is left re-sizes them.
pub(super) fn move_to_fargate(
    c: &mut SimConfig,
    leg: &'static str,
    only: Option<&[String]>,
    notes: &mut Vec<String>,
    left_out: &mut Vec<String>,
) -> Result<(), LegError> {
    let named = |name: &String| only.is_none_or(|names| names.contains(name));
    let mut moved: Vec<(TaskDefId, bool)> = Vec::new();
    let pools = &c.pools;
    let on_windows = |launch: &LaunchSpec| match launch {
        LaunchSpec::Ec2 => !pools.is_empty() && pools.iter().all(|p| p.os_type == "windows"),
        LaunchSpec::Fargate => false,
        LaunchSpec::Providers(shares) => shares.iter().any(|s| match s.provider {
            Provider::Pool(p) => pools[p.index()].os_type == "windows",
            _ => false,
        }),
    };
    for s in c.services.iter().filter(|s| s.daemon && named(&s.name)) {
        left_out.push(s.name.clone());
        notes.push(format!(
            "DAEMON service `{}` cannot run on Fargate (ECS places daemon tasks only on EC2 container instances): not run, not billed, and left out of this leg's availability",
            s.name
        ));
    }
    let needs_gpu: Vec<bool> = c.task_defs.iter().map(|d| d.gpu > 0).collect();
    let mut kept_on_ec2 = Vec::new();
    let launches = c
        .services
        .iter_mut()
        .filter(|s| !s.daemon && named(&s.name))
        .map(|s| {
            let revisions = std::iter::once(s.task_def)
                .chain(s.deployments.iter().map(|d| d.task_def))
                .collect();
            (&s.name, revisions, &mut s.launch)
        })
        .chain(
            c.jobs
                .iter_mut()
                .filter(|j| named(&j.name))
                .map(|j| (&j.name, vec![j.task_def], &mut j.launch)),
        );
    for (name, revisions, launch) in launches {
        let revisions: Vec<TaskDefId> = revisions;
        if uses_ec2(launch) && revisions.iter().any(|d| needs_gpu[d.index()]) {
            kept_on_ec2.push(name.clone());
        } else if uses_ec2(launch) {
            let windows = on_windows(launch);
            moved.extend(revisions.into_iter().map(|d: TaskDefId| (d, windows)));
            *launch = LaunchSpec::Fargate;
        }
    }
    moved.sort_by_key(|(d, w)| (d.index(), !w));
    moved.dedup_by_key(|(d, _)| *d);
    for (id, windows) in moved {
        let def = &mut c.task_defs[id.index()];
        if windows && def.platform != FargatePlatform::Windows {
            // It ran on Windows instances, so on Fargate it is a Windows task: Windows
            // rates, the 5-minute minimum and the Windows size table.
            notes.push(format!(
                "task definition `{}` ran on a Windows pool; billed as a Fargate Windows task",
                def.family
            ));
            def.platform = FargatePlatform::Windows;
            def.fargate_compatible = false;
        }
        if def.fargate_compatible {
            continue;
        }
        let size = round_fargate(def.cpu, def.memory, def.platform.os()).map_err(|e| LegError {
            leg,
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
    if !kept_on_ec2.is_empty() {
        notes.push(format!(
            "GPU tasks stay on EC2 (Fargate has no GPUs), with the pools that have GPUs: {}",
            kept_on_ec2.join(", ")
        ));
    }
    if only.is_some() {
        return Ok(());
    }
    let had_instances: u32 = c.pools.iter().map(|p| p.count).sum();
    for pool in &mut c.pools {
        if !kept_on_ec2.is_empty() && pool.instance_type.gpus > 0 {
            continue;
        }
        pool.count = 0;
        // A group minimum would launch instances nothing uses.
        pool.managed_scaling = None;
    }
    let had_instances = had_instances - c.pools.iter().map(|p| p.count).sum::<u32>();
    if had_instances > 0 {
        notes.push(format!(
            "{had_instances} EC2 instance(s) removed: no task is left to run on them"
        ));
    }
    Ok(())
}

/// Moves every service and job (EC2 or Fargate) onto one Managed Instances provider with
/// ECS's defaults, priced from the built-in catalog, and empties the pools they used. What
/// Managed Instances cannot run stays where it was: DAEMON services (no DAEMON scheduling
/// there), Windows tasks (Linux only) and GPU tasks (ECS's default selection is general
/// purpose). Task definitions are made Managed Instances-ready: `bridge` and `none` become
/// `awsvpc`; placement strategies are dropped (not supported there).
fn move_to_managed(
    c: &mut SimConfig,
    leg: Leg,
    spot: bool,
    notes: &mut Vec<String>,
    left_out: &mut Vec<String>,
) -> Result<(), LegError> {
    let catalog = crate::catalog::PriceCatalog::builtin();
    let first_new_pool = c.pools.len();
    let provider = crate::scenario::managed_instances_provider(
        MANAGED_INSTANCES_PROVIDER,
        spot,
        &c.availability_zones,
        &mut c.pools,
        &catalog,
    )
    .map_err(|e| LegError {
        leg: leg.name(),
        family: "(provider)".into(),
        message: format!("{}: {}", e.field, e.message),
    })?;
    let m = c.managed_instances.len() as u32;
    c.managed_instances.push(provider);
    // The new pools are metered like the scenario's On-Demand Linux pools, so a
    // commitment recommendation sees their EC2 usage (the fee is never covered here).
    let commitments = &mut c.billing.commitments;
    commitments.pool_keys.resize(first_new_pool, None);
    for p in &c.pools[first_new_pool..] {
        let key = (!spot).then(|| {
            let name = &p.instance_type.name;
            commitments
                .keys
                .iter()
                .position(|k| !k.fargate && &k.name == name)
                .unwrap_or_else(|| {
                    commitments.keys.push(crate::catalog::usage::UsageKey {
                        name: name.clone(),
                        fargate: false,
                        on_demand: p.instance_type.price_per_hour,
                    });
                    commitments.keys.len() - 1
                })
        });
        commitments.pool_keys.push(key);
    }
    let strategy = LaunchSpec::Providers(vec![ProviderShare {
        provider: Provider::Managed(m),
        base: 0,
        weight: 1,
    }]);
    for s in c.services.iter().filter(|s| s.daemon) {
        left_out.push(s.name.clone());
        notes.push(format!(
            "DAEMON service `{}` cannot run on Managed Instances (ECS has no DAEMON scheduling there): not run, not billed, and left out of this leg's availability",
            s.name
        ));
    }
    let defs = &c.task_defs;
    let pools = &c.pools;
    let runs_here = |revisions: &[TaskDefId], launch: &LaunchSpec| {
        let on_windows = match launch {
            LaunchSpec::Ec2 => pools.iter().any(|p| p.os_type == "windows"),
            LaunchSpec::Providers(shares) => shares.iter().any(|s| match s.provider {
                Provider::Pool(p) => pools[p.index()].os_type == "windows",
                _ => false,
            }),
            LaunchSpec::Fargate => false,
        };
        !on_windows
            && revisions.iter().all(|d| {
                let def = &defs[d.index()];
                def.gpu == 0 && def.platform != FargatePlatform::Windows
            })
    };
    let mut moved: Vec<TaskDefId> = Vec::new();
    let mut kept: Vec<String> = Vec::new();
    let (mut services, mut jobs) = (0, 0);
    for s in c.services.iter_mut().filter(|s| !s.daemon) {
        let revisions: Vec<TaskDefId> = std::iter::once(s.task_def)
            .chain(s.deployments.iter().map(|d| d.task_def))
            .collect();
        if runs_here(&revisions, &s.launch) {
            s.launch = strategy.clone();
            s.placement.strategies.clear();
            s.placement.policies.clear();
            moved.extend(revisions);
            services += 1;
        } else {
            kept.push(s.name.clone());
        }
    }
    for j in &mut c.jobs {
        if runs_here(&[j.task_def], &j.launch) {
            j.launch = strategy.clone();
            j.placement.strategies.clear();
            j.placement.policies.clear();
            moved.push(j.task_def);
            jobs += 1;
        } else {
            kept.push(j.name.clone());
        }
    }
    moved.sort_unstable_by_key(|d| d.index());
    moved.dedup();
    for d in moved {
        let def = &mut c.task_defs[d.index()];
        def.managed_instances_compatible = true;
        if !matches!(def.network_mode, NetworkMode::Awsvpc | NetworkMode::Host) {
            notes.push(format!(
                "task definition `{}` used {} network mode, which Managed Instances do not support: it runs in awsvpc mode",
                def.family,
                def.network_mode.as_str()
            ));
            def.network_mode = NetworkMode::Awsvpc;
            def.host_ports.clear();
        }
    }
    let had_instances: u32 = c.pools[..first_new_pool].iter().map(|p| p.count).sum();
    if kept.is_empty() {
        for pool in &mut c.pools[..first_new_pool] {
            pool.count = 0;
            pool.managed_scaling = None;
        }
    }
    let provider = &c.managed_instances[m as usize];
    notes.push(format!(
        "{services} service(s) and {jobs} job stream(s) moved onto one Managed Instances provider ({}) with ECS's defaults: {} general-purpose (M) instance types of the built-in us-east-1 catalog, chosen per batch of waiting tasks by hourly cost (price plus fee) per task, each task on its own architecture; scaleInAfter unset (5 min here); placement strategies dropped (not supported there), placement constraints kept",
        if spot { "SPOT" } else { "ON_DEMAND" },
        provider.types.len()
    ));
    notes.push(
        "management fee: $0.037/h for c6a.2xlarge (published), 12% of On-Demand for every other type (UNVERIFIED); no commitment covers it".to_string(),
    );
    if !kept.is_empty() {
        notes.push(format!(
            "stay on their capacity (Windows or GPU tasks, which Managed Instances' default selection does not run): {}",
            kept.join(", ")
        ));
    } else if had_instances > 0 {
        notes.push(format!(
            "{had_instances} EC2 instance(s) of the scenario's pools removed: no task is left to run on them"
        ));
    }
    Ok(())
}

/// Puts every Fargate service and job on the FARGATE / FARGATE_SPOT strategy, except
/// Windows and ARM64 tasks: Fargate Spot runs Linux X86_64 tasks only, so they stay
/// On-Demand.
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
    let spot_capable = |d: TaskDefId| defs[d.index()].platform == FargatePlatform::LinuxX86;
    let mut kept = Vec::new();
    let launches = c
        .services
        .iter_mut()
        .filter(|s| !s.daemon)
        .map(|s| (&s.name, s.task_def, &mut s.launch))
        .chain(
            c.jobs
                .iter_mut()
                .map(|j| (&j.name, j.task_def, &mut j.launch)),
        );
    for (name, def, launch) in launches {
        if uses_ec2(launch) {
            // A GPU task kept on EC2 by `move_to_fargate`.
            continue;
        }
        if spot_capable(def) {
            *launch = strategy.clone();
        } else {
            kept.push(format!(
                "{name} ({})",
                platform_name(defs[def.index()].platform)
            ));
        }
    }
    notes.push(
        "capacity provider strategy FARGATE base 1 weight 1, FARGATE_SPOT weight 3".to_string(),
    );
    if !kept.is_empty() {
        notes.push(format!(
            "Windows and ARM64 tasks stay on FARGATE (Fargate Spot runs Linux X86_64 tasks only): {}",
            kept.join(", ")
        ));
    }
}

fn platform_name(p: FargatePlatform) -> &'static str {
    match p {
        FargatePlatform::LinuxX86 => "Linux X86_64",
        FargatePlatform::LinuxArm => "Linux ARM64",
        FargatePlatform::Windows => "Windows",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(os: &str) -> SimConfig {
        let text = format!(
            r#"
name = "t"
horizon = "1h"
[[cluster.pools]]
name = "p"
instance_type = "m5.large"
count = 2
os_type = "{os}"
[[taskDefinitions]]
family = "web"
cpu = 300
memory = 600
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 2
launchType = "EC2"
"#
        );
        crate::scenario::load_str(&text, Path::new("t.toml"), &[])
            .unwrap_or_else(|e| panic!("{e}"))
            .config
    }

    #[test]
    fn parse_lists_the_allowed_options() {
        assert_eq!(Leg::parse("fargate-spot"), Ok(Leg::FargateSpot));
        let err = Leg::parse("lambda").unwrap_err();
        assert!(
            err.contains("scenario, fargate, fargate-spot, ec2-spot"),
            "{err}"
        );
    }

    #[test]
    fn scenario_leg_is_the_identity_and_ec2_spot_only_flips_pools() {
        let c = config("linux");
        let same = apply_leg(&c, Leg::Scenario).unwrap();
        assert!(same.notes.is_empty());
        assert_eq!(same.config.services[0].launch, LaunchSpec::Ec2);
        let spot = apply_leg(&c, Leg::Ec2Spot).unwrap().config;
        assert!(spot.pools.iter().all(|p| p.spot && p.count == 2));
        assert_eq!(spot.services[0].launch, LaunchSpec::Ec2);
    }

    #[test]
    fn linux_tasks_round_to_linux_sizes() {
        let f = apply_leg(&config("linux"), Leg::Fargate).unwrap().config;
        let size = f.task_defs[0].fargate_size.unwrap();
        assert_eq!((size.cpu_units, size.memory_mib), (512, 1024));
        assert_eq!(f.services[0].launch, LaunchSpec::Fargate);
    }

    /// Issue 15: Fargate has no GPUs, so the GPU service keeps its EC2 launch and the pool
    /// with GPUs keeps its instances; the CPU-only service and pool move as before.
    #[test]
    fn gpu_services_stay_on_ec2_in_the_fargate_legs() {
        let text = r#"
name = "t"
horizon = "1h"
[[cluster.pools]]
name = "cpu"
instance_type = "m5.large"
count = 2
[[cluster.pools]]
name = "gpu"
instance_type = "g4dn.xlarge"
count = 3
[[taskDefinitions]]
family = "web"
cpu = 256
memory = 512
[[taskDefinitions]]
family = "infer"
cpu = 1024
memory = 2048
resourceRequirements = [{ type = "GPU", value = "1" }]
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 2
launchType = "EC2"
[[services]]
name = "infer"
taskDefinition = "infer"
desiredCount = 3
launchType = "EC2"
"#;
        let c = crate::scenario::load_str(text, Path::new("t.toml"), &[])
            .unwrap_or_else(|e| panic!("{e}"))
            .config;
        for leg in [Leg::Fargate, Leg::FargateSpot] {
            let LegConfig {
                config: f,
                notes,
                left_out,
            } = apply_leg(&c, leg).unwrap();
            assert_eq!(f.services[1].launch, LaunchSpec::Ec2, "{leg}");
            assert_ne!(f.services[0].launch, LaunchSpec::Ec2, "{leg}");
            let counts: Vec<u32> = f.pools.iter().map(|p| p.count).collect();
            assert_eq!(counts, vec![0, 3], "{leg}");
            assert!(left_out.is_empty());
            assert!(
                notes
                    .iter()
                    .any(|n| n.contains("GPU tasks stay on EC2") && n.contains("infer")),
                "{notes:?}"
            );
            assert!(
                notes
                    .iter()
                    .any(|n| n.contains("2 EC2 instance(s) removed")),
                "{notes:?}"
            );
        }
    }

    #[test]
    fn windows_pool_tasks_become_windows_fargate_tasks_and_skip_spot() {
        let LegConfig {
            config: f, notes, ..
        } = apply_leg(&config("windows"), Leg::FargateSpot).unwrap();
        let def = &f.task_defs[0];
        assert_eq!(def.platform, FargatePlatform::Windows);
        // Windows starts at 1 vCPU / 2 GB.
        let size = def.fargate_size.unwrap();
        assert_eq!((size.cpu_units, size.memory_mib), (1024, 2048));
        assert_eq!(f.services[0].launch, LaunchSpec::Fargate);
        assert!(notes.iter().any(|n| n.contains("stay on FARGATE")));
    }
}
