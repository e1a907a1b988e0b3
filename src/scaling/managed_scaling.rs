//! ECS managed scaling of an Auto Scaling group capacity provider (cluster auto scaling).
//!
//! Every minute ECS computes `CapacityProviderReservation` = M / N × 100, N the instances
//! in the group and M the instances it judges needed, and a target-tracking policy on the
//! group keeps it at `targetCapacity` (reference §4.2). Scale-out alarm: 1 of 1 datapoint
//! above target; scale-in alarm: 15 of 15 below.
//!
//! How M is computed (from AWS's "deep dive" description, the reference's [SEC-cpr]):
//! - with tasks in PROVISIONING: M = N + the scale-out estimate, so the metric rises above
//!   100 by as many instances as the waiting tasks need;
//! - otherwise: M = instances running at least one non-daemon task (the dev guide's "100
//!   minus the empty instances" is the same thing when N = 100, and differs otherwise;
//!   we use the ratio).
//!
//! The scale-out estimate: group the PROVISIONING tasks by identical shape, binpack them
//! first-fit-decreasing onto empty instances of the largest type (vCPU, memory, GPUs, ENIs,
//! host ports) for the instance count; tasks that fit no instance even of the largest type
//! are left out (no instance would help) and counted. The smallest type is the fit check:
//! tasks too big for it are reported, since a mixed group may launch the smallest. Then the
//! estimate is raised to `minimum_scaling_step_size` and capped at
//! `maximum_scaling_step_size`; with several instance types or AZs in the group ECS adds
//! exactly the minimum step and ignores demand [API-managedscaling].
//!
//! Settings whose rule AWS does not publish (INFERRED or UNVERIFIED, defaults stated):
//! - N = 0 with tasks waiting: the metric reads [`ManagedScalingConfig::empty_group_reservation`]
//!   (200, the dev guide's "scales out to 200%"); N = 0 with nothing waiting reads 100.
//!   Either way the new size is `ceil(M × 100 / targetCapacity)`.
//! - The new size on any action is `ceil(M × 100 / targetCapacity)`, the count at which the
//!   metric equals the target (the ASG's own target tracking, exact for integer M).
//! - Scale-in victims: empty registered instances, oldest first; without managed termination
//!   protection, registered instances oldest first whether empty or not (a stand-in for the
//!   ASG's default termination policy), so tasks may be killed.
//! - Scale-in removes at most `scale_in_max_fraction` (50%) of N per step, but at least one
//!   instance, so a one-instance group can still empty out.

use super::metrics::{Alarm, AlarmState, Comparison};
use crate::time::{SimDuration, SimTime};

/// What the sizing rule needs of an instance type: the capacity it registers. The model's
/// instance types hand this over (`InstanceShape::shape`), so policies stay below the
/// model and import nothing from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceShape {
    /// CPU the instance registers, in CPU units (1024 per vCPU).
    pub cpu_units: u32,
    /// Memory the instance registers, MiB.
    pub memory_mib: u32,
    /// awsvpc tasks it can hold.
    pub awsvpc_task_limit: u32,
    /// Whole GPUs.
    pub gpus: u32,
}

#[derive(Clone, Debug, PartialEq)]
/// A capacity provider's `managed_scaling` settings: the target and step sizes ECS keeps the
/// Auto Scaling group at.
pub struct ManagedScalingConfig {
    /// Percent, 1–100; default 100 (no spare instances).
    pub target_capacity: u32,
    /// Default 1.
    pub minimum_scaling_step_size: u32,
    /// Default 10000.
    pub maximum_scaling_step_size: u32,
    /// Default 300 s: no further scale-out while any instance is younger than this.
    pub instance_warmup: SimDuration,
    /// (M, N) of the scale-out alarm; default 1 of 1.
    pub scale_out_datapoints: (u32, u32),
    /// (M, N) of the scale-in alarm; default 15 of 15.
    pub scale_in_datapoints: (u32, u32),
    /// The metric's value when the group is empty and tasks wait (UNVERIFIED; 200).
    pub empty_group_reservation: f64,
    /// Largest share of the group one scale-in step removes; 0.5 since Sept 2022.
    pub scale_in_max_fraction: f64,
    /// Managed termination protection: only instances without non-daemon tasks are
    /// terminated. Default on here (it is off in the console), as it is what keeps
    /// scale-in from killing tasks.
    pub managed_termination_protection: bool,
    /// Apply the documented rule that a group with several instance types or AZs scales
    /// out by exactly the minimum step. Default true.
    pub mixed_group_uses_minimum_step: bool,
}

impl Default for ManagedScalingConfig {
    fn default() -> Self {
        ManagedScalingConfig {
            target_capacity: 100,
            minimum_scaling_step_size: 1,
            maximum_scaling_step_size: 10_000,
            instance_warmup: SimDuration::from_secs(300),
            scale_out_datapoints: (1, 1),
            scale_in_datapoints: (15, 15),
            empty_group_reservation: 200.0,
            scale_in_max_fraction: 0.5,
            managed_termination_protection: true,
            mixed_group_uses_minimum_step: true,
        }
    }
}

