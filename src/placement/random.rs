//! random: any feasible instance, uniformly.

use super::{Ctx, Filter};
use crate::model::InstanceId;
use crate::rng::StreamRng;
use rand::Rng;

/// Draws before scanning: when most instances are feasible a few draws find one in O(1).
const REJECTION_TRIES: usize = 32;

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
    for _ in 0..REJECTION_TRIES {
        let pos = rng.random_range(0..active.len());
        if slots.is_some_and(|s| !need.admits(&s.get(pos))) {
            continue;
        }
        if feasible(active[pos], slots.is_some()) {
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
