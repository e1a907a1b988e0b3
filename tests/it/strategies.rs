//! BLUE_GREEN, LINEAR and CANARY deployments, alarms and the circuit breaker's
//! thresholdConfiguration (issue 34), against the hand checks of `ecs-current.md` §2.5.
//!
//! The Fargate service below starts a task in 20 s (Fargate provisioning) + 3 s (pull
//! overhead) + 150 MB / 15 MB/s + 2 s (container start) = 35 s, its image pull from 20 s
//! on (the `timing` defaults); a deployment at 1 h = 3600 s therefore has every green task
//! pulling from 3620 s and RUNNING, healthy, at t0 = 3635 s, when production traffic first
//! moves (no hooks). Tasks are 0.5 vCPU and 1 GB: 0.5 × $0.04048 + 1 × $0.004445 =
//! $0.024685 an hour on Fargate On-Demand (us-east-1, Linux x86).

use ecsim::metrics::{Recorder, Summary, TaskRow};
use ecsim::time::SimTime;

const T0: f64 = 3635.0;
const RATE_PER_HOUR: f64 = 0.5 * 0.04048 + 0.004445;

fn fargate(deployment: &str, v2_extra: &str) -> String {
    format!(
        r#"
horizon = "3h"
[[taskDefinitions]]
family = "web"
cpu = 512
memory = 1024
requiresCompatibilities = ["FARGATE"]
image_size_mb = 150
[[taskDefinitions]]
family = "web-v2"
cpu = 512
memory = 1024
requiresCompatibilities = ["FARGATE"]
image_size_mb = 150
{v2_extra}
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 4
launchType = "FARGATE"
deploymentConfiguration = {deployment}
deployments = [{{ at = "1h", taskDefinition = "web-v2" }}]
"#
    )
}

/// Trace lines with their times, and every task row.
#[derive(Default)]
struct Watch {
    lines: Vec<(f64, String)>,
    /// (family, created, pull started, stopped) of each task.
    tasks: Vec<(String, f64, Option<f64>, Option<f64>)>,
}

impl Recorder for Watch {
    fn tracing(&self) -> bool {
        true
    }
    fn trace(&mut self, at: SimTime, line: &str) {
        self.lines.push((at.as_secs_f64(), line.to_string()));
    }
    fn task(&mut self, r: &TaskRow<'_>) {
        self.tasks.push((
            r.task_definition.to_string(),
            r.created.as_secs_f64(),
            r.pull_started.map(SimTime::as_secs_f64),
            r.stopped.map(SimTime::as_secs_f64),
        ));
    }
}

fn watch(text: &str) -> (Summary, Watch) {
    let mut w = Watch::default();
    let s = crate::common::run_checked(&crate::common::config(text), &mut w)
        .unwrap_or_else(|e| panic!("{e}"));
    (s, w)
}

/// When the trace first says `words`.
fn when(w: &Watch, words: &str) -> f64 {
    w.lines
        .iter()
        .find(|(_, l)| l.contains(words))
        .unwrap_or_else(|| panic!("no line says {words:?}"))
        .0
}

/// Tasks billed at `t` (pull started, not yet stopped).
fn billed_at(w: &Watch, t: f64) -> usize {
    w.tasks
        .iter()
        .filter(|(_, _, pull, stop)| pull.is_some_and(|p| p <= t) && stop.is_none_or(|s| s > t))
        .count()
}

