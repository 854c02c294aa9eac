//! The Graph sandbox for one test, in-process on a free loopback port: fresh seeds, a temporary
//! state file, optionally the built app at `/`. Tests read what it recorded and what it stores
//! directly from its shared state (typed, no parsing; an embedded sandbox keeps each request's
//! `Authorization` as sent, which its HTTP recording never shows), queue faults the way
//! `POST /_sandbox/faults` does, and get tokens from its real `GET /_sandbox/token`, sending the
//! run's control secret ([`TestSandbox::secret`]) in `x-sandbox-secret`.
//!
//! A sandbox answers CORS for its own origin only. So that the app served by one test sandbox
//! may use another one of the same process as its Graph base (a custom base), every live test
//! sandbox allows the origins of the others.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};

use graph_sandbox::access::SECRET_HEADER;
use graph_sandbox::fault::{parse_spec, Rule};
use graph_sandbox::sandbox::Recorded;
use graph_sandbox::{Config, Running, Sandbox};
use policy_core::endpoint::percent_encode;
use policy_core::model::ApiVersion;
use serde_json::Value;
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct TestSandbox {
    running: Running,
    _state: TempDir,
}

/// The test sandboxes of this process: each one's origin and state, while it lives.
static PEERS: Mutex<Vec<(String, Weak<Sandbox>)>> = Mutex::new(Vec::new());

/// Lets `sandbox` (at `origin`) and every other live test sandbox call each other from the
/// browser.
fn introduce(origin: &str, sandbox: &Arc<Sandbox>) {
    let mut peers = PEERS.lock().unwrap_or_else(|e| e.into_inner());
    peers.retain(|(_, peer)| peer.strong_count() > 0);
    for (peer_origin, peer) in peers.iter() {
        if let Some(peer) = peer.upgrade() {
            peer.allow_origin(origin)
                .expect("a test sandbox's origin is an origin");
            sandbox
                .allow_origin(peer_origin)
                .expect("a test sandbox's origin is an origin");
        }
    }
    peers.push((origin.to_string(), Arc::downgrade(sandbox)));
}

fn api(name: &str) -> ApiVersion {
    ApiVersion::parse(name).unwrap_or_else(|| panic!("no API version {name}"))
}

impl TestSandbox {
    /// Starts from the seeds (`--reset`) with a temporary state file, serving `dist` when given.
    pub async fn start(dist: Option<PathBuf>) -> TestSandbox {
        TestSandbox::start_seeded(dist, Vec::new()).await
    }

    /// Like [`TestSandbox::start`], with the objects of these files added to the beta store, as
    /// `--seed` does.
    pub async fn start_seeded(dist: Option<PathBuf>, beta_seeds: Vec<PathBuf>) -> TestSandbox {
        TestSandbox::start_with_settings(dist, beta_seeds, Vec::new()).await
    }

    /// Like [`TestSandbox::start_seeded`], serving more of the settings catalog: these files'
    /// definitions, categories and policies (see `graph_sandbox::settings::catalog::Additions`).
    pub async fn start_with_settings(
        dist: Option<PathBuf>,
        beta_seeds: Vec<PathBuf>,
        settings: Vec<PathBuf>,
    ) -> TestSandbox {
        let state = tempfile::Builder::new()
            .prefix("e2e-sandbox-")
            .tempdir()
            .expect("a temporary directory");
        let config = Config {
            state_file: Some(state.path().join("state.json")),
            reset: true,
            dist,
            seeds: beta_seeds
                .into_iter()
                .map(|file| (file, ApiVersion::Beta))
                .collect(),
            settings,
            ..Config::default()
        };
        let sandbox = Sandbox::new(config)
            .unwrap_or_else(|e| panic!("the sandbox does not start from its seeds: {e}"));
        let running = graph_sandbox::spawn(sandbox, "127.0.0.1", 0)
            .await
            .expect("the sandbox listens on a free port");
        introduce(&running.url(), &running.sandbox);
        TestSandbox {
            running,
            _state: state,
        }
    }

    /// `http://127.0.0.1:PORT`: the app's address and the Graph base URL.
    pub fn url(&self) -> String {
        self.running.url()
    }

    /// The control secret its `/_sandbox/*` routes want in the `x-sandbox-secret` header.
    pub fn secret(&self) -> &str {
        self.running.secret()
    }

    /// Every Graph request it answered (or dropped), oldest first. `authorization` is the
    /// header as the page sent it (in process only; `GET /_sandbox/requests` redacts it).
    pub fn requests(&self) -> Vec<Recorded> {
        self.running.sandbox.recorded()
    }

