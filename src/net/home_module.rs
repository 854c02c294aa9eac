//! The door to the home view's module (`crates/home-ui`, built into `home-<hash>/` beside the app): the
//! object list and the drafts panel, started only when the list shows (or the user points at the
//! way back to it), so a form opened from a link loads none of it. It mounts itself into
//! `#home-root` and asks the page for everything (`app::home`); it never sees a token.

use std::cell::Cell;

use super::catalog_module::start_script;

/// The module's folder as built (`home/`), before dist-seal names it by its content.
pub const MODULE: &str = "home";

thread_local! {
    static STARTS: Cell<u32> = const { Cell::new(0) };
}

/// Starts the module once per page (`again`: after it failed, fetched anew). A script that
/// cannot load reports to the page's `home_failed`.
pub fn start(again: bool) {
    start_script(&STARTS, MODULE, "home_failed", again)
}
