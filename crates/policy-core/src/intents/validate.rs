//! Validation of an intent's `settings` against intent setting definitions: every problem at
//! its JSON path (`settings[i].definitionId`, `settings[i].valueJson`, `settings[i].value`,
//! `settings[i].@odata.type`) with a stable [`Code`], as [`crate::validate()`] does for the
//! intent's own properties.

use std::collections::HashMap;

use serde_json::Value;

use super::definition::int;
use super::{
    key, InstanceType, IntentConstraint, IntentDefinition, IntentDefinitions, IntentValueType,
};
use crate::code::Code;
use crate::edm::truncate;
use crate::path::{FieldPath, PathNode};
use crate::settings::name_for_message;
use crate::validate::{Collector, Problem, Severity};

/// At most this many problems are reported for the items of one collection; the rest of its
/// items are not checked.
const MAX_ITEM_PROBLEMS: usize = 10;

/// Validates an intent's `settings` (the intent as Graph returns it, or a bare `settings`
/// array) against `defs`. Paths start at `settings[i]` (`[i]` for a bare array). The intent's
/// own properties are [`crate::validate()`]'s.
///
/// Checked: each setting is an object with a `definitionId` of a known definition, set once;
/// its `@odata.type` is the kind its definition's `valueType` says; its `valueJson` is JSON
/// text of that kind and agrees with its `value`; and the value keeps the definition's
/// integer, length, pattern, enum, boolean and collection constraints (a collection's items
/// too, by its element definition). A value of `null` is a setting not configured: only its
/// JSON is judged. Other constraints and `dependencies` are not judged.
pub fn validate_intent(intent: &Value, defs: &IntentDefinitions) -> Vec<Problem> {
    let mut w = Walker {
        defs,
        problems: Collector::default(),
        reported: 0,
    };
    let root = FieldPath::root();
    let root_node = PathNode::Root(&root);
    let settings_node = PathNode::Prop(&root_node, "settings");
    let (node, settings) = match crate::settings::settings_to_check(intent, &mut w.problems) {
        Some((true, items)) => (root_node, items),
        Some((false, items)) => (settings_node, items),
        None => return w.problems.finish(),
    };
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, setting) in settings.iter().enumerate() {
        let item = PathNode::Index(&node, i);
        w.setting(&item, setting, i, &mut first);
    }
    w.problems.finish()
}

/// Where a value was read from: `valueJson` (parsed) or `value`.
struct Source<'n> {
    node: &'n PathNode<'n>,
    field: &'static str,
}

struct Walker<'a> {
    defs: &'a IntentDefinitions,
    problems: Collector,
    /// Problems pushed so far (kept or not).
    reported: usize,
}

impl<'a> Walker<'a> {
    fn push(&mut self, node: &PathNode, code: Code, severity: Severity, message: String) {
        self.reported += 1;
        self.problems.push(node, code, severity, message)
    }

    fn error(&mut self, node: &PathNode, code: Code, message: String) {
        self.push(node, code, Severity::Error, message);
    }

    /// A setting's name for a message: its label and id, or the id alone when unknown.
    fn name(&self, id: &str) -> String {
        let def = self.defs.get(id);
        name_for_message(def.map(|d| (d.display_name.as_str(), d.id.as_str())), id)
    }

    fn setting(
        &mut self,
        node: &PathNode,
        setting: &Value,
        i: usize,
        first: &mut HashMap<String, usize>,
    ) {
        let Some(map) = setting.as_object() else {
            self.error(
                node,
                Code::NotObject,
                "Expected a setting instance (a JSON object).".into(),
            );
            return;
        };
        let id_node = PathNode::Prop(node, "definitionId");
        let type_node = PathNode::Prop(node, "@odata.type");
        let json_node = PathNode::Prop(node, "valueJson");
        let value_node = PathNode::Prop(node, "value");

        // The definition.
        let id = match map.get("definitionId") {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.as_str()),
            None | Some(Value::Null) | Some(Value::String(_)) => {
                self.error(
                    &id_node,
                    Code::MissingValue,
                    "A setting instance needs its \"definitionId\".".into(),
                );
                None
            }
            Some(_) => {
                self.error(
                    &id_node,
                    Code::WrongType,
                    "\"definitionId\" is the id of a setting definition, as text.".into(),
                );
                None
            }
        };
        let def = id.and_then(|id| {
            match first.get(&key(id)) {
                Some(&j) => self.error(
                    &id_node,
                    Code::DuplicateSetting,
                    format!(
                        "{} is already set by settings[{j}]; an intent sets each setting once.",
                        self.name(id)
                    ),
                ),
                None => {
                    first.insert(key(id), i);
                }
            }
            let def = self.defs.get(id);
            if def.is_none() {
                self.error(
                    &id_node,
                    Code::UnknownSetting,
                    format!(
                        "{:?} is not a known intent setting definition.",
                        truncate(id, 200)
                    ),
                );
            }
            def
        });

