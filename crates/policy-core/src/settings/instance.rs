//! Setting instances as Graph writes them: their kind ([`InstanceKind`]), a short text of
//! their value ([`value_text`]) and new ones for the picker ([`new_instance`]).

use serde_json::{json, Map, Value};

use super::{Definition, DefinitionKind, Definitions, ValueRule, MAX_DEPTH, PREFIX};
use crate::edm::truncate;

/// The kind of a setting instance, from its `@odata.type` or, without one, from the value
/// field it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceKind {
    Choice,
    ChoiceCollection,
    Simple,
    SimpleCollection,
    Group,
    GroupCollection,
}

impl InstanceKind {
    const ALL: [(InstanceKind, &'static str, &'static str); 6] = [
        (
            InstanceKind::Choice,
            "ChoiceSettingInstance",
            "choiceSettingValue",
        ),
        (
            InstanceKind::ChoiceCollection,
            "ChoiceSettingCollectionInstance",
            "choiceSettingCollectionValue",
        ),
        (
            InstanceKind::Simple,
            "SimpleSettingInstance",
            "simpleSettingValue",
        ),
        (
            InstanceKind::SimpleCollection,
            "SimpleSettingCollectionInstance",
            "simpleSettingCollectionValue",
        ),
        (
            InstanceKind::Group,
            "GroupSettingInstance",
            "groupSettingValue",
        ),
        (
            InstanceKind::GroupCollection,
            "GroupSettingCollectionInstance",
            "groupSettingCollectionValue",
        ),
    ];

    /// The kind of an instance; `None` when neither its `@odata.type` nor its fields say.
    pub fn of(instance: &Value) -> Option<InstanceKind> {
        let map = instance.as_object()?;
        match map.get("@odata.type").and_then(Value::as_str) {
            Some(t) => {
                let short = t
                    .strip_prefix(PREFIX)
                    .or_else(|| t.strip_prefix(&PREFIX[1..]))?;
                Self::ALL.iter().find(|k| k.1 == short).map(|k| k.0)
            }
            None => Self::ALL
                .iter()
                .find(|k| map.contains_key(k.2))
                .map(|k| k.0),
        }
    }

    /// The field holding the value: `choiceSettingValue`, `groupSettingCollectionValue`, ….
    pub fn value_field(self) -> &'static str {
        Self::ALL.iter().find(|k| k.0 == self).map_or("", |k| k.2)
    }

    /// The definition kind whose instances are of this kind.
    pub fn definition_kind(self) -> DefinitionKind {
        match self {
            InstanceKind::Choice => DefinitionKind::Choice,
            InstanceKind::ChoiceCollection => DefinitionKind::ChoiceCollection,
            InstanceKind::Simple => DefinitionKind::Simple,
            InstanceKind::SimpleCollection => DefinitionKind::SimpleCollection,
            InstanceKind::Group => DefinitionKind::Group,
            InstanceKind::GroupCollection => DefinitionKind::GroupCollection,
        }
    }
}

/// The label of a choice's option, by its `itemId`; `None` when the definition or the option
/// is unknown.
pub fn option_label<'d>(
    defs: &'d Definitions,
    definition_id: &str,
    item_id: &str,
) -> Option<&'d str> {
    Some(
        defs.get(definition_id)?
            .option(item_id)?
            .display_name
            .as_str(),
    )
}

const SHORT: usize = 60;

/// A simple value (`{"@odata.type": …StringSettingValue, "value": …}`) as short text; a secret
/// never shows its value.
fn simple_text(v: &Value) -> String {
    let odata = v.get("@odata.type").and_then(Value::as_str).unwrap_or("");
    if odata.ends_with("SecretSettingValue") {
        return if v.get("valueState").and_then(Value::as_str) == Some("encryptedValueToken") {
            "secret (unchanged)".into()
        } else {
            "secret (new value)".into()
        };
    }
    match v.get("value") {
        Some(Value::String(s)) => format!("\"{}\"", truncate(s, SHORT)),
        Some(Value::Number(n)) => n.to_string(),
        None | Some(Value::Null) => "(empty)".into(),
        Some(other) => truncate(&other.to_string(), SHORT),
    }
}

fn count_text(n: usize) -> String {
    if n == 1 {
        "1 item".into()
    } else {
        format!("{n} items")
    }
}

/// Joins the items' texts when they are short together, else counts them.
fn list_text(items: Vec<String>) -> String {
    let total: usize = items.iter().map(|s| s.chars().count() + 2).sum();
    if items.is_empty() || total > SHORT {
        count_text(items.len())
    } else {
        items.join(", ")
    }
}

/// A setting instance's own value as short text for a review: an option's label, a number, a
/// quoted text, "secret (unchanged)", "3 items"; children are not included.
pub fn value_text(instance: &Value, defs: &Definitions) -> String {
    let def = instance
        .get("settingDefinitionId")
        .and_then(Value::as_str)
        .and_then(|id| defs.get(id));
    let choice = |v: &Value| {
        let item = v.get("value").and_then(Value::as_str).unwrap_or("");
        def.and_then(|d| d.option(item))
            .map_or_else(|| item.to_string(), |o| o.display_name.clone())
    };
    let Some(kind) = InstanceKind::of(instance) else {
        return "(unknown kind)".into();
    };
    let value = &instance[kind.value_field()];
    let items = || value.as_array().map(Vec::as_slice).unwrap_or_default();
    match kind {
        InstanceKind::Choice => choice(value),
        InstanceKind::Simple => simple_text(value),
        InstanceKind::ChoiceCollection => list_text(items().iter().map(choice).collect()),
        InstanceKind::SimpleCollection => list_text(items().iter().map(simple_text).collect()),
        InstanceKind::Group => "group".into(),
        InstanceKind::GroupCollection => count_text(items().len()),
    }
}

