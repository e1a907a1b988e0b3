//! Arrival processes for job streams.

use crate::rng::StreamRng;
use crate::time::{SimDuration, SimTime};
use rand::Rng;
use rand_distr::{Distribution, Exp1};
use std::sync::Arc;

const DAY_MS: f64 = 86_400_000.0;

/// When a job stream's tasks arrive, as resolved from a scenario's `arrivals` (which has
/// already checked the ranges stated here). Times are offsets from the simulation's start.
#[derive(Clone, Debug, PartialEq)]
pub enum ArrivalProcess {
    /// Exponential inter-arrival times at a constant rate.
    Poisson {
        /// Mean arrivals per second, > 0 (the scenario may give it per hour).
        rate_per_s: f64,
    },
    /// One arrival every `interval`, the first at `start`.
    FixedInterval {
        /// Gap between arrivals, > 0.
        interval: SimDuration,
        /// The first arrival (0 when the scenario omits it).
        start: SimDuration,
    },
    /// A non-homogeneous Poisson process whose rate follows a 24-hour cosine:
    /// `mean × (1 + amplitude × cos(2π (t − peak) / 24 h))`, sampled by thinning.
    DailyCycle {
        /// Average over a day, arrivals per second, > 0.
        mean_rate_per_s: f64,
        /// 0 ≤ amplitude ≤ 1: 0 is a plain Poisson process, 1 dips to zero at the trough.
        amplitude: f64,
        /// Offset of the busiest instant into each simulated day (14:00 by default).
        peak: SimDuration,
    },
    /// Fixed batches at fixed times, as EventBridge-scheduled tasks run: `count` tasks at
    /// each of `times` (sorted ascending), then, if `every` is set, the same again each period.
    Scheduled {
        /// Offsets of the batches, ascending; all below `every` when it is set.
        times: Vec<SimDuration>,
        /// Tasks per batch.
        count: u32,
        /// Repetition period; `None` runs the batches once.
        every: Option<SimDuration>,
    },
    /// A recorded trace (sorted by arrival): one task per row at its time, running for its
    /// recorded duration rather than a sampled one.
    Trace(Arc<[TracedTask]>),
}

/// One row of a replayed trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TracedTask {
    /// Arrival as an offset from the simulation's start, after the trace's window and time
    /// scale are applied.
    pub at: SimDuration,
    /// Recorded run time, scaled the same way; replaces the job's duration distribution.
    pub run_time: SimDuration,
}

/// The next arrival and how many tasks it brings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// Never before the previous arrival.
    pub at: SimTime,
    /// 1, except a scheduled batch's `count`.
    pub tasks: u32,
}

/// Where a process is in its sequence (only schedules need more than the last time).
#[derive(Clone, Copy, Debug, Default)]
pub struct ArrivalCursor {
    index: usize,
    period: u64,
}

impl ArrivalProcess {
    /// The first arrival strictly after the previous one (`after`), or `None` if none remain.
    pub fn next(
        &self,
        after: Option<SimTime>,
        cursor: &mut ArrivalCursor,
        rng: &mut StreamRng,
    ) -> Option<Arrival> {
        let from = after.unwrap_or(SimTime::ZERO);
        match self {
            ArrivalProcess::Poisson { rate_per_s } => {
                let gap: f64 = Exp1.sample(rng);
                Some(Arrival {
                    at: from + SimDuration::from_secs_f64(gap / rate_per_s),
                    tasks: 1,
                })
            }
            ArrivalProcess::FixedInterval { interval, start } => {
                let at = match after {
                    None => SimTime::ZERO + *start,
                    Some(t) => t + *interval,
                };
                Some(Arrival { at, tasks: 1 })
            }
            ArrivalProcess::DailyCycle {
                mean_rate_per_s,
                amplitude,
                peak,
            } => {
                let max_rate = mean_rate_per_s * (1.0 + amplitude);
                let mut t_ms = from.0 as f64;
                // Thinning (Lewis–Shedler): propose at the peak rate, keep with probability
                // rate(t) / peak rate. Bounded so a zero-rate cycle cannot spin forever.
                for _ in 0..1_000_000 {
                    let gap: f64 = Exp1.sample(rng);
                    t_ms += gap / max_rate * 1000.0;
                    let phase = 2.0 * std::f64::consts::PI * (t_ms - peak.0 as f64) / DAY_MS;
                    let rate = mean_rate_per_s * (1.0 + amplitude * phase.cos());
                    if rng.random::<f64>() * max_rate <= rate {
                        return Some(Arrival {
                            at: SimTime(t_ms.round() as u64).max(from),
                            tasks: 1,
                        });
                    }
                }
                None
            }
            ArrivalProcess::Scheduled {
                times,
                count,
                every,
            } => {
                if times.is_empty() {
                    return None;
                }
                if cursor.index >= times.len() {
                    every.filter(|p| p.0 > 0)?;
                    cursor.index = 0;
                    cursor.period += 1;
                }
                let offset = every.map_or(0, |p| p.0.saturating_mul(cursor.period));
                let at = SimTime(times[cursor.index].0.saturating_add(offset));
                cursor.index += 1;
                Some(Arrival { at, tasks: *count })
            }
            ArrivalProcess::Trace(rows) => {
                let row = rows.get(cursor.index)?;
                cursor.index += 1;
                Some(Arrival {
                    at: SimTime::ZERO + row.at,
                    tasks: 1,
                })
            }
        }
    }

