//! Links that open a configured editor (`?graph=…&api=…&type=…&id=…`): what a link opens
//! ([`linked`], pure), the start-up that opens it ([`start_up`]), the early GET before the first
//! render ([`load_link_early`]), and the question a link to an unknown Graph base asks
//! ([`link_base_prompt`]).

use policy_core::endpoint::{GraphBase, ObjectId, Target};
use policy_core::model::{ApiVersion, TypeId};
use serde_json::json;
use yew::prelude::*;

use super::docs::document_from_saved;
use super::effects::Ctx;
use super::store::{AppAction, Op};
use crate::drafts::{self, SavedDraft};
use crate::net::Connection;
use crate::schemas::schema;
use crate::session::{page_link, Settings};
use crate::state::{Action, Document, Origin};

/// What a link opens, once its type's schema is in.
#[derive(Debug, PartialEq)]
pub enum Linked {
    /// An object to load from Graph.
    Object { target: Target, set: String },
    /// A type stored in a collection, without an id: a new draft.
    NewDraft(TypeId),
}

/// What a link to `type_name` (and `id`) opens in `api`, or what to tell the user.
pub fn linked(api: ApiVersion, type_name: &str, id: Option<&str>) -> Result<Linked, String> {
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

/// What opening the page's link comes to: actions to dispatch now, and maybe an object to load.
#[derive(Default)]
pub struct Opening {
    pub actions: Vec<AppAction>,
    pub load: Option<(Connection, Target, String)>,
}

/// Opens what the page's link names with the settings `s`: a message, a new draft or a stored
/// draft (offline) at once, or the object's load from Graph for the caller to run.
pub async fn open_link(s: &Settings, type_name: Option<&str>, id: Option<&str>) -> Opening {
    let mut out = Opening::default();
    let Some(type_name) = type_name else {
        return out;
    };
    let info = |m: String| AppAction::Info(Some(m));
    // The type's pack was asked for before the first render (`net::prefetch`).
    let result = crate::net::ensure_type(s.api, type_name).await;
    out.actions
        .push(AppAction::SchemaRev(crate::schemas::revision()));
    if let Err(e) = result {
        out.actions.push(info(match e {
            crate::net::SchemaError::UnknownType { .. } => format!(
                "The link names a type this editor does not know in {}: {type_name}.",
                s.api
            ),
            e => format!("Cannot open the linked form: {e}."),
        }));
        return out;
    }
    crate::bench_hooks::mark("schema-in");
    let (target, set) = match linked(s.api, type_name, id) {
        Ok(Linked::Object { target, set }) => (target, set),
        Ok(Linked::NewDraft(t)) => {
            let draft = json!({ "@odata.type": schema(s.api).get(t).odata_type() });
            let origin = Origin::New {
                key: drafts::unique(),
            };
            let doc = Document::new(s.api, t, origin, None, &draft);
            out.actions
                .push(AppAction::Doc(Action::Open(Box::new(doc))));
            return out;
        }
        Err(message) => {
            out.actions.push(info(message));
            return out;
        }
    };
    if let Some(doc) = draft_of_link(s, &target).and_then(|d| document_from_saved(&d)) {
        out.actions.push(info(
            "Your unsaved draft of this object was restored.".into(),
        ));
        out.actions
            .push(AppAction::Doc(Action::Open(Box::new(doc))));
        return out;
    }
    if !s.has_credential() {
        out.actions.push(info(
            "Sign in or paste an access token to load the linked object.".into(),
        ));
        // It loads by itself once a token is there (see `App`).
        out.actions.push(AppAction::AwaitCredential);
        return out;
    }
    match s.connection() {
        Ok(conn) => out.load = Some((conn, target, set)),
        Err(e) => out
            .actions
            .push(info(format!("The Graph base URL is not usable: {e}."))),
    }
    out
}

/// The stored draft of a linked object, which opens instead of the object.
fn draft_of_link(s: &Settings, target: &Target) -> Option<SavedDraft> {
    let base = s.base().map(|b| b.to_string()).unwrap_or_default();
    drafts::load_for(&drafts::key(&base, s.api.as_str(), &target.path()))
}

/// The page's start-up: config.json (the allow-list, a sign-in configuration, the sandbox's
/// demo token), sign-in, then whatever the link asks. What it finds is dispatched as actions
/// applied to the state as it is then; the settings worked out here only decide what to open.
pub async fn start_up(ctx: Ctx) {
    crate::net::end_early_gets();
    crate::bench_hooks::mark("mounted");
    let config = crate::net::load_config().await;
    crate::bench_hooks::mark("config-in");
    let allowed = crate::auth::config::allowed_bases(config.as_ref());
    let mut s = ctx.state().settings.clone();
    s.allow_link_base(&allowed);
    // Sign-in (MSAL.js) when config.json or the user configured it; finishes a redirect sign-in
    // the page is coming back from.
    let sign_in = crate::auth::start(config.as_ref(), s.cloud, s.base().ok().as_ref()).await;
    crate::bench_hooks::mark("sign-in-ready");
    s.sign_in = sign_in.clone();
    s.take_demo_token(config.as_ref());
    let mut actions = vec![AppAction::Configured {
        config,
        allowed,
        sign_in,
    }];
    let link = page_link();
    // A link's custom base waits for the user's yes (`link_base_prompt`): nothing of the link
    // is opened, and nothing is sent, before it.
    let opening = match s.link_base {
        Some(_) => Opening::default(),
        None => open_link(&s, link.type_name.as_deref(), link.id.as_deref()).await,
    };
    actions.extend(opening.actions);
    let mut later = None;
    if let Some((conn, target, set)) = opening.load {
        if crate::net::has_early_get() {
            // The object's answer is in or nearly (`load_link_early`): it is taken before the
            // page renders again, and the page renders once, with the form.
            actions.extend(ctx.loaded(conn, target, set, 0).await);
        } else {
            later = Some((conn, target, set));
        }
    }
    // A link to a list shows that collection, listed at once when there is a credential.
    let list = match (&link.type_name, link.set) {
        (None, Some(set)) if s.link_base.is_none() => {
            actions.push(AppAction::ListSet(set.clone()));
            s.has_credential().then_some(set)
        }
        _ => None,
    };
    actions.push(AppAction::Started);
    for a in actions {
        ctx.send(a);
    }
    if let Some((set, Ok(conn))) = list.map(|set| (set, s.connection())) {
        let url = conn.first_page_url(&set);
        ctx.run_with(Op::List { url, append: false }, 0, conn);
    }
    if let Some((conn, target, set)) = later {
        ctx.run_with(Op::Load { target, set }, 0, conn);
    }
}

/// A token arrived for a link that waited for one: opens the link with it.
pub async fn open_with_credential(ctx: Ctx) {
    ctx.send(AppAction::CredentialArrived);
    let s = ctx.state().settings.clone();
    open_page_link(&ctx, &s).await;
}

/// The browser's back or forward button: the page goes where the address bar now says, with the
/// connection as it is (an address from the history never changes the Graph base): an object
/// opens (its draft first, as from a link), a list closes the open object (its draft is kept)
/// and shows that collection.
pub async fn follow_history(ctx: Ctx) {
    let link = page_link();
    let state = ctx.state();
    let open_path = state.doc().and_then(|d| match &d.origin {
        Origin::Graph { target } => Some(target.path()),
        _ => None,
    });
    if link.type_name.is_none() {
        if state.doc().is_some() {
            super::flush_pending_draft(&ctx);
            ctx.doc(Action::Close);
        }
        if let Some(set) = link.set.filter(|set| *set != state.list.set) {
            ctx.send(AppAction::ListSet(set));
        }
        return;
    }
    let s = state.settings.clone();
    if let (Some(open), Some(type_name)) = (&open_path, link.type_name.as_deref()) {
        if let Ok(Linked::Object { target, .. }) = linked(s.api, type_name, link.id.as_deref()) {
            if target.path() == *open {
                return;
            }
        }
    }
    if state.doc().is_some() {
        super::flush_pending_draft(&ctx);
    }
    open_page_link(&ctx, &s).await;
}

/// Opens the page's link with the settings `s`, now: its actions, then its load.
async fn open_page_link(ctx: &Ctx, s: &Settings) {
    let link = page_link();
    let opening = open_link(s, link.type_name.as_deref(), link.id.as_deref()).await;
    for a in opening.actions {
        ctx.send(a);
    }
    if let Some((conn, target, set)) = opening.load {
        ctx.run_with(Op::Load { target, set }, 0, conn);
    }
}

/// Before the first render, for a link to an object: when the link's settings already hold a
/// token (one kept in this tab, or the sandbox's demo token) and no sign-in is configured and no
/// draft of the object is stored, asks Graph for the object at once, so the answer is on its way
/// while the app mounts; the start-up's own load then takes that answer
/// (`net::Connection::start_early_get`). Anything else leaves the start-up as it is.
pub async fn load_link_early() {
    let link = page_link();
    let Some(type_name) = link.type_name.as_deref() else {
        return;
    };
    let mut s = Settings::initial(&link);
    let config = crate::net::load_config().await;
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
    if !s.has_credential() || crate::net::ensure_type(s.api, type_name).await.is_err() {
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

/// A link named a custom Graph base that neither the host (config.json's `graphBases`) nor this
/// tab vouches for: the page asks before the token goes there, and opens the link only on yes.
pub fn link_base_prompt(ctx: &Ctx, settings: &Settings, text: &str) -> Html {
    let current = settings
        .base()
        .map(|b| b.to_string())
        .unwrap_or_else(|_| "no Graph base".into());
    let ignore = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            let mut s = ctx.state().settings.clone();
            s.link_base = None;
            super::replace_url(&crate::session::link_query(&s, None, None));
            ctx.send(AppAction::IgnoreLinkBase);
        })
    };
    let base = match GraphBase::parse(text) {
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
        let ctx = ctx.clone();
        Callback::from(move |_| {
            let ctx = ctx.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let config = crate::net::load_config().await;
                // What the reducer makes of it, to open the link with (not written back).
                let mut s = ctx.state().settings.clone();
                if s.accept_link_base().is_err() {
                    return ctx.send(AppAction::AcceptLinkBase { config });
                }
                s.take_demo_token(config.as_ref());
                ctx.send(AppAction::AcceptLinkBase { config });
                open_page_link(&ctx, &s).await;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn beta() {
        if !crate::schemas::has_whole(ApiVersion::Beta) {
            let data = serde_json::from_str(policy_core::embedded::json(ApiVersion::Beta)).unwrap();
            crate::schemas::add(ApiVersion::Beta, data, None).unwrap();
        }
    }

    #[test]
    fn a_link_opens_an_object_a_singleton_or_a_new_draft_or_says_why_not() {
        beta();
        let api = ApiVersion::Beta;
        assert_eq!(
            linked(api, "windows10GeneralConfiguration", Some("a/b")),
            Ok(Linked::Object {
                target: Target::Member {
                    set: "deviceManagement/deviceConfigurations".into(),
                    id: ObjectId::parse("a/b").unwrap(),
                },
                set: "deviceManagement/deviceConfigurations".into(),
            })
        );
        assert!(matches!(
            linked(api, "officeConfiguration", Some("ignored")),
            Ok(Linked::Object {
                target: Target::Singleton { .. },
                ..
            })
        ));
        assert!(matches!(
            linked(api, "windows10GeneralConfiguration", None),
            Ok(Linked::NewDraft(_))
        ));
        assert!(linked(api, "noSuchType", None)
            .unwrap_err()
            .contains("does not know"));
        assert!(linked(api, "windows10GeneralConfiguration", Some(".."))
            .unwrap_err()
            .contains("id is not usable"));
        // A complex type is stored nowhere by itself.
        assert!(linked(api, "omaSettingString", Some("x"))
            .unwrap_err()
            .contains("not stored anywhere"));
    }
}
