//! `--set KEY=VALUE`: change any scenario field by its dotted path before the file is
//! interpreted, e.g. `services.web.desiredCount=8`, `cluster.pools[0].count=4`,
//! `jobs.batch.arrival.rate_per_hour=120`. A segment that names an array element may be
//! its index or the element's `name`/`family`.

use super::error::FieldError;
use toml::Value;

/// Applies one `KEY=VALUE` to the parsed document.
pub fn apply(doc: &mut Value, assignment: &str) -> Result<(), FieldError> {
    let (key, raw) = assignment.split_once('=').ok_or_else(|| {
        FieldError::new(assignment, "--set needs KEY=VALUE")
            .allowed("e.g. services.web.desiredCount=8")
    })?;
    let key = key.trim();
    let value = parse_value(raw.trim());
    let segments: Vec<&str> = key
        .split(['.', '[', ']'])
        .filter(|s| !s.is_empty())
        .collect();
    let Some((last, parents)) = segments.split_last() else {
        return Err(FieldError::new(key, "--set needs a field path before `=`"));
    };
    let mut node = doc;
    let mut walked = String::new();
    for segment in parents {
        node = child(node, segment, &walked)?;
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(segment);
    }
    match node {
        Value::Table(t) => {
            t.insert((*last).to_string(), value);
            Ok(())
        }
        Value::Array(items) => {
            let i = element_index(items, last, key)?;
            items[i] = value;
            Ok(())
        }
        _ => Err(FieldError::new(
            key,
            format!("`{walked}` is a single value, so it has no field `{last}`"),
        )),
    }
}

fn parse_value(raw: &str) -> Value {
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(raw.to_string()))
}

fn child<'v>(
    node: &'v mut Value,
    segment: &str,
    walked: &str,
) -> Result<&'v mut Value, FieldError> {
    let here = if walked.is_empty() {
        segment.to_string()
    } else {
        format!("{walked}.{segment}")
    };
    match node {
        Value::Table(t) => {
            let keys: Vec<String> = t.keys().cloned().collect();
            t.get_mut(segment).ok_or_else(|| {
                FieldError::new(here, "no such field in the scenario").allowed(keys.join(", "))
            })
        }
        Value::Array(items) => {
            let i = element_index(items, segment, &here)?;
            Ok(&mut items[i])
        }
        _ => Err(FieldError::new(here, "is a single value and has no fields")),
    }
}

fn element_index(items: &[Value], segment: &str, path: &str) -> Result<usize, FieldError> {
    if let Ok(i) = segment.parse::<usize>() {
        return if i < items.len() {
            Ok(i)
        } else {
            Err(FieldError::new(path, format!("index {i} is past the end"))
                .allowed(format!("0..{}", items.len().saturating_sub(1))))
        };
    }
    let name_of = |v: &Value| {
        ["name", "family"]
            .iter()
            .find_map(|k| v.get(k).and_then(Value::as_str))
            .map(str::to_string)
    };
    items
        .iter()
        .position(|v| name_of(v).as_deref() == Some(segment))
        .ok_or_else(|| {
            let names: Vec<String> = items.iter().filter_map(name_of).collect();
            FieldError::new(path, format!("no element named `{segment}`")).allowed(names.join(", "))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        toml::from_str(
            "horizon = \"1h\"\n[[services]]\nname = \"web\"\ndesiredCount = 2\n[cluster]\n[[cluster.pools]]\nname = \"p\"\ncount = 3\n",
        )
        .unwrap()
    }

    #[test]
    fn sets_by_name_index_and_new_key() {
        let mut d = doc();
        apply(&mut d, "services.web.desiredCount=8").unwrap();
        apply(&mut d, "cluster.pools[0].count=5").unwrap();
        apply(&mut d, "warmup=\"10m\"").unwrap();
        apply(&mut d, "seed=7").unwrap();
        assert_eq!(d["services"][0]["desiredCount"].as_integer(), Some(8));
        assert_eq!(d["cluster"]["pools"][0]["count"].as_integer(), Some(5));
        assert_eq!(d["warmup"].as_str(), Some("10m"));
        assert_eq!(d["seed"].as_integer(), Some(7));
    }

    #[test]
    fn bare_words_become_strings() {
        let mut d = doc();
        apply(&mut d, "cluster.pools.p.instance_type=m5.xlarge").unwrap();
        assert_eq!(
            d["cluster"]["pools"][0]["instance_type"].as_str(),
            Some("m5.xlarge")
        );
    }

    #[test]
    fn unknown_paths_say_what_exists() {
        let mut d = doc();
        let e = apply(&mut d, "services.api.desiredCount=1").unwrap_err();
        assert_eq!(e.allowed.as_deref(), Some("web"));
        assert!(apply(&mut d, "nonsense").is_err());
    }
}
