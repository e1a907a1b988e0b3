//! Cost accrual as AWS bills: each EC2 instance per second from launch to termination with
//! a minimum per launch, each Fargate task per second from image pull start to stop with a
//! one-minute minimum. Only the measured window is charged: a launch before the warm-up
//! ends is billed from the window's start, without the minimum (it was met before).
//!
//! A Managed Instances instance is billed the same way twice over: its EC2 rate and its
//! management fee, each per second with the 60 s minimum, kept apart in the totals
//! (`catalog::managed_fees`).
//!
//! Running sums of live rates let `cost_so_far` answer in O(1) for the time series; the
//! totals come from the billing functions, applied once per instance or task.

use super::cost_split::CostSplit;
use super::usage::UsageMeter;
use crate::catalog::{self, FargatePlatform, FargateRates, FargateSize};
use crate::model::{Cluster, Instance, InstanceState, SimConfig, Target, Task, TaskDef};
use crate::time::SimTime;

/// A running sum of live rates ($/ms) and of rate × billing start, so the live accrual at
/// `now` is `rate_sum × now − rate_start_sum`.
#[derive(Default)]
struct LiveRates {
    rate_sum: f64,
    rate_start_sum: f64,
}

impl LiveRates {
    fn add(&mut self, rate: f64, start: f64) {
        self.rate_sum += rate;
        self.rate_start_sum += rate * start;
    }

    fn remove(&mut self, rate: f64, start: f64) {
        self.rate_sum -= rate;
        self.rate_start_sum -= rate * start;
    }

    fn accrued(&self, t: f64) -> f64 {
        self.rate_sum * t - self.rate_start_sum
    }
}

pub(super) struct Billing {
    ec2_closed: f64,
    fargate_closed: f64,
    /// Managed Instances: the EC2 part and the management fee, closed and live.
    managed_closed: f64,
    fee_closed: f64,
    managed_live: LiveRates,
    fee_live: LiveRates,
    /// Per pool: the management fee, $ per instance-hour, of a Managed Instances pool.
    pool_fees: Vec<Option<f64>>,
    /// Σ $/ms of live instances, and Σ rate × billing start, so the live accrual at `now`
    /// is `rate_sum × now − rate_start_sum`.
    ec2_rate_sum: f64,
    ec2_rate_start_sum: f64,
    fargate_rate_sum: f64,
    fargate_rate_start_sum: f64,
    live_instances: u32,
    warmup: SimTime,
    ec2_minimum_ms: u64,
    rates: FargateRates,
    /// Hourly usage for commitments; `None` when the run has none (nothing is metered).
    usage: Option<UsageMeter>,
    pool_keys: Vec<Option<usize>>,
    fargate_key: usize,
    /// Who pays for what: the bill split among services and jobs.
    split: CostSplit,
}

/// What a Fargate task is billed for, read off the task and its definition in one place.
struct FargateBill {
    size: FargateSize,
    platform: FargatePlatform,
    spot: bool,
    storage_gib: u32,
    /// Fargate bills from the image pull's start.
    pull_start: SimTime,
    /// It reached RUNNING, so `task_started` put it in the live sums.
    accruing: bool,
}

impl FargateBill {
    /// `None` for a task Fargate does not bill: an EC2 task, or one not yet admitted.
    fn of(task: &Task, def: &TaskDef) -> Option<FargateBill> {
        match (task.target, task.pull_started_at, task.fargate_size) {
            (Target::Fargate { spot }, Some(pull_start), Some(size)) => Some(FargateBill {
                size,
                platform: def.platform,
                spot,
                storage_gib: def.ephemeral_storage_gib,
                pull_start,
                accruing: task.running_at.is_some(),
            }),
            _ => None,
        }
    }
}

pub struct CostTotals {
    /// EC2 instances of pools (Auto Scaling group capacity, plain pools).
    pub ec2: f64,
    pub fargate: f64,
    /// The EC2 part of Managed Instances instances.
    pub managed_instances: f64,
    /// Their management fee.
    pub management_fee: f64,
}

