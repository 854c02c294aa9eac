//! The body of `POST deviceManagement/intents/{id}/updateSettings`: the settings an edit
//! changed, each as Graph takes a setting instance.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::validate::same;
use super::{key, short_type, InstanceType, IntentValueType, BASE_INSTANCE_TYPE};

/// The settings of an intent, or a bare `settings` array.
fn settings_of(v: &Value) -> &[Value] {
    match v {
        Value::Array(items) => items,
        _ => v
            .get("settings")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice),
    }
}

fn definition_id(inst: &Value) -> Option<&str> {
    inst.get("definitionId")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// An instance's `@odata.type` when it is an intent setting instance's.
fn instance_type(inst: &Value) -> Option<&str> {
    inst.get("@odata.type")
        .and_then(Value::as_str)
        .filter(|t| InstanceType::of(t) != InstanceType::Foreign)
}

/// An instance's typed `value` when it is one (a boolean, number, text or `null`): the only
/// kinds the property has, and the only ones compared, copied or written here, so that a
/// hostile nested value costs nothing.
fn typed_value(inst: &Value) -> Option<&Value> {
    inst.get("value")
        .filter(|v| !v.is_array() && !v.is_object())
}

/// What an instance sets: its `valueJson` parsed (its nesting bounded by `serde_json`), or its
/// typed `value` when it has no `valueJson` (`null` for neither); `Err` with the text when
/// `valueJson` is not JSON.
fn effective(inst: &Value) -> Result<Cow<'_, Value>, &str> {
    match inst.get("valueJson") {
        Some(Value::String(s)) => serde_json::from_str(s)
            .map(Cow::Owned)
            .map_err(|_| s.as_str()),
        _ => Ok(typed_value(inst).map_or(Cow::Owned(Value::Null), Cow::Borrowed)),
    }
}

fn changed(before: &Value, after: &Value) -> bool {
    let types = (instance_type(before), instance_type(after));
    if let (Some(a), Some(b)) = types {
        if short_type(a) != short_type(b) {
            return true;
        }
    }
    let values = match (effective(before), effective(after)) {
        (Ok(a), Ok(b)) => !same(&a, &b),
        (Err(a), Err(b)) => a != b,
        _ => true,
    };
    values || matches!((typed_value(before), typed_value(after)), (Some(a), Some(b)) if !same(a, b))
}

/// The kind of instance a typed value is, for an instance that does not say.
fn inferred_type(inst: &Value) -> &'static str {
    let kind = match effective(inst).as_deref() {
        Ok(Value::Bool(_)) => IntentValueType::Boolean,
        Ok(Value::Number(_)) => IntentValueType::Integer,
        Ok(Value::String(_)) => IntentValueType::String,
        _ => IntentValueType::Unknown,
    };
    kind.instance_odata_type().unwrap_or(BASE_INSTANCE_TYPE)
}

/// One setting of the body: `@odata.type`, `id` (when the instance has one), `definitionId`,
/// `valueJson`, `value` for the boolean, integer and string kinds and `implementationId` for
/// the abstract complex kind (when the instance has one).
fn body_instance(inst: &Value, before: Option<&Value>, cleared: bool) -> Value {
    let odata = instance_type(inst)
        .or_else(|| before.and_then(instance_type))
        .map(str::to_string)
        .unwrap_or_else(|| inferred_type(inst).to_string());
    let mut out = Map::new();
    out.insert("@odata.type".into(), Value::String(odata.clone()));
    if let Some(id) = inst.get("id").filter(|v| v.is_string()) {
        out.insert("id".into(), id.clone());
    }
    if let Some(id) = inst.get("definitionId").filter(|v| v.is_string()) {
        out.insert("definitionId".into(), id.clone());
    }
    let value_json = match inst.get("valueJson") {
        _ if cleared => "null".to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => typed_value(inst).map_or_else(|| "null".to_string(), Value::to_string),
    };
    let kind = match InstanceType::of(&odata) {
        InstanceType::Typed(kind) => kind,
        _ => IntentValueType::Unknown,
    };
    let value = kind.has_value_property().then(|| match typed_value(inst) {
        _ if cleared => Value::Null,
        Some(v) => v.clone(),
        None => match serde_json::from_str::<Value>(&value_json) {
            Ok(v @ (Value::Bool(_) | Value::Number(_) | Value::String(_))) => v,
            _ => Value::Null,
        },
    });
    out.insert("valueJson".into(), Value::String(value_json));
    if let Some(value) = value {
        out.insert("value".into(), value);
    }
    if kind == IntentValueType::AbstractComplex && !cleared {
        if let Some(id) = inst.get("implementationId").filter(|v| v.is_string()) {
            out.insert("implementationId".into(), id.clone());
        }
    }
    Value::Object(out)
}

/// The body of `POST intents/{id}/updateSettings` for an edit from `before` to `after` (two
/// intents, or two bare `settings` arrays): `{"settings": [...]}` with only the settings that
/// changed, matched by `definitionId` (without regard to case), in `after`'s order. A setting
/// is changed when its kind, its value (`valueJson` parsed, so that spacing does not count) or
/// its typed `value` differs, or when it is new. A setting `after` no longer has is sent as not
/// configured (`valueJson` `"null"`), after the others, unless it was not configured already.
///
/// Each setting carries its `@odata.type` (the instance's, else the one it had before, else the
/// kind its value shows), its `id` when it has one, its `definitionId`, its `valueJson` (from
/// `value` when it has none), for the kinds that have one (boolean, integer, string) its
/// `value`, and for an abstract complex setting its `implementationId` when it has one. Settings without a `definitionId` are left out: Graph could not place them. Of two
/// settings with one `definitionId`, the first counts.
pub fn update_settings_body(before: &Value, after: &Value) -> Value {
    let old = settings_of(before);
    let new = settings_of(after);
    let mut by_id: HashMap<String, &Value> = HashMap::new();
    for inst in old {
        if let Some(id) = definition_id(inst) {
            by_id.entry(key(id)).or_insert(inst);
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for inst in new {
        let Some(id) = definition_id(inst) else {
            continue;
        };
        if !seen.insert(key(id)) {
            continue;
        }
        let prev = by_id.get(&key(id)).copied();
        if prev.is_none_or(|p| changed(p, inst)) {
            out.push(body_instance(inst, prev, false));
        }
    }
    for inst in old {
        let Some(id) = definition_id(inst) else {
            continue;
        };
        if seen.insert(key(id)) && !matches!(effective(inst).as_deref(), Ok(Value::Null)) {
            out.push(body_instance(inst, None, true));
        }
    }
    json!({ "settings": out })
}
