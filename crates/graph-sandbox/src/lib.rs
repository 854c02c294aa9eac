//! `graph-sandbox`: a local process that behaves like Microsoft Graph for what the Intune editor
//! uses, for the demo and for end-to-end tests.
//!
//! It keeps one in-memory store per API version (`v1.0` and `beta`), each validated with that
//! version's schema from `policy-core`, seeded with the seed examples and large sample objects,
//! and saved to a state file after every change. It answers list, GET and PATCH as Graph does,
//! in Graph's error shape, with CORS for the browser, and can inject faults (throttling, outages,
//! delays, dropped connections, concurrent edits, answers lost after the work was done) on
//! request. Encrypted OMA settings are kept as Graph keeps them: masked in every answer,
//! revealed by `getOmaSettingPlainTextValue`.
//!
//! **Local use only.** Access tokens are decoded but their signatures are never checked: the
//! sandbox trusts any well-formed token, including the unsigned ones it mints itself at
//! `/_sandbox/token`. It therefore refuses to listen on anything but a loopback address, answers
//! only requests whose `Host` is a loopback name with its port (against DNS rebinding), sends
//! CORS headers to its own origins and configured ones only, wants a per-run secret on its
//! `/_sandbox/*` control routes, and never serves a recorded `Authorization` header as sent.
//!
//! Module map: [`graph`] answers Graph requests; [`control`] the `/_sandbox/*` endpoints;
//! [`access`] says who may talk to it (Host, Origin, control secret); [`envelope`] applies
//! that and stamps every response (ids, date, CORS); [`fault`] is the fault grammar and
//! queue; [`oma`] keeps encrypted OMA settings secret; [`auth`] mints and checks tokens;
//! [`settings`] serves the settings catalog and its policies; [`intents`] the endpoint
//! security intents and their templates; [`store`] and [`seed`] hold the objects; [`sandbox`]
//! is the shared state; [`server`] assembles and serves; [`cli`] reads options.

pub mod access;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod control;
pub mod envelope;
pub mod error;
pub mod fault;
pub mod graph;
pub mod intents;
pub mod oma;
pub mod reply;
pub mod sandbox;
pub mod seed;
pub mod server;
pub mod settings;
pub mod store;

pub use auth::{mint_token, TokenRequest};
pub use error::Error;
pub use sandbox::{Config, Sandbox};
pub use server::{router, serve, spawn, Running};
