//! The page's side of the home view's module (`crates/home-ui`, contract in
//! `policy_core::home`): what it shows (`home_input`), what it asks (`home_action`), its host
//! element, and its failure. The module reads the list and the stored drafts through
//! `home_input` and changes nothing itself: every action runs here, on the store.

use policy_core::endpoint::{ObjectId, Target};
use policy_core::home::{self, Action as HomeAction, Draft, Lists, Unreadable};
use policy_core::model::ApiVersion;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use super::effects::Ctx;
use super::layout;
use super::store::{AppAction, AppState, Op};
use crate::clipboard::download_json;
use crate::drafts;
use crate::net::home_module;
use crate::session::list_query;

thread_local! {
    static CTX: std::cell::RefCell<Option<Ctx>> = const { std::cell::RefCell::new(None) };
}

/// Gives the module's functions the store (once, by the App).
pub fn connect(ctx: Ctx) {
    CTX.with(|c| *c.borrow_mut() = Some(ctx));
}

/// The store, while the list shows (no document open): an action of a view that is going away
/// never reaches an object.
fn home_ctx() -> Option<Ctx> {
    CTX.with(|c| c.borrow().clone())
        .filter(|c| c.state().doc().is_none())
}

/// What the home view shows, as JSON (`policy_core::home::Input`).
#[wasm_bindgen]
pub fn home_input() -> String {
    let Some(state) = CTX.with(|c| c.borrow().clone()).map(|c| c.state()) else {
        return "{}".into();
    };
    let api = state.settings.api;
    let lists = crate::schemas::catalog(api).map(|c| Lists {
        collections: c.collections.clone(),
        // The module puts them in order.
        singletons: c.singleton_paths().map(str::to_string).collect(),
        editable: c
            .editable()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect(),
    });
    let (saved, unreadable) = drafts::all();
    let me = drafts::tab_id();
    let saved: Vec<Draft> = saved
        .iter()
        .map(|d| Draft {
            key: d.key(),
            name: d
                .draft
                .get("displayName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            type_name: d.type_name.clone(),
            api: d.api.clone(),
            object: d.object.clone(),
            other_tab: d.tab != me,
            saved_at: d.saved_at,
        })
        .collect();
    let unreadable: Vec<Unreadable> = unreadable
        .iter()
        .map(|u| Unreadable {
            key: u.key.clone(),
            what: u.key.trim_start_matches(drafts::PREFIX).to_string(),
        })
        .collect();
    home::input_json(
        api.as_str(),
        &state.list.set,
        lists.as_ref(),
        state.catalog_error.as_deref(),
        &state.list.items,
        state.list.next.is_some(),
        state.list.loading,
        &saved,
        &unreadable,
    )
}

/// Runs what the home view asks (see [`HomeAction`]); anything else is ignored.
#[wasm_bindgen]
pub fn home_action(json: &str) {
    let (Some(ctx), Some(action)) = (home_ctx(), HomeAction::parse(json)) else {
        return;
    };
    let state = ctx.state();
    let api = state.settings.api;
    match action {
        HomeAction::Set(set) => {
            layout::go_to(&list_query(&state.settings, &set));
            ctx.send(AppAction::ListSet(set));
        }
        HomeAction::List => {
            let Ok(conn) = state.settings.connection() else {
                return;
            };
            let url = conn.first_page_url(&state.list.set);
            layout::go_to(&list_query(&state.settings, &state.list.set));
            ctx.run_with(Op::List { url, append: false }, 0, conn);
        }
        HomeAction::More => {
            if let Some(url) = state.list.next.clone() {
                ctx.run(Op::List { url, append: true }, 0);
            }
        }
        HomeAction::Open(set, id) => match ObjectId::parse(&id) {
            Ok(id) => {
                let target = Target::Member {
                    set: set.clone(),
                    id,
                };
                ctx.run(Op::Load { target, set }, 0)
            }
            Err(e) => ctx.info(format!("Cannot open this object: {e}.")),
        },
        HomeAction::Singleton(path) => {
            let target = Target::Singleton { path: path.clone() };
            ctx.run(Op::Load { target, set: path }, 0)
        }
        HomeAction::File(name, Ok(text)) => ctx.open_file(api, &name, &text),
        HomeAction::File(name, Err(e)) => ctx.info(format!("{name} could not be read: {e}.")),
        HomeAction::New(type_name) => ctx.new_draft(api, type_name),
        HomeAction::Retry => ctx.send(AppAction::CatalogRetry),
        HomeAction::DraftOpen(key) => {
            if let Some(d) = drafts::all().0.into_iter().find(|d| d.key() == key) {
                ctx.open_saved(d);
            }
        }
        // Only drafts: the module names a key, never any other storage entry.
        HomeAction::DraftDiscard(key) if key.starts_with(drafts::PREFIX) => {
            drafts::remove(&key);
            ctx.send(AppAction::DraftsChanged);
        }
        HomeAction::DraftDiscard(_) => {}
        HomeAction::DraftExport(key) => {
            let bad = drafts::all().1;
            if let Some((i, u)) = bad.iter().enumerate().find(|(_, u)| u.key == key) {
                download_json(&format!("draft-{}.json", i + 1), &u.text);
            }
        }
        HomeAction::ForgetAll => {
            drafts::set_pending(None);
            let n = drafts::forget_all();
            ctx.info(format!(
                "Forgot {n} draft{} on this device.",
                if n == 1 { "" } else { "s" }
            ));
            ctx.send(AppAction::DraftsChanged);
        }
    }
}

/// The module could not start: its script did not load (an `Event`) or it failed (an error).
#[wasm_bindgen]
pub fn home_failed(e: JsValue) {
    if let Some(ctx) = CTX.with(|c| c.borrow().clone()) {
        let why = crate::net::catalog_module::failure(&e);
        ctx.send(AppAction::HomeModule(Some(why)));
    }
}

/// What tells the module to read its input anew: the list's answer (by allocation), its
/// paging, the collection and version, the catalog's arrival or failure, and the drafts.
pub fn rev(state: &AppState, api: ApiVersion) -> String {
    let l = &state.list;
    format!(
        "{:x}-{}-{}-{}-{}-{}-{}-{}",
        std::rc::Rc::as_ptr(&l.items.0) as usize,
        l.items.len(),
        u8::from(l.loading) + 2 * u8::from(l.next.is_some()),
        l.set,
        api,
        crate::schemas::catalog(api).is_some(),
        state.drafts_rev,
        state.catalog_error.as_deref().unwrap_or_default()
    )
}

/// The home view's place: "Loading…" until the module draws (the stylesheet hides it then), or
/// why the module could not start, with "Try again".
pub fn home_host(ctx: &Ctx, state: &AppState) -> Html {
    home_module::start(false);
    let retry = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            ctx.send(AppAction::HomeModule(None));
            home_module::start(true);
        })
    };
    html! {
        <div class="home">
            if let Some(e) = &state.home_module {
                <p class="blocked" id="home-failed">{ format!("The object list could not load: {e}. ") }
                    <button type="button" onclick={retry}>{ "Try again" }</button></p>
            } else {
                <p class="unit" id="home-loading">{ "Loading the object list…" }</p>
            }
            <div id="home-root" data-rev={rev(state, state.settings.api)}></div>
        </div>
    }
}
