//! Queue-backed workers (the SQS pattern): messages arrive into a queue, each running task
//! consumes at a fixed rate, and the service scales on backlog per task.
//!
//! The queue is fluid (message counts are real numbers) and first-in first-out. Between two
//! calls the arrival and consumption rates are constant, so the state at the end of each
//! span is exact: whatever remains is the most recent arrivals, which gives the oldest
//! message's age without tracking messages one by one. The simulation calls
//! [`FluidQueue::advance`] whenever the running count changes and at every scaling tick.
//!
//! The scaling metric is AWS's recommended one: visible messages divided by running tasks,
//! tracked against `acceptable latency × per-task rate` (how much backlog one task clears
//! within the latency you accept).

use super::target_tracking::{TargetTrackingPolicy, TrackedMetric};
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

/// `count` messages that arrived evenly over `[from_ms, to_ms]` (a burst has from = to).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Segment {
    from_ms: f64,
    to_ms: f64,
    count: f64,
}

#[derive(Clone, Debug, PartialEq)]
/// A FIFO message queue with real-valued counts: messages in, consumed by the running tasks.
pub struct FluidQueue {
    segments: VecDeque<Segment>,
    last: SimTime,
    arrived: f64,
    consumed: f64,
}

impl FluidQueue {
    /// An empty queue whose first span starts at `start`.
    pub fn new(start: SimTime) -> Self {
        FluidQueue {
            segments: VecDeque::new(),
            last: start,
            arrived: 0.0,
            consumed: 0.0,
        }
    }

    /// Advances to `now`: messages arrived at `arrival_per_s` and were consumed at
    /// `consume_per_s` (running tasks × per-task rate) since the last call. A `now` before
    /// the last call changes nothing.
    pub fn advance(&mut self, now: SimTime, arrival_per_s: f64, consume_per_s: f64) {
        if now <= self.last {
            return;
        }
        let (t0, t1) = (self.last.0 as f64, now.0 as f64);
        let dt = (t1 - t0) / 1000.0;
        let arrivals = arrival_per_s.max(0.0) * dt;
        if arrivals > 0.0 {
            self.push(Segment {
                from_ms: t0,
                to_ms: t1,
                count: arrivals,
            });
        }
        // FIFO with constant rates: either the queue never empties and consumption runs at
        // capacity, or it empties and then keeps pace with arrivals; both are this minimum.
        let capacity = consume_per_s.max(0.0) * dt;
        self.pop(capacity.min(self.depth()));
        self.last = now;
    }

    /// `count` messages arriving at once at `now` (after advancing to `now`).
    pub fn add_burst(&mut self, now: SimTime, count: f64) {
        if count > 0.0 {
            let t = now.max(self.last).0 as f64;
            self.push(Segment {
                from_ms: t,
                to_ms: t,
                count,
            });
        }
    }

    /// Messages waiting.
    pub fn depth(&self) -> f64 {
        self.segments.iter().map(|s| s.count).sum()
    }

    /// Age of the oldest waiting message at `now`; zero when the queue is empty.
    pub fn oldest_age(&self, now: SimTime) -> SimDuration {
        match self.segments.front() {
            Some(s) => SimDuration::from_millis((now.0 as f64 - s.from_ms).max(0.0).round() as u64),
            None => SimDuration::ZERO,
        }
    }

    /// Messages that have arrived so far.
    pub fn total_arrived(&self) -> f64 {
        self.arrived
    }

    /// Messages consumed so far.
    pub fn total_consumed(&self) -> f64 {
        self.consumed
    }

    fn push(&mut self, seg: Segment) {
        self.arrived += seg.count;
        // Merge with the previous span when it continues at the same density, so a queue
        // advanced every second does not grow a segment per second.
        if let Some(back) = self.segments.back_mut() {
            let (bw, sw) = (back.to_ms - back.from_ms, seg.to_ms - seg.from_ms);
            if back.to_ms == seg.from_ms && bw > 0.0 && sw > 0.0 {
                let (bd, sd) = (back.count / bw, seg.count / sw);
                if (bd - sd).abs() <= 1e-9 * bd.max(sd) {
                    back.to_ms = seg.to_ms;
                    back.count += seg.count;
                    return;
                }
            }
        }
        self.segments.push_back(seg);
    }

    fn pop(&mut self, mut amount: f64) {
        self.consumed += amount;
        while amount > 0.0 {
            let Some(front) = self.segments.front_mut() else {
                break;
            };
            // Leftovers below a millionth of a message are float dust, not messages.
            if front.count <= amount + 1e-6 {
                amount -= front.count;
                self.segments.pop_front();
            } else {
                let fraction = amount / front.count;
                front.from_ms += fraction * (front.to_ms - front.from_ms);
                front.count -= amount;
                amount = 0.0;
            }
        }
    }
}

