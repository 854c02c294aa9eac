//! The service's own checks of the settings `updateSettings` sends, written for the sandbox
//! apart from the editor's validator so that each can catch the other's mistakes: unknown
//! definitions, definitions the intent's template does not list or that only live inside
//! another setting, the same setting twice, an `@odata.type` that does not fit the definition's
//! `valueType`, `valueJson` that is not JSON, `valueJson` and `value` that disagree, and values
//! that break the definition's constraints (integer range, text length, pattern, enum values,
//! collection length, a fixed boolean) or its shape (unknown properties of a complex value, an
//! abstract complex value without a known implementation). Every problem is a [`Detail`] whose
//! target is the JSON path of the value: `settings[2].valueJson` for the setting's value and
//! `settings[2].valueJson.minimumPinLength` or `settings[4].valueJson[1].protocol` inside it.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::catalog::{property_name, strings, Catalog, ValueType, BASE_INSTANCE};
use crate::reply::{shorten, Detail};

mod values;

/// A setting that passed the checks, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// The definition id as the catalog spells it.
    pub definition_id: String,
    pub value_type: ValueType,
    /// The value; JSON null for a setting left not configured.
    pub value: Value,
    /// The implementation an abstract complex value chose, as the catalog spells it.
    pub implementation: Option<String>,
}

/// Checks the `settings` of an `updateSettings` call for an intent of `template` (`None` when
/// the intent names no template of this service: then any top-level definition is taken).
/// Every setting is accepted, in order, or every problem is listed.
pub fn check_settings(
    settings: &[Value],
    template: Option<&str>,
    catalog: &Catalog,
) -> Result<Vec<Accepted>, Vec<Detail>> {
    let mut c = Checker {
        catalog,
        details: Vec::new(),
    };
    let mut seen = HashSet::new();
    let accepted: Vec<Accepted> = settings
        .iter()
        .enumerate()
        .filter_map(|(i, s)| c.setting(i, s, template, &mut seen))
        .collect();
    match c.details.is_empty() {
        true => Ok(accepted),
        false => Err(c.details),
    }
}

fn show(id: &str) -> String {
    format!("'{}'", shorten(id, 200))
}

fn def_id(def: &Value) -> &str {
    def.get("id").and_then(Value::as_str).unwrap_or_default()
}

/// A type name without `#` and namespace.
fn short_type(t: &str) -> &str {
    let t = t.trim_start_matches('#');
    t.strip_prefix("microsoft.graph.").unwrap_or(t)
}

/// A definition's constraints with their short type names.
fn constraints(def: &Value) -> Vec<(&str, &Map<String, Value>)> {
    def.get("constraints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let map = c.as_object()?;
            Some((short_type(map.get("@odata.type")?.as_str()?), map))
        })
        .collect()
}

fn bound(map: &Map<String, Value>, key: &str) -> Option<i64> {
    map.get(key).and_then(Value::as_i64)
}

struct Checker<'a> {
    catalog: &'a Catalog,
    details: Vec<Detail>,
}

impl<'a> Checker<'a> {
    fn add(&mut self, code: &str, target: &str, message: String) {
        self.details.push(Detail {
            code: code.into(),
            message,
            target: target.into(),
        });
    }

    fn invalid(&mut self, id: &str, path: &str, what: &str) {
        self.add(
            "InvalidValue",
            path,
            format!("The setting {} needs {what} here.", show(id)),
        );
    }

