//! Task rows wait for their cost. An EC2 task's share of its instance's last hour is known
//! only when that hour closes (the tasks that came after it, and the commitments, change
//! it), so a stopped task's row is kept, in stop order, until the hour it stopped in has
//! closed; rows that need nothing more leave at once when none wait before them. So rows
//! keep the order in which tasks stopped, and at most one hour's stopped tasks wait.

use super::Simulation;
use super::origins::OriginId;
use crate::catalog::allocation::TaskHourCost;
use crate::metrics::{Recorder, TaskRow};
use crate::model::{AzId, LaunchType, TaskState};
use crate::time::SimTime;
use std::collections::VecDeque;

/// A task as its row will show it, owning what its instance or slot may lose meanwhile.
struct WaitingRow {
    task_id: u64,
    origin: OriginId,
    task_def: usize,
    launch_type: LaunchType,
    target_index: usize,
    /// Its instance's id in `TaskRows::instance_ids`.
    instance: (usize, usize),
    az: Option<AzId>,
    cpu: u32,
    memory: u32,
    created: SimTime,
    placed: Option<SimTime>,
    pull_started: Option<SimTime>,
    running: Option<SimTime>,
    stopped: Option<SimTime>,
    last_status: &'static str,
    stop_reason: &'static str,
    fargate_cost: f64,
    /// The loss it made good: the cause's word and how long from the loss to RUNNING.
    restored: Option<(&'static str, crate::time::SimDuration)>,
    /// Where its EC2 cost will be (`CostSplit::row_cost`).
    split_row: Option<u32>,
}

/// Rows waiting for their last hour's cost.
#[derive(Default)]
pub(super) struct TaskRows {
    waiting: VecDeque<WaitingRow>,
    /// The waiting rows' instance ids, end to end; emptied whenever no row waits.
    instance_ids: String,
}

impl<R: Recorder> Simulation<'_, R> {
    /// Reports task `slot` as it stands at `at` (its stop, or the horizon), once its cost
    /// is known. `fargate_cost` is its Fargate bill; `split_row` where its share of its
    /// instance will be.
    pub(super) fn queue_task_row(
        &mut self,
        slot: u32,
        fargate_cost: f64,
        split_row: Option<u32>,
        at: SimTime,
    ) {
        let task = self.tasks.get(slot);
        // Placed, but its ENI is still attaching (Fargate provisioning, awsvpc on EC2):
        // the pull has not begun, and ECS shows such a task as PROVISIONING.
        let pull_started = task.pull_started_at.filter(|p| *p <= at);
        let last_status = match task.state {
            TaskState::Pending if pull_started.is_none() => TaskState::Provisioning.as_str(),
            state => state.as_str(),
        };
        let def = &self.config.task_defs[task.task_def.index()];
        let (cpu, memory) = match task.fargate_size {
            Some(size) => (size.cpu_units, size.memory_mib),
            None => (def.cpu, def.memory),
        };
        let ids = &mut self.task_rows.instance_ids;
        let from = ids.len();
        if let Some(i) = task.instance {
            ids.push_str(&self.cluster.instance(i).ec2_instance_id);
        }
        let row = WaitingRow {
            task_id: task.id,
            origin: self.origins.id(task.origin),
            task_def: task.task_def.index(),
            launch_type: task.target.launch_type(),
            target_index: task.target_index as usize,
            instance: (from, ids.len()),
            az: task.az,
            cpu,
            memory,
            created: task.created_at,
            placed: task.placed_at,
            pull_started,
            running: task.running_at,
            stopped: task.stopped_at,
            last_status,
            stop_reason: task.stop_reason.map_or("", |r| r.as_str()),
            fargate_cost,
            restored: task
                .restored
                .zip(task.running_at)
                .map(|(tag, running)| (tag.cause.as_str(), running.since(tag.since))),
            split_row,
        };
        self.task_rows.waiting.push_back(row);
        self.write_ready_rows();
    }

    /// Writes the waiting rows whose cost is known, in order, up to the first that is not.
    pub(super) fn write_ready_rows(&mut self) {
        while let Some(row) = self.task_rows.waiting.front() {
            let split = match row.split_row {
                None => TaskHourCost::default(),
                Some(r) => match self.billing.row_cost(r) {
                    Some(cost) => cost,
                    None => return,
                },
            };
            let origin = &self.origins[row.origin];
            let def = &self.config.task_defs[row.task_def];
            let (split_cost, unused_cost) = match row.launch_type {
                LaunchType::Fargate => (row.fargate_cost, 0.0),
                _ => (split.split, split.unused),
            };
            let out = TaskRow {
                task_id: row.task_id,
                origin_kind: origin.kind,
                origin: origin.name(self.config),
                task_definition: &def.family,
                launch_type: row.launch_type,
                capacity_provider: &origin.provider_names[row.target_index],
                instance: &self.task_rows.instance_ids[row.instance.0..row.instance.1],
                availability_zone: row
                    .az
                    .map_or("", |az| self.cluster.azs[az.index()].as_str()),
                cpu: row.cpu,
                memory: row.memory,
                created: row.created,
                placed: row.placed,
                pull_started: row.pull_started,
                running: row.running,
                stopped: row.stopped,
                last_status: row.last_status,
                stop_reason: row.stop_reason,
                cost_usd: split_cost + unused_cost,
                split_cost_usd: split_cost,
                unused_cost_usd: unused_cost,
                restart_cause: row.restored.map_or("", |r| r.0),
                restart_latency: row.restored.map(|r| r.1),
            };
            self.recorder.task(&out);
            self.task_rows.waiting.pop_front();
        }
        self.task_rows.instance_ids.clear();
        self.billing.rows_written();
    }
}
