//! Endpoint security intents (`policy_core::intents`) against fixtures of our own: definitions of
//! every value type and constraint kind, read from every shape Graph serves them in; an intent
//! that validates clean, then one mutation per rule, each found with its exact code at its exact
//! path; hostile input; and the body of `updateSettings`.
#![cfg(feature = "settings")]

use std::sync::Arc;

use policy_core::intents::{
    is_intent, update_settings_body, validate_intent, IntentConstraint, IntentDefinitions,
    IntentValueType,
};
use policy_core::validate::MAX_PROBLEMS;
use policy_core::{Code, Severity};
use serde_json::{json, Value};

const G: &str = "#microsoft.graph.";
const E: &str = "deviceConfiguration--windows10EndpointProtectionConfiguration_";
const U: &str = "deviceConfiguration--deviceManagementUserRightsSetting_";

fn data(name: &str) -> Value {
    let path = format!("{}/tests/data/intents/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn defs() -> IntentDefinitions {
    let mut d = IntentDefinitions::default();
    assert_eq!(d.add_graph_json(&data("template.json")).unwrap(), 16);
    d
}

fn intent() -> Value {
    data("intent.json")
}

/// Problems as `(path, code, severity)`.
type Found = Vec<(String, Code, Severity)>;

/// Every problem as `(path, code, severity)`.
fn found(intent: &Value, defs: &IntentDefinitions) -> Found {
    validate_intent(intent, defs)
        .into_iter()
        .map(|p| (p.path.to_string(), p.code, p.severity))
        .collect()
}

fn set(v: &mut Value, pointer: &str, new: Value) {
    *v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer}")) = new;
}

fn remove(v: &mut Value, pointer: &str, key: &str) {
    v.pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("{pointer}"))
        .remove(key);
}

/// The fixture with setting `i`'s `valueJson` (and `value`, when it has one) set to `v`.
fn with_value(i: usize, v: Value) -> Value {
    let mut x = intent();
    set(
        &mut x,
        &format!("/settings/{i}/valueJson"),
        json!(v.to_string()),
    );
    if x["settings"][i].get("value").is_some() {
        set(&mut x, &format!("/settings/{i}/value"), v);
    }
    x
}

fn one(path: &str, code: Code) -> Found {
    vec![(path.to_string(), code, Severity::Error)]
}

