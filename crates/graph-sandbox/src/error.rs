//! The one error type of the crate: what can stop the sandbox from starting or from keeping its
//! state. Failures of single requests are not errors here; they are Graph-shaped responses
//! (see [`crate::reply`]).

use std::path::PathBuf;

/// What can go wrong while starting, loading or saving.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line is not understood; the message says which argument and why.
    #[error("{0}\n\nRun `graph-sandbox --help` for the options.")]
    Usage(String),
    /// A fault spec (header, path prefix, option or control endpoint) does not parse.
    #[error("fault spec {spec:?} is not understood: {reason}")]
    FaultSpec { spec: String, reason: String },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A state or seed file is not the JSON it should be.
    #[error("{path}: not valid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// An object cannot be stored: unknown type, no entry set for it, or no usable id.
    #[error("{origin}: {reason}")]
    BadObject { origin: String, reason: String },
    /// The listening socket could not be opened or served.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        #[source]
        source: std::io::Error,
    },
}
