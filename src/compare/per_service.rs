//! Which services to move: legs that move named services and jobs to Fargate while the
//! rest stays where it was (`fargate:thumbnails,reports`), and `--per-service`, one such leg
//! per service and job on EC2, priced against the scenario by each origin's share of the
//! bill (`cost_usd.by_origin`).
//!
//! The EC2 side re-sizes to what stays: a pool the scenario gives no managed scaling gets
//! ECS's defaults (target capacity 100%, minimum 0, maximum its count), so a move that
//! frees instances shows it in the bill. The change in the bill is measured against the
//! scenario as written, so it includes the instances the move lets go.
//!
//! ECS Managed Instances is not modeled yet; a `managed:<names>` leg belongs here once it
//! is (issue 33).

use super::legs::{LegConfig, move_to_fargate, uses_ec2};
use super::recommend::Target;
use super::run::{CompareError, LegResult, measure};
use crate::model::{ManagedScalingSpec, SimConfig, TaskDefId};
use rayon::prelude::*;
use serde::Serialize;

/// What a leg naming origins starts with.
pub const FARGATE_PREFIX: &str = "fargate:";

/// Parses `fargate:<name>[,<name>...]`; `None` when `text` is not such a leg.
pub fn parse_origin_leg(text: &str) -> Option<Result<Vec<String>, String>> {
    let names = text.strip_prefix(FARGATE_PREFIX)?;
    let list: Vec<String> = names
        .split(',')
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    Some(if list.is_empty() {
        Err(format!(
            "`{text}` names no service or job; write {FARGATE_PREFIX}<name>[,<name>...]"
        ))
    } else {
        Ok(list)
    })
}

/// The leg's name: `fargate:` and the names, comma-separated.
pub fn origin_leg_name(names: &[String]) -> String {
    format!("{FARGATE_PREFIX}{}", names.join(","))
}

/// The services and jobs on EC2 capacity that a Fargate leg could move, in scenario order
/// (services first): DAEMON services and GPU tasks cannot move.
pub fn movable_origins(config: &SimConfig) -> Vec<String> {
    let gpu = |d: TaskDefId| config.task_defs[d.index()].gpu > 0;
    let services = config
        .services
        .iter()
        .filter(|s| !s.daemon && uses_ec2(&s.launch) && !gpu(s.task_def))
        .map(|s| s.name.clone());
    let jobs = config
        .jobs
        .iter()
        .filter(|j| uses_ec2(&j.launch) && !gpu(j.task_def))
        .map(|j| j.name.clone());
    services.chain(jobs).collect()
}

/// The config with `names` moved to Fargate, the rest where it was and the pools
/// re-sizing; an error names an origin that does not exist or cannot move.
pub fn apply_origin_leg(config: &SimConfig, names: &[String]) -> Result<LegConfig, CompareError> {
    let movable = movable_origins(config);
    let leg = origin_leg_name(names);
    for name in names {
        if !movable.contains(name) {
            let known = config.services.iter().any(|s| &s.name == name)
                || config.jobs.iter().any(|j| &j.name == name);
            let why = if known {
                "runs no task on EC2 that Fargate could take (a DAEMON service, GPU tasks, or already on Fargate)"
            } else {
                "is not a service or job of the scenario"
            };
            return Err(CompareError::Usage(format!(
                "leg `{leg}`: `{name}` {why}; movable here: {}",
                if movable.is_empty() {
                    "none".to_string()
                } else {
                    movable.join(", ")
                }
            )));
        }
    }
    shared_definition(config, names, &leg)?;
    let mut c = config.clone();
    let mut notes = Vec::new();
    let mut left_out = Vec::new();
    move_to_fargate(&mut c, "fargate:", Some(names), &mut notes, &mut left_out)?;
    for pool in c.pools.iter_mut().filter(|p| p.managed_scaling.is_none()) {
        notes.push(format!(
            "pool `{}` re-sized by ECS managed scaling (target 100%, 0 to {} instances) to what stays on it",
            pool.name, pool.count
        ));
        pool.managed_scaling = Some(ManagedScalingSpec {
            config: Default::default(),
            min_size: 0,
            max_size: pool.count,
        });
    }
    Ok(LegConfig {
        config: c,
        notes,
        left_out,
    })
}

