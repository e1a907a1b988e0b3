//! Durations in scenario files: a number of seconds, or text with a unit ("250ms", "90s",
//! "5m", "2h", "1d", or combinations such as "1h30m").

use crate::time::SimDuration;
use serde::{Serialize, Serializer};

/// A duration as a scenario writes it: seconds as a number, or text such as "90s" or "1h30m".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationText(pub SimDuration);

/// Written back as text in the largest unit that divides it exactly ("5m", "90s", "250ms"),
/// which [`parse`] reads back to the same milliseconds.
impl Serialize for DurationText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_text(self.0))
    }
}

/// The duration as text in the largest unit that divides it exactly ("5m", "90s", "250ms";
/// "0s" for zero).
pub fn format_text(d: SimDuration) -> String {
    let ms = d.0;
    if ms == 0 {
        return "0s".into();
    }
    let units = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1000, "s"),
    ];
    units
        .iter()
        .find(|(size, _)| ms.is_multiple_of(*size))
        .map_or_else(
            || format!("{ms}ms"),
            |(size, unit)| format!("{}{unit}", ms / size),
        )
}

const EXPECTED: &str = "a duration: seconds as a number, or text like \"250ms\", \"90s\", \"5m\", \"2h\", \"1d\", \"1h30m\"";

/// The longest duration a scenario may state: a thousand years. Longer is surely a typo,
/// and near `u64::MAX` milliseconds time arithmetic would have to clamp silently.
pub const LONGEST_MS: u64 = 1000 * 365 * 86_400_000;

impl<'de> serde::Deserialize<'de> for DurationText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DurationVisitor)
    }
}

struct DurationVisitor;

impl serde::de::Visitor<'_> for DurationVisitor {
    type Value = DurationText;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_f64<E: serde::de::Error>(self, s: f64) -> Result<DurationText, E> {
        seconds(s).map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, s: i64) -> Result<DurationText, E> {
        seconds(s as f64).map_err(E::custom)
    }

    fn visit_u64<E: serde::de::Error>(self, s: u64) -> Result<DurationText, E> {
        seconds(s as f64).map_err(E::custom)
    }

    fn visit_str<E: serde::de::Error>(self, t: &str) -> Result<DurationText, E> {
        match parse(t) {
            Some(d) if d.0 > LONGEST_MS => Err(E::custom(too_long(&format!("\"{t}\"")))),
            Some(d) => Ok(DurationText(d)),
            None => Err(E::custom(format!("\"{t}\" is not {EXPECTED}"))),
        }
    }
}

/// A duration, or "none" for a wait without end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationOrNone {
    /// `"none"`: no end.
    None,
    /// This long.
    After(DurationText),
}

impl Serialize for DurationOrNone {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            DurationOrNone::None => serializer.serialize_str("none"),
            DurationOrNone::After(d) => d.serialize(serializer),
        }
    }
}

impl<'de> serde::Deserialize<'de> for DurationOrNone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(OrNoneVisitor)
    }
}

struct OrNoneVisitor;

impl serde::de::Visitor<'_> for OrNoneVisitor {
    type Value = DurationOrNone;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{EXPECTED}, or \"none\"")
    }

    fn visit_f64<E: serde::de::Error>(self, s: f64) -> Result<DurationOrNone, E> {
        DurationVisitor.visit_f64(s).map(DurationOrNone::After)
    }

    fn visit_i64<E: serde::de::Error>(self, s: i64) -> Result<DurationOrNone, E> {
        DurationVisitor.visit_i64(s).map(DurationOrNone::After)
    }

    fn visit_u64<E: serde::de::Error>(self, s: u64) -> Result<DurationOrNone, E> {
        DurationVisitor.visit_u64(s).map(DurationOrNone::After)
    }

    fn visit_str<E: serde::de::Error>(self, t: &str) -> Result<DurationOrNone, E> {
        if t.trim() == "none" {
            return Ok(DurationOrNone::None);
        }
        if parse(t).is_none() {
            return Err(E::custom(format!("\"{t}\" is not {EXPECTED}, or \"none\"")));
        }
        DurationVisitor.visit_str(t).map(DurationOrNone::After)
    }
}

fn seconds(s: f64) -> Result<DurationText, String> {
    if !(s.is_finite() && s >= 0.0) {
        return Err(format!(
            "{} is not {EXPECTED}; durations cannot be negative",
            super::estimate::amount(s)
        ));
    }
    if s * 1000.0 > LONGEST_MS as f64 {
        return Err(too_long(&format!("{} s", super::estimate::amount(s))));
    }
    Ok(DurationText(SimDuration::from_secs_f64(s)))
}

fn too_long(given: &str) -> String {
    format!(
        "{given} is longer than the longest duration a scenario may state (a thousand years, \"365000d\")"
    )
}

/// Reads duration text ("250ms", "90s", "5m", "2h", "1d", "1h30m"); `None` when it is not one.
pub fn parse(text: &str) -> Option<SimDuration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total_ms = 0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_len == 0 {
            return None;
        }
        let value: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit_ms = match rest[..unit_len].trim() {
            "ms" => 1.0,
            "s" | "" => 1000.0,
            "m" | "min" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => return None,
        };
        total_ms += value * unit_ms;
        rest = &rest[unit_len..];
    }
    Some(SimDuration::from_secs_f64(total_ms / 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_the_largest_exact_unit() {
        assert_eq!(format_text(SimDuration(250)), "250ms");
        assert_eq!(format_text(SimDuration(90_000)), "90s");
        assert_eq!(format_text(SimDuration(300_000)), "5m");
        assert_eq!(format_text(SimDuration(7_200_000)), "2h");
        assert_eq!(format_text(SimDuration(1_500)), "1500ms");
        for ms in [0, 1, 999, 61_000, 5_400_000, 86_400_000] {
            assert_eq!(parse(&format_text(SimDuration(ms))), Some(SimDuration(ms)));
        }
    }

    #[test]
    fn parses_units_and_combinations() {
        assert_eq!(parse("250ms"), Some(SimDuration(250)));
        assert_eq!(parse("90s"), Some(SimDuration(90_000)));
        assert_eq!(parse("5m"), Some(SimDuration(300_000)));
        assert_eq!(parse("1h30m"), Some(SimDuration(5_400_000)));
        assert_eq!(parse("1.5d"), Some(SimDuration(129_600_000)));
        assert_eq!(parse("12"), Some(SimDuration(12_000)));
        assert_eq!(parse("5 parsecs"), None);
        assert_eq!(parse("-5s"), None);
        assert_eq!(parse(""), None);
    }

    fn read(toml_value: &str) -> Result<SimDuration, String> {
        #[derive(serde::Deserialize)]
        struct One {
            d: DurationText,
        }
        toml::from_str::<One>(&format!("d = {toml_value}"))
            .map(|o| o.d.0)
            .map_err(|e| e.message().to_string())
    }

    #[test]
    fn wrong_kinds_and_absurd_lengths_are_named_not_clamped() {
        assert_eq!(read("90"), Ok(SimDuration(90_000)));
        assert_eq!(read("\"1h\""), Ok(SimDuration(3_600_000)));
        let e = read("true").unwrap_err();
        assert!(e.contains("boolean `true`, expected a duration"), "{e}");
        assert!(!e.contains("enum"), "{e}");
        let e = read("1e308").unwrap_err();
        assert!(e.starts_with("1.0e308 s is longer than"), "{e}");
        assert!(read("\"365000d\"").is_ok());
        assert!(
            read("\"365001d\"")
                .unwrap_err()
                .contains("a thousand years")
        );
    }
}
