//! Requests to Graph, and nothing else: the URL under the chosen base, the bearer token
//! (attached only to that base; asked of MSAL.js before each request when an account is signed
//! in), redirects refused, the status, `Retry-After` and the body, and Graph's errors turned into
//! one typed error ([`ApiError`], with the words the page shows).

use gloo_net::http::{Request, Response};
use policy_core::endpoint::{list_url, GraphBase, Target};
use policy_core::graph_error::GraphError;
use std::collections::HashMap;

use policy_core::model::ApiVersion;
use policy_core::patch::Patch;
use serde_json::Value;

use crate::auth::SignedIn;

/// Where requests go and with which token.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    pub base: GraphBase,
    pub api: ApiVersion,
    /// The pasted token, used when no account is signed in.
    pub token: Option<String>,
    /// The signed-in account: its token comes from MSAL.js before each request.
    pub signed_in: Option<SignedIn>,
}

/// Everything that can go wrong with a request, in words for the page (its `Display` is the
/// one-line summary; `components::error_view` adds the advice).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// No token was given: nothing is sent.
    #[error("no access token: sign in or paste one")]
    NoToken,
    /// Graph answered with an error status.
    #[error("Graph answered {}: {}", .0.status, .0.display_message())]
    Graph(Box<GraphError>),
    /// The request never got an answer (offline, DNS, CORS, connection dropped).
    #[error("the request got no answer ({0})")]
    Network(String),
    /// The answer was not what Graph sends (not JSON, not an object).
    #[error("the answer is not what Graph sends: {0}")]
    BadResponse(String),
    /// A link pointed outside the chosen Graph base: the token is not sent there.
    #[error("{0} is outside the chosen Graph base; the token was not sent there")]
    ForeignUrl(String),
    /// MSAL.js could not give a token; `again` when only signing in again can fix it.
    #[error("no token from the sign-in: {message}")]
    SignIn { message: String, again: bool },
}

impl ApiError {
    pub fn graph(&self) -> Option<&GraphError> {
        match self {
            ApiError::Graph(e) => Some(e),
            _ => None,
        }
    }
}

/// One page of a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    pub items: Vec<Value>,
    pub next: Option<String>,
}

pub use policy_core::command::RequestPreview;

/// The fields a picker needs; `@odata.type` comes with every object of a derived type.
pub const LIST_SELECT: &[&str] = &["id", "displayName", "lastModifiedDateTime"];

fn client_request_id() -> String {
    let hex = |n: u32| -> String {
        (0..n)
            .map(|_| format!("{:x}", (js_sys::Math::random() * 16.0) as u8))
            .collect()
    };
    format!("{}-{}-4{}-a{}-{}", hex(8), hex(4), hex(3), hex(3), hex(12))
}

/// A request to Graph with the token and the headers every request carries. A redirect is an
/// error, never followed: a hop could take the Authorization header to another host.
fn request(method: &str, url: &str, token: &str) -> gloo_net::http::RequestBuilder {
    match method {
        "PATCH" => Request::patch(url),
        "PUT" => Request::put(url),
        "POST" => Request::post(url),
        _ => Request::get(url),
    }
    .redirect(web_sys::RequestRedirect::Error)
    .header("Authorization", &format!("Bearer {token}"))
    .header("Accept", "application/json")
    .header("client-request-id", &client_request_id())
}

