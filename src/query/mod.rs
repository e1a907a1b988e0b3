//! The ECS cluster query language used by `memberOf` placement constraints.
//!
//! An expression is `subject operator [argument]`, combined with
//! `and`/`&&`, `or`/`||`, `not`/`!` and parentheses, e.g.
//! `attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d`.
//!
//! Differences from ECS worth knowing:
//! - Regexes use the `regex` crate's syntax (no look-around or
//!   back-references) rather than Java's, still matched against the whole
//!   value as Java's `matches` does.
//! - `task:group` supports `==`, `!=`, `in` and `!in` only, because an
//!   instance is asked "do you run group g?" rather than for its group list.
//! - Operators are not restricted per subject beyond that; comparisons are
//!   numeric when both sides are numbers, by version components for
//!   `agentVersion`, and by string otherwise.

mod ast;
mod error;
mod eval;
mod lexer;
mod literal;
mod parser;

pub use ast::{CompareOp, Condition, Expr, Pattern, Predicate, Subject};
pub use error::QueryError;
pub use eval::QuerySubject;
pub use literal::Literal;

#[cfg(test)]
mod eval_tests;
#[cfg(test)]
mod parse_tests;
