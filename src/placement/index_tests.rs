//! The placement indexes against a brute-force linear scan: on clusters built by random
//! churn (reserves, releases, drains, awsvpc tasks, host ports, GPU tasks, two pools (one
//! with GPUs), three AZs, a subnet that runs out), every decision of an indexed cluster must equal both the
//! decision of an identical cluster that keeps no index (the scan and full-pass paths)
//! and, for chains without a random step, the lexicographic minimum worked out here from
//! the instances' fields alone.

use super::*;
use crate::model::cluster::{PoolInfo, Reservation};
use crate::model::{
    AzId, GroupId, InstanceState, InstanceTypeSpec, PlacementConstraint, Resource, SpreadField,
};
use crate::rng::{StreamKind, stream};
use crate::time::SimTime;
use proptest::prelude::*;
use rand::Rng;

const GROUPS: usize = 2;

fn build(indexed: bool) -> Cluster {
    let pool = |name: &str, cpu, mem, gpus| PoolInfo {
        name: name.into(),
        instance_type: InstanceTypeSpec {
            name: format!("{name}.type"),
            arch: "x86_64",
            cpu_units: cpu,
            memory_mib: mem,
            awsvpc_task_limit: 2,
            gpus,
            price_per_hour: 0.1,
        },
        os_type: "linux",
        attributes: vec![],
        reserved_ports: vec![],
    };
    let mut c = Cluster::new(
        vec!["a".into(), "b".into(), "c".into()],
        vec![pool("small", 2048, 4096, 0), pool("large", 4096, 16384, 2)],
        vec!["web".into(), "batch".into()],
        &[indexed; GROUPS],
        vec!["ecs.availability-zone".into()],
        Some(6),
    );
    // Every shape but the last is counted: the last draws through the slot index's walk.
    let counted = SHAPES[..SHAPES.len() - 1]
        .iter()
        .flat_map(|&(cpu, memory, gpu)| {
            [0, 1].map(|eni| crate::model::slot_tree::ShapeClass {
                cpu,
                memory,
                eni,
                gpu,
            })
        });
    c.keep_indexes(indexed, indexed, indexed.then_some(counted));
    c
}

#[derive(Clone, Debug)]
enum Op {
    Add {
        pool: u32,
        az: u32,
        active: bool,
    },
    Reserve {
        at: usize,
        shape: usize,
        group: usize,
        eni: bool,
        port: bool,
    },
    Release {
        which: usize,
    },
    Drain {
        at: usize,
    },
}

/// (CPU, memory, GPUs).
const SHAPES: [(u32, u32, u32); 7] = [
    (256, 512, 0),
    (512, 4096, 0),
    (1024, 1024, 0),
    (128, 2048, 0),
    (0, 256, 0),
    (256, 512, 1),
    (512, 1024, 2),
];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0u32..2, 0u32..3, prop::bool::weighted(0.9))
            .prop_map(|(pool, az, active)| Op::Add { pool, az, active }),
        6 => (any::<usize>(), 0usize..SHAPES.len(), 0usize..GROUPS, prop::bool::weighted(0.2), prop::bool::weighted(0.1))
            .prop_map(|(at, shape, group, eni, port)| Op::Reserve { at, shape, group, eni, port }),
        2 => any::<usize>().prop_map(|which| Op::Release { which }),
        1 => any::<usize>().prop_map(|at| Op::Drain { at }),
    ]
}

fn strategy() -> impl Strategy<Value = PlacementStrategy> {
    prop_oneof![
        Just(PlacementStrategy::Binpack(Resource::Cpu)),
        Just(PlacementStrategy::Binpack(Resource::Memory)),
        Just(PlacementStrategy::Spread(SpreadField::InstanceId)),
        Just(PlacementStrategy::Spread(SpreadField::Attribute(0))),
        Just(PlacementStrategy::Random),
        Just(PlacementStrategy::Policy(0)),
        Just(PlacementStrategy::Policy(1)),
    ]
}

/// The policies `Policy(0)` and `Policy(1)` name: one that stops at a perfect score, one
/// that always scans to the end.
fn policies() -> Vec<crate::model::policy::PolicyHandle> {
    let registry = policies::PolicyRegistry::builtin();
    ["best-fit", "tetris"]
        .map(|name| registry.get(name).unwrap().clone())
        .to_vec()
}

