//! Encrypted OMA settings, kept as Graph keeps them, so that the editor can be tested against
//! the one way it could destroy a secret: sending the mask back.
//!
//! An item of `omaSettings` with `isEncrypted: true` is stored with its plain `value` and a
//! `secretReferenceValueId` (`<objectId>_<index>_<random>`, the same for as long as the secret
//! is). Every Graph answer (object GET, list, `$select`, a PATCH's answer) shows it with `value`
//! replaced by [`OMA_MASK`]; the bound function
//! `deviceConfigurations/{id}/getOmaSettingPlainTextValue(secretReferenceValueId='{ref}')`
//! reveals it to a token that may write.
//!
//! A PATCH sends `omaSettings` whole. For each encrypted item: a `value` (any, the mask
//! included) becomes the new secret with a new reference, which is exactly the hazard; no
//! `value` (absent or null) with the `secretReferenceValueId` of a secret of this object keeps
//! that secret; neither is refused (400). Other items are stored as given.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::graph::percent_decode;
use crate::reply::{shorten, Detail, Failure};

/// What Graph shows instead of an encrypted OMA setting's value.
pub const OMA_MASK: &str = "****";
/// The property that holds a custom configuration's OMA settings.
pub const OMA_SETTINGS: &str = "omaSettings";
/// The bound function that reveals a secret.
pub const PLAIN_TEXT_FUNCTION: &str = "getOmaSettingPlainTextValue";
/// The function's one parameter.
pub const REFERENCE_PARAMETER: &str = "secretReferenceValueId";

const IS_ENCRYPTED: &str = "isEncrypted";
const VALUE: &str = "value";

/// True for an OMA setting whose value is a secret.
fn is_encrypted(item: &Map<String, Value>) -> bool {
    item.get(IS_ENCRYPTED) == Some(&Value::Bool(true))
}

/// The encrypted settings of an object, with their index in `omaSettings`.
fn secrets(object: &Map<String, Value>) -> impl Iterator<Item = (usize, &Map<String, Value>)> {
    object
        .get(OMA_SETTINGS)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, item)| item.as_object().map(|m| (i, m)))
        .filter(|(_, m)| is_encrypted(m))
}

/// The encrypted settings of an object, to change.
fn secrets_mut(
    object: &mut Map<String, Value>,
) -> impl Iterator<Item = (usize, &mut Map<String, Value>)> {
    object
        .get_mut(OMA_SETTINGS)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, item)| item.as_object_mut().map(|m| (i, m)))
        .filter(|(_, m)| is_encrypted(m))
}

/// True when an object holds at least one encrypted OMA setting.
pub fn has_secrets(object: &Map<String, Value>) -> bool {
    secrets(object).next().is_some()
}

/// Replaces the value of every encrypted OMA setting with [`OMA_MASK`], as Graph answers.
pub fn mask(object: &mut Map<String, Value>) {
    for (_, item) in secrets_mut(object) {
        item.insert(VALUE.into(), Value::String(OMA_MASK.into()));
    }
}

/// A copy of an object as Graph shows it: secrets masked.
pub fn masked(object: &Map<String, Value>) -> Map<String, Value> {
    let mut copy = object.clone();
    mask(&mut copy);
    copy
}

/// A new reference for the secret at `index` of object `object_id`:
/// `<objectId>_<index>_<12 random hex digits>`.
pub fn new_reference(object_id: &str, index: usize) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{object_id}_{index}_{}", &random[..12])
}

/// Gives every encrypted setting without a reference one (objects from seeds, `--seed` files
/// and state files); those that have one keep it.
pub fn assign_references(object_id: &str, object: &mut Map<String, Value>) {
    for (i, item) in secrets_mut(object) {
        let has_reference = item
            .get(REFERENCE_PARAMETER)
            .and_then(Value::as_str)
            .is_some_and(|r| !r.is_empty());
        if !has_reference {
            item.insert(
                REFERENCE_PARAMETER.into(),
                Value::String(new_reference(object_id, i)),
            );
        }
    }
}

/// The plain value of this object's secret `reference`.
pub fn plain_value<'a>(object: &'a Map<String, Value>, reference: &str) -> Option<&'a Value> {
    secrets(object)
        .find(|(_, item)| item.get(REFERENCE_PARAMETER).and_then(Value::as_str) == Some(reference))
        .and_then(|(_, item)| item.get(VALUE))
}

