//! The settings catalog as Graph beta serves it: the definitions
//! (`deviceManagement/configurationSettings`), their categories, the endpoint security
//! templates with their `settingTemplates`, and `configurationPolicies` with their `settings`
//! (see [`policies`]). [`crate::graph`] hands these paths here before its generic resolution;
//! v1.0 has no settings catalog and answers 400 for them, as Graph does.
//!
//! The definitions, categories and templates are fixtures the project writes itself
//! ([`catalog`]); policies live in the beta store like every other object, their `settings`
//! inside them (the one copy), with secrets kept by [`secrets`] and writes judged by [`checks`].

pub mod catalog;
pub mod checks;
pub mod policies;
pub mod query;
pub mod secrets;

use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::Response;
use policy_core::model::ApiVersion;
use serde_json::{json, Map, Value};

use crate::reply::{json_response, shorten, Failure};
use crate::sandbox::Sandbox;
pub use catalog::{catalog, Catalog, Kind};
use query::Options;

/// The seeded Windows settings catalog policy (16 settings: a choice with children, ranged
/// integers, string and integer collections, a group, a group collection and secrets).
pub const WINDOWS_POLICY_ID: &str = "5c0a1a11-0000-4000-8000-000000000001";
/// The seeded macOS policy (`mdm,appleRemoteManagement`).
pub const MACOS_POLICY_ID: &str = "5c0a1a11-0000-4000-8000-000000000002";
/// The seeded endpoint security antivirus policy (with a `templateReference`).
pub const ANTIVIRUS_POLICY_ID: &str = "5c0a1a11-0000-4000-8000-000000000003";
/// The seeded endpoint security firewall policy (with a `templateReference`).
pub const FIREWALL_POLICY_ID: &str = "5c0a1a11-0000-4000-8000-000000000004";
/// The seeded Linux policy.
pub const LINUX_POLICY_ID: &str = "5c0a1a11-0000-4000-8000-000000000005";
/// The plain value of the Windows policy's top-level secret (`settings[12]`, the kiosk exit PIN).
pub const WINDOWS_POLICY_SECRET: &str = "4711";

/// The page size of `configurationSettings` without `$top`.
pub const DEFINITIONS_PAGE: usize = 100;
/// The page size of `configurationPolicies` without `$top` (Graph pages this list by 25).
pub const POLICIES_PAGE: usize = 25;
/// The page size of the other lists (`settings`, `settingTemplates`, templates, categories).
pub const OTHER_PAGE: usize = 100;

const SETTINGS: &str = "deviceManagement/configurationSettings";
const CATEGORIES: &str = "deviceManagement/configurationCategories";
const TEMPLATES: &str = "deviceManagement/configurationPolicyTemplates";
/// The entry set the policies are stored in.
pub const POLICIES: &str = "deviceManagement/configurationPolicies";

/// A route of a family of paths Graph serves in beta only (`served`: what, then "is" or
/// "are"): v1.0 answers 400 for every path of it, as Graph does.
pub fn beta_only<R>(
    route: Result<R, Failure>,
    api: ApiVersion,
    segments: &[String],
    served: &str,
) -> Result<R, Failure> {
    if api == ApiVersion::V1 {
        return Err(Failure::bad_request(format!(
            "The v1.0 API has no {}; {served} served by beta only.",
            shorten(segments.get(1).map(String::as_str).unwrap_or_default(), 60)
        )));
    }
    route
}

/// What a request hands this module.
pub struct Call<'a> {
    pub method: &'a Method,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// `http://host[/_fault/…]/{api}`, for `@odata.context` and `@odata.nextLink`.
    pub api_root: &'a str,
    /// The `concurrent` fault: another administrator saves the policy first.
    pub concurrent: bool,
}

/// Which settings catalog resource a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Definitions,
    Definition(String),
    Categories,
    Category(String),
    Templates,
    Template(String),
    SettingTemplates(String),
    SettingTemplate(String, String),
    Policies,
    Policy(String),
    PolicySettings(String),
    PolicySetting(String, String),
}

