//! The top level: connection, browsing, the open document and everything that talks to Graph
//! on its behalf (load, list, the concurrency check, send, retries), and the drafts kept for it.

use crate::schemas::schema;
use gloo_timers::callback::Timeout;
use policy_core::endpoint::{ObjectId, Target};
use policy_core::graph_error::backoff_seconds;
use policy_core::label::label;
use policy_core::model::{short_name, ApiVersion, TypeId};
use policy_core::patch::{diff, json_eq, Change};
use serde_json::{json, Value};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::api::{ApiError, Connection};
use crate::clipboard::download_json;
use crate::components::connection_panel::ConnectionPanel;
use crate::components::error_view::ErrorView;
use crate::components::form_view::FormView;
use crate::components::object_browser::ObjectBrowser;
use crate::components::problem_summary::ProblemSummary;
use crate::components::review_panel::{change_rows, ReviewPanel};
use crate::components::secret_field::Secrets;
use crate::drafts::{self, SavedDraft};
use crate::session::{link_query, page_link, Settings};
use crate::state::{Action, Document, EditorState, Origin, Shared};
use crate::util::now_seconds;

/// A request to repeat after a wait (429, 503, 504).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Load { target: Target, set: String },
    List { url: String, append: bool },
    Send,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Retry {
    pub op: Op,
    pub action: String,
    pub seconds: u64,
    pub attempt: u32,
    /// The PATCH got an answer that does not say whether it was applied (a 5xx): the retry
    /// re-reads the object first and sends again only if the change is not there.
    pub possibly_applied: bool,
}

/// Someone else changed the object since it was loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub current: Value,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListState {
    pub set: String,
    pub items: Shared<Vec<Value>>,
    pub next: Option<String>,
    pub loading: bool,
}

/// The action name of a PATCH, which may have been applied when its answer is a 5xx.
const SENDING: &str = "Sending the change";

/// How long after the last edit its draft is written to localStorage.
const DRAFT_SAVE_DELAY_MS: u32 = 250;

/// Writes the draft waiting to be saved, if any; a refusal (storage full or blocked) shows as
/// a warning that stays until a draft is saved again. The page goes on working in memory.
fn flush_draft(warning: &UseStateHandle<Option<String>>) {
    match drafts::flush_pending() {
        Some(Err(e)) => warning.set(Some(e)),
        Some(Ok(())) if warning.is_some() => warning.set(None),
        _ => {}
    }
}

/// How long a load may take before the page says it is working on it.
const LOAD_BUSY_AFTER_MS: u32 = 300;

/// The retries before an error is shown instead.
const MAX_ATTEMPTS: u32 = 5;

/// What the draft is saved under: the Graph path, the file or the new type.
fn object_key(doc: &Document) -> String {
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
fn draft_key(settings: &Settings, doc: &Document) -> String {
    drafts::key(
        &settings.base().map(|b| b.to_string()).unwrap_or_default(),
        doc.api.as_str(),
        &object_key(doc),
    )
}

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

/// True when Graph's copy moved on since `loaded`: another version or modification time.
pub fn changed_elsewhere(loaded: &Value, current: &Value) -> bool {
    let stamps = ["lastModifiedDateTime", "version"];
    if stamps
        .iter()
        .any(|k| loaded.get(k).is_some() || current.get(k).is_some())
    {
        stamps.iter().any(|k| {
            !json_eq(
                loaded.get(k).unwrap_or(&Value::Null),
                current.get(k).unwrap_or(&Value::Null),
            )
        })
    } else {
        !json_eq(loaded, current)
    }
}

/// The type of a loaded object: its own `@odata.type`, else the entry set's declared type.
fn type_of(api: ApiVersion, v: &Value, set: &str) -> Option<TypeId> {
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

fn replace_url(query: &str) {
    if let Some(w) = web_sys::window() {
        if let Ok(h) = w.history() {
            let path = w.location().pathname().unwrap_or_default();
            let _ = h.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("{path}{query}")),
            );
        }
    }
}

/// The handles async work reports back through.
#[derive(Clone)]
struct Handles {
    settings: UseStateHandle<Settings>,
    editor: UseReducerHandle<EditorState>,
    list: UseStateHandle<ListState>,
    error: UseStateHandle<Option<(String, ApiError)>>,
    info: UseStateHandle<Option<String>>,
    busy: UseStateHandle<bool>,
    retry: UseStateHandle<Option<Retry>>,
    conflict: UseStateHandle<Option<Conflict>>,
    /// `schemas::revision()` as last seen: set after each schema load so what lists types renders.
    schema_rev: UseStateHandle<u32>,
    /// Other open tabs of this browser with a draft of the open object.
    others: UseStateHandle<usize>,
}

impl Handles {
    /// Shows an error, or schedules a retry when Graph asked for one and attempts remain.
    fn fail(&self, action: &str, op: Op, attempt: u32, e: ApiError) {
        self.busy.set(false);
        if let ApiError::Graph(g) = &e {
            if g.is_retryable() && attempt < MAX_ATTEMPTS {
                // The whole wait the service asked for, however long: retrying sooner only
                // earns another 429. The countdown shows it and can be cancelled.
                let seconds = g
                    .retry_after
                    .map(|r| r.delay_seconds(now_seconds()))
                    .unwrap_or_else(|| backoff_seconds(attempt));
                self.retry.set(Some(Retry {
                    op,
                    action: action.to_string(),
                    seconds,
                    attempt: attempt + 1,
                    possibly_applied: action == SENDING && g.status >= 500,
                }));
                return;
            }
            if g.status == 400 {
                self.editor
                    .dispatch(Action::ServerMessages(g.field_messages()));
            }
        }
        // Only the user can renew this sign-in: the panel offers "Sign in again" (never a loop).
        if let ApiError::SignIn { again: true, .. } = &e {
            let mut s = (*self.settings).clone();
            s.sign_in.needs_interaction = true;
            self.settings.set(s);
        }
        self.error.set(Some((action.to_string(), e)));
    }

