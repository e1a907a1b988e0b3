//! The discrete-event kernel. It knows nothing of ECS, files or terminals: it orders typed
//! events and hands each to the model, one at a time.
//!
//! Same-time rule: events due at the same millisecond run in ascending *class* order (the
//! model assigns classes, see [`Event::class`]); events of the same time and class run in
//! the order they were scheduled. Both keys are integers, so a run is fully deterministic.

mod queue;

pub use queue::EventQueue;

use crate::time::SimTime;

/// An event the model can schedule. `class` breaks ties between events due at the same time:
/// lower classes run first. Events are small plain values (`Copy`), so the queue moves
/// them by copying, never through a swap.
pub trait Event: Copy {
    /// The event's class: among events due at the same millisecond, lower classes run
    /// first.
    fn class(&self) -> u8;
}

/// A model advanced by the kernel.
pub trait Model {
    /// The events this model schedules and handles.
    type Event: Event;
    /// Handles one event at `now`; may schedule more on `queue`.
    fn handle(&mut self, now: SimTime, event: Self::Event, queue: &mut EventQueue<Self::Event>);
    /// Names an event and the object it concerns, in the model's words, for the error a
    /// runaway instant raises (the kernel itself cannot know what a task or a host is).
    fn describe(&self, event: &Self::Event) -> String;
    /// Why the run must stop now, asked after every event (a recorder that can no longer
    /// write, say). Default: never.
    fn stop_reason(&self) -> Option<String> {
        None
    }
}

/// Why a guarded run stopped before its horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Halt {
    /// More than `limit` events ran at the one instant `at`: the model keeps scheduling
    /// work without time passing. `event` describes the event that crossed the limit.
    Runaway {
        /// The instant at which time stopped advancing.
        at: SimTime,
        /// The events allowed at one instant ([`Guard::max_events_per_instant`]).
        limit: u64,
        /// The event that crossed the limit, in the model's words ([`Model::describe`]).
        event: String,
    },
    /// The checkpoint asked to stop (the user interrupted the run).
    Stopped {
        /// The simulated time at which the run stopped.
        at: SimTime,
    },
    /// The model asked to stop ([`Model::stop_reason`]).
    ModelStopped {
        /// The simulated time at which the run stopped.
        at: SimTime,
        /// The model's reason, in its words.
        reason: String,
    },
}

/// How often, in events, a guarded run calls its checkpoint: rare enough to cost nothing
/// per event, often enough that an interrupt is answered within a few milliseconds.
pub const CHECKPOINT_EVERY: u64 = 1 << 14;

/// The guards of [`run_guarded`].
pub struct Guard<'a> {
    /// Events allowed at one simulated instant before the run is declared a runaway.
    pub max_events_per_instant: u64,
    /// Called every [`CHECKPOINT_EVERY`] events with (now, events handled so far); returning
    /// false stops the run with [`Halt::Stopped`].
    pub checkpoint: &'a mut dyn FnMut(SimTime, u64) -> bool,
}

/// Runs `model` until the queue is empty or the next event is later than `until`.
/// Events due exactly at `until` still run. Returns the number of events handled.
pub fn run_until<M: Model>(model: &mut M, queue: &mut EventQueue<M::Event>, until: SimTime) -> u64 {
    let mut guard = Guard {
        max_events_per_instant: u64::MAX,
        checkpoint: &mut |_, _| true,
    };
    run_guarded(model, queue, until, &mut guard).unwrap_or_else(|_| unreachable!())
}

