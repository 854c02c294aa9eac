//! The app's async work: load, list, send, retry, reveal, compare, open a stored draft or a
//! file. Each reads the state as it is when it starts ([`Ctx::state`]) and reports only through
//! [`AppAction`]s, which the reducer applies to the state as it is when they arrive: nothing
//! here writes back a copy taken before an `await`.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use policy_core::endpoint::{ObjectId, Target};
use policy_core::model::ApiVersion;
use policy_core::patch::diff;
use serde_json::{json, Value};
use yew::prelude::*;

use super::docs::{document_from_saved, object_key, type_of};
use super::store::{changed_elsewhere, AppAction, AppState, Conflict, Op, SENDING};
use crate::drafts::{self, SavedDraft};
use crate::net::{catalog_module, ApiError, Connection};
use crate::schemas::schema;
use crate::state::{Action, Document, Origin};
use crate::util::now_seconds;

/// How long a load may take before the page says it is working on it.
const LOAD_BUSY_AFTER_MS: u32 = 300;

/// What async work reports through: the store's dispatcher, and the state as last rendered.
#[derive(Clone)]
pub struct Ctx {
    pub dispatch: UseReducerDispatcher<AppState>,
    pub latest: Rc<RefCell<UseReducerHandle<AppState>>>,
}

impl Ctx {
    /// The state now (as last rendered), read when a piece of work starts.
    pub fn state(&self) -> UseReducerHandle<AppState> {
        self.latest.borrow().clone()
    }

    pub fn send(&self, action: AppAction) {
        self.dispatch.dispatch(action);
    }

    pub fn doc(&self, action: Action) {
        self.send(AppAction::Doc(action));
    }

    pub fn info(&self, message: impl Into<String>) {
        self.send(AppAction::Info(Some(message.into())));
    }

    /// Reports that the loaded schemas changed, so what lists types renders again.
    pub fn schema_loaded(&self) {
        self.send(AppAction::SchemaRev(crate::schemas::revision()));
    }

    fn fail(&self, action: &str, op: Op, attempt: u32, error: ApiError) {
        self.send(AppAction::Failed {
            action: action.to_string(),
            op,
            attempt,
            error,
            now: now_seconds(),
        });
    }

    /// The connection the settings make now; says why in the page when they make none.
    pub fn connection(&self) -> Option<Connection> {
        match self.state().settings.connection() {
            Ok(c) => Some(c),
            Err(e) => {
                self.info(format!("The Graph base URL is not usable: {e}."));
                None
            }
        }
    }

    /// Loads what a form of `type_name` needs (see `schemas`); says why when it cannot.
    pub async fn ensure_type(&self, api: ApiVersion, type_name: &str) -> bool {
        let result = crate::net::ensure_type(api, type_name).await;
        self.schema_loaded();
        match result {
            Ok(()) => true,
            Err(e) => {
                self.info(format!("Cannot open this form: {e}."));
                false
            }
        }
    }

    /// Runs `op` with the connection the settings make now.
    pub fn run(&self, op: Op, attempt: u32) {
        if let Some(conn) = self.connection() {
            self.run_with(op, attempt, conn);
        }
    }

