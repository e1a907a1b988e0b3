//! Predictive scaling and high-resolution metrics (issue 35), end to end on hand-worked
//! cases (`ecs-current.md` §3.3's checks and the issue's tests).
//!
//! The services here run on instant capacity (a task is RUNNING the tick it is launched),
//! task CPU 1024 and memory 2048, so desired counts are read straight off the samples.

use ecsim::metrics::{Recorder, SampleRow, Summary};
use ecsim::scenario::load_str;
use std::path::Path;

#[derive(Clone, Debug, Default)]
struct Sample {
    t_s: u64,
    desired: u32,
    forecast_load: Option<f64>,
    forecast_tasks: Option<u32>,
}

#[derive(Default)]
struct Keep {
    samples: Vec<Sample>,
}

impl Recorder for Keep {
    fn sample(&mut self, r: &SampleRow<'_>) {
        let scaling = r.scaling.first().copied().unwrap_or_default();
        self.samples.push(Sample {
            t_s: r.time.0 / 1000,
            desired: r.services.first().map_or(0, |s| s.desired),
            forecast_load: scaling.forecast_load,
            forecast_tasks: scaling.forecast_tasks,
        });
    }
}

fn run(text: &str) -> (Summary, Keep) {
    let scenario = load_str(text, Path::new("test.toml"), &[]).unwrap_or_else(|e| panic!("{e}"));
    let mut keep = Keep::default();
    let summary = ecsim::sim::run(&scenario.config, &mut keep);
    (summary, keep)
}

fn at(keep: &Keep, t_s: u64) -> &Sample {
    keep.samples
        .iter()
        .find(|s| s.t_s == t_s)
        .unwrap_or_else(|| panic!("no sample at {t_s} s"))
}

/// `h:m` on day `day` (1-based), seconds.
fn clock(day: u64, h: u64, m: u64) -> u64 {
    (day - 1) * 86_400 + h * 3600 + m * 60
}

/// A service of 8 tasks whose CPU demand is 4096 units (8 tasks at 50%) except from 10:00
/// to 11:00 every day, when it is `peak` units; memory demand `memory` (a TOML demand)
/// for a target-tracking policy on memory when `tt` is true; the predictive policy's
/// extra settings in `predictive`.
fn daily(peak: u32, max: u32, predictive: &str, memory: &str, tt: bool) -> String {
    let h = |x: u64| format!("\"{x}h\"");
    let steps = [(0, 4096), (10, peak), (11, 4096), (34, peak), (35, 4096)]
        .iter()
        .map(|(t, v)| format!("{{ at = {}, value = {v} }}", h(*t)))
        .collect::<Vec<_>>()
        .join(", ");
    let tt = if tt {
        "target_tracking = [{ metric = \"memory\", target = 50, scale_in_max_fraction = 1 }]\n"
    } else {
        ""
    };
    format!(
        r#"
horizon = "36h"
sample_interval = "60s"
timing = {{ instant = true }}
[[taskDefinitions]]
family = "api"
cpu = 1024
memory = 2048
networkMode = "awsvpc"
requiresCompatibilities = ["FARGATE"]
[[services]]
name = "api"
taskDefinition = "api"
desiredCount = 8
launchType = "FARGATE"
demand = {{ type = "steps", steps = [{steps}] }}
memory_demand = {memory}
[services.auto_scaling]
min = 1
max = {max}
{tt}[services.auto_scaling.predictive]
metric_specification = {{ target_value = 50, predefined_metric_pair = "ECSServiceCPUUtilization" }}
{predictive}
"#
    )
}

/// Memory at exactly the target on the 8 tasks (8 × 2048 × 50% = 8192 MiB): no alarm.
const QUIET_MEMORY: &str = r#"{ type = "constant", value = 8192 }"#;

