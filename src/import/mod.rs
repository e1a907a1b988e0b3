//! `ecsim import`: the JSON AWS's own tools print and accept (task definitions, services,
//! capacity providers, clusters) to a commented scenario, and a note for every field that
//! could not be carried over and why.
//!
//! Text in, text out: the caller reads and writes the files. The scenario is built as the
//! scenario file types (`scenario::file`) and checked by the same validation as a
//! hand-written one before it is returned.

pub mod bundle;
mod capacity;
pub mod cloudwatch;
mod origin;
pub mod read;
mod service;
mod toml_out;

use crate::catalog::Arch;
use crate::scenario::duration::DurationText;
use crate::scenario::ecs_json::fields::{self, Obj, Source};
use crate::scenario::ecs_json::json::{self, Spans};
use crate::scenario::ecs_json::task_def;
pub use crate::scenario::ecs_json::{Note, TaskDefinitionImport, one_line, task_definition};
use crate::scenario::file::{ClusterFile, PoolFile, ScenarioFile, ServiceFile};
use crate::scenario::{self, ScenarioError};
use crate::time::SimDuration;
use origin::{At, Origins};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What [`import`] made: a scenario that already passed validation, and what it left out.
pub struct Imported {
    /// The scenario, TOML with comments.
    pub text: String,
    /// Every field not carried over or value assumed, located in its input; also written
    /// into `text` as comments.
    pub notes: Vec<Note>,
    /// Services in the scenario.
    pub services: usize,
    /// Task definitions in the scenario.
    pub task_definitions: usize,
    /// Capacity pools in the scenario, placeholders for missing Auto Scaling groups
    /// included.
    pub pools: usize,
}

/// The instance type written for pools whose Auto Scaling group is not in the input.
pub const PLACEHOLDER_INSTANCE_TYPE: &str = "m5.large";

/// The instance type written for pools: `PLACEHOLDER_INSTANCE_TYPE` when it holds every
/// task; otherwise (GPUs, or more CPU or memory than it registers) the cheapest catalog
/// type with enough GPUs, CPU and memory for the largest task, so the scenario validates
/// and runs instead of failing on a pool the user never wrote (a task of 4 vCPU and 16 GiB
/// would not fit the m5.large).
fn placeholder_type(task_defs: &[(task_def::ImportedTaskDef, At)]) -> String {
    let units = |a: &scenario::file::Amount| match a {
        scenario::file::Amount::Number(n) => *n,
        scenario::file::Amount::Text(t) => t.parse().unwrap_or(0.0),
    };
    let gpus = task_defs.iter().map(|(t, _)| t.gpus).max().unwrap_or(0);
    let cpu = task_defs
        .iter()
        .map(|(t, _)| units(&t.def.cpu))
        .fold(0.0, f64::max);
    let memory = task_defs
        .iter()
        .map(|(t, _)| units(&t.def.memory))
        .fold(0.0, f64::max);
    // Tasks run on x86 unless every one says ARM64 (ECS's default platform is x86 Linux).
    let arm = !task_defs.is_empty()
        && task_defs.iter().all(|(t, _)| {
            t.def
                .runtime_platform
                .as_ref()
                .and_then(|p| p.cpu_architecture.as_deref())
                == Some("ARM64")
        });
    let arch = if arm { Arch::Arm64 } else { Arch::X86_64 };
    let catalog = crate::catalog::PriceCatalog::builtin();
    let holds = |t: &&crate::catalog::InstanceType| {
        t.arch == arch
            && t.gpus >= gpus
            && f64::from(t.registered_cpu_units()) >= cpu
            && t.registered_memory_mib(0, catalog.ec2.os_memory_fraction) as f64 >= memory
    };
    let types = catalog.instances();
    if types
        .iter()
        .find(|t| t.name == PLACEHOLDER_INSTANCE_TYPE)
        .is_some_and(|t| holds(&t))
    {
        return PLACEHOLDER_INSTANCE_TYPE.to_string();
    }
    types
        .iter()
        .filter(holds)
        .min_by(|a, b| a.price_per_hour.total_cmp(&b.price_per_hour))
        .map_or_else(|| PLACEHOLDER_INSTANCE_TYPE.to_string(), |t| t.name.clone())
}
const PLACEHOLDER_POOL_COUNT: u32 = 2;

