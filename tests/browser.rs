//! The editor's components in a real browser (headless Chromium through wasm-bindgen-test):
//! each widget kind renders from the schema and reports its value, an out-of-range number shows
//! its error and blocks Send, the diff lists exactly the changed properties, the request preview
//! stays closed once its body is large unless the user opened it, the token panel warns, a stored
//! draft comes back, and the sign-in panel follows the configuration and cloud.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use intune_editor::app::{document_from_saved, saved_draft};
use intune_editor::components::field::SchemaRef;
use intune_editor::components::form_view::FormView;
use intune_editor::components::review_panel::ReviewPanel;
use intune_editor::components::token_panel::TokenPanel;
use intune_editor::drafts;
use intune_editor::session::Settings;
use intune_editor::state::{Action, Document, EditorState, Origin};
use policy_core::endpoint::{Cloud, GraphBase, Target};
use policy_core::model::ApiVersion;
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The whole schema of `api`, loaded into the app's registry from the compiled-in copy (the app
/// itself fetches it beside `index.html`; these tests have no server).
fn schema(api: ApiVersion) -> &'static policy_core::Schema {
    for a in ApiVersion::ALL {
        if !intune_editor::schemas::has_whole(a) {
            let data = serde_json::from_str(policy_core::embedded::json(a)).unwrap();
            intune_editor::schemas::add(a, data, None).unwrap();
        }
    }
    intune_editor::schemas::schema(api)
}

/// Every (property, value) the form reported, in order.
type EditLog = Rc<RefCell<Vec<(String, Option<Value>)>>>;

/// Waits for the renders an action caused, and for a form to have built every field and every
/// list its first page of items (both build the first ones at once and the rest in steps).
async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(30)).await;
    for _ in 0..300 {
        let building = ROOT.with(|r| {
            r.borrow().as_ref().is_some_and(|root| {
                root.query_selector(".form:not([data-complete]), .collection[data-growing]")
                    .ok()
                    .flatten()
                    .is_some()
            })
        });
        if !building {
            return;
        }
        gloo_timers::future::sleep(Duration::from_millis(10)).await;
    }
    panic!("the form never finished building its fields");
}

fn root() -> Element {
    let document = gloo_utils::document();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    ROOT.with(|r| *r.borrow_mut() = Some(div.clone()));
    div
}

thread_local! {
    /// The root of the test being run: tests share one page, so lookups stay inside it.
    static ROOT: RefCell<Option<Element>> = const { RefCell::new(None) };
}

fn scope() -> Element {
    ROOT.with(|r| r.borrow().clone()).expect("mounted")
}

fn find(selector: &str) -> Element {
    scope()
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn by_id(id: &str) -> Element {
    find(&format!("[id=\"{id}\"]"))
}

fn input(id: &str) -> HtmlInputElement {
    by_id(id).dyn_into().unwrap()
}

/// Sets an input's text and fires the `input` event a keystroke would.
fn type_into(id: &str, text: &str) {
    let el = input(id);
    el.set_value(text);
    el.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn fire_change(el: &Element) {
    el.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

/// A harness like the app's editor: the reducer, the form, and the review with Send.
#[derive(Properties)]
struct HarnessProps {
    doc: Rc<RefCell<Option<Document>>>,
    log: EditLog,
    /// Whether the review shows the request (a Graph document and a connection to send it to).
    request: bool,
}

impl PartialEq for HarnessProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &other.doc) && Rc::ptr_eq(&self.log, &other.log)
    }
}

