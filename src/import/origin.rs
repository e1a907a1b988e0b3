//! Where each part of the generated scenario came from in the user's JSON. The scenario is
//! checked by the same validation as a hand-written one, but it is never written when that
//! fails, so an error must point at the file, line and field the value came from (issue 32,
//! item 14), not at a line of a file the user does not have.

use super::json::Spans;
use crate::scenario::ScenarioError;
use std::path::{Path, PathBuf};

/// A place in the inputs: which file (its index) and the JSON path of a value in it.
#[derive(Clone, Debug)]
pub struct At {
    pub input: usize,
    pub path: String,
}

impl At {
    pub fn new(input: usize, path: &str) -> At {
        At {
            input,
            path: path.to_string(),
        }
    }

    /// The place of `rest` (`key`, `key[0].other`, `[2]`) under this one.
    pub fn join(&self, rest: &str) -> At {
        let path = if self.path.is_empty() || rest.is_empty() || rest.starts_with('[') {
            format!("{}{rest}", self.path)
        } else {
            format!("{}.{rest}", self.path)
        };
        At {
            input: self.input,
            path,
        }
    }
}

/// Scenario paths (`services[3]`, `cluster.pools[0].managed_scaling`) and the JSON place
/// each came from; the longest that covers a field wins.
#[derive(Default)]
pub struct Origins(Vec<(String, At)>);

impl Origins {
    pub fn add(&mut self, scenario: impl Into<String>, at: At) {
        self.0.push((scenario.into(), at));
    }

    /// `e`, found in the generated scenario, moved to where its field came from. The rest of
    /// the field below the origin is spelled as JSON spells it (`target_capacity` is
    /// `targetCapacity` there). A field nothing in the input gave (a placeholder pool) keeps
    /// its scenario name and no line, and says the scenario was not written.
    pub fn relocate(
        &self,
        e: ScenarioError,
        inputs: &[(PathBuf, String)],
        spans: &[Spans],
        scenario: &Path,
    ) -> ScenarioError {
        let Some((prefix, at)) = self
            .0
            .iter()
            .filter(|(prefix, _)| covers(prefix, &e.field))
            .max_by_key(|(prefix, _)| prefix.len())
        else {
            return ScenarioError {
                file: scenario.to_path_buf(),
                line: None,
                column: None,
                message: format!(
                    "{} (in what `ecsim import` adds on its own; the scenario was not written)",
                    e.message
                ),
                ..e
            };
        };
        let rest = camel_case(e.field[prefix.len()..].trim_start_matches('.'));
        let field = at.join(&rest).path;
        let (file, text) = &inputs[at.input];
        spans[at.input].error_at(text, file, &field, e.message, e.allowed)
    }
}

/// Whether scenario path `prefix` is `field` or one of its parents (`services[1]` covers
/// `services[1].desiredCount`, not `services[10]`).
fn covers(prefix: &str, field: &str) -> bool {
    field
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// `managed_scaling.target_capacity` to `managedScaling.targetCapacity`.
fn camel_case(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut upper = false;
    for c in path.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_origin_covering_a_field_wins() {
        let text = "{\"capacityProviders\": [{\"name\": \"a\",\n \"autoScalingGroupProvider\": {\"managedScaling\": {\n  \"targetCapacity\": 0}}}]}";
        let inputs = vec![(PathBuf::from("cp.json"), text.to_string())];
        let mut origins = Origins::default();
        origins.add("cluster.pools[1]", At::new(0, "capacityProviders[0]"));
        origins.add(
            "cluster.pools[1].managed_scaling",
            At::new(
                0,
                "capacityProviders[0].autoScalingGroupProvider.managedScaling",
            ),
        );
        let error = |field: &str| ScenarioError {
            file: PathBuf::from("imported.toml"),
            line: Some(40),
            column: Some(1),
            field: field.into(),
            message: "out of range".into(),
            allowed: None,
        };
        let spans = [Spans::default()];
        let moved = origins.relocate(
            error("cluster.pools[1].managed_scaling.target_capacity"),
            &inputs,
            &spans,
            Path::new("imported.toml"),
        );
        assert_eq!(
            (moved.file.to_str(), moved.line, moved.field.as_str()),
            (
                Some("cp.json"),
                Some(3),
                "capacityProviders[0].autoScalingGroupProvider.managedScaling.targetCapacity"
            )
        );
        // `pools[10]` is not under `pools[1]`: nothing gave it, so no line.
        let moved = origins.relocate(
            error("cluster.pools[10].count"),
            &inputs,
            &spans,
            Path::new("imported.toml"),
        );
        assert_eq!(
            (moved.line, moved.field.as_str()),
            (None, "cluster.pools[10].count")
        );
        assert!(moved.message.contains("not written"), "{}", moved.message);
    }
}
