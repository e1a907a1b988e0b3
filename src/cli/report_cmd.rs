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
    /// How sharp the PNG charts are, in dots per inch: 96 draws them 960 pixels wide, the
    /// default 192 twice that, for high-density screens and slides (48 to 576). The SVG
    /// charts and the page do not change.
    #[arg(long, value_name = "DPI", default_value_t = ecsim::charts::DEFAULT_DPI,
          value_parser = clap::value_parser!(u32).range(48..=576))]
    pub dpi: u32,
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
    write(&args.dir, description.as_deref(), args.dpi, args.quiet)
}

/// Writes the report for a directory a subcommand just filled (`--report`).
pub fn after(dir: &Path, scenario: &Path, quiet: bool) -> Result<(), CliError> {
    write(
        dir,
        report_html::scenario_description(scenario).as_deref(),
        ecsim::charts::DEFAULT_DPI,
        quiet,
    )
}

fn write(dir: &Path, description: Option<&str>, dpi: u32, quiet: bool) -> Result<(), CliError> {
    let page = report_html::write(dir, description, dpi)?;
    if !quiet {
        eprintln!("  report in {}", page.display());
    }
    Ok(())
}