/// Imports `inputs` (path, text) into one scenario; `out` names it in errors about what
/// the import adds on its own and gives its default name.
pub fn import(inputs: &[(PathBuf, String)], out: &Path) -> Result<Imported, ScenarioError> {
    let spans: Vec<Spans> = inputs.iter().map(|_| Spans::default()).collect();
    let mut found = Found::default();
    for (input, (path, text)) in inputs.iter().enumerate() {
        let src = Source {
            file: path,
            text,
            spans: &spans[input],
        };
        let doc = json::parse(text, path)?;
        read_document(src, input, &doc, &mut found)?;
    }
    let (file, comments, notes, origins) = assemble(
        found,
        Inputs {
            files: inputs,
            spans: &spans,
        },
    )?;
    let counts = (
        file.services.len(),
        file.task_definitions.len(),
        file.cluster.pools.len(),
    );
    let sources: Vec<String> = inputs
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    let text = toml_out::write(&file, &comments, &sources, &notes);
    scenario::load_str(&text, out, &[]).map_err(|e| origins.relocate(e, inputs, &spans, out))?;
    Ok(Imported {
        text,
        notes,
        services: counts.0,
        task_definitions: counts.1,
        pools: counts.2,
    })
}

#[derive(Default)]
struct Found {
    task_defs: Vec<(task_def::ImportedTaskDef, At)>,
    services: Vec<(ServiceFile, At)>,
    providers: Vec<(capacity::ImportedProvider, At)>,
    clusters: Vec<(String, capacity::ImportedCluster, At)>,
    notes: Vec<Note>,
    /// What the inputs say AWS could not find (`failures`), and lists that came back empty.
    missing: Vec<Note>,
}

const SHAPES: &str = "describe-task-definition output ({\"taskDefinition\": ...}), register-task-definition input ({\"family\", \"containerDefinitions\"}), describe-services output ({\"services\": [...]}), create-service input or output, describe-capacity-providers output ({\"capacityProviders\": [...]}), describe-clusters output ({\"clusters\": [...]})";

fn read_document(
    src: Source<'_>,
    input: usize,
    doc: &Value,
    found: &mut Found,
) -> Result<(), ScenarioError> {
    let top = Obj::new(src, "", doc).map_err(|mut e| {
        e.allowed = Some(SHAPES.into());
        e
    })?;
    let has = |k: &str| top.get(k).is_some();
    let notes = &mut found.notes;
    let at = |path: &str| At::new(input, path);
    if has("taskDefinition") && !has("serviceName") {
        top.check(
            &["taskDefinition"],
            &[fields::LeftOut {
                keys: &["tags"],
                why: "no effect on placement, capacity or timing in ecsim",
            }],
            notes,
        )?;
        let td = Obj::new(src, "taskDefinition", &top.map["taskDefinition"])?;
        found
            .task_defs
            .push((task_def::import(td, notes)?, at(td.path)));
    } else if has("containerDefinitions") {
        found
            .task_defs
            .push((task_def::import(top, notes)?, at("")));
    } else if has("services") {
        top.check(&["services", "failures"], &[], notes)?;
        let list = listed(&top, "services", "describe-services", "service", found)?;
        for (path, v) in list {
            let s = Obj::new(src, &path, v)?;
            found
                .services
                .push((service::import(s, &mut found.notes)?, at(&path)));
        }
    } else if has("service") {
        top.check(&["service"], &[], notes)?;
        let s = Obj::new(src, "service", &top.map["service"])?;
        found
            .services
            .push((service::import(s, notes)?, at(s.path)));
    } else if has("serviceName") {
        found.services.push((service::import(top, notes)?, at("")));
    } else if has("capacityProviders") && !has("clusterName") {
        top.check(&["capacityProviders", "failures", "nextToken"], &[], notes)?;
        let list = listed(
            &top,
            "capacityProviders",
            "describe-capacity-providers",
            "capacity provider",
            found,
        )?;
        for (path, v) in list {
            let p = Obj::new(src, &path, v)?;
            found
                .providers
                .push((capacity::provider(p, &mut found.notes)?, at(&path)));
        }
    } else if has("capacityProvider") {
        top.check(&["capacityProvider"], &[], notes)?;
        let p = Obj::new(src, "capacityProvider", &top.map["capacityProvider"])?;
        found
            .providers
            .push((capacity::provider(p, notes)?, at(p.path)));
    } else if has("autoScalingGroupProvider") {
        found
            .providers
            .push((capacity::provider(top, notes)?, at("")));
    } else if has("clusters") {
        top.check(&["clusters", "failures"], &[], notes)?;
        let list = listed(&top, "clusters", "describe-clusters", "cluster", found)?;
        for (path, v) in list {
            let c = Obj::new(src, &path, v)?;
            let name = c.str("clusterName")?.unwrap_or("cluster").to_string();
            let cluster = capacity::cluster(c, &mut found.notes)?;
            found.clusters.push((name, cluster, at(&path)));
        }
    } else if has("clusterName") {
        let name = top.str("clusterName")?.unwrap_or("cluster").to_string();
        found
            .clusters
            .push((name, capacity::cluster(top, notes)?, at("")));
    } else {
        return Err(ScenarioError {
            allowed: Some(SHAPES.into()),
            ..src.error("", "not a JSON shape ecsim imports")
        });
    }
    Ok(())
}

