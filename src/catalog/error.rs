//! What can be wrong with a price catalog, shared by the instance/Fargate tables and the
//! commitment rates laid over them.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
/// What is wrong with a price catalog, in the user's words.
pub enum CatalogError {
    #[error("cannot parse price catalog: {0}")]
    /// The file is not TOML of the catalog's shape (a misspelt key, a wrong type).
    Parse(String),
    #[error("invalid price catalog: {0}")]
    /// A value is out of range or contradicts another (a negative price, a repeated type).
    Invalid(String),
    #[error("unknown instance type `{name}`; allowed: {}", allowed.join(", "))]
    /// A name that is no instance type of the catalog.
    UnknownInstance {
        /// The name asked for.
        name: String,
        /// Every type the catalog has.
        allowed: Vec<String>,
    },
    #[error("cannot write price catalog: {0}")]
    /// The catalog could not be written back as TOML.
    Serialize(String),
}
