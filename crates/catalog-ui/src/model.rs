//! The edits the settings editor makes, on plain JSON and definitions (no browser): a value
//! set at a pointer, a new option with its children, new collection items and group entries,
//! a setting added from the catalog with the definitions it needs, problems grouped by
//! setting, and the review's rows.

use std::collections::HashSet;

use policy_core::settings::{
    diff_settings, new_instance, ChangeKind, Definition, Definitions, SettingChange, ValueRule,
};
use policy_core::Problem;
use serde_json::{json, Value};

/// `setting` with `value` at the JSON pointer `pointer` (which must exist, but for its last
/// step); unchanged when it does not.
pub fn set_at(setting: &Value, pointer: &str, value: Value) -> Value {
    let mut out = setting.clone();
    let (parent, last) = match pointer.rfind('/') {
        Some(i) => (&pointer[..i], &pointer[i + 1..]),
        None => return out,
    };
    match out.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(last.to_string(), value);
        }
        Some(Value::Array(items)) => {
            if let Some(slot) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *slot = value;
            }
        }
        _ => {}
    }
    out
}

/// `setting` with the array at `pointer` changed by `f`.
pub fn edit_list(setting: &Value, pointer: &str, f: impl FnOnce(&mut Vec<Value>)) -> Value {
    let mut out = setting.clone();
    if let Some(Value::Array(items)) = out.pointer_mut(pointer) {
        f(items);
    }
    out
}

/// The `choiceSettingValue` after choosing `item_id`: the option's children, each new (the
/// required ones as `new_instance` builds them, then the option's other children), keeping a
/// child the old value already had for the same definition.
pub fn choose(def: &Definition, defs: &Definitions, item_id: &str, old: &Value) -> Value {
    let mut chosen = def.clone();
    chosen.default_option_id = Some(item_id.to_string());
    let mut value = new_instance(&chosen, defs)
        .get("choiceSettingValue")
        .cloned()
        .unwrap_or_else(|| json!({"children": []}));
    value["value"] = json!(item_id);
    let old_children = old
        .get("children")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let id_of = |v: &Value| {
        v.get("settingDefinitionId")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
    };
    let mut children: Vec<Value> = value["children"].as_array().cloned().unwrap_or_default();
    let mut have: HashSet<String> = children.iter().filter_map(id_of).collect();
    if let Some(option) = def.option(item_id) {
        for d in &option.depended_on_by {
            if have.insert(d.depended_on_by.to_ascii_lowercase()) {
                if let Some(child) = defs.get(&d.depended_on_by) {
                    children.push(new_instance(child, defs));
                }
            }
        }
    }
    for child in children.iter_mut() {
        let id = id_of(child);
        if let Some(kept) = old_children.iter().find(|o| id_of(o) == id && id.is_some()) {
            *child = kept.clone();
        }
    }
    // Whatever else the old value carried (a template reference) stays.
    let mut out = match old {
        Value::Object(map) => Value::Object(map.clone()),
        _ => json!({}),
    };
    out["value"] = json!(item_id);
    out["children"] = Value::Array(children);
    out
}

/// The value to put in place when `item_id` is chosen: the value as loaded when it had that
/// option (its children as they were), else [`choose`]'s.
pub fn choose_or_restore(
    def: &Definition,
    defs: &Definitions,
    item_id: &str,
    old: &Value,
    loaded: Option<&Value>,
) -> Value {
    match loaded {
        Some(l) if l.get("value").and_then(Value::as_str) == Some(item_id) => l.clone(),
        _ => choose(def, defs, item_id, old),
    }
}

/// The `@odata.type` of a simple value of `def`.
pub fn simple_type(def: &Definition) -> &'static str {
    match def.value {
        ValueRule::Integer { .. } => {
            "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue"
        }
        ValueRule::Secret(_) => "#microsoft.graph.deviceManagementConfigurationSecretSettingValue",
        _ => "#microsoft.graph.deviceManagementConfigurationStringSettingValue",
    }
}

