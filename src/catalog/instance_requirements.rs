//! `instanceRequirements` resolved: which catalog types an ECS Managed Instances provider
//! may launch (EC2 attribute-based instance type selection, ecs-current.md §1.2).

use super::instance_family::{TypeName, listed};
use super::instances::InstanceType;

/// An inclusive range; either end may be open.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Range {
    /// The lowest value allowed; `None`: no lower bound.
    pub min: Option<f64>,
    /// The highest value allowed; `None`: no upper bound.
    pub max: Option<f64>,
}

impl Range {
    /// Whether `v` lies in the range.
    pub fn holds(&self, v: f64) -> bool {
        self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m)
    }
}

/// `burstablePerformance`, `bareMetal` and the like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inclusion {
    /// `included`: types with and without the attribute.
    Included,
    /// `excluded`: only types without it.
    Excluded,
    /// `required`: only types with it.
    Required,
}

impl Inclusion {
    fn admits(self, has: bool) -> bool {
        match self {
            Inclusion::Included => true,
            Inclusion::Excluded => !has,
            Inclusion::Required => has,
        }
    }
}

/// The attributes a provider's instance types must have.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceRequirements {
    /// `vCpuCount`: vCPUs per instance.
    pub vcpu: Range,
    /// Nominal memory, MiB.
    pub memory_mib: Range,
    /// `memoryGiBPerVCpu`: nominal memory per vCPU, GiB.
    pub memory_gib_per_vcpu: Range,
    /// Empty: any manufacturer.
    pub cpu_manufacturers: Vec<String>,
    /// Types or patterns; empty: every type.
    pub allowed: Vec<String>,
    /// `excludedInstanceTypes`: types or patterns left out; empty: none.
    pub excluded: Vec<String>,
    /// `current`, `previous`; empty: both.
    pub generations: Vec<String>,
    /// `burstablePerformance`: whether burstable (T) types may be chosen.
    pub burstable: Inclusion,
    /// Whole GPUs per instance.
    pub accelerators: Range,
    /// Price protection: types priced more than this percentage above the cheapest
    /// matching current-generation C, M or R type (per vCPU) are left out. `None`: off.
    pub max_price_percentage_over_lowest: Option<u32>,
}

impl InstanceRequirements {
    /// ECS's default when a provider names no requirements: "the most cost-optimized
    /// general-purpose" types, read here as every M family in the catalog (INFERRED),
    /// without burstable or accelerated types.
    pub fn general_purpose() -> InstanceRequirements {
        InstanceRequirements {
            vcpu: Range::default(),
            memory_mib: Range::default(),
            memory_gib_per_vcpu: Range::default(),
            cpu_manufacturers: Vec::new(),
            allowed: vec!["m*".into()],
            excluded: Vec::new(),
            generations: vec!["current".into()],
            burstable: Inclusion::Excluded,
            accelerators: Range {
                min: None,
                max: Some(0.0),
            },
            max_price_percentage_over_lowest: None,
        }
    }

    /// Whether the type has every attribute asked for (price protection aside).
    pub fn allows(&self, t: &InstanceType) -> bool {
        let Some(name) = TypeName::parse(&t.name) else {
            return false;
        };
        let vcpu = f64::from(t.vcpu);
        let gib = t.memory_mib as f64 / 1024.0;
        self.vcpu.holds(vcpu)
            && self.memory_mib.holds(t.memory_mib as f64)
            && self.memory_gib_per_vcpu.holds(gib / vcpu.max(1.0))
            && (self.cpu_manufacturers.is_empty()
                || self
                    .cpu_manufacturers
                    .iter()
                    .any(|m| m == name.cpu_manufacturer()))
            && (self.allowed.is_empty() || listed(&self.allowed, &t.name))
            && !listed(&self.excluded, &t.name)
            && (self.generations.is_empty()
                || self.generations.iter().any(|g| g == name.generation_kind()))
            && self.burstable.admits(name.burstable())
            && self.accelerators.holds(f64::from(t.gpus))
    }

