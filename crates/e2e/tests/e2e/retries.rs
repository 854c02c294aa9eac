//! Retries honour the server, end to end: the whole `Retry-After` however long (seconds or an
//! HTTP date) with a countdown that can be cancelled and a Send that waits for it; a PATCH
//! whose answer was lost is not sent twice; a change landing between the re-read and the
//! PATCH is reported.
//!
//! Run with `bash scripts/e2e.sh retries`.

use e2e::seeds::{GENERAL as TYPE, GENERAL_ID as ID};
use e2e::{Harness, Widget};
use serde_json::json;

/// Opens the general Android profile and renames it.
async fn open_and_rename(h: &Harness, name: &str) {
    h.open("beta", TYPE, Some(ID), "displayName").await;
    h.page.edit("displayName", Widget::Text, name).await;
    h.page.wait_for("#send:not([disabled])").await;
}

fn stored_name(h: &Harness) -> serde_json::Value {
    h.sandbox.object("beta", ID)["displayName"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_retry_after_is_waited_in_full_and_send_waits_too() {
    let h = Harness::start().await;
    open_and_rename(&h, "After a long wait").await;
    h.sandbox.fault("429:retry-after=400", "PATCH", 1);
    h.page.send().await;
    // 400 s, not the 300 s a cap would have made of it.
    let banner = h.page.wait_for_text("#retry", "6 min 4").await;
    assert!(banner.contains("Retrying in 6 min 4"), "{banner}");
    // No second Send while Graph asked to wait.
    assert!(h.page.exists("#send[disabled]").await);
    let patches = h.sandbox.patches();
    assert_eq!(patches.len(), 1);
    // Cancelled: nothing is retried, and the user may send again.
    h.page.click("#retry button").await;
    h.page.wait_gone("#retry").await;
    h.page.wait_for("#send:not([disabled])").await;
    assert_eq!(h.sandbox.patches().len(), 1);
    h.page.send_and_wait_saved().await;
    assert_eq!(stored_name(&h), json!("After a long wait"));

    // The same wait given as an HTTP date (on the re-read before the PATCH).
    h.page
        .edit("displayName", Widget::Text, "After a date")
        .await;
    h.sandbox.fault("429:retry-after-date=400", "GET", 1);
    h.page.send().await;
    let banner = h.page.wait_for_text("#retry", "min").await;
    assert!(
        banner.contains("Retrying in 6 min") || banner.contains("Retrying in 7 min"),
        "{banner}"
    );
    h.page.click("#retry button").await;
    h.page.wait_gone("#retry").await;

    // Zero: retried at the next tick.
    h.sandbox.fault("429:retry-after=0", "PATCH", 1);
    h.page.send().await;
    h.page
        .until("the name stored after the retry", || async {
            (stored_name(&h) == json!("After a date")).then_some(())
        })
        .await;
    // The recording of a request follows its answer: wait for the fourth.
    let statuses = h
        .page
        .until("four PATCHes recorded", || async {
            let s: Vec<_> = h.sandbox.patches().iter().map(|p| p.status).collect();
            (s.len() >= 4).then_some(s)
        })
        .await;
    assert_eq!(
        statuses,
        [Some(429), Some(200), Some(429), Some(200)],
        "no PATCH went out during a countdown"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_applied_but_answered_504_is_not_sent_twice() {
    let h = Harness::start().await;
    open_and_rename(&h, "Applied once").await;
    h.sandbox.fault("applied=504", "PATCH", 1);
    h.page.watch("retry").await;
    h.page.send().await;
    h.page
        .wait_for_text("#info", "nothing was sent twice")
        .await;
    let shown = h.page.seen("retry").await;
    assert!(
        shown.iter().any(|t| t.contains("possibly applied")),
        "the countdown said the change may be in: {shown:?}"
    );
    let statuses: Vec<_> = h.sandbox.patches().iter().map(|p| p.status).collect();
    assert_eq!(statuses, [Some(504)], "one PATCH only");
    assert_eq!(stored_name(&h), json!("Applied once"));
    // The form is clean: the object as Graph holds it.
    assert!(!h.page.exists("#discard-draft").await);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_between_the_re_read_and_the_patch_is_reported() {
    let h = Harness::start().await;
    h.open("beta", TYPE, Some(ID), "description").await;
    h.page.edit("description", Widget::Text, "Mine").await;
    h.page.wait_for("#send:not([disabled])").await;
    // Another administrator renames the object just before the PATCH lands.
    h.sandbox.fault("concurrent", "PATCH", 1);
    h.page.send().await;
    let info = h.page.wait_for_text("#info", "Saved").await;
    assert!(
        info.contains("Someone else changed displayName at the same time"),
        "{info}"
    );
    let stored = h.sandbox.object("beta", ID);
    assert_eq!(stored["description"], json!("Mine"));
    // Their name is in the form now, not an edit of ours.
    let name = stored["displayName"].as_str().unwrap().to_string();
    h.page.wait_for_value("displayName", &name).await;
    assert!(!h.page.exists("#discard-draft").await);
    h.finish().await;
}