#[test]
fn blue_green_runs_twice_the_tasks_from_the_first_green_pull_until_blue_stops() {
    let (s, w) = watch(&fargate(
        r#"{ strategy = "BLUE_GREEN", bakeTimeInMinutes = 15 }"#,
        "",
    ));
    // Clean-up at t0 + 15 min = 4535 s: blue (no load balancer) stops at once.
    let d = &s.deployments["web"][0];
    assert_eq!(d.strategy, "BLUE_GREEN");
    assert_eq!(d.outcome.as_str(), "completed");
    assert_eq!(d.started_s, 3600.0);
    assert_eq!(d.finished_s, Some(T0 + 900.0));
    assert_eq!(d.peak_tasks, 8);
    assert_eq!(when(&w, "production traffic: green 100%, blue 0%"), T0);
    assert_eq!(when(&w, "deployment stage BAKE_TIME"), T0);
    assert_eq!(when(&w, "deployment stage CLEAN_UP"), T0 + 900.0);
    assert_eq!(billed_at(&w, 3619.0), 4);
    assert_eq!(billed_at(&w, 3620.0), 8);
    assert_eq!(billed_at(&w, 4534.9), 8);
    assert_eq!(billed_at(&w, 4535.0), 4);
    // Overlap W = 4535 − 3620 = 915 s of 4 extra tasks.
    assert_eq!(d.overlap_task_seconds, 4.0 * 915.0);
    let extra = 4.0 * RATE_PER_HOUR * 915.0 / 3600.0; // $0.0250963…
    assert!(
        (d.extra_cost_usd - extra).abs() < 1e-9,
        "{}",
        d.extra_cost_usd
    );
    let blue: Vec<_> = w.tasks.iter().filter(|t| t.0 == "web").collect();
    assert_eq!(blue.len(), 4, "no blue task replaced");
    assert!(blue.iter().all(|t| t.3 == Some(4535.0)));
}

#[test]
fn linear_shifts_equal_steps_with_step_bakes_then_bakes() {
    let (s, w) = watch(&fargate(
        r#"{ strategy = "LINEAR", bakeTimeInMinutes = 15, linearConfiguration = { stepPercent = 20, stepBakeTimeInMinutes = 10 } }"#,
        "",
    ));
    // 20, 40, 60, 80, 100 % at t0, +10, +20, +30, +40 min; clean-up 15 min later.
    for (k, pct) in [20, 40, 60, 80, 100].into_iter().enumerate() {
        let line = format!("production traffic: green {pct}%, blue {}%", 100 - pct);
        assert_eq!(when(&w, &line), T0 + 600.0 * k as f64, "{line}");
    }
    assert_eq!(when(&w, "deployment stage CLEAN_UP"), T0 + 55.0 * 60.0);
    let d = &s.deployments["web"][0];
    assert_eq!(d.finished_s, Some(T0 + 3300.0));
    assert_eq!(d.peak_tasks, 8);
    // 2D throughout: 4 extra tasks from 3620 s to 6935 s.
    assert_eq!(d.overlap_task_seconds, 4.0 * (T0 + 3300.0 - 3620.0));
}

#[test]
fn canary_shifts_twice_then_bakes() {
    let (s, w) = watch(&fargate(
        r#"{ strategy = "CANARY", bakeTimeInMinutes = 15, canaryConfiguration = { canaryPercent = 10, canaryBakeTimeInMinutes = 30 } }"#,
        "",
    ));
    assert_eq!(when(&w, "production traffic: green 10%, blue 90%"), T0);
    assert_eq!(
        when(&w, "production traffic: green 100%, blue 0%"),
        T0 + 1800.0
    );
    assert_eq!(when(&w, "deployment stage CLEAN_UP"), T0 + 2700.0);
    assert_eq!(s.deployments["web"][0].outcome.as_str(), "completed");
}

#[test]
fn an_alarm_tripping_in_the_canary_bake_shifts_back_without_new_blue_tasks() {
    // Green crashes 5 min after RUNNING: all four at t0 + 300 s, inside the 30-min canary
    // bake. The rule (more than 1 failure in 10 min) trips at the second crash; the first
    // crash's replacement is launched before that and stopped with the rest of green.
    let (s, w) = watch(&fargate(
        r#"{ strategy = "CANARY", bakeTimeInMinutes = 15, canaryConfiguration = { canaryPercent = 10, canaryBakeTimeInMinutes = 30 }, alarms = { enable = true, rollback = true, failed_tasks_above = 1, evaluation_window = "10m" } }"#,
        "crash_after = { type = \"constant\", value = \"5m\" }",
    ));
    let d = &s.deployments["web"];
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].outcome.as_str(), "failed");
    assert_eq!(d[0].finished_s, Some(T0 + 300.0));
    assert_eq!(
        when(&w, "FAILED: alarm: 2 failed tasks within 600 s"),
        T0 + 300.0
    );
    assert_eq!(
        when(&w, "rolls back: production traffic 100% to web"),
        T0 + 300.0
    );
    let blue: Vec<_> = w.tasks.iter().filter(|t| t.0 == "web").collect();
    assert_eq!(blue.len(), 4, "no blue task launched");
    assert!(blue.iter().all(|t| t.1 == 0.0 && t.3.is_none()));
    // Four green tasks, then the first crash's replacement: five, all stopped by t0 + 300.
    let green: Vec<_> = w.tasks.iter().filter(|t| t.0 == "web-v2").collect();
    assert_eq!(green.len(), 5);
    assert!(green.iter().all(|t| t.3 == Some(T0 + 300.0)));
}

