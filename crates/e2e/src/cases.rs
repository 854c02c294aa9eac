//! What the editing tests share: a [`Case`] (an object to open and the [`Change`]s a person makes
//! to it), making those changes through each field's widget while computing the PATCH body they
//! must produce, and the one assertion every successful send goes through ([`assert_saved`]).
//!
//! ```text
//! edit_and_send(general(vec![text("displayName", "Renamed"), number("passwordMinimumLength", 8)]))
//!     .await;
//! ```

use graph_sandbox::sandbox::Recorded;
use serde_json::{json, Value};

use crate::seeds::{CONFIGURATIONS, GENERAL, GENERAL_ID, WINDOWS10, WINDOWS10_ID};
use crate::{field, set_at_path, top_property, ChromeDriver, Harness, Page, TestSandbox, Widget};

/// One thing a person does to the form.
pub enum Change {
    /// Sets the value at a JSON path through its widget: what is typed or chosen, and the JSON
    /// value it becomes.
    Set(&'static str, Widget, String, Value),
    /// Clicks a list's "Add item"; the new item counts as this JSON until later changes fill it.
    Add(&'static str, Value),
}

use Change::{Add, Set};

/// Types `value` into a text field.
pub fn text(path: &'static str, value: &'static str) -> Change {
    Set(path, Widget::Text, value.into(), json!(value))
}

/// Types a whole number into a number field.
pub fn number(path: &'static str, value: i64) -> Change {
    Set(path, Widget::Number, value.to_string(), json!(value))
}

/// Turns a toggle on or off.
pub fn toggle(path: &'static str, on: bool) -> Change {
    Set(path, Widget::Toggle, on.to_string(), json!(on))
}

/// Chooses an enum member.
pub fn select(path: &'static str, member: &'static str) -> Change {
    Set(path, Widget::Select, member.into(), json!(member))
}

/// Picks a date and time (UTC, as the picker shows it); Graph gets it with a `Z`.
pub fn date_time(path: &'static str, local: &'static str) -> Change {
    Set(
        path,
        Widget::Picker,
        local.into(),
        json!(format!("{local}Z")),
    )
}

/// An object to open, and what to change in it.
pub struct Case {
    pub api: &'static str,
    pub type_name: &'static str,
    /// The entry set: a collection (with `id`) or a singleton (without).
    pub set: &'static str,
    pub id: Option<&'static str>,
    pub changes: Vec<Change>,
}

impl Case {
    /// The object's path on Graph: `/<api>/<set>[/<id>]`.
    pub fn graph_path(&self) -> String {
        match self.id {
            Some(id) => format!("/{}/{}/{id}", self.api, self.set),
            None => format!("/{}/{}", self.api, self.set),
        }
    }

    /// The object as `sandbox` stores it now.
    pub fn stored(&self, sandbox: &TestSandbox) -> Value {
        match self.id {
            Some(id) => sandbox.object(self.api, id),
            None => sandbox.singleton(self.api, self.set),
        }
    }

    /// The path of the first change, whose field tells that the form is ready.
    pub fn first_path(&self) -> &'static str {
        match &self.changes[0] {
            Set(path, ..) => path,
            Add(path, _) => path,
        }
    }
}

/// The beta general Android for Work profile ([`GENERAL_ID`]), which most failure tests edit.
pub fn general(changes: Vec<Change>) -> Case {
    Case {
        api: "beta",
        type_name: GENERAL,
        set: CONFIGURATIONS,
        id: Some(GENERAL_ID),
        changes,
    }
}

/// Opens the case's object by its link (the page gets the demo token from `config.json`) and
/// waits for the field of its first change.
pub async fn open(h: &Harness, case: &Case) {
    h.open(case.api, case.type_name, case.id, case.first_path())
        .await;
}

/// Makes the case's changes in the form and returns the PATCH body they must produce:
/// `@odata.type` plus each changed top-level property, whole, as computed from `before`.
pub async fn make_changes(h: &Harness, case: &Case, before: &Value) -> Value {
    let mut after = before.clone();
    let mut body = json!({ "@odata.type": before["@odata.type"] });
    for change in &case.changes {
        let path = match change {
            Set(path, widget, input, value) => {
                h.page.edit(path, *widget, input).await;
                set_at_path(&mut after, path, value.clone());
                path
            }
            Add(list, item) => {
                let count = after[top_property(list)].as_array().map_or(0, Vec::len);
                h.page.click(&field(&format!("{list}.add"))).await;
                set_at_path(&mut after, &format!("{list}[{count}]"), item.clone());
                list
            }
        };
        let top = top_property(path);
        body[top] = after[top].clone();
    }
    body
}

/// The properties of a PATCH body other than `@odata.type`, sorted.
pub fn changed_properties(body: &Value) -> Vec<String> {
    let mut names: Vec<String> = body
        .as_object()
        .map(|m| m.keys().filter(|k| *k != "@odata.type").cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// The one assertion every successful send goes through: the last recorded PATCH is a 200 to
/// the object's path with the page's bearer token and exactly `body`; the stored object took the
/// changed properties, kept every other one, and moved `version` (where it has one) and
/// `lastModifiedDateTime` (where it has one).
#[track_caller]
pub fn assert_saved(
    sandbox: &TestSandbox,
    case: &Case,
    token: &str,
    before: &Value,
    body: &Value,
    patches: &[Recorded],
) {
    let last = patches.last().expect("a PATCH was recorded");
    assert_eq!(last.method, "PATCH");
    assert_eq!(last.path, case.graph_path(), "PATCH path");
    assert_eq!(
        last.authorization.as_deref(),
        Some(format!("Bearer {token}").as_str()),
        "the PATCH carries the page's token"
    );
    assert_eq!(last.content_type.as_deref(), Some("application/json"));
    assert_eq!(last.status, Some(200), "PATCH status");
    assert_eq!(&last.body, body, "PATCH body");
    assert_eq!(
        body["@odata.type"],
        json!(format!("#microsoft.graph.{}", case.type_name))
    );

    let stored = case.stored(sandbox);
    let stamps = ["version", "lastModifiedDateTime"];
    for (key, value) in body.as_object().expect("a body object") {
        assert_eq!(&stored[key], value, "stored {key}");
    }
    for (key, value) in before.as_object().expect("an object") {
        if body.get(key).is_none() && !stamps.contains(&key.as_str()) {
            assert_eq!(&stored[key], value, "{key} must not change");
        }
    }
    if let Some(v) = before["version"].as_i64() {
        assert_eq!(stored["version"], json!(v + 1), "version bumped");
    }
    if before.get("lastModifiedDateTime").is_some() {
        assert_ne!(
            stored["lastModifiedDateTime"], before["lastModifiedDateTime"],
            "lastModifiedDateTime moved"
        );
    }
}

/// Opens the case's object, makes its changes, checks the review lists exactly the changed
/// properties, sends, and checks the request and the stored object.
pub async fn edit_and_send(case: Case) {
    let h = Harness::start().await;
    let before = case.stored(&h.sandbox);
    open(&h, &case).await;
    let token = h.page.token().await;
    let body = make_changes(&h, &case, &before).await;
    let mut listed = h.page.diff_properties().await;
    listed.sort();
    assert_eq!(
        listed,
        changed_properties(&body),
        "the review lists the changes"
    );
    assert!(h.sandbox.patches().is_empty(), "nothing sent before Send");

    let saved = h.page.send_and_wait_saved().await;
    let n = changed_properties(&body).len();
    assert!(saved.contains(&format!("{n} propert")), "{saved}");
    let patches = h.sandbox.patches();
    assert_eq!(patches.len(), 1, "exactly one PATCH: {patches:#?}");
    assert_saved(&h.sandbox, &case, &token, &before, &body, &patches);
    h.finish().await;
}

/// A sandbox serving `dist` (which need not be the whole built app), a browser, and a page
/// opening the link to the large beta Windows 10 profile ([`WINDOWS10_ID`]), without waiting for
/// its form. The parts come apart, so a test can stop the sandbox and keep the page.
pub async fn windows10_from(dist: std::path::PathBuf) -> (TestSandbox, ChromeDriver, Page) {
    let sandbox = TestSandbox::start(Some(dist)).await;
    let driver = ChromeDriver::start();
    let page = Page::open(&driver).await;
    let url = sandbox.url();
    page.goto(&crate::link(
        &url,
        &url,
        "beta",
        WINDOWS10,
        Some(WINDOWS10_ID),
    ))
    .await;
    (sandbox, driver, page)
}
