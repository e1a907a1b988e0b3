//! CloudWatch timestamps to milliseconds since the Unix epoch, and back for comments.
//!
//! The AWS CLI prints ISO 8601 with an offset (`2024-09-29T22:10:00+00:00`); the API's own
//! wire format and other tools give `Z` (`2024-09-29T22:10:00Z`, with or without
//! fractional seconds) or a number of seconds since the epoch. A time without an offset
//! (`2024-09-29 22:10:00`, as a spreadsheet may rewrite it) is taken as UTC.

use crate::calendar::{civil_from_days, days_from_civil, days_in_month};

/// What a timestamp may look like, for error messages.
pub const ALLOWED: &str = "ISO 8601 such as 2024-09-29T22:10:00Z or 2024-09-29T22:10:00+00:00 (no offset: UTC), or seconds since 1970-01-01; from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z";

/// The times read, in milliseconds: 1970 up to the last instant a four-digit year writes.
/// CloudWatch keeps 15 months of data, so nothing outside is a CloudWatch time, and within
/// them every difference of two timestamps fits 64 bits many times over (issue 32, item 17:
/// ±1e300 seconds were read as the year −292 million).
const EARLIEST_MS: i64 = 0;
const LATEST_MS: i64 = 253_402_300_799_999;

/// Milliseconds since 1970-01-01T00:00:00Z, or why the text is not a timestamp.
pub fn parse(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let ms = match t.parse::<f64>() {
        Ok(secs) if !secs.is_finite() => return Err(format!("`{t}` is not a time")),
        // Compared as a float first: `as i64` would saturate 1e300 into a valid-looking time.
        Ok(secs) if !(EARLIEST_MS as f64..=LATEST_MS as f64).contains(&(secs * 1000.0).round()) => {
            return Err(out_of_range(t));
        }
        Ok(secs) => (secs * 1000.0).round() as i64,
        Err(_) => iso(t).ok_or_else(|| format!("`{t}` is not a timestamp"))?,
    };
    if (EARLIEST_MS..=LATEST_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err(out_of_range(t))
    }
}

fn out_of_range(t: &str) -> String {
    format!("`{t}` is outside the times ecsim reads (1970 to 9999)")
}

fn iso(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = t.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    // YYYY-MM-DD (or YYYY/MM/DD), then T or a space, then hh:mm[:ss[.fff]].
    let sep_ok = |i: usize| matches!(b.get(i), Some(b'-') | Some(b'/'));
    if !(sep_ok(4) && b.get(7) == b.get(4)) {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !matches!(b.get(10), Some(b'T') | Some(b't') | Some(b' ')) || b.get(13) != Some(&b':') {
        return None;
    }
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut second = 0;
    let mut millis = 0;
    if b.get(i) == Some(&b':') {
        second = num(i + 1..i + 3)?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            let mut end = start;
            while b.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            if end == start {
                return None;
            }
            let frac: f64 = format!("0.{}", &t[start..end]).parse().ok()?;
            millis = (frac * 1000.0).round() as i64;
            i = end;
        }
    }
    let offset_min = match &t[i..] {
        "" | "Z" | "z" => 0,
        rest => {
            let rb = rest.as_bytes();
            let sign = match rb[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            sign * (digits[..2].parse::<i64>().ok()? * 60 + digits[2..].parse::<i64>().ok()?)
        }
    };
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    if !valid {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_min * 60;
    Some(secs * 1000 + millis)
}

/// `2024-09-29T22:10:00Z` for comments (whole seconds; milliseconds when there are any).
pub fn format(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let frac = ms.rem_euclid(1000);
    let base = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
    if frac == 0 {
        format!("{base}Z")
    } else {
        format!("{base}.{frac:03}Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_and_api_forms_agree() {
        // 2024-09-29 is day 19995 since 1970-01-01 (54 years of 365 days = 19710, 13 leap
        // days 1972..=2020, plus 272 days from January 1 to September 29 of a leap year).
        let expected = (19_995 * 86_400 + 22 * 3600 + 10 * 60) * 1000;
        assert_eq!(parse("2024-09-29T22:10:00+00:00"), Ok(expected));
        assert_eq!(parse("2024-09-29T22:10:00Z"), Ok(expected));
        assert_eq!(parse("2024-09-29T22:10:00.000Z"), Ok(expected));
        assert_eq!(parse("2024-09-29 22:10:00"), Ok(expected));
        assert_eq!(parse("2024/09/29 22:10"), Ok(expected));
        assert_eq!(parse("2024-09-30T00:10:00+02:00"), Ok(expected));
        assert_eq!(parse("2024-09-29T20:40:00-0130"), Ok(expected));
        assert_eq!(parse(&(expected / 1000).to_string()), Ok(expected));
        assert_eq!(parse("2024-09-29T22:10:00.25Z"), Ok(expected + 250));
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01",
            "yesterday",
            "2024-01-01T00:00:00+5",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("2024-02-29T00:00:00Z").is_ok());
    }

    #[test]
    fn formatting_inverts_parsing() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T12:34:56Z",
            "2024-09-29T22:10:00.250Z",
            "9999-12-31T23:59:59.999Z",
        ] {
            assert_eq!(format(parse(text).unwrap()), text);
        }
        assert_eq!(format(-1000), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn times_outside_1970_to_9999_are_refused() {
        // 9999-12-31T23:59:59Z is 253,402,300,799 s: 2,932,897 days from 1970 to 10000-01-01
        // (8030 years of 365 days = 2,930,950, plus 1,947 leap days: 2,007 multiples of 4
        // from 1972 to 9996, less the 60 of the 79 centuries 2100..9900 not divisible by
        // 400), times 86,400 s, less 1 s.
        assert_eq!(parse("253402300799"), Ok(253_402_300_799_000));
        assert_eq!(parse("0"), Ok(0));
        for bad in [
            "1e300",
            "-1e300",
            "253402300800",
            "-0.5",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:30:00+01:00",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains("outside the times ecsim reads"), "{bad}: {e}");
        }
    }
}