#[test]
fn a_forecast_of_12_tasks_sets_desired_from_0955_and_the_largest_count_wins() {
    // ecs-current §3.3 check 1. 10:00–11:00 needs 6144 ÷ (1024 × 50%) = 12 tasks; day 1
    // repeats on day 2, so the default forecaster, forecasting at 24:00 from day 1,
    // predicts day 2's 10:00 hour exactly: 12 tasks, in force from 09:55 (buffer 300 s).
    let scale = "mode = \"ForecastAndScale\"\n";
    let (_, keep) = run(&daily(6144, 100, scale, QUIET_MEMORY, false));
    assert_eq!(
        at(&keep, clock(1, 9, 55)).desired,
        8,
        "no forecast on day 1"
    );
    assert_eq!(at(&keep, clock(2, 9, 54)).desired, 8);
    assert_eq!(at(&keep, clock(2, 9, 55)).desired, 12);
    assert_eq!(at(&keep, clock(2, 10, 0)).forecast_tasks, Some(12));
    assert_eq!(at(&keep, clock(2, 10, 0)).forecast_load, Some(6144.0));
    // Alone it never scales in: 11:00's forecast of 8 leaves 12.
    assert_eq!(at(&keep, clock(2, 11, 30)).desired, 12);

    // Target tracking on memory wanting 9: memory at 9 × 1024 = 9216 MiB from 09:55 is
    // 37.5% on 12 tasks; 15 datapoints below 45% (09:55–10:09) alarm at 10:10, and the
    // proportional count is ceil(12 × 37.5 / 50) = 9. The forecast's 12 is larger: desired
    // stays 12 until 10:55, when 11:00's forecast of 8 is in force and 9 is the largest.
    let memory = r#"{ type = "steps", steps = [{ at = "0s", value = 8192 }, { at = "33h55m", value = 9216 }] }"#;
    let (_, keep) = run(&daily(6144, 100, scale, memory, true));
    for m in 55..60 {
        assert_eq!(at(&keep, clock(2, 9, m)).desired, 12);
    }
    for m in 0..55 {
        assert_eq!(at(&keep, clock(2, 10, m)).desired, 12, "10:{m:02}");
    }
    assert_eq!(at(&keep, clock(2, 10, 55)).desired, 9);

    // Target tracking wanting 15: memory 15 × 1024 = 15360 MiB from 10:00 is 62.5% on 12
    // tasks; minutes 10:00–10:02 breach, the alarm fires at 10:03, ceil(12 × 62.5 / 50) =
    // 15 is above the forecast's 12: desired 15.
    let memory = r#"{ type = "steps", steps = [{ at = "0s", value = 8192 }, { at = "33h55m", value = 12288 }, { at = "34h", value = 15360 }] }"#;
    let (_, keep) = run(&daily(6144, 100, scale, memory, true));
    assert_eq!(at(&keep, clock(2, 10, 2)).desired, 12);
    assert_eq!(at(&keep, clock(2, 10, 3)).desired, 15);
}

#[test]
fn no_forecast_before_a_day_and_forecast_only_never_changes_desired() {
    // ecs-current §3.3 check 3: the policy exists from time zero; the first forecast is
    // made at 24:00 once 24 hourly loads are held, and ForecastOnly (the default mode)
    // writes it but never touches desired.
    let (summary, keep) = run(&daily(6144, 100, "", QUIET_MEMORY, false));
    for s in &keep.samples {
        assert_eq!(s.desired, 8, "at {} s", s.t_s);
        if s.t_s < 86_400 {
            assert_eq!(
                (s.forecast_load, s.forecast_tasks),
                (None, None),
                "at {} s",
                s.t_s
            );
        }
    }
    assert_eq!(at(&keep, 86_400).forecast_load, Some(4096.0));
    assert_eq!(at(&keep, 86_400).forecast_tasks, Some(8));
    assert_eq!(summary.scaling.service_scale_out_events, 0);
}

