//! Hourly usage per pricing key, and the commitments applied to each clock hour as it
//! closes (the arithmetic is `catalog::commitments`).
//!
//! Each key keeps its live quantity (instances, or vCPU and GB of running Fargate tasks)
//! and the instant it was last brought up to date; a change integrates the quantity since
//! then into the clock-hour buckets it spans. The buckets are allocated once, at the start,
//! for the whole measured window, so metering allocates nothing per event. Usage that is
//! back-dated into an hour already closed (a Fargate task's pull that began before a
//! sample closed the hour) is added to the first open hour instead: at most a pull's
//! length of usage moves by an hour.

use crate::catalog::commitments::{HourBill, Plan, PlanHour, Scratch, apply_hour};
use crate::model::CommitmentSpec;
use crate::time::SimTime;

const HOUR_MS: u64 = 3_600_000;

pub(super) struct UsageMeter {
    window_start: u64,
    window_end: u64,
    first_hour: u64,
    keys: usize,
    /// hours × keys, unit-milliseconds.
    usage: Vec<f64>,
    live: Vec<f64>,
    since: Vec<u64>,
    /// Hours whose bill has been applied.
    closed: usize,
    on_demand: Vec<f64>,
    plans: Vec<Plan>,
    /// Per plan, the [start, end) it is active, ms.
    active: Vec<(u64, u64)>,
    shares: Vec<f64>,
    hour_units: Vec<f64>,
    scratch: Scratch,
    pub last: HourBill,
    /// Start of the hour `last` describes.
    pub last_hour_start: SimTime,
    pub total: HourBill,
}

impl UsageMeter {
    pub fn new(spec: &CommitmentSpec, warmup: SimTime, horizon: SimTime) -> UsageMeter {
        let first_hour = warmup.0 / HOUR_MS;
        let hours = (horizon.0.div_ceil(HOUR_MS) - first_hour) as usize;
        let keys = spec.keys.len();
        UsageMeter {
            window_start: warmup.0,
            window_end: horizon.0,
            first_hour,
            keys,
            usage: vec![0.0; hours * keys],
            live: vec![0.0; keys],
            since: vec![warmup.0; keys],
            closed: 0,
            on_demand: spec.keys.iter().map(|k| k.on_demand).collect(),
            plans: spec.plans.iter().map(|p| p.plan.clone()).collect(),
            active: spec.plans.iter().map(|p| (p.start.0, p.end.0)).collect(),
            shares: vec![0.0; spec.plans.len()],
            hour_units: vec![0.0; keys],
            scratch: Scratch::default(),
            last: HourBill::default(),
            last_hour_start: SimTime(warmup.0 - warmup.0 % HOUR_MS),
            total: HourBill {
                plans: vec![PlanHour::default(); spec.plans.len()],
                ..HourBill::default()
            },
        }
    }

    pub fn closed_any(&self) -> bool {
        self.closed > 0
    }

    pub fn hours(&self) -> usize {
        self.usage.len().checked_div(self.keys).unwrap_or(0)
    }

    /// Adds `amount` × [from, to), clipped to the window, to the hour buckets.
    fn add(&mut self, key: usize, amount: f64, from: u64, to: u64) {
        let (from, to) = (from.max(self.window_start), to.min(self.window_end));
        if amount == 0.0 || to <= from {
            return;
        }
        let mut t = from;
        while t < to {
            let hour_end = (t / HOUR_MS + 1) * HOUR_MS;
            let end = hour_end.min(to);
            let h = ((t / HOUR_MS - self.first_hour) as usize).max(self.closed);
            if let Some(cell) = self.usage.get_mut(h * self.keys + key) {
                *cell += amount * (end - t) as f64;
            }
            t = end;
        }
    }

    fn advance(&mut self, key: usize, now: SimTime) {
        let since = self.since[key];
        if now.0 > since {
            self.add(key, self.live[key], since, now.0);
            self.since[key] = now.0;
        }
    }

    /// `amount` more of `key` from `from` (at or before `now`) on.
    pub fn start(&mut self, key: usize, amount: f64, from: SimTime, now: SimTime) {
        self.advance(key, now);
        self.add(key, amount, from.0, now.0);
        self.live[key] += amount;
    }

    /// `amount` less of `key` from `now` on.
    pub fn stop(&mut self, key: usize, amount: f64, now: SimTime) {
        self.advance(key, now);
        self.live[key] -= amount;
    }

    /// Usage over [from, to) that never entered the live quantities.
    pub fn interval(&mut self, key: usize, amount: f64, from: SimTime, to: SimTime) {
        self.add(key, amount, from.0, to.0);
    }

    /// Applies the commitments to every clock hour that ended by `now` (all remaining
    /// hours at the horizon).
    pub fn close_hours(&mut self, now: SimTime) {
        while self.closed < self.hours() {
            let hour_start = (self.first_hour + self.closed as u64) * HOUR_MS;
            let hour_end = (hour_start + HOUR_MS).min(self.window_end);
            if hour_end > now.0 {
                break;
            }
            for key in 0..self.keys {
                self.advance(key, SimTime(hour_end));
            }
            let in_window = (hour_start.max(self.window_start), hour_end);
            for (share, &(start, end)) in self.shares.iter_mut().zip(&self.active) {
                let from = in_window.0.max(start);
                let to = in_window.1.min(end);
                *share = to.saturating_sub(from) as f64 / HOUR_MS as f64;
            }
            let row = &self.usage[self.closed * self.keys..(self.closed + 1) * self.keys];
            for (u, ms) in self.hour_units.iter_mut().zip(row) {
                *u = ms / HOUR_MS as f64;
            }
            apply_hour(
                &self.on_demand,
                &self.hour_units,
                &self.plans,
                &self.shares,
                &mut self.scratch,
                &mut self.last,
            );
            self.total.accumulate(&self.last);
            self.last_hour_start = SimTime(hour_start);
            self.closed += 1;
        }
    }

    /// Usage per hour in units (instance-hours, vCPU-hours, GB-hours), hours × keys.
    pub fn hourly_units(&self) -> Vec<f64> {
        self.usage.iter().map(|ms| ms / HOUR_MS as f64).collect()
    }
}
