//! Step scaling (Application Auto Scaling): when an alarm is in ALARM, the size of the
//! breach (latest datapoint minus threshold) picks a step, and the step's adjustment
//! changes the desired count.
//!
//! Rules as AWS documents them: step bounds are relative to the alarm threshold; above the
//! threshold a step's lower bound is inclusive and its upper bound exclusive, below it the
//! other way round; a percent change between 0 and 1 task rounds to 1, larger ones round
//! toward zero, and `min_adjustment_magnitude` raises small percent changes; during the
//! cooldown a further scale-out adds only what exceeds the capacity already added (the
//! documented example: +2, then +3 during cooldown, adds 1). Scale-in waits for the
//! cooldown of any earlier scaling (INFERRED, as in target tracking).

use super::metrics::{Alarm, AlarmState};
use super::target_tracking::{CooldownState, Proposal, ServiceView};
use crate::time::SimDuration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// How a step's `adjustment` changes the desired count (Application Auto Scaling's
/// `AdjustmentType`).
pub enum AdjustmentType {
    /// Add (or remove) this many tasks.
    ChangeInCapacity,
    /// Add (or remove) this percentage of the current count.
    PercentChangeInCapacity,
    /// Set the count to this value.
    ExactCapacity,
}

/// One step: applies when `metric − threshold` lies between the bounds (`None` is
/// unbounded).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepAdjustment {
    /// Lower bound of the `metric − threshold` the step covers; `None`: unbounded.
    pub lower: Option<f64>,
    /// Upper bound of the `metric − threshold` the step covers; `None`: unbounded.
    pub upper: Option<f64>,
    /// Tasks, percent or count, by the policy's adjustment type; negative to scale in.
    pub adjustment: i64,
}

#[derive(Clone, Debug, PartialEq)]
/// A step scaling policy: while its alarm is in ALARM, the step covering the breach sets the
/// change.
pub struct StepScalingPolicy {
    /// The CloudWatch alarm that triggers the policy.
    pub alarm: Alarm,
    /// How each step's adjustment applies.
    pub adjustment_type: AdjustmentType,
    /// The steps, non-overlapping, over the breach size.
    pub steps: Vec<StepAdjustment>,
    /// Only for percent changes: the smallest number of tasks a step changes.
    pub min_adjustment_magnitude: Option<u32>,
    /// Default 300 s for ECS services (reference §5).
    pub cooldown: SimDuration,
}

impl StepAdjustment {
    fn contains(&self, diff: f64) -> bool {
        let (lower_ok, upper_ok) = if diff >= 0.0 {
            (
                self.lower.is_none_or(|l| diff >= l),
                self.upper.is_none_or(|u| diff < u),
            )
        } else {
            (
                self.lower.is_none_or(|l| diff > l),
                self.upper.is_none_or(|u| diff <= u),
            )
        };
        lower_ok && upper_ok
    }
}

impl StepScalingPolicy {
    /// The count a step's adjustment gives when applied to `base`.
    fn apply(&self, base: u32, adjustment: i64) -> i64 {
        let base_i = i64::from(base);
        match self.adjustment_type {
            AdjustmentType::ChangeInCapacity => base_i + adjustment,
            AdjustmentType::ExactCapacity => adjustment,
            AdjustmentType::PercentChangeInCapacity => {
                let exact = base as f64 * adjustment as f64 / 100.0;
                let mut change = if exact == 0.0 {
                    0
                } else if exact.abs() < 1.0 {
                    exact.signum() as i64
                } else {
                    exact.trunc() as i64
                };
                if let Some(m) = self.min_adjustment_magnitude {
                    let m = i64::from(m);
                    if change != 0 && change.abs() < m {
                        change = change.signum() * m;
                    }
                }
                base_i + change
            }
        }
    }