/// The elements of a describe-* output's list `key`; what AWS says it could not find
/// (`failures`), or an empty list, is recorded as missing.
fn listed<'a>(
    top: &Obj<'a>,
    key: &str,
    command: &str,
    what: &str,
    found: &mut Found,
) -> Result<Vec<(String, &'a Value)>, ScenarioError> {
    let src = top.src;
    let failures = top.array("failures")?;
    let failed = !failures.is_empty();
    for (path, v) in failures {
        let failure = Obj::new(src, &path, v)?;
        failure.check(&["arn", "reason", "detail"], &[], &mut Vec::new())?;
        let detail = failure
            .str("detail")?
            .map_or(String::new(), |d| format!(" ({d})"));
        found.missing.push(src.note(
            &path,
            format!(
                "{command} could not find {what} `{}`: {}{detail}; it is not in the scenario",
                failure.str("arn")?.unwrap_or("?"),
                failure.str("reason")?.unwrap_or("no reason given"),
            ),
        ));
    }
    let list = top.array(key)?;
    if list.is_empty() && !failed {
        found.missing.push(src.note(
            &top.field(key),
            format!("{command} found no {what}: the list is empty"),
        ));
    }
    Ok(list)
}

/// Comments for the scenario, keyed by table path (`services[0]`, `cluster.pools[1]`).
type Comments = BTreeMap<String, Vec<String>>;

/// The inputs with the spans of each, to locate notes made after reading.
#[derive(Clone, Copy)]
struct Inputs<'a> {
    files: &'a [(PathBuf, String)],
    spans: &'a [Spans],
}

impl Inputs<'_> {
    fn note(&self, at: &At, reason: impl Into<String>) -> Note {
        let (file, text) = &self.files[at.input];
        Source {
            file,
            text,
            spans: &self.spans[at.input],
        }
        .note(&at.path, reason)
    }

    fn error(&self, at: &At, message: impl Into<String>) -> ScenarioError {
        let (file, text) = &self.files[at.input];
        self.spans[at.input].error_at(text, file, &at.path, message, None)
    }

    fn file(&self, at: &At) -> &Path {
        &self.files[at.input].0
    }
}

type Assembled = (ScenarioFile, Comments, Vec<Note>, Origins);

