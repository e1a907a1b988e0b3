//! The placement policy interface: a researcher's own rule, ranked where an ECS strategy
//! would be (`placementStrategy = [{ type = "policy", name = "..." }]`).
//!
//! A policy is a weigher in OpenDC's (and OpenStack Nova's) sense, a score plugin in
//! Kubernetes': ECS's filters and constraints have already run, so every [`Candidate`] it
//! is shown could take the task (room, ports, ENI, subnet address, `memberOf`,
//! `distinctInstance`); the policy only says how much it likes each one. It sees the
//! cluster read-only, and draws randomness only from the [`PolicyRng`] it is handed, so a
//! run stays a pure function of (scenario, seed).
//!
//! It lives here, beside [`super::Placement`] which carries it, because the resolved config
//! holds the policies a scenario names; the shipped ones, the registry of names and the
//! scan that asks them are in `crate::placement::policies`.

use super::cluster::Cluster;
use super::ids::{GroupId, InstanceId};
use rand::RngCore;
use rand::SeedableRng;
use std::sync::Arc;

/// A placement rule over the candidates ECS's filters left. Higher scores win; equal
/// scores go to the later rules of the chain, then to each instance's fixed random rank.
///
/// `Send + Sync`: a sweep runs variants on several threads, each reading the same policy.
/// It is asked through `&self`, and must keep no state that its decisions change (a
/// counter behind a lock would make a run depend on the runs beside it): a run stays a
/// pure function of its scenario and seed.
pub trait PlacementPolicy: Send + Sync {
    /// How much the policy likes placing the task `ask` describes on `candidate`: higher
    /// is better. A NaN score counts as the worst possible score.
    fn score(&self, ask: &Ask<'_>, candidate: &Candidate<'_>, rng: &mut PolicyRng) -> f64;

    /// A score no candidate can beat, if the policy has one. When the policy is the whole
    /// strategy chain, the first candidate scoring at least this is taken without looking
    /// at the rest: a choice, so ties at this score go to the candidate met first in the
    /// cluster's ACTIVE order, not to the random rank. In a longer chain it is only a
    /// score.
    fn perfect(&self) -> Option<f64> {
        None
    }
}

/// CPU units, MiB, whole GPUs and awsvpc ENIs: what an instance has or a task asks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// CPU units (1024 per vCPU).
    pub cpu: u32,
    /// Memory, MiB.
    pub memory: u32,
    /// Whole GPUs.
    pub gpus: u32,
    /// awsvpc ENIs.
    pub enis: u32,
}

impl Resources {
    /// The four amounts in a fixed order (CPU, memory, GPUs, ENIs), for formulas that sum
    /// or compare over resources.
    pub fn each(&self) -> [u32; 4] {
        [self.cpu, self.memory, self.gpus, self.enis]
    }
}

/// What the task being placed asks of one instance.
#[derive(Clone, Copy, Debug)]
pub struct Ask<'a> {
    /// CPU, memory and GPUs it reserves; `enis` is 1 for an awsvpc task, else 0.
    pub need: Resources,
    /// Static host ports it binds.
    pub host_ports: &'a [u16],
    /// Its task group: `service:<name>` for a service's task, the job stream's group else.
    pub group: &'a str,
}

/// One instance that could take the task, as a policy sees it: read-only.
#[derive(Clone, Copy)]
pub struct Candidate<'a> {
    cluster: &'a Cluster,
    id: InstanceId,
    /// The group of the task being placed.
    group: GroupId,
}

impl<'a> Candidate<'a> {
    /// Instance `id` of `cluster` as a candidate for a task of `group`: what the
    /// simulator hands a policy, and what a test of a policy on a hand-built cluster may
    /// build itself.
    pub fn new(cluster: &'a Cluster, id: InstanceId, group: GroupId) -> Candidate<'a> {
        Candidate { cluster, id, group }
    }

    /// Free now, before the task is placed.
    pub fn free(&self) -> Resources {
        let i = self.cluster.instance(self.id);
        Resources {
            cpu: i.cpu_free,
            memory: i.memory_free,
            gpus: i.gpu_free,
            enis: i.eni_free,
        }
    }

    /// What the instance registered with ECS (its capacity for tasks).
    pub fn registered(&self) -> Resources {
        let i = self.cluster.instance(self.id);
        Resources {
            cpu: i.cpu_total,
            memory: i.memory_total,
            gpus: i.gpu_total,
            enis: i.eni_total,
        }
    }

    /// Its availability zone's name.
    pub fn az(&self) -> &'a str {
        &self.cluster.azs[self.cluster.instance(self.id).az.index()]
    }

