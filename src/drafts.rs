//! Unsaved work, kept in this browser's localStorage on every edit so a reload, a crash or a lost
//! connection loses nothing. Tokens are never stored here.
//!
//! A draft is stored per (Graph base, API version, object, tab): two tabs editing one object
//! keep a draft each, so Send or Discard in one never deletes the other's. New drafts and
//! opened files get a key of their own ([`unique`]). A draft is deleted only when the user
//! discards it or it was sent; one this editor cannot read (damaged, a newer format) stays where
//! it is and is listed as "could not be restored" ([`all`]). Storage that is full or blocked is
//! reported, never a reason for the page not to start: every access goes through [`local`].

use std::cell::RefCell;

use policy_core::json_read::{required, Fields, Read};
use serde::Serialize;
use serde_json::Value;

pub const PREFIX: &str = "intune-editor.draft|";
/// The stored format this editor writes; it reads this one and the unversioned one before it.
pub const FORMAT: u32 = 1;
const TAB_KEY: &str = "intune-editor.tab";
const ALIVE_PREFIX: &str = "intune-editor.tab-alive|";
/// A tab that has not said it is alive for this long is gone (it beats every few seconds).
const ALIVE_MS: f64 = 20_000.0;

/// This browser's localStorage, or `None` when it is blocked (privacy settings, a sandboxed
/// frame): never a panic.
pub fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A short random name: tab ids and draft keys.
pub fn unique() -> String {
    let r = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("{:x}{r:08x}", now_ms() as u64)
}

thread_local! {
    static TAB: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// This tab's id: kept in sessionStorage, so a reload is the same tab and finds its drafts.
pub fn tab_id() -> String {
    TAB.with(|t| {
        t.borrow_mut()
            .get_or_insert_with(|| {
                let kept = session().and_then(|s| s.get_item(TAB_KEY).ok().flatten());
                kept.filter(|k| !k.is_empty() && !k.contains('|'))
                    .unwrap_or_else(|| {
                        let id = unique();
                        if let Some(s) = session() {
                            let _ = s.set_item(TAB_KEY, &id);
                        }
                        id
                    })
            })
            .clone()
    })
}

/// Says this tab is alive (call every few seconds), so other tabs leave its drafts alone. In
/// whole milliseconds: formatting and parsing floats would cost the download tens of KB.
pub fn beat() {
    if let Some(s) = local() {
        let _ = s.set_item(
            &format!("{ALIVE_PREFIX}{}", tab_id()),
            &(now_ms() as u64).to_string(),
        );
    }
}

/// This tab is closing: its drafts may be picked up by the next tab that opens the object.
pub fn end_beat() {
    if let Some(s) = local() {
        let _ = s.remove_item(&format!("{ALIVE_PREFIX}{}", tab_id()));
    }
}

fn alive(tab: &str) -> bool {
    if tab == tab_id() {
        return true;
    }
    local()
        .and_then(|s| s.get_item(&format!("{ALIVE_PREFIX}{tab}")).ok().flatten())
        .and_then(|t| t.parse::<u64>().ok())
        .is_some_and(|t| now_ms() - (t as f64) < ALIVE_MS)
}

/// A draft as stored: written with serde, read by hand ([`SavedDraft::read`], with
/// `policy_core::json_read`), which costs the app's download a few KB less than a derive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedDraft {
    pub format: u32,
    /// The tab that writes it; empty for drafts of the unversioned format.
    pub tab: String,
    pub base: String,
    pub api: String,
    /// What the draft is of: a Graph path (`deviceManagement/deviceConfigurations/{id}`,
    /// `officeConfiguration`), `file:{name}:{key}` or `new:{type}:{key}`.
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
    /// A stored draft from its JSON text; `None` when it is not one this editor can read (a
    /// missing or mistyped field, a newer format), so a damaged entry is listed, never
    /// half-read.
    pub fn read(text: &str) -> Option<SavedDraft> {
        SavedDraft::parse(text).ok()
    }

    /// [`SavedDraft::read`], saying why not.
    fn parse(text: &str) -> Read<SavedDraft> {
        let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut f = Fields::new(v, "a draft")?;
        // The unversioned format before this one has none.
        let format = f.u32("format")?.unwrap_or(0);
        if format > FORMAT {
            return Err(format!("format {format} is newer than this editor's"));
        }
        Ok(SavedDraft {
            format,
            tab: f.optional_string("tab")?.unwrap_or_default(),
            base: f.string("base")?,
            api: f.string("api")?,
            object: f.string("object")?,
            type_name: f.string("type")?,
            set: f.optional_string("set")?,
            id: f.optional_string("id")?,
            saved_at: required("saved_at", f.f64("saved_at")?)?,
            loaded: Some(f.take("loaded")).filter(|l| !l.is_null()),
            draft: required("draft", f.remove("draft"))?,
        })
    }

    /// Where it is stored.
    pub fn key(&self) -> String {
        tab_key(&key(&self.base, &self.api, &self.object), &self.tab)
    }

    /// The key of the object it is a draft of, whatever the tab.
    pub fn object_key(&self) -> String {
        key(&self.base, &self.api, &self.object)
    }
}

