//! `[[traces]]`: recorded workloads replayed as RunTask calls, one task per row. The loader
//! reads each trace row by row, applies the window, time scale and sampling, and expands
//! it into task definitions (one per distinct size) and job streams whose arrivals are the
//! rows, so the ordinary validation and simulation handle the rest. Every row becomes one
//! task or a counted rejection, reported in the scenario's notes; a row no instance can
//! hold is RunTask's to reject when the run gets there. Mapping choices are listed in
//! scenarios/README.md ("Trace replay").

mod formats;
mod origins;
mod replay;
mod table;

pub use formats::{
    NodeShape, ReadNotes, Sink, TraceRow, read_alibaba_nodes, read_alibaba_pods, read_ecsim_csv,
};
pub use origins::TraceOrigins;
pub use table::RowError;

use super::duration::DurationText;
use super::error::FieldError;
use super::file::{
    Amount, ArrivalFile, CapacityProviderItem, CustomInstanceType, DurationFile, JobFile, PoolFile,
    ResourceRequirement, ScenarioFile, TaskDefinitionFile, TraceFile,
};
use super::io_words;
use crate::time::SimDuration;
use replay::{Replay, Size, Stream, Window};
use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// What expanding the traces made: a line per trace saying what became of its rows, and
/// where each generated task definition and job stream came from.
#[derive(Debug, Default)]
pub struct Expanded {
    /// One line per trace saying how many rows were replayed and why the others were not.
    pub notes: Vec<String>,
    /// Which trace file and row each generated task definition and job stream came from.
    pub origins: TraceOrigins,
}

/// Expands every `[[traces]]` entry of `file`, reading its files relative to `base`.
/// `task_limit` refuses traces that together replay more tasks, at the row that passes it.
pub fn expand(
    file: &mut ScenarioFile,
    base: &Path,
    task_limit: Option<u64>,
) -> Result<Expanded, FieldError> {
    let horizon_ms = file.horizon.0.0;
    let traces = std::mem::take(&mut file.traces);
    let mut out = Expanded {
        notes: Vec::new(),
        origins: TraceOrigins::new(file.task_definitions.len(), file.jobs.len()),
    };
    let mut families: HashSet<String> = file
        .task_definitions
        .iter()
        .map(|d| d.family.clone())
        .collect();
    let mut replayed = 0;
    for (i, t) in traces.iter().enumerate() {
        let at = format!("traces[{i}]");
        let open = |rel: &str, field: &str| {
            let full = base.join(rel);
            File::open(&full).map(BufReader::new).map_err(|e| {
                FieldError::new(
                    format!("{at}.{field}"),
                    format!("cannot read {}: {}", full.display(), io_words(&e)),
                )
            })
        };
        let window = Window::new(t, &at, horizon_ms)?;
        let mut replay = Replay::new(window, &t.path, replayed, task_limit);
        let input = open(&t.path, "path")?;
        let mut sink = |row: TraceRow<'_>| replay.push(row);
        let read = match t.format.as_deref().unwrap_or("ecsim") {
            "ecsim" => read_ecsim_csv(input, &t.path, &mut sink).map_err(|e| e.at(&at))?,
            "alibaba_gpu_2023" => {
                let read = read_alibaba_pods(input, &t.path, &mut sink).map_err(|e| e.at(&at))?;
                let nodes_rel = t.nodes.as_deref().ok_or_else(|| {
                    FieldError::new(
                        format!("{at}.nodes"),
                        "the alibaba_gpu_2023 format needs the node list (openb_node_list_*.csv)",
                    )
                })?;
                let shapes = read_alibaba_nodes(open(nodes_rel, "nodes")?, nodes_rel)
                    .map_err(|e| e.at(&at))?;
                add_node_pools(file, &t.name, &shapes);
                read
            }
            other => {
                return Err(FieldError::new(
                    format!("{at}.format"),
                    format!("unknown trace format `{other}`"),
                )
                .allowed("ecsim, alibaba_gpu_2023"));
            }
        };
        replayed += replay.kept;
        let mut rejected = read.rejected;
        for (&reason, n) in &replay.rejected {
            *rejected.entry(reason).or_default() += n;
        }
        let total = replay.kept + rejected.values().sum::<u64>();
        let mut line = format!(
            "trace `{}`: {total} rows, {} replayed as tasks",
            t.name, replay.kept
        );
        for (reason, n) in &rejected {
            line.push_str(&format!(", {n} {reason}"));
        }
        out.notes.push(line);
        out.notes.extend(
            read.remarks
                .iter()
                .map(|r| format!("trace `{}`: {r}", t.name)),
        );
        out.origins.add_trace(&t.path);
        add_jobs(file, t, replay, &mut families, &mut out.origins);
    }
    file.traces = traces;
    Ok(out)
}

