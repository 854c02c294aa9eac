//! MSAL.js (`@azure/msal-browser` 5.x): the ONE module that binds it. The UMD build shipped in
//! `dist/` (`msal-browser.min.js`, loaded by a plain `<script>` in `index.html`) defines the
//! global `msal`; these `wasm-bindgen` imports call it, and the functions below are the only
//! operations the app uses: start (finish a redirect sign-in), sign in (popup, falling back to a
//! full-page redirect when the popup is blocked), pick an account, get an access token silently,
//! sign out (forget the account here).
//!
//! One `PublicClientApplication` is kept per page for the current [`Resolved`] configuration and
//! rebuilt when it changes (another cloud, client ID or cache location). MSAL's logger is left at
//! its default, which writes nothing: tokens never reach the console.

use std::cell::RefCell;

use js_sys::{Array, Reflect, JSON};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::config::{CacheLocation, Resolved};
use super::Account;

#[wasm_bindgen(js_namespace = msal)]
extern "C" {
    /// `msal.PublicClientApplication`.
    #[derive(Clone)]
    type PublicClientApplication;

    #[wasm_bindgen(constructor, catch)]
    fn new(configuration: &JsValue) -> Result<PublicClientApplication, JsValue>;

    #[wasm_bindgen(method, catch)]
    async fn initialize(this: &PublicClientApplication) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = handleRedirectPromise)]
    async fn handle_redirect_promise(this: &PublicClientApplication) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = loginPopup)]
    async fn login_popup(
        this: &PublicClientApplication,
        request: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = loginRedirect)]
    async fn login_redirect(
        this: &PublicClientApplication,
        request: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = acquireTokenSilent)]
    async fn acquire_token_silent(
        this: &PublicClientApplication,
        request: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = getAllAccounts)]
    fn get_all_accounts(this: &PublicClientApplication) -> Result<Array, JsValue>;

    #[wasm_bindgen(method, catch, js_name = getActiveAccount)]
    fn get_active_account(this: &PublicClientApplication) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = setActiveAccount)]
    fn set_active_account(this: &PublicClientApplication, account: &JsValue)
        -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = clearCache)]
    async fn clear_cache(
        this: &PublicClientApplication,
        request: &JsValue,
    ) -> Result<JsValue, JsValue>;

    /// `msal.InteractionRequiredAuthError`: silent renewal is impossible, the user must act.
    type InteractionRequiredAuthError;
}

/// A failure of MSAL.js, reduced to what the page needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsalError {
    /// MSAL's `errorCode` (`popup_window_error`, `no_tokens_found`, …) or a name of ours.
    pub code: String,
    pub message: String,
    /// Only an interactive sign-in can fix it (`InteractionRequiredAuthError`).
    pub interaction_required: bool,
}

/// Codes that mean the same as an `InteractionRequiredAuthError` whatever class carried them.
const INTERACTION_CODES: &[&str] = &[
    "interaction_required",
    "login_required",
    "consent_required",
    "no_tokens_found",
    "no_account_error",
    "bad_token",
    "refresh_token_expired",
    "invalid_grant",
];

impl MsalError {
    fn ours(code: &str, message: impl Into<String>, interaction_required: bool) -> MsalError {
        MsalError {
            code: code.into(),
            message: message.into(),
            interaction_required,
        }
    }

