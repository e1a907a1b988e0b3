//! One sentence per summary figure, for the report's table. Patterns use `*` for one
//! name segment (a service, cause or queue); the first matching pattern wins.

const ENTRIES: &[(&str, &str)] = &[
    (
        "sim_time_s",
        "Length of the measured window (the run after its warm-up), seconds.",
    ),
    (
        "warmup_s",
        "Warm-up at the start of the run, excluded from every figure below, cost included; seconds.",
    ),
    (
        "events_processed",
        "Simulation events handled over the whole run, every one counted, including timers that found nothing left to do (a measure of the simulator's work, not of the cluster).",
    ),
    (
        "tasks.created",
        "Tasks created in the window: job arrivals and service launches, replacements included.",
    ),
    ("tasks.started", "Tasks that reached RUNNING in the window."),
    (
        "tasks.completed",
        "Jobs whose essential container exited normally in the window.",
    ),
    (
        "tasks.rejected",
        "Standalone RunTask calls that could not be placed at all (RESOURCE:* and similar) or met the cluster's PROVISIONING cap, in the window.",
    ),
    (
        "tasks.pending_at_end",
        "Tasks still PROVISIONING or PENDING when the run ended: they are missing from the pending-time percentiles.",
    ),
    (
        "tasks.running_at_end",
        "Tasks still RUNNING when the run ended.",
    ),
    (
        "tasks.stopped_before_running",
        "Tasks of the window stopped before RUNNING other than by rejection: a failed start, a wait for capacity longer than the PROVISIONING timeout, or the scheduler stopping a task not yet running.",
    ),
    (
        "tasks.stopped_by_scheduler",
        "Started tasks the service scheduler stopped: scale-in, deployments, daemon cleanup.",
    ),
    (
        "tasks.stopped_other",
        "Started tasks stopped for any other reason: crash, failed health check, instance failure or termination, Spot, AZ outage, a user action.",
    ),
    (
        "tasks.carried_over.*",
        "Warm-up tasks alive when the window opened, counted apart from the window's tasks: `{}`.",
    ),
    (
        "tasks.*",
        "Tasks counted as `{}` in the window's task accounting.",
    ),
    (
        "pending_time_s.waiting_at_end.*",
        "Tasks of the window that never started: their waits so far, censored at the horizon (`{}`), seconds except the count.",
    ),
    (
        "utilization.cpu_reserved_mean",
        "Time-weighted share of registered EC2 CPU that tasks reserved (0 to 1).",
    ),
    (
        "utilization.memory_reserved_mean",
        "Time-weighted share of registered EC2 memory that tasks reserved (0 to 1).",
    ),
    (
        "pending_time_s.count",
        "Tasks created in the window that reached RUNNING: the pending times below are theirs.",
    ),
    (
        "pending_time_s.mean",
        "Mean time from creation to RUNNING, seconds.",
    ),
    (
        "pending_time_s.p50",
        "Median time from creation to RUNNING, seconds.",
    ),
    (
        "pending_time_s.p95",
        "95th percentile of time from creation to RUNNING, seconds: one task in twenty waited longer.",
    ),
    (
        "pending_time_s.p99",
        "99th percentile of time from creation to RUNNING, seconds.",
    ),
    (
        "pending_time_s.max",
        "Longest time from creation to RUNNING, seconds.",
    ),
    (
        "cost_usd.total",
        "Everything billed in the window, US dollars.",
    ),
    (
        "cost_usd.ec2",
        "EC2 instance-seconds billed in the window (per second, 60 s minimum per launch), US dollars.",
    ),
    (
        "cost_usd.fargate",
        "Fargate task-seconds billed in the window at each task's rounded size, US dollars.",
    ),
    (
        "cost_usd.managed_instances",
        "The EC2 part of Managed Instances instances billed in the window (per second, 60 s minimum per launch), US dollars.",
    ),
    (
        "cost_usd.management_fee",
        "The Managed Instances management fee billed in the window (a per-type hourly rate, per second, 60 s minimum), US dollars.",
    ),
    (
        "cost_usd.unused",
        "Capacity paid for that no task held: idle CPU and memory on instances with tasks, instance-hours with none, commitment not used; already inside the services' and jobs' totals, US dollars.",
    ),
    (
        "cost_usd.by_origin.*.total",
        "What `{}` cost: its share of the bill (split and unused), US dollars.",
    ),
    (
        "cost_usd.by_origin.*.split",
        "What `{}`'s tasks held on EC2 (AWS's split cost) or were billed on Fargate, US dollars.",
    ),
    (
        "cost_usd.by_origin.*.unused",
        "`{}`'s share of capacity no task held, US dollars.",
    ),
    (
        "cost_usd.by_origin.*.*",
        "`{}`'s share of the bill on this kind of capacity, US dollars.",
    ),
    (
        "cost_usd.*",
        "Cost component `{}` billed in the window, US dollars.",
    ),
    (
        "instances.mean",
        "Time-weighted mean number of billed EC2 instances (launching, active or draining).",
    ),
    ("instances.peak", "Most EC2 instances billed at once."),
    (
        "restart_latency_s.count",
        "Service tasks lost unexpectedly (or given a Spot notice) whose replacement reached RUNNING in the window.",
    ),
    (
        "restart_latency_s.mean",
        "Mean time from losing a service task to its replacement RUNNING, seconds.",
    ),
    (
        "restart_latency_s.p50",
        "Median time from losing a service task to its replacement RUNNING, seconds.",
    ),
    (
        "restart_latency_s.p95",
        "95th percentile of time from losing a service task to its replacement RUNNING, seconds.",
    ),
    (
        "restart_latency_s.p99",
        "99th percentile of time from losing a service task to its replacement RUNNING, seconds.",
    ),
    (
        "restart_latency_s.max",
        "Longest time from losing a service task to its replacement RUNNING, seconds.",
    ),
    (
        "restart_latency_s.unrestored_at_end",
        "Losses still without a RUNNING replacement when the run ended: not in the latencies, which would read low without this count.",
    ),
    (
        "restart_latency_s.container_restarts",
        "Containers a task definition's restartPolicy restarted in place, in the same task: no replacement, so not in the latencies.",
    ),
    (
        "restart_latency_s.by_cause.*.count",
        "Restarts caused by `{}`.",
    ),
    (
        "restart_latency_s.by_cause.*.*",
        "Restart latency statistic for losses caused by `{}`, seconds.",
    ),
    (
        "restart_latency_s.by_launch_type.*.count",
        "Restarts of lost {} tasks.",
    ),
    (
        "restart_latency_s.by_launch_type.*.*",
        "Restart latency statistic for lost {} tasks, seconds.",
    ),
    (
        "availability.min",
        "The worst service's availability, the time-weighted share of desired tasks RUNNING (1 when there are no services).",
    ),
    (
        "availability.*",
        "Availability of service `{}`: the time-weighted share of its desired tasks RUNNING (running ÷ desired, capped at 1, over the window).",
    ),
    (
        "availability_all_up.min",
        "The worst service's share of the window with every desired task running.",
    ),
    (
        "availability_all_up.*",
        "Share of the window in which service `{}` had every desired task running.",
    ),
    (
        "task_seconds_short.*",
        "Task-seconds service `{}` ran below its desired count (desired minus running, integrated over the window).",
    ),
    (
        "scaling.service_scale_out_events",
        "Service auto scaling actions that raised a desired count, over the whole run.",
    ),
    (
        "scaling.service_scale_in_events",
        "Service auto scaling actions that lowered a desired count, over the whole run.",
    ),
    (
        "scaling.instance_launches",
        "EC2 instances launched by managed cluster scaling (or replacing failed ones), over the whole run.",
    ),
    (
        "scaling.instance_terminations",
        "EC2 instances terminated by managed scale-in, over the whole run.",
    ),
    ("scaling.*", "Scaling count `{}` over the whole run."),
    (
        "scaling.targets.*.cpu_utilization",
        "The average CPU utilization, percent, that `{}`'s target tracking policy steers to.",
    ),
    (
        "scaling.targets.*.cpu_utilization.scale_in",
        "The CPU utilization, percent, below which `{}`'s target tracking policy scales in (its target times the scale-in ratio).",
    ),
    (
        "scaling.targets.*.reservation",
        "The CapacityProviderReservation, percent, that `{}`'s managed scaling steers to (its target capacity).",
    ),
    (
        "overload.task_seconds",
        "Task-seconds in which a service with a demand curve ran above 100% CPU (demand it could not serve).",
    ),
    (
        "overload.fraction",
        "Share of those services' task-seconds spent above 100% CPU.",
    ),
    (
        "queues.*.oldest_message_age_s_mean",
        "Queue `{}`: mean age of the oldest waiting message at each scaling tick, seconds.",
    ),
    (
        "queues.*.oldest_message_age_s_p95",
        "Queue `{}`: 95th percentile of the oldest waiting message's age, seconds.",
    ),
    (
        "queues.*.oldest_message_age_s_max",
        "Queue `{}`: largest age of the oldest waiting message, seconds.",
    ),
    (
        "queues.*.depth_mean",
        "Queue `{}`: mean number of waiting messages at each scaling tick.",
    ),
    (
        "queues.*.depth_max",
        "Queue `{}`: most messages waiting at a scaling tick.",
    ),
];

