//! Endpoint security intents: the fixtures checked for consistency (and against the beta
//! metadata's type and property names), intents, their settings and categories, templates and
//! definitions served and paged as Graph beta does, and the 404s, 405s and v1.0 400s;
//! `updateSettings` and PATCH are [`update`]'s.

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{header, Method, StatusCode};
use graph_sandbox::intents::catalog::{catalog, children, fixture_intents, ValueType};
use graph_sandbox::intents::checks::check_settings;
use graph_sandbox::intents::pattern;
use graph_sandbox::intents::{
    seeded_intents, BITLOCKER_INTENT_ID, BITLOCKER_TEMPLATE_ID, ENDPOINT_INTENT_ID,
    ENDPOINT_TEMPLATE_ID,
};
use policy_core::embedded::schema;
use policy_core::model::ApiVersion;
use serde_json::{json, Value};

use crate::common::{local, Harness, Reply, HOST};

mod update;

const BETA: &str = "/beta/deviceManagement";
const EP: &str = "deviceConfiguration--windows10EndpointProtectionConfiguration_";

fn intent_uri(id: &str) -> String {
    format!("{BETA}/intents/{id}")
}

async fn update(h: &Harness, intent: &str, settings: Value) -> Reply {
    let uri = format!("{}/updateSettings", intent_uri(intent));
    h.send_json(Method::POST, &uri, &json!({ "settings": settings }))
        .await
}

/// Every item of a list, following `@odata.nextLink`; also how many pages it took.
async fn walk(h: &Harness, first: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut next) = (Vec::new(), 0, Some(first.to_string()));
    while let Some(uri) = next {
        let r = h.get(&uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
        items.extend(r.json["value"].as_array().unwrap().iter().cloned());
        pages += 1;
        next = r.json["@odata.nextLink"].as_str().map(local);
        assert!(pages < 100, "paging does not end");
    }
    (items, pages)
}

/// An intent's settings by definition id.
async fn settings(h: &Harness, intent: &str) -> Vec<Value> {
    let r = h
        .get(&format!("{}/settings?$top=1000", intent_uri(intent)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json["value"].as_array().unwrap().clone()
}

fn setting<'a>(all: &'a [Value], definition: &str) -> &'a Value {
    all.iter()
        .find(|s| s["definitionId"] == definition)
        .unwrap_or_else(|| panic!("no setting {definition}"))
}

fn short(t: &Value) -> &str {
    t.as_str()
        .unwrap_or_default()
        .strip_prefix("#microsoft.graph.")
        .unwrap_or_default()
}

/// Checks one constraint is well-formed and fits a definition of `value_type`; returns its
/// short type.
fn check_constraint(c: &Value, value_type: ValueType, at: &str) -> String {
    let t = short(&c["@odata.type"]).to_string();
    let int = |k: &str| {
        c[k].as_i64()
            .unwrap_or_else(|| panic!("{at}: {t} needs {k}"))
    };
    let fits = match t.as_str() {
        "deviceManagementSettingIntegerConstraint" => {
            assert!(int("minimumValue") <= int("maximumValue"), "{at}");
            value_type == ValueType::Integer
        }
        "deviceManagementSettingStringLengthConstraint" => {
            assert!(
                0 <= int("minimumLength") && int("minimumLength") <= int("maximumLength"),
                "{at}"
            );
            matches!(value_type, ValueType::String | ValueType::Collection)
        }
        "deviceManagementSettingRegexConstraint" => {
            let re = c["regex"].as_str().unwrap();
            pattern::compile(re).unwrap_or_else(|e| panic!("{at}: {re}: {e}"));
            matches!(value_type, ValueType::String | ValueType::Collection)
        }
        "deviceManagementEnumConstraint" => {
            let values = c["values"].as_array().unwrap();
            assert!(!values.is_empty(), "{at}");
            for v in values {
                assert!(
                    v["value"].is_string() && v["displayName"].is_string(),
                    "{at}"
                );
            }
            matches!(value_type, ValueType::String | ValueType::Collection)
        }
        "deviceManagementSettingBooleanConstraint" => {
            assert!(c["value"].is_boolean(), "{at}");
            value_type == ValueType::Boolean
        }
        "deviceManagementSettingCollectionConstraint" => {
            assert!(
                0 <= int("minimumLength") && int("minimumLength") <= int("maximumLength"),
                "{at}"
            );
            value_type == ValueType::Collection
        }
        other => panic!("{at}: unexpected constraint {other}"),
    };
    assert!(fits, "{at}: {t} does not fit a {value_type:?} setting");
    t
}

