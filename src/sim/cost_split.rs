//! Who pays for what: each EC2 instance's cost for each clock hour split among the tasks
//! that were on it, as AWS's split cost allocation does it (the arithmetic is
//! `catalog::allocation`), and each service's and job stream's share of the whole bill.
//!
//! Cheap per event: a task's placement and stop and an instance's launch and close each
//! touch one ledger entry, and a stop only notes the time; what a task held in the hour is
//! worked out with the split itself, once per instance per clock hour, when the first event
//! past the hour's end arrives (or the run ends), so it sees the hour whole. An instance
//! that costs nothing (a free custom type) has nothing to split and gets no ledger: its
//! tasks' costs are zero, the same as the split would find, at no cost per task.
//!
//! Where the bill is nobody's by the split, it is shared by the cluster: an instance-hour
//! with no task on it, a resource no task held (the GPUs of an instance running CPU tasks),
//! the commitment fees no usage consumed, and the seconds the minimums add. That residual
//! goes to the origins in proportion to their EC2 cost in the same hour, counted as their
//! unused cost (OpenCost's and Kubecost's idle shared by cluster); an hour in which no
//! origin had EC2 cost carries it to the next, and what is left at the end is shared by the
//! origins' whole bills. So the origins' totals add up to the run's bill exactly.

use crate::catalog::HourBill;
use crate::catalog::allocation::{
    AllocationSpec, CPU, InstanceHour, PartialHours, RESOURCES, TaskHourCost, split_hour, weights,
};
use crate::time::SimTime;

const HOUR_MS: u64 = 3_600_000;
const HOUR: f64 = 3_600_000.0;
const CPU_UNITS_PER_VCPU: f64 = 1024.0;
/// Fargate usage keys per origin: vCPU and GB, x86 and Arm (`Billing::fargate_usage`).
const FARGATE_KEYS: usize = 4;
const NONE: u32 = u32::MAX;
/// `Share::until` of a task still on its instance.
const LIVE: u64 = u64::MAX;

/// One task's place on one instance.
#[derive(Clone, Copy, Debug)]
struct Share {
    task: u32,
    origin: u32,
    /// The service whose demand it serves, or `NONE`.
    service: u32,
    /// vCPU, memory (the settings' unit) and GPUs it reserves.
    reserved: [f64; RESOURCES],
    /// Accrued up to here.
    since: u64,
    /// When the task stopped, or `LIVE`: the open hour's part is accrued when it closes.
    until: u64,
    /// Its service's per-task use integral at `since`.
    use_mark: f64,
    /// The same integral at `until`, for a stopped task of a service.
    use_until: f64,
    cost: TaskHourCost,
    /// Where its task row waits for the cost, or `NONE`.
    row: u32,
}

/// One instance's open hour.
#[derive(Default)]
struct Ledger {
    /// The slot holds an instance that has not been closed.
    alive: bool,
    /// In the open hour's busy list: it had a task, or launched or closed, this hour.
    /// Otherwise its whole hour is nobody's, counted through `idle` without a visit.
    busy: bool,
    pool: usize,
    price_per_hour: f64,
    key: Option<usize>,
    capacity: [f64; RESOURCES],
    weights: [f64; RESOURCES],
    since: u64,
    live_ms: f64,
    /// What the bill adds at close beyond the time accrued (rounding up, minimum).
    extra: f64,
    shares: Vec<Share>,
}

/// A service's demand per running task, integrated over time (CPU units × ms).
#[derive(Clone, Copy, Default)]
struct ServiceUse {
    integral: f64,
    rate: f64,
    since: u64,
}

impl ServiceUse {
    fn at(&self, t: u64) -> f64 {
        self.integral + self.rate * t.saturating_sub(self.since) as f64
    }
}

/// A service's or job stream's share of the bill, US dollars.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OriginCost {
    /// What its tasks were allocated (`SplitCost`), Fargate bills included.
    pub split: f64,
    /// Its share of capacity nobody held: its tasks' `UnusedCost` and its share of the
    /// cluster's residual.
    pub unused: f64,
    /// On EC2 instances.
    pub ec2: f64,
    /// On Fargate.
    pub fargate: f64,
}

impl OriginCost {
    /// The whole: `split + unused`, which is also `ec2 + fargate`.
    pub fn total(&self) -> f64 {
        self.split + self.unused
    }
}

