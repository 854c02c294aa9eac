//! Accessibility, proven in the browser: axe-core (`e2e::axe`) finds no WCAG 2.1 A or AA
//! violation on the views a person works in (the object list, the connection and sign-in panels,
//! the 293-field Windows 10 form with an invalid value, the review of a change, a settings
//! catalog policy, an endpoint security intent with an invalid value, a Graph error), in the light and the dark theme; and a person with only a
//! keyboard can list, open, edit, review and send.

use e2e::axe::{report, violations};
use e2e::cases::{assert_saved, general};
use e2e::seeds::{
    GENERAL_ID, INTENT, INTENT_ENDPOINT_ID, SETTINGS_POLICY, SETTINGS_WINDOWS_ID, WINDOWS10,
    WINDOWS10_ID,
};
use e2e::{field, messages, Harness, Page};
use fantoccini::key::Key;
use serde_json::json;

/// A toggle of the general Android profile, on in the seed.
const TOGGLE: &str = "passwordBlockFaceUnlock";

/// A setting of the Windows settings catalog policy, there once its settings are rendered.
const PASSWORD: &str = "device_vendor_msft_policy_config_devicelock_devicepasswordenabled";

/// A ranged number (0 to 100) of the seeded endpoint security intent.
const INTENT_CPU: &str =
    "deviceConfiguration--windows10EndpointProtectionConfiguration_defenderScanMaxCpuPercentage";

/// A Windows 10 number field with a range (0 to 100), made invalid and then valid again.
const CPU: &str = "defenderScanMaxCpu";

/// Runs axe-core on the page as it is now in the light theme, then in the dark one (the app
/// follows the system's setting, emulated here), and fails on any violation in either.
async fn in_both_themes(page: &Page, what: &str) {
    for scheme in ["light", "dark"] {
        page.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .await;
        e2e::axe::assert_accessible(page, &format!("{what} ({scheme} theme)")).await;
    }
}