/// `deviceConfiguration--<type>[_<property>]` with names the beta metadata has.
fn check_names(id: &str) {
    let rest = id
        .strip_prefix("deviceConfiguration--")
        .unwrap_or_else(|| panic!("{id}: not deviceConfiguration--…"));
    let (type_name, property) = match rest.split_once('_') {
        Some((t, p)) => (t, Some(p)),
        None => (rest, None),
    };
    let beta = schema(ApiVersion::Beta);
    let t = beta
        .find(type_name)
        .unwrap_or_else(|| panic!("{id}: no type {type_name} in beta"));
    if let Some(p) = property {
        assert!(
            beta.get(t).property(p).is_some(),
            "{id}: {type_name} has no {p}"
        );
    }
}

#[test]
fn fixtures_are_consistent() {
    let cat = catalog();
    let mut ids = HashSet::new();
    let (mut value_types, mut constraint_kinds) = (HashSet::new(), HashSet::new());
    for d in cat.definitions() {
        let id = d["id"].as_str().unwrap();
        assert!(ids.insert(id.to_ascii_lowercase()), "{id} twice");
        check_names(id);
        let vt = ValueType::of(d).unwrap_or_else(|| panic!("{id}: valueType"));
        value_types.insert(vt.name());
        let want = match vt {
            ValueType::Complex => "deviceManagementComplexSettingDefinition",
            ValueType::Collection => "deviceManagementCollectionSettingDefinition",
            ValueType::AbstractComplex => "deviceManagementAbstractComplexSettingDefinition",
            _ => "deviceManagementSettingDefinition",
        };
        assert_eq!(short(&d["@odata.type"]), want, "{id}");
        assert!(
            d["displayName"].as_str().is_some_and(|n| !n.is_empty()),
            "{id}"
        );
        assert!(d["isTopLevel"].is_boolean(), "{id}");
        for c in d["constraints"].as_array().unwrap() {
            constraint_kinds.insert(check_constraint(c, vt, id));
        }
        for dep in d["dependencies"].as_array().unwrap() {
            let on = dep["definitionId"].as_str().unwrap();
            let target = cat
                .definition(on)
                .unwrap_or_else(|| panic!("{id} depends on {on}"));
            let target_type = ValueType::of(target).unwrap();
            for c in dep["constraints"].as_array().unwrap() {
                constraint_kinds.insert(check_constraint(c, target_type, id));
            }
        }
        for child in children(d) {
            let sub = cat
                .definition(&child)
                .unwrap_or_else(|| panic!("{id}: {child}"));
            assert_eq!(sub["isTopLevel"], false, "{id}: {child} lives inside it");
        }
        match vt {
            ValueType::Complex => assert!(!children(d).is_empty(), "{id}"),
            ValueType::AbstractComplex => {
                for i in children(d) {
                    assert_eq!(
                        ValueType::of(cat.definition(&i).unwrap()),
                        Some(ValueType::Complex),
                        "{id}: {i}"
                    );
                }
            }
            _ => {}
        }
    }
    for vt in ValueType::ALL {
        assert!(
            value_types.contains(vt.name()),
            "no {} definition",
            vt.name()
        );
    }
    assert_eq!(
        constraint_kinds.len(),
        6,
        "every constraint kind: {constraint_kinds:?}"
    );

    assert_eq!(cat.templates().len(), 2);
    for t in cat.templates() {
        let tid = t["id"].as_str().unwrap();
        let categories = cat.categories(tid).unwrap();
        assert!(!categories.is_empty(), "{tid}");
        let mut listed = HashSet::new();
        for c in categories {
            for d in &c.definition_ids {
                let def = cat
                    .definition(d)
                    .unwrap_or_else(|| panic!("{tid}/{}: {d}", c.id()));
                listed.insert(d.clone());
                // Everything below a listed definition is listed with it.
                for child in children(def) {
                    assert!(c.definition_ids.contains(&child), "{}: {child}", c.id());
                }
            }
        }
        let defaults = cat.template_settings(tid).unwrap();
        check_settings(defaults, Some(tid), cat)
            .unwrap_or_else(|e| panic!("{tid} defaults: {e:?}"));
        assert!(defaults
            .iter()
            .all(|s| listed.contains(s["definitionId"].as_str().unwrap())));
    }

    let fixtures = fixture_intents();
    assert_eq!(fixtures.len(), 2);
    assert_eq!(
        seeded_intents().len(),
        fixtures.len(),
        "every fixture intent is seeded"
    );
    for intent in &fixtures {
        let tid = intent["templateId"].as_str().unwrap();
        assert!(cat.template(tid).is_some(), "{tid}");
        let items = intent["settings"].as_array().unwrap();
        for s in items {
            let d = s["definitionId"].as_str().unwrap();
            assert!(cat.category_of(tid, d).is_some(), "{d} is not in {tid}");
        }
        check_settings(items, Some(tid), cat).unwrap_or_else(|e| panic!("{}: {e:?}", intent["id"]));
    }
}

