//! Endpoint security intents (Graph's older `deviceManagement/intents`): the page reads an
//! intent with its settings, the lazily loaded settings editor renders each setting of its
//! template's categories by its definition (true/false, a ranged number, enums, a complex value's
//! properties, a list of text), validates at the field (a number out of range blocks Send), and
//! Send writes the intent's own properties with a PATCH and exactly the changed settings with one
//! `updateSettings`; an answer lost after the write is not written twice, and a setting someone
//! else changed meanwhile stops Send and survives the rebase; offline, the draft reopens and
//! validates from the definitions kept.

use e2e::seeds::{INTENT, INTENT_ENDPOINT_ID};
use e2e::{field, Harness, Page};
use serde_json::{json, Value};

const P: &str = "deviceConfiguration--windows10EndpointProtectionConfiguration_";

fn id(name: &str) -> String {
    format!("{P}{name}")
}

fn card(name: &str) -> String {
    format!("section.setting[data-setting=\"{}\"]", id(name))
}

/// Sets the select at `css` to `value`, as a user's choice does.
async fn choose(page: &Page, css: &str, value: &str) {
    page.wait_for(css).await;
    page.js(
        r#"const s = document.querySelector(arguments[0]); s.value = arguments[1];
           s.dispatchEvent(new Event("change", { bubbles: true }));"#,
        vec![json!(css), json!(value)],
    )
    .await;
}

/// Types `text` into the input at `css` (replacing what it holds).
async fn type_into(page: &Page, css: &str, text: &str) {
    page.wait_for(css).await;
    let dom = page
        .js(
            "return document.querySelector(arguments[0]).id;",
            vec![json!(css)],
        )
        .await;
    page.set_value_as_paste(dom.as_str().expect("an input id"), text)
        .await;
}

async fn open_intent(page: &Page, link: &str) {
    page.goto(link).await;
    page.wait_for(&card("firewallBlockStatefulFTP")).await;
    page.wait_for_text("#definitions-as-of", "Definitions as of")
        .await;
}

