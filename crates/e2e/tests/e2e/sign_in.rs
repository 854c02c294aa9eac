//! Signing in with MSAL.js, end to end: the built app in headless Chromium signs in at a local
//! OpenID Connect provider served over HTTPS (`crates/oidc-provider`, self-signed certificate,
//! so Chromium runs with `--ignore-certificate-errors`), sends a PATCH to the Graph sandbox with
//! the token MSAL got, and once that token has expired gets a new one silently (a
//! `refresh_token` grant) for the next request. The app learns about the provider only from
//! `config.json` (`msal` section: authority, `knownAuthorities`, `protocolMode: "OIDC"`), as a
//! host would configure it.
//!
//! Run with the other end-to-end tests: `bash scripts/e2e.sh` (or `bash scripts/e2e.sh sign_in`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use e2e::seeds::{GENERAL as TYPE, GENERAL_ID};
use e2e::{dist_dir, link, ChromeDriver, Page, Widget};
use graph_sandbox::sandbox::Recorded;
use graph_sandbox::{Config, Sandbox};
use oidc_provider::{Event, Grant, Options};
use serde_json::{json, Value};

const CLIENT_ID: &str = "0e2e0e2e-5a4d-4b0c-8a4d-000000000e2e";
/// Long enough to sign in, edit and send; short enough to wait out.
const ACCESS_TOKEN_SECONDS: i64 = 15;
/// A sign-in opens a window and makes three requests to the provider.
const SIGN_IN_WAIT: Duration = Duration::from_secs(20);

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url"))
        .expect("JSON claims")
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn bearer(r: &Recorded) -> String {
    r.authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer "))
        .unwrap_or_else(|| panic!("{} {} carried no bearer token", r.method, r.path))
        .to_string()
}

/// Waits for the panel to name the signed-in user; on time-out says what the sign-in panel and
/// the provider show, which is where a sign-in goes wrong.
async fn wait_signed_in(page: &Page, provider: &oidc_provider::Running, upn: &str) {
    let started = std::time::Instant::now();
    while started.elapsed() < SIGN_IN_WAIT {
        if page
            .text("#signed-in-as")
            .await
            .is_some_and(|t| t.contains(upn))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "not signed in after {SIGN_IN_WAIT:?}.\nsign-in panel: {:?}\nprovider: {:#?}",
        page.text("#sign-in-panel").await,
        provider.provider.events()
    );
}

/// A provider, a sandbox serving the app with a `config.json` that points sign-in at it, and a
/// browser that trusts the provider's self-signed certificate.
struct SignInWorld {
    provider: oidc_provider::Running,
    sandbox: graph_sandbox::Running,
    page: Page,
    driver: ChromeDriver,
    _state: tempfile::TempDir,
    app: String,
    upn: String,
}

impl SignInWorld {
    async fn start() -> SignInWorld {
        let provider = oidc_provider::spawn(Options {
            client_id: CLIENT_ID.into(),
            access_token_seconds: ACCESS_TOKEN_SECONDS,
            ..Options::default()
        })
        .await
        .expect("the identity provider listens");
        let upn = provider.provider.options.upn.clone();
        let state = tempfile::tempdir().expect("a temporary directory");
        let msal = json!({
            "clientId": CLIENT_ID,
            "authority": provider.authority(),
            "knownAuthorities": [provider.host()],
            "protocolMode": "OIDC",
            "redirectUri": "redirect.html",
            // MSAL renews 5 minutes early by default; these tokens live 15 s.
            "tokenRenewalOffsetSeconds": 1,
        });
        let config = Config {
            state_file: Some(state.path().join("state.json")),
            reset: true,
            dist: Some(dist_dir()),
            app_config: vec![("msal".to_string(), msal)],
            ..Config::default()
        };
        let sandbox = graph_sandbox::spawn(
            Sandbox::new(config).expect("the sandbox starts from its seeds"),
            "127.0.0.1",
            0,
        )
        .await
        .expect("the sandbox listens");
        let app = sandbox.url();
        provider
            .provider
            .allow_redirect_uri(&format!("{app}/redirect.html"));
        let driver = ChromeDriver::start();
        let page = Page::open_with_args(&driver, &["--ignore-certificate-errors"]).await;
        SignInWorld {
            provider,
            sandbox,
            page,
            driver,
            _state: state,
            app,
            upn,
        }
    }

    /// Opens the general profile by its link (with the sandbox's demo token: the demo needs no
    /// sign-in), then signs in: a popup (or, if the browser blocks it, a full-page redirect) to
    /// the provider, which consents at once and sends the code to redirect.html, which hands it
    /// to the app. Returns the demo token.
    async fn open_and_sign_in(&self) -> String {
        let page = &self.page;
        page.goto(&link(&self.app, &self.app, "beta", TYPE, Some(GENERAL_ID)))
            .await;
        page.wait_for_field("displayName").await;
        let demo = page.token().await;
        page.js("window.__beforeSignIn = true;", vec![]).await;
        page.open_connection().await;
        page.click("#sign-in").await;
        wait_signed_in(page, &self.provider, &self.upn).await;
        let same_page = page
            .js("return window.__beforeSignIn === true;", vec![])
            .await;
        eprintln!(
            "signed in through {}",
            if same_page == json!(true) {
                "a popup"
            } else {
                "a full-page redirect"
            }
        );
        demo
    }

    fn recorded(&self) -> Vec<Recorded> {
        self.sandbox.sandbox.recorded()
    }

