//! The trace formats ecsim reads: its own CSV, and Alibaba's GPU 2023 pod and node lists.
//! Each reader hands its rows one at a time to a sink (the replay keeps only what it
//! needs of each), and keeps count of the rows it turns away itself.

use super::table::{RowError, SECONDS, Table};
use std::collections::BTreeMap;
use std::io::Read;

/// One row after reading: times in trace milliseconds, sizes in ECS units.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRow<'a> {
    /// Its line in the file.
    pub line: u64,
    /// When the task arrives, trace milliseconds from the trace's start.
    pub arrival_ms: u64,
    /// How long the task runs, milliseconds.
    pub run_ms: u64,
    /// CPU units the task asks for (1024 per vCPU).
    pub cpu: u32,
    /// Memory the task asks for, MiB.
    pub memory: u32,
    /// Whole GPUs.
    pub gpu: u32,
    /// The task group the row names, if any.
    pub group: Option<&'a str>,
}

/// What a reader says of the rows it did not hand on.
#[derive(Debug, Default)]
pub struct ReadNotes {
    /// Rows turned away before replay, by reason.
    pub rejected: BTreeMap<&'static str, u64>,
    /// Lines for the user about rows changed to fit ECS (part GPUs, tiny memory).
    pub remarks: Vec<String>,
}

/// Where rows go; an error stops the reading (a size limit, a row the replay refuses).
pub type Sink<'s> = dyn FnMut(TraceRow<'_>) -> Result<(), RowError> + 's;

/// ecsim's own format: `arrival,duration,cpu,memory[,group][,gpu]` with a header; arrival
/// and duration in seconds, cpu in CPU units (1024 = 1 vCPU), memory in MiB, gpu whole GPUs.
pub fn read_ecsim_csv(
    input: impl Read,
    file: &str,
    sink: &mut Sink<'_>,
) -> Result<ReadNotes, RowError> {
    let mut table = Table::new(input, file, &["arrival", "duration", "cpu", "memory"])?;
    let has_group = table.has_column("group");
    while let Some(row) = table.next_row()? {
        let size = |column: &str, unit: &str| -> Result<u32, RowError> {
            let v = row.number(column, unit)?;
            if v < 1.0 || v > f64::from(u32::MAX) {
                return Err(row.error(column, format!("{v} is out of range"), unit));
            }
            Ok(v.round() as u32)
        };
        let group = if has_group { row.text("group")? } else { "" };
        sink(TraceRow {
            line: row.line,
            arrival_ms: row.seconds("arrival")?,
            run_ms: row.seconds("duration")?,
            cpu: size("cpu", "CPU units, 1 to 4294967295 (1024 = 1 vCPU)")?,
            memory: size("memory", "MiB, 1 to 4294967295")?,
            gpu: row.whole_gpus("gpu")?,
            group: Some(group).filter(|g| !g.is_empty()),
        })?;
    }
    Ok(ReadNotes::default())
}

/// Docker ≥ 20.10 needs at least 6 MiB per container (reference §9.3); the Alibaba pod
/// list has a pod asking for 0 MiB.
const MIN_MEMORY_MIB: u32 = 6;

