//! Placement decisions on hand-built clusters, one line of data per case.

use super::*;
use crate::model::cluster::{PoolInfo, Reservation};
use crate::model::{AzId, GroupId, InstanceTypeSpec, PlacementConstraint, Resource, SpreadField};
use crate::query::Expr;
use crate::rng::{StreamKind, stream};
use crate::time::SimTime;

const AZ: usize = 0;

fn itype(name: &str, cpu: u32, mem: u32) -> InstanceTypeSpec {
    InstanceTypeSpec {
        name: name.into(),
        arch: "x86_64",
        cpu_units: cpu,
        memory_mib: mem,
        gpus: 0,
        awsvpc_task_limit: 2,
        price_per_hour: 0.1,
    }
}

/// Instances of (az, free cpu, free memory, pool); groups: 0 = "web", 1 = "other".
fn cluster(instances: &[(u32, u32, u32, u32)]) -> Cluster {
    cluster_keeping(instances, |_| {})
}

/// `cluster`, with `keep` choosing its indexes before any instance is added.
fn cluster_keeping(instances: &[(u32, u32, u32, u32)], keep: impl FnOnce(&mut Cluster)) -> Cluster {
    let pools = vec![
        PoolInfo {
            name: "a".into(),
            instance_type: itype("m5.large", 4096, 8192),
            os_type: "linux",
            attributes: vec![("stack".into(), "prod".into())],
            reserved_ports: vec![],
        },
        PoolInfo {
            name: "b".into(),
            instance_type: itype("t3.medium", 4096, 8192),
            os_type: "linux",
            attributes: vec![],
            reserved_ports: vec![],
        },
    ];
    let mut c = Cluster::new(
        vec!["az-a".into(), "az-b".into(), "az-c".into()],
        pools,
        vec!["web".into(), "other".into()],
        &[true, false],
        vec!["ecs.availability-zone".into()],
        None,
    );
    keep(&mut c);
    for &(az, cpu, mem, pool) in instances {
        let id = c.add_instance(PoolId(pool), AzId(az), false, 0.1, SimTime::ZERO);
        c.activate(id, SimTime::ZERO);
        // Burn capacity with tasks of group "other" to leave the asked-for free amounts.
        c.reserve(
            id,
            Reservation {
                group: GroupId(1),
                ..Reservation::plain(4096 - cpu, 8192 - mem)
            },
        );
    }
    c
}

fn add_web_tasks(c: &mut Cluster, instance: u32, n: u32) {
    for _ in 0..n {
        c.reserve(InstanceId(instance), Reservation::plain(0, 0));
    }
}

fn decide(
    c: &Cluster,
    strategies: &[PlacementStrategy],
    constraints: Vec<PlacementConstraint>,
    cpu: u32,
    mem: u32,
) -> Result<u32, RejectReason> {
    let placement = Placement {
        strategies: strategies.to_vec(),
        constraints,
        group: GroupId(0),
        policies: Vec::new(),
    };
    let request = PlacementRequest {
        cpu,
        memory: mem,
        gpu: 0,
        host_ports: &[],
        awsvpc: false,
        pool: None,
        placement: &placement,
    };
    let mut rng = stream(1, StreamKind::Placement, 0);
    place(c, &request, &mut rng).map(|id| id.0)
}

const BINPACK_CPU: PlacementStrategy = PlacementStrategy::Binpack(Resource::Cpu);
const BINPACK_MEM: PlacementStrategy = PlacementStrategy::Binpack(Resource::Memory);
const SPREAD_AZ: PlacementStrategy = PlacementStrategy::Spread(SpreadField::Attribute(AZ));
const SPREAD_HOST: PlacementStrategy = PlacementStrategy::Spread(SpreadField::InstanceId);

#[test]
fn binpack_picks_least_left_that_still_fits() {
    let c = cluster(&[(0, 4096, 8192, 0), (1, 1024, 8192, 0), (2, 512, 8192, 0)]);
    assert_eq!(decide(&c, &[BINPACK_CPU], vec![], 512, 256), Ok(2));
    assert_eq!(decide(&c, &[BINPACK_CPU], vec![], 600, 256), Ok(1));
    assert_eq!(decide(&c, &[BINPACK_CPU], vec![], 2048, 256), Ok(0));
}

