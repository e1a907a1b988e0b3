//! Why a query did not parse, located for the user.

use std::fmt;

/// A parse error, located by byte offset so callers can underline the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// Byte offset into the expression where the problem was detected.
    pub offset: usize,
    /// 1-based character column of `offset`, for human-facing messages.
    pub column: usize,
    /// What went wrong, phrased as what was expected and what was found.
    pub message: String,
}

impl QueryError {
    pub(crate) fn new(input: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(input.len());
        let column = input
            .char_indices()
            .take_while(|(i, _)| *i < offset)
            .count()
            + 1;
        Self {
            offset,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}", self.message, self.column)
    }
}

impl std::error::Error for QueryError {}
