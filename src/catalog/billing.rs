//! Billing arithmetic over integer milliseconds. Callers pass durations from the simulation
//! clock; rounding happens here once so every cost report agrees.

use super::fargate::FargateRates;
use super::fargate::{FargateOs, FargateSize};

/// Linux EC2: per-second billing with a 60 s minimum (AWS, 2017-10-02).
pub const EC2_LINUX_MINIMUM_MS: u64 = 60_000;
/// Fargate Linux: per second, 1-minute minimum.
pub const FARGATE_LINUX_MINIMUM_MS: u64 = 60_000;
/// Fargate Windows: per second, 5-minute minimum.
pub const FARGATE_WINDOWS_MINIMUM_MS: u64 = 300_000;

const MS_PER_HOUR: f64 = 3_600_000.0;
const MIB_PER_GB: f64 = 1024.0;

/// Fargate platform; it picks the rate card and the billing minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FargatePlatform {
    /// Linux on x86_64 (Intel or AMD).
    LinuxX86,
    /// Linux on ARM64 (Graviton).
    LinuxArm,
    /// Windows Server, x86_64 only.
    Windows,
}

impl FargatePlatform {
    /// Which size table the platform's tasks are rounded up in.
    pub fn os(self) -> FargateOs {
        match self {
            FargatePlatform::Windows => FargateOs::Windows,
            _ => FargateOs::Linux,
        }
    }

    /// The shortest time Fargate bills a task for, ms: one minute on Linux, five on Windows.
    pub fn minimum_ms(self) -> u64 {
        match self {
            FargatePlatform::Windows => FARGATE_WINDOWS_MINIMUM_MS,
            _ => FARGATE_LINUX_MINIMUM_MS,
        }
    }
}

/// Milliseconds rounded up to whole seconds, then raised to the minimum (itself rounded up,
/// so a sub-second minimum cannot produce a fractional billed second).
fn billable_ms(run_ms: u64, minimum_ms: u64) -> u64 {
    let round_up = |ms: u64| ms.div_ceil(1000).saturating_mul(1000);
    round_up(run_ms).max(round_up(minimum_ms))
}

/// Cost of one instance run: per second, rounded up, at least `minimum_ms`.
///
/// The minimum applies even to a zero-length run because any launched instance has entered
/// `running`. Use [`EC2_LINUX_MINIMUM_MS`] for Linux; for Windows the catalog's
/// `ec2.windows_minimum_seconds` (default 60 s: AWS extended per-second billing with a
/// 1-minute minimum to Windows on 2021-06-11; set 3600 s to model the old hourly billing).
pub fn ec2_instance_cost(price_per_hour: f64, run_ms: u64, minimum_ms: u64) -> f64 {
    price_per_hour * billable_ms(run_ms, minimum_ms) as f64 / MS_PER_HOUR
}

