//! What a sweep keeps on disk between processes: one small file per finished run under
//! `DIR/runs/` (so an interrupted sweep resumes, and shards can be merged), and one
//! manifest per shard naming the sweep it belongs to. Every file is written atomically.

use super::plan::SweepMeta;
use super::shard::Shard;
use super::{RunRecord, SweepError};
use crate::report::OutputDir;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Serialize, Deserialize)]
struct StoredRun {
    fingerprint: String,
    run: usize,
    variant: usize,
    replication: u32,
    seed: u64,
    /// Name → value as Rust's shortest round-trip text (`NaN` included). Text, because
    /// serde_json's default number parser may be off by one ulp, and a merge must
    /// reproduce the unsharded sweep's bytes exactly.
    metrics: Map<String, Value>,
}

#[derive(Serialize, Deserialize)]
pub struct Manifest {
    pub shard: u32,
    pub shards: u32,
    pub runs: Vec<usize>,
    pub sweep: SweepMeta,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SweepError + '_ {
    move |source| SweepError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn run_file(index: usize) -> String {
    format!("run-{index:06}.json")
}

/// Saves one finished run as `DIR/runs/run-NNNNNN.json`.
pub fn save_run(dir: &Path, fingerprint: &str, record: &RunRecord) -> Result<(), SweepError> {
    let runs = dir.join("runs");
    let stored = StoredRun {
        fingerprint: fingerprint.to_string(),
        run: record.index,
        variant: record.variant,
        replication: record.replication,
        seed: record.seed,
        metrics: record
            .metrics
            .iter()
            .map(|(name, x)| (name.clone(), Value::String(format!("{x}"))))
            .collect(),
    };
    let mut text = serde_json::to_vec(&stored).expect("a run serializes");
    text.push(b'\n');
    let mut out = OutputDir::create(&runs).map_err(io(&runs))?;
    out.write(&run_file(record.index), &text)
        .map_err(io(&runs))?;
    out.commit().map_err(io(&runs))?;
    Ok(())
}

/// Finished runs in `DIR/runs/` that belong to the sweep `fingerprint`, by run index.
/// Files of another sweep, or unreadable ones, are not results of this sweep: skipped.
pub fn load_runs(dir: &Path, fingerprint: &str) -> Result<BTreeMap<usize, RunRecord>, SweepError> {
    let runs = dir.join("runs");
    let mut found = BTreeMap::new();
    let entries = match std::fs::read_dir(&runs) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(io(&runs)(e)),
    };
    for entry in entries {
        let path = entry.map_err(io(&runs))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(name.starts_with("run-") && name.ends_with(".json")) {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(stored) = serde_json::from_slice::<StoredRun>(&bytes) else {
            continue;
        };
        if stored.fingerprint != fingerprint {
            continue;
        }
        let metrics = stored
            .metrics
            .into_iter()
            .map(|(name, v)| {
                let x = v.as_str().and_then(|t| t.parse().ok()).unwrap_or(f64::NAN);
                (name, x)
            })
            .collect();
        found.insert(
            stored.run,
            RunRecord {
                index: stored.run,
                variant: stored.variant,
                replication: stored.replication,
                seed: stored.seed,
                metrics,
            },
        );
    }
    Ok(found)
}

fn manifest_name(shard: &Shard) -> String {
    format!("shard-{}-of-{}.json", shard.index, shard.count)
}

pub fn save_manifest(
    dir: &Path,
    shard: &Shard,
    meta: &SweepMeta,
    runs: Vec<usize>,
) -> Result<(), SweepError> {
    let manifest = Manifest {
        shard: shard.index,
        shards: shard.count,
        runs,
        sweep: meta.clone(),
    };
    let mut text = serde_json::to_vec_pretty(&manifest).expect("a manifest serializes");
    text.push(b'\n');
    let mut out = OutputDir::create(dir).map_err(io(dir))?;
    out.write(&manifest_name(shard), &text).map_err(io(dir))?;
    out.commit().map_err(io(dir))?;
    Ok(())
}

/// Every shard manifest in `dir`.
pub fn load_manifests(dir: &Path) -> Result<Vec<Manifest>, SweepError> {
    let mut manifests = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("shard-") && name.ends_with(".json") {
            let bytes = std::fs::read(&path).map_err(io(&path))?;
            let manifest = serde_json::from_slice(&bytes).map_err(|e| {
                SweepError::Merge(format!("{} is not a shard manifest: {e}", path.display()))
            })?;
            manifests.push(manifest);
        }
    }
    manifests.sort_by_key(|m: &Manifest| (m.shards, m.shard));
    Ok(manifests)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_runs_read_back_bit_for_bit() {
        // 0.39653249243825933 and 403.90159405940597 came back one ulp off through
        // serde_json's default float parser, which broke merge's byte-identity.
        let values = [
            0.396_532_492_438_259_33,
            403.901_594_059_405_97,
            1e-300,
            f64::NAN,
            -0.0,
        ];
        let record = RunRecord {
            index: 3,
            variant: 1,
            replication: 2,
            seed: u64::MAX,
            metrics: values
                .iter()
                .enumerate()
                .map(|(i, x)| (format!("m{i}"), *x))
                .collect(),
        };
        let dir = tempfile::tempdir().unwrap();
        save_run(dir.path(), "f", &record).unwrap();
        assert!(load_runs(dir.path(), "other").unwrap().is_empty());
        let back = &load_runs(dir.path(), "f").unwrap()[&3];
        assert_eq!(
            (back.seed, back.variant, back.replication),
            (u64::MAX, 1, 2)
        );
        for ((_, a), (_, b)) in back.metrics.iter().zip(&record.metrics) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
    }
}
