//! Settings catalog and endpoint security policies: the settings editor loads only when such a
//! policy opens, renders each setting by its definition, validates at the field (an
//! out-of-range number, an option outside the list block Send), edits choices (their children
//! appear), numbers, lists, adds a setting through the picker and removes one; Send writes the
//! whole policy with one PUT carrying exactly the intended settings; offline, the draft reopens
//! and validates from the definitions the browser kept.

use e2e::seeds::{SETTINGS_ANTIVIRUS_ID, SETTINGS_POLICY, SETTINGS_WINDOWS_ID};
use e2e::{Harness, TestSandbox};
use graph_sandbox::sandbox::Recorded;
use serde_json::{json, Value};

const PASSWORD: &str = "device_vendor_msft_policy_config_devicelock_devicepasswordenabled";
const MIN_LENGTH: &str = "device_vendor_msft_policy_config_devicelock_mindevicepasswordlength";
const HOME_PAGES: &str = "device_vendor_msft_policy_config_browser_homepages";
const PROXY: &str = "device_vendor_msft_policy_config_networkproxy_proxysettings";
const ADDED: &str = "device_vendor_msft_policy_config_defender_signatureupdateinterval";

/// The input (or radio group, select) of a setting's value at `path`.
fn input(path: &str) -> String {
    format!("[id=\"s-{path}\"]")
}

fn setting(id: &str) -> String {
    format!("section.setting[data-setting=\"{id}\"]")
}

/// Opens a settings policy and waits for its settings.
async fn open_policy(h: &Harness, id: &str, first: &str) {
    h.page
        .goto(&h.link("beta", SETTINGS_POLICY, Some(id)))
        .await;
    h.page.wait_for(&setting(first)).await;
    h.page
        .wait_for_text("#definitions-as-of", "Definitions as of")
        .await;
}

/// Clicks the element at `css` from script, once it is there (a radio's label may cover it).
async fn js_click(h: &Harness, css: &str) {
    h.page.wait_for(css).await;
    h.page
        .js(
            "document.querySelector(arguments[0]).click();",
            vec![json!(css)],
        )
        .await;
}

/// Types `text` into the input at `path` (replacing what it holds).
async fn type_into(h: &Harness, path: &str, text: &str) {
    h.page.set_value_as_paste(&format!("s-{path}"), text).await;
}

async fn send_blocked(h: &Harness) -> bool {
    h.page.exists("#send[disabled]").await && h.page.exists("#send-blocked").await
}

fn puts(h: &Harness) -> Vec<Recorded> {
    h.sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect()
}

/// `v` without the sandbox's own bookkeeping (`@sandbox.*` keys: a secret's plain value),
/// which Graph never shows.
fn as_graph_shows(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !k.starts_with("@sandbox."))
                .map(|(k, v)| (k.clone(), as_graph_shows(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(as_graph_shows).collect()),
        other => other.clone(),
    }
}

