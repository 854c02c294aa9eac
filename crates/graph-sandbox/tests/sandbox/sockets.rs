//! Tests that need a real socket on 127.0.0.1 (port chosen by the OS): dropped connections,
//! restarts that keep the state file, and the `graph-sandbox` binary itself.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use graph_sandbox::fault::Rule;
use graph_sandbox::{mint_token, spawn, Config, Running, Sandbox, TokenRequest};
use serde_json::{json, Value};

use crate::common::{CONFIGS, GENERAL};

async fn start(config: Config) -> Running {
    spawn(Sandbox::new(config).unwrap(), "127.0.0.1", 0)
        .await
        .unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// The URL of the seeded general configuration on a running server.
fn general_url(server: &Running) -> String {
    format!("{}{CONFIGS}/{GENERAL}", server.url())
}

/// The seeded object as the running server answers a GET for it.
async fn stored_object(server: &Running) -> Value {
    json_of(client().get(general_url(server)).bearer_auth(token())).await
}

/// Sends a request and reads its JSON answer.
async fn json_of(request: reqwest::RequestBuilder) -> Value {
    request.send().await.unwrap().json().await.unwrap()
}

fn token() -> String {
    mint_token(&TokenRequest::default())
}

#[tokio::test]
async fn drop_closes_the_connection_every_way() {
    let server = start(Config {
        faults: vec![Rule::parse_option("drop@GETx1").unwrap()],
        ..Config::default()
    })
    .await;
    let base = server.url();
    let c = client();
    let object = format!("{base}{CONFIGS}/{GENERAL}");
    let get = |url: String| c.get(url).bearer_auth(token());

    // Start-up option: the first GET is dropped.
    let first = get(object.clone()).send().await;
    assert!(first.is_err(), "start-up drop: {first:?}");

    // Header.
    let r = get(object.clone())
        .header("x-sandbox-fault", "drop")
        .send()
        .await;
    let e = r.expect_err("header drop");
    assert!(!e.is_status() && !e.is_timeout(), "{e:?}");

    // Path prefix.
    let r = get(format!("{base}/_fault/drop{CONFIGS}/{GENERAL}"))
        .send()
        .await;
    assert!(r.is_err(), "prefix drop: {r:?}");

    // Control endpoint.
    let queued = c
        .post(format!("{base}/_sandbox/faults"))
        .header("x-sandbox-secret", server.secret())
        .json(&json!({"spec": "drop", "method": "PATCH"}))
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status(), 201);
    let r = c
        .patch(&object)
        .bearer_auth(token())
        .json(&json!({"displayName": "never"}))
        .send()
        .await;
    assert!(r.is_err(), "queued drop: {r:?}");

    // The server goes on, and the dropped requests are recorded without a status.
    let ok = get(object.clone()).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["displayName"], "Display Name value");
    let recorded: Value = json_of(
        c.get(format!("{base}/_sandbox/requests"))
            .header("x-sandbox-secret", server.secret()),
    )
    .await;
    let statuses: Vec<&Value> = recorded
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["status"])
        .collect();
    assert_eq!(
        statuses,
        [
            &Value::Null,
            &Value::Null,
            &Value::Null,
            &Value::Null,
            &json!(200)
        ]
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn applied_drop_stores_then_closes_every_way() {
    let server = start(Config {
        faults: vec![Rule::parse_option("applied=drop@PATCHx1").unwrap()],
        ..Config::default()
    })
    .await;
    let base = server.url();
    let c = client();
    let object = general_url(&server);
    let patch = |url: &str, name: &str| {
        c.patch(url)
            .bearer_auth(token())
            .json(&json!({ "displayName": name }))
    };
    let names = ["start-up", "header", "prefix", "control", "in process"];

    // Start-up option.
    let r = patch(&object, names[0]).send().await;
    let e = r.expect_err("start-up applied=drop");
    assert!(!e.is_status() && !e.is_timeout(), "{e:?}");
    assert_eq!(stored_object(&server).await["displayName"], names[0]);

    // Header.
    let r = patch(&object, names[1])
        .header("x-sandbox-fault", "applied=drop")
        .send()
        .await;
    assert!(r.is_err(), "header applied=drop: {r:?}");
    assert_eq!(stored_object(&server).await["displayName"], names[1]);

    // Path prefix.
    let r = patch(
        &format!("{base}/_fault/applied=drop{CONFIGS}/{GENERAL}"),
        names[2],
    )
    .send()
    .await;
    assert!(r.is_err(), "prefix applied=drop: {r:?}");
    assert_eq!(stored_object(&server).await["displayName"], names[2]);

    // Control endpoint.
    let queued = c
        .post(format!("{base}/_sandbox/faults"))
        .header("x-sandbox-secret", server.secret())
        .json(&json!({"spec": "applied=drop", "method": "PATCH"}))
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status(), 201);
    let r = patch(&object, names[3]).send().await;
    assert!(r.is_err(), "queued applied=drop: {r:?}");
    assert_eq!(stored_object(&server).await["displayName"], names[3]);

    // The in-process queue, as the e2e tests' `TestSandbox::fault` fills it.
    server.sandbox.faults().push(Rule {
        spec: graph_sandbox::fault::parse_spec("applied=drop").unwrap(),
        method: Some("PATCH".into()),
        path_contains: None,
        remaining: Some(1),
    });
    let r = patch(&object, names[4]).send().await;
    assert!(r.is_err(), "in-process applied=drop: {r:?}");
    let after = stored_object(&server).await;
    assert_eq!(after["displayName"], names[4]);
    assert_eq!(
        after["version"],
        7 + names.len() as i64,
        "each PATCH applied once"
    );

    // Each dropped PATCH is recorded without a status, each GET with 200.
    let recorded = server.sandbox.recorded();
    let patches: Vec<Option<u16>> = recorded
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.status)
        .collect();
    assert_eq!(patches, [None; 5]);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn real_socket_headers_and_429() {
    let server = start(Config::default()).await;
    let r = client()
        .get(format!(
            "{}/_fault/429%3Aretry-after%3D3{CONFIGS}",
            server.url()
        ))
        .bearer_auth(token())
        .header("client-request-id", "e2e-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "3");
    assert_eq!(r.headers()["client-request-id"], "e2e-1");
    assert!(r.headers().contains_key("date"));
    assert_eq!(r.headers().get_all("date").iter().count(), 1);
    let id = r.headers()["request-id"].to_str().unwrap().to_string();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["innerError"]["request-id"], id);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn state_file_survives_a_restart_and_reset_restores_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let config = |reset: bool| Config {
        state_file: Some(state.clone()),
        reset,
        ..Config::default()
    };

    let server = start(config(false)).await;
    let r = client()
        .patch(general_url(&server))
        .bearer_auth(token())
        .json(&json!({"displayName": "Kept across restarts"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    server.stop().await.unwrap();
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert!(saved["beta"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["displayName"] == "Kept across restarts"));

    let server = start(config(false)).await;
    let body = stored_object(&server).await;
    assert_eq!(body["displayName"], "Kept across restarts");
    assert_eq!(body["version"], 8);
    server.stop().await.unwrap();

    let server = start(config(true)).await;
    let body = stored_object(&server).await;
    assert_eq!(body["displayName"], "Display Name value");
    assert_eq!(body["version"], 7);
    server.stop().await.unwrap();

    // A damaged state file stops the start rather than being overwritten.
    std::fs::write(&state, "{not json").unwrap();
    assert!(Sandbox::new(config(false)).is_err());
    assert!(Sandbox::new(config(true)).is_ok());
}

#[tokio::test]
async fn seed_files_add_objects() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.json");
    let list = dir.path().join("list.json");
    std::fs::write(
        &one,
        json!({"@odata.context": "x", "@odata.type": "#microsoft.graph.windows10CustomConfiguration", "id": "heavy-1", "displayName": "Heavy", "version": 1, "omaSettings": []}).to_string(),
    )
    .unwrap();
    std::fs::write(
        &list,
        json!({"value": [{"@odata.type": "#microsoft.graph.iosCustomConfiguration", "displayName": "No id yet", "version": 1}]}).to_string(),
    )
    .unwrap();
    let sandbox = Sandbox::new(Config {
        seeds: vec![
            (one.clone(), policy_core::ApiVersion::Beta),
            (list, policy_core::ApiVersion::V1),
        ],
        ..Config::default()
    })
    .unwrap();
    let stores = sandbox.stores();
    let heavy = stores.beta.get("heavy-1").unwrap();
    assert_eq!(heavy.set, "deviceManagement/deviceConfigurations");
    assert!(heavy.value.get("@odata.context").is_none());
    assert!(stores
        .v1
        .iter()
        .any(|s| s.value["displayName"] == "No id yet"));
    drop(stores);

    std::fs::write(
        &one,
        r##"{"@odata.type": "#microsoft.graph.omaSettingString"}"##,
    )
    .unwrap();
    let bad = Sandbox::new(Config {
        seeds: vec![(one, policy_core::ApiVersion::Beta)],
        ..Config::default()
    });
    assert!(bad.is_err());
}

/// Kills the child on every exit from the test, so a failed assertion leaves no process.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_address_serves_the_app_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>editor</title>",
    )
    .unwrap();
    std::fs::write(
        dist.join("config.json"),
        r#"{"msal": {"clientId": "kept"}, "sandbox": "replaced"}"#,
    )
    .unwrap();
    std::fs::write(
        dist.join("redirect.html"),
        "<!doctype html><title>bridge</title>",
    )
    .unwrap();
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_graph-sandbox"))
            .env_remove("SANDBOX_SECRET")
            .args([
                "--port",
                "0",
                "--reset",
                "--fault",
                "503@PATCHx1",
                "--state",
            ])
            .arg(dir.path().join("state.json"))
            .arg("--dist")
            .arg(&dist)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first
        .strip_prefix("graph-sandbox listening on ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_string();
    let port: u16 = base
        .strip_prefix("http://127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    let second = lines.next().unwrap().unwrap();
    assert_eq!(
        second,
        format!("Open the editor: {base}/?graph=http%3A%2F%2F127.0.0.1%3A{port}&api=beta")
    );
    let third = lines.next().unwrap().unwrap();
    let secret = third
        .strip_prefix("control secret: ")
        .unwrap_or_else(|| panic!("{third}"))
        .to_string();
    assert_eq!(secret.len(), 32, "{secret}");
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()), "{secret}");
    let fourth = lines.next().unwrap().unwrap();
    assert!(
        fourth.contains(&format!("x-sandbox-secret: {secret}")),
        "{fourth}"
    );

    let c = client();
    let index = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(index.status(), 200);
    assert!(index
        .text()
        .await
        .unwrap()
        .contains("<title>editor</title>"));
    let config: Value = json_of(c.get(format!("{base}/config.json"))).await;
    assert_eq!(config["sandbox"]["graph"], base);
    assert_eq!(config["graphBases"], json!([base]));
    assert!(
        !config.to_string().contains(&secret),
        "no secret in config.json"
    );
    assert_eq!(
        config["msal"]["clientId"], "kept",
        "the app's own keys stay"
    );
    let bridge = c.get(format!("{base}/redirect.html")).send().await.unwrap();
    assert_eq!(bridge.status(), 200);
    assert_eq!(bridge.headers()["cache-control"], "no-store");
    assert!(bridge.headers().get("cross-origin-opener-policy").is_none());
    let demo = config["sandbox"]["demoToken"].as_str().unwrap();
    let missing = c.get(format!("{base}/missing.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let listed = c
        .get(format!("{base}{CONFIGS}"))
        .bearer_auth(demo)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    let patched = c
        .patch(format!("{base}{CONFIGS}/{GENERAL}"))
        .bearer_auth(demo)
        .json(&json!({"displayName": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 503, "the --fault option");

    // The control routes want the printed secret; the recording holds no token.
    let requests = format!("{base}/_sandbox/requests");
    assert_eq!(c.get(&requests).send().await.unwrap().status(), 403);
    let recorded = c
        .get(&requests)
        .header("x-sandbox-secret", &secret)
        .send()
        .await
        .unwrap();
    assert_eq!(recorded.status(), 200);
    let recorded = recorded.text().await.unwrap();
    assert!(recorded.contains("Bearer <redacted>"), "{recorded}");
    assert!(!recorded.contains(demo), "{recorded}");

    let pid = child.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.0.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "still running after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn the_binary_refuses_bad_options() {
    for args in [
        &["--host", "0.0.0.0"][..],
        &["--host", "127.evil.example"],
        &["--fault", "404"],
        &["--bogus"],
        &["--secret", "too-short"],
        &["--allow-origin", "*"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_graph-sandbox"))
            .env_remove("SANDBOX_SECRET")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("graph-sandbox:"));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_graph-sandbox"))
        .env("SANDBOX_SECRET", "too-short")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SANDBOX_SECRET"));
    let help = Command::new(env!("CARGO_BIN_EXE_graph-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--fault <SPEC[@METHOD][xCOUNT]>"));
}

#[tokio::test]
async fn the_binary_takes_its_secret_and_origins_from_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "secret-from-the-environment";
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_graph-sandbox"))
            .env("SANDBOX_SECRET", secret)
            .args([
                "--port",
                "0",
                "--reset",
                "--allow-origin",
                "http://localhost:8081",
                "--state",
            ])
            .arg(dir.path().join("state.json"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first
        .strip_prefix("graph-sandbox listening on ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_string();
    assert_eq!(
        lines.next().unwrap().unwrap(),
        format!("control secret: {secret}")
    );
    let c = client();
    let token = c
        .get(format!("{base}/_sandbox/token"))
        .header("x-sandbox-secret", secret)
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 200);
    let preflight = |origin: &str| {
        c.request(reqwest::Method::OPTIONS, format!("{base}{CONFIGS}"))
            .header("origin", origin)
            .header("access-control-request-method", "PATCH")
            .send()
    };
    let allowed = preflight("http://localhost:8081").await.unwrap();
    assert_eq!(allowed.status(), 204);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://localhost:8081"
    );
    let refused = preflight("http://localhost:8082").await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}