/// The value of setting `name` in `settings` (an intent's, or an `updateSettings` body's), parsed.
fn value(settings: &Value, name: &str) -> Option<Value> {
    settings
        .as_array()?
        .iter()
        .find(|s| s["definitionId"] == id(name))
        .and_then(|s| serde_json::from_str(s["valueJson"].as_str()?).ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intent_is_edited_by_its_definitions_and_only_its_changes_are_written() {
    let h = Harness::start().await;
    let before = h.sandbox.object("beta", INTENT_ENDPOINT_ID);
    open_intent(&h.page, &h.link("beta", INTENT, Some(INTENT_ENDPOINT_ID))).await;
    // Each setting by its definition's name under its category, its id visible.
    let label = h
        .page
        .text(&format!(
            "{} .instance-head label",
            card("firewallBlockStatefulFTP")
        ))
        .await
        .unwrap_or_default();
    assert_eq!(label, "Block stateful FTP");
    assert!(
        h.page
            .exists(&format!(
                "{} code.setting-id",
                card("firewallBlockStatefulFTP")
            ))
            .await
    );
    let headings = h
        .page
        .js(
            "return Array.from(document.querySelectorAll('#catalog-root h3')).map(e => e.textContent);",
            vec![],
        )
        .await;
    for c in ["Firewall", "Firewall network profiles", "Antivirus"] {
        assert!(
            headings.as_array().unwrap().iter().any(|h| h == c),
            "{c} in {headings}"
        );
    }

    // The editor's Yew root is numbered apart from the page's, so that the page's Yew leaves the
    // editor's events alone (crates/nested-yew).
    let roots = h
        .page
        .js(
            "return [document.body.__yew_subtree_id, document.getElementById('catalog-root').__yew_subtree_id];",
            vec![],
        )
        .await;
    assert!(
        roots[0].is_number() && roots[1].is_number() && roots[0] != roots[1],
        "{roots}"
    );

    // True/false: now No.
    choose(
        &h.page,
        &format!("{} select", card("firewallBlockStatefulFTP")),
        "false",
    )
    .await;
    // A number out of its range (300–3600) is shown at its field and blocks Send.
    let idle = format!(
        "{} input",
        card("firewallIdleTimeoutForSecurityAssociationInSeconds")
    );
    type_into(&h.page, &idle, "100").await;
    h.page
        .wait_for(&format!("{idle}[aria-invalid=\"true\"]"))
        .await;
    h.page
        .wait_for(&format!(
            "{} li.error[data-code]",
            card("firewallIdleTimeoutForSecurityAssociationInSeconds")
        ))
        .await;
    h.page
        .until("Send blocked", || async {
            (h.page.exists("#send[disabled]").await && h.page.exists("#send-blocked").await)
                .then_some(())
        })
        .await;
    type_into(&h.page, &idle, "900").await;
    h.page.wait_gone(&format!("{idle}[aria-invalid]")).await;
    // An enum, and a setting not configured so far.
    choose(
        &h.page,
        &format!("{} select", card("firewallPreSharedKeyEncodingMethod")),
        "none",
    )
    .await;
    choose(
        &h.page,
        &format!(
            "{} select",
            card("firewallCertificateRevocationListCheckMethod")
        ),
        "require",
    )
    .await;
    // A complex value's property.
    choose(
        &h.page,
        &format!(
            "{} select[id$=\"-firewallEnabled\"]",
            card("firewallProfileDomain")
        ),
        "blocked",
    )
    .await;
    // A list of text: one item added.
    let exclude = card("defenderFilesAndFoldersToExclude");
    h.page.click(&format!("{exclude} .add-item")).await;
    h.page
        .wait_for(&format!("{exclude} li.item:nth-child(3) input"))
        .await;
    type_into(
        &h.page,
        &format!("{exclude} li.item:nth-child(3) input"),
        "E:\\Temp",
    )
    .await;
    // A configured number made not configured.
    type_into(
        &h.page,
        &format!("{} input", card("defenderScanMaxCpuPercentage")),
        "",
    )
    .await;
    // The intent's own name.
    h.page
        .set_value_as_paste("f-displayName", "Endpoint protection (edited)")
        .await;

    // The review names the changed settings; the request is a PATCH then updateSettings.
    h.page.wait_for("#settings-diff tr[data-setting]").await;
    h.page
        .until("every change in the review", || async {
            let rows = h
                .page
                .attributes("#settings-diff tr[data-setting]", "data-setting")
                .await;
            (rows.len() == 7).then_some(())
        })
        .await;
    let kinds = h
        .page
        .attributes(
            &format!(
                "#settings-diff tr[data-setting=\"{}\"]",
                id("defenderScanMaxCpuPercentage")
            ),
            "data-kind",
        )
        .await;
    assert_eq!(kinds, ["removed"]);
    // "Request" opens by itself for a small body; else the user opens it.
    h.page
        .js(
            "const d = document.querySelector('details.request'); \
             if (d && !d.open) d.querySelector('summary').click();",
            vec![],
        )
        .await;
    let preview = h
        .page
        .wait_for_text("#request-preview", "updateSettings")
        .await;
    assert!(preview.starts_with("PATCH "), "{preview}");
    assert!(
        preview.contains(&format!(
            "POST {}/beta/deviceManagement/intents/{INTENT_ENDPOINT_ID}/updateSettings",
            h.sandbox.url()
        )),
        "{preview}"
    );
    h.page.send_and_wait_saved().await;

    // One PATCH of the name only; one updateSettings of exactly the changed settings.
    let patches = h.sandbox.patches();
    assert_eq!(patches.len(), 1, "{patches:#?}");
    assert_eq!(
        patches[0].body,
        json!({"@odata.type": "#microsoft.graph.deviceManagementIntent",
            "displayName": "Endpoint protection (edited)"})
    );
    let posts: Vec<_> = h
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1, "{posts:#?}");
    assert!(
        posts[0]
            .path
            .ends_with(&format!("/intents/{INTENT_ENDPOINT_ID}/updateSettings")),
        "{}",
        posts[0].path
    );
    let sent = &posts[0].body["settings"];
    let names: Vec<&str> = sent
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["definitionId"].as_str().unwrap().trim_start_matches(P))
        .collect();
    assert_eq!(
        names,
        [
            "firewallBlockStatefulFTP",
            "firewallIdleTimeoutForSecurityAssociationInSeconds",
            "firewallPreSharedKeyEncodingMethod",
            "firewallCertificateRevocationListCheckMethod",
            "firewallProfileDomain",
            "defenderFilesAndFoldersToExclude",
            "defenderScanMaxCpuPercentage",
        ]
    );
    assert_eq!(value(sent, "firewallBlockStatefulFTP"), Some(json!(false)));
    assert_eq!(sent[0]["value"], json!(false));
    assert_eq!(
        value(sent, "firewallIdleTimeoutForSecurityAssociationInSeconds"),
        Some(json!(900))
    );
    assert_eq!(
        value(sent, "defenderScanMaxCpuPercentage"),
        Some(Value::Null)
    );
    // The complex value: the one property changed, the others as they were.
    let mut domain = value(&before["settings"], "firewallProfileDomain").unwrap();
    domain["firewallEnabled"] = json!("blocked");
    assert_eq!(value(sent, "firewallProfileDomain"), Some(domain));
    let mut exclusions = value(&before["settings"], "defenderFilesAndFoldersToExclude").unwrap();
    exclusions.as_array_mut().unwrap().push(json!("E:\\Temp"));
    assert_eq!(
        value(sent, "defenderFilesAndFoldersToExclude"),
        Some(exclusions.clone())
    );

    // Graph holds them now; the settings not changed are as they were.
    let after = h.sandbox.object("beta", INTENT_ENDPOINT_ID);
    assert_eq!(after["displayName"], "Endpoint protection (edited)");
    assert_eq!(
        value(&after["settings"], "firewallPreSharedKeyEncodingMethod"),
        Some(json!("none"))
    );
    assert_eq!(
        value(&after["settings"], "defenderFilesAndFoldersToExclude"),
        Some(exclusions)
    );
    assert_eq!(
        value(&after["settings"], "firewallProfilePublic"),
        value(&before["settings"], "firewallProfilePublic")
    );
    // The page shows what Graph holds: nothing left to send.
    h.page.wait_for("#no-changes").await;
    h.page.wait_for(&field("displayName")).await;
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_the_draft_of_an_intent_reopens_and_validates() {
    let d = e2e::Detached::start(INTENT, INTENT_ENDPOINT_ID).await;
    let (page, link) = (&d.page, &d.link);
    open_intent(page, link).await;
    let cpu = format!("{} input", card("defenderScanMaxCpuPercentage"));
    type_into(page, &cpu, "150").await;
    page.wait_for(&format!("{cpu}[aria-invalid=\"true\"]"))
        .await;
    page.until("the edit in a stored draft", || async {
        page.drafts()
            .await
            .iter()
            .any(|d| {
                value(&d["draft"]["settings"], "defenderScanMaxCpuPercentage") == Some(json!(150))
            })
            .then_some(())
    })
    .await;
    // The app's and the module's files and the intent's definitions are in the browser's
    // caches.
    page.until_settings_kept_offline("|intent|").await;
    // The kept definitions judge the draft offline: the value is flagged at its field.
    d.reopen_offline_flagged(&card("defenderScanMaxCpuPercentage"), &cpu)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intent_update_is_not_sent_twice_and_someone_elses_setting_survives() {
    let h = Harness::start().await;
    open_intent(&h.page, &h.link("beta", INTENT, Some(INTENT_ENDPOINT_ID))).await;
    let posts = |h: &Harness| {
        h.sandbox
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect::<Vec<_>>()
    };

    // The update goes through but its answer is lost: the retry re-reads, finds the change in,
    // and sends nothing twice.
    choose(
        &h.page,
        &format!("{} select", card("firewallBlockStatefulFTP")),
        "false",
    )
    .await;
    h.sandbox.fault("applied=504", "POST", 1);
    h.page.send().await;
    h.page
        .wait_for_text("#info", "nothing was sent twice")
        .await;
    let statuses: Vec<_> = posts(&h).iter().map(|p| p.status).collect();
    assert_eq!(statuses, [Some(504)], "one updateSettings only");
    let stored = h.sandbox.object("beta", INTENT_ENDPOINT_ID);
    assert_eq!(
        value(&stored["settings"], "firewallBlockStatefulFTP"),
        Some(json!(false))
    );
    h.page.wait_for("#no-changes").await;

    // Someone else changes another setting (and not the intent's stamp) while this page edits
    // one: Send stops before writing and says so; on top of theirs, both stay.
    choose(
        &h.page,
        &format!("{} select", card("firewallPreSharedKeyEncodingMethod")),
        "none",
    )
    .await;
    h.page.wait_for("#settings-diff tr[data-setting]").await;
    h.sandbox.change("beta", INTENT_ENDPOINT_ID, |intent| {
        let settings = intent["settings"].as_array_mut().unwrap();
        let cpu = settings
            .iter_mut()
            .find(|s| s["definitionId"] == id("defenderScanMaxCpuPercentage"))
            .unwrap();
        cpu["valueJson"] = json!("55");
        cpu["value"] = json!(55);
    });
    h.page.send().await;
    h.page.wait_for("#conflict").await;
    assert_eq!(posts(&h).len(), 1, "nothing sent on a conflict");
    h.page.click("#rebase").await;
    h.page.wait_gone("#conflict").await;
    // (The page still says the first change was saved: wait for this one's own words.)
    h.page.send().await;
    h.page
        .wait_for_text("#info", "Saved: 1 property changed")
        .await;
    let all = posts(&h);
    assert_eq!(all.len(), 2, "{all:#?}");
    let last = all[1].clone();
    let names: Vec<&str> = last.body["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["definitionId"].as_str().unwrap().trim_start_matches(P))
        .collect();
    assert_eq!(names, ["firewallPreSharedKeyEncodingMethod"]);
    let stored = h.sandbox.object("beta", INTENT_ENDPOINT_ID);
    assert_eq!(
        value(&stored["settings"], "firewallPreSharedKeyEncodingMethod"),
        Some(json!("none"))
    );
    assert_eq!(
        value(&stored["settings"], "defenderScanMaxCpuPercentage"),
        Some(json!(55))
    );
    h.finish().await;
}