    /// The recorded PATCH requests, oldest first.
    pub fn patches(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "PATCH")
            .collect()
    }

    /// A stored object as it is now, by API version and id, as a Graph GET shows it: the
    /// values of encrypted OMA settings masked (`"****"`, [`graph_sandbox::oma::OMA_MASK`]).
    /// For every object without an encrypted setting that is exactly what is stored.
    pub fn object(&self, api_name: &str, id: &str) -> Value {
        let stores = self.running.sandbox.stores();
        let stored = stores
            .get(api(api_name))
            .get(id)
            .unwrap_or_else(|| panic!("the sandbox holds no {api_name} object {id}"));
        Value::Object(graph_sandbox::oma::masked(&stored.value))
    }

    /// A stored object exactly as stored, the plain values of encrypted OMA settings included,
    /// so a test can check that a secret was kept (or see what overwrote it).
    pub fn object_with_secrets(&self, api_name: &str, id: &str) -> Value {
        let stores = self.running.sandbox.stores();
        let stored = stores
            .get(api(api_name))
            .get(id)
            .unwrap_or_else(|| panic!("the sandbox holds no {api_name} object {id}"));
        Value::Object(stored.value.clone())
    }

    /// Changes a stored object as another administrator's write would (`f` edits its JSON;
    /// `lastModifiedDateTime` moves only if `f` moves it).
    pub fn change(
        &self,
        api_name: &str,
        id: &str,
        f: impl FnOnce(&mut serde_json::Map<String, Value>),
    ) {
        let mut stores = self.running.sandbox.stores();
        let stored = stores
            .get_mut(api(api_name))
            .get_mut(id)
            .unwrap_or_else(|| panic!("the sandbox holds no {api_name} object {id}"));
        f(&mut stored.value);
    }

    /// Deletes an object, as another administrator would: Graph answers 404 for it from now on.
    pub fn delete(&self, api_name: &str, id: &str) {
        self.running
            .sandbox
            .stores()
            .get_mut(api(api_name))
            .remove(id)
            .unwrap_or_else(|| panic!("the sandbox holds no {api_name} object {id}"));
    }

    /// The object a singleton entry set (such as `officeConfiguration`) holds.
    pub fn singleton(&self, api_name: &str, path: &str) -> Value {
        let id = self
            .running
            .sandbox
            .stores()
            .get(api(api_name))
            .singleton_id(path)
            .unwrap_or_else(|| panic!("the sandbox holds nothing at {api_name} {path}"));
        self.object(api_name, &id)
    }

    /// Queues a fault (a spec such as `429:retry-after=1`, `429:retry-after-date=400`, `503`,
    /// `drop`, `concurrent`, `applied=502`, `applied=drop`) for the next `count` requests with
    /// this method.
    pub fn fault(&self, spec: &str, method: &str, count: u32) {
        let rule = Rule {
            spec: parse_spec(spec).expect("a valid fault spec"),
            method: Some(method.to_string()),
            path_contains: None,
            remaining: Some(count),
        };
        self.running.sandbox.faults().push(rule);
    }

    /// [`TestSandbox::fault`] for the requests whose path and query contain `path_contains`.
    pub fn fault_at(&self, spec: &str, method: &str, path_contains: &str, count: u32) {
        let rule = Rule {
            spec: parse_spec(spec).expect("a valid fault spec"),
            method: Some(method.to_string()),
            path_contains: Some(path_contains.to_string()),
            remaining: Some(count),
        };
        self.running.sandbox.faults().push(rule);
    }

    /// Forgets every queued fault.
    pub fn clear_faults(&self) {
        self.running.sandbox.faults().clear();
    }

    /// A token from this sandbox's `GET /_sandbox/token`: the write permission unless `scp`
    /// says otherwise; a negative `expires_in` makes it expired already.
    pub async fn token(&self, scp: Option<&str>, expires_in: i64) -> String {
        let mut path = format!("/_sandbox/token?expires_in={expires_in}");
        if let Some(scp) = scp {
            path.push_str(&format!("&scp={}", percent_encode(scp)));
        }
        let answer = self.control_get(&path).await;
        answer["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no access_token from {path}: {answer}"))
            .to_string()
    }

    /// `GET` a control endpoint and read its JSON answer (HTTP/1.0: one request, then close).
    async fn control_get(&self, path: &str) -> Value {
        let mut stream = TcpStream::connect(self.running.addr)
            .await
            .expect("the sandbox accepts a connection");
        let request = format!(
            "GET {path} HTTP/1.0\r\nHost: {}\r\n{SECRET_HEADER}: {}\r\n\r\n",
            self.running.addr,
            self.secret()
        );
        stream
            .write_all(request.as_bytes())
            .await
            .expect("the request is sent");
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .await
            .expect("the answer is read");
        let answer = String::from_utf8_lossy(&answer);
        let (head, body) = answer
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("not an HTTP answer to {path}: {answer}"));
        assert!(head.contains(" 200 "), "GET {path}: {head}");
        serde_json::from_str(body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    /// Stops serving and waits for the server task to end.
    pub async fn stop(self) {
        self.running
            .stop()
            .await
            .expect("the sandbox stops cleanly");
    }
}
