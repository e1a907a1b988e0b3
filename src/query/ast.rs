//! Syntax tree of a cluster query, and its canonical textual form.

use super::lexer::is_word_char;
use super::literal::Literal;
use regex::Regex;
use std::fmt;

/// What a condition looks at on a container instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// `agentConnected`: compared as the text `true` or `false`.
    AgentConnected,
    /// `agentVersion`: compared by dotted numeric components (1.10.0 > 1.9.0).
    AgentVersion,
    /// `attribute:<name>`, e.g. `ecs.instance-type` or a custom `stack`.
    Attribute(String),
    /// `ec2InstanceId`.
    Ec2InstanceId,
    /// `registeredAt`: simulated milliseconds since time zero, which a date argument
    /// reads as 1970-01-01T00:00:00Z.
    RegisteredAt,
    /// `runningTasksCount`: tasks on the instance now, compared as a number.
    RunningTasksCount,
    /// `task:group`: true for `== g` when the instance runs a task of group
    /// `g`, which is what makes `not(task:group == db)` an anti-affinity rule.
    TaskGroup,
}

/// A comparison operator: numeric when both sides read as numbers, else by version
/// components for `agentVersion`, else by string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`: the exact negation of `==`, so a missing attribute passes it.
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

/// A regular expression compiled once at parse time and anchored at both
/// ends, because Java's `String.matches` (which ECS uses) requires the whole
/// value to match.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    regex: Regex,
}

impl Pattern {
    pub(crate) fn new(source: String) -> Result<Self, regex::Error> {
        let regex = Regex::new(&format!(r"\A(?:{source})\z"))?;
        Ok(Self { source, regex })
    }

    /// The pattern as written, without the added anchors.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `text` matches, as Java's `String.matches` decides.
    pub fn is_full_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// The test a condition applies to its subject's value. On a missing attribute every
/// positive form fails and every negated one (`!=`, `!exists`, `!in`, `!~`) passes.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// `op value`.
    Compare(CompareOp, Literal),
    /// `exists`: the subject has a value (only an attribute can lack one).
    Exists,
    /// `!exists`.
    NotExists,
    /// `in [a, b, ...]`: equal to any item, by the same rules as `==`.
    In(Vec<Literal>),
    /// `!in [...]`.
    NotIn(Vec<Literal>),
    /// `=~ pattern`, matched against the whole value.
    Matches(Pattern),
    /// `!~ pattern`.
    NotMatches(Pattern),
}

/// One `subject predicate` term of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// What is looked at.
    pub subject: Subject,
    /// What it must satisfy; the parser allows only `==`, `!=`, `in`, `!in` for
    /// `task:group`.
    pub predicate: Predicate,
}

/// A parsed query. `And`/`Or` are n-ary so long chains stay shallow, which
/// keeps evaluation and drop from recursing once per term.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A single term.
    Condition(Condition),
    /// `not`/`!`.
    Not(Box<Expr>),
    /// `and`/`&&` of two or more terms: all must hold.
    And(Vec<Expr>),
    /// `or`/`||` of two or more terms: any must hold.
    Or(Vec<Expr>),
}

impl Expr {
    /// Names of all `attribute:<name>` subjects, in order of first
    /// appearance, without duplicates.
    pub fn referenced_attributes(&self) -> Vec<&str> {
        let mut names = Vec::new();
        self.collect_attributes(&mut names);
        names
    }

    fn collect_attributes<'a>(&'a self, names: &mut Vec<&'a str>) {
        match self {
            Expr::Condition(Condition {
                subject: Subject::Attribute(name),
                ..
            }) => {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
            Expr::Condition(_) => {}
            Expr::Not(inner) => inner.collect_attributes(names),
            Expr::And(items) | Expr::Or(items) => {
                items.iter().for_each(|e| e.collect_attributes(names));
            }
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::AgentConnected => f.write_str("agentConnected"),
            Subject::AgentVersion => f.write_str("agentVersion"),
            Subject::Attribute(name) => write!(f, "attribute:{name}"),
            Subject::Ec2InstanceId => f.write_str("ec2InstanceId"),
            Subject::RegisteredAt => f.write_str("registeredAt"),
            Subject::RunningTasksCount => f.write_str("runningTasksCount"),
            Subject::TaskGroup => f.write_str("task:group"),
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
        })
    }
}

/// Writes a value bare when the lexer would read it back as one word.
fn write_value(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    if !text.is_empty() && text.chars().all(is_word_char) {
        return f.write_str(text);
    }
    f.write_str("\"")?;
    for c in text.chars() {
        if c == '"' || c == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("\"")
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[Literal]) -> fmt::Result {
    f.write_str("[")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_value(f, item.text())?;
    }
    f.write_str("]")
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.subject)?;
        match &self.predicate {
            Predicate::Compare(op, lit) => {
                write!(f, "{op} ")?;
                write_value(f, lit.text())
            }
            Predicate::Exists => f.write_str("exists"),
            Predicate::NotExists => f.write_str("!exists"),
            Predicate::In(items) => {
                f.write_str("in ")?;
                write_list(f, items)
            }
            Predicate::NotIn(items) => {
                f.write_str("!in ")?;
                write_list(f, items)
            }
            Predicate::Matches(p) => {
                f.write_str("=~ ")?;
                write_value(f, p.as_str())
            }
            Predicate::NotMatches(p) => {
                f.write_str("!~ ")?;
                write_value(f, p.as_str())
            }
        }
    }
}

/// Canonical form: re-parses to an equal `Expr`.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined = |f: &mut fmt::Formatter<'_>, items: &[Expr], sep: &str| {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                // Nested groups are always parenthesised so that an `Or`
                // inside an `And` (or vice versa) keeps its grouping.
                match item {
                    Expr::And(_) | Expr::Or(_) => write!(f, "({item})")?,
                    _ => write!(f, "{item}")?,
                }
            }
            Ok(())
        };
        match self {
            Expr::Condition(c) => write!(f, "{c}"),
            Expr::Not(inner) => write!(f, "not ({inner})"),
            Expr::And(items) => joined(f, items, " and "),
            Expr::Or(items) => joined(f, items, " or "),
        }
    }
}
