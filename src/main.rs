//! Starts the editor: the panic hook, the requests the linked form needs (its GET too, when it
//! can go before the first render: `app::load_link_early`), then the mount.

use std::cell::Cell;
use std::rc::Rc;

use intune_editor::app::App;
use intune_editor::session::{page_link, Settings};

/// How long a link's early request may hold the first render back (`app::load_link_early`):
/// it normally needs config.json and the type's pack, a few milliseconds; a slow network never
/// keeps the page blank for longer than this.
const EARLY_LOAD_WAIT_MS: u32 = 150;

fn main() {
    intune_editor::bench_hooks::mark("app-start");
    intune_editor::panic::install();
    intune_editor::bench_hooks::install();
    // What the linked form needs is on its way while the app mounts.
    let link = page_link();
    let api = link.api.unwrap_or(Settings::default().api);
    intune_editor::net::prefetch(api, link.type_name.as_deref());
    if link.type_name.is_none() {
        yew::Renderer::<App>::new().render();
        return;
    }
    // A link to an object: its GET goes out before the first render, which it overlaps.
    let mounted = Rc::new(Cell::new(false));
    let mount = move || {
        if !mounted.replace(true) {
            yew::Renderer::<App>::new().render();
        }
    };
    let later = mount.clone();
    gloo_timers::callback::Timeout::new(EARLY_LOAD_WAIT_MS, later).forget();
    wasm_bindgen_futures::spawn_local(async move {
        intune_editor::app::load_link_early().await;
        mount();
    });
}
