//! The door to the settings catalog module (`crates/catalog-ui`, built into `catalog/` beside
//! the app): imported only when a configuration policy opens, mounted into a host element, and
//! served the Graph GETs it asks for with this page's connection. The module never sees a
//! token and never calls Graph itself: it asks [`serve_get`] for paths under
//! `deviceManagement/configuration…` of the chosen base. Data crosses as JSON text.

use std::cell::RefCell;
use std::rc::Rc;

use policy_core::endpoint::GraphBase;
use policy_core::graph_error::backoff_seconds;
use policy_core::model::ApiVersion;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::graph::{ApiError, Connection};

/// The module's starter, relative to the page (it imports `catalog_ui.js` beside it).
pub const BOOT_URL: &str = "./catalog/boot.js";

/// The Graph paths the module may read: settings catalog policies, their templates, the
/// setting definitions and their categories.
const READABLE: &str = "deviceManagement/configuration";

/// How often a throttled or unavailable GET of the module is tried again.
const RETRIES: u32 = 4;

thread_local! {
    /// The module, once imported.
    static MODULE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

fn message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Starts the module: a `<script type="module">` of `catalog/boot.js`, which initialises it
/// and hands it over through `__intuneCatalogReady` (or `__intuneCatalogFailed`); a script
/// that cannot load (offline, never cached) rejects.
fn import_module() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, reject| {
        let started = (|| -> Result<(), JsValue> {
            let window = web_sys::window().ok_or("no window")?;
            let document = window.document().ok_or("no document")?;
            js_sys::Reflect::set(&window, &"__intuneCatalogReady".into(), &resolve)?;
            js_sys::Reflect::set(&window, &"__intuneCatalogFailed".into(), &reject)?;
            let script = document.create_element("script")?;
            script.set_attribute("type", "module")?;
            script.set_attribute("src", BOOT_URL)?;
            js_sys::Reflect::set(&script, &"onerror".into(), &reject)?;
            document.body().ok_or("no body")?.append_child(&script)?;
            Ok(())
        })();
        if let Err(e) = started {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    })
}

/// Imports the module (once per page; a failed import is tried again on the next call).
pub async fn load() -> Result<(), String> {
    if MODULE.with(|m| m.borrow().is_some()) {
        return Ok(());
    }
    let module = wasm_bindgen_futures::JsFuture::from(import_module())
        .await
        .map_err(|e| {
            if e.is_instance_of::<web_sys::Event>() {
                "catalog/boot.js could not be loaded".to_string()
            } else {
                message(&e)
            }
        })?;
    MODULE.with(|m| *m.borrow_mut() = Some(module));
    Ok(())
}

/// The module's export `name`, once imported.
fn export(name: &str) -> Option<js_sys::Function> {
    MODULE.with(|m| {
        let m = m.borrow();
        js_sys::Reflect::get(m.as_ref()?, &JsValue::from_str(name))
            .ok()?
            .dyn_into()
            .ok()
    })
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

/// What the page gives the mounted module: the connection its GETs use (read at each GET),
/// and where its changes and its error count go.
pub struct HostCallbacks {
    pub conn: Rc<RefCell<Option<Connection>>>,
    pub on_change: Rc<dyn Fn(String)>,
    pub on_errors: Rc<dyn Fn(usize)>,
}

/// The page's functions the module holds: `get`, `change`, `errors`.
struct HostClosures {
    _get: Closure<dyn FnMut(String, js_sys::Function, js_sys::Function)>,
    _change: Closure<dyn FnMut(String)>,
    _errors: Closure<dyn FnMut(u32)>,
}

/// The module mounted in an element; unmounted when dropped.
pub struct Mounted {
    handle: JsValue,
    _host: HostClosures,
}

impl Mounted {
    /// Mounts the module in `element` with `init` (JSON: the policy, the settings as loaded,
    /// the cache's namespace); the module must be loaded ([`load`]).
    pub fn mount(
        element: &web_sys::Element,
        init: &str,
        host: HostCallbacks,
    ) -> Result<Mounted, String> {
        let mount = export("mount").ok_or("the settings module has no mount")?;
        let conn = host.conn.clone();
        // The module passes the ends of its own promise: this side needs no future-to-promise
        // bridge (kilobytes of the page's first load).
        let get = Closure::<dyn FnMut(String, js_sys::Function, js_sys::Function)>::new(
            move |path: String, resolve: js_sys::Function, reject: js_sys::Function| {
                let conn = conn.borrow().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let result = match conn {
                        Some(conn) => serve_get(conn, path).await,
                        None => Err("no Graph connection".to_string()),
                    };
                    let _ = match result {
                        Ok(text) => resolve.call1(&JsValue::NULL, &JsValue::from_str(&text)),
                        Err(e) => reject.call1(&JsValue::NULL, &JsValue::from_str(&e)),
                    };
                });
            },
        );
        let on_change = host.on_change.clone();
        let change = Closure::<dyn FnMut(String)>::new(move |json: String| on_change(json));
        let on_errors = host.on_errors.clone();
        let errors = Closure::<dyn FnMut(u32)>::new(move |n: u32| on_errors(n as usize));
        let object = js_sys::Object::new();
        for (name, f) in [
            ("get", get.as_ref()),
            ("change", change.as_ref()),
            ("errors", errors.as_ref()),
        ] {
            js_sys::Reflect::set(&object, &JsValue::from_str(name), f).map_err(|e| message(&e))?;
        }
        let handle = mount
            .call3(&JsValue::NULL, element, &JsValue::from_str(init), &object)
            .map_err(|e| message(&e))?;
        Ok(Mounted {
            handle,
            _host: HostClosures {
                _get: get,
                _change: change,
                _errors: errors,
            },
        })
    }

    /// Gives the module the policy anew (after a discard, a save, a rebase).
    pub fn update(&self, init: &str) {
        if let Some(f) = js_sys::Reflect::get(&self.handle, &JsValue::from_str("update"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        {
            let _ = f.call1(&self.handle, &JsValue::from_str(init));
        }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(f) = js_sys::Reflect::get(&self.handle, &JsValue::from_str("unmount"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        {
            let _ = f.call0(&self.handle);
        }
    }
}

/// The setting-level changes from `before` to `after` (settings arrays as JSON), as the module
/// describes them (JSON rows); `None` while the module is not loaded.
pub fn diff(before: &str, after: &str) -> Option<String> {
    export("diff")?
        .call2(
            &JsValue::NULL,
            &JsValue::from_str(before),
            &JsValue::from_str(after),
        )
        .ok()?
        .as_string()
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
