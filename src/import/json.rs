//! JSON text in, with errors that point at a line: parsing with the position of a syntax
//! error, and finding where a field sits (serde_json's `Value` keeps no positions).

use crate::scenario::ScenarioError;
use crate::scenario::locate::{Segment, line_col, parse_path};
use serde_json::Value;
use std::path::Path;

/// Parses `text`; a syntax error names its line and column.
pub fn parse(text: &str, file: &Path) -> Result<Value, ScenarioError> {
    serde_json::from_str(text).map_err(|e| ScenarioError {
        file: file.to_path_buf(),
        line: Some(e.line()),
        column: Some(e.column()),
        field: String::new(),
        message: format!("not valid JSON: {e}")
            .replace(&format!(" at line {} column {}", e.line(), e.column()), ""),
        allowed: None,
    })
}

/// A located error about `field` (a dotted path such as `services[0].desiredCount`).
pub fn error_at(
    text: &str,
    file: &Path,
    field: &str,
    message: impl Into<String>,
    allowed: Option<String>,
) -> ScenarioError {
    let (line, column) = locate(text, field).map_or((None, None), |(l, c)| (Some(l), Some(c)));
    ScenarioError {
        file: file.to_path_buf(),
        line,
        column,
        field: field.to_string(),
        message: message.into(),
        allowed,
    }
}

/// 1-based (line, column) of the deepest part of `path` present in `text`: the key of an
/// object member, or the start of an array element.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let mut scan = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    scan.skip_ws();
    let mut found = scan.pos;
    scan.find(&parse_path(path), &mut found)?;
    Some(line_col(text, found))
}

struct Scanner<'t> {
    bytes: &'t [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Walks into the value at `pos` along `path`, recording in `found` the deepest position
    /// reached. Returns `None` only on text too broken to walk.
    fn find(&mut self, path: &[Segment], found: &mut usize) -> Option<()> {
        let Some((first, rest)) = path.split_first() else {
            return Some(());
        };
        match (self.peek()?, first) {
            (b'{', Segment::Key(want)) => {
                self.pos += 1;
                loop {
                    self.skip_ws();
                    if self.peek()? == b'}' {
                        return Some(());
                    }
                    let key_at = self.pos;
                    let key = self.string()?;
                    self.skip_ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    self.skip_ws();
                    if key == *want {
                        *found = key_at;
                        return self.find(rest, found);
                    }
                    self.skip_value()?;
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                    }
                }
            }
            (b'[', Segment::Index(want)) => {
                self.pos += 1;
                let mut index = 0;
                loop {
                    self.skip_ws();
                    if self.peek()? == b']' {
                        return Some(());
                    }
                    if index == *want {
                        *found = self.pos;
                        return self.find(rest, found);
                    }
                    self.skip_value()?;
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                    }
                    index += 1;
                }
            }
            _ => Some(()),
        }
    }

    /// Reads a string at `pos` (escapes kept raw: keys in AWS JSON have none).
    fn string(&mut self) -> Option<String> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        self.pos += 1;
        while self.peek()? != b'"' {
            if self.peek()? == b'\\' {
                self.pos += 1;
            }
            self.pos += 1;
        }
        let s = std::str::from_utf8(&self.bytes[start..self.pos])
            .ok()?
            .to_string();
        self.pos += 1;
        Some(s)
    }

    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            _ => {
                while let Some(b) = self.peek() {
                    if b == b',' || b == b'}' || b == b']' || b.is_ascii_whitespace() {
                        break;
                    }
                    self.pos += 1;
                }
                Some(())
            }
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
    }
}
