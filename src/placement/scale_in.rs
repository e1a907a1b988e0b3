//! Which task a service stops when it scales in, as ECS documents it per strategy: spread
//! over an attribute stops a task where the service has the most tasks of that value (the
//! AZ with the most, by default); spread by instance stops one from the instance with the
//! most; binpack stops the task whose instance would then have the most of the resource
//! left. Strategies apply in order, each breaking the earlier ones' ties; remaining ties go
//! to the newest task. Tasks of the service already on their way out (chosen earlier and
//! still deregistering, or under a notice) no longer count toward their AZ or instance, so
//! a run of stops behind a load balancer keeps AZs balanced (issue 9). A pure ranking over
//! a read-only view.

use crate::model::{
    AzId, Cluster, InstanceId, Placement, PlacementStrategy, Resource, SpreadField,
};

/// Where a candidate task runs.
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    /// The task's id (higher: newer, the last tie-break).
    pub task_id: u64,
    /// Its instance; `None` on Fargate.
    pub instance: Option<InstanceId>,
    /// Its AZ, once placed.
    pub az: Option<AzId>,
}

pub(super) const MAX_RULES: usize = 5;

/// The candidate ECS would stop first, or `None` if there are none. `departing`: the
/// service's tasks still holding their place but already stopping.
pub fn victim(
    cluster: &Cluster,
    placement: &Placement,
    candidates: &[Candidate],
    departing: &[Candidate],
) -> Option<usize> {
    // The departing tasks are tallied once, so ranking n candidates costs O(n log d), not
    // O(n d): a large service scaling in behind a load balancer has thousands of each.
    let leaving = Leaving::tally(cluster, placement, departing);
    candidates
        .iter()
        .enumerate()
        .max_by_key(|(_, c)| (key(cluster, placement, c, &leaving), c.task_id))
        .map(|(i, _)| i)
}

/// How many departing tasks hold each spread attribute's values, and each instance.
struct Leaving {
    /// Per spread rule's attribute key: counts by value.
    per_value: Vec<Vec<u32>>,
    /// Instances holding departing tasks, sorted, with their counts.
    per_instance: Vec<(InstanceId, u32)>,
}

impl Leaving {
    fn tally(cluster: &Cluster, placement: &Placement, departing: &[Candidate]) -> Leaving {
        let mut per_value: Vec<Vec<u32>> = vec![Vec::new(); cluster.spread_keys.len()];
        for rule in &placement.strategies {
            if let PlacementStrategy::Spread(SpreadField::Attribute(k)) = *rule {
                let counts = &mut per_value[k];
                if !counts.is_empty() {
                    continue;
                }
                counts.resize(cluster.attribute_values[k].len().max(cluster.azs.len()), 0);
                for d in departing {
                    let value = match (d.instance, k) {
                        (Some(i), _) => Some(cluster.instance(i).attribute_values[k]),
                        (None, 0) => d.az.map(|az| az.0),
                        (None, _) => None,
                    };
                    if let Some(v) = value {
                        counts[v as usize] += 1;
                    }
                }
            }
        }
        let mut instances: Vec<InstanceId> = departing.iter().filter_map(|d| d.instance).collect();
        instances.sort_unstable();
        let mut per_instance: Vec<(InstanceId, u32)> = Vec::new();
        for i in instances {
            match per_instance.last_mut() {
                Some((last, n)) if *last == i => *n += 1,
                _ => per_instance.push((i, 1)),
            }
        }
        Leaving {
            per_value,
            per_instance,
        }
    }

    fn with_value(&self, k: usize, value: u32) -> u32 {
        self.per_value[k].get(value as usize).copied().unwrap_or(0)
    }

    fn on_instance(&self, i: InstanceId) -> u32 {
        self.per_instance
            .binary_search_by_key(&i, |(id, _)| *id)
            .map_or(0, |at| self.per_instance[at].1)
    }
}

