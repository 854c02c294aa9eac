//! The Intune configuration editor in the browser: a Yew app over the pure `policy-core` crate.
//! `api` is the only module that touches the network.

pub mod app;
pub mod auth;
pub mod bench_hooks;
pub mod clipboard;
pub mod components;
pub mod drafts;
pub mod module_settings;
pub mod net;
pub mod panic;
pub mod schemas;
pub mod session;
pub mod state;
pub mod util;
