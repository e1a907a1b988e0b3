//! `tasks.csv`, read in one pass into what the report draws from it, so memory stays the
//! same whatever the file's length (a 19-million-task run's tasks.csv once took 2.5 GB as a
//! table of rows). Counts, flags, the stop times that mark events and the Fargate spend per
//! capacity provider are exact; the pending times and the placed EC2 tasks are kept whole
//! up to [`SAMPLE`] rows each and thinned to that many beyond, evenly by a hash of the row
//! number, so the same file always gives the same sample.

use super::LoadError;
use super::figure::figure;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Rows a sample keeps whole; beyond this it keeps this many.
pub const SAMPLE: usize = 200_000;
/// Distinct names (services, job streams, instances, capacity providers, stop reasons) a
/// tasks.csv may hold: far more than a run has, few enough to index.
pub const MAX_NAMES: usize = 1_000_000;
/// Fargate capacity providers the cost chart splits spend by: ECS has two (FARGATE and
/// FARGATE_SPOT); each costs a column of the timeseries in memory.
const MAX_FARGATE_PROVIDERS: usize = 16;
/// Stop times kept exactly per (reason, owner kind); beyond, they are kept to 1/65,536 of the
/// run, still finer than a chart's 800 marks.
const EXACT_MARKS: usize = 65_536;

/// A task created after the warm-up that waited and then ran: its origin and pending time.
#[derive(Clone, Copy, Debug)]
pub struct Wait {
    /// The service or job stream, as a name index ([`Tasks::name`]).
    pub origin: u32,
    /// Seconds from creation to RUNNING.
    pub pending_s: f64,
}

/// A service task that replaced one lost unexpectedly and reached RUNNING after the
/// warm-up: the loss's cause and how long the restart took.
#[derive(Clone, Copy, Debug)]
pub struct Restart {
    /// The cause (`crash`, `spot`, ...), as a name index ([`Tasks::name`]).
    pub cause: u32,
    /// Seconds from the loss to this task's RUNNING.
    pub latency_s: f64,
}

/// An EC2 task that was placed on an instance.
#[derive(Clone, Copy, Debug)]
pub struct Placed {
    /// The instance, as a name index ([`Tasks::name`]).
    pub instance: u32,
    /// The service or job stream, as a name index.
    pub origin: u32,
    /// CPU units reserved (1024 to a vCPU).
    pub cpu: u32,
    /// Seconds since time zero (the warm-up included).
    pub placed_s: f64,
    /// Seconds since time zero; `None` while still running at the end.
    pub stopped_s: Option<f64>,
}

/// Every item offered, or an even subset of `SAMPLE` (200,000) of them chosen by a hash of the
/// order they came in; in that order either way.
pub struct Sample<T> {
    seen: u64,
    /// (hash of the arrival number, arrival number, item).
    kept: Vec<(u64, u64, T)>,
    thinned: bool,
}

impl<T> Default for Sample<T> {
    fn default() -> Self {
        Sample {
            seen: 0,
            kept: Vec::new(),
            thinned: false,
        }
    }
}

/// SplitMix64's finalizer: a bijection of u64 that scatters consecutive numbers.
fn scatter(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl<T> Sample<T> {
    fn offer(&mut self, item: T) {
        self.kept.push((scatter(self.seen), self.seen, item));
        self.seen += 1;
        // Trimming at twice the size keeps the cost per item constant.
        if self.kept.len() >= 2 * SAMPLE {
            self.trim();
        }
    }

    fn trim(&mut self) {
        if self.kept.len() > SAMPLE {
            self.kept.select_nth_unstable_by_key(SAMPLE, |k| k.0);
            self.kept.truncate(SAMPLE);
            self.thinned = true;
        }
    }

    fn finish(&mut self) {
        self.trim();
        if self.thinned {
            self.kept.sort_unstable_by_key(|k| k.1);
        }
    }

    /// Items offered.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// Whether only a subset was kept.
    pub fn thinned(&self) -> bool {
        self.thinned
    }

    /// Items kept: all of them, or `SAMPLE` (200,000) once thinned.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// True when nothing was offered.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// The kept items in the order they were offered.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.kept.iter().map(|k| &k.2)
    }
}

