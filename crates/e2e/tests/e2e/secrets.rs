//! Encrypted OMA settings, end to end: Graph returns them masked and the list is sent whole, so
//! the editor must never send the mask back. A list holding a masked secret is not sent until
//! the secret is revealed or typed again; revealed and typed secrets never reach storage.
//!
//! Run with `bash scripts/e2e.sh secrets`.

use e2e::seeds::{ENCRYPTED_OMA as TYPE, ENCRYPTED_OMA_ID as ID, ENCRYPTED_OMA_SECRET as PLAIN};
use e2e::{Harness, Widget};
use serde_json::json;

/// Everything the page keeps in localStorage, as one text.
async fn storage_text(h: &Harness) -> String {
    h.page
        .js(
            "let t = ''; for (let i = 0; i < localStorage.length; i++) {
               const k = localStorage.key(i); t += k + '=' + localStorage.getItem(k) + '\\n'; }
             return t;",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn stored(h: &Harness) -> serde_json::Value {
    h.sandbox.object_with_secrets("beta", ID)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_masked_secret_is_never_sent_back() {
    let h = Harness::start().await;
    h.open("beta", TYPE, Some(ID), "omaSettings[2].value").await;
    // Graph's mask is not shown as a value.
    assert_eq!(
        h.page.value("omaSettings[2].value").await.as_deref(),
        Some("")
    );
    // Change another setting of the list: the list would go whole, mask included.
    h.page
        .edit(
            "omaSettings[0].value",
            Widget::Text,
            "proxy2.example.com:8080",
        )
        .await;
    h.page.wait_for("#send[disabled]").await;
    let note = h.page.wait_for_text("#secrets-note", "Still masked").await;
    assert!(note.contains("omaSettings[2].value"), "{note}");
    h.page
        .wait_for_draft("omaSettings", stored_masked_list(&h).await)
        .await;

    // Reveal: asked of Graph, shown, and Send is possible; storage still holds the mask only.
    // A person's click (WebDriver refuses one on a button something else covers).
    h.page
        .click("[data-path=\"omaSettings[2].value\"] button.reveal")
        .await;
    h.page.wait_for_value("omaSettings[2].value", PLAIN).await;
    assert!(h
        .sandbox
        .requests()
        .iter()
        .any(|r| r.path.contains("getOmaSettingPlainTextValue")));
    h.page.wait_for("#send:not([disabled])").await;
    h.page.send_and_wait_saved().await;
    let after = stored(&h);
    assert_eq!(
        after["omaSettings"][2]["value"],
        json!(PLAIN),
        "the secret is kept"
    );
    assert_eq!(
        after["omaSettings"][0]["value"],
        json!("proxy2.example.com:8080")
    );
    assert!(!storage_text(&h).await.contains(PLAIN));

    // Typed again: sent as typed, never stored in the browser.
    h.page
        .edit("omaSettings[2].value", Widget::Text, "n3w-secret")
        .await;
    h.page.wait_for("#send:not([disabled])").await;
    // Give the draft its save delay, then look: the typed secret is not in it.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert!(!storage_text(&h).await.contains("n3w-secret"));
    let before = h.sandbox.patches().len();
    h.page.send().await;
    h.page
        .until("the second PATCH", || async {
            (h.sandbox.patches().len() > before).then_some(())
        })
        .await;
    h.page
        .until("the new secret stored", || async {
            (stored(&h)["omaSettings"][2]["value"] == json!("n3w-secret")).then_some(())
        })
        .await;
    assert!(!storage_text(&h).await.contains("n3w-secret"));
    h.finish().await;
}

/// The list as the draft should store it: the edit, and the encrypted item with Graph's mask.
async fn stored_masked_list(h: &Harness) -> serde_json::Value {
    let mut list = h.sandbox.object("beta", ID)["omaSettings"].clone();
    list[0]["value"] = json!("proxy2.example.com:8080");
    assert_eq!(list[2]["value"], json!("****"));
    list
}
