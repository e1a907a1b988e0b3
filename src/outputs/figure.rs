//! Which numbers an output file may hold. A run writes finite figures well below
//! [`LARGEST`]; anything else in a file `ecsim report` reads was put there by hand or by
//! another program, and charting it would draw an axis no reader can use (and, before the
//! axis guard in `charts::render`, never finish). So such a number is refused where it
//! stands: its file, line and column.

use crate::scenario::locate::line_col;

/// The largest figure, in size, an output may hold: a thousand trillion. Beyond any bill a
/// scenario can produce within its bounds (a million instances at $100 an hour for ten
/// years is 8.8e11 $) and any time in seconds (a thousand years is 3.2e10 s); a chart
/// can still pad its axis by a fifth without leaving the finite numbers.
pub const LARGEST: f64 = 1e15;

/// `text` as a figure, or why it is not one. A whole number that fits 64 bits (a seed, an
/// id) is a figure whatever its size; any other number must be finite and at most
/// [`LARGEST`] in size. Rust's float parser takes `inf` and `NaN`: both are refused.
pub fn figure(text: &str) -> Result<f64, String> {
    let whole = text.strip_prefix('-').unwrap_or(text);
    if !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit()) {
        let fits = if text.starts_with('-') {
            text.parse::<i64>().is_ok()
        } else {
            text.parse::<u64>().is_ok()
        };
        if fits {
            return text
                .parse::<f64>()
                .map_err(|_| format!("`{text}` is not a number"));
        }
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_nan() => Err(format!("`{text}` is not a number")),
        Ok(x) if x.is_infinite() => Err(format!("`{text}` is not a finite number")),
        Ok(x) if x.abs() > LARGEST => Err(format!(
            "`{text}` is more than any figure ecsim writes (at most 1e15)"
        )),
        Ok(x) => Ok(x),
        Err(_) => Err(format!("`{text}` is not a number")),
    }
}

/// The first number in JSON `text` that [`figure`] refuses: (line, column, why). JSON has
/// no infinities, but it has `1e400` (read as infinite) and `1e308`, and
/// `serde_json::Value` keeps no positions, so the text is scanned for number tokens
/// outside strings.
pub fn first_bad_json_number(text: &str) -> Option<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 2,
                b'"' => {
                    in_string = false;
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                {
                    i += 1;
                }
                if let Err(why) = figure(&text[start..i]) {
                    let (line, column) = line_col(text, start);
                    return Some((line, column, why));
                }
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_a_run_writes_pass_and_the_rest_are_named() {
        assert_eq!(figure("12.500"), Ok(12.5));
        assert_eq!(figure("-3"), Ok(-3.0));
        assert_eq!(figure("1e15"), Ok(1e15));
        // A seed: the largest u64, a whole number, passes however large.
        assert!(figure("18446744073709551615").is_ok());
        assert_eq!(figure("inf").unwrap_err(), "`inf` is not a finite number");
        assert_eq!(
            figure("-infinity").unwrap_err(),
            "`-infinity` is not a finite number"
        );
        assert_eq!(figure("NaN").unwrap_err(), "`NaN` is not a number");
        assert_eq!(figure("abc").unwrap_err(), "`abc` is not a number");
        assert!(figure("1e308").unwrap_err().contains("at most 1e15"));
        assert!(figure("1.000001e15").is_err());
        // One more than u64 holds is no seed: beyond 1e15, refused.
        assert!(figure("18446744073709551616").is_err());
    }

    #[test]
    fn a_json_number_is_found_outside_strings() {
        let text = "{\n  \"name\": \"1e308\",\n  \"cost\": {\"total\": 1e308}\n}";
        // Line 3, `  "cost": {"total": ` is 20 bytes before the number.
        let (line, column, why) = first_bad_json_number(text).unwrap();
        assert_eq!((line, column), (3, 21));
        assert!(why.starts_with("`1e308`"), "{why}");
        assert_eq!(
            first_bad_json_number("{\"a\": \"x\\\"1e999\", \"b\": -2.5e3}"),
            None
        );
    }
}
