//! `graph-sandbox`: a local process that behaves like Microsoft Graph for what the Intune editor
//! uses, for the demo and for end-to-end tests.
//!
//! It keeps one in-memory store per API version (`v1.0` and `beta`), each validated with that
//! version's schema from `policy-core`, seeded with the seed examples and large sample objects,
//! and saved to a state file after every change. It answers list, GET and PATCH as Graph does,
//! in Graph's error shape, with CORS for the browser, and can inject faults (throttling, outages,
//! delays, dropped connections, concurrent edits) on request.
//!
//! **Local use only.** Access tokens are decoded but their signatures are never checked: the
//! sandbox trusts any well-formed token, including the unsigned ones it mints itself at
//! `/_sandbox/token`. It therefore refuses to listen on anything but a loopback address.
//!
//! Module map: [`graph`] answers Graph requests; [`control`] the `/_sandbox/*` endpoints;
//! [`envelope`] stamps every response (ids, date, CORS); [`fault`] is the fault grammar and
//! queue; [`auth`] mints and checks tokens; [`store`] and [`seed`] hold the objects;
//! [`sandbox`] is the shared state; [`server`] assembles and serves; [`cli`] reads options.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod control;
pub mod envelope;
pub mod error;
pub mod fault;
pub mod graph;
pub mod reply;
pub mod sandbox;
pub mod seed;
pub mod server;
pub mod store;

pub use auth::{mint_token, TokenRequest};
pub use error::Error;
pub use sandbox::{Config, Sandbox};
pub use server::{router, serve, spawn, Running};
