//! Mounts the editor, once what a linked form needs first is in.

use intune_editor::app::App;
use intune_editor::session::{parse_query, Settings};

/// How long the first render waits for `config.json` and the linked schema pack.
const START_WAIT_MS: i32 = 300;

fn main() {
    intune_editor::bench_hooks::mark("app-start");
    intune_editor::panic::install();
    intune_editor::bench_hooks::install();
    // What the linked form needs first (index.html has the browser preload both).
    let link = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|q| parse_query(&q))
        .unwrap_or_default();
    let api = link.api.unwrap_or(Settings::default().api);
    intune_editor::api::prefetch(api, link.type_name.as_deref());
    // The first render waits for them, a moment at most: the page is then built once, with the
    // linked object already asked for, instead of being painted empty while they arrive.
    wasm_bindgen_futures::spawn_local(async {
        intune_editor::api::prefetched(START_WAIT_MS).await;
        if let Some(boot) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("boot"))
        {
            boot.remove();
        }
        yew::Renderer::<App>::new().render();
    });
}
