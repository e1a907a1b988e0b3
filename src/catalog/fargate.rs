//! Valid Fargate task sizes and rounding a request up to one.
//!
//! Table: Fargate pricing page and developer guide (reference §6.1). 8 and 16 vCPU sizes need
//! platform version 1.4.0+ and are Linux-only. The 32 vCPU sizes (60/120/244 GB) appear only on
//! the newest pricing page and not in the developer guide we could read, so they are omitted
//! rather than modelled on one unconfirmed source.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Which size table applies; Windows allows only 1, 2 and 4 vCPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FargateOs {
    /// Linux: 0.25 to 16 vCPU.
    Linux,
    /// Windows: 1, 2 or 4 vCPU.
    Windows,
}

impl fmt::Display for FargateOs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FargateOs::Linux => "Linux",
            FargateOs::Windows => "Windows",
        })
    }
}

/// A task size Fargate accepts (and bills for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FargateSize {
    /// CPU, in CPU units (1024 per vCPU).
    pub cpu_units: u32,
    /// Memory, MiB.
    pub memory_mib: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
/// Why a task's CPU and memory round up to no Fargate size.
pub enum FargateSizeError {
    #[error(
        "Fargate task size must have non-zero cpu and memory (got cpu {cpu_units}, memory {memory_mib} MiB)"
    )]
    /// No CPU or no memory asked for.
    Zero {
        /// The CPU asked for, CPU units.
        cpu_units: u32,
        /// The memory asked for, MiB.
        memory_mib: u32,
    },
    #[error(
        "no Fargate {os} size fits cpu {cpu_units} units / memory {memory_mib} MiB; \
         allowed: at most {max_cpu_units} cpu units and {max_memory_mib} MiB memory \
         (memory range depends on cpu)"
    )]
    /// More CPU or memory than the platform's largest size.
    TooLarge {
        /// The platform whose sizes were tried.
        os: FargateOs,
        /// The CPU asked for, CPU units.
        cpu_units: u32,
        /// The memory asked for, MiB.
        memory_mib: u32,
        /// The platform's largest CPU, CPU units.
        max_cpu_units: u32,
        /// The platform's largest memory, MiB.
        max_memory_mib: u32,
    },
}

/// (cpu units, min MiB, max MiB, step MiB). 256 cpu is the odd one: 512, 1024, 2048 MiB.
const LINUX_RANGES: &[(u32, u32, u32, u32)] = &[
    (512, 1024, 4096, 1024),
    (1024, 2048, 8192, 1024),
    (2048, 4096, 16384, 1024),
    (4096, 8192, 30720, 1024),
    (8192, 16384, 61440, 4096),
    (16384, 32768, 122880, 8192),
];
const WINDOWS_RANGES: &[(u32, u32, u32, u32)] = &[
    (1024, 2048, 8192, 1024),
    (2048, 4096, 16384, 1024),
    (4096, 8192, 30720, 1024),
];

/// Every valid size for `os`, ascending by cpu then memory.
pub fn valid_fargate_sizes(os: FargateOs) -> Vec<FargateSize> {
    let mut sizes = Vec::new();
    let ranges = match os {
        FargateOs::Linux => {
            for memory_mib in [512, 1024, 2048] {
                sizes.push(FargateSize {
                    cpu_units: 256,
                    memory_mib,
                });
            }
            LINUX_RANGES
        }
        FargateOs::Windows => WINDOWS_RANGES,
    };
    for &(cpu_units, min, max, step) in ranges {
        sizes.extend(
            (min..=max)
                .step_by(step as usize)
                .map(|memory_mib| FargateSize {
                    cpu_units,
                    memory_mib,
                }),
        );
    }
    sizes
}

/// Hourly x86 Linux price of a size scaled by 1024 × 10^6 ($0.04048/vCPU, $0.004445/GB), so
/// the comparison is exact integer arithmetic and ties are real ties.
fn x86_price_key(size: &FargateSize) -> u64 {
    u64::from(size.cpu_units) * 40_480 + u64::from(size.memory_mib) * 4_445
}

/// Round a request up to the valid size Fargate would need: cpu ≥ requested and memory ≥
/// requested. When several qualify (e.g. more memory could come with the next cpu step), the
/// cheapest at the built-in x86 Linux rates wins, ties going to fewer cpu units; this is what a
/// cost-minded user would pick and keeps the choice independent of a user's price file.
pub fn round_fargate(
    cpu_units: u32,
    memory_mib: u32,
    os: FargateOs,
) -> Result<FargateSize, FargateSizeError> {
    if cpu_units == 0 || memory_mib == 0 {
        return Err(FargateSizeError::Zero {
            cpu_units,
            memory_mib,
        });
    }
    let sizes = valid_fargate_sizes(os);
    sizes
        .iter()
        .filter(|s| s.cpu_units >= cpu_units && s.memory_mib >= memory_mib)
        .min_by_key(|s| (x86_price_key(s), s.cpu_units, s.memory_mib))
        .copied()
        .ok_or_else(|| FargateSizeError::TooLarge {
            os,
            cpu_units,
            memory_mib,
            max_cpu_units: sizes.iter().map(|s| s.cpu_units).max().unwrap_or(0),
            max_memory_mib: sizes.iter().map(|s| s.memory_mib).max().unwrap_or(0),
        })
}