#[component]
fn Harness(props: &HarnessProps) -> Html {
    let initial = props.doc.clone();
    let editor = use_reducer(move || EditorState {
        doc: initial.borrow_mut().take(),
    });
    let log = props.log.clone();
    let on_edit = {
        let editor = editor.clone();
        use_callback((), move |(p, v): (String, Option<Value>), _| {
            log.borrow_mut().push((p.clone(), v.clone()));
            editor.dispatch(Action::Edit {
                property: p,
                value: v,
            });
        })
    };
    let Some(doc) = editor.doc.as_ref() else {
        return html! {};
    };
    let patch = doc.patch_shared();
    let request = match &doc.origin {
        Origin::Graph { target } if props.request => Some((
            Settings::default()
                .connection()
                .expect("the default connection"),
            target.clone(),
        )),
        _ => None,
    };
    html! {
        <>
            <FormView schema={SchemaRef(doc.schema())} type_id={doc.type_id} draft={doc.draft.clone()} problems={doc.problems.clone()}
                server={doc.server_messages.clone()} {on_edit} />
            <ReviewPanel {patch} {request} blocked={doc.send_blocked(true).map(AttrValue::from)} busy={false} on_send={Callback::noop()} />
        </>
    }
}

fn mount(doc: Document) -> EditLog {
    mount_with(doc, false)
}

fn mount_with(doc: Document, request: bool) -> EditLog {
    let log = Rc::new(RefCell::new(Vec::new()));
    let props = HarnessProps {
        doc: Rc::new(RefCell::new(Some(doc))),
        log: log.clone(),
        request,
    };
    yew::Renderer::<Harness>::with_root_and_props(root(), props).render();
    log
}

fn graph_doc(api: ApiVersion, object: Value) -> Document {
    let s = schema(api);
    let t = s.find(object["@odata.type"].as_str().unwrap()).unwrap();
    let target = Target::device_configuration(object["id"].as_str().unwrap()).unwrap();
    Document::new(
        api,
        t,
        Origin::Graph { target },
        Some(object.clone()),
        &object,
    )
}

fn last(log: &EditLog) -> (String, Option<Value>) {
    log.borrow().last().cloned().expect("an edit was reported")
}

#[wasm_bindgen_test]
async fn each_widget_kind_reports_its_value() {
    let object = json!({
        "@odata.type": "#microsoft.graph.sharedPCConfiguration", "id": "w1", "displayName": "Shared",
        "version": 1, "allowedAccounts": "guest", "fastFirstSignIn": "notConfigured",
        "allowLocalStorage": false, "maintenanceStartTime": "02:00:00", "idleTimeBeforeSleepInSeconds": 300,
        "roleScopeTagIds": ["0"]
    });
    let log = mount(graph_doc(ApiVersion::Beta, object));
    settle().await;

    // Toggle.
    let toggle = input("f-allowLocalStorage");
    assert_eq!(toggle.type_(), "checkbox");
    toggle.set_checked(true);
    fire_change(&toggle);
    settle().await;
    assert_eq!(last(&log), ("allowLocalStorage".into(), Some(json!(true))));

    // Number, with the limits from the schema.
    type_into("f-idleTimeBeforeSleepInSeconds", "600");
    settle().await;
    assert_eq!(
        last(&log),
        ("idleTimeBeforeSleepInSeconds".into(), Some(json!(600)))
    );

    // Text.
    type_into("f-displayName", "Shared PCs");
    settle().await;
    assert_eq!(
        last(&log),
        ("displayName".into(), Some(json!("Shared PCs")))
    );

    // Time of day.
    assert_eq!(input("f-maintenanceStartTime").type_(), "time");
    type_into("f-maintenanceStartTime", "03:30:00");
    settle().await;
    assert_eq!(
        last(&log),
        ("maintenanceStartTime".into(), Some(json!("03:30:00")))
    );

    // Enum: a select of the members.
    let select: HtmlSelectElement = by_id("f-fastFirstSignIn").dyn_into().unwrap();
    select.set_value("enabled");
    fire_change(&select);
    settle().await;
    assert_eq!(
        last(&log),
        ("fastFirstSignIn".into(), Some(json!("enabled")))
    );

    // Flags enum: a multi-select joined with commas.
    let flags: HtmlSelectElement = by_id("f-allowedAccounts").dyn_into().unwrap();
    assert!(flags.multiple());
    let options = flags.options();
    for i in 0..options.length() {
        let o: web_sys::HtmlOptionElement = options.item(i).unwrap().dyn_into().unwrap();
        o.set_selected(o.value() == "guest" || o.value() == "domain");
    }
    fire_change(&flags);
    settle().await;
    assert_eq!(
        last(&log),
        ("allowedAccounts".into(), Some(json!("guest,domain")))
    );

    // Primitive list: add an item, then type into it.
    by_id("f-roleScopeTagIds.add")
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert_eq!(
        last(&log),
        ("roleScopeTagIds".into(), Some(json!(["0", ""])))
    );
    type_into("f-roleScopeTagIds[1]", "7");
    settle().await;
    assert_eq!(
        last(&log),
        ("roleScopeTagIds".into(), Some(json!(["0", "7"])))
    );

    // Every input is named by its JSON path and described by its message element.
    let i = input("f-roleScopeTagIds[1]");
    assert_eq!(i.name(), "roleScopeTagIds[1]");
    assert_eq!(
        i.get_attribute("aria-describedby").unwrap(),
        "e-roleScopeTagIds[1]"
    );
    by_id("e-roleScopeTagIds[1]");
    // A list item's input has a visible label of its own.
    let label = find("label[for=\"f-roleScopeTagIds[1]\"]");
    assert_eq!(label.text_content().unwrap(), "Item 2");
}

