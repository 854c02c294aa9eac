//! `deviceManagement/configurationPolicies` as Graph beta answers it: lists without settings
//! unless `$expand=settings`; one policy with optional `$expand=settings`; its `settings`
//! (paged, optionally with `settingDefinitions`); POST to create with settings; PUT with the
//! whole policy to replace its settings (new setting ids, `settingCount` and
//! `lastModifiedDateTime` updated); PATCH for name and description only (a body with
//! `settings` is refused, as Graph refuses it); DELETE. Every write goes through [`checks`]
//! and [`secrets`] and answers 400 in Graph's shape when they object.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use policy_core::model::{ApiVersion, TypeId};
use policy_core::{validate_as, Code, Mode};
use serde_json::{json, Map, Value};

use super::catalog::Catalog;
use super::query::Options;
use super::{
    checks, entity, json_body, secrets, with_definitions, Call, Route, OTHER_PAGE, POLICIES,
    POLICIES_PAGE,
};
use crate::clock;
use crate::graph::CHANGED_ELSEWHERE;
use crate::reply::{json_response, shorten, Detail, Failure};
use crate::sandbox::Sandbox;
use crate::store::Store;

/// The properties a PATCH may change.
pub const PATCHABLE: [&str; 3] = ["name", "description", "roleScopeTagIds"];
/// What the service keeps for itself, whatever a PUT or POST says.
const SERVICE_OWNED: [&str; 6] = [
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "settingCount",
    "isAssigned",
    "creationSource",
];

pub async fn serve(sandbox: &Sandbox, route: &Route, call: &Call<'_>) -> Result<Response, Failure> {
    let m = call.method;
    let response = match route {
        Route::Policies if *m == Method::GET => return list(sandbox, call),
        Route::Policies if *m == Method::POST => create(sandbox, call)?,
        Route::Policies => return Err(Failure::method_not_allowed(m.as_str(), "GET, POST")),
        Route::Policy(id) => {
            if call.concurrent && *m != Method::DELETE {
                change_elsewhere(sandbox, id);
            }
            match m.as_str() {
                "GET" => return get(sandbox, id, call),
                "PUT" => replace(sandbox, id, call)?,
                "PATCH" => patch(sandbox, id, call)?,
                "DELETE" => delete(sandbox, id)?,
                _ => {
                    return Err(Failure::method_not_allowed(
                        m.as_str(),
                        "GET, PUT, PATCH, DELETE",
                    ))
                }
            }
        }
        Route::PolicySettings(_) | Route::PolicySetting(..) if *m != Method::GET => {
            return Err(Failure::method_not_allowed(m.as_str(), "GET"))
        }
        Route::PolicySettings(id) => return settings(sandbox, id, None, call),
        Route::PolicySetting(id, n) => return settings(sandbox, id, Some(n), call),
        _ => return Err(Failure::not_found(POLICIES)),
    };
    sandbox.save().await;
    Ok(response)
}

fn not_found(id: &str) -> Failure {
    Failure::not_found(&format!("{POLICIES}/{}", shorten(id, 200)))
}

/// A stored policy as answered: settings only when asked for, plain secrets never.
fn shown(cat: &Catalog, policy: &Map<String, Value>, q: &Options) -> Value {
    let mut value = Value::Object(policy.clone());
    if let Value::Object(map) = &mut value {
        match map.get_mut("settings") {
            Some(Value::Array(items)) if q.expands("settings") => {
                for item in items.iter_mut() {
                    *item = with_definitions(cat, item, q);
                }
            }
            _ => {
                map.remove("settings");
            }
        }
    }
    secrets::mask(&mut value);
    q.project(value)
}

fn list(sandbox: &Sandbox, call: &Call<'_>) -> Result<Response, Failure> {
    let q = Options::parse(call.query)?;
    let stores = sandbox.stores();
    let items: Vec<Value> = stores
        .get(ApiVersion::Beta)
        .in_set(POLICIES)
        .filter(|s| q.matches(&Value::Object(s.value.clone())))
        .map(|s| shown(sandbox.catalog(), &s.value, &q))
        .collect();
    let body = q.page(items, POLICIES_PAGE, call.api_root, POLICIES, POLICIES);
    Ok(json_response(StatusCode::OK, &body))
}

