//! The page: its layout, and the wiring of the one store ([`store`]) to the async work that
//! feeds it ([`effects`], [`link`]) and to the views ([`editor_view`], [`home`]).
//! Everything the page shows is in [`store::AppState`]; everything that changes it is an
//! [`store::AppAction`].

pub mod catalog;
pub mod docs;
pub mod editor_view;
pub mod effects;
pub mod home;
pub mod layout;
pub mod link;
pub mod store;

use gloo_timers::callback::Timeout;
use serde_json::Value;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::connection_panel::ConnectionPanel;
use crate::components::error_view::ErrorView;
use crate::drafts;
use crate::session::{page_link, Settings};
use crate::state::Action;
use docs::{draft_key, object_key};
use effects::Ctx;
use store::{AppAction, AppState, Op, MAX_ATTEMPTS};

pub use docs::document_from_saved;
pub use docs::saved_draft;
pub use link::load_link_early;
pub use store::changed_elsewhere;

/// How long after the last edit its draft is written to localStorage.
const DRAFT_SAVE_DELAY_MS: u32 = 250;

/// Replaces the address bar's query (never with a token).
pub(crate) fn replace_url(query: &str) {
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

/// Writes the draft waiting to be saved, if any; a refusal (storage full or blocked) shows as a
/// warning that stays until a draft is saved again. The page goes on working in memory.
pub(crate) fn flush_pending_draft(ctx: &Ctx) {
    flush_draft(ctx)
}

fn flush_draft(ctx: &Ctx) {
    match drafts::flush_pending() {
        Some(Err(e)) => ctx.send(AppAction::Warning(Some(e))),
        Some(Ok(())) if ctx.state().warning.is_some() => ctx.send(AppAction::Warning(None)),
        _ => {}
    }
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| {
        let link = page_link();
        // A link to an object shows its form first: the side panels are built once the form is
        // there, or something needs the user's attention, so building them does not hold it up.
        AppState::new(
            Settings::initial(&link),
            link.type_name.is_none(),
            crate::schemas::revision(),
        )
    });
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let ctx = Ctx {
        dispatch: state.dispatcher(),
        latest,
    };

    // Start-up: config.json, sign-in, then whatever the link asks.
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            catalog::connect(ctx.clone());
            home::connect(ctx.clone());
            wasm_bindgen_futures::spawn_local(link::start_up(ctx));
        });
    }

    // The browser's lists (the version's catalog) once the side panels are built: at once
    // without a link, after the linked form otherwise; again when the user picks the other
    // version or asks again.
    {
        let ctx = ctx.clone();
        let deps = (state.settings.api, state.side, state.catalog_tries);
        use_effect_with(deps, move |&(api, side, _)| {
            if side {
                wasm_bindgen_futures::spawn_local(async move {
                    let result = crate::net::ensure_catalog(api).await;
                    ctx.send(AppAction::Catalog(result.err().map(|e| e.to_string())));
                    ctx.schema_loaded();
                });
            }
        });
    }
    {
        let ctx = ctx.clone();
        let waiting = !state.side;
        use_effect_with((waiting, state.settled()), move |&(waiting, settled)| {
            // Once the form (or a message) is on screen; at the latest after three seconds.
            let timer = waiting.then(|| {
                Timeout::new(if settled { 0 } else { 3000 }, move || {
                    ctx.send(AppAction::ShowSide)
                })
            });
            move || drop(timer)
        });
    }

    // A linked object that waited for a token loads once one is there (pasted, signed in).
    {
        let ctx = ctx.clone();
        // A whole token (a pasted JWT, not its first typed characters) or a signed-in account.
        let s = &state.settings;
        let whole = s.sign_in.active.is_some()
            || policy_core::token::TokenInfo::decode(s.token.trim()).is_ok();
        let ready = state.awaiting_credential && whole;
        use_effect_with(ready, move |&ready| {
            if ready {
                wasm_bindgen_futures::spawn_local(link::open_with_credential(ctx));
            }
        });
    }

    // Drafts: written at once when the page is hidden or closed; this tab says every few
    // seconds that it is alive, so other tabs leave its drafts alone, and learns when another
    // tab stores a draft of the object open here.
    let open_key = use_mut_ref(|| None::<String>);
    *open_key.borrow_mut() = state.doc().map(|d| draft_key(&state.settings, d));
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            drafts::beat();
            let beat = gloo_timers::callback::Interval::new(5_000, drafts::beat);
            let listeners = web_sys::window().map(|w| {
                let on_hide = ctx.clone();
                let hide = gloo_events::EventListener::new(&w, "pagehide", move |_| {
                    flush_draft(&on_hide);
                    drafts::end_beat();
                });
                let storage = gloo_events::EventListener::new(&w, "storage", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::StorageEvent>() else {
                        return;
                    };
                    let key = e.key().unwrap_or_default();
                    if let Some(open) = open_key.borrow().as_ref() {
                        if key.starts_with(open.as_str()) {
                            ctx.send(AppAction::Others(drafts::others_editing(open)));
                        }
                    }
                    if key.starts_with("intune-editor.draft|") {
                        ctx.send(AppAction::DraftsChanged);
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
    // Every edit is written a moment after the typing stops: a burst of keystrokes costs one
    // write of a large draft. A clean document leaves nothing behind.
    let save_timer = use_mut_ref(|| None::<Timeout>);
    {
        let ctx = ctx.clone();
        let settings = state.settings.clone();
        let doc = state.doc().cloned();
        let revision = state.doc().map(|d| (d.revision, object_key(d)));
        use_effect_with(revision, move |_| {
            let Some(doc) = doc else { return };
            if doc.is_dirty() {
                // Built when written (after the delay, on pagehide, or by the panic hook).
                let key_settings = settings.clone();
                drafts::set_pending(Some(Box::new(move || saved_draft(&key_settings, &doc))));
                *save_timer.borrow_mut() =
                    Some(Timeout::new(DRAFT_SAVE_DELAY_MS, move || flush_draft(&ctx)));
            } else {
                drafts::set_pending(None);
                save_timer.borrow_mut().take();
                // This tab's draft only: another tab's unsent edits stay.
                drafts::remove_mine(&draft_key(&settings, &doc));
            }
        });
    }

    // The browser's back and forward buttons move between the list and objects.
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "popstate", move |_| {
                    wasm_bindgen_futures::spawn_local(link::follow_history(ctx.clone()))
                })
            });
            move || drop(listener)
        });
    }

    // The retry countdown: one tick a second, then the request again.
    {
        let ctx = ctx.clone();
        use_effect_with(state.retry.clone(), move |r| {
            let timer = r.clone().map(|r| {
                Timeout::new(1000, move || {
                    if r.seconds <= 1 {
                        ctx.run(r.op.clone(), r.attempt);
                    } else {
                        ctx.send(AppAction::RetryTick);
                    }
                })
            });
            move || drop(timer)
        });
    }

    // The side panels' callbacks keep their identity (they read the state when used), so a
    // keystroke in the form does not render the connection and browser panels again.
    let on_settings = {
        let ctx = ctx.clone();
        use_callback((), move |s: Settings, _| {
            crate::auth::keep_for_tab(&s.token, s.keep_token);
            ctx.send(AppAction::Settings(s));
        })
    };
    let on_edit = {
        let ctx = ctx.clone();
        use_callback((), move |(property, value): (String, Option<Value>), _| {
            ctx.doc(Action::Edit { property, value })
        })
    };
    let on_send = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.run(Op::Send, 0))
    };
    // The buttons that close a message or cancel the countdown.
    let sender = |make: fn() -> AppAction| {
        let ctx = ctx.clone();
        Callback::from(move |_: ()| ctx.send(make()))
    };
    let dismiss_info = sender(|| AppAction::Info(None)).reform(|_: MouseEvent| ());
    let cancel_retry = sender(|| AppAction::CancelRetry).reform(|_: MouseEvent| ());
    let dismiss_error = sender(|| AppAction::Error(None));

    // The list shows the stored drafts: the last one is written before it reads them.
    if state.doc().is_none() {
        flush_draft(&ctx);
    }
    // Back to the list: the open object's draft is written first, so nothing is lost.
    let on_back = {
        let ctx = ctx.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            flush_draft(&ctx);
            ctx.doc(Action::Close);
            let state = ctx.state();
            layout::go_to(&crate::session::list_query(
                &state.settings,
                &state.list.set,
            ));
        })
    };
    // The list's module starts loading as soon as the user points at the way back to it.
    let start_home = Callback::from(|_: ()| crate::net::home_module::start(false));
    let s = &state.settings;
    let list = &state.list;
    let bar = layout::summary(s, crate::util::now_seconds());
    let back_href = crate::session::list_query(s, &list.set);
    html! {
            <>
                <header class="top">
                    <h1>{ "Intune configuration editor" }</h1>
                    if state.doc().is_some() {
                        <a id="back-to-list" href={if back_href.is_empty() { "?".to_string() } else { back_href }} onclick={on_back}
                            onpointerenter={start_home.reform(|_: PointerEvent| ())} onfocus={start_home.reform(|_: FocusEvent| ())}>{ "← All objects" }</a>
                    }
                    if state.side {
                        <details class="connection-bar" id="connection" open={!bar.connected}>
                            <summary class={classes!(bar.attention.then_some("attention"))} id="connection-summary" aria-label={format!("Connection: {}", bar.text)}>{ &bar.text }</summary>
                            <div class="drawer">
                                <ConnectionPanel settings={s.clone()} on_change={on_settings} />
                            </div>
                        </details>
                    } else {
                        <span class="connection-bar" id="connection-summary">{ &bar.text }</span>
                    }
                </header>
                <main>
                    if let Some(text) = s.link_base.as_ref().filter(|_| state.started) {
                        { link::link_base_prompt(&ctx, s, text) }
                    }
                    if let Some(w) = &state.warning {
                        <div class="conflict" role="alert" id="draft-warning">{ format!("Your draft is not being saved: {w}.") }</div>
                    }
                    if state.others > 0 && state.doc().is_some() {
                        <div class="info" role="status" id="other-tab">{ "This object also has unsent changes in another tab of this browser. Each tab keeps its own draft: sending or discarding here leaves the other tab's alone." }</div>
                    }
                    if let Some(msg) = &state.info {
                        <div class="info" role="status" id="info">{ msg }
                            <button type="button" class="link" onclick={dismiss_info}>{ "Dismiss" }</button>
                        </div>
                    }
                    if let Some(r) = &state.retry {
                        <div class="retry" role="status" id="retry">
                            { format!("{}: Graph asked to wait. Retrying in {} (attempt {} of {MAX_ATTEMPTS}).", r.action, crate::util::wait_text(r.seconds), r.attempt) }
                            if r.possibly_applied { { " The change was possibly applied: the retry checks the object first and sends only if it is not there." } }
                            <button type="button" onclick={cancel_retry}>{ "Cancel" }</button>
                        </div>
                    }
                    if let Some((action, e)) = &state.error {
                        <ErrorView error={e.clone()} action={AttrValue::from(action.clone())} on_dismiss={dismiss_error} />
                    }
                    if state.busy { <p class="busy" role="status">{ "Working…" }</p> }
                    if state.doc().is_some() {
                        { editor_view::editor_view(&ctx, &state, on_edit, on_send) }
                    } else if state.side {
    { home::home_host(&ctx, &state) }
                    } else {
                        <p class="unit" role="status">{ "Opening the linked object…" }</p>
                    }
                </main>
            </>
        }
}
