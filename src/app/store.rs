//! The app's one store: every piece of state the page shows (the connection settings, the list,
//! the open document, messages, busy, the retry countdown, the conflict) and the one closed
//! [`AppAction`] enum that changes it, through a pure reducer (tested natively, without a DOM).
//! Async work ([`super::effects`]) only ever dispatches actions: it never writes back state it
//! copied before an `await`, so an edit made while a request is in flight is never lost.

use std::rc::Rc;

use serde_json::Value;
use yew::Reducible;

use crate::auth::SignIn;
use crate::net::ApiError;
use crate::session::Settings;
use crate::state::{Action, Document, EditorState, Shared};
use policy_core::endpoint::{GraphBase, Target};
use policy_core::graph_error::backoff_seconds;
use policy_core::patch::{json_eq, Change};

/// A request to repeat after a wait (429, 503, 504).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Load { target: Target, set: String },
    List { url: String, append: bool },
    Send,
}

/// A countdown before a request is repeated.
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

/// The object browser's list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListState {
    pub set: String,
    pub items: Shared<Vec<Value>>,
    pub next: Option<String>,
    pub loading: bool,
}

/// The retries before an error is shown instead.
pub const MAX_ATTEMPTS: u32 = 5;
/// The action name of a PATCH, which may have been applied when its answer is a 5xx.
pub const SENDING: &str = "Sending the change";

/// Everything the page shows.
#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Settings,
    pub editor: Rc<EditorState>,
    pub list: ListState,
    pub error: Option<(String, ApiError)>,
    pub info: Option<String>,
    pub busy: bool,
    pub retry: Option<Retry>,
    pub conflict: Option<Conflict>,
    /// `schemas::revision()` as last seen: set after each schema load so what lists types
    /// renders again.
    pub schema_rev: u32,
    /// Start-up has read config.json: a link's custom base still waiting now waits for the user.
    pub started: bool,
    /// The side panels (connection, browser, drafts) are built. A linked form is built first.
    pub side: bool,
    /// Other open tabs of this browser with a draft of the open object.
    pub others: usize,
    /// Why drafts are not being saved (storage full or blocked), until one is again.
    pub warning: Option<String>,
    /// Why the browser's lists could not be loaded, and how often the user asked again.
    pub catalog_error: Option<String>,
    pub catalog_tries: u32,
    /// Why the settings editor module could not start (its "Try again" clears it).
    pub catalog_module: Option<String>,
    /// Why the home view's module could not start (its "Try again" clears it).
    pub home_module: Option<String>,
    /// Counts changes of the stored drafts (another tab, a discard), so their list renders.
    pub drafts_rev: u32,
    /// The page's link names an object that waits for a token: pasting one, signing in or a
    /// kept token loads it (once).
    pub awaiting_credential: bool,
}

impl AppState {
    /// The state a page starts with.
    pub fn new(settings: Settings, side: bool, schema_rev: u32) -> AppState {
        AppState {
            settings,
            editor: Rc::new(EditorState::default()),
            list: ListState {
                set: "deviceManagement/deviceConfigurations".into(),
                ..ListState::default()
            },
            error: None,
            info: None,
            busy: false,
            retry: None,
            conflict: None,
            schema_rev,
            started: false,
            side,
            others: 0,
            warning: None,
            catalog_error: None,
            catalog_tries: 0,
            catalog_module: None,
            home_module: None,
            drafts_rev: 0,
            awaiting_credential: false,
        }
    }

    pub fn doc(&self) -> Option<&Document> {
        self.editor.doc.as_ref()
    }

    /// True once something on screen needs the side panels (or the user's attention).
    pub fn settled(&self) -> bool {
        self.doc().is_some()
            || self.error.is_some()
            || self.info.is_some()
            || self.retry.is_some()
            || (self.started && self.settings.link_base.is_some())
    }
}

