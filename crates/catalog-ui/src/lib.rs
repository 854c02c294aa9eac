//! The settings catalog editor: a small Yew app of its own, built to `catalog/` beside the main
//! app (scripts/build-catalog.sh) and imported by it only when a settings catalog or endpoint
//! security policy opens, so the first load of any other form does not grow. The page mounts it
//! with [`mount`] and asks it for the review's rows with [`diff`]; data crosses as JSON text.
//! It never sees a token: Graph answers come through the page's `get` (see `store::Host`).

pub mod app;
pub mod load;
pub mod model;
pub mod picker;
pub mod state;
pub mod store;
pub mod view;

use std::rc::Rc;

use serde_json::Value;
use wasm_bindgen::prelude::*;

use app::{App, AppProps, DEFINITIONS};
use state::Input;
use store::{Host, HostObject};

/// The editor mounted in the page's element.
#[wasm_bindgen]
pub struct CatalogHandle {
    app: Option<yew::AppHandle<App>>,
    host: Host,
}

#[wasm_bindgen]
impl CatalogHandle {
    /// The page's policy anew (JSON as for [`mount`]): after a discard, a save or a rebase.
    pub fn update(&mut self, init: &str) {
        if let Some(app) = self.app.as_mut() {
            app.update(AppProps {
                input: Rc::new(Input::parse(init)),
                host: self.host.clone(),
            });
        }
    }

    /// Takes the editor out of the page.
    pub fn unmount(mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Mounts the editor in `element`. `init` is JSON: `{"policy": …, "loaded": [settings as
/// loaded] | null, "namespace": "<Graph base>|<API version>"}`; `host` has `get(path, resolve,
/// reject)` (a Graph GET below the API version, or a `nextLink`; the answer's text or a message
/// goes to one of the two), `change(settingsJson)` and `errors(count)`.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, init: &str, host: HostObject) -> CatalogHandle {
    let host = Host(Rc::new(host));
    let props = AppProps {
        input: Rc::new(Input::parse(init)),
        host: host.clone(),
    };
    let app = yew::Renderer::<App>::with_root_and_props(element, props).render();
    CatalogHandle {
        app: Some(app),
        host,
    }
}

/// The setting-level changes from `before` to `after` (each a policy or its `settings`, JSON)
/// as JSON rows `{kind, id, name, before, after, path}`, named by the definitions loaded last.
#[wasm_bindgen]
pub fn diff(before: &str, after: &str) -> String {
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Array(Vec::new()));
    DEFINITIONS.with(|d| model::review_rows(&parse(before), &parse(after), &d.borrow()).to_string())
}
