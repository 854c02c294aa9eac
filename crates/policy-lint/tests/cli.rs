//! Runs the real `policy-lint` binary: exit codes, both formats, list responses, stdin, bad files.

use std::process::Output;

use serde_json::Value;

mod common;

use common::{code, run, stdout, temp};

fn seed(name: &str) -> String {
    format!(
        "{}/../policy-core/tests/data/seeds/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn valid_files_exit_zero_and_errors_exit_one() {
    let ok = run(
        &[&seed("androidForWorkEnrollmentProfile.beta.response.json")],
        None,
    );
    assert_eq!(code(&ok), 0, "{}", stdout(&ok));
    assert_eq!(stdout(&ok), "");
    let bad = run(
        &[
            &seed("androidForWorkEnrollmentProfile.beta.response.json"),
            &seed("androidForWorkGeneralDeviceConfiguration.beta.request.json"),
        ],
        None,
    );
    assert_eq!(code(&bad), 1);
    let out = stdout(&bad);
    let file = seed("androidForWorkGeneralDeviceConfiguration.beta.request.json");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with(&format!(
            "{file}: workProfilePasswordMinimumLength: error: "
        )),
        "{out}"
    );
}

#[test]
fn api_version_selects_the_schema() {
    let f = seed("androidWorkProfileCustomConfiguration.v1.0.request.json");
    let v1 = run(&["--api", "v1.0", &f], None);
    assert_eq!(code(&v1), 1);
    assert!(stdout(&v1).contains(": omaSettings[0]: error: "));
    // officeConfiguration exists only in the beta schema.
    let office = seed("officeConfiguration.beta.request.json");
    assert_eq!(code(&run(&[&office], None)), 0);
    assert_eq!(code(&run(&["--api=v1.0", &office], None)), 1);
}

#[test]
fn patch_mode_warns_on_read_only_and_json_format_is_one_document() {
    let f =
        seed("androidDeviceOwnerDerivedCredentialAuthenticationConfiguration.beta.request.json");
    let o = run(&["--patch", "--format", "json", &f], None);
    assert_eq!(code(&o), 0);
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let file = &doc["files"][0];
    assert_eq!(file["file"], Value::String(f.clone()));
    assert_eq!(file["valid"], Value::Bool(true));
    assert_eq!(file["problems"][0]["path"], "supportsScopeTags");
    assert_eq!(file["problems"][0]["code"], "read-only");
    assert_eq!(file["problems"][0]["severity"], "warning");
    assert!(file["problems"][0]["message"].as_str().unwrap().len() > 10);
    let as_object = run(&["--format", "json", &f], None);
    let doc: Value = serde_json::from_str(&stdout(&as_object)).unwrap();
    assert_eq!(doc["files"][0]["problems"], Value::Array(vec![]));
}

/// A PATCH body as Graph judges it: a property the type does not declare is an error (Graph
/// answers 400), unless `--allow-unknown`; a read-only property's value is still type-checked.
#[test]
fn patch_mode_refuses_unknown_properties_and_type_checks_read_only_ones() {
    let body = r##"{"@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration",
                   "displayName": "x", "notAProperty": 1}"##;
    let o = run(&["--patch", "--format", "json", "-"], Some(body));
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let p = &doc["files"][0]["problems"][0];
    assert_eq!(
        (
            p["path"].as_str(),
            p["code"].as_str(),
            p["severity"].as_str()
        ),
        (
            Some("notAProperty"),
            Some("unknown-property"),
            Some("error")
        )
    );
    // The service may be ahead of its metadata: a warning on request.
    let o = run(
        &["--patch", "--allow-unknown", "--format", "json", "-"],
        Some(body),
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["files"][0]["problems"][0]["severity"], "warning");
    // A whole object keeps unknown properties as warnings.
    assert_eq!(code(&run(&["-"], Some(body))), 0);

    // A read-only property is said, and its value is still checked for its type.
    let body = r##"{"@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration",
                   "supportsScopeTags": "yes"}"##;
    let o = run(&["--patch", "--format", "json", "-"], Some(body));
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let codes: Vec<&str> = doc["files"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["read-only", "wrong-type"]);
}

