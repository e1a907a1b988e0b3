//! A recorder that keeps what the replay viewer draws: every task's and instance's life
//! and the narration, in front of another recorder that still writes the usual files.
//! Teaching-size runs only: past `MAX_EVENTS` narrated events it stops keeping and the
//! caller refuses to write the page.

use crate::metrics::{InstanceRow, Recorder, SampleRow, TaskRow, TrafficRow};
use crate::scaling::target_tracking::TrackedMetric;
use crate::time::SimTime;
use serde::Serialize;

/// Narration lines (roughly events) a replay page holds; beyond this a browser crawls and
/// a class cannot follow anyway.
pub const MAX_EVENTS: usize = 20_000;
/// Instances a replay draws legibly.
pub const MAX_INSTANCES: usize = 60;
/// Metric values (samples × series) a page embeds; a teaching run has a few thousand.
pub const MAX_METRIC_VALUES: usize = 400_000;

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
    /// The scenario's `[lesson]` text, when it has one (`run_dir` fills it in).
    pub lesson: Option<crate::scenario::file::LessonFile>,
    /// The sample instants the metric values belong to, ms.
    pub sample_ms: Vec<u64>,
    /// The metrics strip: each series' value at every sample instant.
    pub metrics: Vec<ReplayMetric>,
    /// Every move of a staged deployment's production traffic, in time order.
    pub traffic: Vec<ReplayTraffic>,
}

/// One series of the metrics strip; series sharing a `panel` are drawn together.
#[derive(Serialize)]
pub struct ReplayMetric {
    /// The panel's title, e.g. `asg: CapacityProviderReservation (%)`.
    pub panel: String,
    /// This series' name within the panel, e.g. `desired`.
    pub label: &'static str,
    /// The value the policy steers toward, drawn as a dashed line.
    pub target: Option<f64>,
    /// At each of [`ReplayData::sample_ms`]; `None` where the simulator had no value yet.
    pub values: Vec<Option<f64>>,
    #[serde(skip)]
    source: MetricSource,
}

/// Where a series' values come from in a [`SampleRow`].
#[derive(Clone, Copy)]
enum MetricSource {
    Reservation(usize),
    GroupDesired(usize),
    GroupInService(usize),
    Cpu(usize),
    Desired(usize),
    Running(usize),
}

impl MetricSource {
    fn read(self, row: &SampleRow<'_>) -> Option<f64> {
        match self {
            MetricSource::Reservation(k) => row.providers.get(k)?.reservation,
            MetricSource::GroupDesired(k) => Some(f64::from(row.providers.get(k)?.desired)),
            MetricSource::GroupInService(k) => Some(f64::from(row.providers.get(k)?.in_service)),
            MetricSource::Cpu(i) => row.scaling.get(i)?.cpu_utilization,
            MetricSource::Desired(i) => Some(f64::from(row.services.get(i)?.desired)),
            MetricSource::Running(i) => Some(f64::from(row.services.get(i)?.running)),
        }
    }
}

/// A staged deployment's traffic move, as [`TrafficRow`] reports it.
#[derive(Serialize)]
pub struct ReplayTraffic {
    /// When, ms.
    pub t: u64,
    /// The service.
    pub service: String,
    /// The revision traffic leaves.
    pub blue: String,
    /// The revision traffic moves to.
    pub green: String,
    /// Green's share, percent.
    pub green_percent: f64,
}

