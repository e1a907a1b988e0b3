//! A policy rule in the strategy chain: no index knows a policy's order, so every candidate
//! ECS's filters and constraints leave is scored, O(candidates) per decision. With the
//! slot index (kept for every placement that names a policy) the walk skips the parts of
//! the ACTIVE list where no instance has the room; without it, it passes every ACTIVE
//! instance. Both visit candidates in ACTIVE order, so a perfect score stops both at the
//! same instance.

use super::{Ctx, Filter, PlacementRequest};
use crate::model::policy::{Ask, Candidate, PolicyRng, Resources};
use crate::model::{Cluster, InstanceId};
use crate::rng::StreamRng;
use rand::Rng;
use std::cmp::Ordering;

impl Ctx<'_> {
    /// The score the placement's `rule`-th policy gives `id`, and whether the policy drew
    /// at random for it. Not inlined: `Ctx::key`, which ECS's strategies call on every
    /// tie, stays as small as before.
    #[inline(never)]
    pub(super) fn policy_score(&self, rule: usize, id: InstanceId) -> (f64, bool) {
        let r = self.request;
        let ask = Ask {
            need: Resources {
                cpu: r.cpu,
                memory: r.memory,
                gpus: r.gpu,
                enis: u32::from(r.awsvpc),
            },
            host_ports: r.host_ports,
            group: &self.cluster.group_names[r.placement.group.index()],
        };
        let candidate = Candidate::new(self.cluster, id, r.placement.group);
        let mut rng = PolicyRng::new(self.nonce, rule, self.cluster.instance(id).launch);
        let score = r.placement.policies[rule]
            .policy
            .score(&ask, &candidate, &mut rng);
        (score, rng.drawn())
    }
}

/// `placement::choose_instance` for a chain with a policy in it, apart so that ECS's
/// strategies alone keep their own path. A hopeless decision draws nothing, as for a
/// random draw; any other is handed a draw, the seed of the policies' `PolicyRng`s.
#[inline(never)]
pub(super) fn choose_instance(
    cluster: &Cluster,
    request: &PlacementRequest<'_>,
    rng: &mut StreamRng,
) -> Option<InstanceId> {
    let ctx = Ctx {
        cluster,
        request,
        nonce: 0,
    };
    if !super::room_anywhere(cluster, &ctx.need(Filter::ALL.azs)) {
        return None;
    }
    let ctx = Ctx {
        nonce: rng.random(),
        ..ctx
    };
    super::decide(&ctx, rng)
}

/// A score as a ranking key, lower first like every strategy's key: the order of the
/// scores reversed, NaN the worst of all, −0 equal to 0.
pub(super) fn key(score: f64) -> u64 {
    let score = if score.is_nan() {
        f64::NEG_INFINITY
    } else if score == 0.0 {
        0.0
    } else {
        score
    };
    // The IEEE 754 bits, made to sort as the numbers do, then reversed.
    let bits = score.to_bits();
    let ascending = if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    };
    !ascending
}

/// The best candidate under policy `rule` first, then `rest`, then the random rank; or,
/// when the policy is the whole chain, the first candidate with a perfect score. Not
/// inlined, so `choose` stays as small as before for ECS's strategies.
#[inline(never)]
pub(super) fn best(
    ctx: &Ctx<'_>,
    rule: usize,
    rest: &[crate::model::PlacementStrategy],
    filter: Filter<'_>,
) -> Option<InstanceId> {
    let policy = &ctx.request.placement.policies[rule].policy;
    // A perfect candidate may still lose to another perfect one on a later rule; after an
    // earlier rule (levels of a spread) the policy ranks part of the cluster, and stopping
    // there would make the rule depend on which path an earlier rule took.
    let perfect = if ctx.request.placement.strategies.len() == 1 {
        policy.perfect()
    } else {
        None
    };
    let rank = |id: InstanceId| {
        let inst = ctx.cluster.instance(id);
        (inst.rank, inst.launch)
    };
    let mut best: Option<(u64, InstanceId)> = None;
    let mut taken = None;
    // `admitted`: the slot index has checked the instance's free amounts. Returns whether
    // to go on.
    let mut consider = |id: InstanceId, admitted: bool| {
        let feasible = if admitted {
            ctx.feasible_once_admitted(id)
        } else {
            ctx.feasible(id)
        };
        if !filter.allows(id) || !feasible {
            return true;
        }
        let (score, _) = ctx.policy_score(rule, id);
        if perfect.is_some_and(|p| score >= p) {
            taken = Some(id);
            return false;
        }
        let k = key(score);
        let better = best.is_none_or(|(best_key, current)| {
            k.cmp(&best_key)
                .then_with(|| ctx.compare(rest, id, current))
                .then_with(|| rank(id).cmp(&rank(current)))
                == Ordering::Less
        });
        if better {
            best = Some((k, id));
        }
        true
    };
    let active = ctx.cluster.active();
    match ctx.cluster.slot_index() {
        Some(slots) => slots.walk(&ctx.need(filter.azs), &mut |pos| {
            consider(active[pos], true)
        }),
        None => {
            for &id in active {
                if !consider(id, false) {
                    break;
                }
            }
        }
    }
    taken.or(best.map(|(_, id)| id))
}
