//! Trace replay: every row becomes one task or a counted rejection; the real Alibaba GPU
//! 2023 pod list runs to completion on its node list.

use super::common;
use std::path::{Path, PathBuf};
use std::process::Command;

fn load(path: &Path) -> ecsim::scenario::Scenario {
    ecsim::scenario::load(path, &[]).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_row_is_a_task_or_a_counted_rejection() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = load(&root.join("scenarios/trace-replay.toml"));
    // 15 rows; the window [0, 50 min) drops the two arriving at 3000 s and 3500 s.
    assert_eq!(
        scenario.notes[0],
        "trace `batch`: 15 rows, 13 replayed as tasks, 2 outside the time window"
    );
    let summary = common::run(&scenario.config);
    assert_eq!(summary.tasks.created, 13);
    // The 8 vCPU row at 1800 s arrives at 3600 s at half speed and runs 2 × 3600 s, past
    // the 2 h horizon; the other twelve end inside it.
    assert_eq!(
        (summary.tasks.completed, summary.tasks.running_at_end),
        (12, 1)
    );
}

#[test]
fn a_negative_duration_names_the_trace_line_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.csv"),
        "arrival,duration,cpu,memory\n0,10,256,512\n5,-1,256,512\n",
    )
    .unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        "horizon = \"1h\"\n[[cluster.pools]]\nname = \"p\"\ninstance_type = \"m5.large\"\ncount = 1\n\n[[traces]]\nname = \"t\"\npath = \"t.csv\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["validate", &scenario.display().to_string()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("s.toml:9") && err.contains("t.csv:3: column `duration`: -1 is negative"),
        "{err}"
    );
}

#[test]
fn alibaba_gpu_2023_pods_all_accounted_for_on_their_node_list() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let traces: PathBuf = root.join("../shared/traces/alibaba-gpu-v2023");
    if !traces.exists() {
        eprintln!(
            "skipped: {} is absent (the Alibaba trace is not part of ecsim)",
            traces.display()
        );
        return;
    }
    let scenario = load(&root.join("scenarios/alibaba-gpu-2023.toml"));
    // The trace's README: 8,152 pods, of which the 897 Pending ones were never scheduled.
    assert_eq!(
        scenario.notes[0],
        "trace `openb`: 8152 rows, 7255 replayed as tasks, 897 never scheduled in the trace"
    );
    // 1,523 nodes become the pools.
    let nodes: u32 = scenario.config.pools.iter().map(|p| p.count).sum();
    assert_eq!(nodes, 1523);
    let summary = common::run(&scenario.config);
    let t = &summary.tasks;
    assert_eq!(t.created, 8152 - 897);
    assert_eq!(t.created, t.started + t.rejected + t.pending_at_end);
    // Every lifetime ends by 12,902,960 s, inside the 150-day horizon.
    assert_eq!((t.completed, t.running_at_end), (t.started, 0));
}
