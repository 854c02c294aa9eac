//! Where to connect: the cloud (or a custom Graph base URL), the API version, and the credential:
//! signing in (MSAL.js), or a pasted access token with what it says beside it.

use policy_core::endpoint::Cloud;
use policy_core::model::ApiVersion;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::sign_in_panel::SignInPanel;
use super::token_panel::TokenPanel;
use crate::session::Settings;

#[derive(Properties, PartialEq)]
pub struct ConnectionPanelProps {
    pub settings: Settings,
    pub on_change: Callback<Settings>,
}

#[component]
pub fn ConnectionPanel(props: &ConnectionPanelProps) -> Html {
    let s = &props.settings;
    let update = |f: fn(&mut Settings, String)| {
        let on_change = props.on_change.clone();
        let current = s.clone();
        move |value: String| {
            let mut next = current.clone();
            f(&mut next, value);
            on_change.emit(next);
        }
    };
    let on_cloud = {
        let set = update(|s, v| s.cloud = Cloud::from_id(&v));
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_custom = {
        let set = update(|s, v| s.custom_base = v);
        Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_api = {
        let set = update(|s, v| s.api = ApiVersion::parse(&v).unwrap_or(ApiVersion::Beta));
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_token = {
        let set = update(|s, v| s.token = v.trim().to_string());
        Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_keep = {
        let set = update(|s, v| s.keep_token = v == "true");
        Callback::from(move |e: Event| {
            set(e
                .target_unchecked_into::<HtmlInputElement>()
                .checked()
                .to_string())
        })
    };
    let base = s.base();
    html! {
        <section class="panel connection" aria-labelledby="connection-title">
            <h2 id="connection-title">{ "Connection" }</h2>
            <div class="row">
                <label for="cloud">{ "Cloud" }</label>
                <select id="cloud" name="cloud" onchange={on_cloud}>
                    { for Cloud::ALL.iter().map(|c| html! {
                        <option value={c.id()} selected={s.cloud == Some(*c)}>{ format!("{} — {}", c.label(), c.graph_base()) }</option>
                    }) }
                    <option value="custom" selected={s.cloud.is_none()}>{ "Custom Graph base URL" }</option>
                </select>
            </div>
            if s.cloud.is_none() {
                <div class="row">
                    <label for="custom-base">{ "Graph base URL" }</label>
                    <input id="custom-base" name="graph" type="url" placeholder="https://graph.example or http://127.0.0.1:8080"
                        value={s.custom_base.clone()} oninput={on_custom} />
                </div>
            }
            if let Err(e) = &base { <p class="error" role="alert">{ format!("The Graph base URL is not usable: {e}.") }</p> }
            <div class="row">
                <label for="api">{ "API version" }</label>
                <select id="api" name="api" onchange={on_api}>
                    { for ApiVersion::ALL.iter().map(|a| html! { <option value={a.as_str()} selected={s.api == *a}>{ a.as_str() }</option> }) }
                </select>
            </div>
            <SignInPanel settings={s.clone()} on_change={props.on_change.clone()} />
            <div class="row">
                <label for="token">{ if s.sign_in.active.is_some() { "Access token (not used while signed in)" } else { "Access token" } }</label>
                <textarea id="token" name="token" rows="3" spellcheck="false" autocomplete="off"
                    placeholder="Paste a bearer token for Microsoft Graph" value={s.token.clone()} oninput={on_token} />
            </div>
            <div class="row">
                <label class="inline"><input type="checkbox" id="keep-token" checked={s.keep_token} onchange={on_keep} />
                    { " Keep the token for this tab (sessionStorage; gone when the tab closes)" }</label>
            </div>
            if let Ok(base) = base { <TokenPanel token={AttrValue::from(s.token.clone())} {base} /> }
        </section>
    }
}
