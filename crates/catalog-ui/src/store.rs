//! Where definitions come from and stay: the host's Graph GETs (the module never holds a token
//! nor calls Graph itself), and the browser's Cache API, where each policy's definitions (by
//! id, with their version), its template, the category names and the catalog's pages are kept
//! so that a policy opened once validates offline later.

use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The cache the definitions live in (apart from the service worker's app files).
const CACHE: &str = "intune-editor-settings-v1";

/// The most pages of one list followed (a loop of `nextLink`s ends here).
const MAX_PAGES: usize = 400;

#[wasm_bindgen]
extern "C" {
    /// Starts a GET; the page calls `resolve(text)` or `reject(message)` when it ends (the
    /// promise is made here: the page's wasm stays without a future-to-promise bridge).
    #[wasm_bindgen(js_namespace = ["window", "wasmBindings"], catch)]
    fn catalog_get(
        path: &str,
        resolve: &js_sys::Function,
        reject: &js_sys::Function,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(js_namespace = ["window", "wasmBindings"])]
    fn catalog_change(json: &str);
    #[wasm_bindgen(js_namespace = ["window", "wasmBindings"])]
    fn catalog_errors(n: u32);
    /// The page's open policy (see `state::Input`).
    #[wasm_bindgen(js_namespace = ["window", "wasmBindings"])]
    pub fn catalog_input() -> String;
}

thread_local! {
    /// The `settings` last given to the page: read back from it, they are not news.
    pub static REPORTED: std::cell::RefCell<Option<Value>> = const { std::cell::RefCell::new(None) };
}

/// The page's side (its `window.wasmBindings.catalog_*` functions), shared by the components.
#[derive(Clone, PartialEq)]
pub struct Host;

fn text_of(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "no answer".into())
}

impl Host {
    /// GETs a Graph path (below the API version) or a `nextLink`, as JSON.
    pub async fn get(&self, path: &str) -> Result<Value, String> {
        let mut started = Ok(());
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            started = catalog_get(path, &resolve, &reject);
        });
        started.map_err(|e| text_of(&e))?;
        let text = JsFuture::from(promise).await.map_err(|e| text_of(&e))?;
        let text = text.as_string().unwrap_or_default();
        serde_json::from_str(&text).map_err(|e| format!("the answer is not JSON ({e})"))
    }

    /// Every page of a list, following `@odata.nextLink`; each page as Graph sent it.
    pub async fn get_pages(
        &self,
        path: &str,
        mut on_page: impl FnMut(usize, &Value),
    ) -> Result<usize, String> {
        let mut next = Some(path.to_string());
        let mut n = 0;
        while let Some(p) = next.take() {
            let page = self.get(&p).await?;
            on_page(n, &page);
            n += 1;
            if n >= MAX_PAGES {
                break;
            }
            next = page
                .get("@odata.nextLink")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        Ok(n)
    }

    /// The edited `settings`, for the page's document.
    pub fn change(&self, settings: &Value) {
        REPORTED.with(|r| *r.borrow_mut() = Some(settings.clone()));
        catalog_change(&settings.to_string());
    }

    /// The number of errors, which blocks the page's Send while above 0.
    pub fn errors(&self, n: usize) {
        catalog_errors(n as u32);
    }
}

/// The URL a cache entry is kept under (the Cache API keys entries by URL).
fn entry_url(key: &str) -> Option<String> {
    let origin = web_sys::window()?.location().origin().ok()?;
    Some(format!(
        "{origin}/settings-catalog-cache/{}",
        String::from(js_sys::encode_uri_component(key))
    ))
}

async fn cache() -> Option<web_sys::Cache> {
    let caches = web_sys::window()?.caches().ok()?;
    JsFuture::from(caches.open(CACHE))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// The entry `key` (JSON), if kept.
pub async fn read(key: &str) -> Option<Value> {
    let url = entry_url(key)?;
    let hit = JsFuture::from(cache().await?.match_with_str(&url))
        .await
        .ok()?;
    let response: web_sys::Response = hit.dyn_into().ok()?;
    let text = JsFuture::from(response.text().ok()?).await.ok()?;
    serde_json::from_str(&text.as_string()?).ok()
}

/// Keeps `value` as the entry `key`; a refused write (storage full, private mode) only means
/// the next offline opening will not find it.
pub async fn write(key: &str, value: &Value) {
    let (Some(url), Some(cache)) = (entry_url(key), cache().await) else {
        return;
    };
    let Ok(response) = web_sys::Response::new_with_opt_str(Some(&value.to_string())) else {
        return;
    };
    let _ = JsFuture::from(cache.put_with_str(&url, &response)).await;
}

/// Now, as an ISO date-time.
pub fn now_iso() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// A policy's kept definitions: by id, each its raw JSON (with its `version`), merged into
/// `entry` (a newer version replaces an older one).
pub fn merge_definitions(entry: &mut Value, raw: impl IntoIterator<Item = Value>) {
    if !entry.is_object() {
        *entry = json!({});
    }
    if !entry["definitions"].is_object() {
        entry["definitions"] = Value::Object(Map::new());
    }
    if let Some(defs) = entry["definitions"].as_object_mut() {
        for d in raw {
            if let Some(id) = d.get("id").and_then(Value::as_str) {
                defs.insert(id.to_ascii_lowercase(), d);
            }
        }
    }
}