    /// Loads what a form of `type_name` needs (see `schemas`); says why in the page when it
    /// cannot.
    async fn ensure_type(&self, api: ApiVersion, type_name: &str) -> bool {
        let result = crate::api::ensure_type(api, type_name).await;
        self.schema_rev.set(crate::schemas::revision());
        match result {
            Ok(()) => true,
            Err(e) => {
                self.info.set(Some(format!("Cannot open this form: {e}.")));
                false
            }
        }
    }

    /// Opens a stored draft once its type's schema is in.
    fn open_saved(&self, d: SavedDraft) {
        let h = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let Some(api) = ApiVersion::parse(&d.api) else {
                return;
            };
            // A draft that cannot be opened (its type is not in this version's schema, or the
            // schema cannot be loaded offline) stays stored and listed: nothing is deleted.
            if h.ensure_type(api, &d.type_name).await {
                match document_from_saved(&d) {
                    Some(doc) => {
                        let d = drafts::adopt(d);
                        h.others.set(drafts::others_editing(&d.object_key()));
                        h.editor.dispatch(Action::Open(Box::new(doc)));
                    }
                    None => h.info.set(Some(
                        "This draft could not be restored; it stays stored: export it from the list of drafts.".into(),
                    )),
                }
            }
        });
    }

    fn connection(&self) -> Option<Connection> {
        self.connection_for(&self.settings)
    }

    /// The connection, if the settings make one (nothing said in the page when they do not).
    fn connection_quiet(&self) -> Option<Connection> {
        self.settings.connection().ok()
    }

    /// The connection of `s`; when its Graph base is not usable, says so in the page.
    fn connection_for(&self, s: &Settings) -> Option<Connection> {
        match s.connection() {
            Ok(c) => Some(c),
            Err(e) => {
                self.info
                    .set(Some(format!("The Graph base URL is not usable: {e}.")));
                None
            }
        }
    }

    fn run(&self, op: Op, attempt: u32) {
        let Some(conn) = self.connection() else {
            return;
        };
        self.run_with(op, attempt, conn);
    }

    /// The same with a connection in hand (start-up has it before the page shows it).
    fn run_with(&self, op: Op, attempt: u32, conn: Connection) {
        // A reload of this page (whose URL names the base) keeps a custom base the user used.
        crate::session::remember_used_base(&conn.base);
        let h = self.clone();
        h.retry.set(None);
        h.error.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            match op.clone() {
                Op::Load { target, set } => h.load(conn, target, set, attempt).await,
                Op::List { url, append } => h.list_page(conn, url, append, attempt).await,
                Op::Send => h.send(conn, attempt).await,
            }
        });
    }

    async fn load(&self, conn: Connection, target: Target, set: String, attempt: u32) {
        // "Working…" only when the answer is slow to come: showing it at once would render the
        // page again while a fast answer is already on its way.
        let busy = self.busy.clone();
        let _slow = Timeout::new(LOAD_BUSY_AFTER_MS, move || busy.set(true));
        let op = Op::Load {
            target: target.clone(),
            set: set.clone(),
        };
        crate::bench_hooks::mark("object-asked");
        match conn.get_object(&target).await {
            Ok(v) => {
                crate::bench_hooks::mark("object-in");
                // The object's own type (it may derive from the one the link named), else the
                // collection's declared type, which only the whole version lists.
                let name = match v.get("@odata.type").and_then(Value::as_str) {
                    Some(t) => Some(t.to_string()),
                    None => {
                        let _ = crate::api::ensure_catalog(conn.api).await;
                        crate::schemas::catalog(conn.api)
                            .and_then(|c| c.set_type(&set).map(str::to_string))
                    }
                };
                if let Some(name) = &name {
                    if !self.ensure_type(conn.api, name).await {
                        self.busy.set(false);
                        return;
                    }
                }
                self.busy.set(false);
                let Some(type_id) = type_of(conn.api, &v, &set) else {
                    self.info.set(Some("Graph returned an object of a type this editor does not know in this API version.".into()));
                    return;
                };
                let doc = Document::from_loaded(
                    conn.api,
                    type_id,
                    Origin::Graph {
                        target: target.clone(),
                    },
                    v,
                );
                let key = drafts::key(conn.base.as_str(), conn.api.as_str(), &object_key(&doc));
                let saved = drafts::load_for(&key);
                self.others.set(drafts::others_editing(&key));
                if let Some(d) = &saved {
                    if !crate::schemas::has_type(conn.api, &d.type_name) {
                        let _ = crate::api::ensure_type(conn.api, &d.type_name).await;
                    }
                }
                let doc = match saved.and_then(|d| document_from_saved(&d).map(|doc| (d, doc))) {
                    Some((saved, restored)) => {
                        let when = js_sys::Date::new(&saved.saved_at.into())
                            .to_locale_string("default", &json!({}).to_string().into());
                        self.info.set(Some(format!("Your unsaved changes from {} were restored. Use \"Discard draft\" to drop them.", String::from(when))));
                        restored
                    }
                    None => doc,
                };
                let t = doc.schema().get(doc.type_id).short_name().to_string();
                let id = match &target {
                    Target::Member { id, .. } => Some(id.as_str().to_string()),
                    _ => None,
                };
                // The connection's own base: the settings handle may predate start-up's.
                replace_url(&crate::session::link_query_for(
                    &conn.base,
                    conn.api,
                    Some(&t),
                    id.as_deref(),
                ));
                self.conflict.set(None);
                self.editor.dispatch(Action::Open(Box::new(doc)));
            }
            Err(e) => self.fail("Loading the object", op, attempt, e),
        }
    }

    async fn list_page(&self, conn: Connection, url: String, append: bool, attempt: u32) {
        let mut state = (*self.list).clone();
        state.loading = true;
        self.list.set(state.clone());
        match conn.list_page(&url).await {
            Ok(page) => {
                let mut items = if append {
                    (*state.items.0).clone()
                } else {
                    Vec::new()
                };
                items.extend(page.items);
                self.list.set(ListState {
                    set: state.set,
                    items: Shared::new(items),
                    next: page.next,
                    loading: false,
                });
            }
            Err(e) => {
                state.loading = false;
                self.list.set(state);
                self.fail("Listing objects", Op::List { url, append }, attempt, e);
            }
        }
    }

    async fn send(&self, conn: Connection, attempt: u32) {
        let Some(doc) = self.editor.doc.clone() else {
            return;
        };
        let Origin::Graph { target } = doc.origin.clone() else {
            return;
        };
        let Some(Ok(patch)) = doc.patch().cloned() else {
            return;
        };
        // The revealed secrets go in here, at the last moment, and nowhere else.
        let Some(body) = doc.body_to_send() else {
            return;
        };
        let Some(loaded) = doc.loaded.clone() else {
            return;
        };
        self.busy.set(true);
        // Someone may have changed the object since it was loaded: look before overwriting.
        match conn.get_object(&target).await {
            // An earlier attempt whose answer was lost (a 5xx, a timeout, a dropped connection)
            // went through: it is not sent twice.
            Ok(current)
                if changed_elsewhere(&loaded, &current) && patch.is_applied_in(&current) =>
            {
                self.busy.set(false);
                drafts::remove_mine(&drafts::key(
                    conn.base.as_str(),
                    conn.api.as_str(),
                    &target.path(),
                ));
                self.editor.dispatch(Action::Saved {
                    fresh: current,
                    sent: doc.draft_value(),
                });
                self.info.set(Some(
                    "Saved: the earlier attempt had reached Graph (its answer was lost), so nothing was sent twice.".into(),
                ));
                return;
            }
            Ok(current) if changed_elsewhere(&loaded, &current) => {
                self.busy.set(false);
                let changes = diff(doc.schema(), &loaded, &current)
                    .map(|p| p.changes().to_vec())
                    .unwrap_or_default();
                self.conflict.set(Some(Conflict { current, changes }));
                return;
            }
            Ok(_) => {}
            Err(e) => return self.fail("Checking the object before sending", Op::Send, attempt, e),
        }
        if let Err(e) = conn.patch(&target, &body).await {
            return self.fail(SENDING, Op::Send, attempt, e);
        }
        match conn.get_object(&target).await {
            Ok(fresh) => {
                self.busy.set(false);
                drafts::remove_mine(&drafts::key(
                    conn.base.as_str(),
                    conn.api.as_str(),
                    &target.path(),
                ));
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
                self.editor.dispatch(Action::Saved {
                    fresh,
                    sent: doc.draft_value(),
                });
                let n = patch.changes().len();
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
                self.info.set(Some(message));
            }
            Err(e) => {
                // The change is in; only the reload failed.
                self.busy.set(false);
                self.editor.dispatch(Action::Saved {
                    fresh: doc.draft_value(),
                    sent: doc.draft_value(),
                });
                self.error.set(Some((
                    "The change was saved, but reloading the object".into(),
                    e,
                )));
            }
        }
    }
}