/// Distinct times, exact up to `EXACT_MARKS` (65,536), then on a grid of 1/65,536 of the run.
#[derive(Default)]
pub struct Marks {
    exact: Vec<f64>,
    /// Grid step in seconds and the grid points taken.
    grid: Option<(f64, BTreeSet<u64>)>,
}

impl Marks {
    fn add(&mut self, t: f64, horizon_s: f64) {
        match &mut self.grid {
            Some((step, points)) => {
                points.insert((t / *step).round() as u64);
            }
            None => {
                self.exact.push(t);
                if self.exact.len() > EXACT_MARKS {
                    let step = (horizon_s / EXACT_MARKS as f64).max(1e-3);
                    let points = self
                        .exact
                        .drain(..)
                        .map(|t| (t / step).round() as u64)
                        .collect();
                    self.grid = Some((step, points));
                }
            }
        }
    }

    /// The marks in seconds: in file order while exact, ascending once on the grid.
    pub fn times(&self) -> Vec<f64> {
        match &self.grid {
            Some((step, points)) => points.iter().map(|&p| p as f64 * step).collect(),
            None => self.exact.clone(),
        }
    }
}

/// Distinct names in the order first seen, with a look-up per name instead of a search.
#[derive(Default)]
pub struct FirstSeen {
    list: Vec<u32>,
    /// Each name's place in `list`, or `u32::MAX`.
    at: Vec<u32>,
}

impl FirstSeen {
    /// The name's place in the list, added at the end if new.
    fn add(&mut self, name: u32) -> usize {
        let i = name as usize;
        if self.at.len() <= i {
            self.at.resize(i + 1, u32::MAX);
        }
        if self.at[i] == u32::MAX {
            self.at[i] = self.list.len() as u32;
            self.list.push(name);
        }
        self.at[i] as usize
    }

    /// The name indexes, first seen first.
    pub fn list(&self) -> &[u32] {
        &self.list
    }

    /// The name's place in the list, if it is there.
    pub fn position(&self, name: u32) -> Option<usize> {
        match self.at.get(name as usize) {
            Some(&at) if at != u32::MAX => Some(at as usize),
            _ => None,
        }
    }
}

/// Columns of the placement heat map: the run cut into this many equal spans.
pub const HEAT_COLUMNS: usize = 120;
/// Instances whose reserved CPU is kept per heat-map column (960 bytes each): beyond, the
/// heat map is left out rather than let memory grow with the file.
pub const MAX_HEAT_INSTANCES: usize = 100_000;

/// Tasks that stopped for one reason, service tasks or job tasks apart.
pub struct Stops {
    /// The stop reason, as a name index ([`Tasks::name`]).
    pub reason: u32,
    /// Service tasks when true, job tasks when false.
    pub service: bool,
    /// When they stopped, seconds since time zero.
    pub at: Marks,
}

