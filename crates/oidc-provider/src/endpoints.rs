//! The routes under the authority's path: discovery, `authorize`, `token`, `keys`, `logout`,
//! with CORS on all of them; and the unsigned tokens they issue.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Form, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::{lock, Event, Grant, PendingCode, Provider, RefreshGrant};

/// How long a code may wait to be redeemed.
const CODE_LIFETIME: Duration = Duration::from_secs(300);
/// The lifetime of id_tokens and (as `refresh_token_expires_in`) refresh tokens.
const SESSION_SECONDS: i64 = 24 * 3600;
/// The OpenID scopes MSAL adds to every request; the rest name the resource.
const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access", "email"];

type Shared = Arc<Provider>;
type Params = HashMap<String, String>;

/// The provider's routes, CORS included. Serve it over TLS with [`crate::spawn`], or call it
/// directly in tests.
pub fn router(provider: Shared) -> Router {
    let tenant = provider.options.tenant.clone();
    Router::new()
        .route(
            &format!("/{tenant}/.well-known/openid-configuration"),
            get(discovery),
        )
        .route(&format!("/{tenant}/authorize"), get(authorize))
        .route(&format!("/{tenant}/token"), post(token))
        .route(&format!("/{tenant}/keys"), get(keys))
        .route(&format!("/{tenant}/logout"), get(logout))
        .with_state(provider)
        .layer(middleware::from_fn(cors))
}

/// Lets the app's origin call every route; answers preflights for any path and headers.
async fn cors(request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .cloned()
        .unwrap_or(HeaderValue::from_static("*"));
    let mut response = if request.method() == Method::OPTIONS {
        let asked = request
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned();
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        if let Some(asked) = asked {
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked);
        }
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(600));
        r
    } else {
        next.run(request).await
    };
    let h = response.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    response
}

async fn discovery(State(p): State<Shared>) -> Response {
    let a = p.issuer();
    Json(json!({
        "issuer": a,
        "authorization_endpoint": format!("{a}/authorize"),
        "token_endpoint": format!("{a}/token"),
        "end_session_endpoint": format!("{a}/logout"),
        "jwks_uri": format!("{a}/keys"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "offline_access", "email"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["none"],
        "token_endpoint_auth_methods_supported": ["none"],
    }))
    .into_response()
}

async fn keys() -> Response {
    Json(json!({ "keys": [] })).into_response()
}

/// Ends nothing (there is no session): goes back to `post_logout_redirect_uri` when allowed.
async fn logout(State(p): State<Shared>, Query(q): Query<Params>) -> Response {
    match q.get("post_logout_redirect_uri") {
        Some(uri) if p.redirect_uri_allowed(uri) => redirect(uri),
        _ => (StatusCode::OK, "Signed out.").into_response(),
    }
}

/// Percent-encodes a query or fragment value (RFC 3986 unreserved characters pass).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => {
            let mut r = StatusCode::FOUND.into_response();
            r.headers_mut().insert(header::LOCATION, v);
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(_) => (StatusCode::BAD_REQUEST, "unusable redirect URI").into_response(),
    }
}

/// `redirect_uri` with `params` in the fragment or the query.
fn back_to(redirect_uri: &str, fragment: bool, params: &[(&str, &str)]) -> Response {
    let encoded: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    let sep = if fragment {
        "#"
    } else if redirect_uri.contains('?') {
        "&"
    } else {
        "?"
    };
    redirect(&format!("{redirect_uri}{sep}{}", encoded.join("&")))
}

/// Consents at once: checks the client, the redirect URI and PKCE, and sends a code back.
async fn authorize(State(p): State<Shared>, Query(q): Query<Params>) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let refuse_here = |error: &str, why: &str| {
        p.record(Event::Refused {
            endpoint: "authorize",
            error: error.to_string(),
        });
        (StatusCode::BAD_REQUEST, format!("{error}: {why}")).into_response()
    };
    // Without a known client and an exact registered redirect URI, nothing is sent anywhere.
    if get("client_id") != p.options.client_id {
        return refuse_here("unauthorized_client", "unknown client_id");
    }
    let redirect_uri = get("redirect_uri");
    if !p.redirect_uri_allowed(redirect_uri) {
        return refuse_here("invalid_request", "redirect_uri is not registered");
    }
    let fragment = get("response_mode") == "fragment";
    let state = get("state");
    let refuse_back = |error: &str, description: &str| {
        p.record(Event::Refused {
            endpoint: "authorize",
            error: error.to_string(),
        });
        back_to(
            redirect_uri,
            fragment,
            &[
                ("error", error),
                ("error_description", description),
                ("state", state),
            ],
        )
    };
    if get("response_type") != "code" {
        return refuse_back("unsupported_response_type", "only code is supported");
    }
    if get("code_challenge").is_empty() || get("code_challenge_method") != "S256" {
        return refuse_back("invalid_request", "PKCE with S256 is required");
    }
    let prompt = q.get("prompt").cloned();
    if prompt.as_deref() == Some("none") {
        if !p.session_active() {
            return refuse_back("login_required", "the session has ended; sign in again");
        }
    } else {
        // The user "signed in" (consent is automatic).
        p.start_session();
    }
    let code = uuid::Uuid::new_v4().simple().to_string();
    lock(&p.codes).insert(
        code.clone(),
        PendingCode {
            client_id: p.options.client_id.clone(),
            redirect_uri: redirect_uri.to_string(),
            challenge: get("code_challenge").to_string(),
            nonce: q.get("nonce").cloned(),
            scope: get("scope").to_string(),
            issued: Instant::now(),
        },
    );
    p.record(Event::Authorized {
        prompt,
        response_mode: if fragment { "fragment" } else { "query" }.into(),
    });
    back_to(redirect_uri, fragment, &[("code", &code), ("state", state)])
}