/// The key of an object's drafts (one per tab below it).
pub fn key(base: &str, api: &str, object: &str) -> String {
    format!("{PREFIX}{base}|{api}|{object}")
}

fn tab_key(object_key: &str, tab: &str) -> String {
    if tab.is_empty() {
        object_key.to_string()
    } else {
        format!("{object_key}|{tab}")
    }
}

/// The object key and the tab of a stored key (no tab for the unversioned format, whose key
/// ends with the object).
fn split(stored: &str, draft: Option<&SavedDraft>) -> (String, String) {
    match draft {
        Some(d) => (d.object_key(), d.tab.clone()),
        None => match stored.rsplit_once('|') {
            Some((k, tab)) => (k.to_string(), tab.to_string()),
            None => (stored.to_string(), String::new()),
        },
    }
}

/// Why a draft was not stored, for the page's warning.
pub fn save(draft: &SavedDraft) -> Result<(), String> {
    let storage = local().ok_or(
        "this browser blocks storage for this page, so this draft is not being saved: export it to keep it",
    )?;
    let text = serde_json::to_string(draft).map_err(|e| e.to_string())?;
    storage.set_item(&draft.key(), &text).map_err(|_| {
        "this browser's storage for this page is full, so this draft is not being saved: export it, or discard drafts you no longer need".to_string()
    })
}

/// Every stored entry: key and text.
fn entries() -> Vec<(String, String)> {
    let Some(storage) = local() else {
        return Vec::new();
    };
    let n = storage.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(PREFIX))
        .filter_map(|k| {
            let text = storage.get_item(&k).ok().flatten()?;
            Some((k, text))
        })
        .collect()
}

/// This tab's draft of an object; else the newest one a closed tab left of it, which this tab
/// takes over (it is stored under this tab, the closed tab's copy removed). Another open tab's
/// draft is left to that tab.
pub fn load_for(object_key: &str) -> Option<SavedDraft> {
    let me = tab_id();
    let mut mine = None;
    let mut orphans: Vec<(String, SavedDraft)> = Vec::new();
    for (k, text) in entries() {
        let Some(d) = SavedDraft::read(&text) else {
            continue;
        };
        if d.object_key() != object_key {
            continue;
        }
        if d.tab == me {
            mine = Some(d);
        } else if !alive(&d.tab) {
            orphans.push((k, d));
        }
    }
    if mine.is_some() {
        return mine;
    }
    let (old_key, mut d) = orphans
        .into_iter()
        .max_by(|a, b| a.1.saved_at.total_cmp(&b.1.saved_at))?;
    d.tab = me;
    d.format = FORMAT;
    if save(&d).is_ok() {
        remove(&old_key);
    }
    Some(d)
}

/// A draft the user opens from the list, as this tab's own: stored under this tab, and a closed
/// tab's copy removed (an open tab keeps its own).
pub fn adopt(mut d: SavedDraft) -> SavedDraft {
    let me = tab_id();
    if d.tab == me {
        return d;
    }
    let old_key = d.key();
    let was_alive = !d.tab.is_empty() && alive(&d.tab);
    d.tab = me;
    d.format = FORMAT;
    if save(&d).is_ok() && !was_alive {
        remove(&old_key);
    }
    d
}

/// How many other open tabs hold a draft of this object.
pub fn others_editing(object_key: &str) -> usize {
    let me = tab_id();
    entries()
        .into_iter()
        .filter(|(k, text)| {
            let d = SavedDraft::read(text);
            let (ok, tab) = split(k, d.as_ref());
            ok == object_key && tab != me && !tab.is_empty() && alive(&tab)
        })
        .count()
}

/// Removes one stored entry (by its full key).
pub fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
}

/// Removes this tab's draft of an object: after Send or Discard. Other tabs' drafts stay.
pub fn remove_mine(object_key: &str) {
    remove(&tab_key(object_key, &tab_id()));
}

/// A stored entry this editor cannot restore, kept as it is for the user to export.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub key: String,
    pub text: String,
}

/// Every stored draft, in storage order (the list shows the newest first), and the entries that
/// could not be read.
pub fn all() -> (Vec<SavedDraft>, Vec<Unreadable>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (key, text) in entries() {
        match SavedDraft::read(&text) {
            Some(d) => ok.push(d),
            None => bad.push(Unreadable { key, text }),
        }
    }
    (ok, bad)
}