impl CostTotals {
    /// The whole bill.
    pub fn total(&self) -> f64 {
        self.ec2 + self.fargate + self.managed_instances + self.management_fee
    }
}

const MS_PER_HOUR: f64 = 3_600_000.0;

/// The split's table of what one instance of each pool offers, covering every pool: a
/// config changed after resolution (a compare leg moving the workload onto a Managed
/// Instances provider, a recommended pool) may hold pools the scenario file did not, and
/// those are measured by what their type registers.
fn allocation_with_every_pool(config: &SimConfig) -> crate::catalog::allocation::AllocationSpec {
    let mut spec = config.billing.allocation.clone();
    let mib = spec.settings.memory_unit.mib();
    for pool in config.pools.iter().skip(spec.pool_capacity.len()) {
        let t = &pool.instance_type;
        spec.pool_capacity.push([
            f64::from(t.cpu_units) / 1024.0,
            f64::from(t.memory_mib) / mib,
            f64::from(t.gpus),
        ]);
    }
    spec
}

impl Billing {
    pub fn new(config: &SimConfig) -> Billing {
        let commitments = &config.billing.commitments;
        let mut pool_fees = vec![None; config.pools.len()];
        for provider in &config.managed_instances {
            for t in &provider.types {
                pool_fees[t.pool.index()] = Some(t.fee_per_hour);
            }
        }
        Billing {
            ec2_closed: 0.0,
            fargate_closed: 0.0,
            managed_closed: 0.0,
            fee_closed: 0.0,
            managed_live: LiveRates::default(),
            fee_live: LiveRates::default(),
            pool_fees,
            ec2_rate_sum: 0.0,
            ec2_rate_start_sum: 0.0,
            fargate_rate_sum: 0.0,
            fargate_rate_start_sum: 0.0,
            live_instances: 0,
            warmup: config.warmup,
            ec2_minimum_ms: config.billing.ec2_minimum.as_millis(),
            rates: config.fargate.rates.clone(),
            usage: commitments
                .metered()
                .then(|| UsageMeter::new(commitments, config.warmup, config.horizon)),
            pool_keys: commitments.pool_keys.clone(),
            fargate_key: commitments.fargate_key,
            split: CostSplit::new(
                allocation_with_every_pool(config),
                config.warmup,
                config.horizon,
                config.services.len(),
                config.services.len() + config.jobs.len(),
                commitments.fargate_key,
            ),
        }
    }

    /// The metered keys of a Fargate task: (vCPU key, vCPU, GB key, GB); `None` for what no
    /// commitment covers here (Spot, Windows).
    fn fargate_usage(&self, bill: &FargateBill) -> Option<(usize, f64, usize, f64)> {
        let base = match (bill.platform, bill.spot) {
            (_, true) | (FargatePlatform::Windows, _) => return None,
            (FargatePlatform::LinuxX86, false) => self.fargate_key,
            (FargatePlatform::LinuxArm, false) => self.fargate_key + 2,
        };
        let vcpu = f64::from(bill.size.cpu_units) / 1024.0;
        let gb = f64::from(bill.size.memory_mib) / 1024.0;
        Some((base, vcpu, base + 1, gb))
    }

    fn billing_start(&self, start: SimTime) -> f64 {
        start.max(self.warmup).0 as f64
    }

    /// Instance `slot` of `pool` starts billing at `price_per_hour`, what the bill charges
    /// for one of its hours (the one rate its tasks' split shares out too).
    pub fn instance_launched(
        &mut self,
        slot: usize,
        price_per_hour: f64,
        pool: usize,
        now: SimTime,
    ) {
        let key = self.pool_keys.get(pool).copied().flatten();
        if let (Some(meter), Some(key)) = (&mut self.usage, key) {
            meter.start(key, 1.0, now, now);
        }
        // The split shares out what an hour of the instance costs: for Managed Instances,
        // the EC2 rate and the management fee together.
        let fee = self.pool_fees[pool].unwrap_or(0.0);
        self.split
            .instance_launched(slot, pool, price_per_hour + fee, key, now);
        self.live_instances += 1;
        let rate = price_per_hour / MS_PER_HOUR;
        let start = self.billing_start(now);
        match self.pool_fees[pool] {
            Some(fee) => {
                self.managed_live.add(rate, start);
                self.fee_live.add(fee / MS_PER_HOUR, start);
            }
            None => {
                self.ec2_rate_sum += rate;
                self.ec2_rate_start_sum += rate * start;
            }
        }
    }

