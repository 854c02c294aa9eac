//! The `/_sandbox/*` control endpoints that demos and end-to-end tests use: mint a token, queue
//! faults, read the recorded requests (credentials redacted), look at a stored object without
//! a token (its secrets masked unless asked for), reset to the seeds. None of these is recorded, none needs a token, and every one
//! needs the run's control secret in `x-sandbox-secret` ([`crate::access`]).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use policy_core::model::ApiVersion;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{mint_token, TokenRequest, DEFAULT_UPN};
use crate::fault::{self, Rule};
use crate::oma;
use crate::reply::{json_response, shorten, Failure, RequestContext};
use crate::sandbox::Sandbox;

/// Refuses a control request without the control secret (403).
pub async fn require_secret(
    State(sandbox): State<Arc<Sandbox>>,
    request: Request,
    next: Next,
) -> Response {
    match crate::access::check_control_secret(request.headers(), sandbox.secret()) {
        Ok(()) => next.run(request).await,
        Err(f) => {
            let ctx = request
                .extensions()
                .get::<RequestContext>()
                .cloned()
                .unwrap_or_else(|| RequestContext::new(None));
            f.respond(&ctx)
        }
    }
}

/// The query of `GET /_sandbox/token`.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    scp: Option<String>,
    /// Comma-separated application roles.
    roles: Option<String>,
    expires_in: Option<i64>,
    upn: Option<String>,
}

/// The longest lifetime a minted token may ask for: a year.
const MAX_EXPIRES_IN: i64 = 365 * 24 * 3600;

pub async fn token(
    Extension(ctx): Extension<RequestContext>,
    query: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return Failure::bad_request("The query must be scp, roles, expires_in (seconds) and upn.")
            .respond(&ctx);
    };
    let expires_in = q
        .expires_in
        .unwrap_or(3600)
        .clamp(-MAX_EXPIRES_IN, MAX_EXPIRES_IN);
    let request = TokenRequest {
        scp: q.scp,
        roles: q
            .roles
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
        expires_in,
        upn: q.upn.unwrap_or_else(|| DEFAULT_UPN.to_string()),
    };
    json_response(
        StatusCode::OK,
        &json!({
            "token_type": "Bearer",
            "access_token": mint_token(&request),
            "expires_in": expires_in,
        }),
    )
}

/// The body of `POST /_sandbox/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    spec: String,
    method: Option<String>,
    count: Option<u32>,
    #[serde(rename = "pathContains")]
    path_contains: Option<String>,
}

fn list_faults(sandbox: &Sandbox) -> Response {
    let rules: Vec<Rule> = sandbox.faults().rules().to_vec();
    json_response(StatusCode::OK, &json!({ "value": rules }))
}

/// `GET` lists the queued faults, `POST` queues one (for one request unless `count` says
/// more), `DELETE` clears them all, start-up ones included.
pub async fn faults(
    State(sandbox): State<Arc<Sandbox>>,
    Extension(ctx): Extension<RequestContext>,
    method: Method,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let Ok(body) = body else {
        return Failure::bad_request("The body could not be read (at most 2 MiB).").respond(&ctx);
    };
    match method {
        Method::GET => list_faults(&sandbox),
        Method::DELETE => {
            sandbox.faults().clear();
            StatusCode::NO_CONTENT.into_response()
        }
        Method::POST => match parse_fault_request(&body) {
            Ok(rule) => {
                sandbox.faults().push(rule);
                let mut r = list_faults(&sandbox);
                *r.status_mut() = StatusCode::CREATED;
                r
            }
            Err(f) => f.respond(&ctx),
        },
        other => Failure::method_not_allowed(other.as_str(), "GET, POST, DELETE").respond(&ctx),
    }
}