fn get(sandbox: &Sandbox, id: &str, call: &Call<'_>) -> Result<Response, Failure> {
    let q = Options::parse(call.query)?;
    let stores = sandbox.stores();
    let stored = find(stores.get(ApiVersion::Beta), id)?;
    let body = entity(
        call.api_root,
        &format!("{POLICIES}/$entity"),
        shown(sandbox.catalog(), &stored.value, &q),
    );
    Ok(json_response(StatusCode::OK, &body))
}

fn settings(
    sandbox: &Sandbox,
    id: &str,
    one: Option<&str>,
    call: &Call<'_>,
) -> Result<Response, Failure> {
    let q = Options::parse(call.query)?;
    let stores = sandbox.stores();
    let stored = find(stores.get(ApiVersion::Beta), id)?;
    let mut all = Value::Array(
        stored
            .value
            .get("settings")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|s| with_definitions(sandbox.catalog(), s, &q))
            .collect(),
    );
    secrets::mask(&mut all);
    let Value::Array(all) = all else {
        return Err(not_found(id));
    };
    let path = format!("{POLICIES}/{id}/settings");
    if let Some(n) = one {
        let found = all
            .into_iter()
            .find(|s| s.get("id").and_then(Value::as_str) == Some(n))
            .ok_or_else(|| Failure::not_found(&format!("{path}/{}", shorten(n, 60))))?;
        return Ok(json_response(
            StatusCode::OK,
            &entity(call.api_root, &format!("{path}/$entity"), found),
        ));
    }
    let body = q.page(all, OTHER_PAGE, call.api_root, &path, &path);
    Ok(json_response(StatusCode::OK, &body))
}

fn find<'s>(store: &'s Store, id: &str) -> Result<&'s crate::store::Stored, Failure> {
    store
        .get(id)
        .filter(|s| s.set == POLICIES)
        .ok_or_else(|| not_found(id))
}

