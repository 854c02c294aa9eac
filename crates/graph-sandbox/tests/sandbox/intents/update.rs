//! `updateSettings`: a valid change applied (values replaced by definition id, ids kept, a
//! missing setting added, the nested `value` form read), each kind of invalid one refused with
//! 400 at the setting's path and nothing changed; and PATCH of an intent's own properties
//! through the generic handling.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use graph_sandbox::intents::{BITLOCKER_INTENT_ID, ENDPOINT_INTENT_ID};
use serde_json::{json, Value};

use super::{intent_uri, setting, settings, update, EP};
use crate::common::Harness;

const SEARCH: &str = "deviceConfiguration--windows10GeneralConfiguration_edgeSearchEngine";

/// A setting instance of `kind` (`Boolean`, `Complex`, … or `` for the base type) with its
/// value as JSON text.
fn inst(kind: &str, definition: &str, value_json: &str) -> Value {
    json!({
        "@odata.type": format!("#microsoft.graph.deviceManagement{kind}SettingInstance"),
        "definitionId": definition,
        "valueJson": value_json,
    })
}

/// The same with one more property.
fn with(mut setting: Value, key: &str, value: Value) -> Value {
    setting[key] = value;
    setting
}

#[tokio::test]
async fn update_settings_applies_a_valid_change() {
    let h = Harness::new();
    let before = settings(&h, ENDPOINT_INTENT_ID).await;
    let stamp = h.get(&intent_uri(ENDPOINT_INTENT_ID)).await.json["lastModifiedDateTime"].clone();
    let rules = json!([{
        "displayName": "Allow RDP in",
        "action": "allowed",
        "protocol": 6,
        "localPortRanges": ["3389", "50000-50100"],
    }]);
    let ftp = format!("{EP}firewallBlockStatefulFTP");
    let idle = format!("{EP}firewallIdleTimeoutForSecurityAssociationInSeconds");
    let crl = format!("{EP}firewallCertificateRevocationListCheckMethod");
    let public = format!("{EP}firewallProfilePublic");
    let profile = r#"{"firewallEnabled":"blocked","stealthModeBlocked":null}"#;
    let excluded = format!("{EP}defenderFilesAndFoldersToExclude");
    let r = update(
        &h,
        ENDPOINT_INTENT_ID,
        json!([
            // The typed value alone, as Graph takes it.
            {
                "@odata.type": "#microsoft.graph.deviceManagementBooleanSettingInstance",
                "definitionId": ftp,
                "value": false,
            },
            // The base type with JSON text, as Graph's own example sends it.
            inst("", &idle, "900"),
            with(inst("String", &crl, "\"require\""), "value", json!("require")),
            inst("Complex", &public, profile),
            inst("Collection", &format!("{EP}firewallRules"), &rules.to_string()),
            inst("Collection", &excluded, "null"),
            with(
                inst("AbstractComplex", SEARCH, r#"{"edgeSearchEngineType":"bing"}"#),
                "implementationId",
                json!("deviceConfiguration--edgeSearchEngine"),
            ),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert!(r.raw.is_empty());

    let after = settings(&h, ENDPOINT_INTENT_ID).await;
    assert_eq!(after.len(), before.len(), "values replaced, none added");
    for (b, a) in before.iter().zip(&after) {
        let key = |s: &Value| (s["id"].clone(), s["definitionId"].clone());
        assert_eq!(key(b), key(a), "ids and order kept");
    }
    let ftp = setting(&after, &ftp);
    assert_eq!(
        (&ftp["valueJson"], &ftp["value"]),
        (&json!("false"), &json!(false))
    );
    let idle = setting(&after, &idle);
    let integer = "#microsoft.graph.deviceManagementIntegerSettingInstance";
    assert_eq!(
        (&idle["@odata.type"], &idle["value"]),
        (&json!(integer), &json!(900))
    );
    let public = setting(&after, &public);
    assert_eq!(public["valueJson"], profile);
    assert!(
        public.get("value").is_none(),
        "a complex instance has no plain value"
    );
    let stored = &setting(&after, &format!("{EP}firewallRules"))["valueJson"];
    let stored: Value = serde_json::from_str(stored.as_str().unwrap()).unwrap();
    assert_eq!(stored, rules);
    assert_eq!(setting(&after, &excluded)["valueJson"], "null");
    let search = setting(&after, SEARCH);
    assert_eq!(
        search["implementationId"],
        "deviceConfiguration--edgeSearchEngine"
    );
    let cpu = format!("{EP}defenderScanMaxCpuPercentage");
    assert_eq!(
        setting(&after, &cpu),
        setting(&before, &cpu),
        "others untouched"
    );
    let now = h.get(&intent_uri(ENDPOINT_INTENT_ID)).await.json["lastModifiedDateTime"].clone();
    assert_ne!(now, stamp);

    // A setting the intent does not have yet is added; the nested `value` form is read too.
    let removable = format!("{EP}bitLockerRemovableDrivePolicy");
    let system = format!("{EP}bitLockerSystemDrivePolicy");
    h.sandbox
        .stores()
        .beta
        .get_mut(BITLOCKER_INTENT_ID)
        .unwrap()
        .value["settings"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["definitionId"] != removable.as_str());
    let pin = json!({
        "@odata.type": "#microsoft.graph.deviceManagementIntegerSettingInstance",
        "definitionId": "deviceConfiguration--bitLockerSystemDrivePolicy_minimumPinLength",
        "value": 12,
    });
    let nested = json!({
        "@odata.type": "#microsoft.graph.deviceManagementComplexSettingInstance",
        "definitionId": system,
        "value": [pin],
    });
    let write_access = r#"{"requireEncryptionForWriteAccess":true}"#;
    let r = update(
        &h,
        BITLOCKER_INTENT_ID,
        json!([inst("Complex", &removable, write_access), nested]),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let after = settings(&h, BITLOCKER_INTENT_ID).await;
    assert_eq!(after.len(), 6);
    assert_eq!(setting(&after, &removable)["valueJson"], write_access);
    assert_eq!(
        setting(&after, &system)["valueJson"],
        r#"{"minimumPinLength":12}"#
    );
}

/// A call body and the first detail it must be refused with.
struct Refusal {
    intent: &'static str,
    body: Value,
    code: &'static str,
    target: &'static str,
}

/// A call with one setting.
fn one(intent: &'static str, setting: Value, code: &'static str, target: &'static str) -> Refusal {
    Refusal {
        intent,
        body: json!({ "settings": [setting] }),
        code,
        target,
    }
}

/// The endpoint intent's firewall rules: one rule with `key` set to `value`.
fn rule(key: &str, value: Value) -> Value {
    let mut r = json!({"displayName": "RDP", "action": "allowed", "protocol": 6,
                       "localPortRanges": ["3389"]});
    r[key] = value;
    inst("", &format!("{EP}firewallRules"), &json!([r]).to_string())
}

fn refusals() -> Vec<Refusal> {
    let (e, b) = (ENDPOINT_INTENT_ID, BITLOCKER_INTENT_ID);
    let ep = |name: &str| format!("{EP}{name}");
    let idle = ep("firewallIdleTimeoutForSecurityAssociationInSeconds");
    let int = |json: &str| inst("Integer", &idle, json);
    let custom = "deviceConfiguration--edgeSearchEngineCustom";
    let many = json!((0..21).map(|i| format!("C:\\Dir{i}")).collect::<Vec<_>>()).to_string();
    let system = |json: Value| {
        inst(
            "Complex",
            &ep("bitLockerSystemDrivePolicy"),
            &json.to_string(),
        )
    };
    let url = r#"{"edgeSearchEngineOpenSearchXmlUrl":"http://plain.example.com"}"#;
    let id = ".definitionId";
    vec![
        one(
            e,
            inst("", "deviceConfiguration--nothing_here", "1"),
            "UnknownSettingDefinition",
            id,
        ),
        one(
            e,
            inst("", &ep("bitLockerEncryptDevice"), "true"),
            "SettingNotInTemplate",
            id,
        ),
        one(
            e,
            inst("", "deviceConfiguration--windowsFirewallRule_protocol", "6"),
            "SettingNotTopLevel",
            id,
        ),
        one(
            e,
            json!({"definitionId": "", "valueJson": "1"}),
            "MissingDefinitionId",
            id,
        ),
        Refusal {
            intent: e,
            body: json!({"settings": [int("600"), int("700")]}),
            code: "DuplicateSetting",
            target: "settings[1].definitionId",
        },
        one(
            e,
            inst("Boolean", &idle, "600"),
            "SettingTypeMismatch",
            ".@odata.type",
        ),
        one(e, int("six hundred"), "InvalidValueJson", ".valueJson"),
        one(
            e,
            with(int("600"), "valueJson", json!(600)),
            "InvalidValueJson",
            ".valueJson",
        ),
        one(
            e,
            with(int("600"), "value", json!(601)),
            "ValueMismatch",
            ".value",
        ),
        one(
            e,
            json!({"definitionId": idle}),
            "MissingValue",
            ".valueJson",
        ),
        one(e, int("\"600\""), "InvalidValue", ".valueJson"),
        one(e, int("4000000000"), "InvalidValue", ".valueJson"),
        one(e, int("100"), "ValueOutOfRange", ".valueJson"),
        one(
            e,
            inst(
                "String",
                &ep("firewallPreSharedKeyEncodingMethod"),
                "\"utf8\"",
            ),
            "InvalidEnumValue",
            ".valueJson",
        ),
        one(
            e,
            rule("displayName", json!("")),
            "StringLengthOutOfRange",
            ".valueJson[0].displayName",
        ),
        one(
            e,
            rule("localPortRanges", json!(["80-x"])),
            "PatternMismatch",
            ".valueJson[0].localPortRanges[0]",
        ),
        one(
            e,
            rule("localPortRanges", json!(["1", "2", "3", "4", "5", "6"])),
            "CollectionCountOutOfRange",
            ".valueJson[0].localPortRanges",
        ),
        one(
            e,
            rule("protocol", json!(300)),
            "ValueOutOfRange",
            ".valueJson[0].protocol",
        ),
        one(
            e,
            rule("action", json!("maybe")),
            "InvalidEnumValue",
            ".valueJson[0].action",
        ),
        one(
            e,
            rule("owner", json!("me")),
            "UnknownProperty",
            ".valueJson[0].owner",
        ),
        one(
            e,
            inst("", &ep("defenderFilesAndFoldersToExclude"), &many),
            "CollectionCountOutOfRange",
            ".valueJson",
        ),
        one(
            e,
            inst("", &ep("defenderFilesAndFoldersToExclude"), "[\"\"]"),
            "StringLengthOutOfRange",
            ".valueJson[0]",
        ),
        one(
            e,
            inst("", &ep("defenderFilesAndFoldersToExclude"), "[null]"),
            "InvalidValue",
            ".valueJson[0]",
        ),
        one(
            e,
            inst("", &ep("firewallProfileDomain"), "[]"),
            "InvalidValue",
            ".valueJson",
        ),
        one(
            e,
            with(inst("", SEARCH, "{}"), "implementationId", json!("x")),
            "InvalidImplementation",
            ".implementationId",
        ),
        one(
            e,
            inst("", SEARCH, r#"{"edgeSearchEngineType":"bing"}"#),
            "MissingImplementation",
            ".implementationId",
        ),
        one(
            e,
            with(inst("", SEARCH, url), "implementationId", json!(custom)),
            "PatternMismatch",
            ".valueJson.edgeSearchEngineOpenSearchXmlUrl",
        ),
        one(
            b,
            system(json!({"minimumPinLength": 2})),
            "ValueOutOfRange",
            ".valueJson.minimumPinLength",
        ),
        one(
            b,
            system(json!({"prebootRecoveryUrl": "ftp://x"})),
            "PatternMismatch",
            ".valueJson.prebootRecoveryUrl",
        ),
        one(
            b,
            system(json!({"prebootRecoveryMessage": "x".repeat(257)})),
            "StringLengthOutOfRange",
            ".valueJson.prebootRecoveryMessage",
        ),
        one(
            b,
            inst(
                "",
                &ep("bitLockerRemovableDrivePolicy"),
                r#"{"encryptionMethod":"rot13"}"#,
            ),
            "InvalidEnumValue",
            ".valueJson.encryptionMethod",
        ),
        one(
            b,
            inst("", &ep("bitLockerEncryptDevice"), "\"yes\""),
            "InvalidValue",
            ".valueJson",
        ),
        one(b, json!("not an object"), "InvalidSetting", ""),
        Refusal {
            intent: b,
            body: json!({"value": []}),
            code: "UnknownParameter",
            target: "value",
        },
        Refusal {
            intent: b,
            body: json!({"settings": {}}),
            code: "InvalidSettings",
            target: "settings",
        },
    ]
}

#[tokio::test]
async fn update_settings_refuses_each_invalid_change() {
    let h = Harness::new();
    for case in refusals() {
        // A target starting with `.` is below the call's only setting.
        let target = match case.target.strip_prefix('.') {
            Some(rest) => format!("settings[0].{rest}"),
            None if case.target.is_empty() => "settings[0]".to_string(),
            None => case.target.to_string(),
        };
        let before = settings(&h, case.intent).await;
        let uri = format!("{}/updateSettings", intent_uri(case.intent));
        let r = h.send_json(Method::POST, &uri, &case.body).await;
        let error = r.graph_error(400, "BadRequest");
        let first = &error["details"][0];
        let got = (first["code"].as_str(), first["target"].as_str());
        assert_eq!(
            got,
            (Some(case.code), Some(target.as_str())),
            "{}",
            r.text()
        );
        assert_eq!(error["target"], target.as_str());
        assert_eq!(
            settings(&h, case.intent).await,
            before,
            "a refused call changes nothing"
        );
    }

    // Every problem is listed, the first on top.
    let idle = format!("{EP}firewallIdleTimeoutForSecurityAssociationInSeconds");
    let key = format!("{EP}firewallPreSharedKeyEncodingMethod");
    let both = json!([inst("", &idle, "1"), inst("", &key, "\"x\"")]);
    let r = update(&h, ENDPOINT_INTENT_ID, both).await;
    let error = r.graph_error(400, "BadRequest");
    assert_eq!(error["details"].as_array().unwrap().len(), 2);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("The request has 2 problems"),
        "{message}"
    );
}

#[tokio::test]
async fn patch_changes_the_intents_own_properties() {
    let h = Harness::new();
    let before = settings(&h, BITLOCKER_INTENT_ID).await;
    let words = json!({"displayName": "Renamed", "description": "New words"});
    let r = h.patch(&intent_uri(BITLOCKER_INTENT_ID), &words).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json["displayName"], "Renamed");
    assert!(
        r.json.get("settings").is_none(),
        "the answer has no settings"
    );
    let got = h.get(&intent_uri(BITLOCKER_INTENT_ID)).await.json;
    assert_eq!(
        (&got["displayName"], &got["description"]),
        (&words["displayName"], &words["description"])
    );
    assert_eq!(
        settings(&h, BITLOCKER_INTENT_ID).await,
        before,
        "settings are kept"
    );
    h.patch(&intent_uri(BITLOCKER_INTENT_ID), &json!({"displayName": 5}))
        .await
        .graph_error(400, "BadRequest");

    // The concurrent fault reaches intents too: someone else renames it first.
    let request = h
        .request(Method::GET, &intent_uri(ENDPOINT_INTENT_ID))
        .header("x-sandbox-fault", "concurrent")
        .body(Body::empty())
        .unwrap();
    let r = h.send(request).await;
    let name = r.json["displayName"].as_str().unwrap_or_default();
    assert!(name.ends_with("(changed elsewhere)"), "{}", r.text());
}

/// The editor's side and the service's agree: the body `policy_core::intents` builds for a
/// change (only the changed settings) is one the sandbox takes, and the change lands; the
/// sandbox's answer then validates clean against the sandbox's own definitions.
#[tokio::test]
async fn the_body_policy_core_builds_is_taken() {
    let h = Harness::new();
    let before = Value::Array(settings(&h, ENDPOINT_INTENT_ID).await);
    let idle = format!("{EP}firewallIdleTimeoutForSecurityAssociationInSeconds");
    let mut after = before.clone();
    let changed = after
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["definitionId"] == idle.as_str())
        .unwrap();
    changed["valueJson"] = json!("1200");
    changed["value"] = json!(1200);
    let body = policy_core::intents::update_settings_body(&before, &after);
    assert_eq!(body["settings"].as_array().map(Vec::len), Some(1), "{body}");
    let uri = format!("{}/updateSettings", intent_uri(ENDPOINT_INTENT_ID));
    let r = h.send_json(Method::POST, &uri, &body).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let now = settings(&h, ENDPOINT_INTENT_ID).await;
    assert_eq!(setting(&now, &idle)["value"], json!(1200));

    let mut defs = policy_core::intents::IntentDefinitions::default();
    let definitions = h
        .get(&format!("{}/settingDefinitions?$top=1000", super::BETA))
        .await;
    assert!(defs.add_graph_json(&definitions.json).unwrap() > 0);
    let problems = policy_core::intents::validate_intent(&json!({ "settings": now }), &defs);
    assert!(problems.iter().all(|p| !p.is_error()), "{problems:#?}");
}
