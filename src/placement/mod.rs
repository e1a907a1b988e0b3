//! Task placement as ECS does it: filter the instances that fit (CPU, GPUs, memory, host ports,
//! ENIs, subnet addresses), keep those the constraints allow, then rank the survivors by
//! the strategies in order, each later strategy breaking the earlier ones' ties. Ties that
//! survive every strategy go to the instance with the lowest random rank (fixed per
//! instance at launch), a reproducible random tie-break.
//!
//! A decision is pure: it reads the cluster and returns an instance or ECS's failure
//! reason; the caller applies it. The first strategy picks an index to walk (free CPU or
//! memory for binpack, tasks per instance for spread by instance, AZ or attribute levels
//! for spread by attribute, the ACTIVE list for random). Every index knows the most of
//! each resource free in each part of it and skips the parts that cannot hold the task,
//! so a decision, successful or not, costs O(log n) plus the run of tied entries, not a
//! scan of the cluster, whichever resource binds.
//!
//! A placement policy (`policies/`) ranks where a strategy would, by its own score; no
//! index knows that order, so a policy rule first in the chain scores every candidate
//! (`policy_rule.rs`), and after another rule it scores the run of instances tied there.

mod binpack;
mod constraints;
mod explain;
pub mod managed_instances;
pub mod policies;
mod policy_rule;
pub mod providers;
mod random;
pub mod scale_in;
pub mod scale_in_ranking;
mod spread;

pub use constraints::{FreshInstance, unsatisfiable_on_launch};
pub use explain::{explain, narrate_placement, narrate_refusal};

use crate::model::fit_tree::{FitTree, Need};
use crate::model::slot_tree::ShapeClass;
use crate::model::{
    Cluster, InstanceId, Placement, PlacementStrategy, PoolId, Resource, SpreadField,
    task::RejectReason,
};
use crate::rng::StreamRng;
use rand::Rng;
use std::cmp::Ordering;

/// What the task needs from an instance, and the rules it is placed by.
#[derive(Clone, Copy, Debug)]
pub struct PlacementRequest<'a> {
    /// CPU units the task reserves (1024 per vCPU).
    pub cpu: u32,
    /// Memory the task reserves, MiB.
    pub memory: u32,
    /// Whole GPUs the task needs free on one instance.
    pub gpu: u32,
    /// Static host ports the task binds.
    pub host_ports: &'a [u16],
    /// Whether the task takes an ENI (awsvpc).
    pub awsvpc: bool,
    /// Only instances of this pool (a capacity provider's Auto Scaling group).
    pub pool: Option<PoolId>,
    /// Its origin's strategies, constraints and task group.
    pub placement: &'a Placement,
}

impl<'a> PlacementRequest<'a> {
    /// What a task of `def` asks of an instance, placed by `placement`.
    pub fn for_task(
        def: &'a crate::model::TaskDef,
        pool: Option<PoolId>,
        placement: &'a Placement,
    ) -> PlacementRequest<'a> {
        let shape = def.shape();
        PlacementRequest {
            cpu: shape.cpu,
            memory: shape.memory,
            gpu: shape.gpu,
            host_ports: shape.host_ports,
            awsvpc: shape.awsvpc,
            pool,
            placement,
        }
    }

    /// The free amounts the task asks of one instance, as the slot index counts them.
    pub fn shape_class(&self) -> ShapeClass {
        ShapeClass {
            cpu: self.cpu,
            memory: self.memory,
            eni: u32::from(self.awsvpc),
            gpu: self.gpu,
        }
    }
}

/// Chooses an instance for the task, or says why none will do.
pub fn place(
    cluster: &Cluster,
    request: &PlacementRequest<'_>,
    rng: &mut StreamRng,
) -> Result<InstanceId, RejectReason> {
    choose_instance(cluster, request, rng).ok_or_else(|| reject_reason(cluster, request))
}

/// Why no instance takes the task: ECS's failure reason. A scan of the cluster, so callers
/// whose task just waits for capacity skip it.
pub fn reject_reason(cluster: &Cluster, request: &PlacementRequest<'_>) -> RejectReason {
    constraints::reject_reason(&Ctx {
        cluster,
        request,
        nonce: 0,
    })
}