/// Backlog per task, the scaling metric. With no running task the whole backlog counts as
/// one task's (INFERRED: so a service scaled to zero still sees a breach and scales out,
/// instead of dividing by zero).
pub fn backlog_per_task(depth: f64, running: u32) -> f64 {
    depth / f64::from(running.max(1))
}

/// The backlog one task may hold: what it clears within the acceptable latency.
pub fn backlog_target(acceptable_latency: SimDuration, per_task_per_s: f64) -> f64 {
    acceptable_latency.as_secs_f64() * per_task_per_s
}

/// A target-tracking policy on backlog per task, with the service defaults.
pub fn backlog_policy(
    acceptable_latency: SimDuration,
    per_task_per_s: f64,
) -> TargetTrackingPolicy {
    TargetTrackingPolicy::new(
        TrackedMetric::BacklogPerTask,
        backlog_target(acceptable_latency, per_task_per_s),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaling::target_tracking::{CooldownState, Proposal, ServiceView};

    fn s(secs: f64) -> SimTime {
        SimTime((secs * 1000.0) as u64)
    }

    #[test]
    fn backlog_grows_and_drains_first_in_first_out() {
        let mut q = FluidQueue::new(SimTime::ZERO);
        // 10 msg/s in, 2 tasks × 3 msg/s out: 4 msg/s pile up.
        q.advance(s(10.0), 10.0, 6.0);
        assert!((q.depth() - 40.0).abs() < 1e-9);
        // The 40 left are the last 4 seconds of arrivals.
        assert_eq!(q.oldest_age(s(10.0)), SimDuration::from_secs(4));
        // 4 tasks: 12 msg/s out. In 5 s: 50 arrive, 60 leave: the old 40 and the first
        // 20 of the new 50 (2 s worth), so the oldest left arrived at 12 s.
        q.advance(s(15.0), 10.0, 12.0);
        assert!((q.depth() - 30.0).abs() < 1e-9);
        assert_eq!(q.oldest_age(s(15.0)), SimDuration::from_secs(3));
        // 15 s more drains it: 150 + 30 arrive-or-wait, 180 capacity.
        q.advance(s(30.0), 10.0, 12.0);
        assert!(q.depth().abs() < 1e-9);
        assert_eq!(q.oldest_age(s(30.0)), SimDuration::ZERO);
        assert!((q.total_arrived() - 300.0).abs() < 1e-9);
        assert!((q.total_consumed() - 300.0).abs() < 1e-9);
    }

    #[test]
    fn a_stopped_consumer_lets_age_grow_and_bursts_queue_behind() {
        let mut q = FluidQueue::new(SimTime::ZERO);
        q.add_burst(SimTime::ZERO, 100.0);
        q.advance(s(60.0), 0.0, 0.0);
        assert_eq!(q.oldest_age(s(60.0)), SimDuration::from_secs(60));
        // One task at 1 msg/s clears 50 of the burst in 50 s.
        q.advance(s(110.0), 0.0, 1.0);
        assert!((q.depth() - 50.0).abs() < 1e-9);
        assert_eq!(q.oldest_age(s(110.0)), SimDuration::from_secs(110));
    }

    #[test]
    fn spans_at_the_same_rate_merge() {
        let mut q = FluidQueue::new(SimTime::ZERO);
        for k in 1..=3600 {
            q.advance(s(k as f64), 5.0, 4.0);
        }
        assert_eq!(q.segments.len(), 1);
        assert!((q.depth() - 3600.0).abs() < 1e-6);
        // 3600 left of 18000 arrived: the last 720 s.
        assert_eq!(q.oldest_age(s(3600.0)), SimDuration::from_secs(720));
    }

    #[test]
    fn backlog_per_task_drives_target_tracking() {
        // Accept 10 s of latency at 3 msg/s per task: 30 messages per task.
        let p = backlog_policy(SimDuration::from_secs(10), 3.0);
        assert_eq!(p.target, 30.0);
        // 240 waiting over 4 tasks is 60 each: ceil(4 × 60 / 30) = 8 tasks.
        let m = backlog_per_task(240.0, 4);
        assert_eq!(m, 60.0);
        let dp = [Some(m); 3];
        let v = ServiceView {
            now: SimTime(180_000),
            desired: 4,
            running: 4,
            min: 0,
            max: 20,
            datapoints: &dp,
            scale_in_allowed: true,
        };
        assert_eq!(p.propose(&v, &CooldownState::default()), Proposal::Out(8));
        assert_eq!(backlog_per_task(25.0, 0), 25.0);
    }
}
