//! The lessons in scenarios/teaching: each runs, and its narration names the concept it
//! teaches. The counts checked beside the words are worked out by hand from the scenario
//! (instance sizes from AWS's published types), not read off a run.

use ecsim::metrics::{Recorder, Summary};
use ecsim::time::SimTime;
use std::path::Path;

#[derive(Default)]
struct Narration {
    lines: Vec<String>,
}

impl Recorder for Narration {
    fn tracing(&self) -> bool {
        true
    }
    fn trace(&mut self, _at: SimTime, line: &str) {
        self.lines.push(line.to_string());
    }
}

fn narrate(file: &str, set: &[String]) -> (String, Summary) {
    let path = Path::new("scenarios/teaching").join(file);
    let scenario = ecsim::scenario::load(&path, set).unwrap_or_else(|e| panic!("{e}"));
    let mut n = Narration::default();
    let summary = crate::common::run_checked(&scenario.config, &mut n).expect("invariants hold");
    (n.lines.join("\n"), summary)
}

/// Lesson file → words its narration must contain (the concept, as the log says it).
const LESSONS: &[(&str, &[&str])] = &[
    (
        "01-cluster-and-instances.toml",
        &[
            "registered: 2048 CPU units",
            "registered: 4096 CPU units",
            "filters:",
        ],
    ),
    (
        "02-taskdef-vs-task.toml",
        &[
            "task 2 (job resize)",
            "image pull",
            "image cached on this instance, no pull",
        ],
    ),
    (
        "03-service-desired-count.toml",
        &[
            "desiredCount set to 6",
            "desiredCount set to 2",
            "StopTask",
            "STOPPED: ServiceSchedulerInitiated",
        ],
    ),
    (
        "04-launch-types.toml",
        &["admitted to Fargate", "Fargate provisioning", "ENI attach"],
    ),
    (
        "05-placement-strategies.toml",
        &[
            "binpack(memory)",
            "tied at the best",
            "tie-break: the tied instance with the lowest random rank",
        ],
    ),
    (
        "06-constraints-and-ports.toml",
        &[
            "with the host ports free",
            "RESOURCE:PORTS",
            "with the host port taken",
            "meeting the constraints",
        ],
    ),
    (
        "07-awsvpc-eni.toml",
        &[
            "with an ENI free",
            "RESOURCE:ENI",
            "out of ENIs",
            "ENI attach",
        ],
    ),
    ("08-task-crash.toml", &["STOPPED: TaskFailed", "placed on"]),
    (
        "09-instance-failure.toml",
        &[
            "lost: InstanceFailed",
            "STOPPED: InstanceFailed",
            "instance i-00000004",
            "SERVICE_REBALANCING_STARTED",
            "SERVICE_REBALANCING_COMPLETED",
        ],
    ),
    (
        "10-spot-interruption.toml",
        &["Spot interruption notice", "STOPPED: SpotInterruption"],
    ),
    (
        "11-service-autoscaling.toml",
        &[
            "auto scaling: desired 4 -> ",
            "metric: CPU",
            "rule: target tracking CPU at 50%",
            "decision:",
        ],
    ),
    (
        "12-capacity-providers.toml",
        &[
            "waits in PROVISIONING",
            "CapacityProviderReservation",
            "launching",
            "terminating",
            // By hand: 4 of 40 tasks of 512 units fit 2048; 36 wait, 4 to an instance → 9;
            // two AZs → the minimum step 1: M = 1 + 1 = 2 over N = 1, desired ceil(200/100).
            "metric: M = N + 1 = 2, N = 1 → M / N = 200%",
            "36 task(s) in PROVISIONING would fill 9 new m5.large; the group spans 2 AZs",
            "group desired = ceil(M × 100 / target_capacity 100) = 2",
        ],
    ),
    (
        "13-rolling-deployment.toml",
        &[
            "deploys to web-v2",
            "deployment of web-v2 completed",
            "FAILED",
            "rolls back to web-v2",
        ],
    ),
    (
        // 3 web tasks (0.5 vCPU, 4 GiB) = 1.5 vCPU, 12 GiB: r7a.large (2 vCPU, 15974 MiB)
        // holds them for $0.1522 + 12% = $0.1704/h, m7a.large (7987 MiB) only one.
        "14-managed-instances.toml",
        &[
            "batched 3 waiting task(s); r7a.large is the cheapest type that holds them in us-east-1b",
            "batched 2 waiting task(s); r7a.xlarge is the cheapest type that holds them",
            "i-00000001 (r7a.large, us-east-1b) underutilized",
            "i-00000001 (r7a.large, us-east-1b) drained: deregistered and terminated",
            "i-00000002 (r7a.xlarge, us-east-1b) due for patching",
            "one subnet: bin packing",
        ],
    ),
    (
        "15-blue-green.toml",
        &[
            "deploys web-v2 by CANARY",
            "production traffic: green 25%, blue 75%",
            "deployment stage BAKE_TIME",
            "deployment stage CLEAN_UP",
            "deployment of web-v2 completed",
            "FAILED: alarm: 2 failed tasks",
            "rolls back: production traffic 100% to web-v2 (still running)",
        ],
    ),
    (
        "16-predictive-scaling.toml",
        &[
            "predictive forecast by seasonal",
            "this hour (day 2 00:00): load 2048 CPU units -> 4 tasks",
            "predictive scaling: desired 4 -> 16 ahead of day 2 08:00",
            "forecast for day 2 08:00: load 8192 -> 16 tasks",
        ],
    ),
];