/// Like [`run_until`], but fails instead of looping forever at one instant, and lets the
/// checkpoint stop the run (for progress display and interrupts).
pub fn run_guarded<M: Model>(
    model: &mut M,
    queue: &mut EventQueue<M::Event>,
    until: SimTime,
    guard: &mut Guard<'_>,
) -> Result<u64, Halt> {
    let mut handled = 0u64;
    let mut instant = SimTime::ZERO;
    let mut at_instant = 0u64;
    while let Some((now, event)) = queue.pop_until(until) {
        if now == instant {
            at_instant += 1;
            if at_instant > guard.max_events_per_instant {
                return Err(Halt::Runaway {
                    at: now,
                    limit: guard.max_events_per_instant,
                    event: model.describe(&event),
                });
            }
        } else {
            instant = now;
            at_instant = 1;
        }
        model.handle(now, event, queue);
        handled += 1;
        if let Some(reason) = model.stop_reason() {
            return Err(Halt::ModelStopped { at: now, reason });
        }
        if handled.is_multiple_of(CHECKPOINT_EVERY) && !(guard.checkpoint)(now, handled) {
            return Err(Halt::Stopped { at: now });
        }
    }
    Ok(handled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Ev {
        Failure(u32),
        Arrival(u32),
    }
    impl Event for Ev {
        fn class(&self) -> u8 {
            match self {
                Ev::Failure(_) => 0,
                Ev::Arrival(_) => 1,
            }
        }
    }

    struct Log(Vec<(u64, Ev)>);
    impl Model for Log {
        type Event = Ev;
        fn handle(&mut self, now: SimTime, event: Ev, queue: &mut EventQueue<Ev>) {
            self.0.push((now.0, event));
            if let Ev::Arrival(n) = event {
                if n < 3 {
                    queue.schedule(now + SimDuration(10), Ev::Arrival(n + 1));
                }
            }
        }
        fn describe(&self, event: &Ev) -> String {
            format!("{event:?}")
        }
    }

    /// Every failure schedules another at the same instant, as a crash with a zero
    /// time-to-crash under instant timing did (issue 11).
    struct Loop;
    impl Model for Loop {
        type Event = Ev;
        fn handle(&mut self, now: SimTime, event: Ev, queue: &mut EventQueue<Ev>) {
            if let Ev::Failure(n) = event {
                queue.schedule(now, Ev::Failure(n));
            }
        }
        fn describe(&self, event: &Ev) -> String {
            format!("{event:?}")
        }
    }

    #[test]
    fn a_zero_time_loop_is_stopped_at_the_limit_naming_the_event() {
        let mut q = EventQueue::with_capacity(8);
        q.schedule(SimTime(0), Ev::Arrival(0));
        q.schedule(SimTime(7), Ev::Failure(4));
        let mut guard = Guard {
            max_events_per_instant: 100,
            checkpoint: &mut |_, _| true,
        };
        let halt = run_guarded(&mut Loop, &mut q, SimTime(1000), &mut guard).unwrap_err();
        // 100 events at t = 7 are allowed; the 101st is refused.
        assert_eq!(
            halt,
            Halt::Runaway {
                at: SimTime(7),
                limit: 100,
                event: "Failure(4)".into()
            }
        );
    }

    #[test]
    fn many_events_spread_over_time_are_not_a_runaway() {
        let mut q = EventQueue::with_capacity(8);
        q.schedule(SimTime(0), Ev::Arrival(0));
        let mut log = Log(Vec::new());
        let mut guard = Guard {
            max_events_per_instant: 1,
            checkpoint: &mut |_, _| true,
        };
        assert_eq!(
            run_guarded(&mut log, &mut q, SimTime(100), &mut guard),
            Ok(4)
        );
    }

    #[test]
    fn the_checkpoint_can_stop_a_run() {
        let mut q = EventQueue::with_capacity(8);
        q.schedule(SimTime(3), Ev::Failure(0));
        let mut calls = 0;
        let mut stop_at_second = |_: SimTime, handled: u64| {
            calls += 1;
            handled < 2 * CHECKPOINT_EVERY
        };
        let mut guard = Guard {
            max_events_per_instant: u64::MAX,
            checkpoint: &mut stop_at_second,
        };
        let halt = run_guarded(&mut Loop, &mut q, SimTime(10), &mut guard).unwrap_err();
        assert_eq!(halt, Halt::Stopped { at: SimTime(3) });
        assert_eq!(calls, 2);
    }

    #[test]
    fn same_time_events_run_by_class_then_schedule_order() {
        let mut q = EventQueue::with_capacity(8);
        q.schedule(SimTime(5), Ev::Arrival(9));
        q.schedule(SimTime(5), Ev::Failure(1));
        q.schedule(SimTime(5), Ev::Arrival(8));
        q.schedule(SimTime(5), Ev::Failure(2));
        let mut log = Log(Vec::new());
        run_until(&mut log, &mut q, SimTime(5));
        let order: Vec<Ev> = log.0.iter().map(|(_, e)| *e).collect();
        assert_eq!(
            order,
            vec![
                Ev::Failure(1),
                Ev::Failure(2),
                Ev::Arrival(9),
                Ev::Arrival(8)
            ]
        );
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "before the current time")]
    fn scheduling_into_the_past_is_rejected() {
        let mut q = EventQueue::with_capacity(8);
        q.schedule(SimTime(10), Ev::Arrival(0));
        q.pop();
        q.schedule(SimTime(9), Ev::Arrival(1));
    }

    #[test]
    fn the_current_instant_may_still_be_scheduled() {
        let mut q = EventQueue::with_capacity(8);
        q.schedule(SimTime(10), Ev::Arrival(0));
        q.pop();
        q.schedule(SimTime(10), Ev::Arrival(1));
        assert_eq!(q.pop(), Some((SimTime(10), Ev::Arrival(1))));
    }

    #[test]
    fn run_until_stops_after_the_horizon_inclusive() {
        let mut q = EventQueue::with_capacity(8);
        q.schedule(SimTime(0), Ev::Arrival(0));
        let mut log = Log(Vec::new());
        let n = run_until(&mut log, &mut q, SimTime(20));
        assert_eq!(n, 3);
        assert_eq!(log.0.last().unwrap().0, 20);
        assert_eq!(q.peek_time(), Some(SimTime(30)));
    }
}