#[component]
pub fn App() -> Html {
    let settings = use_state(|| Settings::initial(&page_link()));
    let editor = use_reducer(EditorState::default);
    let list = use_state(|| ListState {
        set: "deviceManagement/deviceConfigurations".into(),
        ..Default::default()
    });
    let error = use_state_eq(|| None::<(String, ApiError)>);
    let info = use_state(|| None::<String>);
    let busy = use_state_eq(|| false);
    let retry = use_state_eq(|| None::<Retry>);
    let conflict = use_state(|| None::<Conflict>);
    let others = use_state_eq(|| 0usize);
    let warning = use_state_eq(|| None::<String>);
    let schema_rev = use_state_eq(crate::schemas::revision);
    // A link to an object shows its form first: the side panels (connection, browser, drafts)
    // are built once the form is there, or something needs the user's attention, so building
    // them does not hold up the form.
    let side = use_state_eq(|| page_link().type_name.is_none());
    // Start-up has read config.json: a link's custom base still waiting now waits for the user.
    let started = use_state_eq(|| false);
    let h = Handles {
        others: others.clone(),
        settings: settings.clone(),
        editor: editor.clone(),
        list: list.clone(),
        error: error.clone(),
        info: info.clone(),
        busy: busy.clone(),
        retry: retry.clone(),
        conflict: conflict.clone(),
        schema_rev: schema_rev.clone(),
    };

    // Start-up: the host's config.json (a sandbox's demo token), then whatever the link asks.
    {
        let h = h.clone();
        let started = started.clone();
        use_effect_with((), move |_| {
            crate::api::end_early_gets();
            wasm_bindgen_futures::spawn_local(async move {
                crate::bench_hooks::mark("mounted");
                let config = crate::api::load_config().await;
                crate::bench_hooks::mark("config-in");
                let mut s = (*h.settings).clone();
                // Sign-in (MSAL.js) when config.json or the user configured it; finishes a
                // redirect sign-in the page is coming back from.
                s.allow_link_base(&crate::auth::config::allowed_bases(config.as_ref()));
                s.sign_in =
                    crate::auth::start(config.as_ref(), s.cloud, s.base().ok().as_ref()).await;
                crate::bench_hooks::mark("sign-in-ready");
                s.take_demo_token(config.as_ref());
                let link = page_link();
                // A link's custom base waits for the user's yes (`link_base_prompt`): nothing
                // of the link is opened, and nothing is sent, before it.
                let load = match s.link_base {
                    Some(_) => None,
                    None => open_link(&h, &s, link.type_name.as_deref(), link.id.as_deref()).await,
                };
                if crate::api::has_early_get() {
                    // The object's answer is in or nearly (`load_link_early`): it is taken
                    // before the page renders again, and the page renders once, with the form.
                    if let Some((conn, target, set)) = load {
                        h.load(conn, target, set, 0).await;
                    }
                } else if let Some((conn, target, set)) = load {
                    h.run_with(Op::Load { target, set }, 0, conn);
                }
                // One update (one render of the page) for all of it, once the linked object
                // is asked for (then that render overlaps the request) or, after an early
                // request, in.
                h.settings.set(s);
                started.set(true);
                h.schema_rev.set(crate::schemas::revision());
            });
        });
    }

    // The browser's lists (the version's catalog) once the side panels are built: at once
    // without a link, after the linked form otherwise; again when the user picks the other
    // version.
    // A failure shows in the browser panel, with "Try again" (`catalog_tries` counts them).
    let catalog_error = use_state_eq(|| None::<String>);
    let catalog_tries = use_state_eq(|| 0u32);
    {
        let h = h.clone();
        let catalog_error = catalog_error.clone();
        use_effect_with(
            (settings.api, *side, *catalog_tries),
            move |&(api, side, _)| {
                if side {
                    catalog_error.set(None);
                    wasm_bindgen_futures::spawn_local(async move {
                        catalog_error.set(
                            crate::api::ensure_catalog(api)
                                .await
                                .err()
                                .map(|e| e.to_string()),
                        );
                        h.schema_rev.set(crate::schemas::revision());
                    });
                }
            },
        );
    }
    // Memoised like every callback the side panels get: a new one would render them again on
    // every keystroke.
    let on_catalog_retry = {
        let tries = catalog_tries.clone();
        use_callback(*catalog_tries, move |_: (), n| tries.set(n + 1))
    };
    {
        let side = side.clone();
        let waiting = !*side;
        let settled = editor.doc.is_some()
            || error.is_some()
            || info.is_some()
            || retry.is_some()
            || (*started && settings.link_base.is_some());
        use_effect_with((waiting, settled), move |&(waiting, settled)| {
            // Once the form (or a message) is on screen; at the latest after three seconds.
            let timer = waiting
                .then(|| Timeout::new(if settled { 0 } else { 3000 }, move || side.set(true)));
            move || drop(timer)
        });
    }

    // Every edit is written to localStorage a moment after the typing stops, and at once when
    // the page is hidden or closed: a burst of keystrokes costs one write of a large draft. A
    // clean document leaves nothing behind.
    let save_timer = use_mut_ref(|| None::<Timeout>);
    let drafts_changed = use_force_update();
    {
        // Written at once when the page is hidden or closed. This tab says every few seconds
        // that it is alive, so other tabs leave its drafts alone, and learns when another tab
        // stores a draft of the object open here.
        let warning = warning.clone();
        let others = others.clone();
        let open_key = use_mut_ref(|| None::<String>);
        *open_key.borrow_mut() = editor.doc.as_ref().map(|d| draft_key(&settings, d));
        let drafts_changed = drafts_changed.clone();
        use_effect_with((), move |_| {
            drafts::beat();
            let beat = gloo_timers::callback::Interval::new(5_000, drafts::beat);
            let listeners = web_sys::window().map(|w| {
                let hide = gloo_events::EventListener::new(&w, "pagehide", move |_| {
                    flush_draft(&warning);
                    drafts::end_beat();
                });
                let storage = gloo_events::EventListener::new(&w, "storage", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::StorageEvent>() else {
                        return;
                    };
                    let key = e.key().unwrap_or_default();
                    if let Some(open) = open_key.borrow().as_ref() {
                        if key.starts_with(open.as_str()) {
                            others.set(drafts::others_editing(open));
                        }
                    }
                    if key.starts_with("intune-editor.draft|") {
                        drafts_changed.force_update();
                    }
                });
                (hide, storage)
            });
            move || {
                drop(beat);
                drop(listeners);
            }
        });
    }
    {
        let settings = (*settings).clone();
        let warning = warning.clone();
        let save_timer = save_timer.clone();
        let revision = editor.doc.as_ref().map(|d| (d.revision, object_key(d)));
        let doc = editor.doc.clone();
        use_effect_with(revision, move |_| {
            if let Some(doc) = doc {
                if doc.is_dirty() {
                    // Built when written (after the delay, on pagehide, or by the panic hook).
                    let key_settings = settings.clone();
                    drafts::set_pending(Some(Box::new(move || saved_draft(&key_settings, &doc))));
                    *save_timer.borrow_mut() = Some(Timeout::new(DRAFT_SAVE_DELAY_MS, move || {
                        flush_draft(&warning)
                    }));
                } else {
                    drafts::set_pending(None);
                    save_timer.borrow_mut().take();
                    // This tab's draft only: another tab's unsent edits stay.
                    drafts::remove_mine(&draft_key(&settings, &doc));
                }
            }
        });
    }

    // The retry countdown: one tick a second, then the request again.
    {
        let h = h.clone();
        use_effect_with((*retry).clone(), move |r| {
            let timer = r.clone().map(|r| {
                Timeout::new(1000, move || {
                    if r.seconds <= 1 {
                        h.run(r.op.clone(), r.attempt);
                    } else {
                        h.retry.set(Some(Retry {
                            seconds: r.seconds - 1,
                            ..r
                        }));
                    }
                })
            });
            move || drop(timer)
        });
    }

    // The side panels' callbacks keep their identity while what they read is unchanged, so a
    // keystroke in the form does not render the connection and browser panels again.
    let deps = ((*settings).clone(), (*list).clone());
    let on_settings = {
        let settings = settings.clone();
        use_callback((), move |s: Settings, _| {
            crate::auth::keep_for_tab(&s.token, s.keep_token);
            settings.set(s);
        })
    };
    let api = settings.api;
    let on_set = {
        let list = list.clone();
        use_callback((), move |set: String, _| {
            list.set(ListState {
                set,
                ..Default::default()
            })
        })
    };
    let on_list = {
        let h = h.clone();
        use_callback(deps.clone(), move |_: (), _| {
            let Ok(conn) = h.settings.connection() else {
                return;
            };
            h.run(
                Op::List {
                    url: conn.first_page_url(&h.list.set),
                    append: false,
                },
                0,
            );
        })
    };
    let on_more = {
        let h = h.clone();
        use_callback(deps.clone(), move |_: (), _| {
            if let Some(url) = h.list.next.clone() {
                h.run(Op::List { url, append: true }, 0);
            }
        })
    };
    let on_open = {
        let h = h.clone();
        use_callback(
            deps.clone(),
            move |(set, id): (String, String), _| match ObjectId::parse(&id) {
                Ok(id) => h.run(
                    Op::Load {
                        target: Target::Member {
                            set: set.clone(),
                            id,
                        },
                        set,
                    },
                    0,
                ),
                Err(e) => h.info.set(Some(format!("Cannot open this object: {e}."))),
            },
        )
    };
    let on_open_singleton = {
        let h = h.clone();
        use_callback(deps.clone(), move |path: String, _| {
            h.run(
                Op::Load {
                    target: Target::Singleton { path: path.clone() },
                    set: path,
                },
                0,
            )
        })
    };
    let on_file = {
        let h = h.clone();
        use_callback(api, move |(name, text): (String, String), api| {
            open_file(&h, *api, &name, &text)
        })
    };
    let on_new = {
        let h = h.clone();
        use_callback(api, move |type_name: String, api| {
            let api = *api;
            let h = h.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if !h.ensure_type(api, &type_name).await {
                    return;
                }
                let s = schema(api);
                let Some(t) = s.find(&type_name) else {
                    return;
                };
                let draft = json!({ "@odata.type": s.get(t).odata_type() });
                h.editor.dispatch(Action::Open(Box::new(Document::new(
                    api,
                    t,
                    Origin::New {
                        key: drafts::unique(),
                    },
                    None,
                    &draft,
                ))));
            });
        })
    };
    let on_edit = {
        let editor = editor.clone();
        use_callback((), move |(property, value): (String, Option<Value>), _| {
            editor.dispatch(Action::Edit { property, value })
        })
    };
    let on_send = {
        let h = h.clone();
        Callback::from(move |_| h.run(Op::Send, 0))
    };
    let dismiss_error = {
        let error = error.clone();
        Callback::from(move |_| error.set(None))
    };

    // Read from storage only while no document is open, which is when the list shows.
    let (saved, unreadable) = if editor.doc.is_none() {
        flush_draft(&warning);
        drafts::all()
    } else {
        (Vec::new(), Vec::new())
    };
    let forget_all = {
        let drafts_changed = drafts_changed.clone();
        let info = info.clone();
        Callback::from(move |_| {
            drafts::set_pending(None);
            let n = drafts::forget_all();
            info.set(Some(format!(
                "Forgot {n} draft{} on this device.",
                if n == 1 { "" } else { "s" }
            )));
            drafts_changed.force_update();
        })
    };
    let me = drafts::tab_id();
    let saved_list = if !saved.is_empty() || !unreadable.is_empty() {
        html! {
            <section class="panel drafts" aria-labelledby="drafts-title">
                <h2 id="drafts-title">{ "Unsaved drafts" }</h2>
                <ul>
                    { for saved.iter().map(|d| {
                        let open = {
                            let h = h.clone();
                            let d = d.clone();
                            Callback::from(move |_| h.open_saved(d.clone()))
                        };
                        let forget = {
                            let drafts_changed = drafts_changed.clone();
                            let key = d.key();
                            Callback::from(move |_| { drafts::remove(&key); drafts_changed.force_update(); })
                        };
                        let name = d.draft.get("displayName").and_then(Value::as_str).unwrap_or("(no name)").to_string();
                        let whose = if d.tab == me { "" } else { ", another tab" };
                        html! {
                            <li>
                                <button type="button" class="link" onclick={open}>{ format!("{name} — {} ({}, {}{whose})", label(short_name(&d.type_name)), d.api, d.object) }</button>
                                { " " }<button type="button" class="link" onclick={forget}>{ "Discard" }</button>
                            </li>
                        }
                    }) }
                </ul>
                if !unreadable.is_empty() {
                    <h3>{ "Could not be restored" }</h3>
                    <p class="unit">{ "Kept as stored (damaged, or written by a newer version of the editor): export to keep the content." }</p>
                    <ul id="unreadable-drafts">
                        { for unreadable.iter().enumerate().map(|(i, u)| {
                            let export = {
                                let text = u.text.clone();
                                Callback::from(move |_| download_json(&format!("draft-{}.json", i + 1), &text))
                            };
                            let forget = {
                                let drafts_changed = drafts_changed.clone();
                                let key = u.key.clone();
                                Callback::from(move |_| { drafts::remove(&key); drafts_changed.force_update(); })
                            };
                            let what = u.key.trim_start_matches("intune-editor.draft|").to_string();
                            html! {
                                <li>
                                    <span>{ what }</span>{ " " }
                                    <button type="button" class="link" onclick={export}>{ "Export" }</button>{ " " }
                                    <button type="button" class="link" onclick={forget}>{ "Discard" }</button>
                                </li>
                            }
                        }) }
                    </ul>
                }
                <button type="button" id="forget-drafts" onclick={forget_all}>{ "Forget drafts on this device" }</button>
            </section>
        }
    } else {
        html! {}
    };

    html! {
        <>
            <header class="top">
                <h1>{ "Intune configuration editor" }</h1>
                <span class="unit">{ format!("{} · {}", settings.base().map(|b| b.to_string()).unwrap_or_else(|_| "no Graph base".into()), settings.api) }</span>
            </header>
            <main>
                <aside class="side">
                    if *side {
                        <ConnectionPanel settings={(*settings).clone()} on_change={on_settings} />
                        <ObjectBrowser api={api} schema_rev={*schema_rev} catalog_error={(*catalog_error).clone().map(AttrValue::from)} on_catalog_retry={on_catalog_retry} set={AttrValue::from(list.set.clone())} items={list.items.clone()}
                            has_more={list.next.is_some()} loading={list.loading} {on_set} {on_list} {on_more}
                            {on_open} {on_open_singleton} {on_file} {on_new} />
                        { saved_list }
                    } else {
                        <p class="unit" role="status">{ "Opening the linked object…" }</p>
                    }
                </aside>
                <div class="content">
                    if let Some(text) = settings.link_base.as_ref().filter(|_| *started) {
                        { link_base_prompt(&h, text) }
                    }
                    if let Some(w) = &*warning {
                        <div class="conflict" role="alert" id="draft-warning">{ format!("Your draft is not being saved: {w}.") }</div>
                    }
                    if *others > 0 && editor.doc.is_some() {
                        <div class="info" role="status" id="other-tab">{ "This object also has unsent changes in another tab of this browser. Each tab keeps its own draft: sending or discarding here leaves the other tab's alone." }</div>
                    }
                    if let Some(msg) = &*info {
                        <div class="info" role="status" id="info">{ msg }
                            <button type="button" class="link" onclick={{ let info = info.clone(); Callback::from(move |_| info.set(None)) }}>{ "Dismiss" }</button>
                        </div>
                    }
                    if let Some(r) = &*retry {
                        <div class="retry" role="status" id="retry">
                            { format!("{}: Graph asked to wait. Retrying in {} (attempt {} of {MAX_ATTEMPTS}).", r.action, crate::util::wait_text(r.seconds), r.attempt) }
                            if r.possibly_applied { { " The change was possibly applied: the retry checks the object first and sends only if it is not there." } }
                            <button type="button" onclick={{ let retry = retry.clone(); Callback::from(move |_| retry.set(None)) }}>{ "Cancel" }</button>
                        </div>
                    }
                    if let Some((action, e)) = &*error {
                        <ErrorView error={e.clone()} action={AttrValue::from(action.clone())} on_dismiss={dismiss_error} />
                    }
                    if *busy { <p class="busy" role="status">{ "Working…" }</p> }
                    { editor_view(&h, &editor, on_edit, on_send) }
                </div>
            </main>
        </>
    }
}

