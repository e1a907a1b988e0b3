//! Hung tasks and health checks.
//!
//! A task of a service with `hung_after` stops answering that long after RUNNING. From
//! then on it is RUNNING to ECS but no longer serving: it leaves the service's running
//! count (availability, load, timeseries) and is not healthy for deployments. Only a
//! health check finds it: see [`crate::model::HealthCheck::detection`] — the container is
//! UNHEALTHY at the first check at or after the hang and its `startPeriod`, `retries − 1`
//! further intervals, and that last check's timeout (checks every `interval` from
//! RUNNING, the first one interval in); the scheduler acts then, or when the service's
//! `healthCheckGracePeriodSeconds` ends if that is later. The task then stops with `HealthCheckFailed` and is replaced (restart cause `hung`,
//! measured from that stop). Without a health check a hung task is never found.
//!

use super::Simulation;
use super::events::{Event, TaskRef};
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{Origin, TaskState};
use crate::time::SimTime;

impl<R: Recorder> Simulation<'_, R> {
    pub(super) fn task_hung(&mut self, r: TaskRef, now: SimTime, queue: &mut EventQueue<Event>) {
        let Some(task) = self.tasks.live(r) else {
            return;
        };
        if task.state != TaskState::Running || task.hung {
            return;
        }
        let Origin::Service(service) = task.origin else {
            return;
        };
        let running_at = task.running_at.unwrap_or(now);
        let s = service;
        self.tasks.get_mut(r.slot).hung = true;
        self.task_stops_serving(s.into(), now);
        self.rollout_lost_task(s);
        let spec = &self.config.services[s.index()];
        self.narrate(now, |n| n.hangs(r.slot, s));
        if let Some(check) = &spec.health_check {
            let at = check.detection(running_at, now, spec.health_check_grace);
            queue.schedule(at, Event::HealthCheckFailed(r));
        }
    }
}
