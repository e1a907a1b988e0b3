//! Every random stream the simulation draws from, one per source (see [`crate::rng`]): a
//! source's draws depend only on the master seed and its own identity, so switching one
//! source on or off, or changing a strategy, leaves every other source's draws alone.

use crate::model::SimConfig;
use crate::rng::{StreamKind, StreamRng, stream};

pub(super) struct RandomStreams {
    pub placement: StreamRng,
    /// Per job stream.
    pub job_arrivals: Vec<StreamRng>,
    pub job_durations: Vec<StreamRng>,
    /// Per service.
    pub crashes: Vec<StreamRng>,
    pub start_failures: Vec<StreamRng>,
    pub hangs: Vec<StreamRng>,
    pub lifecycle_hooks: Vec<StreamRng>,
    /// Per pool.
    pub instance_failures: Vec<StreamRng>,
    pub ec2_spot_notices: Vec<StreamRng>,
    pub fargate_spot_notices: StreamRng,
}

impl RandomStreams {
    pub fn new(config: &SimConfig) -> RandomStreams {
        let seed = config.seed;
        let each = |kind, n: usize| (0..n as u64).map(|i| stream(seed, kind, i)).collect();
        let (jobs, services, pools) =
            (config.jobs.len(), config.services.len(), config.pools.len());
        RandomStreams {
            placement: stream(seed, StreamKind::Placement, 0),
            job_arrivals: each(StreamKind::JobArrivals, jobs),
            job_durations: each(StreamKind::JobDurations, jobs),
            crashes: each(StreamKind::ServiceCrashes, services),
            start_failures: each(StreamKind::StartFailures, services),
            hangs: each(StreamKind::HungTasks, services),
            lifecycle_hooks: each(StreamKind::LifecycleHooks, services),
            instance_failures: each(StreamKind::InstanceFailures, pools),
            ec2_spot_notices: each(StreamKind::SpotInterruptions, pools),
            fargate_spot_notices: stream(seed, StreamKind::FargateSpotInterruptions, 0),
        }
    }
}
