//! The editor's document state and the pure reducer that changes it: what is open, the object
//! as loaded, the draft, and its validation. Every change goes through [`Action`].

use std::collections::HashMap;
use std::rc::Rc;

use crate::schemas::schema;
use policy_core::endpoint::Target;
use policy_core::model::{ApiVersion, Schema, TypeId};
use policy_core::patch::{diff, DiffError, Patch};
use policy_core::{validate_as, FieldPath, Mode, Problem};
use serde_json::{Map, Value};
use yew::Reducible;

/// The type of settings catalog and endpoint security policies.
pub const SETTINGS_POLICY: &str = "microsoft.graph.deviceManagementConfigurationPolicy";
/// The type of the older endpoint security policies (intents).
pub const INTENT: &str = "microsoft.graph.deviceManagementIntent";

/// A value shared by reference: equal when it is the same allocation, which is exactly when a
/// field's value has not been replaced. Props built on it make unchanged fields skip rendering.
#[derive(Debug, Default)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Shared<T> {
    pub fn new(v: T) -> Self {
        Shared(Rc::new(v))
    }
}

/// Where the open document came from, which decides what Send does.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Loaded from Graph: sending patches this object.
    Graph { target: Target },
    /// Opened from a JSON file: validation only, unless compared with Graph. `key` tells its
    /// draft from another opening of a file of the same name.
    File { name: String, key: String },
    /// A new, empty draft of a type: validation only. `key` tells two new drafts of one type
    /// apart.
    New { key: String },
}

/// The edited object, one shared value per top-level property.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    fields: Vec<(String, Shared<Value>)>,
}

impl Draft {
    pub fn from_value(v: &Value) -> Draft {
        let fields = v
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), Shared::new(v.clone())))
                    .collect()
            })
            .unwrap_or_default();
        Draft { fields }
    }

    pub fn get(&self, name: &str) -> Option<&Shared<Value>> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Sets a property; `None` removes it (the property is then sent as null, if it had a value).
    pub fn set(&mut self, name: &str, value: Option<Value>) {
        let pos = self.fields.iter().position(|(k, _)| k == name);
        match (pos, value) {
            (Some(i), Some(v)) => self.fields[i].1 = Shared::new(v),
            (None, Some(v)) => self.fields.push((name.to_string(), Shared::new(v))),
            (Some(i), None) => {
                self.fields.remove(i);
            }
            (None, None) => {}
        }
    }

    pub fn to_value(&self) -> Value {
        let map: Map<String, Value> = self
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), (*v.0).clone()))
            .collect();
        Value::Object(map)
    }
}

/// Validation of the draft, grouped by the top-level property each problem is under.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    pub all: Vec<Problem>,
    by_property: HashMap<String, Shared<Vec<Problem>>>,
    empty: Shared<Vec<Problem>>,
}

thread_local! {
    /// One empty list for every property without problems, so that its field keeps the same
    /// props from one validation to the next.
    static NO_PROBLEMS: Shared<Vec<Problem>> = Shared::new(Vec::new());
}

impl Problems {
    /// Groups problems by top-level property. A group equal to the one in `previous` keeps
    /// its shared list, so only fields whose problems changed render again.
    pub fn new(all: Vec<Problem>, previous: Option<&Problems>) -> Problems {
        let mut grouped: HashMap<String, Vec<Problem>> = HashMap::new();
        for p in &all {
            grouped
                .entry(p.path.top_property().to_string())
                .or_default()
                .push(p.clone());
        }
        let by_property = grouped
            .into_iter()
            .map(|(k, v)| {
                let shared = match previous.and_then(|p| p.by_property.get(&k)) {
                    Some(old) if **old == v => old.clone(),
                    _ => Shared::new(v),
                };
                (k, shared)
            })
            .collect();
        Problems {
            all,
            by_property,
            empty: NO_PROBLEMS.with(Shared::clone),
        }
    }

    /// The problems under one top-level property (the same shared list while they do not change).
    pub fn for_property(&self, name: &str) -> Shared<Vec<Problem>> {
        self.by_property
            .get(name)
            .cloned()
            .unwrap_or_else(|| self.empty.clone())
    }

