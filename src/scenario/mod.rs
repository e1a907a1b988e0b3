//! Scenario files: TOML in, a validated [`SimConfig`] out, or an error naming the file,
//! line, field and what is allowed.

mod checks;
pub mod duration;
pub mod ecs_json;
mod error;
mod estimate;
pub mod file;
mod inputs;
mod io_words;
pub mod locate;
pub mod overrides;
mod resolve;

mod td_import;
pub mod trace;
mod wording;

pub use error::{FieldError, ScenarioError};
pub use estimate::{RunFiles, SizeLimits, WorkEstimate, amount, estimate};
pub use io_words::io_words;
pub use resolve::managed_instances::default_provider as managed_instances_provider;

use crate::catalog::PriceCatalog;
use crate::model::SimConfig;
use crate::placement::policies::PolicyRegistry;
use std::path::{Path, PathBuf};

/// A loaded scenario: its runtime config and where it came from.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The scenario file it was read from.
    pub path: PathBuf,
    /// The validated settings the simulation runs with.
    pub config: SimConfig,
    /// Every file the scenario made us read besides itself (price file, demand CSVs), so a
    /// sweep's resume can tell when one of them changed.
    pub inputs: Vec<PathBuf>,
    /// The catalog the config was priced from (the `prices` file, `--set` applied, or the
    /// built-in one): a search over instance types must price candidates the same way.
    pub prices: PriceCatalog,
    /// What loading decided for the user to know, e.g. how many trace rows were turned away.
    pub notes: Vec<String>,
    /// A teaching scenario's `[lesson]` text, for its replay page.
    pub lesson: Option<file::LessonFile>,
}

/// What a load may refuse before it has read everything, and what it knows beyond the file.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions<'p> {
    /// The most tasks the scenario's traces may replay together: a trace past it is
    /// refused at the row that passes it, before the rest is read (`ecsim` passes
    /// [`SizeLimits::tasks`] unless `--allow-large`). None reads traces of any length.
    pub trace_task_limit: Option<u64>,
    /// The placement policies `{ type = "policy", name }` rules may name: yours registered
    /// beside the shipped ones. None: the shipped ones ([`PolicyRegistry::builtin`]).
    pub policies: Option<&'p PolicyRegistry>,
}

/// Reads and validates a scenario file, applying `--set` overrides first.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    load_with(path, overrides, LoadOptions::default())
}

/// [`load`], refusing early what `options` says and knowing the placement policies it
/// lists.
pub fn load_with(
    path: &Path,
    overrides: &[String],
    options: LoadOptions<'_>,
) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: path.to_path_buf(),
        line: None,
        column: None,
        field: String::new(),
        message: format!("cannot read the scenario: {}", io_words(&e)),
        allowed: None,
    })?;
    load_str_with(&text, path, overrides, options)
}

/// Like [`load`], from text already read; `path` names it in errors and anchors relative
/// paths (the price file).
pub fn load_str(text: &str, path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    load_str_with(text, path, overrides, LoadOptions::default())
}

