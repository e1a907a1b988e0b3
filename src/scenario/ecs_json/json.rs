//! JSON text in, with errors that point at a line: parsing with the position of a syntax
//! error in the user's words, and finding where a field sits (serde_json's `Value` keeps no
//! positions).

use crate::scenario::ScenarioError;
use crate::scenario::locate::{Segment, parse_path};
use serde_json::Value;
use serde_json::error::Category;
use std::cell::OnceCell;
use std::path::Path;

/// Parses `text`; a syntax error names its line and column.
pub fn parse(text: &str, file: &Path) -> Result<Value, ScenarioError> {
    serde_json::from_str(text).map_err(|e| ScenarioError {
        file: file.to_path_buf(),
        line: Some(e.line()),
        // serde_json says column 0 for an error at the end of a line.
        column: (e.column() > 0).then_some(e.column()),
        field: String::new(),
        message: format!("not valid JSON: {}", syntax_in_words(&e)),
        allowed: None,
    })
}

/// serde_json's message for a syntax error, in the words of someone editing the file.
fn syntax_in_words(e: &serde_json::Error) -> String {
    let raw = e.to_string();
    let raw = raw
        .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
        .unwrap_or(&raw);
    if e.classify() == Category::Eof {
        return "the text ends before the JSON does (a missing } or ], or an unclosed quote?)"
            .into();
    }
    let words = [
        ("expected `:`", "expected `:` after a field name"),
        (
            "expected `,` or `}`",
            "expected `,` or `}` (a missing comma?)",
        ),
        (
            "expected `,` or `]`",
            "expected `,` or `]` (a missing comma?)",
        ),
        (
            "expected value",
            "expected a value: text in quotes, a number, true, false, null, { or [",
        ),
        ("expected ident", "expected true, false or null"),
        (
            "key must be a string",
            "a field name must be text in quotes",
        ),
        (
            "trailing comma",
            "a comma before } or ] (JSON allows none there)",
        ),
        ("trailing characters", "more text after the end of the JSON"),
        (
            "control character",
            "a line break or control character inside quotes (write it as \\n)",
        ),
        ("invalid escape", "an unknown \\ escape inside quotes"),
        (
            "invalid unicode code point",
            "a \\u escape that is not a character",
        ),
        (
            "lone leading surrogate",
            "a \\u escape that is not a character",
        ),
        ("number out of range", "a number too large to read"),
        ("invalid number", "not a number"),
        (
            "recursion limit exceeded",
            "nested more than 128 levels deep",
        ),
        ("EOF while parsing", "the text ends before the JSON does"),
    ];
    words
        .iter()
        .find(|(lib, _)| raw.starts_with(lib))
        .map_or_else(|| raw.to_string(), |(_, ours)| ours.to_string())
}

/// A located error about `field` (a dotted path such as `services[0].desiredCount`).
pub fn error_at(
    text: &str,
    file: &Path,
    field: &str,
    message: impl Into<String>,
    allowed: Option<String>,
) -> ScenarioError {
    Spans::default().error_at(text, file, field, message, allowed)
}

/// 1-based (line, column) of the deepest part of `path` present in `text`: the key of an
/// object member, or the start of an array element.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    Spans::default().locate(text, path)
}

/// Where every object member and array element of one JSON text starts, found in one walk
/// the first time anything is located, so the notes of N services cost one walk of the text
/// rather than N (issue 32, item 11: import was quadratic in the number of services).
#[derive(Default)]
pub struct Spans(OnceCell<Index>);

struct Index {
    nodes: Vec<Node>,
    /// Byte offset of each line's start, for line and column by binary search.
    line_starts: Vec<usize>,
}

struct Node {
    /// Where the node is pointed at: a member's key, an element's first byte.
    at: usize,
    children: Children,
}

enum Children {
    Leaf,
    /// Members in text order; a repeated key is found at its last place, the value
    /// serde_json keeps.
    Object(Vec<(String, usize)>),
    Array(Vec<usize>),
}

impl Spans {
    /// Like [`locate`], for the text these spans are of (the same text on every call).
    pub fn locate(&self, text: &str, path: &str) -> Option<(usize, usize)> {
        let index = self.0.get_or_init(|| Index::build(text));
        let root = index.nodes.first()?;
        let mut node = root;
        for segment in parse_path(path) {
            let next = match (&node.children, &segment) {
                (Children::Object(members), Segment::Key(want)) => members
                    .iter()
                    .rev()
                    .find(|(key, _)| key == want)
                    .map(|(_, n)| *n),
                (Children::Array(items), Segment::Index(want)) => items.get(*want).copied(),
                _ => None,
            };
            match next {
                Some(n) => node = &index.nodes[n],
                None => break,
            }
        }
        Some(index.line_col(node.at))
    }

    /// A scenario error at `field` of `file`, with its line and column when the field can be
    /// found in `text`.
    pub fn error_at(
        &self,
        text: &str,
        file: &Path,
        field: &str,
        message: impl Into<String>,
        allowed: Option<String>,
    ) -> ScenarioError {
        let (line, column) = self
            .locate(text, field)
            .map_or((None, None), |(l, c)| (Some(l), Some(c)));
        ScenarioError {
            file: file.to_path_buf(),
            line,
            column,
            field: field.to_string(),
            message: message.into(),
            allowed,
        }
    }
}

