//! Sign-in configuration: the host's `config.json` `msal` section and the user's overrides from
//! the settings form, merged, checked and resolved for the chosen cloud into exactly what MSAL.js
//! is built with (authority, scopes, absolute redirect URI, cache location). Pure: no browser
//! call, so it is tested natively.

use policy_core::endpoint::{Cloud, GraphBase};
use policy_core::json_read::Fields;
use serde::Serialize;
use serde_json::Value;

/// The tenant when none is configured: any work or school account.
pub const DEFAULT_TENANT: &str = "organizations";
/// The redirect bridge page beside `index.html` (see `static/redirect.html`).
pub const DEFAULT_REDIRECT: &str = "redirect.html";

/// Where MSAL.js keeps tokens and accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum CacheLocation {
    /// This tab only, gone when it closes (the default).
    #[default]
    #[serde(rename = "sessionStorage")]
    Session,
    /// This page only, gone on reload; a redirect sign-in cannot work with it.
    #[serde(rename = "memoryStorage")]
    Memory,
    /// Every tab, kept after the browser closes: only when the user picks it.
    #[serde(rename = "localStorage")]
    Local,
}

impl CacheLocation {
    pub const ALL: [CacheLocation; 3] = [
        CacheLocation::Session,
        CacheLocation::Memory,
        CacheLocation::Local,
    ];

    /// MSAL.js's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheLocation::Session => "sessionStorage",
            CacheLocation::Memory => "memoryStorage",
            CacheLocation::Local => "localStorage",
        }
    }

    pub fn parse(s: &str) -> Option<CacheLocation> {
        CacheLocation::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CacheLocation::Session => "This tab (sessionStorage; gone when the tab closes)",
            CacheLocation::Memory => "This page only (memory; gone on reload, popup sign-in only)",
            CacheLocation::Local => "This browser (localStorage; kept after closing — not advised)",
        }
    }
}

/// The `msal` section of `config.json`, as the host wrote it. Every field is optional; the
/// metadata fields may be given as a JSON string (as MSAL.js takes them) or as an object.
/// Read by hand ([`HostConfig::from_config`], with `policy_core::json_read`): a serde derive for
/// these few fields cost the app's download about 8 KB.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HostConfig {
    pub client_id: String,
    pub tenant: String,
    pub redirect_uri: String,
    pub authority: String,
    pub known_authorities: Vec<String>,
    pub protocol_mode: String,
    pub authority_metadata: Option<Value>,
    pub cloud_discovery_metadata: Option<Value>,
    /// Replaces the Graph scope (`<graph base>/.default`).
    pub scopes: Vec<String>,
    /// How early MSAL.js renews an access token before it expires (MSAL's default: 300 s).
    pub token_renewal_offset_seconds: Option<u32>,
    /// config.json's top-level `graphBases`: the bases the host vouches for. `scopes` applies
    /// only to these, so a link to another base never gets a token meant for the host's own.
    pub graph_bases: Vec<GraphBase>,
}

/// config.json's `graphBases`: the custom Graph bases the host allows without asking the user
/// (a link may open them, and the host's `msal.scopes` apply to them). What does not parse as
/// a Graph base is left out.
pub fn allowed_bases(config: Option<&Value>) -> Vec<GraphBase> {
    config
        .and_then(|c| c.get("graphBases"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .filter_map(|b| GraphBase::parse(b).ok())
                .collect()
        })
        .unwrap_or_default()
}

impl HostConfig {
    /// Reads the `msal` key of a parsed `config.json`: `Ok(None)` when there is none, `Err` with
    /// a sentence for the page when it is there but malformed.
    pub fn from_config(config: Option<&Value>) -> Result<Option<HostConfig>, String> {
        match config.and_then(|c| c.get("msal")) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => HostConfig::read(v)
                .map(|host| {
                    Some(HostConfig {
                        graph_bases: allowed_bases(config),
                        ..host
                    })
                })
                .map_err(|e| format!("config.json's \"msal\" section is not usable: {e}")),
        }
    }

    fn read(v: &Value) -> Result<HostConfig, String> {
        let mut f = Fields::new(v.clone(), "it")?;
        let mut metadata = |key: &str| Some(f.take(key)).filter(|m| !m.is_null());
        let authority_metadata = metadata("authorityMetadata");
        let cloud_discovery_metadata = metadata("cloudDiscoveryMetadata");
        Ok(HostConfig {
            client_id: f.optional_string("clientId")?.unwrap_or_default(),
            tenant: f.optional_string("tenant")?.unwrap_or_default(),
            redirect_uri: f.optional_string("redirectUri")?.unwrap_or_default(),
            authority: f.optional_string("authority")?.unwrap_or_default(),
            known_authorities: f.strings("knownAuthorities")?,
            protocol_mode: f.optional_string("protocolMode")?.unwrap_or_default(),
            authority_metadata,
            cloud_discovery_metadata,
            scopes: f.strings("scopes")?,
            token_renewal_offset_seconds: f.u32("tokenRenewalOffsetSeconds")?,
            graph_bases: Vec::new(),
        })
    }
}