fn assemble(parts: Found, inputs: Inputs<'_>) -> Result<Assembled, ScenarioError> {
    let missing = parts.missing.len();
    let mut notes = parts.missing;
    notes.extend(parts.notes);
    let mut origins = Origins::default();
    let mut comments = Comments::new();
    let default_strategy = parts.clusters.iter().find_map(|(name, c, at)| {
        c.default_strategy
            .clone()
            .map(|s| (name.clone(), s, at.join("defaultCapacityProviderStrategy")))
    });
    if let Some((_, _, second)) = parts.clusters.get(1) {
        notes.push(inputs.note(
            second,
            "several clusters in the input; the first default strategy is used for every service",
        ));
    }
    // The last revision of a family wins, as a service naming the family alone gets it.
    let mut kept: Vec<Option<(task_def::ImportedTaskDef, At)>> = Vec::new();
    let mut slot_of: BTreeMap<String, usize> = BTreeMap::new();
    for (td, at) in parts.task_defs {
        if let Some(earlier) = slot_of.insert(td.def.family.clone(), kept.len()) {
            notes.push(inputs.note(
                &at.join("family"),
                format!(
                    "task definition `{}` appears more than once; the last one read is used",
                    td.def.family
                ),
            ));
            kept[earlier] = None;
        }
        kept.push(Some((td, at)));
    }
    let task_defs: Vec<(task_def::ImportedTaskDef, At)> = kept.into_iter().flatten().collect();
    let index_of: BTreeMap<&str, usize> = task_defs
        .iter()
        .enumerate()
        .map(|(i, (t, _))| (t.def.family.as_str(), i))
        .collect();
    let mut services = parts.services;
    if services.is_empty() {
        for (td, at) in &task_defs {
            notes.push(inputs.note(
                &at.join("family"),
                format!(
                    "no service in the input uses `{}`; a one-task service was added so the scenario runs (edit desiredCount)",
                    td.def.family
                ),
            ));
            services.push((placeholder_service(&td.def), at.clone()));
        }
    }
    // Pools in the order first named, each with where it was named.
    let mut pools_named: Vec<(String, Option<At>)> = parts
        .providers
        .iter()
        .filter(|(p, _)| p.managed_instances.is_none())
        .map(|(p, at)| (p.name.clone(), Some(at.clone())))
        .collect();
    // Managed Instances providers are `[[managed_instances]]`, never pools.
    let mut named: BTreeSet<String> = parts
        .providers
        .iter()
        .map(|(p, _)| p.name.clone())
        .collect();
    let mut add_pool = |name: &str, at: At| {
        if !is_fargate(name) && named.insert(name.to_string()) {
            pools_named.push((name.to_string(), Some(at)));
        }
    };
    for (_, c, at) in &parts.clusters {
        for (j, name) in c.providers.iter().enumerate() {
            add_pool(name, at.join(&format!("capacityProviders[{j}]")));
        }
    }
    let mut first_ec2_launch: Option<At> = None;
    for (i, (s, at)) in services.iter_mut().enumerate() {
        let entry = format!("services[{i}]");
        origins.add(entry.clone(), at.clone());
        let mut lines = vec![format!("from {}", inputs.file(at).display())];
        let mut strategy_at = at.join("capacityProviderStrategy");
        if s.launch_type.is_none() && s.capacity_provider_strategy.is_none() {
            match &default_strategy {
                Some((cluster, strategy, from)) => {
                    s.capacity_provider_strategy = Some(strategy.clone());
                    origins.add(format!("{entry}.capacityProviderStrategy"), from.clone());
                    strategy_at = from.clone();
                    lines.push(format!(
                        "no launch type or strategy of its own: cluster `{cluster}`'s default capacity provider strategy applies, as in ECS"
                    ));
                }
                None => {
                    lines.push("no launch type, strategy or cluster default: EC2, as in ECS".into())
                }
            }
        }
        for (j, item) in s.capacity_provider_strategy.iter().flatten().enumerate() {
            add_pool(
                &item.capacity_provider,
                strategy_at.join(&format!("[{j}].capacityProvider")),
            );
        }
        if first_ec2_launch.is_none()
            && s.capacity_provider_strategy.is_none()
            && s.launch_type.as_deref().unwrap_or("EC2") == "EC2"
        {
            first_ec2_launch = Some(at.join("launchType"));
        }
        let family = s
            .task_definition
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string();
        let Some(&index) = index_of.get(family.as_str()) else {
            return Err(ScenarioError {
                allowed: Some(format!(
                    "add its JSON: aws ecs describe-task-definition --task-definition {family}"
                )),
                ..inputs.error(
                    &at.join("taskDefinition"),
                    format!("task definition `{family}` is not among the imported files"),
                )
            });
        };
        let (td, td_at) = &task_defs[index];
        s.task_definition = family;
        if let Some(hc) = &td.health_check {
            s.health_check = Some(scenario::file::HealthCheckFile {
                interval: hc.interval,
                timeout: hc.timeout,
                retries: hc.retries,
                start_period: hc.start_period,
            });
            if let Some(path) = &td.health_check_at {
                origins.add(format!("{entry}.healthCheck"), At::new(td_at.input, path));
            }
            lines.push("healthCheck: the essential container's, from the task definition".into());
        }
        if !td.constraints.is_empty() {
            let own = s.placement_constraints.len();
            for (j, path) in td.constraints_at.iter().enumerate() {
                origins.add(
                    format!("{entry}.placementConstraints[{}]", own + j),
                    At::new(td_at.input, path),
                );
            }
            s.placement_constraints
                .extend(
                    td.constraints
                        .iter()
                        .map(|c| scenario::file::PlacementConstraintFile {
                            kind: c.kind.clone(),
                            expression: c.expression.clone(),
                        }),
                );
            lines.push(
                "placementConstraints include the task definition's, as ECS merges them".into(),
            );
        }
        comments.insert(entry, lines);
    }
    let placeholder = placeholder_type(&task_defs);
    if let (Some(ec2), true) = (&first_ec2_launch, pools_named.is_empty()) {
        pools_named.push(("ec2".into(), None));
        notes.push(inputs.note(
            ec2,
            format!(
                "runs on EC2, but the input has no capacity provider or instances: a pool `ec2` of {PLACEHOLDER_POOL_COUNT} × {placeholder} was added to the scenario (edit it)"
            ),
        ));
    }
    if task_defs.is_empty() && services.is_empty() && pools_named.is_empty() {
        return Err(nothing_imported(&notes[..missing], inputs));
    }
    let mut providers = parts.providers;
    let mut first_provider: BTreeMap<String, usize> = BTreeMap::new();
    for (k, (p, _)) in providers.iter().enumerate().rev() {
        first_provider.insert(p.name.clone(), k);
    }
    let mut managed_instances = Vec::new();
    for (p, at) in &mut providers {
        if let Some(mi) = p.managed_instances.take() {
            let entry = format!("managed_instances[{}]", managed_instances.len());
            origins.add(entry.clone(), at.clone());
            let base = at.join("managedInstancesProvider");
            origins.add(
                format!("{entry}.instanceRequirements"),
                base.join("instanceLaunchTemplate")
                    .join("instanceRequirements"),
            );
            origins.add(
                format!("{entry}.scaleInAfter"),
                base.join("infrastructureOptimization").join("scaleInAfter"),
            );
            origins.add(
                format!("{entry}.capacityOptionType"),
                base.join("instanceLaunchTemplate")
                    .join("capacityOptionType"),
            );
            comments.insert(
                entry,
                vec![
                    "an ECS Managed Instances provider: ECS picks, launches and retires its instances (docs/managed-instances.md)".into(),
                ],
            );
            managed_instances.push(mi);
        }
    }
    let mut pools = Vec::with_capacity(pools_named.len());
    for (i, (name, at)) in pools_named.iter().enumerate() {
        let entry = format!("cluster.pools[{i}]");
        if let Some(at) = at {
            origins.add(entry.clone(), at.clone());
        }
        let provider = first_provider.get(name.as_str()).copied();
        let managed_scaling = provider.and_then(|k| providers[k].0.managed_scaling.take());
        if let (Some(k), true) = (provider, managed_scaling.is_some()) {
            let asg = providers[k].1.join("autoScalingGroupProvider");
            origins.add(
                format!("{entry}.managed_scaling"),
                asg.join("managedScaling"),
            );
            origins.add(
                format!("{entry}.managed_scaling.managed_termination_protection"),
                asg.join("managedTerminationProtection"),
            );
        }
        let mut lines = vec![format!(
            "PLACEHOLDERS: instance_type, count, spot{} are not in ECS's JSON; set them from the Auto Scaling group",
            if managed_scaling.is_some() {
                ", managed_scaling.max_size"
            } else {
                ""
            }
        )];
        if managed_scaling.is_none() {
            lines.push("no managed scaling: the pool keeps its count".into());
        }
        comments.insert(entry, lines);
        pools.push(PoolFile {
            managed_scaling,
            ..PoolFile::plain(name.clone(), placeholder.clone(), PLACEHOLDER_POOL_COUNT)
        });
    }
    for (i, (td, at)) in task_defs.iter().enumerate() {
        let entry = format!("taskDefinitions[{i}]");
        origins.add(entry.clone(), at.clone());
        for (field, path) in &td.origins {
            origins.add(format!("{entry}.{field}"), At::new(at.input, path));
        }
        comments.insert(
            entry,
            vec![
                format!("from {}", inputs.file(at).display()),
                td.size_comment.clone(),
            ],
        );
    }
    let name = match (parts.clusters.first(), services.first()) {
        (Some((name, _, at)), _) => {
            origins.add("name", at.join("clusterName"));
            Some(name.clone())
        }
        (None, Some((s, at))) => {
            origins.add("name", at.join("serviceName"));
            Some(s.name.clone())
        }
        (None, None) => None,
    };
    Ok((
        ScenarioFile {
            name,
            description: Some("imported from ECS JSON by `ecsim import`".into()),
            seed: Some(1),
            horizon: DurationText(SimDuration::from_secs(3600)),
            warmup: None,
            sample_interval: None,
            prices: None,
            cluster: ClusterFile {
                availability_zones: None,
                subnet_ips_per_az: None,
                max_provisioning_tasks: None,
                provisioning_timeout: None,
                daemon_room_held: None,
                pools,
            },
            managed_instances,
            fargate: Default::default(),
            timing: Default::default(),
            instance_types: Vec::new(),
            task_definitions: task_defs.into_iter().map(|(t, _)| t.def).collect(),
            services: services.into_iter().map(|(s, _)| s).collect(),
            jobs: Vec::new(),
            traces: Vec::new(),
            commitments: Vec::new(),
            failures: Default::default(),
            limits: Default::default(),
            cost_allocation: Default::default(),
            lesson: None,
        },
        comments,
        notes,
        origins,
    ))
}