/// Deeper than serde_json reads (128), so a text it parsed is walked whole; a deeper one
/// (never parsed) is cut off rather than overflowing the stack.
const MAX_DEPTH: usize = 256;

impl Index {
    fn build(text: &str) -> Index {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut walk = Walk {
            bytes: text.as_bytes(),
            text,
            pos: 0,
            nodes: Vec::new(),
        };
        walk.skip_ws();
        walk.value(0);
        Index {
            nodes: walk.nodes,
            line_starts,
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        (line, offset - self.line_starts[line - 1] + 1)
    }
}

struct Walk<'t> {
    bytes: &'t [u8],
    text: &'t str,
    pos: usize,
    nodes: Vec<Node>,
}

impl Walk<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Records the value at `pos` (and everything in it) as a node; returns its index.
    /// Stops early, leaving what it found, on text that is not JSON.
    fn value(&mut self, depth: usize) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            at: self.pos,
            children: Children::Leaf,
        });
        let children = match self.peek() {
            Some(b'{') if depth < MAX_DEPTH => Children::Object(self.members(depth)),
            Some(b'[') if depth < MAX_DEPTH => Children::Array(self.elements(depth)),
            _ => {
                self.skip_value();
                Children::Leaf
            }
        };
        self.nodes[id].children = children;
        id
    }

    fn members(&mut self, depth: usize) -> Vec<(String, usize)> {
        let mut members = Vec::new();
        self.pos += 1;
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                self.pos += usize::from(self.peek() == Some(b'}'));
                return members;
            }
            let key_at = self.pos;
            let Some(key) = self.string() else {
                return members;
            };
            self.skip_ws();
            if self.peek() != Some(b':') {
                return members;
            }
            self.pos += 1;
            self.skip_ws();
            let child = self.value(depth + 1);
            self.nodes[child].at = key_at;
            members.push((key, child));
            self.skip_ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
    }

    fn elements(&mut self, depth: usize) -> Vec<usize> {
        let mut items = Vec::new();
        self.pos += 1;
        loop {
            self.skip_ws();
            match self.peek() {
                None => return items,
                Some(b']') => {
                    self.pos += 1;
                    return items;
                }
                Some(_) => {}
            }
            let before = self.pos;
            items.push(self.value(depth + 1));
            if self.pos == before {
                return items; // not JSON: nothing more to find
            }
            self.skip_ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
            }
        }
    }

    /// Reads a string at `pos`, its escapes decoded (a key may spell a letter as `\u0061`).
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.pos += 2;
                }
                _ => self.pos += 1,
            }
        }
        self.pos += 1;
        let raw = self.text.get(start..self.pos)?;
        if escaped {
            serde_json::from_str(raw).ok()
        } else {
            Some(raw[1..raw.len() - 1].to_string())
        }
    }

    /// Skips a scalar, or a container too deep to record.
    fn skip_value(&mut self) {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    if self.string().is_none() {
                        self.pos = self.bytes.len();
                    }
                    if depth == 0 {
                        return;
                    }
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                b',' | b':' if depth == 0 => return,
                _ if depth == 0 && b.is_ascii_whitespace() => return,
                _ => {}
            }
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"services\": [\n    {\"serviceName\": \"a\", \"x\": {\"y\": [1, 2]}},\n    {\n      \"serviceName\": \"b\",\n      \"desiredCount\": 3\n    }\n  ]\n}\n";

    #[test]
    fn finds_keys_and_elements() {
        assert_eq!(locate(TEXT, "services"), Some((2, 3)));
        assert_eq!(locate(TEXT, "services[1].desiredCount"), Some((6, 7)));
        assert_eq!(locate(TEXT, "services[0].x.y[1]"), Some((3, 41)));
        // A missing field points at the deepest part that exists.
        assert_eq!(locate(TEXT, "services[1].launchType"), Some((4, 5)));
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = parse("{\n  \"a\": 1,\n  \"b\" 2\n}", Path::new("x.json")).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(7)));
        assert!(e.message.starts_with("not valid JSON"), "{}", e.message);
        assert!(
            e.message.ends_with("expected `:` after a field name"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_repeated_key_is_found_where_serde_json_takes_its_value() {
        // serde_json keeps the last of two `a`s; an escaped key is matched decoded.
        let text = "{\"a\": 1,\n \"a\": 2,\n \"\\u0062\": {\"c\": [0, {\"d\": 1}]}}";
        assert_eq!(locate(text, "a"), Some((2, 2)));
        assert_eq!(locate(text, "b.c[1].d"), Some((3, 23)));
    }

    #[test]
    fn text_cut_short_is_walked_as_far_as_it_goes() {
        assert_eq!(locate("{\"a\": [1, {\"b\"", "a[1].b"), Some((1, 11)));
        assert_eq!(locate("", "a"), Some((1, 1)));
        let deep = "[".repeat(100_000);
        assert_eq!(locate(&deep, "[0][0]"), Some((1, 3)));
    }
}
