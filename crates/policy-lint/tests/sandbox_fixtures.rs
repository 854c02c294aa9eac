//! Two independent judges agree: the sandbox's settings catalog (its definitions and the
//! policies it seeds, which pass the sandbox's own service-side checks) lints clean with
//! `policy-lint --definitions`, and a defect the sandbox would refuse is found at its path.

use std::process::{Command, Output};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_policy-lint");

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../graph-sandbox/fixtures/settings/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Writes `value` as a Graph list answer (`{"value": [...]}`) into a temporary file.
fn page(name: &str, items: Value) -> String {
    let dir = std::env::temp_dir().join(format!("policy-lint-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, json!({ "value": items }).to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

fn lint(definitions: &str, policies: &str) -> Output {
    Command::new(BIN)
        .args(["--format", "json", "--definitions", definitions, policies])
        .output()
        .unwrap()
}

fn problems(o: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["files"][0]["problems"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn the_sandboxs_seeded_policies_lint_clean_and_a_defect_is_found_at_its_path() {
    let definitions = fixture("definitions.json");
    let definitions = match definitions {
        Value::Object(mut m) => m.remove("value").unwrap_or(Value::Null),
        v => v,
    };
    assert!(definitions.as_array().is_some_and(|d| d.len() >= 150));
    let defs = page("definitions.json", definitions);
    let mut policies = fixture("policies.json");
    // Plain secrets are how the fixture holds them; the service stores them as tokens.
    let clean = page("policies.json", policies.clone());
    let o = lint(&defs, &clean);
    let all = problems(&o);
    let errors: Vec<&Value> = all.iter().filter(|p| p["severity"] == "error").collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // An option outside the definition's list, in the first policy's first setting (a choice).
    let first = &mut policies[0]["settings"][0]["settingInstance"];
    assert!(first["@odata.type"]
        .as_str()
        .unwrap()
        .ends_with("ChoiceSettingInstance"));
    first["choiceSettingValue"]["value"] = json!("not_an_option_of_this_setting");
    let broken = page("broken.json", policies);
    let o = lint(&defs, &broken);
    assert_eq!(o.status.code(), Some(1));
    let found = problems(&o);
    assert!(
        found.iter().any(|p| p["code"] == "invalid-option"
            && p["path"] == "value[0].settings[0].settingInstance.choiceSettingValue.value"),
        "{found:#?}"
    );
}

/// Writes `value` as it is into a temporary file.
fn file(name: &str, value: &Value) -> String {
    let path = page(name, Value::Null);
    std::fs::write(&path, value.to_string()).unwrap();
    path
}

fn lint_with(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap()
}

/// `--template`: an endpoint security policy is held to its template (Graph's settingTemplates
/// answer, which names its template in `@odata.context`): clean as seeded; a setting the
/// template does not offer, or a required one missing, is an error at its path; without the
/// template, a warning says its rules were not checked.
#[test]
fn a_template_policy_is_held_to_the_template_given() {
    let definitions = fixture("definitions.json");
    let defs = file("definitions-t.json", &definitions);
    let templates = fixture("templates.json");
    let id = "ff364f60-7d0b-54f7-9876-0c40d33335ac_1";
    let answer = json!({
        "@odata.context": format!("https://graph.microsoft.com/beta/$metadata#deviceManagement/configurationPolicyTemplates('{id}')/settingTemplates"),
        "value": templates["settingTemplates"][id],
    });
    let template = file("template.json", &answer);
    let policies = fixture("policies.json");
    let antivirus = policies
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["templateReference"]["templateId"] == id)
        .unwrap()
        .clone();
    let clean = file("antivirus.json", &antivirus);

    let o = lint_with(&["--definitions", &defs, "--template", &template, &clean]);
    assert_eq!(o.status.code(), Some(0), "{:#?}", problems(&o));
    assert!(problems(&o).is_empty(), "{:#?}", problems(&o));

    let o = lint_with(&["--definitions", &defs, &clean]);
    assert_eq!(o.status.code(), Some(0));
    let found = problems(&o);
    assert!(
        found.iter().any(|p| p["code"] == "template-not-checked"
            && p["severity"] == "warning"
            && p["path"] == "templateReference.templateId"),
        "{found:#?}"
    );

    // A setting of another policy, which the template does not offer, and the required
    // real-time monitoring taken out.
    let mut broken = antivirus.clone();
    let foreign = policies[0]["settings"][0].clone();
    let settings = broken["settings"].as_array_mut().unwrap();
    let required = "device_vendor_msft_policy_config_defender_allowrealtimemonitoring";
    settings.retain(|s| s["settingInstance"]["settingDefinitionId"] != required);
    settings.push(foreign);
    let n = settings.len() - 1;
    let broken = file("antivirus-broken.json", &broken);
    let o = lint_with(&["--definitions", &defs, "--template", &template, &broken]);
    assert_eq!(o.status.code(), Some(1));
    let found = problems(&o);
    assert!(
        found.iter().any(|p| p["code"] == "not-in-template"
            && p["path"]
                .as_str()
                .unwrap()
                .starts_with(&format!("settings[{n}]"))),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p["code"] == "missing-template-setting"),
        "{found:#?}"
    );

    // A file that does not say which template it is cannot be used.
    let anonymous = file(
        "anonymous.json",
        &json!({ "value": templates["settingTemplates"][id] }),
    );
    let o = lint_with(&["--definitions", &defs, "--template", &anonymous, &clean]);
    assert_eq!(o.status.code(), Some(2));
}

fn intents_fixture(name: &str) -> Value {
    let path = format!(
        "{}/../graph-sandbox/fixtures/intents/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The same two judges for the older endpoint security intents: the sandbox's seeded intents
/// (which pass its own `updateSettings` checks) lint clean against its setting definitions,
/// and a value outside a definition's range is found at its path.
#[test]
fn the_sandboxs_seeded_intents_lint_clean_and_a_defect_is_found_at_its_path() {
    let definitions = intents_fixture("definitions.json");
    assert!(definitions.as_array().is_some_and(|d| d.len() >= 20));
    let defs = page("intent-definitions.json", definitions);
    let intents = intents_fixture("intents.json");
    let clean = page("intents.json", intents.clone());
    let o = lint(&defs, &clean);
    let all = problems(&o);
    let errors: Vec<&Value> = all.iter().filter(|p| p["severity"] == "error").collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(o.status.code(), Some(0), "{all:#?}");

    let mut broken = intents;
    let settings = broken[0]["settings"].as_array_mut().unwrap();
    let (i, setting) = settings
        .iter_mut()
        .enumerate()
        .find(|(_, s)| {
            s["definitionId"]
                .as_str()
                .is_some_and(|d| d.ends_with("firewallIdleTimeoutForSecurityAssociationInSeconds"))
        })
        .expect("the fixture's idle timeout");
    setting["valueJson"] = json!("999999");
    setting["value"] = json!(999_999);
    let broken = page("intents-broken.json", broken);
    let o = lint(&defs, &broken);
    assert_eq!(o.status.code(), Some(1));
    let found = problems(&o);
    assert!(
        found.iter().any(|p| p["code"] == "out-of-range"
            && p["path"]
                .as_str()
                .is_some_and(|path| path.starts_with(&format!("value[0].settings[{i}]")))),
        "{found:#?}"
    );
}