thread_local! {
    /// The GET [`Connection::start_early_get`] sent: its URL, its token and its answer to come.
    static EARLY_GET: std::cell::RefCell<Option<(String, String, js_sys::Promise)>> =
        const { std::cell::RefCell::new(None) };
    /// False once the app's own start-up runs ([`end_early_gets`]).
    static EARLY_OPEN: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// From now on the app asks for itself: a late early GET would only ask twice.
pub fn end_early_gets() {
    EARLY_OPEN.with(|o| o.set(false));
}

/// True while an early GET's answer waits to be taken.
pub fn has_early_get() -> bool {
    EARLY_GET.with(|e| e.borrow().is_some())
}

/// The answer of the early GET when it is this request (same URL, same token); once.
fn take_early_get(url: &str, token: &str) -> Option<js_sys::Promise> {
    EARLY_GET.with(|e| {
        let mut e = e.borrow_mut();
        match e.take() {
            Some((u, t, answer)) if u == url && t == token => Some(answer),
            other => {
                *e = other;
                None
            }
        }
    })
}

/// The most pages of an intent's settings read (Graph's hold a few hundred settings at most).
const MAX_SETTING_PAGES: usize = 50;

/// True for an object in `deviceManagement/intents`.
fn is_intents(target: &Target) -> bool {
    matches!(target, Target::Member { set, .. } if set == INTENTS)
}

/// The entry set of endpoint security intents.
pub const INTENTS: &str = "deviceManagement/intents";

/// The URL of an intent's bound action `updateSettings`.
fn update_url(target: &Target, base: &GraphBase, api: ApiVersion) -> String {
    format!("{}/updateSettings", target.url(base, api))
}

/// The URL an object is read from: a settings catalog or endpoint security policy
/// (`configurationPolicies`) comes with its `settings` (`$expand`), which the editor keeps in
/// its JSON and writes back with PUT.
pub fn read_url(target: &Target, base: &GraphBase, api: ApiVersion) -> String {
    let url = target.url(base, api);
    match target {
        Target::Member { set, .. } if set == policy_core::patch::CONFIGURATION_POLICIES => {
            url + "?$expand=settings"
        }
        _ => url,
    }
}

impl Connection {
    /// Sends the GET of `target` now, before the page has mounted, when the token is already
    /// here (a pasted or demo token; never with a signed-in account, whose token MSAL.js gives
    /// later): the start-up's own [`Connection::get_object`] of the same URL with the same token
    /// then takes this answer instead of asking again.
    pub fn start_early_get(&self, target: &Target) {
        let url = read_url(target, &self.base, self.api);
        let (None, Some(token)) = (&self.signed_in, &self.token) else {
            return;
        };
        if !EARLY_OPEN.with(|o| o.get()) || !self.base.owns(&url) {
            return;
        }
        let Ok(req) = request("GET", &url, token).build() else {
            return;
        };
        let Some(window) = web_sys::window() else {
            return;
        };
        let answer = window.fetch_with_request(&web_sys::Request::from(req));
        EARLY_GET.with(|e| *e.borrow_mut() = Some((url, token.clone(), answer)));
    }

    /// The signed-in account's token (from MSAL's cache, or renewed silently), else the pasted one.
    async fn token(&self) -> Result<String, ApiError> {
        if let Some(s) = &self.signed_in {
            return crate::auth::msal::access_token(&s.config, &s.account)
                .await
                .map_err(|e| ApiError::SignIn {
                    message: e.sentence(),
                    again: e.interaction_required,
                });
        }
        self.token
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(str::to_string)
            .ok_or(ApiError::NoToken)
    }

    /// True when a request can carry a token.
    pub fn has_credential(&self) -> bool {
        self.signed_in.is_some() || self.token.as_deref().is_some_and(|t| !t.trim().is_empty())
    }

    /// The preview of a PATCH, with the token shown as redacted.
    /// The preview of the PATCH of `patch`, with the token shown as redacted (and encrypted
    /// values as Graph's mask: revealed ones go in only when sent, see [`Connection::patch`]).
    pub fn patch_preview(&self, target: &Target, patch: &Patch) -> Option<RequestPreview> {
        Some(self.preview("PATCH", target.url(&self.base, self.api), &patch.body()?))
    }

    /// The preview of a request with a JSON body, its token redacted.
    fn preview(&self, method: &'static str, url: String, body: &Value) -> RequestPreview {
        RequestPreview {
            method,
            url,
            headers: vec![
                ("Authorization", "Bearer <redacted>".into()),
                ("Content-Type", "application/json".into()),
                ("Accept", "application/json".into()),
            ],
            body: serde_json::to_string_pretty(body).unwrap_or_default(),
            then: None,
        }
    }

    async fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<String>,
    ) -> Result<Response, ApiError> {
        // The token goes to the chosen Graph base and nowhere else.
        if !self.base.owns(url) {
            return Err(ApiError::ForeignUrl(url.to_string()));
        }
        let token = self.token().await?;
        let early = (method == "GET")
            .then(|| take_early_get(url, &token))
            .flatten();
        let sent = match (early, body) {
            (Some(answer), _) => wasm_bindgen_futures::JsFuture::from(answer)
                .await
                .map(|r| Response::from(web_sys::Response::from(r)))
                .map_err(|e| {
                    ApiError::Network(
                        js_sys::Error::from(e)
                            .message()
                            .as_string()
                            .unwrap_or_default(),
                    )
                }),
            (None, body) => {
                let builder = request(method, url, &token);
                match body {
                    Some(b) => builder.header("Content-Type", "application/json").body(b),
                    None => builder.build(),
                }
                .map_err(|e| ApiError::Network(e.to_string()))?
                .send()
                .await
                .map_err(|e| ApiError::Network(e.to_string()))
            }
        };
        let response = sent?;
        if response.ok() {
            return Ok(response);
        }
        let status = response.status();
        let headers = response.headers();
        let retry_after = headers.get("retry-after");
        let request_id = headers.get("request-id");
        let bytes = response.binary().await.unwrap_or_default();
        let mut error = GraphError::parse(
            status,
            &bytes,
            retry_after.as_deref(),
            request_id.as_deref(),
        );
        if error.date.is_none() {
            error.date = headers.get("date");
        }
        Err(ApiError::Graph(Box::new(error)))
    }

    async fn json(response: Response) -> Result<Value, ApiError> {
        let text = response
            .text()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        serde_json::from_str(&text)
            .map_err(|e| ApiError::BadResponse(format!("the answer is not JSON ({e})")))
    }

    /// GET one object (a settings catalog policy with its settings, see [`read_url`]).
    pub async fn get_object(&self, target: &Target) -> Result<Value, ApiError> {
        let response = self
            .send("GET", &read_url(target, &self.base, self.api), None)
            .await?;
        let mut v = Self::json(response).await?;
        if !v.is_object() {
            return Err(ApiError::BadResponse("the answer is not an object".into()));
        }
        // An intent's settings are a relationship of their own, read whole (every page) and
        // kept in the object as `settings`, as a settings catalog policy's are.
        if is_intents(target) {
            let mut url = format!("{}/settings", target.url(&self.base, self.api));
            let mut settings = Vec::new();
            for _ in 0..MAX_SETTING_PAGES {
                let page = self.list_page(&url).await?;
                settings.extend(page.items);
                match page.next {
                    Some(next) => url = next,
                    None => break,
                }
            }
            v["settings"] = Value::Array(settings);
        }
        Ok(v)
    }

    /// The plain value of an encrypted setting of `target` (Graph's bound function
    /// `getOmaSettingPlainTextValue`), asked for only when the user clicks "Reveal".
    pub async fn reveal_secret(
        &self,
        target: &Target,
        reference: &str,
    ) -> Result<String, ApiError> {
        // An OData string literal: a quote is doubled; the rest is percent-encoded.
        let literal = policy_core::endpoint::percent_encode(&reference.replace('\'', "''"));
        let url = format!(
            "{}/getOmaSettingPlainTextValue(secretReferenceValueId='{literal}')",
            target.url(&self.base, self.api)
        );
        let v = Self::json(self.send("GET", &url, None).await?).await?;
        v.get("value")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| ApiError::BadResponse("the answer has no \"value\" text".into()))
    }

    /// GET `url` (under the chosen base, as every request) and its answer's text: for the
    /// settings catalog module, which reads the JSON itself (`net::catalog_module`).
    pub async fn get_text(&self, url: &str) -> Result<String, ApiError> {
        let response = self.send("GET", url, None).await?;
        response
            .text()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))
    }

    /// The preview of the PUT that replaces a settings catalog policy with `body`.
    pub fn put_preview(&self, target: &Target, body: &Value) -> RequestPreview {
        self.preview("PUT", target.url(&self.base, self.api), body)
    }

    /// The preview of an intent's `updateSettings` with `body`, after `first` (the PATCH of its
    /// own properties) if there is one.
    pub fn update_preview(
        &self,
        target: &Target,
        body: &Value,
        first: Option<RequestPreview>,
    ) -> RequestPreview {
        let update = self.preview("POST", update_url(target, &self.base, self.api), body);
        match first {
            Some(mut first) => {
                first.then = Some(Box::new(update));
                first
            }
            None => update,
        }
    }

    /// Writes the settings of an intent that changed (`policy_core::intents::update_settings_body`)
    /// with its bound action `updateSettings`; Graph answers 204.
    pub async fn update_settings(&self, target: &Target, body: &Value) -> Result<(), ApiError> {
        let url = update_url(target, &self.base, self.api);
        self.send("POST", &url, Some(body.to_string())).await?;
        Ok(())
    }

    /// PUTs a whole settings catalog policy (Graph refuses `settings` in a PATCH; the body comes
    /// from `policy_core::patch::put_body`). Graph answers 204, or 200 with the policy.
    pub async fn put(&self, target: &Target, body: &Value) -> Result<(), ApiError> {
        self.send(
            "PUT",
            &target.url(&self.base, self.api),
            Some(body.to_string()),
        )
        .await?;
        Ok(())
    }

    /// The URL of a collection's first page.
    pub fn first_page_url(&self, set: &str) -> String {
        list_url(&self.base, self.api, set, LIST_SELECT, Some(100))
    }

    /// GET one page of a collection (the first page's URL, or a previous page's `nextLink`).
    pub async fn list_page(&self, url: &str) -> Result<ListPage, ApiError> {
        let response = self.send("GET", url, None).await?;
        let v = Self::json(response).await?;
        let items = v
            .get("value")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| ApiError::BadResponse("the answer has no \"value\" list".into()))?;
        let next = v
            .get("@odata.nextLink")
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(ListPage { items, next })
    }

    /// PATCHes what `patch` changes (a `Patch` only comes from `patch::diff`: nothing else can
    /// be written), with the encrypted values the user revealed in place of Graph's masks
    /// (`masks` and `revealed`, see `policy_core::secrets`). Graph answers 200 with the object or
    /// 204 with nothing.
    pub async fn patch(
        &self,
        target: &Target,
        patch: &Patch,
        masks: &HashMap<String, Value>,
        revealed: &HashMap<String, String>,
    ) -> Result<Option<Value>, ApiError> {
        let Some(mut body) = patch.body() else {
            return Ok(None);
        };
        policy_core::secrets::fill(&mut body, masks, revealed);
        let response = self
            .send(
                "PATCH",
                &target.url(&self.base, self.api),
                Some(body.to_string()),
            )
            .await?;
        if response.status() == 204 {
            return Ok(None);
        }
        let text = response.text().await.unwrap_or_default();
        Ok(serde_json::from_str(&text).ok().filter(Value::is_object))
    }
}
