//! Access tokens, the sandbox's way: minting unsigned ones for the demo and the tests, and
//! checking the claims of whatever a request carries.
//!
//! The signature is never checked. The sandbox believes any well-formed token, which is what
//! makes it useful offline and also why it must only ever listen on a local address.

use axum::http::{header, HeaderMap, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use policy_core::token::{TokenInfo, READ_PERMISSION, WRITE_PERMISSION};
use serde_json::{json, Map, Value};

use crate::clock;
use crate::reply::Failure;

/// The audience every minted token names.
pub const AUDIENCE: &str = "https://graph.microsoft.com";
/// The tenant every minted token names: fixed, so tests can assert it.
pub const TENANT_ID: &str = "5a4d0b0c-5a4d-4b0c-8a4d-5a4d0b0c5a4d";
/// The user a minted token names unless told otherwise.
pub const DEFAULT_UPN: &str = "admin@sandbox.local";

/// What a minted token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// Delegated scopes, space-separated. `None` gives the write permission when no roles are
    /// asked for either; `Some("")` gives no `scp` claim at all.
    pub scp: Option<String>,
    /// Application roles.
    pub roles: Vec<String>,
    /// Seconds from now until `exp`; negative makes an already expired token.
    pub expires_in: i64,
    pub upn: String,
}

impl Default for TokenRequest {
    fn default() -> TokenRequest {
        TokenRequest {
            scp: None,
            roles: Vec::new(),
            expires_in: 3600,
            upn: DEFAULT_UPN.to_string(),
        }
    }
}

impl TokenRequest {
    /// A token that may read but not write.
    pub fn read_only() -> TokenRequest {
        TokenRequest {
            scp: Some(READ_PERMISSION.to_string()),
            ..TokenRequest::default()
        }
    }
}

/// An unsigned JWT (`alg: none`, empty signature) with the claims the editor and the sandbox read.
pub fn mint_token(req: &TokenRequest) -> String {
    let now = clock::unix_now();
    let mut claims = Map::new();
    claims.insert("aud".into(), json!(AUDIENCE));
    claims.insert(
        "iss".into(),
        json!(format!("https://sandbox.local/{TENANT_ID}/")),
    );
    claims.insert("tid".into(), json!(TENANT_ID));
    claims.insert("upn".into(), json!(req.upn));
    claims.insert("app_displayname".into(), json!("graph-sandbox"));
    let scp = match (&req.scp, req.roles.is_empty()) {
        (Some(s), _) => s.clone(),
        (None, true) => WRITE_PERMISSION.to_string(),
        (None, false) => String::new(),
    };
    if !scp.is_empty() {
        claims.insert("scp".into(), json!(scp));
    }
    if !req.roles.is_empty() {
        claims.insert("roles".into(), json!(req.roles));
    }
    claims.insert("iat".into(), json!(now));
    claims.insert("nbf".into(), json!(now));
    claims.insert("exp".into(), json!(now.saturating_add(req.expires_in)));
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string());
    format!("{header}.{payload}.")
}

/// What a request may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// Checks the `Authorization` header: 401 without a usable, unexpired bearer token, 403 when it
/// lacks the permission `access` needs.
pub fn authorize(headers: &HeaderMap, access: Access) -> Result<TokenInfo, Failure> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(Failure::unauthenticated(
            "The request has no access token; send Authorization: Bearer <token>.",
        ));
    };
    let text = value.to_str().unwrap_or_default().trim();
    let token = match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => {
            return Err(Failure::unauthenticated(
                "The Authorization header must be Bearer followed by an access token.",
            ))
        }
    };
    let info = TokenInfo::decode(token)
        .map_err(|e| Failure::unauthenticated(format!("The access token cannot be read: {e}.")))?;
    if info.seconds_left(clock::unix_now()).is_some_and(|s| s <= 0) {
        return Err(Failure::unauthenticated(
            "The access token has expired; get a new one.",
        ));
    }
    let (allowed, needed) = match access {
        Access::Read => (info.can_read(), READ_PERMISSION),
        Access::Write => (info.can_write(), WRITE_PERMISSION),
    };
    if !allowed {
        let also = match access {
            Access::Read => format!(" (or {WRITE_PERMISSION})"),
            Access::Write => String::new(),
        };
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!("The access token lacks the permission {needed}{also} in scp or roles."),
        ));
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(token: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        h
    }

    #[test]
    fn minted_tokens_decode_and_authorize() {
        let t = mint_token(&TokenRequest::default());
        let info = authorize(&headers(&t), Access::Write).unwrap();
        assert_eq!(info.user.as_deref(), Some(DEFAULT_UPN));
        assert_eq!(info.tenant.as_deref(), Some(TENANT_ID));
        assert_eq!(info.audience.as_deref(), Some(AUDIENCE));

        let ro = mint_token(&TokenRequest::read_only());
        assert!(authorize(&headers(&ro), Access::Read).is_ok());
        let e = authorize(&headers(&ro), Access::Write).unwrap_err();
        assert_eq!(e.status, StatusCode::FORBIDDEN);
        assert!(e.message.contains(WRITE_PERMISSION));

        let app = mint_token(&TokenRequest {
            roles: vec![WRITE_PERMISSION.into()],
            ..TokenRequest::default()
        });
        let info = authorize(&headers(&app), Access::Write).unwrap();
        assert!(info.scopes.is_empty());

        let expired = mint_token(&TokenRequest {
            expires_in: -5,
            ..TokenRequest::default()
        });
        assert_eq!(
            authorize(&headers(&expired), Access::Read)
                .unwrap_err()
                .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            authorize(&HeaderMap::new(), Access::Read)
                .unwrap_err()
                .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            authorize(&headers("not-a-token"), Access::Read)
                .unwrap_err()
                .code,
            "InvalidAuthenticationToken"
        );
    }
}
