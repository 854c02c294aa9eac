//! What every response carries, whatever produced it (a handler, a fault, a static file, an
//! error): `request-id`, `date`, the echoed `client-request-id` and the CORS headers a browser
//! needs to call the sandbox from the editor's origin. Preflight `OPTIONS` requests are answered
//! here for every path, before routing, so no route can forget them.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::clock;
use crate::reply::{shorten, RequestContext};

const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

/// The methods a browser may use cross-origin.
pub const ALLOW_METHODS: &str = "GET, PATCH, POST, DELETE, OPTIONS";
/// The request headers the editor sends.
pub const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, client-request-id, Prefer, x-sandbox-fault";
/// The response headers the editor reads; without this list a browser hides them from scripts.
pub const EXPOSE_HEADERS: &str = "Retry-After, request-id, client-request-id, Date";
/// How long a browser may cache a preflight answer, in seconds.
pub const MAX_AGE_SECONDS: u32 = 600;

/// The middleware: answers preflights, gives the request its id, stamps the response.
pub async fn envelope(mut request: Request, next: Next) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let client_id = request.headers().get(CLIENT_REQUEST_ID).cloned();
    let ctx = RequestContext::new(
        client_id
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .map(|s| shorten(s, 200)),
    );
    let mut response = if request.method() == Method::OPTIONS {
        let mut r = StatusCode::NO_CONTENT.into_response();
        preflight_headers(r.headers_mut());
        r
    } else {
        request.extensions_mut().insert(ctx.clone());
        next.run(request).await
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
    // Echoing the origin (rather than `*`) keeps working if a caller ever sends credentials.
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        origin.unwrap_or(HeaderValue::from_static("*")),
    );
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSE_HEADERS),
    );
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
