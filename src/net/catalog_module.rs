//! The door to the settings catalog module (`crates/catalog-ui`, built into `catalog-<hash>/` beside
//! the app): started only when a configuration policy opens, it mounts itself into the host
//! element and is served the Graph GETs it asks for with this page's connection. The module never sees a
//! token and never calls Graph itself: it asks [`serve_get`] for paths under
//! `deviceManagement/configuration…` of the chosen base. Data crosses as JSON text.

use std::cell::Cell;

use policy_core::endpoint::GraphBase;
use policy_core::graph_error::backoff_seconds;
use policy_core::model::ApiVersion;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::graph::{ApiError, Connection};

/// The module's folder as built (`catalog/`), before dist-seal names it by its content.
pub const MODULE: &str = "catalog";

/// The starter of the lazily loaded module `name`, relative to the page (it imports the
/// module's JS beside it): in the folder dist-seal named by its content and wrote into
/// `<meta name="app-modules" content="catalog-<hash> home-<hash>">`, else in `name/`.
pub(crate) fn boot_url(name: &str) -> String {
    let folders = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=app-modules]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_default();
    format!("./{}/boot.js", module_folder(&folders, name))
}

/// The folder of `name` among `folders` (`catalog-<16 hex>`, space-separated), else `name`.
pub(crate) fn module_folder<'a>(folders: &'a str, name: &'a str) -> &'a str {
    folders
        .split_whitespace()
        .find(|f| {
            f.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .unwrap_or(name)
}

/// The Graph paths the module may read: settings catalog policies, their templates, the
/// setting definitions and their categories.
const READABLE: &str = "deviceManagement/configuration";

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
    start_script(&STARTS, &boot_url(MODULE), "catalog_failed", again)
}

/// Puts a lazily loaded module's starter (`boot`) in the page once (`again`: after it failed,
/// with a fresh URL so the browser fetches it anew), counted in `starts`; a script that cannot
/// load calls the page's export named `failed`.
pub(crate) fn start_script(
    starts: &'static std::thread::LocalKey<Cell<u32>>,
    boot: &str,
    failed: &str,
    again: bool,
) {
    let n = starts.with(|s| s.replace(s.get() + 1));
    if n > 0 && !again {
        starts.with(|s| s.set(n));
        return;
    }
    let started = (|| -> Option<()> {
        let window = web_sys::window()?;
        let document = window.document()?;
        let script = document.create_element("script").ok()?;
        script.set_attribute("type", "module").ok()?;
        let src = if n > 0 {
            format!("{boot}?{n}")
        } else {
            boot.to_string()
        };
        script.set_attribute("src", &src).ok()?;
        let bindings = js_sys::Reflect::get(&window, &"wasmBindings".into()).ok()?;
        let failed = js_sys::Reflect::get(&bindings, &failed.into()).ok()?;
        js_sys::Reflect::set(&script, &"onerror".into(), &failed).ok()?;
        document.body()?.append_child(&script).ok()?;
        Some(())
    })();
    if started.is_none() {
        // Not started (too early in the page's life, or no document): the next call tries.
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
/// `deviceManagement/configuration…` paths.
pub fn module_get_url(base: &GraphBase, api: ApiVersion, path: &str) -> Result<String, ApiError> {
    let url = if path.contains("://") {
        path.to_string()
    } else {
        base.url(api, path.trim_start_matches('/'))
    };
    let allowed = base.url(api, READABLE);
    if base.owns(&url) && url.starts_with(&allowed) && !url.contains('#') {
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
    fn a_module_is_looked_up_in_the_folder_dist_seal_named() {
        let folders = "catalog-0123456789abcdef home-fedcba9876543210";
        assert_eq!(
            module_folder(folders, "catalog"),
            "catalog-0123456789abcdef"
        );
        assert_eq!(module_folder(folders, "home"), "home-fedcba9876543210");
        assert_eq!(
            module_folder("", "home"),
            "home",
            "a build dist-seal did not see"
        );
        // Only a folder of that module and a hash: nothing else the meta might hold.
        for odd in [
            "homes-0123456789abcdef",
            "home-../../x/0123",
            "home-0123456789ABCDEG",
            "home",
        ] {
            assert_eq!(module_folder(odd, "home"), "home", "{odd}");
        }
    }

    #[test]
    fn the_module_reads_only_the_settings_catalog_under_the_chosen_base() {
        let base = GraphBase::parse("https://graph.microsoft.com").unwrap();
        let api = ApiVersion::Beta;
        assert_eq!(
            module_get_url(&base, api, "deviceManagement/configurationPolicies/a/settings?$expand=settingDefinitions").unwrap(),
            "https://graph.microsoft.com/beta/deviceManagement/configurationPolicies/a/settings?$expand=settingDefinitions"
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
        ] {
            assert!(
                module_get_url(&base, api, refused).is_err(),
                "{refused} must be refused"
            );
        }
    }
}
