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

/// What `replay.html` embeds as JSON for its viewer (`replay/replay.js` reads these names).
/// Times are simulated milliseconds since time zero, the warm-up included.
#[derive(Serialize, Default)]
pub struct ReplayData {
    /// The scenario's name.
    pub name: String,
    /// The run's seed.
    pub seed: u64,
    /// Where the run ends.
    pub horizon_ms: u64,
    /// Where measurement begins.
    pub warmup_ms: u64,
    /// The cluster's zones, in the scenario's order.
    pub availability_zones: Vec<String>,
    /// Every instance launched, in the order the simulation reported them.
    pub instances: Vec<ReplayInstance>,
    /// Every task, reported when it stopped or at the end; none once the narration passes
    /// [`MAX_EVENTS`].
    pub tasks: Vec<ReplayTask>,
    /// (time ms, line), in the order the simulation said them.
    pub narration: Vec<(u64, String)>,
}

/// One instance's life, as [`InstanceRow`] reports it.
#[derive(Serialize)]
pub struct ReplayInstance {
    /// EC2 instance id.
    pub id: String,
    /// e.g. `m5.large`.
    pub instance_type: String,
    /// The pool that launched it.
    pub pool: String,
    /// Its availability zone.
    pub az: String,
    /// Whether it was a Spot instance.
    pub spot: bool,
    /// CPU it registers, CPU units (1024 to a vCPU).
    pub cpu: u32,
    /// Memory it registers, MiB.
    pub memory: u32,
    /// Launch time, ms.
    pub launched: u64,
    /// When it became ACTIVE, ms; `None` if it never did.
    pub registered: Option<u64>,
    /// When it was terminated or lost, ms; `None` if alive at the end.
    pub terminated: Option<u64>,
}

/// One task's life, as [`TaskRow`] reports it; each time in ms, `None` if never reached.
#[derive(Serialize)]
pub struct ReplayTask {
    /// Unique in the run, in creation order.
    pub id: u64,
    /// The service or job stream that created it.
    pub origin: String,
    /// `service` or `job`.
    pub kind: &'static str,
    /// The task definition family.
    pub task_definition: String,
    /// `EC2` or `FARGATE`.
    pub launch_type: &'static str,
    /// The instance id it was placed on; empty on Fargate or when never placed.
    pub instance: String,
    /// Its zone; empty when never placed.
    pub az: String,
    /// CPU reserved, CPU units.
    pub cpu: u32,
    /// Memory reserved, MiB.
    pub memory: u32,
    /// Arrival, or the service's launch.
    pub created: u64,
    /// Placed on capacity.
    pub placed: Option<u64>,
    /// Image pull began.
    pub pull_started: Option<u64>,
    /// Reached RUNNING.
    pub running: Option<u64>,
    /// Stopped; `None` if alive at the end.
    pub stopped: Option<u64>,
    /// As ECS words it (`EssentialContainerExited`, ...); empty if it did not stop.
    pub stop_reason: &'static str,
}

/// Keeps a [`ReplayData`] while passing everything on to `inner`, which still writes the
/// run's usual files; for `--replay`, `run_dir` puts it in front of the
/// [`FileRecorder`](super::FileRecorder).
pub struct ReplayRecorder<'r, R: Recorder> {
    inner: &'r mut R,
    /// What was kept; complete only when [`fits`](Self::fits) says so.
    pub data: ReplayData,
    /// Narrated events seen, kept or not: the refusal message quotes it.
    pub events_seen: usize,
}

impl<'r, R: Recorder> ReplayRecorder<'r, R> {
    /// A recorder for a run of `config`, forwarding to `inner`.
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