#[test]
fn definitions_read_every_value_type_and_constraint_kind() {
    let d = defs();
    let kind = |id: &str| d.get(id).unwrap().value_type;
    assert_eq!(
        kind(&format!("{E}firewallBlockStatefulFTP")),
        IntentValueType::Boolean
    );
    assert_eq!(
        kind(&format!("{E}defenderScanMaxCpuPercentage")),
        IntentValueType::Integer
    );
    assert_eq!(
        kind(&format!("{E}defenderCloudBlockLevel")),
        IntentValueType::String
    );
    assert_eq!(
        kind(&format!("{E}defenderProcessesToExclude")),
        IntentValueType::Collection
    );
    assert_eq!(
        kind(&format!("{E}userRightsLocalLogOn")),
        IntentValueType::Complex
    );
    assert_eq!(
        kind(&format!("{E}firewallProfileDomain")),
        IntentValueType::AbstractComplex
    );
    // Ids are matched without regard to case.
    let timeout = d
        .get(&format!(
            "{E}FIREWALLIDLETIMEOUTFORSECURITYASSOCIATIONINSECONDS"
        ))
        .unwrap();
    assert!(matches!(
        timeout.constraints[..],
        [IntentConstraint::Integer {
            min: Some(300),
            max: Some(3600)
        }]
    ));
    let mail = d
        .get(&format!("{E}defenderSecurityCenterHelpEmail"))
        .unwrap();
    assert!(matches!(
        &mail.constraints[..],
        [IntentConstraint::StringLength { min: Some(0), max: Some(64) }, IntentConstraint::Regex(r)]
            if r.error().is_none() && r.is_match("a@b.example") == Some(true)
    ));
    let level = d.get(&format!("{E}defenderCloudBlockLevel")).unwrap();
    assert!(
        matches!(&level.constraints[..], [IntentConstraint::Enum(v)] if v.len() == 4 && v[2].value == "highPlus")
    );
    assert_eq!(level.dependencies.len(), 1);
    assert!(matches!(
        level.dependencies[0].constraints[..],
        [IntentConstraint::Boolean(true)]
    ));
    assert!(matches!(
        d.get(&format!("{E}defenderAllowRealTimeMonitoring"))
            .unwrap()
            .constraints[..],
        [IntentConstraint::Boolean(true)]
    ));
    let processes = d.get(&format!("{E}defenderProcessesToExclude")).unwrap();
    assert!(matches!(
        processes.constraints[0],
        IntentConstraint::Collection {
            min: Some(0),
            max: Some(4)
        }
    ));
    let users = d.get(&format!("{U}localUsersOrGroups")).unwrap();
    assert_eq!(
        users.element_definition_id.as_deref(),
        Some("deviceConfiguration--deviceManagementUserRightsLocalUserOrGroup_securityIdentifier")
    );
    let rights = d.get(&format!("{E}userRightsLocalLogOn")).unwrap();
    assert_eq!(rights.property_definition_ids.len(), 2);
    assert_eq!(rights.is_top_level, Some(true));
    assert_eq!(
        d.get(&format!("{U}state")).unwrap().is_top_level,
        Some(false)
    );
    assert_eq!(
        d.get(&format!("{E}firewallProfileDomain"))
            .unwrap()
            .implementations,
        ["deviceConfiguration--windowsFirewallNetworkProfile"]
    );
    // The kinds read and never judged keep their names.
    let others: Vec<&str> = d
        .iter()
        .flat_map(|d| &d.constraints)
        .filter_map(|c| match c {
            IntentConstraint::Other(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    for kind in [
        "devicemanagementsettingabstractimplementationconstraint",
        "devicemanagementsettingrequiredconstraint",
        "devicemanagementsettingfileconstraint",
        "devicemanagementsettingxmlconstraint",
        "devicemanagementsettingappconstraint",
        "devicemanagementsettingenrollmenttypeconstraint",
        "devicemanagementsettingprofileconstraint",
        "devicemanagementintentsettingsecretconstraint",
        "devicemanagementsettingsddlconstraint",
    ] {
        assert!(others.contains(&kind), "{kind}: {others:?}");
    }
    assert_eq!(
        IntentValueType::parse("ABSTRACTCOMPLEX"),
        IntentValueType::AbstractComplex
    );
    assert_eq!(IntentValueType::parse("choice"), IntentValueType::Unknown);
    assert_eq!(
        IntentValueType::Integer.instance_odata_type(),
        Some("#microsoft.graph.deviceManagementIntegerSettingInstance")
    );
}

#[test]
fn definitions_come_in_every_shape_graph_sends() {
    let template = data("template.json");
    let categories = template["categories"].clone();
    let first = categories[0].clone();
    let defs_of_first = first["settingDefinitions"].clone();
    let shapes: Vec<(Value, usize)> = vec![
        // templates/{id}?$expand=categories($expand=settingDefinitions), and a page of them.
        (template.clone(), 16),
        (json!({"value": [template.clone()]}), 16),
        // templates/{id}/categories?$expand=settingDefinitions.
        (json!({"value": categories.clone()}), 16),
        // One category.
        (first.clone(), 4),
        // …/categories/{cid}/settingDefinitions, a bare list, one definition.
        (
            json!({"@odata.context": "x", "value": defs_of_first.clone()}),
            4,
        ),
        (defs_of_first.clone(), 4),
        (defs_of_first[1].clone(), 1),
        // An intent exported with its categories expanded.
        (
            json!({"@odata.type": format!("{G}deviceManagementIntent"), "settings": [],
                "categories": categories.clone()}),
            16,
        ),
        // An empty page, a template without its categories expanded.
        (json!({"value": []}), 0),
        (
            json!({"@odata.type": format!("{G}deviceManagementTemplate"), "categories": []}),
            0,
        ),
    ];
    for (json, n) in shapes {
        let mut d = IntentDefinitions::default();
        assert_eq!(d.add_graph_json(&json).unwrap(), n, "{json}");
        assert_eq!(d.len(), n);
    }
    // Untyped definitions and constraints are read by their fields.
    let mut d = IntentDefinitions::default();
    let n = d
        .add_graph_json(&json!([
            {"id": "a_list", "valueType": "collection", "constraints": [{"minimumLength": 1, "maximumLength": "2"}]},
            {"id": "a_text", "valueType": "string", "constraints": [{"minimumLength": 1}, {"regex": "^x"},
                {"values": [{"value": "x1"}, {"value": 7}]}]},
            {"id": "a_number", "valueType": "integer", "constraints": [{"maximumValue": 9}]},
            {"id": "a_flag", "valueType": "boolean", "constraints": [{"value": false}, {"odd": 1}, 5]},
            // Not intent definitions: skipped.
            {"@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingDefinition", "id": "sc", "options": []},
            {"@odata.type": format!("{G}deviceManagementBooleanSettingInstance"), "definitionId": "x", "valueJson": "true"},
            {"valueType": "string"},
            "text", 5
        ]))
        .unwrap();
    assert_eq!(n, 4);
    assert!(matches!(
        d.get("a_list").unwrap().constraints[..],
        [IntentConstraint::Collection {
            min: Some(1),
            max: Some(2)
        }]
    ));
    assert!(matches!(
        &d.get("a_text").unwrap().constraints[..],
        [IntentConstraint::StringLength { min: Some(1), max: None }, IntentConstraint::Regex(_), IntentConstraint::Enum(v)]
            if v[1].value == "7"
    ));
    assert!(matches!(
        d.get("a_number").unwrap().constraints[..],
        [IntentConstraint::Integer {
            min: None,
            max: Some(9)
        }]
    ));
    assert!(matches!(
        d.get("a_flag").unwrap().constraints[..],
        [
            IntentConstraint::Boolean(false),
            IntentConstraint::Other(_),
            IntentConstraint::Other(_)
        ]
    ));
    // A later definition of one id replaces the earlier.
    d.add_graph_json(&json!({"id": "A_NUMBER", "valueType": "string", "displayName": "Again"}))
        .unwrap();
    assert_eq!(d.len(), 4);
    assert_eq!(d.get("a_number").unwrap().display_name, "Again");
    // JSON that is none of the shapes is an error; so is a definition without an id, read alone.
    for junk in [
        json!(5),
        json!("x"),
        json!({"displayName": "no"}),
        json!(null),
    ] {
        assert!(
            IntentDefinitions::default().add_graph_json(&junk).is_err(),
            "{junk}"
        );
    }
    assert!(policy_core::intents::IntentDefinition::from_graph_json(
        &json!({"valueType": "string"})
    )
    .is_err());
}

#[test]
fn the_fixture_intent_validates_clean() {
    let d = defs();
    let x = intent();
    assert!(is_intent(&x));
    assert_eq!(found(&x, &d), []);
    // As a bare settings array too, and untyped, as some exports are.
    assert_eq!(found(&x["settings"], &d), []);
    let mut untyped = x.clone();
    untyped.as_object_mut().unwrap().remove("@odata.type");
    assert!(is_intent(&untyped));
    for s in untyped["settings"].as_array_mut().unwrap() {
        s.as_object_mut().unwrap().remove("@odata.type");
    }
    assert!(is_intent(&untyped));
    assert_eq!(found(&untyped, &d), []);
    // The base type names no kind: accepted, as Graph's own updateSettings example sends it.
    let mut base = x.clone();
    set(
        &mut base,
        "/settings/2/@odata.type",
        json!(format!("{G}deviceManagementSettingInstance")),
    );
    assert_eq!(found(&base, &d), []);
    // Values given by `value` alone are judged as well.
    let mut typed_only = x.clone();
    for i in [0, 1, 2, 3, 4, 5, 11, 12] {
        remove(&mut typed_only, &format!("/settings/{i}"), "valueJson");
    }
    assert_eq!(found(&typed_only, &d), []);
    // Not an intent: a settings catalog policy, an untyped object without intent settings.
    assert!(!is_intent(
        &json!({"templateId": "x", "settings": [{"settingInstance": {}}]})
    ));
    assert!(!is_intent(&json!({"templateId": "x", "settings": []})));
    assert!(!is_intent(
        &json!({"@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy", "settings": []})
    ));
}

#[test]
fn each_rule_reports_its_code_at_its_path() {
    let d = defs();
    let cases: Vec<(&str, Value, Found)> = vec![
        (
            "an unknown definition",
            {
                let mut x = intent();
                set(
                    &mut x,
                    "/settings/0/definitionId",
                    json!(format!("{E}firewallNotASetting")),
                );
                x
            },
            one("settings[0].definitionId", Code::UnknownSetting),
        ),
        (
            "no definitionId",
            {
                let mut x = intent();
                remove(&mut x, "/settings/4", "definitionId");
                x
            },
            one("settings[4].definitionId", Code::MissingValue),
        ),
        (
            "a definitionId that is not text",
            with_key(4, "definitionId", json!(12)),
            one("settings[4].definitionId", Code::WrongType),
        ),
        (
            "an instance of another kind than the definition's",
            with_key(
                0,
                "@odata.type",
                json!(format!("{G}deviceManagementIntegerSettingInstance")),
            ),
            one("settings[0].@odata.type", Code::SettingKindMismatch),
        ),
        (
            "a settings catalog instance among intent settings",
            with_key(
                0,
                "@odata.type",
                json!("#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance"),
            ),
            one("settings[0].@odata.type", Code::IncompatibleType),
        ),
        (
            "valueJson that is not JSON",
            with_key(2, "valueJson", json!("60 0")),
            vec![(
                "settings[2].valueJson".into(),
                Code::InvalidValueJson,
                Severity::Error,
            )],
        ),
        (
            "valueJson that is not text",
            with_key(0, "valueJson", json!(true)),
            one("settings[0].valueJson", Code::WrongType),
        ),
        (
            "valueJson of the wrong JSON kind",
            {
                let mut x = intent();
                set(&mut x, "/settings/0/valueJson", json!("\"true\""));
                remove(&mut x, "/settings/0", "value");
                x
            },
            one("settings[0].valueJson", Code::WrongType),
        ),
        (
            "a list where an object belongs",
            with_key(7, "valueJson", json!("[]")),
            one("settings[7].valueJson", Code::WrongType),
        ),
        (
            "value of the wrong JSON kind",
            with_key(4, "value", json!(4)),
            one("settings[4].value", Code::WrongType),
        ),
        (
            "value and valueJson disagree",
            with_key(0, "value", json!(false)),
            one("settings[0].value", Code::ValueMismatch),
        ),
        (
            "an integer out of its range",
            with_value(2, json!(299)),
            one("settings[2].valueJson", Code::OutOfRange),
        ),
        (
            "an integer out of its range, given by value alone",
            {
                let mut x = with_value(2, json!(3601));
                remove(&mut x, "/settings/2", "valueJson");
                x
            },
            one("settings[2].value", Code::OutOfRange),
        ),
        (
            "a fraction for an integer",
            {
                let mut x = intent();
                set(&mut x, "/settings/2/valueJson", json!("600.5"));
                remove(&mut x, "/settings/2", "value");
                x
            },
            one("settings[2].valueJson", Code::NotInteger),
        ),
        (
            "past a 32-bit integer",
            {
                let mut x = intent();
                set(&mut x, "/settings/2/valueJson", json!("4294967296"));
                remove(&mut x, "/settings/2", "value");
                x
            },
            one("settings[2].valueJson", Code::OutOfRange),
        ),
        (
            "text too long",
            with_value(4, json!("C".repeat(41))),
            one("settings[4].valueJson", Code::TooLong),
        ),
        (
            "text too short",
            with_value(4, json!("C")),
            one("settings[4].valueJson", Code::TooShort),
        ),
        (
            "text the pattern does not match",
            with_value(3, json!("help desk")),
            one("settings[3].valueJson", Code::PatternMismatch),
        ),
        (
            "a value not in the enum",
            with_value(5, json!("extreme")),
            one("settings[5].valueJson", Code::InvalidOption),
        ),
        (
            "a boolean its constraint does not allow",
            with_value(1, json!(false)),
            one("settings[1].valueJson", Code::InvalidOption),
        ),
        (
            "too many items",
            with_value(6, json!(["a.exe", "bb.exe", "cc.exe", "dd.exe", "ee.exe"])),
            one("settings[6].valueJson", Code::TooManyItems),
        ),
        (
            "too few items",
            with_value(8, json!([])),
            one("settings[8].valueJson", Code::TooFewItems),
        ),
        (
            "an item the list definition's own rules refuse",
            with_value(6, json!(["backup.exe", "notes.txt", ".exe"])),
            vec![
                (
                    "settings[6].valueJson".into(),
                    Code::PatternMismatch,
                    Severity::Error,
                ),
                (
                    "settings[6].valueJson".into(),
                    Code::TooShort,
                    Severity::Error,
                ),
            ],
        ),
        (
            "an item its element definition refuses",
            with_value(8, json!(["S-1-5-32-544", "Administrators"])),
            one("settings[8].valueJson", Code::PatternMismatch),
        ),
        (
            "an item of the wrong kind",
            with_value(8, json!(["S-1-5-32-544", 7])),
            one("settings[8].valueJson", Code::WrongType),
        ),
        (
            "one setting twice",
            {
                let mut x = intent();
                let again = x["settings"][2].clone();
                x["settings"].as_array_mut().unwrap().push(again);
                x
            },
            one("settings[13].definitionId", Code::DuplicateSetting),
        ),
        (
            "a setting that is not an object",
            with_setting(3, json!("true")),
            one("settings[3]", Code::NotObject),
        ),
        (
            "neither valueJson nor value",
            {
                let mut x = intent();
                remove(&mut x, "/settings/0", "valueJson");
                remove(&mut x, "/settings/0", "value");
                x
            },
            vec![(
                "settings[0].valueJson".into(),
                Code::MissingValue,
                Severity::Warning,
            )],
        ),
        (
            "settings that are not a list",
            json!({"settings": {"a": 1}}),
            one("settings", Code::WrongType),
        ),
    ];
    for (what, x, want) in cases {
        let got = found(&x, &d);
        assert_eq!(got, want, "{what}");
        for p in validate_intent(&x, &d) {
            assert!(
                !p.message.is_empty() && p.message.len() < 600,
                "{what}: {}",
                p.message
            );
        }
    }
    // Messages name the setting and the rule.
    let p = &validate_intent(&with_value(2, json!(5000)), &d)[0];
    assert!(p.message.contains("from 300 to 3600"), "{}", p.message);
    let p = &validate_intent(
        &with_value(8, json!(["S-1-5-32-544", "Administrators"])),
        &d,
    )[0];
    assert!(p.message.starts_with("Item 1: "), "{}", p.message);
    let p = &validate_intent(&with_value(5, json!("extreme")), &d)[0];
    assert!(
        p.message.contains("\"How hard the cloud blocks\"") && p.message.contains("highPlus"),
        "{}",
        p.message
    );
    // Enum members match without regard to case; `null` is a setting not configured.
    assert_eq!(found(&with_value(5, json!("HIGHPLUS")), &d), []);
    assert_eq!(found(&with_value(2, json!(null)), &d), []);
    assert_eq!(found(&with_value(6, json!(null)), &d), []);
    // Bare arrays have paths from the index.
    let bare = json!([{"definitionId": "nope", "valueJson": "1"}]);
    assert_eq!(
        found(&bare, &d),
        one("[0].definitionId", Code::UnknownSetting)
    );
    // A setting of an unknown definition still has its JSON judged.
    let bare = json!([{"definitionId": "nope", "valueJson": "{"}]);
    assert_eq!(
        found(&bare, &d),
        [
            (
                "[0].definitionId".into(),
                Code::UnknownSetting,
                Severity::Error
            ),
            (
                "[0].valueJson".into(),
                Code::InvalidValueJson,
                Severity::Error
            )
        ]
    );
}

fn with_key(i: usize, key: &str, v: Value) -> Value {
    let mut x = intent();
    x["settings"][i][key] = v;
    x
}

fn with_setting(i: usize, v: Value) -> Value {
    let mut x = intent();
    x["settings"][i] = v;
    x
}

#[test]
fn a_pattern_that_does_not_compile_is_a_warning_on_the_definition() {
    let mut d = defs();
    // A lookahead: fine in .NET, not in regex-lite.
    d.add_graph_json(&json!({"@odata.type": format!("{G}deviceManagementSettingDefinition"),
        "id": format!("{E}defenderSecurityCenterOrganizationDisplayName"), "valueType": "string",
        "displayName": "Name shown to users",
        "constraints": [{"@odata.type": format!("{G}deviceManagementSettingRegexConstraint"), "regex": "^(?=.*[A-Z]).+$"},
                        {"@odata.type": format!("{G}deviceManagementSettingStringLengthConstraint"), "maximumLength": 5}]}))
        .unwrap();
    assert_eq!(
        found(&intent(), &d),
        [
            (
                "settings[4].valueJson".into(),
                Code::TooLong,
                Severity::Error
            ),
            (
                "settings[4].definitionId".into(),
                Code::InvalidPattern,
                Severity::Warning
            )
        ]
    );
    // A short value: the warning alone, never a false error.
    assert_eq!(
        found(&with_value(4, json!("IT")), &d),
        [(
            "settings[4].definitionId".into(),
            Code::InvalidPattern,
            Severity::Warning
        )]
    );
}

/// Builds `[[[…]]]` `levels` deep without recursion.
fn nested_array(levels: usize) -> Value {
    let mut v = json!(true);
    for _ in 0..levels {
        v = Value::Array(vec![v]);
    }
    v
}

/// Runs `f` on a small stack: an unbounded recursion would overflow it.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    on_stack(256 * 1024, f)
}

/// Runs `f` on a stack of `size` bytes.
fn on_stack<T: Send + 'static>(size: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(size)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Drops a value on a big stack: serde_json drops recursively.
fn drop_big(v: impl Send + 'static) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || drop(v))
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn hostile_input_is_bounded() {
    let d = Arc::new(defs());

    // valueJson nested far past serde_json's limit (128 levels): one problem, quickly, on a
    // stack that 200,000 levels would overflow many times over (2 MiB: an unoptimised
    // build's parser frames are large).
    let mut x = intent();
    set(&mut x, "/settings/7/valueJson", json!("[".repeat(200_000)));
    let x = Arc::new(x);
    let (dd, xx) = (d.clone(), x.clone());
    let problems = on_stack(2 << 20, move || found(&xx, &dd));
    assert_eq!(
        problems,
        one("settings[7].valueJson", Code::InvalidValueJson)
    );
    // Nested within it: a complex value's content is not walked.
    let mut x = intent();
    let inner = format!("{{\"a\":{}}}", nested_array(100));
    set(&mut x, "/settings/7/valueJson", json!(inner));
    let x = Arc::new(x);
    let (dd, xx) = (d.clone(), x.clone());
    assert_eq!(on_stack(2 << 20, move || found(&xx, &dd)), []);
    // A `value` nested thousands deep where a boolean belongs: judged by its kind, not walked.
    let mut x = intent();
    x["settings"][0]["value"] = nested_array(5000);
    let x = Arc::new(x);
    let (dd, xx) = (d.clone(), x.clone());
    let problems = on_small_stack(move || found(&xx, &dd));
    assert_eq!(problems, one("settings[0].value", Code::WrongType));
    let (xx, xx2) = (x.clone(), x.clone());
    let body = on_small_stack(move || update_settings_body(&xx, &xx2));
    assert_eq!(body, json!({"settings": []}));
    drop_big(x);

    // 200,000 settings of one definition: every one checked, problems capped with a summary.
    let many: Vec<Value> = (0..200_000)
        .map(|_| json!({"definitionId": format!("{E}firewallBlockStatefulFTP"), "valueJson": "true"}))
        .collect();
    let problems = validate_intent(&json!({ "settings": many }), &d);
    assert_eq!(problems.len(), MAX_PROBLEMS + 1);
    assert_eq!(problems[0].code, Code::DuplicateSetting);
    assert_eq!(problems.last().unwrap().code, Code::TooManyProblems);

    // A list of a million bad items: its count, and a few of its items, said.
    let items: Vec<String> = (0..1_000_000).map(|i| format!("x{i}")).collect();
    let mut x = intent();
    set(
        &mut x,
        "/settings/8/valueJson",
        json!(serde_json::to_string(&items).unwrap()),
    );
    let problems = found(&x, &d);
    assert_eq!(
        problems[0],
        (
            "settings[8].valueJson".into(),
            Code::TooManyItems,
            Severity::Error
        )
    );
    assert!(problems.len() <= 11, "{}", problems.len());
    assert!(problems[1..].iter().all(|p| p.1 == Code::PatternMismatch));

    // A pattern that makes backtracking engines explode, against a long text: linear here.
    let mut evil = IntentDefinitions::default();
    evil.add_graph_json(&json!({"id": "x_evil", "valueType": "string",
        "constraints": [{"@odata.type": format!("{G}deviceManagementSettingRegexConstraint"), "regex": "^(a+)+$"}]}))
        .unwrap();
    let text = format!("{}!", "a".repeat(100_000));
    let x = json!([{"definitionId": "x_evil", "valueJson": Value::String(text).to_string()}]);
    let started = std::time::Instant::now();
    assert_eq!(
        found(&x, &evil),
        one("[0].valueJson", Code::PatternMismatch)
    );
    assert!(started.elapsed().as_secs() < 20);
    // A pattern too big to compile is a warning, not a panic.
    let huge = format!(
        "^(?:{})$",
        (0..5000)
            .map(|i| format!("w{i}{{1,1000}}"))
            .collect::<Vec<_>>()
            .join("|")
    );
    let mut big = IntentDefinitions::default();
    big.add_graph_json(&json!({"id": "x_huge", "valueType": "string",
        "constraints": [{"regex": huge}]}))
        .unwrap();
    let x = json!([{"definitionId": "x_huge", "valueJson": "\"w1\""}]);
    assert_eq!(
        found(&x, &big),
        [(
            "[0].definitionId".into(),
            Code::InvalidPattern,
            Severity::Warning
        )]
    );

    // Definitions nested far down are not sought; no stack is spent on them.
    let deep = Arc::new(nested_array(100_000));
    let dd = deep.clone();
    let n = on_small_stack(move || IntentDefinitions::default().add_graph_json(&dd).unwrap());
    assert_eq!(n, 0);
    drop_big(deep);

    // Wrong JSON kinds anywhere are problems, never panics.
    for junk in [
        json!(null),
        json!(1),
        json!("x"),
        json!([1, "a", null, []]),
        json!({"settings": 5}),
        json!({"settings": [1, {"definitionId": []}, {"definitionId": "x", "valueJson": 5, "value": {}}]}),
        json!({"settings": [{"@odata.type": 5, "definitionId": format!("{E}firewallBlockStatefulFTP")}]}),
    ] {
        let _ = validate_intent(&junk, &d);
        let _ = update_settings_body(&junk, &intent());
        let _ = update_settings_body(&intent(), &junk);
    }
}

#[test]
fn the_update_body_holds_only_what_changed() {
    let before = intent();
    assert_eq!(
        update_settings_body(&before, &before),
        json!({"settings": []})
    );

    // One boolean changed, in both fields: sent with its type, id, definition and both values.
    let mut after = before.clone();
    set(&mut after, "/settings/0/valueJson", json!("false"));
    set(&mut after, "/settings/0/value", json!(false));
    assert_eq!(
        update_settings_body(&before, &after),
        json!({"settings": [{
            "@odata.type": format!("{G}deviceManagementBooleanSettingInstance"),
            "id": "0f3a2b10-0000-4000-8000-000000000000",
            "definitionId": format!("{E}firewallBlockStatefulFTP"),
            "valueJson": "false",
            "value": false
        }]})
    );

    // Spacing in valueJson is no change; a list's new item is, sent without `value` (a
    // collection's `value` is a relationship).
    let mut after = before.clone();
    set(
        &mut after,
        "/settings/6/valueJson",
        json!("[ \"backup.exe\" ,\n \"Agent.EXE\" ]"),
    );
    set(
        &mut after,
        "/settings/8/valueJson",
        json!("[\"S-1-5-32-544\"]"),
    );
    assert_eq!(
        update_settings_body(&before, &after),
        json!({"settings": [{
            "@odata.type": format!("{G}deviceManagementCollectionSettingInstance"),
            "id": "0f3a2b10-0000-4000-8000-000000000008",
            "definitionId": format!("{U}localUsersOrGroups"),
            "valueJson": "[\"S-1-5-32-544\"]"
        }]})
    );

    // A typed value changed alone: its valueJson follows from it when absent.
    let mut after = before.clone();
    remove(&mut after, "/settings/2", "valueJson");
    set(&mut after, "/settings/2/value", json!(900));
    let body = update_settings_body(&before, &after);
    assert_eq!(body["settings"][0]["valueJson"], "900");
    assert_eq!(body["settings"][0]["value"], 900);
    assert_eq!(body["settings"].as_array().unwrap().len(), 1);

    // A setting given again without its type: the type it had. A new one without a type: the
    // kind its value shows. A removed one: not configured, last; one removed that was not
    // configured already: nothing to send.
    let mut after = before.clone();
    let settings = after["settings"].as_array_mut().unwrap();
    settings.remove(10); // defenderScanMaxCpuPercentage, "null" already
    settings.remove(4); // the organisation's name
    settings.push(json!({"definitionId": format!("{E}defenderScanMaxCpuPercentage").to_uppercase(), "value": 40}));
    settings.push(json!({"definitionId": format!("{E}localSecurityOptionsLogOnMessageTitle"), "valueJson": "\"Notice\""}));
    let body = update_settings_body(&before, &after);
    assert_eq!(
        body,
        json!({"settings": [
            {"@odata.type": format!("{G}deviceManagementIntegerSettingInstance"),
             "definitionId": format!("{E}defenderScanMaxCpuPercentage").to_uppercase(),
             "valueJson": "40", "value": 40},
            {"@odata.type": format!("{G}deviceManagementStringSettingInstance"),
             "definitionId": format!("{E}localSecurityOptionsLogOnMessageTitle"),
             "valueJson": "\"Notice\"", "value": "Notice"},
            {"@odata.type": format!("{G}deviceManagementStringSettingInstance"),
             "id": "0f3a2b10-0000-4000-8000-000000000004",
             "definitionId": format!("{E}defenderSecurityCenterOrganizationDisplayName"),
             "valueJson": "null", "value": null}
        ]})
    );
    // The same definition id in other case is the same setting.
    let mut after = before.clone();
    set(
        &mut after,
        "/settings/3/definitionId",
        json!(format!("{E}DEFENDERSECURITYCENTERHELPEMAIL")),
    );
    assert_eq!(
        update_settings_body(&before, &after),
        json!({"settings": []})
    );

    // Bare arrays too; a kind changed is a change; a setting without definitionId is left out.
    let b = json!([{"@odata.type": format!("{G}deviceManagementStringSettingInstance"), "definitionId": "a", "valueJson": "\"5\"", "value": "5"}]);
    let a = json!([
        {"@odata.type": format!("{G}deviceManagementIntegerSettingInstance"), "definitionId": "a", "valueJson": "5"},
        {"valueJson": "1"}
    ]);
    assert_eq!(
        update_settings_body(&b, &a),
        json!({"settings": [{"@odata.type": format!("{G}deviceManagementIntegerSettingInstance"),
            "definitionId": "a", "valueJson": "5", "value": 5}]})
    );
    // A complex value's new content, of an instance without a type: the type it had.
    let mut after = before.clone();
    remove(&mut after, "/settings/9", "@odata.type");
    set(
        &mut after,
        "/settings/9/valueJson",
        json!("{\"firewallEnabled\":\"blocked\"}"),
    );
    let body = update_settings_body(&before, &after);
    assert_eq!(
        body["settings"][0]["@odata.type"],
        format!("{G}deviceManagementAbstractComplexSettingInstance")
    );
    assert!(body["settings"][0].get("value").is_none());
    assert_eq!(
        body["settings"][0]["implementationId"],
        "deviceConfiguration--windowsFirewallNetworkProfile"
    );
}
