//! Validators shared by every section: counts, positive numbers and fractions, and how a
//! bad value is quoted back.

use super::super::error::FieldError;

/// The largest count of tasks or instances one field may ask for. ECS's own quotas are far
/// lower (5,000 tasks per service); the cap keeps a typo from exhausting memory.
pub(in crate::scenario) const MAX_COUNT: u32 = 1_000_000;

/// The most a custom instance type may cost an hour. AWS's dearest instances list at a few
/// hundred dollars; the bound keeps a typo (or `inf`) from making every bill infinite,
/// which summary.json can only write as `null` and a chart cannot draw.
pub(super) const MAX_INSTANCE_PRICE_PER_HOUR: f64 = 10_000.0;

pub(in crate::scenario) fn bounded(field: String, value: u32) -> Result<u32, FieldError> {
    if value > MAX_COUNT {
        Err(FieldError::new(field, format!("{value} is too large"))
            .allowed(format!("at most {MAX_COUNT}")))
    } else {
        Ok(value)
    }
}

pub(super) fn positive(field: String, value: f64) -> Result<f64, FieldError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(FieldError::new(field, format!("{value} is not allowed")).allowed("a positive number"))
    }
}

/// An optional text field as the user wrote it: `"disk"`, or "none" when absent.
pub(super) fn given(value: Option<&str>) -> String {
    value.map_or_else(|| "none".to_string(), |v| format!("\"{v}\""))
}

pub(super) fn non_negative(field: String, value: f64) -> Result<f64, FieldError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(FieldError::new(field, format!("{value} is not allowed")).allowed("a number ≥ 0"))
    }
}

pub(super) fn fraction(field: String, v: f64) -> Result<f64, FieldError> {
    if v.is_finite() && v > 0.0 && v <= 1.0 {
        Ok(v)
    } else {
        Err(FieldError::new(field, format!("{v} is out of range")).allowed("above 0, at most 1"))
    }
}
