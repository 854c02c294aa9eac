//! The connection the user chose: cloud or custom Graph base, API version, and the credential
//! (the signed-in account, else the pasted token); and the link parameters (`graph`, `api`,
//! `type`, `id`) that open a configured editor.

use policy_core::endpoint::{Cloud, EndpointError, GraphBase};
use policy_core::model::ApiVersion;
use serde_json::Value;

use crate::api::Connection;
use crate::auth::{SignIn, SignedIn};

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
        }
    }
}

impl Settings {
    /// What a page starts with: the token kept in this tab, then the link's `graph` and `api`.
    pub fn initial(link: &LinkParams) -> Settings {
        let mut s = Settings::default();
        if let Some(t) = crate::auth::load_tab_token() {
            s.token = t;
            s.keep_token = true;
        }
        if let Some(g) = &link.graph {
            s.set_graph(g);
        }
        if let Some(api) = link.api {
            s.api = api;
        }
        s
    }

    /// The local sandbox's demo token from config.json's `sandbox` section, when no token is
    /// set and the Graph base is the sandbox's.
    pub fn take_demo_token(&mut self, config: Option<&Value>) {
        let Some(sb) = config.and_then(|c| c.get("sandbox")) else {
            return;
        };
        let graph = sb.get("graph").and_then(Value::as_str).unwrap_or("");
        let same_base = self
            .base()
            .map(|b| b.as_str() == graph.trim_end_matches('/'))
            .unwrap_or(false);
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

    /// Applies a `graph` link parameter: a cloud's root selects that cloud, anything else is a
    /// custom base.
    pub fn set_graph(&mut self, graph: &str) {
        match Cloud::from_graph_base(graph) {
            Some(c) => self.cloud = Some(c),
            None => {
                self.cloud = None;
                self.custom_base = graph.trim().to_string();
            }
        }
    }
}

/// What a link asks to open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkParams {
    pub graph: Option<String>,
    pub api: Option<ApiVersion>,
    pub type_name: Option<String>,
    pub id: Option<String>,
}

/// The link parameters of the page's own URL.
pub fn page_link() -> LinkParams {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|q| parse_query(&q))
        .unwrap_or_default()
}

/// Reads the link parameters from a query string (`?graph=…&api=beta&type=…&id=…`). A `token`
/// parameter is ignored on purpose: tokens never travel in URLs.
pub fn parse_query(query: &str) -> LinkParams {
    let mut out = LinkParams::default();
    for pair in query.trim_start_matches('?').split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode_component(v);
        match k {
            "graph" if !v.is_empty() => out.graph = Some(v),
            "api" => out.api = ApiVersion::parse(&v),
            "type" if !v.is_empty() => out.type_name = Some(v),
            "id" if !v.is_empty() => out.id = Some(v),
            _ => {}
        }
    }
    out
}

fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The query string of a link to an object (never with a token).
pub fn link_query(settings: &Settings, type_name: Option<&str>, id: Option<&str>) -> String {
    let enc = policy_core::endpoint::percent_encode;
    let mut q = String::new();
    if let Ok(base) = settings.base() {
        q.push_str(&format!(
            "?graph={}&api={}",
            enc(base.as_str()),
            settings.api
        ));
    }
    if let Some(t) = type_name {
        q.push_str(&format!("&type={}", enc(t)));
    }
    if let Some(id) = id {
        q.push_str(&format!("&id={}", enc(id)));
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_round_trip() {
        let p = parse_query("?graph=http%3A%2F%2F127.0.0.1%3A8080&api=v1.0&type=windows10GeneralConfiguration&id=a%2Fb&token=secret");
        assert_eq!(p.graph.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(p.api, Some(ApiVersion::V1));
        assert_eq!(p.id.as_deref(), Some("a/b"));
        let mut s = Settings::default();
        s.set_graph("https://graph.microsoft.us");
        assert_eq!(s.cloud, Some(Cloud::UsGovL4));
        s.set_graph("http://127.0.0.1:9");
        assert_eq!(s.base().unwrap().as_str(), "http://127.0.0.1:9");
        assert!(!link_query(&s, Some("t"), Some("x")).contains("token"));
    }
}