#[wasm_bindgen_test]
async fn complex_lists_choose_a_kind_and_binary_uploads_set_the_file_name() {
    let object = json!({
        "@odata.type": "#microsoft.graph.androidWorkProfileCustomConfiguration", "id": "o1", "displayName": "OMA",
        "version": 1,
        "omaSettings": [
            {"@odata.type": "#microsoft.graph.omaSettingInteger", "displayName": "a", "omaUri": "./a", "value": 1},
            {"@odata.type": "#microsoft.graph.omaSettingDateTime", "displayName": "b", "omaUri": "./b", "value": "2024-01-01T00:00:00Z"}
        ]
    });
    let log = mount(graph_doc(ApiVersion::V1, object));
    settle().await;

    // A nested number inside a repeatable fieldset.
    type_into("f-omaSettings[0].value", "5");
    settle().await;
    let (prop, value) = last(&log);
    assert_eq!(prop, "omaSettings");
    assert_eq!(value.unwrap()[0]["value"], json!(5));

    // Date-time: shown in UTC, reported as RFC 3339.
    let dt = input("f-omaSettings[1].value");
    assert_eq!(dt.type_(), "datetime-local");
    assert_eq!(dt.value(), "2024-01-01T00:00");
    type_into("f-omaSettings[1].value", "2025-06-30T12:15:00");
    settle().await;
    assert_eq!(
        last(&log).1.unwrap()[1]["value"],
        json!("2025-06-30T12:15:00Z")
    );

    // The kind chooser switches an item to another OMA setting kind, keeping shared fields.
    let kind: HtmlSelectElement = by_id("f-omaSettings[0].@odata.type").dyn_into().unwrap();
    kind.set_value("microsoft.graph.omaSettingStringXml");
    fire_change(&kind);
    settle().await;
    let item = last(&log).1.unwrap()[0].clone();
    assert_eq!(
        item["@odata.type"],
        json!("#microsoft.graph.omaSettingStringXml")
    );
    assert_eq!(item["omaUri"], json!("./a"));

    // Binary: base64 text input beside the upload button.
    type_into("f-omaSettings[0].value", "PHg+PC94Pg==");
    settle().await;
    assert_eq!(last(&log).1.unwrap()[0]["value"], json!("PHg+PC94Pg=="));

    // Reorder and remove.
    let up = find("[aria-label='Move item 2 up']");
    up.dyn_into::<web_sys::HtmlElement>().unwrap().click();
    settle().await;
    assert_eq!(last(&log).1.unwrap()[0]["omaUri"], json!("./b"));
    let remove = find("[aria-label='Remove item 1']");
    remove.dyn_into::<web_sys::HtmlElement>().unwrap().click();
    settle().await;
    assert_eq!(last(&log).1.unwrap().as_array().unwrap().len(), 1);
}

