//! The M/M/10 of issue 12 (c = 10, λ = 9 and μ = 1 per minute, 926 h, about 1 M events)
//! four ways: as the ecsim scenario `benches/mm10.toml`, as a bare `BinaryHeap` loop, on
//! ecsim's own kernel with no ECS model, and in `simcore`. Shared by the time bench
//! (`engine.rs`) and the instruction count (`instructions.rs`), so both measure the same
//! code.

use ecsim::rng::{StreamKind, stream};
use std::path::Path;

/// The M/M/10 of `benches/mm10.toml`.
pub fn mmc_config() -> ecsim::model::SimConfig {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/mm10.toml"));
    ecsim::scenario::load_str(include_str!("../mm10.toml"), path, &[])
        .expect("bench scenario is valid")
        .config
}

/// A floor must be the model it stands in for. Erlang C for c = 10, λ = 9, μ = 1 per
/// minute: P(wait) = 0.6687, Wq = 0.6687 min. The bare loop's seed estimates 0.671 and
/// simcore's stream 0.690; 0.05 min leaves room for the error of an autocorrelated mean over
/// ~1,500 relaxation times, while a wrong model (a server or μ off) misses by far more.
pub fn check_m_m_10(who: &str, events: u64, wait_min: f64) {
    eprintln!(
        "{who}: M/M/10 in {events} events, mean wait in queue {wait_min:.3} min (Erlang C 0.669)"
    );
    assert!(
        (wait_min - 0.669).abs() < 0.05,
        "{who} does not run an M/M/10"
    );
}

/// One exponential draw of mean `mean` milliseconds, rounded to the millisecond: the M/M/10
/// floors' only randomness, shared so they draw alike.
pub fn exponential_ms(rng: &mut ecsim::rng::StreamRng, mean: f64) -> u64 {
    use rand_distr::{Distribution, Exp1};
    let gap: f64 = Exp1.sample(rng);
    (gap * mean).round() as u64
}

/// M/M/c with λ = 0.9·c and μ = 1 per minute as a bare event loop: returns the events
/// handled and the mean wait in queue in milliseconds (Erlang C gives 0.67 min at c = 10).
pub fn bare_mmc(servers: u32, hours: u64) -> (u64, f64) {
    use std::cmp::Reverse;
    use std::collections::{BinaryHeap, VecDeque};
    const ARRIVAL: u8 = 0;
    const DEPARTURE: u8 = 1;
    let horizon = hours * 3_600_000;
    let mean_gap_ms = 60_000.0 / (0.9 * f64::from(servers));
    let mut arrivals = stream(3, StreamKind::JobArrivals, 0);
    let mut services = stream(3, StreamKind::JobDurations, 0);
    let draw = exponential_ms;
    let mut heap = BinaryHeap::with_capacity(64);
    let mut seq = 0u64;
    heap.push(Reverse((draw(&mut arrivals, mean_gap_ms), seq, ARRIVAL)));
    let (mut busy, mut waiting) = (0u32, VecDeque::<u64>::new());
    let (mut events, mut waited_ms, mut served) = (0u64, 0u64, 0u64);
    while let Some(Reverse((now, _, kind))) = heap.pop() {
        if now > horizon {
            break;
        }
        events += 1;
        seq += 1;
        let start_service = if kind == ARRIVAL {
            let next = now + draw(&mut arrivals, mean_gap_ms);
            heap.push(Reverse((next, seq, ARRIVAL)));
            if busy < servers {
                busy += 1;
                Some(now)
            } else {
                waiting.push_back(now);
                None
            }
        } else {
            let head = waiting.pop_front();
            if head.is_none() {
                busy -= 1;
            }
            head
        };
        if let Some(arrived) = start_service {
            waited_ms += now - arrived;
            served += 1;
            heap.push(Reverse((
                now + draw(&mut services, 60_000.0),
                seq,
                DEPARTURE,
            )));
        }
    }
    (events, waited_ms as f64 / served.max(1) as f64)
}

/// The bare loop's M/M/10, draw for draw and with the same outcome, on ecsim's own kernel
/// (`engine::EventQueue` and `engine::run_until`) with no ECS model above it. Its ratio to
/// `bare_heap_loop/m_m_10` is what ecsim's kernel costs by itself; the rest of
/// `mmc_run`'s ratio is the ECS model.
pub mod kernel_mmc {
    use super::exponential_ms as draw;
    use ecsim::engine::{self, EventQueue, Model};
    use ecsim::rng::{StreamKind, StreamRng, stream};
    use ecsim::time::SimTime;
    use std::collections::VecDeque;

    #[derive(Clone, Copy)]
    enum Ev {
        Arrival,
        Departure,
    }

    impl engine::Event for Ev {
        fn class(&self) -> u8 {
            match self {
                Ev::Arrival => 0,
                Ev::Departure => 1,
            }
        }
    }

