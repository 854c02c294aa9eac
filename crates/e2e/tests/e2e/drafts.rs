//! Edits that live in the browser before Graph has them: a draft survives a reload, two tabs on
//! one object each keep their own and Send in one never deletes the other's unsent edits, and a
//! JSON file from disk opens and validates with no Graph request at all.
//!
//! Run with `bash scripts/e2e.sh drafts`.

use e2e::seeds::{GENERAL, GENERAL_ID};
use e2e::{messages, Harness, Widget};
use serde_json::{json, Value};

// Drafts survive a reload.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_survives_reload() {
    let h = Harness::start().await;
    h.open("beta", GENERAL, Some(GENERAL_ID), "displayName")
        .await;
    h.page
        .edit("displayName", Widget::Text, "Unsaved name")
        .await;
    h.page
        .wait_for_draft("displayName", json!("Unsaved name"))
        .await;
    h.page.refresh().await;
    h.page.wait_for_value("displayName", "Unsaved name").await;
    h.page.wait_for("#discard-draft").await;
    h.page.wait_for_text("#info", "restored").await;
    assert_eq!(h.page.diff_properties().await, ["displayName"]);
    assert!(h.sandbox.patches().is_empty());
    h.finish().await;
}

// A file from disk is validated offline.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_file_validates_offline() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("profile.json");
    let object = json!({
        "@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration",
        "displayName": "From a file",
        "passwordExpirationDays": 400,
    });
    std::fs::write(&file, object.to_string()).expect("the file is written");
    let url = h.sandbox.url();
    h.page
        .goto(&format!(
            "{url}/?graph={}&api=beta",
            policy_core::endpoint::percent_encode(&url)
        ))
        .await;
    h.page.choose_file("#file-input", &file).await;
    h.page.wait_for_text("#info", "profile.json").await;
    h.page
        .wait_for_text(
            &format!("{} p.error", messages("passwordExpirationDays")),
            "365",
        )
        .await;
    h.page.wait_for_value("displayName", "From a file").await;
    assert!(h.page.exists("#send-blocked").await);
    assert!(
        h.sandbox.requests().is_empty(),
        "no Graph request at all: {:#?}",
        h.sandbox.requests()
    );
    h.finish().await;
}

// Two tabs on one object.

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
    h.open("beta", GENERAL, Some(GENERAL_ID), "displayName")
        .await;
    h.page.edit("displayName", Widget::Text, "From tab A").await;
    h.page
        .wait_for_draft("displayName", json!("From tab A"))
        .await;
    let tab_a = h.page.tab().await;

    // Tab B opens the same object: A's draft stays A's; B is told another tab edits it.
    h.page.new_tab().await;
    h.open("beta", GENERAL, Some(GENERAL_ID), "displayName")
        .await;
    h.page.wait_for("#other-tab").await;
    assert_ne!(
        h.page.value("displayName").await.as_deref(),
        Some("From tab A"),
        "B shows the object, not A's draft"
    );
    h.page.edit("displayName", Widget::Text, "From tab B").await;
    h.page
        .wait_for_draft("displayName", json!("From tab B"))
        .await;
    assert_eq!(names(&h.page.drafts().await), ["From tab A", "From tab B"]);

    // B sends: its draft goes, A's unsent edits stay.
    h.page.send_and_wait_saved().await;
    assert_eq!(
        h.sandbox.object("beta", GENERAL_ID)["displayName"],
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

// The object was deleted in Graph meanwhile: Send says so, and the draft stays.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_of_a_deleted_object_is_kept() {
    let h = Harness::start().await;
    h.open("beta", GENERAL, Some(GENERAL_ID), "displayName")
        .await;
    h.page
        .edit("displayName", Widget::Text, "Edited before the delete")
        .await;
    h.page
        .wait_for_draft("displayName", json!("Edited before the delete"))
        .await;
    h.sandbox.delete("beta", GENERAL_ID);
    h.page.send().await;
    h.page
        .wait_for_text(".error-view[data-status=\"404\"]", "404")
        .await;
    assert!(h.sandbox.patches().is_empty(), "nothing was written");
    // The edit is in the form and in storage, and a reload brings it back.
    assert_eq!(
        h.page.value("displayName").await.as_deref(),
        Some("Edited before the delete")
    );
    h.page.refresh().await;
    h.page
        .wait_for_value("displayName", "Edited before the delete")
        .await;
    h.page
        .wait_for_draft("displayName", json!("Edited before the delete"))
        .await;
    h.finish().await;
}

// Typing goes on while Send is out: the new edits stay, on top of the object Graph returns.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_made_while_send_is_in_flight_are_kept() {
    let h = Harness::start().await;
    h.open("beta", GENERAL, Some(GENERAL_ID), "displayName")
        .await;
    h.page.edit("displayName", Widget::Text, "Sent").await;
    // The PATCH takes a moment: time to type something else.
    h.sandbox.fault("delay=1500", "PATCH", 1);
    h.page.send().await;
    h.page
        .edit("description", Widget::Text, "Typed during Send")
        .await;
    h.page
        .until("the PATCH answered", || async {
            (h.sandbox.patches().iter().any(|p| p.status == Some(200))).then_some(())
        })
        .await;
    h.page.wait_for_text("#info", "Saved").await;
    let stored = h.sandbox.object("beta", GENERAL_ID);
    assert_eq!(stored["displayName"], json!("Sent"));
    assert_ne!(stored["description"], json!("Typed during Send"));
    // The later edit is still in the form, still to be sent, and stored as a draft.
    h.page
        .wait_for_value("description", "Typed during Send")
        .await;
    assert_eq!(h.page.diff_properties().await, ["description"]);
    h.page
        .wait_for_draft("description", json!("Typed during Send"))
        .await;
    h.finish().await;
}

// The review's "Revert" on a row puts that one property back as it was loaded.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_row_reverts_its_change() {
    let h = Harness::start().await;
    h.open("beta", GENERAL, Some(GENERAL_ID), "displayName")
        .await;
    let loaded = h.sandbox.object("beta", GENERAL_ID);
    h.page.edit("displayName", Widget::Text, "Changed").await;
    h.page.edit("description", Widget::Text, "Kept").await;
    h.page
        .until("both changes in the review", || async {
            (h.page.diff_properties().await.len() == 2).then_some(())
        })
        .await;
    h.page
        .click("#diff tr[data-property=\"displayName\"] button.revert")
        .await;
    h.page
        .wait_for_value("displayName", loaded["displayName"].as_str().unwrap())
        .await;
    assert_eq!(h.page.diff_properties().await, ["description"]);
    assert!(h.sandbox.patches().is_empty());
    h.finish().await;
}
