//! What surrounds the objects: tokens, CORS, methods, the control endpoints, the recording and
//! the seeds.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use graph_sandbox::auth::{TokenRequest, DEFAULT_UPN, TENANT_ID};
use graph_sandbox::envelope::{ALLOW_HEADERS, ALLOW_METHODS, EXPOSE_HEADERS};
use graph_sandbox::seed::{MANY_OMA_SETTINGS_COUNT, MANY_OMA_SETTINGS_ID};
use policy_core::embedded::schema;
use policy_core::model::ApiVersion;
use policy_core::token::{TokenInfo, READ_PERMISSION, WRITE_PERMISSION};
use policy_core::{validate, Mode};
use serde_json::{json, Value};

use crate::common::{bearer, Harness, CONFIGS, GENERAL, HOST};

#[tokio::test]
async fn tokens_are_required_and_checked() {
    let h = Harness::new();
    let uri = format!("{CONFIGS}/{GENERAL}");
    let with = |auth: Option<String>, method: Method| {
        let mut b = Request::builder()
            .method(method)
            .uri(&uri)
            .header(header::HOST, HOST);
        if let Some(a) = auth {
            b = b.header(header::AUTHORIZATION, a);
        }
        b.header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"displayName":"x"}"#))
            .unwrap()
    };
    let expired = bearer(&TokenRequest {
        expires_in: -60,
        ..TokenRequest::default()
    });
    for auth in [
        None,
        Some("Bearer".to_string()),
        Some("Bearer garbage".to_string()),
        Some("Bearer a.%%%.c".to_string()),
        Some("Basic dXNlcjpwYXNz".to_string()),
        Some(expired),
    ] {
        let r = h.send(with(auth.clone(), Method::GET)).await;
        r.graph_error(401, "InvalidAuthenticationToken");
        let _ = auth;
    }
    let read_only = bearer(&TokenRequest::read_only());
    assert_eq!(
        h.send(with(Some(read_only.clone()), Method::GET))
            .await
            .status,
        StatusCode::OK
    );
    let r = h.send(with(Some(read_only), Method::PATCH)).await;
    let error = r.graph_error(403, "Forbidden");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains(WRITE_PERMISSION));

    let nothing = bearer(&TokenRequest {
        scp: Some("User.Read".into()),
        ..TokenRequest::default()
    });
    let r = h.send(with(Some(nothing), Method::GET)).await;
    assert!(r.graph_error(403, "Forbidden")["message"]
        .as_str()
        .unwrap()
        .contains(READ_PERMISSION));

    let app_role = bearer(&TokenRequest {
        roles: vec![WRITE_PERMISSION.into()],
        ..TokenRequest::default()
    });
    assert_eq!(
        h.send(with(Some(app_role), Method::PATCH)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn minted_tokens_carry_the_asked_claims() {
    let h = Harness::new();
    let r = h
        .get("/_sandbox/token?scp=DeviceManagementConfiguration.Read.All%20User.Read&expires_in=120&upn=ann@x.test")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["expires_in"], 120);
    let token = r.json["access_token"].as_str().unwrap();
    let header_part = token.split('.').next().unwrap();
    assert_eq!(
        policy_core::token::base64url_decode(header_part).unwrap(),
        br#"{"alg":"none","typ":"JWT"}"#
    );
    let info = TokenInfo::decode(token).unwrap();
    assert_eq!(info.user.as_deref(), Some("ann@x.test"));
    assert_eq!(info.tenant.as_deref(), Some(TENANT_ID));
    assert_eq!(
        info.audience.as_deref(),
        Some("https://graph.microsoft.com")
    );
    assert!(info.can_read() && !info.can_write());
    let left = info.expires_at.unwrap() - graph_sandbox::clock::unix_now();
    assert!((110..=120).contains(&left), "{left}");

    let r = h.get("/_sandbox/token").await;
    let info = TokenInfo::decode(r.json["access_token"].as_str().unwrap()).unwrap();
    assert_eq!(info.user.as_deref(), Some(DEFAULT_UPN));
    assert_eq!(info.scopes, [WRITE_PERMISSION]);

    let r = h.get("/_sandbox/token?roles=A,B").await;
    let info = TokenInfo::decode(r.json["access_token"].as_str().unwrap()).unwrap();
    assert_eq!(info.roles, ["A", "B"]);
    assert!(info.scopes.is_empty());

    h.get("/_sandbox/token?expires_in=soon")
        .await
        .graph_error(400, "BadRequest");
}

#[tokio::test]
async fn cors_preflight_and_exposed_headers() {
    let h = Harness::new();
    for uri in [
        CONFIGS,
        "/_fault/429/beta/officeConfiguration",
        "/_sandbox/faults",
        "/anything",
    ] {
        let r = h
            .send(
                Request::builder()
                    .method(Method::OPTIONS)
                    .uri(uri)
                    .header(header::ORIGIN, "http://127.0.0.1:8081")
                    .header("access-control-request-method", "PATCH")
                    .header(
                        "access-control-request-headers",
                        "authorization,content-type,prefer",
                    )
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{uri}");
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("http://127.0.0.1:8081")
        );
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some(ALLOW_METHODS)
        );
        assert_eq!(
            r.header("access-control-allow-headers"),
            Some(ALLOW_HEADERS)
        );
        assert_eq!(r.header("access-control-max-age"), Some("600"));
        assert!(r.header("request-id").is_some() && r.header("date").is_some());
    }
    assert_eq!(ALLOW_METHODS, "GET, PATCH, POST, DELETE, OPTIONS");
    assert_eq!(
        ALLOW_HEADERS,
        "Authorization, Content-Type, client-request-id, Prefer, x-sandbox-fault"
    );

    // Real answers, errors included, expose what the editor reads and echo its request id.
    for uri in [format!("{CONFIGS}/{GENERAL}"), format!("{CONFIGS}/missing")] {
        let r = h
            .send(
                h.request(Method::GET, &uri)
                    .header(header::ORIGIN, "http://localhost:8081")
                    .header("client-request-id", "abc-123")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("http://localhost:8081")
        );
        assert_eq!(
            r.header("access-control-expose-headers"),
            Some("Retry-After, request-id, client-request-id, Date")
        );
        assert_eq!(
            EXPOSE_HEADERS,
            "Retry-After, request-id, client-request-id, Date"
        );
        assert_eq!(r.header("client-request-id"), Some("abc-123"));
        let id = r.header("request-id").unwrap();
        assert_eq!(id.len(), 36, "{id}");
        assert_eq!(id.matches('-').count(), 4, "{id}");
        if r.status == StatusCode::NOT_FOUND {
            assert_eq!(
                r.json["error"]["innerError"]["client-request-id"],
                "abc-123"
            );
        }
    }
}

