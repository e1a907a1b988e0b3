//! The saturated-cluster placement harness of issue 12, shared by `engine.rs` (ECS's
//! strategies) and `placement_policies.rs` (issue 40's policies beside them), so both time
//! the same decisions on the same clusters.

use ecsim::model::cluster::{PoolInfo, Reservation};
use ecsim::model::{
    AzId, Cluster, GroupId, InstanceId, InstanceTypeSpec, Placement, PlacementStrategy, PoolId,
    SpreadField,
};
use ecsim::placement::{PlacementRequest, choose_instance};
use ecsim::rng::{StreamKind, stream};
use ecsim::time::SimTime;
use rand::Rng;

/// The placement workloads of issue 12: instances of 4 vCPU / 15,000 MiB / 4 GPUs over
/// three AZs, four task shapes, and a strategy whose field is not the resource that binds.
pub struct Workload {
    pub name: &'static str,
    pub strategies: Vec<PlacementStrategy>,
    /// (cpu, memory) of the four task shapes.
    pub shapes: [(u32, u32); 4],
    /// GPUs every task asks for (issue 15: 1 makes GPUs bind, at 4 tasks per instance).
    pub gpu: u32,
}

/// A cluster keeping the indexes the simulator keeps for `rules` and the workload's task
/// shapes (so a reservation updates what a run would update, no more).
pub fn empty_cluster(n: u32, rules: &Placement, workload: &Workload) -> Cluster {
    let itype = InstanceTypeSpec {
        name: "four.fifteen".into(),
        arch: "x86_64",
        cpu_units: 4096,
        memory_mib: 15_000,
        awsvpc_task_limit: 3,
        gpus: 4,
        price_per_hour: 0.2,
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
        vec!["work".into()],
        &[rules
            .strategies
            .contains(&PlacementStrategy::Spread(SpreadField::InstanceId))],
        vec!["ecs.availability-zone".into()],
        None,
    );
    let requests = workload
        .shapes
        .iter()
        .map(|&(cpu, memory)| PlacementRequest {
            cpu,
            memory,
            gpu: workload.gpu,
            host_ports: &[],
            awsvpc: false,
            pool: None,
            placement: rules,
        });
    ecsim::placement::keep_indexes_for(&mut cluster, requests);
    for i in 0..n {
        let id = cluster.add_instance(PoolId(0), AzId(i % 3), false, 0.2, SimTime::ZERO);
        cluster.activate(id, SimTime::ZERO);
    }
    cluster
}

/// A saturated cluster and the head of its waiting queue. Each step is one placement
/// decision: the head is placed if anything fits, otherwise a random running task stops
/// (a release) and the head waits for the next step, as a queued task is retried only
/// when capacity frees. About half the decisions fail, the cluster stays 95–100% full in
/// the binding resource, and the strategy's field never binds.
pub struct Saturated {
    pub cluster: Cluster,
    running: Vec<(InstanceId, usize)>,
    head: usize,
    rng: ecsim::rng::StreamRng,
    placement_rng: ecsim::rng::StreamRng,
}

impl Saturated {
    pub fn new(n: u32, rules: &Placement, workload: &Workload) -> Saturated {
        Saturated {
            cluster: empty_cluster(n, rules, workload),
            running: Vec::new(),
            head: 0,
            rng: stream(4, StreamKind::JobArrivals, 0),
            placement_rng: stream(4, StreamKind::Placement, 0),
        }
    }

    fn reservation(shape: (u32, u32), gpu: u32) -> Reservation<'static> {
        Reservation {
            cpu: shape.0,
            memory: shape.1,
            gpu,
            host_ports: &[],
            eni: false,
            group: GroupId(0),
            daemon: false,
        }
    }

    pub fn step(&mut self, workload: &Workload, rules: &Placement) -> bool {
        let shape = workload.shapes[self.head];
        let request = PlacementRequest {
            cpu: shape.0,
            memory: shape.1,
            gpu: workload.gpu,
            host_ports: &[],
            awsvpc: false,
            pool: None,
            placement: rules,
        };
        match choose_instance(&self.cluster, &request, &mut self.placement_rng) {
            Some(id) => {
                self.cluster
                    .reserve(id, Self::reservation(shape, workload.gpu));
                self.running.push((id, self.head));
                self.head = self.rng.random_range(0..4);
                true
            }
            None => {
                self.release_random(workload);
                false
            }
        }
    }

    /// A random running task stops.
    pub fn release_random(&mut self, workload: &Workload) {
        let victim = self.rng.random_range(0..self.running.len());
        let (id, s) = self.running.swap_remove(victim);
        self.cluster
            .release(id, Self::reservation(workload.shapes[s], workload.gpu));
    }

    /// Fills the cluster until placements fail, then churns until the mix settles.
    pub fn fill(&mut self, workload: &Workload, rules: &Placement, n: u32) {
        while self.step(workload, rules) {}
        for _ in 0..2 * n {
            self.step(workload, rules);
        }
    }
}
