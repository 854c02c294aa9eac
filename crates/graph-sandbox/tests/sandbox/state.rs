//! The state file is written atomically: a uniquely named temporary file beside it, flushed,
//! then renamed over it. No reader ever sees half a file, no temporary file stays behind, and
//! two sandboxes saving to the same path never mix their writes.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use graph_sandbox::sandbox::{temp_path, write_atomically};
use graph_sandbox::Config;
use serde_json::{json, Value};

use crate::common::{Harness, CONFIGS, GENERAL};

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn saves_leave_only_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let h = Harness::with(Config {
        state_file: Some(state.clone()),
        ..Config::default()
    });
    for i in 0..5 {
        let r = h
            .patch(
                &format!("{CONFIGS}/{GENERAL}"),
                &json!({"displayName": format!("save {i}")}),
            )
            .await;
        assert_eq!(r.status, 200);
    }
    assert_eq!(names(dir.path()), ["state.json"]);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert!(saved["beta"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["displayName"] == "save 4"));

    // Temporary names: beside the target, hidden, never the same twice.
    let a = temp_path(&state);
    let b = temp_path(&state);
    assert_ne!(a, b);
    assert_eq!(a.parent(), state.parent());
    assert!(a.to_string_lossy().ends_with(".tmp"));
}

#[test]
fn a_failed_write_leaves_no_temporary_file_and_the_old_state() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the file should go: the rename fails.
    let blocked = dir.path().join("blocked.json");
    std::fs::create_dir(&blocked).unwrap();
    std::fs::write(blocked.join("inside"), "x").unwrap();
    assert!(write_atomically(&blocked, "{}").is_err());
    assert_eq!(names(dir.path()), ["blocked.json"]);

    let state = dir.path().join("state.json");
    write_atomically(&state, r#"{"old": true}"#).unwrap();
    assert!(write_atomically(&dir.path().join("missing/state.json"), "{}").is_err());
    assert_eq!(std::fs::read_to_string(&state).unwrap(), r#"{"old": true}"#);
    assert_eq!(names(dir.path()), ["blocked.json", "state.json"]);
}

/// Two sandboxes (as two processes would) save to one path over and over while a reader keeps
/// reading it: every read is one whole snapshot of one of them, and nothing is left over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_saves_from_two_sandboxes_never_corrupt_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let config = || Config {
        state_file: Some(state.clone()),
        reset: true,
        ..Config::default()
    };
    let a = Harness::with(config());
    let b = Harness::with(config());
    // Different and large enough that a torn write would show.
    let long = "x".repeat(64 * 1024);
    for (h, name) in [(&a, "from a"), (&b, "from b")] {
        let r = h
            .patch(
                &format!("{CONFIGS}/{GENERAL}"),
                &json!({"displayName": name, "description": long}),
            )
            .await;
        assert_eq!(r.status, 200);
    }

    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let done = done.clone();
        let state = state.clone();
        std::thread::spawn(move || {
            let mut reads = 0;
            while !done.load(Ordering::Relaxed) {
                let text = std::fs::read_to_string(&state).unwrap();
                let doc: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("a torn state file ({} bytes): {e}", text.len()));
                let names: Vec<&Value> = doc["beta"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|o| o["id"] == GENERAL)
                    .map(|o| &o["displayName"])
                    .collect();
                assert!(
                    names == [&json!("from a")] || names == [&json!("from b")],
                    "{names:?}"
                );
                reads += 1;
            }
            reads
        })
    };
    let saves = |h: &Harness| {
        let sandbox = h.sandbox.clone();
        tokio::spawn(async move {
            for _ in 0..40 {
                sandbox.save().await;
            }
        })
    };
    let (ra, rb) = tokio::join!(saves(&a), saves(&b));
    ra.unwrap();
    rb.unwrap();
    done.store(true, Ordering::Relaxed);
    let reads = reader.join().unwrap();
    assert!(reads > 0);
    assert_eq!(names(dir.path()), ["state.json"], "no temporary file left");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert!(doc["beta"].is_array());
}

/// The same with the writes themselves racing, as two processes' would: every write succeeds
/// and every read is one whole document.
#[test]
fn racing_writes_all_succeed_and_never_tear() {
    let dir = tempfile::tempdir().unwrap();
    let state = Arc::new(dir.path().join("state.json"));
    let doc = |who: &str| json!({"who": who, "pad": "y".repeat(256 * 1024)}).to_string();
    write_atomically(&state, &doc("start")).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (done, state) = (done.clone(), state.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let text = std::fs::read_to_string(&*state).unwrap();
                let v: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("a torn state file ({} bytes): {e}", text.len()));
                assert!(v["who"].is_string());
            }
        })
    };
    let writers: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|who| {
            let state = state.clone();
            let text = doc(who);
            std::thread::spawn(move || {
                for _ in 0..30 {
                    write_atomically(&state, &text).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    done.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    assert_eq!(names(dir.path()), ["state.json"], "no temporary file left");
}