/// What one task reserves on an instance: the task definition's resource shape, the one
/// value placement requests, reservations and this policy's estimate are all built from
/// (`TaskDef::shape`). It sits here, below the model, because policies know no model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TaskShape<'a> {
    /// CPU the task reserves, in CPU units (1024 per vCPU).
    pub cpu: u32,
    /// Memory the task reserves, MiB.
    pub memory: u32,
    /// Whole GPUs, each the task's alone.
    pub gpu: u32,
    /// awsvpc: takes one of the instance's task ENIs.
    pub awsvpc: bool,
    /// Static host ports: a second copy cannot share the instance.
    pub host_ports: &'a [u16],
}

/// One instance of the group as the policy sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AsgInstance {
    /// When the instance was launched.
    pub launched_at: SimTime,
    /// Registered with the cluster (ACTIVE); a launching instance is not yet.
    pub registered: bool,
    /// Tasks on it other than DAEMON services' (an instance without any is empty).
    pub non_daemon_tasks: u32,
    /// Launched during the run (scale-out or replacement). Instances present at time zero
    /// were launched before the run began, so they are past their warm-up (issue 9).
    pub launched_in_run: bool,
}

/// What the policy needs to know of the group's instances: a few counts every minute, the
/// instances one by one only when it chooses which to terminate. A 40,000-instance group
/// can keep the counts as its instances change instead of listing them at every tick.
pub trait AsgInstances {
    /// The group's counts now.
    fn counts(&self) -> AsgCounts;
    /// Every instance, in a fixed order: `AsgDecision::Terminate` names positions in it.
    fn list(&self) -> Vec<AsgInstance>;
}

/// The group at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct AsgCounts {
    /// Instances in the group (launching included).
    pub instances: u32,
    /// Those running at least one task other than a daemon's.
    pub busy: u32,
    /// When the newest instance launched during the run was launched, if one is there.
    pub newest_launch_in_run: Option<SimTime>,
}

impl AsgInstances for [AsgInstance] {
    fn counts(&self) -> AsgCounts {
        AsgCounts {
            instances: self.len() as u32,
            busy: self.iter().filter(|i| i.non_daemon_tasks > 0).count() as u32,
            newest_launch_in_run: self
                .iter()
                .filter(|i| i.launched_in_run)
                .map(|i| i.launched_at)
                .max(),
        }
    }

    fn list(&self) -> Vec<AsgInstance> {
        self.to_vec()
    }
}

/// What the policy reads at a tick. `instances` are those in the group now, launching
/// included, draining and terminating excluded.
#[derive(Clone, Copy, Debug)]
pub struct AsgView<'a, G: AsgInstances + ?Sized = [AsgInstance]> {
    /// The tick's time.
    pub now: SimTime,
    /// The group's instances.
    pub instances: &'a G,
    /// The group's minimum size (`min_size`): scale-in never goes below it.
    pub min_size: u32,
    /// The group's maximum size (`max_size`): scale-out never goes above it.
    pub max_size: u32,
    /// The shapes of the instance types the group launches, at least one.
    pub instance_types: &'a [InstanceShape],
    /// More than one AZ in the group (for the mixed-group rule).
    pub multiple_azs: bool,
    /// Host ports the ECS agent holds on every instance (`ECS_RESERVED_PORTS`).
    pub reserved_ports: &'a [u16],
    /// Tasks of this provider in PROVISIONING, one entry per task.
    pub provisioning: &'a [TaskShape<'a>],
    /// Earlier minutes' reservation datapoints, oldest first (this tick's is computed).
    pub history: &'a [Option<f64>],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
/// How many instances the tasks waiting in PROVISIONING need, ECS's binpacked estimate.
pub struct ScaleOutEstimate {
    /// Instances of the largest type the waiting tasks need.
    pub instances: u32,
    /// Waiting tasks that fit no instance of the largest type.
    pub unplaceable_tasks: u32,
    /// Waiting tasks that fit the largest type but not the smallest.
    pub too_big_for_smallest: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
/// The CapacityProviderReservation a tick computes: `m / n × 100`.
pub struct Reservation {
    /// Instances needed.
    pub m: u32,
    /// Instances in the group.
    pub n: u32,
    /// CapacityProviderReservation, percent.
    pub metric: f64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
/// What managed scaling does to the group at a tick.
pub enum AsgDecision {
    /// Nothing: the reservation is at target, or a warm-up or bound holds it back.
    Hold,
    /// Raise the group's desired size to `desired` by launching `count` instances.
    Launch {
        /// Instances to launch, at least one.
        count: u32,
        /// The group's desired size afterwards.
        desired: u32,
    },
    /// Terminate these instances (indices into the view's `instances`, in order), leaving
    /// `desired`.
    Terminate {
        /// Positions in the view's instance list of the empty instances to terminate.
        instances: Vec<usize>,
        /// The group's desired size afterwards.
        desired: u32,
    },
}

/// Free room on one instance during the estimate.
#[derive(Clone, Debug)]
struct Bin {
    cpu: u32,
    memory: u32,
    gpus: u32,
    enis: u32,
    ports: Vec<u16>,
}

impl Bin {
    fn empty(t: &InstanceShape, reserved_ports: &[u16]) -> Bin {
        Bin {
            cpu: t.cpu_units,
            memory: t.memory_mib,
            gpus: t.gpus,
            enis: t.awsvpc_task_limit,
            ports: reserved_ports.to_vec(),
        }
    }

