//! `POST deviceManagement/intents/{id}/updateSettings` as Graph beta answers it: the body's
//! `settings` replace the values of the intent's settings with the same `definitionId` (a
//! definition the intent has no setting for yet gets a new one), after [`checks`] has judged
//! every one; the answer is 204, or 400 in Graph's shape naming each problem. Also the
//! canonical form every stored setting takes, which the seeded intents go through too.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use policy_core::model::ApiVersion;
use serde_json::{json, Map, Value};

use super::catalog::{catalog, fixture_intents, Catalog, ValueType, TYPE_PREFIX};
use super::checks::{self, Accepted};
use super::json_body;
use super::read::find;
use crate::clock;
use crate::reply::Failure;
use crate::sandbox::Sandbox;
use crate::settings::Call;

/// Carries out the action and saves.
pub async fn update_settings(
    sandbox: &Sandbox,
    id: &str,
    call: &Call<'_>,
) -> Result<Response, Failure> {
    update(sandbox, id, call)?;
    sandbox.save().await;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn update(sandbox: &Sandbox, id: &str, call: &Call<'_>) -> Result<(), Failure> {
    let body = json_body(call)?;
    if let Some(other) = body.keys().find(|k| k.as_str() != "settings") {
        return Err(Failure::one_problem(
            "UnknownParameter",
            other,
            "updateSettings takes one parameter, settings.",
        ));
    }
    let Some(Value::Array(items)) = body.get("settings") else {
        return Err(Failure::one_problem(
            "InvalidSettings",
            "settings",
            "Send the settings to change as a list: {\"settings\": [ … ]}.",
        ));
    };
    let cat = catalog();
    let mut stores = sandbox.stores();
    let store = stores.get_mut(ApiVersion::Beta);
    let template = template_of(cat, &find(store, id)?.value);
    let accepted =
        checks::check_settings(items, template.as_deref(), cat).map_err(Failure::refused)?;
    let Some(stored) = store.get_mut(id) else {
        return Err(Failure::not_found(id));
    };
    if accepted.is_empty() {
        return Ok(());
    }
    let settings = stored
        .value
        .entry("settings")
        .or_insert_with(|| Value::Array(Vec::new()));
    if !settings.is_array() {
        *settings = Value::Array(Vec::new());
    }
    if let Value::Array(settings) = settings {
        apply(settings, accepted);
    }
    stored
        .value
        .insert("lastModifiedDateTime".into(), json!(clock::rfc3339_now()));
    Ok(())
}

/// The intent's template when it is one of this service's.
fn template_of(cat: &Catalog, intent: &Map<String, Value>) -> Option<String> {
    let id = intent.get("templateId").and_then(Value::as_str)?;
    cat.template(id)
        .and_then(|t| t.get("id"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Puts each accepted value in place of the setting with its definition, or adds a setting.
pub fn apply(settings: &mut Vec<Value>, accepted: Vec<Accepted>) {
    for a in accepted {
        let existing = settings.iter_mut().find(|s| {
            s.get("definitionId")
                .and_then(Value::as_str)
                .is_some_and(|d| d.eq_ignore_ascii_case(&a.definition_id))
        });
        match existing {
            Some(s) => {
                let id = s
                    .get("id")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(new_id);
                *s = instance(&a, &id);
            }
            None => settings.push(instance(&a, &new_id())),
        }
    }
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A setting as the service stores and answers it: the instance type of its value type,
/// `valueJson` always (`"null"` when not configured), `value` for the plain kinds and
/// `implementationId` for an abstract complex one.
pub fn instance(a: &Accepted, id: &str) -> Value {
    let mut map = Map::new();
    map.insert(
        "@odata.type".into(),
        json!(format!("{TYPE_PREFIX}{}", a.value_type.instance_type())),
    );
    map.insert("id".into(), json!(id));
    map.insert("definitionId".into(), json!(a.definition_id));
    // Serialising a `Value` cannot fail: its keys are strings.
    let text = serde_json::to_string(&a.value).unwrap_or_default();
    map.insert("valueJson".into(), json!(text));
    if a.value_type.has_plain_value() {
        map.insert("value".into(), a.value.clone());
    }
    if a.value_type == ValueType::AbstractComplex {
        map.insert("implementationId".into(), json!(a.implementation));
    }
    Value::Object(map)
}

/// Makes a fixture intent storable: its settings checked as an `updateSettings` call's would
/// be and written in the canonical form, their ids kept.
pub fn seeded(cat: &Catalog, mut intent: Value) -> Result<Value, Failure> {
    let map = intent
        .as_object_mut()
        .ok_or_else(|| Failure::bad_request("an intent must be a JSON object"))?;
    let template = template_of(cat, map);
    let items = match map.remove("settings") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let accepted =
        checks::check_settings(&items, template.as_deref(), cat).map_err(Failure::refused)?;
    let settings: Vec<Value> = accepted
        .iter()
        .zip(&items)
        .map(|(a, item)| {
            let id = item.get("id").and_then(Value::as_str).map(str::to_string);
            instance(a, &id.unwrap_or_else(new_id))
        })
        .collect();
    map.insert("settings".into(), Value::Array(settings));
    Ok(intent)
}

/// The fixture intents as a fresh sandbox stores them. The fixture test checks every one
/// passes [`checks`]; one that did not would be left out here rather than stop the sandbox.
pub fn seeded_intents() -> Vec<Value> {
    fixture_intents()
        .into_iter()
        .filter_map(|i| seeded(catalog(), i).ok())
        .collect()
}