/// A link named a custom Graph base that neither the host (config.json's `graphBases`) nor this
/// tab vouches for: the page asks before the token goes there, and opens the link only on yes.
fn link_base_prompt(h: &Handles, text: &str) -> Html {
    let current = h
        .settings
        .base()
        .map(|b| b.to_string())
        .unwrap_or_else(|_| "no Graph base".into());
    let ignore = {
        let h = h.clone();
        let current = current.clone();
        Callback::from(move |_| {
            let mut s = (*h.settings).clone();
            s.link_base = None;
            replace_url(&link_query(&s, None, None));
            h.settings.set(s);
            h.info.set(Some(format!(
                "The link's Graph base URL was not used: the editor stays on {current}."
            )));
        })
    };
    let base = match policy_core::endpoint::GraphBase::parse(text) {
        Ok(b) => b,
        Err(e) => {
            return html! {
                <div class="conflict" role="alert" id="link-base">
                    <p>{ format!("This link points the editor at a Graph base URL that is not usable ({e}): ") }<code>{ text.to_string() }</code></p>
                    <p>{ format!("The editor stays on {current}; nothing was sent.") }</p>
                    <button type="button" id="link-base-ignore" onclick={ignore}>{ "Dismiss" }</button>
                </div>
            };
        }
    };
    let accept = {
        let h = h.clone();
        Callback::from(move |_| {
            let mut s = (*h.settings).clone();
            if let Err(e) = s.accept_link_base() {
                h.info
                    .set(Some(format!("The Graph base URL is not usable: {e}.")));
                return;
            }
            let h = h.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let config = crate::api::load_config().await;
                s.take_demo_token(config.as_ref());
                h.settings.set(s.clone());
                let link = page_link();
                if let Some((conn, target, set)) =
                    open_link(&h, &s, link.type_name.as_deref(), link.id.as_deref()).await
                {
                    h.run_with(Op::Load { target, set }, 0, conn);
                }
            });
        })
    };
    html! {
        <div class="conflict" role="alert" id="link-base">
            <h3>{ "This link points the editor at " }<code>{ base.to_string() }</code>{ ": use it?" }</h3>
            <p>{ "Your access token would be sent there. Say yes only if you know and trust this address; until then the editor stays on " }<code>{ current }</code>{ " and nothing is sent." }</p>
            <button type="button" id="link-base-use" onclick={accept}>{ format!("Use {base}") }</button>
            { " " }<button type="button" class="link" id="link-base-ignore" onclick={ignore}>{ "Ignore" }</button>
        </div>
    }
}

