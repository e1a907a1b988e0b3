//! Commitment rates: the `[commitments]` section of the price-file format, with the
//! built-in table (`commitment_rates.toml`) underneath whatever a user file gives.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::commitments::CommitmentKind;
use super::error::CatalogError;
use super::fargate::FargateRates;

const BUILTIN_TOML: &str = include_str!("commitment_rates.toml");

/// Fargate usage dimensions a Compute Savings Plan covers, as named in the price file.
pub const FARGATE_DIMENSIONS: [&str; 4] = [
    "x86_vcpu_hour",
    "x86_gb_hour",
    "arm_vcpu_hour",
    "arm_gb_hour",
];

/// The commitment terms a rate row may have.
pub const TERMS: [&str; 2] = ["1yr", "3yr"];
/// The payment options a rate row may have.
pub const PAYMENTS: [&str; 3] = ["no_upfront", "partial_upfront", "all_upfront"];

/// The On-Demand rate of a Fargate dimension.
pub fn fargate_on_demand(rates: &FargateRates, dimension: &str) -> Option<f64> {
    match dimension {
        "x86_vcpu_hour" => Some(rates.x86_vcpu_hour),
        "x86_gb_hour" => Some(rates.x86_gb_hour),
        "arm_vcpu_hour" => Some(rates.arm_vcpu_hour),
        "arm_gb_hour" => Some(rates.arm_gb_hour),
        _ => None,
    }
}

/// One kind/term/payment row: explicit rates where known, a discount off On-Demand for
/// the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateRow {
    /// `kind`: `reserved_instance`, `ec2_instance_savings_plan` or `compute_savings_plan`.
    pub kind: String,
    /// `term`: `1yr` or `3yr`.
    pub term: String,
    /// `payment`: `no_upfront`, `partial_upfront` or `all_upfront`.
    pub payment: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// `ec2_discount`: fraction off On-Demand (0–1) for instance types without an explicit rate.
    pub ec2_discount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// `fargate_discount`: fraction off On-Demand (0–1) for Fargate dimensions without an explicit rate.
    pub fargate_discount: Option<f64>,
    /// Effective $ per instance-hour by instance type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub instances: BTreeMap<String, f64>,
    /// Effective $ per unit-hour by Fargate dimension ([`FARGATE_DIMENSIONS`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fargate: BTreeMap<String, f64>,
}

/// The `[commitments]` section as written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRatesFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// `source`: where the rates come from (a URL or a note).
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// `date`: when they were compiled.
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    /// `normalization`: Reserved Instance size normalization factor by size (`large = 4`).
    pub normalization: BTreeMap<String, f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// `[[commitments.rates]]`: one row per kind, term and payment.
    pub rates: Vec<RateRow>,
}

#[derive(Deserialize)]
struct BuiltinFile {
    commitments: PlanRatesFile,
}

/// Commitment rates for one region: normalization factors and rate rows.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRates {
    /// Where the rates come from.
    pub source: String,
    /// When they were compiled.
    pub date: String,
    normalization: BTreeMap<String, f64>,
    rows: Vec<RateRow>,
}

