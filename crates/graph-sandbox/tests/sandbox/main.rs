//! End-to-end tests of the sandbox: most go through the router in memory (`oneshot`), those
//! that need a socket (dropped connections, restarts, the binary, the Host and CORS checks of
//! the listener) through 127.0.0.1 on a port the OS picks.

mod app_policies;
mod common;
mod faults;
mod hostile;
mod intents;
mod listener;
mod objects;
mod protocol;
mod secrets;
mod settings;
mod settings_additions;
mod sockets;
mod state;
