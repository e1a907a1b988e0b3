//! ECS's JSON as the scenario reads it: a task definition as `describe-task-definition`
//! prints it or `register-task-definition` takes it, for `[[taskDefinitions]] import =
//! "td.json"`. `ecsim import` builds on the same readers for whole clusters; they live
//! here, below it, because loading a scenario needs them.

pub mod fields;
pub mod json;
pub mod task_def;

use super::ScenarioError;
use fields::{LeftOut, Obj, Source};
use json::Spans;
use std::fmt;
use std::path::{Path, PathBuf};

/// A field the scenario does not carry over, or a value it had to assume.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The JSON file the field is in.
    pub file: PathBuf,
    /// The field's line in that file, 1-based, when it could be found.
    pub line: Option<usize>,
    /// The field's JSON path, e.g. `containerDefinitions[0].links`.
    pub field: String,
    /// Why it was left out, or what was assumed in its place.
    pub reason: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", one_line(&self.file.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: {}", one_line(&self.field), one_line(&self.reason))
    }
}

/// `text` on one line: control characters (a newline in a name) written as escapes, so
/// text from the input cannot end a comment and start a live line of a generated file
/// (issue 32, item 19), nor break a note in two.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// One task definition read for a scenario's `[[taskDefinitions]] import = "..."` entry:
/// the entry, the health check and placement constraints ECS keeps on the task definition
/// (ecsim keeps them on the services using it), and the fields not carried over.
pub struct TaskDefinitionImport {
    /// The scenario's `[[taskDefinitions]]` entry.
    pub def: super::file::TaskDefinitionFile,
    /// The essential container's health check, for the services using the task definition.
    pub health_check: Option<super::file::HealthCheckFile>,
    /// The task definition's placement constraints, for the services using it.
    pub constraints: Vec<super::file::PlacementConstraintFile>,
    /// The fields not carried over and the values assumed, each at its place in the JSON.
    pub notes: Vec<Note>,
}

const TASK_DEFINITION_SHAPES: &str = "describe-task-definition output ({\"taskDefinition\": ...}) or register-task-definition input ({\"family\", \"containerDefinitions\"})";

/// Reads one task definition from `text` (the JSON file at `path`), as `ecsim import` does.
pub fn task_definition(path: &Path, text: &str) -> Result<TaskDefinitionImport, ScenarioError> {
    let spans = Spans::default();
    let src = Source {
        file: path,
        text,
        spans: &spans,
    };
    let doc = json::parse(text, path)?;
    let not_one = || ScenarioError {
        allowed: Some(TASK_DEFINITION_SHAPES.into()),
        ..src.error("", "not a task definition")
    };
    let top = Obj::new(src, "", &doc).map_err(|_| not_one())?;
    let mut notes = Vec::new();
    let td = if top.get("taskDefinition").is_some() && top.get("serviceName").is_none() {
        top.check(
            &["taskDefinition"],
            &[LeftOut {
                keys: &["tags"],
                why: "no effect on placement, capacity or timing in ecsim",
            }],
            &mut notes,
        )?;
        let td = Obj::new(src, "taskDefinition", &top.map["taskDefinition"])?;
        task_def::import(td, &mut notes)?
    } else if top.get("containerDefinitions").is_some() {
        task_def::import(top, &mut notes)?
    } else {
        return Err(not_one());
    };
    Ok(TaskDefinitionImport {
        def: td.def,
        health_check: td.health_check,
        constraints: td.constraints,
        notes,
    })
}