    /// Closes one instance's bill at `end`; returns what it cost in the window.
    pub fn instance_closed(
        &mut self,
        slot: usize,
        price_per_hour: f64,
        pool: usize,
        launched: SimTime,
        end: SimTime,
    ) -> f64 {
        if let (Some(meter), Some(Some(key))) = (&mut self.usage, self.pool_keys.get(pool)) {
            meter.stop(*key, 1.0, end);
        }
        self.live_instances -= 1;
        let rate = price_per_hour / MS_PER_HOUR;
        let start = self.billing_start(launched);
        let bill = |billing: &Billing, per_hour: f64| {
            billing.window_cost(
                launched,
                end,
                |ms, minimum| catalog::ec2_instance_cost(per_hour, ms, minimum),
                billing.ec2_minimum_ms,
            )
        };
        match self.pool_fees[pool] {
            Some(fee) => {
                self.managed_live.remove(rate, start);
                self.fee_live.remove(fee / MS_PER_HOUR, start);
                let ec2 = bill(self, price_per_hour);
                let fee = bill(self, fee);
                self.managed_closed += ec2;
                self.fee_closed += fee;
                self.split.instance_closed(slot, launched, ec2 + fee, end);
                ec2 + fee
            }
            None => {
                self.ec2_rate_sum -= rate;
                self.ec2_rate_start_sum -= rate * start;
                let cost = bill(self, price_per_hour);
                self.ec2_closed += cost;
                self.split.instance_closed(slot, launched, cost, end);
                cost
            }
        }
    }

    /// Closes every live instance's bill, in launch order: the costs are summed in
    /// floating point, so the order is part of the result, and slot order is not stable.
    /// The instances stay counted as live: the horizon's sample shows the cluster as it
    /// stands.
    pub fn close_instances(&mut self, cluster: &Cluster, end: SimTime) {
        let live_instances = self.live_instances;
        let mut live: Vec<&Instance> = cluster
            .instance_slots()
            .iter()
            .filter(|inst| inst.state != InstanceState::Terminated)
            .collect();
        live.sort_unstable_by_key(|inst| inst.launch);
        for inst in live {
            self.instance_closed(
                inst.id.index(),
                inst.price_per_hour,
                inst.pool.index(),
                inst.launched_at,
                end,
            );
        }
        self.live_instances = live_instances;
    }

    fn fargate_rate_per_ms(&self, bill: &FargateBill) -> f64 {
        let hour = catalog::fargate_task_cost(
            bill.size,
            bill.platform,
            MS_PER_HOUR as u64,
            &self.rates,
            bill.spot,
            bill.storage_gib,
        );
        hour / MS_PER_HOUR
    }

    /// A task reached RUNNING: a Fargate task's live accrual for the time series starts,
    /// back-dated to its pull start (registering it while the pull is still in the future
    /// would make the running cost dip below what is already billed). An EC2 task is
    /// billed with its instance: nothing to do.
    // Inlined to a test on the EC2 path (the M/M/10's every task), the call only for Fargate.
    #[inline]
    pub fn task_started(&mut self, origin: usize, task: &Task, def: &TaskDef, now: SimTime) {
        if task.target.is_fargate() {
            self.fargate_task_started(origin, task, def, now);
        }
    }

    fn fargate_task_started(&mut self, origin: usize, task: &Task, def: &TaskDef, now: SimTime) {
        let Some(bill) = FargateBill::of(task, def) else {
            return;
        };
        if let Some((vk, vcpu, gk, gb)) = self.fargate_usage(&bill)
            && let Some(meter) = &mut self.usage
        {
            meter.start(vk, vcpu, bill.pull_start, now);
            meter.start(gk, gb, bill.pull_start, now);
            self.split
                .fargate_usage(origin, vk, vcpu, bill.pull_start.0, now.0);
            self.split
                .fargate_usage(origin, gk, gb, bill.pull_start.0, now.0);
        }
        let rate = self.fargate_rate_per_ms(&bill);
        self.fargate_rate_sum += rate;
        self.fargate_rate_start_sum += rate * self.billing_start(bill.pull_start);
    }

