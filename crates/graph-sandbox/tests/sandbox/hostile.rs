//! Hostile input: every case gets a Graph-shaped 4xx and the sandbox keeps answering.

use axum::body::Body;
use axum::http::{header, Method, StatusCode};
use serde_json::json;

use crate::common::{Harness, CONFIGS, GENERAL};

#[tokio::test]
async fn hostile_paths_get_graph_errors() {
    let h = Harness::new();
    let long = "a".repeat(10_000);
    let cases: Vec<(String, u16)> = vec![
        (format!("{CONFIGS}/.."), 400),
        (format!("{CONFIGS}/%2e%2e"), 400),
        (format!("{CONFIGS}/%2E%2E/%2E%2E/officeConfiguration"), 404),
        (format!("{CONFIGS}/..%2F..%2Fx"), 404),
        (format!("{CONFIGS}/%2F"), 404),
        (format!("{CONFIGS}/a%00b"), 400),
        (format!("{CONFIGS}/%00"), 400),
        (format!("{CONFIGS}/{long}"), 400),
        (format!("{CONFIGS}/%zz"), 400),
        (format!("{CONFIGS}/%ff%fe"), 400),
        (format!("{CONFIGS}/%"), 400),
        (format!("{CONFIGS}//"), 400),
        (
            "/beta/deviceManagement/../officeConfiguration".to_string(),
            404,
        ),
        (format!("/beta/{long}"), 404),
        ("/beta".to_string(), 404),
        ("/beta/".to_string(), 404),
        (
            "/v2.0/deviceManagement/deviceConfigurations".to_string(),
            404,
        ),
        ("/_fault/500/v9/deviceManagement".to_string(), 400),
        ("/nothing/here".to_string(), 404),
        (format!("{CONFIGS}?$select=%ff"), 400),
    ];
    for (uri, status) in cases {
        let r = h.get(&uri).await;
        let code = if status == 404 {
            "ResourceNotFound"
        } else {
            "BadRequest"
        };
        r.graph_error(status, code);
        assert!(
            r.raw.len() < 2000,
            "{} bytes for {}",
            r.raw.len(),
            &uri[..uri.len().min(80)]
        );
        // PATCH goes through the same door.
        let r = h.patch(&uri, &json!({"displayName": "x"})).await;
        assert!(r.status.is_client_error(), "{}", &uri[..uri.len().min(80)]);
        assert!(r.json["error"]["code"].is_string());
    }
    assert_eq!(
        h.get(&format!("{CONFIGS}/{GENERAL}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn hostile_bodies_get_graph_errors() {
    let h = Harness::new();
    let uri = format!("{CONFIGS}/{GENERAL}");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let nested = format!(
        r#"{{"displayName": {}1{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let many_unknown =
        serde_json::Value::Object((0..5000).map(|i| (format!("p{i}"), json!(i))).collect())
            .to_string();
    let bodies: Vec<(Vec<u8>, u16)> = vec![
        (deep.into_bytes(), 400),
        (nested.into_bytes(), 400),
        (many_unknown.into_bytes(), 400),
        (vec![0xff, 0xfe, 0x00], 400),
        (b"\0\0\0".to_vec(), 400),
        (br#"{"displayName": "\ud800"}"#.to_vec(), 400),
        (br#"{"displayName": 1e999}"#.to_vec(), 400),
        (b"null".to_vec(), 400),
        (vec![b' '; 4 * 1024 * 1024 + 1], 413),
    ];
    for (body, status) in bodies {
        let r = h
            .send(
                h.request(Method::PATCH, &uri)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status.as_u16(), status, "{}", r.text());
        assert!(r.json["error"]["code"].is_string());
        assert!(r.raw.len() < 1_000_000, "answer of {} bytes", r.raw.len());
    }
    let hostile_headers = [
        ("x-sandbox-fault", "delay=99999999999999999999"),
        ("x-sandbox-fault", ",,,"),
        ("authorization", "Bearer ....."),
        ("prefer", "return=minimal,,,;;"),
    ];
    for (name, value) in hostile_headers {
        let r = h
            .send(
                h.request(Method::GET, &uri)
                    .header(name, value)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(
            r.status.is_client_error() || r.status.is_success(),
            "{name}: {value}"
        );
    }
}

#[tokio::test]
async fn control_endpoints_refuse_oversized_and_odd_input() {
    let h = Harness::new();
    let r = h
        .send(
            h.control(Method::POST, "/_sandbox/faults")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(vec![b' '; 3 * 1024 * 1024]))
                .unwrap(),
        )
        .await;
    r.graph_error(400, "BadRequest");
    for uri in [
        "/_sandbox/objects/beta/%ff",
        "/_sandbox/objects/beta/",
        "/_sandbox/token?expires_in=99999999999999999999999",
        "/_sandbox/nothing",
    ] {
        let r = h.get(uri).await;
        assert!(r.status.is_client_error(), "{uri}");
        assert!(r.json["error"]["code"].is_string(), "{uri}");
    }
}
