//! Every fault kind, asked for by header, by path prefix, by the control endpoint, at start-up
//! and through the in-process queue. (`drop` and `applied=drop` need a socket: see
//! `sockets.rs`.)

use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::http::{header, Method, StatusCode};
use graph_sandbox::fault::{parse_spec, Rule};
use graph_sandbox::Config;
use serde_json::json;

use crate::common::{Harness, Reply, CONFIGS, GENERAL, HOST};

#[derive(Debug, Clone, Copy)]
enum Way {
    Header,
    Prefix,
    Queue,
}

const WAYS: [Way; 3] = [Way::Header, Way::Prefix, Way::Queue];

/// Sends a GET of the seed object with `spec` asked for in `way`.
async fn get_with_fault(h: &Harness, way: Way, spec: &str) -> Reply {
    let path = format!("{CONFIGS}/{GENERAL}");
    let mut req = h.request(Method::GET, &path);
    match way {
        Way::Header => req = req.header("x-sandbox-fault", spec),
        Way::Prefix => {
            req = h.request(
                Method::GET,
                &format!(
                    "/_fault/{}{path}",
                    spec.replace(':', "%3A").replace('=', "%3D")
                ),
            )
        }
        Way::Queue => {
            let r = h
                .send(
                    h.control(Method::POST, "/_sandbox/faults")
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(json!({"spec": spec}).to_string()))
                        .unwrap(),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
    }
    h.send(req.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn status_faults_every_way() {
    let cases: [(&str, u16, &str, Option<&str>); 6] = [
        ("429", 429, "TooManyRequests", Some("1")),
        ("429:retry-after=3", 429, "TooManyRequests", Some("3")),
        ("503", 503, "ServiceUnavailable", None),
        ("503:retry-after=7", 503, "ServiceUnavailable", Some("7")),
        ("500", 500, "InternalServerError", None),
        ("504", 504, "GatewayTimeout", None),
    ];
    for way in WAYS {
        let h = Harness::new();
        for (spec, status, code, retry_after) in cases {
            let r = get_with_fault(&h, way, spec).await;
            r.graph_error(status, code);
            assert_eq!(r.header("retry-after"), retry_after, "{way:?} {spec}");
            // One request only: the next one is answered normally.
            assert_eq!(
                h.get(&format!("{CONFIGS}/{GENERAL}")).await.status,
                StatusCode::OK
            );
        }
        let recorded = h.get("/_sandbox/requests").await.json;
        assert_eq!(recorded[0]["status"], 429, "{way:?}: faults are recorded");
    }
}

#[tokio::test]
async fn delay_then_normal_answer_every_way() {
    for way in WAYS {
        let h = Harness::new();
        let started = Instant::now();
        let r = get_with_fault(&h, way, "delay=150").await;
        assert_eq!(r.status, StatusCode::OK, "{way:?}");
        assert!(started.elapsed() >= Duration::from_millis(150), "{way:?}");
        assert_eq!(r.json["id"], GENERAL);
    }
}

#[tokio::test]
async fn concurrent_edit_every_way() {
    for way in WAYS {
        let h = Harness::new();
        let before = h.stored("beta", GENERAL).await;
        let r = get_with_fault(&h, way, "concurrent").await;
        assert_eq!(r.status, StatusCode::OK, "{way:?}");
        assert_eq!(
            r.json["displayName"],
            "Display Name value (changed elsewhere)"
        );
        assert_eq!(r.json["version"], before["version"].as_i64().unwrap() + 1);
        assert_ne!(
            r.json["lastModifiedDateTime"],
            before["lastModifiedDateTime"]
        );
    }
    // With a PATCH, the edit lands first and the PATCH then applies on top of it.
    let h = Harness::new();
    let r = h
        .send(
            h.request(Method::PATCH, &format!("{CONFIGS}/{GENERAL}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-sandbox-fault", "concurrent")
                .body(Body::from(r#"{"description":"mine"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["version"], 9);
    assert_eq!(r.json["description"], "mine");
    assert_eq!(
        r.json["displayName"],
        "Display Name value (changed elsewhere)"
    );
}

#[tokio::test]
async fn queued_faults_match_method_path_and_count() {
    let h = Harness::new();
    let queue = |body: serde_json::Value| {
        h.control(Method::POST, "/_sandbox/faults")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let r = h
        .send(queue(
            json!({"spec": "503", "method": "patch", "count": 2, "pathContains": GENERAL}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json["value"][0]["spec"], "503");
    assert_eq!(r.json["value"][0]["method"], "PATCH");
    assert_eq!(r.json["value"][0]["remaining"], 2);

    let uri = format!("{CONFIGS}/{GENERAL}");
    assert_eq!(
        h.get(&uri).await.status,
        StatusCode::OK,
        "GET does not match"
    );
    let other = "/beta/officeConfiguration";
    assert_eq!(
        h.patch(other, &json!({"tenantCheckinStatuses": []}))
            .await
            .status,
        StatusCode::OK,
        "another path does not match"
    );
    for _ in 0..2 {
        h.patch(&uri, &json!({"displayName": "x"}))
            .await
            .graph_error(503, "ServiceUnavailable");
    }
    assert_eq!(
        h.patch(&uri, &json!({"displayName": "x"})).await.status,
        StatusCode::OK
    );

    h.send(queue(json!({"spec": "500"}))).await;
    let r = h
        .send(
            h.control(Method::DELETE, "/_sandbox/faults")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(h.get(&uri).await.status, StatusCode::OK, "cleared");

    for bad in [
        json!({"spec": "404"}),
        json!({"spec": "503", "count": 0}),
        json!({"spec": "503", "method": "PA TCH"}),
        json!({"spek": "503"}),
        json!([]),
    ] {
        h.send(queue(bad)).await.graph_error(400, "BadRequest");
    }
}

#[tokio::test]
async fn start_up_faults_apply_for_their_count() {
    let h = Harness::with(Config {
        faults: vec![
            Rule::parse_option("429:retry-after=2@PATCHx1").unwrap(),
            Rule::parse_option("delay=1").unwrap(),
        ],
        ..Config::default()
    });
    let uri = format!("{CONFIGS}/{GENERAL}");
    assert_eq!(h.get(&uri).await.status, StatusCode::OK);
    let r = h.patch(&uri, &json!({"displayName": "x"})).await;
    r.graph_error(429, "TooManyRequests");
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(
        h.patch(&uri, &json!({"displayName": "x"})).await.status,
        StatusCode::OK
    );
    let listed = h.get("/_sandbox/faults").await.json;
    assert_eq!(listed["value"][0]["spec"], "delay=1");
    assert_eq!(listed["value"][0]["remaining"], serde_json::Value::Null);
}

#[tokio::test]
async fn bad_specs_and_prefix_links() {
    let h = Harness::new();
    let uri = format!("{CONFIGS}/{GENERAL}");
    let r = h
        .send(
            h.request(Method::GET, &uri)
                .header("x-sandbox-fault", "418")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    r.graph_error(400, "BadRequest");
    h.get(&format!("/_fault/teapot{uri}"))
        .await
        .graph_error(400, "BadRequest");
    h.get("/_fault/429").await.graph_error(400, "BadRequest");

    // A delay prefix keeps the editor's base URL in the next link.
    let r = h.get(&format!("/_fault/delay=1{CONFIGS}?$top=2")).await;
    let next = r.json["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("http://{HOST}/_fault/delay=1/beta/deviceManagement/deviceConfigurations?$top=2&$skiptoken=2")),
        "{next}"
    );
}

/// The `Retry-After` date of an answer, checked to be an IMF-fixdate, as seconds from now.
fn seconds_until(r: &Reply) -> u64 {
    let text = r.header("retry-after").expect("a Retry-After header");
    let when = httpdate::parse_http_date(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    // Written back the same way: the fixed form, day name and GMT included.
    assert_eq!(httpdate::fmt_http_date(when), text);
    assert!(text.ends_with(" GMT") && text.len() == 29, "{text:?}");
    when.duration_since(SystemTime::now())
        .unwrap_or_default()
        .as_secs()
}

#[tokio::test]
async fn retry_after_zero_and_dates_every_way() {
    for way in WAYS {
        let h = Harness::new();
        let r = get_with_fault(&h, way, "429:retry-after=0").await;
        r.graph_error(429, "TooManyRequests");
        assert_eq!(r.header("retry-after"), Some("0"), "{way:?}");

        let r = get_with_fault(&h, way, "429:retry-after-date=400").await;
        r.graph_error(429, "TooManyRequests");
        let wait = seconds_until(&r);
        assert!((398..=400).contains(&wait), "{way:?}: {wait}");

        let r = get_with_fault(&h, way, "503:retry-after-date=0").await;
        r.graph_error(503, "ServiceUnavailable");
        assert!(seconds_until(&r) <= 1, "{way:?}");
    }
    // Start-up option, and the in-process queue the e2e tests' `TestSandbox::fault` fills.
    let h = Harness::with(Config {
        faults: vec![Rule::parse_option("429:retry-after-date=86400@PATCHx1").unwrap()],
        ..Config::default()
    });
    h.sandbox.faults().push(Rule {
        spec: parse_spec("429:retry-after=0").unwrap(),
        method: Some("PATCH".into()),
        path_contains: None,
        remaining: Some(1),
    });
    let uri = format!("{CONFIGS}/{GENERAL}");
    let r = h.patch(&uri, &json!({"displayName": "x"})).await;
    r.graph_error(429, "TooManyRequests");
    assert!((86_398..=86_400).contains(&seconds_until(&r)));
    let r = h.patch(&uri, &json!({"displayName": "x"})).await;
    r.graph_error(429, "TooManyRequests");
    assert_eq!(r.header("retry-after"), Some("0"));
    assert_eq!(
        h.patch(&uri, &json!({"displayName": "x"})).await.status,
        StatusCode::OK
    );
    // Beyond the bound: refused like any bad spec.
    h.get(&format!("/_fault/429:retry-after-date=86401{uri}"))
        .await
        .graph_error(400, "BadRequest");
}

/// Ways to ask for a fault for one PATCH: the three of [`get_with_fault`], plus the start-up
/// option and the in-process queue (as `TestSandbox::fault` does).
#[derive(Debug, Clone, Copy)]
enum PatchWay {
    Header,
    Prefix,
    Control,
    StartUp,
    InProcess,
}

/// Sends a PATCH of the seed object's display name with `spec` asked for in `way`.
async fn patch_with_fault(way: PatchWay, spec: &str, name: &str) -> (Harness, Reply) {
    let h = match way {
        PatchWay::StartUp => Harness::with(Config {
            faults: vec![Rule::parse_option(&format!("{spec}@PATCHx1")).unwrap()],
            ..Config::default()
        }),
        _ => Harness::new(),
    };
    let path = format!("{CONFIGS}/{GENERAL}");
    let uri = match way {
        PatchWay::Prefix => format!(
            "/_fault/{}{path}",
            spec.replace(':', "%3A").replace('=', "%3D")
        ),
        _ => path,
    };
    let mut req = h
        .request(Method::PATCH, &uri)
        .header(header::CONTENT_TYPE, "application/json");
    match way {
        PatchWay::Header => req = req.header("x-sandbox-fault", spec),
        PatchWay::Control => {
            let r = h
                .send(
                    h.control(Method::POST, "/_sandbox/faults")
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(
                            json!({"spec": spec, "method": "PATCH"}).to_string(),
                        ))
                        .unwrap(),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        PatchWay::InProcess => h.sandbox.faults().push(Rule {
            spec: parse_spec(spec).unwrap(),
            method: Some("PATCH".into()),
            path_contains: None,
            remaining: Some(1),
        }),
        PatchWay::Prefix | PatchWay::StartUp => {}
    }
    let body = json!({"displayName": name}).to_string();
    let r = h.send(req.body(Body::from(body)).unwrap()).await;
    (h, r)
}

#[tokio::test]
async fn applied_status_stores_the_patch_then_loses_the_answer_every_way() {
    let ways = [
        PatchWay::Header,
        PatchWay::Prefix,
        PatchWay::Control,
        PatchWay::StartUp,
        PatchWay::InProcess,
    ];
    let statuses = [
        (500, "InternalServerError"),
        (502, "BadGateway"),
        (503, "ServiceUnavailable"),
        (504, "GatewayTimeout"),
    ];
    for way in ways {
        for (status, code) in statuses {
            let name = format!("applied {way:?} {status}");
            let (h, r) = patch_with_fault(way, &format!("applied={status}"), &name).await;
            let error = r.graph_error(status, code);
            assert!(
                error["message"]
                    .as_str()
                    .unwrap()
                    .contains("after the request was carried out"),
                "{error}"
            );
            assert_eq!(r.header("retry-after"), None);
            // The work was done: stored, version bumped, and the next request is normal.
            let stored = h.stored("beta", GENERAL).await;
            assert_eq!(stored["displayName"], name.as_str(), "{way:?} {status}");
            assert_eq!(stored["version"], 8, "{way:?} {status}");
            let again = h.get(&format!("{CONFIGS}/{GENERAL}")).await;
            assert_eq!(again.status, StatusCode::OK);
            assert_eq!(again.json["displayName"], name.as_str());
            let recorded = h.sandbox.recorded();
            assert_eq!(recorded[0].method, "PATCH");
            assert_eq!(recorded[0].status, Some(status), "{way:?}");
        }
    }
}

#[tokio::test]
async fn applied_loses_any_answer_and_yields_to_a_status() {
    let h = Harness::new();
    let uri = format!("{CONFIGS}/{GENERAL}");
    // A GET is carried out too; its answer is lost all the same.
    let r = h
        .send(
            h.request(Method::GET, &uri)
                .header("x-sandbox-fault", "applied=504")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    r.graph_error(504, "GatewayTimeout");

    // A PATCH the service refuses stores nothing, and its 400 is lost behind the 502.
    let before = h.stored("beta", GENERAL).await;
    let r = h
        .send(
            h.request(Method::PATCH, &uri)
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-sandbox-fault", "applied=502")
                .body(Body::from(r#"{"passwordMinimumLength": "eight"}"#))
                .unwrap(),
        )
        .await;
    r.graph_error(502, "BadGateway");
    assert_eq!(h.stored("beta", GENERAL).await, before);

    // With a status in the same spec the request is never carried out.
    let r = h
        .send(
            h.request(Method::PATCH, &uri)
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-sandbox-fault", "applied=502,503")
                .body(Body::from(r#"{"displayName": "never"}"#))
                .unwrap(),
        )
        .await;
    r.graph_error(503, "ServiceUnavailable");
    assert_eq!(h.stored("beta", GENERAL).await, before);

    // Listed as written.
    let queued = h
        .send(
            h.control(Method::POST, "/_sandbox/faults")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"spec": "delay=1,applied=drop"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(queued.json["value"][0]["spec"], "delay=1,applied=drop");
    for bad in [
        "applied=429",
        "applied=404",
        "applied=",
        "applied=drop:retry-after=1",
    ] {
        let r = h
            .send(
                h.request(Method::GET, &uri)
                    .header("x-sandbox-fault", bad)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        r.graph_error(400, "BadRequest");
    }
}
