//! End-to-end tests: the built app (`dist/`) in headless Chromium against the in-process Graph
//! sandbox. Each test starts its own sandbox (fresh seeds) and browser (fresh profile) and
//! asserts on what the sandbox recorded and stores, not only on what the page shows. What the
//! tests share (the harness, the seeded ids, the editing cases) is in the `e2e` library.
//!
//! One test binary, one module per topic (a test's full name starts with its module, so a topic
//! is also a filter):
//!
//! - `forms`: editing each seeded type through every kind of widget, and sending
//! - `failures`: refused tokens, throttling and outages, a dropped connection, a concurrent
//!   change, a custom Graph base
//! - `schema_loading`: a linked form loads only its pack, a host without the schema files,
//!   offline after one visit, the early GET
//! - `drafts`: a draft survives a reload, two tabs, a file from disk
//! - `sign_in`: MSAL.js at a local OpenID Connect provider, silent renewal
//! - `trust`: where the token may go, whatever a link, an answer or a redirect says
//! - `retries`: `Retry-After` in full, a lost answer, a change during Send
//! - `secrets`: encrypted OMA settings are never sent back masked nor stored
//! - `hostile`: script-injection text from Graph stays text
//! - `settings_catalog`: settings catalog and endpoint security policies, edited by their
//!   definitions in the lazily loaded settings editor, sent with PUT, reopened offline
//! - `intents`: endpoint security intents, their settings edited by their definitions in the same
//!   editor, written with one `updateSettings` of the changed settings only
//! - `accessibility`: axe-core finds no WCAG 2.1 AA violation on any view; keyboard only
//! - `app_policies`: app protection and app configuration policies under `deviceAppManagement`
//! - `layout`: the header bar, the list as home, the address bar and back button, the big
//!   form's sections, contents, filters and the review grouped by section
//!
//! Run them with `bash scripts/e2e.sh [filter…]` (builds the app first) or, after `trunk build`,
//! `cargo test -p e2e -- --test-threads=1 [filter…]`; for example `bash scripts/e2e.sh failures`
//! or `bash scripts/e2e.sh office`.

mod accessibility;
mod app_policies;
mod drafts;
mod failures;
mod forms;
mod hostile;
mod intents;
mod layout;
mod retries;
mod schema_loading;
mod secrets;
mod settings_catalog;
mod sign_in;
mod trust;
