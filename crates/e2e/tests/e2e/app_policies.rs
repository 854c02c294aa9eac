//! App protection and app configuration policies under `deviceAppManagement`: listed in the
//! object browser by their collection's name, opened from the list or by a link, edited through
//! their typed forms and sent as a minimal PATCH to their own path, in both API versions.

use e2e::cases::{
    assert_saved, changed_properties, edit_and_send, make_changes, number, select, text, toggle,
    Case,
};
use e2e::seeds::{
    ANDROID_PROTECTION, ANDROID_PROTECTIONS, ANDROID_PROTECTION_ID, APP_CONFIGURATION,
    APP_CONFIGURATIONS, APP_CONFIGURATION_ID, IOS_PROTECTION, IOS_PROTECTIONS, IOS_PROTECTION_ID,
    MDM_WIP, MDM_WIPS, MDM_WIP_ID,
};
use e2e::{Harness, Page};
use serde_json::json;

/// The listed rows' object ids, in order.
async fn listed_ids(page: &Page) -> Vec<String> {
    page.attributes("#object-list button[data-id]", "data-id")
        .await
}

/// Chooses the collection `set` in the browser and lists it.
async fn list(page: &Page, set: &str) {
    page.wait_for(&format!("#entry-set option[value=\"{set}\"]"))
        .await;
    page.js(
        "const s = document.getElementById('entry-set');
         s.value = arguments[0];
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!(set)],
    )
    .await;
    page.click("#list-button").await;
}

/// From the home page: the iOS protections are listed under a readable name, the seeded policy
/// opens from the list, a PIN length and a boolean change, and exactly those two go to
/// `deviceAppManagement/iosManagedAppProtections/{id}`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_ios_protection_lists_opens_and_patches() {
    let h = Harness::start().await;
    let page = &h.page;
    let url = h.sandbox.url();
    let enc = policy_core::endpoint::percent_encode;
    page.goto(&format!("{url}/?graph={}&api=beta", enc(&url)))
        .await;
    let option = format!("#entry-set option[value=\"{IOS_PROTECTIONS}\"]");
    page.wait_for(&option).await;
    assert_eq!(
        page.text(&option).await.as_deref(),
        Some("iosManagedAppProtections")
    );

    // The base collection lists every kind of app policy, as Graph does.
    list(page, "deviceAppManagement/managedAppPolicies").await;
    let row = format!("#object-list button[data-id=\"{MDM_WIP_ID}\"]");
    page.wait_for(&row).await;
    let mut all = listed_ids(page).await;
    all.sort();
    let mut seeded = vec![
        IOS_PROTECTION_ID,
        ANDROID_PROTECTION_ID,
        APP_CONFIGURATION_ID,
        MDM_WIP_ID,
    ];
    seeded.sort();
    assert_eq!(all, seeded);

    list(page, IOS_PROTECTIONS).await;
    let row = format!("#object-list button[data-id=\"{IOS_PROTECTION_ID}\"]");
    page.until("only the iOS policy listed", || async {
        (listed_ids(page).await == [IOS_PROTECTION_ID]).then_some(())
    })
    .await;
    page.click(&row).await;
    page.wait_for_field("printBlocked").await;

    let case = Case {
        api: "beta",
        type_name: IOS_PROTECTION,
        set: IOS_PROTECTIONS,
        id: Some(IOS_PROTECTION_ID),
        changes: vec![toggle("printBlocked", true), number("minimumPinLength", 8)],
    };
    let before = case.stored(&h.sandbox);
    assert_eq!(
        (
            before["minimumPinLength"].clone(),
            before["printBlocked"].clone()
        ),
        (json!(6), json!(false))
    );
    let token = page.token().await;
    let body = make_changes(&h, &case, &before).await;
    assert_eq!(
        body,
        json!({
            "@odata.type": "#microsoft.graph.iosManagedAppProtection",
            "printBlocked": true,
            "minimumPinLength": 8
        })
    );
    let mut reviewed = page.diff_properties().await;
    reviewed.sort();
    assert_eq!(reviewed, changed_properties(&body));
    assert!(h.sandbox.patches().is_empty(), "nothing sent before Send");
    page.send_and_wait_saved().await;

    let patches = h.sandbox.patches();
    assert_eq!(patches.len(), 1, "{patches:#?}");
    assert_saved(&h.sandbox, &case, &token, &before, &body, &patches);
    assert_eq!(
        patches[0].path,
        format!("/beta/deviceAppManagement/iosManagedAppProtections/{IOS_PROTECTION_ID}")
    );
    let requests = h.sandbox.requests();
    assert!(
        requests.iter().any(|r| r.method == "GET"
            && r.path
                .starts_with("/beta/deviceAppManagement/iosManagedAppProtections?")),
        "the collection was listed: {requests:#?}"
    );
    h.finish().await;
}

/// v1.0, opened by a link naming only the type and id: the Android protection's own collection
/// is found from the type, and a number, a toggle, a choice and a text go out as one PATCH.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_android_protection_by_link() {
    edit_and_send(Case {
        api: "v1.0",
        type_name: ANDROID_PROTECTION,
        set: ANDROID_PROTECTIONS,
        id: Some(ANDROID_PROTECTION_ID),
        changes: vec![
            number("minimumPinLength", 5),
            toggle("screenCaptureBlocked", false),
            select("pinCharacterSet", "alphanumericAndSymbol"),
            text("minimumWarningOsVersion", "14.0"),
        ],
    })
    .await;
}

/// Beta app configuration: a key/value item of `customSettings` and an enum.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_targeted_app_configuration_by_link() {
    edit_and_send(Case {
        api: "beta",
        type_name: APP_CONFIGURATION,
        set: APP_CONFIGURATIONS,
        id: Some(APP_CONFIGURATION_ID),
        changes: vec![
            text("customSettings[0].value", "true"),
            select("appGroupType", "allCoreMicrosoftApps"),
        ],
    })
    .await;
}

/// Beta WIP policy for enrolled devices: nested app and IP range items and the enforcement level.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beta_mdm_wip_policy_by_link() {
    edit_and_send(Case {
        api: "beta",
        type_name: MDM_WIP,
        set: MDM_WIPS,
        id: Some(MDM_WIP_ID),
        changes: vec![
            select("enforcementLevel", "encryptAndAuditOnly"),
            text("protectedApps[1].binaryVersionLow", "10.0.19041.0"),
            text(
                "enterpriseIPRanges[0].ranges[0].upperAddress",
                "10.20.127.254",
            ),
            toggle("iconsVisible", false),
        ],
    })
    .await;
}
