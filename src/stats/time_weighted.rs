//! Time average of a piecewise-constant signal (queue length, busy CPUs,
//! running tasks), with a movable window start so warm-up is excluded.

/// Integral, mean and maximum of a step signal over a window, fed the value at each change
/// with millisecond timestamps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeWeighted {
    window_start_ms: u64,
    last_ms: u64,
    value: f64,
    /// ∫ value dt over [window_start, last], in value·ms.
    area: f64,
    max: f64,
}

impl TimeWeighted {
    /// Starts observing at `start_ms` with `initial` as the current value.
    pub fn new(start_ms: u64, initial: f64) -> Self {
        Self {
            window_start_ms: start_ms,
            last_ms: start_ms,
            value: initial,
            area: 0.0,
            max: initial,
        }
    }

    /// Records that the signal changes to `new_value` at `now_ms`.
    /// A `now_ms` earlier than the previous update is treated as the previous
    /// time: events are processed in time order, so this only absorbs
    /// same-instant reorderings instead of subtracting area.
    pub fn update(&mut self, now_ms: u64, new_value: f64) {
        self.advance(now_ms);
        self.value = new_value;
        self.max = self.max.max(new_value);
    }

    /// Discards everything accumulated so far and starts a fresh window at
    /// `start_ms`, keeping the current value (e.g. at the end of warm-up).
    pub fn reset_window(&mut self, start_ms: u64) {
        let start = start_ms.max(self.last_ms);
        self.window_start_ms = start;
        self.last_ms = start;
        self.area = 0.0;
        self.max = self.value;
    }

    /// Time-average over [window start, `end_ms`]. For an empty window the
    /// limit of the average — the current value — is returned.
    pub fn mean(&self, end_ms: u64) -> f64 {
        let end = end_ms.max(self.last_ms);
        let span = end - self.window_start_ms;
        if span == 0 {
            return self.value;
        }
        self.integral(end) / span as f64
    }

    /// ∫ value dt over [window start, `end_ms`] in value·milliseconds.
    pub fn integral(&self, end_ms: u64) -> f64 {
        let tail = end_ms.saturating_sub(self.last_ms) as f64;
        self.area + self.value * tail
    }

    /// The value in force since the last update.
    pub fn current(&self) -> f64 {
        self.value
    }

    /// Largest value seen in the current window.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// Where the window begins: `new`'s start, or the later of `reset_window`'s argument and
    /// the last update.
    pub fn window_start_ms(&self) -> u64 {
        self.window_start_ms
    }

    fn advance(&mut self, now_ms: u64) {
        if now_ms > self.last_ms {
            self.area += self.value * (now_ms - self.last_ms) as f64;
            self.last_ms = now_ms;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrates_steps() {
        let mut tw = TimeWeighted::new(0, 0.0);
        tw.update(10, 2.0); // 0 for 10ms
        tw.update(30, 1.0); // 2 for 20ms
        assert!((tw.mean(40) - (0.0 * 10.0 + 2.0 * 20.0 + 1.0 * 10.0) / 40.0).abs() < 1e-12);
        assert_eq!(tw.integral(40), 50.0);
        assert_eq!(tw.max(), 2.0);
    }

    #[test]
    fn warm_up_is_excluded() {
        let mut tw = TimeWeighted::new(0, 100.0);
        tw.update(50, 4.0);
        tw.reset_window(60);
        assert_eq!(tw.mean(60), 4.0);
        tw.update(70, 0.0);
        assert!((tw.mean(80) - 2.0).abs() < 1e-12);
        assert_eq!(tw.max(), 4.0);
    }

    #[test]
    fn out_of_order_times_are_clamped() {
        let mut tw = TimeWeighted::new(100, 1.0);
        tw.update(90, 3.0);
        assert_eq!(tw.mean(100), 3.0);
        assert_eq!(tw.mean(50), 3.0);
        tw.update(110, 0.0);
        assert!((tw.mean(110) - 3.0).abs() < 1e-12);
    }
}