#[tokio::test]
async fn intents_list_without_settings_and_page() {
    let h = Harness::new();
    let r = h.get(&format!("{BETA}/intents")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json["@odata.context"],
        format!("http://{HOST}/beta/$metadata#deviceManagement/intents")
    );
    let items = r.json["value"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items
        .iter()
        .all(|i| i.get("settings").is_none() && i["templateId"].is_string()));
    assert_eq!(
        items[0]["@odata.type"],
        "#microsoft.graph.deviceManagementIntent"
    );

    let (all, pages) = walk(&h, &format!("{BETA}/intents?$top=1")).await;
    assert_eq!((all.len(), pages), (2, 2));
    let first = h.get(&format!("{BETA}/intents?$top=1")).await;
    assert_eq!(
        first.json["@odata.nextLink"],
        format!("http://{HOST}/beta/deviceManagement/intents?$top=1&$skiptoken=1")
    );
    let filtered = h
        .get(&format!(
            "{BETA}/intents?$filter=templateId%20eq%20'{BITLOCKER_TEMPLATE_ID}'"
        ))
        .await;
    assert_eq!(filtered.json["value"].as_array().unwrap().len(), 1);
    assert_eq!(filtered.json["value"][0]["id"], BITLOCKER_INTENT_ID);
    let expanded = h.get(&format!("{BETA}/intents?$expand=settings")).await;
    assert!(expanded.json["value"][0]["settings"]
        .as_array()
        .is_some_and(|s| !s.is_empty()));
}