    pub fn has_errors(&self) -> bool {
        self.all.iter().any(Problem::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.all.iter().filter(|p| p.is_error()).count()
    }
}

/// The open document.
#[derive(Debug, Clone)]
pub struct Document {
    pub api: ApiVersion,
    pub type_id: TypeId,
    pub origin: Origin,
    /// The object as Graph returned it; `None` for files and new drafts not compared with Graph.
    pub loaded: Option<Shared<Value>>,
    pub draft: Draft,
    pub problems: Shared<Problems>,
    /// Messages Graph attached to fields in its last 400 answer, by path.
    pub server_messages: Shared<Vec<(FieldPath, String)>>,
    /// Counts edits, so effects can tell a new edit from a re-render.
    pub revision: u64,
    /// What Send would patch, worked out once per change of the draft or of `loaded` (a big
    /// list makes the diff the costliest part of a keystroke after validation).
    patch: Option<Rc<Result<Patch, DiffError>>>,
    /// Encrypted values the user revealed in this page, by `secretReferenceValueId`: in memory
    /// only (never in the draft, storage or the review's text), put into the body at send time.
    pub revealed: Shared<HashMap<String, String>>,
    /// Graph's masked values of the loaded object's encrypted settings, by reference (worked
    /// out when `loaded` changes).
    pub masks: Shared<HashMap<String, Value>>,
    /// A settings catalog policy: the errors the catalog module found in its `settings`
    /// (`components::catalog_host`), which block Send as the form's own do.
    pub catalog_errors: usize,
    /// A settings catalog policy whose `settings` changed: the body of the PUT that Send makes
    /// instead of a PATCH (`policy_core::patch::put_body`).
    put: Option<Shared<Value>>,
    /// An intent whose settings changed: Send writes them with `POST …/updateSettings` (its
    /// body from the catalog module, `net::catalog_module::update_body`) after the PATCH of
    /// its own properties, if any.
    settings_update: bool,
}

impl Document {
    pub fn schema(&self) -> &'static Schema {
        schema(self.api)
    }

    pub fn draft_value(&self) -> Value {
        self.draft.to_value()
    }

    /// What Send would patch: `None` when nothing was loaded to compare with.
    pub fn patch(&self) -> Option<&Result<Patch, DiffError>> {
        self.patch.as_deref()
    }

    /// The same, shared: for props that must stay equal until the draft changes.
    pub fn patch_shared(&self) -> Option<Shared<Result<Patch, DiffError>>> {
        self.patch.clone().map(Shared)
    }

    /// True for a settings catalog or endpoint security policy, whose `settings` the catalog
    /// module edits.
    pub fn is_settings_policy(&self) -> bool {
        self.schema().get(self.type_id).name == SETTINGS_POLICY
    }

    /// True for an endpoint security intent, whose `settings` the catalog module edits too.
    pub fn is_intent(&self) -> bool {
        self.schema().get(self.type_id).name == INTENT
    }

    /// True when the catalog module edits the document's `settings`.
    pub fn has_module_settings(&self) -> bool {
        self.is_settings_policy() || self.is_intent()
    }

    /// The body of the PUT Send makes when the settings changed (else it PATCHes).
    pub fn put(&self) -> Option<&Shared<Value>> {
        self.put.as_ref()
    }

    /// True for an intent whose settings changed (Send writes them with `updateSettings`).
    pub fn settings_update(&self) -> bool {
        self.settings_update
    }

    pub fn is_dirty(&self) -> bool {
        if self.put.is_some() || self.settings_update {
            return true;
        }
        match self.patch() {
            Some(Ok(p)) => !p.is_empty(),
            Some(Err(_)) => true,
            None => !matches!(self.origin, Origin::Graph { .. }),
        }
    }

    /// Works `masks` out again: after `loaded` changed.
    fn refresh_masks(&mut self) {
        self.masks = Shared::new(
            self.loaded
                .as_ref()
                .map(|l| policy_core::secrets::masks(&l.0))
                .unwrap_or_default(),
        );
    }

    /// The encrypted settings the patch would send as their mask (neither revealed nor typed
    /// again): sending would overwrite each secret with the mask.
    pub fn unresolved_secrets(&self) -> Vec<policy_core::secrets::Secret> {
        match self
            .patch()
            .and_then(|p| p.as_ref().ok())
            .and_then(Patch::body)
        {
            Some(body) => policy_core::secrets::unresolved(&body, &self.masks, &self.revealed),
            None => Vec::new(),
        }
    }

    /// The draft as it may be stored: no secret in clear (a settings catalog secret typed in
    /// this page is stored empty: typed again after a restore).
    pub fn draft_to_store(&self) -> Value {
        let mut v = self.draft_value();
        policy_core::secrets::scrub(&mut v, &self.masks);
        if self.is_settings_policy() {
            if let Some(settings) = v.get_mut("settings") {
                crate::module_settings::scrub_typed_secrets(settings, 0);
            }
        }
        v
    }

