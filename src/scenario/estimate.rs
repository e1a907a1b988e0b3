//! How much work a scenario asks for, estimated before it runs: tasks created, events,
//! timeseries samples and output bytes. Expected values from the scenario's own rates and
//! means; the point is the order of magnitude, to refuse a typo (`rate_per_hour = 1e12`,
//! `sample_interval = "1ms"`) before it fills a disk or memory rather than after.

use crate::model::SimConfig;
use crate::workload::ArrivalProcess;
use std::fmt;

/// The largest work a run may ask for without `--allow-large`. Each is about what a
/// laptop finishes in minutes and stores without thinking about it: 20 M tasks is ~3 GB
/// of `tasks.csv` rows in memory-friendly streaming; 2 G events is ~8 minutes at 4 M
/// events/s; 5 M samples is ten years at one-minute samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SizeLimits {
    /// Tasks created over the run.
    pub tasks: f64,
    /// Simulation events processed.
    pub events: f64,
    /// Timeseries rows written.
    pub samples: f64,
    /// Bytes of output files written.
    pub output_bytes: f64,
}

impl Default for SizeLimits {
    fn default() -> Self {
        SizeLimits {
            tasks: 20e6,
            events: 2e9,
            samples: 5e6,
            output_bytes: 4e9,
        }
    }
}

/// Expected work of one run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorkEstimate {
    /// Tasks the run is expected to create.
    pub tasks: f64,
    /// Events the run is expected to process.
    pub events: f64,
    /// Timeseries rows the run is expected to write.
    pub samples: f64,
    /// Bytes of output the run is expected to write.
    pub output_bytes: f64,
}

/// The per-run files a command writes: only theirs count toward the output limit.
/// `ecsim run` writes both (no `tasks.csv` with `--tasks none`); sweeps and comparisons
/// keep only each run's summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunFiles {
    /// Whether `tasks.csv` is written.
    pub tasks_csv: bool,
    /// Whether `timeseries.csv` is written.
    pub timeseries_csv: bool,
}

impl RunFiles {
    /// `ecsim run`'s files: `tasks.csv` and `timeseries.csv`.
    pub const ALL: RunFiles = RunFiles {
        tasks_csv: true,
        timeseries_csv: true,
    };
    /// Sweeps' and comparisons' runs: each run's summary only.
    pub const SUMMARY_ONLY: RunFiles = RunFiles {
        tasks_csv: false,
        timeseries_csv: false,
    };
}

/// Bytes of one `tasks.csv` row with typical ids, names and times.
const TASK_ROW_BYTES: f64 = 160.0;
/// Events a task costs on average: placement or arrival, RUNNING, exit, a retry or two.
const EVENTS_PER_TASK: f64 = 4.0;

