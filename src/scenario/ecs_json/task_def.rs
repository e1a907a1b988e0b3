//! A task definition (`describe-task-definition`'s `taskDefinition`, or the input to
//! `register-task-definition`) to a scenario `[[taskDefinitions]]` entry.
//!
//! Size as ECS derives it: a task-level `cpu`/`memory` wins; otherwise the sum over the
//! containers, where a container's memory reservation is its `memoryReservation` if set,
//! else its hard `memory` limit (reference §7.2, §9.3). A Fargate-compatible task is written
//! at the Fargate size it would run and bill as (`catalog::round_fargate`).
//!
//! ECS's rules on memory are checked here, where the JSON's own fields are at hand
//! (reference §9.3, [DG-tdp]): a container's hard `memory` may not be below its
//! `memoryReservation`, and a task-level `memory` may not be below what its containers
//! reserve. The task stops when its last container has, so its `stopTimeout` is the
//! longest of its containers' (30 s, ECS's default, where one sets none).

use super::Note;
use super::fields::{LeftOut, Obj};
use crate::catalog::{FargateOs, round_fargate};
use crate::scenario::ScenarioError;
use crate::scenario::duration::DurationText;
use crate::scenario::file::{
    Amount, EphemeralStorage, HealthCheckFile, PlacementConstraintFile, PortMapping,
    ResourceRequirement, RuntimePlatform, TaskDefinitionFile,
};
use crate::time::SimDuration;
use serde_json::Value;

/// What a task definition gives the scenario: the entry itself, and the parts ECS keeps on
/// the task definition that ecsim keeps on the services using it.
pub struct ImportedTaskDef {
    /// The scenario's `[[taskDefinitions]]` entry.
    pub def: TaskDefinitionFile,
    /// The essential container's health check, which goes to the services using the task
    /// definition.
    pub health_check: Option<HealthCheckFile>,
    /// The task definition's placement constraints, which go to the services using it.
    pub constraints: Vec<PlacementConstraintFile>,
    /// How the size was found, for the scenario's comment.
    pub size_comment: String,
    /// GPUs the task reserves (the containers' sum), for the placeholder pool's type.
    pub gpus: u32,
    /// Where the parts of the entry that do not sit under its own name in the JSON came
    /// from: (field of the scenario entry, JSON path), e.g. (`portMappings[1]`,
    /// `containerDefinitions[0].portMappings[1]`).
    pub origins: Vec<(String, String)>,
    /// JSON paths of the health check and of each placement constraint, which go to the
    /// services using the task definition.
    pub health_check_at: Option<String>,
    /// JSON path of each placement constraint, in the order of `constraints`.
    pub constraints_at: Vec<String>,
}

const TASK_RUNTIME_STATE: &[&str] = &[
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
    "deleteRequestedAt",
];
const TASK_NOT_SCHEDULING: &[&str] = &[
    "taskRoleArn",
    "executionRoleArn",
    "volumes",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "tags",
    "enableFaultInjection",
];

