//! Reads the claims of a pasted access token, locally: who it is for, what it allows, when it
//! ends. The signature is not checked (only Graph can); this is for showing the user what they
//! pasted and warning early.

use serde_json::Value;

use crate::endpoint::Cloud;

/// The permission every write the editor makes needs.
pub const WRITE_PERMISSION: &str = "DeviceManagementConfiguration.ReadWrite.All";
/// The permission a read needs at the least.
pub const READ_PERMISSION: &str = "DeviceManagementConfiguration.Read.All";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not three dot-separated parts.
    #[error("this is not an access token: a token has three parts separated by dots")]
    NotJwt,
    /// The middle part is not base64url.
    #[error("the token's payload is not valid base64url")]
    Base64,
    /// The payload is not a JSON object.
    #[error("the token's payload is not a JSON object")]
    Json,
}

/// The claims the editor shows and checks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenInfo {
    pub tenant: Option<String>,
    /// The signed-in user (`upn`, `unique_name` or `preferred_username`).
    pub user: Option<String>,
    /// The application, for app-only tokens (`app_displayname` or `appid`).
    pub app: Option<String>,
    pub audience: Option<String>,
    /// Delegated scopes (`scp`, space-separated).
    pub scopes: Vec<String>,
    /// Application roles (`roles`).
    pub roles: Vec<String>,
    /// Expiry, in seconds since the Unix epoch.
    pub expires_at: Option<i64>,
    pub issuer: Option<String>,
}

/// Decodes base64url with or without padding.
pub fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (bits < 6).then_some(out)
}

fn claim_str(v: &Value, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| v.get(*n).and_then(Value::as_str).map(str::to_string))
}

impl TokenInfo {
    /// Decodes the payload of a JWT (the part between the two dots).
    pub fn decode(token: &str) -> Result<TokenInfo, TokenError> {
        let token = token.trim();
        let token = token
            .strip_prefix("Bearer ")
            .or_else(|| token.strip_prefix("bearer "))
            .unwrap_or(token);
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3 || parts[1].is_empty() {
            return Err(TokenError::NotJwt);
        }
        let bytes = base64url_decode(parts[1]).ok_or(TokenError::Base64)?;
        let v: Value = serde_json::from_slice(&bytes).map_err(|_| TokenError::Json)?;
        if !v.is_object() {
            return Err(TokenError::Json);
        }
        let scopes = claim_str(&v, &["scp"])
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let roles = v
            .get("roles")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Ok(TokenInfo {
            tenant: claim_str(&v, &["tid"]),
            user: claim_str(&v, &["upn", "unique_name", "preferred_username"]),
            app: claim_str(&v, &["app_displayname", "appid", "azp"]),
            audience: claim_str(&v, &["aud"]),
            scopes,
            roles,
            expires_at: v.get("exp").and_then(Value::as_i64),
            issuer: claim_str(&v, &["iss"]),
        })
    }

    /// True when scopes or roles grant `permission` (case-insensitively, as Entra ID compares).
    pub fn grants(&self, permission: &str) -> bool {
        self.scopes
            .iter()
            .chain(self.roles.iter())
            .any(|s| s.eq_ignore_ascii_case(permission))
    }

    pub fn can_write(&self) -> bool {
        self.grants(WRITE_PERMISSION)
    }

    pub fn can_read(&self) -> bool {
        self.can_write() || self.grants(READ_PERMISSION)
    }

    /// Seconds left before expiry at `now` (negative once expired); `None` without `exp`.
    pub fn seconds_left(&self, now: i64) -> Option<i64> {
        self.expires_at.map(|e| e.saturating_sub(now))
    }

    /// True when the token's audience is Graph in `cloud`. For a custom base (a proxy or a
    /// sandbox in front of Graph) any cloud's Graph audience, or the base itself, is accepted.
    pub fn audience_matches(&self, graph_base: &str, cloud: Option<Cloud>) -> bool {
        let Some(aud) = self.audience.as_deref() else {
            return false;
        };
        let aud = aud.trim_end_matches('/');
        // The Graph application's well-known ID stands for Graph in whichever cloud issued it.
        if aud == "00000003-0000-0000-c000-000000000000" {
            return true;
        }
        match cloud {
            Some(c) => c.graph_base().eq_ignore_ascii_case(aud),
            None => {
                graph_base.trim_end_matches('/').eq_ignore_ascii_case(aud)
                    || Cloud::from_graph_base(aud).is_some()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let b64 = |s: &str| {
            const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let bytes = s.as_bytes();
            let mut out = String::new();
            for chunk in bytes.chunks(3) {
                let n =
                    chunk.iter().fold(0u32, |a, &b| (a << 8) | b as u32) << (8 * (3 - chunk.len()));
                for i in 0..=chunk.len() {
                    out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
                }
            }
            out
        };
        format!("{}.{}.sig", b64(r#"{"alg":"none"}"#), b64(payload))
    }

    #[test]
    fn decodes_claims() {
        let t = TokenInfo::decode(&jwt(
            r#"{"tid":"t1","upn":"a@b.c","aud":"https://graph.microsoft.us","scp":"User.Read DeviceManagementConfiguration.ReadWrite.All","exp":100}"#,
        ))
        .unwrap();
        assert_eq!(t.tenant.as_deref(), Some("t1"));
        assert_eq!(t.user.as_deref(), Some("a@b.c"));
        assert!(t.can_write());
        assert_eq!(t.seconds_left(40), Some(60));
        let hostile = TokenInfo {
            expires_at: Some(i64::MIN),
            ..t.clone()
        };
        assert_eq!(hostile.seconds_left(i64::MAX), Some(i64::MIN));
        assert!(t.audience_matches("", Some(Cloud::UsGovL4)));
        assert!(!t.audience_matches("", Some(Cloud::Global)));
        assert!(t.audience_matches("http://127.0.0.1:8080", None));
    }

    #[test]
    fn app_roles_and_garbage() {
        let t = TokenInfo::decode(&jwt(r#"{"roles":["DeviceManagementConfiguration.Read.All"],"aud":"00000003-0000-0000-c000-000000000000"}"#)).unwrap();
        assert!(t.can_read() && !t.can_write());
        assert!(t.audience_matches("", Some(Cloud::China)));
        assert_eq!(TokenInfo::decode("abc"), Err(TokenError::NotJwt));
        assert_eq!(TokenInfo::decode("a.b*c.d"), Err(TokenError::Base64));
        assert_eq!(TokenInfo::decode(&jwt("[1]")), Err(TokenError::Json));
    }
}
