//! The page's side of the settings editor module (`crates/catalog-ui`): the few functions it
//! calls through `window.wasmBindings` (Trunk's loader sets it to this crate's exports). They
//! reach the store through the [`Ctx`] the App gives [`connect`]: the module reads the open
//! policy from the state and reports only through actions.

use std::cell::RefCell;

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::effects::Ctx;
use super::store::AppAction;
use crate::net::catalog_module;
use crate::state::Action;

thread_local! {
    static CTX: RefCell<Option<Ctx>> = const { RefCell::new(None) };
    /// A failure reported before the App was there (a module started by index.html).
    static EARLY_FAILURE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Gives the module's functions the store (once, by the App); a failure reported before it
/// reaches the store now.
pub fn connect(ctx: Ctx) {
    if let Some(why) = EARLY_FAILURE.with(|f| f.borrow_mut().take()) {
        ctx.send(AppAction::CatalogModule(Some(why)));
    }
    CTX.with(|c| *c.borrow_mut() = Some(ctx));
}

fn ctx() -> Option<Ctx> {
    CTX.with(|c| c.borrow().clone())
}

/// The store, while the open document is a settings catalog policy or an intent: a late report
/// of a module whose policy was closed never lands on another object.
fn policy_ctx() -> Option<Ctx> {
    ctx().filter(|c| c.state().doc().is_some_and(|d| d.has_module_settings()))
}

/// What the module edits, as JSON: `{"policy": …, "loaded": [settings as loaded] | null,
/// "namespace": "<Graph base>|<API version>", "intent": true}` (the open document; `{}` when
/// none; `intent` only for an endpoint security intent).
#[wasm_bindgen]
pub fn catalog_input() -> String {
    let Some(state) = ctx().map(|c| c.state()) else {
        return "{}".into();
    };
    let Some(doc) = state.doc() else {
        return "{}".into();
    };
    let loaded = doc.loaded.as_ref().and_then(|l| l.0.get("settings"));
    let base = state
        .settings
        .base()
        .map(|b| b.to_string())
        .unwrap_or_default();
    format!(
        r#"{{"policy":{},"loaded":{},"namespace":{},"intent":{}}}"#,
        doc.draft.to_value(),
        loaded.unwrap_or(&Value::Null),
        Value::String(format!("{base}|{}", doc.api)),
        doc.is_intent()
    )
}

/// A GET of the module (see [`catalog_module::serve_get`]), with the connection the settings
/// make now; its answer's text goes to `resolve`, the error's words to `reject`.
#[wasm_bindgen]
pub fn catalog_get(path: String, resolve: js_sys::Function, reject: js_sys::Function) {
    let conn = ctx().and_then(|c| c.state().settings.connection().ok());
    wasm_bindgen_futures::spawn_local(async move {
        let result = match conn {
            Some(conn) => catalog_module::serve_get(conn, path).await,
            None => Err("no Graph connection".to_string()),
        };
        let (f, text) = match result {
            Ok(text) => (resolve, text),
            Err(e) => (reject, e),
        };
        let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&text));
    });
}

/// The module's edited `settings` (JSON), for the open document.
#[wasm_bindgen]
pub fn catalog_change(json: &str) {
    if let (Some(ctx), Ok(value)) = (policy_ctx(), serde_json::from_str::<Value>(json)) {
        ctx.doc(Action::Edit {
            property: "settings".into(),
            value: Some(value),
        });
    }
}

/// The module's count of errors in the settings (Send is blocked while above 0).
#[wasm_bindgen]
pub fn catalog_errors(n: u32) {
    if let Some(ctx) = policy_ctx() {
        ctx.doc(Action::CatalogErrors(n as usize));
    }
}

/// The module could not start: its script did not load (an `Event`) or it failed (an error).
#[wasm_bindgen]
pub fn catalog_failed(e: JsValue) {
    let why = catalog_module::failure(&e);
    match ctx() {
        Some(ctx) => ctx.send(AppAction::CatalogModule(Some(why))),
        None => EARLY_FAILURE.with(|f| *f.borrow_mut() = Some(why)),
    }
}
