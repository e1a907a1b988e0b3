//! Placement policies: rules a researcher ranks instances by, beside ECS's strategies and
//! chainable with them (`placementStrategy = [{ type = "policy", name = "tetris" }]`).
//!
//! The interface is [`PlacementPolicy`]: a score per candidate over a read-only view, for
//! candidates that already passed ECS's filters and constraints. The shipped policies, one
//! file each with its formula and source, are registered under these names:
//!
//! | name | rule |
//! |---|---|
//! | `first-fit` | the earliest-launched instance that fits |
//! | `best-fit` | the least left of the binding resource after placing |
//! | `worst-fit` | the most left of the binding resource after placing |
//! | `tetris` | the largest dot product of the task's demand and the instance's free resources |
//! | `most-allocated` | Kubernetes' NodeResourcesFit `MostAllocated` score |
//! | `least-allocated` | Kubernetes' NodeResourcesFit `LeastAllocated` score |
//! | `balanced-allocation` | Kubernetes' `NodeResourcesBalancedAllocation` score |
//! | `dominant-best-fit` | the largest dominant share after placing |
//!
//! Your own policy goes into a [`PolicyRegistry`] (`registry.register("mine", Mine)`), and
//! a scenario loaded with it (`scenario::LoadOptions::policies`) may name it; see
//! `examples/custom_policy.rs`.

mod balanced_allocation;
mod best_fit;
mod dominant_best_fit;
mod first_fit;
mod least_allocated;
mod most_allocated;
mod tetris;
mod worst_fit;

pub use crate::model::policy::{
    Ask, Candidate, PlacementPolicy, PolicyHandle, PolicyRng, Resources,
};
pub use balanced_allocation::BalancedAllocation;
pub use best_fit::BestFit;
pub use dominant_best_fit::DominantBestFit;
pub use first_fit::FirstFit;
pub use least_allocated::LeastAllocated;
pub use most_allocated::MostAllocated;
pub use tetris::Tetris;
pub use worst_fit::WorstFit;

use std::sync::Arc;

/// Policies by name: the shipped ones ([`PolicyRegistry::builtin`]) and any registered.
/// Scenario loading looks names up here, and an unknown name is an error that lists
/// these names.
#[derive(Clone)]
pub struct PolicyRegistry {
    /// In registration order, which is the order errors list them in.
    entries: Vec<PolicyHandle>,
}

/// Why a policy could not be registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterError(pub String);

impl std::fmt::Display for RegisterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RegisterError {}

/// Longest policy name: names appear in scenario files, traces and sweep labels.
const MAX_NAME: usize = 64;

impl PolicyRegistry {
    /// No policies at all.
    pub fn empty() -> PolicyRegistry {
        PolicyRegistry {
            entries: Vec::new(),
        }
    }

    /// The shipped policies, under the names in the module's table.
    pub fn builtin() -> PolicyRegistry {
        let mut r = PolicyRegistry::empty();
        let shipped: [(&str, Arc<dyn PlacementPolicy>); 8] = [
            ("first-fit", Arc::new(FirstFit)),
            ("best-fit", Arc::new(BestFit)),
            ("worst-fit", Arc::new(WorstFit)),
            ("tetris", Arc::new(Tetris)),
            ("most-allocated", Arc::new(MostAllocated)),
            ("least-allocated", Arc::new(LeastAllocated)),
            ("balanced-allocation", Arc::new(BalancedAllocation)),
            ("dominant-best-fit", Arc::new(DominantBestFit)),
        ];
        for (name, policy) in shipped {
            r.entries.push(PolicyHandle {
                name: name.to_string(),
                policy,
            });
        }
        r
    }

    /// Adds `policy` under `name`: 1 to 64 ASCII letters, digits, `-` or `_`, not a name
    /// already registered.
    pub fn register(
        &mut self,
        name: &str,
        policy: impl PlacementPolicy + 'static,
    ) -> Result<(), RegisterError> {
        let plain = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if name.is_empty() || name.len() > MAX_NAME || !plain {
            return Err(RegisterError(format!(
                "policy name `{name}`: use 1 to {MAX_NAME} ASCII letters, digits, - or _"
            )));
        }
        if self.get(name).is_some() {
            return Err(RegisterError(format!(
                "a policy named `{name}` is already registered"
            )));
        }
        self.entries.push(PolicyHandle {
            name: name.to_string(),
            policy: Arc::new(policy),
        });
        Ok(())
    }

    /// The policy registered under `name`.
    pub fn get(&self, name: &str) -> Option<&PolicyHandle> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// Every registered name, in registration order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.name.as_str())
    }
}

impl Default for PolicyRegistry {
    fn default() -> Self {
        PolicyRegistry::builtin()
    }
}

impl std::fmt::Debug for PolicyRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

/// For the binding-resource policies: the resource that runs out first if the instance
/// took copies of the task, i.e. the least `free / asked` over the resources the task asks
/// (the first of CPU, memory, GPUs, ENIs on a tie); `None` for a task that asks nothing.
/// Returns (free, asked, registered) of that resource.
fn binding(ask: &Ask<'_>, c: &Candidate<'_>) -> Option<(u32, u32, u32)> {
    let (need, free, total) = (ask.need.each(), c.free().each(), c.registered().each());
    let mut best: Option<(u32, u32, u32)> = None;
    for r in 0..4 {
        if need[r] == 0 || total[r] == 0 {
            continue;
        }
        // free / need < best free / best need, cross-multiplied to stay exact.
        let fewer = |(bf, bn, _): (u32, u32, u32)| {
            u64::from(free[r]) * u64::from(bn) < u64::from(bf) * u64::from(need[r])
        };
        if best.is_none_or(fewer) {
            best = Some((free[r], need[r], total[r]));
        }
    }
    best
}

#[cfg(test)]
mod tests;
