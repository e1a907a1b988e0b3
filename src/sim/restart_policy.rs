//! ECS's container restart policy (`restartPolicy`, 2024): a container that exits is
//! restarted in place by the agent, in the same task, instead of the task stopping and the
//! service launching a replacement. No placement, no ENI, no image pull (the image is on
//! the host): the task keeps its instance or Fargate slot, its bill and its id.
//!
//! ECS restarts a container only if its exit code is not in `ignoredExitCodes` and it ran
//! at least `restartAttemptPeriod` since it last (re)started, which also caps restarts at
//! one per period ([`crate::model::RestartPolicy::restarts`]). An exit sooner ends the task
//! as without a policy. The restart itself takes `timing.container_start` (INFERRED: ECS
//! publishes no figure; the container starts again from a cached image), during which the
//! task is RUNNING to ECS but does not serve. A crash exits with the task definition's
//! `crash_exit_code`; a job's run ending exits with 0, which ECS restarts too unless 0 is
//! in `ignoredExitCodes`.

use super::Simulation;
use super::events::{Event, TaskRef};
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{Origin, StopReason};
use crate::time::SimTime;

impl<R: Recorder> Simulation<'_, R> {
    /// The essential container of live task `r` exited with `code`: restarted in place
    /// when the task definition's policy allows, else the task stops with `reason`.
    pub(super) fn container_exited(
        &mut self,
        r: TaskRef,
        code: i32,
        reason: StopReason,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let task = self.tasks.get(r.slot);
        let def = &self.config.task_defs[task.task_def.index()];
        let Some(policy) = &def.restart_policy else {
            return self.stop_task(r.slot, now, reason, queue);
        };
        let up_since = task.restarted_at.or(task.running_at).unwrap_or(now);
        let ran = now.since(up_since);
        if !policy.restarts(code, ran) {
            self.narrate(now, |n| n.container_not_restarted(r.slot, code, ran));
            return self.stop_task(r.slot, now, reason, queue);
        }
        let serving = task.serving();
        let o = self.origins.id(task.origin);
        self.tasks.get_mut(r.slot).restarting = true;
        if serving {
            self.task_stops_serving(o, now);
        }
        self.collector.container_restarted();
        let back = self.config.timing.container_start;
        self.narrate(now, |n| n.container_restarting(r.slot, code, ran, back));
        queue.schedule(now + back, Event::ContainerRestarted(r));
    }

    /// Task `r`'s container is up again: it serves, and the new container's crash (and a
    /// job's run) is drawn as for a task reaching RUNNING. A hang is drawn once per task,
    /// from RUNNING, so a restart draws none.
    pub(super) fn container_restarted(
        &mut self,
        r: TaskRef,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(task) = self.tasks.live(r).filter(|t| t.restarting) else {
            return;
        };
        let (origin, run_time, def) = (task.origin, task.run_time, task.task_def);
        let task = self.tasks.get_mut(r.slot);
        task.restarting = false;
        // A fresh container: whatever hung in the old one is gone.
        task.hung = false;
        task.restarted_at = Some(now);
        let serving = task.serving();
        let o = self.origins.id(origin);
        if serving {
            self.task_starts_serving(o, now);
        }
        self.narrate(now, |n| n.container_restarted(r.slot));
        if let Origin::Service(s) = origin {
            self.arm_crash(s, def, r, now, queue);
        }
        if let Some(run_time) = run_time {
            queue.schedule(now + run_time, Event::TaskExit(r));
        }
    }
}
