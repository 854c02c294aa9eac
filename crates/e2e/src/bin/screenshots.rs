//! The README's pictures, made from the real build (`scripts/screenshots.sh` builds the app and
//! runs this): the built app in headless Chromium at 1280x800 against the Graph sandbox
//! (in-process, fresh seeds), through the end-to-end tests' harness. Writes `list.png` (the
//! object list), `form.png` (the 293-field Windows 10 form), `review.png` (a change in review)
//! and `error.png` (Graph's 502 answer to a Send, injected by the sandbox).
//!
//! ```text
//! screenshots [OUT_DIR]     # default: docs/screenshots of the repository
//! ```

use std::path::PathBuf;

use e2e::seeds::{GENERAL, GENERAL_ID, WINDOWS10, WINDOWS10_ID};
use e2e::{Harness, Widget};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 800;

/// Scrolls the page to its top, leaving the focus where it is.
async fn to_top(h: &Harness) {
    h.page.js("window.scrollTo(0, 0);", vec![]).await;
}

/// Writes what the browser shows now to `dir/name` and says so.
async fn shoot(h: &Harness, dir: &std::path::Path, name: &str) {
    let png = h.page.screenshot().await;
    let path = dir.join(name);
    std::fs::write(&path, &png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    println!(
        "screenshots: wrote {} ({} bytes)",
        path.display(),
        png.len()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
        });
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let dir = dir.canonicalize().unwrap_or(dir);

    let h = Harness::start().await;
    h.page.resize(WIDTH, HEIGHT).await;
    let page = &h.page;

    // The home view with the device configurations listed.
    page.goto(&h.home("beta")).await;
    page.click("#list-button").await;
    page.wait_for(&format!("#object-list button[data-id=\"{GENERAL_ID}\"]"))
        .await;
    page.wait_for_type_list().await;
    shoot(&h, &dir, "list.png").await;

    // The big form, and a change to it in review.
    h.open("beta", WINDOWS10, Some(WINDOWS10_ID), "displayName")
        .await;
    to_top(&h).await;
    shoot(&h, &dir, "form.png").await;
    page.edit(
        "displayName",
        Widget::Text,
        "Windows 10 baseline (reviewed)",
    )
    .await;
    page.wait_for("#diff tr[data-property=\"displayName\"]")
        .await;
    page.wait_for("#send:not([disabled])").await;
    shoot(&h, &dir, "review.png").await;

    // Graph answers a Send with 502 Bad Gateway (not retried): the error as the user sees it.
    h.open("beta", GENERAL, Some(GENERAL_ID), "displayName")
        .await;
    page.edit("displayName", Widget::Text, "Kiosk phones").await;
    h.sandbox.fault("502", "PATCH", 1);
    page.send().await;
    page.wait_for(".error-view[data-status=\"502\"]").await;
    to_top(&h).await;
    shoot(&h, &dir, "error.png").await;

    h.finish().await;
}