fn token_error(p: &Provider, status: StatusCode, error: &str, description: &str) -> Response {
    p.record(Event::Refused {
        endpoint: "token",
        error: error.to_string(),
    });
    let mut r = (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `BASE64URL(SHA-256(verifier))`, as PKCE's S256 defines it.
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

async fn token(State(p): State<Shared>, Form(f): Form<Params>) -> Response {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != p.options.client_id {
        return token_error(
            &p,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client_id",
        );
    }
    match get("grant_type") {
        "authorization_code" => {
            // A code is redeemed once, whatever happens next.
            let Some(pending) = lock(&p.codes).remove(get("code")) else {
                return token_error(
                    &p,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown or used code",
                );
            };
            if pending.issued.elapsed() > CODE_LIFETIME {
                return token_error(&p, StatusCode::BAD_REQUEST, "invalid_grant", "code expired");
            }
            if pending.client_id != get("client_id") || pending.redirect_uri != get("redirect_uri")
            {
                return token_error(
                    &p,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "client_id or redirect_uri differs from the authorization request",
                );
            }
            if s256(get("code_verifier")) != pending.challenge {
                return token_error(
                    &p,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "PKCE verification failed",
                );
            }
            let scope = match get("scope") {
                "" => pending.scope.clone(),
                s => s.to_string(),
            };
            issue(
                &p,
                Grant::AuthorizationCode,
                &scope,
                pending.nonce.as_deref(),
            )
        }
        "refresh_token" => {
            // Refresh tokens rotate: the one presented is spent.
            let Some(grant) = lock(&p.refresh_tokens).remove(get("refresh_token")) else {
                return token_error(
                    &p,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown or used refresh token",
                );
            };
            if !p.session_active() {
                return token_error(
                    &p,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the session has ended; sign in again",
                );
            }
            if grant.client_id != get("client_id") {
                return token_error(
                    &p,
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the refresh token belongs to another client",
                );
            }
            let scope = match get("scope") {
                "" => grant.scope.clone(),
                s => s.to_string(),
            };
            issue(&p, Grant::RefreshToken, &scope, None)
        }
        other => token_error(
            &p,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("grant_type {other:?} is not supported"),
        ),
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// An unsigned JWT (`alg: none`): neither MSAL.js nor the Graph sandbox checks signatures.
pub fn unsigned_jwt(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

/// The resource a scope list asks for: the first `<resource>/.default` (or other non-OpenID
/// scope's resource), else Microsoft Graph.
pub fn audience(scope: &str) -> String {
    scope
        .split_whitespace()
        .find(|s| !OIDC_SCOPES.contains(s))
        .map(|s| match s.rsplit_once('/') {
            Some((resource, _)) if !resource.is_empty() => resource.to_string(),
            _ => s.to_string(),
        })
        .unwrap_or_else(|| "https://graph.microsoft.com".into())
}

/// The subject every token names (one user): stable, derived from the tenant and the UPN.
fn subject(p: &Provider) -> String {
    s256(&format!("{}/{}", p.options.tenant, p.options.upn))
}

fn issue(p: &Provider, grant: Grant, scope: &str, nonce: Option<&str>) -> Response {
    let o = &p.options;
    let now = now();
    let sub = subject(p);
    let access_token = unsigned_jwt(&json!({
        "aud": audience(scope),
        "iss": p.issuer(),
        "tid": o.tenant,
        "sub": sub,
        "oid": sub,
        "upn": o.upn,
        "name": o.name,
        "appid": o.client_id,
        "app_displayname": "oidc-provider",
        "scp": o.scp,
        "iat": now,
        "nbf": now,
        "exp": now + o.access_token_seconds,
        // Two tokens issued in the same second still differ.
        "uti": uuid::Uuid::new_v4().simple().to_string(),
    }));
    let mut id_claims = json!({
        "iss": p.issuer(),
        "aud": o.client_id,
        "sub": sub,
        "oid": sub,
        "tid": o.tenant,
        "preferred_username": o.upn,
        "name": o.name,
        "ver": "2.0",
        "iat": now,
        "nbf": now,
        "exp": now + SESSION_SECONDS,
    });
    if let Some(n) = nonce {
        id_claims["nonce"] = Value::String(n.to_string());
    }
    let refresh_token = uuid::Uuid::new_v4().simple().to_string();
    lock(&p.refresh_tokens).insert(
        refresh_token.clone(),
        RefreshGrant {
            client_id: o.client_id.clone(),
            scope: scope.to_string(),
        },
    );
    p.record(Event::Issued {
        grant,
        access_token: access_token.clone(),
    });
    let mut r = Json(json!({
        "token_type": "Bearer",
        "scope": scope,
        "expires_in": o.access_token_seconds,
        "ext_expires_in": o.access_token_seconds,
        "access_token": access_token,
        "refresh_token": refresh_token,
        "refresh_token_expires_in": SESSION_SECONDS,
        "id_token": unsigned_jwt(&id_claims),
    }))
    .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
