//! Cost accrual as AWS bills: each EC2 instance per second from launch to termination with
//! a minimum per launch, each Fargate task per second from image pull start to stop with a
//! one-minute minimum. Only the measured window is charged: a launch before the warm-up
//! ends is billed from the window's start, without the minimum (it was met before).
//!
//! Running sums of live rates let `cost_so_far` answer in O(1) for the time series; the
//! totals come from the billing functions, applied once per instance or task.

use super::cost_split::CostSplit;
use super::usage::UsageMeter;
use crate::catalog::{self, FargatePlatform, FargateRates, FargateSize};
use crate::model::{Cluster, Instance, InstanceState, SimConfig, Target, Task, TaskDef};
use crate::time::SimTime;

pub(super) struct Billing {
    ec2_closed: f64,
    fargate_closed: f64,
    /// Σ $/ms of live instances, and Σ rate × billing start, so the live accrual at `now`
    /// is `rate_sum × now − rate_start_sum`.
    ec2_rate_sum: f64,
    ec2_rate_start_sum: f64,
    fargate_rate_sum: f64,
    fargate_rate_start_sum: f64,
    pub live_instances: u32,
    warmup: SimTime,
    ec2_minimum_ms: u64,
    rates: FargateRates,
    /// Hourly usage for commitments; `None` when the run has none (nothing is metered).
    pub usage: Option<UsageMeter>,
    pool_keys: Vec<Option<usize>>,
    fargate_key: usize,
    /// Who pays for what: the bill split among services and jobs.
    pub split: CostSplit,
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
    pub ec2: f64,
    pub fargate: f64,
}

const MS_PER_HOUR: f64 = 3_600_000.0;

impl Billing {
    pub fn new(config: &SimConfig) -> Billing {
        let commitments = &config.billing.commitments;
        Billing {
            ec2_closed: 0.0,
            fargate_closed: 0.0,
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
                config.billing.allocation.clone(),
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
        self.split
            .instance_launched(slot, pool, price_per_hour, key, now);
        self.live_instances += 1;
        let rate = price_per_hour / MS_PER_HOUR;
        self.ec2_rate_sum += rate;
        self.ec2_rate_start_sum += rate * self.billing_start(now);
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
        self.ec2_rate_sum -= rate;
        self.ec2_rate_start_sum -= rate * self.billing_start(launched);
        let cost = self.window_cost(
            launched,
            end,
            |ms, minimum| catalog::ec2_instance_cost(price_per_hour, ms, minimum),
            self.ec2_minimum_ms,
        );
        self.ec2_closed += cost;
        self.split.instance_closed(slot, launched, cost, end);
        cost
    }

    /// Closes every live instance's bill, in launch order: the costs are summed in
    /// floating point, so the order is part of the result, and slot order is not stable.
    pub fn close_instances(&mut self, cluster: &Cluster, end: SimTime) {
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
    pub fn task_started(&mut self, origin: usize, task: &Task, def: &TaskDef, now: SimTime) {
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
    pub fn task_stopped(&mut self, origin: usize, task: &Task, def: &TaskDef, end: SimTime) -> f64 {
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
        let closed = self.ec2_closed + self.fargate_closed;
        if now < warmup {
            return closed;
        }
        let t = now.0 as f64;
        let live = (self.ec2_rate_sum * t - self.ec2_rate_start_sum)
            + (self.fargate_rate_sum * t - self.fargate_rate_start_sum);
        closed + live.max(0.0)
    }

    pub fn totals(&self) -> CostTotals {
        CostTotals {
            ec2: self.ec2_closed,
            fargate: self.fargate_closed,
        }
    }
}
