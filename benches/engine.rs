//! Throughput figures: whole-run events per second on an M/M/c scenario, and placement
//! decisions per second at 100, 1,000 and 10,000 instances for the common strategies.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ecsim::metrics::NullRecorder;
use ecsim::model::cluster::{PoolInfo, Reservation};
use ecsim::model::{
    AzId, Cluster, GroupId, InstanceId, InstanceTypeSpec, Placement, PlacementStrategy, PoolId,
    Resource, SpreadField,
};
use ecsim::placement::{PlacementRequest, place};
use ecsim::rng::{StreamKind, stream};
use ecsim::time::SimTime;
use rand::Rng;
use std::hint::black_box;
use std::path::Path;

fn mmc_config(servers: u32, hours: u32) -> ecsim::model::SimConfig {
    let lambda = 0.9 * f64::from(servers) / 60.0;
    let text = format!(
        r#"
horizon = "{hours}h"
timing = {{ instant = true }}
[[instance_types]]
name = "one-slot"
vcpu = 1
memory_gib = 2
[[cluster.pools]]
name = "servers"
instance_type = "one-slot"
count = {servers}
[[taskDefinitions]]
family = "work"
cpu = 1024
memory = 512
[[jobs]]
name = "arrivals"
taskDefinition = "work"
capacityProviderStrategy = [{{ capacityProvider = "servers", weight = 1 }}]
placementStrategy = [{{ type = "binpack", field = "cpu" }}]
arrival = {{ type = "poisson", rate_per_s = {lambda} }}
duration = {{ type = "exponential", mean = 60 }}
"#
    );
    ecsim::scenario::load_str(&text, Path::new("bench.toml"), &[])
        .expect("bench scenario is valid")
        .config
}

/// The floor to compare against: a bare binary-heap event loop with exponential gaps and
/// no model at all.
fn bare_heap_loop(c: &mut Criterion) {
    use rand_distr::{Distribution, Exp1};
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    const EVENTS: u64 = 1_000_000;
    let mut group = c.benchmark_group("bare_heap_loop");
    group.sample_size(10);
    group.throughput(Throughput::Elements(EVENTS));
    group.bench_function("1M", |b| {
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

fn whole_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("mmc_run");
    group.sample_size(10);
    for servers in [10u32, 100] {
        let config = mmc_config(servers, 200);
        let events = ecsim::sim::run(&config, &mut NullRecorder).events_processed;
        group.throughput(Throughput::Elements(events));
        group.bench_function(BenchmarkId::from_parameter(servers), |b| {
            b.iter(|| black_box(ecsim::sim::run(&config, &mut NullRecorder)))
        });
    }
    group.finish();
}

/// A cluster of `n` m5.2xlarge-like instances over three AZs, each carrying a random load.
fn loaded_cluster(n: u32) -> Cluster {
    let itype = InstanceTypeSpec {
        name: "m5.2xlarge".into(),
        arch: "x86_64",
        cpu_units: 8192,
        memory_mib: 31_948,
        awsvpc_task_limit: 3,
        price_per_hour: 0.384,
    };
    let pool = PoolInfo {
        name: "p".into(),
        instance_type: itype,
        os_type: "linux",
        attributes: vec![],
        reserved_ports: vec![],
    };
    let mut cluster = Cluster::new(
        vec!["a".into(), "b".into(), "c".into()],
        vec![pool],
        vec!["web".into()],
        &[true],
        vec!["ecs.availability-zone".into()],
        None,
    );
    let mut rng = stream(1, StreamKind::Placement, 7);
    for i in 0..n {
        let id = cluster.add_instance(PoolId(0), AzId(i % 3), false, 0.384, SimTime::ZERO);
        cluster.activate(id, SimTime::ZERO);
        for _ in 0..rng.random_range(0..12) {
            cluster.reserve(
                id,
                Reservation {
                    cpu: 512,
                    memory: 2048,
                    host_ports: &[],
                    eni: false,
                    group: GroupId(0),
                    daemon: false,
                },
            );
        }
    }
    cluster
}

fn placement(c: &mut Criterion) {
    let strategies: [(&str, Vec<PlacementStrategy>); 4] = [
        (
            "binpack_memory",
            vec![PlacementStrategy::Binpack(Resource::Memory)],
        ),
        (
            "spread_az_then_instance",
            vec![
                PlacementStrategy::Spread(SpreadField::Attribute(0)),
                PlacementStrategy::Spread(SpreadField::InstanceId),
            ],
        ),
        (
            "spread_az_then_binpack_cpu",
            vec![
                PlacementStrategy::Spread(SpreadField::Attribute(0)),
                PlacementStrategy::Binpack(Resource::Cpu),
            ],
        ),
        ("random", vec![PlacementStrategy::Random]),
    ];
    let mut group = c.benchmark_group("placement");
    group.throughput(Throughput::Elements(1));
    for n in [100u32, 1_000, 10_000] {
        let mut cluster = loaded_cluster(n);
        for (name, rules) in &strategies {
            let rules = Placement {
                strategies: rules.clone(),
                constraints: vec![],
                group: GroupId(0),
            };
            let mut rng = stream(2, StreamKind::Placement, 0);
            // Each iteration places a task and then removes it, so the cluster stays at the
            // same load and every decision is a real one.
            group.bench_function(BenchmarkId::new(*name, n), |b| {
                b.iter(|| {
                    let request = PlacementRequest {
                        cpu: 512,
                        memory: 1024,
                        host_ports: &[],
                        awsvpc: false,
                        pool: None,
                        placement: &rules,
                    };
                    let id: InstanceId = place(&cluster, &request, &mut rng).expect("fits");
                    let r = Reservation {
                        cpu: 512,
                        memory: 1024,
                        host_ports: &[],
                        eni: false,
                        group: GroupId(0),
                        daemon: false,
                    };
                    cluster.reserve(id, r);
                    cluster.release(id, r);
                    black_box(id)
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bare_heap_loop, whole_run, placement);
criterion_main!(benches);
