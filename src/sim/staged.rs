//! BLUE_GREEN, LINEAR and CANARY deployments (`ecs-current.md` §2.2–2.4): the new (green)
//! revision scales to 100 % of the desired count beside the old (blue) one before any
//! traffic moves, so the service runs twice its tasks until clean-up.
//!
//! The stages run in ECS's order: PRE_SCALE_UP, SCALE_UP (green launched as any task is:
//! placement, PROVISIONING, managed scaling; the stage ends when every green task is
//! RUNNING and healthy), POST_SCALE_UP, TEST_TRAFFIC_SHIFT, POST_TEST_TRAFFIC_SHIFT,
//! PRODUCTION_TRAFFIC_SHIFT (BLUE_GREEN one step to 100 %; LINEAR equal steps with
//! `stepBakeTimeInMinutes` between them; CANARY `canaryPercent` then, after
//! `canaryBakeTimeInMinutes`, 100 %), POST_PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME
//! (`bakeTimeInMinutes`, both revisions running) and CLEAN_UP (blue stopped; the
//! deployment completes when the last blue task is STOPPED). Traffic shifts take no time
//! (an ALB's listener weights; the NLB's extra ten minutes are not modelled).
//!
//! Lifecycle hooks run in the stages they name (at every PRODUCTION_TRAFFIC_SHIFT step,
//! after that step's weight is set and before its step bake); a stage's hooks run together,
//! so it lasts as long as the longest, and fails if any answers FAILED. A stage (a
//! traffic-shift step with its hooks) that would last beyond 24 hours fails at 24 hours.
//!
//! While blue and green run, each is kept at the desired count: a lost task is replaced by
//! one of its own revision. Failure (a hook answering FAILED, the 24-hour limit, the alarm
//! rule) before CLEAN_UP rolls back: production traffic returns to blue, which is still
//! running at full count, and the green tasks are stopped; no blue task is launched unless
//! one is missing. The failed deployment's record stays open until the last green task has
//! STOPPED. The alarm is not watched once CLEAN_UP begins (blue is going).

use super::Simulation;
use super::events::Event;
use crate::engine::EventQueue;
use crate::metrics::Recorder;
use crate::model::{ServiceId, Stage, TaskDefId, TaskState};
use crate::time::{SimDuration, SimTime};
use rand::Rng;

/// ECS fails a stage, or a traffic-shift step, that lasts longer than this.
pub(super) const STAGE_LIMIT: SimDuration = SimDuration(24 * 3_600_000);

/// Where a staged deployment is.
#[derive(Clone, Copy, Debug)]
pub(super) struct Staged {
    /// The other revision: blue while rolling forward, green while rolling back.
    pub other: TaskDefId,
    pub stage: Stage,
    /// PRODUCTION_TRAFFIC_SHIFT: the step, 0-based.
    pub step: u32,
    /// PRODUCTION_TRAFFIC_SHIFT: the step's hooks are done; its step bake runs.
    pub step_baking: bool,
    /// Green's share of production traffic, tenths of a percent.
    pub weight: u32,
    /// The stage timer that counts; others are stale.
    pub timer: u32,
    /// What the running timer ends in: a hook answering FAILED or the 24-hour limit.
    pub timer_fails: Option<Failure>,
    /// Rolling back: traffic is on blue (the rollout's `to`), green (`other`) is going.
    pub reverting: bool,
}

/// Why a deployment failed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Failure {
    /// The circuit breaker: failed tasks against the threshold.
    Breaker { failures: u32, threshold: u32 },
    /// The alarm rule: failures in the window.
    Alarm { failures: u32, window: SimDuration },
    /// A lifecycle hook answered FAILED in this stage.
    Hook(Stage),
    /// The stage ran into ECS's 24-hour limit.
    StageLimit(Stage),
}

impl Staged {
    pub fn new(blue: TaskDefId) -> Staged {
        Staged {
            other: blue,
            stage: Stage::PreScaleUp,
            step: 0,
            step_baking: false,
            weight: 0,
            timer: 0,
            timer_fails: None,
            reverting: false,
        }
    }

    /// Whether the deployment still watches its alarm (not while rolling back or in
    /// CLEAN_UP).
    pub fn watches_alarm(&self) -> bool {
        !self.reverting && self.stage < Stage::CleanUp
    }
}