/// The `@odata.type` of a simple value under this rule.
pub(crate) fn simple_value_type(rule: &ValueRule) -> &'static str {
    match rule {
        ValueRule::Integer { .. } => {
            "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue"
        }
        ValueRule::Secret(_) => "#microsoft.graph.deviceManagementConfigurationSecretSettingValue",
        ValueRule::String(_) | ValueRule::None => {
            "#microsoft.graph.deviceManagementConfigurationStringSettingValue"
        }
    }
}

/// A simple value a new instance starts with: the definition's default, or else 0 (moved into
/// the range) or empty text.
fn new_simple_value(def: &Definition) -> Value {
    let odata = simple_value_type(&def.value);
    let mut out = Map::new();
    out.insert("@odata.type".into(), Value::String(odata.into()));
    let default = def
        .default_value
        .as_ref()
        .and_then(|d| d.get("value"))
        .filter(|v| !v.is_null());
    let value = match (&def.value, default) {
        (ValueRule::Integer { .. }, Some(d)) if d.is_i64() => d.clone(),
        (ValueRule::Integer { min, max }, _) => {
            let x = 0i64
                .max(min.unwrap_or(i64::MIN))
                .min(max.unwrap_or(i64::MAX));
            json!(x)
        }
        (ValueRule::Secret(_), _) => {
            out.insert("valueState".into(), json!("notEncrypted"));
            json!("")
        }
        (_, Some(Value::String(s))) => json!(s),
        _ => json!(""),
    };
    out.insert("value".into(), value);
    Value::Object(out)
}

/// The children a new value starts with: the required ones (`dependedOnBy` with `required`)
/// of the chosen option, or of a group (every child of a group that says none is required).
fn new_children(
    def: &Definition,
    option: Option<&str>,
    defs: &Definitions,
    depth: usize,
) -> Vec<Value> {
    let ids: Vec<&str> = match option.and_then(|o| def.option(o)) {
        Some(o) => o
            .depended_on_by
            .iter()
            .filter(|d| d.required)
            .map(|d| d.depended_on_by.as_str())
            .collect(),
        None if def.depended_on_by.is_empty() => def
            .child_ids
            .iter()
            .filter(|c| {
                defs.get(c).is_some_and(|cd| {
                    cd.dependent_on.is_empty()
                        || cd.dependent_on.iter().any(|d| {
                            d.dependent_on.eq_ignore_ascii_case(&def.id)
                                || d.parent_setting_id
                                    .as_deref()
                                    .is_some_and(|p| p.eq_ignore_ascii_case(&def.id))
                        })
                })
            })
            .map(String::as_str)
            .collect(),
        None => def
            .depended_on_by
            .iter()
            .filter(|d| d.required)
            .map(|d| d.depended_on_by.as_str())
            .collect(),
    };
    ids.into_iter()
        .filter_map(|id| defs.get(id))
        .map(|child| build(child, defs, depth + 1))
        .collect()
}

fn new_choice_value(def: &Definition, defs: &Definitions, depth: usize) -> Value {
    let item = def.default_option().map(|o| o.item_id.clone());
    let children = new_children(def, item.as_deref(), defs, depth);
    json!({"value": item, "children": children})
}

fn build(def: &Definition, defs: &Definitions, depth: usize) -> Value {
    let mut out = Map::new();
    // A redirect or an unknown kind has no instance type of its own; the picker never offers
    // one, and a simple instance is what Graph would name in its refusal.
    let kind = def
        .kind
        .instance_odata_type()
        .unwrap_or("#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance");
    out.insert("@odata.type".into(), json!(kind));
    out.insert("settingDefinitionId".into(), json!(def.id));
    if depth > MAX_DEPTH {
        return Value::Object(out);
    }
    let at_least = |n: Option<u64>| n.unwrap_or(0).min(1000) as usize;
    let (field, value) = match def.kind {
        DefinitionKind::Choice => ("choiceSettingValue", new_choice_value(def, defs, depth)),
        DefinitionKind::ChoiceCollection => (
            "choiceSettingCollectionValue",
            Value::Array(
                (0..at_least(def.min_count))
                    .map(|_| new_choice_value(def, defs, depth))
                    .collect(),
            ),
        ),
        DefinitionKind::SimpleCollection => (
            "simpleSettingCollectionValue",
            Value::Array(
                (0..at_least(def.min_count))
                    .map(|_| new_simple_value(def))
                    .collect(),
            ),
        ),
        DefinitionKind::Group => (
            "groupSettingValue",
            json!({"children": new_children(def, None, defs, depth)}),
        ),
        DefinitionKind::GroupCollection => (
            "groupSettingCollectionValue",
            Value::Array(
                (0..at_least(def.min_count).max(1))
                    .map(|_| json!({"children": new_children(def, None, defs, depth)}))
                    .collect(),
            ),
        ),
        DefinitionKind::Simple | DefinitionKind::Redirect | DefinitionKind::Other => {
            ("simpleSettingValue", new_simple_value(def))
        }
    };
    out.insert(field.into(), value);
    Value::Object(out)
}

/// A new instance of a definition, as the picker adds it: the default option (or the first),
/// the default value (or 0 within the range, or empty text), the fewest items a collection
/// needs, and the children the chosen option or the group requires, built the same way.
/// Nesting stops at [`MAX_DEPTH`] (definitions that name each other as children end there).
pub fn new_instance(def: &Definition, defs: &Definitions) -> Value {
    build(def, defs, 0)
}

/// A new entry of a policy's `settings` list: `{"@odata.type": …Setting, "settingInstance":
/// new_instance(def, defs)}`.
pub fn new_setting(def: &Definition, defs: &Definitions) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSetting",
        "settingInstance": new_instance(def, defs),
    })
}
