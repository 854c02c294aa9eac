//! Loading what a form needs: a linked form loads only its own type's schema pack (the lists
//! come from the version's small catalog, another type's draft brings its own pack), a host that
//! does not serve the schema files says so, the app opens offline after one visit, and a linked
//! object is asked for once, early.

use e2e::cases::windows10_from;
use e2e::seeds::{WINDOWS10, WINDOWS10_ID};
use e2e::{messages, Harness, Widget};
use serde_json::json;

// A linked form loads its own type's schema pack, not the whole version; the browser's lists
// come from the version's small catalog, another type's draft loads that type's pack, the offline
// cache keeps the whole version's file, and a link to no known type says so.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_form_loads_only_its_types_schema_and_the_rest_follows() {
    let h = Harness::start().await;
    h.open(
        "beta",
        WINDOWS10,
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
    let schema_files = || async {
        h.page
            .js(
                "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)
                   .filter(p => p.includes('/schema/'));",
                vec![],
            )
            .await
    };
    // Then the catalog, for the list's collections and the types to start a draft of.
    h.page
        .until("the catalog to be loaded after the form", || async {
            schema_files()
                .await
                .as_array()?
                .contains(&json!("/schema/beta.catalog.json"))
                .then_some(())
        })
        .await;
    // The offline cache (static/sw.js) keeps the whole version's file; the page never loads it.
    h.page
        .until_answered_true(
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

    // A new draft of a type from the catalog (on the list, one step back from the form): its
    // pack loads and its form opens.
    h.page.back_to_list().await;
    h.page.wait_for_type_list().await;
    h.page
        .start_draft(
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

// A host that does not serve the schema files: the page says so and sends nothing.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_without_the_schema_files_says_so() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // The built app without its schema/ folder (the top-level files and the home view's
    // module are copied).
    let dist = e2e::dist_dir();
    let home = e2e::module_dir(&dist, "home");
    std::fs::create_dir_all(dir.path().join(&home)).expect("the home module's folder");
    for (from, to) in [
        (dist.clone(), dir.path().to_path_buf()),
        (dist.join(&home), dir.path().join(&home)),
    ] {
        for entry in std::fs::read_dir(&from).expect("dist/").flatten() {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copied");
            }
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
    page.wait_for_options("entry-set", 5).await;
    assert!(!page.exists("#catalog-error").await);
    page.close().await;
    drop(driver);
    sandbox.stop().await;
}

// Offline after one visit (README): with the host gone, the app still opens from the
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
    page.until_answered_true(
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
    page.until_answered_true(
        "the earlier build's file out of the cache",
        "const done = arguments[arguments.length - 1];
         caches.match(arguments[0]).then(r => done(!r), () => done(false));",
        vec![json!(stale)],
    )
    .await;
    sandbox.stop().await;

    page.goto(&format!("{url}/")).await;
    page.wait_for_type_list().await;
    page.start_draft(
        "microsoft.graph.androidWorkProfileCustomConfiguration",
        "Android work profile custom configuration",
    )
    .await;
    page.wait_for_text("#problem-summary", "displayName is required")
        .await;
    page.close().await;
    drop(driver);
}

// A linked object is asked for once, before the app has mounted (`app::load_link_early`);
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
    h.open("beta", WINDOWS10, Some(WINDOWS10_ID), "displayName")
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
    h.page.goto(&h.link("beta", WINDOWS10, Some(".."))).await;
    h.page.wait_for_text("#info", "id is not usable").await;
    assert_eq!(h.sandbox.requests().len(), before);
    h.finish().await;
}
