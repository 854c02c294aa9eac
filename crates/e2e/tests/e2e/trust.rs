//! Trust, end to end: whatever a link, a Graph answer or a redirect says, the token goes only to
//! the Graph base the user chose. A second Graph look-alike ([`e2e::spy::Spy`], on another
//! port) stands for every other host and records each Authorization header it gets.
//!
//! Run with `bash scripts/e2e.sh trust` (builds the app first).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use e2e::seeds::{WINDOWS10, WINDOWS10_ID};
use e2e::spy::{Spy, SpyReply};
use e2e::Harness;
use serde_json::json;

const KEPT: &str = "kept-token-for-this-tab";

/// A windows10 object as a Graph look-alike answers it.
fn windows10(id: &str) -> serde_json::Value {
    json!({
        "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
        "id": id,
        "displayName": "From the spy",
        "version": 1,
        "lastModifiedDateTime": "2026-01-01T00:00:00Z"
    })
}

/// Opens the app's root page and keeps `token` for the tab, as "Keep the token for this tab"
/// does (gloo-storage writes it as JSON).
async fn keep_token(h: &Harness, token: &str) {
    h.page.goto(&format!("{}/", h.sandbox.url())).await;
    h.page.wait_for("#list-button").await;
    h.page
        .js(
            "sessionStorage.setItem('intune-editor.token', JSON.stringify(arguments[0]));",
            vec![json!(token)],
        )
        .await;
}

/// Gives the page time for anything it would send on its own (an early GET, the start-up load).
async fn settle() {
    tokio::time::sleep(Duration::from_millis(1200)).await;
}

// 1. A crafted link to another base, with a token kept in the tab: nothing is sent until the
// user says yes, whatever the base looks like; after yes, that base (and only it) gets the token.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crafted_link_never_carries_a_kept_token_elsewhere() {
    let h = Harness::start().await;
    let spy =
        Spy::start(|r| SpyReply::json(windows10(r.path.rsplit('/').next().unwrap_or("x")))).await;
    keep_token(&h, KEPT).await;
    let app = h.sandbox.url();
    let port = spy.port;
    let hostile = [
        spy.url(),
        format!("http://localhost:{port}"),
        format!("http://127.evil.example:{port}"),
        format!("http://127.1:{port}"),
        format!("http://127.0.0.1.:{port}"),
        format!("http://user@127.0.0.1:{port}"),
        format!("http://127.0.0.1:{port}/a/%2e%2e"),
        "https://graph.microsoft.co\u{e9}".to_string(),
        "https://graph\u{ff0e}microsoft.com".to_string(),
        "https://proxy.example/g';id;'".to_string(),
        "javascript:alert(1)".to_string(),
    ];
    let own_requests = h.sandbox.requests().len();
    for graph in &hostile {
        h.page
            .goto(&e2e::link(
                &app,
                graph,
                "beta",
                WINDOWS10,
                Some(WINDOWS10_ID),
            ))
            .await;
        h.page.wait_for("#link-base").await;
        settle().await;
        assert!(
            spy.with_authorization().is_empty(),
            "{graph}: {:#?}",
            spy.requests()
        );
        assert!(spy.requests().is_empty(), "{graph}: {:#?}", spy.requests());
        // Nor did the link's object go to the default cloud or the app's own host.
        assert_eq!(h.sandbox.requests().len(), own_requests, "{graph}");
        assert!(!h.page.exists("[name=displayName]").await, "{graph}");
    }

    // "Ignore": the editor stays where it was and says so.
    h.page
        .goto(&e2e::link(
            &app,
            &spy.url(),
            "beta",
            WINDOWS10,
            Some(WINDOWS10_ID),
        ))
        .await;
    h.page.click("#link-base-ignore").await;
    h.page.wait_for_text("#info", "was not used").await;
    settle().await;
    assert!(spy.requests().is_empty(), "{:#?}", spy.requests());

    // "Use": the user chose it, so it gets the request, with the kept token.
    h.page
        .goto(&e2e::link(
            &app,
            &spy.url(),
            "beta",
            WINDOWS10,
            Some(WINDOWS10_ID),
        ))
        .await;
    h.page.wait_for_text("#link-base", &spy.url()).await;
    h.page.click("#link-base-use").await;
    h.page.wait_for_field("displayName").await;
    let sent = spy.with_authorization();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(
        sent[0].authorization.as_deref(),
        Some(&*format!("Bearer {KEPT}"))
    );
    assert!(sent[0].path.ends_with(WINDOWS10_ID), "{sent:#?}");

    // A reload of the page this tab chose keeps its base without asking again.
    h.page.refresh().await;
    h.page.wait_for_field("displayName").await;
    assert!(!h.page.exists("#link-base").await);
    assert_eq!(spy.with_authorization().len(), 2);
    h.finish().await;
}

// 2. A link to the host's own allow-listed base (config.json's `graphBases`: the sandbox lists
// itself) opens at once, early GET and all; the same link from a tab that holds no token sends
// nothing anywhere.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allow_listed_base_opens_at_once() {
    let h = Harness::start().await;
    h.open("beta", WINDOWS10, Some(WINDOWS10_ID), "displayName")
        .await;
    assert!(!h.page.exists("#link-base").await);
    let gets: Vec<_> = h
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path.contains(WINDOWS10_ID))
        .collect();
    assert_eq!(gets.len(), 1, "{gets:#?}");
    assert!(gets[0].authorization.is_some());
    h.finish().await;
}

