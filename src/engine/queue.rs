//! A four-way heap keyed by (time, class, sequence), packed into one `u128` so a comparison
//! is a single integer compare on the hot path.

use super::Event;
use crate::time::SimTime;

/// Sequence numbers occupy the low 56 bits of the key; 2^56 schedules per run is beyond any
/// horizon we simulate (it would take years at 10 M events/s).
const SEQ_BITS: u32 = 56;

#[derive(Clone, Copy)]
struct Entry<E> {
    key: u128,
    event: E,
}

/// Children per heap node: a four-way heap is half as deep as a binary one, and a node's
/// four children share one or two cache lines, so a pop does fewer dependent loads.
const ARITY: usize = 4;

/// Pending events, earliest first. Ties resolve by event class, then by scheduling order.
///
/// A four-way min-heap: `schedule` and `pop` are O(log n) in the events pending,
/// `peek_time` O(1); nothing allocates once the heap has grown to the run's peak. Keys are
/// unique (they end in a sequence number), so the pop order is the same as any other
/// priority queue's.
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    /// The root was popped and its place not yet refilled (`heap[0]` is stale). Most
    /// events schedule one more: that entry then goes straight into the root's place with
    /// one sift down, where refilling the root at the pop and adding at the bottom cost a
    /// sift down and a sift up.
    hole: bool,
    next_seq: u64,
    /// The time of the last event popped: nothing may be scheduled before it.
    now: SimTime,
}

impl<E: Event> EventQueue<E> {
    /// An empty queue at time zero with room for `capacity` pending events before it grows.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: Vec::with_capacity(capacity),
            hole: false,
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
        let entry = Entry { key, event };
        if self.hole {
            self.hole = false;
            self.sift_down_from_root(entry);
            return;
        }
        // Sift up through a hole: each parent that must move down is copied once, and the
        // new entry is written once where it belongs (a swap per level copied both).
        let mut i = self.heap.len();
        self.heap.push(entry);
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if self.heap[parent].key <= key {
                break;
            }
            self.heap[i] = self.heap[parent];
            i = parent;
        }
        self.heap[i] = entry;
    }

    /// Removes and returns the earliest event with its time (by class, then scheduling order,
    /// among events due at the same time), and advances the queue's clock to that time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.fill_hole();
        let top = *self.heap.first()?;
        self.hole = true;
        self.now = SimTime((top.key >> 64) as u64);
        Some((self.now, top.event))
    }

    /// Pops the earliest event if it is due by `until` (inclusive). One look at the root,
    /// where a `peek_time` then a `pop` would search the open root's children first.
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        self.fill_hole();
        let top = self.heap.first()?;
        if (top.key >> 64) as u64 > until.0 {
            return None;
        }
        self.pop()
    }

    /// Puts the last entry in the popped root's place.
    fn fill_hole(&mut self) {
        if !self.hole {
            return;
        }
        self.hole = false;
        let last = self.heap.pop().expect("a hole is a place in the heap");
        if !self.heap.is_empty() {
            self.sift_down_from_root(last);
        }
    }

    /// Puts `entry` where the root was, moving the least child up into the hole until
    /// `entry` is no greater than its children.
    fn sift_down_from_root(&mut self, entry: Entry<E>) {
        let heap = &mut self.heap[..];
        let len = heap.len();
        let mut hole = 0;
        loop {
            let first = ARITY * hole + 1;
            let least = if first + ARITY <= len {
                // A full node, the usual case: the least of four as a tournament of index
                // arithmetic, so the comparisons become conditional moves rather than
                // branches that random keys would mispredict half the time.
                let pair = |a: usize| a + usize::from(heap[a + 1].key < heap[a].key);
                let (left, right) = (pair(first), pair(first + 2));
                if heap[right].key < heap[left].key {
                    right
                } else {
                    left
                }
            } else if first < len {
                let mut least = first;
                for c in first + 1..len {
                    if heap[c].key < heap[least].key {
                        least = c;
                    }
                }
                least
            } else {
                break;
            };
            if heap[least].key >= entry.key {
                break;
            }
            heap[hole] = heap[least];
            hole = least;
        }
        heap[hole] = entry;
    }

    /// When the earliest pending event is due, without removing it; `None` if none is pending.
    pub fn peek_time(&self) -> Option<SimTime> {
        // Under a hole the earliest entry is the least of the root's children.
        let earliest = if self.hole {
            let children = &self.heap[1..self.heap.len().min(1 + ARITY)];
            children.iter().map(|entry| entry.key).min()
        } else {
            self.heap.first().map(|entry| entry.key)
        };
        earliest.map(|key| SimTime((key >> 64) as u64))
    }

    /// How many events are pending.
    pub fn len(&self) -> usize {
        self.heap.len() - usize::from(self.hole)
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    struct Ev(u8, u32);
    impl Event for Ev {
        fn class(&self) -> u8 {
            self.0
        }
    }

    proptest! {
        /// Against a sort by (time, class, scheduling order), with pops interleaved.
        #[test]
        fn pops_in_time_class_then_schedule_order(
            // Fewer pops than schedules, so heaps grow several levels deep.
            ops in proptest::collection::vec((0u64..50, 0u8..4, proptest::bool::weighted(0.35)), 0..300),
        ) {
            let mut q: EventQueue<Ev> = EventQueue::with_capacity(4);
            let mut model: Vec<(u64, u8, u32)> = Vec::new();
            let mut now = 0u64;
            for (n, (dt, class, pop)) in ops.into_iter().enumerate() {
                model.sort();
                prop_assert_eq!(q.peek_time().map(|t| t.0), model.first().map(|m| m.0));
                prop_assert_eq!(q.len(), model.len());
                if pop {
                    // Half the pops are bounded: at `now + dt`, the earliest is due or not.
                    let bound = (dt % 2 == 1).then_some(now + dt / 2);
                    let due = model.first().is_some_and(|m| bound.is_none_or(|b| m.0 <= b));
                    let expect = if due { Some(model.remove(0)) } else { None };
                    let got = match bound {
                        Some(b) => q.pop_until(SimTime(b)),
                        None => q.pop(),
                    }
                    .map(|(t, e)| (t.0, e.0, e.1));
                    prop_assert_eq!(got, expect);
                    if let Some((t, _, _)) = got {
                        now = t;
                    }
                } else {
                    q.schedule(SimTime(now + dt), Ev(class, n as u32));
                    model.push((now + dt, class, n as u32));
                }
            }
            // Then drained: whatever is left comes out in order, and the queue ends empty.
            model.sort();
            for expect in model {
                prop_assert!(!q.is_empty());
                prop_assert_eq!(q.peek_time().map(|t| t.0), Some(expect.0));
                prop_assert_eq!(q.pop().map(|(t, e)| (t.0, e.0, e.1)), Some(expect));
            }
            prop_assert!(q.is_empty());
            prop_assert_eq!(q.len(), 0);
            prop_assert_eq!(q.peek_time(), None);
            prop_assert!(q.pop().is_none());
        }
    }
}
