//! The one door to the network: [`graph`] talks to Microsoft Graph (the only code that attaches
//! a token), [`assets`] fetches the app's own files (no token), [`catalog_module`] and
//! [`home_module`] start the lazily loaded modules. Nothing outside this module names
//! gloo-net, `fetch` or a `Request` (the `tidy` test holds it).

pub mod assets;
pub mod catalog_module;
pub mod graph;
pub mod home_module;

pub use assets::{ensure_catalog, ensure_type, ensure_whole, load_config, prefetch, SchemaError};
pub use graph::{end_early_gets, has_early_get, ApiError, Connection, ListPage, RequestPreview};
