//! Fargate's task launch rate: a token bucket per account and Region, one for On-Demand
//! and one for Spot, each holding `burst` tokens (100) and refilled at `per_second` (20)
//! (ecs-current §4.5, [DG-throttling]); a run stands for the account and Region.
//!
//! A launch beyond the bucket is throttled; the service scheduler retries its own
//! launches, and a standalone RunTask caller is taken to retry as the AWS SDKs do on a
//! ThrottlingException. Both are modelled as retrying exactly when the next token is
//! free (INFERRED: no retry backoff), so the bucket is kept as a schedule, the generic
//! cell rate algorithm: a virtual time `tat` moves on by one token's time per launch, and a
//! launch may go at `tat − (burst − 1) × token time` at the earliest. 300 launches at 0 s
//! with (100, 20/s): the 100 first at 0 s, then one every 50 ms, the 300th at 10 s.

use crate::model::LaunchRate;
use crate::time::{SimDuration, SimTime};

/// One bucket's schedule.
#[derive(Clone, Debug)]
pub(super) struct LaunchBucket {
    /// Milliseconds one token takes to refill.
    token_ms: f64,
    /// How far ahead of `tat` a launch may go: the burst less the one it takes.
    tolerance_ms: f64,
    /// The theoretical arrival time of the next launch, ms (fractional: 20/s is 50 ms,
    /// but 30/s is 33.3 ms a token).
    tat_ms: f64,
}

impl LaunchBucket {
    pub fn new(rate: &LaunchRate) -> LaunchBucket {
        let token_ms = 1000.0 / rate.per_second;
        LaunchBucket {
            token_ms,
            tolerance_ms: f64::from(rate.burst.saturating_sub(1)) * token_ms,
            tat_ms: 0.0,
        }
    }

    /// Takes a token for a launch asked for at `now`: how long the launch waits for it.
    pub fn take(&mut self, now: SimTime) -> SimDuration {
        let now_ms = now.as_millis() as f64;
        let at = (self.tat_ms - self.tolerance_ms).max(now_ms);
        self.tat_ms = self.tat_ms.max(now_ms) + self.token_ms;
        SimDuration::from_millis((at.ceil() - now_ms) as u64)
    }
}

/// The two buckets of a run, when the scenario limits the launch rate.
pub(super) struct FargateLaunchRate {
    /// [On-Demand, Spot]; `None` without a limit.
    buckets: Option<[LaunchBucket; 2]>,
}

impl FargateLaunchRate {
    pub fn new(rate: Option<&LaunchRate>) -> FargateLaunchRate {
        FargateLaunchRate {
            buckets: rate.map(|r| [LaunchBucket::new(r), LaunchBucket::new(r)]),
        }
    }

    /// How long a Fargate (`spot`: Fargate Spot) launch asked for at `now` is throttled.
    pub fn take(&mut self, spot: bool, now: SimTime) -> SimDuration {
        match &mut self.buckets {
            Some(b) => b[usize::from(spot)].take(now),
            None => SimDuration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(burst: u32, per_second: f64) -> LaunchBucket {
        LaunchBucket::new(&LaunchRate { burst, per_second })
    }

    #[test]
    fn three_hundred_at_once_go_a_hundred_then_twenty_a_second() {
        // Burst 100, 20/s: tokens 1–100 at 0 s; token 100 + k refills k × 50 ms later, so
        // launch 101 waits 50 ms, launch 120 waits 20 × 50 = 1,000 ms and launch 300
        // waits 200 × 50 = 10,000 ms.
        let mut b = bucket(100, 20.0);
        let waits: Vec<u64> = (0..300)
            .map(|_| b.take(SimTime::ZERO).as_millis())
            .collect();
        assert!(waits[..100].iter().all(|w| *w == 0));
        assert_eq!(waits[100], 50);
        assert_eq!(waits[119], 1_000);
        assert_eq!(waits[299], 10_000);
    }

    #[test]
    fn the_bucket_refills_while_idle_up_to_its_burst() {
        // 100 at 0 s empty it; by 5 s it holds 5 × 20 = 100 again (never more), so 100
        // more go at once at 5 s and the 101st waits one token, 50 ms.
        let mut b = bucket(100, 20.0);
        for _ in 0..100 {
            b.take(SimTime::ZERO);
        }
        let at = SimTime(5_000);
        assert!((0..100).all(|_| b.take(at) == SimDuration::ZERO));
        assert_eq!(b.take(at).as_millis(), 50);
        // An hour idle refills it to 100, not 72,000: 100 free, the 101st waits.
        let later = SimTime(3_605_000);
        assert!((0..100).all(|_| b.take(later) == SimDuration::ZERO));
        assert_eq!(b.take(later).as_millis(), 50);
    }

    #[test]
    fn a_steady_rate_at_the_refill_rate_never_waits() {
        // One launch every 50 ms is exactly the refill: no launch ever waits.
        let mut b = bucket(1, 20.0);
        assert!((0..1000).all(|i| b.take(SimTime(i * 50)) == SimDuration::ZERO));
        // A rate of 30/s rounds each wait up to the millisecond: with burst 1, two at
        // 0 s, the second waits 1000/30 = 33.3 ms → 34 ms.
        let mut b = bucket(1, 30.0);
        assert_eq!(b.take(SimTime::ZERO), SimDuration::ZERO);
        assert_eq!(b.take(SimTime::ZERO).as_millis(), 34);
    }

    #[test]
    fn on_demand_and_spot_have_a_bucket_each() {
        let mut r = FargateLaunchRate::new(Some(&LaunchRate {
            burst: 1,
            per_second: 20.0,
        }));
        assert_eq!(r.take(false, SimTime::ZERO), SimDuration::ZERO);
        assert_eq!(r.take(true, SimTime::ZERO), SimDuration::ZERO);
        assert_eq!(r.take(false, SimTime::ZERO).as_millis(), 50);
        let mut off = FargateLaunchRate::new(None);
        assert!((0..1000).all(|_| off.take(false, SimTime::ZERO) == SimDuration::ZERO));
    }
}
