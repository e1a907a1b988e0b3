//! Finds where a field sits in the scenario text, so errors found after parsing (an
//! unknown instance type, an invalid Fargate size) still point at a line.

use std::ops::Range;
use toml_edit::{ImDocument, Item, Value};

/// A path segment: a table key or an array index.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// A table key, e.g. `services`.
    Key(String),
    /// A position in an array, counting from 0, e.g. the `0` of `services[0]`.
    Index(usize),
}

/// Splits `services[0].placementStrategy[1].type` into segments.
pub fn parse_path(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(bracket) = rest.find('[') {
            if bracket > 0 {
                out.push(Segment::Key(rest[..bracket].to_string()));
            }
            rest = &rest[bracket..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let Some(close) = stripped.find(']') else {
                    break;
                };
                if let Ok(i) = stripped[..close].parse() {
                    out.push(Segment::Index(i));
                }
                rest = &stripped[close + 1..];
            }
        } else if !rest.is_empty() {
            out.push(Segment::Key(rest.to_string()));
        }
    }
    out
}

/// 1-based (line, column) of the deepest part of `path` found in `text`.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let doc = ImDocument::parse(text).ok()?;
    let span = span_of(doc.as_item(), &parse_path(path))?;
    Some(line_col(text, span.start))
}

/// 1-based (line, column) of byte `offset` of `text`, clamped to its end.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    (line, col)
}

fn span_of(item: &Item, path: &[Segment]) -> Option<Range<usize>> {
    let Some((first, rest)) = path.split_first() else {
        return item.span();
    };
    let found = match (item, first) {
        (Item::Table(t), Segment::Key(k)) => t.get_key_value(k).map(|(key, child)| {
            span_of(child, rest)
                .or_else(|| key.span())
                .or_else(|| child.span())
        }),
        (Item::ArrayOfTables(a), Segment::Index(i)) => a
            .get(*i)
            .map(|t| span_of(&Item::Table(t.clone()), rest).or_else(|| t.span())),
        (Item::Value(v), _) => Some(value_span(v, path)),
        _ => None,
    };
    found.flatten()
}

fn value_span(value: &Value, path: &[Segment]) -> Option<Range<usize>> {
    let Some((first, rest)) = path.split_first() else {
        return value.span();
    };
    match (value, first) {
        (Value::InlineTable(t), Segment::Key(k)) => t
            .get_key_value(k)
            .and_then(|(key, child)| {
                child
                    .as_value()
                    .and_then(|v| value_span(v, rest))
                    .or_else(|| key.span())
            })
            .or_else(|| value.span()),
        (Value::Array(a), Segment::Index(i)) => a
            .get(*i)
            .and_then(|child| value_span(child, rest))
            .or_else(|| value.span()),
        _ => value.span(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "horizon = \"1h\"\n\n[[services]]\nname = \"a\"\n\n[[services]]\nname = \"b\"\nplacementStrategy = [{ type = \"spread\" }, { type = \"bogus\" }]\n";

    #[test]
    fn finds_nested_fields() {
        assert_eq!(locate(TEXT, "horizon"), Some((1, 11)));
        assert_eq!(locate(TEXT, "services[1].name"), Some((7, 8)));
        assert_eq!(
            locate(TEXT, "services[1].placementStrategy[1].type"),
            Some((8, 52))
        );
        // A missing field points at its parent.
        assert_eq!(
            locate(TEXT, "services[0].desiredCount").map(|p| p.0),
            Some(3)
        );
    }
}
