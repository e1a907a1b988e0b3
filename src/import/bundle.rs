//! Several import inputs in one text, for the fuzz target `import` and its seeds
//! (`fuzz/seeds/import/`): a line `--- NAME` starts the file NAME; text before the first
//! such line is `input.json`. Files named `cloudwatch/...` go to `ecsim import cloudwatch`
//! (as for `--tasks 2 --task-cpu 512`), the others to `ecsim import`.

use super::cloudwatch;
use crate::scenario::ScenarioError;
use std::path::{Path, PathBuf};

/// The files of `text`, in order.
pub fn split(text: &str) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut current: Option<(PathBuf, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("--- ") {
            files.extend(current.take());
            current = Some((PathBuf::from(name.trim_end()), String::new()));
            continue;
        }
        current
            .get_or_insert_with(|| (PathBuf::from("input.json"), String::new()))
            .1
            .push_str(line);
    }
    files.extend(current);
    files
}

/// Runs each importer that `text` has files for: the generated scenario or demand CSV, or
/// the error a user would see.
pub fn import_all(text: &str) -> Vec<Result<String, ScenarioError>> {
    let (metrics, ecs): (Vec<_>, Vec<_>) = split(text)
        .into_iter()
        .partition(|(name, _)| name.starts_with("cloudwatch"));
    let mut results = Vec::new();
    if !ecs.is_empty() {
        results.push(super::import(&ecs, Path::new("imported.toml")).map(|i| i.text));
    }
    if !metrics.is_empty() {
        let options = cloudwatch::Options {
            tasks: Some(2),
            task_cpu: Some(512),
            ..Default::default()
        };
        let names: Vec<String> = metrics
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect();
        results.push(cloudwatch::import(&metrics, &options).map(|d| d.to_csv(&names)));
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_three_dashes_start_files() {
        let files = split("{}\n--- a.json\n{\"x\": 1}\n--- cloudwatch/b.csv\nt,v\n");
        let names: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.to_str().unwrap(), t.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("input.json", "{}\n"),
                ("a.json", "{\"x\": 1}\n"),
                ("cloudwatch/b.csv", "t,v\n")
            ]
        );
    }
}