/// Reads one task definition object (describe-task-definition or register-task-definition
/// shape), adding a note for every field not carried over.
pub fn import(obj: Obj<'_>, notes: &mut Vec<Note>) -> Result<ImportedTaskDef, ScenarioError> {
    obj.check(
        &[
            "family",
            "cpu",
            "memory",
            "networkMode",
            "requiresCompatibilities",
            "runtimePlatform",
            "ephemeralStorage",
            "containerDefinitions",
            "placementConstraints",
            "inferenceAccelerators",
        ],
        &[
            LeftOut {
                keys: TASK_RUNTIME_STATE,
                why: "state AWS reports, not configuration",
            },
            LeftOut {
                keys: TASK_NOT_SCHEDULING,
                why: "no effect on placement, capacity or timing in ecsim",
            },
        ],
        notes,
    )?;
    let src = obj.src;
    let family = obj
        .str("family")?
        .ok_or_else(|| src.error(&obj.field("family"), "a task definition needs a `family`"))?
        .to_string();
    if obj.get("inferenceAccelerators").is_some() {
        notes.push(src.note(
            &obj.field("inferenceAccelerators"),
            "Elastic Inference accelerators are not modelled",
        ));
    }
    let compat = obj.strings("requiresCompatibilities")?;
    let fargate = compat
        .as_ref()
        .is_some_and(|c| c.iter().any(|x| x == "FARGATE"));
    let mut containers = containers(obj, notes)?;
    // ECS pins each GPU to one container; the task needs the sum on one instance.
    let gpus = containers
        .iter()
        .fold(0u32, |sum, c| sum.saturating_add(c.gpus));
    if fargate && gpus > 0 {
        return Err(src.error(
            &obj.field("requiresCompatibilities"),
            format!("the containers ask for {gpus} GPU(s), but Fargate has no GPUs; use requiresCompatibilities [\"EC2\"]"),
        ));
    }
    let task_cpu = task_amount(obj, "cpu", 1024.0, &["vcpu"])?;
    let task_memory = task_amount(obj, "memory", 1024.0, &["gb", "gib"])?;
    if let Some(task_memory) = task_memory {
        let reserved: u64 = containers
            .iter()
            .filter_map(|c| c.memory_reserved)
            .map(u64::from)
            .sum();
        if reserved > u64::from(task_memory) {
            return Err(ScenarioError {
                allowed: Some(
                    "a task memory at least the sum of its containers' memoryReservation (else memory)"
                        .into(),
                ),
                ..src.error(
                    &obj.field("memory"),
                    format!(
                        "the task's memory {task_memory} MiB is below the {reserved} MiB its containers reserve; ECS refuses this task definition"
                    ),
                )
            });
        }
    }
    let mut origins = Vec::new();
    let mut comment = Vec::new();
    let cpu = match task_cpu {
        Some(c) => {
            comment.push(format!("cpu {c} from the task level"));
            c
        }
        None => {
            let sum = containers
                .iter()
                .fold(0u32, |sum, c| sum.saturating_add(c.cpu));
            origins.push(("cpu".to_string(), obj.field("containerDefinitions")));
            comment.push(format!(
                "cpu {sum} = sum of {} container cpu values",
                containers.len()
            ));
            if sum == 0 {
                notes.push(src.note(
                    &obj.field("cpu"),
                    "no CPU is reserved at task or container level; ECS reserves 0 units, ecsim needs at least 1, so 1 is written",
                ));
                1
            } else {
                sum
            }
        }
    };
    let memory = match task_memory {
        Some(m) => {
            comment.push(format!("memory {m} MiB from the task level"));
            m
        }
        None => {
            let mut sum = 0u32;
            for c in &containers {
                let reserved = c.memory_reserved.ok_or_else(|| {
                    src.error(
                        &format!("{}.memory", c.path),
                        "with no task-level memory, every container needs `memory` or `memoryReservation` (ECS rejects the task definition otherwise)",
                    )
                })?;
                sum = sum.saturating_add(reserved);
            }
            origins.push(("memory".to_string(), obj.field("containerDefinitions")));
            comment.push(format!(
                "memory {sum} MiB = sum of container memoryReservation (else memory)"
            ));
            sum
        }
    };
    let runtime_platform = match obj.get("runtimePlatform") {
        None => None,
        Some(v) => {
            let path = obj.field("runtimePlatform");
            let rp = Obj::new(src, &path, v)?;
            rp.check(&["cpuArchitecture", "operatingSystemFamily"], &[], notes)?;
            Some(RuntimePlatform {
                cpu_architecture: rp.str("cpuArchitecture")?.map(str::to_string),
                operating_system_family: rp.str("operatingSystemFamily")?.map(str::to_string),
            })
        }
    };
    let (cpu, memory) = if fargate {
        let os = match runtime_platform
            .as_ref()
            .and_then(|r| r.operating_system_family.as_deref())
        {
            Some(f) if f.starts_with("WINDOWS") => FargateOs::Windows,
            _ => FargateOs::Linux,
        };
        let size = round_fargate(cpu, memory, os)
            .map_err(|e| src.error(&obj.field("cpu"), format!("no Fargate size fits: {e}")))?;
        if (size.cpu_units, size.memory_mib) != (cpu, memory) {
            comment.push(format!(
                "rounded up to the Fargate size {} cpu / {} MiB",
                size.cpu_units, size.memory_mib
            ));
            notes.push(src.note(
                &obj.field("cpu"),
                format!(
                    "{cpu} cpu / {memory} MiB is not a Fargate size; written as {} / {}, the size Fargate runs and bills",
                    size.cpu_units, size.memory_mib
                ),
            ));
        }
        (size.cpu_units, size.memory_mib)
    } else {
        (cpu, memory)
    };
    let ephemeral_storage = match obj.get("ephemeralStorage") {
        None => None,
        Some(v) => {
            let path = obj.field("ephemeralStorage");
            let es = Obj::new(src, &path, v)?;
            es.check(&["sizeInGiB"], &[], notes)?;
            es.u32("sizeInGiB")?
                .map(|size_in_gi_b| EphemeralStorage { size_in_gi_b })
        }
    };
    if gpus > 0 {
        comment.push(format!(
            "{gpus} GPU(s) = sum of container resourceRequirements"
        ));
        // The one requirement written stands for the containers' sum: an error about it
        // points at the largest of them.
        if let Some((_, at)) = containers
            .iter()
            .filter_map(|c| c.gpu_at.clone().map(|at| (c.gpus, at)))
            .max_by_key(|(n, _)| *n)
        {
            origins.push(("resourceRequirements[0]".to_string(), at));
        }
    }
    let any_unset = containers.iter().any(|c| c.stop_timeout.is_none());
    let stop_timeout = containers
        .iter()
        .filter_map(|c| c.stop_timeout.as_ref())
        .max_by_key(|(secs, _)| *secs)
        .map(|(secs, at)| {
            origins.push(("stopTimeout".to_string(), at.clone()));
            let longest = if any_unset {
                (*secs).max(DEFAULT_STOP_TIMEOUT_S)
            } else {
                *secs
            };
            if containers.len() > 1 {
                comment.push(format!(
                    "stopTimeout {longest} s = the longest container stopTimeout ({DEFAULT_STOP_TIMEOUT_S} where unset)"
                ));
            }
            longest
        });
    let mut constraints = Vec::new();
    let mut constraints_at = Vec::new();
    for (path, v) in obj.array("placementConstraints")? {
        let c = Obj::new(src, &path, v)?;
        c.check(&["type", "expression"], &[], notes)?;
        constraints.push(PlacementConstraintFile {
            kind: c.str("type")?.unwrap_or("memberOf").to_string(),
            expression: c.str("expression")?.map(str::to_string),
        });
        constraints_at.push(path);
    }
    let mut port_mappings = Vec::new();
    for c in &mut containers {
        for (at, mapping) in std::mem::take(&mut c.ports) {
            origins.push((format!("portMappings[{}]", port_mappings.len()), at));
            port_mappings.push(mapping);
        }
    }
    let (health_check, health_check_at) = containers
        .iter_mut()
        .find(|c| c.essential && c.health_check.is_some())
        .map_or((None, None), |c| {
            (
                c.health_check.take(),
                Some(format!("{}.healthCheck", c.path)),
            )
        });
    Ok(ImportedTaskDef {
        def: TaskDefinitionFile {
            family,
            cpu: Amount::Number(f64::from(cpu)),
            memory: Amount::Number(f64::from(memory)),
            network_mode: obj.str("networkMode")?.map(str::to_string),
            requires_compatibilities: compat,
            port_mappings,
            runtime_platform,
            ephemeral_storage,
            resource_requirements: if gpus > 0 {
                vec![ResourceRequirement {
                    kind: "GPU".into(),
                    value: Amount::Text(gpus.to_string()),
                }]
            } else {
                Vec::new()
            },
            image_size_mb: None,
            start_failure_probability: None,
            crash_after: None,
            stop_timeout,
            shutdown_time: None,
            restart_policy: None,
            crash_exit_code: None,
        },
        health_check,
        constraints,
        size_comment: comment.join("; "),
        gpus,
        origins,
        health_check_at,
        constraints_at,
    })
}