/// What the report needs of `tasks.csv`.
#[derive(Default)]
pub struct Tasks {
    /// Rows in the file.
    pub count: u64,
    names: Vec<String>,
    index: HashMap<String, u32>,
    /// Whether any row is a job's task.
    pub any_job: bool,
    /// Whether any task ran on Fargate.
    pub any_fargate: bool,
    /// Whether any Fargate task has a cost.
    pub any_fargate_cost: bool,
    /// Capacity providers named by any task, first seen first.
    pub providers: FirstSeen,
    /// Stopped tasks' stop times by reason and owner kind, first seen first.
    pub stops: Vec<Stops>,
    /// Where each (reason, service task) is in `stops`.
    stops_at: HashMap<(u32, bool), usize>,
    /// Pending times of tasks created after the warm-up that reached RUNNING.
    pub waits: Sample<Wait>,
    /// The longest of those waits, seconds (0 if none), exact even when `waits` is thinned.
    pub wait_max: f64,
    /// The shortest of those waits above zero, seconds; infinite if none. With `wait_max`
    /// it decides whether the pending-time chart needs a log axis.
    pub wait_min_positive: f64,
    /// Restart latencies of replacements that reached RUNNING after the warm-up (the ones
    /// the summary's `restart_latency_s` counts); empty for a tasks.csv written before the
    /// `restart_latency_s` column.
    pub restarts: Sample<Restart>,
    /// EC2 tasks placed on an instance, for the placement chart.
    pub placed: Sample<Placed>,
    /// Instances that placed EC2 tasks ran on, first seen first.
    pub placed_instances: FirstSeen,
    /// Per placed instance (in `placed_instances` order) and heat-map column, the vCPU
    /// its tasks reserved, averaged over the column; `None` past [`MAX_HEAT_INSTANCES`].
    pub heat: Option<Vec<[f64; HEAT_COLUMNS]>>,
    /// Fargate spend by capacity provider at each timeseries sample: each task's cost
    /// spread evenly from placement (or the warm-up) to its stop (or the end), since
    /// tasks.csv holds each task's total only.
    pub fargate_spend: Vec<(u32, Vec<f64>)>,
    /// The split cost (`split_cost_usd`: what tasks held, Fargate bills included) by
    /// service or job at each timeseries sample, spread the same way: the first
    /// [`COST_BANDS`] origins with a cost each, the rest under [`OTHER_ORIGINS`]. Empty for a
    /// tasks.csv without the column.
    pub origin_spend: Vec<(u32, Vec<f64>)>,
}

/// Services and jobs the cost-by-service chart draws a band for; the rest share one.
pub const COST_BANDS: usize = 8;
/// The key of the band the services and jobs past [`COST_BANDS`] share.
pub const OTHER_ORIGINS: u32 = u32::MAX;

impl Tasks {
    /// The text behind a name index used in this struct's records. Panics on an index not
    /// taken from them.
    pub fn name(&self, index: u32) -> &str {
        &self.names[index as usize]
    }

    /// Whether any stopped task stopped for `reason`.
    pub fn stopped_with(&self, reason: &str) -> bool {
        self.stops.iter().any(|s| self.name(s.reason) == reason)
    }
}

/// Where the run's time frame puts the spend and the marks.
pub struct Frame<'a> {
    pub warmup_s: f64,
    pub horizon_s: f64,
    /// The timeseries' sample times, ascending.
    pub times: &'a [f64],
}

const COLUMNS: [&str; 13] = [
    "origin_kind",
    "origin",
    "launch_type",
    "capacity_provider",
    "instance",
    "cpu",
    "created_s",
    "placed_s",
    "running_s",
    "stopped_s",
    "pending_s",
    "stop_reason",
    "cost_usd",
];

