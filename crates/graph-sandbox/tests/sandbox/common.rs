//! The harness every test goes through: a sandbox behind its router (as if listening on
//! [`HOST`]), requests with a proper `Host`, a token and the control secret, and one assertion
//! helper for Graph-shaped errors.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use graph_sandbox::{mint_token, router, Config, Sandbox, TokenRequest};
use serde_json::Value;
use tower::ServiceExt;

/// The address the in-memory router believes it listens on, and so the `Host` every in-memory
/// request names (links can be asserted exactly).
pub const HOST: &str = "127.0.0.1:4321";
/// The sandbox's own origin in the in-memory tests.
pub const OWN_ORIGIN: &str = "http://127.0.0.1:4321";
/// The header of the control secret.
pub const SECRET: &str = "x-sandbox-secret";
pub const CONFIGS: &str = "/beta/deviceManagement/deviceConfigurations";
/// The beta seed example of androidForWorkGeneralDeviceConfiguration.
pub const GENERAL: &str = "a931a366-a366-a931-66a3-31a966a331a9";

pub struct Harness {
    pub app: Router,
    pub sandbox: Arc<Sandbox>,
    pub token: String,
}

impl Harness {
    pub fn new() -> Harness {
        Harness::with(Config::default())
    }

    pub fn with(config: Config) -> Harness {
        let sandbox = Arc::new(Sandbox::new(config).expect("sandbox starts"));
        Harness {
            app: router(sandbox.clone(), HOST.parse().unwrap(), None),
            sandbox,
            token: mint_token(&TokenRequest::default()),
        }
    }

    /// A request with `Host` only.
    pub fn bare(&self, method: Method, uri: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, HOST)
    }

    /// A control request: `Host` and the control secret, no token.
    pub fn control(&self, method: Method, uri: &str) -> axum::http::request::Builder {
        self.bare(method, uri).header(SECRET, self.sandbox.secret())
    }

    /// A request with `Host`, the write token and the control secret, and no body.
    pub fn request(&self, method: Method, uri: &str) -> axum::http::request::Builder {
        self.control(method, uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let raw = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        Reply {
            status,
            headers,
            json: serde_json::from_slice(&raw).unwrap_or(Value::Null),
            raw: raw.to_vec(),
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(self.request(Method::GET, uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn patch(&self, uri: &str, body: &Value) -> Reply {
        self.send_json(Method::PATCH, uri, body).await
    }

    /// A request with a JSON body.
    pub async fn send_json(&self, method: Method, uri: &str, body: &Value) -> Reply {
        self.send(
            self.request(method, uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// A stored object as the control endpoint shows it.
    pub async fn stored(&self, api: &str, id: &str) -> Value {
        let r = self.get(&format!("/_sandbox/objects/{api}/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{api}/{id}: {}", r.text());
        r.json
    }

    /// The same with secrets in plain text (`?secrets=plain`).
    pub async fn stored_plain(&self, api: &str, id: &str) -> Value {
        let r = self
            .get(&format!("/_sandbox/objects/{api}/{id}?secrets=plain"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{api}/{id}: {}", r.text());
        r.json
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
    pub raw: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a Graph-shaped error with this status and code, whose `innerError` names the
    /// same request as the headers; returns the `error` object for further checks.
    pub fn graph_error(&self, status: u16, code: &str) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        let error = &self.json["error"];
        assert_eq!(error["code"], code, "{}", self.text());
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.text()
        );
        let request_id = self.header("request-id").expect("request-id header");
        assert_eq!(error["innerError"]["request-id"], request_id);
        assert!(error["innerError"]["date"].is_string());
        assert!(self.header("date").is_some(), "date header");
        error
    }
}

/// A token for the given request, as a header value.
pub fn bearer(req: &TokenRequest) -> String {
    format!("Bearer {}", mint_token(req))
}

/// A link as the in-memory router sees it (without scheme and host).
pub fn local(link: &str) -> String {
    link.strip_prefix(&format!("http://{HOST}"))
        .unwrap_or(link)
        .to_string()
}
