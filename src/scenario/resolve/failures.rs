//! The `failures` section: restart backoff, instance failures, AZ outages and scheduled
//! actions.

use super::super::error::FieldError;
use super::super::file::*;
use super::check::bounded;
use crate::model::{
    Action, AzId, AzOutage, FailureSpec, PoolId, PoolSpec, RestartBackoff, ScheduledAction,
    ServiceId, ServiceSpec,
};
use crate::time::{SimDuration, SimTime};

pub(super) fn failures(
    f: &FailuresFile,
    azs: &[String],
    pools: &[PoolSpec],
    services: &[ServiceSpec],
    horizon: SimTime,
) -> Result<FailureSpec, FieldError> {
    let mut az_outages = Vec::new();
    for (i, o) in f.az_outages.iter().enumerate() {
        let at = format!("failures.az_outages[{i}]");
        let az = azs.iter().position(|a| *a == o.az).ok_or_else(|| {
            FieldError::new(
                format!("{at}.az"),
                format!("`{}` is not one of the cluster's AZs", o.az),
            )
            .allowed(azs.join(", "))
        })?;
        if o.duration.0 == SimDuration::ZERO {
            return Err(FieldError::new(
                format!("{at}.duration"),
                "must be longer than zero",
            ));
        }
        let start = SimTime::ZERO + o.start.0;
        let outage = AzOutage {
            az: AzId(az as u32),
            start,
            end: start + o.duration.0,
        };
        if az_outages
            .iter()
            .any(|p: &AzOutage| p.az == outage.az && p.start < outage.end && outage.start < p.end)
        {
            return Err(FieldError::new(
                at,
                format!("overlaps another outage of {}", o.az),
            ));
        }
        az_outages.push(outage);
    }
    let service = |name: &str, field: String| {
        let found = services.iter().position(|s| s.name == name);
        found.map(|i| ServiceId(i as u32)).ok_or_else(|| {
            let all: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
            FieldError::new(field, format!("no service named `{name}`")).allowed(all.join(", "))
        })
    };
    let mut events = Vec::new();
    for (i, e) in f.events.iter().enumerate() {
        let at = format!("failures.events[{i}]");
        let (time, action) = match e {
            EventFile::KillInstance { at: t, pool, index } => {
                let p = pools.iter().position(|p| p.name == *pool).ok_or_else(|| {
                    let all: Vec<&str> = pools.iter().map(|p| p.name.as_str()).collect();
                    FieldError::new(format!("{at}.pool"), format!("no pool named `{pool}`"))
                        .allowed(all.join(", "))
                })?;
                (
                    t.0,
                    Action::KillInstance {
                        pool: PoolId(p as u32),
                        index: *index,
                    },
                )
            }
            EventFile::KillTasks {
                at: t,
                service: s,
                count,
            } => (
                t.0,
                Action::KillTasks {
                    service: service(s, format!("{at}.service"))?,
                    count: bounded(format!("{at}.count"), *count)?,
                },
            ),
            EventFile::SetDesiredCount {
                at: t,
                service: s,
                count,
            } => (
                t.0,
                Action::SetDesiredCount {
                    service: service(s, format!("{at}.service"))?,
                    count: bounded(format!("{at}.count"), *count)?,
                },
            ),
        };
        let time = SimTime::ZERO + time;
        if time > horizon {
            return Err(FieldError::new(
                format!("{at}.at"),
                "falls after the horizon, so it would never happen",
            ));
        }
        events.push(ScheduledAction { at: time, action });
    }
    events.sort_by_key(|e| e.at);
    let default = RestartBackoff::default();
    let b = &f.restart_backoff;
    let factor = match b.factor {
        Some(v) if v.is_finite() && v >= 1.0 => v,
        Some(v) => {
            return Err(FieldError::new(
                "failures.restart_backoff.factor",
                format!("{v} is not allowed"),
            )
            .allowed("a number of at least 1"));
        }
        None => default.factor,
    };
    let backoff = RestartBackoff {
        initial: b.initial.map_or(default.initial, |d| d.0),
        factor,
        cap: b.cap.map_or(default.cap, |d| d.0),
    };
    if backoff.cap < backoff.initial {
        return Err(FieldError::new(
            "failures.restart_backoff.cap",
            "must not be below initial",
        ));
    }
    Ok(FailureSpec {
        az_outages,
        events,
        spot_notice: f.spot_notice.map_or(SimDuration::from_secs(120), |d| d.0),
        backoff,
    })
}
