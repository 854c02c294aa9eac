//! The settings the settings editor module edits, as the document keeps them: a settings
//! catalog policy's typed secrets left out of what is stored, and an intent's changed settings
//! put on top of someone else's (a rebase after a conflict).

use serde_json::Value;

/// Empties every secret value of a settings catalog policy that is in clear (`valueState`
/// `notEncrypted`); Graph's `encryptedValueToken`s stay as they are.
pub fn scrub_typed_secrets(v: &mut Value, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        Value::Object(map) => {
            let typed = map
                .get("@odata.type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.ends_with("SecretSettingValue"))
                && map.get("valueState").and_then(Value::as_str) == Some("notEncrypted");
            if typed {
                map.insert("value".into(), Value::String(String::new()));
            }
            map.values_mut()
                .for_each(|inner| scrub_typed_secrets(inner, depth + 1));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|inner| scrub_typed_secrets(inner, depth + 1)),
        _ => {}
    }
}

/// An intent's settings as `current` holds them, with each setting the draft changed since
/// `loaded` (matched by `definitionId`, without regard to case) as `draft` has it: mine on top
/// of theirs.
pub fn rebased_settings(current: &Value, loaded: &Value, draft: &Value) -> Value {
    let list = |v: &Value| v["settings"].as_array().cloned().unwrap_or_default();
    let id = |s: &Value| s["definitionId"].as_str().map(str::to_ascii_lowercase);
    let (mut out, before) = (list(current), list(loaded));
    for mine in list(draft) {
        let k = id(&mine);
        if before
            .iter()
            .any(|b| id(b) == k && policy_core::patch::json_eq(b, &mine))
        {
            continue;
        }
        match out.iter_mut().find(|s| id(s) == k) {
            Some(slot) => *slot = mine,
            None => out.push(mine),
        }
    }
    Value::Array(out)
}
