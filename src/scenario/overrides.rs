//! `--set KEY=VALUE`: change any scenario field by its dotted path before the file is
//! interpreted, e.g. `services.web.desiredCount=8`, `cluster.pools[0].count=4`,
//! `jobs.batch.arrival.rate_per_hour=120`. A segment that names an array element may be
//! its index or the element's `name`/`family`. A table the file leaves out (`[fargate]`,
//! `[timing]`, a service's `auto_scaling`) is created, as writing it into the file would;
//! whether the field belongs there is for the scenario's own reading to say, with the
//! fields it allows.

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
    for (i, segment) in parents.iter().enumerate() {
        let next = segments[i + 1];
        node = child(node, segment, next, &walked)?;
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

/// Whether the `--set` `assignment` wrote `field` (a dotted path as errors name it) or
/// the table holding it, or wrote inside `field`: an error there is the override's.
pub fn wrote(assignment: &str, field: &str) -> bool {
    use super::locate::parse_path;
    let Some((key, _)) = assignment.split_once('=') else {
        return false;
    };
    let set = parse_path(key.trim());
    let at = parse_path(field);
    let shared = set.iter().zip(&at).take_while(|(a, b)| a == b).count();
    !at.is_empty() && !set.is_empty() && shared == set.len().min(at.len())
}

fn parse_value(raw: &str) -> Value {
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(raw.to_string()))
}

/// The value at `segment` below `node`, on the way to `next`.
fn child<'v>(
    node: &'v mut Value,
    segment: &str,
    next: &str,
    walked: &str,
) -> Result<&'v mut Value, FieldError> {
    let here = if walked.is_empty() {
        segment.to_string()
    } else {
        format!("{walked}.{segment}")
    };
    match node {
        Value::Table(t) => {
            if !t.contains_key(segment) && next.parse::<usize>().is_ok() {
                // An element needs its other fields too: it belongs in the file.
                return Err(FieldError::new(
                    here,
                    format!("the scenario has no `{segment}`, so no element {next} to change"),
                )
                .allowed(format!(
                    "--set changes the elements the file has; add `{segment}` to the file"
                )));
            }
            Ok(t.entry(segment)
                .or_insert_with(|| Value::Table(toml::Table::new())))
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

    /// A valid scenario with no `[fargate]`, `[timing]` or `commitments`.
    const NO_SECTIONS: &str = "horizon = \"1h\"\n[[cluster.pools]]\nname = \"p\"\ninstance_type = \"m5.large\"\ncount = 1\n";

    fn load(sets: &[&str]) -> Result<crate::scenario::Scenario, crate::scenario::ScenarioError> {
        let sets: Vec<String> = sets.iter().map(|s| (*s).to_string()).collect();
        crate::scenario::load_str(NO_SECTIONS, std::path::Path::new("s.toml"), &sets)
    }

    #[test]
    fn a_section_the_file_leaves_out_is_created() {
        let s = load(&[
            "fargate.spot_interruption={ type = \"exponential\", mean = 3600 }",
            "timing.instance_launch=\"90s\"",
        ])
        .unwrap();
        let spot = s.config.fargate.spot_interruption.expect("set by --set");
        assert_eq!(spot.mean_s(), 3600.0);
        assert_eq!(s.config.timing.instance_launch.as_secs_f64(), 90.0);
    }

    #[test]
    fn a_field_no_section_has_is_named_with_what_is_allowed() {
        let e =
            load(&["fargate.spot_interuption={ type = \"constant\", value = 60 }"]).unwrap_err();
        let text = e.to_string();
        assert_eq!(e.line, None, "{text}");
        assert!(text.contains("--set fargate.spot_interuption="), "{text}");
        assert!(text.contains("spot_interuption"), "{text}");
        assert!(
            text.contains(
                "`max_concurrent_tasks`, `spot_interruption`, `launch_burst`, `launch_rate_per_s`"
            ),
            "{text}"
        );
        let e = load(&["fargat.spot_interruption=60"]).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("--set fargat.spot_interruption=60"), "{text}");
        assert!(
            text.contains("unknown field `fargat`") && text.contains("`fargate`"),
            "{text}"
        );
    }

    #[test]
    fn an_element_of_an_array_the_file_lacks_is_refused() {
        let e = load(&["commitments[0].count=2"]).unwrap_err();
        let text = e.to_string();
        assert_eq!(e.field, "commitments", "{text}");
        assert!(text.contains("no element 0"), "{text}");
        assert!(text.contains("add `commitments` to the file"), "{text}");
    }
}