#[test]
fn every_lesson_is_listed_and_narrates_its_concept() {
    let mut files: Vec<String> = std::fs::read_dir("scenarios/teaching")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".toml"))
        .collect();
    files.sort();
    let listed: Vec<&str> = LESSONS.iter().map(|(f, _)| *f).collect();
    assert_eq!(files, listed, "every lesson has a row in LESSONS");
    for (file, words) in LESSONS {
        let (text, _) = narrate(file, &[]);
        for w in *words {
            assert!(text.contains(w), "{file}: narration lacks {w:?}:\n{text}");
        }
        assert!(text.contains("── horizon"), "{file}: horizon not marked");
    }
}

#[test]
fn lesson_counts_match_the_arithmetic() {
    // 07: an m5.large has 3 ENIs, one the instance's own: 2 awsvpc tasks each, 4 of 10.
    let (_, s) = narrate("07-awsvpc-eni.toml", &[]);
    assert_eq!((s.tasks.running_at_end, s.tasks.pending_at_end), (4, 6));
    // With trunking an m5.large takes 10 awsvpc tasks (AWS's ENI trunking table): all run.
    let set = ["cluster.pools.general.awsvpc_trunking=true".to_string()];
    let (_, s) = narrate("07-awsvpc-eni.toml", &set);
    assert_eq!((s.tasks.running_at_end, s.tasks.pending_at_end), (10, 0));
    // 06: host port 80 allows one proxy per instance, 3 instances; 3 cache tasks, one each.
    let (text, s) = narrate("06-constraints-and-ports.toml", &[]);
    assert_eq!(
        (s.tasks.running_at_end, s.tasks.pending_at_end),
        (6, 2),
        "{text}"
    );
    // 05: binpack on memory, 1024 MiB tasks on 7987 MiB instances: 7 on the first, 1 on a second.
    let (text, _) = narrate("05-placement-strategies.toml", &[]);
    let mut per_instance = std::collections::BTreeMap::<&str, u32>::new();
    for line in text.lines().filter(|l| l.contains(" placed on i-")) {
        let id = line
            .split(" placed on ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        *per_instance.entry(id).or_default() += 1;
    }
    let mut counts: Vec<u32> = per_instance.values().copied().collect();
    counts.sort();
    assert_eq!(counts, vec![1, 7], "{text}");
}

/// Every lesson carries its look-for, question and answer in its `[lesson]` table (what
/// its replay page shows), word for word as the lessons' README gives them, so neither
/// can drift from the other.
#[test]
fn every_lessons_page_text_is_the_readmes() {
    let readme = std::fs::read_to_string("scenarios/teaching/README.md").unwrap();
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for (file, _) in LESSONS {
        let n: u32 = file[..2].parse().unwrap();
        let heading = format!("\n## {n}. ");
        let from = readme
            .find(&heading)
            .unwrap_or_else(|| panic!("no `## {n}.` in the README"));
        let body = &readme[from + heading.len()..];
        let body = &body[body.find('\n').unwrap()..];
        let body = flat(&body[..body.find("\n## ").unwrap_or(body.len())]);
        let scenario =
            ecsim::scenario::load(&Path::new("scenarios/teaching").join(file), &[]).unwrap();
        let lesson = scenario
            .lesson
            .unwrap_or_else(|| panic!("{file} has no [lesson]"));
        let mut want = format!(
            "**Look for** {} **Question:** {} **Answer:** {}",
            flat(&lesson.look_for),
            flat(&lesson.question),
            flat(&lesson.answer)
        );
        if let Some(t) = &lesson.try_this {
            want += &format!(" **Try this:** {}", flat(t));
        }
        assert_eq!(
            body, want,
            "{file}'s [lesson] and the README's section {n} differ"
        );
    }
}