    /// A task stopped at `end`, or is still alive at the horizon `end`: closes a Fargate
    /// task's bill and returns its cost in the window (0 for an EC2 task, billed with its
    /// instance, and for a Fargate task whose pull never began).
    #[inline]
    pub fn task_stopped(&mut self, origin: usize, task: &Task, def: &TaskDef, end: SimTime) -> f64 {
        if task.target.is_fargate() {
            self.fargate_task_stopped(origin, task, def, end)
        } else {
            0.0
        }
    }

    fn fargate_task_stopped(
        &mut self,
        origin: usize,
        task: &Task,
        def: &TaskDef,
        end: SimTime,
    ) -> f64 {
        let Some(bill) = FargateBill::of(task, def) else {
            return 0.0;
        };
        if let Some((vk, vcpu, gk, gb)) = self.fargate_usage(&bill)
            && let Some(meter) = &mut self.usage
        {
            if bill.accruing {
                meter.stop(vk, vcpu, end);
                meter.stop(gk, gb, end);
                self.split.fargate_usage(origin, vk, -vcpu, end.0, end.0);
                self.split.fargate_usage(origin, gk, -gb, end.0, end.0);
            } else if end > bill.pull_start {
                meter.interval(vk, vcpu, bill.pull_start, end);
                meter.interval(gk, gb, bill.pull_start, end);
                self.split
                    .fargate_interval(origin, vk, vcpu, bill.pull_start.0, end.0);
                self.split
                    .fargate_interval(origin, gk, gb, bill.pull_start.0, end.0);
            }
        }
        if bill.accruing {
            let rate = self.fargate_rate_per_ms(&bill);
            self.fargate_rate_sum -= rate;
            self.fargate_rate_start_sum -= rate * self.billing_start(bill.pull_start);
        }
        if end < bill.pull_start {
            // Stopped before its pull began: Fargate bills nothing.
            return 0.0;
        }
        let rates = &self.rates;
        let cost = self.window_cost(
            bill.pull_start,
            end,
            |ms, _| {
                catalog::fargate_task_cost(
                    bill.size,
                    bill.platform,
                    ms,
                    rates,
                    bill.spot,
                    bill.storage_gib,
                )
            },
            bill.platform.minimum_ms(),
        );
        self.fargate_closed += cost;
        self.split.fargate_billed(origin, cost);
        cost
    }

    /// Bills [start, end] clipped to the window. A run that began inside the window is
    /// billed by `bill` with its minimum; one that began before is billed pro rata for its
    /// in-window part, since its minimum was already met (or charged) before the window.
    fn window_cost(
        &self,
        start: SimTime,
        end: SimTime,
        bill: impl Fn(u64, u64) -> f64,
        minimum_ms: u64,
    ) -> f64 {
        if end <= self.warmup && self.warmup > SimTime::ZERO {
            return 0.0;
        }
        if start >= self.warmup {
            bill(end.since(start).as_millis(), minimum_ms)
        } else {
            let hourly = bill(MS_PER_HOUR as u64, 0);
            hourly * end.since(self.warmup).as_millis() as f64 / MS_PER_HOUR
        }
    }

    /// Cost accrued in the window up to `now`, minimums aside (they are added at close).
    pub fn cost_so_far(&self, now: SimTime, warmup: SimTime) -> f64 {
        let (managed, fee) = self.managed_so_far(now, warmup);
        let closed = self.ec2_closed + self.fargate_closed;
        if now < warmup {
            return closed + managed + fee;
        }
        let t = now.0 as f64;
        let live = (self.ec2_rate_sum * t - self.ec2_rate_start_sum)
            + (self.fargate_rate_sum * t - self.fargate_rate_start_sum);
        closed + live.max(0.0) + managed + fee
    }

