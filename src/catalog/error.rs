//! What can be wrong with a price catalog, shared by the instance/Fargate tables and the
//! commitment rates laid over them.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CatalogError {
    #[error("cannot parse price catalog: {0}")]
    Parse(String),
    #[error("invalid price catalog: {0}")]
    Invalid(String),
    #[error("unknown instance type `{name}`; allowed: {}", allowed.join(", "))]
    UnknownInstance { name: String, allowed: Vec<String> },
    #[error("cannot write price catalog: {0}")]
    Serialize(String),
}