/// [`load_with`], from text already read.
pub fn load_str_with(
    text: &str,
    path: &Path,
    overrides: &[String],
    options: LoadOptions<'_>,
) -> Result<Scenario, ScenarioError> {
    let at = |field: &str, message: String, allowed: Option<String>, from_set: bool| {
        let (line, column) = if from_set {
            (None, None)
        } else {
            locate::locate(text, field).map_or((None, None), |(l, c)| (Some(l), Some(c)))
        };
        ScenarioError {
            file: path.to_path_buf(),
            line,
            column,
            field: field.to_string(),
            message,
            allowed,
        }
    };
    let mut doc: toml::Value = toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| locate::line_col(text, s.start))
            .map_or((None, None), |(l, c)| (Some(l), Some(c)));
        ScenarioError {
            file: path.to_path_buf(),
            line,
            column,
            field: String::new(),
            message: format!("not valid TOML: {}", e.message()),
            allowed: None,
        }
    })?;
    // Before `--set`, so an override can change an imported task definition.
    let imported = td_import::expand(&mut doc, path.parent().unwrap_or(Path::new("."))).map_err(
        |e| match e {
            td_import::ImportError::Field(e) => at(&e.field, e.message, e.allowed, false),
            td_import::ImportError::Json(mut e, field) => {
                let line = locate::locate(text, &field).map(|(l, _)| format!(":{l}"));
                e.message = format!(
                    "{} (imported by {}{}, field `{field}`)",
                    e.message,
                    path.display(),
                    line.unwrap_or_default()
                );
                e
            }
        },
    )?;
    for assignment in overrides {
        overrides::apply(&mut doc, assignment).map_err(|e| {
            at(
                &e.field,
                format!("--set {assignment}: {}", e.message),
                e.allowed,
                true,
            )
        })?;
    }
    let set_fields: Vec<String> = overrides
        .iter()
        .filter_map(|a| a.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect();
    let file: file::ScenarioFile = serde_path_to_error::deserialize(doc).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { String::new() } else { field };
        let message = wording::plain(&e.inner().to_string());
        match overrides.iter().find(|a| overrides::wrote(a, &field)) {
            Some(assignment) => at(&field, format!("--set {assignment}: {message}"), None, true),
            None => at(&field, message, None, false),
        }
    })?;
    validate(
        file,
        path,
        imported.inputs,
        imported.notes,
        &set_fields,
        options,
        &at,
    )
}

/// A scenario built in code (no TOML text), validated by the same rules as a file:
/// `path` names it in errors (which carry no line numbers) and anchors relative paths.
pub fn from_file(file: file::ScenarioFile, path: &Path) -> Result<Scenario, ScenarioError> {
    let at =
        |field: &str, message: String, allowed: Option<String>, _from_set: bool| ScenarioError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            field: field.to_string(),
            message,
            allowed,
        };
    validate(
        file,
        path,
        Vec::new(),
        Vec::new(),
        &[],
        LoadOptions::default(),
        &at,
    )
}

type Locator<'a> = dyn Fn(&str, String, Option<String>, bool) -> ScenarioError + 'a;

/// Everything after parsing: the read phase (`inputs`), then the pure resolution into a
/// config (`resolve`) and its checks.
fn validate(
    mut file: file::ScenarioFile,
    path: &Path,
    imported_inputs: Vec<PathBuf>,
    imported_notes: Vec<String>,
    set_fields: &[String],
    options: LoadOptions<'_>,
    at: &Locator<'_>,
) -> Result<Scenario, ScenarioError> {
    let base = path.parent().unwrap_or(Path::new("."));
    let read = inputs::read_all(&mut file, base, imported_inputs, options.trace_task_limit)
        .map_err(|e| at(&e.field, e.message, e.allowed, false))?;
    let inputs = read.paths;
    let mut traces = read.traces;
    let prices = read.prices;
    let mut notes = imported_notes;
    notes.append(&mut traces.notes);
    let default_name = path.file_stem().map_or_else(
        || "scenario".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let located = |e: FieldError| {
        let e = traces.origins.relocate(e);
        let from_set = set_fields.iter().any(|f| e.field.starts_with(f.as_str()));
        at(&e.field, e.message, e.allowed, from_set)
    };
    let shipped;
    let policies = match options.policies {
        Some(registry) => registry,
        None => {
            shipped = PolicyRegistry::builtin();
            &shipped
        }
    };
    let lesson = file.lesson.take();
    let mut config =
        resolve::sim_config(file, &default_name, &prices, policies).map_err(located)?;
    config.warnings = checks::check(&config).map_err(located)?;
    let unplaceable = traces.origins.unplaceable(&config);
    config.warnings.extend(unplaceable);
    Ok(Scenario {
        path: path.to_path_buf(),
        config,
        inputs,
        prices,
        notes,
        lesson,
    })
}
