//! The open document's view: its head, problems, encrypted settings, a conflict, the form and
//! the review.

use policy_core::label::label;
use serde_json::Value;
use yew::prelude::*;

use super::docs::draft_key;
use super::effects::Ctx;
use super::store::{AppAction, AppState};
use crate::clipboard::download_json;
use crate::components::catalog_host::catalog_host;
use crate::components::field::secret::Secrets;
use crate::components::field::SchemaRef;
use crate::components::form_view::FormView;
use crate::components::problem_summary::ProblemSummary;
use crate::components::review_panel::{change_rows, ReviewPanel};
use crate::components::settings_review::settings_review;
use crate::drafts;
use crate::state::{Action, Origin};

/// The open document: its head (title, exports, discard, close), problems, encrypted settings,
/// a conflict, the form and the review; nothing when no document is open (the list shows).
pub fn editor_view(
    ctx: &Ctx,
    state: &AppState,
    on_edit: Callback<(String, Option<Value>)>,
    on_send: Callback<()>,
) -> Html {
    let Some(doc) = state.doc() else {
        return Html::default();
    };
    let s = doc.schema();
    let t = s.get(doc.type_id);
    let conn = state.settings.connection().ok();
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
    // Most types name themselves in `displayName`; settings catalog policies in `name`.
    let title = ["displayName", "name"]
        .iter()
        .find_map(|k| {
            doc.draft
                .get(k)
                .and_then(|v| v.as_str().map(str::to_string))
        })
        .filter(|t| !t.is_empty())
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
        let ctx = ctx.clone();
        let is_graph = matches!(doc.origin, Origin::Graph { .. });
        let key = draft_key(&state.settings, doc);
        Callback::from(move |_| {
            if is_graph {
                ctx.doc(Action::DiscardDraft);
            } else {
                drafts::set_pending(None);
                drafts::remove_mine(&key);
                ctx.doc(Action::Close);
            }
        })
    };
    let compare = match (
        &doc.origin,
        doc.draft
            .get("id")
            .and_then(|v| v.as_str().map(str::to_string)),
        s.entry_set_for(doc.type_id),
    ) {
        (Origin::File { .. } | Origin::New { .. }, Some(id), Some(set)) if set.collection => {
            let ctx = ctx.clone();
            let set = set.path.clone();
            Some(Callback::from(move |_| {
                ctx.compare(set.clone(), id.clone())
            }))
        }
        _ => None,
    };
    // Encrypted settings: revealed on request, in this page's memory only.
    let secrets = Secrets {
        masks: doc.masks.clone(),
        revealed: doc.revealed.clone(),
        on_reveal: match (&doc.origin, &request) {
            (Origin::Graph { target }, Some((conn, _))) if has_credential => {
                let (ctx, target, conn) = (ctx.clone(), target.clone(), conn.clone());
                Some(Callback::from(move |reference: String| {
                    ctx.reveal(conn.clone(), target.clone(), reference)
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
    let on_revert = {
        let ctx = ctx.clone();
        Some(Callback::from(move |property: String| {
            ctx.doc(Action::Revert(property))
        }))
    };
    // A settings catalog policy or an intent: its settings are the lazily loaded catalog module's.
    let catalog = doc.has_module_settings().then(|| {
        let ctx = ctx.clone();
        let retry = Callback::from(move |_| {
            ctx.send(AppAction::CatalogModule(None));
            crate::net::catalog_module::start(true);
        });
        catalog_host(
            doc.draft.get("settings"),
            doc.loaded.as_ref(),
            state.catalog_module.as_deref(),
            retry,
        )
    });
    let put = doc.put().cloned();
    // An intent's changed settings: the body of its updateSettings, from the catalog module.
    let update = match (doc.settings_update(), &doc.loaded) {
        (true, Some(loaded)) => {
            crate::net::catalog_module::update_body(&loaded.0, &doc.draft_value())
                .map(crate::state::Shared::new)
        }
        _ => None,
    };
    let settings = match (put.is_some() || doc.settings_update(), &doc.loaded) {
        (true, Some(loaded)) => Some(settings_review(doc.draft.get("settings"), loaded)),
        _ => None,
    };
    let conflict_view = state.conflict.clone().map(|c| {
        let rebase = {
            let ctx = ctx.clone();
            let current = c.current.clone();
            Callback::from(move |_| {
                ctx.doc(Action::Rebase(current.clone()));
                ctx.send(AppAction::Conflict(None));
            })
        };
        let cancel = {
            let ctx = ctx.clone();
            Callback::from(move |_| ctx.send(AppAction::Conflict(None)))
        };
        html! {
            <div class="conflict" role="alert" id="conflict">
                <h3>{ "Someone else changed this object since you loaded it" }</h3>
                <p>{ "Nothing was sent. Their changes:" }</p>
                { change_rows(&c.changes, None, Some(&policy_core::sections::sections(doc.schema(), doc.type_id))) }
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
                </div>
            </div>
            <ProblemSummary problems={doc.problems.clone()} />
            { for secrets_note }
            { for conflict_view }
            <div class="editor-body">
                // The form and, for a settings catalog policy, its settings: one column.
                <div class="editor-main">
                    <ContextProvider<Secrets> context={secrets}>
                        <FormView schema={SchemaRef(doc.schema())} type_id={doc.type_id} draft={doc.draft.clone()} problems={doc.problems.clone()}
                            server={doc.server_messages.clone()} patch={patch.clone()} {on_edit} />
                    </ContextProvider<Secrets>>
                    { for catalog }
                </div>
                <ReviewPanel schema={Some(SchemaRef(doc.schema()))} {patch} {request} {blocked} busy={state.busy || state.retry.is_some()} {on_send} {on_revert} {put} {update} {settings} />
            </div>
        </section>
    }
}
