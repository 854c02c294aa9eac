//! The service's own checks of a policy's `settings` on POST and PUT, written for the sandbox
//! apart from the editor's validator so that each can catch the other's mistakes: unknown
//! definitions, instance and value types that do not fit the definition, options outside the
//! list, integers out of range, strings of the wrong length, collection counts, required
//! children missing, children that do not belong under their parent, and settings a template
//! does not list. Every problem is a [`Detail`] whose target is the JSON path of the value.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::catalog::{depended_on_by, strings, Catalog, Kind, TYPE_PREFIX};
use crate::reply::{shorten, Detail};

/// Checks a policy's settings array; `template` is the policy's template id, when it has one
/// (the caller has made sure the template exists).
pub fn check_settings(
    settings: &[Value],
    template: Option<&str>,
    catalog: &Catalog,
) -> Vec<Detail> {
    let mut c = Checker {
        catalog,
        details: Vec::new(),
    };
    let allowed = template.and_then(|t| catalog.template_allows(t));
    let mut seen = HashSet::new();
    for (i, setting) in settings.iter().enumerate() {
        let path = format!("settings[{i}].settingInstance");
        let Some(instance) = setting.get("settingInstance").filter(|v| v.is_object()) else {
            c.add(
                "MissingSettingInstance",
                &path,
                "Every setting needs a settingInstance object.".into(),
            );
            continue;
        };
        let id = definition_id(instance);
        if let Some(allowed) = &allowed {
            if !allowed.contains(&id.to_ascii_lowercase()) {
                c.add(
                    "SettingNotInTemplate",
                    &format!("{path}.settingDefinitionId"),
                    format!(
                        "The policy's template does not list the setting {}.",
                        show(id)
                    ),
                );
                continue;
            }
        }
        if !id.is_empty() && !seen.insert(id.to_ascii_lowercase()) {
            c.add(
                "DuplicateSetting",
                &format!("{path}.settingDefinitionId"),
                format!("The setting {} appears more than once.", show(id)),
            );
        }
        c.instance(instance, &path, None);
    }
    c.details
}