#[wasm_bindgen_test]
async fn an_out_of_range_number_shows_its_error_and_blocks_send() {
    let object = json!({
        "@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration", "id": "r1",
        "displayName": "Range", "version": 1, "passwordExpirationDays": 30
    });
    mount(graph_doc(ApiVersion::Beta, object));
    settle().await;
    type_into("f-passwordExpirationDays", "400");
    settle().await;
    let field = input("f-passwordExpirationDays");
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(field.min(), "1");
    assert_eq!(field.max(), "365");
    let message = by_id("e-passwordExpirationDays").text_content().unwrap();
    assert!(
        message.contains("400") && message.contains("365"),
        "{message}"
    );
    let send: web_sys::HtmlButtonElement = by_id("send").dyn_into().unwrap();
    assert!(send.disabled());
    assert!(by_id("send-blocked")
        .text_content()
        .unwrap()
        .contains("Fix the errors"));
    // Back in range: the error goes and Send is possible.
    type_into("f-passwordExpirationDays", "90");
    settle().await;
    assert_eq!(
        input("f-passwordExpirationDays")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("false")
    );
    assert!(!by_id("send")
        .dyn_into::<web_sys::HtmlButtonElement>()
        .unwrap()
        .disabled());
}

#[wasm_bindgen_test]
async fn the_diff_lists_exactly_the_changed_properties() {
    let object = json!({
        "@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration", "id": "d1",
        "displayName": "Before", "description": "same", "version": 1, "passwordExpirationDays": 30, "passwordMinimumLength": 6
    });
    mount(graph_doc(ApiVersion::Beta, object));
    settle().await;
    type_into("f-displayName", "After");
    type_into("f-passwordMinimumLength", "8");
    settle().await;
    let rows = scope()
        .query_selector_all("#diff tr[data-property]")
        .unwrap();
    let changed: Vec<String> = (0..rows.length())
        .map(|i| {
            rows.item(i)
                .unwrap()
                .dyn_into::<Element>()
                .unwrap()
                .get_attribute("data-property")
                .unwrap()
        })
        .collect();
    assert_eq!(changed, ["displayName", "passwordMinimumLength"]);
}

fn jwt(claims: Value) -> String {
    let enc = |v: &Value| {
        intune_editor::util::base64_encode(v.to_string().as_bytes())
            .replace('+', "-")
            .replace('/', "_")
            .replace('=', "")
    };
    format!("{}.{}.sig", enc(&json!({"alg": "none"})), enc(&claims))
}

#[wasm_bindgen_test]
async fn the_token_panel_decodes_and_warns() {
    #[derive(Properties, PartialEq)]
    struct P {
        token: AttrValue,
    }
    #[component]
    fn Panel(p: &P) -> Html {
        html! { <TokenPanel token={p.token.clone()} base={GraphBase::cloud(Cloud::UsGovL4)} /> }
    }
    let exp = (js_sys::Date::now() / 1000.0) as i64 + 3600;
    let token = jwt(
        json!({"tid": "tenant-1", "upn": "admin@contoso.example", "aud": "https://graph.microsoft.com",
        "scp": "User.Read", "exp": exp}),
    );
    let r = root();
    yew::Renderer::<Panel>::with_root_and_props(
        r.clone(),
        P {
            token: token.into(),
        },
    )
    .render();
    settle().await;
    let text = r.text_content().unwrap();
    assert!(
        text.contains("tenant-1") && text.contains("admin@contoso.example"),
        "{text}"
    );
    let warnings = by_id("token-warnings").text_content().unwrap();
    assert!(
        warnings.contains("https://graph.microsoft.us"),
        "{warnings}"
    );
    assert!(
        warnings.contains("DeviceManagementConfiguration.ReadWrite.All"),
        "{warnings}"
    );
    assert!(by_id("token-expiry")
        .text_content()
        .unwrap()
        .contains("min"));
}