/// Alibaba cluster-trace-gpu-v2023 `openb_pod_list_*.csv`. A pod runs from `scheduled_time`
/// to `deletion_time`, arriving at `creation_time`; pods never scheduled are rejections;
/// lifetimes censored at the trace end run to that end; CPU milli-cores become CPU units at
/// 1000 milli = 1024 units (rounded up); `num_gpu` whole GPUs, and a GPU share
/// (`gpu_milli` < 1000) takes a whole GPU, since ECS gives each GPU to one task.
pub fn read_alibaba_pods(
    input: impl Read,
    file: &str,
    sink: &mut Sink<'_>,
) -> Result<ReadNotes, RowError> {
    let mut table = Table::new(
        input,
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
    let mut out = ReadNotes::default();
    let (mut shared_gpu_pods, mut zero_memory) = (0u64, 0u64);
    while let Some(row) = table.next_row()? {
        let created = row.number("creation_time", SECONDS)?;
        let deleted = row.number("deletion_time", SECONDS)?;
        if deleted < created {
            // Issue 32 item 17: a pod that ends before it begins was counted as never
            // scheduled without a word; the file is wrong, as for a negative duration.
            return Err(row.error(
                "deletion_time",
                format!("{deleted} is before creation_time {created}: the pod would end before it begins"),
                "a time at or after creation_time",
            ));
        }
        let Some(scheduled) = row.optional("scheduled_time", SECONDS)? else {
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
        let gpu = row.whole_gpus("num_gpu")?;
        let share = row
            .optional("gpu_milli", "a share of one GPU, 0 to 1000")?
            .unwrap_or(1000.0);
        if gpu > 0 && share < 1000.0 {
            shared_gpu_pods += 1;
        }
        sink(TraceRow {
            line: row.line,
            arrival_ms: row.seconds_of("creation_time", created)?,
            // Upstream scheduling delay is replaced by ecsim's own placement.
            run_ms: row.seconds_of("deletion_time", deleted - scheduled)?,
            cpu: (cpu_milli * 1024.0 / 1000.0).ceil() as u32,
            memory: memory.max(MIN_MEMORY_MIB),
            gpu,
            group: None,
        })?;
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

/// A node shape of a node list: how many nodes have it.
#[derive(Debug, PartialEq)]
pub struct NodeShape {
    /// The nodes' CPU, milli-cores (1000 per vCPU).
    pub cpu_milli: u64,
    /// The nodes' memory, MiB.
    pub memory_mib: u64,
    /// The nodes' whole GPUs.
    pub gpus: u32,
    /// How many nodes of the list have this shape.
    pub count: u32,
}

/// `openb_node_list_*.csv`: nodes grouped by (cpu, memory, GPUs) shape, in first-seen order.
pub fn read_alibaba_nodes(input: impl Read, file: &str) -> Result<Vec<NodeShape>, RowError> {
    let mut table = Table::new(input, file, &["sn", "cpu_milli", "memory_mib", "gpu"])?;
    let mut shapes: Vec<NodeShape> = Vec::new();
    let mut seen: BTreeMap<(u64, u64, u32), usize> = BTreeMap::new();
    while let Some(row) = table.next_row()? {
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
        let gpus = row.whole_gpus("gpu")?;
        let key = (cpu_milli, memory_mib, gpus);
        match seen.get(&key) {
            Some(&k) => shapes[k].count += 1,
            None => {
                seen.insert(key, shapes.len());
                shapes.push(NodeShape {
                    cpu_milli,
                    memory_mib,
                    gpus,
                    count: 1,
                });
            }
        }
    }
    Ok(shapes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row handed on: line, arrival ms, run ms, cpu, memory, GPUs, group.
    type Seen = (u64, u64, u64, u32, u32, u32, Option<String>);

    /// Every row `read` hands on, with its group owned.
    fn rows_of(
        read: impl Fn(&[u8], &mut Sink<'_>) -> Result<ReadNotes, RowError>,
        text: &str,
    ) -> Result<(Vec<Seen>, ReadNotes), RowError> {
        let mut rows = Vec::new();
        let notes = read(text.as_bytes(), &mut |r: TraceRow<'_>| {
            rows.push((
                r.line,
                r.arrival_ms,
                r.run_ms,
                r.cpu,
                r.memory,
                r.gpu,
                r.group.map(str::to_string),
            ));
            Ok(())
        })?;
        Ok((rows, notes))
    }

    fn ecsim(text: &str) -> Result<Vec<Seen>, RowError> {
        rows_of(|t, s| read_ecsim_csv(t, "t.csv", s), text).map(|(rows, _)| rows)
    }

    #[test]
    fn ecsim_rows_read_in_ecs_units_and_negative_durations_name_the_line() {
        let text = "arrival,duration,cpu,memory,group\n0,60,512,1024,web\n1.5,0.25,256,512,\n";
        assert_eq!(
            ecsim(text).unwrap(),
            vec![
                (2, 0, 60_000, 512, 1024, 0, Some("web".into())),
                (3, 1500, 250, 256, 512, 0, None),
            ]
        );
        let bad = "arrival,duration,cpu,memory\n0,60,512,1024\n5,-3,512,1024\n";
        let e = ecsim(bad).unwrap_err().at("traces[0]");
        assert_eq!(e.field, "traces[0].path");
        assert_eq!(e.message, "t.csv:3: column `duration`: `-3` is negative");
        let e = ecsim("arrival,cpu,memory\n").unwrap_err();
        assert_eq!((e.line, e.column.as_str()), (1, "duration"));
    }

    #[test]
    fn alibaba_pods_map_milli_cores_and_lifetimes() {
        let text = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n\
            p0,1000,2048,1,500,,LS,Running,10,110,12\n\
            p1,12500,0,0,0,,BE,Succeeded,20,30,20\n\
            p2,4000,1024,0,0,,BE,Pending,25,40,\n";
        let (rows, notes) = rows_of(|t, s| read_alibaba_pods(t, "pods.csv", s), text).unwrap();
        // 1000 milli = 1 vCPU = 1024 units; 12.5 vCPU = 12800 units. Run time from
        // scheduling to deletion: 110 − 12 = 98 s. 0 MiB is raised to 6.
        assert_eq!(
            rows,
            vec![
                (2, 10_000, 98_000, 1024, 2048, 1, None),
                (3, 20_000, 10_000, 12_800, 6, 0, None),
            ]
        );
        assert_eq!(notes.rejected.get("never scheduled in the trace"), Some(&1));
        assert_eq!(notes.remarks.len(), 2);
    }

    #[test]
    fn a_pod_deleted_before_it_was_created_is_an_error_even_if_never_scheduled() {
        // Issue 32 item 17: created at 40 s, deleted at 25 s, never scheduled.
        let text = "name,cpu_milli,memory_mib,num_gpu,creation_time,deletion_time,scheduled_time\n\
            p0,1000,2048,0,40,25,\n";
        let e = rows_of(|t, s| read_alibaba_pods(t, "pods.csv", s), text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "pods.csv:2: column `deletion_time`: 25 is before creation_time 40: the pod would end before it begins"
        );
    }

    #[test]
    fn nodes_group_by_shape() {
        let text = "sn,cpu_milli,memory_mib,gpu,model\nn0,32000,262144,0,\nn1,96000,393216,8,G2\nn2,32000,262144,0,\n";
        assert_eq!(
            read_alibaba_nodes(text.as_bytes(), "nodes.csv").unwrap(),
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
