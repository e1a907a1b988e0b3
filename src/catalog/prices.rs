//! The price catalog: instance types, Fargate rates and the settings the sources leave open,
//! loaded from the built-in `instances.toml` or a user file in the same format.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::error::CatalogError;
use super::fargate::FargateRates;
use super::instances::{Arch, DEFAULT_OS_MEMORY_FRACTION, InstanceType};
use super::plan_rates::{PlanRates, PlanRatesFile};

const BUILTIN_TOML: &str = include_str!("instances.toml");

/// Operating system of an EC2 container instance, for pricing and billing minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ec2Os {
    /// Linux.
    Linux,
    /// Windows Server: adds the license per vCPU-hour.
    Windows,
}

/// EC2 settings not tied to one instance type.
#[derive(Debug, Clone, PartialEq)]
pub struct Ec2Settings {
    /// UNVERIFIED, default 0.70: real Spot prices vary by type and AZ.
    pub spot_discount: f64,
    /// INFERRED, default 0.046 $/vCPU-h: the Windows On-Demand premium over Linux.
    pub windows_license_per_vcpu_hour: f64,
    /// INFERRED, default 0.975: see [`DEFAULT_OS_MEMORY_FRACTION`].
    pub os_memory_fraction: f64,
    /// The shortest time a Linux instance is billed for, seconds (default 60).
    pub linux_minimum_seconds: u32,
    /// Default 60 s (per-second Windows billing since 2021-06-11, secondary source).
    pub windows_minimum_seconds: u32,
}

impl Ec2Settings {
    /// The shortest time an instance of `os` is billed for, ms.
    pub fn minimum_ms(&self, os: Ec2Os) -> u64 {
        let seconds = match os {
            Ec2Os::Linux => self.linux_minimum_seconds,
            Ec2Os::Windows => self.windows_minimum_seconds,
        };
        u64::from(seconds) * 1000
    }
}

/// Everything the cost model needs to know about prices and instance shapes in one region.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceCatalog {
    /// The AWS region the prices are for (`us-east-1`).
    pub region: String,
    /// Where the figures come from (a URL or a note).
    pub source: String,
    /// When the figures were compiled (free text, ISO date in the built-in file).
    pub date: String,
    /// Fargate's rate card.
    pub fargate: FargateRates,
    /// EC2 settings not tied to one type.
    pub ec2: Ec2Settings,
    /// Reserved Instance and Savings Plan rates: the built-in table with the file's
    /// `[commitments]` section laid over it.
    pub commitments: PlanRates,
    /// Kept private so names stay unique; read through the accessors.
    instances: Vec<InstanceType>,
}