    /// What the policy wants at this tick: a step's change while the alarm is in ALARM and no
    /// cooldown holds it back, else hold.
    pub fn propose(&self, view: &ServiceView, state: &CooldownState) -> Proposal {
        if self.alarm.evaluate(view.datapoints) != AlarmState::Alarm {
            return Proposal::Hold;
        }
        let Some(Some(latest)) = view.datapoints.last() else {
            return Proposal::Hold;
        };
        let diff = latest - self.alarm.threshold;
        let Some(step) = self.steps.iter().find(|s| s.contains(diff)) else {
            return Proposal::Hold;
        };
        let in_out_cooldown = state
            .last_out
            .filter(|(at, _)| view.now < *at + self.cooldown);
        let clamp = |n: i64| n.clamp(i64::from(view.min), i64::from(view.max)) as u32;

        let plain = clamp(self.apply(view.desired, step.adjustment));
        if plain > view.desired {
            // Out: inside the cooldown, measure from the capacity before the first
            // scale-out so its tasks are not added twice.
            let base = in_out_cooldown.map_or(view.desired, |(_, b)| b);
            let wanted = clamp(self.apply(base, step.adjustment));
            return if wanted > view.desired {
                Proposal::Out(wanted)
            } else {
                Proposal::Hold
            };
        }
        if plain < view.desired {
            let in_cooldown = in_out_cooldown.is_some()
                || state
                    .last_in
                    .is_some_and(|at| view.now < at + self.cooldown);
            if in_cooldown || !view.scale_in_allowed {
                return Proposal::Hold;
            }
            return Proposal::In(plain);
        }
        Proposal::Hold
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaling::metrics::Comparison;
    use crate::time::SimTime;

    fn high_policy(
        adjustment_type: AdjustmentType,
        steps: &[(f64, Option<f64>, i64)],
    ) -> StepScalingPolicy {
        StepScalingPolicy {
            alarm: Alarm {
                comparison: Comparison::GreaterThan,
                threshold: 70.0,
                datapoints_to_alarm: 2,
                evaluation_periods: 2,
            },
            adjustment_type,
            steps: steps
                .iter()
                .map(|&(l, u, a)| StepAdjustment {
                    lower: Some(l),
                    upper: u,
                    adjustment: a,
                })
                .collect(),
            min_adjustment_magnitude: None,
            cooldown: SimDuration::from_secs(300),
        }
    }

    fn view(now_s: u64, desired: u32, dp: &[Option<f64>]) -> ServiceView<'_> {
        ServiceView {
            now: SimTime(now_s * 1000),
            desired,
            running: desired,
            min: 1,
            max: 50,
            datapoints: dp,
            scale_in_allowed: true,
        }
    }

    const OUT_STEPS: [(f64, Option<f64>, i64); 3] =
        [(0.0, Some(10.0), 1), (10.0, Some(20.0), 2), (20.0, None, 3)];

    #[test]
    fn the_breach_size_picks_the_step() {
        let p = high_policy(AdjustmentType::ChangeInCapacity, &OUT_STEPS);
        let s = CooldownState::default();
        assert_eq!(
            p.propose(&view(0, 4, &[Some(75.0), Some(85.0)]), &s),
            Proposal::Out(6)
        );
        // 80 is exactly 10 above: the upper step's inclusive lower bound.
        assert_eq!(
            p.propose(&view(0, 4, &[Some(75.0), Some(80.0)]), &s),
            Proposal::Out(6)
        );
        assert_eq!(
            p.propose(&view(0, 4, &[Some(75.0), Some(79.9)]), &s),
            Proposal::Out(5)
        );
        assert_eq!(
            p.propose(&view(0, 4, &[Some(95.0), Some(99.0)]), &s),
            Proposal::Out(7)
        );
        // One breaching datapoint of two: no alarm.
        assert_eq!(
            p.propose(&view(0, 4, &[Some(60.0), Some(99.0)]), &s),
            Proposal::Hold
        );
        assert_eq!(
            p.propose(&view(0, 49, &[Some(95.0), Some(99.0)]), &s),
            Proposal::Out(50)
        );
    }