/// What a link opens, once its type's schema is in.
enum Linked {
    /// An object to load from Graph.
    Object { target: Target, set: String },
    /// A type stored in a collection, without an id: a new draft.
    NewDraft(TypeId),
}

/// What a link to `type_name` (and `id`) opens in `api`, or what to tell the user.
fn linked(api: ApiVersion, type_name: &str, id: Option<&str>) -> Result<Linked, String> {
    let sch = schema(api);
    let t = sch.find(type_name).ok_or_else(|| {
        format!("The link names a type this editor does not know in {api}: {type_name}.")
    })?;
    let set = sch
        .entry_set_for(t)
        .ok_or_else(|| format!("{type_name} is not stored anywhere the editor can open."))?;
    let target = match (set.collection, id) {
        (true, Some(id)) => Target::Member {
            set: set.path.clone(),
            id: ObjectId::parse(id).map_err(|e| format!("The link's id is not usable: {e}."))?,
        },
        (false, _) => Target::Singleton {
            path: set.path.clone(),
        },
        (true, None) => return Ok(Linked::NewDraft(t)),
    };
    Ok(Linked::Object {
        target,
        set: set.path.clone(),
    })
}

/// Opens what the page's link names: a message, a new draft or a stored draft (offline) at once,
/// or the object's load from Graph (connection, target, set) for the caller to run.
async fn open_link(
    h: &Handles,
    s: &Settings,
    type_name: Option<&str>,
    id: Option<&str>,
) -> Option<(Connection, Target, String)> {
    let type_name = type_name?;
    // The type's pack was asked for before the first render (`api::prefetch`).
    if let Err(e) = crate::api::ensure_type(s.api, type_name).await {
        h.schema_rev.set(crate::schemas::revision());
        h.info.set(Some(match e {
            crate::api::SchemaError::UnknownType { .. } => format!(
                "The link names a type this editor does not know in {}: {type_name}.",
                s.api
            ),
            e => format!("Cannot open the linked form: {e}."),
        }));
        return None;
    }
    crate::bench_hooks::mark("schema-in");
    let (target, set) = match linked(s.api, type_name, id) {
        Ok(Linked::Object { target, set }) => (target, set),
        Ok(Linked::NewDraft(t)) => {
            let draft = json!({ "@odata.type": schema(s.api).get(t).odata_type() });
            h.editor.dispatch(Action::Open(Box::new(Document::new(
                s.api,
                t,
                Origin::New {
                    key: drafts::unique(),
                },
                None,
                &draft,
            ))));
            return None;
        }
        Err(message) => {
            h.info.set(Some(message));
            return None;
        }
    };
    if let Some(doc) = draft_of_link(s, &target).and_then(|d| document_from_saved(&d)) {
        h.info.set(Some(
            "Your unsaved draft of this object was restored.".into(),
        ));
        h.editor.dispatch(Action::Open(Box::new(doc)));
        return None;
    }
    if !s.has_credential() {
        h.info.set(Some(
            "Sign in or paste an access token to load the linked object.".into(),
        ));
        return None;
    }
    h.connection_for(s).map(|conn| (conn, target, set))
}