/// A task-level `cpu` or `memory`: ECS takes a number or text ("1 vCPU", "2 GB").
fn task_amount(
    obj: Obj<'_>,
    key: &str,
    per_big: f64,
    big: &[&str],
) -> Result<Option<u32>, ScenarioError> {
    let field = obj.field(key);
    let bad = || {
        obj.src.error(
            &field,
            format!(
                "expected a number, or text such as \"512\" or \"1 {}\"",
                big[0]
            ),
        )
    };
    let number = match obj.get(key) {
        None => return Ok(None),
        Some(Value::Number(n)) => n.as_f64().ok_or_else(bad)?,
        Some(Value::String(s)) => {
            let lower = s.trim().to_ascii_lowercase();
            match big.iter().find_map(|u| lower.strip_suffix(u)) {
                Some(n) => n.trim().parse::<f64>().map_err(|_| bad())? * per_big,
                None => lower.parse::<f64>().map_err(|_| bad())?,
            }
        }
        Some(_) => return Err(bad()),
    };
    if !(number > 0.0 && number <= f64::from(u32::MAX)) {
        return Err(bad());
    }
    Ok(Some(number.round() as u32))
}

/// ECS's `stopTimeout` for a container that sets none (reference §2.2).
const DEFAULT_STOP_TIMEOUT_S: u32 = 30;

