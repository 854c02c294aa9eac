//! Rendering a lazily loaded module's Yew app inside the page's Yew app.
//!
//! Each wasm module carries its own copy of Yew, and each copy numbers the roots it renders
//! from 1. Yew brands every root's host element with that number (`__yew_subtree_id`) and handles
//! events in the capture phase at each host: the first host an event passes decides which root
//! is responsible by the closest branded element above the target, and a root handles only the
//! events whose responsible number is its own. The page renders one root (1) at `<body>`; a
//! module's first root would be 1 as well, so the page would take every event inside the module
//! for its own and run whichever page handler has the same listener number as the module's
//! element (an edit in the settings editor changed a property of the page's form).
//!
//! [`render`] first renders (and drops) [`SKIPPED`] roots on detached elements, once per module,
//! so that the module's roots number from `SKIPPED + 1` on: the page's Yew then finds another
//! root responsible for the module's events and leaves them to it. The e2e tests check the
//! numbers differ in the page.

use std::cell::Cell;

use yew::html::BaseComponent;
use yew::prelude::*;

/// The root numbers left to the page (which renders one root today).
pub const SKIPPED: u32 = 16;

thread_local! {
    static SKIPPED_DONE: Cell<bool> = const { Cell::new(false) };
}

#[component]
fn Nothing() -> Html {
    Html::default()
}

/// Renders `C` with `props` into `element` (in the page), its root numbered apart from the page's.
pub fn render<C: BaseComponent>(element: web_sys::Element, props: C::Properties) -> AppHandle<C> {
    if !SKIPPED_DONE.with(|d| d.replace(true)) {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            for _ in 0..SKIPPED {
                if let Ok(el) = document.create_element("div") {
                    yew::Renderer::<Nothing>::with_root(el).render().destroy();
                }
            }
        }
    }
    yew::Renderer::<C>::with_root_and_props(element, props).render()
}