pub(super) struct CostSplit {
    spec: AllocationSpec,
    window_start: u64,
    horizon: u64,
    hour_start: u64,
    /// End of the open hour; `u64::MAX` once the last has closed.
    pub hour_end: u64,
    /// By instance slot.
    ledgers: Vec<Ledger>,
    /// Instances closed in the open hour.
    retired: Vec<Ledger>,
    /// Slots of the busy ledgers (see `Ledger::busy`).
    busy: Vec<u32>,
    /// Per pool: Σ $/h of its live instances that are not busy, and its commitments key.
    /// A quiet instance costs one addition an hour, not a visit: a 150-day trace on 1,500
    /// mostly idle GPU nodes closes 5.4 million instance-hours.
    idle: Vec<(f64, Option<usize>)>,
    spare: Vec<Vec<Share>>,
    /// By task slot: (instance slot, index in its ledger), for tasks placed on EC2.
    task_at: Vec<(u32, u32)>,
    services: Vec<ServiceUse>,
    origins: Vec<OriginCost>,
    /// Each origin's EC2 cost in the open hour: what the residual is shared by.
    hour_ec2: Vec<f64>,
    /// The origins with EC2 cost in the open hour, in the order they got it.
    hour_origins: Vec<u32>,
    residual: f64,
    /// Fargate usage per origin and key in the open hour (unit-ms), live amounts and when
    /// last brought up to date, when commitments are metered.
    fargate_units: Vec<[f64; FARGATE_KEYS]>,
    fargate_live: Vec<[f64; FARGATE_KEYS]>,
    fargate_since: Vec<u64>,
    fargate_key: usize,
    /// The cost of each task row waiting for its last hour, `None` until final.
    row_costs: Vec<Option<TaskHourCost>>,
    allocated: Vec<[f64; RESOURCES]>,
    costs: Vec<TaskHourCost>,
}

impl CostSplit {
    pub fn new(
        spec: AllocationSpec,
        warmup: SimTime,
        horizon: SimTime,
        services: usize,
        origins: usize,
        fargate_key: usize,
    ) -> CostSplit {
        let window_start = warmup.0;
        let mut split = CostSplit {
            spec,
            window_start,
            horizon: horizon.0,
            hour_start: window_start,
            hour_end: 0,
            ledgers: Vec::new(),
            retired: Vec::new(),
            busy: Vec::new(),
            idle: Vec::new(),
            spare: Vec::new(),
            task_at: Vec::new(),
            services: vec![ServiceUse::default(); services],
            origins: vec![OriginCost::default(); origins],
            hour_ec2: vec![0.0; origins],
            hour_origins: Vec::new(),
            residual: 0.0,
            fargate_units: vec![[0.0; FARGATE_KEYS]; origins],
            fargate_live: vec![[0.0; FARGATE_KEYS]; origins],
            fargate_since: vec![window_start; origins],
            fargate_key,
            row_costs: Vec::new(),
            allocated: Vec::new(),
            costs: Vec::new(),
        };
        split.hour_end = split.end_of_hour(window_start);
        split
    }

    fn end_of_hour(&self, start: u64) -> u64 {
        ((start / HOUR_MS + 1) * HOUR_MS).min(self.horizon)
    }

    /// An instance started billing: `price_per_hour` is what the bill charges for it (Spot
    /// at its rate), `key` its commitments usage key.
    pub fn instance_launched(
        &mut self,
        slot: usize,
        pool: usize,
        price_per_hour: f64,
        key: Option<usize>,
        now: SimTime,
    ) {
        if price_per_hour == 0.0 {
            // Free: every hour of it costs 0, which the split would share out as zeros.
            return;
        }
        if self.ledgers.len() <= slot {
            self.ledgers.resize_with(slot + 1, Ledger::default);
        }
        let capacity = self.spec.pool_capacity[pool];
        if self.idle.len() <= pool {
            self.idle.resize(pool + 1, (0.0, None));
        }
        self.idle[pool].1 = key;
        self.busy.push(slot as u32);
        let ledger = &mut self.ledgers[slot];
        debug_assert!(!ledger.alive && ledger.shares.is_empty());
        *ledger = Ledger {
            alive: true,
            busy: true,
            pool,
            price_per_hour,
            key,
            capacity,
            weights: weights(self.spec.settings.cpu_weight, capacity[2] > 0.0),
            since: now.0,
            live_ms: 0.0,
            extra: 0.0,
            shares: self.spare.pop().unwrap_or_default(),
        };
    }