    /// How many more tasks of `shape` fit.
    fn room_for(&self, shape: &TaskShape<'_>) -> u32 {
        if shape.host_ports.iter().any(|p| self.ports.contains(p)) {
            return 0;
        }
        // A zero reservation never binds.
        let mut n = u32::MAX;
        n = n.min(self.cpu.checked_div(shape.cpu).unwrap_or(u32::MAX));
        n = n.min(self.memory.checked_div(shape.memory).unwrap_or(u32::MAX));
        n = n.min(self.gpus.checked_div(shape.gpu).unwrap_or(u32::MAX));
        if shape.awsvpc {
            n = n.min(self.enis);
        }
        if !shape.host_ports.is_empty() {
            n = n.min(1);
        }
        n
    }

    fn take(&mut self, shape: &TaskShape<'_>, k: u32) {
        self.cpu -= shape.cpu * k;
        self.memory -= shape.memory * k;
        self.gpus -= shape.gpu * k;
        if shape.awsvpc {
            self.enis -= k;
        }
        if k > 0 {
            self.ports.extend_from_slice(shape.host_ports);
        }
    }
}

/// The largest and smallest instance types, by (CPU, memory, ENIs, GPUs).
fn extremes(types: &[InstanceShape]) -> Option<(&InstanceShape, &InstanceShape)> {
    let key = |t: &&InstanceShape| (t.cpu_units, t.memory_mib, t.awsvpc_task_limit, t.gpus);
    Some((types.iter().max_by_key(key)?, types.iter().min_by_key(key)?))
}

/// Binpacks the waiting tasks onto fresh instances of the largest type (first fit,
/// biggest shapes first; identical tasks are placed a group at a time). A fresh instance
/// already holds the agent's `reserved_ports`.
pub fn estimate_instances(
    provisioning: &[TaskShape<'_>],
    types: &[InstanceShape],
    reserved_ports: &[u16],
) -> ScaleOutEstimate {
    let Some((largest, smallest)) = extremes(types) else {
        return ScaleOutEstimate {
            unplaceable_tasks: provisioning.len() as u32,
            ..ScaleOutEstimate::default()
        };
    };
    let mut shapes: Vec<&TaskShape<'_>> = provisioning.iter().collect();
    shapes.sort_by(|a, b| b.cmp(a));
    let mut groups: Vec<(&TaskShape<'_>, u32)> = Vec::new();
    for s in shapes {
        match groups.last_mut() {
            Some((g, n)) if *g == s => *n += 1,
            _ => groups.push((s, 1)),
        }
    }
    let mut out = ScaleOutEstimate::default();
    let mut bins: Vec<Bin> = Vec::new();
    for (shape, count) in groups {
        let per_empty = Bin::empty(largest, reserved_ports).room_for(shape);
        if per_empty == 0 {
            out.unplaceable_tasks += count;
            continue;
        }
        if Bin::empty(smallest, reserved_ports).room_for(shape) == 0 {
            out.too_big_for_smallest += count;
        }
        let mut left = count;
        for bin in bins.iter_mut() {
            if left == 0 {
                break;
            }
            let k = bin.room_for(shape).min(left);
            bin.take(shape, k);
            left -= k;
        }
        while left > 0 {
            let mut bin = Bin::empty(largest, reserved_ports);
            let k = per_empty.min(left);
            bin.take(shape, k);
            left -= k;
            bins.push(bin);
        }
    }
    out.instances = bins.len() as u32;
    out
}

impl ManagedScalingConfig {
    fn scale_out_alarm(&self) -> Alarm {
        Alarm {
            comparison: Comparison::GreaterThan,
            threshold: f64::from(self.target_capacity),
            datapoints_to_alarm: self.scale_out_datapoints.0,
            evaluation_periods: self.scale_out_datapoints.1,
        }
    }

    fn scale_in_alarm(&self) -> Alarm {
        Alarm {
            comparison: Comparison::LessThan,
            threshold: f64::from(self.target_capacity),
            datapoints_to_alarm: self.scale_in_datapoints.0,
            evaluation_periods: self.scale_in_datapoints.1,
        }
    }

    /// The reservation metric for the view.
    pub fn reservation<G: AsgInstances + ?Sized>(&self, view: &AsgView<G>) -> Reservation {
        self.reservation_of(view, &view.instances.counts())
    }

    fn reservation_of<G: AsgInstances + ?Sized>(
        &self,
        view: &AsgView<G>,
        counts: &AsgCounts,
    ) -> Reservation {
        let n = counts.instances;
        let m = if view.provisioning.is_empty() {
            counts.busy
        } else {
            let mixed = view.instance_types.len() > 1 || view.multiple_azs;
            // Tasks no instance type can hold never count as demand, whatever the group's
            // shape: ECS does not scale out for them (issue 9).
            let estimate =
                estimate_instances(view.provisioning, view.instance_types, view.reserved_ports);
            let step = if estimate.instances == 0 {
                0
            } else if mixed && self.mixed_group_uses_minimum_step {
                self.minimum_scaling_step_size
            } else {
                estimate.instances.clamp(
                    self.minimum_scaling_step_size,
                    self.maximum_scaling_step_size,
                )
            };
            if step == 0 { counts.busy } else { n + step }
        };
        let metric = if n == 0 {
            if m > 0 {
                self.empty_group_reservation
            } else {
                100.0
            }
        } else {
            // m × 100 / n, in that order, so 4 of 5 is exactly 80.
            f64::from(m) * 100.0 / f64::from(n)
        };
        Reservation { m, n, metric }
    }

    /// `ceil(M × 100 / targetCapacity)`: the size at which the metric meets the target.
    fn size_for(&self, m: u32) -> u32 {
        let t = u64::from(self.target_capacity.clamp(1, 100));
        (u64::from(m) * 100).div_ceil(t) as u32
    }

    /// This tick's reservation and decision. Pure: the caller launches or terminates and
    /// appends `reservation.metric` to the history.
    pub fn decide<G: AsgInstances + ?Sized>(
        &self,
        view: &AsgView<G>,
    ) -> (Reservation, AsgDecision) {
        let counts = view.instances.counts();
        let r = self.reservation_of(view, &counts);
        let mut datapoints: Vec<Option<f64>> = view.history.to_vec();
        datapoints.push(Some(r.metric));

        if self.scale_out_alarm().evaluate(&datapoints) == AlarmState::Alarm {
            let warming = counts
                .newest_launch_in_run
                .is_some_and(|at| view.now < at + self.instance_warmup);
            let desired = self.size_for(r.m).min(view.max_size);
            if warming || desired <= r.n {
                return (r, AsgDecision::Hold);
            }
            return (
                r,
                AsgDecision::Launch {
                    count: desired - r.n,
                    desired,
                },
            );
        }

        if self.scale_in_alarm().evaluate(&datapoints) == AlarmState::Alarm {
            let goal = self.size_for(r.m).max(view.min_size);
            let cap = ((f64::from(r.n) * self.scale_in_max_fraction).floor() as u32).max(1);
            let remove = r.n.saturating_sub(goal).min(cap) as usize;
            if remove == 0 {
                return (r, AsgDecision::Hold);
            }
            let instances = view.instances.list();
            let mut candidates: Vec<usize> = (0..instances.len())
                .filter(|&i| {
                    let inst = &instances[i];
                    inst.registered
                        && (!self.managed_termination_protection || inst.non_daemon_tasks == 0)
                })
                .collect();
            candidates.sort_by_key(|&i| (instances[i].launched_at, i));
            candidates.truncate(remove);
            if candidates.is_empty() {
                return (r, AsgDecision::Hold);
            }
            let desired = r.n - candidates.len() as u32;
            return (
                r,
                AsgDecision::Terminate {
                    instances: candidates,
                    desired,
                },
            );
        }
        (r, AsgDecision::Hold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 4 vCPU, 7680 MiB registered, 3 awsvpc tasks (4 ENIs, no trunking): c5.xlarge-like.
    fn xlarge() -> InstanceShape {
        InstanceShape {
            cpu_units: 4096,
            memory_mib: 7680,
            awsvpc_task_limit: 3,
            gpus: 0,
        }
    }

    /// 2 vCPU, 3584 MiB, 2 awsvpc tasks: c5.large-like.
    fn large() -> InstanceShape {
        InstanceShape {
            cpu_units: 2048,
            memory_mib: 3584,
            awsvpc_task_limit: 2,
            gpus: 0,
        }
    }

    fn shape(cpu: u32, memory: u32, awsvpc: bool, ports: &[u16]) -> TaskShape<'_> {
        TaskShape {
            cpu,
            memory,
            gpu: 0,
            awsvpc,
            host_ports: ports,
        }
    }

    fn busy(n: usize, launched_s: u64) -> Vec<AsgInstance> {
        vec![
            AsgInstance {
                launched_at: SimTime(launched_s * 1000),
                registered: true,
                non_daemon_tasks: 2,
                launched_in_run: true,
            };
            n
        ]
    }

    fn empty_at(launched_s: u64) -> AsgInstance {
        AsgInstance {
            launched_at: SimTime(launched_s * 1000),
            registered: true,
            non_daemon_tasks: 0,
            launched_in_run: true,
        }
    }

    fn view<'a>(
        now_s: u64,
        instances: &'a [AsgInstance],
        types: &'a [InstanceShape],
        provisioning: &'a [TaskShape],
        history: &'a [Option<f64>],
    ) -> AsgView<'a> {
        AsgView {
            now: SimTime(now_s * 1000),
            instances,
            min_size: 0,
            max_size: 100,
            instance_types: types,
            multiple_azs: false,
            reserved_ports: &[],
            provisioning,
            history,
        }
    }

    #[test]
    fn estimate_counts_the_binding_resource() {
        let types = [xlarge()];
        // 1 vCPU / 1 GiB awsvpc tasks: CPU allows 4, memory 7, ENIs 3 → 3 per instance,
        // ten tasks → 4 instances.
        let awsvpc = vec![shape(1024, 1024, true, &[]); 10];
        assert_eq!(estimate_instances(&awsvpc, &types, &[]).instances, 4);
        // Bridge mode: CPU binds at 4 per instance → 3.
        let bridge = vec![shape(1024, 1024, false, &[]); 10];
        assert_eq!(estimate_instances(&bridge, &types, &[]).instances, 3);
        // A static host port: one per instance → 10.
        let ported = vec![shape(256, 256, false, &[80]); 10];
        assert_eq!(estimate_instances(&ported, &types, &[]).instances, 10);
        // Mixed shapes, biggest first: two 2-vCPU / 4-GiB tasks take an instance each
        // (memory binds, 7680 / 4096 = 1); four 0.5-vCPU tasks fit in the first's leftover.
        let mut mixed = vec![shape(512, 512, false, &[]); 4];
        mixed.extend(vec![shape(2048, 4096, false, &[]); 2]);
        assert_eq!(estimate_instances(&mixed, &types, &[]).instances, 2);
        // Smaller tasks fill gaps left by bigger ones: 3 × 3 vCPU leave 1 vCPU each,
        // taken by three 1-vCPU tasks.
        let mut gaps = vec![shape(1024, 512, false, &[]); 3];
        gaps.extend(vec![shape(3072, 512, false, &[]); 3]);
        assert_eq!(estimate_instances(&gaps, &types, &[]).instances, 3);
    }

    /// Issue 15: GPUs bind like CPU and memory. A g4dn.12xlarge-like type (48 vCPU, 4
    /// GPUs): 1-vCPU / 1-GiB one-GPU tasks fit 4 per instance by GPUs (CPU would allow 48),
    /// so 10 tasks need ceil(10 / 4) = 3 instances; two-GPU tasks fit 2, so 5 need 3; a
    /// 5-GPU task fits none; on a type without GPUs every GPU task is unplaceable.
    #[test]
    fn estimate_counts_gpus() {
        // g4dn.12xlarge-like.
        let g4dn_12xlarge = InstanceShape {
            cpu_units: 48 * 1024,
            memory_mib: 190_000,
            awsvpc_task_limit: 7,
            gpus: 4,
        };
        let types = [g4dn_12xlarge];
        let gpu = |n: u32| TaskShape {
            gpu: n,
            ..shape(1024, 1024, false, &[])
        };
        assert_eq!(estimate_instances(&[gpu(1); 10], &types, &[]).instances, 3);
        assert_eq!(estimate_instances(&[gpu(2); 5], &types, &[]).instances, 3);
        // 4 one-GPU tasks fill the first instance's GPUs; 2 two-GPU tasks need a second.
        let mut mixed = vec![gpu(1); 4];
        mixed.extend(vec![gpu(2); 2]);
        assert_eq!(estimate_instances(&mixed, &types, &[]).instances, 2);
        let too_big = estimate_instances(&[gpu(5)], &types, &[]);
        assert_eq!((too_big.instances, too_big.unplaceable_tasks), (0, 1));
        let no_gpus = estimate_instances(&[gpu(1); 3], &[xlarge()], &[]);
        assert_eq!((no_gpus.instances, no_gpus.unplaceable_tasks), (0, 3));
    }

    /// Issue 9: a task binding host port 22 (reserved by the agent) fits no instance, so
    /// it is unplaceable and needs no instance; port 8080 fits one per instance.
    #[test]
    fn estimate_counts_the_agents_reserved_ports() {
        let types = [xlarge()];
        let reserved = [22, 2375, 2376, 51678, 51679];
        let ssh = vec![shape(256, 256, false, &[22]); 2];
        assert_eq!(
            estimate_instances(&ssh, &types, &reserved),
            ScaleOutEstimate {
                instances: 0,
                unplaceable_tasks: 2,
                too_big_for_smallest: 0
            }
        );
        let web = vec![shape(256, 256, false, &[8080]); 2];
        assert_eq!(estimate_instances(&web, &types, &reserved).instances, 2);
    }

    #[test]
    fn estimate_reports_tasks_no_instance_can_hold() {
        let types = [large(), xlarge()];
        let tasks = vec![
            shape(8192, 1024, false, &[]),
            shape(3072, 1024, false, &[]),
            shape(1024, 1024, false, &[]),
        ];
        assert_eq!(
            estimate_instances(&tasks, &types, &[]),
            ScaleOutEstimate {
                instances: 1,
                unplaceable_tasks: 1,
                too_big_for_smallest: 1
            }
        );
    }

    #[test]
    fn reservation_is_needed_over_present() {
        let cfg = ManagedScalingConfig::default();
        let types = [xlarge()];
        // 10 instances, 2 empty, nothing waiting: 8/10 = 80.
        let mut inst = busy(8, 0);
        inst.extend([empty_at(0), empty_at(0)]);
        let r = cfg.reservation(&view(3600, &inst, &types, &[], &[]));
        assert_eq!((r.m, r.n, r.metric), (8, 10, 80.0));
        // 4 busy instances and ten waiting 1-vCPU awsvpc tasks needing 4 more: 8/4 = 200.
        let waiting = vec![shape(1024, 1024, true, &[]); 10];
        let inst = busy(4, 0);
        let r = cfg.reservation(&view(3600, &inst, &types, &waiting, &[]));
        assert_eq!((r.m, r.n, r.metric), (8, 4, 200.0));
        // Empty group: 200 with tasks waiting, 100 without.
        let r = cfg.reservation(&view(0, &[], &types, &waiting, &[]));
        assert_eq!((r.m, r.n, r.metric), (4, 0, 200.0));
        let r = cfg.reservation(&view(0, &[], &types, &[], &[]));
        assert_eq!((r.m, r.n, r.metric), (0, 0, 100.0));
    }

    #[test]
    fn scale_out_follows_step_sizes_and_target_capacity() {
        let types = [xlarge()];
        let waiting = vec![shape(1024, 1024, true, &[]); 10]; // needs 4
        let inst = busy(4, 0);
        let cfg = ManagedScalingConfig::default();
        assert_eq!(
            cfg.decide(&view(3600, &inst, &types, &waiting, &[])).1,
            AsgDecision::Launch {
                count: 4,
                desired: 8
            }
        );
        let capped = ManagedScalingConfig {
            maximum_scaling_step_size: 3,
            ..cfg.clone()
        };
        assert_eq!(
            capped.decide(&view(3600, &inst, &types, &waiting, &[])).1,
            AsgDecision::Launch {
                count: 3,
                desired: 7
            }
        );
        let floor = ManagedScalingConfig {
            minimum_scaling_step_size: 6,
            ..cfg.clone()
        };
        assert_eq!(
            floor.decide(&view(3600, &inst, &types, &waiting, &[])).1,
            AsgDecision::Launch {
                count: 6,
                desired: 10
            }
        );
        // targetCapacity 80: M = 8 → ceil(800 / 80) = 10 instances.
        let spare = ManagedScalingConfig {
            target_capacity: 80,
            ..cfg.clone()
        };
        assert_eq!(
            spare.decide(&view(3600, &inst, &types, &waiting, &[])).1,
            AsgDecision::Launch {
                count: 6,
                desired: 10
            }
        );
        // Nothing waiting, all 4 busy, target 50: ceil(400 / 50) = 8, 4 spare.
        let half = ManagedScalingConfig {
            target_capacity: 50,
            ..cfg.clone()
        };
        assert_eq!(
            half.decide(&view(3600, &inst, &types, &[], &[])).1,
            AsgDecision::Launch {
                count: 4,
                desired: 8
            }
        );
        // Mixed group (two types): exactly the minimum step, whatever the demand.
        let mixed_types = [large(), xlarge()];
        assert_eq!(
            cfg.decide(&view(3600, &inst, &mixed_types, &waiting, &[]))
                .1,
            AsgDecision::Launch {
                count: 1,
                desired: 5
            }
        );
        // The group's maximum size bounds it.
        let v = AsgView {
            max_size: 6,
            ..view(3600, &inst, &types, &waiting, &[])
        };
        assert_eq!(
            cfg.decide(&v).1,
            AsgDecision::Launch {
                count: 2,
                desired: 6
            }
        );
    }

    #[test]
    fn warm_up_gates_further_scale_out() {
        let types = [xlarge()];
        let waiting = vec![shape(1024, 1024, true, &[]); 3];
        let cfg = ManagedScalingConfig::default();
        // One instance launched at 3400 s is 200 s old at 3600 s: hold until 3700 s.
        let mut inst = busy(4, 0);
        inst.push(AsgInstance {
            launched_at: SimTime(3_400_000),
            registered: false,
            non_daemon_tasks: 0,
            launched_in_run: true,
        });
        assert_eq!(
            cfg.decide(&view(3699, &inst, &types, &waiting, &[])).1,
            AsgDecision::Hold
        );
        assert_eq!(
            cfg.decide(&view(3700, &inst, &types, &waiting, &[])).1,
            AsgDecision::Launch {
                count: 1,
                desired: 6
            }
        );
    }

    /// Issue 9: instances present at time zero were launched before the run, so the
    /// first scale-out is not held for a warm-up. Two busy instances at t = 0 and four
    /// waiting 1-vCPU bridge tasks (4 per c5.xlarge: one more instance) at 60 s: launch
    /// at once. The same instances launched during the run at 0 s hold until 300 s.
    #[test]
    fn instances_present_at_time_zero_are_not_warming() {
        let types = [xlarge()];
        let waiting = vec![shape(1024, 1024, false, &[]); 4];
        let cfg = ManagedScalingConfig::default();
        let mut inst = busy(2, 0);
        for i in &mut inst {
            i.launched_in_run = false;
        }
        assert_eq!(
            cfg.decide(&view(60, &inst, &types, &waiting, &[])).1,
            AsgDecision::Launch {
                count: 1,
                desired: 3
            }
        );
        let launched = busy(2, 0);
        assert_eq!(
            cfg.decide(&view(60, &launched, &types, &waiting, &[])).1,
            AsgDecision::Hold
        );
    }

    /// Issue 9 (scenario b1): a 16000 MiB task fits no m5.large-like type (registered
    /// 7680 MiB here). Neither a single-AZ group nor a multi-AZ group (the minimum-step
    /// rule) scales out for it: the metric stays at the busy share, no launch.
    #[test]
    fn tasks_that_fit_no_instance_type_never_scale_out() {
        let types = [xlarge()];
        let waiting = vec![shape(1024, 16_000, false, &[])];
        let cfg = ManagedScalingConfig::default();
        let inst = vec![empty_at(0)];
        for multiple_azs in [false, true] {
            let v = AsgView {
                multiple_azs,
                ..view(600, &inst, &types, &waiting, &[])
            };
            let (r, d) = cfg.decide(&v);
            assert_eq!((r.m, r.n), (0, 1), "multiple AZs: {multiple_azs}");
            assert_eq!(d, AsgDecision::Hold, "multiple AZs: {multiple_azs}");
        }
        // An empty group with only such tasks waiting reads 100, not 200.
        let r = cfg.reservation(&view(600, &[], &types, &waiting, &[]));
        assert_eq!(r.metric, 100.0);
    }

    #[test]
    fn scale_in_takes_fifteen_minutes_empty_instances_and_half_at_most() {
        let types = [xlarge()];
        let cfg = ManagedScalingConfig::default();
        // 10 instances, 8 empty (launched 0..7 s), 2 busy: M = 2, metric 20.
        let mut inst: Vec<AsgInstance> = (0..8).map(empty_at).collect();
        inst.extend(busy(2, 0));
        let low14 = [Some(20.0); 14];
        assert_eq!(
            cfg.decide(&view(3600, &inst, &types, &[], &low14[..13])).1,
            AsgDecision::Hold
        );
        // Goal 2, but 50% of 10 at most: the 5 oldest empty instances.
        assert_eq!(
            cfg.decide(&view(3600, &inst, &types, &[], &low14)).1,
            AsgDecision::Terminate {
                instances: vec![0, 1, 2, 3, 4],
                desired: 5
            }
        );
        // Next steps: 5 → 3 (floor 2.5 = 2), then 3 → 2 (goal reached).
        let mut inst: Vec<AsgInstance> = (5..8).map(empty_at).collect();
        inst.extend(busy(2, 0));
        assert_eq!(
            cfg.decide(&view(3660, &inst, &types, &[], &low14)).1,
            AsgDecision::Terminate {
                instances: vec![0, 1],
                desired: 3
            }
        );
        // The group's minimum size holds the floor.
        let ten: Vec<AsgInstance> = (0..8).map(empty_at).chain(busy(2, 0)).collect();
        let v = AsgView {
            min_size: 9,
            ..view(3600, &ten, &types, &[], &low14)
        };
        assert_eq!(
            cfg.decide(&v).1,
            AsgDecision::Terminate {
                instances: vec![0],
                desired: 9
            }
        );
        // A lone empty instance goes too (at least one per step).
        let one = [empty_at(0)];
        assert_eq!(
            cfg.decide(&view(3600, &one, &types, &[], &[Some(0.0); 14]))
                .1,
            AsgDecision::Terminate {
                instances: vec![0],
                desired: 0
            }
        );
        // Without termination protection the oldest go, busy or not.
        let mut inst = busy(2, 0);
        inst.push(empty_at(50));
        inst.push(empty_at(60));
        let unprotected = ManagedScalingConfig {
            managed_termination_protection: false,
            ..cfg
        };
        assert_eq!(
            unprotected
                .decide(&view(3600, &inst, &types, &[], &low14))
                .1,
            AsgDecision::Terminate {
                instances: vec![0, 1],
                desired: 2
            }
        );
    }

    #[test]
    fn reference_scale_in_example_334_to_34() {
        // AWS's example (reference §4.2): 334 instances of which 34 busy. At 50% per step
        // the group goes 334 → 167 → 84 → 42 → 34 in four steps.
        let types = [xlarge()];
        let cfg = ManagedScalingConfig::default();
        let low = [Some(10.0); 14];
        let mut n_empty = 300u64;
        let mut sizes = Vec::new();
        while n_empty > 0 {
            let mut inst: Vec<AsgInstance> = (0..n_empty).map(empty_at).collect();
            inst.extend(busy(34, 0));
            match cfg.decide(&view(86_400, &inst, &types, &[], &low)).1 {
                AsgDecision::Terminate { instances, desired } => {
                    n_empty -= instances.len() as u64;
                    sizes.push(desired);
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(sizes, vec![167, 84, 42, 34]);
        // The dev guide's "100 minus the empty instances": 100 instances, 2 empty → 98.
        let mut inst = busy(98, 0);
        inst.extend([empty_at(0), empty_at(0)]);
        assert_eq!(
            cfg.reservation(&view(0, &inst, &types, &[], &[])).metric,
            98.0
        );
    }

    /// A toy cluster for closed-loop checks: tasks of 1 vCPU, four per instance, placed
    /// first-fit each tick on registered instances; an instance registers 2 minutes after
    /// launch. Returns the launches and terminations as (minute, count).
    fn closed_loop(cfg: &ManagedScalingConfig, tasks: u32, minutes: u64) -> Vec<(u64, i64)> {
        let types = [xlarge()];
        let per_instance = 4;
        let mut inst: Vec<(SimTime, u32)> = Vec::new(); // launched_at, tasks
        let mut history: Vec<Option<f64>> = Vec::new();
        let mut events = Vec::new();
        for minute in 1..=minutes {
            let now = SimTime(minute * 60_000);
            let registered = |at: SimTime| now >= at + SimDuration::from_secs(120);
            let mut placed: u32 = inst.iter().map(|i| i.1).sum();
            for i in inst.iter_mut().filter(|i| registered(i.0)) {
                let k = (per_instance - i.1).min(tasks - placed);
                i.1 += k;
                placed += k;
            }
            let waiting = vec![shape(1024, 1024, false, &[]); (tasks - placed) as usize];
            let asg: Vec<AsgInstance> = inst
                .iter()
                .map(|i| AsgInstance {
                    launched_at: i.0,
                    registered: registered(i.0),
                    non_daemon_tasks: i.1,
                    launched_in_run: true,
                })
                .collect();
            let (r, d) = cfg.decide(&view(minute * 60, &asg, &types, &waiting, &history));
            history.push(Some(r.metric));
            match d {
                AsgDecision::Hold => {}
                AsgDecision::Launch { count, .. } => {
                    inst.extend((0..count).map(|_| (now, 0)));
                    events.push((minute, i64::from(count)));
                }
                AsgDecision::Terminate { instances, .. } => {
                    events.push((minute, -(instances.len() as i64)));
                    let mut k = 0;
                    inst.retain(|_| {
                        k += 1;
                        !instances.contains(&(k - 1))
                    });
                }
            }
        }
        events
    }

    #[test]
    fn constant_demand_reaches_a_fixed_point_and_stays_there() {
        // Ten tasks, empty group: the first tick sees 200% and launches ceil(10 / 4) = 3;
        // they register at minute 3 and hold 4, 4, 2 tasks: 3/3 = 100%, steady for 10 h.
        let cfg = ManagedScalingConfig::default();
        assert_eq!(closed_loop(&cfg, 10, 600), vec![(1, 3)]);
        // targetCapacity 75: the first launch already sizes for a spare, ceil(300 / 75) = 4;
        // then 3 busy of 4 = 75% sits exactly at target: no scale-in of the spare, no
        // oscillation.
        let spare = ManagedScalingConfig {
            target_capacity: 75,
            ..cfg
        };
        assert_eq!(closed_loop(&spare, 10, 600), vec![(1, 4)]);
    }

    #[test]
    fn steady_views_are_fixed_points() {
        // Feeding the policy its own steady state for hours changes nothing.
        let types = [xlarge()];
        for (target, busy_n, empty_n) in [(100, 5, 0), (80, 4, 1), (50, 3, 3)] {
            let cfg = ManagedScalingConfig {
                target_capacity: target,
                ..ManagedScalingConfig::default()
            };
            let mut inst = busy(busy_n, 0);
            inst.extend((0..empty_n).map(|_| empty_at(0)));
            let mut history = Vec::new();
            for minute in 10..610 {
                let (r, d) = cfg.decide(&view(minute * 60, &inst, &types, &[], &history));
                assert_eq!(d, AsgDecision::Hold, "target {target} minute {minute}");
                history.push(Some(r.metric));
            }
        }
    }
}