    /// One top-level setting of the call.
    fn setting(
        &mut self,
        i: usize,
        item: &Value,
        template: Option<&str>,
        seen: &mut HashSet<String>,
    ) -> Option<Accepted> {
        let path = format!("settings[{i}]");
        let Some(map) = item.as_object() else {
            self.add(
                "InvalidSetting",
                &path,
                "Every setting must be a JSON object.".into(),
            );
            return None;
        };
        let id = map
            .get("definitionId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let id_path = format!("{path}.definitionId");
        if id.is_empty() {
            let message = "Every setting needs a definitionId.".into();
            self.add("MissingDefinitionId", &id_path, message);
            return None;
        }
        let catalog = self.catalog;
        let Some(def) = catalog.definition(id) else {
            let message = format!("{} is not a setting definition of this service.", show(id));
            self.add("UnknownSettingDefinition", &id_path, message);
            return None;
        };
        if let Some(t) = template {
            if catalog.category_of(t, id).is_none() {
                let message = format!(
                    "The intent's template does not list the setting {}.",
                    show(id)
                );
                self.add("SettingNotInTemplate", &id_path, message);
                return None;
            }
        }
        if def.get("isTopLevel") != Some(&Value::Bool(true)) {
            let message = format!(
                "The setting {} is not top-level: set it inside the setting that holds it.",
                show(id)
            );
            self.add("SettingNotTopLevel", &id_path, message);
            return None;
        }
        if !seen.insert(id.to_ascii_lowercase()) {
            let message = format!("The setting {} appears more than once.", show(id));
            self.add("DuplicateSetting", &id_path, message);
            return None;
        }
        let kind = ValueType::of(def)?;
        let (value, at) = self.value_of(map, def, kind, &path)?;
        let before = self.details.len();
        let implementation = match kind {
            ValueType::AbstractComplex => {
                let given = map.get("implementationId").and_then(Value::as_str);
                self.abstract_value(def, given, &value, &at, &format!("{path}.implementationId"))
            }
            _ => {
                self.check(def, &value, &at);
                None
            }
        };
        (self.details.len() == before).then(|| Accepted {
            definition_id: def_id(def).to_string(),
            value_type: kind,
            value,
            implementation,
        })
    }

    /// The value an instance carries, from `valueJson` (JSON written as text) or the typed
    /// `value`, which must agree when both are given; with the path it came from.
    fn value_of(
        &mut self,
        map: &Map<String, Value>,
        def: &Value,
        kind: ValueType,
        path: &str,
    ) -> Option<(Value, String)> {
        let id = def_id(def);
        if let Some(given) = map.get("@odata.type") {
            let fits = given.as_str().map(short_type).is_some_and(|t| {
                t.eq_ignore_ascii_case(BASE_INSTANCE)
                    || t.eq_ignore_ascii_case(kind.instance_type())
            });
            if !fits {
                let message = format!(
                    "The setting {} takes a {} value: its @odata.type is #microsoft.graph.{}, not {}.",
                    show(id),
                    kind.name(),
                    kind.instance_type(),
                    shorten(&given.to_string(), 80)
                );
                self.add(
                    "SettingTypeMismatch",
                    &format!("{path}.@odata.type"),
                    message,
                );
                return None;
            }
        }
        let json_path = format!("{path}.valueJson");
        let from_json = match map.get("valueJson") {
            None => None,
            Some(Value::Null) => Some(Value::Null),
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(v) => Some(v),
                Err(e) => {
                    let message = format!("The valueJson of {} is not JSON: {e}.", show(id));
                    self.add("InvalidValueJson", &json_path, message);
                    return None;
                }
            },
            Some(_) => {
                let message = format!(
                    "The valueJson of {} must be JSON written as text, such as \"true\" or \"[\\\"a\\\"]\".",
                    show(id)
                );
                self.add("InvalidValueJson", &json_path, message);
                return None;
            }
        };
        let value_path = format!("{path}.value");
        let from_value = match map.get("value") {
            None => None,
            Some(v) if kind.has_plain_value() => Some(v.clone()),
            Some(v) => Some(self.nested(def, kind, v, map, &value_path)?),
        };
        match (from_json, from_value) {
            (Some(a), Some(b)) if a != b => {
                let message = format!(
                    "The setting {} says {} in valueJson but {} in value.",
                    show(id),
                    shorten(&a.to_string(), 80),
                    shorten(&b.to_string(), 80)
                );
                self.add("ValueMismatch", &value_path, message);
                None
            }
            (Some(a), _) => Some((a, json_path)),
            (None, Some(b)) => Some((b, value_path)),
            (None, None) => {
                let message = format!(
                    "The setting {} needs a value: send valueJson (\"null\" leaves it not configured) or value.",
                    show(id)
                );
                self.add("MissingValue", &json_path, message);
                None
            }
        }
    }

