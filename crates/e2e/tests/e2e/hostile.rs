//! Hostile content from Graph, end to end: a large object whose every text field holds a
//! script-injection payload (the sandbox serves it as Graph would). No script runs, every field
//! shows exactly the text Graph sent, and the review shows it as text.
//!
//! Run with `bash scripts/e2e.sh hostile`.

use e2e::{Harness, TestSandbox, Widget};
use policy_core::edm::Edm;
use policy_core::embedded::schema;
use policy_core::model::{ApiVersion, ValueType};
use serde_json::{json, Map, Value};

const TYPE: &str = "microsoft.graph.windows10GeneralConfiguration";
const ID: &str = "0bad0bad-0000-4000-8000-00000000c0de";

/// Script-injection payloads: markup, attributes, URLs, templates, encodings and Unicode
/// tricks. Each, if it ever ran, sets `window.__xss`. None has a line break, which a one-line
/// input would drop.
const PAYLOADS: &[&str] = &[
    "<script>window.__xss=1</script>",
    "<img src=x onerror=window.__xss=1>",
    "\"><img src=x onerror=window.__xss=1>",
    "'><svg onload=window.__xss=1>",
    "<svg><script>window.__xss=1</script></svg>",
    "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
    "<iframe src=\"javascript:parent.__xss=1\"></iframe>",
    "javascript:window.__xss=1",
    "JaVaScRiPt:window.__xss=1",
    "<a href=\"javascript:window.__xss=1\">click</a>",
    "<body onload=window.__xss=1>",
    "<details open ontoggle=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    "<video><source onerror=window.__xss=1></video>",
    "<audio src=x onerror=window.__xss=1>",
    "<object data=\"javascript:window.__xss=1\"></object>",
    "<embed src=\"javascript:window.__xss=1\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    "<style>@import 'javascript:window.__xss=1';</style>",
    "<link rel=import href=\"data:text/html,<script>parent.__xss=1</script>\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss=1\">",
    "<base href=\"javascript:window.__xss=1//\">",
    "<form action=\"javascript:window.__xss=1\"><button>x</button></form>",
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "</select><img src=x onerror=window.__xss=1>",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__xss=1>\">",
    "<template><script>window.__xss=1</script></template>",
    "{{constructor.constructor('window.__xss=1')()}}",
    "${window.__xss=1}",
    "#{window.__xss=1}",
    "<%= window.__xss=1 %>",
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "&#60;script&#62;window.__xss=1&#60;/script&#62;",
    "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
    "\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e",
    "\u{FF1C}script\u{FF1E}window.__xss=1\u{FF1C}/script\u{FF1E}",
    "\u{202E}>tpircs/<1=ssx__.wodniw>tpircs<",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<img src=\"x\" onerror=\"&#119;indow.__xss=1\">",
    "<img src=x:alert(1) onerror=eval(src)>",
    "<svg><animate onbegin=window.__xss=1 attributeName=x dur=1s>",
    "<marquee onstart=window.__xss=1>",
    "<div style=\"background:url(javascript:window.__xss=1)\">",
    "<x onpointerover=window.__xss=1>hover</x>",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==",
    "' onmouseover='window.__xss=1",
    "\" onfocus=\"window.__xss=1\" autofocus=\"",
    "<!--<img src=\"--><img src=x onerror=window.__xss=1//\">",
    "<![CDATA[<script>window.__xss=1</script>]]>",
    "<?xml version=\"1.0\"?><x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">window.__xss=1</x:script>",
    "\u{0}<script>window.__xss=1</script>",
];

/// The writable, single-valued text properties of the type, as the form shows them.
fn text_properties() -> Vec<String> {
    let s = schema(ApiVersion::Beta);
    let t = s.get(s.find(TYPE).expect("the type"));
    t.properties
        .iter()
        .filter(|p| {
            !p.collection && !p.read_only && p.value_type == ValueType::Primitive(Edm::String)
        })
        .map(|p| p.name.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_object_is_shown_as_text_and_runs_nothing() {
    assert!(PAYLOADS.len() >= 50);
    let fields = text_properties();
    assert!(fields.len() >= 15, "{fields:?}");
    let mut object = Map::new();
    object.insert("@odata.type".into(), json!(format!("#{TYPE}")));
    object.insert("id".into(), json!(ID));
    // Every payload at least once, spread over every text field (several per field).
    let mut expected: Vec<(String, String)> = Vec::new();
    let rounds = PAYLOADS.len().div_ceil(fields.len()).max(1);
    for (i, f) in fields.iter().enumerate() {
        let value: String = (0..rounds)
            .map(|r| PAYLOADS[(i + r * fields.len()) % PAYLOADS.len()])
            .collect::<Vec<_>>()
            .join(" ");
        object.insert(f.clone(), json!(value));
        expected.push((f.clone(), value));
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let seed = dir.path().join("hostile.json");
    std::fs::write(&seed, Value::Object(object).to_string()).expect("the seed is written");

    let sandbox = TestSandbox::start_seeded(Some(e2e::dist_dir()), vec![seed]).await;
    let h = Harness::with_sandbox(sandbox).await;
    h.open(
        "beta",
        "windows10GeneralConfiguration",
        Some(ID),
        "displayName",
    )
    .await;
    // The last field built: the whole form is in the page.
    let (last, _) = expected.last().unwrap().clone();
    h.page.wait_for_field(&last).await;
    // Every field holds exactly what Graph sent, NUL and all.
    let mut wrong = Vec::new();
    for (path, value) in &expected {
        h.page.wait_for_field(path).await;
        let shown = h.page.value(path).await;
        if shown.as_deref() != Some(value.as_str()) {
            wrong.push((path.clone(), value.clone(), shown));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    let title = h.page.text("#doc-title").await.unwrap_or_default();
    assert_eq!(
        title,
        expected.iter().find(|(p, _)| p == "displayName").unwrap().1
    );

    // The review writes the changed value out as text.
    let payload = PAYLOADS[2];
    h.page.edit("displayName", Widget::Text, payload).await;
    let diff = h.page.wait_for_text("#diff", "onerror").await;
    assert!(diff.contains(payload), "{diff}");

    // Nothing ran, and nothing of the payloads became an element or an event handler.
    let verdict = h
        .page
        .js(
            "const handlers = Array.from(document.querySelectorAll('*'))
               .filter(e => Array.from(e.attributes).some(a => /^on/i.test(a.name)));
             return {
               ran: window.__xss !== undefined,
               injected: document.querySelectorAll('main img, main svg, main iframe, main object, main embed, main video, main audio, main marquee, main x, main base, main meta, main form, main template, main script').length,
               handlers: handlers.map(e => e.outerHTML.slice(0, 80)),
               javascriptUrls: Array.from(document.querySelectorAll('[href^=\"javascript\" i], [src^=\"javascript\" i]')).length,
             };",
            vec![],
        )
        .await;
    assert_eq!(
        verdict,
        json!({"ran": false, "injected": 0, "handlers": [], "javascriptUrls": 0}),
        "{verdict}"
    );
    h.finish().await;
}