/// Whether the instance has room for the task (the resource checks alone).
pub fn fits_on(cluster: &Cluster, request: &PlacementRequest<'_>, id: InstanceId) -> bool {
    constraints::fits(
        &Ctx {
            cluster,
            request,
            nonce: 0,
        },
        id,
    )
}

/// Whether the instance satisfies every `memberOf` constraint of `placement` (DAEMON
/// eligibility: `distinctInstance` says nothing about one task per instance).
pub fn member_of_all(cluster: &Cluster, placement: &Placement, id: InstanceId) -> bool {
    placement.constraints.iter().all(|c| match c {
        crate::model::PlacementConstraint::DistinctInstance => true,
        crate::model::PlacementConstraint::MemberOf(expr) => {
            expr.evaluate(&constraints::InstanceSubject { cluster, id })
        }
    })
}

/// Chooses an instance for the task, if any will do.
pub fn choose_instance(
    cluster: &Cluster,
    request: &PlacementRequest<'_>,
    rng: &mut StreamRng,
) -> Option<InstanceId> {
    if scores(request.placement) {
        return policy_rule::choose_instance(cluster, request, rng);
    }
    let uses_random = uses_random(request.placement);
    let ctx = Ctx {
        cluster,
        request,
        nonce: 0,
    };
    // A decision that cannot succeed draws nothing: a waiting task retried after a release
    // that cannot help it costs one look at the maxima and leaves the random stream as it
    // was, so later choices do not depend on how often hopeless retries happened.
    if draws_at_random(request.placement) && !room_anywhere(cluster, &ctx.need(Filter::ALL.azs)) {
        return None;
    }
    let ctx = Ctx {
        nonce: if uses_random { rng.random() } else { 0 },
        ..ctx
    };
    decide(&ctx, rng)
}

/// The decision once the context is set: the first rule picks the index to walk.
fn decide(ctx: &Ctx<'_>, rng: &mut StreamRng) -> Option<InstanceId> {
    match ctx.request.placement.strategies.split_first() {
        None => random::pick(ctx, Filter::ALL, rng),
        Some((first, rest)) => choose(ctx, *first, rest, Filter::ALL, rng),
    }
}

/// False only when no ACTIVE instance can have the room the task asks (free amounts, an AZ
/// and a pool it may use), as an index the cluster keeps tells at a glance: any decision
/// would refuse the task, and would draw nothing at random first. True when unsure.
pub fn may_have_room(cluster: &Cluster, request: &PlacementRequest<'_>) -> bool {
    let ctx = Ctx {
        cluster,
        request,
        nonce: 0,
    };
    cluster.may_admit(&ctx.need(Filter::ALL.azs))
}

/// Whether some ACTIVE instance has, by itself, the room `need` asks (free amounts, AZ,
/// pool). The slot index answers from its count of the task's shape, or from its maxima
/// down to the first such instance (every run whose placements draw at random keeps it);
/// without it a scan gives the same answer, so whether a draw follows never depends on
/// which indexes are kept.
fn room_anywhere(cluster: &Cluster, need: &Need) -> bool {
    match cluster.slot_index() {
        Some(slots) => slots.any_admits(need),
        None => cluster
            .active()
            .iter()
            .any(|&id| need.admits(&cluster.fit_of(id))),
    }
}

/// Whether a placement may draw an instance at random from the ACTIVE list (so the
/// cluster should keep its slot index): no strategy, `random`, or a spread over an
/// attribute with nothing after it to break ties.
pub fn draws_at_random(placement: &Placement) -> bool {
    match placement.strategies.last() {
        None | Some(PlacementStrategy::Spread(SpreadField::Attribute(_))) => true,
        Some(_) => uses_random(placement),
    }
}

// A match on the variant: `contains` compared whole strategies, attribute names included,
// on every decision.
fn uses_random(placement: &Placement) -> bool {
    placement
        .strategies
        .iter()
        .any(|s| matches!(s, PlacementStrategy::Random))
}