/// A new item of a simple collection of `def`: empty text, or the range's nearest to 0.
pub fn new_simple_item(def: &Definition) -> Value {
    let value = match def.value {
        ValueRule::Integer { min, max } => {
            json!(0i64
                .max(min.unwrap_or(i64::MIN))
                .min(max.unwrap_or(i64::MAX)))
        }
        _ => json!(""),
    };
    json!({"@odata.type": simple_type(def), "value": value})
}

/// A new item of a choice collection: its default option (or the first) and that option's
/// children.
pub fn new_choice_item(def: &Definition, defs: &Definitions) -> Value {
    let item = def
        .default_option()
        .or_else(|| def.options.first())
        .map(|o| o.item_id.clone())
        .unwrap_or_default();
    choose(def, defs, &item, &Value::Null)
}

/// A new entry of a group collection: the group's children as a new instance has them.
pub fn new_group_item(def: &Definition, defs: &Definitions) -> Value {
    let mut one = def.clone();
    one.min_count = Some(1);
    new_instance(&one, defs)
        .get("groupSettingCollectionValue")
        .and_then(|v| v.get(0))
        .cloned()
        .unwrap_or_else(|| json!({"children": []}))
}

/// A new entry of a policy's `settings` for the definition `id` of `catalog`, and the raw
/// definitions it uses (itself and every child it may have, for the policy's cache).
pub fn add_setting(catalog: &Definitions, id: &str) -> Option<(Value, Vec<Value>)> {
    let def = catalog.get(id)?;
    let setting = json!({
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSetting",
        "settingInstance": new_instance(def, catalog),
    });
    Some((setting, related(catalog, def)))
}

/// The raw JSON of `def` and of every definition below it (children, options' children),
/// each once.
pub fn related(defs: &Definitions, def: &Definition) -> Vec<Value> {
    let mut seen = HashSet::new();
    let mut todo = vec![def];
    let mut out = Vec::new();
    while let Some(d) = todo.pop() {
        if !seen.insert(d.id.to_ascii_lowercase()) || out.len() > 2000 {
            continue;
        }
        out.push(d.raw.clone());
        let children = d
            .child_ids
            .iter()
            .map(String::as_str)
            .chain(d.depended_on_by.iter().map(|x| x.depended_on_by.as_str()))
            .chain(
                d.options
                    .iter()
                    .flat_map(|o| o.depended_on_by.iter().map(|x| x.depended_on_by.as_str())),
            );
        todo.extend(children.filter_map(|c| defs.get(c)));
    }
    out
}

/// The index of the top-level setting a problem's path is under (`settings[3]…` → 3).
pub fn setting_index(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("settings[")?;
    rest[..rest.find(']')?].parse().ok()
}

/// Problems grouped by the top-level setting they are under; those under none come last.
pub fn group_problems(problems: &[Problem], settings: usize) -> (Vec<Vec<Problem>>, Vec<Problem>) {
    let mut by = vec![Vec::new(); settings];
    let mut rest = Vec::new();
    for p in problems {
        match setting_index(p.path.as_str()).and_then(|i| by.get_mut(i)) {
            Some(list) => list.push(p.clone()),
            None => rest.push(p.clone()),
        }
    }
    (by, rest)
}

