//! Review before sending: the changed properties (old → new), what is left out and why, the
//! exact request (token redacted) with "copy as curl / PowerShell", and Send.

use policy_core::endpoint::Target;
use policy_core::patch::{Change, DiffError, Patch, SkipReason};
use serde_json::Value;
use yew::prelude::*;

use crate::clipboard::copy_text;
use crate::components::field::SchemaRef;
use crate::net::Connection;
use crate::state::Shared;
use policy_core::sections::{section_of, sections, Section};

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
    /// The open type's schema: the changes are grouped by the form's sections.
    #[prop_or_default]
    pub schema: Option<SchemaRef>,
    /// A settings catalog policy whose settings changed: the body of the PUT Send makes.
    #[prop_or_default]
    pub put: Option<Shared<Value>>,
    /// An intent whose settings changed: the body of the `updateSettings` Send makes after its
    /// PATCH (if any).
    #[prop_or_default]
    pub update: Option<Shared<Value>>,
    /// Its setting-level changes (`settings_review`).
    #[prop_or_default]
    pub settings: Option<Html>,
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

/// Compact JSON of `v` up to about `limit` bytes, "…" when cut; "(absent)" for no value.
fn json_text(v: &Option<Value>, limit: usize) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => match bounded_json(v, limit) {
            (text, true) => text,
            (text, false) => text + "…",
        },
    }
}

/// A value in the change table: whole when short; a long one (over [`FOLD_CHARS`] characters)
/// folded behind its beginning, opened on request, and written out up to [`WHOLE_CHARS`].
fn value_cell(v: &Option<Value>, class: &'static str) -> Html {
    let text = json_text(v, WHOLE_CHARS);
    if text.len() <= FOLD_CHARS {
        return html! { <td {class}><code>{ text }</code></td> };
    }
    let mut cut = 80;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    html! {
        <td {class}>
            <details class="fold">
                <summary><code>{ format!("{}…", &text[..cut]) }</code></summary>
                <code>{ text }</code>
            </details>
        </td>
    }
}

/// Values up to this many characters show whole in the change table.
const FOLD_CHARS: usize = 160;
/// A folded value is written out up to this many characters.
const WHOLE_CHARS: usize = 4000;