struct Container {
    path: String,
    cpu: u32,
    memory_reserved: Option<u32>,
    /// `resourceRequirements` of type GPU, and where the largest one is.
    gpus: u32,
    gpu_at: Option<String>,
    essential: bool,
    /// Each mapping with its JSON path.
    ports: Vec<(String, PortMapping)>,
    health_check: Option<HealthCheckFile>,
    /// `stopTimeout`, seconds, and its JSON path.
    stop_timeout: Option<(u32, String)>,
}

const CONTAINER_NOT_SCHEDULING: &[&str] = &[
    "repositoryCredentials",
    "links",
    "restartPolicy",
    "entryPoint",
    "command",
    "environment",
    "environmentFiles",
    "mountPoints",
    "volumesFrom",
    "linuxParameters",
    "secrets",
    "dependsOn",
    "startTimeout",
    "versionConsistency",
    "hostname",
    "user",
    "workingDirectory",
    "disableNetworking",
    "privileged",
    "readonlyRootFilesystem",
    "dnsServers",
    "dnsSearchDomains",
    "extraHosts",
    "dockerSecurityOptions",
    "interactive",
    "pseudoTerminal",
    "dockerLabels",
    "ulimits",
    "logConfiguration",
    "systemControls",
    "firelensConfiguration",
    "credentialSpecs",
];