/// Splits `name('key')` segments as OData writes keys into `name`, `key`.
fn key_segments(segments: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for s in segments {
        match s.strip_suffix("')").and_then(|r| r.split_once("('")) {
            Some((name, key)) if !name.is_empty() => {
                out.push(name.to_string());
                out.push(key.replace("''", "'"));
            }
            _ => out.push(s.clone()),
        }
    }
    out
}

/// The route of a path (segments after the version, percent-decoded); `None` for paths that
/// are not the settings catalog's, `Some(Err)` for a settings catalog path that names nothing.
pub fn route(segments: &[String]) -> Option<Result<Route, Failure>> {
    let segs = key_segments(segments);
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let ["deviceManagement", collection, rest @ ..] = s.as_slice() else {
        return None;
    };
    let id = |x: &str| x.to_string();
    let route = match (*collection, rest) {
        ("configurationSettings", []) => Route::Definitions,
        ("configurationSettings", [d]) => Route::Definition(id(d)),
        ("configurationCategories", []) => Route::Categories,
        ("configurationCategories", [c]) => Route::Category(id(c)),
        ("configurationPolicyTemplates", []) => Route::Templates,
        ("configurationPolicyTemplates", [t]) => Route::Template(id(t)),
        ("configurationPolicyTemplates", [t, "settingTemplates"]) => Route::SettingTemplates(id(t)),
        ("configurationPolicyTemplates", [t, "settingTemplates", st]) => {
            Route::SettingTemplate(id(t), id(st))
        }
        ("configurationPolicies", []) => Route::Policies,
        ("configurationPolicies", [p]) => Route::Policy(id(p)),
        ("configurationPolicies", [p, "settings"]) => Route::PolicySettings(id(p)),
        ("configurationPolicies", [p, "settings", n]) => Route::PolicySetting(id(p), id(n)),
        (
            "configurationSettings"
            | "configurationCategories"
            | "configurationPolicyTemplates"
            | "configurationPolicies",
            _,
        ) => return Some(Err(Failure::not_found(&shorten(&segs.join("/"), 200)))),
        _ => return None,
    };
    Some(Ok(route))
}

/// Answers a settings catalog request; `None` when the path is not one (the generic
/// resolution takes it).
pub async fn serve(
    sandbox: &Sandbox,
    api: ApiVersion,
    segments: &[String],
    call: &Call<'_>,
) -> Option<Result<Response, Failure>> {
    let route = match beta_only(route(segments)?, api, segments, "the settings catalog is") {
        Ok(r) => r,
        Err(f) => return Some(Err(f)),
    };
    Some(match route {
        Route::Policies
        | Route::Policy(_)
        | Route::PolicySettings(_)
        | Route::PolicySetting(..) => policies::serve(sandbox, &route, call).await,
        _ if *call.method != Method::GET => {
            Err(Failure::method_not_allowed(call.method.as_str(), "GET"))
        }
        _ => read_catalog(sandbox.catalog(), &route, call),
    })
}

/// `@odata.context` plus the object, as Graph writes a single entity.
pub fn entity(api_root: &str, context: &str, value: Value) -> Value {
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        json!(format!("{api_root}/$metadata#{context}")),
    );
    if let Value::Object(map) = value {
        body.extend(map);
    }
    Value::Object(body)
}

fn ok(body: &Value) -> Result<Response, Failure> {
    Ok(json_response(StatusCode::OK, body))
}

