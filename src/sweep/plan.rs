//! A sweep's flat run list: the grid of `--vary` variants × R replications, in a fixed
//! order, each variant validated as a scenario before anything runs.

use super::SweepError;
use super::fingerprint::{Fnv, build_identity};
use crate::model::SimConfig;
use crate::rng::replication_seed;
use crate::scenario::{self, ScenarioError};
use std::path::{Path, PathBuf};

/// One `--vary KEY=V1,V2,...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vary {
    /// A `--set` field path, e.g. `services.web.desiredCount`.
    pub key: String,
    /// The values as written, each non-empty; TOML syntax, as `--set` takes them.
    pub values: Vec<String>,
}

impl Vary {
    /// Parses `KEY=V1,V2,...`. Commas inside brackets, braces or quotes belong to a value,
    /// so an array or inline table (a placement strategy) can be one of the values.
    pub fn parse(text: &str) -> Result<Vary, SweepError> {
        let usage = |why: &str| {
            SweepError::Usage(format!(
                "--vary {text}: {why} (e.g. --vary services.web.desiredCount=2,4,8)"
            ))
        };
        let (key, raw) = text
            .split_once('=')
            .ok_or_else(|| usage("needs KEY=V1,V2,..."))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(usage("needs a field path before `=`"));
        }
        let values = split_top_level(raw);
        if values.iter().any(|v| v.is_empty()) {
            return Err(usage("has an empty value"));
        }
        Ok(Vary {
            key: key.to_string(),
            values,
        })
    }
}

fn split_top_level(raw: &str) -> Vec<String> {
    let mut values = Vec::new();
    let (mut depth, mut quote, mut current) = (0i32, None, String::new());
    for ch in raw.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(ch),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                values.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    values.push(current.trim().to_string());
    values
}

/// What a sweep is, independent of how it is run (`--jobs`, `--shard`, `--out`).
#[derive(Clone, Debug)]
pub struct SweepSpec {
    /// The scenario file.
    pub scenario: PathBuf,
    /// `--set` assignments applied to every variant, before the varied ones.
    pub set: Vec<String>,
    /// The grid's axes, the first varying slowest; each key at most once.
    pub vary: Vec<Vary>,
    /// Runs per variant, at least 1 (2 for an interval).
    pub replications: u32,
}

/// One point of the grid: its varied values (in `--vary` order) and validated config.
#[derive(Clone, Debug)]
pub struct Variant {
    /// One value per [`Vary`], as written.
    pub values: Vec<String>,
    /// The scenario with `--set` and these values applied; its seed is the variant's base.
    pub config: SimConfig,
}

/// One run: variant `variant`, replication `replication`, master seed `seed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSpec {
    /// `variant × replications + replication`; shards and stored runs go by it.
    pub index: usize,
    /// Index into [`Plan::variants`].
    pub variant: usize,
    /// 0-based.
    pub replication: u32,
    /// The variant's seed for replication 0, a seed derived from it and `replication`
    /// beyond ([`crate::rng::replication_seed`]).
    pub seed: u64,
}

/// The facts every output file is rendered from, shared by a sweep and a merge.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SweepMeta {
    /// The scenario's name (of the first variant).
    pub scenario: String,
    /// 16 hex digits over the scenario text, the files it reads, `--set`, `--vary`, the
    /// replications and the simulator build: stored runs and shards are reused or merged
    /// only when it matches.
    pub fingerprint: String,
    /// The varied keys, in `--vary` order.
    pub keys: Vec<String>,
    /// Varied values of each variant, in `--vary` order.
    pub variants: Vec<Vec<String>>,
    /// Runs per variant.
    pub replications: u32,
}

impl SweepMeta {
    /// Variants × replications: the length of the run list.
    pub fn total_runs(&self) -> usize {
        self.variants.len() * self.replications as usize
    }
}

/// A sweep ready to run: every variant loaded and validated, the run list laid out.
pub struct Plan {
    /// What loading decided for the user to know (trace rows turned away, imported task
    /// definitions), from the first variant.
    pub notes: Vec<String>,
    /// What the result files are rendered from.
    pub meta: SweepMeta,
    /// In grid order, the first `--vary` slowest.
    pub variants: Vec<Variant>,
    /// Every run, in index order.
    pub runs: Vec<RunSpec>,
}

/// Expands the grid (the first `--vary` varies slowest) and loads every variant once, so a
/// bad key or value fails with the same located error as `--set` before any run starts;
/// `load` refuses a trace past the task limit as it is read.
pub fn plan(spec: &SweepSpec, load: scenario::LoadOptions) -> Result<Plan, SweepError> {
    check_spec(spec)?;
    let text = std::fs::read_to_string(&spec.scenario).map_err(|e| {
        SweepError::Scenario(Box::new(ScenarioError {
            file: spec.scenario.clone(),
            line: None,
            column: None,
            field: String::new(),
            message: format!(
                "cannot read the scenario: {}",
                crate::scenario::io_words(&e)
            ),
            allowed: None,
        }))
    })?;
    plan_text(spec, &text, load)
}

