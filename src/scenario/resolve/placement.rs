//! Placement strategies and constraints, as services and job streams give them.

use super::super::error::FieldError;
use super::super::file::*;
use super::Names;
use super::check::given;
use super::intern;
use crate::model::policy::PolicyHandle;
use crate::model::{PlacementConstraint, PlacementStrategy, Resource, SpreadField};
use crate::query::Expr;

pub(super) const AZ_ATTRIBUTE: &str = "ecs.availability-zone";

pub(super) const MAX_STRATEGIES: usize = 5;

pub(super) const MAX_CONSTRAINTS: usize = 10;

/// The rules of `placementStrategy`, and the policies they name (each once, in order of
/// first mention; a `Policy` rule holds its index there).
pub(super) fn strategies(
    at: &str,
    list: &[PlacementStrategyFile],
    names: &mut Names<'_>,
) -> Result<(Vec<PlacementStrategy>, Vec<PolicyHandle>), FieldError> {
    if list.len() > MAX_STRATEGIES {
        return Err(FieldError::new(
            format!("{at}.placementStrategy"),
            format!("{} rules; ECS allows at most {MAX_STRATEGIES}", list.len()),
        ));
    }
    let mut policies: Vec<PolicyHandle> = Vec::new();
    let mut rules = Vec::with_capacity(list.len());
    for (k, s) in list.iter().enumerate() {
        let here = format!("{at}.placementStrategy[{k}]");
        if s.kind != "policy" && s.name.is_some() {
            return Err(FieldError::new(
                format!("{here}.name"),
                format!("only a policy rule takes a name; {} does not", s.kind),
            )
            .allowed("name with type = \"policy\""));
        }
        let field = s.field.as_deref();
        rules.push(match (s.kind.as_str(), field) {
            ("binpack", Some("cpu")) => PlacementStrategy::Binpack(Resource::Cpu),
            ("binpack", Some("memory")) => PlacementStrategy::Binpack(Resource::Memory),
            ("binpack", other) => {
                return Err(FieldError::new(
                    format!("{here}.field"),
                    format!("binpack needs field cpu or memory, not {}", given(other)),
                )
                .allowed("cpu, memory"));
            }
            ("spread", Some("instanceId" | "host")) => {
                PlacementStrategy::Spread(SpreadField::InstanceId)
            }
            ("spread", Some(f)) if f.starts_with("attribute:") => {
                let name = &f["attribute:".len()..];
                PlacementStrategy::Spread(SpreadField::Attribute(intern(
                    &mut names.spread_keys,
                    name,
                )))
            }
            ("spread", other) => {
                return Err(FieldError::new(
                    format!("{here}.field"),
                    format!("spread needs a field, not {}", given(other)),
                )
                .allowed(
                    "instanceId, host, attribute:<name> such as attribute:ecs.availability-zone",
                ));
            }
            ("random", None) => PlacementStrategy::Random,
            ("random", Some(_)) => {
                return Err(FieldError::new(
                    format!("{here}.field"),
                    "random takes no field",
                ));
            }
            ("policy", Some(_)) => {
                return Err(FieldError::new(
                    format!("{here}.field"),
                    "a policy takes no field; name the policy with name",
                )
                .allowed("{ type = \"policy\", name = \"tetris\" }"));
            }
            ("policy", None) => policy(&here, s.name.as_deref(), names, &mut policies)?,
            (other, _) => {
                return Err(FieldError::new(
                    format!("{here}.type"),
                    format!("unknown placement strategy `{other}`"),
                )
                .allowed("binpack, spread, random, policy"));
            }
        });
    }
    Ok((rules, policies))
}

/// A `{ type = "policy", name }` rule: the named policy, looked up among those registered.
fn policy(
    here: &str,
    name: Option<&str>,
    names: &Names<'_>,
    policies: &mut Vec<PolicyHandle>,
) -> Result<PlacementStrategy, FieldError> {
    let registered = || names.policies.names().collect::<Vec<_>>().join(", ");
    let Some(name) = name else {
        return Err(
            FieldError::new(format!("{here}.name"), "a policy rule needs a name")
                .allowed(registered()),
        );
    };
    let Some(handle) = names.policies.get(name) else {
        return Err(FieldError::new(
            format!("{here}.name"),
            format!("no placement policy is registered as `{name}`"),
        )
        .allowed(registered()));
    };
    let index = match policies.iter().position(|p| p.name == name) {
        Some(i) => i,
        None => {
            policies.push(handle.clone());
            policies.len() - 1
        }
    };
    Ok(PlacementStrategy::Policy(index))
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
