//! `[[traces]]`: recorded workloads replayed as RunTask calls, one task per row. The loader
//! reads each trace, applies the window, time scale and sampling, and expands it into
//! task definitions (one per distinct size) and job streams whose arrivals are the rows,
//! so the ordinary validation and simulation handle the rest. Every row becomes one task
//! or a counted rejection, reported in the scenario's notes. Mapping choices are listed in
//! scenarios/README.md ("Trace replay").

use super::duration::DurationText;
use super::error::FieldError;
use super::file::{
    Amount, ArrivalFile, CustomInstanceType, DurationFile, JobFile, PoolFile, ResourceRequirement,
    ScenarioFile, TaskDefinitionFile, TraceFile,
};
use crate::rng::{StreamKind, stream};
use crate::time::SimDuration;
use crate::workload::TracedTask;
use rand::Rng;
use std::collections::BTreeMap;
use std::path::Path;

/// One row after reading: times in trace milliseconds, sizes in ECS units.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRow {
    pub arrival_ms: u64,
    pub run_ms: u64,
    pub cpu: u32,
    pub memory: u32,
    /// Whole GPUs.
    pub gpu: u32,
    pub group: Option<String>,
}

/// Rows and the rows turned away before replay, by reason.
#[derive(Debug, Default)]
pub struct TraceRead {
    pub rows: Vec<TraceRow>,
    pub rejected: BTreeMap<&'static str, u64>,
    pub remarks: Vec<String>,
}

/// A node shape of a node list: how many nodes have it.
#[derive(Debug, PartialEq)]
pub struct NodeShape {
    pub cpu_milli: u64,
    pub memory_mib: u64,
    pub gpus: u32,
    pub count: u32,
}

/// Expands every `[[traces]]` entry of `file`, reading its files relative to `base`.
/// Returns one line per trace saying what became of its rows.
pub fn expand(file: &mut ScenarioFile, base: &Path) -> Result<Vec<String>, FieldError> {
    let horizon_ms = file.horizon.0.0;
    let traces = std::mem::take(&mut file.traces);
    let mut notes = Vec::new();
    for (i, t) in traces.iter().enumerate() {
        let at = format!("traces[{i}]");
        let read_text = |rel: &str, field: &str| {
            let full = base.join(rel);
            std::fs::read_to_string(&full).map_err(|e| {
                FieldError::new(
                    format!("{at}.{field}"),
                    format!("cannot read {}: {}", full.display(), super::io_words(&e)),
                )
            })
        };
        let text = read_text(&t.path, "path")?;
        let mut read = match t.format.as_deref().unwrap_or("ecsim") {
            "ecsim" => read_ecsim_csv(&text, &t.path).map_err(|e| e.at(&at))?,
            "alibaba_gpu_2023" => {
                let read = read_alibaba_pods(&text, &t.path).map_err(|e| e.at(&at))?;
                let nodes_rel = t.nodes.as_deref().ok_or_else(|| {
                    FieldError::new(
                        format!("{at}.nodes"),
                        "the alibaba_gpu_2023 format needs the node list (openb_node_list_*.csv)",
                    )
                })?;
                let shapes = read_alibaba_nodes(&read_text(nodes_rel, "nodes")?, nodes_rel)
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
        let total = read.rows.len() as u64 + read.rejected.values().sum::<u64>();
        window_scale_sample(t, &at, &mut read, horizon_ms)?;
        add_jobs(file, t, &read.rows);
        let mut line = format!(
            "trace `{}`: {total} rows, {} replayed as tasks",
            t.name,
            read.rows.len()
        );
        for (reason, n) in &read.rejected {
            line.push_str(&format!(", {n} {reason}"));
        }
        notes.push(line);
        notes.extend(
            read.remarks
                .iter()
                .map(|r| format!("trace `{}`: {r}", t.name)),
        );
    }
    file.traces = traces;
    Ok(notes)
}

fn window_scale_sample(
    t: &TraceFile,
    at: &str,
    read: &mut TraceRead,
    horizon_ms: u64,
) -> Result<(), FieldError> {
    let start = t.start.map_or(0, |d| d.0.0);
    let end = t.end.map_or(u64::MAX, |d| d.0.0);
    let scale = t.time_scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale > 0.0) {
        return Err(FieldError::new(
            format!("{at}.time_scale"),
            format!("{scale} is not a positive number"),
        ));
    }
    let sample = t.sample.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&sample) {
        return Err(
            FieldError::new(format!("{at}.sample"), format!("{sample} is out of range"))
                .allowed("0 to 1"),
        );
    }
    let mut coin = stream(t.sample_seed.unwrap_or(1), StreamKind::TraceSampling, 0);
    let mut kept = Vec::with_capacity(read.rows.len());
    for mut row in std::mem::take(&mut read.rows) {
        // Draw for every row, kept or not, so the sample does not depend on the window.
        let keep = coin.random::<f64>() < sample;
        let reason = if row.arrival_ms < start || row.arrival_ms >= end {
            Some("outside the time window")
        } else if !keep {
            Some("left out by sampling")
        } else {
            row.arrival_ms = ((row.arrival_ms - start) as f64 * scale).round() as u64;
            row.run_ms = (row.run_ms as f64 * scale).round() as u64;
            (row.arrival_ms > horizon_ms).then_some("arriving after the horizon")
        };
        match reason {
            Some(r) => *read.rejected.entry(r).or_default() += 1,
            None => kept.push(row),
        }
    }
    read.rows = kept;
    Ok(())
}