impl PriceCatalog {
    /// The catalog compiled into the binary (us-east-1).
    pub fn builtin() -> PriceCatalog {
        static BUILTIN: OnceLock<PriceCatalog> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                // A unit test parses this file, so failure here is a build defect, not input.
                PriceCatalog::from_toml_str(BUILTIN_TOML).expect("built-in instances.toml is valid")
            })
            .clone()
    }

    /// Parse a catalog in the built-in file's format. Unknown keys are rejected so a typo in a
    /// price name cannot silently fall back to nothing.
    pub fn from_toml_str(text: &str) -> Result<PriceCatalog, CatalogError> {
        let file: CatalogFile =
            toml::from_str(text).map_err(|e| CatalogError::Parse(e.to_string()))?;
        file.into_catalog()
    }

    /// Write the catalog back in the file format (array-of-tables layout for instances, which
    /// parses to the same catalog as the inline-table layout of the built-in file).
    pub fn to_toml_string(&self) -> Result<String, CatalogError> {
        toml::to_string(&CatalogFile::from_catalog(self))
            .map_err(|e| CatalogError::Serialize(e.to_string()))
    }

    /// Every instance type, in the file's order.
    pub fn instances(&self) -> &[InstanceType] {
        &self.instances
    }

    /// The type named `name`, if the catalog has it.
    pub fn instance(&self, name: &str) -> Option<&InstanceType> {
        self.instances.iter().find(|t| t.name == name)
    }

    /// Names in file order, for "allowed: ..." messages.
    pub fn instance_names(&self) -> Vec<&str> {
        self.instances.iter().map(|t| t.name.as_str()).collect()
    }

    /// Like [`Self::instance`] but with an error that lists the allowed names.
    pub fn require_instance(&self, name: &str) -> Result<&InstanceType, CatalogError> {
        self.instance(name)
            .ok_or_else(|| CatalogError::UnknownInstance {
                name: name.to_string(),
                allowed: self
                    .instance_names()
                    .into_iter()
                    .map(String::from)
                    .collect(),
            })
    }

    /// Hourly price of an instance: Linux list price, plus the Windows licence per vCPU, times
    /// (1 − EC2 Spot discount) for Spot. Applying the discount to the licence too is a
    /// simplification; Spot is a setting here, not a market model.
    pub fn ec2_hourly_price(&self, name: &str, os: Ec2Os, spot: bool) -> Option<f64> {
        let t = self.instance(name)?;
        let licence = match os {
            Ec2Os::Linux => 0.0,
            Ec2Os::Windows => f64::from(t.vcpu) * self.ec2.windows_license_per_vcpu_hour,
        };
        let factor = if spot {
            1.0 - self.ec2.spot_discount
        } else {
            1.0
        };
        Some((t.price_per_hour + licence) * factor)
    }
}

// ---- file format -------------------------------------------------------------------------

