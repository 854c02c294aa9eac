//! The app's own files, fetched without a token from beside the page: `config.json`, the schema
//! packs, catalogs and whole versions (see `schemas`). Started early (`prefetch`) so they arrive
//! while the app mounts.

use policy_core::model::{ApiVersion, SchemaData};
use policy_core::pack::pack_file;
use policy_core::Schema;
use serde_json::Value;

use crate::schemas;

thread_local! {
    /// Requests for the app's own files started by [`prefetch`], by URL, until someone reads them.
    static STARTED: std::cell::RefCell<std::collections::HashMap<String, js_sys::Promise>> =
        Default::default();
}

fn start_fetch(url: &str) -> Option<js_sys::Promise> {
    Some(web_sys::window()?.fetch_with_str(url))
}

/// Starts loading what the first form needs as soon as the module runs, before the first
/// render: `config.json` and, when the link names a type, its schema pack. They arrive while the
/// app mounts; [`load_config`] and [`ensure_type`] pick them up.
pub fn prefetch(api: ApiVersion, type_name: Option<&str>) {
    let mut urls = vec![CONFIG_URL.to_string()];
    urls.extend(type_name.and_then(|t| pack_url(api, t)));
    STARTED.with(|started| {
        let mut started = started.borrow_mut();
        for url in urls {
            if let Some(p) = start_fetch(&url) {
                started.insert(url, p);
            }
        }
    });
}

/// The text of one of the app's own files (no token; relative to the page), or why not.
async fn fetch_text(url: &str) -> Result<String, String> {
    let promise = STARTED
        .with(|s| s.borrow_mut().remove(url))
        .or_else(|| start_fetch(url))
        .ok_or("no browser window")?;
    let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| "the request failed (offline?)".to_string())?
        .into();
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = response
        .text()
        .map_err(|_| "the response has no text".to_string())?;
    wasm_bindgen_futures::JsFuture::from(text)
        .await
        .map_err(|_| "the response ended early".to_string())?
        .as_string()
        .ok_or_else(|| "the response is not text".to_string())
}

const CONFIG_URL: &str = "config.json";

thread_local! {
    /// config.json as read once (`None` inside: the host has none, or it is not JSON).
    static CONFIG: std::cell::RefCell<Option<Option<Value>>> = const { std::cell::RefCell::new(None) };
}

/// Reads the app's `config.json` beside `index.html` (once a page); a host without one gets
/// the defaults.
pub async fn load_config() -> Option<Value> {
    if let Some(c) = CONFIG.with(|c| c.borrow().clone()) {
        return c;
    }
    let config = match fetch_text(CONFIG_URL).await {
        Ok(text) => serde_json::from_str(&text).ok(),
        Err(_) => None,
    };
    CONFIG.with(|c| *c.borrow_mut() = Some(config.clone()));
    config
}

/// Where a type's schema pack is, beside the app (see `schema-packs`).
fn pack_url(api: ApiVersion, type_name: &str) -> Option<String> {
    pack_file(type_name).map(|f| format!("schema/{api}/{f}"))
}

/// What a schema file beside the app holds (see `schema-packs`).
enum Part<'a> {
    /// The pack of this type.
    Pack(&'a str),
    Whole,
    /// What the version's catalog depends on.
    Catalog,
}

async fn load_schema(api: ApiVersion, url: &str, part: Part<'_>) -> Result<(), String> {
    let text = fetch_text(url).await?;
    // Read by hand from a `Value` (policy_core::read): the serde derive costs many KB of wasm.
    let data = serde_json::from_str(&text)
        .map_err(|e| e.to_string())
        .and_then(SchemaData::from_json)
        .map_err(|e| format!("{url} is not a schema: {e}"))?;
    match part {
        Part::Pack(root) => schemas::add(api, data, Some(root)),
        Part::Whole => schemas::add(api, data, None),
        Part::Catalog => {
            let small = Schema::from_data(data).map_err(|e| format!("{url}: {e}"))?;
            schemas::set_catalog(api, small.catalog())
        }
    }
}

/// Why a form's schema is not there.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaError {
    /// No type of that name in the API version's metadata.
    UnknownType { type_name: String, api: ApiVersion },
    /// The schema files could not be fetched or read (offline before they were cached, or a
    /// host that does not serve `dist/schema/`).
    Unavailable { api: ApiVersion, reason: String },
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaError::UnknownType { type_name, api } => {
                write!(f, "{type_name} is not a type this editor knows in the {api} API")
            }
            SchemaError::Unavailable { api, reason } => write!(
                f,
                "the {api} schema could not be loaded ({reason}); try again when the network is back"
            ),
        }
    }
}

/// Makes sure a form of `type_name` can open: loads the type's pack unless it (or the whole
/// version) is in, and the whole version when there is no pack for that name.
pub async fn ensure_type(api: ApiVersion, type_name: &str) -> Result<(), SchemaError> {
    if schemas::has_type(api, type_name) {
        return Ok(());
    }
    if let Some(url) = pack_url(api, type_name) {
        if load_schema(api, &url, Part::Pack(type_name)).await.is_ok()
            && schemas::has_type(api, type_name)
        {
            return Ok(());
        }
    }
    ensure_whole(api).await?;
    if schemas::schema(api).find(type_name).is_some() {
        Ok(())
    } else {
        Err(SchemaError::UnknownType {
            type_name: type_name.to_string(),
            api,
        })
    }
}

/// Loads every type of `api`: for an object or a file whose type has no pack, and when the
/// catalog cannot be read.
pub async fn ensure_whole(api: ApiVersion) -> Result<(), SchemaError> {
    if schemas::has_whole(api) {
        return Ok(());
    }
    load_schema(api, &format!("schema/{api}.json"), Part::Whole)
        .await
        .map_err(|reason| SchemaError::Unavailable { api, reason })
}

/// Loads what the object browser lists for `api`: its catalog (`policy_core::catalog`, a few
/// KB), or the whole version when the catalog cannot be read.
pub async fn ensure_catalog(api: ApiVersion) -> Result<(), SchemaError> {
    if schemas::catalog(api).is_some() {
        return Ok(());
    }
    let url = format!("schema/{api}.catalog.json");
    if load_schema(api, &url, Part::Catalog).await.is_ok() {
        Ok(())
    } else {
        ensure_whole(api).await
    }
}