/// What the user typed in the sign-in settings form, kept in localStorage (none of it is a
/// secret). A non-empty field wins over the host's `config.json`. Written with serde; read by
/// hand ([`UserOverrides::read`]), leniently: what does not fit is left at its default.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserOverrides {
    pub client_id: String,
    pub tenant: String,
    pub redirect_uri: String,
    pub authority: String,
    pub cache_location: CacheLocation,
}

impl UserOverrides {
    /// The overrides as stored (JSON text); the defaults for what is missing or not readable.
    pub fn read(stored: &str) -> UserOverrides {
        let v: Value = serde_json::from_str(stored).unwrap_or_default();
        let mut f = Fields::new(v, "the settings").unwrap_or_default();
        let mut text = |key: &str| f.optional_string(key).ok().flatten().unwrap_or_default();
        UserOverrides {
            client_id: text("clientId"),
            tenant: text("tenant"),
            redirect_uri: text("redirectUri"),
            authority: text("authority"),
            cache_location: CacheLocation::parse(&text("cacheLocation")).unwrap_or_default(),
        }
    }
}

/// Why sign-in cannot be offered with the current configuration, in words for the page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("no client ID is configured: enter your app registration's client ID in the sign-in settings, or ask whoever hosts this editor to put it in config.json")]
    NoClientId,
    #[error("the client ID must not contain spaces or control characters")]
    BadClientId,
    #[error("the tenant must be a tenant ID, a domain name, \"organizations\" or \"common\" (letters, digits, '.', '-', '_')")]
    BadTenant,
    #[error("a custom Graph base URL needs an authority: set \"authority\" in config.json or in the sign-in settings")]
    NoAuthority,
    #[error("the authority must be an https:// URL (MSAL.js refuses anything else): {0}")]
    InsecureAuthority(String),
    #[error("the redirect URI must be a page on this editor's own origin ({0}), such as redirect.html beside it")]
    RedirectOtherOrigin(String),
    #[error("protocolMode must be \"AAD\" or \"OIDC\", not \"{0}\"")]
    BadProtocolMode(String),
    #[error("{0} must be a JSON document or a string holding one")]
    BadMetadata(&'static str),
}

/// Everything MSAL.js is constructed and called with, for one cloud or Graph base.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub client_id: String,
    pub authority: String,
    pub known_authorities: Vec<String>,
    /// `None`: MSAL's default (`AAD`).
    pub protocol_mode: Option<String>,
    pub authority_metadata: Option<String>,
    pub cloud_discovery_metadata: Option<String>,
    /// Absolute, on the page's origin.
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub cache: CacheLocation,
    pub token_renewal_offset_seconds: Option<u32>,
}

fn first_non_empty(a: &str, b: &str) -> String {
    if a.trim().is_empty() { b } else { a }.trim().to_string()
}

fn metadata(v: &Option<Value>, name: &'static str) -> Result<Option<String>, ConfigError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => serde_json::from_str::<Value>(s)
            .map(|_| Some(s.clone()))
            .map_err(|_| ConfigError::BadMetadata(name)),
        Some(v @ Value::Object(_)) => Ok(Some(v.to_string())),
        Some(_) => Err(ConfigError::BadMetadata(name)),
    }
}

/// `scheme://host[:port]` of an absolute URL.
fn origin(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    (!scheme.is_empty() && end > 0).then(|| &url[..scheme.len() + 3 + end])
}

/// `reference` resolved against the page's URL, the way a link on the page would be (absolute,
/// root-relative or relative to the page's directory; the page's query and fragment dropped).
pub fn resolve_url(page: &str, reference: &str) -> String {
    let reference = reference.trim();
    if reference.contains("://") {
        return reference.to_string();
    }
    let page = page.split(['?', '#']).next().unwrap_or(page);
    let Some(origin) = origin(page) else {
        return reference.to_string();
    };
    if reference.starts_with('/') {
        return format!("{origin}{reference}");
    }
    let path = &page[origin.len()..];
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "/",
    };
    format!("{origin}{dir}{reference}")
}

