//! The ECS vocabulary as runtime types: task definitions, instances and pools, the cluster
//! with its placement indexes, tasks, services and job streams.
//!
//! These are validated, resolved forms (names already looked up, sizes already rounded);
//! the `scenario` module builds them from files. Nothing here does I/O.

pub mod cluster;
pub mod deployment;
pub mod fit_tree;
pub mod ids;
pub mod instance;
pub mod managed;
pub mod policy;
pub mod slot_tree;
pub mod spec;
pub mod task;
pub mod taskdef;

pub use crate::scaling::managed_scaling::TaskShape;
pub use cluster::Cluster;
pub use deployment::{
    AlarmRule, AzRebalancing, DeploymentStrategy, LifecycleHook, Stage, ThresholdType,
};
pub use ids::*;
pub use instance::{Instance, InstanceState, InstanceTypeSpec};
pub use managed::{ManagedProviderSpec, ManagedType, ScaleInAfter};
pub use spec::*;
pub use task::{LaunchType, Origin, RestartCause, RestartTag, StopReason, Target, Task, TaskState};
pub use taskdef::{NetworkMode, RestartPolicy, TaskDef};
