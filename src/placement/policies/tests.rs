//! Each shipped policy on three instances whose free amounts are known, its choice worked
//! out by hand from its formula; ties; and what a policy is never shown.

use super::*;
use crate::model::cluster::{PoolInfo, Reservation};
use crate::model::{
    AzId, Cluster, GroupId, InstanceId, InstanceTypeSpec, Placement, PlacementConstraint,
    PlacementStrategy, PoolId,
};
use crate::placement::{PlacementRequest, place};
use crate::query::Expr;
use crate::rng::{StreamKind, stream};
use crate::time::SimTime;
use std::sync::{Arc, Mutex};

/// Every instance registers 4096 CPU units and 8192 MiB.
const CPU: u32 = 4096;
const MEMORY: u32 = 8192;

/// Instances of (free CPU, free memory, pool), launched in order, all in AZ `az-a`. Pool 0
/// is `a` (attribute `stack = prod`), pool 1 is `b`. Groups: 0 = `service:web`, 1 = the
/// tasks that use up the rest. `salt` fixes the random ranks.
fn cluster(instances: &[(u32, u32, u32)], salt: u32) -> Cluster {
    let pool = |name: &str, attributes: Vec<(String, String)>| PoolInfo {
        name: name.into(),
        instance_type: InstanceTypeSpec {
            name: "m5.xlarge".into(),
            arch: "x86_64",
            cpu_units: CPU,
            memory_mib: MEMORY,
            gpus: 0,
            awsvpc_task_limit: 2,
            price_per_hour: 0.192,
        },
        os_type: "linux",
        attributes,
        reserved_ports: vec![],
    };
    let mut c = Cluster::new(
        vec!["az-a".into(), "az-b".into()],
        vec![
            pool("a", vec![("stack".into(), "prod".into())]),
            pool("b", vec![]),
        ],
        vec!["service:web".into(), "other".into()],
        &[true, false],
        vec!["ecs.availability-zone".into()],
        None,
    );
    c.set_rank_salt(salt);
    for &(cpu, memory, pool) in instances {
        let id = c.add_instance(PoolId(pool), AzId(0), false, 0.192, SimTime::ZERO);
        c.activate(id, SimTime::ZERO);
        c.reserve(
            id,
            Reservation {
                group: GroupId(1),
                ..Reservation::plain(CPU - cpu, MEMORY - memory)
            },
        );
    }
    c
}

/// The instance a chain of rules picks for a task of `cpu` units and `memory` MiB, the
/// chain's policies being `policies` (`Policy(i)` names the i-th).
fn pick(
    c: &Cluster,
    strategies: &[PlacementStrategy],
    policies: &[&str],
    constraints: Vec<PlacementConstraint>,
    cpu: u32,
    memory: u32,
    host_ports: &[u16],
) -> Option<u32> {
    let registry = PolicyRegistry::builtin();
    let placement = Placement {
        strategies: strategies.to_vec(),
        constraints,
        group: GroupId(0),
        policies: policies
            .iter()
            .map(|name| registry.get(name).unwrap().clone())
            .collect(),
    };
    let request = PlacementRequest {
        cpu,
        memory,
        gpu: 0,
        host_ports,
        awsvpc: false,
        pool: None,
        placement: &placement,
    };
    let mut rng = stream(1, StreamKind::Placement, 0);
    place(c, &request, &mut rng).ok().map(|id| id.0)
}

/// The instance `policy` alone picks.
fn by(c: &Cluster, policy: &str, cpu: u32, memory: u32) -> Option<u32> {
    pick(
        c,
        &[PlacementStrategy::Policy(0)],
        &[policy],
        vec![],
        cpu,
        memory,
        &[],
    )
}

/// Free (CPU, memory) of the three instances of the worked examples, as shares of 4096
/// units and 8192 MiB: i0 (0.5, 0.125), short of memory; i1 (0.375, 0.5); i2 (0.875,
/// 0.375), CPU-rich.
const THREE: [(u32, u32, u32); 3] = [(2048, 1024, 0), (1536, 4096, 0), (3584, 3072, 0)];

/// The task of the worked examples: 1024 CPU units and 256 MiB, shares (0.25, 0.03125) of
/// an instance. It fits on all three.
const TASK: (u32, u32) = (1024, 256);

