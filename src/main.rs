//! Mounts the editor; nothing else.

use intune_editor::app::App;

fn main() {
    intune_editor::panic::install();
    intune_editor::bench_hooks::install();
    yew::Renderer::<App>::new().render();
}
