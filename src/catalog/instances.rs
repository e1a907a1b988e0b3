//! EC2 instance types as ECS sees them: registered CPU/memory and awsvpc task density.

use serde::{Deserialize, Serialize};

/// OS-visible share of nominal memory. INFERRED from one data point: an m4.large (8192 MiB
/// nominal) registers 7985 MiB on Amazon Linux (ECS developer guide, memory management),
/// 7985 / 8192 = 0.9747. Real values vary by type and AMI; the catalog file can override it
/// globally (`ec2.os_memory_fraction`) or per type (`registered_memory_mib`).
pub const DEFAULT_OS_MEMORY_FRACTION: f64 = 0.975;

/// CPU architecture; matters for image compatibility and Fargate pricing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Arch {
    #[serde(rename = "x86_64")]
    /// Intel or AMD 64-bit (`x86_64`).
    X86_64,
    #[serde(rename = "arm64")]
    /// AWS Graviton (`arm64`).
    Arm64,
}

/// One EC2 instance type from the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceType {
    /// The EC2 type name, `m5.large`.
    pub name: String,
    /// Its CPU architecture.
    pub arch: Arch,
    /// vCPUs; the instance registers 1024 CPU units per vCPU.
    pub vcpu: u32,
    /// Nominal (marketing) memory; the agent registers less, see `registered_memory_mib`.
    pub memory_mib: u64,
    /// Includes the primary ENI, which awsvpc tasks cannot use.
    pub max_enis: u32,
    /// IPv4 addresses per ENI.
    pub ipv4_per_eni: u32,
    /// awsvpc task limit with ENI trunking; `None` where ECS does not support trunking.
    pub trunk_branch_enis: Option<u32>,
    /// Linux On-Demand list price in the catalog's region.
    pub price_per_hour: f64,
    /// Measured OS-visible memory (MiB, before `ECS_RESERVED_MEMORY`); when known it beats the
    /// fraction heuristic.
    pub registered_memory_override_mib: Option<u64>,
    /// Whole GPUs the agent registers; 0 for types without GPUs.
    pub gpus: u32,
}

impl InstanceType {
    /// The agent registers 1024 CPU units per vCPU.
    pub fn registered_cpu_units(&self) -> u32 {
        self.vcpu.saturating_mul(1024)
    }

    /// Memory the agent registers: floor(nominal × fraction) − reserved, or the per-type
    /// override − reserved. Never negative; a fraction outside (0, 1] is clamped so a bad
    /// setting cannot invent memory.
    pub fn registered_memory_mib(&self, reserved_mib: u64, os_memory_fraction: f64) -> u64 {
        let visible = match self.registered_memory_override_mib {
            Some(mib) => mib,
            None => {
                let fraction = if os_memory_fraction.is_nan() {
                    DEFAULT_OS_MEMORY_FRACTION
                } else {
                    os_memory_fraction.clamp(0.0, 1.0)
                };
                // Float→int `as` saturates, so this cannot overflow or panic.
                (self.memory_mib as f64 * fraction).floor() as u64
            }
        };
        visible.saturating_sub(reserved_mib)
    }

    /// How many awsvpc tasks fit: one ENI each, minus the primary ENI; with trunking (where
    /// the type supports it) the published branch-ENI task limit instead.
    pub fn awsvpc_task_limit(&self, trunking: bool) -> u32 {
        match (trunking, self.trunk_branch_enis) {
            (true, Some(limit)) => limit,
            _ => self.max_enis.saturating_sub(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m5_large() -> InstanceType {
        InstanceType {
            name: "m5.large".into(),
            arch: Arch::X86_64,
            vcpu: 2,
            memory_mib: 8192,
            max_enis: 3,
            ipv4_per_eni: 10,
            trunk_branch_enis: Some(10),
            price_per_hour: 0.096,
            registered_memory_override_mib: None,
            gpus: 0,
        }
    }

    #[test]
    fn cpu_units_are_1024_per_vcpu() {
        assert_eq!(m5_large().registered_cpu_units(), 2048);
    }

    #[test]
    fn registered_memory_uses_fraction_floor_and_reserved() {
        let t = m5_large();
        // 8192 × 0.975 = 7987.2 → 7987
        assert_eq!(t.registered_memory_mib(0, DEFAULT_OS_MEMORY_FRACTION), 7987);
        assert_eq!(
            t.registered_memory_mib(256, DEFAULT_OS_MEMORY_FRACTION),
            7731
        );
        // m4.large data point the default comes from: 8192 × 0.975 ≈ 7985 within 2 MiB.
        assert!(7987_i64.abs_diff(7985) <= 2);
    }

    #[test]
    fn registered_memory_override_wins_and_never_underflows() {
        let mut t = m5_large();
        t.registered_memory_override_mib = Some(7985);
        assert_eq!(t.registered_memory_mib(0, 0.5), 7985);
        assert_eq!(t.registered_memory_mib(100, 0.5), 7885);
        assert_eq!(t.registered_memory_mib(10_000, 0.5), 0);
    }

    #[test]
    fn registered_memory_clamps_bad_fractions() {
        let t = m5_large();
        assert_eq!(t.registered_memory_mib(0, 2.0), 8192);
        assert_eq!(t.registered_memory_mib(0, -1.0), 0);
        assert_eq!(t.registered_memory_mib(0, f64::NAN), 7987);
    }

    #[test]
    fn awsvpc_limits() {
        let mut t = m5_large();
        assert_eq!(t.awsvpc_task_limit(false), 2);
        assert_eq!(t.awsvpc_task_limit(true), 10);
        t.trunk_branch_enis = None;
        assert_eq!(t.awsvpc_task_limit(true), 2);
        t.max_enis = 0;
        assert_eq!(t.awsvpc_task_limit(false), 0);
    }
}