    fn from_js(e: JsValue) -> MsalError {
        let text = |k: &str| {
            Reflect::get(&e, &JsValue::from_str(k))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        let mut code = text("errorCode");
        let name = text("name");
        if code.is_empty() {
            code = if name.is_empty() {
                "error".into()
            } else {
                name.clone()
            };
        }
        let message = match text("errorMessage") {
            m if m.is_empty() => e.as_string().unwrap_or_else(|| text("message")),
            m => m,
        };
        let interaction_required = e.is_instance_of::<InteractionRequiredAuthError>()
            || name == "InteractionRequiredAuthError"
            || INTERACTION_CODES.contains(&code.as_str());
        MsalError {
            code,
            message,
            interaction_required,
        }
    }

    /// The browser refused to open the sign-in window.
    pub fn popup_blocked(&self) -> bool {
        matches!(
            self.code.as_str(),
            "popup_window_error" | "empty_window_error"
        )
    }

    /// The user closed the sign-in window.
    pub fn cancelled(&self) -> bool {
        self.code == "user_cancelled"
    }

    /// One sentence for the page: the code and MSAL's message, shortened.
    pub fn sentence(&self) -> String {
        let mut m: String = self.message.chars().take(300).collect();
        if m.chars().count() < self.message.chars().count() {
            m.push('…');
        }
        if m.is_empty() {
            self.code.clone()
        } else {
            format!("{} ({m})", self.code)
        }
    }
}

thread_local! {
    /// The client for the configuration it was built with.
    static CLIENT: RefCell<Option<(Resolved, PublicClientApplication)>> = const { RefCell::new(None) };
}

fn to_js(v: &Value) -> JsValue {
    JSON::parse(&v.to_string()).unwrap_or(JsValue::UNDEFINED)
}

/// True when `msal-browser.min.js` ran and defined the global `msal`.
pub fn loaded() -> bool {
    Reflect::get(&js_sys::global(), &JsValue::from_str("msal"))
        .map(|m| m.is_object())
        .unwrap_or(false)
}

/// Loads `msal-browser.min.js` (315 KB) on first use: a page that never signs in never pays
/// for it.
async fn ensure_loaded() -> Result<(), MsalError> {
    if loaded() {
        return Ok(());
    }
    let not_loaded = || {
        MsalError::ours(
            "msal_not_loaded",
            "msal-browser.min.js did not load beside the app; reinstall the static files",
            false,
        )
    };
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(not_loaded)?;
    let script = document
        .create_element("script")
        .map_err(MsalError::from_js)?;
    script
        .set_attribute("src", "msal-browser.min.js")
        .map_err(MsalError::from_js)?;
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        let _ = Reflect::set(&script, &JsValue::from_str("onload"), &resolve);
        let _ = Reflect::set(&script, &JsValue::from_str("onerror"), &reject);
    });
    let head = document.head().ok_or_else(not_loaded)?;
    head.append_child(&script).map_err(MsalError::from_js)?;
    wasm_bindgen_futures::JsFuture::from(done)
        .await
        .map_err(|_| not_loaded())?;
    if loaded() {
        Ok(())
    } else {
        Err(not_loaded())
    }
}

async fn client(cfg: &Resolved) -> Result<PublicClientApplication, MsalError> {
    let cached = CLIENT.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(r, _)| r == cfg)
            .map(|(_, p)| p.clone())
    });
    if let Some(pca) = cached {
        return Ok(pca);
    }
    ensure_loaded().await?;
    let pca = PublicClientApplication::new(&to_js(&cfg.msal_configuration()))
        .map_err(MsalError::from_js)?;
    pca.initialize().await.map_err(MsalError::from_js)?;
    CLIENT.with(|c| *c.borrow_mut() = Some((cfg.clone(), pca.clone())));
    Ok(pca)
}

fn account_from_js(v: &JsValue) -> Option<Account> {
    if !v.is_object() {
        return None;
    }
    let text = |k: &str| {
        Reflect::get(v, &JsValue::from_str(k))
            .ok()
            .and_then(|x| x.as_string())
            .unwrap_or_default()
    };
    let home_id = text("homeAccountId");
    (!home_id.is_empty()).then(|| Account {
        home_id,
        username: text("username"),
        name: text("name"),
        tenant_id: text("tenantId"),
    })
}

fn all_accounts(pca: &PublicClientApplication) -> Result<Vec<(Account, JsValue)>, MsalError> {
    let list = pca.get_all_accounts().map_err(MsalError::from_js)?;
    Ok(list
        .iter()
        .filter_map(|v| account_from_js(&v).map(|a| (a, v)))
        .collect())
}

fn find_account(pca: &PublicClientApplication, home_id: &str) -> Result<JsValue, MsalError> {
    all_accounts(pca)?
        .into_iter()
        .find(|(a, _)| a.home_id == home_id)
        .map(|(_, v)| v)
        .ok_or_else(|| {
            MsalError::ours(
                "no_account_error",
                "this account is no longer signed in here",
                true,
            )
        })
}