fn definition_id(instance: &Value) -> &str {
    instance
        .get("settingDefinitionId")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn show(id: &str) -> String {
    format!("'{}'", shorten(id, 200))
}

/// The short name of a settings catalog `@odata.type` (`ChoiceSettingInstance`).
fn short_type(value: &Value) -> Option<&str> {
    let t = value.get("@odata.type")?.as_str()?;
    Some(t.strip_prefix(TYPE_PREFIX).unwrap_or(t))
}

/// Where an instance sits: the children its parent allows, and the parent's id for messages.
struct Parent<'a> {
    id: &'a str,
    allowed: Vec<String>,
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

    fn instance(&mut self, instance: &Value, path: &str, parent: Option<&Parent>) {
        let id = definition_id(instance);
        let Some(def) = self.catalog.definition(id) else {
            self.add(
                "UnknownSettingDefinition",
                &format!("{path}.settingDefinitionId"),
                format!("{} is not a setting definition of this service.", show(id)),
            );
            return;
        };
        if let Some(parent) = parent {
            if !parent.allowed.iter().any(|a| a.eq_ignore_ascii_case(id)) {
                self.add(
                    "SettingNotAllowedHere",
                    &format!("{path}.settingDefinitionId"),
                    format!(
                        "The setting {} cannot be a child of {} with this value.",
                        show(id),
                        show(parent.id)
                    ),
                );
                return;
            }
        }
        let Some(kind) = Kind::of(def) else {
            return;
        };
        let given = short_type(instance).unwrap_or_default();
        if !kind.instance_types().contains(&given) {
            let message = match kind.instance_types().first() {
                Some(want) => format!(
                    "The setting {} needs a {want}, not {}.",
                    show(id),
                    shorten(given, 80)
                ),
                None => format!(
                    "The setting {} only points elsewhere and cannot be set.",
                    show(id)
                ),
            };
            self.add(
                "SettingTypeMismatch",
                &format!("{path}.@odata.type"),
                message,
            );
            return;
        }
        match kind {
            Kind::Choice => self.choice(
                def,
                id,
                instance.get("choiceSettingValue"),
                &format!("{path}.choiceSettingValue"),
            ),
            Kind::ChoiceCollection => {
                let key = "choiceSettingCollectionValue";
                if let Some(items) =
                    self.collection(def, id, instance.get(key), &format!("{path}.{key}"))
                {
                    for (i, item) in items.iter().enumerate() {
                        self.choice(def, id, Some(item), &format!("{path}.{key}[{i}]"));
                    }
                }
            }
            Kind::Simple => {
                let key = "simpleSettingValue";
                self.simple(def, id, instance.get(key), &format!("{path}.{key}"));
            }
            Kind::SimpleCollection => {
                let key = "simpleSettingCollectionValue";
                if let Some(items) =
                    self.collection(def, id, instance.get(key), &format!("{path}.{key}"))
                {
                    for (i, item) in items.iter().enumerate() {
                        self.simple(def, id, Some(item), &format!("{path}.{key}[{i}]"));
                    }
                }
            }
            Kind::Group => {
                let key = "groupSettingValue";
                self.group(def, id, instance.get(key), &format!("{path}.{key}"));
            }
            Kind::GroupCollection => {
                let key = "groupSettingCollectionValue";
                if let Some(items) =
                    self.collection(def, id, instance.get(key), &format!("{path}.{key}"))
                {
                    for (i, item) in items.iter().enumerate() {
                        self.group(def, id, Some(item), &format!("{path}.{key}[{i}]"));
                    }
                }
            }
            Kind::Redirect => {}
        }
    }

    /// A collection value: present, a list, and within the definition's count bounds.
    fn collection<'v>(
        &mut self,
        def: &Value,
        id: &str,
        value: Option<&'v Value>,
        path: &str,
    ) -> Option<&'v Vec<Value>> {
        let Some(items) = value.and_then(Value::as_array) else {
            self.add(
                "MissingValue",
                path,
                format!("The setting {} needs a list of values here.", show(id)),
            );
            return None;
        };
        let min = def.get("minimumCount").and_then(Value::as_u64).unwrap_or(0);
        let max = def
            .get("maximumCount")
            .and_then(Value::as_u64)
            .unwrap_or(u64::MAX);
        let n = items.len() as u64;
        if n < min || n > max {
            self.add(
                "CollectionCountOutOfRange",
                path,
                format!(
                    "The setting {} takes {min} to {max} values; it has {n}.",
                    show(id)
                ),
            );
        }
        Some(items)
    }

    fn choice(&mut self, def: &Value, id: &str, value: Option<&Value>, path: &str) {
        let Some(value) = value.and_then(Value::as_object) else {
            self.add(
                "MissingValue",
                path,
                format!("The setting {} needs a choice value.", show(id)),
            );
            return;
        };
        let chosen = value
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let option = def
            .get("options")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|o| {
                o.get("itemId")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.eq_ignore_ascii_case(chosen))
            });
        let Some(option) = option else {
            self.add(
                "InvalidChoiceOption",
                &format!("{path}.value"),
                format!(
                    "{} is not an option of the setting {}.",
                    show(chosen),
                    show(id)
                ),
            );
            return;
        };
        let dependents = depended_on_by(option);
        let parent = Parent {
            id,
            allowed: dependents.iter().map(|(d, _)| d.clone()).collect(),
        };
        self.children(value, &dependents, &parent, path);
    }

    fn group(&mut self, def: &Value, id: &str, value: Option<&Value>, path: &str) {
        let Some(value) = value.and_then(Value::as_object) else {
            self.add(
                "MissingValue",
                path,
                format!("The setting {} needs a group value.", show(id)),
            );
            return;
        };
        let parent = Parent {
            id,
            allowed: strings(def.get("childIds")),
        };
        self.children(value, &depended_on_by(def), &parent, path);
    }

    /// The children of a choice or group value: each checked, the required ones present.
    fn children(
        &mut self,
        value: &Map<String, Value>,
        dependents: &[(String, bool)],
        parent: &Parent,
        path: &str,
    ) {
        let children: &[Value] = value
            .get("children")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        for (i, child) in children.iter().enumerate() {
            self.instance(child, &format!("{path}.children[{i}]"), Some(parent));
        }
        for (required, _) in dependents.iter().filter(|(_, r)| *r) {
            let present = children
                .iter()
                .any(|c| definition_id(c).eq_ignore_ascii_case(required));
            if !present {
                self.add(
                    "MissingRequiredSetting",
                    &format!("{path}.children"),
                    format!(
                        "The setting {} needs its child {} with this value.",
                        show(parent.id),
                        show(required)
                    ),
                );
            }
        }
    }

    fn simple(&mut self, def: &Value, id: &str, value: Option<&Value>, path: &str) {
        let Some(value) = value.filter(|v| v.is_object()) else {
            self.add(
                "MissingValue",
                path,
                format!("The setting {} needs a value.", show(id)),
            );
            return;
        };
        let rule = def.get("valueDefinition").unwrap_or(&Value::Null);
        let rule_type = short_type(rule).unwrap_or_default();
        let secret = rule.get("isSecret") == Some(&Value::Bool(true));
        let want = match rule_type {
            "IntegerSettingValueDefinition" => "IntegerSettingValue",
            _ if secret => "SecretSettingValue",
            _ => "StringSettingValue",
        };
        let given = short_type(value).unwrap_or_default();
        let fits =
            given == want || (want == "StringSettingValue" && given == "ReferenceSettingValue");
        if !fits {
            self.add(
                "ValueTypeMismatch",
                &format!("{path}.@odata.type"),
                format!(
                    "The setting {} needs a {want}, not {}.",
                    show(id),
                    shorten(given, 80)
                ),
            );
            return;
        }
        let target = format!("{path}.value");
        if secret && value.get("valueState").and_then(Value::as_str) == Some("encryptedValueToken")
        {
            // A token stands for the stored secret: nothing to judge (see `secrets`).
            return;
        }
        match (want, value.get("value")) {
            ("IntegerSettingValue", Some(Value::Number(n))) if n.as_i64().is_some() => {
                let n = n.as_i64().unwrap_or_default();
                let min = rule
                    .get("minimumValue")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::MIN);
                let max = rule
                    .get("maximumValue")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::MAX);
                if n < min || n > max {
                    self.add(
                        "ValueOutOfRange",
                        &target,
                        format!(
                            "The setting {} takes {min} to {max}; {n} is outside.",
                            show(id)
                        ),
                    );
                }
            }
            ("IntegerSettingValue", _) => self.add(
                "InvalidValue",
                &target,
                format!("The setting {} needs a whole number.", show(id)),
            ),
            (_, Some(Value::String(s))) => {
                let n = s.chars().count() as u64;
                let min = rule
                    .get("minimumLength")
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                let max = rule
                    .get("maximumLength")
                    .and_then(Value::as_u64)
                    .unwrap_or(u64::MAX);
                if n < min || n > max {
                    self.add(
                        "StringLengthOutOfRange",
                        &target,
                        format!(
                            "The setting {} takes {min} to {max} characters; the value has {n}.",
                            show(id)
                        ),
                    );
                }
            }
            _ => self.add(
                "InvalidValue",
                &target,
                format!("The setting {} needs text.", show(id)),
            ),
        }
    }
}