#[test]
fn first_fit_takes_the_earliest_launched_instance_that_fits() {
    let c = cluster(&THREE, 0x5eed);
    // All three fit: i0, launched first.
    assert_eq!(by(&c, "first-fit", TASK.0, TASK.1), Some(0));
    // 2048 MiB: i0 has only 1024 free, so i1, launched next.
    assert_eq!(by(&c, "first-fit", 512, 2048), Some(1));
}

#[test]
fn best_fit_leaves_the_least_of_the_binding_resource() {
    let c = cluster(&THREE, 0x5eed);
    // free/asked, CPU then memory: i0 2048/1024 = 2, 1024/256 = 4 → CPU binds, leaves
    // (2048 − 1024)/4096 = 0.25; i1 1.5, 16 → CPU, leaves 512/4096 = 0.125; i2 3.5, 12 →
    // CPU, leaves 2560/4096 = 0.625. Least left: i1.
    assert_eq!(by(&c, "best-fit", TASK.0, TASK.1), Some(1));
    // 512 units, 1024 MiB: i0 4, 1 → memory binds and 1024 − 1024 leaves 0, a perfect
    // score; i1 (3, 4 → CPU, 0.25 left) and i2 (7, 3 → memory, 0.25 left) are not. i0.
    assert_eq!(by(&c, "best-fit", 512, 1024), Some(0));
}

#[test]
fn worst_fit_leaves_the_most_of_the_binding_resource() {
    let c = cluster(&THREE, 0x5eed);
    // Binding resources as for best-fit: left 0.25, 0.125, 0.625. Most: i2.
    assert_eq!(by(&c, "worst-fit", TASK.0, TASK.1), Some(2));
}

#[test]
fn tetris_takes_the_best_aligned_instance() {
    let c = cluster(&THREE, 0x5eed);
    // Σ asked share × free share: i0 0.25·0.5 + 0.03125·0.125 = 0.12890625;
    // i1 0.25·0.375 + 0.03125·0.5 = 0.109375; i2 0.25·0.875 + 0.03125·0.375 = 0.23046875.
    assert_eq!(by(&c, "tetris", TASK.0, TASK.1), Some(2));
    // A memory-heavy task, 256 units and 3072 MiB (shares 0.0625, 0.375), fits on i1 and
    // i2: i1 0.0625·0.375 + 0.375·0.5 = 0.2109375; i2 0.0625·0.875 + 0.375·0.375 =
    // 0.1953125. i1, where its memory is: least-allocated takes the emptier i2 (below).
    assert_eq!(by(&c, "tetris", 256, 3072), Some(1));
}

#[test]
fn most_allocated_follows_kubernetes_integer_formula() {
    let c = cluster(&THREE, 0x5eed);
    // requested = reserved + asked, score_r = requested × 100 / capacity (truncated),
    // score = (cpu + memory) / 2 (truncated):
    // i0 CPU 2048 + 1024 = 3072 → 75, memory 7168 + 256 = 7424 → 90 (90.625): 165/2 = 82;
    // i1 CPU 2560 + 1024 = 3584 → 87 (87.5), memory 4096 + 256 = 4352 → 53: 140/2 = 70;
    // i2 CPU 512 + 1024 = 1536 → 37 (37.5), memory 5120 + 256 = 5376 → 65: 102/2 = 51.
    assert_eq!(by(&c, "most-allocated", TASK.0, TASK.1), Some(0));
}

#[test]
fn least_allocated_follows_kubernetes_integer_formula() {
    let c = cluster(&THREE, 0x5eed);
    // score_r = (capacity − requested) × 100 / capacity (truncated):
    // i0 CPU 1024 → 25, memory 768 → 9 (9.375): 34/2 = 17;
    // i1 CPU 512 → 12 (12.5), memory 3840 → 46 (46.875): 58/2 = 29;
    // i2 CPU 2560 → 62 (62.5), memory 2816 → 34 (34.375): 96/2 = 48. i2.
    assert_eq!(by(&c, "least-allocated", TASK.0, TASK.1), Some(2));
    // 256 units and 3072 MiB, on i1 and i2: i1 CPU 1280 → 31 (31.25), memory 1024 → 12
    // (12.5): 43/2 = 21; i2 CPU 3328 → 81 (81.25), memory 0 → 0: 81/2 = 40. i2.
    assert_eq!(by(&c, "least-allocated", 256, 3072), Some(2));
}

