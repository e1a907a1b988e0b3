//! A service's desired and running counts together with the availability integrals they
//! drive. The counts can change only through these methods, and each one advances the
//! integrals with the counts that held until now before changing anything, so no caller
//! can change a count and forget the availability it measures.

use crate::time::SimTime;

/// Availability integrals over the measurement window, advanced at every count change.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct AvailabilityIntegrals {
    /// Time with running ≥ desired.
    pub ok_ms: u64,
    /// ∫ min(running, desired) ÷ desired dt (dt while desired is 0).
    pub served_ms: f64,
    /// ∫ (desired − running)⁺ dt: task-time missing.
    pub short_task_ms: u64,
}

#[derive(Clone, Debug)]
pub(super) struct ServiceCounts {
    desired: u32,
    running: u32,
    window_start: SimTime,
    /// Integrated up to here.
    last: SimTime,
    integrals: AvailabilityIntegrals,
}

impl ServiceCounts {
    /// Counts that start at `desired` and 0 running, measured from `window_start` (the end
    /// of the warm-up).
    pub fn new(desired: u32, window_start: SimTime) -> ServiceCounts {
        ServiceCounts {
            desired,
            running: 0,
            window_start,
            last: SimTime::ZERO,
            integrals: AvailabilityIntegrals::default(),
        }
    }

    pub fn desired(&self) -> u32 {
        self.desired
    }

    /// Tasks RUNNING and serving (not hung, not STOPPING through a deregistration).
    pub fn running(&self) -> u32 {
        self.running
    }

    pub fn set_desired(&mut self, desired: u32, now: SimTime) {
        self.advance(now);
        self.desired = desired;
    }

    /// A task started serving.
    pub fn task_up(&mut self, now: SimTime) {
        self.advance(now);
        self.running += 1;
    }

    /// A serving task stopped serving (stopped, hung, or deregistering).
    pub fn task_down(&mut self, now: SimTime) {
        self.advance(now);
        self.running -= 1;
    }

    /// The integrals up to `now` (the horizon, when the summary reads them).
    pub fn integrals_at(&mut self, now: SimTime) -> AvailabilityIntegrals {
        self.advance(now);
        self.integrals
    }

    fn advance(&mut self, now: SimTime) {
        let from = self.last.max(self.window_start);
        if now > from {
            let dt = now.since(from).as_millis();
            let a = &mut self.integrals;
            if self.running >= self.desired {
                a.ok_ms += dt;
                a.served_ms += dt as f64;
            } else {
                a.short_task_ms += u64::from(self.desired - self.running) * dt;
                a.served_ms += dt as f64 * f64::from(self.running) / f64::from(self.desired);
            }
        }
        self.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_of_three_running_for_half_the_window_is_five_sixths_served() {
        // Window [10 s, 30 s]: 3/3 running for 10 s, then 2/3 for 10 s.
        let mut c = ServiceCounts::new(3, SimTime(10000));
        for _ in 0..3 {
            c.task_up(SimTime(5000));
        }
        c.task_down(SimTime(20000));
        let a = c.integrals_at(SimTime(30000));
        assert_eq!(a.ok_ms, 10_000);
        assert_eq!(a.short_task_ms, 10_000);
        // 10 s × 1 + 10 s × 2/3 = 16.667 s.
        assert!(
            (a.served_ms - 16_666.666_666).abs() < 1e-3,
            "{}",
            a.served_ms
        );
    }

    #[test]
    fn warm_up_time_is_not_counted() {
        let mut c = ServiceCounts::new(1, SimTime(100000));
        c.set_desired(2, SimTime(50000));
        let a = c.integrals_at(SimTime(100000));
        assert_eq!(a, AvailabilityIntegrals::default());
    }
}