pub fn load(path: &Path, frame: &Frame) -> Result<Tasks, LoadError> {
    let csv_error = |e: csv::Error| match e.kind() {
        csv::ErrorKind::Io(io) => super::io_error(path, io),
        _ => LoadError::bad(path, csv_words(&e)),
    };
    let mut reader = csv::Reader::from_path(path).map_err(csv_error)?;
    let header = reader.headers().map_err(csv_error)?.clone();
    let mut at = [0usize; 13];
    for (slot, name) in at.iter_mut().zip(COLUMNS) {
        *slot = header.iter().position(|h| h == name).ok_or_else(|| {
            LoadError::bad(path, format!("column `{name}` is missing from the header"))
        })?;
    }
    let [
        kind,
        origin,
        launch,
        provider,
        instance,
        cpu,
        created,
        placed,
        running,
        stopped,
        pending,
        reason,
        cost,
    ] = at;
    let mut tasks = Tasks {
        wait_min_positive: f64::INFINITY,
        heat: Some(Vec::new()),
        ..Tasks::default()
    };
    let mut spend = Spend::new(frame.times, MAX_FARGATE_PROVIDERS);
    let mut origin_spend = Spend::new(frame.times, COST_BANDS);
    // Outputs written before issue 39 have no split column, before issue 37 no restart ones.
    let split_at = header.iter().position(|h| h == "split_cost_usd");
    let restart_at = header
        .iter()
        .position(|h| h == "restart_cause")
        .zip(header.iter().position(|h| h == "restart_latency_s"));
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(csv_error)? {
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("");
        let bad = |i: usize, why: String| {
            LoadError::bad(
                path,
                format!("line {line}, column {} (`{}`): {why}", i + 1, &header[i]),
            )
        };
        let number = |i: usize| -> Result<Option<f64>, LoadError> {
            match field(i) {
                "" => Ok(None),
                s => figure(s).map(Some).map_err(|why| bad(i, why)),
            }
        };
        tasks.count += 1;
        let is_service = field(kind) == "service";
        let fargate = field(launch) == "FARGATE";
        let names_full = |i: usize| {
            bad(
                i,
                format!(
                    "more than {MAX_NAMES} distinct names of services, jobs, instances, capacity providers and stop reasons; no run names that many"
                ),
            )
        };
        let origin_id = tasks
            .intern(field(origin))
            .ok_or_else(|| names_full(origin))?;
        let provider_id = tasks
            .intern(field(provider))
            .ok_or_else(|| names_full(provider))?;
        let instance_id = tasks
            .intern(field(instance))
            .ok_or_else(|| names_full(instance))?;
        let reason_id = tasks
            .intern(field(reason))
            .ok_or_else(|| names_full(reason))?;
        let cpu_units: u32 = field(cpu).parse().map_err(|_| {
            bad(
                cpu,
                format!("`{}` is not a whole number of CPU units", field(cpu)),
            )
        })?;
        let created_s = number(created)?.ok_or_else(|| bad(created, "is empty".into()))?;
        let placed_s = number(placed)?;
        let running_s = number(running)?;
        let stopped_s = number(stopped)?;
        let pending_s = number(pending)?;
        let cost_usd = number(cost)?.unwrap_or(0.0);

        tasks.any_job |= !is_service;
        tasks.any_fargate |= fargate;
        tasks.providers.add(provider_id);
        if let Some(t) = stopped_s {
            let next = tasks.stops.len();
            let i = *tasks
                .stops_at
                .entry((reason_id, is_service))
                .or_insert(next);
            if i == next {
                tasks.stops.push(Stops {
                    reason: reason_id,
                    service: is_service,
                    at: Marks::default(),
                });
            }
            tasks.stops[i].at.add(t, frame.horizon_s);
        }
        if let Some(p) = pending_s.filter(|_| created_s >= frame.warmup_s) {
            tasks.waits.offer(Wait {
                origin: origin_id,
                pending_s: p,
            });
            tasks.wait_max = tasks.wait_max.max(p);
            if p > 0.0 {
                tasks.wait_min_positive = tasks.wait_min_positive.min(p);
            }
        }
        if let Some((cause_at, latency_at)) = restart_at
            && let Some(latency_s) = number(latency_at)?
            && running_s.is_some_and(|r| r >= frame.warmup_s)
        {
            let cause = tasks
                .intern(field(cause_at))
                .ok_or_else(|| names_full(cause_at))?;
            tasks.restarts.offer(Restart { cause, latency_s });
        }
        if let Some(placed_s) = placed_s.filter(|_| !fargate && !field(instance).is_empty()) {
            let at = tasks.placed_instances.add(instance_id);
            if let Some(heat) = &mut tasks.heat {
                if at == heat.len() {
                    heat.push([0.0; HEAT_COLUMNS]);
                }
                if heat.len() > MAX_HEAT_INSTANCES {
                    tasks.heat = None;
                } else {
                    let end = stopped_s.unwrap_or(frame.horizon_s).max(placed_s);
                    add_heat(&mut heat[at], placed_s, end, cpu_units, frame.horizon_s);
                }
            }
            tasks.placed.offer(Placed {
                instance: instance_id,
                origin: origin_id,
                cpu: cpu_units,
                placed_s,
                stopped_s,
            });
        }
        if let Some(i) = split_at
            && let Some(split) = number(i)?.filter(|c| *c > 0.0)
        {
            let start = placed_s.unwrap_or(created_s).max(frame.warmup_s);
            let end = stopped_s.unwrap_or(frame.horizon_s).max(start);
            if !origin_spend.add(origin_id, start, end, split) {
                origin_spend.add(OTHER_ORIGINS, start, end, split);
            }
        }
        if fargate && cost_usd > 0.0 {
            tasks.any_fargate_cost = true;
            let start = placed_s.unwrap_or(created_s).max(frame.warmup_s);
            let end = stopped_s.unwrap_or(frame.horizon_s).max(start);
            if !spend.add(provider_id, start, end, cost_usd) {
                return Err(bad(
                    provider,
                    format!(
                        "more than {MAX_FARGATE_PROVIDERS} Fargate capacity providers; ECS has FARGATE and FARGATE_SPOT"
                    ),
                ));
            }
        }
    }
    tasks.waits.finish();
    tasks.restarts.finish();
    tasks.placed.finish();
    tasks.fargate_spend = spend.finish();
    tasks.origin_spend = origin_spend.finish();
    Ok(tasks)
}

