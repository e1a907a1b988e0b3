//! How one EC2 instance's cost for one clock hour is split among the ECS tasks that ran on
//! it, as AWS's split cost allocation data (SCAD) does it.
//!
//! Sources (`../shared/cost-allocation.md` §0, §3–§5): "Understanding split cost allocation
//! data" and "Example of split cost allocation data" (AWS CUR user guide). The instance's
//! amortized cost for the hour is divided among its resources by fixed weights, CPU 9 to
//! memory 1 per vCPU-hour and GB-hour (taken from Fargate's prices, not the instance's);
//! on an accelerated instance GPU 9 to CPU and memory 1, split 9:1 again (GPU 9, CPU 0.9,
//! memory 0.1). Each task is allocated the larger of its reservation and its use of each
//! resource; it pays `allocated / max(capacity, Σ allocated)` of the resource's cost
//! (`SplitCost`), so no resource is sold twice when use bursts past the capacity; what no
//! task holds is shared among the tasks in proportion to what they hold (`UnusedCost`).
//!
//! A resource no task on the instance holds (a GPU instance running CPU tasks only) has no
//! one to share its idle cost with: it is returned as unattributed, for the caller to place.

/// The settings AWS leaves open (`../shared/cost-allocation.md` §15), as a scenario's
/// `[cost_allocation]` resolves them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AllocationSettings {
    /// Weight of one vCPU-hour against one GB-hour of memory (AWS: 9).
    pub cpu_weight: f64,
    /// What an instance offers: its nominal specification or what the agent registers.
    pub capacity: CapacityBasis,
    /// What a "GB" of memory is in the weights.
    pub memory_unit: MemoryUnit,
    /// How an instance or task present for part of a clock hour counts.
    pub partial_hours: PartialHours,
}

impl Default for AllocationSettings {
    fn default() -> Self {
        AllocationSettings {
            cpu_weight: 9.0,
            capacity: CapacityBasis::Nominal,
            memory_unit: MemoryUnit::Gib,
            partial_hours: PartialHours::TimeWeighted,
        }
    }
}

/// The settings resolved for a run: per pool, the capacity one of its instances offers per
/// hour (vCPU, memory in the settings' unit, GPUs) under the chosen basis.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AllocationSpec {
    /// The scenario's settings.
    pub settings: AllocationSettings,
    /// One per pool, in pool order.
    pub pool_capacity: Vec<[f64; RESOURCES]>,
}

/// What an instance's capacity is for the split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapacityBasis {
    /// The instance type's vCPU and memory (AWS's example and its dashboards' SQL).
    Nominal,
    /// The CPU and memory the ECS agent registers (less memory than nominal).
    Registered,
}

/// The memory unit of the weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryUnit {
    /// 1024 MiB, as Fargate bills a "GB".
    Gib,
    /// 10^9 bytes.
    Gb,
}

impl MemoryUnit {
    /// Mebibytes in one unit.
    pub fn mib(self) -> f64 {
        match self {
            MemoryUnit::Gib => 1024.0,
            MemoryUnit::Gb => 1e9 / 1_048_576.0,
        }
    }
}

/// How a part of an hour counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartialHours {
    /// Capacity and allocations are weighted by the time present in the hour: an instance
    /// that ran half the hour offers half its vCPU-hours.
    TimeWeighted,
    /// An instance present at all in the hour offers its whole capacity for the hour;
    /// tasks still count the time they were present, so the rest is unused.
    WholeHour,
}

impl CapacityBasis {
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            CapacityBasis::Nominal => "nominal",
            CapacityBasis::Registered => "registered",
        }
    }
}

/// The three resources an instance-hour is split over, in this order.
pub const RESOURCES: usize = 3;

/// Index of vCPU, memory and GPUs in a resource triple.
pub const CPU: usize = 0;
/// Memory, in the settings' unit.
pub const MEMORY: usize = 1;
/// GPUs.
pub const GPU: usize = 2;

/// One instance for one clock hour: its cost and what it offered, in unit-hours (vCPU-hours,
/// GB-hours, GPU-hours).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InstanceHour {
    /// The instance's cost for the hour, US dollars (the pot).
    pub cost: f64,
    /// Capacity offered in the hour, per resource.
    pub capacity: [f64; RESOURCES],
}

/// One task's part of an instance-hour, US dollars.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TaskHourCost {
    /// Its allocated resources' cost (`SplitCost`).
    pub split: f64,
    /// Its share of what no task held (`UnusedCost`).
    pub unused: f64,
}

/// The weight of each resource: CPU `w` to memory 1, or on an instance with GPUs, GPU `w`
/// to CPU and memory 1, the 1 split `w` to 1.
pub fn weights(cpu_weight: f64, has_gpu: bool) -> [f64; RESOURCES] {
    if has_gpu {
        let w = cpu_weight;
        [w / (w + 1.0), 1.0 / (w + 1.0), w]
    } else {
        [cpu_weight, 1.0, 0.0]
    }
}