/// Higher sorts first: per rule, how strongly this task should go.
fn key(
    cluster: &Cluster,
    placement: &Placement,
    c: &Candidate,
    leaving: &Leaving,
) -> [u64; MAX_RULES] {
    let group = cluster.group(placement.group);
    let staying = |count: u32, leaving: u32| u64::from(count.saturating_sub(leaving));
    let mut out = [0u64; MAX_RULES];
    for (slot, rule) in out.iter_mut().zip(&placement.strategies) {
        *slot = match (*rule, c.instance) {
            (PlacementStrategy::Spread(SpreadField::Attribute(k)), Some(i)) => {
                let value = cluster.instance(i).attribute_values[k];
                staying(
                    group.per_attribute[k][value as usize],
                    leaving.with_value(k, value),
                )
            }
            // A Fargate task has an AZ but no instance: it counts toward AZ balance only.
            (PlacementStrategy::Spread(SpreadField::Attribute(0)), None) => c.az.map_or(0, |az| {
                staying(
                    group.per_attribute[0][az.index()],
                    leaving.with_value(0, az.0),
                )
            }),
            (PlacementStrategy::Spread(SpreadField::InstanceId), Some(i)) => {
                staying(group.per_instance[i.index()], leaving.on_instance(i))
            }
            (PlacementStrategy::Binpack(Resource::Cpu), Some(i)) => {
                u64::from(cluster.instance(i).cpu_free)
            }
            (PlacementStrategy::Binpack(Resource::Memory), Some(i)) => {
                u64::from(cluster.instance(i).memory_free)
            }
            _ => 0,
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cluster::Reservation;
    use crate::model::{GroupId, PoolId};
    use crate::time::SimTime;

    fn cluster(tasks_per_instance: &[(u32, u32, u32)]) -> Cluster {
        let mut c = Cluster::one_pool_for_tests(7987);
        for &(az, tasks, cpu_each) in tasks_per_instance {
            let id = c.add_instance(PoolId(0), AzId(az), false, 0.1, SimTime::ZERO);
            c.activate(id, SimTime::ZERO);
            for _ in 0..tasks {
                c.reserve(id, Reservation::plain(cpu_each, 256));
            }
        }
        c
    }

    fn on(instance: u32, task_id: u64) -> Candidate {
        Candidate {
            task_id,
            instance: Some(InstanceId(instance)),
            az: None,
        }
    }

    fn placement(strategies: Vec<PlacementStrategy>) -> Placement {
        Placement {
            strategies,
            constraints: vec![],
            group: GroupId(0),
            policies: Vec::new(),
        }
    }

    #[test]
    fn default_service_scale_in_takes_from_the_fullest_az_then_instance() {
        // AZ a: instances 0 (1 task), 1 (2 tasks); AZ b: instance 2 (2 tasks).
        let c = cluster(&[(0, 1, 256), (0, 2, 256), (1, 2, 256)]);
        let p = placement(vec![
            PlacementStrategy::Spread(SpreadField::Attribute(0)),
            PlacementStrategy::Spread(SpreadField::InstanceId),
        ]);
        let tasks = [on(0, 1), on(1, 2), on(1, 3), on(2, 4), on(2, 5)];
        // AZ a has 3 tasks, b has 2: stop in a, on instance 1 (2 tasks), the newer one.
        assert_eq!(victim(&c, &p, &tasks, &[]), Some(2));
    }

    #[test]
    fn binpack_stops_where_the_most_would_be_left() {
        let c = cluster(&[(0, 1, 1024), (0, 1, 256)]);
        let p = placement(vec![PlacementStrategy::Binpack(Resource::Cpu)]);
        assert_eq!(victim(&c, &p, &[on(0, 9), on(1, 1)], &[]), Some(1));
    }

    #[test]
    fn ties_go_to_the_newest_task() {
        let c = cluster(&[(0, 1, 256), (1, 1, 256)]);
        let p = placement(vec![PlacementStrategy::Random]);
        assert_eq!(victim(&c, &p, &[on(0, 7), on(1, 3)], &[]), Some(0));
        assert_eq!(victim(&c, &p, &[], &[]), None);
    }
}