#[wasm_bindgen_test]
fn a_stored_draft_comes_back() {
    let object = json!({
        "@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration", "id": "s1",
        "displayName": "Saved", "version": 3
    });
    let mut doc = graph_doc(ApiVersion::Beta, object);
    doc.draft
        .set("displayName", Some(json!("Edited, not sent")));
    let settings = Settings {
        cloud: None,
        custom_base: "http://127.0.0.1:9999".into(),
        ..Settings::default()
    };
    let saved = saved_draft(&settings, &doc);
    drafts::save(&saved).unwrap();
    let back = drafts::load_for(&saved.object_key()).expect("stored");
    let restored = document_from_saved(&back).expect("reopens");
    assert_eq!(
        restored.draft_value()["displayName"],
        json!("Edited, not sent")
    );
    assert_eq!(
        restored.loaded.as_ref().unwrap()["displayName"],
        json!("Saved")
    );
    assert!(restored.is_dirty());
    assert!(drafts::all().0.iter().any(|d| d.key() == saved.key()));
    drafts::remove_mine(&saved.object_key());
    assert!(drafts::load_for(&saved.object_key()).is_none());
}

/// Writes a raw entry into localStorage, as another tab or an older editor would.
fn put_raw(key: &str, text: &str) {
    drafts::local().unwrap().set_item(key, text).unwrap();
}

fn raw(key: &str) -> Option<String> {
    drafts::local().unwrap().get_item(key).unwrap()
}

fn windows10_draft(id: &str, name: &str) -> (Settings, Document) {
    let object = json!({
        "@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration", "id": id,
        "displayName": "Loaded", "version": 1
    });
    let mut doc = graph_doc(ApiVersion::Beta, object);
    doc.draft.set("displayName", Some(json!(name)));
    let settings = Settings {
        cloud: None,
        custom_base: "http://127.0.0.1:9998".into(),
        ..Settings::default()
    };
    (settings, doc)
}