/// Whether a policy ranks in the chain: the placement lists the policies its rules name,
/// so one length, not a pass over the rules, tells (ECS's strategies pay nothing more per
/// decision for policies existing).
fn scores(placement: &Placement) -> bool {
    !placement.policies.is_empty()
}

/// Keeps only the indexes the placements of `requests` read: free CPU or free memory for a
/// binpack on it, the slot index for a random draw or a policy's scan, counting the
/// instances with the room for each shape that draws or is scored (each kept index costs
/// an update per placement and per stop).
/// `requests`: one per task definition an origin may place, with the origin's rules. Call
/// before adding instances.
pub fn keep_indexes_for<'p>(
    cluster: &mut Cluster,
    requests: impl Iterator<Item = PlacementRequest<'p>> + Clone,
) {
    let binpacks = |resource| {
        requests.clone().any(|r| {
            r.placement
                .strategies
                .contains(&PlacementStrategy::Binpack(resource))
        })
    };
    let drawing = requests
        .clone()
        .filter(|r| draws_at_random(r.placement) || scores(r.placement));
    let classes = drawing
        .clone()
        .next()
        .is_some()
        .then(|| drawing.map(|r| r.shape_class()));
    cluster.keep_indexes(binpacks(Resource::Cpu), binpacks(Resource::Memory), classes);
}

struct Ctx<'a> {
    cluster: &'a Cluster,
    request: &'a PlacementRequest<'a>,
    /// Per-decision salt for the random strategy's key when it follows another strategy.
    nonce: u64,
}

impl Ctx<'_> {
    /// What an index may skip: instances short of the task's CPU, GPUs, memory or ENI, outside
    /// its pool, or outside the AZs `azs` allows (and, for awsvpc tasks, those whose
    /// subnet has no address left).
    fn need(&self, azs: u32) -> Need {
        let r = self.request;
        let mut azs = azs;
        if r.awsvpc && self.cluster.azs.len() <= 32 {
            for (a, _) in self.cluster.azs.iter().enumerate() {
                if !self.cluster.subnet_has_ip(crate::model::AzId(a as u32)) {
                    azs &= !(1 << a);
                }
            }
        }
        let pools = r.pool.map_or(u32::MAX, |p| 1 << (p.0 % 32));
        Need {
            tags: u64::from(azs) | (u64::from(pools) << 32),
            ..r.shape_class().as_need()
        }
    }

    fn feasible(&self, id: InstanceId) -> bool {
        constraints::fits(self, id) && constraints::allowed(self, id)
    }

    /// `feasible` for an instance an index has already admitted under `need`: when the
    /// index's test is the whole resource check (no host ports, no awsvpc, pools told
    /// apart by their tag bits), the instance record is not read again, which was the
    /// largest cost of a walk past many candidates.
    fn feasible_once_admitted(&self, id: InstanceId) -> bool {
        let r = self.request;
        let exact = r.host_ports.is_empty() && !r.awsvpc && self.cluster.pools.len() <= 32;
        (exact || constraints::fits(self, id)) && constraints::allowed(self, id)
    }

    /// The strategy's ranking key for an instance: lower ranks first.
    fn key(&self, strategy: PlacementStrategy, id: InstanceId) -> u64 {
        match strategy {
            PlacementStrategy::Binpack(resource) => {
                u64::from(binpack::free(self.cluster, id, resource))
            }
            PlacementStrategy::Spread(field) => u64::from(spread::count(self, field, id)),
            // Keyed by launch number, not slot: slots are reused, and what an instance is
            // drawn against must not depend on which slot it took.
            PlacementStrategy::Random => {
                random::key(self.nonce, InstanceId(self.cluster.instance(id).launch))
            }
            PlacementStrategy::Policy(rule) => policy_rule::key(self.policy_score(rule, id).0),
        }
    }

    fn compare(&self, rules: &[PlacementStrategy], a: InstanceId, b: InstanceId) -> Ordering {
        rules
            .iter()
            .map(|rule| self.key(*rule, a).cmp(&self.key(*rule, b)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

/// Which instances a nested strategy may choose from: those `check` accepts. `azs` is a
/// superset of their AZs (bit = AZ index mod 32) that lets the indexes skip the rest.
#[derive(Clone, Copy)]
struct Filter<'f> {
    azs: u32,
    check: Option<&'f dyn Fn(InstanceId) -> bool>,
}

impl Filter<'_> {
    const ALL: Filter<'static> = Filter {
        azs: u32::MAX,
        check: None,
    };

    fn allows(&self, id: InstanceId) -> bool {
        self.check.is_none_or(|check| check(id))
    }
}