/// One task definition per distinct size, one job stream per (size, group).
fn add_jobs(file: &mut ScenarioFile, t: &TraceFile, rows: &[TraceRow]) {
    type Size = (u32, u32, u32);
    let mut streams: BTreeMap<(Size, Option<String>), Vec<TracedTask>> = BTreeMap::new();
    for r in rows {
        streams
            .entry(((r.cpu, r.memory, r.gpu), r.group.clone()))
            .or_default()
            .push(TracedTask {
                at: SimDuration(r.arrival_ms),
                run_time: SimDuration(r.run_ms),
            });
    }
    for (((cpu, memory, gpu), group), mut tasks) in streams {
        tasks.sort_by_key(|r| r.at);
        let mut family = format!("{}-{cpu}cpu-{memory}mib", t.name);
        if gpu > 0 {
            family.push_str(&format!("-{gpu}gpu"));
        }
        if !file.task_definitions.iter().any(|d| d.family == family) {
            file.task_definitions.push(TaskDefinitionFile {
                family: family.clone(),
                cpu: Amount::Number(f64::from(cpu)),
                memory: Amount::Number(f64::from(memory)),
                network_mode: None,
                requires_compatibilities: t
                    .launch_type
                    .as_deref()
                    .filter(|l| *l == "FARGATE")
                    .map(|_| vec!["FARGATE".to_string()]),
                port_mappings: Vec::new(),
                runtime_platform: None,
                ephemeral_storage: None,
                resource_requirements: gpu_requirement(gpu),
                image_size_mb: None,
                start_failure_probability: None,
                stop_timeout: None,
                shutdown_time: None,
            });
        }
        file.jobs.push(JobFile {
            name: match &group {
                Some(g) => format!("{family}/{g}"),
                None => family.clone(),
            },
            task_definition: family,
            launch_type: t.launch_type.clone(),
            capacity_provider_strategy: t.capacity_provider_strategy.clone(),
            placement_strategy: t.placement_strategy.clone(),
            placement_constraints: Vec::new(),
            group: group.map(|g| format!("{}:{g}", t.name)),
            arrival: ArrivalFile::Replay(tasks.into()),
            duration: DurationFile::Constant {
                value: DurationText(SimDuration::ZERO),
            },
        });
    }
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

/// A problem in a trace file, by its own line.
#[derive(Debug)]
pub struct RowError {
    file: String,
    line: usize,
    column: String,
    message: String,
    allowed: String,
}

impl RowError {
    fn at(self, trace: &str) -> FieldError {
        FieldError::new(
            format!("{trace}.path"),
            format!(
                "{}:{}: column `{}`: {}",
                self.file, self.line, self.column, self.message
            ),
        )
        .allowed(self.allowed)
    }
}

/// A CSV with a header, its columns found by name.
struct Table<'t> {
    file: &'t str,
    header: csv::StringRecord,
    reader: csv::Reader<&'t [u8]>,
}