/// A task definition that is not Fargate-ready would be changed (awsvpc, a Fargate size)
/// for every origin using it: refused when one of them stays on EC2.
fn shared_definition(config: &SimConfig, names: &[String], leg: &str) -> Result<(), CompareError> {
    let defs = |name: &String| -> Vec<TaskDefId> {
        config
            .services
            .iter()
            .filter(|s| &s.name == name)
            .flat_map(|s| {
                std::iter::once(s.task_def).chain(s.deployments.iter().map(|d| d.task_def))
            })
            .chain(
                config
                    .jobs
                    .iter()
                    .filter(|j| &j.name == name)
                    .map(|j| j.task_def),
            )
            .collect()
    };
    let moved: Vec<TaskDefId> = names.iter().flat_map(defs).collect();
    for other in movable_origins(config)
        .iter()
        .filter(|o| !names.contains(o))
    {
        for d in defs(other) {
            let def = &config.task_defs[d.index()];
            if moved.contains(&d) && !def.fargate_compatible {
                return Err(CompareError::Usage(format!(
                    "leg `{leg}`: task definition `{}` is EC2-only and `{other}` uses it too, staying on EC2; move `{other}` in the same leg",
                    def.family
                )));
            }
        }
    }
    Ok(())
}

/// One origin moved alone, against the scenario.
#[derive(Clone, Debug, Serialize)]
pub struct OriginMove {
    /// The service or job.
    pub origin: String,
    /// Its share of the scenario's bill (`cost_usd.by_origin.<origin>.total`), US dollars.
    pub cost_where_it_is_usd: f64,
    /// Its share of the bill once moved, US dollars.
    pub cost_moved_usd: f64,
    /// The moved leg's whole bill less the scenario's, US dollars (negative: it saves).
    pub bill_change_usd: f64,
    /// Its pending-time p95 moved less where it is, seconds; `None` when it started no
    /// task in one of the two.
    pub pending_p95_change_s: Option<f64>,
}

/// The per-service comparison: the scenario, one leg per movable origin, and, with
/// `combine`, the moves that saved money together.
#[derive(Clone, Debug)]
pub struct PerService {
    /// The scenario first, then a leg per origin, then the combined leg if any.
    pub legs: Vec<LegResult>,
    /// One row per origin, in scenario order.
    pub moves: Vec<OriginMove>,
    /// The origins the combined leg moves (those whose move alone lowered the bill and met
    /// the target).
    pub combined: Vec<String>,
}

/// Runs legs that each move the origins named (`fargate:<names>`), in parallel, in order.
pub fn run_origin_legs(
    config: &SimConfig,
    legs: &[Vec<String>],
) -> Result<Vec<LegResult>, CompareError> {
    let configs = legs
        .iter()
        .map(|names| Ok((origin_leg_name(names), apply_origin_leg(config, names)?)))
        .collect::<Result<Vec<_>, CompareError>>()?;
    run_all(configs)
}