#[test]
fn balanced_allocation_follows_kubernetes_formula() {
    let c = cluster(&THREE, 0x5eed);
    // fractions requested/capacity, std = |cpu − memory| / 2, score = trunc((1 − std)·100):
    // i0 (0.75, 0.90625): std 0.078125 → 92 (92.1875);
    // i1 (0.875, 0.53125): std 0.171875 → 82 (82.8125);
    // i2 (0.375, 0.65625): std 0.140625 → 85 (85.9375). Most balanced: i0.
    assert_eq!(by(&c, "balanced-allocation", TASK.0, TASK.1), Some(0));
    // 512 units and 3072 MiB fit on i1 and i2: i1 (3072/4096 = 0.75, 7168/8192 = 0.875) →
    // std 0.0625 → 93 (93.75); i2 (1024/4096 = 0.25, 8192/8192 = 1) → std 0.375 → 62. i1.
    assert_eq!(by(&c, "balanced-allocation", 512, 3072), Some(1));
}

#[test]
fn dominant_best_fit_fills_the_fullest_instance_whatever_resource_fills_it() {
    let c = cluster(&THREE, 0x5eed);
    // Dominant share after placing: i0 max(3072/4096 = 0.75, 7424/8192 = 0.90625) =
    // 0.90625; i1 max(0.875, 0.53125) = 0.875; i2 max(0.375, 0.65625) = 0.65625. i0,
    // where best-fit (on its binding resource, CPU) took i1: memory, which this task
    // hardly asks, is what makes i0 the fullest.
    assert_eq!(by(&c, "dominant-best-fit", TASK.0, TASK.1), Some(0));
    assert_eq!(by(&c, "best-fit", TASK.0, TASK.1), Some(1));
}

/// Salts under which, of instances `a` launched before `b`, the later has the lower random
/// rank, and the earlier: a tie must follow the rank, not the launch order.
fn salts_ordering(c_of: impl Fn(u32) -> Cluster, a: u32, b: u32) -> (u32, u32) {
    let rank = |c: &Cluster, i: u32| c.instance(InstanceId(i)).rank;
    let find = |later_first: bool| {
        (1..1000)
            .find(|&s| {
                let c = c_of(s);
                (rank(&c, b) < rank(&c, a)) == later_first
            })
            .unwrap()
    };
    (find(true), find(false))
}

/// Two instances with the same free amounts (i0 and i2) and one that cannot take the task
/// (i1, 256 units free): every policy but first-fit scores i0 and i2 alike, and no score
/// is perfect (best-fit leaves 1024 MiB; most-allocated 74; balanced 87 from fractions
/// 0.625 and 0.875; dominant share 0.875), so the tie goes to the lower random rank,
/// whichever was launched first.
#[test]
fn every_policy_breaks_ties_by_the_random_rank() {
    let twins = [(2048, 2048, 0), (256, 8192, 0), (2048, 2048, 0)];
    let make = |salt| cluster(&twins, salt);
    let (later_wins, earlier_wins) = salts_ordering(make, 0, 2);
    for name in [
        "best-fit",
        "worst-fit",
        "tetris",
        "most-allocated",
        "least-allocated",
        "balanced-allocation",
        "dominant-best-fit",
    ] {
        assert_eq!(by(&make(later_wins), name, 512, 1024), Some(2), "{name}");
        assert_eq!(by(&make(earlier_wins), name, 512, 1024), Some(0), "{name}");
    }
    // first-fit never ties: launch numbers differ.
    assert_eq!(by(&make(later_wins), "first-fit", 512, 1024), Some(0));
}

/// Instances that differ can tie on a score: best-fit's residual shares.
#[test]
fn best_fit_ties_between_different_instances_go_to_the_rank() {
    // 512 units, 1024 MiB. i0 (2048, 2048): memory binds (2 copies against 4), leaves
    // 1024/8192 = 0.125. i1 (1024, 6144): CPU binds (2 against 6), leaves 512/4096 =
    // 0.125. i2 (3072, 4096): memory binds, leaves 3072/8192 = 0.375. i0 and i1 tie.
    let three = [(2048, 2048, 0), (1024, 6144, 0), (3072, 4096, 0)];
    let make = |salt| cluster(&three, salt);
    let (later_wins, earlier_wins) = salts_ordering(make, 0, 1);
    assert_eq!(by(&make(later_wins), "best-fit", 512, 1024), Some(1));
    assert_eq!(by(&make(earlier_wins), "best-fit", 512, 1024), Some(0));
}

