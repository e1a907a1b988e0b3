//! The ECS Managed Instances management fee: a per-instance-type hourly rate billed per
//! second with a one-minute minimum, on top of the EC2 price (ecs-current.md §1.7).
//!
//! The fee is data with a source per row. AWS's pricing page renders its table
//! dynamically; the one figure read from it is c6a.2xlarge at $0.037 per instance-hour
//! (transcribed 2026-09-20), 12.1% of that type's $0.306 On-Demand rate. Every other type's
//! fee is derived as 12% of its On-Demand rate (the figure a public TCO calculator uses)
//! and is UNVERIFIED; a team measured 7.80% on two GPU types, so GPU fees here are likely
//! high.

use super::billing::{EC2_LINUX_MINIMUM_MS, ec2_instance_cost};

/// The share of On-Demand a derived fee takes (UNVERIFIED, see the module docs).
pub const DERIVED_FEE_SHARE: f64 = 0.12;

/// Fees read from a published source: (type, $ per instance-hour, source).
pub const PUBLISHED_FEES: [(&str, f64, &str); 1] = [(
    "c6a.2xlarge",
    0.037,
    "aws.amazon.com/ecs/pricing example, transcribed 2026-09-20 (api-evangelist/amazon-ecs plans/amazon-ecs-plans-pricing.yml)",
)];

/// Where a fee figure comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeeSource {
    /// Read from AWS's pricing page (through the transcription named in the table).
    Published,
    /// 12% of On-Demand: UNVERIFIED.
    Derived,
}

/// The management fee of `instance_type`, whose On-Demand Linux rate is `on_demand`, in $
/// per instance-hour, and where the figure comes from.
pub fn management_fee_per_hour(instance_type: &str, on_demand: f64) -> (f64, FeeSource) {
    match PUBLISHED_FEES.iter().find(|(t, _, _)| *t == instance_type) {
        Some((_, fee, _)) => (*fee, FeeSource::Published),
        None => (on_demand * DERIVED_FEE_SHARE, FeeSource::Derived),
    }
}

/// The hourly cost of one Managed Instances instance: its EC2 rate plus its fee. The one
/// place the two are added, for billing, instance choice and cost allocation alike.
pub fn managed_instance_hourly_cost(ec2_per_hour: f64, fee_per_hour: f64) -> f64 {
    ec2_per_hour + fee_per_hour
}

/// What one instance alive `run_ms` costs, (EC2 part, fee): each billed per second with
/// the Linux one-minute minimum.
pub fn managed_instance_cost(ec2_per_hour: f64, fee_per_hour: f64, run_ms: u64) -> (f64, f64) {
    (
        ec2_instance_cost(ec2_per_hour, run_ms, EC2_LINUX_MINIMUM_MS),
        ec2_instance_cost(fee_per_hour, run_ms, EC2_LINUX_MINIMUM_MS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn the_published_fee_anchors_the_table() {
        assert_eq!(
            management_fee_per_hour("c6a.2xlarge", 0.306),
            (0.037, FeeSource::Published)
        );
        // r5a.large at $0.113: 0.113 × 0.12 = 0.01356.
        let (fee, source) = management_fee_per_hour("r5a.large", 0.113);
        assert!(close(fee, 0.01356));
        assert_eq!(source, FeeSource::Derived);
    }

    #[test]
    fn ninety_seconds_of_c6a_2xlarge() {
        // ecs-current.md §1.9 case 5: 90/3600 × ($0.306 + $0.037) = $0.008575.
        let (ec2, fee) = managed_instance_cost(0.306, 0.037, 90_000);
        assert!(close(ec2 + fee, 0.008575), "{}", ec2 + fee);
        assert!(close(fee, 90.0 / 3600.0 * 0.037));
        // 30 s bills the 60 s minimum on both parts: 60/3600 × 0.343 = 0.0057166…
        let (ec2, fee) = managed_instance_cost(0.306, 0.037, 30_000);
        assert!(close(ec2 + fee, 0.343 / 60.0), "{}", ec2 + fee);
    }
}