/// Every input was empty, failed or held a cluster alone: there is nothing to simulate.
/// Says what was missing (issue 32, item 15), located at the first of it.
fn nothing_imported(missing: &[Note], inputs: Inputs<'_>) -> ScenarioError {
    const SHOWN: usize = 4;
    let Some((first, rest)) = missing.split_first() else {
        return ScenarioError {
            file: inputs.files.first().map(|(p, _)| p.clone()).unwrap_or_default(),
            line: None,
            column: None,
            field: String::new(),
            message: "nothing could be imported: the input holds no task definition, service or capacity provider, and a cluster alone gives ecsim nothing to simulate".into(),
            allowed: None,
        };
    };
    let mut said = one_line(&first.reason);
    for n in rest.iter().take(SHOWN - 1) {
        let line = n.line.map_or(String::new(), |l| format!(":{l}"));
        said.push_str(&format!(
            "; {}{line}: {}",
            one_line(&n.file.display().to_string()),
            one_line(&n.reason)
        ));
    }
    if rest.len() >= SHOWN {
        said.push_str(&format!("; and {} more", rest.len() + 1 - SHOWN));
    }
    ScenarioError {
        file: first.file.clone(),
        line: first.line,
        column: None,
        field: first.field.clone(),
        message: format!("nothing could be imported: {said}"),
        allowed: None,
    }
}

fn is_fargate(provider: &str) -> bool {
    provider == "FARGATE" || provider == "FARGATE_SPOT"
}

fn placeholder_service(def: &scenario::file::TaskDefinitionFile) -> ServiceFile {
    let fargate_only = def
        .requires_compatibilities
        .as_ref()
        .is_some_and(|c| c.iter().all(|x| x == "FARGATE"));
    let json = serde_json::json!({
        "serviceName": def.family,
        "taskDefinition": def.family,
        "desiredCount": 1,
        "launchType": if fargate_only { "FARGATE" } else { "EC2" },
    });
    let text = json.to_string();
    let spans = Spans::default();
    let src = Source {
        file: Path::new(""),
        text: &text,
        spans: &spans,
    };
    let obj = Obj::new(src, "", &json).expect("an object");
    service::import(obj, &mut Vec::new()).expect("a valid service shape")
}
