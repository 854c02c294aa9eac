//! Signing in with the organisation's account (MSAL.js): sign in, the account in use (a picker
//! when several are signed in), "Sign in again" when silent renewal needs the user, sign out,
//! and the sign-in settings form (client ID, tenant, redirect page, authority for a custom Graph
//! base, where MSAL keeps tokens), kept in localStorage.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::auth::config::{CacheLocation, Resolved, UserOverrides};
use crate::auth::{msal, save_overrides, Account, SignIn};
use crate::session::Settings;

#[derive(Properties, PartialEq)]
pub struct SignInPanelProps {
    pub settings: Settings,
    pub on_change: Callback<Settings>,
}

/// Emits the settings with `sign_in` changed by `f`.
fn emit_with(on_change: &Callback<Settings>, settings: &Settings, f: impl FnOnce(&mut SignIn)) {
    let mut next = settings.clone();
    f(&mut next.sign_in);
    on_change.emit(next);
}

/// What happened, for the page, after an interactive sign-in.
fn signed_in(sign_in: &mut SignIn, account: Account, accounts: Vec<Account>) {
    sign_in.accounts = if accounts.is_empty() {
        vec![account.clone()]
    } else {
        accounts
    };
    sign_in.active = Some(account.home_id);
    sign_in.needs_interaction = false;
    sign_in.message = None;
}