impl<'t> Table<'t> {
    fn new(text: &'t str, file: &'t str, required: &[&str]) -> Result<Table<'t>, RowError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header = reader.headers().map_err(|e| RowError {
            file: file.into(),
            line: 1,
            column: String::new(),
            message: format!("not a CSV header: {e}"),
            allowed: required.join(","),
        })?;
        let header = header.clone();
        for need in required {
            if !header.iter().any(|h| h == *need) {
                return Err(RowError {
                    file: file.into(),
                    line: 1,
                    column: need.to_string(),
                    message: "missing from the header".into(),
                    allowed: format!("a header naming {}", required.join(", ")),
                });
            }
        }
        Ok(Table {
            file,
            header,
            reader,
        })
    }

    fn rows(&mut self) -> impl Iterator<Item = Result<Row<'_>, RowError>> + '_ {
        let header = &self.header;
        let file = self.file;
        self.reader.records().map(move |r| {
            let record = r.map_err(|e| RowError {
                file: file.into(),
                line: e.position().map_or(0, |p| p.line() as usize),
                column: String::new(),
                message: format!("not a CSV row: {e}"),
                allowed: String::new(),
            })?;
            Ok(Row {
                line: record.position().map_or(0, |p| p.line() as usize),
                record,
                header,
                file,
            })
        })
    }
}

struct Row<'h> {
    line: usize,
    record: csv::StringRecord,
    header: &'h csv::StringRecord,
    file: &'h str,
}

impl Row<'_> {
    fn text(&self, column: &str) -> &str {
        self.header
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.record.get(i))
            .unwrap_or("")
    }

    fn error(&self, column: &str, message: String, allowed: &str) -> RowError {
        RowError {
            file: self.file.into(),
            line: self.line,
            column: column.into(),
            message,
            allowed: allowed.into(),
        }
    }

    /// A number ≥ 0 (negative values are errors, not rejections: the file is wrong).
    fn number(&self, column: &str, allowed: &str) -> Result<f64, RowError> {
        let text = self.text(column);
        let value: f64 = text
            .parse()
            .map_err(|_| self.error(column, format!("`{text}` is not a number"), allowed))?;
        if !value.is_finite() || value < 0.0 {
            return Err(self.error(column, format!("{text} is negative"), allowed));
        }
        Ok(value)
    }

    fn optional(&self, column: &str, allowed: &str) -> Result<Option<f64>, RowError> {
        if self.text(column).is_empty() {
            Ok(None)
        } else {
            self.number(column, allowed).map(Some)
        }
    }
}

/// An optional whole GPU count (empty or absent = 0).
fn whole_gpus(row: &Row<'_>, column: &str) -> Result<u32, RowError> {
    let allowed = "a whole number of GPUs, 0 or more";
    match row.optional(column, allowed)? {
        None => Ok(0),
        Some(n) if n.fract() == 0.0 && n <= 64.0 => Ok(n as u32),
        Some(n) => Err(row.error(column, format!("{n} is not a whole GPU count"), allowed)),
    }
}

fn ms(seconds: f64) -> u64 {
    (seconds * 1000.0).round() as u64
}

/// ecsim's own format: `arrival,duration,cpu,memory[,group][,gpu]` with a header; arrival
/// and duration in seconds, cpu in CPU units (1024 = 1 vCPU), memory in MiB, gpu whole GPUs.
pub fn read_ecsim_csv(text: &str, file: &str) -> Result<TraceRead, RowError> {
    let mut table = Table::new(text, file, &["arrival", "duration", "cpu", "memory"])?;
    let has_group = table.header.iter().any(|h| h == "group");
    let mut out = TraceRead::default();
    for row in table.rows() {
        let row = row?;
        let size = |column: &str, unit: &str| -> Result<u32, RowError> {
            let v = row.number(column, unit)?;
            if v < 1.0 || v > f64::from(u32::MAX) {
                return Err(row.error(column, format!("{v} is out of range"), unit));
            }
            Ok(v.round() as u32)
        };
        out.rows.push(TraceRow {
            arrival_ms: ms(row.number("arrival", "seconds from the trace start, 0 or more")?),
            run_ms: ms(row.number("duration", "seconds, 0 or more")?),
            cpu: size("cpu", "CPU units, 1 or more (1024 = 1 vCPU)")?,
            memory: size("memory", "MiB, 1 or more")?,
            gpu: whole_gpus(&row, "gpu")?,
            group: Some(row.text("group"))
                .filter(|g| has_group && !g.is_empty())
                .map(str::to_string),
        });
    }
    Ok(out)
}

