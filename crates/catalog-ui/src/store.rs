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
    read_started(start_read(key)?).await
}

/// Starts looking the entry `key` up (several lookups started together run at once); its
/// answer comes from [`read_started`].
pub fn start_read(key: &str) -> Option<js_sys::Promise> {
    let url = entry_url(key)?;
    Some(wasm_bindgen_futures::future_to_promise(async move {
        let cache = cache().await.ok_or(JsValue::NULL)?;
        JsFuture::from(cache.match_with_str(&url)).await
    }))
}

/// The entry a [`start_read`] found (JSON), if any.
pub async fn read_started(lookup: js_sys::Promise) -> Option<Value> {
    let hit = JsFuture::from(lookup).await.ok()?;
    let response: web_sys::Response = hit.dyn_into().ok()?;
    let text = JsFuture::from(response.text().ok()?).await.ok()?;
    serde_json::from_str(&text.as_string()?).ok()
}

thread_local! {
    /// The lookups [`prefetch`] started: the entry's key and its lookup.
    static PREFETCHED: std::cell::RefCell<Vec<(String, js_sys::Promise)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Starts looking up `keys` now (as the module starts, before its first render; or earlier,
/// from the page's link), for [`lookup`] to take. A key looked up already and not yet taken is
/// not looked up again.
pub fn prefetch(keys: &[String]) {
    PREFETCHED.with(|p| {
        let mut p = p.borrow_mut();
        for k in keys {
            if p.iter().any(|(have, _)| have == k) {
                continue;
            }
            if let Some(lookup) = start_read(k) {
                p.push((k.clone(), lookup));
            }
        }
    });
}

/// The lookup of the entry `key`: the one [`prefetch`] started, if it did (each taken once),
/// else one started now.
pub fn lookup(key: &str) -> Option<js_sys::Promise> {
    let early = PREFETCHED.with(|p| {
        let mut p = p.borrow_mut();
        let i = p.iter().position(|(k, _)| k == key)?;
        Some(p.swap_remove(i).1)
    });
    early.or_else(|| start_read(key))
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

/// A User Timing mark (the benchmark reads them, crates/e2e/src/bin/bench).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Now, as an ISO date-time.
pub fn now_iso() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// A policy's kept definitions: by id, each its JSON as the editor reads it ([`slim`], with
/// its `version`), merged into `entry` (a newer version replaces an older one). True when
/// this changed a definition or added one.
pub fn merge_definitions(entry: &mut Value, raw: impl IntoIterator<Item = Value>) -> bool {
    if !entry.is_object() {
        *entry = json!({});
    }
    if !entry["definitions"].is_object() {
        entry["definitions"] = Value::Object(Map::new());
    }
    let mut changed = false;
    if let Some(defs) = entry["definitions"].as_object_mut() {
        for d in raw {
            if let Some(id) = d.get("id").and_then(Value::as_str) {
                let d = slim(&d);
                let id = id.to_ascii_lowercase();
                if defs.get(&id) != Some(&d) {
                    defs.insert(id, d);
                    changed = true;
                }
            }
        }
    }
    changed
}

/// What a definition keeps of Graph's JSON: what `Definition::from_graph_json` reads (its
/// prose, URIs and other facts the editor does not use are left out, so a policy's entry is
/// read back quickly).
pub fn slim(def: &Value) -> Value {
    const TOP: &[&str] = &[
        "@odata.type",
        "id",
        "name",
        "displayName",
        "version",
        "categoryId",
        "rootDefinitionId",
        "keywords",
        "valueDefinition",
        "defaultOptionId",
        "defaultValue",
        "minimumCount",
        "maximumCount",
        "childIds",
        "dependentOn",
        "dependedOnBy",
    ];
    const OPTION: &[&str] = &[
        "itemId",
        "name",
        "displayName",
        "dependentOn",
        "dependedOnBy",
    ];
    let Some(map) = def.as_object() else {
        return def.clone();
    };
    let pick = |from: &Map<String, Value>, keys: &[&str]| -> Map<String, Value> {
        keys.iter()
            .filter_map(|k| Some((k.to_string(), from.get(*k)?.clone())))
            .filter(|(_, v)| !v.is_null())
            .collect()
    };
    let mut out = pick(map, TOP);
    if let Some(a) = map.get("applicability").and_then(Value::as_object) {
        out.insert(
            "applicability".into(),
            Value::Object(pick(a, &["platform", "technologies"])),
        );
    }
    if let Some(options) = map.get("options").and_then(Value::as_array) {
        let options = options
            .iter()
            .map(|o| match o.as_object() {
                Some(o) => {
                    let mut m = pick(o, OPTION);
                    if let Some(v) = o.get("optionValue").and_then(|v| v.get("value")) {
                        m.insert("optionValue".into(), json!({ "value": v }));
                    }
                    Value::Object(m)
                }
                None => o.clone(),
            })
            .collect();
        out.insert("options".into(), Value::Array(options));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy_core::settings::{Definition, ValueRule};

    fn full() -> Value {
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingDefinition",
            "id": "X_Mode", "name": "mode", "displayName": "Mode", "description": "Long prose",
            "helpText": "More prose", "infoUrls": ["https://example.com"], "version": "3",
            "categoryId": "c1", "keywords": ["speed"], "baseUri": "./Device", "offsetUri": "mode",
            "applicability": {"platform": "windows10", "technologies": "mdm,microsoftSense",
                              "windowsSkus": ["windowsEnterprise"], "description": null},
            "defaultOptionId": "x_mode_1", "minimumCount": 0, "maximumCount": 2,
            "options": [{"itemId": "x_mode_1", "name": "on", "displayName": "On", "description": "Prose",
                         "optionValue": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue",
                                         "settingValueTemplateReference": null, "value": 1},
                         "dependentOn": [], "dependedOnBy": [{"dependedOnBy": "x_level", "required": true}]}],
            "valueDefinition": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValueDefinition",
                                "minimumValue": 1, "maximumValue": 5, "description": null}
        })
    }

    #[test]
    fn a_kept_definition_reads_back_as_graph_sent_it_without_its_prose() {
        let slim = slim(&full());
        let text = slim.to_string();
        assert!(!text.contains("prose") && !text.contains("Prose") && !text.contains("baseUri"));
        let (a, b) = (
            Definition::from_graph_json(&full()).unwrap(),
            Definition::from_graph_json(&slim).unwrap(),
        );
        assert_eq!(
            (a.id, a.name, a.display_name),
            (b.id, b.name, b.display_name)
        );
        assert_eq!(
            (a.kind, a.category_id, a.keywords),
            (b.kind, b.category_id, b.keywords)
        );
        assert_eq!((a.platforms, a.technologies), (b.platforms, b.technologies));
        assert_eq!(
            (a.min_count, a.max_count, a.version),
            (b.min_count, b.max_count, b.version)
        );
        assert_eq!(a.default_option_id, b.default_option_id);
        let (o, p) = (&a.options[0], &b.options[0]);
        assert_eq!(
            (&o.item_id, &o.display_name, &o.value),
            (&p.item_id, &p.display_name, &p.value)
        );
        assert_eq!(o.depended_on_by, p.depended_on_by);
        assert!(matches!(
            b.value,
            ValueRule::Integer {
                min: Some(1),
                max: Some(5)
            }
        ));
    }

    #[test]
    fn merging_the_same_definitions_again_changes_nothing() {
        let mut entry = json!({});
        assert!(merge_definitions(&mut entry, [full()]));
        assert!(!merge_definitions(&mut entry, [full()]));
        let mut newer = full();
        newer["version"] = json!("4");
        assert!(merge_definitions(&mut entry, [newer]));
        assert_eq!(entry["definitions"]["x_mode"]["version"], "4");
    }
}
