//! Placement in words, for the narrated trace: which instances survived each filter, how
//! the strategies ranked the survivors, which were tied and how the tie was broken, and
//! why a task that fits nowhere waits. Only called when tracing, so it may scan the
//! cluster and allocate freely.

use super::constraints::{self, first_shortfall};
use super::{Ctx, PlacementRequest};
use crate::model::task::RejectReason;
use crate::model::{Cluster, InstanceId, PlacementStrategy, Resource, SpreadField};
use std::fmt::Write;

/// Instance names listed in full up to this many; longer lists are counted.
const NAMES_SHOWN: usize = 6;
/// Candidate lines at the detail level, so a large cluster stays readable.
const CANDIDATES_SHOWN: usize = 20;

/// The one-line reason kept for compatibility with terse callers: the strategies' view of
/// the chosen instance.
pub fn explain(cluster: &Cluster, request: &PlacementRequest<'_>, chosen: InstanceId) -> String {
    let ctx = ctx(cluster, request);
    let mut out = String::new();
    if request.placement.strategies.is_empty() {
        out.push_str("random: any instance that fits, chosen uniformly");
    }
    for (i, strategy) in request.placement.strategies.iter().enumerate() {
        if i > 0 {
            out.push_str(", then ");
        }
        out.push_str(&key_words(&ctx, *strategy, chosen));
    }
    if !request.placement.constraints.is_empty() {
        out.push_str("; constraints met");
    }
    out
}

fn ctx<'a>(cluster: &'a Cluster, request: &'a PlacementRequest<'a>) -> Ctx<'a> {
    Ctx {
        cluster,
        request,
        nonce: 0,
    }
}

/// The narration of one placement: the filter funnel with counts, then each strategy's
/// ranking of the survivors, the ties it left and the tie-break. Lines after the first
/// are indented continuation lines. With `detail`, one line per candidate follows.
pub fn narrate_placement(
    cluster: &Cluster,
    request: &PlacementRequest<'_>,
    chosen: InstanceId,
    detail: bool,
) -> Vec<String> {
    let ctx = ctx(cluster, request);
    let survivors: Vec<InstanceId> = cluster
        .active()
        .iter()
        .copied()
        .filter(|id| constraints::fits(&ctx, *id) && constraints::allowed(&ctx, *id))
        .collect();
    let mut lines = vec![format!("  filters: {}", funnel(&ctx))];
    let mut tied = survivors;
    for strategy in request.placement.strategies.iter() {
        if tied.len() <= 1 {
            break;
        }
        let best = tied.iter().map(|id| ctx.key(*strategy, *id)).min();
        let before = tied.len();
        let keep: Vec<InstanceId> = match strategy {
            // random ranks nothing: it picks among whatever is left.
            PlacementStrategy::Random => tied.clone(),
            _ => tied
                .iter()
                .copied()
                .filter(|id| Some(ctx.key(*strategy, *id)) == best)
                .collect(),
        };
        let chosen_key = short_key(&ctx, *strategy, chosen);
        let name = rule_name(&ctx, *strategy);
        let line = match (strategy, keep.len()) {
            (PlacementStrategy::Random, n) => {
                format!("  random: {n} candidates, one drawn uniformly")
            }
            (_, 1) => format!("  {name}: the best of {before} has {chosen_key}"),
            (_, n) => format!(
                "  {name}: {n} of {before} tied at the best, {chosen_key}: {}",
                names(cluster, &keep)
            ),
        };
        lines.push(line);
        tied = keep;
    }
    if request.placement.strategies.is_empty() && tied.len() > 1 {
        lines.push(format!(
            "  no strategy: any of the {} that fit, drawn uniformly at random",
            tied.len()
        ));
    } else if tied.len() > 1 {
        lines.push(format!(
            "  tie-break: {} → {}",
            tie_break(&ctx, chosen),
            cluster.instance(chosen).ec2_instance_id
        ));
    }
    if detail {
        lines.extend(candidate_lines(&ctx, chosen));
    }
    lines
}

