//! The replay page's data round-trips: the tasks and instances embedded in replay.html,
//! read back and counted by the viewer's rules, give the simulator's own counts at every
//! sample; and recording a replay changes nothing about the run.

use ecsim::metrics::{NullRecorder, Recorder, SampleRow};
use ecsim::report::replay::ReplayRecorder;
use std::path::Path;

#[derive(Default)]
struct Samples {
    rows: Vec<(u64, u32, u32, u32)>,
}

impl Recorder for Samples {
    fn sample(&mut self, row: &SampleRow<'_>) {
        self.rows.push((
            row.time.0,
            row.running_tasks,
            row.pending_tasks,
            row.instances,
        ));
    }
}

fn page_data(html: &str) -> serde_json::Value {
    let start = html.find(r#"id="replay-data">"#).unwrap() + r#"id="replay-data">"#.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

fn at(v: &serde_json::Value, k: &str) -> Option<u64> {
    v[k].as_u64()
}

/// RUNNING and not-yet-RUNNING tasks at `t`, after the events at `t` (the viewer's rule).
fn counts(data: &serde_json::Value, t: u64) -> (u32, u32) {
    let (mut running, mut pending) = (0, 0);
    for task in data["tasks"].as_array().unwrap() {
        let created = at(task, "created").unwrap();
        if t < created || at(task, "stopped").is_some_and(|s| t >= s) {
            continue;
        }
        if at(task, "running").is_some_and(|r| t >= r) {
            running += 1;
        } else {
            pending += 1;
        }
    }
    (running, pending)
}

fn check(file: &str) {
    let scenario = ecsim::scenario::load(Path::new(file), &[]).unwrap();
    let config = &scenario.config;
    let mut samples = Samples::default();
    let mut replay = ReplayRecorder::new(&mut samples, config);
    let with_replay = ecsim::sim::run(config, &mut replay);
    assert!(replay.fits());
    let html = ecsim::report_html::replay::page(&replay.data);
    let data = page_data(&html);
    assert!(!samples.rows.is_empty());
    for &(t, running, pending, instances) in &samples.rows {
        assert_eq!(counts(&data, t), (running, pending), "{file} at {t} ms");
        let live = data["instances"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| {
                at(i, "launched").unwrap() <= t && at(i, "terminated").is_none_or(|e| t < e)
            })
            .count() as u32;
        assert_eq!(live, instances, "{file}: instances at {t} ms");
    }
    let plain = ecsim::sim::run(config, &mut NullRecorder);
    assert_eq!(
        ecsim::report::summary_json(&plain),
        ecsim::report::summary_json(&with_replay),
        "recording a replay must not change the run"
    );
}

#[test]
fn replay_counts_match_the_simulators_samples() {
    check("scenarios/teaching/12-capacity-providers.toml");
    check("scenarios/teaching/09-instance-failure.toml");
    check("scenarios/teaching/10-spot-interruption.toml");
}

/// Issue 32 item 8: a run whose size only shows while it runs (here the narration: thirty
/// days of the quickstart narrate about 49,000 events, the page holds 20,000) still writes
/// its summary and CSV files, and says replay.html was not written.
#[test]
fn a_replay_too_long_to_show_keeps_the_other_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args([
            "run",
            "scenarios/quickstart.toml",
            "-q",
            "--replay",
            "--set",
            "horizon=30d",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains("replay.html was not written")
            && err.contains("at most 60 instances and 20000 narrated events"),
        "{err}"
    );
    for kept in ["summary.json", "timeseries.csv", "tasks.csv"] {
        assert!(out.join(kept).is_file(), "{kept} was lost");
    }
    assert!(!out.join("replay.html").exists());
}
