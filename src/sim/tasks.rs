//! The task table: a slab whose slots are reused, so a long run keeps a table the size of
//! its peak concurrency and allocates nothing per task once warm.

use super::events::TaskRef;
use crate::model::{Task, TaskState};

#[derive(Default)]
pub struct TaskTable {
    slots: Vec<Task>,
    free: Vec<u32>,
}

impl TaskTable {
    pub fn insert(&mut self, mut task: Task) -> TaskRef {
        if let Some(slot) = self.free.pop() {
            let generation = self.slots[slot as usize].generation.wrapping_add(1);
            task.generation = generation;
            self.slots[slot as usize] = task;
            TaskRef { slot, generation }
        } else {
            task.generation = 0;
            self.slots.push(task);
            TaskRef {
                slot: (self.slots.len() - 1) as u32,
                generation: 0,
            }
        }
    }

    /// The task if `r` still names it and it has not stopped.
    pub fn live(&self, r: TaskRef) -> Option<&Task> {
        self.slots
            .get(r.slot as usize)
            .filter(|t| t.generation == r.generation && t.state != TaskState::Stopped)
    }

    pub fn get(&self, slot: u32) -> &Task {
        &self.slots[slot as usize]
    }

    pub fn get_mut(&mut self, slot: u32) -> &mut Task {
        &mut self.slots[slot as usize]
    }

    pub fn reference(&self, slot: u32) -> TaskRef {
        TaskRef {
            slot,
            generation: self.slots[slot as usize].generation,
        }
    }

    /// Marks the slot reusable; the task must already be STOPPED.
    pub fn release(&mut self, slot: u32) {
        debug_assert_eq!(self.slots[slot as usize].state, TaskState::Stopped);
        self.free.push(slot);
    }

    /// Slots of tasks that have not stopped, in slot order.
    pub fn live_slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, t)| t.state != TaskState::Stopped)
            .map(|(i, _)| i as u32)
    }
}
