//! If the editor panics anyway, say so in the page instead of freezing. Drafts are written a
//! moment after each edit, and the hook writes the one still waiting, so they survive; the
//! message says how to get them back.

use std::panic;

pub fn install() {
    panic::set_hook(Box::new(|info| on_panic(&info.to_string())));
}

/// What the hook does: writes the waiting draft first, then shows the banner (`#panic-banner`)
/// with `detail` for a bug report.
pub fn on_panic(detail: &str) {
    // The edit typed a moment ago is not in storage yet: write it first.
    let _ = crate::drafts::flush_pending();
    web_sys::console::error_1(&detail.into());
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(el) = document.get_element_by_id("panic-banner") {
        let text = format!(
            "The editor hit an internal error and stopped. Your unsaved drafts are kept in this browser: reload the page and reopen them from \"Unsaved drafts\". Details for a bug report: {detail}"
        );
        el.set_text_content(Some(&text));
        let _ = el.remove_attribute("hidden");
    }
}