/// The stored draft of a linked object, which opens instead of the object.
fn draft_of_link(s: &Settings, target: &Target) -> Option<SavedDraft> {
    let base = s.base().map(|b| b.to_string()).unwrap_or_default();
    drafts::load_for(&drafts::key(&base, s.api.as_str(), &target.path()))
}

/// Before the first render, for a link to an object: when the link's settings already hold a
/// token (one kept in this tab, or the sandbox's demo token) and no sign-in is configured and no
/// draft of the object is stored, asks Graph for the object at once, so the answer is on its way
/// while the app mounts; the start-up's own load then takes that answer
/// (`api::Connection::start_early_get`). Anything else leaves the start-up as it is.
pub async fn load_link_early() {
    let link = page_link();
    let Some(type_name) = link.type_name.as_deref() else {
        return;
    };
    let mut s = Settings::initial(&link);
    let config = crate::api::load_config().await;
    s.allow_link_base(&crate::auth::config::allowed_bases(config.as_ref()));
    if s.link_base.is_some() {
        // A base the user has not said yes to: no request before they do.
        return;
    }
    let base = s.base().ok();
    if crate::auth::prepare(config.as_ref(), s.cloud, base.as_ref())
        .1
        .is_some()
    {
        return;
    }
    s.take_demo_token(config.as_ref());
    if !s.has_credential() || crate::api::ensure_type(s.api, type_name).await.is_err() {
        return;
    }
    let Ok(Linked::Object { target, .. }) = linked(s.api, type_name, link.id.as_deref()) else {
        return;
    };
    if draft_of_link(&s, &target).is_none() {
        if let Ok(conn) = s.connection() {
            conn.start_early_get(&target);
        }
    }
}