/// The review's rows: one per changed setting, its children's changes after it with the
/// parent's name in front.
pub fn review_rows(before: &Value, after: &Value, defs: &Definitions) -> Value {
    fn push(out: &mut Vec<Value>, c: &SettingChange, prefix: &str) {
        let name = if prefix.is_empty() {
            c.name.clone()
        } else {
            format!("{prefix} › {}", c.name)
        };
        out.push(json!({
            "kind": match c.kind {
                ChangeKind::Added => "added",
                ChangeKind::Removed => "removed",
                ChangeKind::Changed => "changed",
            },
            "id": c.definition_id,
            "name": name,
            "before": c.before,
            "after": c.after,
            "path": c.path.as_str(),
        }));
        for child in &c.children {
            push(out, child, &name);
        }
    }
    let mut out = Vec::new();
    for c in diff_settings(before, after, defs) {
        push(&mut out, &c, "");
    }
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs() -> Definitions {
        let mut d = Definitions::default();
        d.add_graph_json(&json!([
            {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingDefinition",
                "id": "x_mode", "name": "Mode", "displayName": "Mode",
                "defaultOptionId": "x_mode_0",
                "options": [
                    {"itemId": "x_mode_0", "displayName": "Off", "dependedOnBy": []},
                    {"itemId": "x_mode_1", "displayName": "On", "dependedOnBy": [
                        {"dependedOnBy": "x_mode_level", "required": true},
                        {"dependedOnBy": "x_mode_note", "required": false}
                    ]}
                ]
            },
            {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingDefinition",
                "id": "x_mode_level", "name": "Level", "displayName": "Level",
                "valueDefinition": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValueDefinition", "minimumValue": 1, "maximumValue": 5},
                "dependentOn": [{"dependentOn": "x_mode_1", "parentSettingId": "x_mode"}]
            },
            {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingDefinition",
                "id": "x_mode_note", "name": "Note", "displayName": "Note",
                "valueDefinition": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationStringSettingValueDefinition", "maximumLength": 10},
                "dependentOn": [{"dependentOn": "x_mode_1", "parentSettingId": "x_mode"}]
            }
        ]))
        .unwrap();
        d
    }

    #[test]
    fn choosing_an_option_brings_its_children_and_keeps_their_values() {
        let d = defs();
        let def = d.get("x_mode").unwrap();
        let on = choose(
            def,
            &d,
            "x_mode_1",
            &json!({"value": "x_mode_0", "children": []}),
        );
        assert_eq!(on["value"], "x_mode_1");
        let ids: Vec<&str> = on["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["settingDefinitionId"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["x_mode_level", "x_mode_note"]);
        // The level starts inside its range.
        assert_eq!(on["children"][0]["simpleSettingValue"]["value"], 1);
        let mut edited = on.clone();
        edited["children"][0]["simpleSettingValue"]["value"] = json!(4);
        let again = choose(def, &d, "x_mode_1", &edited);
        assert_eq!(again["children"][0]["simpleSettingValue"]["value"], 4);
        let off = choose(def, &d, "x_mode_0", &edited);
        assert_eq!(off["children"], json!([]));
    }

    #[test]
    fn values_are_set_at_their_pointer_and_lists_edited_in_place() {
        let s = json!({"settingInstance": {"simpleSettingCollectionValue": [{"value": "a"}]}});
        let t = set_at(
            &s,
            "/settingInstance/simpleSettingCollectionValue/0/value",
            json!("b"),
        );
        assert_eq!(
            t["settingInstance"]["simpleSettingCollectionValue"][0]["value"],
            "b"
        );
        let u = edit_list(&t, "/settingInstance/simpleSettingCollectionValue", |l| {
            l.push(json!({"value": "c"}))
        });
        assert_eq!(
            u["settingInstance"]["simpleSettingCollectionValue"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        // A pointer that does not exist changes nothing.
        assert_eq!(set_at(&s, "/nothing/here", json!(1)), s);
    }

    #[test]
    fn an_added_setting_is_valid_and_carries_its_definitions() {
        let d = defs();
        let (setting, raw) = add_setting(&d, "x_mode").unwrap();
        assert_eq!(setting["settingInstance"]["settingDefinitionId"], "x_mode");
        assert_eq!(raw.len(), 3);
        let policy = json!({"settings": [setting]});
        let problems = policy_core::settings::validate_policy(&policy, &d, None);
        assert!(problems.iter().all(|p| !p.is_error()), "{problems:?}");
        assert_eq!(setting_index("settings[12].settingInstance"), Some(12));
        assert_eq!(setting_index("name"), None);
    }
}