#[test]
fn a_forecast_above_the_maximum_is_honoured_or_raises_it_for_good() {
    // ecs-current §3.3 check 2: 10:00's forecast is 25600 ÷ 512 = 50 tasks, max 40.
    // Then memory rises at 11:00 to 60 × 1024 = 61440 MiB, so target tracking wants
    // ceil(61440 ÷ 1024) = 60 tasks (out at 11:03 after three datapoints above 50%).
    let memory = r#"{ type = "steps", steps = [{ at = "0s", value = 8192 }, { at = "35h", value = 61440 }] }"#;
    let honor = "mode = \"ForecastAndScale\"\n";
    let (_, keep) = run(&daily(25_600, 40, honor, memory, true));
    assert_eq!(
        at(&keep, clock(2, 9, 55)).desired,
        40,
        "capped at the maximum"
    );
    assert_eq!(at(&keep, clock(2, 11, 10)).desired, 40);

    // IncreaseMaxCapacity, buffer 10: the forecast's 50 is met and the maximum becomes
    // 50 × 1.10 = 55, which target tracking's 60 then meets as its cap, hours after the
    // forecast that raised it.
    let raise = "mode = \"ForecastAndScale\"\nmax_capacity_breach_behavior = \"IncreaseMaxCapacity\"\nmax_capacity_buffer = 10\n";
    let (_, keep) = run(&daily(25_600, 40, raise, memory, true));
    assert_eq!(at(&keep, clock(2, 9, 55)).desired, 50);
    assert_eq!(at(&keep, clock(2, 11, 10)).desired, 55);
    assert!(keep.samples.iter().all(|s| s.desired <= 55));
}

#[test]
fn the_oracle_forecasts_a_curve_no_day_repeats() {
    // Day 2's 10:00 hour is 6144 but day 1's was 4096: the seasonal forecaster predicts
    // 4096 (8 tasks), the oracle 6144 (12).
    let text = |forecaster: &str| {
        daily(6144, 100, forecaster, QUIET_MEMORY, false).replace(
            "{ at = \"10h\", value = 6144 }, { at = \"11h\", value = 4096 }, ",
            "",
        )
    };
    let (_, seasonal) = run(&text(""));
    let (_, oracle) = run(&text("forecaster = \"oracle\"\n"));
    let ten = clock(2, 10, 0);
    assert_eq!(at(&seasonal, ten).forecast_tasks, Some(8));
    assert_eq!(at(&oracle, ten).forecast_load, Some(6144.0));
    assert_eq!(at(&oracle, ten).forecast_tasks, Some(12));
}

/// A service of 4 tasks at 50% CPU whose demand steps to 200% at 10:00 (600 s), tracked
/// on `metric` (with `extra` settings).
fn step_at_ten_minutes(metric: &str, extra: &str, resolution: &str) -> String {
    format!(
        r#"
horizon = "30m"
sample_interval = "20s"
timing = {{ instant = true }}
[[taskDefinitions]]
family = "api"
cpu = 1024
memory = 2048
networkMode = "awsvpc"
requiresCompatibilities = ["FARGATE"]
[[services]]
name = "api"
taskDefinition = "api"
desiredCount = 4
launchType = "FARGATE"
{resolution}
demand = {{ type = "steps", steps = [{{ at = "0s", value = 2048 }}, {{ at = "10m", value = 8192 }}] }}
[services.auto_scaling]
min = 1
max = 100
target_tracking = [{{ metric = "{metric}", target = 50{extra} }}]
"#
    )
}

/// The first sample at which desired moved from 4.
fn first_scale_out(keep: &Keep) -> u64 {
    keep.samples
        .iter()
        .find(|s| s.desired != 4)
        .map(|s| s.t_s)
        .expect("scaled out")
}

#[test]
fn twenty_second_datapoints_scale_out_two_minutes_sooner() {
    // One-minute datapoints: minutes 10, 11, 12 breach; the third closes at 13:00 (780 s).
    // 20-second datapoints with the same 3-of-3 alarm: [600, 620), [620, 640), [640, 660)
    // breach, the third closes at 11:00 (660 s): 180 − 60 = 120 s sooner. Both scale to
    // ceil(4 × 200 / 50) = 16.
    let fast_metric = "ECSServiceAverageCPUUtilizationHighResolution";
    let twenty = "metric_resolution = \"20s\"";
    let (_, minute) = run(&step_at_ten_minutes("cpu", "", ""));
    let (_, fast) = run(&step_at_ten_minutes(fast_metric, "", twenty));
    assert_eq!(first_scale_out(&minute), 780);
    assert_eq!(first_scale_out(&fast), 660);
    assert_eq!(at(&fast, 660).desired, 16);
    assert_eq!(at(&minute, 780).desired, 16);

    // The counts are settings: 6 of 6 at 20 s closes at 600 + 6 × 20 = 720 s.
    let (_, six) = run(&step_at_ten_minutes(
        fast_metric,
        ", scale_out_datapoints = 6",
        twenty,
    ));
    assert_eq!(first_scale_out(&six), 720);
}
