//! `ecsim report DIR`, and the `--report` flag the other subcommands share.

use super::CliError;
use ecsim::report_html::{self, ReportError};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// An output directory of `ecsim run`, `compare` or `sweep`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The scenario file the directory came from, for its description (the outputs do
    /// not record it).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl From<ReportError> for CliError {
    fn from(e: ReportError) -> CliError {
        match e {
            ReportError::Load(e) => CliError::Usage(e.to_string()),
            ReportError::Io { path, source } => CliError::Output { path, source },
            ReportError::Draw { .. } => CliError::Output {
                path: PathBuf::from("report.html"),
                source: std::io::Error::other(e.to_string()),
            },
        }
    }
}

pub fn run(args: &ReportArgs) -> Result<(), CliError> {
    if !args.dir.is_dir() {
        return Err(CliError::Usage(format!(
            "{}: no such directory; `ecsim report` takes the output directory of `ecsim run`, `compare` or `sweep`",
            args.dir.display()
        )));
    }
    let description = match &args.scenario {
        Some(path) if !path.is_file() => {
            return Err(CliError::Usage(format!(
                "--scenario {}: no such file",
                path.display()
            )));
        }
        Some(path) => report_html::scenario_description(path),
        None => None,
    };
    write(&args.dir, description.as_deref(), args.quiet)
}

/// Writes the report for a directory a subcommand just filled (`--report`).
pub fn after(dir: &Path, scenario: &Path, quiet: bool) -> Result<(), CliError> {
    write(
        dir,
        report_html::scenario_description(scenario).as_deref(),
        quiet,
    )
}

fn write(dir: &Path, description: Option<&str>, quiet: bool) -> Result<(), CliError> {
    let page = report_html::write(dir, description)?;
    if !quiet {
        eprintln!("  report in {}", page.display());
    }
    Ok(())
}