#[test]
fn binpack_memory_skips_instances_short_of_cpu() {
    // Instance 1 has the least memory but not enough CPU.
    let c = cluster(&[(0, 4096, 4096, 0), (1, 100, 1024, 0), (2, 4096, 2048, 0)]);
    assert_eq!(decide(&c, &[BINPACK_MEM], vec![], 512, 1024), Ok(2));
}

#[test]
fn a_later_strategy_breaks_the_earlier_ones_ties() {
    // Equal free CPU on 0 and 1; memory binpack prefers 1.
    let c = cluster(&[(0, 2048, 8192, 0), (1, 2048, 4096, 0), (2, 4096, 1024, 0)]);
    assert_eq!(
        decide(&c, &[BINPACK_CPU, BINPACK_MEM], vec![], 512, 512),
        Ok(1)
    );
    // Reversed order: memory first picks 2 despite its CPU.
    assert_eq!(
        decide(&c, &[BINPACK_MEM, BINPACK_CPU], vec![], 512, 512),
        Ok(2)
    );
}

#[test]
fn spread_az_then_instance_balances_the_group() {
    let mut c = cluster(&[
        (0, 4096, 8192, 0),
        (0, 4096, 8192, 0),
        (1, 4096, 8192, 0),
        (1, 4096, 8192, 0),
        (2, 4096, 8192, 0),
    ]);
    add_web_tasks(&mut c, 0, 1);
    add_web_tasks(&mut c, 2, 1);
    // az-c has no web task: its only instance wins.
    assert_eq!(
        decide(&c, &[SPREAD_AZ, SPREAD_HOST], vec![], 256, 256),
        Ok(4)
    );
    add_web_tasks(&mut c, 4, 1);
    // All AZs tie at one; the instance spread then picks an empty instance (1 or 3).
    let chosen = decide(&c, &[SPREAD_AZ, SPREAD_HOST], vec![], 256, 256).unwrap();
    assert!(chosen == 1 || chosen == 3, "{chosen}");
}

#[test]
fn spread_by_instance_uses_the_fewest_tasks_of_this_group_only() {
    let mut c = cluster(&[(0, 1024, 8192, 0), (1, 4096, 8192, 0)]);
    add_web_tasks(&mut c, 1, 2);
    assert_eq!(decide(&c, &[SPREAD_HOST], vec![], 256, 256), Ok(0));
}

#[test]
fn distinct_instance_and_member_of_filter() {
    let mut c = cluster(&[(0, 1024, 8192, 0), (1, 4096, 8192, 1), (2, 2048, 8192, 0)]);
    add_web_tasks(&mut c, 0, 1);
    let distinct = vec![PlacementConstraint::DistinctInstance];
    // 0 has the least CPU left but already runs a web task.
    assert_eq!(decide(&c, &[BINPACK_CPU], distinct, 256, 256), Ok(2));
    let member = vec![PlacementConstraint::MemberOf(
        Expr::parse("attribute:ecs.instance-type =~ t3.*").unwrap(),
    )];
    assert_eq!(decide(&c, &[BINPACK_CPU], member, 256, 256), Ok(1));
    let custom = vec![PlacementConstraint::MemberOf(
        Expr::parse("attribute:stack == prod and attribute:ecs.availability-zone != az-a").unwrap(),
    )];
    assert_eq!(decide(&c, &[], custom, 256, 256), Ok(2));
    let none = vec![PlacementConstraint::MemberOf(
        Expr::parse("attribute:stack == dev").unwrap(),
    )];
    assert_eq!(
        decide(&c, &[], none, 256, 256),
        Err(RejectReason::Constraint)
    );
}

#[test]
fn failures_name_the_resource_as_run_task_does() {
    let c = cluster(&[(0, 512, 8192, 0), (1, 4096, 256, 0)]);
    assert_eq!(
        decide(&c, &[], vec![], 1024, 512),
        Err(RejectReason::Memory)
    );
    assert_eq!(decide(&c, &[], vec![], 8192, 128), Err(RejectReason::Cpu));
    let empty = cluster(&[]);
    assert_eq!(
        decide(&empty, &[], vec![], 1, 1),
        Err(RejectReason::NoInstances)
    );
}