// 3. The user's chosen base answers with a `@odata.nextLink` to another host, or to a Unicode
// look-alike, or redirects a request to another host or within itself: none of it takes the
// token anywhere else, and none of it breaks the page.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_links_and_redirects_never_take_the_token_elsewhere() {
    let h = Harness::start().await;
    let other = Spy::start(|r| SpyReply::json(windows10(&r.path))).await;
    let other_url = other.url();
    let lists = Arc::new(AtomicUsize::new(0));
    let chosen = {
        let lists = lists.clone();
        Spy::start(move |r| {
            if r.path.contains("deviceConfigurations?") {
                let next = match lists.fetch_add(1, Ordering::SeqCst) {
                    0 => format!("{other_url}/beta/deviceManagement/deviceConfigurations?$skiptoken=2"),
                    _ => "https://graph.microsoft.co\u{e9}/beta/deviceManagement/deviceConfigurations?$skiptoken=2".to_string(),
                };
                SpyReply::json(json!({
                    "value": [windows10("listed")],
                    "@odata.nextLink": next,
                }))
            } else if r.path.ends_with("/to-other") {
                SpyReply::redirect(302, &format!("{other_url}/beta/deviceManagement/deviceConfigurations/x"))
            } else if r.path.ends_with("/to-self") {
                SpyReply::redirect(307, "/beta/deviceManagement/deviceConfigurations/x")
            } else {
                SpyReply::json(windows10("plain"))
            }
        })
        .await
    };
    keep_token(&h, KEPT).await;
    let app = h.sandbox.url();

    // A redirect to another host: refused, shown, and the other host gets nothing.
    h.page
        .goto(&e2e::link(
            &app,
            &chosen.url(),
            "beta",
            WINDOWS10,
            Some("to-other"),
        ))
        .await;
    h.page.click("#link-base-use").await;
    h.page.wait_for(".error-view").await;
    settle().await;
    assert!(other.requests().is_empty(), "{:#?}", other.requests());
    assert_eq!(chosen.with_authorization().len(), 1);

    // A redirect within the chosen host is not followed either (a hop is never trusted).
    h.page
        .goto(&e2e::link(
            &app,
            &chosen.url(),
            "beta",
            WINDOWS10,
            Some("to-self"),
        ))
        .await;
    h.page.wait_for(".error-view").await;
    settle().await;
    assert_eq!(chosen.with_authorization().len(), 2);
    assert!(
        chosen.requests().iter().all(|r| !r.path.ends_with("/x")),
        "{:#?}",
        chosen.requests()
    );

    // A list whose next page is on another host: "Load more" is refused with a message.
    h.page.back_to_list().await;
    for round in 0..2 {
        h.page.click("#list-button").await;
        h.page.wait_for("#load-more").await;
        h.page.click("#load-more").await;
        h.page
            .wait_for_text(".error-view", "refused to follow a link")
            .await;
        settle().await;
        assert!(
            other.requests().is_empty(),
            "round {round}: {:#?}",
            other.requests()
        );
    }
    assert_eq!(lists.load(Ordering::SeqCst), 2);
    // Every request the chosen host got carried the token; nobody else got one.
    assert!(chosen
        .requests()
        .iter()
        .filter(|r| r.method != "OPTIONS")
        .all(|r| r.authorization.as_deref() == Some(&*format!("Bearer {KEPT}"))));
    assert!(h
        .sandbox
        .requests()
        .iter()
        .all(|r| r.authorization.is_none()));
    h.finish().await;
}

// The sandbox's demo token is for the sandbox only: a link to a national cloud on the sandbox's
// page does not take it (nothing is sent anywhere), and a pasted token then loads the object.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_token_stays_with_the_sandbox_and_a_pasted_token_loads_the_link() {
    let h = Harness::start().await;
    let app = h.sandbox.url();
    h.page
        .goto(&e2e::link(
            &app,
            "https://graph.microsoft.us",
            "beta",
            WINDOWS10,
            Some(WINDOWS10_ID),
        ))
        .await;
    h.page
        .wait_for_text("#info", "access token to load the linked object")
        .await;
    assert!(
        !h.page.exists("#link-base").await,
        "a cloud needs no question"
    );
    h.page.wait_for("#token").await;
    let token_box = h
        .page
        .js("return document.getElementById('token').value;", vec![])
        .await;
    assert_eq!(
        token_box,
        json!(""),
        "the demo token is not taken for a cloud"
    );
    assert!(h.sandbox.requests().is_empty());

    // A link to another Graph look-alike the user says yes to, then a token pasted there:
    // the linked object loads by itself (once), with that token.
    let other = e2e::TestSandbox::start(None).await;
    let token = other.token(None, 3600).await;
    h.page
        .goto(&e2e::link(
            &app,
            &other.url(),
            "beta",
            WINDOWS10,
            Some(WINDOWS10_ID),
        ))
        .await;
    h.page.click("#link-base-use").await;
    h.page
        .wait_for_text("#info", "access token to load the linked object")
        .await;
    h.page.paste_token(&token).await;
    h.page.wait_for_field("displayName").await;
    let gets: Vec<_> = other
        .requests()
        .into_iter()
        .filter(|r| r.path.contains(WINDOWS10_ID))
        .collect();
    assert_eq!(gets.len(), 1, "{gets:#?}");
    assert_eq!(gets[0].authorization, Some(format!("Bearer {token}")));
    other.stop().await;
    h.finish().await;
}