/// Opens a JSON file as a draft for validation; a list response opens its first object.
fn open_file(h: &Handles, api: ApiVersion, name: &str, text: &str) {
    if let Some(err) = text.strip_prefix('\u{0}') {
        h.info
            .set(Some(format!("{name} could not be read: {err}.")));
        return;
    }
    let value: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
        Ok(v) => v,
        Err(e) => {
            h.info.set(Some(format!(
                "{name} is not valid JSON (line {}, column {}): {e}.",
                e.line(),
                e.column()
            )));
            return;
        }
    };
    let object = match value.get("value").and_then(Value::as_array) {
        Some(items) if value.get("@odata.type").is_none() => match items.first() {
            Some(first) => first.clone(),
            None => return h.info.set(Some(format!("{name} is an empty list."))),
        },
        _ => value,
    };
    let unknown = format!("{name} does not say its type with a known \"@odata.type\" in the {api} API; choose the other API version or add it.");
    let Some(type_name) = object
        .get("@odata.type")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        h.info.set(Some(unknown));
        return;
    };
    let h = h.clone();
    let name = name.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let loaded = crate::api::ensure_type(api, &type_name).await;
        h.schema_rev.set(crate::schemas::revision());
        if let Err(e @ crate::api::SchemaError::Unavailable { .. }) = &loaded {
            h.info.set(Some(format!("Cannot open {name}: {e}.")));
            return;
        }
        let Some(t) = loaded.ok().and_then(|_| schema(api).find(&type_name)) else {
            h.info.set(Some(unknown));
            return;
        };
        h.info
            .set(Some(format!("Opened {name} for offline validation.")));
        h.editor.dispatch(Action::Open(Box::new(Document::new(
            api,
            t,
            Origin::File {
                name,
                key: drafts::unique(),
            },
            None,
            &object,
        ))));
    });
}