/// The expected work of one run of `c` that writes `files`.
pub fn estimate(c: &SimConfig, files: RunFiles) -> WorkEstimate {
    let horizon_s = c.horizon.as_secs_f64();
    let samples = (c.horizon.0 / c.sample_interval.0.max(1)) as f64 + 1.0;
    let mut tasks = 0.0;
    for j in &c.jobs {
        let arrivals = match &j.arrival {
            ArrivalProcess::Poisson { rate_per_s } => rate_per_s * horizon_s,
            ArrivalProcess::DailyCycle {
                mean_rate_per_s, ..
            } => mean_rate_per_s * horizon_s,
            ArrivalProcess::FixedInterval { interval, start } => {
                (horizon_s - start.as_secs_f64()).max(0.0) / interval.as_secs_f64().max(1e-3)
            }
            ArrivalProcess::Trace(rows) => {
                let end = c.horizon.0;
                rows.iter().filter(|r| r.at.0 <= end).count() as f64
            }
            ArrivalProcess::Scheduled {
                times,
                count,
                every,
            } => {
                let periods = every.map_or(1.0, |e| (horizon_s / e.as_secs_f64().max(1e-3)).ceil());
                times.len() as f64 * f64::from(*count) * periods
            }
        };
        tasks += arrivals;
    }
    let mut instance_events = 0.0;
    let mut instances = 0.0;
    for p in &c.pools {
        let count = f64::from(
            p.managed_scaling
                .as_ref()
                .map_or(p.count, |m| m.max_size.max(p.count)),
        );
        instances += count;
        for life in [&p.instance_failure, &p.spot_interruption]
            .into_iter()
            .flatten()
        {
            instance_events += count * horizon_s / life.mean_s().max(1e-3);
        }
    }
    for s in &c.services {
        let peak = match &s.scaling.auto_scaling {
            Some(a) => f64::from(a.max.max(s.desired_count)),
            None if s.daemon => instances,
            None => f64::from(s.desired_count),
        };
        let mut lives = 1.0;
        if let Some(crash) = &s.crash_after {
            lives += horizon_s / crash.mean_s().max(1e-3);
        }
        tasks += peak * (lives + s.deployments.len() as f64);
    }
    let scaling_ticks = if c.services.iter().any(|s| s.scaling.is_active())
        || c.pools.iter().any(|p| p.managed_scaling.is_some())
    {
        // A service with 20-second metrics makes every tick 20 s apart.
        let fast = c.services.iter().any(|s| s.scaling.high_resolution_metrics);
        horizon_s / if fast { 20.0 } else { 60.0 }
    } else {
        0.0
    };
    let columns = 7.0 + 4.0 * c.services.len() as f64 + 4.0 * c.pools.len() as f64;
    let written = |wanted: bool, bytes: f64| if wanted { bytes } else { 0.0 };
    WorkEstimate {
        tasks,
        events: tasks * EVENTS_PER_TASK + samples + scaling_ticks + instance_events,
        samples,
        output_bytes: written(files.tasks_csv, tasks * TASK_ROW_BYTES)
            + written(files.timeseries_csv, samples * columns * 9.0),
    }
}

impl WorkEstimate {
    /// Why this run is beyond `limits`, naming the estimate and the limit; None if within.
    pub fn exceeds(&self, limits: &SizeLimits) -> Option<String> {
        let checks = [
            (
                self.tasks,
                limits.tasks,
                "tasks",
                "lower the arrival rates, counts or horizon",
            ),
            (self.events, limits.events, "events", "shorten the horizon"),
            (
                self.samples,
                limits.samples,
                "timeseries samples",
                "lengthen sample_interval or shorten the horizon",
            ),
            (
                self.output_bytes,
                limits.output_bytes,
                "bytes of output",
                "shorten the horizon or lengthen sample_interval",
            ),
        ];
        let over: Vec<String> = checks
            .iter()
            .filter(|(value, limit, ..)| value.is_nan() || value > limit)
            .map(|(value, limit, what, fix)| {
                format!(
                    "it would create about {} {what} (limit {}; {fix})",
                    amount(*value),
                    amount(*limit)
                )
            })
            .collect();
        (!over.is_empty()).then(|| over.join("; "))
    }
}

impl fmt::Display for WorkEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "about {} tasks, {} events, {} samples, {}B of output",
            amount(self.tasks),
            amount(self.events),
            amount(self.samples),
            amount(self.output_bytes)
        )
    }
}

