//! The door to the settings catalog module (`crates/catalog-ui`, built into `catalog-<hash>/` beside
//! the app): started only when a configuration policy opens, it mounts itself into the host
//! element and is served the Graph GETs it asks for with this page's connection. The module never sees a
//! token and never calls Graph itself: it asks [`serve_get`] for paths under
//! `deviceManagement/configuration…` of the chosen base. Data crosses as JSON text.

use std::cell::Cell;

use policy_core::endpoint::GraphBase;
use policy_core::graph_error::backoff_seconds;
use policy_core::model::ApiVersion;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::graph::{ApiError, Connection};

/// The module's folder as built (`catalog/`), before dist-seal names it by its content.
pub const MODULE: &str = "catalog";

#[wasm_bindgen]
extern "C" {
    /// index.html's `startModule(name, n, failed)`: puts the module's `boot.js` (in the folder
    /// dist-seal named by its content) in the page as a module script, with `?n` when `n` is
    /// not 0 (fetched anew), and has a script that cannot load call the page's export `failed`.
    /// In the page's inline script, not here: it knows the folders, and the code is smaller.
    #[wasm_bindgen(js_name = startModule, catch)]
    fn start_module(name: &str, n: u32, failed: &str) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// The module's `update_body(before, after)` (boot.js puts its exports in
    /// `window.intuneCatalog`): the body of an intent's `updateSettings` for an edit from
    /// `before` to `after`, as JSON text. The page does not compile the intents' code in.
    #[wasm_bindgen(js_namespace = intuneCatalog, js_name = update_body, catch)]
    fn module_update_body(before: &str, after: &str) -> Result<String, JsValue>;
}

/// The body of `POST intents/{id}/updateSettings` for an edit from `before` to `after` (two
/// intents): only the settings that changed. `None` while the module is not loaded; a body
/// without settings when none changed.
pub fn update_body(before: &Value, after: &Value) -> Option<Value> {
    let text = module_update_body(&before.to_string(), &after.to_string()).ok()?;
    serde_json::from_str(&text).ok()
}

/// The Graph paths the module may read: settings catalog policies, their templates, the
/// setting definitions and their categories; intents (their categories and definitions), their
/// templates and their setting definitions.
const READABLE: [&str; 4] = [
    "deviceManagement/configuration",
    "deviceManagement/intents/",
    "deviceManagement/templates/",
    "deviceManagement/settingDefinitions/",
];

/// How often a throttled or unavailable GET of the module is tried again.
const RETRIES: u32 = 4;

thread_local! {
    /// How often the module's `<script>` was put in the page (a failed one is started again
    /// by [`start`]).
    static STARTS: Cell<u32> = const { Cell::new(0) };
}

/// Starts the module once per page (`again`: after it failed, with a fresh URL so the browser
/// fetches it anew): a `<script type="module">` of the module's `boot.js`, which mounts the module
/// into `#catalog-root` (again whenever that element is new, and updates it when its
/// `data-rev` changes). A script that cannot load reports to the page's `catalog_failed`.
pub fn start(again: bool) {
    start_script(&STARTS, MODULE, "catalog_failed", again)
}

/// Puts the lazily loaded module `name` in the page once (`again`: after it failed, fetched
/// anew), counted in `starts`; a script that cannot load calls the page's export named `failed`.
pub(crate) fn start_script(
    starts: &'static std::thread::LocalKey<Cell<u32>>,
    name: &str,
    failed: &str,
    again: bool,
) {
    let n = starts.with(|s| s.replace(s.get() + 1));
    if n > 0 && !again {
        starts.with(|s| s.set(n));
        return;
    }
    if start_module(name, n, failed).is_err() {
        // Not started (no document yet, or a page without its inline script): the next call
        // tries again.
        starts.with(|s| s.set(n));
    }
}

/// The words of a failed start: a script that could not load, or the module's error.
pub fn failure(e: &JsValue) -> String {
    if e.is_instance_of::<web_sys::Event>() {
        return "its script could not be loaded".into();
    }
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// The URL of the module's GET of `path` (relative to the API version, or a `nextLink` it
/// was given), or why it is refused: it must stay under the chosen base's
/// [`READABLE`] paths.
pub fn module_get_url(base: &GraphBase, api: ApiVersion, path: &str) -> Result<String, ApiError> {
    let url = if path.contains("://") {
        path.to_string()
    } else {
        base.url(api, path.trim_start_matches('/'))
    };
    let allowed = READABLE.iter().any(|r| url.starts_with(&base.url(api, r)));
    if base.owns(&url) && allowed && !url.contains('#') {
        Ok(url)
    } else {
        Err(ApiError::ForeignUrl(url))
    }
}

/// Serves one GET of the module with `conn`: the answer's text, retried after the wait Graph
/// asks for (429, 503, 504), or the error's words.
pub async fn serve_get(conn: Connection, path: String) -> Result<String, String> {
    let url = module_get_url(&conn.base, conn.api, &path).map_err(|e| e.to_string())?;
    let mut attempt = 0;
    loop {
        match conn.get_text(&url).await {
            Ok(text) => return Ok(text),
            Err(ApiError::Graph(g)) if g.is_retryable() && attempt < RETRIES => {
                let wait = g
                    .retry_after
                    .map(|r| r.delay_seconds(crate::util::now_seconds()))
                    .unwrap_or_else(|| backoff_seconds(attempt));
                gloo_timers::future::sleep(std::time::Duration::from_secs(wait)).await;
                attempt += 1;
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_module_reads_only_the_settings_catalog_under_the_chosen_base() {
        let base = GraphBase::parse("https://graph.microsoft.com").unwrap();
        let api = ApiVersion::Beta;
        assert_eq!(
            module_get_url(&base, api, "deviceManagement/configurationPolicies/a/settings?$expand=settingDefinitions").unwrap(),
            "https://graph.microsoft.com/beta/deviceManagement/configurationPolicies/a/settings?$expand=settingDefinitions"
        );
        assert_eq!(
            module_get_url(&base, api, "deviceManagement/intents/i/categories").unwrap(),
            "https://graph.microsoft.com/beta/deviceManagement/intents/i/categories"
        );
        // A nextLink of the catalog, under the same base.
        let next =
            "https://graph.microsoft.com/beta/deviceManagement/configurationSettings?$skiptoken=x";
        assert_eq!(module_get_url(&base, api, next).unwrap(), next);
        for refused in [
            "deviceManagement/deviceConfigurations",
            "me/messages",
            "deviceManagement/configurationSettings/../../me",
            "https://evil.example/beta/deviceManagement/configurationSettings",
            "https://graph.microsoft.com/v1.0/deviceManagement/configurationSettings",
            "https://graph.microsoft.com.evil.example/beta/deviceManagement/configurationSettings",
            "deviceManagement/configurationSettings#x",
            "deviceManagement/intentsX/i",
            "deviceManagement/intents/i/../../../me",
            "https://graph.microsoft.com/beta/deviceManagement/templates/../../me/messages",
        ] {
            assert!(
                module_get_url(&base, api, refused).is_err(),
                "{refused} must be refused"
            );
        }
    }
}