#[test]
fn an_alarm_already_in_alarm_at_the_start_is_ignored() {
    // web-v2 fails to start every time from 1 h; a second deployment of web-v2 at 1 h 5 min
    // (after a rollback to web at 1 h 0 min 20 s) starts in ALARM and is not stopped by it.
    let text = fargate(
        r#"{ strategy = "ROLLING", alarms = { enable = true, rollback = true, failed_tasks_above = 3, evaluation_window = "1h" } }"#,
        "start_failure_probability = 1.0",
    )
    .replace(
        r#"deployments = [{ at = "1h", taskDefinition = "web-v2" }]"#,
        r#"deployments = [{ at = "1h", taskDefinition = "web-v2" }, { at = "65m", taskDefinition = "web" }, { at = "70m", taskDefinition = "web-v2" }]"#,
    );
    let (s, _) = watch(&text);
    let d: Vec<_> = s.deployments["web"]
        .iter()
        .map(|d| (d.task_definition.as_str(), d.outcome.as_str(), d.rollback))
        .collect();
    // The first web-v2 fails by the alarm (4 start failures at 3620 s: the 4th trips it)
    // and rolls back; the last one starts with those 4 failures within the hour: in ALARM,
    // so it is never failed by the alarm and still rolls at the horizon.
    assert_eq!(d[0], ("web-v2", "failed", false));
    assert_eq!(d[1], ("web", "completed", true));
    assert_eq!(d.last().copied(), Some(("web-v2", "in_progress", false)));
}

#[test]
fn a_failed_hook_rolls_back_and_hook_time_delays_the_stage() {
    // POST_SCALE_UP hook: 2 min; PRE_SCALE_UP hook answers FAILED after 1 min, before any
    // green task exists.
    let ok = fargate(
        r#"{ strategy = "BLUE_GREEN", bakeTimeInMinutes = 0, lifecycleHooks = [{ lifecycleStages = ["POST_SCALE_UP"], duration = { type = "constant", value = "2m" } }] }"#,
        "",
    );
    let (s, w) = watch(&ok);
    assert_eq!(when(&w, "production traffic: green 100%"), T0 + 120.0);
    assert_eq!(s.deployments["web"][0].finished_s, Some(T0 + 120.0));
    let failing = fargate(
        r#"{ strategy = "BLUE_GREEN", lifecycleHooks = [{ lifecycleStages = ["PRE_SCALE_UP"], duration = { type = "constant", value = "1m" }, failure_probability = 1.0 }] }"#,
        "",
    );
    let (s, w) = watch(&failing);
    let d = &s.deployments["web"][0];
    assert_eq!(d.outcome.as_str(), "failed");
    assert_eq!(d.finished_s, Some(3660.0));
    assert_eq!(d.peak_tasks, 4);
    assert_eq!(d.overlap_task_seconds, 0.0);
    assert!(when(&w, "a lifecycle hook answered FAILED in PRE_SCALE_UP") == 3660.0);
    assert!(w.tasks.iter().all(|t| t.0 == "web"));
}