/// Kubernetes' truncation makes unequal instances tie; an ECS strategy after the policy
/// breaks that tie, as a later rule breaks any earlier rule's.
#[test]
fn kubernetes_truncation_ties_and_a_later_ecs_rule() {
    // A task of 1 unit and 1 MiB. Y = i0, free (2012, 4097): CPU (2084 + 1) × 100 / 4096 =
    // 50 (50.90), memory 4096 × 100 / 8192 = 50: score 50. Z = i1, empty: 0 and 0. X = i2,
    // free (2049, 4023): CPU 2048 → 50, memory 4170 → 50 (50.90): 50. Y and X tie at 50.
    let three = [(2012, 4097, 0), (4096, 8192, 0), (2049, 4023, 0)];
    let make = |salt| cluster(&three, salt);
    let (later_wins, earlier_wins) = salts_ordering(make, 0, 2);
    assert_eq!(by(&make(later_wins), "most-allocated", 1, 1), Some(2));
    assert_eq!(by(&make(earlier_wins), "most-allocated", 1, 1), Some(0));
    // Then binpack(memory): X has less memory free (4023 against 4097), whatever the rank.
    let chain = [
        PlacementStrategy::Policy(0),
        PlacementStrategy::Binpack(crate::model::Resource::Memory),
    ];
    let c = make(earlier_wins);
    assert_eq!(
        pick(&c, &chain, &["most-allocated"], vec![], 1, 1, &[]),
        Some(2)
    );
}

/// A policy alone in the chain takes its first perfect candidate in ACTIVE order, even
/// against a lower rank: a choice. In a longer chain, perfection is only a score.
#[test]
fn a_perfect_score_takes_the_first_perfect_candidate() {
    // 512 units, 1024 MiB: best-fit fills memory exactly on i0 and i2 (1024 MiB free
    // each); i1, empty, leaves 3584/4096 of CPU.
    let three = [(2048, 1024, 0), (4096, 8192, 0), (2048, 1024, 0)];
    let make = |salt| cluster(&three, salt);
    let (later_wins, earlier_wins) = salts_ordering(make, 0, 2);
    assert_eq!(by(&make(later_wins), "best-fit", 512, 1024), Some(0));
    // Spread by instance after it: i0 runs a web task, i2 none, so i2 though i0 has the
    // lower rank.
    let mut c = make(earlier_wins);
    c.reserve(InstanceId(0), Reservation::plain(0, 0));
    let chain = [
        PlacementStrategy::Policy(0),
        PlacementStrategy::Spread(crate::model::SpreadField::InstanceId),
    ];
    assert_eq!(
        pick(&c, &chain, &["best-fit"], vec![], 512, 1024, &[]),
        Some(2)
    );
}

/// A policy after an ECS strategy ranks only what the strategy left tied.
#[test]
fn a_policy_breaks_an_ecs_strategys_ties() {
    // 512 units, 1024 MiB. binpack(cpu) ties i0 and i1 (2048 free each, i2 3072); tetris
    // then: i0 0.125·0.5 + 0.125·0.125 = 0.078125, i1 0.125·0.5 + 0.125·0.5 = 0.125. i1,
    // though i0 has the lower rank.
    let three = [(2048, 1024, 0), (2048, 4096, 0), (3072, 6144, 0)];
    let make = |salt| cluster(&three, salt);
    let (_, earlier_wins) = salts_ordering(make, 0, 1);
    let c = make(earlier_wins);
    let chain = [
        PlacementStrategy::Binpack(crate::model::Resource::Cpu),
        PlacementStrategy::Policy(0),
    ];
    assert_eq!(
        pick(&c, &chain, &["tetris"], vec![], 512, 1024, &[]),
        Some(1)
    );
    assert_eq!(
        pick(
            &c,
            &[PlacementStrategy::Binpack(crate::model::Resource::Cpu)],
            &[],
            vec![],
            512,
            1024,
            &[]
        ),
        Some(0)
    );
}

/// Likes the latest-launched instance best, and writes down every instance it is shown.
struct Latest(Arc<Mutex<Vec<u32>>>);

impl PlacementPolicy for Latest {
    fn score(&self, _: &Ask<'_>, c: &Candidate<'_>, _: &mut PolicyRng) -> f64 {
        self.0.lock().unwrap().push(c.launch());
        f64::from(c.launch())
    }
}

