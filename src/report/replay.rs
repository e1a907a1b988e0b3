//! A recorder that keeps what the replay viewer draws: every task's and instance's life
//! and the narration, in front of another recorder that still writes the usual files.
//! Teaching-size runs only: past `MAX_EVENTS` narrated events it stops keeping and the
//! caller refuses to write the page.

use crate::metrics::{InstanceRow, Recorder, SampleRow, TaskRow};
use crate::time::SimTime;
use serde::Serialize;

/// Narration lines (roughly events) a replay page holds; beyond this a browser crawls and
/// a class cannot follow anyway.
pub const MAX_EVENTS: usize = 20_000;
/// Instances a replay draws legibly.
pub const MAX_INSTANCES: usize = 60;

#[derive(Serialize, Default)]
pub struct ReplayData {
    pub name: String,
    pub seed: u64,
    pub horizon_ms: u64,
    pub warmup_ms: u64,
    pub availability_zones: Vec<String>,
    pub instances: Vec<ReplayInstance>,
    pub tasks: Vec<ReplayTask>,
    /// (time ms, line), in the order the simulation said them.
    pub narration: Vec<(u64, String)>,
}

#[derive(Serialize)]
pub struct ReplayInstance {
    pub id: String,
    pub instance_type: String,
    pub pool: String,
    pub az: String,
    pub spot: bool,
    pub cpu: u32,
    pub memory: u32,
    pub launched: u64,
    pub registered: Option<u64>,
    pub terminated: Option<u64>,
}

#[derive(Serialize)]
pub struct ReplayTask {
    pub id: u64,
    pub origin: String,
    pub kind: &'static str,
    pub task_definition: String,
    pub launch_type: &'static str,
    pub instance: String,
    pub az: String,
    pub cpu: u32,
    pub memory: u32,
    pub created: u64,
    pub placed: Option<u64>,
    pub pull_started: Option<u64>,
    pub running: Option<u64>,
    pub stopped: Option<u64>,
    pub stop_reason: &'static str,
}

pub struct ReplayRecorder<'r, R: Recorder> {
    inner: &'r mut R,
    pub data: ReplayData,
    /// Narrated events seen, kept or not: the refusal message quotes it.
    pub events_seen: usize,
}

impl<'r, R: Recorder> ReplayRecorder<'r, R> {
    pub fn new(inner: &'r mut R, config: &crate::model::SimConfig) -> Self {
        ReplayRecorder {
            inner,
            data: ReplayData {
                name: config.name.clone(),
                seed: config.seed,
                horizon_ms: config.horizon.0,
                warmup_ms: config.warmup.0,
                availability_zones: config.availability_zones.clone(),
                ..ReplayData::default()
            },
            events_seen: 0,
        }
    }

    /// Whether the run was small enough to replay.
    pub fn fits(&self) -> bool {
        self.events_seen <= MAX_EVENTS && self.data.instances.len() <= MAX_INSTANCES
    }
}

/// Refuses, before anything is simulated, a run that starts with more instances than the
/// page draws: simulating a 5,000-instance run took a minute of CPU only to be refused at
/// its end. Instances launched later (managed scaling, replacements) show only while the
/// run goes, so [`ReplayRecorder::fits`] still decides after it.
pub fn refuse_before_running(config: &crate::model::SimConfig) -> Result<(), String> {
    let at_start: u64 = config.pools.iter().map(|p| u64::from(p.count)).sum();
    if at_start as usize <= MAX_INSTANCES {
        return Ok(());
    }
    let counts: Vec<String> = config
        .pools
        .iter()
        .enumerate()
        .filter(|(_, p)| p.count > 0)
        .map(|(i, p)| format!("cluster.pools[{i}].count = {}", p.count))
        .collect();
    Err(format!(
        "--replay is for teaching-size runs: this one has {at_start} instances at the start ({}), and the page draws at most {MAX_INSTANCES}; lower the pools' counts (e.g. with --set) or drop --replay; nothing was simulated",
        counts.join(", ")
    ))
}

fn ms(t: Option<SimTime>) -> Option<u64> {
    t.map(|t| t.0)
}

impl<R: Recorder> Recorder for ReplayRecorder<'_, R> {
    fn failure(&self) -> Option<String> {
        self.inner.failure()
    }

    fn task(&mut self, row: &TaskRow<'_>) {
        self.inner.task(row);
        if self.events_seen > MAX_EVENTS {
            return;
        }
        self.data.tasks.push(ReplayTask {
            id: row.task_id,
            origin: row.origin.to_string(),
            kind: row.origin_kind,
            task_definition: row.task_definition.to_string(),
            launch_type: row.launch_type.as_str(),
            instance: row.instance.to_string(),
            az: row.availability_zone.to_string(),
            cpu: row.cpu,
            memory: row.memory,
            created: row.created.0,
            placed: ms(row.placed),
            pull_started: ms(row.pull_started),
            running: ms(row.running),
            stopped: ms(row.stopped),
            stop_reason: row.stop_reason,
        });
    }

    fn sample(&mut self, row: &SampleRow<'_>) {
        self.inner.sample(row);
    }

    fn instance(&mut self, row: &InstanceRow<'_>) {
        self.inner.instance(row);
        self.data.instances.push(ReplayInstance {
            id: row.instance.to_string(),
            instance_type: row.instance_type.to_string(),
            pool: row.pool.to_string(),
            az: row.availability_zone.to_string(),
            spot: row.spot,
            cpu: row.cpu,
            memory: row.memory,
            launched: row.launched.0,
            registered: ms(row.registered),
            terminated: ms(row.terminated),
        });
    }

    fn tracing(&self) -> bool {
        true
    }

    fn trace_detail(&self) -> bool {
        self.inner.trace_detail()
    }

    fn trace(&mut self, at: SimTime, line: &str) {
        if self.inner.tracing() {
            self.inner.trace(at, line);
        }
        // Continuation lines belong to the event above them.
        if !line.starts_with("  ") {
            self.events_seen += 1;
        }
        if self.events_seen <= MAX_EVENTS {
            self.data.narration.push((at.0, line.to_string()));
        }
    }
}
