//! Putting it together: the router (Graph look-alike, control endpoints, the generated
//! `config.json`, the web app's static files) behind the checks of [`crate::access`], and
//! serving it on a loopback socket with graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware;
use axum::response::Response;
use axum::routing::{any, get, post};
use axum::{Extension, Router};
use serde_json::{json, Map, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::access::Site;
use crate::auth::{mint_token, TokenRequest};
use crate::envelope::Gate;
use crate::reply::{json_response, Failure, RequestContext};
use crate::sandbox::Sandbox;
use crate::{control, envelope, graph, Error};

/// How long the demo token in `config.json` lasts: a working day.
pub const DEMO_TOKEN_SECONDS: i64 = 8 * 3600;

#[derive(Clone)]
struct AppState {
    sandbox: Arc<Sandbox>,
    /// `http://host:port` of the socket, when serving one; else taken from `Host`.
    graph_base: Option<String>,
}

/// The whole application, for a listener bound to `addr`: requests must name a loopback host
/// and `addr`'s port in `Host`, browsers may call it from its own origins and the allowed ones,
/// and `/_sandbox/*` wants the control secret. `graph_base` is what `config.json` tells the
/// editor; without it the request's `Host` is used (as in tests that call the router
/// directly), which the `Host` check keeps to a loopback name and this port.
pub fn router(sandbox: Arc<Sandbox>, addr: SocketAddr, graph_base: Option<String>) -> Router {
    let gate = Gate {
        site: Site::new(addr),
        sandbox: sandbox.clone(),
    };
    let state = AppState {
        sandbox: sandbox.clone(),
        graph_base,
    };
    let control = Router::new()
        .route(
            "/_sandbox/token",
            get(control::token).fallback(control::not_allowed),
        )
        .route("/_sandbox/faults", any(control::faults))
        .route("/_sandbox/requests", any(control::requests))
        .route(
            "/_sandbox/objects/{api}/{id}",
            get(control::object).fallback(control::not_allowed),
        )
        .route(
            "/_sandbox/reset",
            post(control::reset).fallback(control::not_allowed),
        )
        // The envelope already asks every /_sandbox path for the secret; this asks again
        // whatever path routed here.
        .route_layer(middleware::from_fn_with_state(
            sandbox.clone(),
            control::require_secret,
        ))
        .with_state(sandbox);
    Router::new()
        .route("/config.json", get(config_json))
        .fallback(fallback)
        .with_state(state)
        .merge(control)
        .layer(middleware::from_fn_with_state(gate, envelope::envelope))
}

/// `{"sandbox": {"graph", "api", "demoToken"}, "graphBases": [graph]}`: how the demo editor
/// finds the sandbox and gets a token without one ever appearing in a URL, and trusts a link
/// that names the sandbox's own base. A fresh token on every request. The other keys of the
/// app's own `config.json` (such as `msal`) are kept, and [`crate::Config::app_config`]'s are
/// added over them; `graphBases` keeps theirs and adds the sandbox's. Never the control
/// secret.
async fn config_json(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let graph = state.graph_base.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        format!("http://{host}")
    });
    let token = mint_token(&TokenRequest {
        expires_in: DEMO_TOKEN_SECONDS,
        ..TokenRequest::default()
    });
    let mut config = match &state.sandbox.config.dist {
        Some(dist) => tokio::fs::read(dist.join("config.json"))
            .await
            .ok()
            .and_then(|b| serde_json::from_slice::<Map<String, Value>>(&b).ok())
            .unwrap_or_default(),
        None => Map::new(),
    };
    config.extend(state.sandbox.config.app_config.clone());
    let bases = merge_graph_bases(config.get("graphBases"), &graph);
    config.insert("graphBases".into(), bases);
    config.insert(
        "sandbox".into(),
        json!({ "graph": graph, "api": "beta", "demoToken": token }),
    );
    let mut response = json_response(StatusCode::OK, &Value::Object(config));
    // A cached copy would hand out an expired token.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// `graphBases` with `graph` added: the strings of an existing list first (a value that is
/// not a list is dropped), no base twice (a trailing `/` does not make another).
fn merge_graph_bases(existing: Option<&Value>, graph: &str) -> Value {
    let key = |s: &str| s.trim_end_matches('/').to_string();
    let mut bases: Vec<String> = Vec::new();
    let listed = existing
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    for base in listed.chain(std::iter::once(graph)) {
        if !bases.iter().any(|b| key(b) == key(base)) {
            bases.push(base.to_string());
        }
    }
    json!(bases)
}

