//! Simulated time: integer milliseconds, so event order never depends on float rounding.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// An instant on the simulated clock, in milliseconds since the run began.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of simulated time, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of the run.
    pub const ZERO: SimTime = SimTime(0);
    /// Later than any real instant: the time of something that never happens.
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// Milliseconds since the run began.
    pub fn as_millis(self) -> u64 {
        self.0
    }
    /// Seconds since the run began, with the milliseconds as the fraction.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
    /// Time elapsed since `earlier`, zero if `earlier` is later (never negative).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// Whole seconds; saturates rather than overflows.
    pub fn from_secs(secs: u64) -> Self {
        SimDuration(secs.saturating_mul(1000))
    }
    /// Whole milliseconds.
    pub fn from_millis(ms: u64) -> Self {
        SimDuration(ms)
    }
    /// Rounds to the nearest millisecond; negative and NaN inputs become zero, huge ones saturate.
    pub fn from_secs_f64(secs: f64) -> Self {
        if secs.is_nan() || secs <= 0.0 {
            return SimDuration::ZERO;
        }
        let ms = secs * 1000.0;
        if ms >= u64::MAX as f64 {
            SimDuration(u64::MAX)
        } else {
            SimDuration(round_half_up(ms))
        }
    }
    /// The span in milliseconds.
    pub fn as_millis(self) -> u64 {
        self.0
    }
    /// The span in seconds, with the milliseconds as the fraction.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

/// `x.round() as u64` for a finite `0 <= x < 2^64`, without the C library call `round` is
/// on targets without SSE4.1 (one per sampled duration, a few per cent of a queueing run).
/// Exact: below 2^53 the fraction `x - trunc(x)` is representable, and above every value
/// is an integer already.
#[inline]
fn round_half_up(x: f64) -> u64 {
    // Through `i64`, which converts to and from `f64` in one instruction each (`u64` takes
    // several); every duration we sample is far below 2^63.
    if x < 9_223_372_036_854_775_808.0 {
        let whole = x as i64;
        // Branch-free: the fraction is as likely above a half as below it.
        (whole + i64::from(x - whole as f64 >= 0.5)) as u64
    } else {
        x as u64
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        self.0 = self.0.saturating_add(rhs.0);
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.since(rhs)
    }
}

impl fmt::Display for SimTime {
    /// `HH:MM:SS.mmm` (hours keep counting past 24), the format of the narrated trace.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 1000;
        let s = self.0 / 1000;
        write!(
            f,
            "{:02}:{:02}:{:02}.{:03}",
            s / 3600,
            (s / 60) % 60,
            s % 60,
            ms
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_secs_f64_rounds_and_clamps() {
        assert_eq!(SimDuration::from_secs_f64(1.2345), SimDuration(1235));
        assert_eq!(SimDuration::from_secs_f64(-3.0), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(1e300), SimDuration(u64::MAX));
    }

    /// The values where rounding is easiest to get wrong: the largest double below a half,
    /// halves where doubles are half-integers at most, and the top of the range.
    #[test]
    fn rounds_the_hard_cases_like_the_standard_library() {
        let two52 = 4_503_599_627_370_496.0_f64;
        for x in [
            0.0,
            0.499_999_999_999_999_94,
            0.5,
            1.5,
            2.5,
            two52 + 0.5,
            two52 * 2.0 - 0.5,
            two52 * 2.0,
            9_223_372_036_854_775_808.0,
            18_446_744_073_709_549_568.0,
        ] {
            assert_eq!(round_half_up(x), x.round() as u64, "x = {x}");
        }
    }

    proptest::proptest! {
        /// Against the standard library's rounding, over the whole range a duration takes,
        /// with halves and values next to them drawn often.
        #[test]
        fn rounds_like_the_standard_library(
            whole in 0u64..(1u64 << 60),
            frac in proptest::sample::select(vec![0.0, 0.25, 0.4999999999999999, 0.5, 0.5000000000000001, 0.75, 0.999]),
            any in 0.0f64..1.8e19,
        ) {
            for x in [whole as f64 + frac, any, (whole % 1_000_000) as f64 + frac] {
                proptest::prop_assert_eq!(round_half_up(x), x.round() as u64, "x = {}", x);
            }
        }
    }

    #[test]
    fn display_is_clock_like() {
        assert_eq!(SimTime(90_061_005).to_string(), "25:01:01.005");
    }
}