/// [`plan`] of a scenario whose text is already in hand (built in code, say): `spec.scenario`
/// names it in errors and anchors the relative paths it holds; nothing else is read from it.
pub fn plan_text(
    spec: &SweepSpec,
    text: &str,
    load: scenario::LoadOptions,
) -> Result<Plan, SweepError> {
    check_spec(spec)?;
    let mut variants = Vec::new();
    let mut inputs = Vec::new();
    let mut notes = Vec::new();
    for values in grid(&spec.vary) {
        let mut set = spec.set.clone();
        set.extend(
            spec.vary
                .iter()
                .zip(&values)
                .map(|(v, value)| format!("{}={value}", v.key)),
        );
        let loaded = scenario::load_str_with(text, &spec.scenario, &set, load)
            .map_err(|e| SweepError::Scenario(Box::new(e)))?;
        inputs.extend(loaded.inputs);
        if notes.is_empty() {
            notes = loaded.notes;
        }
        variants.push(Variant {
            values,
            config: loaded.config,
        });
    }
    let r = spec.replications;
    let runs = (0..variants.len())
        .flat_map(|v| (0..r).map(move |i| (v, i)))
        .enumerate()
        .map(|(index, (variant, replication))| RunSpec {
            index,
            variant,
            replication,
            // Each variant's own base seed: the same for all unless `seed` itself is varied.
            seed: replication_seed(variants[variant].config.seed, u64::from(replication)),
        })
        .collect();
    let meta = SweepMeta {
        scenario: variants[0].config.name.clone(),
        fingerprint: fingerprint(text, spec, &inputs),
        keys: spec.vary.iter().map(|v| v.key.clone()).collect(),
        variants: variants.iter().map(|v| v.values.clone()).collect(),
        replications: r,
    };
    Ok(Plan {
        notes,
        meta,
        variants,
        runs,
    })
}

/// Refuses no replications and a key varied twice, before anything is read.
fn check_spec(spec: &SweepSpec) -> Result<(), SweepError> {
    if spec.replications == 0 {
        return Err(SweepError::Usage(
            "--replications must be at least 1 (2 or more for confidence intervals)".into(),
        ));
    }
    for (i, v) in spec.vary.iter().enumerate() {
        if spec.vary[..i].iter().any(|w| w.key == v.key) {
            return Err(SweepError::Usage(format!(
                "--vary {} is given twice; list all its values in one --vary",
                v.key
            )));
        }
    }
    Ok(())
}

/// Cartesian product, first axis slowest; no `--vary` gives one variant with no values.
fn grid(vary: &[Vary]) -> Vec<Vec<String>> {
    let mut points = vec![Vec::new()];
    for v in vary {
        points = points
            .into_iter()
            .flat_map(|p| {
                v.values.iter().map(move |value| {
                    let mut q = p.clone();
                    q.push(value.clone());
                    q
                })
            })
            .collect();
    }
    points
}

/// FNV-1a over everything that decides the runs' results, so finished runs of a changed
/// sweep are never reused: the scenario text, every file it references (demand CSVs, the
/// price file: their content, not their names), the values, the replications, and the
/// simulator itself (its build identity). FNV rather than `DefaultHasher`, whose output
/// may change between Rust releases.
fn fingerprint(text: &str, spec: &SweepSpec, inputs: &[PathBuf]) -> String {
    let mut h = Fnv::new();
    h.feed(build_identity().as_bytes());
    h.feed(text.as_bytes());
    for path in inputs {
        // A file that cannot be read now was read moments ago by the loader; its absence
        // still changes the hash.
        h.feed(&std::fs::read(path).unwrap_or_default());
    }
    for s in &spec.set {
        h.feed(s.as_bytes());
    }
    for v in &spec.vary {
        h.feed(v.key.as_bytes());
        for value in &v.values {
            h.feed(value.as_bytes());
        }
    }
    h.feed(&spec.replications.to_le_bytes());
    h.hex()
}

/// `output/<scenario name>-sweep/`, beside where `ecsim run` writes `output/<name>/`.
pub fn default_out_dir(meta: &SweepMeta) -> PathBuf {
    Path::new("output").join(format!("{}-sweep", meta.scenario))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vary_keeps_commas_inside_brackets_and_quotes() {
        let v = Vary::parse(r#"jobs.a.placementStrategy=[{type="spread",field="x"}],[],"a,b""#)
            .unwrap();
        assert_eq!(v.key, "jobs.a.placementStrategy");
        assert_eq!(
            v.values,
            vec![r#"[{type="spread",field="x"}]"#, "[]", r#""a,b""#]
        );
        assert!(Vary::parse("nokey").is_err());
        assert!(Vary::parse("a=1,,2").is_err());
    }

    #[test]
    fn grid_first_axis_varies_slowest() {
        let vary = [
            Vary::parse("a=1,2").unwrap(),
            Vary::parse("b=x,y,z").unwrap(),
        ];
        let g = grid(&vary);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec!["1", "x"]);
        assert_eq!(g[1], vec!["1", "y"]);
        assert_eq!(g[3], vec!["2", "x"]);
    }
}
