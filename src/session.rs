//! The connection the user chose: cloud or custom Graph base, API version, and the credential
//! (the signed-in account, else the pasted token); and the link parameters (`graph`, `api`,
//! `type`, `id`) that open a configured editor.

use policy_core::endpoint::{Cloud, EndpointError, GraphBase};
use policy_core::model::ApiVersion;
use serde_json::Value;

use crate::auth::{SignIn, SignedIn};
use crate::net::Connection;

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `None` means the custom base URL below.
    pub cloud: Option<Cloud>,
    pub custom_base: String,
    pub api: ApiVersion,
    pub token: String,
    pub keep_token: bool,
    /// Signing in with MSAL.js; when an account is active its tokens win over `token`.
    pub sign_in: SignIn,
    /// A custom Graph base a link asked for, not applied: the page asks the user first
    /// ([`Settings::accept_link_base`]), unless config.json's `graphBases` names it
    /// ([`Settings::allow_link_base`]). Until then no request goes anywhere for the link.
    pub link_base: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cloud: Some(Cloud::Global),
            custom_base: String::new(),
            api: ApiVersion::Beta,
            token: String::new(),
            keep_token: false,
            sign_in: SignIn::default(),
            link_base: None,
        }
    }
}

impl Settings {
    /// What a page starts with: the token kept in this tab, then the link's `graph` and `api`.
    /// A link may pick a national cloud, or a custom base this tab already used; any other base
    /// waits in `link_base` for the user's yes (see [`Settings::apply_link`]).
    pub fn initial(link: &LinkParams) -> Settings {
        let mut s = Settings::default();
        if let Some(t) = crate::auth::load_tab_token() {
            s.token = t;
            s.keep_token = true;
        }
        s.apply_link(link, &used_bases());
        s
    }

    /// Applies a link's `graph` and `api`: a cloud's root selects that cloud; a custom base is
    /// applied only when it is one of `trusted` (bases this tab already sent requests to),
    /// otherwise it waits in `link_base`. A link alone never points a kept token elsewhere.
    pub fn apply_link(&mut self, link: &LinkParams, trusted: &[GraphBase]) {
        if let Some(g) = &link.graph {
            match GraphBase::parse(g) {
                Ok(b) if b.cloud_of().is_some() => self.cloud = b.cloud_of(),
                Ok(b) if trusted.contains(&b) => self.use_base(&b),
                _ => self.link_base = Some(g.trim().to_string()),
            }
        }
        if let Some(api) = link.api {
            self.api = api;
        }
    }

    /// Applies the link's base at once when config.json's `graphBases` names it.
    pub fn allow_link_base(&mut self, allowed: &[GraphBase]) {
        let Some(text) = &self.link_base else { return };
        if let Ok(b) = GraphBase::parse(text) {
            if allowed.contains(&b) {
                self.use_base(&b);
                self.link_base = None;
            }
        }
    }

    /// The user said yes to the link's base: it is applied and remembered for this tab.
    pub fn accept_link_base(&mut self) -> Result<GraphBase, EndpointError> {
        let b = GraphBase::parse(self.link_base.as_deref().unwrap_or_default())?;
        self.use_base(&b);
        self.link_base = None;
        Ok(b)
    }

    fn use_base(&mut self, b: &GraphBase) {
        match b.cloud_of() {
            Some(c) => self.cloud = Some(c),
            None => {
                self.cloud = None;
                self.custom_base = b.to_string();
            }
        }
    }

    /// The local sandbox's demo token from config.json's `sandbox` section, when no token is
    /// set and the Graph base is the sandbox's.
    pub fn take_demo_token(&mut self, config: Option<&Value>) {
        let Some(sb) = config.and_then(|c| c.get("sandbox")) else {
            return;
        };
        let graph = sb.get("graph").and_then(Value::as_str).unwrap_or("");
        let same_base = match (self.base(), GraphBase::parse(graph)) {
            (Ok(mine), Ok(sandbox)) => self.link_base.is_none() && mine == sandbox,
            _ => false,
        };
        if self.token.is_empty() && same_base {
            if let Some(t) = sb.get("demoToken").and_then(Value::as_str) {
                self.token = t.to_string();
            }
        }
    }

    pub fn base(&self) -> Result<GraphBase, EndpointError> {
        match self.cloud {
            Some(c) => Ok(GraphBase::cloud(c)),
            None => GraphBase::parse(&self.custom_base),
        }
    }

