//! The CloudWatch console's CSV download of a graph: a header row, a time column first,
//! then one column per graphed metric named by its label; one row per timestamp, an empty
//! cell where a metric has no datapoint.
//!
//! AWS does not document this layout, so the reader takes what the shape implies and no
//! more: any name for the time column, the timestamp forms `timestamp` accepts, and rows
//! in any order.

use super::{Origin, Point, Series, timestamp};
use crate::scenario::ScenarioError;
use std::path::Path;

const SHAPE: &str = "a header row (time column, then one column per metric), then rows such as `2024-05-06T10:00:00Z,42.5`";

/// Appends one series per value column of the CSV `text` (the file at `path`) to `out`;
/// a column whose label is already a series (from an earlier file) adds to it.
pub fn read(
    input: usize,
    path: &Path,
    text: &str,
    out: &mut Vec<Series>,
) -> Result<(), ScenarioError> {
    let error =
        |line: Option<usize>, field: &str, message: String, allowed: Option<&str>| ScenarioError {
            file: path.to_path_buf(),
            line,
            column: None,
            field: field.to_string(),
            message,
            allowed: allowed.map(str::to_string),
        };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    let mut columns: Vec<usize> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            // In the user's words: the csv crate's own text names its internals.
            let what = match e.kind() {
                csv::ErrorKind::Utf8 { .. } => "not UTF-8 text",
                _ => "not a CSV row",
            };
            error(line, "", what.into(), Some(SHAPE))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let Some(names) = &header else {
            if record.len() < 2 {
                return Err(error(
                    Some(line),
                    "",
                    "the header row needs a time column and at least one metric column".into(),
                    Some(SHAPE),
                ));
            }
            let names: Vec<String> = record
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    if n.is_empty() {
                        format!("column {}", i + 1)
                    } else {
                        n.to_string()
                    }
                })
                .collect();
            if timestamp::parse(&names[0]).is_ok() {
                return Err(error(
                    Some(line),
                    "",
                    "the first row is data, not a header".into(),
                    Some(SHAPE),
                ));
            }
            for name in &names[1..] {
                let at = match out.iter().position(|s| &s.label == name) {
                    Some(at) => at,
                    None => {
                        out.push(Series {
                            id: name.clone(),
                            label: name.clone(),
                            points: Vec::new(),
                        });
                        out.len() - 1
                    }
                };
                columns.push(at);
            }
            header = Some(names);
            continue;
        };
        if record.len() != names.len() {
            return Err(error(
                Some(line),
                "",
                format!(
                    "{} fields where the header has {}",
                    record.len(),
                    names.len()
                ),
                Some(SHAPE),
            ));
        }
        let at_ms = timestamp::parse(&record[0])
            .map_err(|m| error(Some(line), &names[0], m, Some(timestamp::ALLOWED)))?;
        for (k, cell) in record.iter().enumerate().skip(1) {
            if cell.is_empty() {
                continue; // no datapoint for this metric at this time
            }
            let value: f64 = cell
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    error(
                        Some(line),
                        &names[k],
                        format!("`{cell}` is not a number"),
                        Some("a number, 0 or more, or an empty cell for no datapoint"),
                    )
                })?;
            if value < 0.0 {
                return Err(error(
                    Some(line),
                    &names[k],
                    format!("negative value {value}"),
                    Some("0 or more: CPUUtilization and RequestCount are never negative"),
                ));
            }
            out[columns[k - 1]].points.push(Point {
                at_ms,
                value,
                origin: Origin::Csv {
                    input,
                    line,
                    column: k,
                },
            });
        }
    }
    if header.is_none() {
        return Err(error(None, "", "the file is empty".into(), Some(SHAPE)));
    }
    Ok(())
}
