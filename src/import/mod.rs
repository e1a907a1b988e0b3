//! `ecsim import`: the JSON AWS's own tools print and accept (task definitions, services,
//! capacity providers, clusters) to a commented scenario, and a note for every field that
//! could not be carried over and why.
//!
//! Text in, text out: the caller reads and writes the files. The scenario is built as the
//! scenario file types (`scenario::file`) and checked by the same validation as a
//! hand-written one before it is returned.

mod capacity;
pub mod cloudwatch;
mod fields;
pub mod json;
mod service;
mod task_def;
mod toml_out;

use crate::scenario::duration::DurationText;
use crate::scenario::file::{ClusterFile, PoolFile, ScenarioFile, ServiceFile};
use crate::scenario::{self, ScenarioError};
use crate::time::SimDuration;
use fields::{Obj, Source};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A field the scenario does not carry over, or a value it had to assume.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub field: String,
    pub reason: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: {}", self.field, self.reason)
    }
}

pub struct Imported {
    /// The scenario, TOML with comments.
    pub text: String,
    pub notes: Vec<Note>,
    pub services: usize,
    pub task_definitions: usize,
    pub pools: usize,
}

/// The instance type written for pools whose Auto Scaling group is not in the input.
pub const PLACEHOLDER_INSTANCE_TYPE: &str = "m5.large";

/// The placeholder for pools when some task needs GPUs: the cheapest catalog type with
/// enough GPUs, vCPUs and memory for the largest task, so the scenario validates and runs.
fn gpu_placeholder(task_defs: &[(task_def::ImportedTaskDef, PathBuf)]) -> Option<String> {
    let gpus = task_defs.iter().map(|(t, _)| t.gpus).max()?;
    if gpus == 0 {
        return None;
    }
    let units = |a: &scenario::file::Amount| match a {
        scenario::file::Amount::Number(n) => *n,
        scenario::file::Amount::Text(t) => t.parse().unwrap_or(0.0),
    };
    let cpu = task_defs
        .iter()
        .map(|(t, _)| units(&t.def.cpu))
        .fold(0.0, f64::max);
    let memory = task_defs
        .iter()
        .map(|(t, _)| units(&t.def.memory))
        .fold(0.0, f64::max);
    let catalog = crate::catalog::PriceCatalog::builtin();
    catalog
        .instances()
        .iter()
        .filter(|t| {
            t.gpus >= gpus
                && f64::from(t.registered_cpu_units()) >= cpu
                && t.registered_memory_mib(0, catalog.ec2.os_memory_fraction) as f64 >= memory
        })
        .min_by(|a, b| a.price_per_hour.total_cmp(&b.price_per_hour))
        .map(|t| t.name.clone())
}
const PLACEHOLDER_POOL_COUNT: u32 = 2;

/// Imports `inputs` (path, text) into one scenario; `out` names it in validation errors
/// and gives its default name.
pub fn import(inputs: &[(PathBuf, String)], out: &Path) -> Result<Imported, ScenarioError> {
    let mut found = Found::default();
    for (path, text) in inputs {
        let src = Source { file: path, text };
        let doc = json::parse(text, path)?;
        read_document(src, &doc, &mut found)?;
    }
    let (file, comments, notes) = assemble(found)?;
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
    scenario::load_str(&text, out, &[])?;
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
    task_defs: Vec<(task_def::ImportedTaskDef, PathBuf)>,
    services: Vec<(ServiceFile, PathBuf)>,
    providers: Vec<capacity::ImportedProvider>,
    clusters: Vec<(String, capacity::ImportedCluster)>,
    notes: Vec<Note>,
}

const SHAPES: &str = "describe-task-definition output ({\"taskDefinition\": ...}), register-task-definition input ({\"family\", \"containerDefinitions\"}), describe-services output ({\"services\": [...]}), create-service input or output, describe-capacity-providers output ({\"capacityProviders\": [...]}), describe-clusters output ({\"clusters\": [...]})";

