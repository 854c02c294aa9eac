//! Secret settings kept as Graph keeps them, in the style of [`crate::oma`]: a secret simple
//! value sent with `valueState: notEncrypted` is stored with a new opaque token and answered
//! back only as `{"value": token, "valueState": "encryptedValueToken"}`; a PUT that sends a
//! token of this policy back keeps that secret; any other token is refused (400).
//!
//! The stored value looks exactly as Graph answers it plus one private key, [`PLAIN_KEY`],
//! with the plain secret (so it outlives a restart in the state file); [`mask`] removes that
//! key from every answer.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::reply::Detail;

/// The private key holding a stored secret's plain value; never answered.
pub const PLAIN_KEY: &str = "@sandbox.plainValue";
/// The value states of a secret.
pub const NOT_ENCRYPTED: &str = "notEncrypted";
pub const ENCRYPTED: &str = "encryptedValueToken";

fn is_secret_value(map: &Map<String, Value>) -> bool {
    map.get("@odata.type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.ends_with("SecretSettingValue"))
}

/// Calls `f` with every secret value object under `value`, with its JSON path.
fn each_secret(value: &mut Value, path: &str, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    match value {
        Value::Object(map) if is_secret_value(map) => f(path, map),
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                each_secret(v, &format!("{path}.{k}"), f);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                each_secret(v, &format!("{path}[{i}]"), f);
            }
        }
        _ => {}
    }
}

/// Removes the plain values from an answer (a policy, its settings, one setting).
pub fn mask(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove(PLAIN_KEY);
            map.values_mut().for_each(mask);
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

/// The tokens of the stored settings and the secrets they stand for.
fn stored_tokens(stored: &Value) -> HashMap<String, Value> {
    let mut tokens = HashMap::new();
    let mut copy = stored.clone();
    each_secret(&mut copy, "", &mut |_, map| {
        if let (Some(Value::String(token)), Some(plain)) = (map.get("value"), map.get(PLAIN_KEY)) {
            tokens.insert(token.clone(), plain.clone());
        }
    });
    tokens
}

/// Turns the secrets of new `settings` into their stored form: plain ones get a new token,
/// tokens of `stored` (the policy's settings before the change) keep their secret. The rest
/// is refused, with the path of each (`settings` being at `settings`).
pub fn settle(settings: &mut Value, stored: Option<&Value>) -> Result<(), Vec<Detail>> {
    let tokens = stored.map(stored_tokens).unwrap_or_default();
    let mut refused = Vec::new();
    each_secret(settings, "settings", &mut |path, map| {
        map.remove(PLAIN_KEY);
        let state = map
            .get("valueState")
            .and_then(Value::as_str)
            .unwrap_or(NOT_ENCRYPTED);
        let value = map.get("value").cloned().unwrap_or(Value::Null);
        let plain = match (state, &value) {
            (NOT_ENCRYPTED, Value::String(_)) => value,
            (ENCRYPTED, Value::String(token)) if tokens.contains_key(token) => {
                map.insert(PLAIN_KEY.into(), tokens[token].clone());
                return;
            }
            (ENCRYPTED, _) => {
                refused.push(Detail {
                    code: "UnknownSecretToken".into(),
                    message: "The encrypted value token is not one of this policy's secrets; send \
                              the token as read, or a new value with valueState notEncrypted."
                        .into(),
                    target: format!("{path}.value"),
                });
                return;
            }
            _ => {
                refused.push(Detail {
                    code: "InvalidSecretValue".into(),
                    message: "A secret needs a text value with valueState notEncrypted, or its \
                              encryptedValueToken as read."
                        .into(),
                    target: format!("{path}.valueState"),
                });
                return;
            }
        };
        map.insert("value".into(), Value::String(new_token()));
        map.insert("valueState".into(), Value::String(ENCRYPTED.into()));
        map.insert(PLAIN_KEY.into(), plain);
    });
    if refused.is_empty() {
        Ok(())
    } else {
        Err(refused)
    }
}

/// An opaque token, a GUID as Graph's are.
fn new_token() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The plain value of the secret a token stands for, for tests and the control endpoint.
pub fn plain_for_token(stored: &Value, token: &str) -> Option<Value> {
    stored_tokens(stored).remove(token)
}