#[component]
pub fn SignInPanel(props: &SignInPanelProps) -> Html {
    let busy = use_state(|| false);
    // After signing out: drafts hold tenant data, so offer to forget them on this device.
    let offer_forget = use_state_eq(|| false);
    let s = &props.settings;
    let si = &s.sign_in;
    let resolved = s
        .base()
        .map_err(|e| format!("The Graph base URL is not usable: {e}."))
        .and_then(|b| si.resolve(s.cloud, &b));

    // Interactive sign-in: a new account (`hint` None) or the same one again.
    let start_sign_in = |cfg: Resolved, hint: Option<String>| {
        let on_change = props.on_change.clone();
        let settings = s.clone();
        let busy = busy.clone();
        Callback::from(move |_: MouseEvent| {
            let (on_change, settings, busy, cfg, hint) = (
                on_change.clone(),
                settings.clone(),
                busy.clone(),
                cfg.clone(),
                hint.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = msal::sign_in(&cfg, hint.as_deref()).await;
                busy.set(false);
                match result {
                    Ok(Some(account)) => {
                        let accounts = msal::accounts(&cfg).await.unwrap_or_default();
                        emit_with(&on_change, &settings, |si| signed_in(si, account, accounts));
                    }
                    Ok(None) => emit_with(&on_change, &settings, |si| {
                        si.message = Some("Going to the sign-in page…".into())
                    }),
                    Err(e) => emit_with(&on_change, &settings, |si| {
                        si.message = Some(if e.cancelled() {
                            "Sign-in was cancelled.".into()
                        } else {
                            format!("Sign-in did not complete: {}.", e.sentence())
                        })
                    }),
                }
            });
        })
    };

    let on_pick = {
        let on_change = props.on_change.clone();
        let settings = s.clone();
        let cfg = resolved.clone().ok();
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            let (on_change, settings, cfg) = (on_change.clone(), settings.clone(), cfg.clone());
            let Some(cfg) = cfg else { return };
            wasm_bindgen_futures::spawn_local(async move {
                let result = msal::choose(&cfg, &id).await;
                emit_with(&on_change, &settings, |si| match result {
                    Ok(()) => {
                        si.active = Some(id);
                        si.needs_interaction = false;
                        si.message = None;
                    }
                    Err(e) => {
                        si.message = Some(format!("Cannot use that account: {}.", e.sentence()))
                    }
                });
            });
        })
    };

    let on_sign_out = {
        let on_change = props.on_change.clone();
        let settings = s.clone();
        let cfg = resolved.clone().ok();
        let busy = busy.clone();
        let offer_forget = offer_forget.clone();
        Callback::from(move |_: MouseEvent| {
            let (on_change, settings, busy) = (on_change.clone(), settings.clone(), busy.clone());
            let offer_forget = offer_forget.clone();
            let (Some(cfg), Some(account)) = (cfg.clone(), settings.sign_in.account().cloned())
            else {
                return;
            };
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = msal::sign_out(&cfg, &account.home_id).await;
                let accounts = msal::accounts(&cfg).await.unwrap_or_default();
                busy.set(false);
                offer_forget.set(result.is_ok());
                emit_with(&on_change, &settings, |si| {
                    si.accounts = accounts;
                    si.active = None;
                    si.needs_interaction = false;
                    si.message = Some(match result {
                        Ok(()) => format!("{} is signed out of this editor. Your organisation's sign-in session in this browser is not ended.", account.label()),
                        Err(e) => format!("Signing out did not complete: {}.", e.sentence()),
                    });
                });
            });
        })
    };

    // The settings form: each field updates the overrides and saves them.
    let field = |f: fn(&mut UserOverrides, String)| {
        let on_change = props.on_change.clone();
        let settings = s.clone();
        move |value: String| {
            let mut next = settings.clone();
            f(&mut next.sign_in.user, value);
            next.sign_in.message = None;
            save_overrides(&next.sign_in.user);
            on_change.emit(next);
        }
    };
    let text_input = |id: &'static str,
                      label: &'static str,
                      placeholder: &str,
                      value: &str,
                      f: fn(&mut UserOverrides, String)| {
        let set = field(f);
        let oninput = Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlInputElement>().value())
        });
        html! {
            <div class="row">
                <label for={id}>{ label }</label>
                <input id={id} type="text" spellcheck="false" autocomplete="off" placeholder={placeholder.to_string()} value={value.to_string()} {oninput} />
            </div>
        }
    };
    let on_cache = {
        let set = field(|u, v| u.cache_location = CacheLocation::parse(&v).unwrap_or_default());
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let host = &si.host;
    let user = &si.user;
    let settings_form = html! {
        <details class="sign-in-settings">
            <summary>{ "Sign-in settings" }</summary>
            <p class="unit">{ "Kept in this browser's localStorage; none of these is a secret. Empty fields use the host's config.json." }</p>
            { text_input("msal-client-id", "Client ID", if host.client_id.is_empty() { "Application (client) ID" } else { &host.client_id }, &user.client_id, |u, v| u.client_id = v.trim().to_string()) }
            { text_input("msal-tenant", "Tenant", if host.tenant.is_empty() { "organizations" } else { &host.tenant }, &user.tenant, |u, v| u.tenant = v.trim().to_string()) }
            { text_input("msal-redirect", "Redirect page", if host.redirect_uri.is_empty() { "redirect.html" } else { &host.redirect_uri }, &user.redirect_uri, |u, v| u.redirect_uri = v.trim().to_string()) }
            if s.cloud.is_none() {
                { text_input("msal-authority", "Authority", if host.authority.is_empty() { "https://login.microsoftonline.com/<tenant>" } else { &host.authority }, &user.authority, |u, v| u.authority = v.trim().to_string()) }
            }
            <div class="row">
                <label for="msal-cache">{ "Keep sign-in in" }</label>
                <select id="msal-cache" onchange={on_cache}>
                    { for CacheLocation::ALL.iter().map(|c| html! {
                        <option value={c.as_str()} selected={user.cache_location == *c}>{ c.label() }</option>
                    }) }
                </select>
            </div>
            if user.cache_location == CacheLocation::Local {
                <p class="warning" role="alert" id="msal-cache-warning">{ "localStorage keeps your tokens after the browser closes, for every tab, and any script on this site can read them. Choose it only on a computer nobody else uses." }</p>
            }
        </details>
    };

    let body = match &resolved {
        Err(why) => html! { <p class="unit" id="sign-in-unavailable">{ why }</p> },
        Ok(cfg) => {
            let picker = (si.accounts.len() > 1).then(|| html! {
                <div class="row">
                    <label for="msal-account">{ "Account" }</label>
                    <select id="msal-account" onchange={on_pick.clone()}>
                        if si.account().is_none() { <option value="" selected=true disabled=true>{ "Choose an account" }</option> }
                        { for si.accounts.iter().map(|a| html! {
                            <option value={a.home_id.clone()} selected={si.active.as_deref() == Some(a.home_id.as_str())}>{ a.label() }</option>
                        }) }
                    </select>
                </div>
            });
            match si.account() {
                Some(account) => html! {
                    <>
                        <p id="signed-in-as">{ "Signed in as " }<strong>{ account.label() }</strong>
                            if !account.tenant_id.is_empty() { <span class="unit">{ format!(" · tenant {}", account.tenant_id) }</span> }</p>
                        if si.needs_interaction {
                            <div class="warning" role="alert" id="sign-in-needed">
                                { "Your sign-in could not be renewed without you. " }
                                <button type="button" id="sign-in-again" class="primary" disabled={*busy}
                                    onclick={start_sign_in(cfg.clone(), Some(account.username.clone()).filter(|u| !u.is_empty()))}>{ "Sign in again" }</button>
                            </div>
                        }
                        { for picker }
                        <div class="row">
                            <button type="button" id="sign-out" disabled={*busy} onclick={on_sign_out}>{ "Sign out" }</button>
                            <button type="button" class="link" id="sign-in-other" disabled={*busy} onclick={start_sign_in(cfg.clone(), None)}>{ "Use another account" }</button>
                        </div>
                    </>
                },
                None => html! {
                    <>
                        { for picker }
                        <div class="row">
                            <button type="button" id="sign-in" class="primary" disabled={*busy} onclick={start_sign_in(cfg.clone(), None)}>{ "Sign in" }</button>
                            <span class="unit">{ format!("at {}", cfg.authority) }</span>
                        </div>
                    </>
                },
            }
        }
    };

    html! {
        <div class="sign-in" id="sign-in-panel">
            <h3>{ "Sign in with your organisation's account" }</h3>
            { body }
            if let Some(m) = &si.message { <p class="unit" role="status" id="sign-in-message">{ m }</p> }
            if *offer_forget {
                <p class="row" id="forget-offer">{ "Unsent drafts of this tenant's objects stay in this browser. " }
                    <button type="button" id="forget-drafts-after-sign-out" onclick={{
                        let offer_forget = offer_forget.clone();
                        Callback::from(move |_| { crate::drafts::set_pending(None); crate::drafts::forget_all(); offer_forget.set(false); })
                    }}>{ "Forget drafts on this device" }</button>
                </p>
            }
            { settings_form }
        </div>
    }
}