#[wasm_bindgen_test]
fn drafts_survive_other_tabs_damaged_entries_and_older_formats() {
    drafts::forget_all();
    let (settings, doc) = windows10_draft("two-tabs", "Mine");
    let mine = saved_draft(&settings, &doc);
    drafts::save(&mine).unwrap();
    let object = mine.object_key();

    // Another open tab (it beat a moment ago) edits the same object.
    let theirs = drafts::SavedDraft {
        tab: "othertab".into(),
        draft: json!({"displayName": "Theirs"}),
        ..mine.clone()
    };
    put_raw(&theirs.key(), &serde_json::to_string(&theirs).unwrap());
    put_raw(
        "intune-editor.tab-alive|othertab",
        &(js_sys::Date::now() as u64).to_string(),
    );
    assert_eq!(drafts::others_editing(&object), 1);
    assert_eq!(
        drafts::load_for(&object).unwrap().draft["displayName"],
        json!("Mine")
    );
    // Send or Discard here removes this tab's draft only.
    drafts::remove_mine(&object);
    assert!(raw(&theirs.key()).is_some(), "the other tab's edits stay");
    // While that tab is open, its draft is its own: not taken over here.
    assert!(drafts::load_for(&object).is_none());
    // Once it is closed (no beat for long), the next opening takes its draft over.
    put_raw("intune-editor.tab-alive|othertab", "0");
    let adopted = drafts::load_for(&object).expect("the closed tab's draft");
    assert_eq!(adopted.draft["displayName"], json!("Theirs"));
    assert_eq!(adopted.tab, drafts::tab_id());
    assert!(raw(&theirs.key()).is_none());
    assert!(raw(&adopted.key()).is_some());

    // A draft of the unversioned format (no format, no tab) reads and is taken over.
    let (_, doc) = windows10_draft("old-format", "Old");
    let mut old = serde_json::to_value(saved_draft(&settings, &doc)).unwrap();
    old.as_object_mut().unwrap().remove("format");
    old.as_object_mut().unwrap().remove("tab");
    let old_key = format!(
        "intune-editor.draft|http://127.0.0.1:9998|beta|{}",
        old["object"].as_str().unwrap()
    );
    put_raw(&old_key, &old.to_string());
    let back = drafts::load_for(&old_key).expect("the old draft");
    assert_eq!(back.draft["displayName"], json!("Old"));
    assert!(raw(&old_key).is_none());

    // A damaged entry and one of a newer format are listed as they are, never deleted.
    let damaged = "intune-editor.draft|http://127.0.0.1:9998|beta|x|t";
    put_raw(damaged, "{\"draft\": ");
    let mut newer = serde_json::to_value(&mine).unwrap();
    newer["format"] = json!(drafts::FORMAT + 1);
    let newer_key = "intune-editor.draft|http://127.0.0.1:9998|beta|y|t";
    put_raw(newer_key, &newer.to_string());
    let (readable, unreadable) = drafts::all();
    assert!(readable.iter().all(|d| d.key() != damaged));
    let keys: Vec<&str> = unreadable.iter().map(|u| u.key.as_str()).collect();
    assert!(
        keys.contains(&damaged) && keys.contains(&newer_key),
        "{keys:?}"
    );
    assert_eq!(raw(damaged).as_deref(), Some("{\"draft\": "));

    // Two new drafts of one type, and two openings of one file, get keys of their own.
    let s = schema(ApiVersion::Beta);
    let t = s.find("androidForWorkGeneralDeviceConfiguration").unwrap();
    let fresh = |origin| {
        let d = Document::new(
            ApiVersion::Beta,
            t,
            origin,
            None,
            &json!({"displayName": "n"}),
        );
        saved_draft(&settings, &d).key()
    };
    let a = fresh(Origin::New {
        key: drafts::unique(),
    });
    let b = fresh(Origin::New {
        key: drafts::unique(),
    });
    assert_ne!(a, b);
    let f1 = fresh(Origin::File {
        name: "x.json".into(),
        key: drafts::unique(),
    });
    let f2 = fresh(Origin::File {
        name: "x.json".into(),
        key: drafts::unique(),
    });
    assert_ne!(f1, f2);

    // "Forget drafts on this device" removes every draft, readable or not.
    assert!(drafts::forget_all() >= 4);
    assert_eq!(drafts::all(), (Vec::new(), Vec::new()));
}

#[wasm_bindgen_test]
fn a_panic_mid_edit_writes_the_waiting_draft_and_says_so() {
    drafts::forget_all();
    let document = web_sys::window().unwrap().document().unwrap();
    let banner = document.create_element("div").unwrap();
    banner.set_id("panic-banner");
    banner.set_attribute("hidden", "").unwrap();
    document.body().unwrap().append_child(&banner).unwrap();
    let (settings, doc) = windows10_draft("panic", "Typed just before the crash");
    let key = saved_draft(&settings, &doc).key();
    // The edit waits for its save delay; the crash comes first.
    let (s, d) = (settings.clone(), doc.clone());
    drafts::set_pending(Some(Box::new(move || saved_draft(&s, &d))));
    assert!(raw(&key).is_none());
    intune_editor::panic::on_panic("index out of bounds");
    let stored = drafts::load_for(&saved_draft(&settings, &doc).object_key()).expect("written");
    assert_eq!(
        stored.draft["displayName"],
        json!("Typed just before the crash")
    );
    assert!(!banner.has_attribute("hidden"));
    assert!(banner
        .text_content()
        .unwrap()
        .contains("Your unsaved drafts are kept"));
    banner.remove();
    drafts::forget_all();
}

