//! The value half of [`super`]: a setting's value against its definition, by value type and
//! constraint (a fixed boolean, an integer range, text length, pattern and enum values, a
//! collection's length and items, a complex value's properties, an abstract complex value's
//! implementation).

use serde_json::Value;

use super::{bound, constraints, def_id, property_name, show, strings, Checker, ValueType};
use crate::intents::pattern;
use crate::reply::shorten;

impl Checker<'_> {
    /// A value against its definition; null (not configured) is always taken.
    pub(super) fn check(&mut self, def: &Value, value: &Value, path: &str) {
        if value.is_null() {
            return;
        }
        let id = def_id(def);
        let Some(kind) = ValueType::of(def) else {
            return;
        };
        match kind {
            ValueType::Boolean => {
                let Some(b) = value.as_bool() else {
                    return self.invalid(id, path, "true or false");
                };
                for (t, c) in constraints(def) {
                    let fixed = c.get("value").and_then(Value::as_bool);
                    if t == "deviceManagementSettingBooleanConstraint"
                        && fixed.is_some_and(|f| f != b)
                    {
                        let message = format!("The setting {} can only be {}.", show(id), !b);
                        self.add("ValueNotAllowed", path, message);
                    }
                }
            }
            ValueType::Integer => {
                let Some(n) = value.as_i64().filter(|n| i32::try_from(*n).is_ok()) else {
                    return self.invalid(id, path, "a whole number from -2147483648 to 2147483647");
                };
                for (t, c) in constraints(def) {
                    if t != "deviceManagementSettingIntegerConstraint" {
                        continue;
                    }
                    let min = bound(c, "minimumValue").unwrap_or(i64::MIN);
                    let max = bound(c, "maximumValue").unwrap_or(i64::MAX);
                    if n < min || n > max {
                        let message = format!(
                            "The setting {} takes {min} to {max}; {n} is outside.",
                            show(id)
                        );
                        self.add("ValueOutOfRange", path, message);
                    }
                }
            }
            ValueType::String => match value.as_str() {
                Some(s) => self.text(def, s, path),
                None => self.invalid(id, path, "text"),
            },
            ValueType::Collection => self.collection(def, value, path),
            ValueType::Complex => self.complex(def, value, path),
            ValueType::AbstractComplex => {
                // Inside another value there is no implementationId: the implementation whose
                // properties hold every key given is the one meant.
                let catalog = self.catalog;
                let keys: Vec<&String> = value
                    .as_object()
                    .map(|o| o.keys().filter(|k| !k.starts_with('@')).collect())
                    .unwrap_or_default();
                let fits = strings(def.get("implementations"))
                    .iter()
                    .filter_map(|i| catalog.definition(i))
                    .find(|imp| {
                        let props = strings(imp.get("propertyDefinitionIds"));
                        keys.iter()
                            .all(|k| props.iter().any(|p| property_name(p) == k.as_str()))
                    });
                match (value.is_object(), fits) {
                    (true, Some(imp)) => self.complex(imp, value, path),
                    _ => self.invalid(id, path, "an object that fits one of its implementations"),
                }
            }
        }
    }

    /// Text against the length, pattern and enum constraints of `def`.
    fn text(&mut self, def: &Value, s: &str, path: &str) {
        let id = def_id(def);
        for (t, c) in constraints(def) {
            match t {
                "deviceManagementSettingStringLengthConstraint" => {
                    let n = s.chars().count() as i64;
                    let min = bound(c, "minimumLength").unwrap_or(0);
                    let max = bound(c, "maximumLength").unwrap_or(i64::MAX);
                    if n < min || n > max {
                        let message = format!(
                            "The setting {} takes {min} to {max} characters; the text has {n}.",
                            show(id)
                        );
                        self.add("StringLengthOutOfRange", path, message);
                    }
                }
                "deviceManagementSettingRegexConstraint" => {
                    let re = c.get("regex").and_then(Value::as_str).unwrap_or_default();
                    // A pattern the sandbox cannot read is not matched (the fixture test makes
                    // sure every one of the fixtures' patterns can be read).
                    if pattern::compile(re).is_ok_and(|p| !p.is_match(s)) {
                        let message = format!(
                            "The text of the setting {} does not match the pattern {}.",
                            show(id),
                            shorten(re, 120)
                        );
                        self.add("PatternMismatch", path, message);
                    }
                }
                "deviceManagementEnumConstraint" => {
                    let values: Vec<&str> = c
                        .get("values")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|v| v.get("value").and_then(Value::as_str))
                        .collect();
                    if !values.contains(&s) {
                        let message = format!(
                            "{} is not a value of the setting {}; use one of: {}.",
                            show(s),
                            show(id),
                            values.join(", ")
                        );
                        self.add("InvalidEnumValue", path, message);
                    }
                }
                _ => {}
            }
        }
    }

    /// A list: its length, then each item against the element definition, or, without one,
    /// as text against the collection's own text constraints.
    fn collection(&mut self, def: &Value, value: &Value, path: &str) {
        let id = def_id(def);
        let Some(items) = value.as_array() else {
            return self.invalid(id, path, "a list");
        };
        let n = items.len() as i64;
        for (t, c) in constraints(def) {
            if t != "deviceManagementSettingCollectionConstraint" {
                continue;
            }
            let min = bound(c, "minimumLength").unwrap_or(0);
            let max = bound(c, "maximumLength").unwrap_or(i64::MAX);
            if n < min || n > max {
                let message = format!(
                    "The setting {} takes {min} to {max} items; it has {n}.",
                    show(id)
                );
                self.add("CollectionCountOutOfRange", path, message);
            }
        }
        let catalog = self.catalog;
        let element = def
            .get("elementDefinitionId")
            .and_then(Value::as_str)
            .and_then(|e| catalog.definition(e));
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            match (element, item) {
                (_, Value::Null) => self.invalid(id, &p, "a value (a list item cannot be null)"),
                (Some(e), item) => self.check(e, item, &p),
                (None, Value::String(s)) => self.text(def, s, &p),
                (None, _) => self.invalid(id, &p, "text"),
            }
        }
    }

    /// An object of the definition's properties, each checked; another key is refused.
    fn complex(&mut self, def: &Value, value: &Value, path: &str) {
        let id = def_id(def);
        let Some(object) = value.as_object() else {
            return self.invalid(id, path, "an object of its properties");
        };
        let catalog = self.catalog;
        let props: Vec<&Value> = strings(def.get("propertyDefinitionIds"))
            .iter()
            .filter_map(|p| catalog.definition(p))
            .collect();
        for (key, v) in object {
            if key.starts_with('@') {
                continue;
            }
            let p = format!("{path}.{key}");
            match props.iter().find(|d| property_name(def_id(d)) == key) {
                Some(d) => self.check(d, v, &p),
                None => {
                    let names: Vec<&str> = props.iter().map(|d| property_name(def_id(d))).collect();
                    let message = format!(
                        "The setting {} has no property {}; its properties are {}.",
                        show(id),
                        show(key),
                        names.join(", ")
                    );
                    self.add("UnknownProperty", &p, message);
                }
            }
        }
    }

    /// A top-level abstract complex value: its `implementationId` must name one of the
    /// definition's implementations (unless the value is null), whose properties the value
    /// then has. Returns the implementation as the catalog spells it.
    pub(super) fn abstract_value(
        &mut self,
        def: &Value,
        given: Option<&str>,
        value: &Value,
        path: &str,
        implementation_path: &str,
    ) -> Option<String> {
        let id = def_id(def);
        let allowed = strings(def.get("implementations"));
        let Some(given) = given else {
            if !value.is_null() {
                let message = format!(
                    "The setting {} needs an implementationId naming one of: {}.",
                    show(id),
                    allowed.join(", ")
                );
                self.add("MissingImplementation", implementation_path, message);
            }
            return None;
        };
        let Some(chosen) = allowed.iter().find(|a| a.eq_ignore_ascii_case(given)) else {
            let message = format!(
                "{} is not an implementation of the setting {}; use one of: {}.",
                show(given),
                show(id),
                allowed.join(", ")
            );
            self.add("InvalidImplementation", implementation_path, message);
            return None;
        };
        if let Some(imp) = self.catalog.definition(chosen) {
            self.check(imp, value, path);
        }
        Some(chosen.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intents::catalog::catalog;
    use serde_json::json;

    #[test]
    fn a_fixed_boolean_is_kept() {
        let def = json!({"id": "x", "valueType": "boolean", "constraints": [
            {"@odata.type": "#microsoft.graph.deviceManagementSettingBooleanConstraint",
             "value": true}
        ]});
        let mut c = Checker {
            catalog: catalog(),
            details: Vec::new(),
        };
        c.check(&def, &json!(true), "v");
        assert!(c.details.is_empty());
        c.check(&def, &json!(false), "v");
        assert_eq!(c.details[0].code, "ValueNotAllowed");
    }
}
