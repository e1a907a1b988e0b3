//! Scenario errors that say where (file, line, column, field) and what is allowed.

use std::fmt;
use std::path::PathBuf;

/// A problem in a scenario file, told at its file, line, column and field, with what is
/// allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based; `None` when the field is not in the file (a missing field, or one set by
    /// `--set`).
    pub line: Option<usize>,
    /// 1-based column of the field on its line, when it is known.
    pub column: Option<usize>,
    /// Dotted path of the field, e.g. `services[0].desiredCount`.
    pub field: String,
    /// What is wrong, in the user's words.
    pub message: String,
    /// What the field accepts, when there is a short answer.
    pub allowed: Option<String>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.message)?;
        } else {
            write!(f, ": field `{}`: {}", self.field, self.message)?;
        }
        if let Some(allowed) = &self.allowed {
            write!(f, " (allowed: {allowed})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// A problem found while building the runtime config, before it is located in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `services[0].desiredCount`.
    pub field: String,
    /// What is wrong, in the user's words.
    pub message: String,
    /// What the field accepts, when there is a short answer.
    pub allowed: Option<String>,
}

impl FieldError {
    /// A problem with `field`, saying what is wrong.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
            allowed: None,
        }
    }

    /// Adds what the field accepts.
    pub fn allowed(mut self, allowed: impl Into<String>) -> FieldError {
        self.allowed = Some(allowed.into());
        self
    }
}