#[wasm_bindgen_test]
fn a_draft_whose_type_is_gone_stays_stored() {
    drafts::forget_all();
    let (settings, doc) = windows10_draft("gone", "Of a removed type");
    let mut saved = saved_draft(&settings, &doc);
    saved.type_name = "microsoft.graph.noLongerInTheMetadata".into();
    drafts::save(&saved).unwrap();
    assert!(document_from_saved(&saved).is_none(), "cannot be opened");
    // Listed, not deleted: the user can export or discard it.
    assert!(drafts::all().0.iter().any(|d| d.key() == saved.key()));
    assert!(raw(&saved.key()).is_some());
    drafts::forget_all();
}

/// Runs `script` in the page (the test runner's, which has no CSP).
fn run_js(script: &str) {
    js_sys::Function::new_no_args(script)
        .call0(&JsValue::NULL)
        .unwrap();
}

#[wasm_bindgen_test]
fn full_or_blocked_storage_is_reported_and_never_a_panic() {
    drafts::forget_all();
    let (settings, doc) = windows10_draft("quota", "Big");
    let mut big = saved_draft(&settings, &doc);
    // More than any browser's localStorage quota for one origin (5 MB of UTF-16 in Chromium).
    big.draft = json!({"displayName": "x".repeat(6 * 1024 * 1024)});
    let e = drafts::save(&big).unwrap_err();
    assert!(e.contains("full"), "{e}");
    assert!(drafts::all().0.is_empty());

    // Storage blocked for the page (privacy settings): every call answers, none throws.
    run_js(
        "window.__ls = Object.getOwnPropertyDescriptor(window, 'localStorage');
         Object.defineProperty(window, 'localStorage', { configurable: true,
           get() { throw new DOMException('blocked', 'SecurityError'); } });",
    );
    let (settings, doc) = windows10_draft("blocked", "Blocked");
    let e = drafts::save(&saved_draft(&settings, &doc)).unwrap_err();
    assert!(e.contains("blocks storage"), "{e}");
    assert_eq!(drafts::all(), (Vec::new(), Vec::new()));
    assert!(drafts::load_for("intune-editor.draft|x|beta|y").is_none());
    assert_eq!(drafts::forget_all(), 0);
    drafts::beat();
    run_js("Object.defineProperty(window, 'localStorage', window.__ls);");
    assert!(drafts::local().is_some());
}

