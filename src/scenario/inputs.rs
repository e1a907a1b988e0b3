//! The read phase of loading: every file a scenario names besides itself is read here,
//! before anything is resolved, so `resolve/` is a pure function of the parsed file and
//! what was read (`tests/it/layers.rs` checks that nothing under `resolve/` touches a file).
//!
//! Two reads happen elsewhere, each for a reason: imported task-definition JSON is read
//! while parsing (`td_import`), because `--set` may override a field it brings in; and a
//! trace is streamed row by row while it is expanded (`trace`), because a trace can be far
//! larger than the tasks it contributes, and the task limit must bound memory as it reads.

use super::error::FieldError;
use super::file::{DemandFile, ScenarioFile};
use super::io_words;
use super::trace::{self, Expanded};
use crate::catalog::PriceCatalog;
use std::path::{Path, PathBuf};

/// What the read phase hands to resolution.
pub(super) struct ReadInputs {
    /// Every file read, so a sweep's resume can tell when one of them changed.
    pub paths: Vec<PathBuf>,
    pub traces: Expanded,
    pub prices: PriceCatalog,
}

/// Reads the demand CSVs into `file`, expands its traces and reads its price file, with
/// paths relative to `base` (the scenario's folder). `imported` (the task-definition JSON
/// files parsing read) keeps its place in `paths`, whose order a sweep's fingerprint hashes.
/// An error names the field whose file could not be read.
pub(super) fn read_all(
    file: &mut ScenarioFile,
    base: &Path,
    imported: Vec<PathBuf>,
    trace_task_limit: Option<u64>,
) -> Result<ReadInputs, FieldError> {
    let mut paths = read_demand_csvs(file, base)?;
    paths.extend(imported);
    for t in &file.traces {
        paths.push(base.join(&t.path));
        paths.extend(t.nodes.as_ref().map(|n| base.join(n)));
    }
    let traces = trace::expand(file, base, trace_task_limit)?;
    let prices = match &file.prices {
        None => PriceCatalog::builtin(),
        Some(rel) => {
            let price_path = base.join(rel);
            paths.push(price_path.clone());
            read_prices(&price_path)?
        }
    };
    Ok(ReadInputs {
        paths,
        traces,
        prices,
    })
}

fn read_prices(price_path: &Path) -> Result<PriceCatalog, FieldError> {
    let text = std::fs::read_to_string(price_path).map_err(|e| {
        FieldError::new(
            "prices",
            format!(
                "cannot read price file {}: {}",
                price_path.display(),
                io_words(&e)
            ),
        )
    })?;
    PriceCatalog::from_toml_str(&text).map_err(|e| {
        FieldError::new(
            "prices",
            format!("price file {}: {e}", price_path.display()),
        )
    })
}

/// Reads every demand CSV into the file's description; returns the paths read.
fn read_demand_csvs(file: &mut ScenarioFile, base: &Path) -> Result<Vec<PathBuf>, FieldError> {
    let mut read = Vec::new();
    for (i, s) in file.services.iter_mut().enumerate() {
        let slots = [
            (format!("services[{i}].demand"), s.demand.as_mut()),
            (
                format!("services[{i}].memory_demand"),
                s.memory_demand.as_mut(),
            ),
            (
                format!("services[{i}].queue.arrival"),
                s.queue.as_mut().and_then(|q| q.arrival.as_mut()),
            ),
        ];
        for (at, d) in slots {
            if let Some(DemandFile::Csv { path, text }) = d {
                let full = base.join(&*path);
                *text = Some(std::fs::read_to_string(&full).map_err(|e| {
                    FieldError::new(
                        format!("{at}.path"),
                        format!("cannot read {}: {}", full.display(), io_words(&e)),
                    )
                })?);
                read.push(full);
            }
        }
    }
    Ok(read)
}
