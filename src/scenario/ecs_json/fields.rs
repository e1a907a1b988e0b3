//! Reading one JSON object of an AWS shape: typed getters whose errors point at the field,
//! and a check that sorts every key into carried over, deliberately left out (a note saying
//! why), or unknown (an error listing the fields that object takes).

use super::Note;
use super::json::Spans;
use crate::scenario::ScenarioError;
use serde_json::{Map, Value};
use std::path::Path;

/// The file an object came from, for locating errors and notes.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    /// The JSON file's path, as errors and notes name it.
    pub file: &'a Path,
    /// The JSON file's text.
    pub text: &'a str,
    /// Where `text`'s fields sit, found once for every error and note about it.
    pub spans: &'a Spans,
}

impl Source<'_> {
    /// An error at `field` of this file, with its line and column where it can be found.
    pub fn error(&self, field: &str, message: impl Into<String>) -> ScenarioError {
        self.spans
            .error_at(self.text, self.file, field, message, None)
    }

    /// A note that `field` of this file was left out or assumed, and why.
    pub fn note(&self, field: &str, reason: impl Into<String>) -> Note {
        Note {
            file: self.file.to_path_buf(),
            line: self.spans.locate(self.text, field).map(|(l, _)| l),
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

/// Keys an object has that ecsim does not carry over, and why.
pub struct LeftOut<'k> {
    /// The keys left out for the same reason.
    pub keys: &'k [&'k str],
    /// The reason, as the note gives it.
    pub why: &'k str,
}

/// One JSON object of the file, with the path that leads to it.
#[derive(Clone, Copy)]
pub struct Obj<'a> {
    /// The file the object came from.
    pub src: Source<'a>,
    /// The object's JSON path (`containerDefinitions[0]`); empty at the top level.
    pub path: &'a str,
    /// The object's keys and values.
    pub map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    /// The object at `path`, or an error there if the value is not a JSON object.
    pub fn new(src: Source<'a>, path: &'a str, value: &'a Value) -> Result<Obj<'a>, ScenarioError> {
        match value {
            Value::Object(map) => Ok(Obj { src, path, map }),
            _ => Err(src.error(path, "expected a JSON object { ... }")),
        }
    }

    /// The JSON path of `key` in this object, as errors name it.
    pub fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Every key must be one `used` here or one of `left_out`; left-out keys with a value
    /// worth mentioning become notes (one per reason), anything else is an error.
    pub fn check(
        &self,
        used: &[&str],
        left_out: &[LeftOut<'_>],
        notes: &mut Vec<Note>,
    ) -> Result<(), ScenarioError> {
        for key in self.map.keys() {
            let known = used.contains(&key.as_str())
                || left_out.iter().any(|l| l.keys.contains(&key.as_str()));
            if !known {
                let mut allowed: Vec<&str> = used.to_vec();
                allowed.extend(left_out.iter().flat_map(|l| l.keys.iter().copied()));
                allowed.sort_unstable();
                return Err(ScenarioError {
                    allowed: Some(allowed.join(", ")),
                    ..self.src.error(
                        &self.field(key),
                        format!("`{key}` is not a field of this AWS object (a typo?)"),
                    )
                });
            }
        }
        for group in left_out {
            let present: Vec<&str> = group
                .keys
                .iter()
                .copied()
                .filter(|k| self.map.get(*k).is_some_and(worth_mentioning))
                .collect();
            if let Some(first) = present.first() {
                notes.push(Note {
                    field: if present.len() == 1 {
                        self.field(first)
                    } else {
                        format!("{} ({})", self.path_or_top(), present.join(", "))
                    },
                    ..self.src.note(&self.field(first), group.why)
                });
            }
        }
        Ok(())
    }

    fn path_or_top(&self) -> &str {
        if self.path.is_empty() {
            "(top level)"
        } else {
            self.path
        }
    }

    /// The value of `key`; `None` when it is absent or null.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// The text value of `key`; an error there if it is not text.
    pub fn str(&self, key: &str) -> Result<Option<&'a str>, ScenarioError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.src.error(&self.field(key), "expected text in quotes")),
        }
    }

    /// The whole-number value of `key`, 0 up to 4294967295; an error there otherwise.
    pub fn u32(&self, key: &str) -> Result<Option<u32>, ScenarioError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| {
                    self.src
                        .error(&self.field(key), "expected a whole number, 0 or more")
                }),
        }
    }

    /// The true-or-false value of `key`; an error there otherwise.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ScenarioError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.src.error(&self.field(key), "expected true or false")),
        }
    }

    /// An array's elements with their paths (`key[i]`).
    pub fn array(&self, key: &str) -> Result<Vec<(String, &'a Value)>, ScenarioError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{}[{i}]", self.field(key)), v))
                .collect()),
            Some(_) => Err(self
                .src
                .error(&self.field(key), "expected a JSON array [ ... ]")),
        }
    }

    /// The list of texts at `key`; an error at the first element that is not text.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, ScenarioError> {
        if self.get(key).is_none() {
            return Ok(None);
        }
        self.array(key)?
            .into_iter()
            .map(|(path, v)| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| self.src.error(&path, "expected text in quotes"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

/// Null, false, "", [] and {} say nothing a user would miss.
fn worth_mentioning(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(_) => true,
    }
}
