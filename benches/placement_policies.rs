//! Placement decisions per second under a placement policy (issue 40), beside ECS's indexed
//! binpack, at 1,000 and 10,000 instances: on the saturated cluster of `engine.rs` (about
//! half the decisions fail, few instances have room) and on a cluster held half full
//! (every instance a candidate: a policy's worst case, O(candidates) per decision).
//!
//! `cargo bench --bench placement_policies` (`ECSIM_BENCH_SIZES=1000` narrows the sizes).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ecsim::model::{GroupId, Placement, PlacementStrategy, Resource};
use ecsim::placement::policies::PolicyRegistry;
use std::hint::black_box;

mod saturated;

use saturated::{Saturated, Workload};

/// CPU binds: (cpu, memory) shapes whose memory share is below their CPU share on the
/// bench's 4 vCPU / 15,000 MiB instances, as in `engine.rs`.
const CPU_BINDS: [(u32, u32); 4] = [(256, 512), (512, 1024), (1024, 2048), (2048, 4096)];

/// ECS's binpack on memory (walks the free-memory index), then three policies alone: one
/// with a perfect score (best-fit), one without (tetris), one in integer arithmetic
/// (most-allocated). Each workload with the policies its rules name.
fn workloads() -> Vec<(Workload, Vec<&'static str>)> {
    let workload = |name, strategies| Workload {
        name,
        strategies,
        shapes: CPU_BINDS,
        gpu: 0,
    };
    let policy = |name: &'static str| {
        (
            workload(name, vec![PlacementStrategy::Policy(0)]),
            vec![name],
        )
    };
    vec![
        (
            workload(
                "binpack_memory",
                vec![PlacementStrategy::Binpack(Resource::Memory)],
            ),
            vec![],
        ),
        policy("best-fit"),
        policy("tetris"),
        policy("most-allocated"),
    ]
}

/// The saturated cluster held about half full: every instance has room for most shapes,
/// so a rule that scores every candidate meets all of them, its worst case.
struct HalfFull(Saturated);

impl HalfFull {
    /// Places tasks until half the cluster's CPU is reserved.
    fn new(n: u32, rules: &Placement, workload: &Workload) -> HalfFull {
        let mut state = Saturated::new(n, rules, workload);
        while state.cluster.reserved_cpu * 2 < state.cluster.registered_cpu {
            if !state.step(workload, rules) {
                break;
            }
        }
        HalfFull(state)
    }

    /// One decision at a steady load: a random running task stops, then the head of the
    /// queue is placed.
    fn step(&mut self, workload: &Workload, rules: &Placement) -> bool {
        self.0.release_random(workload);
        self.0.step(workload, rules)
    }
}

fn placement(c: &mut Criterion) {
    let sizes: Vec<u32> = std::env::var("ECSIM_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    for state in ["saturated", "half_full"] {
        let mut group = c.benchmark_group(format!("policies_{state}"));
        group.throughput(Throughput::Elements(1));
        group.sample_size(10);
        group.warm_up_time(std::time::Duration::from_secs(1));
        group.measurement_time(std::time::Duration::from_secs(3));
        let registry = PolicyRegistry::builtin();
        for (workload, policies) in workloads() {
            let rules = Placement {
                strategies: workload.strategies.clone(),
                constraints: vec![],
                group: GroupId(0),
                policies: policies
                    .iter()
                    .map(|name| registry.get(name).expect("shipped").clone())
                    .collect(),
            };
            for &n in &sizes {
                let id = BenchmarkId::new(workload.name, n);
                if state == "saturated" {
                    let mut s = Saturated::new(n, &rules, &workload);
                    s.fill(&workload, &rules, n);
                    group.bench_function(id, |b| b.iter(|| black_box(s.step(&workload, &rules))));
                } else {
                    let mut s = HalfFull::new(n, &rules, &workload);
                    group.bench_function(id, |b| b.iter(|| black_box(s.step(&workload, &rules))));
                }
            }
        }
        group.finish();
    }
}

criterion_group!(benches, placement);
criterion_main!(benches);