    /// Why Send is not possible now, in words for the page; `None` when it is.
    pub fn send_blocked(&self, has_credential: bool) -> Option<&'static str> {
        if self.problems.has_errors() {
            Some("Fix the errors above before sending.")
        } else if self.catalog_errors > 0 {
            Some("Fix the errors in the settings before sending.")
        } else if !self.unresolved_secrets().is_empty() {
            Some("An encrypted setting in a list you changed still holds the mask Graph returned: reveal it or type it again, or sending would replace the secret with the mask.")
        } else if !matches!(self.origin, Origin::Graph { .. }) {
            Some("This draft is not linked to an object in Graph: it is for validation and export only.")
        } else if !has_credential {
            Some("Sign in or paste an access token to send.")
        } else {
            None
        }
    }

    /// Validates the draft and works out the patch again: after every change of the draft or of
    /// what it is compared with.
    fn revalidate(&mut self) {
        let value = self.draft_value();
        self.revalidate_as(&value);
    }

    /// The same, for a draft whose value is `value`.
    fn revalidate_as(&mut self, value: &Value) {
        let mut problems = validate_as(self.schema(), self.type_id, value, Mode::Object);
        self.put = None;
        self.settings_update = false;
        if self.has_module_settings() {
            // Its settings are the catalog module's to judge, and sent with PUT (a settings
            // catalog policy) or updateSettings (an intent: only the settings that changed).
            problems.retain(|p| {
                !(p.code == policy_core::Code::NavigationProperty && p.path.as_str() == "settings")
            });
            if let (Some(loaded), true) = (&self.loaded, self.is_intent()) {
                self.settings_update =
                    !policy_core::patch::json_eq(&loaded["settings"], &value["settings"]);
            } else if let Some(loaded) = &self.loaded {
                if policy_core::patch::settings_changed(loaded, value) {
                    self.put = policy_core::patch::put_body(self.schema(), self.type_id, value)
                        .ok()
                        .map(Shared::new);
                }
            }
        }
        self.problems = Shared::new(Problems::new(problems, Some(&self.problems)));
        self.patch = self
            .loaded
            .as_ref()
            .map(|loaded| Rc::new(diff(self.schema(), loaded, value)));
    }

    /// A document of an object just loaded from Graph, with a draft equal to it: the object is
    /// copied once (into the draft), not three times, which a 500-setting list feels.
    pub fn from_loaded(
        api: ApiVersion,
        type_id: TypeId,
        origin: Origin,
        loaded: Value,
    ) -> Document {
        let draft = Draft::from_value(&loaded);
        let loaded = Shared::new(loaded);
        let mut doc = Document::unchecked(api, type_id, origin, Some(loaded.clone()), draft);
        // The draft equals the object: validate and diff the object itself.
        doc.revalidate_as(&loaded);
        doc
    }

    pub fn new(
        api: ApiVersion,
        type_id: TypeId,
        origin: Origin,
        loaded: Option<Value>,
        draft: &Value,
    ) -> Document {
        let draft = Draft::from_value(draft);
        let mut doc = Document::unchecked(api, type_id, origin, loaded.map(Shared::new), draft);
        doc.revalidate();
        doc
    }

    /// The fields, before validation has run (the constructors run it).
    fn unchecked(
        api: ApiVersion,
        type_id: TypeId,
        origin: Origin,
        loaded: Option<Shared<Value>>,
        draft: Draft,
    ) -> Document {
        let mut doc = Document {
            api,
            type_id,
            origin,
            loaded,
            draft,
            problems: Shared::default(),
            server_messages: Shared::new(Vec::new()),
            revision: 0,
            patch: None,
            revealed: Shared::new(HashMap::new()),
            masks: Shared::default(),
            catalog_errors: 0,
            put: None,
            settings_update: false,
        };
        doc.refresh_masks();
        doc
    }
}

/// Everything that changes the editor's document.
#[derive(Debug)]
pub enum Action {
    Open(Box<Document>),
    /// A top-level property's new value (`None` removes it).
    Edit {
        property: String,
        value: Option<Value>,
    },
    /// The user threw the draft away: back to what was loaded.
    DiscardDraft,
    /// Graph accepted the change and returned the object afresh. `sent` is the draft as it
    /// was sent: edits made since (while the request was in flight) stay on top of `fresh`.
    Saved {
        fresh: Value,
        sent: Value,
    },
    /// Graph now holds `current`, changed by someone else: rebase the user's changes on it.
    Rebase(Value),
    /// Compare a file's or a new draft's content with the object Graph holds.
    Compare {
        target: Target,
        loaded: Value,
    },
    ServerMessages(Vec<(FieldPath, String)>),
    /// One property back as it was loaded (its row's "Revert" in the review).
    Revert(String),
    /// The plain value of an encrypted setting, fetched at the user's request.
    Revealed {
        reference: String,
        plain: String,
    },
    /// The catalog module's count of errors in a settings catalog policy's `settings`.
    CatalogErrors(usize),
    Close,
}