        // The instance's kind.
        let instance = match map.get("@odata.type") {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) => match InstanceType::of(t) {
                InstanceType::Typed(k) => Some(k),
                InstanceType::Base => None,
                InstanceType::Foreign => {
                    self.error(
                        &type_node,
                        Code::IncompatibleType,
                        format!(
                            "{} is not an intent setting instance (deviceManagementBooleanSettingInstance, …IntegerSettingInstance, …).",
                            truncate(t.trim_start_matches('#'), 120)
                        ),
                    );
                    return;
                }
            },
            Some(_) => {
                self.error(
                    &type_node,
                    Code::WrongType,
                    "\"@odata.type\" names a type, as text.".into(),
                );
                return;
            }
        };
        let mut judge = def;
        let mut mismatch = false;
        if let (Some(d), Some(k)) = (def, instance) {
            if d.value_type != IntentValueType::Unknown && d.value_type != k {
                let want = d
                    .value_type
                    .instance_odata_type()
                    .unwrap_or("")
                    .trim_start_matches('#');
                self.error(
                    &type_node,
                    Code::SettingKindMismatch,
                    format!(
                        "{} is a {} setting: an instance of type {want}.",
                        self.name(&d.id),
                        d.value_type.as_str()
                    ),
                );
                judge = None;
                mismatch = true;
            }
        }
        // The kind the value must be: the definition's, else the instance's; none when the two
        // disagree (said above, once).
        let kind = if mismatch {
            IntentValueType::Unknown
        } else {
            def.map(|d| d.value_type)
                .filter(|k| *k != IntentValueType::Unknown)
                .or(instance)
                .unwrap_or(IntentValueType::Unknown)
        };
        // Whether `value` is the typed value (the others' `value` is a relationship).
        let typed_value = instance.map_or(
            kind.has_value_property() || kind == IntentValueType::Unknown,
            |k| k.has_value_property(),
        );

        // `valueJson`: JSON text.
        let mut json_ok = true;
        let from_json = match map.get("valueJson") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(v) => Some(v),
                Err(e) => {
                    json_ok = false;
                    self.error(
                        &json_node,
                        Code::InvalidValueJson,
                        format!(
                            "\"valueJson\" holds the value as JSON text, and this is not JSON: {}.",
                            truncate(&e.to_string(), 160)
                        ),
                    );
                    None
                }
            },
            Some(_) => {
                json_ok = false;
                self.error(
                    &json_node,
                    Code::WrongType,
                    "\"valueJson\" holds the value as JSON text (a string such as \"true\", \"5\" or \"\\\"text\\\"\").".into(),
                );
                None
            }
        };
        let value = if typed_value { map.get("value") } else { None };
        if let Some(v) = value {
            if !v.is_null() && !self.kind_fits(&value_node, v, kind, "value", None) {
                return;
            }
            if let Some(j) = &from_json {
                if !same(j, v) {
                    self.error(
                        &value_node,
                        Code::ValueMismatch,
                        format!(
                            "\"value\" ({}) and \"valueJson\" ({}) differ; send one value in both.",
                            short(v),
                            short(j)
                        ),
                    );
                }
            }
        }
        if !json_ok {
            return;
        }
        if map.get("valueJson").is_none() && value.is_none() {
            self.push(
                &json_node,
                Code::MissingValue,
                Severity::Warning,
                "The setting has neither \"valueJson\" nor \"value\": it sets nothing.".into(),
            );
            return;
        }
        let has_json = matches!(map.get("valueJson"), Some(Value::String(_)));
        let (v, source) = match (&from_json, value) {
            (Some(j), _) => (
                j,
                Source {
                    node: &json_node,
                    field: "valueJson",
                },
            ),
            (None, Some(v)) if !has_json => (
                v,
                Source {
                    node: &value_node,
                    field: "value",
                },
            ),
            _ => return,
        };
        // `null`: not configured.
        if v.is_null() {
            return;
        }
        if source.field == "valueJson" && !self.kind_fits(source.node, v, kind, "valueJson", None) {
            return;
        }
        if let Some(d) = judge {
            self.constraints(&source, v, d, &id_node);
        }
    }

    /// Whether `v` is of the `kind`; reported at `node` when not. `item` numbers a
    /// collection's item in the message.
    fn kind_fits(
        &mut self,
        node: &PathNode,
        v: &Value,
        kind: IntentValueType,
        field: &str,
        item: Option<usize>,
    ) -> bool {
        let fits = match kind {
            IntentValueType::Integer => match v {
                Value::Number(n) => {
                    if int(v).is_none() {
                        self.error(
                            node,
                            Code::NotInteger,
                            format!("{}Expected a whole number, found {n}.", at(item)),
                        );
                        return false;
                    }
                    let x = int(v).unwrap_or(0);
                    if i32::try_from(x).is_err() {
                        self.error(
                            node,
                            Code::OutOfRange,
                            format!(
                                "{}{x} is out of range: an integer setting holds a 32-bit whole number.",
                                at(item)
                            ),
                        );
                        return false;
                    }
                    true
                }
                _ => false,
            },
            IntentValueType::Boolean => v.is_boolean(),
            IntentValueType::String => v.is_string(),
            IntentValueType::Collection => v.is_array(),
            IntentValueType::Complex | IntentValueType::AbstractComplex => v.is_object(),
            IntentValueType::Unknown => true,
        };
        if !fits {
            let what = match field {
                "valueJson" => format!(
                    "\"valueJson\" must hold {} as JSON; it holds {}.",
                    kind.describe(),
                    json_kind(v)
                ),
                _ => format!(
                    "{}Expected {}; found {}.",
                    at(item),
                    kind.describe(),
                    json_kind(v)
                ),
            };
            self.error(node, Code::WrongType, what);
        }
        fits
    }

    /// The definition's constraints on a value of the right kind.
    fn constraints(
        &mut self,
        source: &Source,
        v: &Value,
        def: &IntentDefinition,
        id_node: &PathNode,
    ) {
        let mut bad_pattern = false;
        for c in &def.constraints {
            if let IntentConstraint::Collection { min, max } = c {
                if let Some(items) = v.as_array() {
                    let n = items.len() as u64;
                    if let Some(min) = min.filter(|&m| n < m) {
                        self.error(
                            source.node,
                            Code::TooFewItems,
                            format!("At least {min} items are needed; there are {n}."),
                        );
                    }
                    if let Some(max) = max.filter(|&m| n > m) {
                        self.error(
                            source.node,
                            Code::TooManyItems,
                            format!("At most {max} items are allowed; there are {n}."),
                        );
                    }
                }
            }
        }
        match v.as_array() {
            Some(items) => {
                // A list's items: by the element definition's kind and rules, and by the list
                // definition's own rules on single values.
                let element = def
                    .element_definition_id
                    .as_deref()
                    .and_then(|id| self.defs.get(id))
                    .filter(|e| !e.id.eq_ignore_ascii_case(&def.id));
                let element_kind = element
                    .map(|e| e.value_type)
                    .filter(|k| k.has_value_property())
                    .unwrap_or(IntentValueType::Unknown);
                let before = self.reported;
                for (k, item) in items.iter().enumerate() {
                    if self.reported - before >= MAX_ITEM_PROBLEMS {
                        break;
                    }
                    if item.is_null()
                        || !self.kind_fits(source.node, item, element_kind, "item", Some(k))
                    {
                        continue;
                    }
                    for d in element.into_iter().chain(Some(def)) {
                        bad_pattern |= self.scalar(source, item, d, Some(k));
                    }
                }
            }
            None => bad_pattern = self.scalar(source, v, def, None),
        }
        if bad_pattern {
            for c in &def.constraints {
                if let IntentConstraint::Regex(r) = c {
                    if let Some(e) = r.error() {
                        self.push(
                            id_node,
                            Code::InvalidPattern,
                            Severity::Warning,
                            format!(
                                "The pattern of {} cannot be used, so values are not matched against it: {}",
                                self.name(&def.id),
                                truncate(e, 160)
                            ),
                        );
                        break;
                    }
                }
            }
        }
    }

    /// A single value (or a list's item) against the integer, length, pattern, enum and
    /// boolean constraints of `def`; returns whether a pattern could not be used.
    fn scalar(
        &mut self,
        source: &Source,
        v: &Value,
        def: &IntentDefinition,
        item: Option<usize>,
    ) -> bool {
        let node = source.node;
        let mut bad_pattern = false;
        for c in &def.constraints {
            match (c, v) {
                (IntentConstraint::Integer { min, max }, Value::Number(_)) => {
                    let Some(x) = int(v) else { continue };
                    if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) {
                        self.error(
                            node,
                            Code::OutOfRange,
                            format!(
                                "{}{x} is out of range: expected a whole number{}.",
                                at(item),
                                range(*min, *max)
                            ),
                        );
                    }
                }
                (IntentConstraint::StringLength { min, max }, Value::String(s)) => {
                    let len = s.chars().count() as u64;
                    if let Some(min) = min.filter(|&m| len < m) {
                        self.error(
                            node,
                            Code::TooShort,
                            format!(
                                "{}At least {min} characters are needed; this has {len}.",
                                at(item)
                            ),
                        );
                    }
                    if let Some(max) = max.filter(|&m| len > m) {
                        self.error(
                            node,
                            Code::TooLong,
                            format!(
                                "{}At most {max} characters are allowed; this has {len}.",
                                at(item)
                            ),
                        );
                    }
                }
                // Empty text is judged by its length alone.
                (IntentConstraint::Regex(r), Value::String(s)) if !s.is_empty() => {
                    match r.is_match(s) {
                        Some(true) => {}
                        Some(false) => self.error(
                            node,
                            Code::PatternMismatch,
                            format!(
                                "{}The text does not match the pattern {}.",
                                at(item),
                                truncate(&r.pattern, 120)
                            ),
                        ),
                        None => bad_pattern = true,
                    }
                }
                (IntentConstraint::Enum(values), Value::String(_) | Value::Number(_))
                    if !values.is_empty() =>
                {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    if !values.iter().any(|e| e.value.eq_ignore_ascii_case(&text)) {
                        let names: Vec<&str> =
                            values.iter().take(12).map(|e| e.value.as_str()).collect();
                        let more = if values.len() > 12 { ", …" } else { "" };
                        self.error(
                            node,
                            Code::InvalidOption,
                            format!(
                                "{}{:?} is not one of the values of {}: {}{more}.",
                                at(item),
                                truncate(&text, 200),
                                self.name(&def.id),
                                names.join(", ")
                            ),
                        );
                    }
                }
                (IntentConstraint::Boolean(want), Value::Bool(b)) if b != want => {
                    self.error(
                        node,
                        Code::InvalidOption,
                        format!("{}{} may only be {want}.", at(item), self.name(&def.id)),
                    );
                }
                _ => {}
            }
        }
        bad_pattern
    }
}

/// "Item 3: " for a collection's item, nothing for a single value.
fn at(item: Option<usize>) -> String {
    item.map(|k| format!("Item {k}: ")).unwrap_or_default()
}

fn range(min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!(" from {a} to {b}"),
        (Some(a), None) => format!(" of at least {a}"),
        (None, Some(b)) => format!(" of at most {b}"),
        (None, None) => String::new(),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A value for a message, short.
fn short(v: &Value) -> String {
    match v {
        Value::Array(a) => format!("a list of {}", a.len()),
        Value::Object(_) => "an object".into(),
        other => truncate(&other.to_string(), 60),
    }
}

/// The same value: numbers by their value (`5` and `5.0`), anything else as JSON compares.
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        _ => a == b,
    }
}
