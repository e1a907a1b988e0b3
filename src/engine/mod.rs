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
/// lower classes run first.
pub trait Event {
    fn class(&self) -> u8;
}

/// A model advanced by the kernel.
pub trait Model {
    type Event: Event;
    /// Handles one event at `now`; may schedule more on `queue`.
    fn handle(&mut self, now: SimTime, event: Self::Event, queue: &mut EventQueue<Self::Event>);
}

/// Runs `model` until the queue is empty or the next event is later than `until`.
/// Events due exactly at `until` still run. Returns the number of events handled.
pub fn run_until<M: Model>(model: &mut M, queue: &mut EventQueue<M::Event>, until: SimTime) -> u64 {
    let mut handled = 0u64;
    while let Some(next) = queue.peek_time() {
        if next > until {
            break;
        }
        let Some((now, event)) = queue.pop() else {
            break;
        };
        model.handle(now, event, queue);
        handled += 1;
    }
    handled
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
