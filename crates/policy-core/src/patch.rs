//! The minimal PATCH: from the object as loaded and as edited, the body that changes exactly what
//! the user changed. A [`Patch`] can only be made by [`diff`].

use serde_json::{Map, Value};

use crate::model::{Schema, TypeId};

/// One changed top-level property, as the review screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub property: String,
    /// `None` when the loaded object did not have the property.
    pub old: Option<Value>,
    pub new: Value,
}

/// Why a changed property is left out of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    ReadOnly,
    Unknown,
    Navigation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub property: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    #[error("both the loaded and the edited value must be JSON objects")]
    NotObject,
    #[error("neither object says its type (\"@odata.type\")")]
    NoType,
    #[error("{0:?} is not a type this editor knows")]
    UnknownType(String),
    #[error("the type cannot change in a PATCH: {from} was loaded, {to} was edited")]
    TypeChanged { from: String, to: String },
}

/// What to send: `@odata.type` and the changed writable properties, each whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    type_id: TypeId,
    odata_type: String,
    changes: Vec<Change>,
    skipped: Vec<Skipped>,
}

impl Patch {
    pub fn type_id(&self) -> TypeId {
        self.type_id
    }

    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Changed properties that will not be sent, and why.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// True when `current` (the object as Graph holds it now) already has every value this
    /// patch would write: a PATCH whose answer was lost (a 5xx, a timeout, a dropped
    /// connection) went through, and sending it again is not needed.
    pub fn is_applied_in(&self, current: &Value) -> bool {
        !self.is_empty()
            && self
                .changes
                .iter()
                .all(|c| json_eq(current.get(&c.property).unwrap_or(&Value::Null), &c.new))
    }

    /// True when there is nothing to send (Graph answers an empty PATCH with 400).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The request body, or `None` when nothing changed.
    pub fn body(&self) -> Option<Value> {
        if self.is_empty() {
            return None;
        }
        let mut map = Map::new();
        map.insert("@odata.type".into(), Value::String(self.odata_type.clone()));
        for c in &self.changes {
            map.insert(c.property.clone(), c.new.clone());
        }
        Some(Value::Object(map))
    }
}

