//! Turns the parser's messages into the scenario's terms: no Rust type names ("u32",
//! "struct ClusterFile", "untagged enum"), the value as the user wrote it, and what the
//! field accepts instead.

use regex::Regex;
use std::sync::OnceLock;

/// Rewrites one deserialization message; text it does not recognise passes unchanged.
pub fn plain(message: &str) -> String {
    static RULES: OnceLock<Vec<(Regex, String)>> = OnceLock::new();
    let rules = RULES.get_or_init(|| {
        let whole = |max: &str| format!("a whole number from 0 to {max}");
        [
            (
                r"data did not match any variant of untagged enum Amount",
                "expected a number, or text such as \"512\", \"1 vCPU\" or \"2 GB\"".to_string(),
            ),
            (
                r"data did not match any variant of untagged enum \w+",
                "is not a value this field accepts".to_string(),
            ),
            (
                r"^invalid (type|value): (?:[a-z ]+ )?`([^`]*)`,",
                "got $2;".to_string(),
            ),
            (
                r#"^invalid (type|value): string ("[^"]*"),"#,
                "got $2;".to_string(),
            ),
            (
                r"^invalid (type|value): ([a-z ]+),",
                "got a $2;".to_string(),
            ),
            (r"expected u8\b", format!("expected {}", whole("255"))),
            (r"expected u16\b", format!("expected {}", whole("65535"))),
            (
                r"expected u32\b",
                format!("expected {}", whole("4294967295")),
            ),
            (
                r"expected (u64|usize)\b",
                format!("expected {}", whole("18446744073709551615")),
            ),
            (
                r"expected i(8|16|32|64)\b",
                "expected a whole number".to_string(),
            ),
            (r"expected f(32|64)\b", "expected a number".to_string()),
            (
                r"expected internally tagged enum \w+",
                "expected a table with a `type` key".to_string(),
            ),
            (
                r"expected (struct \w+|a map)",
                "expected a table, such as { key = value }".to_string(),
            ),
            (
                r"expected a sequence",
                "expected an array, such as [ ... ]".to_string(),
            ),
            // The TOML reader appends the key path, which the error names already.
            (r"\s*\nin `[^`\n]*`\s*$", String::new()),
            (r"got a map;", "got a table;".to_string()),
            (r"got a sequence;", "got an array;".to_string()),
        ]
        .into_iter()
        .map(|(pattern, with)| (Regex::new(pattern).expect("a valid pattern"), with))
        .collect()
    });
    let mut text = message.to_string();
    for (pattern, with) in rules {
        text = pattern.replace_all(&text, with.as_str()).into_owned();
    }
    long_numbers(&text)
}

/// `1e308` printed in full is 309 digits: show such numbers in exponent form.
fn long_numbers(text: &str) -> String {
    static LONG: OnceLock<Regex> = OnceLock::new();
    let long = LONG.get_or_init(|| Regex::new(r"-?\d{16,}(\.\d+)?").expect("a valid pattern"));
    long.replace_all(text, |c: &regex::Captures<'_>| {
        c[0].parse::<f64>()
            .map_or_else(|_| c[0].to_string(), |x| format!("{x:e}"))
    })
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn rust_types_become_the_scenario_terms() {
        assert_eq!(
            plain("invalid type: string \"four\", expected u32"),
            "got \"four\"; expected a whole number from 0 to 4294967295"
        );
        assert_eq!(
            plain("invalid value: integer `-1`, expected u32"),
            "got -1; expected a whole number from 0 to 4294967295"
        );
        assert_eq!(
            plain("invalid type: floating point `1e13`, expected u32"),
            "got 1e13; expected a whole number from 0 to 4294967295"
        );
        assert_eq!(
            plain("invalid type: integer `5`, expected struct ClusterFile"),
            "got 5; expected a table, such as { key = value }"
        );
        assert_eq!(
            plain("invalid type: map, expected a sequence"),
            "got a table; expected an array, such as [ ... ]"
        );
        assert_eq!(
            plain("invalid type: integer `3`, expected a boolean\nin `timing.instant`\n"),
            "got 3; expected a boolean"
        );
        let long = format!("got {}", "1".to_string() + &"0".repeat(308));
        assert_eq!(plain(&long), "got 1e308");
    }
}