/// Cost of one Fargate task: requested vCPU and memory (GB = 1024 MiB) for the billed time
/// (per second, rounded up, 1-minute minimum, 5 minutes on Windows), plus ephemeral storage
/// beyond the included amount.
///
/// `ephemeral_gb` is the task's total configured ephemeral storage. With `spot` the compute
/// rates are cut by `rates.spot_discount`; storage is not discounted (INFERRED: the pricing
/// page quotes Spot rates for vCPU and memory only). Whether the platform offers Spot at all
/// (Windows does not) is the capacity provider's concern, not this arithmetic.
pub fn fargate_task_cost(
    size: FargateSize,
    platform: FargatePlatform,
    billed_ms: u64,
    rates: &FargateRates,
    spot: bool,
    ephemeral_gb: u32,
) -> f64 {
    let hours = billable_ms(billed_ms, platform.minimum_ms()) as f64 / MS_PER_HOUR;
    let vcpu = f64::from(size.cpu_units) / 1024.0;
    let gb = f64::from(size.memory_mib) / MIB_PER_GB;
    let (vcpu_rate, gb_rate) = match platform {
        FargatePlatform::LinuxX86 => (rates.x86_vcpu_hour, rates.x86_gb_hour),
        FargatePlatform::LinuxArm => (rates.arm_vcpu_hour, rates.arm_gb_hour),
        FargatePlatform::Windows => (
            rates.windows_vcpu_hour + rates.windows_license_vcpu_hour,
            rates.windows_gb_hour,
        ),
    };
    let compute_factor = if spot { 1.0 - rates.spot_discount } else { 1.0 };
    let compute = (vcpu * vcpu_rate + gb * gb_rate) * compute_factor;
    let extra_gb = ephemeral_gb.saturating_sub(rates.included_ephemeral_gb);
    let storage = f64::from(extra_gb) * rates.ephemeral_gb_hour;
    (compute + storage) * hours
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::PriceCatalog;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    fn rates() -> FargateRates {
        PriceCatalog::builtin().fargate
    }

    fn size(cpu_units: u32, memory_mib: u32) -> FargateSize {
        FargateSize {
            cpu_units,
            memory_mib,
        }
    }

    #[test]
    fn ec2_minimum_applies() {
        // m5.large $0.096/h for 1.5 s → billed 60 s = 0.096 × 60 / 3600 = 0.0016
        assert!(close(
            ec2_instance_cost(0.096, 1_500, EC2_LINUX_MINIMUM_MS),
            0.0016
        ));
        assert!(close(
            ec2_instance_cost(0.096, 0, EC2_LINUX_MINIMUM_MS),
            0.0016
        ));
        assert!(close(
            ec2_instance_cost(0.096, 60_000, EC2_LINUX_MINIMUM_MS),
            0.0016
        ));
    }

    #[test]
    fn ec2_rounds_up_to_whole_second() {
        // 61.001 s → 62 s: 0.096 × 62 / 3600
        let expect = 0.096 * 62.0 / 3600.0;
        assert!(close(
            ec2_instance_cost(0.096, 61_001, EC2_LINUX_MINIMUM_MS),
            expect
        ));
        assert!(close(
            ec2_instance_cost(0.096, 61_999, EC2_LINUX_MINIMUM_MS),
            expect
        ));
        assert!(close(
            ec2_instance_cost(0.096, 62_000, EC2_LINUX_MINIMUM_MS),
            expect
        ));
    }

    #[test]
    fn ec2_per_second_cost_over_an_hour() {
        assert!(close(
            ec2_instance_cost(0.096, 3_600_000, EC2_LINUX_MINIMUM_MS),
            0.096
        ));
        // Hourly-billing model for old Windows: 10 min charged as a full hour.
        assert!(close(ec2_instance_cost(0.188, 600_000, 3_600_000), 0.188));
        // Sub-second minimum rounds up to 1 s.
        assert!(close(ec2_instance_cost(3.6, 0, 1), 0.001));
    }

    #[test]
    fn fargate_linux_minimum_one_minute() {
        // 0.25 vCPU × 0.04048 + 0.5 GB × 0.004445 = 0.0123425 $/h; 30 s → 60 s
        let cost = fargate_task_cost(
            size(256, 512),
            FargatePlatform::LinuxX86,
            30_000,
            &rates(),
            false,
            20,
        );
        assert!(close(cost, 0.0123425 / 60.0));
    }

    #[test]
    fn fargate_hourly_x86_arm_and_rounding() {
        let r = rates();
        // 1 vCPU + 2 GB = 0.04048 + 0.00889 = 0.04937 $/h
        let cost = fargate_task_cost(
            size(1024, 2048),
            FargatePlatform::LinuxX86,
            3_600_000,
            &r,
            false,
            0,
        );
        assert!(close(cost, 0.04937));
        // 3600.2 s bills 3601 s
        let cost = fargate_task_cost(
            size(1024, 2048),
            FargatePlatform::LinuxX86,
            3_600_200,
            &r,
            false,
            0,
        );
        assert!(close(cost, 0.04937 * 3601.0 / 3600.0));
        // ARM 2 vCPU + 4 GB = 0.06476 + 0.01424 = 0.079 $/h
        let cost = fargate_task_cost(
            size(2048, 4096),
            FargatePlatform::LinuxArm,
            3_600_000,
            &r,
            false,
            0,
        );
        assert!(close(cost, 0.079));
    }

    #[test]
    fn fargate_windows_minimum_five_minutes_and_licence() {
        // 1 vCPU × (0.0915 + 0.046) + 2 GB × 0.01 = 0.1575 $/h; 120 s → 300 s
        let cost = fargate_task_cost(
            size(1024, 2048),
            FargatePlatform::Windows,
            120_000,
            &rates(),
            false,
            0,
        );
        assert!(close(cost, 0.1575 * 300.0 / 3600.0));
        assert!(close(cost, 0.013125));
    }

    #[test]
    fn fargate_spot_and_ephemeral_storage() {
        let r = rates();
        // Spot: 0.04937 × (1 − 0.70) = 0.014811
        let cost = fargate_task_cost(
            size(1024, 2048),
            FargatePlatform::LinuxX86,
            3_600_000,
            &r,
            true,
            20,
        );
        assert!(close(cost, 0.014811));
        // 50 GB storage bills 30 GB × 0.000111 = 0.00333 on top: 0.05270
        let cost = fargate_task_cost(
            size(1024, 2048),
            FargatePlatform::LinuxX86,
            3_600_000,
            &r,
            false,
            50,
        );
        assert!(close(cost, 0.0527));
        // Storage is not Spot-discounted.
        let cost = fargate_task_cost(
            size(1024, 2048),
            FargatePlatform::LinuxX86,
            3_600_000,
            &r,
            true,
            50,
        );
        assert!(close(cost, 0.014811 + 0.00333));
    }
}