/// The rows of a change list, also used for "changed elsewhere" conflicts; with `on_revert`,
/// each row can put its property back as it was loaded; with `sections`, rows are grouped under
/// the form's section titles, in the form's order.
pub fn change_rows(
    changes: &[Change],
    on_revert: Option<&Callback<String>>,
    sections: Option<&[Section]>,
) -> Html {
    let row = |c: &Change| {
        let revert = on_revert.map(|cb| {
            let (cb, property) = (cb.clone(), c.property.clone());
            Callback::from(move |_: MouseEvent| cb.emit(property.clone()))
        });
        html! {
            <tr data-property={c.property.clone()}>
                <th scope="row">{ policy_core::label::label(&c.property) }<code class="prop-name">{ &c.property }</code></th>
                { value_cell(&c.old, "old") }
                { value_cell(&Some(c.new.clone()), "new") }
                if let Some(onclick) = revert {
                    <td><button type="button" class="link revert" aria-label={format!("Revert {}", c.property)} {onclick}>{ "Revert" }</button></td>
                }
            </tr>
        }
    };
    let columns = if on_revert.is_some() { "4" } else { "3" };
    // (section title, its changes) in the form's order; changes outside every section last.
    let mut groups: Vec<(Option<&str>, Vec<&Change>)> = sections
        .unwrap_or_default()
        .iter()
        .map(|s| {
            let here = changes
                .iter()
                .filter(|c| s.properties.contains(&c.property));
            (Some(s.title.as_str()), here.collect::<Vec<_>>())
        })
        .filter(|(_, list)| !list.is_empty())
        .collect();
    let elsewhere: Vec<&Change> = changes
        .iter()
        .filter(|c| sections.is_none_or(|s| section_of(s, &c.property).is_none()))
        .collect();
    if !elsewhere.is_empty() {
        groups.push((None, elsewhere));
    }
    let grouped = sections.is_some() && groups.len() > 1;
    html! {
        <table class="diff">
            <thead><tr><th scope="col">{ "Setting" }</th><th scope="col">{ "Before" }</th><th scope="col">{ "After" }</th>
                if on_revert.is_some() { <th scope="col"><span class="visually-hidden">{ "Revert" }</span></th> }
            </tr></thead>
            { for groups.iter().map(|(title, list)| html! {
                <tbody>
                    if grouped {
                        <tr class="section-row"><th scope="colgroup" colspan={columns}>{ title.unwrap_or("Other") }</th></tr>
                    }
                    { for list.iter().map(|c| row(c)) }
                </tbody>
            }) }
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
    let type_id = patch.map(|p| p.type_id());
    let secs = use_memo((props.schema, type_id), |(schema, t)| {
        schema.zip(*t).map(|(s, t)| sections(s.0, t))
    });
    // None: as the size decides; Some: as the user left it.
    let opened = use_state_eq(|| None::<bool>);
    // The settings' own request: a PUT of the whole policy, or an intent's updateSettings.
    let put = props.put.as_ref().or(props.update.as_ref());
    let big = match put {
        Some(body) => !bounded_json(body, OPEN_BODY_BYTES).1,
        None => body_is_big(changes),
    };
    let open = opened.unwrap_or((!changes.is_empty() || put.is_some()) && !big);
    // What this render asks for. The browser fires `toggle` for that change too, and only a
    // toggle away from it is the user's choice: taking the page's own opening as a choice kept a
    // request that had grown large written out on every keystroke.
    let shown = use_mut_ref(|| false);
    *shown.borrow_mut() = open;
    let has_body = patch.is_some_and(|p| !p.is_empty()) || put.is_some();
    let preview = match (&props.request, patch, &props.put, &props.update) {
        (Some((conn, target)), _, Some(body), _) if open => Some(conn.put_preview(target, body)),
        (Some((conn, target)), p, None, Some(body)) if open => {
            Some(conn.update_preview(target, body, p.and_then(|p| conn.patch_preview(target, p))))
        }
        (Some((conn, target)), Some(p), None, None) if open => conn.patch_preview(target, p),
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
    let disabled = props.blocked.is_some() || props.busy || (changes.is_empty() && put.is_none());
    html! {
        <section class={classes!("panel", "review", (!has_body).then_some("idle"))} aria-labelledby="review-title">
            <h2 id="review-title">{ "Review and send" }</h2>
            // The changes scroll; the foot with Send stays in view (style.css).
            <div class="review-body">
            if changes.is_empty() && put.is_none() {
                <p id="no-changes">{ "No changes to send." }</p>
            } else if !changes.is_empty() {
                <div id="diff">{ change_rows(changes, props.on_revert.as_ref(), (*secs).as_deref()) }</div>
            }
            if put.is_some() { { props.settings.clone().unwrap_or_default() } }
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
                        <pre id="request-preview">{ p.text() }</pre>
                        <div class="actions">
                            <button type="button" onclick={{ let p = p.clone(); Callback::from(move |_| copy_text(&p.to_curl())) }}>{ "Copy as curl" }</button>
                            <button type="button" onclick={Callback::from(move |_| copy_text(&p.to_powershell()))}>{ "Copy as PowerShell (Invoke-MgGraphRequest)" }</button>
                        </div>
                    }
                </details>
            }
            </div>
            <div class="review-foot">
                if let Some(why) = &props.blocked { <p class="blocked" id="send-blocked">{ why }</p> }
                <button type="button" id="send" class="primary" {disabled} onclick={Callback::from(move |_| send.emit(()))}>
                    { if props.busy { "Sending…" } else { "Send" } }
                </button>
            </div>
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
        let shown = json_text(&Some(long), 300);
        assert!(
            shown.ends_with('…') && shown.chars().count() <= 301,
            "{shown}"
        );
        assert_eq!(json_text(&Some(json!([1, 2])), 300), "[1,2]");
        assert_eq!(json_text(&None, 300), "(absent)");
    }
}