fn default_spot_discount() -> f64 {
    0.70
}
fn default_windows_license() -> f64 {
    0.046
}
fn default_os_memory_fraction() -> f64 {
    DEFAULT_OS_MEMORY_FRACTION
}
fn default_minimum_seconds() -> u32 {
    60
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    catalog: MetaSection,
    fargate: FargateRates,
    ec2: Ec2Section,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    commitments: Option<PlanRatesFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetaSection {
    region: String,
    source: String,
    date: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ec2Section {
    #[serde(default = "default_spot_discount")]
    spot_discount: f64,
    #[serde(default = "default_windows_license")]
    windows_license_per_vcpu_hour: f64,
    #[serde(default = "default_os_memory_fraction")]
    os_memory_fraction: f64,
    #[serde(default = "default_minimum_seconds")]
    linux_minimum_seconds: u32,
    #[serde(default = "default_minimum_seconds")]
    windows_minimum_seconds: u32,
    #[serde(default)]
    instances: Vec<InstanceRow>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstanceRow {
    name: String,
    arch: Arch,
    vcpu: u32,
    /// GiB in the file because that is how AWS publishes it; MiB internally.
    memory_gib: f64,
    price_per_hour: f64,
    max_enis: u32,
    ipv4_per_eni: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    trunk_task_limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    registered_memory_mib: Option<u64>,
    /// Whole GPUs the agent registers (ECS assigns each to one task).
    #[serde(default, skip_serializing_if = "is_zero")]
    gpus: u32,
    /// Where the row's price comes from (rows added for Managed Instances carry one; the
    /// older rows cite their sources in the comments above them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[allow(dead_code)]
    source: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn check(ok: bool, what: impl FnOnce() -> String) -> Result<(), CatalogError> {
    if ok {
        Ok(())
    } else {
        Err(CatalogError::Invalid(what()))
    }
}

fn check_rate(name: &str, value: f64) -> Result<(), CatalogError> {
    check(value.is_finite() && value >= 0.0, || {
        format!("{name} must be a finite, non-negative number (got {value})")
    })
}

fn check_fraction(name: &str, value: f64) -> Result<(), CatalogError> {
    check((0.0..=1.0).contains(&value), || {
        format!("{name} must be between 0 and 1 (got {value})")
    })
}

impl CatalogFile {
    fn into_catalog(self) -> Result<PriceCatalog, CatalogError> {
        let f = &self.fargate;
        for (name, value) in [
            ("fargate.x86_vcpu_hour", f.x86_vcpu_hour),
            ("fargate.x86_gb_hour", f.x86_gb_hour),
            ("fargate.arm_vcpu_hour", f.arm_vcpu_hour),
            ("fargate.arm_gb_hour", f.arm_gb_hour),
            ("fargate.windows_vcpu_hour", f.windows_vcpu_hour),
            (
                "fargate.windows_license_vcpu_hour",
                f.windows_license_vcpu_hour,
            ),
            ("fargate.windows_gb_hour", f.windows_gb_hour),
            ("fargate.ephemeral_gb_hour", f.ephemeral_gb_hour),
            (
                "ec2.windows_license_per_vcpu_hour",
                self.ec2.windows_license_per_vcpu_hour,
            ),
        ] {
            check_rate(name, value)?;
        }
        check_fraction("fargate.spot_discount", f.spot_discount)?;
        check_fraction("ec2.spot_discount", self.ec2.spot_discount)?;
        let fraction = self.ec2.os_memory_fraction;
        check(fraction > 0.0 && fraction <= 1.0, || {
            format!("ec2.os_memory_fraction must be in (0, 1] (got {fraction})")
        })?;

        let mut seen = HashSet::new();
        let mut instances = Vec::with_capacity(self.ec2.instances.len());
        for row in self.ec2.instances {
            let n = row.name.clone();
            check(!n.trim().is_empty(), || {
                "instance with an empty name".into()
            })?;
            check(seen.insert(n.clone()), || {
                format!("instance type `{n}` listed twice")
            })?;
            check(row.vcpu > 0, || format!("{n}: vcpu must be > 0"))?;
            let gib = row.memory_gib;
            check(gib.is_finite() && gib > 0.0, || {
                format!("{n}: memory_gib must be > 0 (got {gib})")
            })?;
            check(row.max_enis > 0, || {
                format!("{n}: max_enis must be >= 1 (the primary ENI)")
            })?;
            check_rate(&format!("{n}: price_per_hour"), row.price_per_hour)?;
            instances.push(InstanceType {
                name: row.name,
                arch: row.arch,
                vcpu: row.vcpu,
                memory_mib: (gib * 1024.0).round() as u64,
                max_enis: row.max_enis,
                ipv4_per_eni: row.ipv4_per_eni,
                trunk_branch_enis: row.trunk_task_limit,
                price_per_hour: row.price_per_hour,
                registered_memory_override_mib: row.registered_memory_mib,
                gpus: row.gpus,
            });
        }

        let commitments = PlanRates::builtin().overlay(self.commitments.unwrap_or_default())?;
        Ok(PriceCatalog {
            commitments,
            region: self.catalog.region,
            source: self.catalog.source,
            date: self.catalog.date,
            fargate: self.fargate,
            ec2: Ec2Settings {
                spot_discount: self.ec2.spot_discount,
                windows_license_per_vcpu_hour: self.ec2.windows_license_per_vcpu_hour,
                os_memory_fraction: fraction,
                linux_minimum_seconds: self.ec2.linux_minimum_seconds,
                windows_minimum_seconds: self.ec2.windows_minimum_seconds,
            },
            instances,
        })
    }

    fn from_catalog(c: &PriceCatalog) -> CatalogFile {
        CatalogFile {
            catalog: MetaSection {
                region: c.region.clone(),
                source: c.source.clone(),
                date: c.date.clone(),
            },
            fargate: c.fargate.clone(),
            commitments: Some(c.commitments.to_file()),
            ec2: Ec2Section {
                spot_discount: c.ec2.spot_discount,
                windows_license_per_vcpu_hour: c.ec2.windows_license_per_vcpu_hour,
                os_memory_fraction: c.ec2.os_memory_fraction,
                linux_minimum_seconds: c.ec2.linux_minimum_seconds,
                windows_minimum_seconds: c.ec2.windows_minimum_seconds,
                instances: c
                    .instances
                    .iter()
                    .map(|t| InstanceRow {
                        source: None,
                        name: t.name.clone(),
                        arch: t.arch,
                        vcpu: t.vcpu,
                        memory_gib: t.memory_mib as f64 / 1024.0,
                        price_per_hour: t.price_per_hour,
                        max_enis: t.max_enis,
                        ipv4_per_eni: t.ipv4_per_eni,
                        trunk_task_limit: t.trunk_branch_enis,
                        registered_memory_mib: t.registered_memory_override_mib,
                        gpus: t.gpus,
                    })
                    .collect(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER_FILE: &str = r#"
[catalog]
region = "eu-west-1"
source = "my measurements"
date = "2026-01-01"

[fargate]
x86_vcpu_hour = 0.04456
x86_gb_hour = 0.004865
arm_vcpu_hour = 0.03565
arm_gb_hour = 0.00389
windows_vcpu_hour = 0.1
windows_license_vcpu_hour = 0.046
windows_gb_hour = 0.011
ephemeral_gb_hour = 0.000122

[ec2]
instances = [
  { name = "m5.large", arch = "x86_64", vcpu = 2, memory_gib = 8, price_per_hour = 0.107, max_enis = 3, ipv4_per_eni = 10, trunk_task_limit = 10, registered_memory_mib = 7680 },
  { name = "t3.nano", arch = "x86_64", vcpu = 2, memory_gib = 0.5, price_per_hour = 0.0057, max_enis = 2, ipv4_per_eni = 2 },
]
"#;

    #[test]
    fn builtin_parses_with_at_least_25_types() {
        let c = PriceCatalog::builtin();
        assert!(c.instances().len() >= 25, "{}", c.instances().len());
        assert_eq!(c.region, "us-east-1");
        assert_eq!(c.date, "2026-11-26");
        let arm = c
            .instances()
            .iter()
            .filter(|t| t.arch == Arch::Arm64)
            .count();
        assert!(arm >= 5);
        for family in [
            "t3.", "m5.", "m6i.", "m7i.", "c5.", "c6i.", "c7i.", "r5.", "r6i.", "m6g.", "m7g.",
            "c6g.", "c7g.", "r6g.",
        ] {
            assert!(
                c.instance_names().iter().any(|n| n.starts_with(family)),
                "{family}"
            );
        }
    }

    #[test]
    fn builtin_values_match_reference() {
        let c = PriceCatalog::builtin();
        let m5 = c.instance("m5.large").unwrap();
        assert_eq!(
            (m5.vcpu, m5.memory_mib, m5.max_enis, m5.ipv4_per_eni),
            (2, 8192, 3, 10)
        );
        assert_eq!(m5.price_per_hour, 0.096);
        assert_eq!(m5.awsvpc_task_limit(true), 10);
        let t3 = c.instance("t3.medium").unwrap();
        assert_eq!(t3.trunk_branch_enis, None);
        assert_eq!(t3.awsvpc_task_limit(true), 2);
        assert_eq!(c.fargate.x86_vcpu_hour, 0.04048);
        assert_eq!(c.fargate.spot_discount, 0.70);
        assert_eq!(c.fargate.included_ephemeral_gb, 20);
        assert_eq!(c.ec2.spot_discount, 0.70);
        assert_eq!(c.ec2.os_memory_fraction, 0.975);
        assert_eq!(c.ec2.minimum_ms(Ec2Os::Linux), 60_000);
        assert_eq!(c.ec2.minimum_ms(Ec2Os::Windows), 60_000);
    }

    #[test]
    fn user_file_defaults_and_override() {
        let c = PriceCatalog::from_toml_str(USER_FILE).unwrap();
        assert_eq!(c.region, "eu-west-1");
        assert_eq!(c.instances().len(), 2);
        // Defaults for the settings the file leaves out.
        assert_eq!(c.fargate.spot_discount, 0.70);
        assert_eq!(c.fargate.included_ephemeral_gb, 20);
        assert_eq!(c.ec2.spot_discount, 0.70);
        assert_eq!(c.ec2.os_memory_fraction, DEFAULT_OS_MEMORY_FRACTION);
        let m5 = c.instance("m5.large").unwrap();
        assert_eq!(m5.registered_memory_mib(0, 0.975), 7680);
        let nano = c.instance("t3.nano").unwrap();
        assert_eq!(nano.memory_mib, 512);
        assert_eq!(nano.registered_memory_mib(0, 0.975), 499);
    }

    #[test]
    fn round_trips_through_toml() {
        for c in [
            PriceCatalog::builtin(),
            PriceCatalog::from_toml_str(USER_FILE).unwrap(),
        ] {
            let text = c.to_toml_string().unwrap();
            let back = PriceCatalog::from_toml_str(&text).unwrap();
            assert_eq!(back, c);
        }
    }

    #[test]
    fn unknown_instance_lists_allowed() {
        let c = PriceCatalog::from_toml_str(USER_FILE).unwrap();
        let err = c.require_instance("x9.huge").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown instance type `x9.huge`; allowed: m5.large, t3.nano"
        );
        assert!(c.instance("x9.huge").is_none());
    }

    #[test]
    fn ec2_hourly_price_windows_and_spot() {
        let c = PriceCatalog::builtin();
        let p = c
            .ec2_hourly_price("m6i.large", Ec2Os::Windows, false)
            .unwrap();
        assert!((p - 0.188).abs() < 1e-12); // matches public Windows list price
        let p = c.ec2_hourly_price("m5.large", Ec2Os::Linux, true).unwrap();
        assert!((p - 0.0288).abs() < 1e-12);
        assert!(c.ec2_hourly_price("nope", Ec2Os::Linux, false).is_none());
    }

    #[test]
    fn bad_files_are_errors_not_panics() {
        assert!(matches!(
            PriceCatalog::from_toml_str("not toml ["),
            Err(CatalogError::Parse(_))
        ));
        assert!(matches!(
            PriceCatalog::from_toml_str(""),
            Err(CatalogError::Parse(_))
        ));
        let typo = USER_FILE.replace("x86_gb_hour", "x86_gb_hr");
        assert!(matches!(
            PriceCatalog::from_toml_str(&typo),
            Err(CatalogError::Parse(_))
        ));
        let dup = USER_FILE.replace("t3.nano", "m5.large");
        assert!(matches!(
            PriceCatalog::from_toml_str(&dup),
            Err(CatalogError::Invalid(_))
        ));
        let neg = USER_FILE.replace("0.107", "-0.107");
        assert!(matches!(
            PriceCatalog::from_toml_str(&neg),
            Err(CatalogError::Invalid(_))
        ));
        let zero = USER_FILE.replace("vcpu = 2, memory_gib = 0.5", "vcpu = 0, memory_gib = 0.5");
        assert!(matches!(
            PriceCatalog::from_toml_str(&zero),
            Err(CatalogError::Invalid(_))
        ));
        let spot = USER_FILE.replace("[ec2]\n", "[ec2]\nspot_discount = 1.5\n");
        assert!(matches!(
            PriceCatalog::from_toml_str(&spot),
            Err(CatalogError::Invalid(_))
        ));
        let arch = USER_FILE.replace(
            "\"x86_64\", vcpu = 2, memory_gib = 0.5",
            "\"sparc\", vcpu = 2, memory_gib = 0.5",
        );
        assert!(matches!(
            PriceCatalog::from_toml_str(&arch),
            Err(CatalogError::Parse(_))
        ));
    }
}