#[test]
fn a_scale_up_that_cannot_finish_fails_at_24_hours() {
    // Green never starts (start failures throttled); SCALE_UP gives up 24 h after it began.
    let text = fargate(
        r#"{ strategy = "BLUE_GREEN" }"#,
        "start_failure_probability = 1.0",
    )
    .replace("horizon = \"3h\"", "horizon = \"26h\"");
    let (s, w) = watch(&text);
    let d = &s.deployments["web"][0];
    assert_eq!(d.outcome.as_str(), "failed");
    assert_eq!(
        when(&w, "stage SCALE_UP reached the 24-hour limit"),
        3600.0 + 86_400.0
    );
}

#[test]
fn rolling_deployments_report_their_strategy_and_cost() {
    // ROLLING, maximumPercent 200: the four new tasks start at 1 h beside the old ones,
    // which stop as each new one is RUNNING at 3635 s: 4 extra billed from 3620 to 3635 s.
    let (s, _) = watch(&fargate("{ maximumPercent = 200 }", ""));
    let d = &s.deployments["web"][0];
    assert_eq!(d.strategy, "ROLLING");
    assert_eq!(d.finished_s, Some(T0));
    assert_eq!(d.peak_tasks, 8);
    assert_eq!(d.overlap_task_seconds, 4.0 * 15.0);
    let extra = 4.0 * RATE_PER_HOUR * 15.0 / 3600.0;
    assert!((d.extra_cost_usd - extra).abs() < 1e-12);
}

#[test]
fn bounded_percent_thresholds_follow_the_desired_count() {
    use ecsim::model::{CircuitBreaker, ThresholdType};
    let breaker = |threshold_type, threshold_value| CircuitBreaker {
        rollback: true,
        min_threshold: 3,
        reset_on_healthy_task: true,
        threshold_type,
        threshold_value,
    };
    let bounded = breaker(ThresholdType::BoundedPercent, 50);
    // ceil(0.5 × 1) = 1 → 3; ceil(0.5 × 25) = 13; ceil(0.5 × 800) = 400 → 200.
    assert_eq!([1, 25, 800].map(|d| bounded.threshold(d)), [3, 13, 200]);
    // UNBOUNDED_PERCENT 50 at 800: 400; COUNT 7: 7 whatever the desired count.
    assert_eq!(
        breaker(ThresholdType::UnboundedPercent, 50).threshold(800),
        400
    );
    assert_eq!(breaker(ThresholdType::UnboundedPercent, 50).threshold(1), 1);
    assert_eq!(breaker(ThresholdType::Count, 7).threshold(800), 7);
}

#[test]
fn a_count_threshold_trips_the_breaker_after_that_many_failures() {
    // COUNT 2 on a rolling deployment of a revision that never starts: FAILED at the
    // second failed start; the default (BOUNDED 50 % of 4 = 2 → clamped to 3) at the third.
    let text = |t: &str| {
        fargate(
            &format!("{{ deploymentCircuitBreaker = {{ enable = true, rollback = true{t} }} }}"),
            "start_failure_probability = 1.0",
        )
    };
    let (s, _) = watch(&text(
        ", thresholdConfiguration = { type = \"COUNT\", value = 2 }",
    ));
    assert_eq!(s.deployments["web"][0].failed_tasks, 2);
    let (s, _) = watch(&text(""));
    assert_eq!(s.deployments["web"][0].failed_tasks, 3);
}