/// Everything that changes the page's state.
#[derive(Debug)]
pub enum AppAction {
    /// A change of the open document (edit, open, close, saved, …).
    Doc(Action),
    /// The user changed the connection settings.
    Settings(Settings),
    /// Start-up read config.json (`None`: the host has none): the allow-list, the sign-in
    /// state and the sandbox's demo token are applied to the settings as they are now.
    Configured {
        config: Option<Value>,
        allowed: Vec<GraphBase>,
        sign_in: SignIn,
    },
    /// Start-up is done: a link base still waiting is now asked about.
    Started,
    /// The user said yes to the link's custom base (and the demo token of config.json, if
    /// it is the sandbox's).
    AcceptLinkBase {
        config: Option<Value>,
    },
    /// The user said no to it.
    IgnoreLinkBase,
    Info(Option<String>),
    /// A failure to show (no retry).
    Error(Option<(String, ApiError)>),
    Busy(bool),
    /// A request failed: the retry policy decides between a countdown and an error.
    Failed {
        action: String,
        op: Op,
        attempt: u32,
        error: ApiError,
        /// Unix seconds now, for a `Retry-After` given as a date.
        now: i64,
    },
    /// A request is (re)starting: its earlier countdown and error go.
    Running,
    /// One second of the countdown passed.
    RetryTick,
    CancelRetry,
    Conflict(Option<Conflict>),
    /// The user picked another collection to list.
    ListSet(String),
    ListLoading,
    ListPage {
        items: Vec<Value>,
        next: Option<String>,
        append: bool,
    },
    ListFailed,
    SchemaRev(u32),
    ShowSide,
    Others(usize),
    Warning(Option<String>),
    Catalog(Option<String>),
    CatalogRetry,
    /// The settings editor module could not start (why), or is started again (`None`).
    CatalogModule(Option<String>),
    /// The home view's module could not start (why), or is started again (`None`).
    HomeModule(Option<String>),
    DraftsChanged,
    /// The linked object could not load for want of a token: it loads when one arrives.
    AwaitCredential,
    /// A token arrived for the linked object: it is loading now.
    CredentialArrived,
}

/// What the retry policy makes of a failure: a countdown, or an error to show.
pub fn retry_for(action: &str, op: Op, attempt: u32, e: &ApiError, now: i64) -> Option<Retry> {
    let ApiError::Graph(g) = e else {
        return None;
    };
    if !g.is_retryable() || attempt >= MAX_ATTEMPTS {
        return None;
    }
    // The whole wait the service asked for, however long: retrying sooner only earns another
    // 429. The countdown shows it and can be cancelled.
    let seconds = g
        .retry_after
        .map(|r| r.delay_seconds(now))
        .unwrap_or_else(|| backoff_seconds(attempt));
    Some(Retry {
        op,
        action: action.to_string(),
        seconds,
        attempt: attempt + 1,
        possibly_applied: action == SENDING && g.status >= 500,
    })
}

