//! The warnings and modeling choices that apply to one run, read off its outputs: a choice
//! is listed only when the run used the feature it concerns.

use crate::outputs::{CompareOutputs, RunOutputs, SweepOutputs};

pub struct Notes {
    /// Things that change how to read the figures.
    pub warnings: Vec<String>,
    /// Rules AWS does not publish that this run relied on (scenarios/README.md,
    /// "Modeling choices").
    pub choices: Vec<String>,
}

pub fn run(run: &RunOutputs) -> Notes {
    let f = |p: &str| run.figure(p).unwrap_or(0.0);
    let mut warnings = Vec::new();
    if run.warmup_s() > 0.0 {
        warnings.push(format!(
            "The first {} of the run are a warm-up: shaded on the time charts and left out of every figure, cost included.",
            duration(run.warmup_s())
        ));
    }
    if f("/tasks/pending_at_end") > 0.0 {
        warnings.push(format!(
            "{} tasks were still waiting to start when the run ended; the pending-time percentiles count only tasks that started, so they read low.",
            f("/tasks/pending_at_end")
        ));
    }
    if f("/tasks/rejected") > 0.0 {
        warnings.push(format!(
            "{} RunTask calls found no room and were rejected outright; they have no pending time.",
            f("/tasks/rejected")
        ));
    }
    if f("/restart_latency_s/unrestored_at_end") > 0.0 {
        warnings.push(format!(
            "{} lost service tasks had no RUNNING replacement by the end; restart latencies leave them out.",
            f("/restart_latency_s/unrestored_at_end")
        ));
    }
    if f("/pending_time_s/count") > 0.0 {
        warnings.push("Percentiles come from a log-linear histogram: exact below 128 ms, within 0.8% above; means, counts and maxima are exact.".into());
    }
    if run.tasks.heat.is_none() {
        warnings.push(format!(
            "The placement chart is left out: tasks ran on more than {} instances, more than it can show.",
            crate::outputs::MAX_HEAT_INSTANCES
        ));
    }
    if run.tasks.any_fargate_cost {
        warnings.push("On the cost chart a Fargate task's cost is spread evenly over its run; EC2 cost is shown in total, not per pool.".into());
    }
    let has_ec2 = run.figure("/instances/peak").unwrap_or(0.0) > 0.0;
    let has_fargate = run.tasks.any_fargate;
    let reason = |name: &str| run.tasks.stopped_with(name);
    let mut choices = Vec::new();
    if has_ec2 || has_fargate {
        choices.push("Startup latency (`[timing]`): ENI attach, Fargate provisioning, image pull and container start are settings with inferred defaults; ECS publishes no figures.".into());
    }
    if has_ec2 {
        choices.push("Registered memory is 0.975 of nominal by default (inferred from one instance type); EC2 images are cached per instance and task definition.".into());
        choices.push("Ties left after the placement strategies go to a random rank fixed per instance: AWS does not publish its tie-break.".into());
    }
    if run.warmup_s() > 0.0 && f("/cost_usd/total") > 0.0 {
        choices.push("Billing starts at the end of the warm-up; anything running then is billed pro rata without a new minimum.".into());
    }
    if f("/restart_latency_s/count") > 0.0 || reason("TaskFailedToStart") {
        choices.push("Restart throttling for tasks that never reach RUNNING: 10 s doubling to a 15 min cap by default (AWS publishes no curve).".into());
    }
    if !run.series.prefixes("demand").is_empty() {
        choices.push("Target tracking scales out to ceil(current × metric / target) and in by at most 10% per action below 0.9 × target: AWS describes the behaviour, not the formula.".into());
    }
    if !run.series.prefixes("reservation").is_empty() {
        choices.push("CapacityProviderReservation with an empty group is 200 with tasks waiting; managed scale-in removes at most half the group per step, empty instances oldest first.".into());
    }
    let spot_provider = run
        .tasks
        .providers
        .list()
        .iter()
        .any(|p| run.name(*p).contains("SPOT"));
    if reason("SpotInterruption") || spot_provider {
        choices.push("Spot prices are a flat discount off list (0.70 by default) for EC2 Spot and FARGATE_SPOT alike; real Spot prices float.".into());
    }
    if run.summary.get("deployments").is_some() {
        choices.push("Rolling deployments stop old tasks not yet RUNNING first, then old RUNNING ones newest first; the circuit breaker's threshold is clamp(ceil(0.5 × desired), 3, 200).".into());
    }
    if reason("HealthCheckFailed") {
        choices.push("Container health checks run at RUNNING + k × interval; a task is found hung at the retries-th failure.".into());
    }
    Notes { warnings, choices }
}

pub fn compare(c: &CompareOutputs) -> Notes {
    let mut warnings = vec!["Every leg ran the same sampled workload (same seed, same arrivals and durations): differences come from capacity alone.".to_string()];
    for leg in &c.legs {
        for n in &leg.notes {
            warnings.push(format!("{}: {n}", leg.leg));
        }
        if leg.unstarted_tasks.unwrap_or(0) > 0 {
            warnings.push(format!(
                "{}: {} tasks never started; its pending percentiles count only tasks that did.",
                leg.leg,
                leg.unstarted_tasks.unwrap_or(0)
            ));
        }
    }
    let choices = c
        .break_even
        .assumptions
        .iter()
        .map(|a| format!("Break-even assumes {a}."))
        .collect();
    Notes { warnings, choices }
}

pub fn sweep(s: &SweepOutputs) -> Notes {
    Notes {
        warnings: vec![
            format!(
                "Each variant ran {} replications; intervals are 95% Student t intervals over them.",
                s.replications
            ),
            "Replication i of every variant used the same seed (common random numbers), so the paired differences are much tighter than the two intervals side by side suggest.".into(),
        ],
        choices: Vec::new(),
    }
}

/// Seconds in the unit a reader thinks in: "30 min", "5.5 h", "2 days".
pub fn duration(s: f64) -> String {
    let short = |x: f64| {
        let t = format!("{x:.1}");
        t.strip_suffix(".0").map_or(t.clone(), str::to_string)
    };
    if s >= 2.0 * 86_400.0 {
        format!("{} days", short(s / 86_400.0))
    } else if s >= 3600.0 {
        format!("{} h", short(s / 3600.0))
    } else if s >= 60.0 {
        format!("{} min", short(s / 60.0))
    } else {
        format!("{} s", short(s))
    }
}