    struct Station {
        servers: u32,
        busy: u32,
        waiting: VecDeque<u64>,
        mean_gap_ms: f64,
        arrivals: StreamRng,
        services: StreamRng,
        waited_ms: u64,
        served: u64,
    }

    impl Station {
        fn start_service(&mut self, now: u64, arrived: u64, queue: &mut EventQueue<Ev>) {
            self.waited_ms += now - arrived;
            self.served += 1;
            let service = draw(&mut self.services, 60_000.0);
            queue.schedule(SimTime(now + service), Ev::Departure);
        }
    }

    impl Model for Station {
        type Event = Ev;

        fn handle(&mut self, now: SimTime, event: Ev, queue: &mut EventQueue<Ev>) {
            let now = now.0;
            match event {
                Ev::Arrival => {
                    let gap = draw(&mut self.arrivals, self.mean_gap_ms);
                    queue.schedule(SimTime(now + gap), Ev::Arrival);
                    if self.busy < self.servers {
                        self.busy += 1;
                        self.start_service(now, now, queue);
                    } else {
                        self.waiting.push_back(now);
                    }
                }
                Ev::Departure => match self.waiting.pop_front() {
                    Some(arrived) => self.start_service(now, arrived, queue),
                    None => self.busy -= 1,
                },
            }
        }

        fn describe(&self, _: &Ev) -> String {
            String::from("an M/M/c event")
        }
    }

    /// The events handled and the mean wait in queue in milliseconds.
    pub fn run(servers: u32, hours: u64) -> (u64, f64) {
        let mut station = Station {
            servers,
            busy: 0,
            waiting: VecDeque::new(),
            mean_gap_ms: 60_000.0 / (0.9 * f64::from(servers)),
            arrivals: stream(3, StreamKind::JobArrivals, 0),
            services: stream(3, StreamKind::JobDurations, 0),
            waited_ms: 0,
            served: 0,
        };
        let mut queue = EventQueue::with_capacity(64);
        let first = draw(&mut station.arrivals, station.mean_gap_ms);
        queue.schedule(SimTime(first), Ev::Arrival);
        let events = engine::run_until(&mut station, &mut queue, SimTime(hours * 3_600_000));
        (
            events,
            station.waited_ms as f64 / station.served.max(1) as f64,
        )
    }
}

pub mod simcore_mmc {
    use serde::Serialize;
    use simcore::{Event, EventHandler, Simulation, SimulationContext, cast};
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::rc::Rc;

    #[derive(Clone, Serialize)]
    struct Arrival {}

    #[derive(Clone, Serialize)]
    struct Departure {}

    struct Station {
        ctx: SimulationContext,
        servers: u32,
        busy: u32,
        waiting: VecDeque<f64>,
        mean_gap: f64,
        handled: u64,
        waited: f64,
        served: u64,
    }

    impl Station {
        fn exponential(&self, mean: f64) -> f64 {
            -(1.0 - self.ctx.rand()).ln() * mean
        }

        fn start_service(&mut self, arrived: f64) {
            self.waited += self.ctx.time() - arrived;
            self.served += 1;
            self.ctx.emit_self(Departure {}, self.exponential(1.0));
        }
    }

    impl EventHandler for Station {
        fn on(&mut self, event: Event) {
            self.handled += 1;
            cast!(match event.data {
                Arrival {} => {
                    self.ctx
                        .emit_self(Arrival {}, self.exponential(self.mean_gap));
                    if self.busy < self.servers {
                        self.busy += 1;
                        self.start_service(self.ctx.time());
                    } else {
                        self.waiting.push_back(self.ctx.time());
                    }
                }
                Departure {} => {
                    match self.waiting.pop_front() {
                        Some(arrived) => self.start_service(arrived),
                        None => self.busy -= 1,
                    }
                }
            })
        }
    }

    /// M/M/c with λ = 0.9·c and μ = 1 per minute: the events handled and the mean wait in
    /// queue in minutes.
    pub fn run(servers: u32, hours: u64) -> (u64, f64) {
        let mut sim = Simulation::new(3);
        let station = Rc::new(RefCell::new(Station {
            ctx: sim.create_context("station"),
            servers,
            busy: 0,
            waiting: VecDeque::new(),
            mean_gap: 1.0 / (0.9 * f64::from(servers)),
            handled: 0,
            waited: 0.0,
            served: 0,
        }));
        sim.add_handler("station", station.clone());
        {
            let s = station.borrow();
            s.ctx.emit_self(Arrival {}, s.exponential(s.mean_gap));
        }
        sim.step_until_time(hours as f64 * 60.0);
        let s = station.borrow();
        (s.handled, s.waited / s.served.max(1) as f64)
    }
}