impl Tasks {
    /// The index of `name`, added if new; `None` once [`MAX_NAMES`] are taken.
    fn intern(&mut self, name: &str) -> Option<u32> {
        if let Some(&i) = self.index.get(name) {
            return Some(i);
        }
        if self.names.len() >= MAX_NAMES {
            return None;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        Some(i)
    }
}

/// A task's reserved vCPU from `start` to `end` into an instance's heat-map row: each column
/// gets the vCPU times the share of the column the task covers.
fn add_heat(row: &mut [f64; HEAT_COLUMNS], start: f64, end: f64, cpu: u32, horizon_s: f64) {
    let width = horizon_s / HEAT_COLUMNS as f64;
    let vcpu = f64::from(cpu) / 1024.0;
    let first = ((start / width) as usize).min(HEAT_COLUMNS - 1);
    let last = ((end / width) as usize).min(HEAT_COLUMNS - 1);
    for (c, cell) in row.iter_mut().enumerate().take(last + 1).skip(first) {
        let lo = (c as f64 * width).max(start);
        let hi = ((c + 1) as f64 * width).min(end);
        if hi > lo {
            *cell += vcpu * (hi - lo) / width;
        }
    }
}

/// A CSV problem other than reading the file, in the words of the file's shape.
pub(crate) fn csv_words(e: &csv::Error) -> String {
    let line = e
        .position()
        .map_or(String::new(), |p| format!("line {}: ", p.line()));
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{line}{len} cells where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => format!("{line}not UTF-8 text"),
        _ => format!("{line}not a CSV row"),
    }
}

/// Fargate spend per provider on the sample grid. Sample `i` closes the interval
/// (t[i-1], t[i]]; a task spread from `s` to `e` adds, in the interval holding `s`, its
/// rate times the part of the interval after `s`; in each whole interval it covers, its
/// rate times the interval; in the interval holding `e`, the rest. So each sample's value
/// is what the task had spent by then, as a sweep over every task's start and end would
/// give, in memory of two numbers per sample and provider.
struct Spend<'a> {
    times: &'a [f64],
    /// Keys it keeps apart at most.
    limit: usize,
    /// Per provider: rate changes at each interval (one past the end too), and amounts.
    providers: Vec<(u32, Vec<f64>, Vec<f64>)>,
}

