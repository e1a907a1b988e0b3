//! The service scheduler: keeps each service at its desired count, chooses which tasks go
//! on scale-in, throttles restarts after repeated start failures, and reacts when one of
//! its tasks reaches RUNNING or stops. `lifecycle` moves tasks through their states and
//! hands each change here when a service owns the task.

use super::Simulation;
use crate::metrics::Recorder;
use crate::time::SimTime;

impl<R: Recorder> Simulation<'_, R> {
    /// Origin `o`'s task began serving: counts (and with them availability), then load.
    pub(super) fn task_starts_serving(&mut self, o: usize, now: SimTime) {
        self.origins[o].counts.task_up(now);
        if o < self.scaling.len() {
            self.load_update(o, now);
        }
    }

    /// Origin `o`'s task stopped serving (stopped, hung or deregistering).
    pub(super) fn task_stops_serving(&mut self, o: usize, now: SimTime) {
        self.origins[o].counts.task_down(now);
        if o < self.scaling.len() {
            self.load_update(o, now);
        }
    }
}