fn containers(obj: Obj<'_>, notes: &mut Vec<Note>) -> Result<Vec<Container>, ScenarioError> {
    let src = obj.src;
    let list = obj.array("containerDefinitions")?;
    if list.is_empty() {
        return Err(src.error(
            &obj.field("containerDefinitions"),
            "a task definition needs at least one container",
        ));
    }
    let mut out = Vec::new();
    for (path, v) in list {
        let c = Obj::new(src, &path, v)?;
        c.check(
            &[
                "name",
                "image",
                "cpu",
                "memory",
                "memoryReservation",
                "portMappings",
                "essential",
                "healthCheck",
                "stopTimeout",
                "resourceRequirements",
            ],
            &[LeftOut {
                keys: CONTAINER_NOT_SCHEDULING,
                why: "no effect on placement, capacity or timing in ecsim",
            }],
            notes,
        )?;
        if c.get("image").is_some() {
            notes.push(src.note(
                &c.field("image"),
                "the image's size is not in the task definition; ecsim assumes 100 MB (set image_size_mb)",
            ));
        }
        let stop_timeout = c
            .u32("stopTimeout")?
            .map(|secs| (secs, c.field("stopTimeout")));
        let mut gpus = 0u32;
        let mut gpu_at: Option<(u32, String)> = None;
        for (rpath, r) in c.array("resourceRequirements")? {
            let req = Obj::new(src, &rpath, r)?;
            req.check(&["type", "value"], &[], notes)?;
            let value = req.str("value")?.unwrap_or("?");
            match req.str("type")? {
                Some("GPU") => {
                    let count = value.trim().parse::<u32>().ok().filter(|n| *n >= 1);
                    let count = count.ok_or_else(|| {
                        src.error(
                            &req.field("value"),
                            format!("`{value}` is not a GPU count; ECS takes a whole number as text, e.g. \"1\""),
                        )
                    })?;
                    gpus = gpus.saturating_add(count);
                    if gpu_at.as_ref().is_none_or(|(most, _)| count > *most) {
                        gpu_at = Some((count, rpath.clone()));
                    }
                }
                kind => notes.push(src.note(
                    &rpath,
                    format!(
                        "resourceRequirements {} = {value}: only GPUs are modelled; the task is placed without it",
                        kind.unwrap_or("?")
                    ),
                )),
            }
        }
        let memory = c.u32("memory")?;
        let reservation = c.u32("memoryReservation")?;
        if let (Some(hard), Some(soft)) = (memory, reservation) {
            if hard < soft {
                return Err(ScenarioError {
                    allowed: Some(
                        "memory (the hard limit) at least memoryReservation (the soft one)".into(),
                    ),
                    ..src.error(
                        &c.field("memory"),
                        format!(
                            "the hard limit {hard} MiB is below the container's memoryReservation {soft} MiB; ECS refuses this task definition"
                        ),
                    )
                });
            }
        }
        let mut ports = Vec::new();
        for (ppath, p) in c.array("portMappings")? {
            let pm = Obj::new(src, &ppath, p)?;
            pm.check(
                &["containerPort", "hostPort"],
                &[LeftOut {
                    keys: &[
                        "protocol",
                        "name",
                        "appProtocol",
                        "containerPortRange",
                        "hostPortRange",
                    ],
                    why: "ecsim tracks host ports by number only",
                }],
                notes,
            )?;
            let Some(container_port) = pm.u32("containerPort")? else {
                notes.push(src.note(&ppath, "a port mapping without containerPort is skipped"));
                continue;
            };
            let port = |n: u32, key: &str| {
                u16::try_from(n).map_err(|_| src.error(&pm.field(key), "a port is 0..=65535"))
            };
            ports.push((
                ppath.clone(),
                PortMapping {
                    container_port: port(container_port, "containerPort")?,
                    host_port: pm
                        .u32("hostPort")?
                        .map(|h| port(h, "hostPort"))
                        .transpose()?,
                },
            ));
        }
        let health_check = match c.get("healthCheck") {
            None => None,
            Some(h) => {
                let hpath = c.field("healthCheck");
                let hc = Obj::new(src, &hpath, h)?;
                hc.check(
                    &["command", "interval", "timeout", "retries", "startPeriod"],
                    &[],
                    notes,
                )?;
                let secs = |key: &str| -> Result<Option<DurationText>, ScenarioError> {
                    Ok(hc
                        .u32(key)?
                        .map(|s| DurationText(SimDuration::from_secs(u64::from(s)))))
                };
                if hc.get("command").is_some() {
                    notes.push(src.note(
                        &hc.field("command"),
                        "ecsim does not run the command: a task passes its checks unless the service's hung_after makes it hang",
                    ));
                }
                Some(HealthCheckFile {
                    interval: secs("interval")?,
                    timeout: secs("timeout")?,
                    retries: hc.u32("retries")?,
                    start_period: secs("startPeriod")?,
                })
            }
        };
        out.push(Container {
            cpu: c.u32("cpu")?.unwrap_or(0),
            memory_reserved: reservation.or(memory),
            gpus,
            gpu_at: gpu_at.map(|(_, at)| at),
            essential: c.bool("essential")?.unwrap_or(true),
            ports,
            health_check,
            stop_timeout,
            path,
        });
    }
    Ok(out)
}