#[tokio::test]
async fn one_intent_with_or_without_settings() {
    let h = Harness::new();
    let r = h.get(&intent_uri(ENDPOINT_INTENT_ID)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json["@odata.context"],
        format!("http://{HOST}/beta/$metadata#deviceManagement/intents/$entity")
    );
    assert_eq!(r.json["templateId"], ENDPOINT_TEMPLATE_ID);
    assert!(r.json.get("settings").is_none());
    let e = h
        .get(&format!(
            "{}?$expand=settings",
            intent_uri(ENDPOINT_INTENT_ID)
        ))
        .await;
    let s = e.json["settings"].as_array().unwrap();
    assert_eq!(s.len(), 10);
    let kinds: HashSet<&str> = s
        .iter()
        .map(|x| x["@odata.type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 6, "every instance type: {kinds:?}");
    let ftp = setting(s, &format!("{EP}firewallBlockStatefulFTP"));
    assert_eq!(
        (&ftp["valueJson"], &ftp["value"]),
        (&json!("true"), &json!(true))
    );
    let search = setting(
        s,
        "deviceConfiguration--windows10GeneralConfiguration_edgeSearchEngine",
    );
    assert_eq!(
        search["implementationId"],
        "deviceConfiguration--edgeSearchEngineCustom"
    );
    let selected = h
        .get(&format!(
            "{}?$select=displayName",
            intent_uri(BITLOCKER_INTENT_ID)
        ))
        .await;
    assert!(selected.json["displayName"].is_string() && selected.json.get("templateId").is_none());
}

#[tokio::test]
async fn settings_and_categories_of_an_intent() {
    let h = Harness::new();
    let base = intent_uri(ENDPOINT_INTENT_ID);
    let all = settings(&h, ENDPOINT_INTENT_ID).await;
    let (paged, pages) = walk(&h, &format!("{base}/settings?$top=3")).await;
    assert_eq!((paged.len(), pages), (all.len(), 4));
    let id = all[1]["id"].as_str().unwrap();
    let one = h.get(&format!("{base}/settings/{id}")).await;
    assert_eq!(one.json["id"], id);
    assert!(one.json["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/settings/$entity"));
    h.get(&format!("{base}/settings/nothing"))
        .await
        .graph_error(404, "ResourceNotFound");

    let cats = h.get(&format!("{base}/categories")).await;
    let cats = cats.json["value"].as_array().unwrap().clone();
    assert_eq!(cats.len(), 5);
    assert!(cats
        .iter()
        .all(|c| c["@odata.type"] == "#microsoft.graph.deviceManagementIntentSettingCategory"));
    assert!(cats.iter().all(|c| c.get("settingDefinitionIds").is_none()));
    let mut seen = 0;
    for c in &cats {
        let cid = c["id"].as_str().unwrap();
        let single = h.get(&format!("{base}/categories/{cid}")).await;
        assert_eq!(single.json["displayName"], c["displayName"]);
        let defs = h
            .get(&format!("{base}/categories/{cid}/settingDefinitions"))
            .await;
        let defs = defs.json["value"].as_array().unwrap().clone();
        assert!(!defs.is_empty());
        let ids: HashSet<&str> = defs.iter().map(|d| d["id"].as_str().unwrap()).collect();
        let mine = h.get(&format!("{base}/categories/{cid}/settings")).await;
        let mine = mine.json["value"].as_array().unwrap().clone();
        assert!(mine
            .iter()
            .all(|s| ids.contains(s["definitionId"].as_str().unwrap())));
        seen += mine.len();
    }
    assert_eq!(seen, all.len(), "every setting is in one category");
    let rules = cats
        .iter()
        .find(|c| c["displayName"] == "Firewall rules")
        .unwrap();
    let defs = h
        .get(&format!(
            "{base}/categories/{}/settingDefinitions",
            rules["id"].as_str().unwrap()
        ))
        .await;
    let tops: Vec<bool> = defs.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["isTopLevel"] == true)
        .collect();
    assert_eq!(
        tops.iter().filter(|t| **t).count(),
        1,
        "nested definitions come along"
    );
    h.get(&format!("{base}/categories/nothing/settings"))
        .await
        .graph_error(404, "ResourceNotFound");
}

#[tokio::test]
async fn templates_and_definitions() {
    let h = Harness::new();
    let r = h.get(&format!("{BETA}/templates")).await;
    let templates = r.json["value"].as_array().unwrap();
    assert_eq!(templates.len(), 2);
    assert!(templates.iter().all(|t| t["intentCount"] == 1
        && t["@odata.type"] == "#microsoft.graph.deviceManagementTemplate"));
    let t = h
        .get(&format!("{BETA}/templates/{BITLOCKER_TEMPLATE_ID}"))
        .await;
    assert_eq!(
        (
            t.json["templateSubtype"].as_str(),
            t.json["templateType"].as_str()
        ),
        (Some("diskEncryption"), Some("securityTemplate"))
    );
    let cats = h
        .get(&format!(
            "{BETA}/templates/{BITLOCKER_TEMPLATE_ID}/categories"
        ))
        .await;
    let cats = cats.json["value"].as_array().unwrap().clone();
    assert_eq!(cats.len(), 3);
    assert_eq!(
        cats[0]["@odata.type"],
        "#microsoft.graph.deviceManagementTemplateSettingCategory"
    );
    let cid = cats[1]["id"].as_str().unwrap();
    let one = h
        .get(&format!(
            "{BETA}/templates/{BITLOCKER_TEMPLATE_ID}/categories/{cid}"
        ))
        .await;
    assert_eq!(one.json["id"], cid);
    let (defs, pages) = walk(
        &h,
        &format!(
            "{BETA}/templates/{BITLOCKER_TEMPLATE_ID}/categories/{cid}/settingDefinitions?$top=2"
        ),
    )
    .await;
    assert_eq!((defs.len(), pages), (7, 4));
    assert_eq!(defs[0]["valueType"], "complex");
    let defaults = h
        .get(&format!("{BETA}/templates/{ENDPOINT_TEMPLATE_ID}/settings"))
        .await;
    assert_eq!(defaults.json["value"].as_array().unwrap().len(), 10);

    let (every, _) = walk(&h, &format!("{BETA}/settingDefinitions?$top=10")).await;
    assert_eq!(every.len(), catalog().definitions().len());
    let id = format!("{EP}firewallRules");
    let d = h.get(&format!("{BETA}/settingDefinitions/{id}")).await;
    assert_eq!(
        d.json["elementDefinitionId"],
        "deviceConfiguration--windowsFirewallRule"
    );
    let found = h
        .get(&format!(
            "{BETA}/settingDefinitions?$filter=valueType%20eq%20'abstractComplex'"
        ))
        .await;
    assert_eq!(found.json["value"].as_array().unwrap().len(), 1);

    for missing in [
        format!("{BETA}/templates/nothing"),
        format!("{BETA}/templates/nothing/categories"),
        format!("{BETA}/templates/{ENDPOINT_TEMPLATE_ID}/categories/nothing/settingDefinitions"),
        // Graph has no settingDefinitions directly below a template.
        format!("{BETA}/templates/{ENDPOINT_TEMPLATE_ID}/settingDefinitions"),
        format!("{BETA}/settingDefinitions/nothing"),
    ] {
        h.get(&missing).await.graph_error(404, "ResourceNotFound");
    }
}

#[tokio::test]
async fn unknown_intents_wrong_methods_and_v1() {
    let h = Harness::new();
    h.get(&intent_uri("nothing"))
        .await
        .graph_error(404, "ResourceNotFound");
    h.get(&format!("{}/settings", intent_uri("nothing")))
        .await
        .graph_error(404, "ResourceNotFound");
    h.get(&format!("{}/categories", intent_uri("nothing")))
        .await
        .graph_error(404, "ResourceNotFound");
    update(&h, "nothing", json!([]))
        .await
        .graph_error(404, "ResourceNotFound");
    h.patch(&intent_uri("nothing"), &json!({"displayName": "x"}))
        .await
        .graph_error(404, "ResourceNotFound");
    h.get(&format!(
        "{}/updateSettings",
        intent_uri(ENDPOINT_INTENT_ID)
    ))
    .await
    .graph_error(405, "MethodNotAllowed");
    let r = h
        .send(
            h.request(Method::DELETE, &format!("{BETA}/templates"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    r.graph_error(405, "MethodNotAllowed");
    assert_eq!(r.header("allow"), Some("GET"));
    let r = h
        .send(
            h.request(
                Method::POST,
                &format!("{}/updateSettings", intent_uri(ENDPOINT_INTENT_ID)),
            )
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("{}"))
            .unwrap(),
        )
        .await;
    r.graph_error(415, "UnsupportedMediaType");
    for path in ["intents", "templates", "settingDefinitions"] {
        h.get(&format!("/v1.0/deviceManagement/{path}"))
            .await
            .graph_error(400, "BadRequest");
    }
    let r = h
        .send(
            h.request(
                Method::POST,
                &format!("/v1.0/deviceManagement/intents/{ENDPOINT_INTENT_ID}/updateSettings"),
            )
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"settings\": []}"))
            .unwrap(),
        )
        .await;
    r.graph_error(400, "BadRequest");
}
