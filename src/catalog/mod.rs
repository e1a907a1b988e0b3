//! Static facts about AWS capacity and prices, and the billing arithmetic over them.
//!
//! This module is pure: nothing here reads files, clocks or the network. A user catalog is
//! passed in as a string so the caller owns I/O. The engine does not depend on it; the cost
//! model and scenario loader do.
//!
//! Provenance of every figure lives next to it in `instances.toml`. Values the sources do
//! not pin down (EC2 Spot discount, OS-visible memory fraction, some trunking limits) are
//! settings in that file with their defaults stated there.

pub mod allocation;
mod billing;
pub mod commitments;
mod error;
mod fargate;
pub mod instance_family;
pub mod instance_requirements;
mod instances;
pub mod managed_fees;
pub mod plan_rates;
mod prices;
pub mod usage;

pub use billing::{
    EC2_LINUX_MINIMUM_MS, FARGATE_LINUX_MINIMUM_MS, FARGATE_WINDOWS_MINIMUM_MS, FargatePlatform,
    ec2_instance_cost, fargate_task_cost,
};
pub use commitments::{CommitmentKind, HourBill, KeyHour, Plan, PlanHour};
pub use error::CatalogError;
pub use fargate::{
    FargateOs, FargateRates, FargateSize, FargateSizeError, round_fargate, valid_fargate_sizes,
};
pub use instances::{Arch, DEFAULT_OS_MEMORY_FRACTION, InstanceType};
pub use plan_rates::PlanRates;
pub use prices::{Ec2Os, Ec2Settings, PriceCatalog};
