//! `ecsim import`: ECS JSON (what the AWS CLI prints and accepts) to a commented scenario.

use super::CliError;
use crate::import;
use crate::report::OutputDir;
use crate::scenario::ScenarioError;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// JSON files: `aws ecs describe-task-definition`, `describe-services`,
    /// `describe-capacity-providers` and `describe-clusters` output, or
    /// `register-task-definition` / `create-service` input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Write the scenario here [default: print it].
    #[arg(long, value_name = "SCENARIO.toml")]
    pub out: Option<PathBuf>,
}

pub fn run(args: &ImportArgs) -> Result<(), CliError> {
    let mut inputs = Vec::new();
    for path in &args.files {
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            file: path.clone(),
            line: None,
            column: None,
            field: String::new(),
            message: format!("cannot read the file: {e}"),
            allowed: None,
        })?;
        inputs.push((path.clone(), text));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("imported.toml"));
    let imported = import::import(&inputs, &out)?;
    let mut stderr = std::io::stderr().lock();
    for note in &imported.notes {
        let _ = writeln!(stderr, "not carried over: {note}");
    }
    let summary = format!(
        "imported {} task definition(s), {} service(s), {} pool(s); {} field(s) not carried over",
        imported.task_definitions,
        imported.services,
        imported.pools,
        imported.notes.len()
    );
    match &args.out {
        None => {
            let _ = writeln!(stderr, "{summary}");
            print!("{}", imported.text);
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path.file_name().map_or_else(
                || "imported.toml".to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let mut files = OutputDir::create(dir).map_err(CliError::output(dir))?;
            files
                .write(&name, imported.text.as_bytes())
                .map_err(CliError::output(path))?;
            files.commit().map_err(CliError::output(path))?;
            let _ = writeln!(stderr, "{summary}; wrote {}", path.display());
        }
    }
    Ok(())
}
