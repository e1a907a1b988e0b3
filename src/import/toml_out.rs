//! The imported scenario as TOML a person edits: serialized from the scenario file types,
//! then tidied (nothing empty, small nested tables inline, whole numbers without `.0`) and
//! commented with where each part came from and what was assumed. Values are escaped by the
//! serializer; every comment line goes through `one_line`, so text from the input (a name
//! with a newline in it) cannot end a comment and start a live line.

use super::{Comments, Note, one_line};
use crate::scenario::file::ScenarioFile;
use toml_edit::{DocumentMut, Item, Table, Value};

pub fn write(
    file: &ScenarioFile,
    comments: &Comments,
    sources: &[String],
    notes: &[Note],
) -> String {
    // The scenario types serialize to TOML by construction (strings, numbers, tables).
    let raw = toml::to_string(file).unwrap_or_default();
    let mut doc: DocumentMut = raw.parse().unwrap_or_default();
    tidy_table(doc.as_table_mut(), false);
    for (path, lines) in comments {
        if let Some(table) = table_at(&mut doc, path) {
            let text: String = lines
                .iter()
                .map(|l| format!("# {}\n", one_line(l)))
                .collect();
            table.decor_mut().set_prefix(format!("\n{text}"));
        }
    }
    let mut out = String::from("# Imported by `ecsim import` from:\n");
    for s in sources {
        out.push_str(&format!("#   {}\n", one_line(s)));
    }
    out.push_str(
        "# horizon and seed are ecsim's own; PLACEHOLDERS below need values from your account.\n",
    );
    if !notes.is_empty() {
        out.push_str("# Not carried over (see `ecsim import` output for file and line):\n");
        for n in notes {
            out.push_str(&format!(
                "#   {}: {}\n",
                one_line(&n.field),
                one_line(&n.reason)
            ));
        }
    }
    out.push('\n');
    out.push_str(doc.to_string().trim_end());
    out.push('\n');
    out
}

fn table_at<'d>(doc: &'d mut DocumentMut, path: &str) -> Option<&'d mut Table> {
    let (head, index) = path.strip_suffix(']')?.rsplit_once('[')?;
    let index: usize = index.parse().ok()?;
    let mut item = doc.as_item_mut();
    for key in head.split('.') {
        item = item.get_mut(key)?;
    }
    item.as_array_of_tables_mut()?.get_mut(index)
}

/// Drops empty values and default noise, inlines what sits
/// inside an array-of-tables entry, and writes whole floats as integers.
fn tidy_table(table: &mut Table, inside_entry: bool) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    for key in keys {
        let Some(item) = table.get_mut(&key) else {
            continue;
        };
        match item {
            Item::Table(t) => {
                tidy_table(t, inside_entry);
                if t.is_empty() {
                    table.remove(&key);
                } else if inside_entry {
                    let inline = std::mem::take(t).into_inline_table();
                    *item = Item::Value(Value::InlineTable(inline));
                }
            }
            Item::ArrayOfTables(a) => {
                for t in a.iter_mut() {
                    tidy_table(t, true);
                }
                if a.is_empty() {
                    table.remove(&key);
                } else if inside_entry {
                    let array = std::mem::take(a).into_array();
                    *item = Item::Value(Value::Array(array));
                }
            }
            Item::Value(v) => {
                if tidy_value(v) || is_default_noise(&key, v) {
                    table.remove(&key);
                }
            }
            Item::None => {}
        }
    }
    table.fmt();
}

/// Returns true when the value says nothing (an empty array or table, a default-false switch).
fn tidy_value(v: &mut Value) -> bool {
    match v {
        Value::String(s) if s.value().chars().any(char::is_control) => {
            // Parsed back from its own escaped text, the value keeps that text as its repr.
            if let Ok(single) = basic_string(s.value()).parse::<Value>() {
                *v = single;
            }
            false
        }
        Value::Float(f) => {
            let x = *f.value();
            if x.fract() == 0.0 && x.abs() < 1e15 {
                *v = Value::from(x as i64);
            }
            false
        }
        Value::Array(a) => {
            a.iter_mut().for_each(|x| {
                tidy_value(x);
            });
            a.is_empty()
        }
        Value::InlineTable(t) => {
            let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
            for k in keys {
                if t.get_mut(&k)
                    .is_some_and(|x| tidy_value(x) || is_default_noise(&k, x))
                {
                    t.remove(&k);
                }
            }
            t.is_empty()
        }
        _ => false,
    }
}

/// Simulator-only settings the scenario types always serialize, at their defaults: noise in
/// an imported file. (Not every `false` is a default: `managed_termination_protection`
/// defaults to true.)
fn is_default_noise(key: &str, v: &Value) -> bool {
    match key {
        "spot" | "awsvpc_trunking" | "instant" => v.as_bool() == Some(false),
        "reserved_memory_mib" => v.as_integer() == Some(0),
        _ => false,
    }
}

/// `text` as a TOML basic string on one line. The serializer writes a string holding a
/// newline as a multi-line string, whose lines a person or a line-based tool reads as keys
/// (issue 32, item 19: a family `"web\nwarmup = \"50m\"\n#"`).
fn basic_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_on_one_line() {
        // Each escape by hand from TOML 1.0's table of basic-string escapes.
        assert_eq!(
            basic_string("a\nb = \"1\"\r\t\\\u{1b}\u{7f}"),
            r#""a\nb = \"1\"\r\t\\\u001B\u007F""#
        );
        let value: Value = basic_string("web\nwarmup = \"50m\"\n#").parse().unwrap();
        assert_eq!(value.as_str(), Some("web\nwarmup = \"50m\"\n#"));
        assert!(!value.to_string().contains('\n'));
    }
}