#[test]
fn list_responses_and_stdin() {
    let list = r##"{"@odata.context":"x","value":[
        {"@odata.type":"#microsoft.graph.windows10CustomConfiguration","displayName":"ok"},
        {"@odata.type":"#microsoft.graph.androidWorkProfileCustomConfiguration","omaSettings":[
          {"@odata.type":"#microsoft.graph.omaSettingInteger","displayName":"d","omaUri":"./u","value":"seven"}]}]}"##;
    let o = run(&["--api", "v1.0", "--patch", "-"], Some(list));
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o).trim(), "-: value[1].omaSettings[0].value: error: Expected a whole number from -2147483648 to 2147483647, found text. [wrong-type]");
}

#[test]
fn usage_and_unreadable_files_exit_two() {
    assert_eq!(code(&run(&[], None)), 2);
    assert_eq!(code(&run(&["--api", "v2", "x.json"], None)), 2);
    assert_eq!(code(&run(&["--format", "xml", "x.json"], None)), 2);
    assert_eq!(code(&run(&["--bogus", "x.json"], None)), 2);
    assert_eq!(code(&run(&["--help"], None)), 0);
    let missing = run(&["/definitely/not/here.json"], None);
    assert_eq!(code(&missing), 2);
    assert!(stdout(&missing).contains("/definitely/not/here.json: (object): error: cannot read"));
    let broken = temp("broken.json", b"{\"@odata.type\": ");
    let o = run(&["--format", "json", &broken], None);
    assert_eq!(code(&o), 2);
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["files"][0]["problems"][0]["code"], "invalid-json");
    assert!(doc["files"][0]["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("line 1"));
    // An unreadable file wins over errors in another one.
    let both = run(
        &[
            &seed("androidForWorkGeneralDeviceConfiguration.beta.request.json"),
            &broken,
        ],
        None,
    );
    assert_eq!(code(&both), 2);
    let binary = temp("binary.json", b"\xff\xfe\x00\x01");
    assert_eq!(code(&run(&[&binary], None)), 2);
}

fn settings_data(name: &str) -> String {
    format!(
        "{}/../policy-core/tests/data/settings/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn json_of(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap()
}

/// The fixture policy with one value changed (by JSON pointer), in a temporary file.
fn windows_policy_with(name: &str, pointer: &str, value: Value) -> String {
    let mut policy: Value = serde_json::from_str(
        &std::fs::read_to_string(settings_data("policy-windows.json")).unwrap(),
    )
    .unwrap();
    *policy.pointer_mut(pointer).unwrap() = value;
    temp(name, policy.to_string().as_bytes())
}

#[test]
fn settings_policies_are_checked_against_definitions() {
    let defs = settings_data("definitions.json");
    let windows = settings_data("policy-windows.json");
    let mac = settings_data("policy-macos.json");
    let ok = run(&["--definitions", &defs, &windows, &mac], None);
    assert_eq!(code(&ok), 0, "{}", stdout(&ok));
    assert_eq!(stdout(&ok), "");

    // An injected defect: exit 1, the path and the code in the line.
    let bad = windows_policy_with(
        "out-of-range.json",
        "/settings/4/settingInstance/choiceSettingValue/children/1/simpleSettingValue/value",
        serde_json::json!(70000),
    );
    let o = run(&["--definitions", &defs, &bad], None);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o).lines().collect::<Vec<_>>(),
        [format!("{bad}: settings[4].settingInstance.choiceSettingValue.children[1].simpleSettingValue.value: error: 70000 is out of range: expected a whole number from 1 to 65535. [out-of-range]")]
    );

    // JSON output carries the new codes.
    let bad = windows_policy_with(
        "bad-option.json",
        "/settings/0/settingInstance/choiceSettingValue/value",
        serde_json::json!("device_vendor_msft_policy_config_defender_allowrealtimemonitoring_7"),
    );
    let o = run(&["--format", "json", "--definitions", &defs, &bad], None);
    assert_eq!(code(&o), 1);
    let doc = json_of(&o);
    let p = &doc["files"][0]["problems"][0];
    assert_eq!(p["code"], "invalid-option");
    assert_eq!(
        p["path"],
        "settings[0].settingInstance.choiceSettingValue.value"
    );
    assert_eq!(p["severity"], "error");
    assert_eq!(doc["files"][0]["valid"], Value::Bool(false));
}