/// Graph requests go to the look-alike, anything else to the static files (when serving a
/// web app) or a Graph-shaped 404.
async fn fallback(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    request: Request,
) -> Response {
    if let Some(route) = graph::classify(request.uri().path()) {
        return graph::handle(&state.sandbox, route, request).await;
    }
    let path = request.uri().path().to_string();
    if let Some(dist) = &state.sandbox.config.dist {
        let method = request.method();
        if (method == Method::GET || method == Method::HEAD)
            && !is_state_file(dist, state.sandbox.config.state_file.as_deref(), &path).await
        {
            let Ok(mut response) = ServeDir::new(dist).oneshot(request).await;
            if response.status() != StatusCode::NOT_FOUND {
                if path.ends_with("/redirect.html") {
                    // MSAL.js's redirect bridge: never from a cache (it carries a sign-in
                    // response), and never with Cross-Origin-Opener-Policy (that would cut the
                    // popup off from the editor); nothing here sets COOP.
                    response.headers_mut().insert(
                        header::CACHE_CONTROL,
                        header::HeaderValue::from_static("no-store"),
                    );
                }
                return response.map(Body::new);
            }
        }
    }
    Failure::not_found(&path).respond(&ctx)
}

/// True when a static path names the state file (which holds the plain values of encrypted
/// OMA settings) or one of its temporary files, so that `--dist .` never serves them.
async fn is_state_file(dist: &Path, state: Option<&Path>, path: &str) -> bool {
    let Some(state) = state else {
        return false;
    };
    let Some(decoded) = graph::percent_decode(path) else {
        return false; // The file server refuses it too.
    };
    let wanted = dist.join(decoded.trim_start_matches('/'));
    let (Ok(wanted_dir), Ok(state_dir)) = (
        tokio::fs::canonicalize(wanted.parent().unwrap_or(dist)).await,
        tokio::fs::canonicalize(
            state
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )
        .await,
    ) else {
        return false;
    };
    let (Some(name), Some(state_name)) = (wanted.file_name(), state.file_name()) else {
        return false;
    };
    let (name, state_name) = (name.to_string_lossy(), state_name.to_string_lossy());
    if wanted_dir == state_dir
        && (name == state_name || name.starts_with(&format!(".{state_name}.")))
    {
        return true;
    }
    // A link (or another name) to the file itself.
    match (
        tokio::fs::canonicalize(&wanted).await,
        tokio::fs::canonicalize(state).await,
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Binds the listening socket; port 0 picks a free one. Refuses any address that is not
/// loopback: the sandbox trusts unsigned tokens.
pub async fn bind(host: &str, port: u16) -> Result<TcpListener, Error> {
    let addr = match host.parse::<std::net::Ipv6Addr>() {
        Ok(v6) => format!("[{v6}]:{port}"),
        Err(_) => format!("{host}:{port}"),
    };
    let listener = TcpListener::bind(&addr)
        .await
        .map_err(|source| Error::Listen {
            addr: addr.clone(),
            source,
        })?;
    match listener.local_addr() {
        Ok(bound) if bound.ip().is_loopback() => Ok(listener),
        Ok(bound) => Err(Error::Listen {
            addr,
            source: std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("{bound} is not a loopback address; the sandbox trusts unsigned tokens, so it listens on loopback only"),
            ),
        }),
        Err(source) => Err(Error::Listen { addr, source }),
    }
}

/// Serves until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    sandbox: Arc<Sandbox>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let addr = listener.local_addr().map_err(|source| Error::Listen {
        addr: "the bound socket".into(),
        source,
    })?;
    let app = router(sandbox, addr, Some(format!("http://{addr}")));
    // As static hosts do: without TCP_NODELAY a response written in two parts (headers, then a
    // file) waits ~40 ms for the client's delayed ACK, which made small files slow to arrive.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| Error::Listen {
            addr: addr.to_string(),
            source,
        })
}

/// A sandbox serving in the background, for tests and tools that embed it.
pub struct Running {
    pub addr: SocketAddr,
    pub sandbox: Arc<Sandbox>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), Error>>,
}

impl Running {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The secret the `/_sandbox/*` routes want in the `x-sandbox-secret` header.
    pub fn secret(&self) -> &str {
        self.sandbox.secret()
    }

    /// Stops gracefully and waits for the server to finish.
    pub async fn stop(self) -> Result<(), Error> {
        let _ = self.stop.send(());
        self.task.await.unwrap_or(Ok(()))
    }
}

/// Starts a sandbox on `host:port` (port 0 for a free one) in a background task.
pub async fn spawn(sandbox: Sandbox, host: &str, port: u16) -> Result<Running, Error> {
    let listener = bind(host, port).await?;
    let addr = listener.local_addr().map_err(|source| Error::Listen {
        addr: format!("{host}:{port}"),
        source,
    })?;
    let sandbox = Arc::new(sandbox);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, sandbox.clone(), async move {
        let _ = stopped.await;
    }));
    Ok(Running {
        addr,
        sandbox,
        stop,
        task,
    })
}