/// Equality as Graph sees it: `1` and `1.0` are the same number; object key order is irrelevant.
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(i), Some(j)) = (x.as_i64(), y.as_i64()) {
                i == j
            } else if let (Some(i), Some(j)) = (x.as_u64(), y.as_u64()) {
                i == j
            } else {
                x.as_f64() == y.as_f64()
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn type_of(map: &Map<String, Value>) -> Option<&str> {
    map.get("@odata.type").and_then(Value::as_str)
}

/// Compares the loaded and the edited object. A property the edited object lacks but the loaded
/// one had (not null) is sent as `null`: the edited object is the whole new state.
pub fn diff(schema: &Schema, loaded: &Value, edited: &Value) -> Result<Patch, DiffError> {
    let (Some(old), Some(new)) = (loaded.as_object(), edited.as_object()) else {
        return Err(DiffError::NotObject);
    };
    let name = match (type_of(old), type_of(new)) {
        (Some(a), Some(b)) => {
            let (ia, ib) = (schema.find(a), schema.find(b));
            if ia.is_none() || ia != ib {
                return Err(DiffError::TypeChanged {
                    from: a.to_string(),
                    to: b.to_string(),
                });
            }
            b
        }
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => return Err(DiffError::NoType),
    };
    let type_id = schema
        .find(name)
        .ok_or_else(|| DiffError::UnknownType(name.to_string()))?;
    let t = schema.get(type_id);

    let mut changes = Vec::new();
    let mut skipped = Vec::new();
    let mut consider = |key: &str, before: Option<&Value>, after: &Value| {
        let same = match before {
            Some(b) => json_eq(b, after),
            None => after.is_null(),
        };
        if same || key.contains('@') {
            return;
        }
        let reason = match t.property(key) {
            Some(p) if p.read_only => Some(SkipReason::ReadOnly),
            Some(_) => None,
            None if t.navigation.iter().any(|n| n == key) => Some(SkipReason::Navigation),
            None => Some(SkipReason::Unknown),
        };
        match reason {
            Some(reason) => skipped.push(Skipped {
                property: key.to_string(),
                reason,
            }),
            None => changes.push(Change {
                property: key.to_string(),
                old: before.cloned(),
                new: after.clone(),
            }),
        }
    };
    for (key, after) in new {
        consider(key, old.get(key), after);
    }
    for (key, before) in old {
        if !new.contains_key(key) && !before.is_null() {
            // Reported as a change to null, with the loaded value as the old one.
            consider(key, Some(before), &Value::Null);
        }
    }
    // Schema order reads like the form; unknown names keep their own order at the end. Picked
    // property by property, not sorted: a sort of its own would add kilobytes to the app.
    let mut ordered = Vec::with_capacity(changes.len());
    for p in &t.properties {
        if let Some(i) = changes.iter().position(|c| c.property == p.name) {
            ordered.push(changes.remove(i));
        }
    }
    ordered.append(&mut changes);
    let changes = ordered;
    Ok(Patch {
        type_id,
        odata_type: t.odata_type(),
        changes,
        skipped,
    })
}

/// The entry set of settings catalog and endpoint security policies, whose `settings` are
/// written with PUT (Graph refuses them in a PATCH).
pub const CONFIGURATION_POLICIES: &str = "deviceManagement/configurationPolicies";

/// The `@odata.type` of one setting of such a policy.
const SETTING_TYPE: &str = "#microsoft.graph.deviceManagementConfigurationSetting";

/// True when the `settings` of `edited` differ from those of `loaded` (each setting compared by
/// its `settingInstance`: the ids Graph numbers them with and expanded definitions do not
/// count): such a change goes by [`put_body`], not by a PATCH.
pub fn settings_changed(loaded: &Value, edited: &Value) -> bool {
    let instances = |v: &Value| -> Option<Vec<Value>> {
        v.get("settings")?.as_array().map(|list| {
            list.iter()
                .map(|s| s.get("settingInstance").cloned().unwrap_or(Value::Null))
                .collect()
        })
    };
    match (instances(loaded), instances(edited)) {
        (Some(a), Some(b)) => a.len() != b.len() || a.iter().zip(&b).any(|(x, y)| !json_eq(x, y)),
        (None, Some(_)) => true,
        _ => false,
    }
}

/// The body of `PUT configurationPolicies/{id}`: the whole policy as Graph's update expects it,
/// from the edited object `edited` of type `type_id`: `@odata.type`, every writable property it
/// holds (read-only ones such as `createdDateTime`, `settingCount` or a template reference's
/// family and names left out, as are unknown and `@`-annotated keys), and `settings`, each as
/// `{"@odata.type", "settingInstance"}` (Graph numbers the settings itself; expanded definitions
/// are never sent back).
pub fn put_body(schema: &Schema, type_id: TypeId, edited: &Value) -> Result<Value, DiffError> {
    let map = edited.as_object().ok_or(DiffError::NotObject)?;
    let t = schema.get(type_id);
    let mut body = Map::new();
    body.insert("@odata.type".into(), Value::String(t.odata_type()));
    for p in &t.properties {
        let Some(v) = map.get(&p.name) else {
            continue;
        };
        if p.read_only {
            continue;
        }
        let v = match (v, schema.find(&p.type_name)) {
            // A complex value keeps only its own writable properties.
            (Value::Object(inner), Some(ct)) => {
                let ct = schema.get(ct);
                Value::Object(
                    inner
                        .iter()
                        .filter(|(k, _)| {
                            *k == "@odata.type" || ct.property(k).is_some_and(|q| !q.read_only)
                        })
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                )
            }
            _ => v.clone(),
        };
        body.insert(p.name.clone(), v);
    }
    let settings = map
        .get("settings")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|s| {
                    let mut one = Map::new();
                    one.insert("@odata.type".into(), Value::String(SETTING_TYPE.into()));
                    one.insert(
                        "settingInstance".into(),
                        s.get("settingInstance").cloned().unwrap_or(Value::Null),
                    );
                    Value::Object(one)
                })
                .collect()
        })
        .unwrap_or_default();
    body.insert("settings".into(), Value::Array(settings));
    Ok(Value::Object(body))
}

/// True when `current` (the policy as Graph holds it now, read with its settings) already holds
/// the settings of `sent` and its other written values: a PUT whose answer was lost went
/// through, and sending it again is not needed.
pub fn put_applied_in(sent: &Value, current: &Value) -> bool {
    let Some(map) = sent.as_object() else {
        return false;
    };
    // A complex value was sent with its writable part only: that part must be there.
    let holds = |now: &Value, v: &Value| match (now, v) {
        (Value::Object(now), Value::Object(v)) => v
            .iter()
            .all(|(k, v)| k.contains('@') || json_eq(now.get(k).unwrap_or(&Value::Null), v)),
        _ => json_eq(now, v),
    };
    !settings_changed(current, sent)
        && map.iter().all(|(k, v)| {
            k == "settings" || k.contains('@') || holds(current.get(k).unwrap_or(&Value::Null), v)
        })
}
