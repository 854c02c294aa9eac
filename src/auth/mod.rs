//! Where the access token comes from: signing in with MSAL.js ([`msal`], configured by
//! [`config`]), or, as the fallback, a pasted token that lives in memory or, only if the user
//! opts in, in this tab's sessionStorage. A token never goes into the URL, localStorage (unless
//! the user picks localStorage as MSAL's cache) or a log.

pub mod config;
pub mod msal;

use gloo_storage::{LocalStorage, SessionStorage, Storage};
use policy_core::endpoint::{Cloud, GraphBase};
use serde_json::Value;

use config::{HostConfig, Resolved, UserOverrides};

const TOKEN_KEY: &str = "intune-editor.token";
const SIGN_IN_SETTINGS_KEY: &str = "intune-editor.sign-in-settings";

/// The token kept for this tab, if the user chose to keep it.
pub fn load_tab_token() -> Option<String> {
    SessionStorage::get::<String>(TOKEN_KEY)
        .ok()
        .filter(|t| !t.is_empty())
}

/// Keeps the token for this tab (`keep`), or forgets any kept copy.
pub fn keep_for_tab(token: &str, keep: bool) {
    if keep && !token.is_empty() {
        let _ = SessionStorage::set(TOKEN_KEY, token);
    } else {
        SessionStorage::delete(TOKEN_KEY);
    }
}

/// An account MSAL.js has signed in, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// MSAL's `homeAccountId`: the key for everything else.
    pub home_id: String,
    pub username: String,
    pub name: String,
    pub tenant_id: String,
}

impl Account {
    pub fn label(&self) -> String {
        match (self.name.is_empty(), self.username.is_empty()) {
            (false, false) => format!("{} ({})", self.name, self.username),
            (true, false) => self.username.clone(),
            (false, true) => self.name.clone(),
            (true, true) => self.home_id.clone(),
        }
    }
}

/// The sign-in part of the connection settings: the host's configuration, the user's overrides,
/// the accounts signed in and the one in use.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SignIn {
    pub host: HostConfig,
    /// config.json's `msal` section could not be read.
    pub host_error: Option<String>,
    pub user: UserOverrides,
    pub accounts: Vec<Account>,
    /// The `home_id` of the account whose tokens the requests carry.
    pub active: Option<String>,
    /// Silent renewal failed in a way only the user can fix: offer "Sign in again".
    pub needs_interaction: bool,
    /// The last thing to tell the user about signing in.
    pub message: Option<String>,
}

/// A signed-in connection: the configuration to ask MSAL with and the account to ask for.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    pub config: Resolved,
    pub account: String,
}

/// The page's own URL, which relative redirect URIs are resolved against.
fn page_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

impl SignIn {
    /// The MSAL configuration for this cloud or Graph base, or why there is none.
    pub fn resolve(&self, cloud: Option<Cloud>, base: &GraphBase) -> Result<Resolved, String> {
        if let Some(e) = &self.host_error {
            return Err(e.clone());
        }
        config::resolve(&self.host, &self.user, cloud, base, &page_url())
            .map_err(|e| format!("Sign-in is not set up: {e}."))
    }

    pub fn account(&self) -> Option<&Account> {
        let id = self.active.as_ref()?;
        self.accounts.iter().find(|a| &a.home_id == id)
    }
}

/// The user's sign-in settings from localStorage (the defaults when absent or unreadable).
pub fn load_overrides() -> UserOverrides {
    LocalStorage::raw()
        .get_item(SIGN_IN_SETTINGS_KEY)
        .ok()
        .flatten()
        .map(|s| UserOverrides::read(&s))
        .unwrap_or_default()
}

/// Keeps the user's sign-in settings in localStorage: a client ID, a tenant, a page address and
/// a cache choice, none of them secret.
pub fn save_overrides(user: &UserOverrides) {
    if *user == UserOverrides::default() {
        LocalStorage::delete(SIGN_IN_SETTINGS_KEY);
    } else {
        let _ = LocalStorage::set(SIGN_IN_SETTINGS_KEY, user);
    }
}

/// The sign-in state before MSAL.js runs (the host's `msal` configuration and the user's
/// overrides), with what MSAL.js starts with when sign-in is configured for this cloud.
pub fn prepare(
    config: Option<&Value>,
    cloud: Option<Cloud>,
    base: Option<&GraphBase>,
) -> (SignIn, Option<Resolved>) {
    let mut sign_in = SignIn {
        user: load_overrides(),
        ..SignIn::default()
    };
    match HostConfig::from_config(config) {
        Ok(host) => sign_in.host = host.unwrap_or_default(),
        Err(e) => sign_in.host_error = Some(e),
    }
    let cfg = base.and_then(|b| sign_in.resolve(cloud, b).ok());
    (sign_in, cfg)
}

/// At start-up: reads the host's `msal` configuration and the user's overrides, and when sign-in
/// is configured for this cloud, starts MSAL.js (finishing a redirect sign-in the page is coming
/// back from). Without a client ID nothing of MSAL runs, so the sandbox demo and pasted tokens
/// work exactly as before.
pub async fn start(
    config: Option<&Value>,
    cloud: Option<Cloud>,
    base: Option<&GraphBase>,
) -> SignIn {
    let (mut sign_in, cfg) = prepare(config, cloud, base);
    let Some(cfg) = cfg else {
        return sign_in;
    };
    match msal::start(&cfg).await {
        Ok((accounts, active)) => {
            sign_in.accounts = accounts;
            sign_in.active = active.map(|a| a.home_id);
        }
        Err(e) => {
            sign_in.message = Some(format!("Sign-in did not start: {}.", e.sentence()));
        }
    }
    sign_in
}