#[test]
fn definitions_may_come_from_several_files_or_from_the_policy() {
    // The definitions split in two files: both are needed.
    let all: Value =
        serde_json::from_str(&std::fs::read_to_string(settings_data("definitions.json")).unwrap())
            .unwrap();
    let list = all["value"].as_array().unwrap();
    let (a, b) = list.split_at(10);
    let first = temp(
        "defs-a.json",
        serde_json::json!({ "value": a }).to_string().as_bytes(),
    );
    let second = temp(
        "defs-b.json",
        Value::Array(b.to_vec()).to_string().as_bytes(),
    );
    let windows = settings_data("policy-windows.json");
    let both = run(
        &["--definitions", &first, "--definitions", &second, &windows],
        None,
    );
    assert_eq!(code(&both), 0, "{}", stdout(&both));
    let half = run(
        &["--format", "json", "--definitions", &first, &windows],
        None,
    );
    assert_eq!(code(&half), 1);
    let doc = json_of(&half);
    let codes: Vec<&str> = doc["files"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| *c == "unknown-setting"),
        "{codes:?}"
    );

    // An export with $expand=settingDefinitions needs no --definitions; a defect is found.
    let mut policy: Value =
        serde_json::from_str(&std::fs::read_to_string(&windows).unwrap()).unwrap();
    for setting in policy["settings"].as_array_mut().unwrap() {
        setting["settingDefinitions"] = all["value"].clone();
    }
    policy["settings"][1]["settingInstance"]["simpleSettingValue"]["value"] =
        serde_json::json!(101);
    // Untyped, as some exports are: still a settings catalog policy, its own properties checked.
    policy.as_object_mut().unwrap().remove("@odata.type");
    policy["name"] = serde_json::json!(5);
    let f = temp("embedded.json", policy.to_string().as_bytes());
    let o = run(&["--format", "json", &f], None);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let doc = json_of(&o);
    let found: Vec<(&str, &str)> = doc["files"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["path"].as_str().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("name", "wrong-type"),
            (
                "settings[1].settingInstance.simpleSettingValue.value",
                "out-of-range"
            )
        ]
    );
}

#[test]
fn without_definitions_settings_are_a_warning_and_bad_definition_files_exit_two() {
    let windows = settings_data("policy-windows.json");
    let o = run(&["--format", "json", &windows], None);
    assert_eq!(code(&o), 0);
    let doc = json_of(&o);
    assert_eq!(
        doc["files"][0]["problems"],
        serde_json::json!([{"path": "settings", "code": "settings-not-checked", "severity": "warning",
            "message": "The settings were not checked: give their definitions with --definitions FILE."}])
    );
    // In a list response the paths are under value[i].
    let policy: Value = serde_json::from_str(&std::fs::read_to_string(&windows).unwrap()).unwrap();
    let mut bad = policy.clone();
    bad["settings"][1]["settingInstance"]["simpleSettingValue"]["value"] = serde_json::json!(-1);
    let list = serde_json::json!({ "value": [policy, bad] }).to_string();
    let defs = settings_data("definitions.json");
    let o = run(&["--definitions", &defs, "-"], Some(&list));
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).starts_with(
            "-: value[1].settings[1].settingInstance.simpleSettingValue.value: error: "
        ),
        "{}",
        stdout(&o)
    );
    // A definitions file without definitions, or missing, is a usage problem.
    for defs in [
        settings_data("template-antivirus.json"),
        "/definitely/not/here.json".into(),
    ] {
        let o = run(&["--definitions", &defs, &windows], None);
        assert_eq!(code(&o), 2, "{defs}");
        assert!(
            stdout(&o).starts_with(&format!("{defs}: (object): error: ")),
            "{}",
            stdout(&o)
        );
    }
}