/// True when Graph's copy moved on since `loaded`: another version or modification time, or other
/// settings.
pub fn changed_elsewhere(loaded: &Value, current: &Value) -> bool {
    // Settings read with the object (an intent's, a settings catalog policy's) are compared
    // too: nothing says an intent's stamp moves when only its settings change.
    if let (Some(a), Some(b)) = (loaded.get("settings"), current.get("settings")) {
        if !json_eq(a, b) {
            return true;
        }
    }
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

impl Reducible for AppState {
    type Action = AppAction;

    fn reduce(self: Rc<Self>, action: AppAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            AppAction::Doc(a) => next.editor = next.editor.clone().reduce(a),
            AppAction::Settings(s) => next.settings = s,
            AppAction::Configured {
                config,
                allowed,
                sign_in,
            } => {
                let s = &mut next.settings;
                s.allow_link_base(&allowed);
                s.sign_in = sign_in;
                s.take_demo_token(config.as_ref());
            }
            AppAction::Started => next.started = true,
            AppAction::AcceptLinkBase { config } => match next.settings.accept_link_base() {
                Ok(_) => next.settings.take_demo_token(config.as_ref()),
                Err(e) => {
                    next.info = Some(format!("The Graph base URL is not usable: {e}."));
                }
            },
            AppAction::IgnoreLinkBase => {
                next.settings.link_base = None;
                let current = next
                    .settings
                    .base()
                    .map(|b| b.to_string())
                    .unwrap_or_else(|_| "no Graph base".into());
                next.info = Some(format!(
                    "The link's Graph base URL was not used: the editor stays on {current}."
                ));
            }
            AppAction::Info(i) => next.info = i,
            AppAction::Error(e) => next.error = e,
            AppAction::Busy(b) => next.busy = b,
            AppAction::Failed {
                action,
                op,
                attempt,
                error,
                now,
            } => {
                next.busy = false;
                if let Some(r) = retry_for(&action, op, attempt, &error, now) {
                    next.retry = Some(r);
                } else {
                    if let Some(g) = error.graph().filter(|g| g.status == 400) {
                        next.editor = next
                            .editor
                            .clone()
                            .reduce(Action::ServerMessages(g.field_messages()));
                    }
                    // Only the user can renew this sign-in: the panel offers "Sign in again"
                    // (never a loop).
                    if let ApiError::SignIn { again: true, .. } = &error {
                        next.settings.sign_in.needs_interaction = true;
                    }
                    next.error = Some((action, error));
                }
            }
            AppAction::Running => {
                next.retry = None;
                next.error = None;
            }
            AppAction::RetryTick => {
                if let Some(r) = next.retry.as_mut() {
                    r.seconds = r.seconds.saturating_sub(1);
                }
            }
            AppAction::CancelRetry => next.retry = None,
            AppAction::Conflict(c) => next.conflict = c,
            AppAction::ListSet(set) => {
                next.list = ListState {
                    set,
                    ..ListState::default()
                }
            }
            AppAction::ListLoading => next.list.loading = true,
            AppAction::ListPage {
                items,
                next: more,
                append,
            } => {
                let mut all = if append {
                    (*next.list.items.0).clone()
                } else {
                    Vec::new()
                };
                all.extend(items);
                next.list.items = Shared::new(all);
                next.list.next = more;
                next.list.loading = false;
            }
            AppAction::ListFailed => next.list.loading = false,
            AppAction::SchemaRev(r) => next.schema_rev = r,
            AppAction::ShowSide => next.side = true,
            AppAction::Others(n) => next.others = n,
            AppAction::Warning(w) => next.warning = w,
            AppAction::Catalog(e) => next.catalog_error = e,
            AppAction::CatalogModule(e) => next.catalog_module = e,
            AppAction::HomeModule(e) => next.home_module = e,
            AppAction::CatalogRetry => {
                next.catalog_tries += 1;
                next.catalog_error = None;
            }
            AppAction::DraftsChanged => next.drafts_rev += 1,
            AppAction::AwaitCredential => next.awaiting_credential = true,
            AppAction::CredentialArrived => {
                next.awaiting_credential = false;
                next.info = None;
            }
        }
        Rc::new(next)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use policy_core::graph_error::GraphError;
    use serde_json::json;

    fn graph(status: u16, retry_after: Option<&str>) -> ApiError {
        ApiError::Graph(Box::new(GraphError::parse(
            status,
            br#"{"error": {"code": "x", "message": "m"}}"#,
            retry_after,
            None,
        )))
    }

    fn state() -> Rc<AppState> {
        Rc::new(AppState::new(Settings::default(), true, 0))
    }

    fn failed(s: &Rc<AppState>, action: &str, attempt: u32, error: ApiError) -> Rc<AppState> {
        s.clone().reduce(AppAction::Failed {
            action: action.into(),
            op: Op::Send,
            attempt,
            error,
            now: 1_000,
        })
    }

    #[test]
    fn the_retry_policy_waits_as_long_as_graph_asks() {
        let s = state();
        // 400 s: in full, no cap.
        let r = failed(&s, SENDING, 0, graph(429, Some("400")));
        let retry = r.retry.clone().expect("a countdown");
        assert_eq!((retry.seconds, retry.attempt), (400, 1));
        assert!(!retry.possibly_applied && r.error.is_none());
        // An HTTP date: the seconds from now.
        let r = failed(
            &s,
            "Loading",
            0,
            graph(503, Some("Thu, 01 Jan 1970 00:20:00 GMT")),
        );
        assert_eq!(r.retry.as_ref().unwrap().seconds, 200);
        // No Retry-After: growing back-off.
        let r = failed(&s, "Loading", 3, graph(504, None));
        assert_eq!(r.retry.as_ref().unwrap().seconds, backoff_seconds(3));
        // A 5xx after a PATCH may have been applied.
        assert!(
            failed(&s, SENDING, 0, graph(503, None))
                .retry
                .as_ref()
                .unwrap()
                .possibly_applied
        );
        // Out of attempts, or not retryable: the error shows, no countdown.
        let r = failed(&s, SENDING, MAX_ATTEMPTS, graph(429, Some("1")));
        assert!(r.retry.is_none() && r.error.is_some());
        let r = failed(&s, SENDING, 0, graph(403, None));
        assert!(r.retry.is_none() && r.error.is_some() && !r.busy);
        let r = failed(&s, SENDING, 0, ApiError::Network("x".into()));
        assert!(r.retry.is_none());
        // Only the user can renew this sign-in: said in the panel, never retried.
        let again = ApiError::SignIn {
            message: "m".into(),
            again: true,
        };
        let r = failed(&s, SENDING, 0, again);
        assert!(r.settings.sign_in.needs_interaction && r.retry.is_none());
        // The countdown ticks down and stops at zero; a new run clears it.
        let r = failed(&s, SENDING, 0, graph(429, Some("2")));
        let r = r.reduce(AppAction::RetryTick).reduce(AppAction::RetryTick);
        let r = r.reduce(AppAction::RetryTick);
        assert_eq!(r.retry.as_ref().unwrap().seconds, 0);
        assert!(r.reduce(AppAction::Running).retry.is_none());
    }

    #[test]
    fn a_change_elsewhere_is_seen_on_the_stamps() {
        let a = json!({"version": 1, "lastModifiedDateTime": "t1", "displayName": "a"});
        assert!(!changed_elsewhere(
            &a,
            &json!({"version": 1, "lastModifiedDateTime": "t1", "displayName": "b"})
        ));
        assert!(changed_elsewhere(
            &a,
            &json!({"version": 2, "lastModifiedDateTime": "t1"})
        ));
        assert!(changed_elsewhere(
            &a,
            &json!({"version": 1, "lastModifiedDateTime": "t2"})
        ));
        // Without stamps, the whole object counts.
        assert!(changed_elsewhere(&json!({"a": 1}), &json!({"a": 2})));
        assert!(!changed_elsewhere(&json!({"a": 1.0}), &json!({"a": 1})));
        // An intent whose stamp stayed while someone changed one of its settings.
        let intent = |v: &str| {
            json!({"lastModifiedDateTime": "t1", "settings": [
                {"definitionId": "d1", "valueJson": v}]})
        };
        assert!(changed_elsewhere(&intent("true"), &intent("false")));
        assert!(!changed_elsewhere(&intent("true"), &intent("true")));
    }

    #[test]
    fn start_up_applies_its_findings_to_the_settings_as_they_are_now() {
        let link = crate::session::parse_query("?graph=http%3A%2F%2F127.0.0.1%3A9&type=t");
        let mut settings = Settings::default();
        settings.apply_link(&link, &[]);
        let s = Rc::new(AppState::new(settings, false, 0));
        assert!(s.settings.link_base.is_some() && !s.settled());
        // The user typed a token while config.json was on its way: it is not replaced.
        let mut typed = s.settings.clone();
        typed.token = "typed".into();
        let s = s.reduce(AppAction::Settings(typed));
        let sandbox = GraphBase::parse("http://127.0.0.1:9").unwrap();
        let config = json!({"sandbox": {"graph": "http://127.0.0.1:9", "demoToken": "demo"}});
        let s = s.reduce(AppAction::Configured {
            config: Some(config),
            allowed: vec![sandbox.clone()],
            sign_in: SignIn::default(),
        });
        assert_eq!(s.settings.base().unwrap(), sandbox);
        assert_eq!(s.settings.token, "typed");
        assert!(s.settings.link_base.is_none());

        // A base nobody vouches for waits, and is asked about once start-up is done.
        let link = crate::session::parse_query("?graph=https%3A%2F%2Fevil.example&type=t");
        let mut settings = Settings::default();
        settings.apply_link(&link, &[]);
        let s = Rc::new(AppState::new(settings, false, 0)).reduce(AppAction::Configured {
            config: None,
            allowed: vec![],
            sign_in: SignIn::default(),
        });
        assert!(!s.settled());
        let s = s.reduce(AppAction::Started);
        assert!(s.settled());
        let ignored = s.clone().reduce(AppAction::IgnoreLinkBase);
        assert!(ignored.settings.link_base.is_none());
        assert!(ignored
            .info
            .as_deref()
            .unwrap()
            .contains("https://graph.microsoft.com"));
        let used = s.reduce(AppAction::AcceptLinkBase { config: None });
        assert_eq!(
            used.settings.base().unwrap().as_str(),
            "https://evil.example"
        );
    }

    #[test]
    fn a_link_waiting_for_a_token_loads_once_one_arrives() {
        let s = state().reduce(AppAction::AwaitCredential);
        assert!(s.awaiting_credential && !s.settings.has_credential());
        let mut pasted = s.settings.clone();
        pasted.token = "t".into();
        let s = s.reduce(AppAction::Settings(pasted));
        // The page sees both and loads: once.
        assert!(s.awaiting_credential && s.settings.has_credential());
        let s = s.reduce(AppAction::CredentialArrived);
        assert!(!s.awaiting_credential && s.info.is_none());
    }

    #[test]
    fn list_pages_append_and_a_new_set_starts_over() {
        let s = state();
        let s = s.reduce(AppAction::ListLoading);
        assert!(s.list.loading);
        let s = s.reduce(AppAction::ListPage {
            items: vec![json!({"id": "1"})],
            next: Some("n".into()),
            append: false,
        });
        let s = s.reduce(AppAction::ListPage {
            items: vec![json!({"id": "2"})],
            next: None,
            append: true,
        });
        assert_eq!(s.list.items.len(), 2);
        assert!(!s.list.loading && s.list.next.is_none());
        let s = s.reduce(AppAction::ListSet("deviceManagement/x".into()));
        assert!(s.list.items.is_empty());
        assert_eq!(s.list.set, "deviceManagement/x");
    }
}
