//! Graph-shaped answers: the error envelope every failure uses (with `innerError` carrying the
//! same request id as the response header) and the JSON success bodies.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::clock;
use crate::fault::RetryAfter;

/// Identifies one request in headers and error bodies; made by [`crate::envelope`] before any
/// handler runs, so that errors and the `request-id` header agree.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub client_request_id: Option<String>,
}

impl RequestContext {
    pub fn new(client_request_id: Option<String>) -> RequestContext {
        RequestContext {
            request_id: uuid::Uuid::new_v4().to_string(),
            client_request_id,
        }
    }
}

/// One entry of `error.details`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub code: String,
    pub message: String,
    pub target: String,
}

/// A failed Graph request, turned into a response by [`Failure::respond`].
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub target: Option<String>,
    pub details: Vec<Detail>,
    /// Seconds or a date that many seconds ahead; `u32` keeps the type small enough to return
    /// by value everywhere.
    pub retry_after: Option<RetryAfter>,
    /// The methods a 405 answer lists in `Allow`.
    pub allow: Option<&'static str>,
}

impl Failure {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            code,
            message: message.into(),
            target: None,
            details: Vec::new(),
            retry_after: None,
            allow: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// A 400 listing every detail, the first one's message and target on top (the settings
    /// catalog's and the intents' refusals).
    pub fn refused(details: Vec<Detail>) -> Failure {
        let first = details.first().cloned().unwrap_or(Detail {
            code: "BadRequest".into(),
            message: "The request is not valid.".into(),
            target: String::new(),
        });
        let mut f = Failure::bad_request(if details.len() > 1 {
            format!(
                "The request has {} problems; the first: {}",
                details.len(),
                first.message
            )
        } else {
            first.message.clone()
        });
        f.target = Some(first.target);
        f.details = details;
        f
    }

    /// A 400 of one detail.
    pub fn one_problem(code: &str, target: &str, message: impl Into<String>) -> Failure {
        Failure::refused(vec![Detail {
            code: code.into(),
            message: message.into(),
            target: target.into(),
        }])
    }

    pub fn not_found(what: &str) -> Failure {
        Failure::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!("Nothing is stored at {}.", shorten(what, 200)),
        )
    }

    pub fn method_not_allowed(method: &str, allow: &'static str) -> Failure {
        let mut f = Failure::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!(
                "{} is not supported here; use {allow}.",
                shorten(method, 20)
            ),
        );
        f.allow = Some(allow);
        f
    }

    pub fn unauthenticated(message: impl Into<String>) -> Failure {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            message,
        )
    }

    /// The JSON body, with `innerError` naming this request.
    pub fn body(&self, ctx: &RequestContext) -> Value {
        let mut error = Map::new();
        error.insert("code".into(), json!(self.code));
        error.insert("message".into(), json!(self.message));
        if let Some(t) = &self.target {
            error.insert("target".into(), json!(t));
        }
        if !self.details.is_empty() {
            let details: Vec<Value> = self
                .details
                .iter()
                .map(|d| json!({"code": d.code, "message": d.message, "target": d.target}))
                .collect();
            error.insert("details".into(), Value::Array(details));
        }
        let mut inner = Map::new();
        inner.insert("date".into(), json!(clock::rfc3339_now()));
        inner.insert("request-id".into(), json!(ctx.request_id));
        inner.insert(
            "client-request-id".into(),
            json!(ctx.client_request_id.as_deref().unwrap_or(&ctx.request_id)),
        );
        error.insert("innerError".into(), Value::Object(inner));
        json!({ "error": error })
    }

    pub fn respond(&self, ctx: &RequestContext) -> Response {
        let mut response = json_response(self.status, &self.body(ctx));
        let headers = response.headers_mut();
        match self.retry_after {
            Some(RetryAfter::Seconds(secs)) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            Some(RetryAfter::DateIn(secs)) => {
                // An HTTP date is ASCII, so it is always a valid header value.
                if let Ok(date) = HeaderValue::from_str(&clock::http_date_in(u64::from(secs))) {
                    headers.insert(header::RETRY_AFTER, date);
                }
            }
            None => {}
        }
        if let Some(allow) = self.allow {
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

/// A JSON response with Graph's content type.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    // Serialising a `Value` cannot fail: its keys are strings.
    let text = serde_json::to_vec(body).unwrap_or_default();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(
                "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8",
            ),
        )],
        text,
    )
        .into_response()
}

/// Shortens hostile input (a 10 000-character id) before it is echoed in a message.
pub fn shorten(s: &str, max_chars: usize) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(max_chars).collect();
    let cleaned: String = head
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if chars.next().is_some() {
        format!("{cleaned}…")
    } else {
        cleaned
    }
}