    /// The catalog's types that qualify, in catalog order: every attribute, then price
    /// protection against the cheapest per-vCPU current-generation C, M or R type among
    /// them (EC2 compares per vCPU when vCPUs are asked for; INFERRED for ECS).
    pub fn select<'c>(&self, types: &'c [InstanceType]) -> Vec<&'c InstanceType> {
        let matching: Vec<&InstanceType> = types.iter().filter(|t| self.allows(t)).collect();
        let Some(pct) = self.max_price_percentage_over_lowest else {
            return matching;
        };
        let per_vcpu = |t: &InstanceType| t.price_per_hour / f64::from(t.vcpu.max(1));
        let lowest = matching
            .iter()
            .filter(|t| {
                TypeName::parse(&t.name).is_some_and(|n| {
                    matches!(n.class, "c" | "m" | "r") && n.generation_kind() == "current"
                })
            })
            .map(|t| per_vcpu(t))
            .fold(f64::INFINITY, f64::min);
        if !lowest.is_finite() {
            return matching;
        }
        let ceiling = lowest * (1.0 + f64::from(pct) / 100.0);
        matching
            .into_iter()
            .filter(|t| per_vcpu(t) <= ceiling + 1e-12)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::PriceCatalog;

    fn names(r: &InstanceRequirements) -> Vec<String> {
        let catalog = PriceCatalog::builtin();
        r.select(catalog.instances())
            .into_iter()
            .map(|t| t.name.clone())
            .collect()
    }

    #[test]
    fn allowed_types_with_wildcards_and_ranges() {
        let mut r = InstanceRequirements::general_purpose();
        r.allowed = vec!["r5a.*".into()];
        // The catalog holds r5a.large and r5a.xlarge; 2 to 2 vCPU keeps the first.
        r.vcpu = Range {
            min: Some(2.0),
            max: Some(2.0),
        };
        assert_eq!(names(&r), ["r5a.large"]);
        r.vcpu = Range::default();
        r.excluded = vec!["*.xlarge".into()];
        assert_eq!(names(&r), ["r5a.large"]);
    }

    #[test]
    fn manufacturers_and_memory_per_vcpu() {
        let mut r = InstanceRequirements::general_purpose();
        r.allowed = vec!["c7*".into(), "r7*".into()];
        r.cpu_manufacturers = vec!["amazon-web-services".into()];
        r.memory_gib_per_vcpu = Range {
            min: Some(8.0),
            max: None,
        };
        r.vcpu = Range {
            min: None,
            max: Some(2.0),
        };
        // Graviton, 8 GiB per vCPU, at most 2 vCPU: r7g.medium and r7g.large.
        assert_eq!(names(&r), ["r7g.medium", "r7g.large"]);
    }

    #[test]
    fn price_protection_cuts_dear_types_per_vcpu() {
        let mut r = InstanceRequirements::general_purpose();
        r.allowed = vec!["c6a.large".into(), "m6a.large".into(), "r6a.large".into()];
        // Per vCPU: c6a 0.03825, m6a 0.0432, r6a 0.0567. 20% over 0.03825 is 0.0459:
        // m6a stays, r6a goes.
        r.max_price_percentage_over_lowest = Some(20);
        assert_eq!(
            names(&r),
            names_in_catalog_order(&["c6a.large", "m6a.large"])
        );
        r.max_price_percentage_over_lowest = Some(50);
        // 50% over is 0.057375: r6a's 0.0567 is under it.
        assert_eq!(
            names(&r),
            names_in_catalog_order(&["c6a.large", "m6a.large", "r6a.large"])
        );
    }

    /// The given names in the order the catalog lists them.
    fn names_in_catalog_order(wanted: &[&str]) -> Vec<String> {
        PriceCatalog::builtin()
            .instances()
            .iter()
            .filter(|t| wanted.contains(&t.name.as_str()))
            .map(|t| t.name.clone())
            .collect()
    }
}