/// Docker ≥ 20.10 needs at least 6 MiB per container (reference §9.3); the Alibaba pod
/// list has a pod asking for 0 MiB.
const MIN_MEMORY_MIB: u32 = 6;

/// Alibaba cluster-trace-gpu-v2023 `openb_pod_list_*.csv`. A pod runs from `scheduled_time`
/// to `deletion_time`, arriving at `creation_time`; pods never scheduled are rejections;
/// lifetimes censored at the trace end run to that end; CPU milli-cores become CPU units at
/// 1000 milli = 1024 units (rounded up); `num_gpu` whole GPUs, and a GPU share
/// (`gpu_milli` < 1000) takes a whole GPU, since ECS gives each GPU to one task.
pub fn read_alibaba_pods(text: &str, file: &str) -> Result<TraceRead, RowError> {
    let mut table = Table::new(
        text,
        file,
        &[
            "name",
            "cpu_milli",
            "memory_mib",
            "num_gpu",
            "creation_time",
            "deletion_time",
            "scheduled_time",
        ],
    )?;
    let mut out = TraceRead::default();
    let (mut shared_gpu_pods, mut zero_memory) = (0u64, 0u64);
    for row in table.rows() {
        let row = row?;
        let secs = "seconds from the trace start, 0 or more";
        let created = row.number("creation_time", secs)?;
        let deleted = row.number("deletion_time", secs)?;
        let Some(scheduled) = row.optional("scheduled_time", secs)? else {
            *out.rejected
                .entry("never scheduled in the trace")
                .or_default() += 1;
            continue;
        };
        if deleted < scheduled {
            return Err(row.error(
                "deletion_time",
                format!("{deleted} is before scheduled_time {scheduled}: a negative duration"),
                "a time at or after scheduled_time",
            ));
        }
        if scheduled < created {
            return Err(row.error(
                "scheduled_time",
                format!("{scheduled} is before creation_time {created}"),
                "a time at or after creation_time",
            ));
        }
        let cpu_milli = row.number("cpu_milli", "milli-cores, 1 or more")?;
        if cpu_milli < 1.0 {
            return Err(row.error(
                "cpu_milli",
                format!("{cpu_milli} is out of range"),
                "milli-cores, 1 or more",
            ));
        }
        let memory = row.number("memory_mib", "MiB, 0 or more")?.round() as u32;
        if memory < MIN_MEMORY_MIB {
            zero_memory += 1;
        }
        let gpu = whole_gpus(&row, "num_gpu")?;
        let share = row
            .optional("gpu_milli", "a share of one GPU, 0 to 1000")?
            .unwrap_or(1000.0);
        if gpu > 0 && share < 1000.0 {
            shared_gpu_pods += 1;
        }
        out.rows.push(TraceRow {
            arrival_ms: ms(created),
            // Upstream scheduling delay is replaced by ecsim's own placement.
            run_ms: ms(deleted - scheduled),
            cpu: (cpu_milli * 1024.0 / 1000.0).ceil() as u32,
            memory: memory.max(MIN_MEMORY_MIB),
            gpu,
            group: None,
        });
    }
    if shared_gpu_pods > 0 {
        out.remarks.push(format!(
            "{shared_gpu_pods} pods ask for part of a GPU (gpu_milli < 1000); ECS gives whole GPUs, so each takes one"
        ));
    }
    if zero_memory > 0 {
        out.remarks.push(format!(
            "{zero_memory} pods request under {MIN_MEMORY_MIB} MiB; raised to {MIN_MEMORY_MIB} MiB, Docker's minimum"
        ));
    }
    Ok(out)
}

