//! Python values into TOML: a scenario built as a dict, and the values of `set=` and
//! `vary=`. Checked as they are walked (types, integer range, depth), so nothing a caller
//! passes reaches the scenario loader in a shape TOML cannot hold.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// Deeper than any scenario (the deepest field is about six levels down); a bound also
/// keeps a self-containing list from recursing for ever.
pub const MAX_DEPTH: usize = 32;

/// Why a value cannot be written as TOML.
pub enum ConvertError {
    /// Python-level misuse: a type TOML has no counterpart for, a key that is not a str.
    Type(String),
    /// A value TOML can hold in kind but not in size, or nesting beyond [`MAX_DEPTH`]:
    /// reported as a scenario error at `field`.
    Value { field: String, message: String },
}

fn at(field: &str) -> String {
    if field.is_empty() {
        "the scenario".to_string()
    } else {
        format!("field `{field}`")
    }
}

/// `obj` as a TOML value; `field` is its dotted path, for errors.
pub fn to_toml(
    obj: &Bound<'_, PyAny>,
    field: &str,
    depth: usize,
) -> Result<toml::Value, ConvertError> {
    if depth > MAX_DEPTH {
        return Err(ConvertError::Value {
            field: field.to_string(),
            message: format!(
                "nested more than {MAX_DEPTH} levels deep (a list or dict that contains itself?)"
            ),
        });
    }
    // bool before int: Python's True is an int too.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(toml::Value::Boolean(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return match obj.extract::<i64>() {
            Ok(i) => Ok(toml::Value::Integer(i)),
            Err(_) => Err(ConvertError::Value {
                field: field.to_string(),
                message: format!(
                    "{} is beyond a scenario's integer range (-9223372036854775808 to 9223372036854775807)",
                    obj.str().map(|s| s.to_string()).unwrap_or_default()
                ),
            }),
        };
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(toml::Value::Float(f.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow().map_err(|_| {
            ConvertError::Type(format!(
                "{}: the string is not valid Unicode text (it holds a lone surrogate)",
                at(field)
            ))
        })?;
        return Ok(toml::Value::String(text.into_owned()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut table = toml::map::Map::new();
        for (k, v) in d.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(ConvertError::Type(format!(
                    "{}: key {} is a {}; scenario keys are strings",
                    at(field),
                    k.repr().map(|r| r.to_string()).unwrap_or_default(),
                    type_name(&k)
                )));
            };
            let key = key.to_cow().map_err(|_| {
                ConvertError::Type(format!("{}: a key is not valid Unicode text", at(field)))
            })?;
            let path = if field.is_empty() {
                key.to_string()
            } else {
                format!("{field}.{key}")
            };
            table.insert(key.to_string(), to_toml(&v, &path, depth + 1)?);
        }
        return Ok(toml::Value::Table(table));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in obj
            .try_iter()
            .map_err(|e| ConvertError::Type(e.to_string()))?
            .enumerate()
        {
            let item = item.map_err(|e| ConvertError::Type(e.to_string()))?;
            items.push(to_toml(&item, &format!("{field}[{i}]"), depth + 1)?);
        }
        return Ok(toml::Value::Array(items));
    }
    let hint = if obj.is_none() {
        "None has no counterpart in a scenario; leave the key out for its default"
    } else {
        "a scenario value is a str, int, float, bool, list or dict"
    };
    Err(ConvertError::Type(format!(
        "{}: {} is a {}; {hint}",
        at(field),
        obj.repr().map(|r| r.to_string()).unwrap_or_default(),
        type_name(obj)
    )))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "value".to_string())
}

/// A `set=`/`vary=` value as `--set` takes it: a str as written (TOML syntax, else plain
/// text, as on the command line), anything else as its TOML literal.
pub fn literal(obj: &Bound<'_, PyAny>, field: &str) -> Result<String, ConvertError> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_cow().map(|t| t.into_owned()).map_err(|_| {
            ConvertError::Type(format!(
                "{}: the value is not valid Unicode text",
                at(field)
            ))
        });
    }
    let value = to_toml(obj, field, 0)?;
    Ok(inline(&value))
}

/// A TOML value on one line: tables inline.
pub fn inline(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(t) => {
            let fields: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{} = {}", key(k), inline(v)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        toml::Value::Array(a) => {
            let items: Vec<String> = a.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// A key bare when TOML allows it, quoted otherwise.
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        toml::Value::String(k.to_string()).to_string()
    }
}