    pub fn connection(&self) -> Result<Connection, EndpointError> {
        let base = self.base()?;
        let signed_in = self.sign_in.active.as_ref().and_then(|account| {
            let config = self.sign_in.resolve(self.cloud, &base).ok()?;
            Some(SignedIn {
                config,
                account: account.clone(),
            })
        });
        Ok(Connection {
            base,
            api: self.api,
            token: Some(self.token.trim().to_string()).filter(|t| !t.is_empty()),
            signed_in,
        })
    }

    /// True when requests can carry a token: an account is signed in, or one was pasted.
    pub fn has_credential(&self) -> bool {
        self.sign_in.active.is_some() || !self.token.trim().is_empty()
    }
}

const USED_BASES_KEY: &str = "intune-editor.used-bases";

/// The custom Graph bases this tab has sent requests to (sessionStorage): a reload of the
/// page, whose URL names its base, keeps it without asking again. Only the app writes this
/// list ([`remember_used_base`]); a link cannot add to it.
pub fn used_bases() -> Vec<GraphBase> {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .and_then(|st| st.get_item(USED_BASES_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str::<Vec<String>>(&text).ok())
        .unwrap_or_default()
        .iter()
        .filter_map(|b| GraphBase::parse(b).ok())
        .collect()
}

/// Remembers a custom base the user sent a request to, for this tab.
pub fn remember_used_base(base: &GraphBase) {
    if base.cloud_of().is_some() {
        return;
    }
    let mut used: Vec<String> = used_bases().iter().map(|b| b.to_string()).collect();
    if used.iter().any(|b| b == base.as_str()) {
        return;
    }
    used.push(base.to_string());
    used.truncate(20);
    if let Some(st) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = st.set_item(
            USED_BASES_KEY,
            &serde_json::to_string(&used).unwrap_or_default(),
        );
    }
}

/// What a link asks to open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkParams {
    pub graph: Option<String>,
    pub api: Option<ApiVersion>,
    pub type_name: Option<String>,
    pub id: Option<String>,
    /// The collection the list shows (a link to the list, not to an object).
    pub set: Option<String>,
}

impl LinkParams {
    /// The link parameters from a query's decoded values, as `get(name)` gives them (the first
    /// of each name). A `token` parameter is ignored on purpose: tokens never travel in URLs.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> LinkParams {
        let text = |name: &str| get(name).filter(|v| !v.is_empty());
        LinkParams {
            graph: text("graph"),
            api: get("api").as_deref().and_then(ApiVersion::parse),
            type_name: text("type"),
            id: text("id"),
            set: text("set").filter(|s| is_collection_path(s)),
        }
    }
}

/// True for a collection path a link may name: `deviceManagement/<name>` or
/// `deviceAppManagement/<name>` with an ASCII identifier, nothing else (no `..`, no query, no
/// other host): the list's URL is built from it.
pub fn is_collection_path(set: &str) -> bool {
    match set.split_once('/') {
        Some(("deviceManagement" | "deviceAppManagement", name)) => {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric())
        }
        _ => false,
    }
}

/// The link parameters of the page's own URL, decoded by the browser (`URLSearchParams`): no
/// percent-decoding of ours.
pub fn page_link() -> LinkParams {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .map(|params| LinkParams::from_query(|name| params.get(name)))
        .unwrap_or_default()
}

/// The same from a query string, natively (tests, tools), decoded by `form_urlencoded`, which
/// implements the URL standard's `application/x-www-form-urlencoded` parser as the browser does.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_query(query: &str) -> LinkParams {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .into_owned()
            .collect();
    LinkParams::from_query(|name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    })
}

/// The query string of a link to an object (never with a token).
pub fn link_query(settings: &Settings, type_name: Option<&str>, id: Option<&str>) -> String {
    match settings.base() {
        Ok(base) => link_query_for(&base, settings.api, type_name, id),
        Err(_) => String::new(),
    }
}

/// The query string of the list of a collection (never with a token).
pub fn list_query(settings: &Settings, set: &str) -> String {
    match settings.base() {
        Ok(base) => format!(
            "{}&set={}",
            link_query_for(&base, settings.api, None, None),
            policy_core::endpoint::percent_encode(set)
        ),
        Err(_) => String::new(),
    }
}