#[tokio::test]
async fn other_methods_are_405() {
    let h = Harness::new();
    for (method, uri, allow) in [
        (Method::DELETE, format!("{CONFIGS}/{GENERAL}"), "GET, PATCH"),
        (Method::POST, format!("{CONFIGS}/{GENERAL}"), "GET, PATCH"),
        (
            Method::PUT,
            "/beta/officeConfiguration".to_string(),
            "GET, PATCH",
        ),
        (Method::POST, CONFIGS.to_string(), "GET"),
        (Method::PATCH, CONFIGS.to_string(), "GET"),
    ] {
        let r = h
            .send(
                h.request(method.clone(), &uri)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from("{}"))
                    .unwrap(),
            )
            .await;
        r.graph_error(405, "MethodNotAllowed");
        assert_eq!(r.header("allow"), Some(allow), "{method} {uri}");
    }
    h.send(
        h.request(Method::PUT, "/_sandbox/reset")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .graph_error(405, "MethodNotAllowed");
}

#[tokio::test]
async fn requests_are_recorded_and_objects_readable_without_token() {
    let h = Harness::new();
    h.get(&format!("{CONFIGS}?$top=1")).await;
    h.patch(
        &format!("{CONFIGS}/{GENERAL}"),
        &json!({"displayName": "Seen"}),
    )
    .await;
    h.get("/_sandbox/token").await;
    let r = h.get("/_sandbox/requests").await;
    let list = r.json.as_array().unwrap();
    assert_eq!(list.len(), 2, "{}", r.text());
    assert_eq!(list[0]["method"], "GET");
    assert_eq!(list[0]["path"], format!("{CONFIGS}?$top=1"));
    assert_eq!(list[0]["body"], Value::Null);
    assert_eq!(list[0]["status"], 200);
    assert_eq!(list[1]["method"], "PATCH");
    assert_eq!(list[1]["contentType"], "application/json");
    assert_eq!(list[1]["body"], json!({"displayName": "Seen"}));
    assert_eq!(list[1]["authorization"], format!("Bearer {}", h.token));
    assert_eq!(list[1]["status"], 200);

    let r = h
        .send(
            Request::builder()
                .method(Method::DELETE)
                .uri("/_sandbox/requests")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(h.get("/_sandbox/requests").await.json, json!([]));

    // No token needed for the control endpoints.
    let r = h
        .send(
            Request::builder()
                .uri(format!("/_sandbox/objects/beta/{GENERAL}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.json["displayName"], "Seen");
    assert!(r.json.get("@odata.context").is_none());
    h.get("/_sandbox/objects/beta/nope")
        .await
        .graph_error(404, "ResourceNotFound");
    h.get("/_sandbox/objects/v9/nope")
        .await
        .graph_error(404, "ResourceNotFound");

    let r = h
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/_sandbox/reset")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        h.stored("beta", GENERAL).await["displayName"],
        "Display Name value"
    );
}

#[tokio::test]
async fn config_json_hands_the_demo_its_token() {
    let h = Harness::new();
    let r = h.get("/config.json").await;
    assert_eq!(r.json["sandbox"]["graph"], format!("http://{HOST}"));
    assert_eq!(r.json["sandbox"]["api"], "beta");
    let info = TokenInfo::decode(r.json["sandbox"]["demoToken"].as_str().unwrap()).unwrap();
    assert!(info.can_write());
    let left = info.expires_at.unwrap() - graph_sandbox::clock::unix_now();
    assert!((8 * 3600 - 10..=8 * 3600).contains(&left));
    assert_eq!(r.header("cache-control"), Some("no-store"));
}

#[test]
fn seeded_objects_validate_in_their_stores() {
    let sandbox = graph_sandbox::Sandbox::new(graph_sandbox::Config::default()).unwrap();
    let stores = sandbox.stores();
    for api in ApiVersion::ALL {
        let store = stores.get(api);
        for stored in store.iter() {
            let value = Value::Object(stored.value.clone());
            let errors: Vec<_> = validate(schema(api), &value, Mode::Object)
                .into_iter()
                .filter(|p| p.is_error())
                .collect();
            assert!(
                errors.is_empty(),
                "{api} {}: {errors:?}",
                stored.value["id"]
            );
        }
    }
    assert_eq!(stores.v1.len(), 3);
    assert_eq!(stores.beta.len(), 9);
    let many = stores.beta.get(MANY_OMA_SETTINGS_ID).unwrap();
    let settings = many.value["omaSettings"].as_array().unwrap();
    assert_eq!(settings.len(), MANY_OMA_SETTINGS_COUNT);
    let mut kinds: Vec<&str> = settings
        .iter()
        .map(|s| s["@odata.type"].as_str().unwrap())
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
}
