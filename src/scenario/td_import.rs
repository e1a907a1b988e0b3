//! `[[taskDefinitions]] import = "td.json"`: a task definition read from the JSON AWS prints
//! (`describe-task-definition`) or accepts (`register-task-definition`), so a re-export needs
//! no re-import.
//!
//! Done on the TOML document before it is typed, so an imported entry is validated exactly
//! as an inline one. Keys written beside `import` override the imported ones (e.g. the
//! simulator-only `image_size_mb`). The health check and placement constraints ECS keeps on
//! the task definition go to the services using it, as `ecsim import` writes them: a
//! service's own `healthCheck` wins; constraints are merged, as ECS merges them.

use super::ScenarioError;
use super::ecs_json;
use super::error::FieldError;
use std::path::{Path, PathBuf};
use toml::Value;

/// What expanding the imports found: the JSON files read, and a note per import.
#[derive(Default)]
pub struct Expanded {
    pub inputs: Vec<PathBuf>,
    pub notes: Vec<String>,
}

/// A problem with the scenario's `import` field, or one inside the JSON it names.
pub enum ImportError {
    Field(FieldError),
    /// The error in the JSON file, and the scenario field that imported it.
    Json(ScenarioError, String),
}

/// Replaces every `import` entry of `taskDefinitions` in `doc` by the task definition it
/// names; `base` is the scenario's directory.
pub fn expand(doc: &mut Value, base: &Path) -> Result<Expanded, ImportError> {
    let mut out = Expanded::default();
    let Some(Value::Array(defs)) = doc.get_mut("taskDefinitions") else {
        return Ok(out);
    };
    let mut for_services = Vec::new();
    for (i, entry) in defs.iter_mut().enumerate() {
        let Some(table) = entry.as_table_mut() else {
            continue;
        };
        let Some(rel) = table.remove("import") else {
            continue;
        };
        let field = format!("taskDefinitions[{i}].import");
        let Value::String(rel) = rel else {
            return Err(ImportError::Field(
                FieldError::new(&field, "expected the path of a task definition JSON file")
                    .allowed("a path relative to the scenario file, e.g. \"td.json\""),
            ));
        };
        let path = base.join(&rel);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            ImportError::Field(FieldError::new(
                &field,
                format!("cannot read {}: {}", path.display(), super::io_words(&e)),
            ))
        })?;
        let imported = ecs_json::task_definition(&path, &text)
            .map_err(|e| ImportError::Json(e, field.clone()))?;
        let family = imported.def.family.clone();
        let Value::Table(mut merged) = serialized(&imported.def) else {
            unreachable!("a task definition serializes to a table")
        };
        for (k, v) in std::mem::take(table) {
            merged.insert(k, v);
        }
        *table = merged;
        out.notes.push(format!(
            "taskDefinitions[{i}]: `{family}` imported from {}{}",
            path.display(),
            match imported.notes.len() {
                0 => String::new(),
                n => format!(
                    " ({n} field{} not carried over; `ecsim import {rel}` lists them)",
                    if n == 1 { "" } else { "s" }
                ),
            }
        ));
        out.inputs.push(path);
        for_services.push((family, imported.health_check, imported.constraints));
    }
    let Some(Value::Array(services)) = doc.get_mut("services") else {
        return Ok(out);
    };
    for service in services.iter_mut().filter_map(Value::as_table_mut) {
        let Some(uses) = service.get("taskDefinition").and_then(Value::as_str) else {
            continue;
        };
        let uses = uses.split(':').next().unwrap_or_default().to_string();
        for (family, health_check, constraints) in &for_services {
            if *family != uses {
                continue;
            }
            if let Some(hc) = health_check {
                if !service.contains_key("healthCheck") {
                    service.insert("healthCheck".into(), serialized(hc));
                }
            }
            if !constraints.is_empty() {
                let list = service
                    .entry("placementConstraints")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = list {
                    list.extend(constraints.iter().map(serialized));
                }
            }
        }
    }
    Ok(out)
}

fn serialized<T: serde::Serialize>(value: &T) -> Value {
    Value::try_from(value).expect("scenario file types serialize to TOML")
}
