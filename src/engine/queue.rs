//! A binary heap keyed by (time, class, sequence), packed into one `u128` so a comparison
//! is a single integer compare on the hot path.

use super::Event;
use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Sequence numbers occupy the low 56 bits of the key; 2^56 schedules per run is beyond any
/// horizon we simulate (it would take years at 10 M events/s).
const SEQ_BITS: u32 = 56;

struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    // Reversed: `BinaryHeap` is a max-heap and we want the earliest key first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Pending events, earliest first. Ties resolve by event class, then by scheduling order.
///
/// A binary heap: `schedule` and `pop` are O(log n) in the events pending, `peek_time`
/// O(1); nothing allocates once the heap has grown to the run's peak.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
    /// The time of the last event popped: nothing may be scheduled before it.
    now: SimTime,
}

impl<E: Event> EventQueue<E> {
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            next_seq: 0,
            now: SimTime::ZERO,
        }
    }

    /// Queues `event` at `at`, which must not be before the last event popped: an event
    /// in the past would run out of order, so debug builds reject it.
    pub fn schedule(&mut self, at: SimTime, event: E) {
        debug_assert!(
            at >= self.now,
            "an event scheduled at {at}, before the current time {}",
            self.now
        );
        let key = (u128::from(at.0) << 64)
            | (u128::from(event.class()) << SEQ_BITS)
            | u128::from(self.next_seq & ((1u64 << SEQ_BITS) - 1));
        self.next_seq += 1;
        self.heap.push(Entry { key, event });
    }

    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let entry = self.heap.pop()?;
        self.now = SimTime((entry.key >> 64) as u64);
        Some((self.now, entry.event))
    }

    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap
            .peek()
            .map(|entry| SimTime((entry.key >> 64) as u64))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
