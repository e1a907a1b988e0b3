//! Argument values and how a subject's value is compared with them.
//!
//! Everything that can be decided from the literal alone (is it a number?
//! which instant does a date denote?) is decided at parse time, so that
//! evaluation is plain comparisons with no allocation.

use std::cmp::Ordering;

/// An argument as written, plus its numeric reading when it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    text: String,
    number: Option<f64>,
}

impl Literal {
    /// `as_date` makes ISO dates count as numbers (epoch milliseconds), which
    /// is how `registeredAt` arguments are written.
    pub(crate) fn new(text: String, as_date: bool) -> Self {
        let date = if as_date { parse_date_ms(&text) } else { None };
        let number = date.or_else(|| parse_number(&text));
        Self { text, number }
    }

    /// The argument as written, quotes and escapes removed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The numeric value used for comparisons, if the text is a finite
    /// number (or, for `registeredAt`, a date in epoch milliseconds).
    pub fn number(&self) -> Option<f64> {
        self.number
    }
}

fn parse_number(text: &str) -> Option<f64> {
    // Rust also accepts "inf"/"NaN", which nobody means as a number here.
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The value of a subject on one container instance.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    Text(&'a str),
    Int(u64),
}

impl Value<'_> {
    /// Orders the subject value against `lit`: numerically when both are
    /// numbers, by dotted components when `versions` is set and both look
    /// like versions (so agent 1.10.0 > 1.9.0), else by string.
    pub(crate) fn compare(self, lit: &Literal, versions: bool) -> Option<Ordering> {
        match self {
            Value::Int(v) => match lit.number {
                Some(n) => (v as f64).partial_cmp(&n),
                None => with_decimal(v, |s| Some(s.cmp(lit.text.as_str()))),
            },
            Value::Text(s) => {
                if versions && let Some(ord) = version_cmp(s, &lit.text) {
                    return Some(ord);
                }
                match (lit.number, parse_number(s)) {
                    (Some(n), Some(v)) => v.partial_cmp(&n),
                    _ => Some(s.cmp(lit.text.as_str())),
                }
            }
        }
    }

    pub(crate) fn equals(self, lit: &Literal, versions: bool) -> bool {
        self.compare(lit, versions) == Some(Ordering::Equal)
    }

    pub(crate) fn with_str<R>(self, f: impl FnOnce(&str) -> R) -> R {
        match self {
            Value::Text(s) => f(s),
            Value::Int(v) => with_decimal(v, f),
        }
    }
}

/// Formats `v` in a stack buffer so integer subjects can be matched as text
/// without allocating.
fn with_decimal<R>(mut v: u64, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 20];
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    f(std::str::from_utf8(&buf[start..]).unwrap_or(""))
}

/// Compares dot-separated numeric versions; None unless both are versions.
fn version_cmp(a: &str, b: &str) -> Option<Ordering> {
    let is_version = |s: &str| {
        s.contains('.')
            && s.split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
    };
    if !is_version(a) || !is_version(b) {
        return None;
    }
    let mut xs = a.split('.');
    let mut ys = b.split('.');
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return Some(Ordering::Equal),
            (x, y) => {
                // A missing component counts as 0, so 1.2 == 1.2.0.
                let x = x.map_or(Some(0), |p| p.parse::<u64>().ok())?;
                let y = y.map_or(Some(0), |p| p.parse::<u64>().ok())?;
                if x != y {
                    return Some(x.cmp(&y));
                }
            }
        }
    }
}

/// Parses the date forms AWS documents for `registeredAt`
/// (`2018-06-18`, `2018-06-18T22:28:28`, with `Z` or `±hh:mm`) into Unix
/// epoch milliseconds. A missing zone means UTC.
fn parse_date_ms(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(
            part.iter()
                .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')),
        )
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    if !sep(4, b'-') || !sep(7, b'-') || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = crate::calendar::days_from_civil(year, month, day);
    // A day the month does not have (2018-02-30) would otherwise run on into the next.
    if crate::calendar::civil_from_days(days) != (year, month, day) {
        return None;
    }
    let mut seconds = days * 86_400;
    if b.len() == 10 {
        return Some(seconds as f64 * 1000.0);
    }
    if !sep(10, b'T') || !sep(13, b':') || !sep(16, b':') {
        return None;
    }
    let (h, m, s) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    seconds += h * 3600 + m * 60 + s;
    match &b[19..] {
        [] | [b'Z'] => {}
        [sign @ (b'+' | b'-'), ..] if b.len() == 25 && sep(22, b':') => {
            let offset = digits(20, 2)? * 3600 + digits(23, 2)? * 60;
            seconds -= if *sign == b'+' { offset } else { -offset };
        }
        _ => return None,
    }
    Some(seconds as f64 * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date_ms("1970-01-01"), Some(0.0));
        assert_eq!(parse_date_ms("2018-06-18"), Some(1_529_280_000_000.0));
        assert_eq!(
            parse_date_ms("2018-06-18T22:28:28Z"),
            Some(1_529_360_908_000.0)
        );
        assert_eq!(
            parse_date_ms("2018-06-18T22:28:28"),
            Some(1_529_360_908_000.0)
        );
        assert_eq!(
            parse_date_ms("2018-06-18T23:28:28+01:00"),
            Some(1_529_360_908_000.0)
        );
        assert_eq!(parse_date_ms("2018-13-01"), None);
        // Days past the month's end: February has 28 days in 2018 and 29 in 2020.
        assert_eq!(parse_date_ms("2018-02-29"), None);
        assert_eq!(parse_date_ms("2018-04-31"), None);
        assert_eq!(parse_date_ms("2020-02-29"), Some(1_582_934_400_000.0));
        assert_eq!(parse_date_ms("2018-06-18T22:28"), None);
        assert_eq!(parse_date_ms("2018-06-18T22:28:28+0100"), None);
        assert_eq!(parse_date_ms("é"), None);
    }

    #[test]
    fn comparisons() {
        let lit = |s: &str| Literal::new(s.to_string(), false);
        assert_eq!(
            Value::Text("10").compare(&lit("9"), false),
            Some(Ordering::Greater)
        );
        assert_eq!(
            Value::Text("b").compare(&lit("a"), false),
            Some(Ordering::Greater)
        );
        assert_eq!(
            Value::Text("1.10.0").compare(&lit("1.9.0"), true),
            Some(Ordering::Greater)
        );
        assert_eq!(
            Value::Text("1.10").compare(&lit("1.9"), true),
            Some(Ordering::Greater)
        );
        assert!(Value::Text("1.2").equals(&lit("1.2.0"), true));
        assert!(Value::Int(12).equals(&lit("12.0"), false));
        assert!(Value::Int(0).equals(&lit("0"), false));
        assert_eq!(
            Value::Int(5).compare(&lit("abc"), false),
            Some(Ordering::Less)
        );
        assert!(Literal::new("inf".into(), false).number().is_none());
        assert_eq!(
            Value::Int(u64::MAX).with_str(|s| s.to_string()),
            u64::MAX.to_string()
        );
    }
}
