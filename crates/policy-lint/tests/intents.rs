//! Runs the real `policy-lint` binary on endpoint security intents: their settings checked
//! against intent setting definitions from `--definitions` files or embedded in the intent,
//! beside settings catalog definitions, and a warning without any.

use std::process::Output;

use serde_json::{json, Value};

mod common;

use common::{code, run, stdout, temp};

fn data(dir: &str, name: &str) -> String {
    format!(
        "{}/../policy-core/tests/data/{dir}/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn intents(name: &str) -> String {
    data("intents", name)
}

fn read(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every problem of the first file as `(path, code, severity)`, from the JSON output.
fn problems(o: &Output) -> Vec<(String, String, String)> {
    let doc: Value = serde_json::from_str(&stdout(o)).unwrap();
    doc["files"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["code"].as_str().unwrap().to_string(),
                p["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn triple(path: &str, code: &str, severity: &str) -> (String, String, String) {
    (path.into(), code.into(), severity.into())
}

#[test]
fn an_intent_is_checked_against_intent_definitions() {
    let defs = intents("template.json");
    let intent = intents("intent.json");
    let ok = run(&["--definitions", &defs, &intent], None);
    assert_eq!(code(&ok), 0, "{}", stdout(&ok));
    assert_eq!(stdout(&ok), "");

    // An injected defect: exit 1, the path and the code in the line.
    let mut bad = read(&intent);
    bad["settings"][2]["valueJson"] = json!("7200");
    bad["settings"][2]["value"] = json!(7200);
    let bad = temp("out-of-range.json", bad.to_string());
    let o = run(&["--definitions", &defs, &bad], None);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o).lines().collect::<Vec<_>>(),
        [format!("{bad}: settings[2].valueJson: error: 7200 is out of range: expected a whole number from 300 to 3600. [out-of-range]")]
    );

    // JSON output carries the intents' codes.
    let mut bad = read(&intent);
    bad["settings"][0]["value"] = json!(false);
    bad["settings"][3]["valueJson"] = json!("\"help@");
    let bad = temp("mismatch.json", bad.to_string());
    let o = run(&["--format", "json", "--definitions", &defs, &bad], None);
    assert_eq!(code(&o), 1);
    assert_eq!(
        problems(&o),
        [
            triple("settings[0].value", "value-mismatch", "error"),
            triple("settings[3].valueJson", "invalid-value-json", "error"),
        ]
    );
}

#[test]
fn an_untyped_intent_is_recognised_and_its_own_properties_checked() {
    let defs = intents("template.json");
    let mut intent = read(&intents("intent.json"));
    intent.as_object_mut().unwrap().remove("@odata.type");
    intent["displayName"] = json!(5);
    intent["settings"][5]["valueJson"] = json!("\"extreme\"");
    intent["settings"][5]["value"] = json!("extreme");
    let f = temp("untyped.json", intent.to_string());
    let o = run(&["--format", "json", "--definitions", &defs, &f], None);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert_eq!(
        problems(&o),
        [
            triple("displayName", "wrong-type", "error"),
            triple("settings[5].valueJson", "invalid-option", "error"),
        ]
    );
}

#[test]
fn embedded_definitions_serve_and_without_any_settings_are_a_warning() {
    let intent = intents("intent.json");
    // Without definitions: one warning, nothing about `settings` being a relationship.
    let o = run(&["--format", "json", &intent], None);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(
        problems(&o),
        [triple("settings", "settings-not-checked", "warning")]
    );

    // An export with $expand=categories($expand=settingDefinitions) needs no --definitions.
    let template = read(&intents("template.json"));
    let mut embedded = read(&intent);
    embedded["categories"] = template["categories"].clone();
    embedded["settings"][6]["valueJson"] = json!("[\"notes.txt\"]");
    let f = temp("embedded.json", embedded.to_string());
    let o = run(&["--format", "json", &f], None);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert_eq!(
        problems(&o),
        [
            // The categories are a relationship: said, as of any object.
            triple("categories", "navigation-property", "warning"),
            triple("settings[6].valueJson", "pattern-mismatch", "error"),
        ]
    );

    // In a list response the paths are under value[i]; each intent's own embedded
    // definitions serve the others too.
    let mut bad = read(&intent);
    bad["settings"][8]["valueJson"] = json!("[]");
    let list = json!({ "value": [embedded, bad] }).to_string();
    let o = run(&["-"], Some(&list));
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.lines().any(
            |l| l.starts_with("-: value[1].settings[8].valueJson: error: ")
                && l.ends_with("[too-few-items]")
        ),
        "{out}"
    );
}

#[test]
fn definition_files_may_hold_either_kind_or_both() {
    let intent_defs = intents("template.json");
    let catalog_defs = data("settings", "definitions.json");
    let intent = intents("intent.json");
    let policy = data("settings", "policy-windows.json");

    // One file of each kind: both objects clean.
    let o = run(
        &[
            "--definitions",
            &intent_defs,
            "--definitions",
            &catalog_defs,
            &intent,
            &policy,
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(stdout(&o), "");

    // Both kinds in one list.
    let mut all: Vec<Value> = read(&catalog_defs)["value"].as_array().unwrap().clone();
    for category in read(&intent_defs)["categories"].as_array().unwrap() {
        all.extend(
            category["settingDefinitions"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
    }
    let both = temp("both.json", json!({ "value": all }).to_string());
    let o = run(&["--definitions", &both, &intent, &policy], None);
    assert_eq!(code(&o), 0, "{}", stdout(&o));

    // Intent definitions alone are not settings catalog definitions: the policy's settings
    // are not checked (a warning), rather than every one unknown.
    let o = run(
        &["--format", "json", "--definitions", &intent_defs, &policy],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(
        problems(&o),
        [triple("settings", "settings-not-checked", "warning")]
    );
    // And the other way round.
    let o = run(
        &["--format", "json", "--definitions", &catalog_defs, &intent],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(
        problems(&o),
        [triple("settings", "settings-not-checked", "warning")]
    );

    // A file with neither kind (here an intent, whose settings are instances) fails as before.
    let o = run(&["--definitions", &intent, &intent], None);
    assert_eq!(code(&o), 2);
    assert!(
        stdout(&o).starts_with(&format!("{intent}: (object): error: ")),
        "{}",
        stdout(&o)
    );
}

#[test]
fn the_help_text_mentions_intents() {
    let o = run(&["--help"], None);
    assert_eq!(code(&o), 0);
    let help = stdout(&o);
    assert!(help.contains("intents"), "{help}");
    assert!(help.contains("categories"), "{help}");
}
