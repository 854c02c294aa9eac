//! Encrypted OMA settings. Graph returns an item of a list such as `omaSettings` with
//! `isEncrypted: true`, its `secretReferenceValueId` and a masked `value`; the list is always sent
//! whole, so sending it back as loaded would write the mask over the secret. Here: which items
//! are such secrets, which of them still hold Graph's mask, and the body with the values the user
//! revealed (or typed again) in place of the masks. A list whose masks are not all resolved is
//! not sent ([`unresolved`]).

use std::collections::HashMap;

use serde_json::Value;

/// One encrypted item: where its value is and how Graph names the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    /// The list property, e.g. `omaSettings`.
    pub property: String,
    pub index: usize,
    /// `secretReferenceValueId`; empty when Graph gave none.
    pub reference: String,
}

impl Secret {
    /// The JSON path of its value: `omaSettings[2].value`.
    pub fn path(&self) -> String {
        format!("{}[{}].value", self.property, self.index)
    }
}

fn is_encrypted(item: &Value) -> bool {
    item.get("isEncrypted").and_then(Value::as_bool) == Some(true)
}

/// The encrypted items of every top-level list of `object`.
pub fn secrets(object: &Value) -> Vec<Secret> {
    let Some(map) = object.as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (property, v) in map {
        for (index, item) in v.as_array().into_iter().flatten().enumerate() {
            if is_encrypted(item) {
                out.push(Secret {
                    property: property.clone(),
                    index,
                    reference: item
                        .get("secretReferenceValueId")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                });
            }
        }
    }
    out
}

/// The masked value Graph returned for each secret of the loaded object, by reference.
pub fn masks(loaded: &Value) -> HashMap<String, Value> {
    secrets(loaded)
        .into_iter()
        .filter(|s| !s.reference.is_empty())
        .filter_map(|s| {
            let value = loaded.get(&s.property)?.get(s.index)?.get("value")?.clone();
            Some((s.reference, value))
        })
        .collect()
}

/// True when the item at `s` in `object` still holds Graph's mask for its secret (neither
/// revealed into it nor typed again).
fn still_masked(object: &Value, s: &Secret, masks: &HashMap<String, Value>) -> bool {
    let value = object
        .get(&s.property)
        .and_then(|l| l.get(s.index))
        .and_then(|i| i.get("value"));
    match (masks.get(&s.reference), value) {
        (Some(mask), Some(v)) => mask == v,
        // A secret Graph gave no mask for, or whose value is gone: nothing to send for it.
        (_, None) => true,
        (None, Some(_)) => false,
    }
}

/// The secrets of `body` (a PATCH body or an edited object) that would be sent as their mask:
/// neither revealed (`revealed` holds the references the user revealed in this page) nor typed
/// again. Sending such a list would overwrite each of them with the mask.
pub fn unresolved(
    body: &Value,
    masks: &HashMap<String, Value>,
    revealed: &HashMap<String, String>,
) -> Vec<Secret> {
    secrets(body)
        .into_iter()
        .filter(|s| still_masked(body, s, masks) && !revealed.contains_key(&s.reference))
        .collect()
}

/// `body` with each masked secret replaced by the value the user revealed for it. Done at send
/// time only: revealed values never enter the draft, storage or the review's text.
pub fn fill(body: &mut Value, masks: &HashMap<String, Value>, revealed: &HashMap<String, String>) {
    for s in secrets(body) {
        if !still_masked(body, &s, masks) {
            continue;
        }
        if let Some(plain) = revealed.get(&s.reference) {
            if let Some(item) = body
                .get_mut(&s.property)
                .and_then(|l| l.get_mut(s.index))
                .and_then(Value::as_object_mut)
            {
                item.insert("value".into(), Value::String(plain.clone()));
            }
        }
    }
}

/// `draft` as it may be stored: a secret typed again goes back to Graph's mask, so no plain
/// secret is ever written to the browser's storage.
pub fn scrub(draft: &mut Value, masks: &HashMap<String, Value>) {
    for s in secrets(draft) {
        if still_masked(draft, &s, masks) {
            continue;
        }
        if let Some(item) = draft
            .get_mut(&s.property)
            .and_then(|l| l.get_mut(s.index))
            .and_then(Value::as_object_mut)
        {
            match masks.get(&s.reference) {
                Some(mask) => item.insert("value".into(), mask.clone()),
                None => item.remove("value"),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn loaded() -> Value {
        json!({
            "@odata.type": "#microsoft.graph.windows10CustomConfiguration",
            "omaSettings": [
                {"@odata.type": "#microsoft.graph.omaSettingString", "displayName": "plain", "omaUri": "./a", "value": "v"},
                {"@odata.type": "#microsoft.graph.omaSettingString", "displayName": "secret", "omaUri": "./b",
                 "isEncrypted": true, "secretReferenceValueId": "ref-1", "value": "****"}
            ]
        })
    }

    #[test]
    fn a_list_is_sent_only_when_every_secret_is_known() {
        let l = loaded();
        let masks = masks(&l);
        assert_eq!(masks.get("ref-1"), Some(&json!("****")));
        let mut edited = l.clone();
        edited["omaSettings"][0]["value"] = json!("changed");
        let none = HashMap::new();
        let open = unresolved(&edited, &masks, &none);
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].path(), "omaSettings[1].value");

        // Revealed in this page: filled in at send time.
        let revealed = HashMap::from([("ref-1".to_string(), "s3cret".to_string())]);
        assert!(unresolved(&edited, &masks, &revealed).is_empty());
        let mut body = edited.clone();
        fill(&mut body, &masks, &revealed);
        assert_eq!(body["omaSettings"][1]["value"], json!("s3cret"));
        assert_eq!(body["omaSettings"][0]["value"], json!("changed"));

        // Typed again: sent as typed, and never stored in clear.
        let mut typed = edited.clone();
        typed["omaSettings"][1]["value"] = json!("new secret");
        assert!(unresolved(&typed, &masks, &none).is_empty());
        let mut body = typed.clone();
        fill(&mut body, &masks, &revealed);
        assert_eq!(body["omaSettings"][1]["value"], json!("new secret"));
        let mut stored = typed.clone();
        scrub(&mut stored, &masks);
        assert_eq!(stored["omaSettings"][1]["value"], json!("****"));
        assert_eq!(stored["omaSettings"][0]["value"], json!("changed"));

        // A new encrypted item with no mask yet: its typed value is dropped from storage.
        let mut added = typed.clone();
        added["omaSettings"]
            .as_array_mut()
            .unwrap()
            .push(json!({"displayName": "n", "omaUri": "./c", "isEncrypted": true, "value": "x"}));
        let mut stored = added.clone();
        scrub(&mut stored, &masks);
        assert!(stored["omaSettings"][2].get("value").is_none());
        assert!(secrets(&json!("x")).is_empty());
    }
}
