//! Narrated trace lines that need more than one field of the simulation: who a task is,
//! how its placement was decided, what its startup is made of, why it waits. Called only
//! when the recorder is tracing, so nothing here costs an untraced run anything.

use super::Simulation;
use super::origins::OriginState;
use crate::metrics::Recorder;
use crate::model::{InstanceId, SimConfig, Target};
use crate::placement::{self, PlacementRequest};
use crate::time::SimDuration;

/// "task 12 (service web)".
pub(super) fn who(id: u64, origin: &OriginState, config: &SimConfig) -> String {
    format!("task {id} ({} {})", origin.kind, origin.name(config))
}

/// The placement of an EC2 task: a headline, then the funnel and the ranking (see
/// `placement::narrate_placement`). A DAEMON task is not ranked: it comes with its instance.
pub(super) fn placement(
    cluster: &crate::model::Cluster,
    request: &PlacementRequest<'_>,
    chosen: InstanceId,
    who: &str,
    daemon: bool,
    detail: bool,
) -> Vec<String> {
    let inst = cluster.instance(chosen);
    let az = &cluster.azs[inst.az.index()];
    if daemon {
        return vec![format!(
            "{who} placed on {} ({az}): DAEMON scheduling, one task on every ACTIVE instance that meets its memberOf constraints; no strategy ranks instances",
            inst.ec2_instance_id
        )];
    }
    let mut lines = vec![format!(
        "{who} placed on {} ({az}): {}",
        inst.ec2_instance_id,
        placement::explain(cluster, request, chosen)
    )];
    lines.extend(placement::narrate_placement(
        cluster, request, chosen, detail,
    ));
    lines
}

/// "  startup: ENI attach 5 s + image pull 8 s (300 MB) + container start 2 s = 15 s".
pub(super) fn startup(
    provisioning: SimDuration,
    provisioning_name: &str,
    pull: SimDuration,
    image_mb: f64,
    cached: Option<&str>,
    start: SimDuration,
) -> String {
    let mut parts = Vec::new();
    if provisioning > SimDuration::ZERO {
        parts.push(format!("{provisioning_name} {}", secs(provisioning)));
    }
    parts.push(match cached {
        Some(why) => format!("image {why}, no pull"),
        None => format!("image pull {} ({image_mb} MB)", secs(pull)),
    });
    parts.push(format!("container start {}", secs(start)));
    let total = provisioning + pull + start;
    format!(
        "  startup: {} = RUNNING in {}",
        parts.join(" + "),
        secs(total)
    )
}

/// The service's scaling policies in words (what `why` names).
pub(super) fn scaling_rule(service: &crate::model::ServiceSpec, why: &str) -> String {
    use crate::scaling::target_tracking::TrackedMetric;
    let Some(auto) = &service.scaling.auto_scaling else {
        return why.to_string();
    };
    if why != "auto scaling" {
        return format!("{why} (bounds min {}, max {})", auto.min, auto.max);
    }
    let metric = |m: TrackedMetric| match m {
        TrackedMetric::Cpu => "CPU",
        TrackedMetric::Memory => "memory",
        TrackedMetric::BacklogPerTask => "backlog per task",
    };
    let mut rules: Vec<String> = auto
        .target_tracking
        .iter()
        .map(|p| {
            format!(
                "target tracking {} at {}{}: out after {} of {} datapoints above, to ceil(desired × metric / target); in after {} of {} below {:.0}%",
                metric(p.metric),
                p.target,
                if p.metric == TrackedMetric::BacklogPerTask { "" } else { "%" },
                p.scale_out_datapoints.0,
                p.scale_out_datapoints.1,
                p.scale_in_datapoints.0,
                p.scale_in_datapoints.1,
                p.target * p.scale_in_threshold_ratio
            )
        })
        .collect();
    rules.extend(auto.step_scaling.iter().map(|(m, p)| {
        format!(
            "step scaling on {} (alarm at {}, {} of {} datapoints)",
            metric(*m),
            p.alarm.threshold,
            p.alarm.datapoints_to_alarm,
            p.alarm.evaluation_periods
        )
    }));
    format!(
        "{}; within min {} and max {}",
        rules.join("; "),
        auto.min,
        auto.max
    )
}

fn secs(d: SimDuration) -> String {
    format!("{} s", d.as_secs_f64())
}

impl<R: Recorder> Simulation<'_, R> {
    /// Why a waiting EC2 task fits nowhere, summarized over the cluster (empty for Fargate).
    pub(super) fn refusal_words(&self, slot: u32) -> String {
        let task = self.tasks.get(slot);
        let pool = match task.target {
            Target::Ec2 => None,
            Target::Pool(p) => Some(p),
            Target::Fargate { .. } => return String::new(),
        };
        let def = &self.config.task_defs[task.task_def.index()];
        let o = self.origins.id(task.origin);
        let request = PlacementRequest::for_task(def, pool, self.origins[o].placement(self.config));
        format!(" — {}", placement::narrate_refusal(&self.cluster, &request))
    }
}
