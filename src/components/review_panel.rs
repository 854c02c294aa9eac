//! Review before sending: the changed properties (old → new), what is left out and why, the
//! exact request (token redacted) with "copy as curl / PowerShell", and Send.

use policy_core::patch::{Change, Patch, SkipReason};
use serde_json::Value;
use yew::prelude::*;

use crate::api::RequestPreview;
use crate::clipboard::copy_text;

#[derive(Properties, PartialEq)]
pub struct ReviewPanelProps {
    pub patch: Option<Patch>,
    pub preview: Option<RequestPreview>,
    /// Why Send is not possible now, if it is not.
    pub blocked: Option<AttrValue>,
    pub busy: bool,
    pub on_send: Callback<()>,
}

fn short(v: &Option<Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 300 {
                format!("{}…", s.chars().take(300).collect::<String>())
            } else {
                s
            }
        }
    }
}

/// The rows of a change list, also used for "changed elsewhere" conflicts.
pub fn change_rows(changes: &[Change]) -> Html {
    html! {
        <table class="diff">
            <thead><tr><th>{ "Property" }</th><th>{ "Before" }</th><th>{ "After" }</th></tr></thead>
            <tbody>
                { for changes.iter().map(|c| html! {
                    <tr data-property={c.property.clone()}>
                        <td>{ &c.property }</td>
                        <td class="old"><code>{ short(&c.old) }</code></td>
                        <td class="new"><code>{ short(&Some(c.new.clone())) }</code></td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[component]
pub fn ReviewPanel(props: &ReviewPanelProps) -> Html {
    let changes = props
        .patch
        .as_ref()
        .map(|p| p.changes().to_vec())
        .unwrap_or_default();
    let skipped = props
        .patch
        .as_ref()
        .map(|p| p.skipped().to_vec())
        .unwrap_or_default();
    let send = props.on_send.clone();
    let disabled = props.blocked.is_some() || props.busy || changes.is_empty();
    html! {
        <section class="panel review" aria-labelledby="review-title">
            <h2 id="review-title">{ "Review and send" }</h2>
            if changes.is_empty() {
                <p id="no-changes">{ "No changes to send." }</p>
            } else {
                <div id="diff">{ change_rows(&changes) }</div>
            }
            if !skipped.is_empty() {
                <ul class="skipped">
                    { for skipped.iter().map(|s| html! {
                        <li>{ format!("{} is not sent: {}", s.property, match s.reason {
                            SkipReason::ReadOnly => "it is read-only",
                            SkipReason::Unknown => "it is not in this API version's metadata",
                            SkipReason::Navigation => "it is a relationship",
                        }) }</li>
                    }) }
                </ul>
            }
            if let Some(p) = &props.preview {
                <details class="request" open={!changes.is_empty()}>
                    <summary>{ "Request" }</summary>
                    <pre id="request-preview">{ format!("{} {}\n{}\n\n{}", p.method, p.url,
                        p.headers.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n"), p.body) }</pre>
                    <div class="actions">
                        <button type="button" onclick={{ let t = p.to_curl(); Callback::from(move |_| copy_text(&t)) }}>{ "Copy as curl" }</button>
                        <button type="button" onclick={{ let t = p.to_powershell(); Callback::from(move |_| copy_text(&t)) }}>{ "Copy as PowerShell (Invoke-MgGraphRequest)" }</button>
                    </div>
                </details>
            }
            if let Some(why) = &props.blocked { <p class="blocked" id="send-blocked">{ why }</p> }
            <button type="button" id="send" class="primary" {disabled} onclick={Callback::from(move |_| send.emit(()))}>
                { if props.busy { "Sending…" } else { "Send" } }
            </button>
        </section>
    }
}
