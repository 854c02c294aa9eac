//! What every request goes through and every response carries, whatever produced it (a
//! handler, a fault, a static file, an error). Before routing: the `Host` check, the origin
//! check and the control secret ([`crate::access`]); preflight `OPTIONS` requests are answered
//! here for every path, so no route can forget them. After: `request-id`, `date`, the echoed
//! `client-request-id` and, for an allowed origin only, the CORS headers.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::access::{self, Site};
use crate::clock;
use crate::reply::{shorten, RequestContext};
use crate::sandbox::Sandbox;

const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

/// The methods a browser may use cross-origin.
pub const ALLOW_METHODS: &str = "GET, PUT, PATCH, POST, DELETE, OPTIONS";
/// The request headers the editor sends.
pub const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, client-request-id, Prefer, x-sandbox-fault";
/// The response headers the editor reads; without this list a browser hides them from scripts.
pub const EXPOSE_HEADERS: &str = "Retry-After, request-id, client-request-id, Date";
/// How long a browser may cache a preflight answer, in seconds.
pub const MAX_AGE_SECONDS: u32 = 600;

/// What the middleware checks requests against.
#[derive(Debug, Clone)]
pub struct Gate {
    pub site: Site,
    pub sandbox: Arc<Sandbox>,
}

/// What the request's `Origin` header says about it.
enum Origin {
    /// No `Origin`: not a cross-origin browser request (curl, a same-origin GET).
    Absent,
    /// An origin the sandbox answers; the value to echo.
    Allowed(HeaderValue),
    Refused(String),
}

impl Gate {
    fn origin(&self, headers: &HeaderMap) -> Origin {
        let mut values = headers.get_all(header::ORIGIN).iter();
        let (value, again) = (values.next(), values.next());
        let Some(value) = value else {
            return Origin::Absent;
        };
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let allowed = again.is_none()
            && access::normalize_origin(&text).is_some_and(|o| {
                o == text && (self.site.is_own_origin(&o) || self.sandbox.allows_origin(&o))
            });
        if allowed {
            Origin::Allowed(value.clone())
        } else {
            Origin::Refused(text)
        }
    }
}

/// The middleware: checks `Host`, `Origin` and the control secret, answers preflights, gives
/// the request its id, stamps the response.
pub async fn envelope(State(gate): State<Gate>, mut request: Request, next: Next) -> Response {
    let client_id = request.headers().get(CLIENT_REQUEST_ID).cloned();
    let ctx = RequestContext::new(
        client_id
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .map(|s| shorten(s, 200)),
    );
    let host = gate.site.check_host(request.uri(), request.headers());
    let origin = match host {
        // A misdirected request gets no CORS header at all.
        Err(_) => Origin::Absent,
        Ok(()) => gate.origin(request.headers()),
    };
    let mut response = match (host, &origin) {
        (Err(f), _) => f.respond(&ctx),
        (Ok(()), Origin::Refused(o)) => access::refused_origin(o).respond(&ctx),
        (Ok(()), _) if request.method() == Method::OPTIONS => {
            let mut r = StatusCode::NO_CONTENT.into_response();
            match origin {
                Origin::Allowed(_) => preflight_headers(r.headers_mut()),
                _ => {
                    r.headers_mut()
                        .insert(header::ALLOW, HeaderValue::from_static(ALLOW_METHODS));
                }
            }
            r
        }
        (Ok(()), _) => {
            let secret = if access::is_control_path(request.uri().path()) {
                access::check_control_secret(request.headers(), gate.sandbox.secret())
            } else {
                Ok(())
            };
            match secret {
                Err(f) => f.respond(&ctx),
                Ok(()) => {
                    request.extensions_mut().insert(ctx.clone());
                    next.run(request).await
                }
            }
        }
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&ctx.request_id) {
        headers.insert(REQUEST_ID, v);
    }
    if let Some(v) = client_id {
        headers.insert(CLIENT_REQUEST_ID, v);
    }
    if !headers.contains_key(header::DATE) {
        if let Ok(v) = HeaderValue::from_str(&clock::http_date_now()) {
            headers.insert(header::DATE, v);
        }
    }
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    // Only an allowed origin is ever named; any other gets no CORS header, so a browser keeps
    // the answer from the page.
    if let Origin::Allowed(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
    response
}

fn preflight_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOW_METHODS),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOW_HEADERS),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from(MAX_AGE_SECONDS),
    );
}
