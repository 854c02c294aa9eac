//! The home view: the object list (collection, single objects, a sortable and filterable table,
//! paging, opening a file, starting a draft) and the "Unsaved drafts" panel. A small Yew app of
//! its own, built to `home/` beside the main app (scripts/build-modules.sh) and imported only
//! when the list shows, so a form's first load (from a link) carries none of it. The page's side
//! of the contract (`policy_core::home`):
//! - the page appends `<script type="module" src="home-<hash>/boot.js">` the first time the list shows
//!   (or the user points at the way back to it); boot.js [`mount`]s this module into
//!   `#home-root` (again whenever that element is a new one) and calls [`HomeHandle::update`]
//!   when the element's `data-rev` changes; a failed start goes to
//!   `wasmBindings.home_failed(error)`;
//! - the module reads `wasmBindings.home_input()` and asks for everything it does through
//!   `wasmBindings.home_action(json)`: it holds no token, no storage and no Graph call.

pub mod view;

use std::rc::Rc;

use policy_core::home::{Action, Input};
use wasm_bindgen::prelude::*;

use view::{Home, HomeProps};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "wasmBindings"])]
    fn home_input() -> String;
    #[wasm_bindgen(js_namespace = ["window", "wasmBindings"])]
    fn home_action(json: &str);
}

/// Asks the page to do something.
pub fn ask(action: Action) {
    home_action(&action.to_json());
}

fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// The view mounted in the page's element.
#[wasm_bindgen]
pub struct HomeHandle {
    app: Option<yew::AppHandle<Home>>,
}

#[wasm_bindgen]
impl HomeHandle {
    /// Reads the page's state anew (its host element's `data-rev` changed).
    pub fn update(&mut self) {
        if let Some(app) = self.app.as_mut() {
            app.update(HomeProps {
                input: Rc::new(Input::parse(&home_input())),
            });
        }
    }

    /// Takes the view out of the page.
    pub fn unmount(mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Mounts the view in `element` with the page's state.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element) -> HomeHandle {
    mark("home-mount");
    let props = HomeProps {
        input: Rc::new(Input::parse(&home_input())),
    };
    // Numbered apart from the page's root, so that neither takes the other's events.
    let app = nested_yew::render::<Home>(element, props);
    HomeHandle { app: Some(app) }
}