/// A waiting task retried when nothing can hold it must not move the random stream, or
/// every later choice would depend on how many hopeless retries happened before it.
#[test]
fn a_decision_nothing_can_satisfy_draws_nothing() {
    let c = cluster(&[(0, 1024, 8192, 0), (1, 4096, 1024, 1)]);
    for strategies in [
        vec![PlacementStrategy::Random],
        vec![],
        vec![PlacementStrategy::Spread(SpreadField::Attribute(AZ))],
        vec![
            PlacementStrategy::Binpack(Resource::Cpu),
            PlacementStrategy::Random,
        ],
    ] {
        let placement = Placement {
            strategies,
            constraints: vec![],
            group: GroupId(0),
            policies: Vec::new(),
        };
        // Each instance has one of the two amounts; none has both.
        let request = PlacementRequest {
            cpu: 2048,
            memory: 2048,
            gpu: 0,
            host_ports: &[],
            awsvpc: false,
            pool: None,
            placement: &placement,
        };
        let mut rng = stream(3, StreamKind::Placement, 0);
        assert_eq!(choose_instance(&c, &request, &mut rng), None);
        let untouched: u64 = stream(3, StreamKind::Placement, 0).random();
        assert_eq!(rng.random::<u64>(), untouched, "{:?}", placement.strategies);
    }
}

/// A task of 512 CPU units and 512 MiB, no ports, no awsvpc.
fn half_cpu_request(placement: &Placement, pool: Option<PoolId>) -> PlacementRequest<'_> {
    PlacementRequest {
        cpu: 512,
        memory: 512,
        gpu: 0,
        host_ports: &[],
        awsvpc: false,
        pool,
        placement,
    }
}

#[test]
fn random_is_uniform_over_feasible_instances() {
    let c = cluster(&[
        (0, 4096, 8192, 0),
        (1, 100, 8192, 0),
        (2, 4096, 8192, 0),
        (0, 4096, 8192, 0),
    ]);
    let placement = Placement {
        strategies: vec![PlacementStrategy::Random],
        constraints: vec![],
        group: GroupId(0),
        policies: Vec::new(),
    };
    let request = half_cpu_request(&placement, None);
    let mut rng = stream(9, StreamKind::Placement, 0);
    let mut counts = [0u32; 4];
    let n = 30_000;
    for _ in 0..n {
        counts[place(&c, &request, &mut rng).unwrap().index()] += 1;
    }
    assert_eq!(counts[1], 0);
    // Each feasible instance expects n/3 = 10 000, sd = sqrt(n p (1-p)) ≈ 81.6; ±5 sd.
    for &k in &[counts[0], counts[2], counts[3]] {
        assert!((f64::from(k) - 10_000.0).abs() < 5.0 * 81.7, "{counts:?}");
    }
}

/// A saturated cluster where the first 32 draws over all 20,000 instances almost always
/// miss (4 feasible: each decision misses with probability (1 - 4/20000)^32 ≈ 0.994), so
/// the draws over the 40 instances with the room for the shape choose, and when their 16
/// tries miss too ((36/40)^16 ≈ 0.185 of decisions) the reservoir pass does. Of the 36
/// with the room that are not feasible, 18 are in the other pool (the index's tag test
/// rejects them) and 18 already run a task of the group (`distinctInstance` rejects them).
#[test]
fn random_stays_uniform_when_only_a_few_instances_fit() {
    const N: usize = 20_000;
    let feasible = [0usize, 8, 12_345, N - 1];
    let other_pool: Vec<usize> = (0..18).map(|i| 100 + 1_000 * i).collect();
    let taken: Vec<usize> = (0..18).map(|i| 600 + 1_000 * i).collect();
    let specs: Vec<(u32, u32, u32, u32)> = (0..N)
        .map(|i| {
            let room = feasible.contains(&i) || other_pool.contains(&i) || taken.contains(&i);
            let pool = u32::from(other_pool.contains(&i));
            ((i % 3) as u32, if room { 1024 } else { 0 }, 8192, pool)
        })
        .collect();
    let placement = Placement {
        strategies: vec![PlacementStrategy::Random],
        constraints: vec![PlacementConstraint::DistinctInstance],
        group: GroupId(0),
        policies: Vec::new(),
    };
    let request = half_cpu_request(&placement, Some(PoolId(0)));
    let mut c = cluster_keeping(&specs, |c| {
        c.keep_indexes(false, false, Some([request.shape_class()]));
    });
    for &i in &taken {
        add_web_tasks(&mut c, i as u32, 1);
    }
    c.check_invariants().unwrap();
    let mut rng = stream(12, StreamKind::Placement, 0);
    let trials = 40_000;
    let mut counts = std::collections::BTreeMap::new();
    for _ in 0..trials {
        *counts
            .entry(place(&c, &request, &mut rng).unwrap().index())
            .or_insert(0u32) += 1;
    }
    assert_eq!(
        counts.keys().copied().collect::<Vec<_>>(),
        feasible,
        "{counts:?}"
    );
    // Uniform: 10,000 each. Chi-square with 3 degrees of freedom stays under 16.27 with
    // probability 0.999.
    let expected = trials as f64 / 4.0;
    let chi2: f64 = counts
        .values()
        .map(|&k| (f64::from(k) - expected).powi(2) / expected)
        .sum();
    assert!(chi2 < 16.27, "chi-square {chi2:.2}: {counts:?}");
}

