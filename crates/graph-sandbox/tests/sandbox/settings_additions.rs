//! More of the settings catalog for one sandbox (`Config::settings`): added definitions and
//! categories are served, paged and expanded like the fixtures', the added policies are seeded
//! through the same checks and judged by them on PUT, another sandbox does not see them, and a
//! file that clashes with the fixtures or holds a policy its definitions refuse stops the start.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, Method, StatusCode};
use graph_sandbox::settings::catalog;
use graph_sandbox::{Config, Sandbox};
use serde_json::{json, Value};

use crate::common::Harness;

const BETA: &str = "/beta/deviceManagement";
const GT: &str = "#microsoft.graph.deviceManagementConfiguration";
const MODE: &str = "device_vendor_msft_policy_config_benchtest_mode";
const LIMIT: &str = "device_vendor_msft_policy_config_benchtest_limit";
const CATEGORY: &str = "0b0b0b0b-0000-4000-8000-00000000000c";
const POLICY: &str = "0b0b0b0b-0000-4000-8000-0000000000a1";

fn definition(kind: &str, id: &str, extra: Value) -> Value {
    let mut d = json!({
        "@odata.type": format!("{GT}{kind}SettingDefinition"),
        "id": id,
        "name": id.rsplit('_').next().unwrap(),
        "displayName": format!("Test {}", id.rsplit('_').next().unwrap()),
        "categoryId": CATEGORY,
        "rootDefinitionId": MODE,
        "version": "1",
        "applicability": {"platform": "windows10", "technologies": "mdm"},
        "occurrence": {"minDeviceOccurrence": 0, "maxDeviceOccurrence": 1},
    });
    d.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    d
}

/// A choice whose option `_1` needs an integer child in 1..=10, and a policy setting both.
fn additions(limit: i64) -> Value {
    let option = |n: i64, children: Value| {
        json!({"itemId": format!("{MODE}_{n}"), "name": format!("{n}"), "displayName": format!("{n}"),
               "optionValue": {"@odata.type": format!("{GT}IntegerSettingValue"), "value": n},
               "dependentOn": [], "dependedOnBy": children})
    };
    json!({
        "categories": [{"id": CATEGORY, "displayName": "Test category", "platforms": "windows10",
                        "technologies": "mdm", "childCategoryIds": []}],
        "definitions": [
            definition("Choice", MODE, json!({"options": [
                option(0, json!([])),
                option(1, json!([{"dependedOnBy": LIMIT, "required": true}])),
            ]})),
            definition("Simple", LIMIT, json!({
                "valueDefinition": {"@odata.type": format!("{GT}IntegerSettingValueDefinition"),
                                    "minimumValue": 1, "maximumValue": 10},
                "dependentOn": [{"dependentOn": format!("{MODE}_1"), "parentSettingId": MODE}],
            })),
        ],
        "policies": [{
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
            "id": POLICY,
            "name": "Added policy",
            "platforms": "windows10",
            "technologies": "mdm",
            "settings": [{"settingInstance": {
                "@odata.type": format!("{GT}ChoiceSettingInstance"),
                "settingDefinitionId": MODE,
                "choiceSettingValue": {"value": format!("{MODE}_1"), "children": [{
                    "@odata.type": format!("{GT}SimpleSettingInstance"),
                    "settingDefinitionId": LIMIT,
                    "simpleSettingValue": {"@odata.type": format!("{GT}IntegerSettingValue"), "value": limit},
                }]},
            }}],
        }],
    })
}

fn write(dir: &tempfile::TempDir, name: &str, doc: &Value) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

fn config(files: Vec<PathBuf>) -> Config {
    Config {
        settings: files,
        ..Config::default()
    }
}

