//! Job arrivals and run-time distributions.

use super::super::error::FieldError;
use super::super::file::*;
use super::check::{bounded, positive};
use crate::time::SimDuration;
use crate::workload::{ArrivalProcess, DurationDist};

pub(super) fn arrival(at: &str, a: &ArrivalFile) -> Result<ArrivalProcess, FieldError> {
    Ok(match a {
        ArrivalFile::Poisson {
            rate_per_hour,
            rate_per_s,
        } => {
            let rate = match (rate_per_hour, rate_per_s) {
                (Some(h), None) => positive(format!("{at}.rate_per_hour"), *h)? / 3600.0,
                (None, Some(s)) => positive(format!("{at}.rate_per_s"), *s)?,
                _ => {
                    return Err(FieldError::new(
                        at,
                        "poisson needs exactly one of rate_per_hour, rate_per_s",
                    ));
                }
            };
            ArrivalProcess::Poisson { rate_per_s: rate }
        }
        ArrivalFile::FixedInterval { interval, start } => {
            if interval.0 == SimDuration::ZERO {
                return Err(FieldError::new(
                    format!("{at}.interval"),
                    "must be longer than zero",
                ));
            }
            ArrivalProcess::FixedInterval {
                interval: interval.0,
                start: start.map_or(SimDuration::ZERO, |s| s.0),
            }
        }
        ArrivalFile::DailyCycle {
            mean_rate_per_hour,
            amplitude,
            peak,
        } => {
            if !(0.0..=1.0).contains(amplitude) {
                return Err(FieldError::new(
                    format!("{at}.amplitude"),
                    format!("{amplitude} is out of range"),
                )
                .allowed("0 to 1"));
            }
            ArrivalProcess::DailyCycle {
                mean_rate_per_s: positive(format!("{at}.mean_rate_per_hour"), *mean_rate_per_hour)?
                    / 3600.0,
                amplitude: *amplitude,
                peak: peak.map_or(SimDuration::from_secs(14 * 3600), |p| p.0),
            }
        }
        ArrivalFile::Scheduled {
            times,
            count,
            every,
        } => {
            let mut sorted: Vec<SimDuration> = times.iter().map(|t| t.0).collect();
            sorted.sort();
            if let Some(p) = every {
                if sorted.last().is_some_and(|last| *last >= p.0) {
                    return Err(FieldError::new(
                        format!("{at}.times"),
                        "every time must fall inside one `every` period",
                    ));
                }
            }
            ArrivalProcess::Scheduled {
                times: sorted,
                count: bounded(format!("{at}.count"), *count)?,
                every: every.map(|e| e.0),
            }
        }
        ArrivalFile::Replay(rows) => ArrivalProcess::Trace(rows.clone()),
    })
}

pub(super) fn duration(at: &str, d: &DurationFile) -> Result<DurationDist, FieldError> {
    Ok(match d {
        DurationFile::Constant { value } => DurationDist::Constant(value.0),
        DurationFile::Exponential { mean } => DurationDist::Exponential {
            mean_s: positive(format!("{at}.mean"), mean.0.as_secs_f64())?,
        },
        DurationFile::Lognormal { mean, std_dev } => DurationDist::LogNormal {
            mean_s: positive(format!("{at}.mean"), mean.0.as_secs_f64())?,
            std_dev_s: positive(format!("{at}.std_dev"), std_dev.0.as_secs_f64())?,
        },
        DurationFile::Uniform { min, max } => {
            if max.0 < min.0 {
                return Err(FieldError::new(
                    format!("{at}.max"),
                    "must not be below min",
                ));
            }
            DurationDist::Uniform {
                min_s: min.0.as_secs_f64(),
                max_s: max.0.as_secs_f64(),
            }
        }
    })
}