    /// An instance stopped billing at `end`, its bill in the window being `billed`: the
    /// time since its last hour close joins that hour, and what the bill adds beyond the
    /// time (per-second rounding, the minimum) joins its last hour's cost.
    pub fn instance_closed(&mut self, slot: usize, launched: SimTime, billed: f64, end: SimTime) {
        let hour_start = self.hour_start;
        let Some(ledger) = self.ledgers.get_mut(slot).filter(|l| l.alive) else {
            return;
        };
        if !ledger.busy {
            self.idle[ledger.pool].0 -= ledger.price_per_hour;
        }
        let from = ledger.since.max(hour_start);
        ledger.live_ms += end.0.saturating_sub(from) as f64;
        ledger.alive = false;
        let accrued_ms = end.0.saturating_sub(launched.0.max(self.window_start));
        ledger.extra += billed - ledger.price_per_hour * accrued_ms as f64 / HOUR;
        debug_assert!(ledger.shares.iter().all(|s| s.until != LIVE));
        let closed = std::mem::take(ledger);
        self.retired.push(closed);
    }

    /// A task was placed on an instance at `now` and holds its reservation from then on.
    // Inlined: on a free instance (no ledger) the whole call is one bounds test.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn task_placed(
        &mut self,
        task: u32,
        origin: usize,
        service: Option<usize>,
        instance: usize,
        cpu_units: u32,
        memory_mib: u32,
        gpus: u32,
        now: SimTime,
    ) {
        let Some(ledger) = self.ledgers.get_mut(instance).filter(|l| l.alive) else {
            return;
        };
        let mib = self.spec.settings.memory_unit.mib();
        let service = service.map_or(NONE, |s| s as u32);
        let use_mark = self
            .services
            .get(service as usize)
            .map_or(0.0, |u| u.at(now.0));
        if !ledger.busy {
            // Quiet since the hour began: from here its hour is visited at the close.
            ledger.busy = true;
            self.idle[ledger.pool].0 -= ledger.price_per_hour;
            self.busy.push(instance as u32);
        }
        let t = task as usize;
        if self.task_at.len() <= t {
            self.task_at.resize(t + 1, (NONE, NONE));
        }
        self.task_at[t] = (instance as u32, ledger.shares.len() as u32);
        ledger.shares.push(Share {
            task,
            origin: origin as u32,
            service,
            reserved: [
                f64::from(cpu_units) / CPU_UNITS_PER_VCPU,
                f64::from(memory_mib) / mib,
                f64::from(gpus),
            ],
            since: now.0,
            until: LIVE,
            use_mark,
            use_until: 0.0,
            cost: TaskHourCost::default(),
            row: NONE,
        });
    }

    /// A task stopped (or the run ended) at `now`. With `keep_row`, returns where its
    /// cost will be once its last hour closes ([`CostSplit::row_cost`]); `None` for a
    /// task that was never on an instance with a ledger (on Fargate, or on a free
    /// instance: its cost is zero either way).
    #[inline]
    pub fn task_stopped(&mut self, task: u32, now: SimTime, keep_row: bool) -> Option<u32> {
        let (inst, index) = *self.task_at.get(task as usize)?;
        if inst == NONE {
            return None;
        }
        self.task_at[task as usize] = (NONE, NONE);
        let share = &mut self.ledgers[inst as usize].shares[index as usize];
        debug_assert_eq!(share.task, task);
        share.until = now.0;
        if let Some(u) = self.services.get(share.service as usize) {
            share.use_until = u.at(now.0);
        }
        if !keep_row {
            return None;
        }
        let row = self.row_costs.len() as u32;
        if now.0 <= self.window_start {
            // Stopped before the window: nothing of it is billed, and its row need not wait.
            self.row_costs.push(Some(TaskHourCost::default()));
        } else {
            self.row_costs.push(None);
            share.row = row;
        }
        Some(row)
    }

    /// The final cost of a waiting task row; `None` while its last hour is open.
    pub fn row_cost(&self, row: u32) -> Option<TaskHourCost> {
        self.row_costs.get(row as usize).copied().flatten()
    }

    /// Every waiting row was written: their slots are free again.
    pub fn rows_written(&mut self) {
        self.row_costs.clear();
    }

    /// Service `s` has `running` tasks sharing a demand of `demand` CPU units from `now`.
    pub fn service_load(&mut self, s: usize, now: SimTime, demand: f64, running: u32) {
        let Some(u) = self.services.get_mut(s) else {
            return;
        };
        u.integral = u.at(now.0);
        u.since = now.0;
        u.rate = if running > 0 {
            demand.max(0.0) / f64::from(running)
        } else {
            0.0
        };
    }

    /// A Fargate task's bill, `cost`, is its origin's.
    pub fn fargate_billed(&mut self, origin: usize, cost: f64) {
        let o = &mut self.origins[origin];
        o.fargate += cost;
        o.split += cost;
    }

    fn fargate_advance(&mut self, origin: usize, now: u64) {
        let from = self.fargate_since[origin].max(self.hour_start);
        if now > from {
            let dt = (now - from) as f64;
            for k in 0..FARGATE_KEYS {
                self.fargate_units[origin][k] += self.fargate_live[origin][k] * dt;
            }
        }
        self.fargate_since[origin] = now.max(self.fargate_since[origin]);
    }

    /// `amount` more (or less, negative) of Fargate usage `key` for `origin` from `now`; a
    /// start back-dated to `from` (a pull that began before RUNNING) counts [from, now) too.
    pub fn fargate_usage(&mut self, origin: usize, key: usize, amount: f64, from: u64, now: u64) {
        let k = key - self.fargate_key;
        self.fargate_advance(origin, now);
        let from = from.max(self.hour_start);
        if amount > 0.0 && now > from {
            self.fargate_units[origin][k] += amount * (now - from) as f64;
        }
        self.fargate_live[origin][k] += amount;
    }

    /// Fargate usage over [from, to) that never entered the live amounts.
    pub fn fargate_interval(&mut self, origin: usize, key: usize, amount: f64, from: u64, to: u64) {
        let from = from.max(self.hour_start);
        if to > from {
            self.fargate_units[origin][key - self.fargate_key] += amount * (to - from) as f64;
        }
    }

    /// Closes the open hour: splits every instance's hour among its tasks, at the effective
    /// rates of `bill` (the hour's bill with commitments, when the run has any), and
    /// shares what is nobody's. Opens the next hour, if any.
    pub fn close_hour(&mut self, bill: Option<&HourBill>) {
        let (start, end) = (self.hour_start, self.hour_end);
        let mut ledgers = std::mem::take(&mut self.ledgers);
        let mut retired = std::mem::take(&mut self.retired);
        let mut busy = std::mem::take(&mut self.busy);
        // Slot order, so the floating-point sums never depend on the order tasks came.
        busy.sort_unstable();
        busy.dedup();
        busy.retain(|&slot| {
            let ledger = &mut ledgers[slot as usize];
            if !ledger.alive {
                return false;
            }
            self.close_ledger(slot, ledger, bill, start, end);
            let quiet = ledger.shares.is_empty();
            if quiet {
                ledger.busy = false;
                self.idle[ledger.pool].0 += ledger.price_per_hour;
            }
            !quiet
        });
        self.busy = busy;
        let hour_h = (end - start) as f64 / HOUR;
        for &(rate, key) in &self.idle {
            self.residual += rate * hour_h * key_factor(bill, key);
        }
        for ledger in &mut retired {
            self.close_ledger(NONE, ledger, bill, start, end);
            let mut shares = std::mem::take(&mut ledger.shares);
            shares.clear();
            self.spare.push(shares);
        }
        retired.clear();
        self.ledgers = ledgers;
        self.retired = retired;
        if let Some(bill) = bill {
            self.fargate_commitments(bill, end);
            self.residual += bill.fees - bill.used;
        }
        self.share_residual();
        self.hour_start = end;
        self.hour_end = if end >= self.horizon {
            u64::MAX
        } else {
            self.end_of_hour(end)
        };
    }

    fn close_ledger(
        &mut self,
        slot: u32,
        ledger: &mut Ledger,
        bill: Option<&HourBill>,
        start: u64,
        end: u64,
    ) {
        if ledger.alive {
            ledger.live_ms += end.saturating_sub(ledger.since.max(start)) as f64;
            ledger.since = end;
        }
        self.allocated.clear();
        for share in &mut ledger.shares {
            let (t, use_now) = if share.until == LIVE {
                let use_now = self
                    .services
                    .get(share.service as usize)
                    .map_or(0.0, |u| u.at(end));
                (end, use_now)
            } else {
                (share.until, share.use_until)
            };
            let (mut a, used_cpu) = accrue(share, t, start, use_now);
            a[CPU] = a[CPU].max(used_cpu);
            self.allocated.push(a.map(|ms| ms / HOUR));
        }
        let factor = key_factor(bill, ledger.key);
        let cost = ledger.price_per_hour * ledger.live_ms / HOUR * factor + ledger.extra;
        let offered_ms = match self.spec.settings.partial_hours {
            PartialHours::TimeWeighted => ledger.live_ms,
            PartialHours::WholeHour if ledger.live_ms > 0.0 => (end - start) as f64,
            PartialHours::WholeHour => 0.0,
        };
        let hour = InstanceHour {
            cost,
            capacity: ledger.capacity.map(|c| c * offered_ms / HOUR),
        };
        self.residual += split_hour(&hour, &ledger.weights, &self.allocated, &mut self.costs);
        for (share, c) in ledger.shares.iter_mut().zip(&self.costs) {
            share.cost.split += c.split;
            share.cost.unused += c.unused;
            let o = &mut self.origins[share.origin as usize];
            o.split += c.split;
            o.unused += c.unused;
            o.ec2 += c.split + c.unused;
            // Costs are never negative, so an origin's hour is 0 until its first cost.
            let hour = &mut self.hour_ec2[share.origin as usize];
            if c.split + c.unused > 0.0 {
                if *hour == 0.0 {
                    self.hour_origins.push(share.origin);
                }
                *hour += c.split + c.unused;
            }
        }
        for share in ledger
            .shares
            .iter()
            .filter(|s| s.until != LIVE && s.row != NONE)
        {
            self.row_costs[share.row as usize] = Some(share.cost);
        }
        ledger.shares.retain(|s| s.until == LIVE);
        for (i, share) in ledger.shares.iter().enumerate() {
            self.task_at[share.task as usize] = (slot, i as u32);
        }
        ledger.live_ms = 0.0;
        ledger.extra = 0.0;
    }

    /// What the commitments saved on Fargate usage this hour goes to the origins whose
    /// usage it was, key by key in proportion to their usage.
    fn fargate_commitments(&mut self, bill: &HourBill, end: u64) {
        for o in 0..self.origins.len() {
            self.fargate_advance(o, end);
        }
        for k in 0..FARGATE_KEYS {
            let Some(kh) = bill.keys.get(self.fargate_key + k) else {
                continue;
            };
            let saved = kh.covered_on_demand - kh.used;
            let total: f64 = self.fargate_units.iter().map(|u| u[k]).sum();
            if total > 0.0 {
                for (o, units) in self.fargate_units.iter().enumerate() {
                    let part = saved * units[k] / total;
                    let cost = &mut self.origins[o];
                    cost.fargate -= part;
                    cost.split -= part;
                }
            } else {
                self.residual -= saved;
            }
        }
        for u in &mut self.fargate_units {
            *u = [0.0; FARGATE_KEYS];
        }
    }

    fn share_residual(&mut self) {
        let basis: f64 = self
            .hour_origins
            .iter()
            .map(|&o| self.hour_ec2[o as usize])
            .sum();
        if basis > 0.0 && self.residual != 0.0 {
            for &o in &self.hour_origins {
                let part = self.residual * self.hour_ec2[o as usize] / basis;
                self.origins[o as usize].unused += part;
                self.origins[o as usize].ec2 += part;
            }
            self.residual = 0.0;
        }
        for &o in &self.hour_origins {
            self.hour_ec2[o as usize] = 0.0;
        }
        self.hour_origins.clear();
    }

    /// Every origin's cost, the last hour closed, adjusted so that together they are
    /// `bill`: what no hour could share goes to the origins by their whole cost (equally
    /// if none had any), split between EC2 and Fargate as their own costs are.
    pub fn finish(&mut self, bill: f64) -> Vec<OriginCost> {
        let mut origins = self.origins.clone();
        let sum: f64 = origins.iter().map(OriginCost::total).sum();
        let left = bill - sum;
        let n = origins.len() as f64;
        if left != 0.0 && n > 0.0 {
            for o in &mut origins {
                let weight = if sum > 0.0 { o.total() / sum } else { 1.0 / n };
                let part = left * weight;
                let whole = o.ec2 + o.fargate;
                let ec2_part = if whole > 0.0 { o.ec2 / whole } else { 1.0 };
                o.unused += part;
                o.ec2 += part * ec2_part;
                o.fargate += part * (1.0 - ec2_part);
            }
        }
        origins
    }
}