/// The read-only resources: definitions, categories, templates and their setting templates.
fn read_catalog(cat: &Catalog, route: &Route, call: &Call<'_>) -> Result<Response, Failure> {
    let q = Options::parse(call.query)?;
    let root = call.api_root;
    let list = |items: &[Value], page: usize, path: &str| -> Value {
        // Only the page's items are copied (a big catalog is asked for a page at a time); the
        // others stand in as nulls, counted for the next link.
        let wanted = q.skip..q.skip.saturating_add(q.top.unwrap_or(page));
        let kept: Vec<Value> = items
            .iter()
            .filter(|i| q.matches(i))
            .enumerate()
            .map(|(n, i)| match wanted.contains(&n) {
                true => q.project(i.clone()),
                false => Value::Null,
            })
            .collect();
        q.page(kept, page, root, path, path)
    };
    let one = |found: Option<&Value>, path: &str, id: &str| -> Result<Response, Failure> {
        let found =
            found.ok_or_else(|| Failure::not_found(&format!("{path}/{}", shorten(id, 200))))?;
        ok(&entity(
            root,
            &format!("{path}/$entity"),
            q.project(found.clone()),
        ))
    };
    match route {
        Route::Definitions => ok(&list(cat.definitions(), DEFINITIONS_PAGE, SETTINGS)),
        Route::Definition(id) => one(cat.definition(id), SETTINGS, id),
        Route::Categories => ok(&list(cat.categories(), OTHER_PAGE, CATEGORIES)),
        Route::Category(id) => one(cat.category(id), CATEGORIES, id),
        Route::Templates => ok(&list(cat.templates(), POLICIES_PAGE, TEMPLATES)),
        Route::Template(id) => one(cat.template(id), TEMPLATES, id),
        Route::SettingTemplates(t) | Route::SettingTemplate(t, _) => {
            let items = cat
                .setting_templates(t)
                .ok_or_else(|| Failure::not_found(&format!("{TEMPLATES}/{}", shorten(t, 200))))?;
            let items: Vec<Value> = items.iter().map(|i| with_definitions(cat, i, &q)).collect();
            let path = format!("{TEMPLATES}/{t}/settingTemplates");
            if let Route::SettingTemplate(_, st) = route {
                let found = items.iter().find(|i| {
                    i.get("id")
                        .and_then(Value::as_str)
                        .is_some_and(|x| x.eq_ignore_ascii_case(st))
                });
                return one(found, &path, st);
            }
            ok(&list(&items, OTHER_PAGE, &path))
        }
        _ => Err(Failure::not_found("the settings catalog")),
    }
}

/// A setting (of a policy) or setting template with `settingDefinitions` when `$expand` asks:
/// its root definition and every descendant's, from `cat`.
pub fn with_definitions(cat: &Catalog, item: &Value, q: &Options) -> Value {
    let mut item = item.clone();
    if !q.expands("settingDefinitions") {
        return item;
    }
    let id = item
        .pointer("/settingInstance/settingDefinitionId")
        .or_else(|| item.pointer("/settingInstanceTemplate/settingDefinitionId"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let defs: Vec<Value> = cat.tree(&id).into_iter().cloned().collect();
    if let Value::Object(map) = &mut item {
        map.insert("settingDefinitions".into(), Value::Array(defs));
    }
    item
}

/// The fixture policies as a fresh sandbox stores them (their secrets given tokens). The
/// fixture test checks every one passes [`checks`]; one that did not would be left out here
/// rather than stop the sandbox.
pub fn seeded_policies() -> Vec<Value> {
    catalog::fixture_policies()
        .into_iter()
        .filter_map(|p| policies::seeded(catalog(), p).ok())
        .collect()
}

/// Reads a request's JSON object body (settings catalog policies, intents' `updateSettings`):
/// 415 for another content type, 400 for anything but a JSON object.
pub(crate) fn json_body(call: &Call<'_>) -> Result<Map<String, Value>, Failure> {
    let json_type = call
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|e| {
            e == "application/json" || (e.starts_with("application/") && e.ends_with("+json"))
        });
    if !json_type {
        return Err(Failure::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "The body must be JSON: send Content-Type: application/json.",
        ));
    }
    match serde_json::from_slice(call.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Failure::bad_request(
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(Failure::bad_request(format!(
            "The request body is not valid JSON: {e}."
        ))),
    }
}