fn read_document(src: Source<'_>, doc: &Value, found: &mut Found) -> Result<(), ScenarioError> {
    let top = Obj::new(src, "", doc).map_err(|mut e| {
        e.allowed = Some(SHAPES.into());
        e
    })?;
    let has = |k: &str| top.get(k).is_some();
    let notes = &mut found.notes;
    let file = src.file.to_path_buf();
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
        found.task_defs.push((task_def::import(td, notes)?, file));
    } else if has("containerDefinitions") {
        found.task_defs.push((task_def::import(top, notes)?, file));
    } else if has("services") {
        top.check(&["services", "failures"], &[], notes)?;
        for (path, v) in top.array("services")? {
            let s = Obj::new(src, &path, v)?;
            found
                .services
                .push((service::import(s, notes)?, file.clone()));
        }
    } else if has("service") {
        top.check(&["service"], &[], notes)?;
        let s = Obj::new(src, "service", &top.map["service"])?;
        found.services.push((service::import(s, notes)?, file));
    } else if has("serviceName") {
        found.services.push((service::import(top, notes)?, file));
    } else if has("capacityProviders") && !has("clusterName") {
        top.check(&["capacityProviders", "failures", "nextToken"], &[], notes)?;
        for (path, v) in top.array("capacityProviders")? {
            let p = Obj::new(src, &path, v)?;
            found.providers.push(capacity::provider(p, notes)?);
        }
    } else if has("capacityProvider") {
        top.check(&["capacityProvider"], &[], notes)?;
        let p = Obj::new(src, "capacityProvider", &top.map["capacityProvider"])?;
        found.providers.push(capacity::provider(p, notes)?);
    } else if has("autoScalingGroupProvider") {
        found.providers.push(capacity::provider(top, notes)?);
    } else if has("clusters") {
        top.check(&["clusters", "failures"], &[], notes)?;
        for (path, v) in top.array("clusters")? {
            let c = Obj::new(src, &path, v)?;
            let name = c.str("clusterName")?.unwrap_or("cluster").to_string();
            found.clusters.push((name, capacity::cluster(c, notes)?));
        }
    } else if has("clusterName") {
        let name = top.str("clusterName")?.unwrap_or("cluster").to_string();
        found.clusters.push((name, capacity::cluster(top, notes)?));
    } else {
        return Err(ScenarioError {
            allowed: Some(SHAPES.into()),
            ..src.error("", "not a JSON shape ecsim imports")
        });
    }
    Ok(())
}

/// Comments for the scenario, keyed by table path (`services[0]`, `cluster.pools[1]`).
type Comments = BTreeMap<String, Vec<String>>;