/// Settles the encrypted items of a PATCH body's `omaSettings` against the stored object
/// (`object_id`, `stored`): a given value gets a new reference; a missing one is filled with
/// the secret its reference names; an encrypted item with neither is refused.
pub fn resolve_patch(
    object_id: &str,
    stored: &Map<String, Value>,
    body: &mut Map<String, Value>,
) -> Result<(), Failure> {
    let mut missing = Vec::new();
    for (i, item) in secrets_mut(body) {
        let given = item.get(VALUE).is_some_and(|v| !v.is_null());
        if given {
            item.insert(
                REFERENCE_PARAMETER.into(),
                Value::String(new_reference(object_id, i)),
            );
            continue;
        }
        let kept = item
            .get(REFERENCE_PARAMETER)
            .and_then(Value::as_str)
            .and_then(|r| plain_value(stored, r));
        match kept {
            Some(secret) => {
                item.insert(VALUE.into(), secret.clone());
            }
            None => missing.push(Detail {
                code: "missing-secret".into(),
                message: format!(
                    "The encrypted OMA setting {OMA_SETTINGS}[{i}] has no value and no \
                     {REFERENCE_PARAMETER} of a secret of this object; send its value, or the \
                     {REFERENCE_PARAMETER} it was read with to keep the secret."
                ),
                target: format!("{OMA_SETTINGS}[{i}].{VALUE}"),
            }),
        }
    }
    let Some(first) = missing.first() else {
        return Ok(());
    };
    let mut f = Failure::bad_request(first.message.clone());
    f.target = Some(first.target.clone());
    f.details = missing;
    Err(f)
}

/// The argument list of a call of the bound function when this path segment is one:
/// `getOmaSettingPlainTextValue(…)` or `microsoft.graph.getOmaSettingPlainTextValue(…)`
/// (the names compared without regard to case, as Graph does) gives `(…)`.
pub fn plain_text_call(segment: &str) -> Option<&str> {
    let lower = segment.to_ascii_lowercase();
    let name = PLAIN_TEXT_FUNCTION.to_ascii_lowercase();
    let skip = if lower.starts_with(&name) {
        0
    } else if lower.starts_with(&format!("microsoft.graph.{name}")) {
        "microsoft.graph.".len()
    } else {
        return None;
    };
    let rest = &segment[skip + name.len()..];
    (rest.is_empty() || rest.starts_with('(')).then_some(rest)
}

fn bad_argument() -> Failure {
    let mut f = Failure::bad_request(format!(
        "Call {PLAIN_TEXT_FUNCTION}({REFERENCE_PARAMETER}='{{secretReferenceValueId}}'), \
         or with a parameter alias: ({REFERENCE_PARAMETER}=@p)?@p='{{secretReferenceValueId}}'."
    ));
    f.target = Some(REFERENCE_PARAMETER.into());
    f
}