/// The same for a connection's base and version (what a request actually used).
pub fn link_query_for(
    base: &GraphBase,
    api: ApiVersion,
    type_name: Option<&str>,
    id: Option<&str>,
) -> String {
    let enc = policy_core::endpoint::percent_encode;
    let mut q = format!("?graph={}&api={api}", enc(base.as_str()));
    if let Some(t) = type_name {
        q.push_str(&format!("&type={}", enc(t)));
    }
    if let Some(id) = id {
        q.push_str(&format!("&id={}", enc(id)));
    }
    q
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn link_round_trip() {
        let p = parse_query("?graph=http%3A%2F%2F127.0.0.1%3A8080&api=v1.0&type=windows10GeneralConfiguration&id=a%2Fb&token=secret");
        assert_eq!(p.graph.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(p.api, Some(ApiVersion::V1));
        assert_eq!(p.id.as_deref(), Some("a/b"));
        let mut s = Settings::default();
        s.apply_link(
            &parse_query("?graph=https%3A%2F%2Fgraph.microsoft.us%2F"),
            &[],
        );
        assert_eq!(s.cloud, Some(Cloud::UsGovL4));
        assert_eq!(s.link_base, None);
        let sandbox = GraphBase::parse("http://127.0.0.1:9").unwrap();
        s.apply_link(&parse_query("?graph=http://127.0.0.1:9"), &[sandbox]);
        assert_eq!(s.base().unwrap().as_str(), "http://127.0.0.1:9");
        assert!(!link_query(&s, Some("t"), Some("x")).contains("token"));
        let list = list_query(&s, "deviceAppManagement/iosManagedAppProtections");
        let back = parse_query(&list);
        assert_eq!(
            back.set.as_deref(),
            Some("deviceAppManagement/iosManagedAppProtections")
        );
        assert_eq!(back.type_name, None);
        for hostile in [
            "deviceManagement/../me",
            "https://evil.example/x",
            "deviceManagement/a?b",
            "deviceManagement/",
            "other/x",
            "deviceManagement/a/b",
        ] {
            let q = format!("?set={}", policy_core::endpoint::percent_encode(hostile));
            assert_eq!(parse_query(&q).set, None, "{hostile}");
        }
    }

    #[test]
    fn a_link_never_points_the_token_at_a_base_nobody_chose() {
        let evil = parse_query("?graph=https%3A%2F%2Fevil.example&type=t&id=1");
        let mut s = Settings {
            token: "kept".into(),
            ..Settings::default()
        };
        s.apply_link(&evil, &[]);
        // Still the default cloud; the link's base waits for the user.
        assert_eq!(s.base().unwrap().as_str(), "https://graph.microsoft.com");
        assert_eq!(s.link_base.as_deref(), Some("https://evil.example"));
        // The host's allow-list names another base: nothing changes.
        s.allow_link_base(&[GraphBase::parse("https://proxy.example").unwrap()]);
        assert_eq!(s.link_base.as_deref(), Some("https://evil.example"));
        // The sandbox's demo token is not taken while a link's base waits.
        let config = serde_json::json!({"sandbox": {"graph": "https://graph.microsoft.com", "demoToken": "demo"}});
        let mut fresh = Settings {
            link_base: s.link_base.clone(),
            ..Settings::default()
        };
        fresh.take_demo_token(Some(&config));
        assert_eq!(fresh.token, "");
        // The user says yes.
        assert_eq!(
            s.accept_link_base().unwrap().as_str(),
            "https://evil.example"
        );
        assert_eq!(s.base().unwrap().as_str(), "https://evil.example");
        assert_eq!(s.link_base, None);

        // Allowed by the host: applied at once.
        let mut s = Settings::default();
        s.apply_link(&parse_query("?graph=https%3A%2F%2Fproxy.example%2F"), &[]);
        s.allow_link_base(&[GraphBase::parse("https://proxy.example").unwrap()]);
        assert_eq!(s.base().unwrap().as_str(), "https://proxy.example");
        assert_eq!(s.link_base, None);

        // Plain http to a name that merely starts with 127: refused even when confirmed.
        let mut s = Settings::default();
        s.apply_link(&parse_query("?graph=http%3A%2F%2F127.evil.example"), &[]);
        assert!(s.accept_link_base().is_err());
        assert_eq!(s.base().unwrap().as_str(), "https://graph.microsoft.com");
    }
}