fn assemble(parts: Found) -> Result<(ScenarioFile, Comments, Vec<Note>), ScenarioError> {
    let mut notes = parts.notes;
    let mut comments = Comments::new();
    let default_strategy = parts
        .clusters
        .iter()
        .find_map(|(name, c)| c.default_strategy.clone().map(|s| (name.clone(), s)));
    if parts.clusters.len() > 1 {
        notes.push(Note {
            file: PathBuf::new(),
            line: None,
            field: "clusters".into(),
            reason: "several clusters in the input; the first default strategy is used for every service".into(),
        });
    }
    // The last revision of a family wins, as a service naming the family alone gets it.
    let mut task_defs: Vec<(task_def::ImportedTaskDef, PathBuf)> = Vec::new();
    for (td, file) in parts.task_defs {
        if let Some(at) = task_defs
            .iter()
            .position(|(o, _)| o.def.family == td.def.family)
        {
            notes.push(Note {
                file: file.clone(),
                line: None,
                field: format!("taskDefinition {}", td.def.family),
                reason: "the family appears more than once; the last one read is used".into(),
            });
            task_defs.remove(at);
        }
        task_defs.push((td, file));
    }
    let mut services = parts.services;
    if services.is_empty() {
        for (td, file) in &task_defs {
            notes.push(Note {
                file: file.clone(),
                line: None,
                field: format!("taskDefinition {}", td.def.family),
                reason: "no service in the input uses it; a one-task service was added so the scenario runs (edit desiredCount)".into(),
            });
            services.push((placeholder_service(&td.def), file.clone()));
        }
    }
    let mut pool_names: Vec<String> = parts.providers.iter().map(|p| p.name.clone()).collect();
    let mut add_pool_name = |name: &str| {
        if !is_fargate(name) && !pool_names.iter().any(|n| n == name) {
            pool_names.push(name.to_string());
        }
    };
    for (_, c) in &parts.clusters {
        c.providers.iter().for_each(|p| add_pool_name(p));
    }
    let mut any_ec2_launch = false;
    for (i, (s, file)) in services.iter_mut().enumerate() {
        let mut lines = vec![format!("from {}", file.display())];
        if s.launch_type.is_none() && s.capacity_provider_strategy.is_none() {
            match &default_strategy {
                Some((cluster, strategy)) => {
                    s.capacity_provider_strategy = Some(strategy.clone());
                    lines.push(format!(
                        "no launch type or strategy of its own: cluster `{cluster}`'s default capacity provider strategy applies, as in ECS"
                    ));
                }
                None => {
                    lines.push("no launch type, strategy or cluster default: EC2, as in ECS".into())
                }
            }
        }
        for item in s.capacity_provider_strategy.iter().flatten() {
            add_pool_name(&item.capacity_provider);
        }
        any_ec2_launch |= s.capacity_provider_strategy.is_none()
            && s.launch_type.as_deref().unwrap_or("EC2") == "EC2";
        let family = s
            .task_definition
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string();
        let Some((td, _)) = task_defs.iter_mut().find(|(t, _)| t.def.family == family) else {
            return Err(ScenarioError {
                file: file.clone(),
                line: None,
                column: None,
                field: format!("service {}.taskDefinition", s.name),
                message: format!("task definition `{family}` is not among the imported files"),
                allowed: Some(format!(
                    "add its JSON: aws ecs describe-task-definition --task-definition {family}"
                )),
            });
        };
        s.task_definition = family;
        if let Some(hc) = &td.health_check {
            s.health_check = Some(scenario::file::HealthCheckFile {
                interval: hc.interval,
                timeout: hc.timeout,
                retries: hc.retries,
                start_period: hc.start_period,
            });
            lines.push("healthCheck: the essential container's, from the task definition".into());
        }
        if !td.constraints.is_empty() {
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
        comments.insert(format!("services[{i}]"), lines);
    }
    let placeholder =
        gpu_placeholder(&task_defs).unwrap_or_else(|| PLACEHOLDER_INSTANCE_TYPE.to_string());
    if any_ec2_launch && pool_names.is_empty() {
        pool_names.push("ec2".into());
        notes.push(Note {
            file: PathBuf::new(),
            line: None,
            field: "cluster.pools".into(),
            reason: format!(
                "EC2 services but no capacity provider or instances in the input: a pool `ec2` of {PLACEHOLDER_POOL_COUNT} × {placeholder} was added (edit it)"
            ),
        });
    }
    let mut providers = parts.providers;
    let pools: Vec<PoolFile> = pool_names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let managed_scaling = providers
                .iter_mut()
                .find(|p| &p.name == name)
                .and_then(|p| p.managed_scaling.take());
            let mut lines = vec![format!(
                "PLACEHOLDERS: instance_type, count, spot{} are not in ECS's JSON; set them from the Auto Scaling group",
                if managed_scaling.is_some() { ", managed_scaling.max_size" } else { "" }
            )];
            if managed_scaling.is_none() {
                lines.push("no managed scaling: the pool keeps its count".into());
            }
            comments.insert(format!("cluster.pools[{i}]"), lines);
            PoolFile {
                managed_scaling,
                ..PoolFile::plain(name.clone(), placeholder.clone(), PLACEHOLDER_POOL_COUNT)
            }
        })
        .collect();
    for (i, (td, file)) in task_defs.iter().enumerate() {
        comments.insert(
            format!("taskDefinitions[{i}]"),
            vec![format!("from {}", file.display()), td.size_comment.clone()],
        );
    }
    let name = parts
        .clusters
        .first()
        .map(|(n, _)| n.clone())
        .or_else(|| services.first().map(|(s, _)| s.name.clone()));
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
        },
        comments,
        notes,
    ))
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
    let src = Source {
        file: Path::new(""),
        text: &text,
    };
    let obj = Obj::new(src, "", &json).expect("an object");
    service::import(obj, &mut Vec::new()).expect("a valid service shape")
}

/// One task definition read for a scenario's `[[taskDefinitions]] import = "..."` entry:
/// the entry, the health check and placement constraints ECS keeps on the task definition
/// (ecsim keeps them on the services using it), and the fields not carried over.
pub struct TaskDefinitionImport {
    pub def: scenario::file::TaskDefinitionFile,
    pub health_check: Option<scenario::file::HealthCheckFile>,
    pub constraints: Vec<scenario::file::PlacementConstraintFile>,
    pub notes: Vec<Note>,
}

const TASK_DEFINITION_SHAPES: &str = "describe-task-definition output ({\"taskDefinition\": ...}) or register-task-definition input ({\"family\", \"containerDefinitions\"})";

/// Reads one task definition from `text` (the JSON file at `path`), as `ecsim import` does.
pub fn task_definition(path: &Path, text: &str) -> Result<TaskDefinitionImport, ScenarioError> {
    let src = Source { file: path, text };
    let doc = json::parse(text, path)?;
    let is_task_definition = doc.as_object().is_some_and(|o| {
        o.contains_key("containerDefinitions")
            || o.contains_key("taskDefinition") && !o.contains_key("serviceName")
    });
    if !is_task_definition {
        return Err(ScenarioError {
            allowed: Some(TASK_DEFINITION_SHAPES.into()),
            ..src.error("", "not a task definition")
        });
    }
    let mut found = Found::default();
    read_document(src, &doc, &mut found)?;
    let (td, _) = found
        .task_defs
        .pop()
        .expect("a task definition shape reads one");
    Ok(TaskDefinitionImport {
        def: td.def,
        health_check: td.health_check,
        constraints: td.constraints,
        notes: found.notes,
    })
}
