//! ECS's deployment strategies as resolved settings (`deploymentConfiguration.strategy`,
//! `ecs-current.md` §2): how a new revision replaces the old, what may stop it (lifecycle
//! hooks, an alarm rule, the circuit breaker's threshold) and when the service rebalances
//! its Availability Zones (§4.1).

use crate::time::SimDuration;
use crate::workload::DurationDist;

/// `strategy`: ROLLING replaces tasks within the bounds; the other three scale the new
/// (green) revision to 100% beside the old (blue) one and then move production traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DeploymentStrategy {
    /// Today's rolling update (`minimumHealthyPercent`, `maximumPercent`).
    #[default]
    Rolling,
    /// All production traffic moves at once.
    BlueGreen,
    /// `step` tenths of a percent per step, `step_bake` between steps.
    Linear {
        /// `stepPercent × 10` (multiples of 0.1 %): 30–1000.
        step_permille: u32,
        /// `stepBakeTimeInMinutes`, not applied after the step that reaches 100 %.
        step_bake: SimDuration,
    },
    /// `canary` tenths of a percent first, the rest after `canary_bake`.
    Canary {
        /// `canaryPercent × 10`: 1–1000.
        canary_permille: u32,
        /// `canaryBakeTimeInMinutes`.
        canary_bake: SimDuration,
    },
}

impl DeploymentStrategy {
    /// The name `summary.json` and the scenario file use.
    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentStrategy::Rolling => "ROLLING",
            DeploymentStrategy::BlueGreen => "BLUE_GREEN",
            DeploymentStrategy::Linear { .. } => "LINEAR",
            DeploymentStrategy::Canary { .. } => "CANARY",
        }
    }

    /// Whether the new revision runs at 100% beside the old one (every strategy but
    /// ROLLING).
    pub fn is_staged(self) -> bool {
        self != DeploymentStrategy::Rolling
    }

    /// The production traffic weights of the green revision, in tenths of a percent, one
    /// per PRODUCTION_TRAFFIC_SHIFT step, with the wait after each (none after the last).
    /// BLUE_GREEN: one step to 1000. LINEAR 20 %: 200, 400, 600, 800, 1000. CANARY 10 %:
    /// 100, then 1000.
    pub fn traffic_steps(self) -> Vec<(u32, SimDuration)> {
        match self {
            DeploymentStrategy::Rolling | DeploymentStrategy::BlueGreen => {
                vec![(1000, SimDuration::ZERO)]
            }
            DeploymentStrategy::Linear {
                step_permille,
                step_bake,
            } => {
                let step = step_permille.max(1);
                let mut steps: Vec<(u32, SimDuration)> = (1..)
                    .map(|k| k * step)
                    .take_while(|w| *w < 1000)
                    .map(|w| (w, step_bake))
                    .collect();
                steps.push((1000, SimDuration::ZERO));
                steps
            }
            DeploymentStrategy::Canary {
                canary_permille,
                canary_bake,
            } => {
                if canary_permille >= 1000 {
                    vec![(1000, SimDuration::ZERO)]
                } else {
                    vec![(canary_permille, canary_bake), (1000, SimDuration::ZERO)]
                }
            }
        }
    }
}

/// The stages of a BLUE_GREEN, LINEAR or CANARY deployment, in order (§2.2).
/// RECONCILE_SERVICE is not modelled: it runs only when more than one revision is already
/// ACTIVE, which a run starting from a steady service never has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Green not started; lifecycle hooks may run.
    PreScaleUp,
    /// Green scales to 100 % of the desired count and must become healthy.
    ScaleUp,
    /// Green healthy, serving no traffic; hooks may run.
    PostScaleUp,
    /// Test traffic moves to green; hooks may run.
    TestTrafficShift,
    /// Hooks may run.
    PostTestTrafficShift,
    /// Production traffic moves, in one step or several; hooks run at every step.
    ProductionTrafficShift,
    /// Hooks may run.
    PostProductionTrafficShift,
    /// Both revisions run; a rollback is a traffic flip back to blue.
    BakeTime,
    /// Blue is stopped.
    CleanUp,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 9] = [
        Stage::PreScaleUp,
        Stage::ScaleUp,
        Stage::PostScaleUp,
        Stage::TestTrafficShift,
        Stage::PostTestTrafficShift,
        Stage::ProductionTrafficShift,
        Stage::PostProductionTrafficShift,
        Stage::BakeTime,
        Stage::CleanUp,
    ];

    /// ECS's name for the stage.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::PreScaleUp => "PRE_SCALE_UP",
            Stage::ScaleUp => "SCALE_UP",
            Stage::PostScaleUp => "POST_SCALE_UP",
            Stage::TestTrafficShift => "TEST_TRAFFIC_SHIFT",
            Stage::PostTestTrafficShift => "POST_TEST_TRAFFIC_SHIFT",
            Stage::ProductionTrafficShift => "PRODUCTION_TRAFFIC_SHIFT",
            Stage::PostProductionTrafficShift => "POST_PRODUCTION_TRAFFIC_SHIFT",
            Stage::BakeTime => "BAKE_TIME",
            Stage::CleanUp => "CLEAN_UP",
        }
    }

    /// Whether ECS lets a lifecycle hook run in this stage (not SCALE_UP, BAKE_TIME or
    /// CLEAN_UP).
    pub fn takes_hooks(self) -> bool {
        !matches!(self, Stage::ScaleUp | Stage::BakeTime | Stage::CleanUp)
    }

    /// The stage after this one (CLEAN_UP has none).
    pub fn next(self) -> Option<Stage> {
        let i = Stage::ALL.iter().position(|s| *s == self)?;
        Stage::ALL.get(i + 1).copied()
    }
}

/// A lifecycle hook (a Lambda function ECS invokes), modelled by how long it takes and how
/// often it answers FAILED, which rolls the deployment back.
#[derive(Clone, Debug, PartialEq)]
pub struct LifecycleHook {
    /// The stages it runs in.
    pub stages: Vec<Stage>,
    /// Time until it answers SUCCEEDED or FAILED, drawn per invocation.
    pub duration: DurationDist,
    /// Chance (0–1) that an invocation answers FAILED.
    pub failure_probability: f64,
}

/// A CloudWatch alarm on the deployment, modelled as a rule over the new revision: it is
/// in ALARM while more than `failures_above` of the new revision's tasks failed (did not
/// reach RUNNING, failed health checks, crashed or waited out the PROVISIONING timeout)
/// within the last `window`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmRule {
    /// ALARM when the failures in the window exceed this.
    pub failures_above: u32,
    /// The evaluation window.
    pub window: SimDuration,
    /// `alarms.rollback`: on ALARM a rolling deployment rolls back (else it halts, as the
    /// circuit breaker does); the other strategies always shift traffic back.
    pub rollback: bool,
}

/// `thresholdConfiguration.type` of the circuit breaker (§4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ThresholdType {
    /// `ceil(value % × desired)` clamped to 3–200 (the lower clamp is `min_threshold`).
    #[default]
    BoundedPercent,
    /// `ceil(value % × desired)`, at least 1.
    UnboundedPercent,
    /// `value` failed tasks.
    Count,
}

/// Whether and how the service rebalances its tasks across Availability Zones (§4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AzRebalancing {
    /// `availabilityZoneRebalancing = "ENABLED"` on an eligible service (the default since
    /// 2025-09-05).
    Enabled,
    /// Turned off, or the service is not eligible.
    Disabled,
}
