//! Managed Instances placement as ECS describes it (ecs-current.md §1.2, §1.3): no
//! placement strategies; a task goes to an existing instance if one fits (`choose`),
//! spreading a service over AZs first and packing only within that; the tasks that fit
//! nowhere are batched and ECS picks instance types and AZs for them together by
//! first-fit-decreasing packing over the allowed types, cheapest capacity first
//! (`packing`).

mod choose;
pub mod packing;

pub use choose::choose;