impl PlanRates {
    /// The us-east-1 rates compiled into the binary.
    pub fn builtin() -> PlanRates {
        static BUILTIN: OnceLock<PlanRates> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                // A unit test parses this file, so failure here is a build defect, not input.
                let file: BuiltinFile =
                    toml::from_str(BUILTIN_TOML).expect("built-in commitment_rates.toml parses");
                let empty = PlanRates {
                    source: String::new(),
                    date: String::new(),
                    normalization: BTreeMap::new(),
                    rows: Vec::new(),
                };
                empty
                    .overlay(file.commitments)
                    .expect("built-in commitment_rates.toml is valid")
            })
            .clone()
    }

    /// This table with `file` laid over it: rows with the same kind/term/payment merge
    /// field by field, new rows are added, normalization factors merge by size.
    pub fn overlay(mut self, file: PlanRatesFile) -> Result<PlanRates, CatalogError> {
        let invalid = |m: String| Err(CatalogError::Invalid(m));
        if let Some(s) = file.source {
            self.source = s;
        }
        if let Some(d) = file.date {
            self.date = d;
        }
        for (size, factor) in file.normalization {
            if !(factor.is_finite() && factor > 0.0) {
                return invalid(format!(
                    "commitments.normalization.{size} must be > 0 (got {factor})"
                ));
            }
            self.normalization.insert(size, factor);
        }
        for row in file.rates {
            let at = format!(
                "commitments.rates ({} {} {})",
                row.kind, row.term, row.payment
            );
            if CommitmentKind::parse(&row.kind).is_none() {
                let allowed: Vec<_> = CommitmentKind::ALL.iter().map(|k| k.name()).collect();
                return invalid(format!(
                    "{at}: unknown kind `{}`; allowed: {}",
                    row.kind,
                    allowed.join(", ")
                ));
            }
            if !TERMS.contains(&row.term.as_str()) {
                return invalid(format!(
                    "{at}: unknown term `{}`; allowed: {}",
                    row.term,
                    TERMS.join(", ")
                ));
            }
            if !PAYMENTS.contains(&row.payment.as_str()) {
                return invalid(format!(
                    "{at}: unknown payment `{}`; allowed: {}",
                    row.payment,
                    PAYMENTS.join(", ")
                ));
            }
            for (name, d) in [
                ("ec2_discount", row.ec2_discount),
                ("fargate_discount", row.fargate_discount),
            ] {
                if let Some(d) = d
                    && !(0.0..1.0).contains(&d)
                {
                    return invalid(format!("{at}: {name} must be in [0, 1) (got {d})"));
                }
            }
            if row.kind != CommitmentKind::ComputeSavingsPlan.name()
                && (row.fargate_discount.is_some() || !row.fargate.is_empty())
            {
                return invalid(format!(
                    "{at}: only compute_savings_plan rows may give Fargate rates"
                ));
            }
            for (dim, rate) in &row.fargate {
                if !FARGATE_DIMENSIONS.contains(&dim.as_str()) {
                    return invalid(format!(
                        "{at}: unknown Fargate dimension `{dim}`; allowed: {}",
                        FARGATE_DIMENSIONS.join(", ")
                    ));
                }
                check_rate(&at, dim, *rate)?;
            }
            for (name, rate) in &row.instances {
                check_rate(&at, name, *rate)?;
            }
            match self
                .rows
                .iter_mut()
                .find(|r| r.kind == row.kind && r.term == row.term && r.payment == row.payment)
            {
                Some(old) => {
                    old.ec2_discount = row.ec2_discount.or(old.ec2_discount);
                    old.fargate_discount = row.fargate_discount.or(old.fargate_discount);
                    old.instances.extend(row.instances);
                    old.fargate.extend(row.fargate);
                }
                None => self.rows.push(row),
            }
        }
        Ok(self)
    }

    /// The whole table in the file format, so a catalog round-trips.
    pub fn to_file(&self) -> PlanRatesFile {
        PlanRatesFile {
            source: Some(self.source.clone()),
            date: Some(self.date.clone()),
            normalization: self.normalization.clone(),
            rates: self.rows.clone(),
        }
    }

    fn row(&self, kind: CommitmentKind, term: &str, payment: &str) -> Option<&RateRow> {
        self.rows
            .iter()
            .find(|r| r.kind == kind.name() && r.term == term && r.payment == payment)
    }

    /// Whether a rate row exists for this kind, term and payment.
    pub fn has_row(&self, kind: CommitmentKind, term: &str, payment: &str) -> bool {
        self.row(kind, term, payment).is_some()
    }

    /// Normalization factor of an instance type by its size (the part after the dot).
    pub fn normalization_factor(&self, instance_type: &str) -> Option<f64> {
        let (_, size) = instance_type.split_once('.')?;
        self.normalization.get(size).copied()
    }

    /// Effective hourly rate of one instance-hour of `instance_type` under this plan kind:
    /// the file's explicit rate, else On-Demand × (1 − the row's EC2 discount).
    pub fn instance_rate(
        &self,
        kind: CommitmentKind,
        term: &str,
        payment: &str,
        instance_type: &str,
        on_demand: f64,
    ) -> Option<f64> {
        let row = self.row(kind, term, payment)?;
        row.instances
            .get(instance_type)
            .copied()
            .or_else(|| row.ec2_discount.map(|d| on_demand * (1.0 - d)))
    }

    /// Compute Savings Plan rate of a Fargate dimension; `None` for other kinds.
    pub fn fargate_rate(
        &self,
        kind: CommitmentKind,
        term: &str,
        payment: &str,
        dimension: &str,
        on_demand: f64,
    ) -> Option<f64> {
        if kind != CommitmentKind::ComputeSavingsPlan {
            return None;
        }
        let row = self.row(kind, term, payment)?;
        row.fargate
            .get(dimension)
            .copied()
            .or_else(|| row.fargate_discount.map(|d| on_demand * (1.0 - d)))
    }
}