/// Builds the client and finishes a redirect sign-in if the page is coming back from one.
/// Returns the accounts signed in here and the one to use: the one just signed in, MSAL's
/// active one, or the only one (several and none chosen: the user picks).
pub async fn start(cfg: &Resolved) -> Result<(Vec<Account>, Option<Account>), MsalError> {
    let pca = client(cfg).await?;
    let result = pca
        .handle_redirect_promise()
        .await
        .map_err(MsalError::from_js)?;
    let from_redirect = Reflect::get(&result, &JsValue::from_str("account"))
        .ok()
        .filter(|a| a.is_object());
    if let Some(a) = &from_redirect {
        pca.set_active_account(a).map_err(MsalError::from_js)?;
    }
    let accounts: Vec<Account> = all_accounts(&pca)?.into_iter().map(|(a, _)| a).collect();
    let active = from_redirect
        .as_ref()
        .and_then(account_from_js)
        .or_else(|| {
            pca.get_active_account()
                .ok()
                .and_then(|a| account_from_js(&a))
        })
        .or_else(|| (accounts.len() == 1).then(|| accounts[0].clone()));
    Ok((accounts, active))
}

/// The accounts signed in here.
pub async fn accounts(cfg: &Resolved) -> Result<Vec<Account>, MsalError> {
    let pca = client(cfg).await?;
    Ok(all_accounts(&pca)?.into_iter().map(|(a, _)| a).collect())
}

/// Makes `home_id` the account MSAL treats as active.
pub async fn choose(cfg: &Resolved, home_id: &str) -> Result<(), MsalError> {
    let pca = client(cfg).await?;
    let account = find_account(&pca, home_id)?;
    pca.set_active_account(&account).map_err(MsalError::from_js)
}

/// Interactive sign-in in a popup; when the browser blocks popups, a full-page redirect (the
/// page comes back and [`start`] finishes it), in which case this returns `Ok(None)` while the
/// browser navigates away. `login_hint` signs an account in again; without it the user picks.
pub async fn sign_in(
    cfg: &Resolved,
    login_hint: Option<&str>,
) -> Result<Option<Account>, MsalError> {
    let pca = client(cfg).await?;
    let mut request = json!({ "scopes": cfg.scopes });
    match login_hint {
        Some(hint) => request["loginHint"] = Value::String(hint.to_string()),
        None => request["prompt"] = Value::String("select_account".into()),
    }
    let request = to_js(&request);
    match pca.login_popup(&request).await {
        Ok(result) => {
            let account =
                Reflect::get(&result, &JsValue::from_str("account")).map_err(MsalError::from_js)?;
            pca.set_active_account(&account)
                .map_err(MsalError::from_js)?;
            Ok(account_from_js(&account))
        }
        Err(e) => {
            let e = MsalError::from_js(e);
            if !e.popup_blocked() {
                return Err(e);
            }
            if cfg.cache == CacheLocation::Memory {
                return Err(MsalError::ours(
                    "popup_blocked",
                    "the browser blocked the sign-in window, and a full-page sign-in cannot keep its result in memory: allow popups for this site, or keep sign-in in this tab (sessionStorage)",
                    false,
                ));
            }
            pca.login_redirect(&request)
                .await
                .map_err(MsalError::from_js)?;
            Ok(None)
        }
    }
}

/// An access token for the configured Graph scope, from MSAL's cache or renewed silently (with
/// the refresh token, or a hidden frame). Never opens a window: when only the user can fix it,
/// the error says `interaction_required`.
pub async fn access_token(cfg: &Resolved, home_id: &str) -> Result<String, MsalError> {
    let pca = client(cfg).await?;
    let account = find_account(&pca, home_id)?;
    let request = to_js(&json!({ "scopes": cfg.scopes }));
    Reflect::set(&request, &JsValue::from_str("account"), &account).map_err(MsalError::from_js)?;
    let result = pca
        .acquire_token_silent(&request)
        .await
        .map_err(MsalError::from_js)?;
    Reflect::get(&result, &JsValue::from_str("accessToken"))
        .ok()
        .and_then(|t| t.as_string())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| MsalError::ours("no_access_token", "MSAL returned no access token", true))
}

/// Forgets the account and its tokens in this browser (MSAL's `clearCache`). The identity
/// provider's own session is left alone, so no window opens and the page stays.
pub async fn sign_out(cfg: &Resolved, home_id: &str) -> Result<(), MsalError> {
    let pca = client(cfg).await?;
    let account = find_account(&pca, home_id)?;
    let request = js_sys::Object::new();
    Reflect::set(&request, &JsValue::from_str("account"), &account).map_err(MsalError::from_js)?;
    pca.clear_cache(&request)
        .await
        .map_err(MsalError::from_js)?;
    Ok(())
}
