//! Unsaved work, kept in this browser's localStorage per (Graph base URL, API version, object)
//! on every edit, so a reload or a crash loses nothing. Tokens are never stored here.

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use serde_json::Value;

const PREFIX: &str = "intune-editor.draft|";

/// A draft as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedDraft {
    pub base: String,
    pub api: String,
    /// What the draft is of: a Graph path (`deviceManagement/deviceConfigurations/{id}`,
    /// `officeConfiguration`), `file:{name}` or `new:{type}`.
    pub object: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// For Graph objects: the entry set and id (or the singleton path, with no id).
    #[serde(default)]
    pub set: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    /// The object as loaded, to diff against when the draft is reopened.
    #[serde(default)]
    pub loaded: Option<Value>,
    pub draft: Value,
    /// Milliseconds since the epoch.
    pub saved_at: f64,
}

impl SavedDraft {
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
    LocalStorage::get(key).ok()
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
