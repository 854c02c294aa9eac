//! The workspace as a new user meets it: the connection folded into the header bar, the object
//! list as the home view (sorted, filtered), the address bar and the browser's back and forward
//! buttons, and the 293-field Windows 10 form in sections with a table of contents, filters,
//! Graph's names on focus, a reference link, and a review grouped by section.

use e2e::seeds::{WINDOWS10, WINDOWS10_ID};
use e2e::{field, Harness, Widget};
use serde_json::{json, Value};

/// The names of the listed objects, in the table's order.
async fn listed(h: &Harness) -> Vec<String> {
    let v = h
        .page
        .js(
            "return [...document.querySelectorAll('#object-list tbody button.open')].map(b => b.textContent);",
            vec![],
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

/// How many fields the form shows now (`#field-count`: "N of M fields").
async fn shown_fields(h: &Harness) -> u64 {
    let text = h.page.text("#field-count").await.unwrap_or_default();
    text.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

async fn wait_shown(h: &Harness, n: u64) {
    h.page
        .until(&format!("{n} fields shown"), || async {
            (shown_fields(h).await == n).then_some(())
        })
        .await;
}

async fn location(h: &Harness) -> String {
    h.page
        .js("return location.search;", vec![])
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_is_home_and_the_browser_buttons_move_between_it_and_objects() {
    let h = Harness::start().await;
    let page = &h.page;
    page.goto(&h.home("beta")).await;

    // A page that opens on the list fetches the list's module while the app loads (before the
    // app's own wasm is in), and once: the module's own fetches reuse what the page asked for.
    page.wait_for("#list-button").await;
    let fetched = page
        .js(
            r"const all = performance.getEntriesByType('resource');
              const home = all.filter(e => /home-[0-9a-f]{16}\/(boot\.js|home_ui\.js|home_ui_bg\.wasm)$/.test(e.name));
              const app = all.find(e => /intune-editor-[0-9a-f]+_bg\.wasm$/.test(e.name));
              const wasm = home.find(e => e.name.endsWith('home_ui_bg.wasm'));
              return [home.length, !!(wasm && app && wasm.startTime < app.responseEnd)];",
            vec![],
        )
        .await;
    assert_eq!(
        fetched,
        serde_json::json!([3, true]),
        "each file of the home module once, asked for beside the app's wasm"
    );

    // Connected with the sandbox's token: the connection is one line in the header, folded,
    // saying where and as whom; it opens on demand.
    page.wait_for("#connection:not([open])").await;
    let bar = page.text("#connection-summary").await.unwrap_or_default();
    assert!(bar.contains("beta") && bar.contains("expires in"), "{bar}");
    assert!(!bar.contains("eyJ"), "no token in the bar: {bar}");
    page.open_connection().await;
    page.wait_for("#token").await;
    page.click("#connection-summary").await;
    page.wait_for("#connection:not([open])").await;

    // The list: sortable by name both ways, filtered by name.
    page.click("#list-button").await;
    page.wait_for(&format!("#object-list button[data-id=\"{WINDOWS10_ID}\"]"))
        .await;
    let ascending = listed(&h).await;
    let mut sorted = ascending.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(ascending, sorted);
    page.click("#object-list th:first-child button.sort").await;
    page.until("the list in descending order", || async {
        let now = listed(&h).await;
        let mut rev = sorted.clone();
        rev.reverse();
        (now == rev).then_some(())
    })
    .await;
    assert_eq!(
        page.attributes("#object-list th:first-child", "aria-sort")
            .await,
        vec!["descending".to_string()]
    );
    // The arrow keys walk the rows.
    page.js(
        "document.querySelector('#object-list tbody tr:first-child button.open').focus();",
        vec![],
    )
    .await;
    page.press(fantoccini::key::Key::Down, false).await;
    assert!(
        page.focus_is("#object-list tbody tr:nth-child(2) button.open")
            .await,
        "{}",
        page.focused().await
    );
    page.press(fantoccini::key::Key::Up, false).await;
    assert!(
        page.focus_is("#object-list tbody tr:first-child button.open")
            .await
    );
    page.set_value_as_paste("name-filter", "windows 10 general")
        .await;
    page.until("only the Windows 10 general profile", || async {
        (listed(&h).await.len() == 1).then_some(())
    })
    .await;
    // The address bar says which list this is (and never carries a token).
    let list_url = location(&h).await;
    assert!(
        list_url.contains("set=deviceManagement%2FdeviceConfigurations"),
        "{list_url}"
    );

    // Opening an object is a new place: the back button returns to the list, forward to it.
    page.click(&format!("#object-list button[data-id=\"{WINDOWS10_ID}\"]"))
        .await;
    page.wait_for_field("displayName").await;
    page.until("the address bar to name the object", || async {
        location(&h).await.contains(WINDOWS10_ID).then_some(())
    })
    .await;
    page.js("history.back();", vec![]).await;
    page.wait_for("#list-button").await;
    assert!(!page.exists("#doc-title").await);
    page.until("the list's address", || async {
        (location(&h).await == list_url).then_some(())
    })
    .await;
    page.js("history.forward();", vec![]).await;
    page.wait_for_field("displayName").await;
    // The header's link goes back too, and a reload of the list's address lists it again.
    page.back_to_list().await;
    page.refresh().await;
    page.wait_for(&format!("#object-list button[data-id=\"{WINDOWS10_ID}\"]"))
        .await;
    assert!(!location(&h).await.contains("token"));
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_big_form_has_sections_contents_filters_and_a_grouped_review() {
    let h = Harness::start().await;
    let page = &h.page;
    h.open("beta", WINDOWS10, Some(WINDOWS10_ID), "displayName")
        .await;
    page.wait_for(".form[data-complete=true]").await;

    // Sections named as the admin center names them, each in the contents with its count.
    let toc: Value = page
        .js(
            "return Object.fromEntries([...document.querySelectorAll('.toc a')].map(a =>
               [a.firstChild.textContent.trim(), Number(a.querySelector('.count').textContent)]));",
            vec![],
        )
        .await;
    for section in [
        "Defender",
        "Edge",
        "Password",
        "SmartScreen",
        "Start menu",
        "Wi-Fi",
    ] {
        assert!(
            toc.get(section).and_then(Value::as_u64).unwrap_or(0) >= 3,
            "{section} in {toc}"
        );
    }
    let counted: u64 = toc
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(
        counted,
        shown_fields(&h).await,
        "every field in one section"
    );
    // A section from the contents: scrolled to, and focus on its heading.
    page.click(".toc a[href=\"#sec-own-defender\"]").await;
    page.until("focus on the Defender heading", || async {
        let id = page
            .js(
                "return document.activeElement && document.activeElement.id;",
                vec![],
            )
            .await;
        (id == json!("sec-own-defender")).then_some(())
    })
    .await;
    let in_defender: Value = page
        .js(
            "return document.getElementById('sec-own-defender').closest('section')
                 .querySelectorAll(':scope > .field').length;",
            vec![],
        )
        .await;
    assert_eq!(in_defender, toc["Defender"]);

    // The contents follow the scroll: scrolled to the Edge section, it is the current one.
    page.js(
        "document.getElementById('sec-own-edge').scrollIntoView({block: 'start'});",
        vec![],
    )
    .await;
    page.until("Edge current in the contents", || async {
        let current = page
            .js(
                "const a = document.querySelector('.toc a[aria-current=true]');
                 return a && a.getAttribute('href');",
                vec![],
            )
            .await;
        (current == json!("#sec-own-edge")).then_some(())
    })
    .await;

    // Graph's own name and path show when a field has focus.
    page.js(
        "document.getElementById('f-defenderScanMaxCpu').focus();",
        vec![],
    )
    .await;
    let shown: Value = page
        .js(
            "const n = document.querySelector('[data-path=\"defenderScanMaxCpu\"] > .prop-name');
             return [n.textContent, getComputedStyle(n).display];",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(["defenderScanMaxCpu", "block"]));
    // The reference link is built from the type and version only.
    assert_eq!(
        page.attributes("#graph-reference", "href").await,
        vec![
            "https://learn.microsoft.com/graph/api/resources/windows10generalconfiguration?view=graph-rest-beta"
                .to_string()
        ]
    );

    // Filters: what is changed, what has problems, what is set.
    let total = shown_fields(&h).await;
    page.edit("defenderScanMaxCpu", Widget::Number, "150").await;
    page.edit("passwordMinimumLength", Widget::Number, "9")
        .await;
    page.click("#show-changed").await;
    wait_shown(&h, 2).await;
    page.click("#show-problems").await;
    wait_shown(&h, 1).await;
    assert!(page.exists(&field("defenderScanMaxCpu")).await);
    // "Set": the properties with a value, as the object holds them (the two edits included).
    let stored = h.sandbox.object("beta", WINDOWS10_ID);
    let with_value = stored
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, v)| !v.is_null() && !k.starts_with('@'))
        .count() as u64;
    page.click("#show-set").await;
    wait_shown(&h, with_value.min(total)).await;
    page.click("#show-all").await;
    wait_shown(&h, total).await;
    // The field search still works across sections.
    page.set_value_as_paste("field-filter", "smartscreen").await;
    page.until("only SmartScreen fields", || async {
        let n = shown_fields(&h).await;
        (3..=10).contains(&n).then_some(())
    })
    .await;
    page.set_value_as_paste("field-filter", "").await;

    // The review groups the changes under the form's sections, in the form's order.
    page.edit("defenderScanMaxCpu", Widget::Number, "40").await;
    page.until("two changes in the review", || async {
        (page.diff_properties().await.len() == 2).then_some(())
    })
    .await;
    let groups: Value = page
        .js(
            "return [...document.querySelectorAll('#diff tr.section-row th')].map(t => t.textContent);",
            vec![],
        )
        .await;
    assert_eq!(groups, json!(["Defender", "Password"]));
    assert_eq!(
        page.diff_properties().await,
        vec![
            "defenderScanMaxCpu".to_string(),
            "passwordMinimumLength".to_string()
        ]
    );
    h.finish().await;
}

/// The list is a module of its own (home/): on a host that does not serve it, the page says so
/// with "Try again", which brings the list once the host serves it; the header bar works
/// throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_that_cannot_load_says_so_and_loads_when_asked_again() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let dist = e2e::dist_dir();
    let home = e2e::module_dir(&dist, "home");
    e2e::copy_dir(&dist, dir.path(), &home);
    let h =
        Harness::with_sandbox(e2e::TestSandbox::start(Some(dir.path().to_path_buf())).await).await;
    h.page.goto(&h.home("beta")).await;
    let shown = h.page.wait_for_text("#home-failed", "could not load").await;
    assert!(shown.contains("object list"), "{shown}");
    assert!(h.page.exists("#connection-summary").await);
    e2e::copy_dir(&dist.join(&home), &dir.path().join(&home), "");
    h.page.click("#home-failed button").await;
    h.page.wait_for("#list-button").await;
    assert!(!h.page.exists("#home-failed").await);
    h.finish().await;
}
