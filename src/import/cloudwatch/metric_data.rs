//! `aws cloudwatch get-metric-data` output: `{"MetricDataResults": [{"Id", "Label",
//! "Timestamps", "Values", "StatusCode", "Messages"}], "NextToken", "Messages"}`.
//!
//! One file may hold several such documents one after another (pages appended with `>>`),
//! and one document may list the same `Id` more than once (the CLI's own pagination joins
//! the pages' lists): every piece with the same `Id` is one series.

use super::{Origin, Point, Series, timestamp};
use crate::import::fields::{LeftOut, Obj, Source};
use crate::import::json::{Spans, parse};
use crate::scenario::ScenarioError;
use crate::scenario::locate::line_col;
use serde_json::Value;
use std::path::Path;

const TOP_KEYS: &[&str] = &["MetricDataResults", "NextToken", "Messages"];
const RESULT_KEYS: &[&str] = &["Id", "Label", "Timestamps", "Values", "StatusCode"];

/// Appends the series of every document in `text` (the file at `path`) to `out`, merging
/// pieces with an `Id` already seen; notes (partial data, CloudWatch's messages) go to
/// `notes`.
pub fn read(
    input: usize,
    path: &Path,
    text: &str,
    out: &mut Vec<Series>,
    notes: &mut Vec<String>,
) -> Result<(), ScenarioError> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut start = skip_ws(text, 0);
    let mut documents = 0;
    while start < text.len() {
        let doc = match stream.next() {
            Some(Ok(doc)) => doc,
            // Parse the rest on its own so the syntax error carries its own position.
            Some(Err(_)) | None => {
                let e = parse(&text[start..], path).expect_err("the stream failed here");
                return Err(shift(e, text, start));
            }
        };
        let end = stream.byte_offset();
        let spans = Spans::default();
        let src = Source {
            file: path,
            text: &text[start..end],
            spans: &spans,
        };
        let at = At {
            input,
            doc_start: start,
        };
        read_document(src, at, &doc, out, notes).map_err(|e| shift(e, text, start))?;
        documents += 1;
        start = skip_ws(text, end);
    }
    if documents == 0 {
        return Err(ScenarioError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            field: String::new(),
            message: "the file is empty".into(),
            allowed: Some(SHAPE.into()),
        });
    }
    Ok(())
}

const SHAPE: &str = "the JSON `aws cloudwatch get-metric-data` prints: {\"MetricDataResults\": [{\"Id\", \"Label\", \"Timestamps\", \"Values\", \"StatusCode\"}], ...}";

fn skip_ws(text: &str, from: usize) -> usize {
    text[from..]
        .find(|c: char| !c.is_whitespace())
        .map_or(text.len(), |i| from + i)
}

/// Where a document sits: which input file, and its first byte.
#[derive(Clone, Copy)]
struct At {
    input: usize,
    doc_start: usize,
}

/// Moves an error located within the document starting at byte `start` to its place in
/// the whole file.
pub fn shift(mut e: ScenarioError, text: &str, start: usize) -> ScenarioError {
    let (line0, col0) = line_col(text, start);
    if let Some(line) = e.line {
        if line == 1 {
            e.column = e.column.map(|c| c + col0 - 1);
        }
        e.line = Some(line + line0 - 1);
    }
    e
}

fn read_document(
    src: Source<'_>,
    at: At,
    doc: &Value,
    out: &mut Vec<Series>,
    notes: &mut Vec<String>,
) -> Result<(), ScenarioError> {
    let top = Obj::new(src, "", doc).map_err(|e| ScenarioError {
        allowed: Some(SHAPE.into()),
        ..e
    })?;
    if top.get("MetricDataResults").is_none() {
        return Err(ScenarioError {
            allowed: Some(SHAPE.into()),
            ..src.error("", "no `MetricDataResults`: not get-metric-data output")
        });
    }
    top.check(TOP_KEYS, &[], &mut Vec::new())?;
    messages(&top, "Messages", notes)?;
    for (result, (path, v)) in top.array("MetricDataResults")?.into_iter().enumerate() {
        let r = Obj::new(src, &path, v)?;
        read_result(r, at, result, out, notes)?;
    }
    Ok(())
}