/// What an hour of usage key `key` cost with the commitments, per dollar On-Demand (1
/// without commitments or for usage they do not meter).
fn key_factor(bill: Option<&HourBill>, key: Option<usize>) -> f64 {
    match (bill, key) {
        (Some(bill), Some(k)) => bill
            .keys
            .get(k)
            .filter(|kh| kh.on_demand > 0.0)
            .map_or(1.0, |kh| kh.effective() / kh.on_demand),
        _ => 1.0,
    }
}

/// Brings a share's reservation and use up to `t` within the hour from `hour_start`, once
/// per hour: returns the reserved unit-milliseconds and the vCPU-milliseconds used in the
/// hour. (Sums from zero, as the split has always added them: `0.0 + x` is kept, not
/// folded, so the figures stay the same to the last bit.)
fn accrue(share: &mut Share, t: u64, hour_start: u64, use_now: f64) -> ([f64; RESOURCES], f64) {
    let mut held = [0.0; RESOURCES];
    let mut used_cpu = 0.0;
    let from = share.since.max(hour_start);
    if t > from {
        let dt = (t - from) as f64;
        for (h, reserved) in held.iter_mut().zip(share.reserved) {
            *h += reserved * dt;
        }
        if share.service != NONE {
            // Use since `since`; a share placed before the hour (in the warm-up) counts
            // the hour's part of it pro rata.
            let span = (t - share.since) as f64;
            let used = (use_now - share.use_mark) / CPU_UNITS_PER_VCPU;
            used_cpu += if span > 0.0 { used * dt / span } else { 0.0 };
        }
    }
    share.since = t.max(share.since);
    share.use_mark = use_now;
    (held, used_cpu)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::allocation::{AllocationSettings, PartialHours};

    /// One m5.large (2 vCPU, 8 GiB, $0.096/h) launched at 30 min, holding one task of
    /// 1 vCPU / 2 GiB from then to the end of the hour.
    fn half_hour(partial_hours: PartialHours) -> (OriginCost, f64) {
        let spec = AllocationSpec {
            settings: AllocationSettings {
                partial_hours,
                ..AllocationSettings::default()
            },
            pool_capacity: vec![[2.0, 8.0, 0.0]],
        };
        let hour = SimTime(HOUR_MS);
        let mut split = CostSplit::new(spec, SimTime::ZERO, hour, 0, 1, 0);
        let half = SimTime(HOUR_MS / 2);
        split.instance_launched(0, 0, 0.096, None, half);
        split.task_placed(0, 0, None, 0, 1024, 2048, 0, half);
        let row = split.task_stopped(0, hour, true);
        split.instance_closed(0, half, 0.048, hour);
        split.close_hour(None);
        let cost = split.row_cost(row.unwrap()).unwrap();
        assert_eq!(split.hour_end, u64::MAX);
        (split.finish(0.048)[0], cost.split)
    }

    #[test]
    fn part_hours_weighted_by_time_or_offered_whole() {
        // Time-weighted: the instance offers 1 vCPU-hour and 4 GiB-hours (9 + 4 = 13
        // units for its $0.048); the task holds 0.5 and 1: 5.5 units = $0.020308.
        let (origin, split) = half_hour(PartialHours::TimeWeighted);
        assert!((split - 5.5 / 13.0 * 0.048).abs() < 1e-12, "{split}");
        assert!((origin.total() - 0.048).abs() < 1e-12);
        // Whole hour: it offers 2 and 8 (26 units) for the same $0.048; the task's 5.5
        // units are $0.010154, the rest is unused (the task is the only one to carry it).
        let (origin, split) = half_hour(PartialHours::WholeHour);
        assert!((split - 5.5 / 26.0 * 0.048).abs() < 1e-12, "{split}");
        assert!((origin.unused - 20.5 / 26.0 * 0.048).abs() < 1e-12);
    }
}
