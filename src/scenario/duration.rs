//! Durations in scenario files: a number of seconds, or text with a unit ("250ms", "90s",
//! "5m", "2h", "1d", or combinations such as "1h30m").

use crate::time::SimDuration;
use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawDuration")]
pub struct DurationText(pub SimDuration);

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDuration {
    Seconds(f64),
    Text(String),
}

const EXPECTED: &str = "a duration: seconds as a number, or text like \"250ms\", \"90s\", \"5m\", \"2h\", \"1d\", \"1h30m\"";

impl TryFrom<RawDuration> for DurationText {
    type Error = String;
    fn try_from(raw: RawDuration) -> Result<Self, String> {
        match raw {
            RawDuration::Seconds(s) if s.is_finite() && s >= 0.0 => {
                Ok(DurationText(SimDuration::from_secs_f64(s)))
            }
            RawDuration::Seconds(s) => Err(format!(
                "{s} is not {EXPECTED}; durations cannot be negative"
            )),
            RawDuration::Text(t) => parse(&t)
                .map(DurationText)
                .ok_or_else(|| format!("\"{t}\" is not {EXPECTED}")),
        }
    }
}

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
}