/// 1234 → "1234", 5.2e6 → "5.2 M", 3e12 → "3e12": short, and never a 309-digit number.
pub fn amount(x: f64) -> String {
    if !x.is_finite() {
        return "unbounded".into();
    }
    match x.abs() {
        v if v < 1e4 => format!("{}", x.round()),
        v if v < 1e6 => format!("{:.0} k", x / 1e3),
        v if v < 1e9 => format!("{:.1} M", x / 1e6),
        v if v < 1e12 => format!("{:.1} G", x / 1e9),
        _ => format!("{x:.1e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> SimConfig {
        crate::scenario::load_str(text, std::path::Path::new("t.toml"), &[])
            .unwrap()
            .config
    }

    const JOB: &str = r#"
[[taskDefinitions]]
family = "j"
cpu = 256
memory = 512
[[cluster.pools]]
name = "p"
instance_type = "m5.large"
count = 1
[[jobs]]
name = "j"
taskDefinition = "j"
duration = { type = "constant", value = 60 }
"#;

    #[test]
    fn a_poisson_stream_costs_rate_times_horizon_tasks() {
        // 3600 per hour for 2 hours: 7200 tasks; 1-minute samples over 2 h: 121.
        let c = config(&format!(
            "horizon = \"2h\"\n{JOB}arrival = {{ type = \"poisson\", rate_per_hour = 3600 }}\n"
        ));
        let e = estimate(&c, RunFiles::ALL);
        assert_eq!(e.tasks, 7200.0);
        assert_eq!(e.samples, 121.0);
        assert!(e.exceeds(&SizeLimits::default()).is_none());
    }

    #[test]
    fn a_runaway_rate_or_sample_interval_is_refused_with_the_estimate() {
        let c = config(&format!(
            "horizon = \"1h\"\n{JOB}arrival = {{ type = \"poisson\", rate_per_hour = 1e12 }}\n"
        ));
        let why = estimate(&c, RunFiles::ALL)
            .exceeds(&SizeLimits::default())
            .unwrap();
        assert!(why.contains("about 1.0e12 tasks"), "{why}");
        // One day at 1 ms: 86.4 M samples, beyond the 5 M limit.
        let c = config(&format!(
            "horizon = \"1d\"\nsample_interval = \"1ms\"\n{JOB}arrival = {{ type = \"fixed_interval\", interval = 3600 }}\n"
        ));
        let why = estimate(&c, RunFiles::ALL)
            .exceeds(&SizeLimits::default())
            .unwrap();
        assert!(why.contains("86.4 M timeseries samples"), "{why}");
    }

    #[test]
    fn output_bytes_count_only_the_files_written() {
        // 7200 tasks × 160 B = 1,152,000 B of tasks.csv; 121 samples × (7 + 4 × 1 pool)
        // columns × 9 B = 11,979 B of timeseries.csv.
        let c = config(&format!(
            "horizon = \"2h\"\n{JOB}arrival = {{ type = \"poisson\", rate_per_hour = 3600 }}\n"
        ));
        let bytes = |files| estimate(&c, files).output_bytes;
        assert_eq!(bytes(RunFiles::ALL), 1_163_979.0);
        let no_tasks = RunFiles {
            tasks_csv: false,
            timeseries_csv: true,
        };
        assert_eq!(bytes(no_tasks), 11_979.0);
        assert_eq!(bytes(RunFiles::SUMMARY_ONLY), 0.0);
    }

    /// 50 days at 1-second samples (4,320,001 samples, under 5 M), 4 pools (23 columns:
    /// 207 B a sample, 894,240,207 B), 16,500 jobs an hour (19.8 M tasks, under 20 M;
    /// 3,168,000,000 B of rows): 4.06 GB in all, over 4 GB only with tasks.csv.
    fn over_only_with_task_rows() -> String {
        let pools: String = ["b", "c", "d"]
            .iter()
            .map(|n| {
                format!(
                    "[[cluster.pools]]\nname = \"{n}\"\ninstance_type = \"m5.large\"\ncount = 1\n"
                )
            })
            .collect();
        format!(
            "horizon = \"50d\"\nsample_interval = \"1s\"\n{JOB}arrival = {{ type = \"poisson\", rate_per_hour = 16500 }}\n{pools}"
        )
    }

    #[test]
    fn tasks_none_is_not_refused_for_the_rows_it_does_not_write() {
        let c = config(&over_only_with_task_rows());
        let limits = SizeLimits::default();
        let why = estimate(&c, RunFiles::ALL).exceeds(&limits).unwrap();
        assert_eq!(
            why,
            "it would create about 4.1 G bytes of output (limit 4.0 G; shorten the horizon or lengthen sample_interval)"
        );
        let no_tasks = RunFiles {
            tasks_csv: false,
            timeseries_csv: true,
        };
        assert_eq!(estimate(&c, no_tasks).exceeds(&limits), None);
        assert_eq!(estimate(&c, RunFiles::SUMMARY_ONLY).exceeds(&limits), None);
    }
}