impl<R: Recorder> Simulation<'_, R> {
    fn staged(&self, s: ServiceId) -> Option<Staged> {
        self.deployments[s].rollout.and_then(|r| r.staged)
    }

    /// Tells the recorder where production traffic is now (the replay draws it).
    pub(super) fn report_traffic(
        &mut self,
        s: ServiceId,
        now: SimTime,
        blue: TaskDefId,
        green: TaskDefId,
        weight_permille: u32,
    ) {
        let config = self.config;
        let families = &config.task_defs;
        self.recorder.traffic(&crate::metrics::TrafficRow {
            time: now,
            service: &config.services[s.index()].name,
            blue: &families[blue.index()].family,
            green: &families[green.index()].family,
            green_percent: f64::from(weight_permille.min(1000)) / 10.0,
        });
    }

    fn set_staged(&mut self, s: ServiceId, st: Staged) {
        if let Some(r) = self.deployments[s].rollout.as_mut() {
            r.staged = Some(st);
        }
    }

    /// Starts the phase the staged deployment of `s` is in, moving through phases that
    /// take no time, until one must wait (a timer, green becoming healthy, blue stopping).
    pub(super) fn stages_enter(
        &mut self,
        s: ServiceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        loop {
            let Some(mut st) = self.staged(s) else {
                return;
            };
            let spec = &self.config.services[s.index()].deployment;
            let steps = spec.strategy.traffic_steps();
            let (wait, fails) = match st.stage {
                Stage::ScaleUp => {
                    self.stage_timer(
                        s,
                        &mut st,
                        STAGE_LIMIT,
                        Some(Failure::StageLimit(Stage::ScaleUp)),
                        now,
                        queue,
                    );
                    return self.staged_step(s, now, queue);
                }
                Stage::CleanUp => return self.staged_step(s, now, queue),
                Stage::BakeTime => (spec.bake_time, None),
                Stage::ProductionTrafficShift if st.step_baking => {
                    (steps[st.step as usize].1, None)
                }
                stage => {
                    if stage == Stage::ProductionTrafficShift {
                        st.weight = steps[st.step as usize].0;
                        self.set_staged(s, st);
                        let weight = st.weight;
                        self.narrate(now, |n| n.traffic_shifted(s, weight));
                        if let Some(green) = self.deployments[s].rollout.map(|r| r.to) {
                            self.report_traffic(s, now, st.other, green, weight);
                        }
                    }
                    self.draw_hooks(s, stage)
                }
            };
            if wait > SimDuration::ZERO || fails.is_some() {
                let (wait, fails) = if wait > STAGE_LIMIT {
                    (STAGE_LIMIT, Some(Failure::StageLimit(st.stage)))
                } else {
                    (wait, fails)
                };
                return self.stage_timer(s, &mut st, wait, fails, now, queue);
            }
            self.next_phase(s, now);
        }
    }

    /// The hooks of `stage`: how long the stage waits for them (the longest) and whether
    /// one answered FAILED.
    fn draw_hooks(&mut self, s: ServiceId, stage: Stage) -> (SimDuration, Option<Failure>) {
        let (mut wait, mut fails) = (SimDuration::ZERO, None);
        let hooks = &self.config.services[s.index()].deployment.hooks;
        for hook in hooks.iter().filter(|h| h.stages.contains(&stage)) {
            let rng = &mut self.streams.lifecycle_hooks[s.index()];
            wait = wait.max(hook.duration.sample(rng));
            if hook.failure_probability > 0.0 && rng.random::<f64>() < hook.failure_probability {
                fails = Some(Failure::Hook(stage));
            }
        }
        (wait, fails)
    }

    fn stage_timer(
        &mut self,
        s: ServiceId,
        st: &mut Staged,
        wait: SimDuration,
        fails: Option<Failure>,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let d = &mut self.deployments[s];
        d.stage_timer = d.stage_timer.wrapping_add(1);
        st.timer = d.stage_timer;
        st.timer_fails = fails;
        self.set_staged(s, *st);
        queue.schedule(now + wait, Event::DeploymentStage(s, st.timer));
    }

    /// Moves to the phase after the current one, and says so.
    fn next_phase(&mut self, s: ServiceId, now: SimTime) {
        let Some(mut st) = self.staged(s) else {
            return;
        };
        let steps = self.config.services[s.index()]
            .deployment
            .strategy
            .traffic_steps();
        let before = st.stage;
        match st.stage {
            Stage::ProductionTrafficShift => {
                let (_, bake) = steps[st.step as usize];
                if !st.step_baking && bake > SimDuration::ZERO {
                    st.step_baking = true;
                } else if (st.step as usize) + 1 < steps.len() {
                    st.step += 1;
                    st.step_baking = false;
                } else {
                    st.stage = Stage::PostProductionTrafficShift;
                }
            }
            stage => st.stage = stage.next().unwrap_or(Stage::CleanUp),
        }
        st.timer_fails = None;
        // Timers count from 1: a timer set for the phase that ended is stale now.
        st.timer = 0;
        self.set_staged(s, st);
        if st.stage != before {
            let stage = st.stage;
            self.narrate(now, |n| n.stage_begins(s, stage));
        }
    }

    /// A stage timer of service `s` ran out.
    pub(super) fn stage_timer_done(
        &mut self,
        s: ServiceId,
        timer: u32,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(st) = self.staged(s) else {
            return;
        };
        if st.timer != timer || st.reverting {
            return;
        }
        if let Some(why) = st.timer_fails {
            return self.fail_deployment(s, why, true, now, queue);
        }
        self.next_phase(s, now);
        self.stages_enter(s, now, queue);
    }

    /// One scheduler pass over a service under a staged deployment: each revision kept at
    /// the desired count while both run, blue stopped in CLEAN_UP (green in a rollback),
    /// SCALE_UP ended once green is healthy, the deployment completed once the other
    /// revision is gone.
    pub(super) fn staged_step(
        &mut self,
        s: ServiceId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) {
        let Some(rollout) = self.deployments[s].rollout else {
            return;
        };
        let Some(st) = rollout.staged else {
            return;
        };
        let desired = self.origins[s].counts.desired();
        let to = rollout.to;
        let keep_other = !st.reverting && st.stage < Stage::CleanUp;
        let launch_to = st.reverting || st.stage >= Stage::ScaleUp;
        // Tasks to stop: of neither revision, and of the other one once it is going.
        let mut stop = std::mem::take(&mut self.scratch);
        stop.clear();
        let (mut to_alive, mut other_alive) = (0, 0);
        for &slot in self.tasks.of_origin(s.into()) {
            let t = self.tasks.get(slot);
            if t.state == TaskState::Stopping {
                continue;
            }
            if t.task_def == to {
                to_alive += 1;
            } else if t.task_def == st.other && keep_other {
                other_alive += 1;
            } else {
                stop.push(slot);
            }
        }
        stop.sort_unstable_by_key(|slot| self.tasks.get(*slot).id);
        for &slot in &stop {
            self.scheduler_stop(slot, now, queue);
        }
        self.scratch = stop;
        if !self.origins[s].retry_pending && !self.deployments.halted(s) {
            if launch_to {
                for _ in to_alive..desired {
                    if !self.launch_service_task(s, now, queue) {
                        break;
                    }
                }
            }
            if keep_other {
                for _ in other_alive..desired {
                    if !self.launch_revision(s, st.other, now, queue) {
                        break;
                    }
                }
            }
        }
        self.meter_peak(s);
        let c = self.rollout_counts(s, to, None);
        if let Some(r) = self.deployments[s].rollout {
            let record = &mut self.deployments[s].log[r.record];
            record.min_healthy = record.min_healthy.min(c.healthy);
            record.max_total = record.max_total.max(c.total);
        }
        if st.stage == Stage::ScaleUp && !st.reverting && c.new_running >= desired {
            self.next_phase(s, now);
            return self.stages_enter(s, now, queue);
        }
        let gone = c.old_running + c.old_pending + c.old_stopping == 0;
        if (st.reverting || st.stage == Stage::CleanUp) && gone && c.new_running >= desired {
            self.deployment_done(s, now, queue);
        }
    }

    /// Launches a task of revision `def` for service `s` (the other revision of a staged
    /// deployment): the service's own revision is lent for the one launch.
    fn launch_revision(
        &mut self,
        s: ServiceId,
        def: TaskDefId,
        now: SimTime,
        queue: &mut EventQueue<Event>,
    ) -> bool {
        let own = std::mem::replace(&mut self.origins[s].task_def, def);
        let launched = self.launch_service_task(s, now, queue);
        self.origins[s].task_def = own;
        launched
    }
}