fn messages(obj: &Obj<'_>, key: &str, notes: &mut Vec<String>) -> Result<(), ScenarioError> {
    for (path, m) in obj.array(key)? {
        let m = Obj::new(obj.src, &path, m)?;
        m.check(&["Code", "Value"], &[], &mut Vec::new())?;
        notes.push(format!(
            "{}: CloudWatch says {}: {}",
            obj.src.file.display(),
            m.str("Code")?.unwrap_or("(no code)"),
            m.str("Value")?.unwrap_or("")
        ));
    }
    Ok(())
}

fn read_result(
    r: Obj<'_>,
    at: At,
    result: usize,
    out: &mut Vec<Series>,
    notes: &mut Vec<String>,
) -> Result<(), ScenarioError> {
    r.check(
        RESULT_KEYS,
        &[LeftOut {
            keys: &["Messages"],
            why: "read as notes",
        }],
        &mut Vec::new(),
    )?;
    let id = r
        .str("Id")?
        .ok_or_else(|| r.src.error(r.path, "a result without an `Id`"))?
        .to_string();
    let label = r.str("Label")?.unwrap_or(&id).to_string();
    match r.str("StatusCode")? {
        None | Some("Complete") => {}
        Some("PartialData") => notes.push(format!(
            "{}: `{id}` is PartialData: CloudWatch had more datapoints; pass every page (each NextToken's output)",
            r.src.file.display()
        )),
        Some(code @ ("InternalError" | "Forbidden")) => {
            return Err(r.src.error(
                &r.field("StatusCode"),
                format!("CloudWatch returned no usable data for `{id}` ({code}); fetch it again"),
            ));
        }
        Some(other) => {
            return Err(ScenarioError {
                allowed: Some("Complete, PartialData (InternalError and Forbidden carry no data)".into()),
                ..r.src.error(&r.field("StatusCode"), format!("unknown status `{other}`"))
            });
        }
    }
    messages(&r, "Messages", notes)?;
    let times = r.array("Timestamps")?;
    let values = r.array("Values")?;
    if times.len() != values.len() {
        return Err(r.src.error(
            &r.field("Values"),
            format!(
                "{} values for {} timestamps; CloudWatch pairs them one to one",
                values.len(),
                times.len()
            ),
        ));
    }
    let mut points = Vec::with_capacity(times.len());
    for (index, ((tpath, t), (vpath, v))) in times.into_iter().zip(values).enumerate() {
        let at_ms = match t {
            Value::String(s) => timestamp::parse(s),
            Value::Number(n) => timestamp::parse(&n.to_string()),
            _ => Err("a timestamp must be text or a number".into()),
        }
        .map_err(|m| ScenarioError {
            allowed: Some(timestamp::ALLOWED.into()),
            ..r.src.error(&tpath, m)
        })?;
        let value = v.as_f64().ok_or_else(|| ScenarioError {
            allowed: Some("a number, 0 or more".into()),
            ..r.src.error(&vpath, format!("`{v}` is not a number"))
        })?;
        if value < 0.0 {
            return Err(ScenarioError {
                allowed: Some(
                    "0 or more: CPUUtilization and RequestCount are never negative".into(),
                ),
                ..r.src.error(&vpath, format!("negative value {value}"))
            });
        }
        points.push(Point {
            at_ms,
            value,
            origin: Origin::Json {
                input: at.input,
                doc_start: at.doc_start,
                result,
                index,
            },
        });
    }
    match out.iter_mut().find(|s| s.id == id) {
        Some(s) => s.points.extend(points),
        None => out.push(Series { id, label, points }),
    }
    Ok(())
}