fn instances(settings: &Value) -> Vec<Value> {
    settings
        .as_array()
        .map(|l| l.iter().map(|s| s["settingInstance"].clone()).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_settings_catalog_policy_is_edited_by_its_definitions_and_sent_with_one_put() {
    let h = Harness::start().await;
    let before = as_graph_shows(&h.sandbox.object("beta", SETTINGS_WINDOWS_ID));
    open_policy(&h, SETTINGS_WINDOWS_ID, PASSWORD).await;
    // Each setting by its definition's name, its id visible.
    let label = h
        .page
        .text(&format!("{} .instance-head label", setting(PASSWORD)))
        .await
        .unwrap_or_default();
    assert_eq!(label, "Require a device password");
    assert!(
        h.page
            .exists(&format!("{} code.setting-id", setting(PASSWORD)))
            .await
    );
    assert!(
        h.page
            .exists(&format!("[data-definition=\"{MIN_LENGTH}\"]"))
            .await
    );

    // A choice: its children go with its option and come back with it.
    let choice = "settings[0].settingInstance.choiceSettingValue.value";
    let pick = |item: &str| format!("input[name=\"{choice}\"][value=\"{PASSWORD}_{item}\"]");
    js_click(&h, &pick("1")).await;
    h.page
        .wait_gone(&format!("[data-definition=\"{MIN_LENGTH}\"]"))
        .await;
    js_click(&h, &pick("0")).await;
    h.page
        .wait_for(&format!("[data-definition=\"{MIN_LENGTH}\"]"))
        .await;
    js_click(&h, &pick("1")).await;
    h.page
        .wait_gone(&format!("[data-definition=\"{MIN_LENGTH}\"]"))
        .await;

    // A number out of its range (0–999) is shown at its field and blocks Send; fixed, it does not.
    let minutes = "settings[1].settingInstance.simpleSettingValue.value";
    type_into(&h, minutes, "1000").await;
    h.page
        .wait_for(&format!("{}[aria-invalid=\"true\"]", input(minutes)))
        .await;
    h.page
        .wait_for(&format!("[data-path=\"{minutes}\"][data-code]"))
        .await;
    h.page
        .until("Send blocked", || async {
            send_blocked(&h).await.then_some(())
        })
        .await;
    type_into(&h, minutes, "30").await;
    h.page
        .wait_gone(&format!("{}[aria-invalid]", input(minutes)))
        .await;

    // An option outside the list (a value the select does not offer) is shown and blocks Send.
    let update = "settings[2].settingInstance.choiceSettingValue.value";
    h.page
        .js(
            r#"const s = document.getElementById(arguments[0]);
               const o = document.createElement("option");
               o.value = "not_an_option"; s.appendChild(o); s.value = "not_an_option";
               s.dispatchEvent(new Event("change", { bubbles: true }));"#,
            vec![json!(format!("s-{update}"))],
        )
        .await;
    h.page
        .wait_for(&format!("{}[aria-invalid=\"true\"]", input(update)))
        .await;
    h.page
        .until("Send blocked", || async {
            send_blocked(&h).await.then_some(())
        })
        .await;
    let loaded_update = before["settings"][2]["settingInstance"]["choiceSettingValue"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    h.page
        .js(
            r#"const s = document.getElementById(arguments[0]); s.value = arguments[1];
               s.dispatchEvent(new Event("change", { bubbles: true }));"#,
            vec![json!(format!("s-{update}")), json!(loaded_update)],
        )
        .await;
    h.page
        .wait_gone(&format!("{}[aria-invalid]", input(update)))
        .await;

    // A list of text: one item changed, one added.
    let pages = "settings[6].settingInstance.simpleSettingCollectionValue";
    type_into(
        &h,
        &format!("{pages}[1].value"),
        "https://portal2.example.com",
    )
    .await;
    js_click(&h, &format!("{} .add-item", setting(HOME_PAGES))).await;
    h.page.wait_for(&input(&format!("{pages}[2].value"))).await;
    type_into(&h, &format!("{pages}[2].value"), "https://news.example.com").await;

    // The last setting removed, one added through the picker (searched by name).
    js_click(&h, &format!("{} .remove-setting", setting(PROXY))).await;
    h.page.wait_gone(&setting(PROXY)).await;
    js_click(&h, "#add-setting").await;
    h.page.wait_for("#picker-search").await;
    h.page
        .set_value_as_paste("picker-search", "signature update")
        .await;
    js_click(&h, &format!("button.pick[data-definition=\"{ADDED}\"]")).await;
    h.page.wait_for(&setting(ADDED)).await;

    // The review lists the settings by name; Send makes one PUT.
    h.page.wait_for("#settings-diff tr[data-setting]").await;
    let rows = h
        .page
        .attributes("#settings-diff tr[data-setting]", "data-setting")
        .await;
    for id in [PASSWORD, HOME_PAGES, PROXY, ADDED] {
        assert!(rows.iter().any(|r| r == id), "{id} in the review: {rows:?}");
    }
    let preview = h.page.text("#request-preview").await.unwrap_or_default();
    assert!(
        preview.is_empty() || preview.starts_with("PUT "),
        "{preview}"
    );
    h.page.send_and_wait_saved().await;
    assert!(h.sandbox.patches().is_empty(), "no PATCH for settings");
    let put = puts(&h);
    assert_eq!(put.len(), 1, "{put:#?}");
    assert!(put[0].path.contains(SETTINGS_WINDOWS_ID), "{}", put[0].path);

    // Exactly the intended settings: the loaded ones with these changes, nothing else.
    let mut want = instances(&before["settings"]);
    want[0]["choiceSettingValue"] = json!({"value": format!("{PASSWORD}_1"), "children": []});
    want[1]["simpleSettingValue"]["value"] = json!(30);
    want[6]["simpleSettingCollectionValue"][1]["value"] = json!("https://portal2.example.com");
    want[6]["simpleSettingCollectionValue"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationStringSettingValue",
            "value": "https://news.example.com"
        }));
    want.remove(15);
    let sent = instances(&put[0].body["settings"]);
    assert_eq!(sent.len(), 16, "{sent:#?}");
    for (i, w) in want.iter().enumerate() {
        let s = &sent[i];
        if i == 0 {
            assert_eq!(
                s["choiceSettingValue"]["value"],
                w["choiceSettingValue"]["value"]
            );
            assert_eq!(s["choiceSettingValue"]["children"], json!([]));
        } else {
            assert_eq!(s, w, "setting {i}:\n{s}\n{w}");
        }
    }
    assert_eq!(sent[15]["settingDefinitionId"], ADDED);
    assert_eq!(
        sent[15]["simpleSettingValue"]["value"], 8,
        "the definition's default"
    );
    // The policy's own writable properties go with it, the read-only ones do not.
    assert_eq!(put[0].body["name"], before["name"]);
    assert!(put[0].body.get("createdDateTime").is_none());
    // Graph holds them now.
    let after = h.sandbox.object("beta", SETTINGS_WINDOWS_ID);
    assert_eq!(instances(&after["settings"]).len(), 16);

    // Refresh renews the picker's catalog too: open, it asks Graph for the catalog again.
    let catalog_gets = |h: &Harness| {
        h.sandbox
            .requests()
            .into_iter()
            .filter(|r| r.method == "GET" && r.path.contains("/configurationSettings"))
            .count()
    };
    let asked = catalog_gets(&h);
    assert!(asked > 0, "the picker loaded the catalog");
    js_click(&h, "#refresh-definitions").await;
    let open = h
        .page
        .js(
            "return document.querySelector('#add-setting').getAttribute('aria-expanded');",
            vec![],
        )
        .await;
    if open != json!("true") {
        js_click(&h, "#add-setting").await;
    }
    h.page
        .until("the catalog asked for again after Refresh", || async {
            (catalog_gets(&h) > asked).then_some(())
        })
        .await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_security_policy_offers_only_its_template_settings() {
    let h = Harness::start().await;
    let before = as_graph_shows(&h.sandbox.object("beta", SETTINGS_ANTIVIRUS_ID));
    let first = before["settings"][0]["settingInstance"]["settingDefinitionId"]
        .as_str()
        .unwrap()
        .to_string();
    open_policy(&h, SETTINGS_ANTIVIRUS_ID, &first).await;
    h.page.wait_for("#template-note").await;
    // The picker lists the template's settings only (no catalog download).
    js_click(&h, "#add-setting").await;
    h.page.wait_for("#picker-results").await;
    let offered = h
        .page
        .attributes("#picker-results button.pick", "data-definition")
        .await;
    assert!(!offered.is_empty());
    assert!(
        offered.iter().all(|id| id.contains("defender")),
        "{offered:?}"
    );
    assert!(!h
        .sandbox
        .requests()
        .iter()
        .any(|r| r.path.contains("configurationSettings?")
            || r.path.ends_with("configurationSettings")));
    // A range-checked number of the template, sent with PUT.
    let load = "settings[4].settingInstance.simpleSettingValue.value";
    type_into(&h, load, "101").await;
    h.page
        .wait_for(&format!("{}[aria-invalid=\"true\"]", input(load)))
        .await;
    h.page
        .until("Send blocked", || async {
            send_blocked(&h).await.then_some(())
        })
        .await;
    type_into(&h, load, "35").await;
    h.page
        .wait_gone(&format!("{}[aria-invalid]", input(load)))
        .await;
    h.page.send_and_wait_saved().await;
    let put = puts(&h);
    assert_eq!(put.len(), 1);
    let sent = instances(&put[0].body["settings"]);
    let mut want = instances(&before["settings"]);
    want[4]["simpleSettingValue"]["value"] = json!(35);
    assert_eq!(sent, want);
    assert_eq!(
        put[0].body["templateReference"],
        json!({"templateId": before["templateReference"]["templateId"]})
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_the_draft_of_a_settings_policy_reopens_and_validates() {
    let d = e2e::Detached::start(SETTINGS_POLICY, SETTINGS_WINDOWS_ID).await;
    let (page, link) = (&d.page, &d.link);
    page.goto(link).await;
    page.wait_for(&setting(PASSWORD)).await;
    page.wait_for_text("#definitions-as-of", "Definitions as of")
        .await;
    let minutes = "settings[1].settingInstance.simpleSettingValue.value";
    page.set_value_as_paste(&format!("s-{minutes}"), "1000")
        .await;
    page.wait_for(&format!("{}[aria-invalid=\"true\"]", input(minutes)))
        .await;
    page.until("the edit in a stored draft", || async {
        page.drafts()
            .await
            .iter()
            .any(|d| {
                d["draft"]["settings"][1]["settingInstance"]["simpleSettingValue"]["value"] == 1000
            })
            .then_some(())
    })
    .await;
    // The app's and the module's files and the policy's definitions are in the browser's
    // caches.
    page.until_settings_kept_offline("|policy|").await;
    // The kept definitions judge the draft offline: the value is flagged at its field.
    d.reopen_offline_flagged(&setting(PASSWORD), &input(minutes))
        .await;
}

/// A link to a settings policy starts its editor while the page loads (index.html); on a host
/// without the editor's files that start fails before the app is up, and the app still says so
/// once it is, with "Try again", which loads the editor once the host serves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_that_cannot_load_says_so_and_loads_when_asked_again() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let dist = e2e::dist_dir();
    let catalog = e2e::module_dir(&dist, "catalog");
    e2e::copy_dir(&dist, dir.path(), &catalog);
    let h = Harness::with_sandbox(TestSandbox::start(Some(dir.path().to_path_buf())).await).await;
    h.page
        .goto(&h.link("beta", SETTINGS_POLICY, Some(SETTINGS_WINDOWS_ID)))
        .await;
    let shown = h
        .page
        .wait_for_text("#catalog-failed", "could not load")
        .await;
    assert!(shown.contains("settings editor"), "{shown}");
    e2e::copy_dir(&dist.join(&catalog), &dir.path().join(&catalog), "");
    h.page.click("#catalog-failed button").await;
    h.page.wait_for(&setting(PASSWORD)).await;
    assert!(!h.page.exists("#catalog-failed").await);
    h.finish().await;
}

/// A service that refuses `$select` on the category list (Graph's reference does not promise
/// it) still gets its categories named: the editor asks for the whole list instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn categories_are_named_when_select_is_refused() {
    let h = Harness::start().await;
    h.sandbox
        .fault_at("500", "GET", "configurationCategories?", 10);
    open_policy(&h, SETTINGS_WINDOWS_ID, PASSWORD).await;
    h.page
        .until("the categories named", || async {
            let names = h
                .page
                .js(
                    "return [...document.querySelectorAll('#catalog-root section.category h3')].map(h => h.textContent);",
                    vec![],
                )
                .await;
            names
                .as_array()
                .filter(|n| n.iter().any(|n| n == "Device lock"))
                .map(|_| ())
        })
        .await;
    let whole = h.sandbox.requests().into_iter().any(|r| {
        r.method == "GET"
            && r.path
                .ends_with("/deviceManagement/configurationCategories")
    });
    assert!(whole, "the whole category list was asked for");
    h.finish().await;
}