    /// Its pool's (Auto Scaling group's) name.
    pub fn pool(&self) -> &'a str {
        &self.cluster.pools[self.cluster.instance(self.id).pool.index()].name
    }

    /// Its EC2 instance type, e.g. `m5.large`.
    pub fn instance_type(&self) -> &'a str {
        let pool = self.cluster.instance(self.id).pool;
        &self.cluster.pools[pool.index()].instance_type.name
    }

    /// Its `i-…` id, as traces and `tasks.csv` name it.
    pub fn instance_id(&self) -> &'a str {
        &self.cluster.instance(self.id).ec2_instance_id
    }

    /// How many instances the run launched before this one (0 for the first): a fixed
    /// order over instances, which slots are not.
    pub fn launch(&self) -> u32 {
        self.cluster.instance(self.id).launch
    }

    /// Whether the instance is a Spot instance.
    pub fn spot(&self) -> bool {
        self.cluster.instance(self.id).spot
    }

    /// What the instance costs per hour (the Spot price for a Spot instance).
    pub fn price_per_hour(&self) -> f64 {
        self.cluster.instance(self.id).price_per_hour
    }

    /// Tasks holding resources on it, of every group.
    pub fn tasks(&self) -> u32 {
        self.cluster.instance(self.id).task_count
    }

    /// Tasks on it of the task group being placed (the count `spread` evens out).
    pub fn tasks_of_own_group(&self) -> u32 {
        self.cluster.group(self.group).per_instance[self.id.index()]
    }

    /// Tasks on it of the named task group (`service:<name>` for a service); 0 for a
    /// group the scenario does not have.
    pub fn tasks_of_group(&self, group: &str) -> u32 {
        self.cluster
            .group_names
            .iter()
            .position(|g| g == group)
            .map_or(0, |g| self.cluster.groups[g].per_instance[self.id.index()])
    }

    /// The value of an instance attribute as `memberOf` reads it (`ecs.instance-type`,
    /// `ecs.availability-zone`, a pool's custom attributes, ...).
    pub fn attribute(&self, name: &str) -> Option<&'a str> {
        let i = self.cluster.instance(self.id);
        self.cluster.attribute_of(i.pool, i.az, name)
    }
}

/// The randomness a policy may draw while scoring one candidate in one decision: its own
/// stream, seeded from a per-decision draw of the run's placement stream and the
/// candidate's launch number, so the same seed gives the same draws whatever else the run
/// does, and scoring a candidate twice gives the same score. Seeded only when first drawn
/// from, so a policy that draws nothing costs nothing.
pub struct PolicyRng {
    seed: u64,
    stream: Option<rand_pcg::Pcg64Mcg>,
}

impl PolicyRng {
    /// The stream for the `rule`-th policy of a placement scoring the instance of launch
    /// number `launch`, in the decision that drew `decision`.
    pub fn new(decision: u64, rule: usize, launch: u32) -> PolicyRng {
        let mut z = decision ^ (rule as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
        z ^= u64::from(launch).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        PolicyRng {
            seed: crate::rng::splitmix64(&mut z),
            stream: None,
        }
    }

    /// Whether the policy drew anything (the trace marks such scores as drawn).
    pub(crate) fn drawn(&self) -> bool {
        self.stream.is_some()
    }

    fn stream(&mut self) -> &mut rand_pcg::Pcg64Mcg {
        let seed = self.seed;
        self.stream
            .get_or_insert_with(|| rand_pcg::Pcg64Mcg::seed_from_u64(seed))
    }
}

impl RngCore for PolicyRng {
    fn next_u32(&mut self) -> u32 {
        self.stream().next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.stream().next_u64()
    }
    fn fill_bytes(&mut self, dst: &mut [u8]) {
        self.stream().fill_bytes(dst)
    }
}

/// A policy a placement names, with the name it was registered under (for traces and
/// `Debug`, which a trait object cannot give).
#[derive(Clone)]
pub struct PolicyHandle {
    /// The name the policy is registered under.
    pub name: String,
    /// The policy itself.
    pub policy: Arc<dyn PlacementPolicy>,
}

impl std::fmt::Debug for PolicyHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "policy({})", self.name)
    }
}
