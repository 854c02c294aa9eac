//! End-to-end tests: the built app (`dist/`) in headless Chromium against the in-process Graph
//! sandbox. Each test starts its own sandbox (fresh seeds) and browser (fresh profile) and
//! asserts on what the sandbox recorded and stores, not only on what the page shows.
//!
//! Run them with `bash scripts/e2e.sh` (builds the app first) or, after `trunk build`,
//! `cargo test -p e2e -- --test-threads=1`.

use e2e::{field, messages, set_at_path, top_property, Harness, TestSandbox, Widget};
use graph_sandbox::sandbox::Recorded;
use serde_json::{json, Value};

/// One thing a person does to the form.
enum Change {
    /// Sets the value at a JSON path through its widget: what is typed or chosen, and the JSON
    /// value it becomes.
    Set(&'static str, Widget, String, Value),
    /// Clicks a list's "Add item"; the new item counts as this JSON until later changes fill it.
    Add(&'static str, Value),
}

use Change::{Add, Set};

/// Types `value` into a text field.
fn text(path: &'static str, value: &'static str) -> Change {
    Set(path, Widget::Text, value.into(), json!(value))
}

/// Types a whole number into a number field.
fn number(path: &'static str, value: i64) -> Change {
    Set(path, Widget::Number, value.to_string(), json!(value))
}

/// Turns a toggle on or off.
fn toggle(path: &'static str, on: bool) -> Change {
    Set(path, Widget::Toggle, on.to_string(), json!(on))
}

/// Chooses an enum member.
fn select(path: &'static str, member: &'static str) -> Change {
    Set(path, Widget::Select, member.into(), json!(member))
}

/// Picks a date and time (UTC, as the picker shows it); Graph gets it with a `Z`.
fn date_time(path: &'static str, local: &'static str) -> Change {
    Set(
        path,
        Widget::Picker,
        local.into(),
        json!(format!("{local}Z")),
    )
}

/// An object to open, and what to change in it.
struct Case {
    api: &'static str,
    type_name: &'static str,
    /// The entry set: a collection (with `id`) or a singleton (without).
    set: &'static str,
    id: Option<&'static str>,
    changes: Vec<Change>,
}

impl Case {
    fn graph_path(&self) -> String {
        match self.id {
            Some(id) => format!("/{}/{}/{id}", self.api, self.set),
            None => format!("/{}/{}", self.api, self.set),
        }
    }

    fn stored(&self, sandbox: &TestSandbox) -> Value {
        match self.id {
            Some(id) => sandbox.object(self.api, id),
            None => sandbox.singleton(self.api, self.set),
        }
    }

    fn first_path(&self) -> &'static str {
        match &self.changes[0] {
            Set(path, ..) => path,
            Add(path, _) => path,
        }
    }
}

const CUSTOM_V1_ID: &str = "76c5d59b-d59b-76c5-9bd5-c5769bd5c576";
const ENROLLMENT_ID: &str = "e6742553-2553-e674-5325-74e6532574e6";
const GENERAL_ID: &str = "a931a366-a366-a931-66a3-31a966a331a9";
const DERIVED_CREDENTIAL_ID: &str = "9815f155-f155-9815-55f1-159855f11598";
const WINDOWS10_ID: &str = "5a4dbe7a-0000-4000-8000-000000000001";
const IOS_ID: &str = "5a4dbe7a-0000-4000-8000-000000000002";
const CONFIGURATIONS: &str = "deviceManagement/deviceConfigurations";

/// The beta general Android for Work profile, which most failure tests edit.
fn general(changes: Vec<Change>) -> Case {
    Case {
        api: "beta",
        type_name: "androidForWorkGeneralDeviceConfiguration",
        set: CONFIGURATIONS,
        id: Some(GENERAL_ID),
        changes,
    }
}

/// Opens the case's object by its link (the page gets the demo token from `config.json`).
async fn open(h: &Harness, case: &Case) {
    h.open(case.api, case.type_name, case.id, case.first_path())
        .await;
}

/// Makes the case's changes in the form and returns the PATCH body they must produce:
/// `@odata.type` plus each changed top-level property, whole, as computed from `before`.
async fn make_changes(h: &Harness, case: &Case, before: &Value) -> Value {
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
fn changed_properties(body: &Value) -> Vec<String> {
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
fn assert_saved(
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
async fn edit_and_send(case: Case) {
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

// 1. The five seed types, every widget kind each has, and two large beta types.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_android_work_profile_custom_configuration() {
    edit_and_send(Case {
        api: "v1.0",
        type_name: "androidWorkProfileCustomConfiguration",
        set: CONFIGURATIONS,
        id: Some(CUSTOM_V1_ID),
        changes: vec![
            text("displayName", "Custom profile (e2e)"),
            text("omaSettings[0].value", "changed value"),
            // A new OMA setting: add an item, choose its kind, fill it in.
            Add("omaSettings", json!({})),
            Set(
                "omaSettings[1].@odata.type",
                Widget::Select,
                "microsoft.graph.omaSettingInteger".into(),
                json!("#microsoft.graph.omaSettingInteger"),
            ),
            text("omaSettings[1].displayName", "Screen timeout"),
            text("omaSettings[1].omaUri", "./Vendor/MSFT/Timeout"),
            number("omaSettings[1].value", 300),
        ],
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_android_for_work_enrollment_profile() {
    edit_and_send(Case {
        api: "beta",
        type_name: "androidForWorkEnrollmentProfile",
        set: "deviceManagement/androidForWorkEnrollmentProfiles",
        id: Some(ENROLLMENT_ID),
        changes: vec![
            text("displayName", "Enrollment (e2e)"),
            number("enrolledDeviceCount", 42),
            date_time("tokenExpirationDateTime", "2030-05-06T07:08:09"),
            text("qrCodeImage.type", "image/png"),
        ],
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_android_for_work_general_device_configuration() {
    edit_and_send(general(vec![
        text("vpnAlwaysOnPackageIdentifier", "com.example.vpn"),
        number("passwordMinimumLength", 8),
        toggle("passwordBlockFaceUnlock", false),
        select("workProfileDataSharingType", "allowPersonalToWork"),
        text("allowedGoogleAccountDomains[0]", "example.com"),
        Add("allowedGoogleAccountDomains", json!("")),
        text("allowedGoogleAccountDomains[1]", "example.org"),
        text(
            "deviceManagementApplicabilityRuleOsVersion.minOSVersion",
            "10.0",
        ),
        select(
            "deviceManagementApplicabilityRuleOsEdition.ruleType",
            "include",
        ),
    ]))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_android_device_owner_derived_credential_authentication_configuration() {
    edit_and_send(Case {
        api: "beta",
        type_name: "androidDeviceOwnerDerivedCredentialAuthenticationConfiguration",
        set: CONFIGURATIONS,
        id: Some(DERIVED_CREDENTIAL_ID),
        changes: vec![
            text("displayName", "Derived credential (e2e)"),
            select("certificateAccessType", "userApproval"),
            text("roleScopeTagIds[0]", "7"),
            text(
                "silentCertificateAccessDetails[0].packageId",
                "com.example.mail",
            ),
            select(
                "deviceManagementApplicabilityRuleDeviceMode.deviceMode",
                "standardConfiguration",
            ),
        ],
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_office_configuration_singleton() {
    edit_and_send(Case {
        api: "beta",
        type_name: "officeConfiguration",
        set: "officeConfiguration",
        id: None,
        changes: vec![
            text("tenantCheckinStatuses[0].deviceName", "PC-042"),
            toggle("tenantCheckinStatuses[0].wasSuccessful", false),
            date_time(
                "tenantCheckinStatuses[0].checkinDateTime",
                "2031-01-02T03:04:05",
            ),
            text("tenantCheckinStatuses[0].appliedPolicies[0]", "Policy A"),
            number("tenantUserCheckinSummary.failedUserCount", 3),
        ],
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_windows10_general_configuration_flags_and_time() {
    edit_and_send(Case {
        api: "beta",
        type_name: "windows10GeneralConfiguration",
        set: CONFIGURATIONS,
        id: Some(WINDOWS10_ID),
        changes: vec![
            Set(
                "startMenuAppListVisibility",
                Widget::Flags,
                "collapse,remove".into(),
                json!("collapse,remove"),
            ),
            Set(
                "defenderScheduledScanTime",
                Widget::Picker,
                "13:14:15".into(),
                json!("13:14:15"),
            ),
        ],
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_ios_general_device_configuration() {
    edit_and_send(Case {
        api: "beta",
        type_name: "iosGeneralDeviceConfiguration",
        set: CONFIGURATIONS,
        id: Some(IOS_ID),
        changes: vec![
            number("passcodeMinimumLength", 12),
            select("passcodeRequiredType", "alphanumeric"),
        ],
    })
    .await;
}

// 2. Validation before anything is sent.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_range_value_blocks_send() {
    let h = Harness::start().await;
    let case = general(vec![number("passwordExpirationDays", 30)]);
    let before = case.stored(&h.sandbox);
    open(&h, &case).await;
    let token = h.page.token().await;
    let requests = h.sandbox.requests().len();
    h.page
        .edit("passwordExpirationDays", Widget::Number, "400")
        .await;
    let errors = format!("{} p.error", messages("passwordExpirationDays"));
    h.page.wait_for_text(&errors, "365").await;
    assert!(h.page.exists("#send[disabled]").await, "Send is disabled");
    h.page
        .wait_for_text("#send-blocked", "Fix the errors")
        .await;
    // A click on the disabled button does nothing (whether WebDriver lets it through or not).
    let _ = h.page.wait_for("#send").await.click().await;
    assert_eq!(h.sandbox.requests().len(), requests, "no request at all");

    // Once the value is fixed, the only PATCH ever recorded is the fixed one: the invalid value
    // was never sent, not even late.
    let body = make_changes(&h, &case, &before).await;
    h.page.wait_gone(&errors).await;
    h.page.send_and_wait_saved().await;
    let patches = h.sandbox.patches();
    assert_eq!(patches.len(), 1, "{patches:#?}");
    assert_saved(&h.sandbox, &case, &token, &before, &body, &patches);
    h.finish().await;
}

// 3. Refused tokens.

/// Opens the general profile, pastes `token`, edits the name and sends; returns the stored
/// object from before.
async fn send_with_token(h: &Harness, token: &str) -> Value {
    let case = general(vec![]);
    let before = case.stored(&h.sandbox);
    h.open("beta", case.type_name, case.id, "displayName").await;
    h.page.paste_token(token).await;
    h.page.edit("displayName", Widget::Text, "Refused").await;
    h.page.send().await;
    before
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_token_shows_401() {
    let h = Harness::start().await;
    let expired = h.sandbox.token(None, -60).await;
    let before = send_with_token(&h, &expired).await;
    let view = h
        .page
        .wait_for_text(".error-view[data-status=\"401\"]", "401")
        .await;
    assert!(view.contains("Get a new token"), "advice: {view}");
    let last = h.sandbox.requests().pop().expect("a request");
    assert_eq!((last.method.as_str(), last.status), ("GET", Some(401)));
    assert_eq!(last.authorization, Some(format!("Bearer {expired}")));
    assert!(h.sandbox.patches().is_empty(), "no PATCH");
    assert_eq!(
        general(vec![]).stored(&h.sandbox),
        before,
        "store unchanged"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_token_shows_403() {
    let h = Harness::start().await;
    let read_only = h
        .sandbox
        .token(Some("DeviceManagementConfiguration.Read.All"), 3600)
        .await;
    let before = send_with_token(&h, &read_only).await;
    let view = h
        .page
        .wait_for_text(".error-view[data-status=\"403\"]", "403")
        .await;
    assert!(
        view.contains("The token lacks permission")
            && view.contains("DeviceManagementConfiguration.ReadWrite.All"),
        "advice: {view}"
    );
    let statuses: Vec<_> = h.sandbox.patches().iter().map(|p| p.status).collect();
    assert_eq!(statuses, [Some(403)], "the one PATCH was refused");
    assert_eq!(
        general(vec![]).stored(&h.sandbox),
        before,
        "store unchanged"
    );
    h.finish().await;
}

// 4. Throttling and outages, retried after a visible countdown.

/// Queues `spec` for one PATCH, sends a name change, and checks the countdown was shown, the
/// PATCHes were the fault's status then 200, and the change is stored.
async fn retried_after(spec: &str, status: u16) {
    let h = Harness::start().await;
    let case = general(vec![text("displayName", "After a retry")]);
    let before = case.stored(&h.sandbox);
    open(&h, &case).await;
    let token = h.page.token().await;
    let body = make_changes(&h, &case, &before).await;
    h.sandbox.fault(spec, "PATCH", 1);
    h.page.watch("retry").await;
    h.page.send_and_wait_saved().await;
    let shown = h.page.seen("retry").await;
    assert!(
        shown.iter().any(|t| t.contains("Retrying in 1 s")),
        "the countdown was shown: {shown:?}"
    );
    let patches = h.sandbox.patches();
    let statuses: Vec<_> = patches.iter().map(|p| p.status).collect();
    assert_eq!(statuses, [Some(status), Some(200)]);
    assert_eq!(patches[0].body, body, "the retry sends the same body");
    assert_saved(&h.sandbox, &case, &token, &before, &body, &patches);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_429_is_retried_after_retry_after() {
    retried_after("429:retry-after=1", 429).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unavailable_503_is_retried_with_backoff() {
    retried_after("503", 503).await;
}

// 5. A dropped connection keeps the edit; sending again works.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connection_keeps_the_edit() {
    let h = Harness::start().await;
    let case = general(vec![text("displayName", "Kept through a drop")]);
    let before = case.stored(&h.sandbox);
    open(&h, &case).await;
    let token = h.page.token().await;
    let body = make_changes(&h, &case, &before).await;
    // For every PATCH until cleared: Chromium resends a request whose connection closed
    // unanswered (five times in all, as measured), so a one-shot drop would go unnoticed.
    h.sandbox.fault("drop", "PATCH", 100);
    h.page.send().await;
    let view = h.page.wait_for_text(".error-view", "no answer").await;
    assert!(view.contains("Your edit is kept"), "{view}");
    assert_eq!(
        h.page.value("displayName").await.as_deref(),
        Some("Kept through a drop"),
        "the edit is still in the form"
    );
    h.page
        .wait_for_draft("displayName", json!("Kept through a drop"))
        .await;
    let dropped = h.sandbox.patches();
    assert!(!dropped.is_empty() && dropped.iter().all(|p| p.status.is_none()));
    assert_eq!(case.stored(&h.sandbox), before, "store unchanged");

    h.sandbox.clear_faults();
    h.page.send_and_wait_saved().await;
    let patches = h.sandbox.patches();
    assert_eq!(patches.len(), dropped.len() + 1, "{patches:#?}");
    assert_saved(&h.sandbox, &case, &token, &before, &body, &patches);
    h.finish().await;
}

// 6. Someone else changed the object: nothing is sent until the user rebases.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_change_is_shown_then_rebased() {
    let h = Harness::start().await;
    let case = general(vec![text("description", "Mine on top")]);
    let before = case.stored(&h.sandbox);
    open(&h, &case).await;
    let token = h.page.token().await;
    let body = make_changes(&h, &case, &before).await;
    // The GET that Send makes first meets another administrator's save.
    h.sandbox.fault("concurrent", "GET", 1);
    h.page.send().await;
    h.page.wait_for("#conflict").await;
    let theirs = h
        .page
        .attributes("#conflict tr[data-property]", "data-property")
        .await;
    assert!(
        theirs.contains(&"displayName".to_string()) && theirs.contains(&"version".to_string()),
        "their changes are listed: {theirs:?}"
    );
    assert!(h.sandbox.patches().is_empty(), "nothing sent");
    let changed = case.stored(&h.sandbox);
    let version = before["version"].as_i64().expect("a version");
    assert_eq!(changed["version"], json!(version + 1));

    h.page.click("#rebase").await;
    h.page.send_and_wait_saved().await;
    let patches = h.sandbox.patches();
    assert_eq!(patches.len(), 1);
    // Checked against the object as the other administrator left it.
    assert_saved(&h.sandbox, &case, &token, &changed, &body, &patches);
    let stored = case.stored(&h.sandbox);
    assert!(stored["displayName"]
        .as_str()
        .is_some_and(|n| n.ends_with("(changed elsewhere)")));
    assert_eq!(stored["version"], json!(version + 2));
    h.finish().await;
}

// 7. Drafts survive a reload.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_survives_reload() {
    let h = Harness::start().await;
    let case = general(vec![]);
    h.open("beta", case.type_name, case.id, "displayName").await;
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

// 8. A file from disk is validated offline.

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

// 9. A custom Graph base URL gets the requests, and no other host does.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_graph_base_gets_every_request() {
    let h = Harness::start().await;
    let b = TestSandbox::start(None).await;
    let token = b.token(None, 3600).await;
    let case = general(vec![text("displayName", "Sent to B")]);
    let before = case.stored(&b);
    let a_before = case.stored(&h.sandbox);
    h.page
        .goto(&e2e::link(
            &h.sandbox.url(),
            &b.url(),
            case.api,
            case.type_name,
            case.id,
        ))
        .await;
    // A link's own base is the user's call: nothing goes to it before they say yes.
    h.page.wait_for_text("#link-base", &b.url()).await;
    assert!(b.requests().is_empty(), "{:#?}", b.requests());
    h.page.click("#link-base-use").await;
    h.page
        .wait_for_text("#info", "access token to load the linked object")
        .await;
    h.page.paste_token(&token).await;
    h.page.click("#list-button").await;
    h.page
        .click(&format!("#object-list button[data-id=\"{GENERAL_ID}\"]"))
        .await;
    h.page.wait_for_field("displayName").await;
    let body = make_changes(&h, &case, &before).await;
    h.page.send_and_wait_saved().await;

    let patches = b.patches();
    assert_eq!(patches.len(), 1);
    assert_saved(&b, &case, &token, &before, &body, &patches);
    let requests = b.requests();
    assert!(requests[0].method == "GET" && requests[0].path.contains("deviceConfigurations?"));
    for r in &requests {
        assert_eq!(r.authorization, Some(format!("Bearer {token}")), "{r:?}");
    }
    assert!(
        h.sandbox.requests().is_empty(),
        "the app's own host got no Graph request: {:#?}",
        h.sandbox.requests()
    );
    assert_eq!(case.stored(&h.sandbox), a_before);
    b.stop().await;
    h.finish().await;
}

/// Polls an asynchronous script (its last argument is its callback) until it answers `true`.
async fn until_answered_true(page: &e2e::Page, what: &str, script: &str, args: Vec<Value>) {
    page.until(what, || async {
        page.js_async(script, args.clone())
            .await
            .as_bool()
            .unwrap_or(false)
            .then_some(())
    })
    .await;
}

/// Waits until the select `id` offers more than `n` options.
async fn wait_for_options(page: &e2e::Page, id: &str, n: u64) {
    page.until(&format!("more than {n} options in #{id}"), || async {
        let have = page
            .js(
                "return document.querySelectorAll('#' + arguments[0] + ' option').length;",
                vec![json!(id)],
            )
            .await;
        (have.as_u64().unwrap_or(0) > n).then_some(())
    })
    .await;
}

/// Waits until the browser's new-draft list holds the beta types (its catalog is in).
async fn wait_for_type_list(page: &e2e::Page) {
    wait_for_options(page, "new-type", 150).await;
}

/// Starts a new draft of `type_name` (qualified) from the browser; waits for its title.
async fn start_draft(page: &e2e::Page, type_name: &str, title: &str) {
    page.js(
        "const s = document.getElementById('new-type');
         s.value = arguments[0];
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!(type_name)],
    )
    .await;
    page.click("#new-draft").await;
    page.wait_for_text("#doc-title", title).await;
}

/// A sandbox serving `dist`, a browser, and a page opening the windows10 object's link.
async fn windows10_from(dist: std::path::PathBuf) -> (TestSandbox, e2e::ChromeDriver, e2e::Page) {
    let sandbox = TestSandbox::start(Some(dist)).await;
    let driver = e2e::ChromeDriver::start();
    let page = e2e::Page::open(&driver).await;
    let url = sandbox.url();
    page.goto(&e2e::link(
        &url,
        &url,
        "beta",
        "windows10GeneralConfiguration",
        Some(WINDOWS10_ID),
    ))
    .await;
    (sandbox, driver, page)
}

// 10. A linked form loads its own type's schema pack, not the whole version; the browser's lists
// come from the version's small catalog, another type's draft loads that type's pack, the offline
// cache keeps the whole version's file, and a link to no known type says so.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_form_loads_only_its_types_schema_and_the_rest_follows() {
    let h = Harness::start().await;
    h.open(
        "beta",
        "windows10GeneralConfiguration",
        Some(WINDOWS10_ID),
        "enterpriseCloudPrintDiscoveryMaxLimit",
    )
    .await;
    // The schema files the page asked for before its form was ready.
    let before_form = h
        .page
        .until("the form-ready mark", || async {
            let v = h
                .page
                .js(
                    "const m = performance.getEntriesByName('form-ready')[0];
                     if (!m) return null;
                     return performance.getEntriesByType('resource')
                       .filter(e => e.startTime < m.startTime && e.name.includes('/schema/'))
                       .map(e => new URL(e.name).pathname);",
                    vec![],
                )
                .await;
            (!v.is_null()).then_some(v)
        })
        .await;
    assert_eq!(
        before_form,
        json!(["/schema/beta/windows10GeneralConfiguration.json"])
    );
    // Then the catalog, for the browser's list of types to start a draft of.
    wait_for_type_list(&h.page).await;
    let schema_files = || async {
        h.page
            .js(
                "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)
                   .filter(p => p.includes('/schema/'));",
                vec![],
            )
            .await
    };
    assert!(
        schema_files()
            .await
            .as_array()
            .unwrap()
            .contains(&json!("/schema/beta.catalog.json")),
        "{}",
        schema_files().await
    );
    // The offline cache (static/sw.js) keeps the whole version's file; the page never loads it.
    until_answered_true(
        &h.page,
        "the whole beta schema in the offline cache",
        "const done = arguments[arguments.length - 1];
         caches.match('schema/beta.json').then(r => done(!!r), () => done(false));",
        vec![],
    )
    .await;
    let asked = schema_files().await;
    assert!(
        !asked
            .as_array()
            .unwrap()
            .contains(&json!("/schema/beta.json")),
        "{asked}"
    );
    // The form still works on the merged schema: an edit validates and shows in the diff.
    h.page
        .edit(
            "enterpriseCloudPrintDiscoveryMaxLimit",
            Widget::Number,
            "70000",
        )
        .await;
    h.page
        .wait_for_text(
            &format!(
                "{} p.error",
                messages("enterpriseCloudPrintDiscoveryMaxLimit")
            ),
            "65535",
        )
        .await;

    // A new draft of a type from the catalog: its pack loads and its form opens.
    start_draft(
        &h.page,
        "microsoft.graph.androidWorkProfileCustomConfiguration",
        "Android work profile custom configuration",
    )
    .await;
    // Validated at once: a new draft lacks the required name.
    h.page
        .wait_for_text("#problem-summary", "displayName is required")
        .await;
    assert!(schema_files().await.as_array().unwrap().contains(&json!(
        "/schema/beta/androidWorkProfileCustomConfiguration.json"
    )));

    // A link to a type no version declares, and one that is not a name at all.
    for bad in ["notAConfigurationType", "../../config"] {
        h.page.goto(&h.link("beta", bad, Some("x"))).await;
        h.page.wait_for_text("#info", "does not know").await;
        let asked = h
            .page
            .js(
                "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)
                   .filter(p => p.includes('/schema/'));",
                vec![],
            )
            .await;
        for p in asked.as_array().into_iter().flatten() {
            let p = p.as_str().unwrap_or_default();
            assert!(
                p == "/schema/beta.json"
                    || p == "/schema/beta.catalog.json"
                    || p == "/schema/beta/notAConfigurationType.json",
                "{bad}: the page asked for {p}"
            );
        }
    }
    assert!(h.sandbox.patches().is_empty());
    h.finish().await;
}

// 11. A host that does not serve the schema files: the page says so and sends nothing.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_without_the_schema_files_says_so() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // The built app without its schema/ folder (only the top-level files are copied).
    for entry in std::fs::read_dir(e2e::dist_dir()).expect("dist/").flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copied");
        }
    }
    let (sandbox, driver, page) = windows10_from(dir.path().to_path_buf()).await;
    let shown = page.wait_for_text("#info", "could not be loaded").await;
    assert!(shown.contains("Cannot open the linked form"), "{shown}");
    assert!(!page.exists(".form").await);
    assert!(
        sandbox.requests().is_empty(),
        "no Graph request without a form: {:#?}",
        sandbox.requests()
    );
    // The browser's lists cannot load either: their panel says so, and the form's message stays.
    page.wait_for_text("#catalog-error", "Cannot list the beta collections")
        .await;
    let shown = page.text("#info").await.unwrap_or_default();
    assert!(shown.contains("Cannot open the linked form"), "{shown}");
    // Once the host serves the files, "Try again" brings the lists.
    let schema = e2e::dist_dir().join("schema");
    std::fs::create_dir_all(dir.path().join("schema")).expect("schema/");
    for name in ["beta.catalog.json", "beta.json"] {
        std::fs::copy(schema.join(name), dir.path().join("schema").join(name)).expect("copied");
    }
    page.click("#catalog-error button").await;
    wait_for_options(&page, "entry-set", 5).await;
    assert!(!page.exists("#catalog-error").await);
    page.close().await;
    drop(driver);
    sandbox.stop().await;
}

// 12. Offline after one visit (README): with the host gone, the app still opens from the
// browser's cache, lists the types, and a new draft of a type whose pack was never loaded opens
// and validates from the whole version's file the cache kept. An earlier build's files do not
// pile up in that cache.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_one_visit_a_new_draft_of_any_type_opens_offline() {
    let (sandbox, driver, page) = windows10_from(e2e::dist_dir()).await;
    let url = sandbox.url();
    page.wait_for_field("enterpriseCloudPrintDiscoveryMaxLimit")
        .await;
    // The app's files the page loaded, and the whole version's schema, which it did not.
    until_answered_true(
        &page,
        "the app and the beta schema in the offline cache",
        "const done = arguments[arguments.length - 1];
         const own = performance.getEntriesByType('resource').map(e => e.name)
           .filter(u => new URL(u).origin === location.origin && !/\\/(v1\\.0|beta)\\//.test(u)
             && !/config\\.json$/.test(u));
         const want = own.concat([new URL('schema/beta.json', location.href).href]);
         Promise.all(want.map(u => caches.match(u))).then(hits => done(hits.every(h => h)), () => done(false));",
        vec![],
    )
    .await;
    // Never the host's settings (config.json holds the sandbox's fresh demo token), nor a copy
    // of the page per query string: one copy, under the app's own address.
    let kept = page
        .js_async(
            "const done = arguments[arguments.length - 1];
             caches.open('intune-editor-shell-v1').then(c => c.keys())
               .then(keys => done(keys.map(r => r.url)), () => done(null));",
            vec![],
        )
        .await;
    let kept: Vec<String> = serde_json::from_value(kept).expect("the cache's keys");
    assert!(kept.contains(&format!("{url}/")), "{kept:#?}");
    assert!(
        kept.iter()
            .all(|k| !k.contains("config.json") && !k.contains('?')),
        "{kept:#?}"
    );
    // The files of an earlier build go when the page reports this build's.
    let stale = format!("{url}/intune-editor-0123456789abcdef_bg.wasm");
    page.js_async(
        "const done = arguments[arguments.length - 1];
         caches.open('intune-editor-shell-v1')
           .then(c => c.put(arguments[0], new Response('old build')))
           .then(() => {
             const own = performance.getEntriesByType('resource').map(e => e.name)
               .filter(u => new URL(u).origin === location.origin);
             navigator.serviceWorker.controller.postMessage({ cache: own });
             done(true);
           });",
        vec![json!(stale)],
    )
    .await;
    until_answered_true(
        &page,
        "the earlier build's file out of the cache",
        "const done = arguments[arguments.length - 1];
         caches.match(arguments[0]).then(r => done(!r), () => done(false));",
        vec![json!(stale)],
    )
    .await;
    sandbox.stop().await;

    page.goto(&format!("{url}/")).await;
    wait_for_type_list(&page).await;
    start_draft(
        &page,
        "microsoft.graph.androidWorkProfileCustomConfiguration",
        "Android work profile custom configuration",
    )
    .await;
    page.wait_for_text("#problem-summary", "displayName is required")
        .await;
    page.close().await;
    drop(driver);
}

// 13. A linked object is asked for once, before the app has mounted (`app::load_link_early`);
// an error answer to that early request is handled like any other, and a stored draft of the
// object means no request at all.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_object_is_asked_for_once_and_early() {
    let h = Harness::start().await;
    let object_gets = || {
        h.sandbox
            .requests()
            .into_iter()
            .filter(|r| r.method == "GET" && r.path.contains(WINDOWS10_ID))
            .map(|r| r.status)
            .collect::<Vec<_>>()
    };
    // Throttled once: retried after the countdown, then the object.
    h.sandbox.fault("429:retry-after=1", "GET", 1);
    h.open(
        "beta",
        "windows10GeneralConfiguration",
        Some(WINDOWS10_ID),
        "displayName",
    )
    .await;
    assert_eq!(object_gets(), [Some(429), Some(200)]);

    // A plain load: one request, sent before the app mounted.
    h.page.refresh().await;
    h.page.wait_for_field("displayName").await;
    assert_eq!(object_gets(), [Some(429), Some(200), Some(200)]);
    let early = h
        .page
        .js(
            "const mounted = performance.getEntriesByName('mounted')[0].startTime;
             return performance.getEntriesByType('resource')
               .filter(e => e.name.includes(arguments[0]))
               .map(e => e.startTime < mounted);",
            vec![json!(WINDOWS10_ID)],
        )
        .await;
    assert_eq!(early, json!([true]));

    // A stored draft opens instead of the object: nothing is asked.
    h.page.edit("displayName", Widget::Text, "Draft name").await;
    h.page
        .wait_for_draft("displayName", json!("Draft name"))
        .await;
    h.page.refresh().await;
    h.page.wait_for_text("#info", "restored").await;
    assert_eq!(object_gets(), [Some(429), Some(200), Some(200)]);

    // An id that would leave the collection: the page says so, and nothing is asked, early or
    // late.
    let before = h.sandbox.requests().len();
    h.page
        .goto(&h.link("beta", "windows10GeneralConfiguration", Some("..")))
        .await;
    h.page.wait_for_text("#info", "id is not usable").await;
    assert_eq!(h.sandbox.requests().len(), before);
    h.finish().await;
}
