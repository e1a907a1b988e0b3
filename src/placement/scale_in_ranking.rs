//! The scale-in rule of `scale_in.rs`, kept as an index so a service stopping k of its n
//! tasks over b buckets (below) pays O(n log b + k (b + m log n)), building included, m
//! being the most tasks of the service on one instance, instead of O(k n): 865,000
//! scheduler stops over a four-month, 50,000-instance run ranked every task of the service
//! once per stop.
//!
//! Every part of a task's rank depends on its instance only, and splits in two:
//! - the leading `spread(attribute)` rules rank by counts per attribute *value*; tasks are
//!   bucketed by those values and the counts are read when a victim is chosen, so a stop
//!   in one AZ costs nothing for the thousands of other tasks in that AZ;
//! - the rules after them (spread by instance, binpack, anything ranking nothing) rank by
//!   the instance's own counts and free resources: each bucket keeps its tasks in a
//!   max-heap by that tail, and a stop re-ranks only the tasks on the victim's instance.
//!
//! The heaps are cleaned lazily: a stop or a re-rank leaves the old entry in place and
//! pushes the new one, and an entry is skipped when it reaches the top if its task is gone
//! or ranks differently now. Building a heap is linear, where building an ordered set
//! sorted the service's tasks on every scale-in (15% of the scale run).
//!
//! It chooses exactly what `scale_in::victim` chooses, provided nothing but the victims
//! changes the cluster between choices (the caller falls back to `victim` otherwise), and
//! it declines (`new` returns `None`) chains it does not cover: a Fargate task (no
//! instance), or a `spread(attribute)` after another kind of rule.

use super::scale_in::{Candidate, MAX_RULES};
use crate::model::{Cluster, InstanceId, Placement, PlacementStrategy, Resource, SpreadField};
use std::collections::{BTreeMap, BinaryHeap};

type Rank = [u64; MAX_RULES];
/// The leading rules' attribute values (unused places zero).
type Values = [u32; MAX_RULES];
/// A heap entry: (tail rank, task id, candidate).
type Entry = (Rank, u64, usize);

/// Tasks sharing the leading rules' attribute values, in a max-heap of (tail rank, task
/// id, candidate) that may hold stale entries (see the module's notes).
struct Bucket {
    values: Values,
    tasks: BinaryHeap<Entry>,
}

/// A service's tasks ranked for scale-in by its placement strategies, kept up to date across a run
/// of stops (see the module's notes).
pub struct ScaleInRanking<'p> {
    placement: &'p Placement,
    /// Attribute keys of the leading `spread(attribute)` rules.
    leading: Vec<usize>,
    candidates: Vec<Candidate>,
    /// Per candidate: its bucket, its tail rank as filed, and whether it is still there.
    bucket_of: Vec<usize>,
    tail_of: Vec<Rank>,
    present: Vec<bool>,
    /// Per bucket: the leading rules' attribute values, and its tasks by (tail, task id).
    buckets: Vec<Bucket>,
    /// An instance's candidates as a chain: by instance slot, its first candidate, and by
    /// candidate, the next on the same instance (`NONE` ends it). Zeroed memory is free
    /// until touched, so a table per slot costs only the pages the candidates touch.
    first_on_instance: Vec<u32>,
    next_on_instance: Vec<u32>,
    /// Departing tasks: per leading rule, by value; and per instance.
    leaving_value: Vec<BTreeMap<u32, u32>>,
    leaving_instance: BTreeMap<InstanceId, u32>,
}

/// The end of an instance's chain of candidates; a link is a candidate's position plus one.
const NONE: u32 = 0;

fn staying(count: u32, leaving: u32) -> u64 {
    u64::from(count.saturating_sub(leaving))
}

