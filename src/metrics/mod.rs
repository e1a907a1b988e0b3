//! What a run reports. The simulation hands rows to a [`Recorder`] (tasks as they stop,
//! samples at each interval, trace lines) and returns a [`Summary`]; turning those into
//! files is the edge's job (`report`).

mod commitments;
mod recorder;
mod summary;

pub use commitments::{CommitmentsSummary, PlanSummary};
pub use recorder::{
    CommitmentSample, InstanceRow, NullRecorder, ProviderSample, Recorder, SampleRow,
    ScalingSample, ServiceSample, TaskRow, TrafficRow,
};
pub use summary::{
    AvailabilitySummary, CarriedOver, CostSummary, DeploymentOutcome, DeploymentSummary,
    InstanceSummary, LatencySummary, OriginCostSummary, OverloadSummary, PendingSummary,
    QueueSummary, RestartLatencySummary, ScalingSummary, Summary, TaskCounts, Utilization,
};