#[test]
fn indexed_choice_equals_the_exhaustive_lexicographic_best() {
    // Compare the index walk with a brute-force scan on a random cluster.
    let mut rng = stream(5, StreamKind::Placement, 1);
    for round in 0..50 {
        let specs: Vec<(u32, u32, u32, u32)> = (0..40)
            .map(|_| {
                (
                    rng.random_range(0..3),
                    rng.random_range(0..8) * 512,
                    rng.random_range(0..8) * 1024,
                    0,
                )
            })
            .collect();
        let mut c = cluster(&specs);
        for i in 0..40 {
            let n = rng.random_range(0..3);
            add_web_tasks(&mut c, i, n);
        }
        for rules in [
            vec![BINPACK_CPU],
            vec![BINPACK_MEM, SPREAD_HOST],
            vec![SPREAD_HOST, BINPACK_CPU],
            vec![SPREAD_AZ, BINPACK_MEM],
            vec![SPREAD_AZ, SPREAD_HOST, BINPACK_CPU],
        ] {
            let got = decide(&c, &rules, vec![], 1024, 2048).ok();
            let placement = Placement {
                strategies: rules.clone(),
                constraints: vec![],
                group: GroupId(0),
                policies: Vec::new(),
            };
            let request = PlacementRequest {
                cpu: 1024,
                memory: 2048,
                gpu: 0,
                host_ports: &[],
                awsvpc: false,
                pool: None,
                placement: &placement,
            };
            let ctx = Ctx {
                cluster: &c,
                request: &request,
                nonce: 0,
            };
            let best_key = c
                .active()
                .iter()
                .filter(|id| ctx.feasible(**id))
                .map(|id| rules.iter().map(|r| ctx.key(*r, *id)).collect::<Vec<_>>())
                .min();
            let got_key = got.map(|id| {
                rules
                    .iter()
                    .map(|r| ctx.key(*r, InstanceId(id)))
                    .collect::<Vec<_>>()
            });
            assert_eq!(got_key, best_key, "round {round} rules {rules:?}");
        }
    }
}

#[test]
fn indexes_stay_in_step_through_reserve_release_drain_terminate() {
    let mut c = cluster(&[(0, 4096, 8192, 0), (1, 2048, 4096, 0), (2, 1024, 2048, 0)]);
    let r = Reservation {
        cpu: 512,
        memory: 512,
        gpu: 0,
        host_ports: &[80],
        eni: true,
        group: GroupId(0),
        daemon: false,
    };
    c.reserve(InstanceId(0), r);
    c.check_invariants().unwrap();
    c.drain(InstanceId(1));
    c.check_invariants().unwrap();
    c.release(InstanceId(0), r);
    // An instance's tasks are released before it terminates.
    c.release(
        InstanceId(2),
        Reservation {
            cpu: 3072,
            memory: 6144,
            gpu: 0,
            host_ports: &[],
            eni: false,
            group: GroupId(1),
            daemon: false,
        },
    );
    c.terminate(InstanceId(2), SimTime(5));
    c.check_invariants().unwrap();
    assert_eq!(c.active(), &[InstanceId(0)]);
}
