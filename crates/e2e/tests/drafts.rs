//! Drafts in a real browser: two tabs on one object each keep their own, and Send in one never
//! deletes the other's unsent edits.
//!
//! Run with `bash scripts/e2e.sh drafts`.

use e2e::{Harness, Widget};
use serde_json::{json, Value};

const TYPE: &str = "androidForWorkGeneralDeviceConfiguration";
const ID: &str = "a931a366-a366-a931-66a3-31a966a331a9";

fn names(drafts: &[Value]) -> Vec<String> {
    let mut n: Vec<String> = drafts
        .iter()
        .map(|d| d["draft"]["displayName"].as_str().unwrap_or("").to_string())
        .collect();
    n.sort();
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_keep_their_own_drafts_and_send_spares_the_other() {
    let h = Harness::start().await;
    // Tab A edits the object.
    h.open("beta", TYPE, Some(ID), "displayName").await;
    h.page.edit("displayName", Widget::Text, "From tab A").await;
    h.page.wait_for_draft("displayName", json!("From tab A")).await;
    let tab_a = h.page.tab().await;

    // Tab B opens the same object: A's draft stays A's; B is told another tab edits it.
    h.page.new_tab().await;
    h.open("beta", TYPE, Some(ID), "displayName").await;
    h.page.wait_for("#other-tab").await;
    assert_ne!(
        h.page.value("displayName").await.as_deref(),
        Some("From tab A"),
        "B shows the object, not A's draft"
    );
    h.page.edit("displayName", Widget::Text, "From tab B").await;
    h.page.wait_for_draft("displayName", json!("From tab B")).await;
    assert_eq!(
        names(&h.page.drafts().await),
        ["From tab A", "From tab B"]
    );

    // B sends: its draft goes, A's unsent edits stay.
    h.page.send_and_wait_saved().await;
    assert_eq!(
        h.sandbox.object("beta", ID)["displayName"],
        json!("From tab B")
    );
    assert_eq!(names(&h.page.drafts().await), ["From tab A"]);

    // A still has its edit, in the form and in storage.
    h.page.switch_to(tab_a).await;
    assert_eq!(
        h.page.value("displayName").await.as_deref(),
        Some("From tab A")
    );
    h.page.refresh().await;
    h.page.wait_for_value("displayName", "From tab A").await;
    h.finish().await;
}
