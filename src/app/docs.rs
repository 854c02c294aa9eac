//! A document as stored and restored: the key its drafts live under, the stored draft it
//! becomes (no secret in clear), the document a stored draft opens as, and the type of an object
//! Graph returned.

use policy_core::endpoint::{ObjectId, Target};
use policy_core::model::{ApiVersion, TypeId};
use serde_json::Value;

use crate::drafts::{self, SavedDraft};
use crate::schemas::schema;
use crate::session::Settings;
use crate::state::{Document, Origin};

/// What the draft is saved under: the Graph path, the file or the new type.
pub fn object_key(doc: &Document) -> String {
    match &doc.origin {
        Origin::Graph { target } => target.path(),
        Origin::File { name, key } if key.is_empty() => format!("file:{name}"),
        Origin::File { name, key } => format!("file:{name}:{key}"),
        Origin::New { key } if key.is_empty() => {
            format!("new:{}", doc.schema().get(doc.type_id).name)
        }
        Origin::New { key } => format!("new:{}:{key}", doc.schema().get(doc.type_id).name),
    }
}

/// The storage key of a document's drafts (one per tab below it).
pub fn draft_key(settings: &Settings, doc: &Document) -> String {
    drafts::key(
        &settings.base().map(|b| b.to_string()).unwrap_or_default(),
        doc.api.as_str(),
        &object_key(doc),
    )
}

/// The draft of `doc` as stored, for this tab.
pub fn saved_draft(settings: &Settings, doc: &Document) -> SavedDraft {
    let (set, id) = match &doc.origin {
        Origin::Graph {
            target: Target::Member { set, id },
        } => (Some(set.clone()), Some(id.as_str().to_string())),
        Origin::Graph {
            target: Target::Singleton { path },
        } => (Some(path.clone()), None),
        _ => (None, None),
    };
    SavedDraft {
        format: drafts::FORMAT,
        tab: drafts::tab_id(),
        base: settings.base().map(|b| b.to_string()).unwrap_or_default(),
        api: doc.api.to_string(),
        object: object_key(doc),
        type_name: doc.schema().get(doc.type_id).name.clone(),
        set,
        id,
        loaded: doc.loaded.as_ref().map(|l| (*l.0).clone()),
        // No secret in clear: one typed again goes back to Graph's mask.
        draft: doc.draft_to_store(),
        saved_at: js_sys::Date::now(),
    }
}

/// A document from a stored draft: works offline and without a token.
pub fn document_from_saved(d: &SavedDraft) -> Option<Document> {
    let api = ApiVersion::parse(&d.api)?;
    let type_id = schema(api).find(&d.type_name)?;
    let origin = match (&d.set, &d.id, d.object.split_once(':')) {
        (Some(set), Some(id), _) => Origin::Graph {
            target: Target::Member {
                set: set.clone(),
                id: ObjectId::parse(id).ok()?,
            },
        },
        (Some(path), None, _) => Origin::Graph {
            target: Target::Singleton { path: path.clone() },
        },
        // `file:{name}:{key}`, or `file:{name}` in the unversioned format (kept as it was).
        (None, _, Some(("file", rest))) => match rest.rsplit_once(':') {
            Some((name, key)) if d.format > 0 => Origin::File {
                name: name.to_string(),
                key: key.to_string(),
            },
            _ => Origin::File {
                name: rest.to_string(),
                key: String::new(),
            },
        },
        (None, _, Some((_, rest))) if d.format > 0 => Origin::New {
            key: rest
                .rsplit_once(':')
                .map(|(_, k)| k)
                .unwrap_or("")
                .to_string(),
        },
        _ => Origin::New { key: String::new() },
    };
    Some(Document::new(
        api,
        type_id,
        origin,
        d.loaded.clone(),
        &d.draft,
    ))
}

/// The type of a loaded object: its own `@odata.type`, else the entry set's declared type.
pub fn type_of(api: ApiVersion, v: &Value, set: &str) -> Option<TypeId> {
    let s = schema(api);
    v.get("@odata.type")
        .and_then(Value::as_str)
        .and_then(|t| s.find(t))
        .or_else(|| {
            s.entry_sets
                .iter()
                .find(|e| e.path == set)
                .and_then(|e| s.find(&e.type_name))
        })
}