    #[test]
    fn during_cooldown_only_the_increment_beyond_the_first_is_added() {
        // AWS's example: +2 starts a cooldown; a +3 step during it adds only 1.
        let p = high_policy(AdjustmentType::ChangeInCapacity, &OUT_STEPS);
        let mut s = CooldownState::default();
        assert_eq!(
            p.propose(&view(60, 4, &[Some(85.0); 2]), &s),
            Proposal::Out(6)
        );
        s.record(SimTime(60_000), 4, 6, p.cooldown);
        assert_eq!(
            p.propose(&view(120, 6, &[Some(85.0); 2]), &s),
            Proposal::Hold
        );
        assert_eq!(
            p.propose(&view(120, 6, &[Some(95.0); 2]), &s),
            Proposal::Out(7)
        );
        // Cooldown over: a +2 step counts from the current 7 again.
        assert_eq!(
            p.propose(&view(360, 7, &[Some(85.0); 2]), &s),
            Proposal::Out(9)
        );
    }

    #[test]
    fn percent_changes_round_as_aws_documents() {
        let p = high_policy(AdjustmentType::PercentChangeInCapacity, &[(0.0, None, 25)]);
        let s = CooldownState::default();
        let dp = [Some(90.0); 2];
        // 25% of 10 is 2.5: rounds toward zero, 2.
        assert_eq!(p.propose(&view(0, 10, &dp), &s), Proposal::Out(12));
        // 25% of 3 is 0.75: between 0 and 1 rounds to 1.
        assert_eq!(p.propose(&view(0, 3, &dp), &s), Proposal::Out(4));
        let p = StepScalingPolicy {
            min_adjustment_magnitude: Some(3),
            ..p
        };
        assert_eq!(p.propose(&view(0, 10, &dp), &s), Proposal::Out(13));
    }

    #[test]
    fn scale_in_steps_below_a_low_threshold() {
        let p = StepScalingPolicy {
            alarm: Alarm {
                comparison: Comparison::LessThan,
                threshold: 30.0,
                datapoints_to_alarm: 3,
                evaluation_periods: 3,
            },
            adjustment_type: AdjustmentType::ChangeInCapacity,
            steps: vec![
                StepAdjustment {
                    lower: Some(-10.0),
                    upper: Some(0.0),
                    adjustment: -1,
                },
                StepAdjustment {
                    lower: None,
                    upper: Some(-10.0),
                    adjustment: -2,
                },
            ],
            min_adjustment_magnitude: None,
            cooldown: SimDuration::from_secs(300),
        };
        let mut s = CooldownState::default();
        // 20 is exactly 10 below: below the threshold the upper bound is inclusive.
        assert_eq!(
            p.propose(&view(0, 10, &[Some(20.0); 3]), &s),
            Proposal::In(8)
        );
        assert_eq!(
            p.propose(&view(0, 10, &[Some(25.0); 3]), &s),
            Proposal::In(9)
        );
        assert_eq!(p.propose(&view(0, 2, &[Some(5.0); 3]), &s), Proposal::In(1));
        s.record(SimTime(0), 10, 8, p.cooldown);
        assert_eq!(
            p.propose(&view(299, 8, &[Some(5.0); 3]), &s),
            Proposal::Hold
        );
        assert_eq!(
            p.propose(&view(300, 8, &[Some(5.0); 3]), &s),
            Proposal::In(6)
        );
        let exact = StepScalingPolicy {
            adjustment_type: AdjustmentType::ExactCapacity,
            steps: vec![StepAdjustment {
                lower: None,
                upper: Some(0.0),
                adjustment: 3,
            }],
            ..p
        };
        assert_eq!(
            exact.propose(&view(0, 10, &[Some(5.0); 3]), &CooldownState::default()),
            Proposal::In(3)
        );
    }
}
