//! The setting-level diff a review shows: which settings a new version of a policy adds,
//! removes and changes, by name and value, with nested children's changes inside.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::instance::{value_text, InstanceKind};
use super::{key, Definitions, MAX_DEPTH};
use crate::path::FieldPath;

/// What happened to a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One setting's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingChange {
    pub kind: ChangeKind,
    pub definition_id: String,
    /// The definition's display name, or the id when the definition is not loaded.
    pub name: String,
    /// The instance's path: in the new version, or in the old one for a removed setting.
    pub path: FieldPath,
    /// The old value as short text ([`value_text`]); `None` for an added setting.
    pub before: Option<String>,
    /// The new value as short text; `None` for a removed setting.
    pub after: Option<String>,
    /// Changes of the setting's children.
    pub children: Vec<SettingChange>,
}

/// The settings of a policy, or a bare list of them, with their instances and paths.
fn instances(v: &Value) -> Vec<(FieldPath, &Value)> {
    let (base, items) = match v {
        Value::Array(items) => (FieldPath::root(), items),
        _ => match v.get("settings").and_then(Value::as_array) {
            Some(items) => (FieldPath::root().prop("settings"), items),
            None => return Vec::new(),
        },
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let inst = s.get("settingInstance")?;
            Some((base.index(i).prop("settingInstance"), inst))
        })
        .collect()
}

/// The setting-level changes from `before` to `after` (each a policy or its `settings` list):
/// top-level settings matched by definition id, added and changed ones in the new order, then
/// removed ones in the old order.
pub fn diff_settings(before: &Value, after: &Value, defs: &Definitions) -> Vec<SettingChange> {
    diff_lists(&instances(before), &instances(after), defs, 0)
}

fn definition_id(inst: &Value) -> &str {
    inst.get("settingDefinitionId")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn display_name(id: &str, defs: &Definitions) -> String {
    defs.get(id)
        .map_or_else(|| id.to_string(), |d| d.display_name.clone())
}

fn whole(kind: ChangeKind, path: FieldPath, inst: &Value, defs: &Definitions) -> SettingChange {
    let id = definition_id(inst);
    let text = Some(value_text(inst, defs));
    let (before, after) = match kind {
        ChangeKind::Removed => (text, None),
        _ => (None, text),
    };
    SettingChange {
        kind,
        definition_id: id.to_string(),
        name: display_name(id, defs),
        path,
        before,
        after,
        children: Vec::new(),
    }
}

fn diff_lists(
    before: &[(FieldPath, &Value)],
    after: &[(FieldPath, &Value)],
    defs: &Definitions,
    depth: usize,
) -> Vec<SettingChange> {
    let mut unmatched: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (_, inst)) in before.iter().enumerate().rev() {
        unmatched
            .entry(key(definition_id(inst)))
            .or_default()
            .push(i);
    }
    let mut matched = vec![false; before.len()];
    let mut out = Vec::new();
    for (path, inst) in after {
        let old = unmatched
            .get_mut(&key(definition_id(inst)))
            .and_then(Vec::pop);
        match old {
            Some(j) => {
                matched[j] = true;
                if let Some(c) = diff_instance(&before[j], (path, inst), defs, depth) {
                    out.push(c);
                }
            }
            None => out.push(whole(ChangeKind::Added, path.clone(), inst, defs)),
        }
    }
    for (j, (path, inst)) in before.iter().enumerate() {
        if !matched[j] {
            out.push(whole(ChangeKind::Removed, path.clone(), inst, defs));
        }
    }
    out
}

/// The instance's own value, children left out, for comparing.
fn own_value(inst: &Value) -> Value {
    let Some(kind) = InstanceKind::of(inst) else {
        return inst.clone();
    };
    let v = &inst[kind.value_field()];
    let simple = |v: &Value| Value::Array(vec![v["value"].clone(), v["valueState"].clone()]);
    match kind {
        InstanceKind::Choice => v["value"].clone(),
        InstanceKind::Simple => simple(v),
        InstanceKind::ChoiceCollection => Value::Array(
            v.as_array()
                .into_iter()
                .flatten()
                .map(|c| c["value"].clone())
                .collect(),
        ),
        InstanceKind::SimpleCollection => {
            Value::Array(v.as_array().into_iter().flatten().map(simple).collect())
        }
        InstanceKind::Group => Value::Null,
        InstanceKind::GroupCollection => v.as_array().map_or(0, Vec::len).into(),
    }
}

/// The child lists of an instance with their paths: one for a choice or a group, one per item
/// of a collection.
fn child_lists<'v>(inst: &'v Value, path: &FieldPath) -> Vec<Vec<(FieldPath, &'v Value)>> {
    let Some(kind) = InstanceKind::of(inst) else {
        return Vec::new();
    };
    let field = kind.value_field();
    let list = |v: &'v Value, at: FieldPath| -> Vec<(FieldPath, &'v Value)> {
        let at = at.prop("children");
        v.get("children")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, c)| (at.index(i), c))
            .collect()
    };
    let at = path.prop(field);
    match kind {
        InstanceKind::Choice | InstanceKind::Group => vec![list(&inst[field], at)],
        InstanceKind::ChoiceCollection | InstanceKind::GroupCollection => inst[field]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, item)| list(item, at.index(i)))
            .collect(),
        InstanceKind::Simple | InstanceKind::SimpleCollection => Vec::new(),
    }
}

/// The change of one setting present in both versions (each with its path), if any.
fn diff_instance(
    (before_path, before): &(FieldPath, &Value),
    (path, after): (&FieldPath, &Value),
    defs: &Definitions,
    depth: usize,
) -> Option<SettingChange> {
    let mut children = Vec::new();
    if depth < MAX_DEPTH {
        let old = child_lists(before, before_path);
        let new = child_lists(after, path);
        let empty = Vec::new();
        for i in 0..old.len().max(new.len()) {
            let (o, n) = (old.get(i).unwrap_or(&empty), new.get(i).unwrap_or(&empty));
            children.extend(diff_lists(o, n, defs, depth + 1));
        }
    }
    let kind_changed = InstanceKind::of(before) != InstanceKind::of(after);
    if children.is_empty() && !kind_changed && own_value(before) == own_value(after) {
        return None;
    }
    let id = definition_id(after);
    Some(SettingChange {
        kind: ChangeKind::Changed,
        definition_id: id.to_string(),
        name: display_name(id, defs),
        path: path.clone(),
        before: Some(value_text(before, defs)),
        after: Some(value_text(after, defs)),
        children,
    })
}
