//! The settings catalog editor: a small Yew app of its own, built to `catalog/` beside the main
//! app (scripts/build-modules.sh) and imported by it only when a settings catalog or endpoint
//! security policy opens, so the first load of any other form does not grow. Data crosses as
//! JSON text. The page's side of the contract:
//! - the page appends `<script type="module" src="catalog-<hash>/boot.js">` (scripts/build-modules.sh)
//!   the first time a configuration policy or an intent opens; boot.js sets
//!   `window.intuneCatalog` to this module's exports (the page calls its [`update_body`]),
//!   [`mount`]s it into `#catalog-root` (again whenever that element is a new one,
//!   unmounting the old) and calls [`CatalogHandle::update`] when the element's `data-rev`
//!   changes; a failed start goes to `wasmBindings.catalog_failed(error)`;
//! - the page exports, in `window.wasmBindings` (Trunk's loader): `catalog_input()` (the open
//!   policy, see `state::Input`), `catalog_get(path, resolve, reject)` (a Graph GET below the
//!   API version, or a `nextLink`; the answer's text or a message goes to one of the two),
//!   `catalog_change(settingsJson)` and `catalog_errors(count)` (see `store`);
//! - boot.js has [`review`] write the review's rows into `#settings-diff` whenever that element
//!   is a new one or its `data-rev` changed.
//!
//! It never sees a token: Graph answers come through the page's `catalog_get`.

pub mod app;
pub mod intent;
pub mod intent_model;
pub mod intent_view;
pub mod load;
pub mod model;
pub mod picker;
pub mod state;
pub mod store;
pub mod view;

use std::rc::Rc;

use policy_core::patch::json_eq;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use app::{App, AppProps, DEFINITIONS};
use state::Input;
use store::{catalog_input, Host, REPORTED};

/// The editor the page's document needs: the settings catalog's, or an intent's.
#[yew::component]
pub fn Root(p: &AppProps) -> yew::Html {
    use yew::html;
    if p.input.intent {
        html! { <intent::IntentApp input={p.input.clone()} host={p.host.clone()} /> }
    } else {
        html! { <App input={p.input.clone()} host={p.host.clone()} /> }
    }
}

/// The body of `POST intents/{id}/updateSettings` for an edit of an intent from `before` to
/// `after` (JSON text: the intents, or their `settings`), as JSON text: the page calls it
/// (through `window.intuneCatalog`) to write what the user changed, and to show it in the
/// review, without compiling the intents' code in (`policy_core::intents::update_settings_body`).
#[wasm_bindgen]
pub fn update_body(before: &str, after: &str) -> String {
    let read = |s: &str| serde_json::from_str::<Value>(s).unwrap_or_default();
    policy_core::intents::update_settings_body(&read(before), &read(after)).to_string()
}

/// The editor mounted in the page's element.
#[wasm_bindgen]
pub struct CatalogHandle {
    app: Option<yew::AppHandle<Root>>,
    input: Rc<Input>,
}

