//! The "Unsaved drafts" panel: every stored draft (this tab's and other tabs'), the ones that
//! could not be restored (kept, with Export), and "Forget drafts on this device".

use policy_core::label::label;
use policy_core::model::short_name;
use serde_json::Value;
use yew::prelude::*;

use super::effects::Ctx;
use super::store::AppAction;
use crate::clipboard::download_json;
use crate::drafts::{self, SavedDraft, Unreadable};

/// The panel for these stored drafts; nothing when there are none.
pub fn drafts_panel(ctx: &Ctx, saved: &[SavedDraft], unreadable: &[Unreadable]) -> Html {
    if saved.is_empty() && unreadable.is_empty() {
        return html! {};
    }
    let forget = |key: String| {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            drafts::remove(&key);
            ctx.send(AppAction::DraftsChanged);
        })
    };
    let forget_all = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            drafts::set_pending(None);
            let n = drafts::forget_all();
            ctx.info(format!(
                "Forgot {n} draft{} on this device.",
                if n == 1 { "" } else { "s" }
            ));
            ctx.send(AppAction::DraftsChanged);
        })
    };
    let me = drafts::tab_id();
    html! {
        <section class="panel drafts" aria-labelledby="drafts-title">
            <h2 id="drafts-title">{ "Unsaved drafts" }</h2>
            <ul>
                { for saved.iter().map(|d| {
                    let open = {
                        let ctx = ctx.clone();
                        let d = d.clone();
                        Callback::from(move |_| ctx.open_saved(d.clone()))
                    };
                    let name = d.draft.get("displayName").and_then(Value::as_str).unwrap_or("(no name)").to_string();
                    let whose = if d.tab == me { "" } else { ", another tab" };
                    html! {
                        <li>
                            <button type="button" class="link" onclick={open}>{ format!("{name} — {} ({}, {}{whose})", label(short_name(&d.type_name)), d.api, d.object) }</button>
                            { " " }<button type="button" class="link" onclick={forget(d.key())}>{ "Discard" }</button>
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
                        let what = u.key.trim_start_matches("intune-editor.draft|").to_string();
                        html! {
                            <li>
                                <span>{ what }</span>{ " " }
                                <button type="button" class="link" onclick={export}>{ "Export" }</button>{ " " }
                                <button type="button" class="link" onclick={forget(u.key.clone())}>{ "Discard" }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
            <button type="button" id="forget-drafts" onclick={forget_all}>{ "Forget drafts on this device" }</button>
        </section>
    }
}