    fn patches(&self) -> Vec<Recorded> {
        self.recorded()
            .into_iter()
            .filter(|r| r.method == "PATCH")
            .collect()
    }

    /// Edits the name and clicks Send; waits until the sandbox answered the PATCH and the
    /// reload after it ("Saved" may still be on the page from an earlier send).
    async fn rename_and_send(&self, name: &str) {
        let before = self.recorded().len();
        self.page.edit("displayName", Widget::Text, name).await;
        self.page.send().await;
        self.page
            .until("the PATCH and the reload after it", || async {
                let later = self.recorded().split_off(before);
                let patched = later.iter().position(|r| r.method == "PATCH")?;
                (later.len() > patched + 1).then_some(())
            })
            .await;
    }

    async fn finish(self) {
        self.page.close().await;
        drop(self.driver);
        self.sandbox
            .stop()
            .await
            .expect("the sandbox stops cleanly");
        self.provider.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signs_in_with_msal_patches_with_its_token_and_renews_it_silently() {
    let w = SignInWorld::start().await;
    let provider = &w.provider;
    let demo = w.open_and_sign_in().await;
    let first = provider.provider.issued(Grant::AuthorizationCode);
    assert_eq!(
        first.len(),
        1,
        "one code redeemed: {:#?}",
        provider.provider.events()
    );

    // A PATCH with the token MSAL got for the Graph scope: not the demo token.
    w.rename_and_send("Signed in with MSAL").await;
    let patches = w.patches();
    assert_eq!(patches.len(), 1, "{patches:#?}");
    let sent = bearer(&patches[0]);
    assert_ne!(sent, demo, "the signed-in token wins over the demo token");
    assert_eq!(
        sent, first[0],
        "the PATCH carries the token the provider issued"
    );
    let c = claims(&sent);
    assert_eq!(c["scp"], oidc_provider::WRITE_PERMISSION);
    assert_eq!(c["aud"], w.app, "asked for <graph base>/.default");
    assert_eq!(patches[0].body["displayName"], "Signed in with MSAL");
    assert_eq!(patches[0].status, Some(200));

    // Wait the token out: after its exp the sandbox would refuse it, so the next request only
    // succeeds if MSAL renewed it without the user.
    let exp = c["exp"].as_i64().expect("exp");
    let wait = (exp + 1 - unix_now()).max(0) as u64;
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert!(unix_now() > exp);

    let before = w.recorded().len();
    w.rename_and_send("Renewed silently").await;
    let renewed = provider.provider.issued(Grant::RefreshToken);
    assert!(
        !renewed.is_empty(),
        "a refresh_token grant: {:#?}",
        provider.provider.events()
    );
    let authorizations = provider
        .provider
        .events()
        .iter()
        .filter(|e| matches!(e, Event::Authorized { .. }))
        .count();
    assert_eq!(authorizations, 1, "renewed without a new authorization");
    let later = w.recorded().split_off(before);
    for r in &later {
        assert_eq!(
            bearer(r),
            *renewed.last().unwrap(),
            "{} {} carries the renewed token",
            r.method,
            r.path
        );
    }
    let patch = later
        .iter()
        .find(|r| r.method == "PATCH")
        .expect("the second PATCH");
    assert_eq!(patch.status, Some(200));
    assert_eq!(patch.body["displayName"], "Renewed silently");
    assert_ne!(bearer(patch), sent);
    w.finish().await;
}

/// When the session ends (the refresh token and silent sign-in are refused), the request stops
/// with "Sign in again" and nothing is retried; signing in again lets the next send through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asks_to_sign_in_again_when_silent_renewal_is_refused_and_never_loops() {
    let w = SignInWorld::start().await;
    let (provider, page) = (&w.provider, &w.page);
    w.open_and_sign_in().await;

    // The session ends, and MSAL's cached access tokens go, so the next request must renew.
    provider.provider.end_session();
    page.js(
        r#"for (const k of Object.keys(sessionStorage)) {
               if (k.includes("|accesstoken|")) sessionStorage.removeItem(k);
           }"#,
        vec![],
    )
    .await;
    page.edit("displayName", Widget::Text, "After the session ended")
        .await;
    page.send().await;
    page.wait_for("#sign-in-again").await;
    page.wait_for_text(".error-view", "Sign in again").await;
    assert!(w.patches().is_empty(), "nothing sent without a token");
    let refused = |events: &[Event]| {
        events
            .iter()
            .filter(|e| matches!(e, Event::Refused { .. }))
            .count()
    };
    let after_failure = provider.provider.events();
    assert!(refused(&after_failure) >= 1, "{after_failure:#?}");
    // Never a loop: nothing more reaches the provider or the sandbox while the page waits.
    let requests = w.recorded().len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(provider.provider.events(), after_failure, "no retry loop");
    assert_eq!(w.recorded().len(), requests);

    // "Sign in again" (interactive) gets a new code and the next send goes through with it.
    page.click("#sign-in-again").await;
    page.until("the sign-in to be renewed", || async {
        (!page.exists("#sign-in-again").await).then_some(())
    })
    .await;
    let issued = provider.provider.issued(Grant::AuthorizationCode);
    assert_eq!(issued.len(), 2, "{:#?}", provider.provider.events());
    w.rename_and_send("Signed in again").await;
    let patch = w.patches().pop().expect("a PATCH");
    assert_eq!(bearer(&patch), issued[1]);
    assert_eq!(patch.status, Some(200));
    w.finish().await;
}