/// Runs the scenario and a leg per movable origin (in parallel), and with `combine` a last
/// leg moving together every origin whose move alone lowered the bill and met the target
/// (when one is given).
pub fn run_per_service(
    config: &SimConfig,
    combine: Option<Option<Target>>,
) -> Result<PerService, CompareError> {
    let origins = movable_origins(config);
    if origins.is_empty() {
        return Err(CompareError::Usage(
            "--per-service: no service or job runs on EC2 capacity that Fargate could take".into(),
        ));
    }
    let mut configs = vec![(
        "scenario".to_string(),
        LegConfig {
            config: config.clone(),
            notes: Vec::new(),
            left_out: Vec::new(),
        },
    )];
    for o in &origins {
        let names = std::slice::from_ref(o);
        configs.push((origin_leg_name(names), apply_origin_leg(config, names)?));
    }
    let mut legs = run_all(configs)?;
    let base = legs[0].clone();
    let moves: Vec<OriginMove> = origins
        .iter()
        .zip(&legs[1..])
        .map(|(o, moved)| origin_move(o, &base, moved))
        .collect();
    let target = combine.flatten();
    let combined: Vec<String> = moves
        .iter()
        .zip(&legs[1..])
        .filter(|(m, leg)| m.bill_change_usd < 0.0 && target.is_none_or(|t| t.met(leg)))
        .map(|(m, _)| m.origin.clone())
        .collect();
    if combine.is_some() && combined.len() > 1 {
        let leg = (
            origin_leg_name(&combined),
            apply_origin_leg(config, &combined)?,
        );
        legs.extend(run_all(vec![leg])?);
    }
    Ok(PerService {
        legs,
        moves,
        combined,
    })
}

fn run_all(configs: Vec<(String, LegConfig)>) -> Result<Vec<LegResult>, CompareError> {
    let runs: Vec<_> = configs
        .into_par_iter()
        .map(|(name, c)| measure(&c.config, &name, c.notes, c.left_out, true).map(|r| r.0))
        .collect();
    runs.into_iter().collect()
}

fn origin_move(origin: &str, base: &LegResult, moved: &LegResult) -> OriginMove {
    let share = |r: &LegResult| {
        r.summary
            .cost_usd
            .by_origin
            .get(origin)
            .map_or(0.0, |c| c.total)
    };
    let p95 = |r: &LegResult| r.pending_p95_by_origin.get(origin).copied();
    OriginMove {
        origin: origin.to_string(),
        cost_where_it_is_usd: share(base),
        cost_moved_usd: share(moved),
        bill_change_usd: moved.cost_total_usd - base.cost_total_usd,
        pending_p95_change_s: p95(moved).zip(p95(base)).map(|(m, b)| m - b),
    }
}

/// The table `--per-service` prints.
pub fn text(per: &PerService) -> String {
    let mut out = String::from(
        "Which services to move to Fargate (each alone; the rest stays, pools re-size)\n",
    );
    out.push_str(&format!(
        "  {:<24} {:>12} {:>12} {:>13} {:>17}\n",
        "origin", "cost now", "cost moved", "bill change", "pending p95 change"
    ));
    for m in &per.moves {
        let p95 = m
            .pending_p95_change_s
            .map_or("n/a".to_string(), |d| format!("{d:+.1} s"));
        out.push_str(&format!(
            "  {:<24} {:>12} {:>12} {:>13} {:>17}\n",
            m.origin,
            format!("${:.2}", m.cost_where_it_is_usd),
            format!("${:.2}", m.cost_moved_usd),
            format!("{:+.2} $", m.bill_change_usd),
            p95
        ));
    }
    if let Some(last) = per.legs.last().filter(|_| per.combined.len() > 1) {
        let base = per.legs[0].cost_total_usd;
        out.push_str(&format!(
            "  moving {} together: bill {:+.2} $ (${:.2}), pending p95 {:.1} s\n",
            per.combined.join(", "),
            last.cost_total_usd - base,
            last.cost_total_usd,
            last.pending_p95_s
        ));
    }
    out
}

/// `per-service.csv`: one row per origin.
pub fn csv(per: &PerService) -> String {
    let mut out = String::from(
        "origin,cost_where_it_is_usd,cost_moved_usd,bill_change_usd,pending_p95_change_s\n",
    );
    for m in &per.moves {
        let name = if m.origin.contains([',', '"', '\n']) {
            format!("\"{}\"", m.origin.replace('"', "\"\""))
        } else {
            m.origin.clone()
        };
        out.push_str(&format!(
            "{name},{:.6},{:.6},{:.6},{}\n",
            m.cost_where_it_is_usd,
            m.cost_moved_usd,
            m.bill_change_usd,
            m.pending_p95_change_s
                .map_or(String::new(), |d| format!("{d:.3}"))
        ));
    }
    out
}
