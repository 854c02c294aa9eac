//! The pure core of the Intune configuration editor: the schema model generated from Microsoft's
//! Graph metadata, offline validation, the minimal PATCH, Graph error parsing, endpoints and
//! access-token decoding.
//!
//! Nothing here knows about a browser or a network: the app, the `policy-lint` CLI and the
//! sandbox all use the same code, and `cargo test` runs it natively.

pub mod catalog;
pub mod code;
pub mod command;
pub mod dates;
pub mod edm;
#[cfg(feature = "embedded")]
pub mod embedded;
pub mod endpoint;
pub mod generate;
pub mod graph_error;
pub mod home;
#[cfg(feature = "settings")]
pub mod intents;
pub mod json_read;
pub mod label;
pub mod listing;
pub mod model;
pub mod pack;
pub mod patch;
pub mod path;
pub mod read;
pub mod sample;
pub mod secrets;
pub mod sections;
#[cfg(feature = "settings")]
pub mod settings;
pub mod token;
pub mod validate;
pub mod weburl;

pub use code::Code;
pub use edm::Edm;
pub use model::{ApiVersion, Schema, TypeId};
pub use path::FieldPath;
pub use validate::{validate, validate_as, validate_property, Mode, Problem, Severity};

/// What can go wrong in the core crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The embedded schema JSON does not parse.
    #[error("schema data is not valid: {0}")]
    SchemaJson(#[source] serde_json::Error),
    /// A type names a base type the schema does not hold.
    #[error("type {0} names an unknown base type {1}")]
    UnknownBaseType(String, String),
    /// A chain of base types loops.
    #[error("the base types of {0} form a cycle")]
    BaseTypeCycle(String),
    /// A type declares (or inherits) two properties of one name.
    #[error("type {0} has two properties named {1}")]
    DuplicateProperty(String, String),
}
