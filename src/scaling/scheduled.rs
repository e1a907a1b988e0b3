//! Scheduled scaling: changes to a service's minimum, maximum and desired capacity at given
//! times, optionally repeating (a daily business-hours schedule is the common case).
//!
//! Application Auto Scaling's scheduled actions set min and max; when the current count
//! falls outside the new range it is moved to the nearest bound. Setting desired directly is
//! what an `UpdateService` at that time would do; we allow it in the same action. If an
//! action leaves min above max (AAS would reject such an action when it is created), max is
//! raised to min rather than failing mid-run; the scenario should reject it up front.

use crate::time::{SimDuration, SimTime};

/// A service's capacity bounds and desired count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capacity {
    /// Lowest desired count scaling may set.
    pub min: u32,
    /// Highest desired count scaling may set.
    pub max: u32,
    /// Tasks the service keeps now, within `min..=max`.
    pub desired: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// One scheduled change of a service's capacity: each bound or count it sets, from `at` on.
pub struct ScheduledAction {
    /// First occurrence.
    pub at: SimTime,
    /// New minimum, if the action sets one.
    pub min: Option<u32>,
    /// New maximum, if the action sets one.
    pub max: Option<u32>,
    /// New desired count, if the action sets one (moved into the bounds).
    pub desired: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
/// A service's scheduled actions in time order, once or repeating.
pub struct Schedule {
    actions: Vec<ScheduledAction>,
    /// If set, every action repeats at `at + k × every`.
    every: Option<SimDuration>,
}

impl Schedule {
    /// Actions are kept in time order; those at the same time keep the order given, so the
    /// later one wins.
    pub fn new(mut actions: Vec<ScheduledAction>, every: Option<SimDuration>) -> Self {
        actions.sort_by_key(|a| a.at);
        Schedule {
            actions,
            every: every.filter(|p| p.0 > 0),
        }
    }

    /// Occurrences in `(after, upto]`, in time order (ties in the order given).
    pub fn due(&self, after: SimTime, upto: SimTime) -> Vec<(SimTime, ScheduledAction)> {
        let mut out = Vec::new();
        for (index, action) in self.actions.iter().enumerate() {
            match self.every {
                None => {
                    if action.at > after && action.at <= upto {
                        out.push((action.at, index, *action));
                    }
                }
                Some(period) => {
                    // First k with at + k × period > after.
                    let p = period.0;
                    let mut k = if after.0 < action.at.0 {
                        0
                    } else {
                        (after.0 - action.at.0) / p + 1
                    };
                    loop {
                        let t = SimTime(action.at.0.saturating_add(k.saturating_mul(p)));
                        if t > upto || t == SimTime::NEVER {
                            break;
                        }
                        out.push((t, index, *action));
                        k += 1;
                    }
                }
            }
        }
        out.sort_by_key(|(t, index, _)| (*t, *index));
        out.into_iter().map(|(t, _, a)| (t, a)).collect()
    }
}

/// The capacity after an action: new bounds, then desired (if given), then desired moved
/// into the bounds.
pub fn apply(current: Capacity, action: &ScheduledAction) -> Capacity {
    let min = action.min.unwrap_or(current.min);
    let max = action.max.unwrap_or(current.max).max(min);
    let desired = action.desired.unwrap_or(current.desired).clamp(min, max);
    Capacity { min, max, desired }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(h: u64) -> SimTime {
        SimTime(h * 3_600_000)
    }

    fn action(
        at: SimTime,
        min: Option<u32>,
        max: Option<u32>,
        desired: Option<u32>,
    ) -> ScheduledAction {
        ScheduledAction {
            at,
            min,
            max,
            desired,
        }
    }

    #[test]
    fn bounds_move_desired_into_range() {
        let c = Capacity {
            min: 2,
            max: 10,
            desired: 3,
        };
        // Business hours: min 6 lifts desired from 3 to 6.
        assert_eq!(
            apply(c, &action(hours(8), Some(6), None, None)),
            Capacity {
                min: 6,
                max: 10,
                desired: 6
            }
        );
        // Night: max 4 lowers desired 8 to 4.
        let busy = Capacity { desired: 8, ..c };
        assert_eq!(
            apply(busy, &action(hours(20), Some(1), Some(4), None)),
            Capacity {
                min: 1,
                max: 4,
                desired: 4
            }
        );
        // Desired set directly, still clamped; min above max raises max.
        assert_eq!(apply(c, &action(hours(1), None, None, Some(7))).desired, 7);
        assert_eq!(
            apply(c, &action(hours(1), None, None, Some(70))).desired,
            10
        );
        assert_eq!(
            apply(c, &action(hours(1), Some(12), None, None)),
            Capacity {
                min: 12,
                max: 12,
                desired: 12
            }
        );
    }

    #[test]
    fn one_off_actions_fire_once_in_their_window() {
        let s = Schedule::new(
            vec![
                action(hours(20), Some(1), None, None),
                action(hours(8), Some(6), None, None),
            ],
            None,
        );
        assert!(s.due(SimTime::ZERO, hours(7)).is_empty());
        let due = s.due(hours(7), hours(8));
        assert_eq!(due, vec![(hours(8), action(hours(8), Some(6), None, None))]);
        assert!(s.due(hours(8), hours(19)).is_empty());
        assert_eq!(s.due(SimTime::ZERO, hours(48)).len(), 2);
    }

    #[test]
    fn daily_actions_repeat_in_time_order() {
        let s = Schedule::new(
            vec![
                action(hours(8), Some(6), None, None),
                action(hours(20), Some(1), None, None),
            ],
            Some(SimDuration::from_secs(24 * 3600)),
        );
        let times: Vec<SimTime> = s.due(hours(8), hours(56)).iter().map(|d| d.0).collect();
        assert_eq!(times, vec![hours(20), hours(32), hours(44), hours(56)]);
        // The window's start is exclusive, its end inclusive.
        assert_eq!(s.due(hours(31), hours(32)).len(), 1);
        assert!(s.due(hours(32), hours(43)).is_empty());
    }
}