/// The editor's state: at most one open document.
#[derive(Debug, Clone, Default)]
pub struct EditorState {
    pub doc: Option<Document>,
}

impl Reducible for EditorState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Open(doc) => next.doc = Some(*doc),
            Action::Close => next.doc = None,
            Action::Edit { property, value } => {
                if let Some(doc) = next.doc.as_mut() {
                    doc.draft.set(&property, value);
                    doc.revision += 1;
                    doc.revalidate();
                }
            }
            Action::DiscardDraft => {
                if let Some(doc) = next.doc.as_mut() {
                    if let Some(loaded) = &doc.loaded {
                        doc.draft = Draft::from_value(loaded);
                        doc.revision += 1;
                        doc.server_messages = Shared::new(Vec::new());
                        doc.revalidate();
                    }
                }
            }
            Action::Saved { fresh, sent } => {
                if let Some(doc) = next.doc.as_mut() {
                    let now = doc.draft_value();
                    let mut draft = Draft::from_value(&fresh);
                    let (empty_now, empty_sent) = (Map::new(), Map::new());
                    let now_map = now.as_object().unwrap_or(&empty_now);
                    let sent_map = sent.as_object().unwrap_or(&empty_sent);
                    for key in now_map.keys().chain(sent_map.keys()) {
                        let (a, b) = (now_map.get(key), sent_map.get(key));
                        let same = match (a, b) {
                            (Some(a), Some(b)) => policy_core::patch::json_eq(a, b),
                            (None, None) => true,
                            _ => false,
                        };
                        if !same {
                            draft.set(key, a.cloned());
                        }
                    }
                    doc.draft = draft;
                    doc.loaded = Some(Shared::new(fresh));
                    doc.refresh_masks();
                    doc.server_messages = Shared::new(Vec::new());
                    doc.revision += 1;
                    doc.revalidate();
                }
            }
            Action::Rebase(current) => {
                if let Some(doc) = next.doc.as_mut() {
                    let mine = doc.patch().and_then(|p| p.as_ref().ok()).cloned();
                    let mut draft = Draft::from_value(&current);
                    for change in mine.iter().flat_map(|p| p.changes()) {
                        draft.set(&change.property, Some(change.new.clone()));
                    }
                    // An intent's changed settings go on top of theirs, one by one.
                    if let (true, Some(loaded)) = (doc.settings_update, &doc.loaded) {
                        let settings = crate::module_settings::rebased_settings(
                            &current,
                            &loaded.0,
                            &doc.draft_value(),
                        );
                        draft.set("settings", Some(settings));
                    }
                    // Changed settings of a settings catalog policy go on top whole.
                    if doc.put.is_some() {
                        draft.set(
                            "settings",
                            doc.draft.get("settings").map(|s| (*s.0).clone()),
                        );
                    }
                    doc.draft = draft;
                    doc.loaded = Some(Shared::new(current));
                    doc.refresh_masks();
                    doc.revision += 1;
                    doc.revalidate();
                }
            }
            Action::Compare { target, loaded } => {
                if let Some(doc) = next.doc.as_mut() {
                    doc.origin = Origin::Graph { target };
                    doc.loaded = Some(Shared::new(loaded));
                    doc.refresh_masks();
                    doc.revision += 1;
                    doc.revalidate();
                }
            }
            Action::ServerMessages(messages) => {
                if let Some(doc) = next.doc.as_mut() {
                    doc.server_messages = Shared::new(messages);
                }
            }
            Action::Revert(property) => {
                if let Some(doc) = next.doc.as_mut() {
                    let before = doc
                        .loaded
                        .as_ref()
                        .and_then(|l| l.0.get(&property).cloned());
                    doc.draft.set(&property, before);
                    doc.revision += 1;
                    doc.revalidate();
                }
            }
            Action::CatalogErrors(n) => {
                if let Some(doc) = next.doc.as_mut() {
                    doc.catalog_errors = n;
                }
            }
            Action::Revealed { reference, plain } => {
                if let Some(doc) = next.doc.as_mut() {
                    let mut revealed = (*doc.revealed.0).clone();
                    revealed.insert(reference, plain);
                    doc.revealed = Shared::new(revealed);
                    doc.revision += 1;
                }
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
