//! The edits of the intent editor, on plain JSON and definitions (no browser): an intent's
//! setting set to a value (its instance made, changed, or left out again), a complex value's
//! property and a list's item changed, the categories read from Graph's answers, the kept entry,
//! and the review's rows.
//!
//! An intent's setting is a `deviceManagementSettingInstance` whose value is JSON text
//! (`valueJson`); `null` there is "not configured". The boolean, integer and string kinds also
//! carry the value typed (`value`), which is written to agree.

use std::collections::HashSet;

use policy_core::intents::{IntentDefinition, IntentDefinitions, IntentValueType};
use serde_json::{json, Map, Value};

/// One category of an intent's template: its name and the top-level settings it lists, in
/// Graph's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub name: String,
    pub ids: Vec<String>,
}

/// The id a setting instance names, lower-cased for comparison.
pub fn instance_key(inst: &Value) -> Option<String> {
    inst.get("definitionId")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
}

/// What an instance sets: its `valueJson` parsed, else its typed `value`; `Err` with the text
/// when `valueJson` is not JSON.
pub fn value_of(inst: &Value) -> Result<Value, String> {
    match inst.get("valueJson") {
        Some(Value::String(s)) => serde_json::from_str(s).map_err(|_| s.clone()),
        _ => Ok(inst
            .get("value")
            .filter(|v| !v.is_object() && !v.is_array())
            .cloned()
            .unwrap_or(Value::Null)),
    }
}

/// The kind a value is written as: the definition's, else the instance's `@odata.type`.
fn kind_of(def: Option<&IntentDefinition>, inst: Option<&Value>) -> IntentValueType {
    if let Some(k) = def
        .map(|d| d.value_type)
        .filter(|k| *k != IntentValueType::Unknown)
    {
        return k;
    }
    let odata = inst
        .and_then(|i| i.get("@odata.type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    IntentValueType::KNOWN
        .into_iter()
        .find(|k| {
            k.instance_odata_type().is_some_and(|t| {
                t.eq_ignore_ascii_case(odata) || t[1..].eq_ignore_ascii_case(odata)
            })
        })
        .unwrap_or(IntentValueType::Unknown)
}

/// `settings` with the setting of `definition_id` set to `value` (`Value::Null`: not
/// configured), its `valueJson` written from it (or `raw` as it is, text that is not JSON,
/// so that the user sees the problem rather than losing the text). A setting the intent did
/// not have as loaded (`loaded`: the ids it had) is made with the kind its definition says and
/// left out again when it goes back to not configured.
pub fn set_value(
    settings: &[Value],
    defs: &IntentDefinitions,
    loaded: &HashSet<String>,
    definition_id: &str,
    value: Result<Value, String>,
) -> Vec<Value> {
    let key = definition_id.to_ascii_lowercase();
    let mut out = settings.to_vec();
    let at = out
        .iter()
        .position(|s| instance_key(s).as_deref() == Some(&key));
    let def = defs.get(definition_id);
    if matches!(value, Ok(Value::Null)) && !loaded.contains(&key) {
        if let Some(i) = at {
            out.remove(i);
        }
        return out;
    }
    let kind = kind_of(def, at.map(|i| &out[i]));
    let inst = match at {
        Some(i) => &mut out[i],
        None => {
            let mut m = Map::new();
            if let Some(t) = kind.instance_odata_type() {
                m.insert("@odata.type".into(), json!(t));
            }
            m.insert(
                "definitionId".into(),
                json!(def.map_or(definition_id, |d| d.id.as_str())),
            );
            out.push(Value::Object(m));
            out.last_mut().expect("just pushed")
        }
    };
    let Some(map) = inst.as_object_mut() else {
        return out;
    };
    match value {
        Ok(v) => {
            map.insert("valueJson".into(), Value::String(v.to_string()));
            let scalar = !v.is_object() && !v.is_array();
            if kind.has_value_property() || (map.contains_key("value") && scalar) {
                map.insert("value".into(), if scalar { v } else { Value::Null });
            }
        }
        Err(text) => {
            map.insert("valueJson".into(), Value::String(text));
        }
    }
    out
}

/// `object` (a complex value, or `null` for none yet) with property `name` set to `v`.
pub fn with_property(object: &Value, name: &str, v: Value) -> Value {
    let mut map = object.as_object().cloned().unwrap_or_default();
    map.insert(name.to_string(), v);
    Value::Object(map)
}

/// The key of a complex value's property that definition `id` stands for: what follows the
/// last `_` of `deviceConfiguration--<type>_<property>`.
pub fn property_name(id: &str) -> &str {
    id.rsplit_once('_').map_or(id, |(_, name)| name)
}

/// A new item of a list whose items are of `def`'s kind.
pub fn new_item(def: Option<&IntentDefinition>) -> Value {
    match def.map(|d| d.value_type) {
        Some(IntentValueType::Boolean) => json!(false),
        Some(IntentValueType::Integer) => json!(0),
        Some(IntentValueType::Complex | IntentValueType::AbstractComplex) => json!({}),
        Some(IntentValueType::Collection) => json!([]),
        _ => json!(""),
    }
}

/// The categories of an intent's template from `(category, its settingDefinitions answer)`
/// pairs: each with the top-level settings it lists (`isTopLevel` not false).
pub fn categories_of(answers: &[(Value, Vec<Value>)]) -> Vec<Category> {
    answers
        .iter()
        .map(|(c, defs)| Category {
            name: c
                .get("displayName")
                .and_then(Value::as_str)
                .or_else(|| c.get("id").and_then(Value::as_str))
                .unwrap_or("Settings")
                .to_string(),
            ids: defs
                .iter()
                .filter(|d| d.get("isTopLevel") != Some(&Value::Bool(false)))
                .filter_map(|d| d.get("id").and_then(Value::as_str).map(str::to_string))
                .collect(),
        })
        .collect()
}

/// The kept entry of an intent: its definitions as Graph sent them, its categories and the
/// time they were fetched.
pub fn entry(raw: &[Value], categories: &[Category], as_of: &str) -> Value {
    json!({
        "definitions": raw,
        "categories": categories.iter().map(|c| json!({"name": c.name, "ids": c.ids})).collect::<Vec<_>>(),
        "asOf": as_of,
    })
}

/// What a kept entry holds: definitions, categories, the time (tolerant: a part of the wrong
/// kind is left out).
pub fn from_entry(entry: &Value) -> (IntentDefinitions, Vec<Category>, Option<String>) {
    let mut defs = IntentDefinitions::default();
    if let Some(list) = entry.get("definitions").filter(|d| d.is_array()) {
        let _ = defs.add_graph_json(list);
    }
    let categories = entry
        .get("categories")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some(Category {
                name: c.get("name")?.as_str()?.to_string(),
                ids: c
                    .get("ids")?
                    .as_array()?
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
            })
        })
        .collect();
    let as_of = entry
        .get("asOf")
        .and_then(Value::as_str)
        .map(str::to_string);
    (defs, categories, as_of)
}