/// Reads an OData string literal, `'…'` with `''` for a quote.
fn string_literal(text: &str) -> Option<String> {
    let inner = text.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\'' && chars.next() != Some('\'') {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

/// The `secretReferenceValueId` a call names: `args` is the decoded `(…)` after the function's
/// name, `query` the raw query (for a parameter alias such as `@p='…'`).
pub fn reference_argument(args: &str, query: Option<&str>) -> Result<String, Failure> {
    let inner = args
        .strip_prefix('(')
        .and_then(|a| a.strip_suffix(')'))
        .ok_or_else(bad_argument)?;
    let (name, value) = inner.split_once('=').ok_or_else(bad_argument)?;
    if !name.trim().eq_ignore_ascii_case(REFERENCE_PARAMETER) {
        return Err(bad_argument());
    }
    let value = value.trim();
    let literal = match value.strip_prefix('@') {
        None => value.to_string(),
        Some(alias) => {
            if alias.is_empty() {
                return Err(bad_argument());
            }
            let mut found = None;
            for pair in query.unwrap_or_default().split('&') {
                let (key, text) = pair.split_once('=').unwrap_or((pair, ""));
                if percent_decode(key).as_deref() == Some(value) {
                    found = Some(percent_decode(&text.replace('+', " ")).ok_or_else(|| {
                        Failure::bad_request(
                            "The query has a malformed percent-escape or is not UTF-8.",
                        )
                    })?);
                }
            }
            found.ok_or_else(|| {
                Failure::bad_request(format!(
                    "The parameter alias {} has no value in the query.",
                    shorten(value, 40)
                ))
            })?
        }
    };
    string_literal(&literal).ok_or_else(bad_argument)
}

/// The answer of the function when the reference is not one of this object's secrets.
pub fn unknown_reference(object_id: &str, reference: &str) -> Failure {
    Failure::new(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        format!(
            "No OMA setting of {} has the {REFERENCE_PARAMETER} {}.",
            shorten(object_id, 80),
            shorten(reference, 120)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object() -> Map<String, Value> {
        json!({
            "id": "obj",
            "omaSettings": [
                {"@odata.type": "#microsoft.graph.omaSettingString", "value": "plain", "isEncrypted": false},
                {"@odata.type": "#microsoft.graph.omaSettingString", "value": "s3cret", "isEncrypted": true},
                {"@odata.type": "#microsoft.graph.omaSettingString", "value": "old", "isEncrypted": true, "secretReferenceValueId": "obj_2_kept"},
            ]
        })
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn references_masks_and_plain_values() {
        let mut o = object();
        assert!(has_secrets(&o));
        assign_references("obj", &mut o);
        let generated = o["omaSettings"][1][REFERENCE_PARAMETER]
            .as_str()
            .unwrap()
            .to_string();
        assert!(generated.starts_with("obj_1_"), "{generated}");
        assert_eq!(generated.len(), "obj_1_".len() + 12);
        assert_eq!(o["omaSettings"][2][REFERENCE_PARAMETER], "obj_2_kept");
        assert!(o["omaSettings"][0].get(REFERENCE_PARAMETER).is_none());
        let again = o.clone();
        assign_references("obj", &mut o);
        assert_eq!(o, again, "references are stable");

        let m = masked(&o);
        assert_eq!(m["omaSettings"][0]["value"], "plain");
        assert_eq!(m["omaSettings"][1]["value"], OMA_MASK);
        assert_eq!(m["omaSettings"][2]["value"], OMA_MASK);
        assert_eq!(m["omaSettings"][1][REFERENCE_PARAMETER], generated.as_str());
        assert_eq!(plain_value(&o, &generated), Some(&json!("s3cret")));
        assert_eq!(plain_value(&o, "obj_2_kept"), Some(&json!("old")));
        assert_eq!(plain_value(&o, "nope"), None);
        assert!(!has_secrets(&Map::new()));
    }

    #[test]
    fn patches_keep_replace_or_refuse() {
        let stored = object();
        let mut body = json!({"omaSettings": [
            {"value": OMA_MASK, "isEncrypted": true, "secretReferenceValueId": "obj_2_kept"},
            {"isEncrypted": true, "secretReferenceValueId": "obj_2_kept"},
            {"value": null, "isEncrypted": true, "secretReferenceValueId": "obj_2_kept"},
            {"value": "plain", "secretReferenceValueId": "anything"},
        ]})
        .as_object()
        .unwrap()
        .clone();
        resolve_patch("obj", &stored, &mut body).unwrap();
        let items = body["omaSettings"].as_array().unwrap();
        assert_eq!(
            items[0]["value"], OMA_MASK,
            "the mask is a value like any other"
        );
        assert_ne!(items[0][REFERENCE_PARAMETER], "obj_2_kept");
        assert!(items[0][REFERENCE_PARAMETER]
            .as_str()
            .unwrap()
            .starts_with("obj_0_"));
        for kept in &items[1..3] {
            assert_eq!(kept["value"], "old");
            assert_eq!(kept[REFERENCE_PARAMETER], "obj_2_kept");
        }
        assert_eq!(items[3]["secretReferenceValueId"], "anything");

        let mut body = json!({"omaSettings": [
            {"value": "x", "isEncrypted": true},
            {"isEncrypted": true, "secretReferenceValueId": "other_1_abc"},
            {"isEncrypted": true},
        ]})
        .as_object()
        .unwrap()
        .clone();
        let e = resolve_patch("obj", &stored, &mut body).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(e.target.as_deref(), Some("omaSettings[1].value"));
        assert_eq!(e.details.len(), 2);
        assert_eq!(e.details[1].target, "omaSettings[2].value");
    }

    #[test]
    fn function_calls_and_arguments() {
        assert_eq!(
            plain_text_call("getOmaSettingPlainTextValue(secretReferenceValueId='a')"),
            Some("(secretReferenceValueId='a')")
        );
        assert_eq!(
            plain_text_call("microsoft.graph.getomasettingplaintextvalue(x)"),
            Some("(x)")
        );
        assert_eq!(plain_text_call("getOmaSettingPlainTextValue"), Some(""));
        assert_eq!(plain_text_call("getOmaSettingPlainTextValueX()"), None);
        assert_eq!(plain_text_call("assignments"), None);

        let arg = |a: &str, q: Option<&str>| reference_argument(a, q);
        assert_eq!(
            arg("(secretReferenceValueId='a_1_b')", None).unwrap(),
            "a_1_b"
        );
        assert_eq!(
            arg("( SecretReferenceValueId = 'it''s' )", None).unwrap(),
            "it's"
        );
        assert_eq!(
            arg("(secretReferenceValueId=@p)", Some("@p='a_1_b'&x=1")).unwrap(),
            "a_1_b"
        );
        assert_eq!(
            arg("(secretReferenceValueId=@p)", Some("%40p=%27a_1_b%27")).unwrap(),
            "a_1_b"
        );
        for (bad, q) in [
            ("", None),
            ("()", None),
            ("(secretReferenceValueId=a_1_b)", None),
            ("(secretReferenceValueId='a'b')", None),
            ("(other='a')", None),
            ("(secretReferenceValueId=@p)", None),
            ("(secretReferenceValueId=@p)", Some("@q='a'")),
            ("(secretReferenceValueId=@)", Some("@='a'")),
            ("(secretReferenceValueId=@p)", Some("@p=%zz")),
        ] {
            assert_eq!(
                arg(bad, q).unwrap_err().status,
                StatusCode::BAD_REQUEST,
                "{bad} {q:?}"
            );
        }
    }
}
