//! Evaluating a parsed query against one container instance.

use super::ast::{CompareOp, Condition, Expr, Predicate, Subject};
use super::literal::Value;
use std::cmp::Ordering;

/// The view of a container instance that queries can see. Implemented by
/// the simulator's instance type; kept minimal so tests can fake it.
pub trait QuerySubject {
    /// Value of `attribute:<name>`, built-in (`ecs.instance-type`, `ecs.availability-zone`,
    /// ...) or custom; `None` when the instance lacks it.
    fn attribute(&self, name: &str) -> Option<&str>;
    /// `ec2InstanceId`.
    fn ec2_instance_id(&self) -> &str;
    /// `runningTasksCount`: tasks on the instance at the moment of the decision.
    fn running_tasks_count(&self) -> u32;
    /// Whether the instance currently runs a task of this group.
    fn has_task_group(&self, group: &str) -> bool;
    /// `agentConnected`.
    fn agent_connected(&self) -> bool;
    /// `agentVersion`, dotted numeric, e.g. `1.88.0`.
    fn agent_version(&self) -> &str;
    /// `registeredAt`: simulated milliseconds since time zero.
    fn registered_at_ms(&self) -> u64;
}

impl Expr {
    /// Whether the instance satisfies the query. Does not allocate (the
    /// `regex` crate sets up per-thread match scratch space on a pattern's
    /// first use only).
    ///
    /// A missing attribute fails every positive test (`==`, `>`, `in`, `=~`,
    /// `exists`) and passes every negated one (`!=`, `!in`, `!~`, `!exists`),
    /// so each negated operator is exactly the negation of its positive form.
    pub fn evaluate<S: QuerySubject + ?Sized>(&self, instance: &S) -> bool {
        match self {
            Expr::Condition(c) => c.evaluate(instance),
            Expr::Not(inner) => !inner.evaluate(instance),
            Expr::And(items) => items.iter().all(|e| e.evaluate(instance)),
            Expr::Or(items) => items.iter().any(|e| e.evaluate(instance)),
        }
    }
}

impl Condition {
    /// Whether the instance satisfies this one term, by the rules of [`Expr::evaluate`].
    pub fn evaluate<S: QuerySubject + ?Sized>(&self, instance: &S) -> bool {
        if self.subject == Subject::TaskGroup {
            return self.evaluate_task_group(instance);
        }
        let value = match &self.subject {
            Subject::AgentConnected => Some(Value::Text(if instance.agent_connected() {
                "true"
            } else {
                "false"
            })),
            Subject::AgentVersion => Some(Value::Text(instance.agent_version())),
            Subject::Attribute(name) => instance.attribute(name).map(Value::Text),
            Subject::Ec2InstanceId => Some(Value::Text(instance.ec2_instance_id())),
            Subject::RegisteredAt => Some(Value::Int(instance.registered_at_ms())),
            Subject::RunningTasksCount => Some(Value::Int(instance.running_tasks_count().into())),
            Subject::TaskGroup => None,
        };
        let versions = self.subject == Subject::AgentVersion;
        let negated = self.is_negated();
        let Some(value) = value else {
            return negated;
        };
        let holds = match &self.predicate {
            Predicate::Compare(op, lit) => {
                let ord = value.compare(lit, versions);
                match op {
                    CompareOp::Eq | CompareOp::Ne => ord == Some(Ordering::Equal),
                    CompareOp::Gt => ord == Some(Ordering::Greater),
                    CompareOp::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
                    CompareOp::Lt => ord == Some(Ordering::Less),
                    CompareOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
                }
            }
            Predicate::Exists | Predicate::NotExists => true,
            Predicate::In(items) | Predicate::NotIn(items) => {
                items.iter().any(|lit| value.equals(lit, versions))
            }
            Predicate::Matches(p) | Predicate::NotMatches(p) => {
                value.with_str(|s| p.is_full_match(s))
            }
        };
        holds != negated
    }

    fn evaluate_task_group<S: QuerySubject + ?Sized>(&self, instance: &S) -> bool {
        match &self.predicate {
            Predicate::Compare(CompareOp::Eq, lit) => instance.has_task_group(lit.text()),
            Predicate::Compare(CompareOp::Ne, lit) => !instance.has_task_group(lit.text()),
            Predicate::In(items) => items.iter().any(|g| instance.has_task_group(g.text())),
            Predicate::NotIn(items) => !items.iter().any(|g| instance.has_task_group(g.text())),
            // Rejected by the parser; a hand-built tree gets "no match".
            _ => false,
        }
    }

    /// Negated predicates are evaluated as their positive form, then flipped.
    fn is_negated(&self) -> bool {
        matches!(
            self.predicate,
            Predicate::Compare(CompareOp::Ne, _)
                | Predicate::NotExists
                | Predicate::NotIn(_)
                | Predicate::NotMatches(_)
        )
    }
}
