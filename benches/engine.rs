//! Throughput figures: whole-run events per second on an M/M/c scenario, and placement
//! decisions per second at 100, 1,000, 10,000 and 50,000 instances on a saturated cluster
//! for each strategy, with a binding resource that is not the strategy's field.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ecsim::metrics::NullRecorder;
use ecsim::model::{GroupId, Placement, PlacementStrategy, Resource, SpreadField};
use ecsim::rng::{StreamKind, stream};
use std::hint::black_box;

mod m_m_10;
mod saturated;

use m_m_10::{bare_mmc, check_m_m_10, kernel_mmc, mmc_config, simcore_mmc};
use saturated::{Saturated, Workload};

/// The floors to compare against, in the same run as `mmc_run`:
/// - `m_m_10`: the M/M/10 model of `mmc_run` written as a bare `BinaryHeap` loop (the floor
///   issue 12 names): arrivals, departures, ten servers and a FIFO queue, in integer
///   milliseconds, one exponential draw per event;
/// - `pop_push_1M`: a million pops and pushes with an exponential draw each and no model
///   at all, the lowest any event loop can go.
fn bare_heap_loop(c: &mut Criterion) {
    use rand_distr::{Distribution, Exp1};
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    const EVENTS: u64 = 1_000_000;
    let mut group = c.benchmark_group("bare_heap_loop");
    group.sample_size(10);
    let (events, wait_ms) = bare_mmc(10, 926);
    check_m_m_10("the bare loop", events, wait_ms / 60_000.0);
    group.throughput(Throughput::Elements(events));
    group.bench_function("m_m_10", |b| b.iter(|| black_box(bare_mmc(10, 926))));
    group.throughput(Throughput::Elements(EVENTS));
    group.bench_function("pop_push_1M", |b| {
        b.iter(|| {
            let mut rng = stream(3, StreamKind::JobArrivals, 0);
            let mut heap = BinaryHeap::with_capacity(1024);
            for seq in 0..100u64 {
                heap.push(Reverse((seq, seq)));
            }
            for seq in 100..100 + EVENTS {
                let Reverse((t, _)) = heap.pop().expect("never empty");
                let gap: f64 = Exp1.sample(&mut rng);
                heap.push(Reverse((t + (gap * 60_000.0) as u64, seq)));
            }
            black_box(heap.len())
        })
    });
    group.finish();
}

/// The same M/M/10 in `simcore`, the engine under DSLab, written as its user would: one
/// component whose handler takes typed, boxed events, with delays in f64 minutes and
/// simcore's own random stream. A general engine with no ECS model in it: the ratio of
/// this to `bare_heap_loop/m_m_10` is what a general event loop costs by itself.
fn peer_engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("peer_engine");
    group.sample_size(10);
    let (events, wait_min) = simcore_mmc::run(10, 926);
    check_m_m_10("simcore", events, wait_min);
    group.throughput(Throughput::Elements(events));
    group.bench_function("simcore_m_m_10", |b| {
        b.iter(|| black_box(simcore_mmc::run(10, 926)))
    });
    let (events, wait_ms) = kernel_mmc::run(10, 926);
    check_m_m_10("ecsim's kernel", events, wait_ms / 60_000.0);
    // Same draws, same outcome: the queues order same-millisecond ties differently (class
    // against scheduling order), which in this model changes neither.
    assert_eq!(
        (events, wait_ms),
        bare_mmc(10, 926),
        "the kernel's M/M/10 is not the bare loop's"
    );
    group.throughput(Throughput::Elements(events));
    group.bench_function("ecsim_kernel_m_m_10", |b| {
        b.iter(|| black_box(kernel_mmc::run(10, 926)))
    });
    group.finish();
}

/// M/M/10 with λ = 9 and μ = 1 per minute over 926 h: about 500,000 arrivals and 1 M
/// events, measured in the same run as the bare heap loop above.
fn whole_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("mmc_run");
    group.sample_size(10);
    let config = mmc_config();
    let events = ecsim::sim::run(&config, &mut NullRecorder).events_processed;
    group.throughput(Throughput::Elements(events));
    group.bench_function("m_m_10_500k_arrivals", |b| {
        b.iter(|| black_box(ecsim::sim::run(&config, &mut NullRecorder)))
    });
    group.finish();
}

const CPU_BINDS: [(u32, u32); 4] = [(256, 512), (512, 1024), (1024, 2048), (2048, 4096)];
const MEMORY_BINDS: [(u32, u32); 4] = [(128, 1024), (256, 2048), (512, 4096), (1024, 8192)];
const GPU_BINDS: [(u32, u32); 4] = [(256, 512), (512, 1024), (256, 1024), (512, 512)];

fn workloads() -> Vec<Workload> {
    vec![
        Workload {
            name: "binpack_memory_cpu_binds",
            strategies: vec![PlacementStrategy::Binpack(Resource::Memory)],
            shapes: CPU_BINDS,
            gpu: 0,
        },
        Workload {
            name: "binpack_cpu_memory_binds",
            strategies: vec![PlacementStrategy::Binpack(Resource::Cpu)],
            shapes: MEMORY_BINDS,
            gpu: 0,
        },
        Workload {
            name: "spread_az_then_instance",
            strategies: vec![
                PlacementStrategy::Spread(SpreadField::Attribute(0)),
                PlacementStrategy::Spread(SpreadField::InstanceId),
            ],
            shapes: CPU_BINDS,
            gpu: 0,
        },
        Workload {
            name: "random",
            strategies: vec![PlacementStrategy::Random],
            shapes: CPU_BINDS,
            gpu: 0,
        },
        Workload {
            name: "binpack_memory_gpu_binds",
            strategies: vec![PlacementStrategy::Binpack(Resource::Memory)],
            shapes: GPU_BINDS,
            gpu: 1,
        },
    ]
}

fn placement(c: &mut Criterion) {
    let mut group = c.benchmark_group("placement_saturated");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(3));
    let sizes: Vec<u32> = std::env::var("ECSIM_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100, 1_000, 10_000, 50_000]);
    for workload in workloads() {
        let rules = Placement {
            strategies: workload.strategies.clone(),
            constraints: vec![],
            group: GroupId(0),
            policies: Vec::new(),
        };
        for &n in &sizes {
            let mut state = Saturated::new(n, &rules, &workload);
            state.fill(&workload, &rules, n);
            group.bench_function(BenchmarkId::new(workload.name, n), |b| {
                b.iter(|| black_box(state.step(&workload, &rules)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bare_heap_loop, peer_engine, whole_run, placement);
criterion_main!(benches);