/// The sentence for a dotted summary key, with the matched name filled in.
pub fn explain(key: &str) -> Option<String> {
    let parts: Vec<&str> = key.split('.').collect();
    for (pattern, text) in ENTRIES {
        let pat: Vec<&str> = pattern.split('.').collect();
        if pat.len() != parts.len() {
            continue;
        }
        let mut name = None;
        let matched = pat.iter().zip(&parts).all(|(p, k)| {
            if *p == "*" {
                name.get_or_insert(*k);
                true
            } else {
                p == k
            }
        });
        if matched {
            let name = name.unwrap_or("").replace('_', " ");
            return Some(text.replace("{}", &name));
        }
    }
    None
}

/// Sentences for the comparison's rows (keys of `compare.json`'s legs).
pub fn explain_leg(key: &str) -> &'static str {
    match key {
        "cost_total_usd" => "Everything billed in the measured window, US dollars.",
        "cost_monthly_usd" => {
            "The window's cost scaled to 730 hours, the month AWS's pricing examples use."
        }
        "cost_per_task_hour_usd" => {
            "Total cost divided by the task-hours tasks spent RUNNING in the window."
        }
        "cpu_reserved" => {
            "Time-weighted share of registered EC2 CPU that tasks reserved (n/a without EC2)."
        }
        "idle" => {
            "Capacity paid for that no task held: one minus the larger of the CPU and memory reserved shares."
        }
        "pending_p95_s" => "95th percentile of time from creation to RUNNING, seconds.",
        "unstarted_tasks" => {
            "Tasks created in the window that never reached RUNNING (still waiting at the end, or rejected)."
        }
        "availability" => "The worst service's availability over the window.",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fill_the_pattern_and_exact_keys_win() {
        assert_eq!(
            explain("availability.web").unwrap(),
            "Availability of service `web`: the time-weighted share of its desired tasks RUNNING (running ÷ desired, capped at 1, over the window)."
        );
        assert!(
            explain("availability.min")
                .unwrap()
                .starts_with("The worst")
        );
        assert!(
            explain("restart_latency_s.by_cause.instance_failure.p95")
                .unwrap()
                .contains("`instance failure`")
        );
        assert_eq!(explain("no.such.key"), None);
    }
}