    /// The same with a connection in hand (start-up has it before the page shows it).
    pub fn run_with(&self, op: Op, attempt: u32, conn: Connection) {
        // A reload of this page (whose URL names the base) keeps a custom base the user used.
        crate::session::remember_used_base(&conn.base);
        self.send(AppAction::Running);
        let ctx = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match op {
                Op::Load { target, set } => ctx.load(conn, target, set, attempt).await,
                Op::List { url, append } => ctx.list_page(conn, url, append, attempt).await,
                Op::Send => ctx.send_change(conn, attempt).await,
            }
        });
    }

    /// GETs an object and opens it (or the user's stored draft of it).
    pub async fn load(&self, conn: Connection, target: Target, set: String, attempt: u32) {
        for action in self.loaded(conn, target, set, attempt).await {
            self.send(action);
        }
    }

    /// The same, as the actions to dispatch together (one render for all of them: start-up
    /// renders the page once, with the linked form).
    pub async fn loaded(
        &self,
        conn: Connection,
        target: Target,
        set: String,
        attempt: u32,
    ) -> Vec<AppAction> {
        // "Working…" only when the answer is slow to come: showing it at once would render the
        // page again while a fast answer is already on its way.
        let dispatch = self.dispatch.clone();
        let _slow = Timeout::new(LOAD_BUSY_AFTER_MS, move || {
            dispatch.dispatch(AppAction::Busy(true))
        });
        crate::bench_hooks::mark("object-asked");
        // A settings catalog policy's editor starts loading with the policy, not after it.
        if matches!(&target, Target::Member { set, .. } if set == policy_core::patch::CONFIGURATION_POLICIES)
        {
            crate::net::catalog_module::start(false);
        }
        let v = match conn.get_object(&target).await {
            Ok(v) => v,
            Err(e) => {
                return vec![AppAction::Failed {
                    action: "Loading the object".into(),
                    op: Op::Load { target, set },
                    attempt,
                    error: e,
                    now: now_seconds(),
                }]
            }
        };
        crate::bench_hooks::mark("object-in");
        let mut out = vec![AppAction::Busy(false)];
        // The object's own type (it may derive from the one the link named), else the
        // collection's declared type, which only the whole version lists.
        let name = match v.get("@odata.type").and_then(Value::as_str) {
            Some(t) => Some(t.to_string()),
            None => {
                let _ = crate::net::ensure_catalog(conn.api).await;
                crate::schemas::catalog(conn.api).and_then(|c| c.set_type(&set).map(str::to_string))
            }
        };
        if let Some(name) = &name {
            let result = crate::net::ensure_type(conn.api, name).await;
            out.push(AppAction::SchemaRev(crate::schemas::revision()));
            if let Err(e) = result {
                out.push(AppAction::Info(Some(format!(
                    "Cannot open this form: {e}."
                ))));
                return out;
            }
        }
        let Some(type_id) = type_of(conn.api, &v, &set) else {
            out.push(AppAction::Info(Some(
                "Graph returned an object of a type this editor does not know in this API version."
                    .into(),
            )));
            return out;
        };
        let origin = Origin::Graph {
            target: target.clone(),
        };
        let doc = Document::from_loaded(conn.api, type_id, origin, v);
        let key = drafts::key(conn.base.as_str(), conn.api.as_str(), &object_key(&doc));
        let saved = drafts::load_for(&key);
        if let Some(d) = &saved {
            if !crate::schemas::has_type(conn.api, &d.type_name) {
                let _ = crate::net::ensure_type(conn.api, &d.type_name).await;
            }
        }
        out.push(AppAction::Others(drafts::others_editing(&key)));
        let doc = match saved.and_then(|d| document_from_saved(&d).map(|doc| (d, doc))) {
            Some((saved, restored)) => {
                let when = js_sys::Date::new(&saved.saved_at.into())
                    .to_locale_string("default", &json!({}).to_string().into());
                out.push(AppAction::Info(Some(format!("Your unsaved changes from {} were restored. Use \"Discard draft\" to drop them.", String::from(when)))));
                restored
            }
            None => doc,
        };
        let t = doc.schema().get(doc.type_id).short_name().to_string();
        let id = match &target {
            Target::Member { id, .. } => Some(id.as_str().to_string()),
            _ => None,
        };
        // The connection's own base: the one that answered.
        super::layout::go_to(&crate::session::link_query_for(
            &conn.base,
            conn.api,
            Some(&t),
            id.as_deref(),
        ));
        out.push(AppAction::Conflict(None));
        out.push(AppAction::Doc(Action::Open(Box::new(doc))));
        out
    }

    async fn list_page(&self, conn: Connection, url: String, append: bool, attempt: u32) {
        self.send(AppAction::ListLoading);
        match conn.list_page(&url).await {
            Ok(page) => self.send(AppAction::ListPage {
                items: page.items,
                next: page.next,
                append,
            }),
            Err(e) => {
                self.send(AppAction::ListFailed);
                self.fail("Listing objects", Op::List { url, append }, attempt, e);
            }
        }
    }

    /// Re-reads the object, stops on a change by someone else, PATCHes, and reloads.
    async fn send_change(&self, conn: Connection, attempt: u32) {
        let state = self.state();
        let Some(doc) = state.doc().cloned() else {
            return;
        };
        let Origin::Graph { target } = doc.origin.clone() else {
            return;
        };
        let Some(Ok(patch)) = doc.patch().cloned() else {
            return;
        };
        // A settings catalog policy whose settings changed is written whole (PUT); an intent's
        // changed settings go by updateSettings, after the PATCH of its own properties.
        let put = doc.put().map(|b| (*b.0).clone());
        let Some(loaded) = doc.loaded.clone() else {
            return;
        };
        let draft = doc.draft_value();
        let update = match doc.settings_update() {
            true => match catalog_module::update_body(&loaded.0, &draft) {
                Some(body) => Some(body),
                None => return self.info(
                    "Nothing was sent: the settings editor has not loaded yet. Your draft is kept.",
                ),
            },
            false => None,
        };
        if patch.is_empty() && put.is_none() && update.is_none() {
            return;
        }
        let applied_in = |current: &Value| match &put {
            Some(body) => policy_core::patch::put_applied_in(body, current),
            // An intent whose settings alone changed has an empty patch.
            None => {
                (patch.is_empty() || patch.is_applied_in(current))
                    && (update.is_none() || updates_nothing(current, &draft))
            }
        };
        let key = drafts::key(conn.base.as_str(), conn.api.as_str(), &target.path());
        self.send(AppAction::Busy(true));
        // Someone may have changed the object since it was loaded: look before overwriting.
        match conn.get_object(&target).await {
            // An earlier attempt whose answer was lost (a 5xx, a timeout, a dropped connection)
            // went through: it is not sent twice.
            Ok(current) if changed_elsewhere(&loaded, &current) && applied_in(&current) => {
                drafts::remove_mine(&key);
                self.send(AppAction::Busy(false));
                self.doc(Action::Saved {
                    fresh: current,
                    sent: doc.draft_value(),
                });
                self.info("Saved: the earlier attempt had reached Graph (its answer was lost), so nothing was sent twice.");
                return;
            }
            Ok(current) if changed_elsewhere(&loaded, &current) => {
                self.send(AppAction::Busy(false));
                let changes = diff(doc.schema(), &loaded, &current)
                    .map(|p| p.changes().to_vec())
                    .unwrap_or_default();
                self.send(AppAction::Conflict(Some(Conflict { current, changes })));
                return;
            }
            Ok(_) => {}
            Err(e) => return self.fail("Checking the object before sending", Op::Send, attempt, e),
        }
        let sent = match &put {
            Some(body) => conn.put(&target, body).await,
            None => match conn.patch(&target, &patch, &doc.masks, &doc.revealed).await {
                Ok(_) => match &update {
                    Some(body) => conn.update_settings(&target, body).await,
                    None => Ok(()),
                },
                Err(e) => Err(e),
            },
        };
        if let Err(e) = sent {
            return self.fail(SENDING, Op::Send, attempt, e);
        }
        match conn.get_object(&target).await {
            Ok(fresh) => {
                drafts::remove_mine(&key);
                // Someone else's change that landed between the re-read and the PATCH: kept
                // (Graph applied both), and said, so nobody believes the form is only theirs.
                let mine: Vec<&str> = patch
                    .changes()
                    .iter()
                    .map(|c| c.property.as_str())
                    .collect();
                let theirs: Vec<String> = diff(doc.schema(), &loaded, &fresh)
                    .map(|p| {
                        p.changes()
                            .iter()
                            .map(|c| c.property.clone())
                            // Graph moves the concurrency stamps on every write, ours too.
                            .filter(|c| !mine.contains(&c.as_str()) && c != "version")
                            .collect()
                    })
                    .unwrap_or_default();
                self.send(AppAction::Busy(false));
                self.doc(Action::Saved {
                    fresh,
                    sent: doc.draft_value(),
                });
                let n = patch.changes().len() + usize::from(put.is_some() || update.is_some());
                let mut message = format!(
                    "Saved: {n} propert{} changed.",
                    if n == 1 { "y" } else { "ies" }
                );
                if !theirs.is_empty() {
                    message.push_str(&format!(
                        " Someone else changed {} at the same time; the form now shows their values.",
                        theirs.join(", ")
                    ));
                }
                self.info(message);
            }
            Err(e) => {
                // The change is in; only the reload failed.
                self.send(AppAction::Busy(false));
                self.doc(Action::Saved {
                    fresh: doc.draft_value(),
                    sent: doc.draft_value(),
                });
                self.send(AppAction::Error(Some((
                    "The change was saved, but reloading the object".into(),
                    e,
                ))));
            }
        }
    }

    /// Asks Graph for an encrypted setting's plain value, kept in the document's memory only.
    pub fn reveal(&self, conn: Connection, target: Target, reference: String) {
        let ctx = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match conn.reveal_secret(&target, &reference).await {
                Ok(plain) => ctx.doc(Action::Revealed { reference, plain }),
                Err(e) => ctx.send(AppAction::Error(Some((
                    "Revealing the encrypted value".into(),
                    e,
                )))),
            }
        });
    }

    /// Loads the object a file or a new draft names by its id, to compare with (and send to).
    pub fn compare(&self, set: String, id: String) {
        let Ok(oid) = ObjectId::parse(&id) else {
            return;
        };
        let Some(conn) = self.connection() else {
            return;
        };
        let target = Target::Member { set, id: oid };
        let ctx = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match conn.get_object(&target).await {
                Ok(loaded) => ctx.doc(Action::Compare { target, loaded }),
                Err(e) => ctx.send(AppAction::Error(Some((
                    "Loading the object to compare with".into(),
                    e,
                )))),
            }
        });
    }

    /// Opens a stored draft once its type's schema is in.
    pub fn open_saved(&self, d: SavedDraft) {
        let ctx = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let Some(api) = ApiVersion::parse(&d.api) else {
                return;
            };
            // A draft that cannot be opened (its type is not in this version's schema, or the
            // schema cannot be loaded offline) stays stored and listed: nothing is deleted.
            if ctx.ensure_type(api, &d.type_name).await {
                match document_from_saved(&d) {
                    Some(doc) => {
                        let d = drafts::adopt(d);
                        ctx.send(AppAction::Others(drafts::others_editing(&d.object_key())));
                        ctx.doc(Action::Open(Box::new(doc)));
                    }
                    None => ctx.info("This draft could not be restored; it stays stored: export it from the list of drafts."),
                }
            }
        });
    }

    /// A new, empty draft of `type_name`.
    pub fn new_draft(&self, api: ApiVersion, type_name: String) {
        let ctx = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if !ctx.ensure_type(api, &type_name).await {
                return;
            }
            let s = schema(api);
            let Some(t) = s.find(&type_name) else {
                return;
            };
            let draft = json!({ "@odata.type": s.get(t).odata_type() });
            let origin = Origin::New {
                key: drafts::unique(),
            };
            ctx.doc(Action::Open(Box::new(Document::new(
                api, t, origin, None, &draft,
            ))));
        });
    }

    /// Opens a JSON file as a draft for validation; a list response opens its first object.
    pub fn open_file(&self, api: ApiVersion, name: &str, text: &str) {
        if let Some(err) = text.strip_prefix('\u{0}') {
            return self.info(format!("{name} could not be read: {err}."));
        }
        let value: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
            Ok(v) => v,
            Err(e) => {
                return self.info(format!(
                    "{name} is not valid JSON (line {}, column {}): {e}.",
                    e.line(),
                    e.column()
                ))
            }
        };
        let object = match value.get("value").and_then(Value::as_array) {
            Some(items) if value.get("@odata.type").is_none() => match items.first() {
                Some(first) => first.clone(),
                None => return self.info(format!("{name} is an empty list.")),
            },
            _ => value,
        };
        let unknown = format!("{name} does not say its type with a known \"@odata.type\" in the {api} API; choose the other API version or add it.");
        let Some(type_name) = object
            .get("@odata.type")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            return self.info(unknown);
        };
        let ctx = self.clone();
        let name = name.to_string();
        wasm_bindgen_futures::spawn_local(async move {
            let loaded = crate::net::ensure_type(api, &type_name).await;
            ctx.schema_loaded();
            if let Err(e @ crate::net::SchemaError::Unavailable { .. }) = &loaded {
                return ctx.info(format!("Cannot open {name}: {e}."));
            }
            let Some(t) = loaded.ok().and_then(|_| schema(api).find(&type_name)) else {
                return ctx.info(unknown);
            };
            ctx.info(format!("Opened {name} for offline validation."));
            let origin = Origin::File {
                name,
                key: drafts::unique(),
            };
            ctx.doc(Action::Open(Box::new(Document::new(
                api, t, origin, None, &object,
            ))));
        });
    }
}

/// True when `current` (an intent as Graph holds it now) already holds every setting of `draft`.
fn updates_nothing(current: &Value, draft: &Value) -> bool {
    catalog_module::update_body(current, draft)
        .is_some_and(|b| b["settings"].as_array().is_none_or(Vec::is_empty))
}