/// One browser session through every view (a session costs seconds of CI time).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_passes_axe_at_wcag_2_1_aa() {
    let h = Harness::start().await;
    let page = &h.page;

    // The home view, with a collection listed.
    page.goto(&h.home("beta")).await;
    page.click("#list-button").await;
    page.wait_for(&format!("#object-list button[data-id=\"{GENERAL_ID}\"]"))
        .await;
    page.wait_for_type_list().await;
    in_both_themes(page, "the object list").await;

    // The connection panel with the sign-in panel and its settings open, a client ID and an
    // authority (the sandbox is a custom Graph base) typed so the "Sign in" button shows.
    if page.exists("#connection:not([open])").await {
        page.click("#connection-summary").await;
    }
    page.click("#sign-in-panel details summary").await;
    page.set_value_as_paste("msal-client-id", "0e2e0e2e-5a4d-4b0c-8a4d-00000000a110")
        .await;
    page.set_value_as_paste("msal-authority", "https://login.example/organizations")
        .await;
    page.wait_for("#sign-in").await;
    in_both_themes(page, "the connection and sign-in panels").await;
    // Folded again: open, it would cover the top of the form.
    if page.exists("#connection[open]").await {
        page.click("#connection-summary").await;
    }

    // The big form, with a value out of range.
    h.open("beta", WINDOWS10, Some(WINDOWS10_ID), CPU).await;
    page.edit(CPU, e2e::Widget::Number, "150").await;
    let error = format!("{} p.error", messages(CPU));
    page.wait_for_text(&error, "100").await;
    let invalid = format!(
        "{}[aria-invalid=\"true\"][aria-describedby~=\"e-{CPU}\"]",
        field(CPU)
    );
    assert!(
        page.exists(&invalid).await,
        "the input says it is invalid and points at its message"
    );
    in_both_themes(page, "the Windows 10 form with an invalid value").await;

    // The review of a change.
    page.edit(CPU, e2e::Widget::Number, "50").await;
    page.wait_gone(&error).await;
    page.wait_for(&format!("#diff tr[data-property=\"{CPU}\"]"))
        .await;
    page.wait_for("#send:not([disabled])").await;
    in_both_themes(page, "the review of a change").await;

    // Graph's error for a Send (a 502 the sandbox injects; not retried), shown with the form.
    h.sandbox.fault("502", "PATCH", 1);
    page.send().await;
    page.wait_for(".error-view[data-status=\"502\"]").await;
    in_both_themes(page, "a Graph error").await;

    // The checker is live: an input without a label and low-contrast text put into the page
    // are reported, with their selectors.
    page.js(
        r##"window.scrollTo(0, 0);
           document.querySelector("main").insertAdjacentHTML("afterbegin",
             '<input id="a11y-probe"><p id="a11y-faint">faint</p>');
           // Through the CSSOM: the page's Content-Security-Policy drops style attributes.
           const faint = document.getElementById("a11y-faint").style;
           faint.color = "#ccc";
           faint.background = "#fff";"##,
        vec![],
    )
    .await;
    let found = violations(page).await;
    let at = |rule: &str| {
        found.iter().find(|v| v.id == rule).map(|v| {
            v.nodes
                .iter()
                .map(|n| n.target.join(" "))
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(
        at("label"),
        Some(vec!["#a11y-probe".to_string()]),
        "{}",
        report(&found)
    );
    assert_eq!(
        at("color-contrast"),
        Some(vec!["#a11y-faint".to_string()]),
        "{}",
        report(&found)
    );

    // A settings catalog policy, rendered from its settings' definitions.
    page.goto(&h.link("beta", SETTINGS_POLICY, Some(SETTINGS_WINDOWS_ID)))
        .await;
    page.wait_for(&format!("section.setting[data-setting=\"{PASSWORD}\"]"))
        .await;
    page.wait_for_text("#definitions-as-of", "Definitions as of")
        .await;
    in_both_themes(page, "a settings catalog policy").await;

    // An endpoint security intent, a number out of its range.
    page.goto(&h.link("beta", INTENT, Some(INTENT_ENDPOINT_ID)))
        .await;
    let cpu = format!("section.setting[data-setting=\"{INTENT_CPU}\"] input");
    page.wait_for(&cpu).await;
    page.wait_for_text("#definitions-as-of", "Definitions as of")
        .await;
    let dom = page
        .js(
            "return document.querySelector(arguments[0]).id;",
            vec![json!(cpu)],
        )
        .await;
    page.set_value_as_paste(dom.as_str().unwrap_or_default(), "150")
        .await;
    page.wait_for(&format!("{cpu}[aria-invalid=\"true\"]"))
        .await;
    in_both_themes(page, "an endpoint security intent with an error").await;

    h.finish().await;
}

/// List, open, edit, review and send with the keyboard alone: Tab and Shift+Tab to move, Enter
/// to press a button, Space to turn a toggle, typing to edit; no click, and scripts only read
/// the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_alone_lists_opens_edits_and_sends() {
    let h = Harness::start().await;
    let page = &h.page;
    let case = general(vec![]);
    let before = case.stored(&h.sandbox);
    page.goto(&h.home("beta")).await;
    page.wait_for("#list-button").await;
    let token = page.token().await;

    page.tab_to("#list-button", 60).await;
    page.press(Key::Enter, false).await;
    let row = format!("#object-list button[data-id=\"{GENERAL_ID}\"]");
    page.wait_for(&row).await;
    page.tab_to(&row, 60).await;
    page.press(Key::Enter, false).await;
    page.wait_for_field("displayName").await;

    page.tab_to(&field("displayName"), 400).await;
    page.press(Key::End, false).await;
    page.type_keys(" by keyboard").await;
    let name = format!(
        "{} by keyboard",
        before["displayName"].as_str().expect("a name")
    );
    page.wait_for_value("displayName", &name).await;

    // A toggle, with Space (Shift+Tab if it comes before the name).
    page.tab_to(&field(TOGGLE), 400).await;
    page.press(Key::Space, false).await;
    page.wait_for_value(TOGGLE, "false").await;

    page.tab_to("#send", 600).await;
    page.wait_for("#send:not([disabled])").await;
    page.press(Key::Enter, false).await;
    page.wait_for_text("#info", "Saved").await;

    assert_eq!(before[TOGGLE], json!(true));
    let body = json!({
        "@odata.type": before["@odata.type"],
        "displayName": name,
        TOGGLE: false,
    });
    let patches = h.sandbox.patches();
    assert_eq!(patches.len(), 1, "exactly one PATCH: {patches:#?}");
    assert_saved(&h.sandbox, &case, &token, &before, &body, &patches);
    h.finish().await;
}
