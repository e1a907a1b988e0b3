//! The short human summary printed after a run.

use crate::metrics::Summary;
use std::fmt::Write;

/// What `ecsim run` prints after a run: the headline figures of `summary.json`, one per
/// line, with the task counts shown as the sums they are.
pub fn summary_table(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "scenario {}  seed {}  measured {:.0} s (after {:.0} s warm-up)  {} events",
        s.scenario, s.seed, s.sim_time_s, s.warmup_s, s.events_processed
    );
    let t = &s.tasks;
    let p = &s.pending_time_s;
    let mut rows: Vec<(&str, String)> = vec![
        (
            "tasks created",
            format!(
                "{} = started {} + rejected {} + stopped before running {} + pending at end {}",
                t.created, t.started, t.rejected, t.stopped_before_running, t.pending_at_end
            ),
        ),
        (
            "tasks started",
            format!(
                "{} = completed {} + stopped by scheduler {} + stopped otherwise {} + running at end {}",
                t.started, t.completed, t.stopped_by_scheduler, t.stopped_other, t.running_at_end
            ),
        ),
    ];
    let carried = &t.carried_over;
    if s.warmup_s > 0.0 {
        rows.push((
            "carried over from warm-up",
            format!(
                "{} pending + {} running at start = {} stopped + {} pending + {} running at end",
                carried.pending_at_start,
                carried.running_at_start,
                carried.stopped,
                carried.pending_at_end,
                carried.running_at_end
            ),
        ));
    }
    rows.push((
        "pending time mean / p95 / max",
        if p.started.count > 0 {
            format!(
                "{:.2} s / {:.2} s / {:.2} s",
                p.started.mean, p.started.p95, p.started.max
            )
        } else {
            "no task started".to_string()
        },
    ));
    if p.waiting_at_end.count > 0 {
        rows.push((
            "never started, still waiting",
            format!(
                "{} task(s), waited so far mean {:.2} s / max {:.2} s (not in the pending times)",
                p.waiting_at_end.count, p.waiting_at_end.mean, p.waiting_at_end.max
            ),
        ));
    }
    rows.extend([
        (
            "CPU reserved (EC2, mean)",
            format!("{:.1} %", 100.0 * s.utilization.cpu_reserved_mean),
        ),
        (
            "memory reserved (EC2, mean)",
            format!("{:.1} %", 100.0 * s.utilization.memory_reserved_mean),
        ),
        (
            "instances mean / peak",
            format!("{:.1} / {}", s.instances.mean, s.instances.peak),
        ),
        (
            "cost EC2 / Fargate",
            format!("${:.2} / ${:.2}", s.cost_usd.ec2, s.cost_usd.fargate),
        ),
        ("cost total", format!("${:.2}", s.cost_usd.total)),
    ]);
    if let Some(c) = &s.commitments {
        // The On-Demand total above is what the usage would cost without commitments;
        // this is the bill with them, as `compare` reports it.
        rows.push((
            "cost with commitments",
            format!(
                "${:.2} ({}; commitments used {:.1} %, cover {:.1} %)",
                c.effective_cost_usd,
                savings(c.savings_usd),
                100.0 * c.utilization,
                100.0 * c.coverage
            ),
        ));
    }
    for (label, value) in rows {
        let _ = writeln!(out, "  {label:<34} {value}");
    }
    let r = &s.restart_latency_s.overall;
    if r.count > 0 {
        let value = format!(
            "{} / {:.2} s / {:.2} s / {:.2} s",
            r.count, r.mean, r.p95, r.max
        );
        let _ = writeln!(out, "  {:<34} {value}", "restarts / mean / p95 / max");
    }
    let c = &s.scaling;
    if c.service_scale_out_events + c.service_scale_in_events > 0 {
        let value = format!(
            "{} / {}",
            c.service_scale_out_events, c.service_scale_in_events
        );
        let _ = writeln!(out, "  {:<34} {value}", "service scale-outs / scale-ins");
    }
    if c.instance_launches + c.instance_terminations > 0 {
        let value = format!("{} / {}", c.instance_launches, c.instance_terminations);
        let _ = writeln!(out, "  {:<34} {value}", "instances launched / terminated");
    }
    if s.overload.task_seconds > 0.0 {
        let value = format!(
            "{:.0} task-s ({:.3} %)",
            s.overload.task_seconds,
            100.0 * s.overload.fraction
        );
        let _ = writeln!(out, "  {:<34} {value}", "overload (CPU > 100%)");
    }
    for (name, q) in &s.queues {
        let value = format!(
            "{:.1} s / {:.1} s / {:.1} s",
            q.oldest_message_age_s_mean, q.oldest_message_age_s_p95, q.oldest_message_age_s_max
        );
        let _ = writeln!(
            out,
            "  {:<34} {value}",
            format!("{name}: message age mean/p95/max")
        );
    }
    if !s.availability.services.is_empty() {
        let value = format!(
            "{:.5} / {:.5}",
            s.availability.min, s.availability_all_up.min
        );
        let _ = writeln!(out, "  {:<34} {value}", "availability tasks / all up (min)");
    }
    out
}

/// What commitments did to the bill, in cents as printed: "saves $1.20", "costs $0.01
/// more" (never "saves $-0.01"), or "saves nothing" when it rounds to zero either way.
fn savings(usd: f64) -> String {
    let cents = (usd * 100.0).round();
    if cents > 0.0 {
        format!("saves ${:.2}", cents / 100.0)
    } else if cents < 0.0 {
        format!("costs ${:.2} more", -cents / 100.0)
    } else {
        "saves nothing".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::savings;

    #[test]
    fn savings_read_as_money_saved_or_spent() {
        assert_eq!(savings(1.204), "saves $1.20");
        assert_eq!(savings(-0.006), "costs $0.01 more");
        assert_eq!(savings(-4.808), "costs $4.81 more");
        // Half a cent either way rounds to nothing: no "$-0.00".
        assert_eq!(savings(-0.004), "saves nothing");
        assert_eq!(savings(0.0), "saves nothing");
    }
}