    /// Managed Instances' EC2 part and management fee accrued in the window up to `now`
    /// (minimums aside), for the time series.
    pub fn managed_so_far(&self, now: SimTime, warmup: SimTime) -> (f64, f64) {
        if now < warmup {
            return (self.managed_closed, self.fee_closed);
        }
        let t = now.0 as f64;
        (
            self.managed_closed + self.managed_live.accrued(t).max(0.0),
            self.fee_closed + self.fee_live.accrued(t).max(0.0),
        )
    }

    /// The hourly rate Fargate bills `task` at (per second, minimum aside); 0 for an EC2
    /// task, billed with its instance, or one not yet admitted.
    pub fn task_rate_per_hour(&self, task: &Task, def: &TaskDef) -> f64 {
        FargateBill::of(task, def).map_or(0.0, |b| self.fargate_rate_per_ms(&b) * MS_PER_HOUR)
    }

    /// Instances launched and not yet terminated.
    #[inline]
    pub fn live_instances(&self) -> u32 {
        self.live_instances
    }

    /// Task `slot` of origin `origin` (service `service`, if it is one) holds `def`'s
    /// resources on instance `instance` from `now`: its share of the instance's hours.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn task_placed(
        &mut self,
        slot: u32,
        origin: usize,
        service: Option<usize>,
        instance: usize,
        def: &TaskDef,
        now: SimTime,
    ) {
        self.split.task_placed(
            slot, origin, service, instance, def.cpu, def.memory, def.gpu, now,
        );
    }

    /// Task `slot`'s share of its instance's hours ends at `at`. With `keep_row`, the
    /// row whose cost [`Billing::row_cost`] gives once the task's last hour closes.
    #[inline]
    pub fn task_share_ends(&mut self, slot: u32, at: SimTime, keep_row: bool) -> Option<u32> {
        self.split.task_stopped(slot, at, keep_row)
    }

    /// Service `s` has `running` tasks sharing a demand of `demand` CPU units from `now`:
    /// where a task's use passes its reservation, the split charges the use.
    pub fn service_load(&mut self, s: usize, now: SimTime, demand: f64, running: u32) {
        self.split.service_load(s, now, demand, running);
    }

    /// A stopped task's split and unused cost, once its last hour has closed.
    pub fn row_cost(&self, row: u32) -> Option<crate::catalog::allocation::TaskHourCost> {
        self.split.row_cost(row)
    }

    /// Every row [`Billing::row_cost`] could give has been read.
    pub fn rows_written(&mut self) {
        self.split.rows_written();
    }

    /// The end of the cost hour still open, ms: an event after it closes hours first.
    #[inline]
    pub fn hour_end(&self) -> u64 {
        self.split.hour_end
    }

    /// Closes every cost hour that ended before `now`: the hour's bill with commitments
    /// first, then the split at its rates.
    pub fn close_hours_before(&mut self, now: SimTime) {
        while self.split.hour_end < now.0 {
            let end = SimTime(self.split.hour_end);
            let bill = self.usage.as_mut().map(|meter| {
                meter.close_hours(end);
                &meter.last
            });
            self.split.close_hour(bill);
        }
    }

    /// The usage meter's hours that ended by `now` are closed.
    pub fn close_usage_hours(&mut self, now: SimTime) {
        if let Some(meter) = &mut self.usage {
            meter.close_hours(now);
        }
    }

    /// The usage meter, when the run meters usage for commitments.
    pub fn usage(&self) -> Option<&UsageMeter> {
        self.usage.as_ref()
    }

    /// The usage meter, taken at the end of the run.
    pub fn take_usage(&mut self) -> Option<UsageMeter> {
        self.usage.take()
    }

    /// Every origin's share of `bill` (the total, or the bill with commitments), in
    /// origin order.
    pub fn origin_shares(&mut self, bill: f64) -> Vec<super::cost_split::OriginCost> {
        self.split.finish(bill)
    }

    pub fn totals(&self) -> CostTotals {
        CostTotals {
            ec2: self.ec2_closed,
            fargate: self.fargate_closed,
            managed_instances: self.managed_closed,
            management_fee: self.fee_closed,
        }
    }
}