fn parse_fault_request(body: &[u8]) -> Result<Rule, Failure> {
    let req: FaultRequest = serde_json::from_slice(body).map_err(|e| {
        Failure::bad_request(format!(
            "Expected {{\"spec\": \"503\", \"method\"?: \"PATCH\", \"count\"?: 1, \"pathContains\"?: \"...\"}}: {}",
            shorten(&e.to_string(), 200)
        ))
    })?;
    let spec = fault::parse_spec(&req.spec).map_err(|e| Failure::bad_request(e.to_string()))?;
    if req.count == Some(0) {
        return Err(Failure::bad_request("count must be at least 1."));
    }
    let method = match req.method {
        Some(m) if m.is_empty() || !m.bytes().all(|b| b.is_ascii_alphabetic()) => {
            return Err(Failure::bad_request(
                "method must be a method name such as PATCH.",
            ))
        }
        m => m.map(|m| m.to_ascii_uppercase()),
    };
    Ok(Rule {
        spec,
        method,
        path_contains: req.path_contains.filter(|p| !p.is_empty()),
        remaining: Some(req.count.unwrap_or(1)),
    })
}

/// `GET` lists the recorded Graph requests, oldest first, `authorization` redacted
/// (`Bearer <redacted>`); `DELETE` forgets them.
pub async fn requests(
    State(sandbox): State<Arc<Sandbox>>,
    Extension(ctx): Extension<RequestContext>,
    method: Method,
) -> Response {
    match method {
        Method::GET => {
            let list = serde_json::to_value(sandbox.recorded()).unwrap_or(Value::Null);
            json_response(StatusCode::OK, &list)
        }
        Method::DELETE => {
            sandbox.clear_recorded();
            StatusCode::NO_CONTENT.into_response()
        }
        other => Failure::method_not_allowed(other.as_str(), "GET, DELETE").respond(&ctx),
    }
}

/// The query of `GET /_sandbox/objects/{api}/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectQuery {
    /// `plain` shows the plain values of encrypted OMA settings; `masked` (the default) shows
    /// them as Graph does.
    secrets: Option<String>,
}

/// A stored object, without a token and without `@odata.context`: encrypted OMA settings
/// masked as a Graph GET shows them, or with their plain values for `?secrets=plain`.
pub async fn object(
    State(sandbox): State<Arc<Sandbox>>,
    Extension(ctx): Extension<RequestContext>,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    query: Result<Query<ObjectQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Path((api, id))) = path else {
        return Failure::bad_request("The path is not /_sandbox/objects/{api}/{id}.").respond(&ctx);
    };
    let plain = match query.as_ref().map(|q| q.secrets.as_deref()) {
        Ok(None | Some("masked")) => false,
        Ok(Some("plain")) => true,
        _ => {
            return Failure::bad_request("The only query is secrets=plain or secrets=masked.")
                .respond(&ctx)
        }
    };
    let Some(api) = ApiVersion::parse(&api) else {
        return Failure::not_found(&format!("API version {api}")).respond(&ctx);
    };
    let stores = sandbox.stores();
    match stores.get(api).get(&id) {
        Some(stored) if plain => {
            json_response(StatusCode::OK, &Value::Object(stored.value.clone()))
        }
        Some(stored) => {
            // Encrypted OMA values and settings catalog secrets alike stay masked.
            let mut masked = Value::Object(oma::masked(&stored.value));
            crate::settings::secrets::mask(&mut masked);
            json_response(StatusCode::OK, &masked)
        }
        None => Failure::not_found(&format!("/{api}/ object {id}")).respond(&ctx),
    }
}

/// Restores the seed state (built-in objects and `--seed` files) and saves it.
pub async fn reset(State(sandbox): State<Arc<Sandbox>>) -> Response {
    sandbox.reset().await;
    StatusCode::NO_CONTENT.into_response()
}

/// The answer to a method a control route does not take.
pub async fn not_allowed(Extension(ctx): Extension<RequestContext>, method: Method) -> Response {
    Failure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!(
            "{} is not supported by this control endpoint.",
            shorten(method.as_str(), 20)
        ),
    )
    .respond(&ctx)
}
