//! Editing and sending: every seeded type with each kind of widget it has (text, number, toggle,
//! choice, flags, date and time pickers, lists and nested objects), and a value out of range
//! that blocks Send until it is fixed.

use e2e::cases::{
    assert_saved, date_time, edit_and_send, general, make_changes, number, open, select, text,
    toggle, Case, Change::Add, Change::Set,
};
use e2e::seeds::{
    CONFIGURATIONS, CUSTOM, CUSTOM_V1_ID, DERIVED_CREDENTIAL, DERIVED_CREDENTIAL_ID, ENROLLMENT,
    ENROLLMENT_ID, IOS, IOS_ID, OFFICE, WINDOWS10, WINDOWS10_ID,
};
use e2e::{messages, Harness, Widget};
use serde_json::json;

// The five seed types, every widget kind each has, and two large beta types.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_android_work_profile_custom_configuration() {
    edit_and_send(Case {
        api: "v1.0",
        type_name: CUSTOM,
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
        type_name: ENROLLMENT,
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
        type_name: DERIVED_CREDENTIAL,
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
        type_name: OFFICE,
        set: OFFICE,
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
        type_name: WINDOWS10,
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
        type_name: IOS,
        set: CONFIGURATIONS,
        id: Some(IOS_ID),
        changes: vec![
            number("passcodeMinimumLength", 12),
            select("passcodeRequiredType", "alphanumeric"),
        ],
    })
    .await;
}

// Validation before anything is sent.

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