#[tokio::test]
async fn added_definitions_categories_and_policies_are_served_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::with(config(vec![write(&dir, "more.json", &additions(4))]));
    let fixtures = catalog::catalog().definitions().len();

    let r = h
        .get(&format!("{BETA}/configurationSettings?$top=999"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json["value"].as_array().unwrap().len(), fixtures + 2);
    let one = h
        .get(&format!(
            "{BETA}/configurationSettings/{}",
            LIMIT.to_uppercase()
        ))
        .await;
    assert_eq!(one.json["id"], LIMIT);
    let cat = h
        .get(&format!("{BETA}/configurationCategories/{CATEGORY}"))
        .await;
    assert_eq!(cat.json["displayName"], "Test category");

    // The policy was seeded as a POST stores one (settings numbered) and expands its tree.
    let r = h
        .get(&format!(
            "{BETA}/configurationPolicies/{POLICY}/settings?$expand=settingDefinitions"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let setting = &r.json["value"][0];
    assert_eq!(setting["id"], "0");
    let ids: Vec<&str> = setting["settingDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [MODE, LIMIT]);

    // A PUT is judged by the added definitions: 11 is out of the child's range.
    let mut policy = h
        .get(&format!(
            "{BETA}/configurationPolicies/{POLICY}?$expand=settings"
        ))
        .await
        .json;
    policy.as_object_mut().unwrap().remove("@odata.context");
    let value =
        "/settings/0/settingInstance/choiceSettingValue/children/0/simpleSettingValue/value";
    *policy.pointer_mut(value).unwrap() = json!(11);
    let put = |body: &Value| {
        h.request(
            Method::PUT,
            &format!("{BETA}/configurationPolicies/{POLICY}"),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
    };
    let r = h.send(put(&policy)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert!(r.text().contains("ValueOutOfRange"), "{}", r.text());
    *policy.pointer_mut(value).unwrap() = json!(10);
    let r = h.send(put(&policy)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());

    // Another sandbox serves the fixtures alone.
    let plain = Harness::new();
    let r = plain
        .get(&format!("{BETA}/configurationSettings/{MODE}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = plain
        .get(&format!("{BETA}/configurationSettings?$top=999"))
        .await;
    assert_eq!(r.json["value"].as_array().unwrap().len(), fixtures);
}

#[test]
fn clashing_or_refused_additions_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    // A policy whose value its own definitions refuse.
    let refused = write(&dir, "refused.json", &additions(11));
    let e = Sandbox::new(config(vec![refused])).unwrap_err().to_string();
    assert!(
        e.contains("refused.json") && e.contains("policy [0]"),
        "{e}"
    );
    // The same definitions twice (two files), and a fixture's id again.
    let once = write(&dir, "once.json", &additions(4));
    let e = Sandbox::new(config(vec![once.clone(), once]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("there already"), "{e}");
    let fixture = catalog::catalog().definitions()[0].clone();
    let again = write(&dir, "again.json", &json!({ "definitions": [fixture] }));
    assert!(Sandbox::new(config(vec![again])).is_err());
    // Not an additions file.
    let other = write(&dir, "other.json", &json!({ "value": [] }));
    let e = Sandbox::new(config(vec![other])).unwrap_err().to_string();
    assert!(e.contains("unknown key"), "{e}");
}

/// Graph's own type names of the collection and group definitions are known kinds, as are the
/// fixtures' longer forms.
#[test]
fn definition_kinds_by_graphs_type_names() {
    use graph_sandbox::settings::Kind;
    for (name, kind) in [
        ("ChoiceSettingDefinition", Kind::Choice),
        ("ChoiceSettingCollectionDefinition", Kind::ChoiceCollection),
        ("SimpleSettingDefinition", Kind::Simple),
        ("SimpleSettingCollectionDefinition", Kind::SimpleCollection),
        ("SettingGroupDefinition", Kind::Group),
        ("SettingGroupCollectionDefinition", Kind::GroupCollection),
        ("RedirectSettingDefinition", Kind::Redirect),
        (
            "ChoiceSettingCollectionSettingDefinition",
            Kind::ChoiceCollection,
        ),
        (
            "SettingGroupCollectionSettingDefinition",
            Kind::GroupCollection,
        ),
    ] {
        let d = json!({ "@odata.type": format!("{GT}{name}") });
        assert_eq!(Kind::of(&d), Some(kind), "{name}");
    }
    for name in ["SettingDefinition", "SimpleSettingInstance", "Choice"] {
        let d = json!({ "@odata.type": format!("{GT}{name}") });
        assert_eq!(Kind::of(&d), None, "{name}");
    }
}
