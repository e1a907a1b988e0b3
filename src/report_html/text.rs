//! Text on the report's pages: HTML escaping, our own sentences with `code` spans, and
//! figures rounded as a reader wants them.

use std::fmt::Write;

pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// `code` spans for `backticked` words in our own sentences (escaped first).
pub(super) fn prose(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in esc(s).split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// A figure as a reader wants it: integers whole, fractions to four significant places.
pub(super) fn value(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{x:.0}");
    }
    let digits = if x.abs() >= 100.0 {
        2
    } else if x.abs() >= 1.0 {
        3
    } else {
        4
    };
    format!("{x:.digits$}")
}