/// What `Latest` is shown, and which instance it gets, among three empty instances (i2 in
/// pool `b`, the others in pool `a` with `stack = prod`) set up by `prepare`, for a task of
/// group `service:web` binding `ports` under `constraints`.
fn shown_to_latest(
    prepare: impl FnOnce(&mut Cluster),
    constraints: Vec<PlacementConstraint>,
    ports: &[u16],
) -> (Vec<u32>, Option<u32>) {
    let mut c = cluster(&[(4096, 8192, 0), (4096, 8192, 0), (4096, 8192, 1)], 0x5eed);
    prepare(&mut c);
    let shown = Arc::new(Mutex::new(Vec::new()));
    let mut registry = PolicyRegistry::empty();
    registry
        .register("latest", Latest(Arc::clone(&shown)))
        .unwrap();
    let placement = Placement {
        strategies: vec![PlacementStrategy::Policy(0)],
        constraints,
        group: GroupId(0),
        policies: vec![registry.get("latest").unwrap().clone()],
    };
    let request = PlacementRequest {
        cpu: 512,
        memory: 512,
        gpu: 0,
        host_ports: ports,
        awsvpc: false,
        pool: None,
        placement: &placement,
    };
    let chosen = place(&c, &request, &mut stream(1, StreamKind::Placement, 0))
        .ok()
        .map(|id| id.0);
    let shown = shown.lock().unwrap().clone();
    (shown, chosen)
}

/// ECS's filters and constraints run before a policy: an instance they rule out is never
/// shown to it, so it cannot be chosen however the policy would score it.
#[test]
fn a_policy_is_never_shown_what_ecs_rules_out() {
    // Unconstrained, the policy sees all three and takes i2, the latest.
    assert_eq!(
        shown_to_latest(|_| {}, vec![], &[8080]),
        (vec![0, 1, 2], Some(2))
    );
    // i2's host port 8080 is taken: the task binding 8080 cannot go there.
    let port_taken = |c: &mut Cluster| {
        c.reserve(
            InstanceId(2),
            Reservation {
                host_ports: &[8080],
                group: GroupId(1),
                ..Reservation::plain(0, 0)
            },
        )
    };
    assert_eq!(
        shown_to_latest(port_taken, vec![], &[8080]),
        (vec![0, 1], Some(1))
    );
    // memberOf: only `stack = prod` instances, and i2's pool has no such attribute.
    let prod = PlacementConstraint::MemberOf(Expr::parse("attribute:stack == prod").unwrap());
    assert_eq!(
        shown_to_latest(|_| {}, vec![prod], &[]),
        (vec![0, 1], Some(1))
    );
    // distinctInstance: i2 already runs a web task.
    let web_on_i2 = |c: &mut Cluster| c.reserve(InstanceId(2), Reservation::plain(0, 0));
    assert_eq!(
        shown_to_latest(web_on_i2, vec![PlacementConstraint::DistinctInstance], &[]),
        (vec![0, 1], Some(1))
    );
    // Nothing allowed: nothing shown, nothing chosen.
    let none = PlacementConstraint::MemberOf(Expr::parse("attribute:stack == dev").unwrap());
    assert_eq!(shown_to_latest(|_| {}, vec![none], &[]), (vec![], None));
}

/// The ranking key reverses the scores' order, puts NaN last and makes −0 equal to 0.
#[test]
fn score_keys_order_highest_first() {
    use crate::placement::policy_rule::key;
    let ascending = [
        f64::NEG_INFINITY,
        -1e300,
        -2.5,
        -1e-300,
        0.0,
        1e-300,
        0.5,
        62.0,
        1e300,
        f64::INFINITY,
    ];
    for pair in ascending.windows(2) {
        assert!(key(pair[1]) < key(pair[0]), "{pair:?}");
    }
    assert_eq!(key(-0.0), key(0.0));
    assert_eq!(key(f64::NAN), key(f64::NEG_INFINITY));
}

#[test]
fn the_registry_refuses_bad_and_taken_names() {
    let mut r = PolicyRegistry::builtin();
    assert_eq!(
        r.names().collect::<Vec<_>>(),
        [
            "first-fit",
            "best-fit",
            "worst-fit",
            "tetris",
            "most-allocated",
            "least-allocated",
            "balanced-allocation",
            "dominant-best-fit"
        ]
    );
    assert!(
        r.register("tetris", Tetris)
            .unwrap_err()
            .0
            .contains("already registered")
    );
    for bad in ["", "has space", "dotted.name", &"x".repeat(65)] {
        assert!(r.register(bad, Tetris).is_err(), "{bad:?}");
    }
    assert_eq!(r.register("my_policy-2", Tetris), Ok(()));
    assert!(r.get("my_policy-2").is_some());
}
