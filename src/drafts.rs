//! Unsaved work, kept in this browser's localStorage per (Graph base URL, API version, object)
//! on every edit, so a reload or a crash loses nothing. Tokens are never stored here.

use gloo_storage::{LocalStorage, Storage};
use serde::Serialize;
use serde_json::Value;

const PREFIX: &str = "intune-editor.draft|";

/// A draft as stored: written with serde, read by hand ([`SavedDraft::read`]), which costs the
/// app's download a few KB less than a derive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedDraft {
    pub base: String,
    pub api: String,
    /// What the draft is of: a Graph path (`deviceManagement/deviceConfigurations/{id}`,
    /// `officeConfiguration`), `file:{name}` or `new:{type}`.
    pub object: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// For Graph objects: the entry set and id (or the singleton path, with no id).
    pub set: Option<String>,
    pub id: Option<String>,
    /// The object as loaded, to diff against when the draft is reopened.
    pub loaded: Option<Value>,
    pub draft: Value,
    /// Milliseconds since the epoch.
    pub saved_at: f64,
}

impl SavedDraft {
    /// A stored draft from its JSON text; `None` when it is not one (a missing or mistyped
    /// field), so a damaged entry is skipped, never half-read.
    pub fn read(text: &str) -> Option<SavedDraft> {
        let mut v: Value = serde_json::from_str(text).ok()?;
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let optional = |v: &Value, k: &str| match v.get(k) {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(_) => None,
        };
        Some(SavedDraft {
            base: text(&v, "base")?,
            api: text(&v, "api")?,
            object: text(&v, "object")?,
            type_name: text(&v, "type")?,
            set: optional(&v, "set")?,
            id: optional(&v, "id")?,
            saved_at: v.get("saved_at").and_then(Value::as_f64)?,
            loaded: v
                .get_mut("loaded")
                .map(Value::take)
                .filter(|l| !l.is_null()),
            draft: v.get_mut("draft").map(Value::take)?,
        })
    }

    pub fn key(&self) -> String {
        key(&self.base, &self.api, &self.object)
    }
}

pub fn key(base: &str, api: &str, object: &str) -> String {
    format!("{PREFIX}{base}|{api}|{object}")
}

/// Stores a draft; says why when the browser refuses (storage full or disabled).
pub fn save(draft: &SavedDraft) -> Result<(), String> {
    LocalStorage::set(draft.key(), draft)
        .map_err(|e| format!("The draft could not be saved in this browser: {e}"))
}

pub fn load(key: &str) -> Option<SavedDraft> {
    SavedDraft::read(&LocalStorage::raw().get_item(key).ok()??)
}

pub fn remove(key: &str) {
    LocalStorage::delete(key);
}

/// Every stored draft, newest first. Entries that do not parse are skipped, not deleted.
pub fn all() -> Vec<SavedDraft> {
    let storage = LocalStorage::raw();
    let n = storage.length().unwrap_or(0);
    let mut out: Vec<SavedDraft> = (0..n)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(PREFIX))
        .filter_map(|k| load(&k))
        .collect();
    out.sort_unstable_by(|a, b| b.saved_at.total_cmp(&a.saved_at));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_stored_draft_reads_back_as_written_and_a_damaged_one_not_at_all() {
        let d = SavedDraft {
            base: "https://graph.microsoft.com".into(),
            api: "beta".into(),
            object: "deviceManagement/deviceConfigurations/x".into(),
            type_name: "microsoft.graph.windows10GeneralConfiguration".into(),
            set: Some("deviceManagement/deviceConfigurations".into()),
            id: Some("x".into()),
            loaded: Some(json!({"displayName": "a"})),
            draft: json!({"displayName": "b", "n": 1.5}),
            saved_at: 1_795_000_000_123.0,
        };
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(SavedDraft::read(&text), Some(d.clone()));
        let bare = SavedDraft {
            set: None,
            id: None,
            loaded: None,
            ..d.clone()
        };
        assert_eq!(
            SavedDraft::read(&serde_json::to_string(&bare).unwrap()),
            Some(bare)
        );
        let mut v = serde_json::to_value(&d).unwrap();
        v["saved_at"] = json!("yesterday");
        assert_eq!(SavedDraft::read(&v.to_string()), None);
        let mut v = serde_json::to_value(&d).unwrap();
        v.as_object_mut().unwrap().remove("draft");
        assert_eq!(SavedDraft::read(&v.to_string()), None);
        let mut v = serde_json::to_value(&d).unwrap();
        v["id"] = json!(7);
        assert_eq!(SavedDraft::read(&v.to_string()), None);
        assert_eq!(SavedDraft::read("{not json"), None);
    }
}
