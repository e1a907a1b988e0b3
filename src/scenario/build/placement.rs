//! Placement strategies and constraints, as services and job streams give them.

use super::super::error::FieldError;
use super::super::file::*;
use super::Names;
use super::check::given;
use super::intern;
use crate::model::{PlacementConstraint, PlacementStrategy, Resource, SpreadField};
use crate::query::Expr;

pub(super) const AZ_ATTRIBUTE: &str = "ecs.availability-zone";

pub(super) const MAX_STRATEGIES: usize = 5;

pub(super) const MAX_CONSTRAINTS: usize = 10;

pub(super) fn strategies(
    at: &str,
    list: &[PlacementStrategyFile],
    names: &mut Names,
) -> Result<Vec<PlacementStrategy>, FieldError> {
    if list.len() > MAX_STRATEGIES {
        return Err(FieldError::new(
            format!("{at}.placementStrategy"),
            format!("{} rules; ECS allows at most {MAX_STRATEGIES}", list.len()),
        ));
    }
    list.iter()
        .enumerate()
        .map(|(k, s)| {
            let here = format!("{at}.placementStrategy[{k}]");
            let field = s.field.as_deref();
            match (s.kind.as_str(), field) {
                ("binpack", Some("cpu")) => Ok(PlacementStrategy::Binpack(Resource::Cpu)),
                ("binpack", Some("memory")) => Ok(PlacementStrategy::Binpack(Resource::Memory)),
                ("binpack", other) => Err(FieldError::new(
                    format!("{here}.field"),
                    format!("binpack needs field cpu or memory, not {}", given(other)),
                )
                .allowed("cpu, memory")),
                ("spread", Some("instanceId" | "host")) => {
                    Ok(PlacementStrategy::Spread(SpreadField::InstanceId))
                }
                ("spread", Some(f)) if f.starts_with("attribute:") => {
                    let name = &f["attribute:".len()..];
                    Ok(PlacementStrategy::Spread(SpreadField::Attribute(intern(
                        &mut names.spread_keys,
                        name,
                    ))))
                }
                ("spread", other) => Err(FieldError::new(
                    format!("{here}.field"),
                    format!("spread needs a field, not {}", given(other)),
                )
                .allowed(
                    "instanceId, host, attribute:<name> such as attribute:ecs.availability-zone",
                )),
                ("random", None) => Ok(PlacementStrategy::Random),
                ("random", Some(_)) => Err(FieldError::new(
                    format!("{here}.field"),
                    "random takes no field",
                )),
                (other, _) => Err(FieldError::new(
                    format!("{here}.type"),
                    format!("unknown placement strategy `{other}`"),
                )
                .allowed("binpack, spread, random")),
            }
        })
        .collect()
}

pub(super) fn constraints(
    at: &str,
    list: &[PlacementConstraintFile],
) -> Result<Vec<PlacementConstraint>, FieldError> {
    if list.len() > MAX_CONSTRAINTS {
        return Err(FieldError::new(
            format!("{at}.placementConstraints"),
            format!(
                "{} constraints; ECS allows at most {MAX_CONSTRAINTS}",
                list.len()
            ),
        ));
    }
    list.iter()
        .enumerate()
        .map(|(k, c)| {
            let here = format!("{at}.placementConstraints[{k}]");
            match (c.kind.as_str(), c.expression.as_deref()) {
                ("distinctInstance", None) => Ok(PlacementConstraint::DistinctInstance),
                ("distinctInstance", Some(_)) => Err(FieldError::new(
                    format!("{here}.expression"),
                    "distinctInstance takes no expression",
                )),
                ("memberOf", Some(e)) => {
                    Expr::parse(e)
                        .map(PlacementConstraint::MemberOf)
                        .map_err(|err| {
                            FieldError::new(
                                format!("{here}.expression"),
                                format!("cluster query: {err}"),
                            )
                        })
                }
                ("memberOf", None) => Err(FieldError::new(
                    format!("{here}.expression"),
                    "memberOf needs an expression",
                )
                .allowed("a cluster query such as \"attribute:ecs.instance-type =~ t3.*\"")),
                (other, _) => Err(FieldError::new(
                    format!("{here}.type"),
                    format!("unknown placement constraint `{other}`"),
                )
                .allowed("distinctInstance, memberOf")),
            }
        })
        .collect()
}