fn choose(
    ctx: &Ctx<'_>,
    first: PlacementStrategy,
    rest: &[PlacementStrategy],
    filter: Filter<'_>,
    rng: &mut StreamRng,
) -> Option<InstanceId> {
    match first {
        PlacementStrategy::Random => random::pick(ctx, filter, rng),
        PlacementStrategy::Policy(rule) => policy_rule::best(ctx, rule, rest, filter),
        PlacementStrategy::Binpack(resource) => {
            match binpack::candidates(ctx.cluster, resource, ctx.request) {
                Some((index, from)) => best_of_first_run(ctx, index, from, rest, filter),
                None => scan_best(ctx, first, rest, filter),
            }
        }
        PlacementStrategy::Spread(SpreadField::InstanceId) => {
            match spread::instance_candidates(ctx) {
                Some(index) => best_of_first_run(ctx, index, 0, rest, filter),
                None => scan_best(ctx, first, rest, filter),
            }
        }
        PlacementStrategy::Spread(SpreadField::Attribute(key)) => spread::by_levels(
            ctx,
            key,
            filter,
            &mut |level_filter| match rest.split_first() {
                None => random::pick(ctx, level_filter, rng),
                Some((next, after)) => choose(ctx, *next, after, level_filter, rng),
            },
        ),
    }
}

/// Walks an index in ascending (key, rank) order from `from`, past the instances that
/// cannot hold the task. The first feasible entry fixes the best primary key (the key's
/// high half); the rest of its run of equal keys is ranked by the later strategies.
fn best_of_first_run(
    ctx: &Ctx<'_>,
    index: &FitTree,
    from: u64,
    rest: &[PlacementStrategy],
    filter: Filter<'_>,
) -> Option<InstanceId> {
    let mut best: Option<(u32, InstanceId)> = None;
    index.walk(from, &ctx.need(filter.azs), &mut |key, id| {
        let (primary, id) = ((key >> 32) as u32, InstanceId(id));
        if best.is_some_and(|(best_primary, _)| primary != best_primary) {
            return false;
        }
        if !filter.allows(id) || !ctx.feasible_once_admitted(id) {
            return true;
        }
        match best {
            None => {
                best = Some((primary, id));
                !rest.is_empty()
            }
            Some((p, current)) => {
                if ctx.compare(rest, id, current) == Ordering::Less {
                    best = Some((p, id));
                }
                true
            }
        }
    });
    best.map(|(_, id)| id)
}

/// The exact lexicographic best over every ACTIVE instance: the fallback when no index
/// serves the first strategy.
fn scan_best(
    ctx: &Ctx<'_>,
    first: PlacementStrategy,
    rest: &[PlacementStrategy],
    filter: Filter<'_>,
) -> Option<InstanceId> {
    // Ranks are unique in a run, so the launch number never decides; it keeps the order
    // total without reading the slot.
    let rank = |id: InstanceId| {
        let inst = ctx.cluster.instance(id);
        (inst.rank, inst.launch)
    };
    ctx.cluster
        .active()
        .iter()
        .copied()
        .filter(|id| filter.allows(*id) && ctx.feasible(*id))
        .min_by(|a, b| {
            ctx.key(first, *a)
                .cmp(&ctx.key(first, *b))
                .then_with(|| ctx.compare(rest, *a, *b))
                .then_with(|| rank(*a).cmp(&rank(*b)))
        })
}

#[cfg(test)]
mod index_tests;
#[cfg(test)]
mod tests;