/// `openb_node_list_*.csv`: nodes grouped by (cpu, memory) shape, in first-seen order.
pub fn read_alibaba_nodes(text: &str, file: &str) -> Result<Vec<NodeShape>, RowError> {
    let mut table = Table::new(text, file, &["sn", "cpu_milli", "memory_mib", "gpu"])?;
    let mut shapes: Vec<NodeShape> = Vec::new();
    for row in table.rows() {
        let row = row?;
        let cpu_milli = row
            .number("cpu_milli", "milli-cores, 1000 or more")?
            .round() as u64;
        let memory_mib = row.number("memory_mib", "MiB, 1 or more")?.round() as u64;
        if cpu_milli < 1000 || memory_mib == 0 {
            return Err(row.error(
                "cpu_milli",
                "a node needs at least 1 vCPU and some memory".into(),
                "cpu_milli ≥ 1000, memory_mib ≥ 1",
            ));
        }
        let gpus = whole_gpus(&row, "gpu")?;
        match shapes
            .iter_mut()
            .find(|s| (s.cpu_milli, s.memory_mib, s.gpus) == (cpu_milli, memory_mib, gpus))
        {
            Some(s) => s.count += 1,
            None => shapes.push(NodeShape {
                cpu_milli,
                memory_mib,
                gpus,
                count: 1,
            }),
        }
    }
    Ok(shapes)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecsim_rows_read_in_ecs_units_and_negative_durations_name_the_line() {
        let text = "arrival,duration,cpu,memory,group\n0,60,512,1024,web\n1.5,0.25,256,512,\n";
        let read = read_ecsim_csv(text, "t.csv").unwrap();
        assert_eq!(
            read.rows,
            vec![
                TraceRow {
                    arrival_ms: 0,
                    run_ms: 60_000,
                    cpu: 512,
                    memory: 1024,
                    gpu: 0,
                    group: Some("web".into())
                },
                TraceRow {
                    arrival_ms: 1500,
                    run_ms: 250,
                    cpu: 256,
                    memory: 512,
                    gpu: 0,
                    group: None
                },
            ]
        );
        let bad = "arrival,duration,cpu,memory\n0,60,512,1024\n5,-3,512,1024\n";
        let e = read_ecsim_csv(bad, "t.csv").unwrap_err().at("traces[0]");
        assert_eq!(e.field, "traces[0].path");
        assert!(
            e.message
                .starts_with("t.csv:3: column `duration`: -3 is negative"),
            "{}",
            e.message
        );
        let e = read_ecsim_csv("arrival,cpu,memory\n", "t.csv").unwrap_err();
        assert_eq!((e.line, e.column.as_str()), (1, "duration"));
    }

    #[test]
    fn alibaba_pods_map_milli_cores_and_lifetimes() {
        let text = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n\
            p0,1000,2048,1,500,,LS,Running,10,110,12\n\
            p1,12500,0,0,0,,BE,Succeeded,20,30,20\n\
            p2,4000,1024,0,0,,BE,Pending,25,40,\n";
        let read = read_alibaba_pods(text, "pods.csv").unwrap();
        // 1000 milli = 1 vCPU = 1024 units; 12.5 vCPU = 12800 units. Run time from
        // scheduling to deletion: 110 − 12 = 98 s. 0 MiB is raised to 6.
        assert_eq!(
            read.rows,
            vec![
                TraceRow {
                    arrival_ms: 10_000,
                    run_ms: 98_000,
                    cpu: 1024,
                    memory: 2048,
                    gpu: 1,
                    group: None
                },
                TraceRow {
                    arrival_ms: 20_000,
                    run_ms: 10_000,
                    cpu: 12_800,
                    memory: 6,
                    gpu: 0,
                    group: None
                },
            ]
        );
        assert_eq!(read.rejected.get("never scheduled in the trace"), Some(&1));
        assert_eq!(read.remarks.len(), 2);
    }

    #[test]
    fn nodes_group_by_shape() {
        let text = "sn,cpu_milli,memory_mib,gpu,model\nn0,32000,262144,0,\nn1,96000,393216,8,G2\nn2,32000,262144,0,\n";
        assert_eq!(
            read_alibaba_nodes(text, "nodes.csv").unwrap(),
            vec![
                NodeShape {
                    cpu_milli: 32000,
                    memory_mib: 262_144,
                    gpus: 0,
                    count: 2
                },
                NodeShape {
                    cpu_milli: 96000,
                    memory_mib: 393_216,
                    gpus: 8,
                    count: 1
                },
            ]
        );
    }
}