/// "Forget drafts on this device": every draft of every tab goes.
pub fn forget_all() -> usize {
    let keys: Vec<String> = entries().into_iter().map(|(k, _)| k).collect();
    for k in &keys {
        remove(k);
    }
    keys.len()
}

type Pending = Box<dyn Fn() -> SavedDraft>;

thread_local! {
    /// The draft waiting to be written (the page writes it a moment after the typing stops).
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
}

/// Sets what [`flush_pending`] writes: built only when written, so a burst of keystrokes costs
/// one copy of a large draft.
pub fn set_pending(draft: Option<Pending>) {
    PENDING.with(|p| {
        if let Ok(mut p) = p.try_borrow_mut() {
            *p = draft;
        }
    });
}

/// Writes the waiting draft, if any (after the delay, when the page is hidden, and from the
/// panic hook, so a crash mid-edit loses nothing).
pub fn flush_pending() -> Option<Result<(), String>> {
    let pending = PENDING.with(|p| p.try_borrow_mut().ok().and_then(|mut p| p.take()))?;
    Some(save(&pending()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_stored_draft_reads_back_as_written_and_a_damaged_one_not_at_all() {
        let d = SavedDraft {
            format: FORMAT,
            tab: "t1".into(),
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
        assert_eq!(
            d.key(),
            "intune-editor.draft|https://graph.microsoft.com|beta|deviceManagement/deviceConfigurations/x|t1"
        );
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
        // The unversioned format before this one: read, with no tab.
        let mut v = serde_json::to_value(&d).unwrap();
        v.as_object_mut().unwrap().remove("format");
        v.as_object_mut().unwrap().remove("tab");
        let old = SavedDraft::read(&v.to_string()).unwrap();
        assert_eq!((old.format, old.tab.as_str()), (0, ""));
        assert_eq!(old.key(), d.object_key());
        // A newer format is not guessed at.
        let mut v = serde_json::to_value(&d).unwrap();
        v["format"] = json!(FORMAT + 1);
        assert_eq!(SavedDraft::read(&v.to_string()), None);
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
        assert_eq!(
            split("intune-editor.draft|b|beta|o|t9", None),
            ("intune-editor.draft|b|beta|o".to_string(), "t9".to_string())
        );
    }

    /// The hand reader reads back exactly what serde writes, for every shape a draft takes.
    #[test]
    fn the_hand_reader_agrees_with_what_serde_writes() {
        let values = [
            json!(null),
            json!({}),
            json!({"displayName": "é \"quoted\" \u{1f600}", "n": -1.5e-7, "big": 18446744073709551615u64,
                "list": [null, true, {"@odata.type": "#microsoft.graph.x"}], "nested": {"a": [[]]}}),
            json!([1, "two", 3.25]),
            json!("text"),
        ];
        let texts = ["", "t", "é|x", "new:microsoft.graph.x:k", "\u{0}\n\\"];
        let optional = [
            None,
            Some(String::new()),
            Some("deviceManagement/x".to_string()),
        ];
        let mut n = 0;
        for (i, draft) in values.iter().enumerate() {
            for (j, text) in texts.iter().enumerate() {
                for set in &optional {
                    let d = SavedDraft {
                        format: [0, FORMAT][(i + j) % 2],
                        tab: text.to_string(),
                        base: format!("https://graph.example/{text}"),
                        api: text.to_string(),
                        object: text.to_string(),
                        type_name: text.to_string(),
                        set: set.clone(),
                        id: optional[(i + j) % 3].clone(),
                        loaded: values.get(j).cloned().filter(|v| !v.is_null()),
                        draft: draft.clone(),
                        saved_at: [0.0, 1_795_000_000_123.0, 0.5, -1.0, 1e300][j],
                    };
                    let written = serde_json::to_string(&d).unwrap();
                    assert_eq!(SavedDraft::read(&written), Some(d), "{written}");
                    n += 1;
                }
            }
        }
        assert_eq!(n, 75);
        // What the reader refuses, it says why, naming the key.
        let mut v = serde_json::to_value(SavedDraft {
            format: FORMAT,
            tab: String::new(),
            base: "b".into(),
            api: "beta".into(),
            object: "o".into(),
            type_name: "t".into(),
            set: None,
            id: None,
            loaded: None,
            draft: json!({}),
            saved_at: 1.0,
        })
        .unwrap();
        v["base"] = json!(null);
        assert_eq!(
            SavedDraft::parse(&v.to_string()),
            Err("\"base\" is missing".to_string())
        );
    }
}
