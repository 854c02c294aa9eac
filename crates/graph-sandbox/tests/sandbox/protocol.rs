//! What surrounds the objects: tokens, CORS, methods, the control endpoints, the recording and
//! the seeds.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use graph_sandbox::auth::{TokenRequest, DEFAULT_UPN, TENANT_ID};
use graph_sandbox::envelope::{ALLOW_HEADERS, ALLOW_METHODS, EXPOSE_HEADERS};
use graph_sandbox::seed::{ENCRYPTED_OMA_ID, MANY_OMA_SETTINGS_COUNT, MANY_OMA_SETTINGS_ID};
use policy_core::embedded::schema;
use policy_core::model::ApiVersion;
use policy_core::token::{TokenInfo, READ_PERMISSION, WRITE_PERMISSION};
use policy_core::{validate, Mode};
use serde_json::{json, Value};

use crate::common::{bearer, Harness, CONFIGS, GENERAL, HOST, OWN_ORIGIN, SECRET};
use graph_sandbox::{Config, Sandbox};

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
    let own = [OWN_ORIGIN, "http://localhost:4321", "http://[::1]:4321"];
    for uri in [
        CONFIGS,
        "/_fault/429/beta/officeConfiguration",
        "/_sandbox/faults",
        "/anything",
    ] {
        for origin in own {
            let r = h
                .send(
                    h.bare(Method::OPTIONS, uri)
                        .header(header::ORIGIN, origin)
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
            assert_eq!(r.header("access-control-allow-origin"), Some(origin));
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
    }
    assert_eq!(ALLOW_METHODS, "GET, PUT, PATCH, POST, DELETE, OPTIONS");
    assert_eq!(
        ALLOW_HEADERS,
        "Authorization, Content-Type, client-request-id, Prefer, x-sandbox-fault"
    );

    // Real answers, errors included, expose what the editor reads and echo its request id.
    for uri in [format!("{CONFIGS}/{GENERAL}"), format!("{CONFIGS}/missing")] {
        let r = h
            .send(
                h.request(Method::GET, &uri)
                    .header(header::ORIGIN, "http://localhost:4321")
                    .header("client-request-id", "abc-123")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("http://localhost:4321")
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

    // Without an Origin (curl, a same-origin GET) there is nothing to allow; an OPTIONS that is
    // no preflight just lists the methods.
    let r = h.get(&format!("{CONFIGS}/{GENERAL}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_eq!(r.header("vary"), Some("Origin"));
    let r = h
        .send(
            h.bare(Method::OPTIONS, CONFIGS)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(r.header("allow"), Some(ALLOW_METHODS));
    assert_eq!(r.header("access-control-allow-methods"), None);
}

/// Any other origin, another port of this machine included, gets no CORS header: its
/// preflights and its requests are refused, so a browser lets no page of it read an answer.
#[tokio::test]
async fn foreign_origins_get_no_cors_headers() {
    let h = Harness::new();
    let foreign = [
        "http://127.0.0.1:8081",
        "http://localhost:4322",
        "https://127.0.0.1:4321",
        "http://127.evil.example:4321",
        "http://evil.example:4321",
        "http://evil.example",
        "http://LOCALHOST:4321",
        "null",
        "*",
    ];
    for origin in foreign {
        let preflight = h
            .send(
                h.bare(Method::OPTIONS, CONFIGS)
                    .header(header::ORIGIN, origin)
                    .header("access-control-request-method", "PATCH")
                    .header("access-control-request-headers", "authorization")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        preflight.graph_error(403, "Forbidden");
        for name in [
            "access-control-allow-origin",
            "access-control-allow-methods",
            "access-control-allow-headers",
            "access-control-expose-headers",
        ] {
            assert_eq!(preflight.header(name), None, "{origin}: {name}");
        }
        for uri in [format!("{CONFIGS}/{GENERAL}"), "/config.json".to_string()] {
            let r = h
                .send(
                    h.request(Method::GET, &uri)
                        .header(header::ORIGIN, origin)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            r.graph_error(403, "Forbidden");
            assert_eq!(r.header("access-control-allow-origin"), None, "{origin}");
            assert!(!r.text().contains(&h.token), "{origin}");
        }
    }
    // Two Origin headers are no origin the sandbox knows either.
    let r = h
        .send(
            h.request(Method::GET, CONFIGS)
                .header(header::ORIGIN, OWN_ORIGIN)
                .header(header::ORIGIN, "http://evil.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    r.graph_error(403, "Forbidden");
}

/// `--allow-origin` (and `Sandbox::allow_origin` later) adds origins; nothing else does.
#[tokio::test]
async fn configured_origins_are_allowed() {
    let h = Harness::with(Config {
        allowed_origins: vec!["http://localhost:8081/".into()],
        ..Config::default()
    });
    let preflight = |origin: &'static str| {
        h.bare(Method::OPTIONS, CONFIGS)
            .header(header::ORIGIN, origin)
            .header("access-control-request-method", "PATCH")
            .body(Body::empty())
            .unwrap()
    };
    let r = h.send(preflight("http://localhost:8081")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:8081")
    );
    let r = h.send(preflight("http://localhost:8082")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    h.sandbox.allow_origin("https://editor.example").unwrap();
    let r = h.send(preflight("https://editor.example")).await;
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://editor.example")
    );
    assert!(h.sandbox.allow_origin("editor.example").is_err());
    assert!(Sandbox::new(Config {
        allowed_origins: vec!["*".into()],
        ..Config::default()
    })
    .is_err());
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
    h.send(
        h.bare(Method::GET, CONFIGS)
            .header(header::AUTHORIZATION, "Bearer secret-token-xyz")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    h.send(h.bare(Method::GET, CONFIGS).body(Body::empty()).unwrap())
        .await;
    h.get("/_sandbox/token").await;
    let r = h.get("/_sandbox/requests").await;
    let list = r.json.as_array().unwrap();
    assert_eq!(list.len(), 4, "{}", r.text());
    assert_eq!(list[0]["method"], "GET");
    assert_eq!(list[0]["path"], format!("{CONFIGS}?$top=1"));
    assert_eq!(list[0]["body"], Value::Null);
    assert_eq!(list[0]["status"], 200);
    assert_eq!(list[1]["method"], "PATCH");
    assert_eq!(list[1]["contentType"], "application/json");
    assert_eq!(list[1]["body"], json!({"displayName": "Seen"}));
    assert_eq!(list[1]["status"], 200);
    // Whether a request carried a token, and its scheme, but never the token.
    assert_eq!(list[1]["authorization"], "Bearer <redacted>");
    assert_eq!(list[2]["authorization"], "Bearer <redacted>");
    assert_eq!(list[2]["status"], 401);
    assert_eq!(list[3]["authorization"], Value::Null);
    for secret in ["secret-token-xyz", h.token.as_str()] {
        assert!(!r.text().contains(secret), "{}", r.text());
    }
    // In process, an embedded sandbox keeps the header for tests (the command does not: see
    // `the_command_stores_no_token`).
    let recorded = h.sandbox.recorded();
    assert_eq!(
        recorded[2].authorization.as_deref(),
        Some("Bearer secret-token-xyz")
    );
    assert_eq!(recorded[2].authorization_scheme(), Some("Bearer"));
    assert!(!recorded[3].has_authorization());
    assert!(!format!("{recorded:?}").contains("secret-token-xyz"));

    let r = h
        .send(
            h.control(Method::DELETE, "/_sandbox/requests")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(h.get("/_sandbox/requests").await.json, json!([]));

    // No token needed for the control endpoints.
    let r = h
        .send(
            h.control(Method::GET, &format!("/_sandbox/objects/beta/{GENERAL}"))
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
            h.control(Method::POST, "/_sandbox/reset")
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

/// As the command runs it (`redact_credentials`), not even the shared state holds a token.
#[tokio::test]
async fn the_command_stores_no_token() {
    let h = Harness::with(Config {
        redact_credentials: true,
        ..Config::default()
    });
    h.send(
        h.bare(Method::GET, CONFIGS)
            .header(header::AUTHORIZATION, "Bearer secret-token-xyz")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    h.patch(
        &format!("{CONFIGS}/{GENERAL}"),
        &json!({"displayName": "x"}),
    )
    .await;
    let recorded = h.sandbox.recorded();
    assert_eq!(recorded.len(), 2);
    for r in &recorded {
        assert_eq!(r.authorization.as_deref(), Some("Bearer <redacted>"));
    }
    let listed = h.get("/_sandbox/requests").await.text();
    assert!(!listed.contains("secret-token-xyz") && !listed.contains(&h.token));
}

/// Every `/_sandbox/*` route wants the run's secret in `x-sandbox-secret`; `config.json` and
/// Graph requests do not.
#[tokio::test]
async fn control_routes_need_the_secret() {
    let h = Harness::with(Config {
        secret: Some("the-secret-of-this-run".into()),
        ..Config::default()
    });
    assert_eq!(h.sandbox.secret(), "the-secret-of-this-run");
    let routes = [
        (Method::GET, "/_sandbox/token"),
        (Method::GET, "/_sandbox/faults"),
        (Method::POST, "/_sandbox/faults"),
        (Method::DELETE, "/_sandbox/faults"),
        (Method::GET, "/_sandbox/requests"),
        (Method::DELETE, "/_sandbox/requests"),
        (
            Method::GET,
            "/_sandbox/objects/beta/a931a366-a366-a931-66a3-31a966a331a9",
        ),
        (Method::POST, "/_sandbox/reset"),
        (Method::GET, "/_sandbox/nothing"),
        (Method::GET, "/_sandbox"),
        (Method::PUT, "/_sandbox/reset"),
    ];
    let wrong = [
        None,
        Some("wrong"),
        Some("the-secret-of-this-ru"),
        Some("the-secret-of-this-run "),
        Some("THE-SECRET-OF-THIS-RUN"),
    ];
    for (method, uri) in &routes {
        for secret in wrong {
            let mut b = h
                .bare(method.clone(), uri)
                .header(header::AUTHORIZATION, format!("Bearer {}", h.token));
            if let Some(s) = secret {
                b = b.header(SECRET, s);
            }
            let body = Body::from(r#"{"spec": "503"}"#);
            let r = h
                .send(
                    b.header(header::CONTENT_TYPE, "application/json")
                        .body(body)
                        .unwrap(),
                )
                .await;
            let error = r.graph_error(403, "Forbidden");
            assert!(
                error["message"]
                    .as_str()
                    .unwrap()
                    .contains("x-sandbox-secret"),
                "{method} {uri}: {}",
                r.text()
            );
            assert!(!r.text().contains("the-secret-of-this-run"));
        }
    }
    // Nothing happened: no fault queued, nothing reset.
    assert_eq!(h.sandbox.faults().rules().len(), 0);
    // With it, they work.
    let r = h.get("/_sandbox/token").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json["access_token"].is_string());
    // The secret is no Graph credential and config.json does not hand it out.
    let r = h.get("/config.json").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains("the-secret-of-this-run"));
    let r = h
        .send(
            h.bare(Method::GET, "/config.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "config.json stays open");
    assert!(Sandbox::new(Config {
        secret: Some("short".into()),
        ..Config::default()
    })
    .is_err());
    let a = Sandbox::new(Config::default()).unwrap();
    let b = Sandbox::new(Config::default()).unwrap();
    assert_eq!(a.secret().len(), 32);
    assert_ne!(a.secret(), b.secret(), "a fresh secret every run");
}

#[tokio::test]
async fn config_json_hands_the_demo_its_token() {
    let h = Harness::new();
    let r = h.get("/config.json").await;
    assert_eq!(r.json["sandbox"]["graph"], format!("http://{HOST}"));
    assert_eq!(r.json["sandbox"]["api"], "beta");
    assert_eq!(r.json["graphBases"], json!([format!("http://{HOST}")]));
    let info = TokenInfo::decode(r.json["sandbox"]["demoToken"].as_str().unwrap()).unwrap();
    assert!(info.can_write());
    let left = info.expires_at.unwrap() - graph_sandbox::clock::unix_now();
    assert!((8 * 3600 - 10..=8 * 3600).contains(&left));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    // The Host it names is the sandbox's only: `localhost` as well as 127.0.0.1.
    let r = h
        .send(
            Request::builder()
                .uri("/config.json")
                .header(header::HOST, "localhost:4321")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.json["sandbox"]["graph"], "http://localhost:4321");
    assert_eq!(r.json["graphBases"], json!(["http://localhost:4321"]));
}

/// `graphBases` keeps the bases the app's own config.json (or `app_config`) lists and adds the
/// sandbox's, once.
#[tokio::test]
async fn config_json_merges_graph_bases() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("config.json"),
        json!({"graphBases": ["https://proxy.example/graph/", format!("http://{HOST}/")], "msal": {"clientId": "kept"}}).to_string(),
    )
    .unwrap();
    let h = Harness::with(Config {
        dist: Some(dist.path().to_path_buf()),
        ..Config::default()
    });
    let r = h.get("/config.json").await;
    assert_eq!(
        r.json["graphBases"],
        json!(["https://proxy.example/graph/", format!("http://{HOST}/")])
    );
    assert_eq!(r.json["msal"]["clientId"], "kept");

    let h = Harness::with(Config {
        dist: Some(dist.path().to_path_buf()),
        app_config: vec![(
            "graphBases".into(),
            json!(["https://other.example", "https://other.example", 5]),
        )],
        ..Config::default()
    });
    let r = h.get("/config.json").await;
    assert_eq!(
        r.json["graphBases"],
        json!(["https://other.example", format!("http://{HOST}")])
    );
    let h = Harness::with(Config {
        app_config: vec![("graphBases".into(), json!("not a list"))],
        ..Config::default()
    });
    assert_eq!(
        h.get("/config.json").await.json["graphBases"],
        json!([format!("http://{HOST}")])
    );
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
    // Four app policies in each version (`seed::app_policies`).
    assert_eq!(stores.v1.len(), 3 + 4);
    // And five settings catalog policies in beta (`fixtures/settings/policies.json`), and two
    // endpoint security intents (`fixtures/intents/intents.json`).
    assert_eq!(stores.beta.len(), 10 + 4 + 5 + 2);
    let encrypted = stores.beta.get(ENCRYPTED_OMA_ID).unwrap();
    assert_eq!(
        encrypted.value["@odata.type"],
        "#microsoft.graph.windows10CustomConfiguration"
    );
    let kinds: Vec<&Value> = encrypted.value["omaSettings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["@odata.type"])
        .collect();
    assert_eq!(
        kinds,
        [
            "#microsoft.graph.omaSettingString",
            "#microsoft.graph.omaSettingInteger",
            "#microsoft.graph.omaSettingString"
        ]
    );
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