impl<'a> Spend<'a> {
    fn new(times: &'a [f64], limit: usize) -> Spend<'a> {
        Spend {
            times,
            limit,
            providers: Vec::new(),
        }
    }

    /// The first sample at or after `t`.
    fn interval(&self, t: f64) -> usize {
        self.times.partition_point(|&x| x < t)
    }

    /// False when this would be one provider too many.
    fn add(&mut self, provider: u32, start: f64, end: f64, cost: f64) -> bool {
        let n = self.times.len();
        let (first, last) = (self.interval(start), self.interval(end));
        let slot = match self.providers.iter().position(|p| p.0 == provider) {
            Some(i) => i,
            // The shared band is always let in: it is where the others go.
            None if self.providers.len() >= self.limit && provider != OTHER_ORIGINS => {
                return false;
            }
            None => {
                self.providers
                    .push((provider, vec![0.0; n + 1], vec![0.0; n]));
                self.providers.len() - 1
            }
        };
        if first >= n {
            return true;
        }
        let (_, rate_change, amount) = &mut self.providers[slot];
        if first == last || end <= start {
            amount[first] += cost;
            return true;
        }
        let rate = cost / (end - start);
        amount[first] += rate * (self.times[first] - start);
        rate_change[first + 1] += rate;
        rate_change[last] -= rate;
        if last < n {
            amount[last] += rate * (end - self.times[last - 1]);
        }
        true
    }

    fn finish(self) -> Vec<(u32, Vec<f64>)> {
        let times = self.times;
        self.providers
            .into_iter()
            .map(|(provider, rate_change, amount)| {
                let (mut total, mut rate) = (0.0, 0.0);
                let series = (0..times.len())
                    .map(|i| {
                        rate += rate_change[i];
                        if i > 0 {
                            total += rate * (times[i] - times[i - 1]);
                        }
                        total += amount[i];
                        total
                    })
                    .collect();
                (provider, series)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spend_is_spread_over_each_tasks_span() {
        let times = [0.0, 10.0, 20.0, 30.0, 40.0];
        let mut s = Spend::new(&times, MAX_FARGATE_PROVIDERS);
        // $10 from 5 s to 25 s is $0.50 a second: by 10 s $2.50, by 20 s $7.50, then $10.
        assert!(s.add(7, 5.0, 25.0, 10.0));
        // $3 at 12 s on the dot (no span): counted from the sample at 20 s.
        assert!(s.add(7, 12.0, 12.0, 3.0));
        // $4 from 30 s to 40 s, on another provider: $0 at 30 s, $4 at 40 s.
        assert!(s.add(9, 30.0, 40.0, 4.0));
        // Starting after the last sample: never counted.
        assert!(s.add(9, 45.0, 50.0, 100.0));
        let out = s.finish();
        assert_eq!(out[0].0, 7);
        assert_eq!(out[0].1, vec![0.0, 2.5, 10.5, 13.0, 13.0]);
        assert_eq!(out[1], (9, vec![0.0, 0.0, 0.0, 0.0, 4.0]));
    }

    #[test]
    fn a_sample_beyond_its_size_is_even_and_repeatable() {
        let mut a = Sample::default();
        let mut b = Sample::default();
        for i in 0..(3 * SAMPLE as u64) {
            a.offer(i);
            b.offer(i);
        }
        a.finish();
        b.finish();
        assert!(a.thinned() && a.len() == SAMPLE && a.seen() == 3 * SAMPLE as u64);
        let kept: Vec<u64> = a.iter().copied().collect();
        assert_eq!(kept, b.iter().copied().collect::<Vec<_>>());
        assert!(kept.windows(2).all(|w| w[0] < w[1]), "in arrival order");
        // A third of each third of the range: 66,667 expected, within 1% here.
        for third in 0..3u64 {
            let lo = third * SAMPLE as u64;
            let n = kept
                .iter()
                .filter(|&&k| (lo..lo + SAMPLE as u64).contains(&k))
                .count();
            assert!((66_000..=67_300).contains(&n), "third {third}: {n}");
        }
        let mut small = Sample::default();
        (0..10u64).for_each(|i| small.offer(i));
        small.finish();
        assert!(!small.thinned());
        assert_eq!(
            small.iter().copied().collect::<Vec<_>>(),
            (0..10).collect::<Vec<_>>()
        );
    }
}