/// One task definition per distinct size, one job stream per (size, group), in the order
/// of size, then group (rows without one first).
fn add_jobs(
    file: &mut ScenarioFile,
    t: &TraceFile,
    replay: Replay<'_>,
    families: &mut HashSet<String>,
    origins: &mut TraceOrigins,
) {
    for (size, by_size) in replay.sizes {
        let (cpu, memory, gpu) = size;
        let mut family = format!("{}-{cpu}cpu-{memory}mib", t.name);
        if gpu > 0 {
            family.push_str(&format!("-{gpu}gpu"));
        }
        let streams: Vec<(Option<String>, Stream)> = by_size
            .ungrouped
            .map(|s| (None, s))
            .into_iter()
            .chain(by_size.grouped.into_iter().map(|(g, s)| (Some(g), s)))
            .collect();
        // A family the scenario already has (its own, or an earlier trace's) is reused.
        if families.insert(family.clone()) {
            let first = streams.iter().map(|(_, s)| s.first_line).min();
            origins.add_task_def(first.unwrap_or(0), size);
            file.task_definitions
                .push(task_definition(t, &family, size));
        }
        for (group, stream) in streams {
            origins.add_job(stream.first_line, size);
            add_job(file, t, &family, group, stream);
        }
    }
}

fn task_definition(t: &TraceFile, family: &str, (cpu, memory, gpu): Size) -> TaskDefinitionFile {
    TaskDefinitionFile {
        family: family.to_string(),
        cpu: Amount::Number(f64::from(cpu)),
        memory: Amount::Number(f64::from(memory)),
        network_mode: None,
        requires_compatibilities: on_fargate(t).then(|| vec!["FARGATE".to_string()]),
        port_mappings: Vec::new(),
        runtime_platform: None,
        ephemeral_storage: None,
        resource_requirements: gpu_requirement(gpu),
        image_size_mb: None,
        start_failure_probability: None,
        crash_after: None,
        stop_timeout: None,
        shutdown_time: None,
        restart_policy: None,
        crash_exit_code: None,
    }
}

/// Whether the trace's tasks launch on Fargate: by launch type, or by a strategy of the
/// Fargate providers (ECS does not let one strategy mix them with Auto Scaling groups).
fn on_fargate(t: &TraceFile) -> bool {
    let fargate = |p: &CapacityProviderItem| {
        matches!(p.capacity_provider.as_str(), "FARGATE" | "FARGATE_SPOT")
    };
    t.launch_type.as_deref() == Some("FARGATE")
        || t.capacity_provider_strategy
            .as_ref()
            .is_some_and(|s| !s.is_empty() && s.iter().all(fargate))
}

fn add_job(
    file: &mut ScenarioFile,
    t: &TraceFile,
    family: &str,
    group: Option<String>,
    mut stream: Stream,
) {
    stream.tasks.sort_by_key(|r| r.at);
    file.jobs.push(JobFile {
        name: match &group {
            Some(g) => format!("{family}/{g}"),
            None => family.to_string(),
        },
        task_definition: family.to_string(),
        launch_type: t.launch_type.clone(),
        capacity_provider_strategy: t.capacity_provider_strategy.clone(),
        placement_strategy: t.placement_strategy.clone(),
        placement_constraints: Vec::new(),
        group: group.map(|g| format!("{}:{g}", t.name)),
        arrival: ArrivalFile::Replay(stream.tasks.into()),
        duration: DurationFile::Constant {
            value: DurationText(SimDuration::ZERO),
        },
    });
}

fn gpu_requirement(gpu: u32) -> Vec<ResourceRequirement> {
    if gpu == 0 {
        return Vec::new();
    }
    vec![ResourceRequirement {
        kind: "GPU".into(),
        value: Amount::Text(gpu.to_string()),
    }]
}

/// One custom instance type and one fixed pool per node shape. Capacity is the node list's
/// own (allocatable) figure, so no OS share is taken off; price is unknown (0).
fn add_node_pools(file: &mut ScenarioFile, trace: &str, shapes: &[NodeShape]) {
    for s in shapes {
        let vcpu = (s.cpu_milli / 1000) as u32;
        let mut name = format!("{trace}-{vcpu}vcpu-{}mib", s.memory_mib);
        if s.gpus > 0 {
            name.push_str(&format!("-{}gpu", s.gpus));
        }
        file.instance_types.push(CustomInstanceType {
            name: name.clone(),
            vcpu,
            memory_gib: s.memory_mib as f64 / 1024.0,
            registered_memory_mib: Some(s.memory_mib as u32),
            max_enis: 3,
            price_per_hour: 0.0,
            arch: "x86_64".into(),
            gpus: s.gpus,
        });
        file.cluster
            .pools
            .push(PoolFile::plain(name.clone(), name, s.count));
    }
}