    /// The value of a complex, collection or abstract complex setting sent as nested setting
    /// instances in `value`: an object of property name → value, or a list.
    fn nested(
        &mut self,
        def: &Value,
        kind: ValueType,
        value: &Value,
        holder: &Map<String, Value>,
        path: &str,
    ) -> Option<Value> {
        let id = def_id(def);
        if value.is_null() {
            return Some(Value::Null);
        }
        let Some(items) = value.as_array() else {
            self.invalid(id, path, "a list of setting instances");
            return None;
        };
        let catalog = self.catalog;
        let instance = |c: &mut Self, item: &Value, p: &str| -> Option<Map<String, Value>> {
            let map = item.as_object().cloned();
            if map.is_none() {
                c.add(
                    "InvalidSetting",
                    p,
                    "Every setting instance must be a JSON object.".into(),
                );
            }
            map
        };
        if kind == ValueType::Collection {
            let element = def
                .get("elementDefinitionId")
                .and_then(Value::as_str)
                .and_then(|e| catalog.definition(e));
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                let map = instance(self, item, &p)?;
                let (d, k) = match element {
                    Some(e) => (e, ValueType::of(e)?),
                    None => (def, ValueType::String),
                };
                out.push(self.value_of(&map, d, k, &p)?.0);
            }
            return Some(Value::Array(out));
        }
        let owner = match kind {
            ValueType::AbstractComplex => {
                let chosen = holder.get("implementationId").and_then(Value::as_str);
                match chosen.and_then(|c| catalog.definition(c)) {
                    Some(d) => d,
                    None => {
                        let message =
                            format!("The setting {} needs a known implementationId.", show(id));
                        self.add("InvalidImplementation", path, message);
                        return None;
                    }
                }
            }
            _ => def,
        };
        let allowed = strings(owner.get("propertyDefinitionIds"));
        let mut out = Map::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let map = instance(self, item, &p)?;
            let sub = map
                .get("definitionId")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let found = allowed
                .iter()
                .find(|a| a.eq_ignore_ascii_case(sub))
                .and_then(|a| catalog.definition(a));
            let Some(prop) = found else {
                let message = format!(
                    "{} is not a property of the setting {}.",
                    show(sub),
                    show(id)
                );
                self.add(
                    "SettingNotAllowedHere",
                    &format!("{p}.definitionId"),
                    message,
                );
                return None;
            };
            let (v, _) = self.value_of(&map, prop, ValueType::of(prop)?, &p)?;
            out.insert(property_name(def_id(prop)).to_string(), v);
        }
        Some(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intents::catalog::catalog;
    use serde_json::json;

    const EP: &str = "deviceConfiguration--windows10EndpointProtectionConfiguration_";
    const INTEGER: &str = "#microsoft.graph.deviceManagementIntegerSettingInstance";

    fn one(setting: Value) -> Result<Vec<Accepted>, Vec<Detail>> {
        check_settings(&[setting], None, catalog())
    }

    #[test]
    fn typed_value_alone_or_agreeing_with_value_json() {
        let id = format!("{EP}defenderScanMaxCpuPercentage");
        let a = one(json!({"@odata.type": INTEGER, "definitionId": id, "value": 30})).unwrap();
        assert_eq!(a[0].value, json!(30));
        let b = one(json!({"definitionId": id, "valueJson": "30", "value": 30})).unwrap();
        assert_eq!(a, b);
        let bad = one(json!({"definitionId": id, "valueJson": "30", "value": 31})).unwrap_err();
        assert_eq!(
            (bad[0].code.as_str(), bad[0].target.as_str()),
            ("ValueMismatch", "settings[0].value")
        );
    }

    #[test]
    fn nested_instances_build_the_complex_value() {
        let sd = "deviceConfiguration--bitLockerSystemDrivePolicy_";
        let a = one(json!({
            "@odata.type": "#microsoft.graph.deviceManagementComplexSettingInstance",
            "definitionId": format!("{EP}bitLockerSystemDrivePolicy"),
            "value": [
                {"@odata.type": INTEGER, "definitionId": format!("{sd}minimumPinLength"), "value": 6},
                {"definitionId": format!("{sd}encryptionMethod"), "valueJson": "\"xtsAes128\""}
            ]
        }))
        .unwrap();
        assert_eq!(
            a[0].value,
            json!({"minimumPinLength": 6, "encryptionMethod": "xtsAes128"})
        );
        let bad = one(json!({
            "definitionId": format!("{EP}bitLockerSystemDrivePolicy"),
            "@odata.type": "#microsoft.graph.deviceManagementComplexSettingInstance",
            "value": [{"definitionId": format!("{sd}minimumPinLength"), "value": 2}]
        }))
        .unwrap_err();
        assert_eq!(bad[0].target, "settings[0].value.minimumPinLength");
    }
}
