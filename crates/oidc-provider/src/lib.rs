//! `oidc-provider`: a small OpenID Connect provider for end-to-end tests of signing in with
//! MSAL.js, served over HTTPS (MSAL refuses `http` authorities) with a self-signed certificate
//! made at start-up. **Test use only**: it signs nobody in, consents automatically and issues
//! unsigned tokens.
//!
//! What it does, and what MSAL.js needs of it:
//! - discovery at `{authority}/.well-known/openid-configuration`, with an `issuer` on the
//!   authority's own host (MSAL checks that);
//! - `{authority}/authorize`: checks the client and the registered redirect URI, requires PKCE
//!   (`S256`), and redirects straight back with a one-time code, echoing `state`, in the fragment
//!   or the query as `response_mode` asks;
//! - `{authority}/token`: the `authorization_code` grant (code, client, redirect URI and the PKCE
//!   verifier checked) and the `refresh_token` grant (refresh tokens rotate), answering with an
//!   access token the Graph sandbox accepts (`scp` holds the configured permission, `aud` the
//!   resource of the requested `/.default` scope, a short `exp`), a refresh token, and an
//!   id_token carrying what MSAL reads (`iss`, `aud` = client ID, `nonce`, `sub`, `tid`,
//!   `preferred_username`, `exp`);
//! - CORS for the app's origin on every route (MSAL's discovery and token calls are
//!   cross-origin, the token call with a preflight).
//!
//! Everything it did is kept as [`Event`]s so a test can assert which grants happened and which
//! tokens it issued. [`endpoints`] holds the routes; [`tls`] the certificate and the listener.

pub mod endpoints;
pub mod tls;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use endpoints::router;

/// The delegated permission the Intune editor needs to write.
pub const WRITE_PERMISSION: &str = "DeviceManagementConfiguration.ReadWrite.All";

/// How the provider behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// The only client it knows.
    pub client_id: String,
    /// The authority's path: `https://127.0.0.1:PORT/{tenant}`; also the `tid` claim.
    pub tenant: String,
    /// Lifetime of access tokens (`expires_in` and `exp`), in seconds.
    pub access_token_seconds: i64,
    /// The `scp` claim of access tokens.
    pub scp: String,
    pub upn: String,
    pub name: String,
    /// Redirect URIs accepted exactly; more can be added while running.
    pub redirect_uris: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            client_id: "11111111-2222-4333-8444-555555555555".into(),
            tenant: "e2e-tenant".into(),
            access_token_seconds: 3600,
            scp: WRITE_PERMISSION.into(),
            upn: "signed-in@oidc.test".into(),
            name: "Signed In".into(),
            redirect_uris: Vec::new(),
        }
    }
}

/// The grants of the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    AuthorizationCode,
    RefreshToken,
}

/// What the provider did, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `/authorize` issued a code.
    Authorized {
        prompt: Option<String>,
        response_mode: String,
    },
    /// `/token` issued tokens.
    Issued { grant: Grant, access_token: String },
    /// `/authorize` or `/token` refused, with the OAuth error code.
    Refused {
        endpoint: &'static str,
        error: String,
    },
}

/// A code waiting to be redeemed.
#[derive(Debug, Clone)]
pub(crate) struct PendingCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: String,
    pub nonce: Option<String>,
    pub scope: String,
    pub issued: Instant,
}

/// What a refresh token stands for.
#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    pub client_id: String,
    pub scope: String,
}

/// The provider's state, shared by every request.
#[derive(Debug)]
pub struct Provider {
    pub options: Options,
    issuer: String,
    redirect_uris: Mutex<Vec<String>>,
    pub(crate) codes: Mutex<HashMap<String, PendingCode>>,
    pub(crate) refresh_tokens: Mutex<HashMap<String, RefreshGrant>>,
    events: Mutex<Vec<Event>>,
    /// The user's session: while ended, only an interactive sign-in gets tokens.
    session: AtomicBool,
}

/// Locks a mutex; every update leaves the data consistent, so a poisoned lock is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Provider {
    /// A provider whose authority (and `iss`) is `issuer`, such as `https://127.0.0.1:9443/t`.
    pub fn new(options: Options, issuer: impl Into<String>) -> Provider {
        Provider {
            redirect_uris: Mutex::new(options.redirect_uris.clone()),
            options,
            issuer: issuer.into().trim_end_matches('/').to_string(),
            codes: Mutex::default(),
            refresh_tokens: Mutex::default(),
            events: Mutex::default(),
            session: AtomicBool::new(true),
        }
    }

    /// The authority and issuer, without a trailing slash.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Accepts one more redirect URI (exactly).
    pub fn allow_redirect_uri(&self, uri: &str) {
        lock(&self.redirect_uris).push(uri.to_string());
    }

    pub(crate) fn redirect_uri_allowed(&self, uri: &str) -> bool {
        lock(&self.redirect_uris).iter().any(|u| u == uri)
    }

    /// Ends the user's session, as a password change or a revoked sign-in does: refresh tokens
    /// are refused (`invalid_grant`) and `prompt=none` gets `login_required`, until the user
    /// signs in interactively again.
    pub fn end_session(&self) {
        self.session.store(false, Ordering::SeqCst);
    }

    pub(crate) fn session_active(&self) -> bool {
        self.session.load(Ordering::SeqCst)
    }

    pub(crate) fn start_session(&self) {
        self.session.store(true, Ordering::SeqCst);
    }

    pub(crate) fn record(&self, event: Event) {
        lock(&self.events).push(event);
    }

    /// Everything done so far, oldest first.
    pub fn events(&self) -> Vec<Event> {
        lock(&self.events).clone()
    }

    /// The access tokens issued by `grant`, oldest first.
    pub fn issued(&self, grant: Grant) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Issued {
                    grant: g,
                    access_token,
                } if g == grant => Some(access_token),
                _ => None,
            })
            .collect()
    }
}

/// Everything that can stop the provider from starting.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The self-signed certificate could not be made.
    #[error("cannot make the test certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    /// rustls refused the certificate or the protocol versions.
    #[error("cannot configure TLS: {0}")]
    Tls(#[from] tokio_rustls::rustls::Error),
    /// The socket could not be bound.
    #[error("cannot listen on 127.0.0.1: {0}")]
    Listen(#[from] std::io::Error),
}

/// A provider serving HTTPS in the background on a free loopback port.
pub struct Running {
    pub addr: SocketAddr,
    pub provider: Arc<Provider>,
    /// The self-signed certificate, PEM, for clients that want to trust it.
    pub certificate_pem: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Running {
    /// `https://127.0.0.1:PORT/{tenant}`.
    pub fn authority(&self) -> String {
        self.provider.issuer().to_string()
    }

    /// `127.0.0.1:PORT`, as MSAL's `knownAuthorities` takes it.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Stops serving and waits for the server task.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Starts a provider on `127.0.0.1` with a fresh self-signed certificate.
pub async fn spawn(options: Options) -> Result<Running, Error> {
    let identity = tls::Identity::generate()?;
    let listener = tls::TlsListener::bind(&identity).await?;
    let addr = listener.addr();
    let provider = Arc::new(Provider::new(
        options.clone(),
        format!("https://{addr}/{}", options.tenant),
    ));
    let app = router(provider.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Running {
        addr,
        provider,
        certificate_pem: identity.certificate_pem,
        stop,
        task,
    })
}
