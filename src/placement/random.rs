//! random: any feasible instance, uniformly.
//!
//! Three passes; whichever of them chooses, the choice is uniform over the feasible
//! instances F:
//! 1. up to `REJECTION_TRIES` draws over every ACTIVE position;
//! 2. up to `SHAPE_TRIES` draws over the positions S whose own free amounts hold the
//!    task's shape (CPU, memory, ENI, GPUs; any AZ and pool), counted by the slot index;
//! 3. one reservoir pass over F.
//!
//! Why uniform: a draw uniform over a set containing F, kept only if it lands in F, gives
//! each member of F the same chance (1 / |set|) and the rest nothing, so once kept it is
//! uniform over F; every F ⊆ S since a feasible instance has the room for its shape. Draws
//! that miss fall through to the next, independent, try and finally to the exact pass, so
//! whichever pass chooses, the choice is uniform over F, and so is their mixture.
//!
//! Pass 1 is the original rule: where it succeeds, outputs are those of earlier versions.
//! Pass 2 is what keeps a saturated cluster fast: F is small next to the cluster, pass 1
//! misses, and the reservoir draws once per instance of F, while a draw over S costs one
//! descent of the slot index (S is F or close to it when nothing but room binds).
//!
//! Which instance a seed yields never depends on which indexes the cluster keeps: without
//! the slot index, or for a shape it does not count, pass 2 lists S by a pass instead.

use super::{Ctx, Filter};
use crate::model::InstanceId;
use crate::model::slot_tree::SlotTree;
use crate::rng::StreamRng;
use rand::Rng;

/// Draws before scanning: when most instances are feasible a few draws find one in O(1).
const REJECTION_TRIES: usize = 32;

/// Draws among the instances with the room: enough that a set S where at least one in four
/// is feasible (a constraint or a filter to one of three AZs) misses them all about one
/// time in a hundred.
const SHAPE_TRIES: usize = 16;

/// The positions whose own free amounts hold the task's shape, in position order.
enum WithRoom<'c> {
    /// Counted by the slot index: class `.1`.
    Counted(&'c SlotTree, usize),
    /// Listed by a pass, for a shape the slot index does not count.
    Listed(Vec<usize>),
}

impl WithRoom<'_> {
    fn len(&self) -> usize {
        match self {
            WithRoom::Counted(slots, class) => slots.count(*class),
            WithRoom::Listed(positions) => positions.len(),
        }
    }

    fn nth(&self, r: usize) -> usize {
        match self {
            WithRoom::Counted(slots, class) => slots.nth_admitting(*class, r),
            WithRoom::Listed(positions) => positions[r],
        }
    }
}

fn with_room<'c>(ctx: &Ctx<'c>) -> WithRoom<'c> {
    let class = ctx.request.shape_class();
    let need = class.as_need();
    let cluster = ctx.cluster;
    match cluster.slot_index() {
        Some(slots) => match slots.class_index(&class) {
            Some(k) => WithRoom::Counted(slots, k),
            None => {
                let mut positions = Vec::new();
                slots.walk(&need, &mut |pos| {
                    positions.push(pos);
                    true
                });
                WithRoom::Listed(positions)
            }
        },
        None => WithRoom::Listed(
            (0..cluster.active().len())
                .filter(|pos| need.admits(&cluster.fit_of(cluster.active()[*pos])))
                .collect(),
        ),
    }
}

pub(super) fn pick(ctx: &Ctx<'_>, filter: Filter<'_>, rng: &mut StreamRng) -> Option<InstanceId> {
    let active = ctx.cluster.active();
    if active.is_empty() {
        return None;
    }
    let need = ctx.need(filter.azs);
    let slots = ctx.cluster.slot_index();
    // Nothing the filter's AZs leave has the room: no draw, as for a hopeless decision as
    // a whole, which `choose_instance` has already ruled out when the filter keeps every AZ.
    if filter.azs != Filter::ALL.azs && !super::room_anywhere(ctx.cluster, &need) {
        return None;
    }
    // `admitted`: the slot index has already checked the instance's free amounts.
    let feasible = |id: InstanceId, admitted: bool| {
        filter.allows(id)
            && if admitted {
                ctx.feasible_once_admitted(id)
            } else {
                ctx.feasible(id)
            }
    };
    // Whether the instance at `pos` is feasible: the slot index's record first, when kept.
    let accepts = |pos: usize| {
        slots.is_none_or(|s| need.admits(&s.get(pos))) && feasible(active[pos], slots.is_some())
    };
    for _ in 0..REJECTION_TRIES {
        let pos = rng.random_range(0..active.len());
        if accepts(pos) {
            return Some(active[pos]);
        }
    }
    let with_room = with_room(ctx);
    let count = with_room.len();
    let tries = if count > 0 { SHAPE_TRIES } else { 0 };
    for _ in 0..tries {
        let pos = with_room.nth(rng.random_range(0..count));
        if accepts(pos) {
            return Some(active[pos]);
        }
    }
    // Few feasible instances: one pass of reservoir sampling keeps the choice uniform. The
    // slot index visits only the instances that may fit, in the same list order.
    let mut chosen = None;
    let mut seen = 0u32;
    let mut consider = |id: InstanceId, admitted: bool| {
        if feasible(id, admitted) {
            seen += 1;
            if rng.random_range(0..seen) == 0 {
                chosen = Some(id);
            }
        }
        true
    };
    match slots {
        Some(slots) => slots.walk(&need, &mut |pos| consider(active[pos], true)),
        None => {
            for &id in active {
                consider(id, false);
            }
        }
    }
    chosen
}

/// A per-decision random key, for `random` after another strategy.
pub(super) fn key(nonce: u64, id: InstanceId) -> u64 {
    let mut z = nonce ^ u64::from(id.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