impl<'p> ScaleInRanking<'p> {
    /// Ranks `candidates` (their positions are what `victim` returns), with `departing`
    /// tasks already on their way out.
    pub fn new(
        cluster: &Cluster,
        placement: &'p Placement,
        candidates: &[Candidate],
        departing: &[Candidate],
    ) -> Option<ScaleInRanking<'p>> {
        let leading: Vec<usize> = placement
            .strategies
            .iter()
            .map_while(|rule| match *rule {
                PlacementStrategy::Spread(SpreadField::Attribute(k)) => Some(k),
                _ => None,
            })
            .collect();
        let later_attribute_rule = placement.strategies[leading.len()..]
            .iter()
            .any(|rule| matches!(rule, PlacementStrategy::Spread(SpreadField::Attribute(_))));
        let any_without_instance = candidates
            .iter()
            .chain(departing)
            .any(|c| c.instance.is_none());
        if later_attribute_rule || any_without_instance || placement.strategies.len() > MAX_RULES {
            return None;
        }
        let leading_rules = leading.len();
        let mut ranking = ScaleInRanking {
            placement,
            leading,
            candidates: candidates.to_vec(),
            bucket_of: Vec::with_capacity(candidates.len()),
            tail_of: Vec::with_capacity(candidates.len()),
            present: vec![true; candidates.len()],
            buckets: Vec::new(),
            first_on_instance: vec![NONE; cluster.instance_slots().len()],
            next_on_instance: Vec::with_capacity(candidates.len()),
            leaving_value: vec![BTreeMap::new(); leading_rules],
            leaving_instance: BTreeMap::new(),
        };
        for d in departing {
            ranking.count_leaving(cluster, d.instance.expect("checked above"));
        }
        let mut bucket_index: BTreeMap<Values, usize> = BTreeMap::new();
        // Each bucket's tasks are gathered, then its heap is built from them in one go.
        let mut filed: Vec<(Values, Vec<Entry>)> = Vec::new();
        for (idx, c) in candidates.iter().enumerate() {
            let instance = c.instance.expect("checked above");
            let values = ranking.values(cluster, instance);
            let next = bucket_index.len();
            let b = *bucket_index.entry(values).or_insert(next);
            if b == filed.len() {
                filed.push((values, Vec::new()));
            }
            let tail = ranking.tail(cluster, instance);
            ranking.bucket_of.push(b);
            ranking.tail_of.push(tail);
            filed[b].1.push((tail, c.task_id, idx));
            let first = &mut ranking.first_on_instance[instance.index()];
            ranking
                .next_on_instance
                .push(std::mem::replace(first, idx as u32 + 1));
        }
        ranking.buckets = filed
            .into_iter()
            .map(|(values, tasks)| Bucket {
                values,
                tasks: BinaryHeap::from(tasks),
            })
            .collect();
        Some(ranking)
    }

    /// The candidate to stop next (a position in the candidates given to `new`).
    pub fn victim(&mut self, cluster: &Cluster) -> Option<usize> {
        let group = cluster.group(self.placement.group);
        let mut best: Option<(Rank, u64, usize)> = None;
        for Bucket { values, tasks } in &mut self.buckets {
            // Stale entries on top go now; below the top they wait their turn.
            while let Some(&(tail, _, idx)) = tasks.peek() {
                if self.present[idx] && self.tail_of[idx] == tail {
                    break;
                }
                tasks.pop();
            }
            let Some(&(tail, task_id, idx)) = tasks.peek() else {
                continue;
            };
            let mut rank = tail;
            for (j, (&k, &value)) in self.leading.iter().zip(values.iter()).enumerate() {
                let leaving = self.leaving_value[j].get(&value).copied().unwrap_or(0);
                rank[j] = staying(group.per_attribute[k][value as usize], leaving);
            }
            if best.is_none_or(|b| (rank, task_id) > (b.0, b.1)) {
                best = Some((rank, task_id, idx));
            }
        }
        best.map(|(_, _, idx)| idx)
    }

    /// Candidate `idx` was stopped; `departing` if it still holds its place (it is
    /// deregistering), so it still counts in the cluster but no longer in the ranking.
    pub fn remove(&mut self, cluster: &Cluster, idx: usize, departing: bool) {
        if !std::mem::replace(&mut self.present[idx], false) {
            return;
        }
        let c = self.candidates[idx];
        let instance = c.instance.expect("every candidate has one");
        if departing {
            self.count_leaving(cluster, instance);
        }
        // The victim's instance changed (a task fewer, or one more leaving): its other
        // tasks are ranked afresh.
        let tail = self.tail(cluster, instance);
        let mut next = self.first_on_instance[instance.index()];
        while next != NONE {
            let other = next as usize - 1;
            if self.present[other] && self.tail_of[other] != tail {
                let task_id = self.candidates[other].task_id;
                self.buckets[self.bucket_of[other]]
                    .tasks
                    .push((tail, task_id, other));
                self.tail_of[other] = tail;
            }
            next = self.next_on_instance[other];
        }
    }

    fn count_leaving(&mut self, cluster: &Cluster, instance: InstanceId) {
        let values = self.values(cluster, instance);
        for (j, &value) in values.iter().take(self.leading.len()).enumerate() {
            *self.leaving_value[j].entry(value).or_insert(0) += 1;
        }
        *self.leaving_instance.entry(instance).or_insert(0) += 1;
    }

    fn values(&self, cluster: &Cluster, instance: InstanceId) -> Values {
        let attributes = &cluster.instance(instance).attribute_values;
        let mut values = [0; MAX_RULES];
        for (value, &k) in values.iter_mut().zip(&self.leading) {
            *value = attributes[k];
        }
        values
    }

    /// The rank's parts that depend on the instance alone (the leading parts left zero).
    fn tail(&self, cluster: &Cluster, instance: InstanceId) -> Rank {
        let group = cluster.group(self.placement.group);
        let inst = cluster.instance(instance);
        let mut out = [0u64; MAX_RULES];
        let rules = self.placement.strategies.iter().enumerate();
        for (slot, rule) in rules.skip(self.leading.len()) {
            out[slot] = match *rule {
                PlacementStrategy::Spread(SpreadField::InstanceId) => {
                    let leaving = self.leaving_instance.get(&instance).copied();
                    staying(group.per_instance[instance.index()], leaving.unwrap_or(0))
                }
                PlacementStrategy::Binpack(Resource::Cpu) => u64::from(inst.cpu_free),
                PlacementStrategy::Binpack(Resource::Memory) => u64::from(inst.memory_free),
                _ => 0,
            };
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cluster::{PoolInfo, Reservation};
    use crate::model::{AzId, GroupId, InstanceTypeSpec, PoolId};
    use crate::placement::scale_in::victim;
    use crate::rng::{StreamKind, stream};
    use crate::time::SimTime;
    use rand::Rng;

    /// `instances` instances over three AZs, each holding 0–3 tasks of the service with
    /// one of two shapes, so AZ, instance and free-resource ranks all tie and differ.
    fn cluster(instances: u32, rng: &mut crate::rng::StreamRng) -> (Cluster, Vec<Candidate>) {
        let itype = InstanceTypeSpec {
            name: "m5.xlarge".into(),
            arch: "x86_64",
            cpu_units: 4096,
            memory_mib: 15_000,
            gpus: 0,
            awsvpc_task_limit: 3,
            price_per_hour: 0.192,
        };
        // Two pools with their own `stack` attribute: a second spread key whose values
        // cut across the AZs.
        let pool = |name: &str, stack: &str| PoolInfo {
            name: name.into(),
            instance_type: itype.clone(),
            os_type: "linux",
            attributes: vec![("stack".into(), stack.into())],
            reserved_ports: vec![],
        };
        let mut c = Cluster::new(
            vec!["a".into(), "b".into(), "c".into()],
            vec![pool("p", "blue"), pool("q", "green")],
            vec!["web".into(), "other".into()],
            &[true, false],
            vec!["ecs.availability-zone".into(), "stack".into()],
            None,
        );
        let mut tasks = Vec::new();
        for n in 0..instances {
            let pool = PoolId(rng.random_range(0..2));
            let id = c.add_instance(pool, AzId(n % 3), false, 0.1, SimTime::ZERO);
            c.activate(id, SimTime::ZERO);
            for _ in 0..rng.random_range(0..4) {
                let (cpu, memory) = [(512, 1024), (1024, 512)][rng.random_range(0..2)];
                c.reserve(id, Reservation::plain(cpu, memory));
                tasks.push(Candidate {
                    task_id: tasks.len() as u64,
                    instance: Some(id),
                    az: Some(AzId(n % 3)),
                });
            }
            // Another service's load changes free resources without counting for this one.
            if rng.random_range(0..3) == 0 {
                c.reserve(
                    id,
                    Reservation {
                        group: GroupId(1),
                        ..Reservation::plain(256, 256)
                    },
                );
            }
        }
        (c, tasks)
    }

    /// Stops every task one at a time, each at once or deregistering (still holding its
    /// place), and checks the index picks the task the full ranking picks, every time. Some
    /// tasks are already departing when the ranking is built, some on instances where no
    /// candidate is left.
    #[test]
    fn the_index_stops_the_tasks_the_full_ranking_stops() {
        let az = PlacementStrategy::Spread(SpreadField::Attribute(0));
        let stack = PlacementStrategy::Spread(SpreadField::Attribute(1));
        let by_instance = PlacementStrategy::Spread(SpreadField::InstanceId);
        let cpu = PlacementStrategy::Binpack(Resource::Cpu);
        let memory = PlacementStrategy::Binpack(Resource::Memory);
        let chains = [
            vec![az, by_instance],
            vec![az, memory],
            vec![cpu],
            vec![by_instance],
            vec![PlacementStrategy::Random],
            vec![],
            vec![az, stack, by_instance],
            vec![stack, az, az, memory, cpu],
        ];
        for (case, strategies) in chains.into_iter().enumerate() {
            for seed in 0..20u64 {
                let placement = Placement {
                    strategies: strategies.clone(),
                    constraints: vec![],
                    group: GroupId(0),
                    policies: Vec::new(),
                };
                let mut rng = stream(seed, StreamKind::Placement, case as u64);
                let (mut cluster, all) = cluster(30, &mut rng);
                let (mut departing, tasks): (Vec<Candidate>, Vec<Candidate>) =
                    all.into_iter().partition(|_| rng.random_range(0..5) == 0);
                let mut ranking = ScaleInRanking::new(&cluster, &placement, &tasks, &departing)
                    .expect("every chain here is indexed");
                let mut left = tasks.clone();
                while !left.is_empty() {
                    let expected = victim(&cluster, &placement, &left, &departing).unwrap();
                    let got = ranking.victim(&cluster).expect("tasks are left");
                    assert_eq!(
                        tasks[got].task_id, left[expected].task_id,
                        "chain {case}, seed {seed}"
                    );
                    let chosen = left.swap_remove(expected);
                    // A third of the stops deregister first (they keep their place); the
                    // rest free it at once. What is freed only has to change the
                    // instance's free resources and counts, as a real stop does.
                    let stays = rng.random_range(0..3) == 0;
                    if stays {
                        departing.push(chosen);
                    } else {
                        cluster.release(chosen.instance.unwrap(), Reservation::plain(512, 512));
                    }
                    ranking.remove(&cluster, got, stays);
                }
                assert_eq!(ranking.victim(&cluster), None);
            }
        }
    }

    #[test]
    fn chains_it_does_not_cover_fall_back() {
        let mut rng = stream(9, StreamKind::Placement, 0);
        let (cluster, tasks) = cluster(6, &mut rng);
        let placement = Placement {
            strategies: vec![
                PlacementStrategy::Binpack(Resource::Cpu),
                PlacementStrategy::Spread(SpreadField::Attribute(0)),
            ],
            constraints: vec![],
            group: GroupId(0),
            policies: Vec::new(),
        };
        assert!(ScaleInRanking::new(&cluster, &placement, &tasks, &[]).is_none());
        let fargate = [Candidate {
            task_id: 1,
            instance: None,
            az: Some(AzId(0)),
        }];
        let spread = Placement {
            strategies: vec![PlacementStrategy::Spread(SpreadField::Attribute(0))],
            ..placement
        };
        assert!(ScaleInRanking::new(&cluster, &spread, &fargate, &[]).is_none());
    }
}
