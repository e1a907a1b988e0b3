//! The task table: a slab whose slots are reused, so a long run keeps a table the size of
//! its peak concurrency and allocates nothing per task once warm. It also lists the live
//! tasks of each origin and of each instance, so an instance failure or a service's
//! scale-in looks at those tasks only, not at every task of a 50,000-instance cluster.

use super::events::TaskRef;
use super::origins::OriginId;
use crate::model::{InstanceId, Task, TaskState};

#[derive(Default)]
pub struct TaskTable {
    slots: Vec<Task>,
    free: Vec<u32>,
    /// Per slot: its origin, and its positions in `of_origin` and `on_instance`.
    place: Vec<Listed>,
    of_origin: Vec<Vec<u32>>,
    on_instance: Vec<Vec<u32>>,
}

#[derive(Clone, Copy, Default)]
struct Listed {
    origin: u32,
    in_origin: u32,
    on_instance: u32,
}

impl TaskTable {
    #[inline]
    pub fn insert(&mut self, mut task: Task, origin: OriginId) -> TaskRef {
        let instance = task.instance;
        let r = if let Some(slot) = self.free.pop() {
            let generation = self.slots[slot as usize].generation.wrapping_add(1);
            task.generation = generation;
            self.slots[slot as usize] = task;
            TaskRef { slot, generation }
        } else {
            task.generation = 0;
            self.slots.push(task);
            self.place.push(Listed::default());
            TaskRef {
                slot: (self.slots.len() - 1) as u32,
                generation: 0,
            }
        };
        let o = origin.index();
        if self.of_origin.len() <= o {
            self.of_origin.resize_with(o + 1, Vec::new);
        }
        self.place[r.slot as usize] = Listed {
            origin: o as u32,
            in_origin: self.of_origin[o].len() as u32,
            on_instance: 0,
        };
        self.of_origin[o].push(r.slot);
        if let Some(id) = instance {
            self.list_on(r.slot, id);
        }
        r
    }

    /// The task in `slot` now sits on instance `id`. A DAEMON task was created on its
    /// instance and is listed there already.
    pub fn set_instance(&mut self, slot: u32, id: InstanceId) {
        if let Some(on) = self.slots[slot as usize].instance {
            debug_assert_eq!(on, id, "a task placed on an instance other than its own");
            return;
        }
        self.slots[slot as usize].instance = Some(id);
        self.list_on(slot, id);
    }

    // Once per placement; callgrind's call counts showed LTO kept it a call under `#[inline]`.
    #[inline(always)]
    fn list_on(&mut self, slot: u32, id: InstanceId) {
        if self.on_instance.len() <= id.index() {
            self.on_instance.resize_with(id.index() + 1, Vec::new);
        }
        let list = &mut self.on_instance[id.index()];
        self.place[slot as usize].on_instance = list.len() as u32;
        list.push(slot);
    }

    /// Live tasks of an origin, in no particular order.
    pub fn of_origin(&self, origin: OriginId) -> &[u32] {
        self.of_origin
            .get(origin.index())
            .map_or(&[], Vec::as_slice)
    }

    /// Live tasks on an instance, in no particular order.
    pub fn on_instance(&self, id: InstanceId) -> &[u32] {
        self.on_instance.get(id.index()).map_or(&[], Vec::as_slice)
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
    #[inline]
    pub fn release(&mut self, slot: u32) {
        debug_assert_eq!(self.slots[slot as usize].state, TaskState::Stopped);
        let listed = self.place[slot as usize];
        let list = &mut self.of_origin[listed.origin as usize];
        list.swap_remove(listed.in_origin as usize);
        if let Some(&moved) = list.get(listed.in_origin as usize) {
            self.place[moved as usize].in_origin = listed.in_origin;
        }
        if let Some(id) = self.slots[slot as usize].instance {
            let list = &mut self.on_instance[id.index()];
            list.swap_remove(listed.on_instance as usize);
            if let Some(&moved) = list.get(listed.on_instance as usize) {
                self.place[moved as usize].on_instance = listed.on_instance;
            }
        }
        self.free.push(slot);
    }

    /// For checked runs: every live task is listed once under its origin and, if it has
    /// one, once under its instance, at the position its record says, and nothing else is.
    pub fn check_lists(&self) -> Result<(), String> {
        let mut listed = 0;
        for slot in self.live_slots() {
            let at = self.place[slot as usize];
            let task = &self.slots[slot as usize];
            let in_origin = self.of_origin[at.origin as usize].get(at.in_origin as usize);
            let on_instance = task.instance.map(|id| {
                self.on_instance[id.index()]
                    .get(at.on_instance as usize)
                    .copied()
            });
            if in_origin != Some(&slot) || on_instance.is_some_and(|s| s != Some(slot)) {
                return Err(format!("task {} is not where its lists say", task.id));
            }
            listed += 1 + usize::from(task.instance.is_some());
        }
        let total: usize = self
            .of_origin
            .iter()
            .chain(&self.on_instance)
            .map(Vec::len)
            .sum();
        if total != listed {
            return Err(format!(
                "{total} task list entries for {listed} live placements"
            ));
        }
        Ok(())
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