/// The Graph scope for a base: a cloud's `default_scope()`, else `<base>/.default`.
pub fn graph_scope(base: &GraphBase) -> String {
    match base.cloud_of() {
        Some(c) => c.default_scope(),
        None => format!("{}/.default", base.as_str().trim_end_matches('/')),
    }
}

/// Merges the host's configuration with the user's overrides and resolves it for `cloud` (or
/// the custom `base`) on the page at `page_url`.
pub fn resolve(
    host: &HostConfig,
    user: &UserOverrides,
    cloud: Option<Cloud>,
    base: &GraphBase,
    page_url: &str,
) -> Result<Resolved, ConfigError> {
    let client_id = first_non_empty(&user.client_id, &host.client_id);
    if client_id.is_empty() {
        return Err(ConfigError::NoClientId);
    }
    if client_id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ConfigError::BadClientId);
    }
    let tenant = match first_non_empty(&user.tenant, &host.tenant) {
        t if t.is_empty() => DEFAULT_TENANT.to_string(),
        t => t,
    };
    if !tenant
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(ConfigError::BadTenant);
    }
    // A cloud's sign-in host follows the cloud; a custom Graph base (a proxy, a sandbox, a test
    // identity provider) signs in wherever the configuration says.
    let authority = match cloud {
        Some(c) => format!("{}/{tenant}", c.login_authority()),
        None => {
            let a = first_non_empty(&user.authority, &host.authority);
            if a.is_empty() {
                return Err(ConfigError::NoAuthority);
            }
            a.trim_end_matches('/').to_string()
        }
    };
    if !authority.to_ascii_lowercase().starts_with("https://") || origin(&authority).is_none() {
        return Err(ConfigError::InsecureAuthority(authority));
    }
    let redirect = match first_non_empty(&user.redirect_uri, &host.redirect_uri) {
        r if r.is_empty() => DEFAULT_REDIRECT.to_string(),
        r => r,
    };
    let redirect_uri = resolve_url(page_url, &redirect);
    let page_origin = origin(page_url).unwrap_or_default();
    if !origin(&redirect_uri).is_some_and(|o| o.eq_ignore_ascii_case(page_origin)) {
        return Err(ConfigError::RedirectOtherOrigin(page_origin.to_string()));
    }
    let protocol_mode = match host.protocol_mode.trim() {
        "" => None,
        m @ ("AAD" | "OIDC") => Some(m.to_string()),
        other => return Err(ConfigError::BadProtocolMode(other.to_string())),
    };
    let host_scopes = host.scopes.iter().any(|s| !s.trim().is_empty());
    let scopes = if host_scopes && host.graph_bases.contains(base) {
        host.scopes
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    } else {
        vec![graph_scope(base)]
    };
    Ok(Resolved {
        client_id,
        authority,
        known_authorities: host.known_authorities.clone(),
        protocol_mode,
        authority_metadata: metadata(&host.authority_metadata, "authorityMetadata")?,
        cloud_discovery_metadata: metadata(
            &host.cloud_discovery_metadata,
            "cloudDiscoveryMetadata",
        )?,
        redirect_uri,
        scopes,
        cache: user.cache_location,
        token_renewal_offset_seconds: host.token_renewal_offset_seconds,
    })
}

impl Resolved {
    /// The `Configuration` object for `new msal.PublicClientApplication(…)`.
    pub fn msal_configuration(&self) -> Value {
        let mut auth = serde_json::json!({
            "clientId": self.client_id,
            "authority": self.authority,
            "redirectUri": self.redirect_uri,
            "knownAuthorities": self.known_authorities,
        });
        if let Some(m) = &self.authority_metadata {
            auth["authorityMetadata"] = Value::String(m.clone());
        }
        if let Some(m) = &self.cloud_discovery_metadata {
            auth["cloudDiscoveryMetadata"] = Value::String(m.clone());
        }
        let mut system = serde_json::json!({});
        if let Some(m) = &self.protocol_mode {
            system["protocolMode"] = Value::String(m.clone());
        }
        if let Some(s) = self.token_renewal_offset_seconds {
            system["tokenRenewalOffsetSeconds"] = Value::from(s);
        }
        serde_json::json!({
            "auth": auth,
            "cache": { "cacheLocation": self.cache.as_str() },
            "system": system,
        })
    }
}

#[cfg(test)]
mod tests;