fn editor_view(
    h: &Handles,
    editor: &UseReducerHandle<EditorState>,
    on_edit: Callback<(String, Option<Value>)>,
    on_send: Callback<()>,
) -> Html {
    let Some(doc) = editor.doc.as_ref() else {
        return html! {
            <section class="welcome">
                <h2>{ "Start" }</h2>
                <p>{ "Choose the cloud and sign in (or paste an access token), then list a collection and open an object. Without a token you can still open a JSON file or start a new draft: both are validated offline." }</p>
            </section>
        };
    };
    let s = doc.schema();
    let t = s.get(doc.type_id);
    let conn = h.settings.connection().ok();
    let patch = doc.patch_shared();
    let has_credential = conn.as_ref().is_some_and(|c| c.has_credential());
    let blocked = doc.send_blocked(has_credential).map(AttrValue::from);
    let request = match (&doc.origin, conn) {
        (Origin::Graph { target }, Some(c)) => Some((c, target.clone())),
        _ => None,
    };
    let origin = match &doc.origin {
        Origin::Graph { target } => format!("{} · {}", doc.api, target.path()),
        Origin::File { name, .. } => format!("file {name} · {}", doc.api),
        Origin::New { .. } => format!("new draft · {}", doc.api),
    };
    let title = doc
        .draft
        .get("displayName")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| label(t.short_name()));
    let export_draft = {
        // The draft is read when the button is used, not on every render.
        let draft = doc.draft.clone();
        let name = format!("{}.draft.json", t.short_name());
        Callback::from(move |_| {
            download_json(
                &name,
                &serde_json::to_string_pretty(&draft.to_value()).unwrap_or_default(),
            )
        })
    };
    let export_loaded = doc.loaded.clone().map(|l| {
        let name = format!("{}.json", t.short_name());
        Callback::from(move |_| {
            download_json(
                &name,
                &serde_json::to_string_pretty(&*l.0).unwrap_or_default(),
            )
        })
    });
    let discard = {
        let editor = editor.clone();
        let is_graph = matches!(doc.origin, Origin::Graph { .. });
        let key = draft_key(&h.settings, doc);
        Callback::from(move |_| {
            if is_graph {
                editor.dispatch(Action::DiscardDraft);
            } else {
                drafts::set_pending(None);
                drafts::remove_mine(&key);
                editor.dispatch(Action::Close);
            }
        })
    };
    let close = {
        let editor = editor.clone();
        Callback::from(move |_| editor.dispatch(Action::Close))
    };
    let compare = match (
        &doc.origin,
        doc.draft
            .get("id")
            .and_then(|v| v.as_str().map(str::to_string)),
        s.entry_set_for(doc.type_id),
    ) {
        (Origin::File { .. } | Origin::New { .. }, Some(id), Some(set)) if set.collection => {
            let h = h.clone();
            let set = set.path.clone();
            Some(Callback::from(move |_| {
                let Ok(oid) = ObjectId::parse(&id) else {
                    return;
                };
                let Some(conn) = h.connection() else { return };
                let target = Target::Member {
                    set: set.clone(),
                    id: oid,
                };
                let h = h.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match conn.get_object(&target).await {
                        Ok(loaded) => h.editor.dispatch(Action::Compare { target, loaded }),
                        Err(e) => h
                            .error
                            .set(Some(("Loading the object to compare with".into(), e))),
                    }
                });
            }))
        }
        _ => None,
    };
    // Encrypted settings: revealed on request, in this page's memory only.
    let secrets = Secrets {
        masks: doc.masks.clone(),
        revealed: doc.revealed.clone(),
        on_reveal: match (&doc.origin, h.connection_quiet()) {
            (Origin::Graph { target }, Some(conn)) if has_credential => {
                let (h, target) = (h.clone(), target.clone());
                Some(Callback::from(move |reference: String| {
                    let (h, target, conn) = (h.clone(), target.clone(), conn.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        match conn.reveal_secret(&target, &reference).await {
                            Ok(plain) => h.editor.dispatch(Action::Revealed { reference, plain }),
                            Err(e) => h
                                .error
                                .set(Some(("Revealing the encrypted value".into(), e))),
                        }
                    });
                }))
            }
            _ => None,
        },
    };
    let unresolved = doc.unresolved_secrets();
    let secrets_note = (!doc.masks.is_empty()).then(|| {
        html! {
            <p class="unit" id="secrets-note">
                { "This object holds encrypted settings. Graph returns them masked; a list you change is sent whole, so each of its secrets must be revealed or typed again first. Revealed and typed secrets stay in this page's memory: drafts keep Graph's mask." }
                if !unresolved.is_empty() {
                    <strong>{ format!(" Still masked: {}.", unresolved.iter().map(|s| s.path()).collect::<Vec<_>>().join(", ")) }</strong>
                }
            </p>
        }
    });
    let conflict_view = (*h.conflict).clone().map(|c| {
        let rebase = {
            let editor = editor.clone();
            let conflict = h.conflict.clone();
            let current = c.current.clone();
            Callback::from(move |_| {
                editor.dispatch(Action::Rebase(current.clone()));
                conflict.set(None);
            })
        };
        let cancel = {
            let conflict = h.conflict.clone();
            Callback::from(move |_| conflict.set(None))
        };
        html! {
            <div class="conflict" role="alert" id="conflict">
                <h3>{ "Someone else changed this object since you loaded it" }</h3>
                <p>{ "Nothing was sent. Their changes:" }</p>
                { change_rows(&c.changes) }
                <button type="button" id="rebase" onclick={rebase}>{ "Put my changes on top of theirs and review again" }</button>
                <button type="button" class="link" onclick={cancel}>{ "Cancel" }</button>
            </div>
        }
    });
    html! {
        <section class="editor" aria-labelledby="doc-title" data-type={t.name.clone()}>
            <div class="doc-head">
                <h2 id="doc-title">{ title }</h2>
                <p class="unit">{ format!("{} ({}) · {origin}", label(t.short_name()), t.short_name()) }</p>
                <div class="actions">
                    <button type="button" onclick={export_draft}>{ "Export draft as JSON" }</button>
                    if let Some(onclick) = export_loaded { <button type="button" {onclick}>{ "Export loaded object" }</button> }
                    if let Some(onclick) = compare { <button type="button" {onclick}>{ "Compare with the object in Graph" }</button> }
                    if doc.is_dirty() { <button type="button" id="discard-draft" onclick={discard}>{ "Discard draft" }</button> }
                    <button type="button" class="link" onclick={close}>{ "Close" }</button>
                </div>
            </div>
            <ProblemSummary problems={doc.problems.clone()} />
            { for secrets_note }
            { for conflict_view }
            <div class="editor-body">
                <ContextProvider<Secrets> context={secrets}>
                    <FormView api={doc.api} type_id={doc.type_id} draft={doc.draft.clone()} problems={doc.problems.clone()}
                        server={doc.server_messages.clone()} {on_edit} />
                </ContextProvider<Secrets>>
                <ReviewPanel {patch} {request} {blocked} busy={*h.busy || h.retry.is_some()} {on_send} />
            </div>
        </section>
    }
}
