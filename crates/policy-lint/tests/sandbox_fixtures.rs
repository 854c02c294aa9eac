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
