//! Review before sending: the changed properties (old → new), what is left out and why, the
//! exact request (token redacted) with "copy as curl / PowerShell", and Send.

use policy_core::endpoint::Target;
use policy_core::patch::{Change, DiffError, Patch, SkipReason};
use serde_json::Value;
use yew::prelude::*;

use crate::clipboard::copy_text;
use crate::net::Connection;
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct ReviewPanelProps {
    /// The document's patch (shared with it: unchanged until the draft changes).
    pub patch: Option<Shared<Result<Patch, DiffError>>>,
    /// Where Send would go, for the request preview; `None` when there is nowhere to send.
    pub request: Option<(Connection, Target)>,
    /// Why Send is not possible now, if it is not.
    pub blocked: Option<AttrValue>,
    pub busy: bool,
    pub on_send: Callback<()>,
    /// Puts one property back as it was loaded ("Revert" on its row).
    #[prop_or_default]
    pub on_revert: Option<Callback<String>>,
}

/// Compact JSON of `v`, cut after about `limit` bytes; true when it is whole. A 500-item list
/// is not written out on every keystroke to show its first line.
fn bounded_json(v: &Value, limit: usize) -> (String, bool) {
    struct Bounded(Vec<u8>, usize);
    impl std::io::Write for Bounded {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let room = self.1 + 4 - self.0.len();
            if room == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            let n = buf.len().min(room);
            self.0.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Bounded(Vec::new(), limit);
    let whole = serde_json::to_writer(&mut out, v).is_ok() && out.0.len() <= limit;
    let mut text = String::from_utf8_lossy(&out.0).into_owned();
    if !whole {
        let mut end = limit.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    (text, whole)
}

/// A value for the change table: up to 300 characters of JSON.
pub fn short(v: &Option<Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => match bounded_json(v, 300) {
            (text, true) => text,
            (text, false) => text + "…",
        },
    }
}

/// The rows of a change list, also used for "changed elsewhere" conflicts; with `on_revert`,
/// each row can put its property back as it was loaded.
pub fn change_rows(changes: &[Change], on_revert: Option<&Callback<String>>) -> Html {
    html! {
        <table class="diff">
            <thead><tr><th>{ "Property" }</th><th>{ "Before" }</th><th>{ "After" }</th>
                if on_revert.is_some() { <th><span class="visually-hidden">{ "Revert" }</span></th> }
            </tr></thead>
            <tbody>
                { for changes.iter().map(|c| {
                    let revert = on_revert.map(|cb| {
                        let (cb, property) = (cb.clone(), c.property.clone());
                        Callback::from(move |_: MouseEvent| cb.emit(property.clone()))
                    });
                    html! {
                        <tr data-property={c.property.clone()}>
                            <td>{ &c.property }</td>
                            <td class="old"><code>{ short(&c.old) }</code></td>
                            <td class="new"><code>{ short(&Some(c.new.clone())) }</code></td>
                            if let Some(onclick) = revert {
                                <td><button type="button" class="link revert" aria-label={format!("Revert {}", c.property)} {onclick}>{ "Revert" }</button></td>
                            }
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

/// True when the changed values come to more than `OPEN_BODY_BYTES` of JSON (each is written
/// out only up to that size to find out).
fn body_is_big(changes: &[Change]) -> bool {
    let mut total = 0;
    for c in changes {
        let (text, whole) = bounded_json(&c.new, OPEN_BODY_BYTES);
        total += text.len();
        if !whole || total > OPEN_BODY_BYTES {
            return true;
        }
    }
    false
}

/// Request bodies up to this size are shown at once; a bigger one (a long list) is written out
/// only when the user opens "Request", not on every keystroke.
const OPEN_BODY_BYTES: usize = 4000;

#[component]
pub fn ReviewPanel(props: &ReviewPanelProps) -> Html {
    let patch = props
        .patch
        .as_ref()
        .and_then(|p| p.0.as_ref().as_ref().ok());
    let changes: &[Change] = patch.map(|p| p.changes()).unwrap_or(&[]);
    let skipped = patch.map(|p| p.skipped()).unwrap_or(&[]);
    // None: as the size decides; Some: as the user left it.
    let opened = use_state_eq(|| None::<bool>);
    let big = body_is_big(changes);
    let open = opened.unwrap_or(!changes.is_empty() && !big);
    // What this render asks for. The browser fires `toggle` for that change too, and only a
    // toggle away from it is the user's choice: taking the page's own opening as a choice kept a
    // request that had grown large written out on every keystroke.
    let shown = use_mut_ref(|| false);
    *shown.borrow_mut() = open;
    let has_body = patch.is_some_and(|p| !p.is_empty());
    let preview = match (&props.request, patch) {
        (Some((conn, target)), Some(p)) if open => conn.patch_preview(target, p),
        _ => None,
    };
    let on_toggle = {
        let opened = opened.clone();
        let shown = shown.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::HtmlDetailsElement = e.target_unchecked_into();
            if el.open() != *shown.borrow() {
                opened.set(Some(el.open()));
            }
        })
    };
    let send = props.on_send.clone();
    let disabled = props.blocked.is_some() || props.busy || changes.is_empty();
    html! {
        <section class="panel review" aria-labelledby="review-title">
            <h2 id="review-title">{ "Review and send" }</h2>
            if changes.is_empty() {
                <p id="no-changes">{ "No changes to send." }</p>
            } else {
                <div id="diff">{ change_rows(changes, props.on_revert.as_ref()) }</div>
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
            if props.request.is_some() && has_body {
                <details class="request" {open} ontoggle={on_toggle}>
                    <summary>{ "Request" }</summary>
                    if let Some(p) = preview {
                        <pre id="request-preview">{ format!("{} {}\n{}\n\n{}", p.method, p.url,
                            p.headers.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n"), p.body) }</pre>
                        <div class="actions">
                            <button type="button" onclick={{ let p = p.clone(); Callback::from(move |_| copy_text(&p.to_curl())) }}>{ "Copy as curl" }</button>
                            <button type="button" onclick={Callback::from(move |_| copy_text(&p.to_powershell()))}>{ "Copy as PowerShell (Invoke-MgGraphRequest)" }</button>
                        </div>
                    }
                </details>
            }
            if let Some(why) = &props.blocked { <p class="blocked" id="send-blocked">{ why }</p> }
            <button type="button" id="send" class="primary" {disabled} onclick={Callback::from(move |_| send.emit(()))}>
                { if props.busy { "Sending…" } else { "Send" } }
            </button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(new: Value) -> Change {
        Change {
            property: "omaSettings".into(),
            old: None,
            new,
        }
    }

    #[test]
    fn a_long_list_is_a_big_body_and_a_short_value_is_not() {
        let long = json!((0..500)
            .map(|i| json!({"omaUri": format!("./Vendor/x/{i}")}))
            .collect::<Vec<_>>());
        assert!(body_is_big(&[change(long.clone())]));
        assert!(!body_is_big(&[change(json!("short"))]));
        // Exactly at the limit after cutting is still big: the cut value was longer.
        let at_limit = json!("x".repeat(OPEN_BODY_BYTES * 2));
        assert!(body_is_big(&[change(at_limit)]));
        let shown = short(&Some(long));
        assert!(
            shown.ends_with('…') && shown.chars().count() <= 301,
            "{shown}"
        );
        assert_eq!(short(&Some(json!([1, 2]))), "[1,2]");
        assert_eq!(short(&None), "(absent)");
    }
}