struct Twins {
    indexed: Cluster,
    plain: Cluster,
    /// Only the free-CPU index, as a run whose every placement binpacks on CPU keeps it.
    cpu_only: Cluster,
    held: Vec<(InstanceId, Reservation<'static>)>,
}

impl Twins {
    fn new() -> Twins {
        let mut cpu_only = build(false);
        cpu_only.keep_indexes(
            true,
            false,
            None::<Vec<crate::model::slot_tree::ShapeClass>>,
        );
        Twins {
            indexed: build(true),
            plain: build(false),
            cpu_only,
            held: Vec::new(),
        }
    }

    fn all(&mut self) -> [&mut Cluster; 3] {
        [&mut self.indexed, &mut self.plain, &mut self.cpu_only]
    }

    fn apply(&mut self, op: &Op) {
        let ids: Vec<InstanceId> = self.plain.active().to_vec();
        match *op {
            Op::Add { pool, az, active } => {
                for c in self.all() {
                    let id = c.add_instance(PoolId(pool), AzId(az), false, 0.1, SimTime::ZERO);
                    if active {
                        c.activate(id, SimTime::ZERO);
                    }
                }
            }
            Op::Reserve {
                at,
                shape,
                group,
                eni,
                port,
            } if !ids.is_empty() => {
                let id = ids[at % ids.len()];
                let (cpu, memory, gpu) = SHAPES[shape];
                let inst = self.plain.instance(id);
                let ports: &'static [u16] = if port { &[8080] } else { &[] };
                let fits = inst.cpu_free >= cpu
                    && inst.memory_free >= memory
                    && inst.gpu_free >= gpu
                    && (!eni || (inst.eni_free > 0 && self.plain.subnet_has_ip(inst.az)))
                    && inst.ports_free(ports);
                if fits {
                    let r = Reservation {
                        cpu,
                        memory,
                        gpu,
                        host_ports: ports,
                        eni,
                        group: GroupId(group as u32),
                        daemon: false,
                    };
                    let az = inst.az;
                    for c in self.all() {
                        c.reserve(id, r);
                        if eni {
                            c.take_ip(az);
                        }
                    }
                    self.held.push((id, r));
                }
            }
            Op::Release { which } if !self.held.is_empty() => {
                let (id, r) = self.held.swap_remove(which % self.held.len());
                let az = self.plain.instance(id).az;
                for c in self.all() {
                    c.release(id, r);
                    if r.eni {
                        c.return_ip(az);
                    }
                }
            }
            Op::Drain { at } if !ids.is_empty() => {
                let id = ids[at % ids.len()];
                for c in self.all() {
                    c.drain(id);
                }
            }
            _ => {}
        }
    }
}

/// The lexicographic best, from the instances' fields: each strategy's key in order (a
/// policy's score, highest first), then the instance's rank; or, when the chain is a
/// policy alone with a perfect score that some candidate reaches, the first such candidate
/// in ACTIVE order. `None` for chains with a random step (no single best).
fn brute_force(c: &Cluster, request: &PlacementRequest<'_>) -> Option<Option<InstanceId>> {
    let rules = &request.placement.strategies;
    let random_at_end = matches!(
        rules.last(),
        None | Some(PlacementStrategy::Spread(SpreadField::Attribute(_)))
    );
    if random_at_end || rules.contains(&PlacementStrategy::Random) {
        return None;
    }
    let group = c.group(request.placement.group);
    let score = |rule: usize, id: InstanceId| {
        let ask = crate::model::policy::Ask {
            need: crate::model::policy::Resources {
                cpu: request.cpu,
                memory: request.memory,
                gpus: request.gpu,
                enis: u32::from(request.awsvpc),
            },
            host_ports: request.host_ports,
            group: &c.group_names[request.placement.group.index()],
        };
        let candidate = crate::model::policy::Candidate::new(c, id, request.placement.group);
        let mut rng = crate::model::policy::PolicyRng::new(0, rule, 0);
        request.placement.policies[rule]
            .policy
            .score(&ask, &candidate, &mut rng)
    };
    if let [PlacementStrategy::Policy(rule)] = rules[..] {
        let rule = &rule;
        if let Some(perfect) = request.placement.policies[*rule].policy.perfect() {
            let feasible = feasible_set(c, request);
            let first_perfect = c
                .active()
                .iter()
                .copied()
                .find(|id| feasible.contains(id) && score(*rule, *id) >= perfect);
            if first_perfect.is_some() {
                return Some(first_perfect);
            }
        }
    }
    let key = |id: InstanceId| -> Vec<u64> {
        let inst = c.instance(id);
        let mut k: Vec<u64> = rules
            .iter()
            .map(|rule| match rule {
                PlacementStrategy::Binpack(Resource::Cpu) => u64::from(inst.cpu_free),
                PlacementStrategy::Binpack(Resource::Memory) => u64::from(inst.memory_free),
                PlacementStrategy::Spread(SpreadField::InstanceId) => {
                    u64::from(group.per_instance[id.index()])
                }
                PlacementStrategy::Spread(SpreadField::Attribute(k)) => {
                    u64::from(group.per_attribute[*k][inst.attribute_values[*k] as usize])
                }
                PlacementStrategy::Random => unreachable!(),
                // Highest score first: the negated score's order, as an integer.
                PlacementStrategy::Policy(rule) => policy_rule::key(score(*rule, id)),
            })
            .collect();
        k.push(u64::from(inst.rank));
        k
    };
    Some(
        feasible_set(c, request)
            .into_iter()
            .min_by_key(|id| key(*id)),
    )
}

/// Every ACTIVE instance with the room, the pool, the ports, the ENI and address, and the
/// constraints the request asks for, checked field by field.
fn feasible_set(c: &Cluster, r: &PlacementRequest<'_>) -> Vec<InstanceId> {
    c.instance_slots()
        .iter()
        .filter(|i| i.state == InstanceState::Active)
        .filter(|i| {
            r.pool.is_none_or(|p| p == i.pool)
                && i.cpu_free >= r.cpu
                && i.memory_free >= r.memory
                && i.gpu_free >= r.gpu
                && i.ports_free(r.host_ports)
                && (!r.awsvpc || (i.eni_free > 0 && c.subnet_has_ip(i.az)))
                && r.placement.constraints.iter().all(|k| match k {
                    PlacementConstraint::DistinctInstance => {
                        c.group(r.placement.group).per_instance[i.id.index()] == 0
                    }
                    PlacementConstraint::MemberOf(_) => unreachable!(),
                })
        })
        .map(|i| i.id)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn indexed_decisions_match_a_linear_scan(
        ops in prop::collection::vec(op(), 1..160),
        decisions in prop::collection::vec(
            (prop::collection::vec(strategy(), 0..3), 0usize..SHAPES.len(), 0u32..GROUPS as u32,
             prop::bool::weighted(0.25), prop::option::weighted(0.3, 0u32..2),
             prop::bool::weighted(0.2), prop::bool::weighted(0.1), any::<u64>()),
            1..12),
    ) {
        let mut twins = Twins::new();
        for op in &ops {
            twins.apply(op);
        }
        twins.indexed.check_invariants().map_err(TestCaseError::fail)?;
        for (rules, shape, group, awsvpc, pool, distinct, port, seed) in decisions {
            let placement = Placement {
                strategies: rules,
                constraints: if distinct { vec![PlacementConstraint::DistinctInstance] } else { vec![] },
                group: GroupId(group),
                policies: policies(),
            };
            let (cpu, memory, gpu) = SHAPES[shape];
            let request = PlacementRequest {
                cpu, memory, gpu,
                host_ports: if port { &[8080] } else { &[] },
                awsvpc, pool: pool.map(PoolId), placement: &placement,
            };
            let mut rng_a = stream(seed, StreamKind::Placement, 0);
            let mut rng_b = stream(seed, StreamKind::Placement, 0);
            let got = choose_instance(&twins.indexed, &request, &mut rng_a);
            let scanned = choose_instance(&twins.plain, &request, &mut rng_b);
            prop_assert_eq!(got, scanned, "{:?}", placement.strategies);
            let feasible = feasible_set(&twins.plain, &request);
            prop_assert_eq!(got.is_some(), !feasible.is_empty());
            // The glance retry_waiting takes before a decision never refuses a placeable task,
            // whichever index it reads (the slot index, or a free-CPU index alone).
            prop_assert!(feasible.is_empty() || may_have_room(&twins.indexed, &request));
            prop_assert!(feasible.is_empty() || may_have_room(&twins.cpu_only, &request));
            let mut rng_c = stream(seed, StreamKind::Placement, 0);
            prop_assert_eq!(choose_instance(&twins.cpu_only, &request, &mut rng_c), got);
            if let Some(id) = got {
                prop_assert!(feasible.contains(&id));
            }
            if let Some(best) = brute_force(&twins.plain, &request) {
                prop_assert_eq!(got, best, "{:?}", placement.strategies);
            }
            // Both streams advanced alike, so later decisions stay in step.
            prop_assert_eq!(rng_a.random::<u64>(), rng_b.random::<u64>());
        }
    }
}