/// Fargate rate card, $ per hour; memory and storage per GB (1024³ bytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargateRates {
    /// `x86_vcpu_hour`: Linux x86_64, $ per vCPU-hour.
    pub x86_vcpu_hour: f64,
    /// `x86_gb_hour`: Linux x86_64, $ per GB-hour of memory.
    pub x86_gb_hour: f64,
    /// `arm_vcpu_hour`: Linux ARM64, $ per vCPU-hour.
    pub arm_vcpu_hour: f64,
    /// `arm_gb_hour`: Linux ARM64, $ per GB-hour of memory.
    pub arm_gb_hour: f64,
    /// `windows_vcpu_hour`: Windows, $ per vCPU-hour, before the license.
    pub windows_vcpu_hour: f64,
    /// Charged on top of `windows_vcpu_hour` for every Windows vCPU.
    pub windows_license_vcpu_hour: f64,
    /// `windows_gb_hour`: Windows, $ per GB-hour of memory.
    pub windows_gb_hour: f64,
    /// `ephemeral_gb_hour`: ephemeral storage above the included amount, $ per GB-hour.
    pub ephemeral_gb_hour: f64,
    #[serde(default = "default_included_ephemeral_gb")]
    /// `included_ephemeral_gb`: ephemeral storage every task gets without charge, GB (default 20).
    pub included_ephemeral_gb: u32,
    /// Fraction taken off On-Demand compute for Fargate Spot. AWS says "up to 70%", which is
    /// the default; real Spot prices move slowly and are set by AWS.
    #[serde(default = "default_spot_discount")]
    pub spot_discount: f64,
}

fn default_included_ephemeral_gb() -> u32 {
    20
}
fn default_spot_discount() -> f64 {
    0.70
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(cpu_units: u32, memory_mib: u32) -> FargateSize {
        FargateSize {
            cpu_units,
            memory_mib,
        }
    }

    #[test]
    fn table_has_expected_counts() {
        // 3 + 4 + 7 + 13 + 23 + 12 (16..60 step 4) + 12 (32..120 step 8)
        assert_eq!(valid_fargate_sizes(FargateOs::Linux).len(), 74);
        // 7 + 13 + 23
        assert_eq!(valid_fargate_sizes(FargateOs::Windows).len(), 43);
    }

    #[test]
    fn exact_sizes_stay() {
        let linux = FargateOs::Linux;
        assert_eq!(round_fargate(256, 512, linux), Ok(size(256, 512)));
        assert_eq!(round_fargate(4096, 30720, linux), Ok(size(4096, 30720)));
        assert_eq!(round_fargate(16384, 122880, linux), Ok(size(16384, 122880)));
    }

    #[test]
    fn rounds_up_cpu_and_memory() {
        let linux = FargateOs::Linux;
        assert_eq!(round_fargate(300, 600, linux), Ok(size(512, 1024)));
        // 1 vCPU tops out at 8 GB, so 9000 MiB needs 2 vCPU with 9 GB.
        assert_eq!(round_fargate(1024, 9000, linux), Ok(size(2048, 9216)));
        // 256 cpu skips 1.5 GB: 1536 MiB → 2048.
        assert_eq!(round_fargate(256, 1536, linux), Ok(size(256, 2048)));
        // Tiny cpu with big memory climbs the cpu ladder: 31 GB needs 8 vCPU / 32 GB.
        assert_eq!(round_fargate(1, 31 * 1024, linux), Ok(size(8192, 32768)));
        // 8 vCPU memory steps are 4 GB: 17 GB → 20 GB.
        assert_eq!(round_fargate(8192, 17 * 1024, linux), Ok(size(8192, 20480)));
        // Memory below a cpu's minimum is raised to that minimum.
        assert_eq!(round_fargate(2048, 512, linux), Ok(size(2048, 4096)));
    }

    #[test]
    fn windows_starts_at_one_vcpu() {
        let win = FargateOs::Windows;
        assert_eq!(round_fargate(256, 512, win), Ok(size(1024, 2048)));
        assert!(round_fargate(8192, 16384, win).is_err());
    }

    #[test]
    fn errors_list_the_maximum() {
        let err = round_fargate(16384, 122881, FargateOs::Linux).unwrap_err();
        assert!(matches!(
            err,
            FargateSizeError::TooLarge {
                max_cpu_units: 16384,
                max_memory_mib: 122880,
                ..
            }
        ));
        assert!(err.to_string().contains("16384 cpu units and 122880 MiB"));
        let err = round_fargate(4097, 1024, FargateOs::Windows).unwrap_err();
        assert!(err.to_string().contains("4096 cpu units and 30720 MiB"));
        assert!(round_fargate(32768, 1024, FargateOs::Linux).is_err());
        assert!(matches!(
            round_fargate(0, 512, FargateOs::Linux),
            Err(FargateSizeError::Zero { .. })
        ));
        assert!(round_fargate(256, 0, FargateOs::Linux).is_err());
    }
}