fn check_rate(at: &str, name: &str, rate: f64) -> Result<(), CatalogError> {
    if rate.is_finite() && rate >= 0.0 {
        Ok(())
    } else {
        Err(CatalogError::Invalid(format!(
            "{at}: rate of `{name}` must be a finite, non-negative number (got {rate})"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommitmentKind::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn builtin_has_every_kind_term_and_payment() {
        let r = PlanRates::builtin();
        for kind in CommitmentKind::ALL {
            for term in TERMS {
                for payment in PAYMENTS {
                    assert!(
                        r.instance_rate(kind, term, payment, "m5.large", 0.096)
                            .is_some(),
                        "{kind:?} {term} {payment}"
                    );
                }
            }
        }
        // m5.large 1-year no-upfront RI: 0.096 × (1 − 0.375) = 0.060.
        let ri = r.instance_rate(ReservedInstance, "1yr", "no_upfront", "m5.large", 0.096);
        assert!(close(ri.unwrap(), 0.060));
        // Fargate x86 vCPU, 1-year no-upfront Compute SP: 0.04048 × 0.80 = 0.032384.
        let f = r.fargate_rate(
            ComputeSavingsPlan,
            "1yr",
            "no_upfront",
            "x86_vcpu_hour",
            0.04048,
        );
        assert!(close(f.unwrap(), 0.032384));
        assert_eq!(
            r.fargate_rate(
                Ec2InstanceSavingsPlan,
                "1yr",
                "no_upfront",
                "x86_vcpu_hour",
                1.0
            ),
            None
        );
        // [RI-flex]: large 4, xlarge 8, 2xlarge 16.
        assert_eq!(r.normalization_factor("m5.large"), Some(4.0));
        assert_eq!(r.normalization_factor("c7g.xlarge"), Some(8.0));
        assert_eq!(r.normalization_factor("m5.2xlarge"), Some(16.0));
        assert_eq!(r.normalization_factor("weird"), None);
    }

    #[test]
    fn a_user_section_overrides_a_subset() {
        let user: PlanRatesFile = toml::from_str(
            r#"
[[rates]]
kind = "compute_savings_plan"
term = "1yr"
payment = "no_upfront"
instances = { "m5.large" = 0.068 }
fargate = { arm_gb_hour = 0.003 }
"#,
        )
        .unwrap();
        let r = PlanRates::builtin().overlay(user).unwrap();
        let kind = ComputeSavingsPlan;
        // Listed: the explicit rate. Unlisted type: still the built-in discount (29%).
        let m5 = r.instance_rate(kind, "1yr", "no_upfront", "m5.large", 0.096);
        assert_eq!(m5, Some(0.068));
        let c5 = r.instance_rate(kind, "1yr", "no_upfront", "c5.large", 0.085);
        assert!(close(c5.unwrap(), 0.085 * 0.71));
        let arm = r.fargate_rate(kind, "1yr", "no_upfront", "arm_gb_hour", 0.00356);
        assert_eq!(arm, Some(0.003));
        // Other rows untouched.
        let ri = r.instance_rate(ReservedInstance, "3yr", "all_upfront", "m5.large", 1.0);
        assert!(close(ri.unwrap(), 0.38));
    }

    #[test]
    fn bad_rows_name_the_row_and_what_is_allowed() {
        let bad = |text: &str| {
            let file: PlanRatesFile = toml::from_str(text).unwrap();
            PlanRates::builtin().overlay(file).unwrap_err().to_string()
        };
        let e = bad("[[rates]]\nkind = \"ri\"\nterm = \"1yr\"\npayment = \"no_upfront\"\n");
        assert!(
            e.contains("unknown kind `ri`; allowed: reserved_instance"),
            "{e}"
        );
        let e = bad(
            "[[rates]]\nkind = \"reserved_instance\"\nterm = \"2yr\"\npayment = \"no_upfront\"\n",
        );
        assert!(e.contains("allowed: 1yr, 3yr"), "{e}");
        let e = bad(
            "[[rates]]\nkind = \"reserved_instance\"\nterm = \"1yr\"\npayment = \"no_upfront\"\nfargate_discount = 0.2\n",
        );
        assert!(e.contains("only compute_savings_plan"), "{e}");
        let e = bad(
            "[[rates]]\nkind = \"compute_savings_plan\"\nterm = \"1yr\"\npayment = \"no_upfront\"\nec2_discount = 1.5\n",
        );
        assert!(e.contains("ec2_discount must be in [0, 1)"), "{e}");
    }
}
