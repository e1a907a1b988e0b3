//! The EC2-vs-Fargate comparison: one workload under several capacity options.
//!
//! A *leg* is a pure transformation of a [`SimConfig`](crate::model::SimConfig) ([`legs`]);
//! every leg keeps the seed, so the sampled workload (arrivals, durations) is the same task
//! for task, and only the capacity it lands on changes. Legs run in parallel, one simulation each, and come back
//! in leg order ([`run`]). Next to the measured legs sit two pieces of arithmetic: the
//! break-even utilization per task size ([`breakeven`]) and a search for the cheapest pool
//! that meets a target ([`recommend()`]).
//!
//! Nothing here touches files: [`table`] turns results into text, CSV and JSON bytes, and the
//! CLI writes them.

pub mod breakeven;
pub mod commitment_legs;
pub mod legs;
pub mod per_service;
pub mod recommend;
pub mod run;
pub mod table;

pub use breakeven::{BreakEven, BreakEvenRow, break_even, break_even_with_legs};
pub use legs::{FARGATE_SPOT_STRATEGY, Leg, LegConfig, LegError, apply_leg};
pub use recommend::{Recommendation, Target, TypeResult, recommend};
pub use run::{CompareError, LegResult, run_config, run_legs};
