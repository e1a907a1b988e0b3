//! Errors at the command line, and the exit status each maps to.

use ecsim::scenario::{ScenarioError, io_words};
use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CliError {
    /// The user's input is wrong: exit status 2, like a usage error.
    #[error("{0}")]
    Scenario(Box<ScenarioError>),
    #[error("{0}")]
    Usage(String),
    /// The run repeated events at one simulated instant without end: exit status 3.
    #[error("{0}")]
    Runaway(String),
    /// Ctrl-C or SIGTERM: exit status 128 + the signal (130, 143), as a shell reports it.
    #[error("interrupted; {kept}")]
    Interrupted { signal: i32, kept: String },
    /// Writing results failed: exit status 1; nothing half-written is left behind.
    #[error("writing {path}: {}", io_words(source))]
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
            CliError::Runaway(_) => 3,
            CliError::Interrupted { signal, .. } => 128u8.saturating_add(*signal as u8),
        }
    }

    pub fn output(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
        move |source| CliError::Output {
            path: path.to_path_buf(),
            source,
        }
    }
}