/// The strip's series for `config`: per managed-scaling pool its reservation against the
/// target and the group's size; per service its CPU against a CPU target (when it has a
/// load) and its desired and running counts.
fn metric_series(config: &crate::model::SimConfig) -> Vec<ReplayMetric> {
    let series = |panel: &str, label, target, source| ReplayMetric {
        panel: panel.to_string(),
        label,
        target,
        values: Vec::new(),
        source,
    };
    let mut out = Vec::new();
    let managed = config
        .pools
        .iter()
        .filter_map(|p| Some((p, p.managed_scaling.as_ref()?)));
    for (k, (pool, spec)) in managed.enumerate() {
        let target = Some(f64::from(spec.config.target_capacity));
        let panel = format!("{}: CapacityProviderReservation (%)", pool.name);
        out.push(series(
            &panel,
            "reservation",
            target,
            MetricSource::Reservation(k),
        ));
        let panel = format!("{}: group size (instances)", pool.name);
        out.push(series(
            &panel,
            "desired",
            None,
            MetricSource::GroupDesired(k),
        ));
        out.push(series(
            &panel,
            "in service",
            None,
            MetricSource::GroupInService(k),
        ));
    }
    for (i, s) in config.services.iter().enumerate() {
        if s.scaling.is_active() {
            let target = s.scaling.auto_scaling.as_ref().and_then(|a| {
                a.target_tracking
                    .iter()
                    .find(|p| {
                        matches!(
                            p.metric,
                            TrackedMetric::Cpu | TrackedMetric::CpuHighResolution
                        )
                    })
                    .map(|p| p.target)
            });
            let panel = format!("{}: CPU utilization (%)", s.name);
            out.push(series(&panel, "CPU", target, MetricSource::Cpu(i)));
        }
        let panel = format!("{}: tasks", s.name);
        out.push(series(&panel, "desired", None, MetricSource::Desired(i)));
        out.push(series(&panel, "running", None, MetricSource::Running(i)));
    }
    out
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
    /// More samples came than the page's metric limit holds.
    metrics_overflow: bool,
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
                metrics: metric_series(config),
                ..ReplayData::default()
            },
            events_seen: 0,
            metrics_overflow: false,
        }
    }

    /// Whether the run was small enough to replay.
    pub fn fits(&self) -> bool {
        self.events_seen <= MAX_EVENTS
            && self.data.instances.len() <= MAX_INSTANCES
            && !self.metrics_overflow
    }

    /// Metric values the page would embed.
    pub fn metric_values(&self) -> usize {
        self.data.sample_ms.len() * self.data.metrics.len()
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
        "--replay is for teaching-size runs: this one has {at_start} instances at the start ({}), and the page draws at most {MAX_INSTANCES}; narrow it to fewer instances (e.g. --set cluster.pools[0].count=…) or drop --replay for the summary and CSVs; nothing was simulated",
        counts.join(", ")
    ))
}

/// Refuses, before anything is simulated, a run whose expected work is far beyond what the
/// page holds. The estimate (`ecsim validate`'s "expected work") is rough, within about
/// twice the narration on the shipped scenarios, so only a run expected at
/// [`EARLY_REFUSAL_FACTOR`] times the page's events is refused here; one nearer the limit
/// runs, and is refused after with every other file written. The message names a horizon
/// that would fit.
pub fn refuse_expected_work(
    config: &crate::model::SimConfig,
    expected_events: f64,
) -> Result<(), String> {
    let limit = MAX_EVENTS as f64;
    if expected_events <= EARLY_REFUSAL_FACTOR * limit {
        return Ok(());
    }
    let hours = config.horizon.as_secs_f64() / 3600.0;
    let fits_hours = (hours * limit / expected_events).floor().max(1.0);
    Err(format!(
        "--replay is for teaching-size runs: this one is expected to narrate about {} events over its {} h, and the page holds at most {MAX_EVENTS}; narrow it in time (e.g. --set horizon={fits_hours}h) or drop --replay for the summary and CSVs; nothing was simulated",
        crate::scenario::amount(expected_events),
        crate::scenario::amount(hours),
    ))
}

/// How far past the page's event limit a run's expected work must be to be refused before
/// it runs (see [`refuse_expected_work`]).
pub const EARLY_REFUSAL_FACTOR: f64 = 4.0;

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
        // Past the limit the page is refused anyway: stop storing.
        if self.metrics_overflow || self.metric_values() >= MAX_METRIC_VALUES {
            self.metrics_overflow = true;
            return;
        }
        self.data.sample_ms.push(row.time.0);
        for m in &mut self.data.metrics {
            m.values.push(m.source.read(row));
        }
    }

    fn traffic(&mut self, row: &TrafficRow<'_>) {
        self.inner.traffic(row);
        if self.events_seen > MAX_EVENTS {
            return;
        }
        self.data.traffic.push(ReplayTraffic {
            t: row.time.0,
            service: row.service.to_string(),
            blue: row.blue.to_string(),
            green: row.green.to_string(),
            green_percent: row.green_percent,
        });
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