#[test]
fn strategy_settings_outside_ecs_ranges_are_located_errors() {
    let cases: &[(&str, &[&str])] = &[
        (
            r#"{ strategy = "PURPLE" }"#,
            &[
                "deploymentConfiguration.strategy",
                "`PURPLE`",
                "ROLLING, BLUE_GREEN, LINEAR, CANARY",
            ],
        ),
        (
            r#"{ strategy = "LINEAR", linearConfiguration = { stepPercent = 2.5 } }"#,
            &["linearConfiguration.stepPercent", "3 to 100"],
        ),
        (
            r#"{ strategy = "LINEAR", linearConfiguration = { stepPercent = 10.05 } }"#,
            &["linearConfiguration.stepPercent", "not a multiple of 0.1"],
        ),
        (
            r#"{ strategy = "LINEAR", linearConfiguration = { stepBakeTimeInMinutes = 1441 } }"#,
            &["stepBakeTimeInMinutes", "0 to 1440"],
        ),
        (
            r#"{ strategy = "CANARY", canaryConfiguration = { canaryPercent = 0.05 } }"#,
            &["canaryConfiguration.canaryPercent", "0.1 to 100"],
        ),
        (
            r#"{ strategy = "CANARY", canaryConfiguration = { canaryBakeTimeInMinutes = 2000 } }"#,
            &["canaryBakeTimeInMinutes", "0 to 1440"],
        ),
        (
            r#"{ strategy = "BLUE_GREEN", bakeTimeInMinutes = 1441 }"#,
            &["bakeTimeInMinutes", "0 to 1440"],
        ),
        (
            r#"{ strategy = "BLUE_GREEN", linearConfiguration = { stepPercent = 10 } }"#,
            &["linearConfiguration", "applies to strategy = \"LINEAR\""],
        ),
        (
            r#"{ bakeTimeInMinutes = 5 }"#,
            &["bakeTimeInMinutes", "BLUE_GREEN, LINEAR or CANARY"],
        ),
        (
            r#"{ strategy = "CANARY", deploymentCircuitBreaker = { enable = true } }"#,
            &["deploymentCircuitBreaker", "rolling deployments only"],
        ),
        (
            r#"{ strategy = "BLUE_GREEN", lifecycleHooks = [{ lifecycleStages = ["BAKE_TIME"], duration = { type = "constant", value = 1 } }] }"#,
            &[
                "lifecycleHooks[0].lifecycleStages[0]",
                "`BAKE_TIME`",
                "POST_SCALE_UP",
            ],
        ),
        (
            r#"{ deploymentCircuitBreaker = { enable = true, thresholdConfiguration = { type = "SOME" } } }"#,
            &[
                "thresholdConfiguration.type",
                "BOUNDED_PERCENT, UNBOUNDED_PERCENT, COUNT",
            ],
        ),
        (
            r#"{ deploymentCircuitBreaker = { enable = true, thresholdConfiguration = { value = 101 } } }"#,
            &["thresholdConfiguration.value", "1 to 100"],
        ),
        (
            r#"{ alarms = { enable = true, failed_tasks_above = 1, evaluation_window = 0 } }"#,
            &["alarms.evaluation_window", "longer than 0"],
        ),
    ];
    for (config, says) in cases {
        let text = fargate(config, "");
        let err = ecsim::scenario::load_str(&text, std::path::Path::new("t.toml"), &[])
            .err()
            .unwrap_or_else(|| panic!("{config} was accepted"))
            .to_string();
        assert!(err.contains("t.toml:"), "{err}");
        for s in *says {
            assert!(err.contains(s), "{config}: {err:?} lacks {s:?}");
        }
    }
}

#[test]
fn compare_legs_keep_the_strategy() {
    // The EC2 scenario's blue/green deployment, moved to Fargate by the `fargate` leg: the
    // leg deploys BLUE_GREEN too, and says so.
    let text = r#"
horizon = "2h"
[[cluster.pools]]
name = "p"
instance_type = "m5.large"
count = 4
[[taskDefinitions]]
family = "web"
cpu = 512
memory = 1024
[[taskDefinitions]]
family = "web-v2"
cpu = 512
memory = 1024
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 4
deploymentConfiguration = { strategy = "BLUE_GREEN", bakeTimeInMinutes = 10 }
deployments = [{ at = "1h", taskDefinition = "web-v2" }]
"#;
    let config = crate::common::config(text);
    let leg = ecsim::compare::apply_leg(&config, ecsim::compare::Leg::Fargate).unwrap();
    assert!(
        leg.notes
            .iter()
            .any(|n| n == "service web deploys by BLUE_GREEN as in the scenario"),
        "{:?}",
        leg.notes
    );
    let s = crate::common::run(&leg.config);
    let d = &s.deployments["web"][0];
    assert_eq!(
        (d.strategy.as_str(), d.outcome.as_str()),
        ("BLUE_GREEN", "completed")
    );
    assert_eq!(d.peak_tasks, 8);
}
