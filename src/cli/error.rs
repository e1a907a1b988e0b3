//! Errors at the command line, and the exit status each maps to.

use crate::scenario::ScenarioError;
use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CliError {
    /// The user's input is wrong: exit status 2, like a usage error.
    #[error("{0}")]
    Scenario(Box<ScenarioError>),
    #[error("{0}")]
    Usage(String),
    /// Writing results failed: exit status 1; nothing half-written is left behind.
    #[error("writing {path}: {source}")]
    Output {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<ScenarioError> for CliError {
    fn from(e: ScenarioError) -> CliError {
        CliError::Scenario(Box::new(e))
    }
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Scenario(_) | CliError::Usage(_) => 2,
            CliError::Output { .. } => 1,
        }
    }

    pub fn output(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
        move |source| CliError::Output {
            path: path.to_path_buf(),
            source,
        }
    }
}
