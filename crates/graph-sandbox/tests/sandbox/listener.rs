//! Who may talk to a sandbox listening on a real socket: the `Host` check against DNS
//! rebinding, CORS for its own origins only, the control secret and the redacted recording.

use std::net::SocketAddr;
use std::time::Duration;

use graph_sandbox::{mint_token, spawn, Config, Running, Sandbox, TokenRequest};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{CONFIGS, GENERAL};

async fn start() -> Running {
    spawn(Sandbox::new(Config::default()).unwrap(), "127.0.0.1", 0)
        .await
        .unwrap()
}

/// A port of this machine that is not the sandbox's.
fn other_port(addr: SocketAddr) -> u16 {
    if addr.port() == 8081 {
        8082
    } else {
        8081
    }
}

/// An answer read off the socket.
struct Raw {
    status: u16,
    head: String,
    body: String,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Sends `head` (request line and headers, without the blank line) as is, with
/// `Connection: close`, and reads the whole answer.
async fn raw(addr: SocketAddr, head: &str) -> Raw {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("{head}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer))
        .await
        .expect("an answer in time")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("not HTTP: {answer}"));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status: {head}"));
    Raw {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

#[tokio::test]
async fn only_loopback_hosts_with_its_port_are_answered() {
    let server = start().await;
    let addr = server.addr;
    let port = addr.port();
    let other = other_port(addr);
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("127.1.2.3:{port}"),
        format!("[::1]:{port}"),
    ] {
        let r = raw(addr, &format!("GET /config.json HTTP/1.1\r\nHost: {host}")).await;
        assert_eq!(r.status, 200, "{host}: {}", r.body);
        let config: Value = serde_json::from_str(&r.body).unwrap();
        assert!(config["sandbox"]["demoToken"].is_string(), "{host}");
    }
    for host in [
        format!("127.evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("evil.example:{port}"),
        format!("127.0.0.1:{other}"),
        format!("localhost:{other}"),
        "127.0.0.1".to_string(),
        "localhost".to_string(),
        format!("0.0.0.0:{port}"),
        format!("[::]:{port}"),
        format!("127.1:{port}"),
        format!("user@127.0.0.1:{port}"),
        String::new(),
    ] {
        for path in ["/config.json", "/_sandbox/token", CONFIGS, "/"] {
            let r = raw(addr, &format!("GET {path} HTTP/1.1\r\nHost: {host}")).await;
            assert_eq!(r.status, 421, "{host} {path}: {}", r.body);
            let body: Value = serde_json::from_str(&r.body).unwrap();
            assert_eq!(body["error"]["code"], "MisdirectedRequest");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains("DNS rebinding"), "{message}");
            assert!(!r.body.contains("demoToken") && !r.body.contains("access_token"));
            assert_eq!(r.header("access-control-allow-origin"), None);
        }
    }
    // No Host at all, two of them, or an absolute URI naming another host.
    for head in [
        "GET /config.json HTTP/1.1".to_string(),
        format!("GET /config.json HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example:{port}"),
        format!("GET http://evil.example:{port}/config.json HTTP/1.1\r\nHost: 127.0.0.1:{port}"),
        format!("GET http://127.0.0.1:{other}/config.json HTTP/1.1\r\nHost: 127.0.0.1:{port}"),
    ] {
        let r = raw(addr, &head).await;
        assert!(
            r.status == 421 || r.status == 400,
            "{head:?}: {} {}",
            r.status,
            r.body
        );
        assert!(!r.body.contains("demoToken"), "{head:?}");
    }
    let r = raw(
        addr,
        &format!("GET http://localhost:{port}/config.json HTTP/1.1\r\nHost: localhost:{port}"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    server.stop().await.unwrap();
}

/// What DNS rebinding looks like from a browser: a name of the attacker's that now resolves to
/// 127.0.0.1, so the page's requests reach the sandbox with the attacker's name in `Host`.
#[tokio::test]
async fn a_rebound_name_is_refused() {
    let server = start().await;
    let port = server.addr.port();
    let c = reqwest::Client::builder()
        .resolve("rebind.evil.example", server.addr)
        .resolve("127.evil.example", server.addr)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    for name in ["rebind.evil.example", "127.evil.example"] {
        let base = format!("http://{name}:{port}");
        for path in ["/config.json".to_string(), format!("{CONFIGS}/{GENERAL}")] {
            let r = c
                .get(format!("{base}{path}"))
                .bearer_auth(mint_token(&TokenRequest::default()))
                .header("origin", &base)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 421, "{base}{path}");
            assert!(r.headers().get("access-control-allow-origin").is_none());
        }
    }
    assert!(
        server.sandbox.recorded().is_empty(),
        "nothing reached Graph"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn cors_answers_its_own_origins_only() {
    let server = start().await;
    let port = server.addr.port();
    let other = other_port(server.addr);
    let c = reqwest::Client::new();
    let url = format!("{}{CONFIGS}/{GENERAL}", server.url());
    let token = mint_token(&TokenRequest::default());
    for origin in [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ] {
        let preflight = c
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", &origin)
            .header("access-control-request-method", "PATCH")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(preflight.status(), 204, "{origin}");
        assert_eq!(preflight.headers()["access-control-allow-origin"], &*origin);
        assert!(preflight
            .headers()
            .contains_key("access-control-allow-methods"));
        let r = c
            .get(&url)
            .bearer_auth(&token)
            .header("origin", &origin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["access-control-allow-origin"], &*origin);
    }
    for origin in [
        format!("http://127.0.0.1:{other}"),
        format!("http://localhost:{other}"),
        "http://evil.example".to_string(),
        format!("http://127.evil.example:{port}"),
        "null".to_string(),
    ] {
        let preflight = c
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", &origin)
            .header("access-control-request-method", "PATCH")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(preflight.status(), 403, "{origin}");
        for name in [
            "access-control-allow-origin",
            "access-control-allow-methods",
            "access-control-allow-headers",
        ] {
            assert!(preflight.headers().get(name).is_none(), "{origin}: {name}");
        }
        let r = c
            .get(&url)
            .bearer_auth(&token)
            .header("origin", &origin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{origin}");
        assert!(r.headers().get("access-control-allow-origin").is_none());
        assert!(r.headers().get("access-control-expose-headers").is_none());
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn control_routes_and_the_recording_on_a_socket() {
    let server = start().await;
    let c = reqwest::Client::new();
    let base = server.url();
    let r = c
        .get(format!("{base}{CONFIGS}"))
        .header("authorization", "Bearer secret-token-xyz")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    for (method, path) in [
        (reqwest::Method::GET, "/_sandbox/token"),
        (reqwest::Method::GET, "/_sandbox/requests"),
        (reqwest::Method::DELETE, "/_sandbox/requests"),
        (reqwest::Method::GET, "/_sandbox/faults"),
        (reqwest::Method::POST, "/_sandbox/reset"),
        (reqwest::Method::GET, "/_sandbox/objects/beta/x"),
    ] {
        let without = c
            .request(method.clone(), format!("{base}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(without.status(), 403, "{method} {path}");
        let wrong = c
            .request(method.clone(), format!("{base}{path}"))
            .header("x-sandbox-secret", "0".repeat(32))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 403, "{method} {path}");
    }
    let listed = c
        .get(format!("{base}/_sandbox/requests"))
        .header("x-sandbox-secret", server.secret())
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    let text = listed.text().await.unwrap();
    assert!(!text.contains("secret-token-xyz"), "{text}");
    let list: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list[0]["authorization"], "Bearer <redacted>");
    assert_eq!(list[0]["status"], 401);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn it_listens_on_loopback_only() {
    for host in ["0.0.0.0", "::"] {
        let r = spawn(Sandbox::new(Config::default()).unwrap(), host, 0).await;
        assert!(r.is_err(), "{host}");
    }
    let server = spawn(Sandbox::new(Config::default()).unwrap(), "localhost", 0)
        .await
        .unwrap();
    assert!(server.addr.ip().is_loopback());
    server.stop().await.unwrap();
}