/// Splits `hour` among tasks whose allocations (unit-hours, the larger of reservation and
/// use) are `allocated`, writing one cost per task to `out` (cleared first), and returns
/// the part no task could carry (resources nobody held; the whole cost if no task holds
/// anything). `Σ out + returned = hour.cost`, to rounding.
pub fn split_hour(
    hour: &InstanceHour,
    weights: &[f64; RESOURCES],
    allocated: &[[f64; RESOURCES]],
    out: &mut Vec<TaskHourCost>,
) -> f64 {
    out.clear();
    out.resize(allocated.len(), TaskHourCost::default());
    let units: f64 = (0..RESOURCES).map(|r| weights[r] * hour.capacity[r]).sum();
    if units <= 0.0 || hour.cost == 0.0 {
        return hour.cost;
    }
    let mut unattributed = 0.0;
    for r in 0..RESOURCES {
        let capacity = hour.capacity[r];
        // The resource's cost for the hour: its capacity at its rate.
        let pot = hour.cost * weights[r] * capacity / units;
        if pot == 0.0 {
            continue;
        }
        let held: f64 = allocated.iter().map(|a| a[r]).sum();
        if held <= 0.0 {
            unattributed += pot;
            continue;
        }
        let denominator = capacity.max(held);
        let idle = (capacity - held).max(0.0) / capacity * pot;
        for (a, cost) in allocated.iter().zip(out.iter_mut()) {
            cost.split += a[r] / denominator * pot;
            cost.unused += a[r] / held * idle;
        }
    }
    unattributed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    /// m5.large, 2 vCPU, 8 GiB, $0.096 for a full hour (`../shared/cost-allocation.md` §11).
    fn m5_large_hour() -> InstanceHour {
        InstanceHour {
            cost: 0.096,
            capacity: [2.0, 8.0, 0.0],
        }
    }

    #[test]
    fn aws_example_split_and_unused() {
        // 9·2 + 8 = 26 units; u = 0.096 / 26. web 1 vCPU / 2 GB: split 9 + 2 = 11 units =
        // $0.040615; unused CPU 0.5 vCPU × 9 × (1/1.5) = 3 units, memory 2 GB × (2/6) =
        // 0.667 units: 3.667 units = $0.013538; total $0.054154. worker 0.5 / 4: split
        // 4.5 + 4 = 8.5 units = $0.031385; unused 1.5 + 1.333 = 2.833 units = $0.010462;
        // total $0.041846. Unused together 6.5 units = $0.024.
        let mut out = Vec::new();
        let left = split_hour(
            &m5_large_hour(),
            &weights(9.0, false),
            &[[1.0, 2.0, 0.0], [0.5, 4.0, 0.0]],
            &mut out,
        );
        let u = 0.096 / 26.0;
        assert!(close(out[0].split, 11.0 * u, 1e-12));
        assert!(close(out[0].split, 0.0406, 5e-5));
        assert!(close(out[1].split, 8.5 * u, 1e-12));
        assert!(close(out[1].split, 0.0314, 5e-5));
        assert!(close(out[0].unused + out[1].unused, 0.024, 1e-12));
        assert!(close(out[0].split + out[0].unused, 0.0542, 5e-5));
        assert!(close(out[1].split + out[1].unused, 0.0418, 5e-5));
        assert!(close(out[0].unused, (3.0 + 2.0 / 3.0) * u, 1e-12));
        assert_eq!(left, 0.0);
    }

    #[test]
    fn a_burst_past_the_capacity_shrinks_the_others_cpu_share() {
        // web uses 1.6 vCPU (over its 1 reserved), worker holds its 0.5: A_c = 2.1 > 2, so
        // the 18-unit CPU pot is divided by 2.1: web 18·1.6/2.1 = 13.714 units = $0.050637,
        // worker 18·0.5/2.1 = 4.286 units = $0.015824; no CPU idle. Memory as before:
        // web 2 + 0.667, worker 4 + 1.333 units. Totals web $0.060484, worker $0.035516.
        let mut out = Vec::new();
        split_hour(
            &m5_large_hour(),
            &weights(9.0, false),
            &[[1.6, 2.0, 0.0], [0.5, 4.0, 0.0]],
            &mut out,
        );
        let u = 0.096 / 26.0;
        assert!(close(out[0].split, (18.0 * 1.6 / 2.1 + 2.0) * u, 1e-12));
        assert!(close(out[1].split, (18.0 * 0.5 / 2.1 + 4.0) * u, 1e-12));
        assert!(close(out[0].split + out[0].unused, 0.060484, 1e-6));
        assert!(close(out[1].split + out[1].unused, 0.035516, 1e-6));
        // Only memory is idle: 2 GB = 2 units = $0.007385.
        assert!(close(out[0].unused + out[1].unused, 2.0 * u, 1e-12));
    }

    #[test]
    fn gpu_weights_and_a_resource_nobody_holds() {
        // AWS's accelerated example weights: GPU 9, CPU 0.9, memory 0.1.
        let w = weights(9.0, true);
        assert!(close(w[CPU], 0.9, 1e-12) && close(w[MEMORY], 0.1, 1e-12) && w[GPU] == 9.0);
        // 1 GPU, 4 vCPU, 16 GiB at $1: 9 + 3.6 + 1.6 = 14.2 units. A CPU-only task holding
        // all CPU and memory pays 5.2/14.2 of it; the GPU's 9/14.2 is nobody's.
        let hour = InstanceHour {
            cost: 1.0,
            capacity: [4.0, 16.0, 1.0],
        };
        let mut out = Vec::new();
        let left = split_hour(&hour, &w, &[[4.0, 16.0, 0.0]], &mut out);
        assert!(close(out[0].split, 5.2 / 14.2, 1e-12));
        assert!(close(left, 9.0 / 14.2, 1e-12));
    }

    #[test]
    fn no_task_leaves_the_whole_hour_unattributed() {
        let mut out = Vec::new();
        let left = split_hour(&m5_large_hour(), &weights(9.0, false), &[], &mut out);
        assert!(out.is_empty());
        assert_eq!(left, 0.096);
    }

    #[test]
    fn gb_against_gib() {
        // 1 GB = 10^9 bytes = 953.67 MiB, so 1024 MiB = 1.073741824 GB.
        assert!(close(1024.0 / MemoryUnit::Gb.mib(), 1.073741824, 1e-12));
        assert_eq!(MemoryUnit::Gib.mib(), 1024.0);
    }
}