#[wasm_bindgen_test]
async fn the_sign_in_panel_follows_the_configuration_and_the_cloud() {
    use intune_editor::auth::config::{CacheLocation, HostConfig};
    use intune_editor::components::sign_in_panel::SignInPanel;

    #[derive(Properties, PartialEq)]
    struct P {
        settings: Settings,
    }
    #[component]
    fn Panel(p: &P) -> Html {
        html! { <SignInPanel settings={p.settings.clone()} on_change={Callback::from(|_| ())} /> }
    }
    let render = |settings: Settings| {
        let r = root();
        yew::Renderer::<Panel>::with_root_and_props(r.clone(), P { settings }).render();
        r
    };

    // Nothing configured: a sentence, no button, nothing of MSAL runs.
    let r = render(Settings::default());
    settle().await;
    let text = r.text_content().unwrap();
    assert!(text.contains("no client ID is configured"), "{text}");
    assert!(r.query_selector("#sign-in").unwrap().is_none());

    // Configured: the sign-in host follows the cloud, with the tenant.
    let mut s = Settings::default();
    s.sign_in.host = HostConfig::from_config(Some(
        &json!({"msal": {"clientId": "app", "tenant": "contoso.example"}}),
    ))
    .unwrap()
    .unwrap();
    s.cloud = Some(Cloud::UsGovL5Dod);
    let r = render(s.clone());
    settle().await;
    assert!(r.query_selector("#sign-in").unwrap().is_some());
    let text = r.text_content().unwrap();
    assert!(
        text.contains("at https://login.microsoftonline.us/contoso.example"),
        "{text}"
    );
    assert!(r.query_selector("#msal-cache-warning").unwrap().is_none());

    // A custom Graph base without an authority says so; localStorage comes with a warning.
    s.cloud = None;
    s.custom_base = "https://proxy.example/graph".into();
    s.sign_in.user.cache_location = CacheLocation::Local;
    let r = render(s);
    settle().await;
    let text = r.text_content().unwrap();
    assert!(text.contains("needs an authority"), "{text}");
    assert!(r.query_selector("#msal-cache-warning").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn long_lists_render_a_page_at_a_time_but_always_up_to_the_last_problem() {
    let settings: Vec<Value> = (0..120)
        .map(|i| {
            json!({"@odata.type": "#microsoft.graph.omaSettingInteger", "displayName": format!("s{i}"),
                   "omaUri": format!("./s{i}"), "value": if i == 99 { json!("bad") } else { json!(i) }})
        })
        .collect();
    let object = json!({"@odata.type": "#microsoft.graph.androidWorkProfileCustomConfiguration", "id": "l1",
        "displayName": "Long", "version": 1, "omaSettings": settings});
    mount(graph_doc(ApiVersion::V1, object));
    settle().await;
    let items = || {
        scope()
            .query_selector_all("[data-path='omaSettings'] li.item")
            .unwrap()
            .length()
    };
    // The first page, stretched to the item with the error so the summary's link lands.
    assert_eq!(items(), 100);
    by_id("f-omaSettings[99].value");
    let show_all = find("[data-path='omaSettings'] .more button:last-child");
    show_all.dyn_into::<web_sys::HtmlElement>().unwrap().click();
    settle().await;
    assert_eq!(items(), 120);
}

/// The request opens by itself while its body is small. When an edit makes the body large, it
/// closes again: the page opening it is not the user's choice, and keeping a 500-item list
/// written out on every keystroke made typing in a list slow. Once the user opens it, it stays
/// open.
#[wasm_bindgen_test]
async fn the_request_closes_when_its_body_grows_large_unless_the_user_opened_it() {
    let settings: Vec<Value> = (0..120)
        .map(|i| {
            json!({"@odata.type": "#microsoft.graph.omaSettingInteger", "displayName": format!("s{i}"),
                   "omaUri": format!("./s{i}"), "value": i})
        })
        .collect();
    let object = json!({"@odata.type": "#microsoft.graph.androidWorkProfileCustomConfiguration", "id": "r1",
        "displayName": "Long", "version": 1, "omaSettings": settings});
    mount_with(graph_doc(ApiVersion::V1, object), true);
    settle().await;
    let details = || -> web_sys::HtmlDetailsElement { find("details.request").dyn_into().unwrap() };
    // The request as written out, if it is.
    let preview = || {
        scope()
            .query_selector("#request-preview")
            .unwrap()
            .and_then(|p| p.text_content())
    };

    type_into("f-displayName", "Renamed");
    settle().await;
    assert!(details().open(), "a small body is shown at once");
    assert!(preview().is_some_and(|t| t.contains("Renamed")));

    type_into("f-omaSettings[3].value", "42");
    settle().await;
    assert!(!details().open(), "a large body is not shown unasked");
    assert!(preview().is_none(), "nor written out");

    details().set_open(true);
    settle().await;
    assert!(preview().is_some_and(|t| t.contains("\"value\": 42")));
    type_into("f-omaSettings[3].value", "43");
    settle().await;
    assert!(details().open(), "the user opened it: it stays open");
    assert!(preview().is_some_and(|t| t.contains("\"value\": 43")));
}