/// A value as the review and the page show it: "Not configured" for `null`, text as it is,
/// anything else as compact JSON (cut to 200 characters).
pub fn shown(v: &Result<Value, String>) -> String {
    let text = match v {
        Ok(Value::Null) => return "Not configured".into(),
        Ok(Value::String(s)) => s.clone(),
        Ok(v) => v.to_string(),
        Err(raw) => format!("{raw} (not JSON)"),
    };
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// The review's rows of an intent's settings from `before` to `after` (bare `settings`
/// lists): each setting added (configured where it was not), removed (not configured any more)
/// or changed, by its definition's name, with its value before and after, in `after`'s order.
pub fn review_rows(before: &Value, after: &Value, defs: &IntentDefinitions) -> Value {
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let (old, new) = (list(before), list(after));
    let find = |l: &[Value], k: &str| {
        l.iter()
            .find(|s| instance_key(s).as_deref() == Some(k))
            .map(value_of)
            .unwrap_or(Ok(Value::Null))
    };
    let mut keys: Vec<(String, String)> = Vec::new();
    for s in new.iter().chain(&old) {
        if let (Some(k), Some(id)) = (
            instance_key(s),
            s.get("definitionId").and_then(Value::as_str),
        ) {
            if !keys.iter().any(|(x, _)| *x == k) {
                keys.push((k, id.to_string()));
            }
        }
    }
    let mut rows = Vec::new();
    for (k, id) in keys {
        let (a, b) = (find(&old, &k), find(&new, &k));
        let same = match (&a, &b) {
            (Ok(x), Ok(y)) => x == y,
            (Err(x), Err(y)) => x == y,
            _ => false,
        };
        if same {
            continue;
        }
        let kind = match (&a, &b) {
            (Ok(Value::Null), _) => "added",
            (_, Ok(Value::Null)) => "removed",
            _ => "changed",
        };
        let name = defs.get(&id).map_or(id.clone(), |d| d.display_name.clone());
        rows.push(json!({
            "kind": kind, "id": id, "name": name,
            "before": (kind != "added").then(|| shown(&a)),
            "after": (kind != "removed").then(|| shown(&b)),
        }));
    }
    Value::Array(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "deviceConfiguration--windows10EndpointProtectionConfiguration_";

    fn defs() -> IntentDefinitions {
        let mut d = IntentDefinitions::default();
        d.add_graph_json(&json!([
            {"id": format!("{P}ftp"), "displayName": "Block FTP", "valueType": "boolean"},
            {"id": format!("{P}cpu"), "displayName": "CPU", "valueType": "integer"},
            {"id": format!("{P}profile"), "displayName": "Profile", "valueType": "complex",
                "propertyDefinitionIds": ["deviceConfiguration--p_enabled"]},
        ]))
        .unwrap();
        d
    }

    fn setting(id: &str, v: Value) -> Value {
        json!({"@odata.type": "#microsoft.graph.deviceManagementBooleanSettingInstance",
            "id": "s1", "definitionId": id, "valueJson": v.to_string(), "value": v})
    }

    #[test]
    fn a_value_is_written_in_both_fields_and_a_new_setting_goes_again_when_cleared() {
        let d = defs();
        let ftp = format!("{P}ftp");
        let loaded: HashSet<String> = [ftp.to_ascii_lowercase()].into();
        let settings = vec![setting(&ftp, json!(true))];
        // A loaded setting set to not configured stays, with null in both fields.
        let out = set_value(&settings, &d, &loaded, &ftp.to_uppercase(), Ok(Value::Null));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0]["valueJson"], "null");
        assert_eq!(out[0]["value"], Value::Null);
        assert_eq!(out[0]["id"], "s1");
        // A new one is made with its kind, and goes when cleared.
        let cpu = format!("{P}cpu");
        let out = set_value(&settings, &d, &loaded, &cpu, Ok(json!(40)));
        assert_eq!(
            out[1],
            json!({"@odata.type": "#microsoft.graph.deviceManagementIntegerSettingInstance",
                "definitionId": cpu, "valueJson": "40", "value": 40})
        );
        let out = set_value(&out, &d, &loaded, &cpu, Ok(Value::Null));
        assert_eq!(out.len(), 1);
        // A complex value has no typed `value`; text that is not JSON is kept as typed.
        let profile = format!("{P}profile");
        let v = with_property(
            &Value::Null,
            property_name("deviceConfiguration--p_enabled"),
            json!(true),
        );
        let out = set_value(&settings, &d, &loaded, &profile, Ok(v));
        assert_eq!(out[1]["valueJson"], r#"{"enabled":true}"#);
        assert!(out[1].get("value").is_none());
        let out = set_value(&out, &d, &loaded, &profile, Err("{oops".into()));
        assert_eq!(out[1]["valueJson"], "{oops");
        assert_eq!(value_of(&out[1]), Err("{oops".to_string()));
    }

    #[test]
    fn the_review_names_each_changed_setting_with_its_values() {
        let d = defs();
        let (ftp, cpu) = (format!("{P}ftp"), format!("{P}cpu"));
        let before = json!([setting(&ftp, json!(true)), setting(&cpu, Value::Null)]);
        let after = json!([setting(&ftp, json!(false)), setting(&cpu, json!(30))]);
        let rows = review_rows(&before, &after, &d);
        assert_eq!(
            rows,
            json!([
                {"kind": "changed", "id": ftp, "name": "Block FTP", "before": "true", "after": "false"},
                {"kind": "added", "id": cpu, "name": "CPU", "before": null, "after": "30"},
            ])
        );
        let rows = review_rows(&after, &before, &d);
        assert_eq!(rows[1]["kind"], "removed");
        assert_eq!(rows[1]["before"], "30");
        assert!(review_rows(&before, &before, &d)
            .as_array()
            .unwrap()
            .is_empty());
    }

    #[test]
    fn categories_list_their_top_level_settings_and_survive_the_cache() {
        let answers = vec![(
            json!({"id": "c1", "displayName": "Firewall"}),
            vec![
                json!({"id": "a", "isTopLevel": true}),
                json!({"id": "b", "isTopLevel": false}),
                json!({"id": "c"}),
            ],
        )];
        let cats = categories_of(&answers);
        assert_eq!(
            cats,
            vec![Category {
                name: "Firewall".into(),
                ids: vec!["a".into(), "c".into()]
            }]
        );
        let raw = vec![json!({"id": "a", "displayName": "A", "valueType": "boolean"})];
        let (d, c, t) = from_entry(&entry(&raw, &cats, "2026-12-06T10:00:00Z"));
        assert_eq!(d.len(), 1);
        assert_eq!(c, cats);
        assert_eq!(t.as_deref(), Some("2026-12-06T10:00:00Z"));
        // A hostile entry reads as empty.
        let (d, c, t) = from_entry(&json!({"definitions": 5, "categories": [1, {"name": 2}]}));
        assert!(d.is_empty() && c.is_empty() && t.is_none());
    }
}
