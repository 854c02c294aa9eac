//! Mounts the editor; nothing else.

use intune_editor::app::App;
use intune_editor::session::{parse_query, Settings};

fn main() {
    intune_editor::bench_hooks::mark("app-start");
    intune_editor::panic::install();
    intune_editor::bench_hooks::install();
    // What the linked form needs is on its way while the app mounts.
    let link = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|q| parse_query(&q))
        .unwrap_or_default();
    let api = link.api.unwrap_or(Settings::default().api);
    intune_editor::api::prefetch(api, link.type_name.as_deref());
    yew::Renderer::<App>::new().render();
}
