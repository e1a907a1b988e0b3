//! Events in the scenario's words, for the error a runaway instant raises: which kind of
//! event kept repeating and which service, job stream, pool or instance it concerned.

use super::Simulation;
use super::events::{Event, TaskRef};
use crate::metrics::Recorder;
use crate::model::{InstanceRef, Origin};

impl<R: Recorder> Simulation<'_, R> {
    pub(super) fn describe_event(&self, event: &Event) -> String {
        match *event {
            Event::WindowStart => "the measurement window opening".into(),
            Event::TaskCrash(t) => self.task_event("a crash (crash_after)", t),
            Event::InstanceFailure(i) => self.instance_event("an instance failure", i),
            Event::SpotNotice(i) => self.instance_event("a Spot interruption notice", i),
            Event::SpotReclaim(i) => self.instance_event("a Spot reclaim", i),
            Event::TaskSpotNotice(t) => self.task_event("a Fargate Spot notice", t),
            Event::TaskSpotReclaim(t) => self.task_event("a Fargate Spot reclaim", t),
            Event::AzOutageStart(i) => format!("failures.az_outages[{i}] starting"),
            Event::AzOutageEnd(i) => format!("failures.az_outages[{i}] ending"),
            Event::Scheduled(i) => format!("failures.events[{i}]"),
            Event::TaskHung(t) => self.task_event("a task hanging (hung_after)", t),
            Event::HealthCheckFailed(t) => self.task_event("a failed health check", t),
            Event::DeregistrationDone(t) => self.task_event("a load balancer deregistration", t),
            Event::DeploymentStart(s, i) => {
                format!(
                    "deployment {i} of service `{}`",
                    self.config.services[s.index()].name
                )
            }
            Event::DeploymentStage(s, _) => format!(
                "a deployment stage of service `{}` ending",
                self.config.services[s.index()].name
            ),
            Event::DeploymentStep(s) => format!(
                "a deployment step of service `{}`",
                self.config.services[s.index()].name
            ),
            Event::TaskExit(t) => self.task_event("a task exit", t),
            Event::ContainerRestarted(t) => {
                self.task_event("a container restarted in place (restartPolicy)", t)
            }
            Event::InstanceRegistered(i) => self.instance_event("an instance registration", i),
            Event::TaskRunning(t) => self.task_event("a task starting (or failing to start)", t),
            Event::DrainDone(s) => format!(
                "a drain step of service `{}`",
                self.config.services[s.index()].name
            ),
            Event::JobArrival(j) => format!(
                "an arrival of job stream `{}`",
                self.config.jobs[j.index()].name
            ),
            Event::ServiceRetry(s) => format!(
                "a restart retry of service `{}` (failures.restart_backoff)",
                self.config.services[s.index()].name
            ),
            Event::ProvisioningTimeout(t) => {
                self.task_event("a PROVISIONING timeout (cluster.provisioning_timeout)", t)
            }
            Event::ProvisioningSlotFree => {
                "a place freeing under cluster.max_provisioning_tasks".into()
            }
            Event::DemandChange(s) => format!(
                "a demand change of service `{}`",
                self.config.services[s.index()].name
            ),
            Event::ScalingTick => "a scaling evaluation".into(),
            Event::ManagedBatch(m) => format!(
                "Managed Instances provider {}'s batch",
                self.config.managed_instances[m as usize].name
            ),
            Event::ManagedCheck(i, _) => {
                self.instance_event("a Managed Instances scale-in timer (scaleInAfter)", i)
            }
            Event::ManagedDrainStep(i) => self.instance_event("a Managed Instances drain", i),
            Event::ManagedDrainDeadline(i) => {
                self.instance_event("a Managed Instances drain deadline", i)
            }
            Event::ManagedRecycle(i) => {
                self.instance_event("a Managed Instances patching drain (recycle_after)", i)
            }
            Event::Sample => "a sample (sample_interval)".into(),
        }
    }

    fn task_event(&self, what: &str, task: TaskRef) -> String {
        let t = self.tasks.get(task.slot);
        let owner = match t.origin {
            Origin::Service(s) => format!("service `{}`", self.config.services[s.index()].name),
            Origin::Job(j) => format!("job stream `{}`", self.config.jobs[j.index()].name),
        };
        format!("{what} of a task of {owner}")
    }

    fn instance_event(&self, what: &str, r: InstanceRef) -> String {
        let Some(id) = self.cluster.resolve(r) else {
            return format!("{what} of an instance already replaced");
        };
        let inst = self.cluster.instance(id);
        format!(
            "{what} of instance {} in pool `{}`",
            inst.ec2_instance_id,
            self.config.pools[inst.pool.index()].name
        )
    }
}
