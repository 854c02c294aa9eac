//! The provider as MSAL.js meets it: discovery over real TLS, the code flow with PKCE, the
//! refresh grant, and every refusal that keeps a test honest (wrong verifier, reused code, an
//! unregistered redirect URI, a spent refresh token), plus CORS preflights.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use http_body_util::BodyExt;
use oidc_provider::endpoints::s256;
use oidc_provider::{router, Event, Grant, Options, Provider, WRITE_PERMISSION};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

const ISSUER: &str = "https://127.0.0.1:9443/e2e-tenant";
const REDIRECT: &str = "http://127.0.0.1:8080/redirect.html";
const ORIGIN: &str = "http://127.0.0.1:8080";
const VERIFIER: &str = "a-verifier-that-is-long-enough-for-pkce-0123456789";

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    fn location(&self) -> &str {
        self.headers[header::LOCATION].to_str().unwrap()
    }
}

fn provider() -> Arc<Provider> {
    Arc::new(Provider::new(
        Options {
            redirect_uris: vec![REDIRECT.into()],
            access_token_seconds: 30,
            ..Options::default()
        },
        ISSUER,
    ))
}

async fn call(p: &Arc<Provider>, request: Request<Body>) -> Answer {
    let r = router(p.clone()).oneshot(request).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = r.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let v: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

async fn authorize(p: &Arc<Provider>, extra: &[(&str, &str)]) -> Answer {
    let client_id = p.options.client_id.clone();
    let challenge = s256(VERIFIER);
    let mut pairs = vec![
        ("client_id", client_id.as_str()),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        (
            "scope",
            "http://127.0.0.1:8080/.default openid profile offline_access",
        ),
        ("state", "eyJpZCI6IjEifQ==|app"),
        ("nonce", "n-0S6_WzA2Mj"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("response_mode", "fragment"),
    ];
    for (k, v) in extra {
        pairs.retain(|(key, _)| key != k);
        pairs.push((k, v));
    }
    let uri = format!("/e2e-tenant/authorize?{}", query(&pairs));
    call(p, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// The parameters the provider put after `#` or `?` in the redirect.
fn returned(location: &str) -> HashMap<String, String> {
    let rest = location
        .split_once('#')
        .or_else(|| location.split_once('?'))
        .unwrap()
        .1;
    rest.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Redeems an authorization code with a PKCE verifier, as MSAL does after a sign-in.
async fn redeem(p: &Arc<Provider>, code: &str, verifier: &str) -> Answer {
    let client_id = p.options.client_id.clone();
    token(
        p,
        &[
            ("client_id", &client_id),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
    )
    .await
}

async fn token(p: &Arc<Provider>, pairs: &[(&str, &str)]) -> Answer {
    let request = Request::post("/e2e-tenant/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(query(pairs)))
        .unwrap();
    call(p, request).await
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn code_flow_with_pkce_then_refresh() {
    let p = provider();
    let client_id = p.options.client_id.clone();
    let a = authorize(&p, &[]).await;
    assert_eq!(a.status, StatusCode::FOUND);
    assert!(a.location().starts_with(&format!("{REDIRECT}#code=")));
    let back = returned(a.location());
    assert_eq!(back["state"], "eyJpZCI6IjEifQ==|app");

    let t = token(
        &p,
        &[
            ("client_id", &client_id),
            ("grant_type", "authorization_code"),
            ("code", &back["code"]),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
            (
                "scope",
                "http://127.0.0.1:8080/.default openid profile offline_access",
            ),
        ],
    )
    .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    assert_eq!(t.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], ORIGIN);
    assert_eq!(t.headers[header::CACHE_CONTROL], "no-store");
    let body = t.json();
    assert_eq!(body["expires_in"], 30);
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["scp"], WRITE_PERMISSION);
    assert_eq!(access["aud"], "http://127.0.0.1:8080");
    assert_eq!(access["iss"], ISSUER);
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        30
    );
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], client_id.as_str());
    assert_eq!(id["iss"], ISSUER);
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id["preferred_username"], p.options.upn.as_str());

    // The code is spent.
    let again = redeem(&p, &back["code"], VERIFIER).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.json()["error"], "invalid_grant");

    let refresh = body["refresh_token"].as_str().unwrap().to_string();
    let r = token(
        &p,
        &[
            ("client_id", &client_id),
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let renewed = r.json();
    assert_ne!(renewed["access_token"], body["access_token"]);
    assert_ne!(renewed["refresh_token"], body["refresh_token"]);
    // Refresh tokens rotate: the old one is spent.
    let spent = token(
        &p,
        &[
            ("client_id", &client_id),
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(spent.json()["error"], "invalid_grant");

    assert_eq!(
        p.issued(Grant::AuthorizationCode),
        vec![body["access_token"].as_str().unwrap().to_string()]
    );
    assert_eq!(
        p.issued(Grant::RefreshToken),
        vec![renewed["access_token"].as_str().unwrap().to_string()]
    );
    assert!(matches!(
        p.events()[0],
        Event::Authorized { ref response_mode, .. } if response_mode == "fragment"
    ));
}

#[tokio::test]
async fn refusals() {
    let p = provider();
    let client_id = p.options.client_id.clone();

    // A wrong PKCE verifier.
    let back = returned(authorize(&p, &[]).await.location());
    let wrong = redeem(&p, &back["code"], "not-the-verifier").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.json()["error_description"]
        .as_str()
        .unwrap()
        .contains("PKCE"));

    // No redirect to an unregistered URI, and none for an unknown client.
    let a = authorize(&p, &[("redirect_uri", "https://evil.example/r")]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.headers.get(header::LOCATION).is_none());
    let a = authorize(&p, &[("client_id", "someone-else")]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);

    // PKCE is required; the error goes back to the app, in the query when it asks so.
    let a = authorize(
        &p,
        &[
            ("code_challenge_method", "plain"),
            ("response_mode", "query"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::FOUND);
    assert!(a
        .location()
        .starts_with(&format!("{REDIRECT}?error=invalid_request")));
    assert_eq!(returned(a.location())["state"], "eyJpZCI6IjEifQ==|app");

    let unknown = token(&p, &[("client_id", "x"), ("grant_type", "refresh_token")]).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let grant = token(&p, &[("client_id", &client_id), ("grant_type", "password")]).await;
    assert_eq!(grant.json()["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn preflight_and_discovery_allow_the_app() {
    let p = provider();
    let pre = call(
        &p,
        Request::options("/e2e-tenant/token")
            .header(header::ORIGIN, ORIGIN)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "content-type,x-client-sku",
            )
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(pre.status, StatusCode::NO_CONTENT);
    assert_eq!(pre.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], ORIGIN);
    assert_eq!(
        pre.headers[header::ACCESS_CONTROL_ALLOW_HEADERS],
        "content-type,x-client-sku"
    );
    let d = call(
        &p,
        Request::get("/e2e-tenant/.well-known/openid-configuration")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    assert_eq!(d["issuer"], ISSUER);
    assert_eq!(d["token_endpoint"], format!("{ISSUER}/token"));
    assert_eq!(d["code_challenge_methods_supported"][0], "S256");
}

/// The real listener: TLS with the generated certificate, trusted here explicitly.
#[tokio::test]
async fn serves_discovery_over_tls() {
    use tokio_rustls::rustls::pki_types::ServerName;
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};

    let running = oidc_provider::spawn(Options::default()).await.unwrap();
    let authority = running.authority();
    assert_eq!(authority, format!("https://{}/e2e-tenant", running.host()));

    let mut roots = RootCertStore::empty();
    let identity_der = {
        let pem = running.certificate_pem.clone();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap()
    };
    roots.add(identity_der.into()).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    let mut tls = connector
        .connect(ServerName::try_from("127.0.0.1").unwrap(), tcp)
        .await
        .unwrap();
    tls.write_all(
        format!(
            "GET /e2e-tenant/.well-known/openid-configuration HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            running.host()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut response = String::new();
    tls.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(&format!("\"issuer\":\"{authority}\"")));
    running.stop().await;
}

#[tokio::test]
async fn an_ended_session_needs_an_interactive_sign_in() {
    let p = provider();
    let client_id = p.options.client_id.clone();
    let back = returned(authorize(&p, &[]).await.location());
    let t = redeem(&p, &back["code"], VERIFIER).await.json();
    p.end_session();
    let refresh = t["refresh_token"].as_str().unwrap();
    let r = token(
        &p,
        &[
            ("client_id", &client_id),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
        ],
    )
    .await;
    assert_eq!(r.json()["error"], "invalid_grant");
    let silent = authorize(&p, &[("prompt", "none")]).await;
    assert!(silent
        .location()
        .starts_with(&format!("{REDIRECT}#error=login_required")));
    // Signing in interactively starts a new session; silent requests work again.
    let interactive = authorize(&p, &[("prompt", "select_account")]).await;
    assert!(returned(interactive.location()).contains_key("code"));
    let silent = authorize(&p, &[("prompt", "none")]).await;
    assert!(returned(silent.location()).contains_key("code"));
}