#[wasm_bindgen]
impl CatalogHandle {
    /// Reads the page's policy anew (its host element's `data-rev` changed): given to the
    /// editor unless it holds what the editor last reported (after a discard, a save, a rebase,
    /// another policy in the same place).
    pub fn update(&mut self) {
        let input = Input::parse(&catalog_input());
        let settings = |i: &Input| i.policy.get("settings").cloned().unwrap_or(Value::Null);
        let own = REPORTED
            .with(|r| r.borrow().clone())
            .unwrap_or_else(|| settings(&self.input));
        let same_loaded = match (&input.loaded, &self.input.loaded) {
            (Some(a), Some(b)) => json_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        if same_loaded
            && json_eq(&settings(&input), &own)
            && input.policy_key() == self.input.policy_key()
        {
            return;
        }
        REPORTED.with(|r| r.borrow_mut().take());
        self.input = Rc::new(input);
        if let Some(app) = self.app.as_mut() {
            app.update(AppProps {
                input: self.input.clone(),
                host: Host,
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

/// The cache keys of the policy a page's link opens (`?graph=…&api=…&id=…`, as
/// `location.search`): its definitions and the category names, keyed as the page will name them
/// (`state::Input::policy_key`); none without a Graph base, an API version and an id.
pub fn link_keys(search: &str) -> Vec<String> {
    // The browser's own reading of a query, as the page's (`session::page_link`).
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(search) else {
        return Vec::new();
    };
    link_keys_of(params.get("graph"), params.get("api"), params.get("id"))
}

/// [`link_keys`] of the decoded parameters (pure).
pub fn link_keys_of(graph: Option<String>, api: Option<String>, id: Option<String>) -> Vec<String> {
    use policy_core::endpoint::GraphBase;
    use policy_core::model::ApiVersion;
    let (Some(graph), Some(api), Some(id)) = (graph, api, id) else {
        return Vec::new();
    };
    let (Ok(base), Some(api)) = (GraphBase::parse(&graph), ApiVersion::parse(&api)) else {
        return Vec::new();
    };
    // A cloud's root is that cloud's base, as the page's settings make it.
    let base = base.cloud_of().map(GraphBase::cloud).unwrap_or(base);
    let namespace = format!("{base}|{api}");
    vec![
        format!("{namespace}|policy|{id}"),
        load::categories_key(&namespace),
    ]
}

/// Starts reading what the page's link will need from the browser's cache (boot.js calls it as
/// soon as the module is in, which a link to a settings policy makes happen while the page
/// itself still loads).
#[wasm_bindgen]
pub fn prefetch_link(search: &str) {
    store::prefetch(&link_keys(search));
}

/// Mounts the editor in `element` with the page's policy (`catalog_input`).
#[wasm_bindgen]
pub fn mount(element: web_sys::Element) -> CatalogHandle {
    store::mark("catalog-mount");
    REPORTED.with(|r| r.borrow_mut().take());
    let input = Rc::new(Input::parse(&catalog_input()));
    // The kept definitions and category names are looked up while the editor starts.
    store::prefetch(&[input.policy_key(), load::categories_key(&input.namespace)]);
    let props = AppProps {
        input: input.clone(),
        host: Host,
    };
    // Numbered apart from the page's root, so that neither takes the other's events.
    let app = nested_yew::render::<Root>(element, props);
    CatalogHandle {
        app: Some(app),
        input,
    }
}

/// Writes the review's rows into `table` (the page's `#settings-diff`): the setting-level
/// changes from the page's policy as loaded to its `settings` now (`catalog_input`), named by
/// the definitions loaded last; each a row `data-setting` (the id) `data-kind` (`added`,
/// `removed`, `changed`) with the setting's name and its value before and after.
#[wasm_bindgen]
pub fn review(table: web_sys::Element) -> Result<(), JsValue> {
    let input = Input::parse(&catalog_input());
    let empty = Value::Array(Vec::new());
    let after = input.policy.get("settings").unwrap_or(&empty);
    let before = input.loaded.as_ref().unwrap_or(&empty);
    let rows = if input.intent {
        intent::INTENT_DEFINITIONS.with(|d| intent_model::review_rows(before, after, &d.borrow()))
    } else {
        DEFINITIONS.with(|d| model::review_rows(before, after, &d.borrow()))
    };
    let document = table.owner_document().ok_or("no document")?;
    let add = |parent: &web_sys::Element, tag: &str, text: &str, class: &str| {
        let e = document.create_element(tag)?;
        e.set_text_content(Some(text).filter(|t| !t.is_empty()));
        if !class.is_empty() {
            e.set_attribute("class", class)?;
        }
        parent.append_child(&e)?;
        Ok::<_, JsValue>(e)
    };
    table.set_text_content(None);
    let head = add(&add(&table, "thead", "", "")?, "tr", "", "")?;
    for h in ["Setting", "Before", "After"] {
        add(&head, "th", h, "")?;
    }
    let body = add(&table, "tbody", "", "")?;
    let text = |r: &Value, k: &str| r.get(k).and_then(Value::as_str).map(str::to_string);
    for r in rows.as_array().into_iter().flatten() {
        let id = text(r, "id").unwrap_or_default();
        let tr = add(&body, "tr", "", "")?;
        tr.set_attribute("data-setting", &id)?;
        tr.set_attribute("data-kind", &text(r, "kind").unwrap_or_default())?;
        let name = add(&tr, "td", &text(r, "name").unwrap_or_default(), "")?;
        add(&name, "br", "", "")?;
        add(&name, "code", &id, "setting-id")?;
        let before = text(r, "before").unwrap_or_else(|| "(absent)".into());
        add(&tr, "td", &before, "old")?;
        let after = text(r, "after").unwrap_or_else(|| "(removed)".into());
        add(&tr, "td", &after, "new")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_links_keys_are_the_ones_the_page_will_name() {
        let input = state::Input::parse(
            r#"{"policy": {"id": "p-1"}, "namespace": "https://graph.microsoft.com|beta"}"#,
        );
        let keys = link_keys_of(
            Some("https://graph.microsoft.com/".into()),
            Some("beta".into()),
            Some("p-1".into()),
        );
        assert_eq!(keys[0], input.policy_key());
        assert_eq!(keys[1], load::categories_key(&input.namespace));
        let custom = link_keys_of(
            Some("http://127.0.0.1:8080".into()),
            Some("v1.0".into()),
            Some("x".into()),
        );
        assert!(
            custom[0].starts_with("http://127.0.0.1:8080|v1.0|policy|x"),
            "{custom:?}"
        );
        for (g, a, i) in [
            (None, Some("beta"), Some("x")),
            (Some("ftp://x"), Some("beta"), Some("x")),
            (Some("https://graph.microsoft.com"), Some("v2"), Some("x")),
        ] {
            assert!(link_keys_of(
                g.map(String::from),
                a.map(String::from),
                i.map(String::from)
            )
            .is_empty());
        }
    }
}
