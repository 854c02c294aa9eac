//! The value of an encrypted setting (an OMA setting with `isEncrypted`): never shown as Graph's
//! mask, revealed only on request (Graph's `getOmaSettingPlainTextValue`, kept in this page's
//! memory, never in the draft), or typed again. What the form knows about secrets comes from the
//! open document through [`Secrets`], a context the editor provides.

use std::collections::HashMap;

use serde_json::Value;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::input_id;
use crate::state::Shared;

/// The open document's secrets, for the fields that show them.
#[derive(Clone, PartialEq)]
pub struct Secrets {
    /// Graph's masked value of each secret, by `secretReferenceValueId`.
    pub masks: Shared<HashMap<String, Value>>,
    /// The values revealed in this page, by reference.
    pub revealed: Shared<HashMap<String, String>>,
    /// Asks Graph for a secret's plain value; `None` when the document is not Graph's object or
    /// there is no credential.
    pub on_reveal: Option<Callback<String>>,
}

#[derive(Properties, PartialEq)]
pub struct SecretFieldProps {
    pub path: AttrValue,
    /// The item's `secretReferenceValueId` (empty for a new item).
    pub reference: AttrValue,
    pub value: Value,
    pub on_change: Callback<Value>,
    #[prop_or_default]
    pub read_only: bool,
}

#[component]
pub fn SecretField(props: &SecretFieldProps) -> Html {
    let secrets = use_context::<Secrets>();
    let reference = props.reference.to_string();
    let masked = secrets
        .as_ref()
        .and_then(|s| s.masks.get(&reference))
        .is_some_and(|mask| *mask == props.value);
    let revealed = secrets
        .as_ref()
        .and_then(|s| s.revealed.get(&reference).cloned());
    let shown = use_state_eq(|| false);
    let id = input_id(&props.path);
    let oninput = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            on_change.emit(Value::String(v));
        })
    };
    // The field holds what the user typed, or the revealed value; never the mask.
    let text = match (masked, &revealed) {
        (true, Some(plain)) => plain.clone(),
        (true, None) => String::new(),
        (false, _) => props.value.as_str().unwrap_or_default().to_string(),
    };
    let status = match (masked, &revealed) {
        (true, None) => "Encrypted in Graph: hidden. Reveal it or type a new value.",
        (true, Some(_)) => "Revealed for this page only: it is sent as is, and never stored.",
        (false, _) => {
            "Typed here: sent as typed, kept in this page only (drafts keep Graph's mask)."
        }
    };
    let reveal = match (
        masked,
        revealed.is_some(),
        secrets.and_then(|s| s.on_reveal),
    ) {
        (true, false, Some(on_reveal)) if !reference.is_empty() => {
            let reference = reference.clone();
            Some(Callback::from(move |_| on_reveal.emit(reference.clone())))
        }
        _ => None,
    };
    let toggle = {
        let shown = shown.clone();
        Callback::from(move |_| shown.set(!*shown))
    };
    html! {
        <div class="secret" data-secret={if masked && revealed.is_none() { "hidden" } else { "known" }}>
            <input id={id} name={props.path.clone()} type={if *shown { "text" } else { "password" }}
                autocomplete="new-password" spellcheck="false" value={text} placeholder="Hidden (encrypted in Graph)"
                readonly={props.read_only} {oninput} />
            if let Some(onclick) = reveal {
                <button type="button" class="reveal" {onclick}>{ "Reveal" }</button>
            }
            <button type="button" class="link" aria-pressed={(*shown).to_string()} onclick={toggle}>{ if *shown { "Hide" } else { "Show" } }</button>
            <p class="unit">{ status }</p>
        </div>
    }
}