/// The policy's own properties (settings and annotations aside) checked against the schema.
fn check_properties(type_id: TypeId, body: &Map<String, Value>, mode: Mode) -> Result<(), Failure> {
    let own: Map<String, Value> = body
        .iter()
        .filter(|(k, _)| {
            k.as_str() != "settings" && (k.as_str() == "@odata.type" || !k.contains('@'))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let schema = policy_core::embedded::schema(ApiVersion::Beta);
    let problems: Vec<Detail> = validate_as(schema, type_id, &Value::Object(own), mode)
        .into_iter()
        .filter(|p| p.is_error() || p.code == Code::UnknownProperty)
        .map(|p| Detail {
            code: p.code.to_string(),
            message: p.message,
            target: p.path.to_string(),
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::refused(problems))
    }
}

fn policy_type() -> TypeId {
    let schema = policy_core::embedded::schema(ApiVersion::Beta);
    // The beta schema declares the type (a test of the crate reads it), so this cannot fail.
    schema
        .find("deviceManagementConfigurationPolicy")
        .expect("the beta schema has deviceManagementConfigurationPolicy")
}

/// The template a policy names, if any: `Ok(None)` without one, 400 for an unknown one.
fn template_of(cat: &Catalog, policy: &Map<String, Value>) -> Result<Option<String>, Failure> {
    let id = policy
        .get("templateReference")
        .and_then(|t| t.get("templateId"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    if id.is_empty() {
        return Ok(None);
    }
    match cat.template(id) {
        Some(t) => Ok(t.get("id").and_then(Value::as_str).map(str::to_string)),
        None => Err(Failure::one_problem(
            "UnknownTemplate",
            "templateReference.templateId",
            format!(
                "'{}' is not a policy template of this service.",
                shorten(id, 100)
            ),
        )),
    }
}

/// Checks new settings, settles their secrets against the old ones and numbers them as Graph
/// does ("0", "1", …); what a POST or PUT stores.
pub fn accept_settings(
    cat: &Catalog,
    settings: Value,
    template: Option<&str>,
    before: Option<&Value>,
) -> Result<Value, Failure> {
    let Value::Array(items) = settings else {
        return Err(Failure::one_problem(
            "InvalidSettings",
            "settings",
            "settings must be a list of settings.",
        ));
    };
    let details = checks::check_settings(&items, template, cat);
    if !details.is_empty() {
        return Err(Failure::refused(details));
    }
    let mut settings = Value::Array(
        items
            .into_iter()
            .enumerate()
            .map(|(i, s)| json!({"id": i.to_string(), "settingInstance": s["settingInstance"].clone()}))
            .collect(),
    );
    secrets::settle(&mut settings, before).map_err(Failure::refused)?;
    Ok(settings)
}

/// Makes a fixture policy storable: its settings accepted as a POST's would be, against `cat`.
pub fn seeded(cat: &Catalog, mut policy: Value) -> Result<Value, Failure> {
    let map = policy
        .as_object_mut()
        .ok_or_else(|| Failure::bad_request("not an object"))?;
    let template = template_of(cat, map)?;
    let settings = map.remove("settings").unwrap_or_else(|| json!([]));
    let settings = accept_settings(cat, settings, template.as_deref(), None)?;
    map.insert(
        "settingCount".into(),
        json!(settings.as_array().map_or(0, Vec::len)),
    );
    map.insert("settings".into(), settings);
    Ok(policy)
}

/// A policy needs a name that is not blank.
fn require_name(body: &Map<String, Value>) -> Result<(), Failure> {
    match body.get("name").and_then(Value::as_str) {
        Some(name) if !name.trim().is_empty() => Ok(()),
        _ => Err(Failure::one_problem(
            "MissingName",
            "name",
            "A policy needs a name.",
        )),
    }
}

fn create(sandbox: &Sandbox, call: &Call<'_>) -> Result<Response, Failure> {
    let mut body = json_body(call)?;
    check_properties(policy_type(), &body, Mode::Object)?;
    require_name(&body)?;
    let cat = sandbox.catalog();
    let template = template_of(cat, &body)?;
    let settings = accept_settings(
        cat,
        body.remove("settings").unwrap_or_else(|| json!([])),
        template.as_deref(),
        None,
    )?;
    let now = clock::rfc3339_now();
    body.retain(|k, _| !k.starts_with('@') && !SERVICE_OWNED.contains(&k.as_str()));
    let mut policy = Map::new();
    policy.insert(
        "@odata.type".into(),
        json!("#microsoft.graph.deviceManagementConfigurationPolicy"),
    );
    policy.insert("id".into(), json!(uuid::Uuid::new_v4().to_string()));
    policy.insert("createdDateTime".into(), json!(now));
    policy.insert("lastModifiedDateTime".into(), json!(now));
    policy.insert("isAssigned".into(), json!(false));
    policy.insert("creationSource".into(), Value::Null);
    policy.insert("roleScopeTagIds".into(), json!(["0"]));
    policy.insert(
        "templateReference".into(),
        template_reference(cat, template.as_deref()),
    );
    body.remove("templateReference");
    policy.extend(body);
    policy.insert(
        "settingCount".into(),
        json!(settings.as_array().map_or(0, Vec::len)),
    );
    policy.insert("settings".into(), settings);
    let mut stores = sandbox.stores();
    let store = stores.get_mut(ApiVersion::Beta);
    let id = store
        .insert(Value::Object(policy), "POST configurationPolicies")
        .map_err(|e| Failure::bad_request(e.to_string()))?;
    let stored = find(store, &id)?;
    let answer = entity(
        call.api_root,
        &format!("{POLICIES}/$entity"),
        shown(cat, &stored.value, &Options::default()),
    );
    Ok(json_response(StatusCode::CREATED, &answer))
}

/// The `templateReference` the service fills in from the template itself.
fn template_reference(cat: &Catalog, template: Option<&str>) -> Value {
    let Some(t) = template.and_then(|t| cat.template(t)) else {
        return json!({"templateId": "", "templateFamily": "none", "templateDisplayName": null, "templateDisplayVersion": null});
    };
    json!({
        "templateId": t["id"],
        "templateFamily": t["templateFamily"],
        "templateDisplayName": t["displayName"],
        "templateDisplayVersion": t["displayVersion"],
    })
}

fn replace(sandbox: &Sandbox, id: &str, call: &Call<'_>) -> Result<Response, Failure> {
    let mut body = json_body(call)?;
    let mut stores = sandbox.stores();
    let store = stores.get_mut(ApiVersion::Beta);
    let stored = find(store, id)?;
    check_properties(stored.type_id, &body, Mode::Object)?;
    let Some(settings) = body.remove("settings") else {
        return Err(Failure::one_problem(
            "MissingSettings",
            "settings",
            "PUT replaces the whole policy: send its settings too (an empty list removes them all).",
        ));
    };
    require_name(&body)?;
    let template = template_of(sandbox.catalog(), &stored.value)?;
    let given = body
        .get("templateReference")
        .and_then(|t| t.get("templateId"))
        .and_then(Value::as_str);
    if given.is_some_and(|g| !g.eq_ignore_ascii_case(template.as_deref().unwrap_or_default())) {
        return Err(Failure::one_problem(
            "TemplateChanged",
            "templateReference.templateId",
            "A policy's template cannot change; create a new policy instead.",
        ));
    }
    let settings = accept_settings(
        sandbox.catalog(),
        settings,
        template.as_deref(),
        stored.value.get("settings"),
    )?;
    let stored = store.get_mut(id).ok_or_else(|| not_found(id))?;
    body.retain(|k, _| {
        !k.contains('@') && !SERVICE_OWNED.contains(&k.as_str()) && k != "templateReference"
    });
    stored.value.extend(body);
    stored.value.insert(
        "settingCount".into(),
        json!(settings.as_array().map_or(0, Vec::len)),
    );
    stored.value.insert("settings".into(), settings);
    stored
        .value
        .insert("lastModifiedDateTime".into(), json!(clock::rfc3339_now()));
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn patch(sandbox: &Sandbox, id: &str, call: &Call<'_>) -> Result<Response, Failure> {
    let body = json_body(call)?;
    if body.contains_key("settings") {
        return Err(Failure::one_problem(
            "SettingsNotPatchable",
            "settings",
            "settings cannot change with PATCH; send the whole policy with PUT.",
        ));
    }
    let mut stores = sandbox.stores();
    let store = stores.get_mut(ApiVersion::Beta);
    let stored = find(store, id)?;
    check_properties(stored.type_id, &body, Mode::Patch)?;
    let changes: Map<String, Value> = body.into_iter().filter(|(k, _)| !k.contains('@')).collect();
    if let Some(other) = changes.keys().find(|k| !PATCHABLE.contains(&k.as_str())) {
        return Err(Failure::one_problem(
            "PropertyNotPatchable",
            other,
            format!(
                "Only {} can change with PATCH; send the whole policy with PUT.",
                PATCHABLE.join(", ")
            ),
        ));
    }
    if changes.is_empty() {
        return Err(Failure::bad_request(
            "The request body changes nothing; send at least one property.",
        ));
    }
    let stored = store.get_mut(id).ok_or_else(|| not_found(id))?;
    stored.value.extend(changes);
    stored
        .value
        .insert("lastModifiedDateTime".into(), json!(clock::rfc3339_now()));
    let minimal = call.headers.get_all("prefer").iter().any(|v| {
        v.to_str().is_ok_and(|s| {
            s.split(',')
                .any(|p| p.trim().eq_ignore_ascii_case("return=minimal"))
        })
    });
    if sandbox.config.respond_204 || minimal {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let answer = entity(
        call.api_root,
        &format!("{POLICIES}/$entity"),
        shown(sandbox.catalog(), &stored.value, &Options::default()),
    );
    Ok(json_response(StatusCode::OK, &answer))
}

fn delete(sandbox: &Sandbox, id: &str) -> Result<Response, Failure> {
    let mut stores = sandbox.stores();
    let store = stores.get_mut(ApiVersion::Beta);
    find(store, id)?;
    store.remove(id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The `concurrent` fault: another administrator renames the policy first.
fn change_elsewhere(sandbox: &Sandbox, id: &str) {
    let mut stores = sandbox.stores();
    if let Some(stored) = stores
        .get_mut(ApiVersion::Beta)
        .get_mut(id)
        .filter(|s| s.set == POLICIES)
    {
        if let Some(Value::String(name)) = stored.value.get_mut("name") {
            name.push_str(CHANGED_ELSEWHERE);
        }
        stored
            .value
            .insert("lastModifiedDateTime".into(), json!(clock::rfc3339_now()));
    }
}