/// How ties that survive every strategy are broken, in the words of what the code does.
fn tie_break(ctx: &Ctx<'_>, chosen: InstanceId) -> &'static str {
    let placement = ctx.request.placement;
    match placement.strategies.last() {
        Some(PlacementStrategy::Spread(SpreadField::Attribute(_)))
        | Some(PlacementStrategy::Random) => "drawn uniformly at random among the tied",
        Some(PlacementStrategy::Policy(rule))
            if placement.strategies.len() == 1
                && placement.policies[*rule]
                    .policy
                    .perfect()
                    .is_some_and(|p| ctx.policy_score(*rule, chosen).0 >= p) =>
        {
            "a perfect score, taken at the first such instance in the cluster's ACTIVE order"
        }
        _ => {
            "the tied instance with the lowest random rank (each instance draws one at launch, so ties fall randomly yet reproducibly)"
        }
    }
}

/// The filter funnel: ACTIVE instances (of the provider's group), then how many pass each
/// check in ECS's order. Checks the task does not need are left out.
fn funnel(ctx: &Ctx<'_>) -> String {
    let r = ctx.request;
    let c = ctx.cluster;
    let mut left: Vec<InstanceId> = c.active().to_vec();
    let mut out = String::new();
    let _ = write!(out, "{} ACTIVE", left.len());
    let mut step = |label: &str, keep: &dyn Fn(InstanceId) -> bool, left: &mut Vec<InstanceId>| {
        left.retain(|id| keep(*id));
        let _ = write!(out, " → {} {label}", left.len());
    };
    if let Some(pool) = r.pool {
        step(
            "in the provider's group",
            &|id| c.instance(id).pool == pool,
            &mut left,
        );
    }
    step(
        "with the CPU",
        &|id| c.instance(id).cpu_free >= r.cpu,
        &mut left,
    );
    if r.gpu > 0 {
        step(
            "with the GPUs",
            &|id| c.instance(id).gpu_free >= r.gpu,
            &mut left,
        );
    }
    step(
        "with the memory",
        &|id| c.instance(id).memory_free >= r.memory,
        &mut left,
    );
    if !r.host_ports.is_empty() {
        step(
            "with the host ports free",
            &|id| c.instance(id).ports_free(r.host_ports),
            &mut left,
        );
    }
    if r.awsvpc {
        step(
            "with an ENI free",
            &|id| c.instance(id).eni_free > 0,
            &mut left,
        );
        step(
            "with a subnet address",
            &|id| c.subnet_has_ip(c.instance(id).az),
            &mut left,
        );
    }
    if !r.placement.constraints.is_empty() {
        step(
            "meeting the constraints",
            &|id| constraints::allowed(ctx, id),
            &mut left,
        );
    }
    out
}

/// Why no instance takes the task, summarized over every ACTIVE instance, e.g.
/// "of 4 ACTIVE: 3 short of CPU, 1 of host ports".
pub fn narrate_refusal(cluster: &Cluster, request: &PlacementRequest<'_>) -> String {
    let ctx = ctx(cluster, request);
    let mut counts = [0u32; 8];
    for &id in cluster.active() {
        let slot = match first_shortfall(&ctx, cluster.instance(id)) {
            Some(r) => refusal_slot(r),
            None if !constraints::allowed(&ctx, id) => 6,
            None => 7,
        };
        counts[slot] += 1;
    }
    if cluster.active().is_empty() {
        return "no ACTIVE instance in the cluster".to_string();
    }
    let words = [
        "outside the provider's group",
        "short of CPU",
        "short of GPUs",
        "short of memory",
        "with the host port taken",
        "out of ENIs",
        "ruled out by the constraints",
        "free (yet not chosen)",
    ];
    let parts: Vec<String> = counts
        .iter()
        .zip(words)
        .filter(|(n, _)| **n > 0)
        .map(|(n, w)| format!("{n} {w}"))
        .collect();
    format!(
        "of {} ACTIVE instances: {}",
        cluster.active().len(),
        parts.join(", ")
    )
}

fn refusal_slot(r: RejectReason) -> usize {
    match r {
        RejectReason::NoInstances => 0,
        RejectReason::Cpu => 1,
        RejectReason::Gpu => 2,
        RejectReason::Memory => 3,
        RejectReason::Ports => 4,
        // An awsvpc task needs an ENI and a subnet address; both are "out of ENIs" to a learner.
        RejectReason::Eni | RejectReason::SubnetIps => 5,
        _ => 6,
    }
}

/// One line per ACTIVE instance: what it has free and whether it passed.
fn candidate_lines(ctx: &Ctx<'_>, chosen: InstanceId) -> Vec<String> {
    let c = ctx.cluster;
    let active = c.active();
    let mut out: Vec<String> = active
        .iter()
        .take(CANDIDATES_SHOWN)
        .map(|&id| {
            let inst = c.instance(id);
            let verdict = match first_shortfall(ctx, inst) {
                Some(r) => format!("refused: {}", r.as_str()),
                None if !constraints::allowed(ctx, id) => "refused: constraints".to_string(),
                None if id == chosen => format!("fits{} — CHOSEN", policy_scores(ctx, id)),
                None => format!("fits{}", policy_scores(ctx, id)),
            };
            // GPUs only for a task that asks for them, so other traces read as before.
            let gpus = if ctx.request.gpu > 0 {
                format!(", {} GPU", inst.gpu_free)
            } else {
                String::new()
            };
            format!(
                "    {} ({}): {} CPU units, {} MiB{gpus}, {} ENI free, rank {}: {verdict}",
                inst.ec2_instance_id,
                c.azs[inst.az.index()],
                inst.cpu_free,
                inst.memory_free,
                inst.eni_free,
                inst.rank
            )
        })
        .collect();
    if active.len() > CANDIDATES_SHOWN {
        out.push(format!(
            "    … and {} more",
            active.len() - CANDIDATES_SHOWN
        ));
    }
    out
}

/// What each policy of the chain scores a candidate, e.g. ", policy(tetris) score 0.41";
/// empty for a chain of ECS strategies alone, so their traces read as before.
fn policy_scores(ctx: &Ctx<'_>, id: InstanceId) -> String {
    let mut out = String::new();
    for s in &ctx.request.placement.strategies {
        if let PlacementStrategy::Policy(rule) = *s {
            let _ = write!(
                out,
                ", {} {}",
                rule_name(ctx, *s),
                policy_score_words(ctx, rule, id)
            );
        }
    }
    out
}

fn strategy_name(cluster: &Cluster, s: PlacementStrategy) -> String {
    match s {
        PlacementStrategy::Binpack(Resource::Cpu) => "binpack(cpu)".to_string(),
        PlacementStrategy::Binpack(Resource::Memory) => "binpack(memory)".to_string(),
        PlacementStrategy::Spread(SpreadField::InstanceId) => "spread(instanceId)".to_string(),
        PlacementStrategy::Spread(SpreadField::Attribute(k)) => {
            format!("spread({})", cluster.spread_keys[k])
        }
        PlacementStrategy::Random => "random".to_string(),
        PlacementStrategy::Policy(_) => "policy".to_string(),
    }
}

/// `policy(<name>)`, or the plain strategy name.
fn rule_name(ctx: &Ctx<'_>, s: PlacementStrategy) -> String {
    match s {
        PlacementStrategy::Policy(rule) => {
            format!("policy({})", ctx.request.placement.policies[rule].name)
        }
        _ => strategy_name(ctx.cluster, s),
    }
}

/// A score as the trace prints it: at most four decimals, no trailing zeros, so integer
/// scores (Kubernetes') read as integers.
fn score_words(score: f64) -> String {
    if score.is_nan() {
        return "NaN (the worst)".to_string();
    }
    let text = format!("{score:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// A policy's score for an instance, marked when the policy drew at random for it (the
/// trace draws again, so such a score need not be the one the decision saw).
fn policy_score_words(ctx: &Ctx<'_>, rule: usize, id: InstanceId) -> String {
    let (score, drawn) = ctx.policy_score(rule, id);
    let drawn = if drawn {
        " (drawn at random again for the trace)"
    } else {
        ""
    };
    format!("score {}{drawn}", score_words(score))
}

/// The strategy's key for an instance, briefly: "4915 MiB left after placing".
fn short_key(ctx: &Ctx<'_>, strategy: PlacementStrategy, id: InstanceId) -> String {
    let c = ctx.cluster;
    let r = ctx.request;
    let inst = c.instance(id);
    let group = &c.group_names[r.placement.group.index()];
    let n = ctx.key(strategy, id);
    match strategy {
        PlacementStrategy::Binpack(Resource::Cpu) => {
            format!(
                "{} CPU units left after placing",
                inst.cpu_free.saturating_sub(r.cpu)
            )
        }
        PlacementStrategy::Binpack(Resource::Memory) => {
            format!(
                "{} MiB left after placing",
                inst.memory_free.saturating_sub(r.memory)
            )
        }
        PlacementStrategy::Spread(SpreadField::InstanceId) => {
            format!("{n} {group} task(s) on the instance")
        }
        PlacementStrategy::Spread(SpreadField::Attribute(k)) => format!(
            "{n} {group} task(s) in {} {}",
            c.spread_keys[k], c.attribute_values[k][inst.attribute_values[k] as usize]
        ),
        PlacementStrategy::Random => "a random draw".to_string(),
        PlacementStrategy::Policy(rule) => policy_score_words(ctx, rule, id),
    }
}

/// What one strategy sees in an instance, for the headline: "binpack(memory): 4915 MiB
/// left after placing, the least".
fn key_words(ctx: &Ctx<'_>, strategy: PlacementStrategy, id: InstanceId) -> String {
    let short = short_key(ctx, strategy, id);
    match strategy {
        PlacementStrategy::Binpack(_) => {
            format!(
                "{}: {short}, the least",
                strategy_name(ctx.cluster, strategy)
            )
        }
        PlacementStrategy::Spread(_) => format!("spread: {short}, the fewest"),
        PlacementStrategy::Random => "random".to_string(),
        PlacementStrategy::Policy(_) => {
            format!("{}: {short}, the highest", rule_name(ctx, strategy))
        }
    }
}

fn names(cluster: &Cluster, ids: &[InstanceId]) -> String {
    let shown: Vec<&str> = ids
        .iter()
        .take(NAMES_SHOWN)
        .map(|id| cluster.instance(*id).ec2_instance_id.as_str())
        .collect();
    let mut out = shown.join(", ");
    if ids.len() > NAMES_SHOWN {
        let _ = write!(out, " and {} more", ids.len() - NAMES_SHOWN);
    }
    out
}