    /// The recorded run time of the arrival `next` last returned, for a trace; other
    /// processes leave run times to the job's duration distribution.
    pub fn run_time(&self, cursor: &ArrivalCursor) -> Option<SimDuration> {
        match self {
            ArrivalProcess::Trace(rows) => cursor
                .index
                .checked_sub(1)
                .and_then(|i| rows.get(i))
                .map(|r| r.run_time),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{StreamKind, stream};

    #[test]
    fn a_trace_replays_each_row_once_with_its_run_time() {
        let row = |at, run| TracedTask {
            at: SimDuration(at),
            run_time: SimDuration(run),
        };
        let p = ArrivalProcess::Trace(vec![row(0, 5), row(0, 7), row(30, 1)].into());
        let mut rng = stream(1, StreamKind::JobArrivals, 0);
        let mut cursor = ArrivalCursor::default();
        let mut seen = Vec::new();
        let mut last = None;
        while let Some(a) = p.next(last, &mut cursor, &mut rng) {
            last = Some(a.at);
            seen.push((a.at.0, a.tasks, p.run_time(&cursor).map(|d| d.0)));
        }
        assert_eq!(
            seen,
            vec![(0, 1, Some(5)), (0, 1, Some(7)), (30, 1, Some(1))]
        );
    }

    fn arrivals(p: &ArrivalProcess, horizon: SimTime) -> Vec<Arrival> {
        let mut rng = stream(1, StreamKind::JobArrivals, 0);
        let mut cursor = ArrivalCursor::default();
        let mut out = Vec::new();
        let mut last = None;
        while let Some(a) = p.next(last, &mut cursor, &mut rng) {
            if a.at > horizon {
                break;
            }
            last = Some(a.at);
            out.push(a);
        }
        out
    }

    #[test]
    fn poisson_count_matches_rate_within_its_interval() {
        // 100 000 s at 1/s: count ~ Poisson(1e5), sd 316; ±4 sd is a 1-in-15 000 miss.
        let n = arrivals(
            &ArrivalProcess::Poisson { rate_per_s: 1.0 },
            SimTime(100_000_000),
        )
        .len();
        assert!((n as f64 - 100_000.0).abs() < 4.0 * 316.3, "{n}");
    }

    #[test]
    fn daily_cycle_peaks_where_asked() {
        let p = ArrivalProcess::DailyCycle {
            mean_rate_per_s: 0.5,
            amplitude: 0.8,
            peak: SimDuration::from_secs(12 * 3600),
        };
        let all = arrivals(&p, SimTime(10 * 86_400_000));
        let hour = |a: &Arrival| (a.at.0 / 3_600_000) % 24;
        let noon = all.iter().filter(|a| hour(a) == 12).count() as f64;
        let midnight = all.iter().filter(|a| hour(a) == 0).count() as f64;
        // Over 10 days, the 12:00–13:00 hour expects 0.5 × (1 + 0.8 × 0.989) × 36 000 ≈ 32 242
        // arrivals and 00:00–01:00 ≈ 3 758 (0.989 = mean of the cosine over that hour); the
        // counts are Poisson, so ±4 sd is ±4√mean.
        assert!((noon - 32_242.0).abs() < 4.0 * 32_242f64.sqrt(), "{noon}");
        assert!(
            (midnight - 3_758.0).abs() < 4.0 * 3_758f64.sqrt(),
            "{midnight}"
        );
        let total = all.len() as f64;
        assert!((total - 432_000.0).abs() < 4.0 * 657.3, "{total}");
    }

    #[test]
    fn schedule_repeats_each_period() {
        let p = ArrivalProcess::Scheduled {
            times: vec![SimDuration::from_secs(60), SimDuration::from_secs(120)],
            count: 3,
            every: Some(SimDuration::from_secs(3600)),
        };
        let got: Vec<u64> = arrivals(&p, SimTime(3_700_000))
            .iter()
            .map(|a| a.at.0)
            .collect();
        assert_eq!(got, vec![60_000, 120_000, 3_660_000]);
        assert!(arrivals(&p, SimTime(200_000)).iter().all(|a| a.tasks == 3));
    }
}
