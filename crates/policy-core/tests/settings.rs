//! The settings catalog (`policy_core::settings`) against a fixture of our own: every
//! definition and value kind validates clean, then one mutation per rule, each found with its
//! exact code at its exact path; the diff, the search, new instances and hostile input.
#![cfg(feature = "settings")]

use std::sync::Arc;

use policy_core::settings::{
    diff_settings, new_instance, new_setting, option_label, validate_policy, validate_setting,
    value_text, ChangeKind, DefinitionKind, Definitions, PolicyContext, Search, SearchFilter,
    StringFormat, Template, ValueRule,
};
use policy_core::{Code, FieldPath, Severity};
use serde_json::{json, Value};

const P: &str = "#microsoft.graph.deviceManagementConfiguration";
const D: &str = "device_vendor_msft_policy_config_defender_";
const X: &str = "device_vendor_msft_policy_config_ourproxy_";
const FW: &str = "device_vendor_msft_firewall_mdmstore_firewallrules_{firewallrulename}";

fn data(name: &str) -> Value {
    let path = format!("{}/tests/data/settings/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn defs() -> Definitions {
    let mut d = Definitions::default();
    assert_eq!(d.add_graph_json(&data("definitions.json")).unwrap(), 25);
    d
}

fn windows() -> Value {
    data("policy-windows.json")
}

fn template() -> Template {
    Template::from_graph_json(&data("template-antivirus.json")).unwrap()
}

/// Every problem as `(path, code, severity)`.
fn found(
    policy: &Value,
    defs: &Definitions,
    t: Option<&Template>,
) -> Vec<(String, Code, Severity)> {
    validate_policy(policy, defs, t)
        .into_iter()
        .map(|p| (p.path.to_string(), p.code, p.severity))
        .collect()
}

fn set(v: &mut Value, pointer: &str, new: Value) {
    *v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer}")) = new;
}

fn push_setting(v: &mut Value, instance: Value) {
    let settings = v["settings"].as_array_mut().unwrap();
    let id = settings.len().to_string();
    settings.push(json!({"id": id, "settingInstance": instance}));
}

fn simple(id: &str, t: &str, v: Value) -> Value {
    json!({"@odata.type": format!("{P}SimpleSettingInstance"), "settingDefinitionId": id,
           "simpleSettingValue": {"@odata.type": format!("{P}{t}SettingValue"), "value": v}})
}

fn choice(id: &str, item: &str) -> Value {
    json!({"@odata.type": format!("{P}ChoiceSettingInstance"), "settingDefinitionId": id,
           "choiceSettingValue": {"value": item, "children": []}})
}

#[test]
fn definitions_read_every_kind_and_value_kind() {
    let d = defs();
    let kind = |id: &str| d.get(id).unwrap().kind;
    assert_eq!(
        kind(&format!("{D}allowrealtimemonitoring")),
        DefinitionKind::Choice
    );
    assert_eq!(
        kind(&format!("{D}scanfeatures")),
        DefinitionKind::ChoiceCollection
    );
    assert_eq!(
        kind(&format!("{D}avgcpuloadfactor")),
        DefinitionKind::Simple
    );
    assert_eq!(
        kind(&format!("{D}excludedpaths")),
        DefinitionKind::SimpleCollection
    );
    assert_eq!(kind(FW), DefinitionKind::GroupCollection);
    assert_eq!(
        kind("device_vendor_msft_policy_config_ourbranding_group"),
        DefinitionKind::Group
    );
    assert_eq!(
        kind("device_vendor_msft_policy_config_ourbranding_oldbranding"),
        DefinitionKind::Redirect
    );
    let cpu = d.get(&format!("{D}avgcpuloadfactor")).unwrap();
    assert!(matches!(
        cpu.value,
        ValueRule::Integer {
            min: Some(0),
            max: Some(100)
        }
    ));
    let key = d.get(&format!("{X}sharedkey")).unwrap();
    assert!(
        matches!(&key.value, ValueRule::Secret(r) if r.min_len == Some(8) && r.max_len == Some(63))
    );
    let tag = d.get(&format!("{X}devicetag")).unwrap();
    let rule = tag.value.string_rule().unwrap();
    assert_eq!(rule.pattern.as_deref(), Some("^[A-Z]{3}-[0-9]{4}$"));
    assert_eq!(
        d.get(&format!("{X}supportemail"))
            .unwrap()
            .value
            .string_rule()
            .unwrap()
            .format,
        StringFormat::Email
    );
    let proxy = d.get(&format!("{X}enable")).unwrap();
    assert_eq!(proxy.options.len(), 2);
    assert!(proxy.options[1].depended_on_by.iter().all(|c| c.required));
    assert_eq!(proxy.platforms, ["windows10"]);
    assert_eq!(proxy.technologies, ["mdm", "microsoftSense"]);
    // Ids compare without regard to case; versions are kept for caching.
    assert!(d.get(&format!("{D}AllowRealtimeMonitoring")).is_some());
    assert_eq!(
        d.version_of(&format!("{X}enable")),
        Some("638000000000000001")
    );
    assert_eq!(
        option_label(&d, &format!("{X}enable"), &format!("{X}enable_1")),
        Some("On")
    );
    assert_eq!(d.iter().count(), d.len());
}

#[test]
fn definitions_come_in_every_shape_graph_sends() {
    let page = data("definitions.json");
    let all = page["value"].as_array().unwrap().clone();
    let one = all[0].clone();
    let expanded_settings = json!({"value": [
        {"id": "0", "settingInstance": choice(&format!("{D}allowrealtimemonitoring"), "x"),
         "settingDefinitions": [one.clone()]}]});
    let policy = json!({"name": "p", "platforms": "windows10",
        "settings": [{"settingInstance": {}, "settingDefinitions": [all[1].clone(), all[2].clone()]}]});
    let templates =
        json!({"value": [{"settingInstanceTemplate": {}, "settingDefinitions": [one.clone()]}]});
    let template_with_settings =
        json!({"id": "t", "settingTemplates": [{"settingDefinitions": [one.clone()]}]});
    let cases = [
        (json!(all), 25),
        (page, 25),
        (expanded_settings, 1),
        (policy, 2),
        (templates, 1),
        (template_with_settings, 1),
        (one, 1),
        (json!({"value": []}), 0),
    ];
    for (json, n) in cases {
        let mut d = Definitions::default();
        let shown: String = json.to_string().chars().take(120).collect();
        assert_eq!(d.add_graph_json(&json).unwrap(), n, "{shown}");
        assert_eq!(d.len(), n);
    }
    for bad in [json!(3), json!("x"), json!({"name": "not a definition"})] {
        assert!(
            Definitions::default().add_graph_json(&bad).is_err(),
            "{bad}"
        );
    }
    // A second answer with the same id replaces the definition.
    let mut d = defs();
    let mut newer = d.get(&format!("{D}avgcpuloadfactor")).unwrap().raw.clone();
    newer["version"] = json!("2");
    newer["id"] = json!(format!("{D}AVGCPULOADFACTOR"));
    d.add_graph_json(&newer).unwrap();
    assert_eq!(
        (d.len(), d.version_of(&format!("{D}avgcpuloadfactor"))),
        (25, Some("2"))
    );
}

#[test]
fn the_fixture_policies_validate_clean() {
    let d = defs();
    assert_eq!(found(&windows(), &d, None), []);
    // macOS definitions carry only `mdm` or only `appleRemoteManagement`; policies list both.
    assert_eq!(found(&data("policy-macos.json"), &d, None), []);
    // A bare settings list validates the same, with paths from the list.
    let list = windows()["settings"].clone();
    assert_eq!(validate_policy(&list, &d, None), []);
    // Ids in another case are the same ids.
    let mut p = windows();
    set(
        &mut p,
        "/settings/0/settingInstance/settingDefinitionId",
        json!(format!("{D}AllowRealtimeMonitoring")),
    );
    assert_eq!(found(&p, &d, None), []);
    // A stored secret is an opaque token: never judged.
    set(
        &mut p,
        "/settings/5/settingInstance/simpleSettingValue",
        json!({
        "@odata.type": format!("{P}SecretSettingValue"), "value": "a1b2", "valueState": "encryptedValueToken"}),
    );
    assert_eq!(found(&p, &d, None), []);
}

/// One mutation per rule: the exact code at the exact path, and nothing else.
#[test]
fn each_rule_reports_its_code_at_its_path() {
    let d = defs();
    type Mutation = Box<dyn Fn(&mut Value)>;
    let s = |i: usize, rest: &str| format!("/settings/{i}/settingInstance{rest}");
    let cases: Vec<(&str, Mutation, Code, &str)> = vec![
        ("unknown definition", Box::new(move |p| set(p, &s(1, "/settingDefinitionId"), json!(format!("{D}nosuchsetting")))),
            Code::UnknownSetting, "settings[1].settingInstance.settingDefinitionId"),
        ("instance kind", Box::new(move |p| set(p, &s(0, "/@odata.type"), json!(format!("{P}SimpleSettingInstance")))),
            Code::SettingKindMismatch, "settings[0].settingInstance.@odata.type"),
        ("missing value", Box::new(move |p| { p.pointer_mut(&s(0, "")).unwrap().as_object_mut().unwrap().remove("choiceSettingValue"); }),
            Code::MissingValue, "settings[0].settingInstance.choiceSettingValue"),
        ("option not in the list", Box::new(move |p| set(p, &s(0, "/choiceSettingValue/value"), json!(format!("{D}allowrealtimemonitoring_2")))),
            Code::InvalidOption, "settings[0].settingInstance.choiceSettingValue.value"),
        ("integer above range", Box::new(move |p| set(p, &s(1, "/simpleSettingValue/value"), json!(101))),
            Code::OutOfRange, "settings[1].settingInstance.simpleSettingValue.value"),
        ("integer with a fraction", Box::new(move |p| set(p, &s(1, "/simpleSettingValue/value"), json!(2.5))),
            Code::NotInteger, "settings[1].settingInstance.simpleSettingValue.value"),
        ("integer as text", Box::new(move |p| set(p, &s(1, "/simpleSettingValue/value"), json!("30"))),
            Code::WrongType, "settings[1].settingInstance.simpleSettingValue.value"),
        ("integer value typed as text", Box::new(move |p| set(p, &s(1, "/simpleSettingValue/@odata.type"), json!(format!("{P}StringSettingValue")))),
            Code::WrongType, "settings[1].settingInstance.simpleSettingValue.@odata.type"),
        ("text too long", Box::new(move |p| set(p, &s(2, "/simpleSettingCollectionValue/1/value"), json!("x".repeat(261)))),
            Code::TooLong, "settings[2].settingInstance.simpleSettingCollectionValue[1].value"),
        ("text too short", Box::new(move |p| set(p, &s(2, "/simpleSettingCollectionValue/0/value"), json!(""))),
            Code::TooShort, "settings[2].settingInstance.simpleSettingCollectionValue[0].value"),
        ("too many items", Box::new(move |p| set(p, &s(2, "/simpleSettingCollectionValue"), json!([
            {"value": "a"}, {"value": "b"}, {"value": "c"}, {"value": "d"}]))),
            Code::TooManyItems, "settings[2].settingInstance.simpleSettingCollectionValue"),
        ("too few items", Box::new(move |p| set(p, &s(3, "/choiceSettingCollectionValue"), json!([]))),
            Code::TooFewItems, "settings[3].settingInstance.choiceSettingCollectionValue"),
        ("option of a collection", Box::new(move |p| set(p, &s(3, "/choiceSettingCollectionValue/0/value"), json!("scripts"))),
            Code::InvalidOption, "settings[3].settingInstance.choiceSettingCollectionValue[0].value"),
        ("required child of the option", Box::new(move |p| { p.pointer_mut(&s(4, "/choiceSettingValue/children")).unwrap().as_array_mut().unwrap().remove(1); }),
            Code::MissingChildSetting, "settings[4].settingInstance.choiceSettingValue.children"),
        ("child of another option", Box::new(move |p| p.pointer_mut(&s(4, "/choiceSettingValue/children")).unwrap().as_array_mut().unwrap()
            .push(simple(&format!("{X}reason"), "String", json!("none")))),
            Code::DependencyNotMet, "settings[4].settingInstance.choiceSettingValue.children[2].settingDefinitionId"),
        ("child of another setting", Box::new(move |p| p.pointer_mut(&s(4, "/choiceSettingValue/children")).unwrap().as_array_mut().unwrap()
            .push(simple("device_vendor_msft_policy_config_ourbranding_companyname", "String", json!("C")))),
            Code::ChildNotAllowed, "settings[4].settingInstance.choiceSettingValue.children[2].settingDefinitionId"),
        ("nested url", Box::new(move |p| set(p, &s(4, "/choiceSettingValue/children/0/simpleSettingValue/value"), json!("proxy.contoso"))),
            Code::InvalidFormat, "settings[4].settingInstance.choiceSettingValue.children[0].simpleSettingValue.value"),
        ("nested range", Box::new(move |p| set(p, &s(4, "/choiceSettingValue/children/1/simpleSettingValue/value"), json!(70000))),
            Code::OutOfRange, "settings[4].settingInstance.choiceSettingValue.children[1].simpleSettingValue.value"),
        ("secret too short", Box::new(move |p| set(p, &s(5, "/simpleSettingValue/value"), json!("short"))),
            Code::TooShort, "settings[5].settingInstance.simpleSettingValue.value"),
        ("secret sent as text", Box::new(move |p| set(p, &s(5, "/simpleSettingValue/@odata.type"), json!(format!("{P}StringSettingValue")))),
            Code::WrongType, "settings[5].settingInstance.simpleSettingValue.@odata.type"),
        ("e-mail format", Box::new(move |p| set(p, &s(6, "/simpleSettingValue/value"), json!("help at contoso"))),
            Code::InvalidFormat, "settings[6].settingInstance.simpleSettingValue.value"),
        ("guid format", Box::new(move |p| set(p, &s(7, "/simpleSettingValue/value"), json!("6fd2d1c7"))),
            Code::InvalidGuid, "settings[7].settingInstance.simpleSettingValue.value"),
        ("xml format", Box::new(move |p| set(p, &s(8, "/simpleSettingValue/value"), json!("<rules><rule></rules>"))),
            Code::InvalidFormat, "settings[8].settingInstance.simpleSettingValue.value"),
        ("regex format", Box::new(move |p| set(p, &s(9, "/simpleSettingValue/value"), json!("([a-z]"))),
            Code::InvalidFormat, "settings[9].settingInstance.simpleSettingValue.value"),
        ("pattern", Box::new(move |p| set(p, &s(10, "/simpleSettingValue/value"), json!("abc-1234"))),
            Code::PatternMismatch, "settings[10].settingInstance.simpleSettingValue.value"),
        ("required child of a group", Box::new(move |p| { p.pointer_mut(&s(11, "/groupSettingCollectionValue/0/children")).unwrap().as_array_mut().unwrap().remove(0); }),
            Code::MissingChildSetting, "settings[11].settingInstance.groupSettingCollectionValue[0].children"),
        ("too many groups", Box::new(move |p| {
            let items = p.pointer_mut(&s(11, "/groupSettingCollectionValue")).unwrap();
            let one = items[0].clone();
            *items = json!([one.clone(), one.clone(), one]);
        }), Code::TooManyItems, "settings[11].settingInstance.groupSettingCollectionValue"),
        ("option inside a group", Box::new(move |p| set(p, &s(11, "/groupSettingCollectionValue/0/children/1/choiceSettingValue/value"), json!("sideways"))),
            Code::InvalidOption, "settings[11].settingInstance.groupSettingCollectionValue[0].children[1].choiceSettingValue.value"),
        ("child twice in a group", Box::new(move |p| {
            let children = p.pointer_mut(&s(11, "/groupSettingCollectionValue/0/children")).unwrap().as_array_mut().unwrap();
            let first = children[0].clone();
            children.push(first);
        }), Code::DuplicateSetting, "settings[11].settingInstance.groupSettingCollectionValue[0].children[3].settingDefinitionId"),
        ("text in a group", Box::new(move |p| set(p, &s(12, "/groupSettingValue/children/0/simpleSettingValue/value"), json!(""))),
            Code::TooShort, "settings[12].settingInstance.groupSettingValue.children[0].simpleSettingValue.value"),
        ("setting twice", Box::new(move |p| { let again = p["settings"][1]["settingInstance"].clone(); push_setting(p, again); }),
            Code::DuplicateSetting, "settings[13].settingInstance.settingDefinitionId"),
        ("another platform's setting", Box::new(|p| push_setting(p, choice("com.apple.applicationaccess_allowairdrop", "com.apple.applicationaccess_allowairdrop_true"))),
            Code::NotApplicable, "settings[13].settingInstance.settingDefinitionId"),
        ("a redirect", Box::new(|p| push_setting(p, simple("device_vendor_msft_policy_config_ourbranding_oldbranding", "String", json!("x")))),
            Code::SettingKindMismatch, "settings[13].settingInstance.@odata.type"),
        ("no instance", Box::new(|p| { p["settings"][0].as_object_mut().unwrap().remove("settingInstance"); }),
            Code::MissingValue, "settings[0].settingInstance"),
        ("no definition id", Box::new(move |p| { p.pointer_mut(&s(1, "")).unwrap().as_object_mut().unwrap().remove("settingDefinitionId"); }),
            Code::MissingValue, "settings[1].settingInstance.settingDefinitionId"),
    ];
    let base = windows();
    for (what, mutate, code, path) in cases {
        let mut p = base.clone();
        mutate(&mut p);
        assert_eq!(
            found(&p, &d, None),
            [(path.to_string(), code, Severity::Error)],
            "{what}"
        );
    }
    // A pattern that does not compile is a warning, never a panic, and the value is not judged.
    let mut p = base.clone();
    push_setting(
        &mut p,
        simple(&format!("{X}legacytag"), "String", json!("anything")),
    );
    assert_eq!(
        found(&p, &d, None),
        [(
            "settings[13].settingInstance.simpleSettingValue.value".to_string(),
            Code::InvalidPattern,
            Severity::Warning
        )]
    );
}

#[test]
fn a_template_allows_and_requires_settings() {
    let d = defs();
    let t = template();
    assert_eq!(t.settings().len(), 3);
    assert!(t.allows(&format!("{D}AVGCPULOADFACTOR")));
    assert_eq!(t.required().count(), 1);
    let mut p = json!({"name": "AV", "platforms": "windows10", "technologies": "mdm,microsoftSense",
        "templateReference": {"templateId": "804339ad-1553-4478-a742-138fb5807418_1"}, "settings": []});
    push_setting(
        &mut p,
        choice(
            &format!("{D}allowrealtimemonitoring"),
            &format!("{D}allowrealtimemonitoring_0"),
        ),
    );
    push_setting(
        &mut p,
        simple(&format!("{D}avgcpuloadfactor"), "Integer", json!(10)),
    );
    assert_eq!(found(&p, &d, Some(&t)), []);
    assert_eq!(
        PolicyContext::of(&p).template_id.as_deref(),
        Some("804339ad-1553-4478-a742-138fb5807418_1")
    );
    let mut extra = p.clone();
    push_setting(
        &mut extra,
        simple(&format!("{X}supportemail"), "String", json!("a@b.c")),
    );
    assert_eq!(
        found(&extra, &d, Some(&t)),
        [(
            "settings[2].settingInstance.settingDefinitionId".to_string(),
            Code::NotInTemplate,
            Severity::Error
        )]
    );
    let mut missing = p.clone();
    missing["settings"].as_array_mut().unwrap().remove(0);
    assert_eq!(
        found(&missing, &d, Some(&t)),
        [(
            "settings".to_string(),
            Code::MissingTemplateSetting,
            Severity::Error
        )]
    );
    assert!(Template::from_graph_json(&json!({"value": []})).is_err());
}

#[test]
fn applicability_follows_platform_and_shared_technologies() {
    let d = defs();
    let mut mac = data("policy-macos.json");
    mac["platforms"] = json!("iOS");
    let codes: Vec<Code> = found(&mac, &d, None).into_iter().map(|p| p.1).collect();
    assert_eq!(codes, [Code::NotApplicable, Code::NotApplicable]);
    // A policy with only `mdm` cannot hold an `appleRemoteManagement`-only setting.
    let mut mdm = data("policy-macos.json");
    mdm["technologies"] = json!("mdm");
    assert_eq!(
        found(&mdm, &d, None),
        [(
            "settings[1].settingInstance.settingDefinitionId".to_string(),
            Code::NotApplicable,
            Severity::Error
        )]
    );
    // One setting at a time, at the path given.
    let ctx = PolicyContext::of(&windows());
    let inst = choice(
        "com.apple.applicationaccess_allowcamera",
        "com.apple.applicationaccess_allowcamera_true",
    );
    let at = FieldPath::parse("settings[7].settingInstance");
    let problems = validate_setting(&inst, &at, &d, &ctx);
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].path.as_str(),
        "settings[7].settingInstance.settingDefinitionId"
    );
    assert!(
        validate_setting(&windows()["settings"][4]["settingInstance"], &at, &d, &ctx).is_empty()
    );
}

#[test]
fn new_instances_validate_clean() {
    let d = defs();
    let ctx = PolicyContext::of(&windows());
    let mut policy =
        json!({"platforms": "windows10", "technologies": "mdm,microsoftSense", "settings": []});
    for def in d.iter() {
        let skip = def.kind == DefinitionKind::Redirect
            || !ctx.applies(def)
            // Children come inside their parents; free text with a minimum or a format is
            // the user's to fill in.
            || !def.dependent_on.is_empty()
            || [format!("{X}sharedkey"), format!("{X}legacytag"), format!("{D}excludedpaths")].contains(&def.id);
        if skip {
            continue;
        }
        let inst = new_instance(def, &d);
        assert_eq!(inst["settingDefinitionId"], json!(def.id));
        policy["settings"]
            .as_array_mut()
            .unwrap()
            .push(new_setting(def, &d));
    }
    assert_eq!(policy["settings"].as_array().unwrap().len(), 11);
    // Required text children start empty: naming a firewall rule or a company is the user's.
    let rule_name = "settings[9].settingInstance.groupSettingCollectionValue[0].children[0].simpleSettingValue.value";
    let company =
        "settings[10].settingInstance.groupSettingValue.children[0].simpleSettingValue.value";
    assert_eq!(
        found(&policy, &d, None),
        [
            (rule_name.to_string(), Code::TooShort, Severity::Error),
            (company.to_string(), Code::TooShort, Severity::Error)
        ]
    );
    set(&mut policy, "/settings/9/settingInstance/groupSettingCollectionValue/0/children/0/simpleSettingValue/value", json!("Web"));
    set(
        &mut policy,
        "/settings/10/settingInstance/groupSettingValue/children/0/simpleSettingValue/value",
        json!("Contoso"),
    );
    assert_eq!(found(&policy, &d, None), []);
    // The default option brings its required children with their defaults.
    let proxy = new_instance(d.get(&format!("{X}enable")).unwrap(), &d);
    assert_eq!(
        proxy["choiceSettingValue"]["value"],
        json!(format!("{X}enable_1"))
    );
    let children = proxy["choiceSettingValue"]["children"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    assert_eq!(
        children[0]["simpleSettingValue"]["value"],
        json!("https://proxy.example")
    );
    assert_eq!(children[1]["simpleSettingValue"]["value"], json!(8080));
    assert!(validate_setting(&proxy, &FieldPath::root(), &d, &ctx).is_empty());
    // An integer starts at its default, a collection with the items it needs.
    let cpu = new_instance(d.get(&format!("{D}avgcpuloadfactor")).unwrap(), &d);
    assert_eq!(cpu["simpleSettingValue"]["value"], json!(50));
    let scan = new_instance(d.get(&format!("{D}scanfeatures")).unwrap(), &d);
    assert_eq!(
        scan["choiceSettingCollectionValue"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let secret = new_instance(d.get(&format!("{X}sharedkey")).unwrap(), &d);
    assert_eq!(
        secret["simpleSettingValue"]["valueState"],
        json!("notEncrypted")
    );
}

#[test]
fn value_texts_are_short_and_keep_secrets() {
    let d = defs();
    let p = windows();
    let text = |i: usize| value_text(&p["settings"][i]["settingInstance"], &d);
    assert_eq!(text(0), "On");
    assert_eq!(text(1), "30");
    assert_eq!(text(2), "\"C:\\Temp\", \"D:\\Build\"");
    assert_eq!(text(3), "Scripts");
    assert_eq!(text(5), "secret (new value)");
    assert!(!text(5).contains("horse"));
    assert_eq!(text(11), "1 item");
}

#[test]
fn the_diff_names_added_removed_and_changed_settings() {
    let d = defs();
    let before = windows();
    assert_eq!(diff_settings(&before, &before, &d), []);
    let mut after = before.clone();
    set(
        &mut after,
        "/settings/1/settingInstance/simpleSettingValue/value",
        json!(75),
    );
    set(
        &mut after,
        "/settings/4/settingInstance/choiceSettingValue/children/1/simpleSettingValue/value",
        json!(3128),
    );
    let removed = after["settings"].as_array_mut().unwrap().remove(12);
    assert_eq!(
        removed["settingInstance"]["settingDefinitionId"],
        json!("device_vendor_msft_policy_config_ourbranding_group")
    );
    push_setting(&mut after, choice(&format!("{X}supportemail"), "x"));
    set(
        &mut after,
        "/settings/5/settingInstance/simpleSettingValue/value",
        json!("another long secret"),
    );
    let changes = diff_settings(&before, &after, &d);
    type Row<'a> = (
        ChangeKind,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
    );
    let summary: Vec<Row> = changes
        .iter()
        .map(|c| {
            (
                c.kind,
                c.name.as_str(),
                c.path.as_str(),
                c.before.as_deref(),
                c.after.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                ChangeKind::Changed,
                "CPU load during scans",
                "settings[1].settingInstance",
                Some("30"),
                Some("75")
            ),
            (
                ChangeKind::Changed,
                "Use our proxy",
                "settings[4].settingInstance",
                Some("On"),
                Some("On")
            ),
            (
                ChangeKind::Changed,
                "Proxy shared key",
                "settings[5].settingInstance",
                Some("secret (new value)"),
                Some("secret (new value)")
            ),
            (
                ChangeKind::Added,
                "Support mail address",
                "settings[12].settingInstance",
                None,
                Some("x")
            ),
            (
                ChangeKind::Removed,
                "Branding",
                "settings[12].settingInstance",
                Some("group"),
                None
            ),
        ]
    );
    let nested = &changes[1].children;
    assert_eq!(nested.len(), 1);
    assert_eq!(
        (
            nested[0].name.as_str(),
            nested[0].path.as_str(),
            nested[0].before.as_deref(),
            nested[0].after.as_deref()
        ),
        (
            "Proxy port",
            "settings[4].settingInstance.choiceSettingValue.children[1]",
            Some("8080"),
            Some("3128")
        )
    );
    // An option switched: its children go and come, inside the change.
    let mut off = before.clone();
    set(
        &mut off,
        "/settings/4/settingInstance/choiceSettingValue",
        json!({"value": format!("{X}enable_0"), "children": []}),
    );
    let changes = diff_settings(&before, &off, &d);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].before.as_deref(), changes[0].after.as_deref()),
        (Some("On"), Some("Off"))
    );
    let kinds: Vec<(ChangeKind, &str)> = changes[0]
        .children
        .iter()
        .map(|c| (c.kind, c.path.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                ChangeKind::Removed,
                "settings[4].settingInstance.choiceSettingValue.children[0]"
            ),
            (
                ChangeKind::Removed,
                "settings[4].settingInstance.choiceSettingValue.children[1]"
            ),
        ]
    );
    // An unknown definition is named by its id; a bare settings list diffs the same.
    let unknown = json!([{"settingInstance": choice("device_vendor_msft_unknown", "x_1")}]);
    let changes = diff_settings(&json!([]), &unknown, &d);
    assert_eq!(
        (
            changes[0].kind,
            changes[0].name.as_str(),
            changes[0].path.as_str()
        ),
        (
            ChangeKind::Added,
            "device_vendor_msft_unknown",
            "[0].settingInstance"
        )
    );
}

#[test]
fn search_ranks_and_filters() {
    let d = defs();
    let search = Search::new(&d);
    assert_eq!(search.len(), 25);
    let all = SearchFilter::default();
    // The display name starting with the text comes before a word of it, then text inside.
    // "Proxy …" display names and the name "ProxyOffReason" first, shorter ones first; then
    // "Use our proxy", where a later word starts with it.
    let hits = search.query("proxy", &all, 10);
    let want: Vec<String> = [
        "port",
        "server",
        "sharedkey",
        "configxml",
        "reason",
        "enable",
    ]
    .iter()
    .map(|s| format!("{X}{s}"))
    .collect();
    assert_eq!(hits[..6], want, "{hits:?}");
    assert_eq!(
        search.query("real", &all, 5),
        [format!("{D}allowrealtimemonitoring")]
    );
    // Keywords, ids and words in any order.
    assert_eq!(
        search.query("cpu", &all, 5),
        [format!("{D}avgcpuloadfactor")]
    );
    assert_eq!(
        search.query("defender scan", &all, 5)[0],
        format!("{D}allowrealtimemonitoring")
    );
    assert_eq!(
        search.query("allowcamera", &all, 5),
        ["com.apple.applicationaccess_allowcamera"]
    );
    assert!(search.query("no such thing", &all, 5).is_empty());
    // Filters: the policy's platform and technologies, a category.
    let mac = SearchFilter::for_policy(&PolicyContext::of(&data("policy-macos.json")));
    let mut hits = search.query("", &mac, 100);
    hits.sort();
    assert_eq!(
        hits,
        [
            "com.apple.applicationaccess_allowcamera",
            "com.apple.managedclient.preferences_enforcescreensaver"
        ]
    );
    let firewall = SearchFilter {
        category: Some("CAT-FIREWALL".into()),
        ..SearchFilter::default()
    };
    assert_eq!(search.query("", &firewall, 100).len(), 4);
    assert_eq!(search.query("rule", &firewall, 2).len(), 2);
}

/// 16,000 definitions, as many as the real catalog holds: the search finds the right ones.
#[test]
fn search_over_a_catalog_of_sixteen_thousand() {
    let mut list = Vec::new();
    for i in 0..16_000 {
        let platform = ["windows10", "macOS", "iOS", "linux"][i % 4];
        list.push(json!({
            "@odata.type": format!("{P}ChoiceSettingDefinition"),
            "id": format!("device_vendor_msft_policy_config_area{}_setting{i}", i % 97),
            "name": format!("Setting{i}"),
            "displayName": format!("Area {} setting number {i}", i % 97),
            "categoryId": format!("cat-{}", i % 50),
            "keywords": [format!("kw{}", i % 13)],
            "applicability": {"platform": platform, "technologies": "mdm"},
            "options": [{"itemId": format!("s{i}_0"), "displayName": "Off"}]
        }));
    }
    let mut d = Definitions::default();
    assert_eq!(d.add_graph_json(&json!({"value": list})).unwrap(), 16_000);
    let search = Search::new(&d);
    let filter = SearchFilter {
        platforms: vec!["windows10".into()],
        ..SearchFilter::default()
    };
    let hits = search.query("setting number 1236", &filter, 50);
    // 1236 itself before 12360… (longer names), then 11236, where "1236" is only inside a
    // word; all of them windows10 (i % 4 == 0).
    assert_eq!(
        hits,
        [
            "device_vendor_msft_policy_config_area72_setting1236",
            "device_vendor_msft_policy_config_area41_setting12360",
            "device_vendor_msft_policy_config_area45_setting12364",
            "device_vendor_msft_policy_config_area49_setting12368",
            "device_vendor_msft_policy_config_area81_setting11236",
        ]
    );
    // The display names starting "Area 96" first, then those holding both words.
    let hits = search.query("area 96", &SearchFilter::default(), 20_000);
    let n = (0..16_000).filter(|i| i % 97 == 96).count();
    assert!(hits[..n].iter().all(|h| h.contains("_area96_")));
    assert!(hits[n..]
        .iter()
        .all(|h| !h.contains("_area96_") && h.contains("96")));
    assert!(hits.len() > n);
    assert_eq!(
        search.query("kw3", &filter, 20_000).len(),
        (0..16_000).filter(|i| i % 13 == 3 && i % 4 == 0).count()
    );
}

/// Builds a choice nested `levels` deep: each option's child is the next level.
fn nested(levels: usize) -> Value {
    let mut inst = choice("device_vendor_msft_deep", "device_vendor_msft_deep_0");
    for _ in 0..levels {
        let mut parent = choice("device_vendor_msft_deep", "device_vendor_msft_deep_0");
        // Moved in, not through `json!`, which would serialise (and recurse into) a copy.
        parent["choiceSettingValue"]["children"] = Value::Array(vec![inst]);
        inst = parent;
    }
    inst
}

/// Runs `f` on a small stack: an unbounded recursion would overflow it.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn hostile_input_is_bounded() {
    let mut d = defs();
    d.add_graph_json(&json!({"@odata.type": format!("{P}ChoiceSettingDefinition"), "id": "device_vendor_msft_deep",
        "options": [{"itemId": "device_vendor_msft_deep_0", "dependedOnBy": [{"dependedOnBy": "device_vendor_msft_deep", "required": true}]}],
        "childIds": ["device_vendor_msft_deep"]})).unwrap();
    let d = Arc::new(d);
    // 3,000 levels: far past MAX_DEPTH, reported once and not walked.
    let mut setting = json!({"id": "0"});
    setting["settingInstance"] = nested(3000);
    let mut policy = json!({"settings": []});
    policy["settings"].as_array_mut().unwrap().push(setting);
    let policy = Arc::new(policy);
    let (dd, pp) = (d.clone(), policy.clone());
    let problems = on_small_stack(move || validate_policy(&pp, &dd, None));
    assert_eq!(
        problems.iter().filter(|p| p.code == Code::TooDeep).count(),
        1,
        "{problems:?}"
    );
    let deep = problems.iter().find(|p| p.code == Code::TooDeep).unwrap();
    assert_eq!(
        deep.path.as_str().matches("children[0]").count(),
        policy_core::settings::MAX_DEPTH + 1
    );
    let (dd, pp) = (d.clone(), policy.clone());
    let changes = on_small_stack(move || {
        diff_settings(&json!([]), &pp, &dd).len() + diff_settings(&pp, &pp, &dd).len()
    });
    assert_eq!(changes, 1);
    // A definition naming itself as a required child: the new instance stops nesting.
    let dd = d.clone();
    let inst =
        on_small_stack(move || new_instance(dd.get("device_vendor_msft_deep").unwrap(), &dd));
    assert!(
        inst.to_string()
            .matches("device_vendor_msft_deep_0")
            .count()
            <= policy_core::settings::MAX_DEPTH + 2
    );
    // Dropping a value this deep recurses in serde_json: done on a big stack.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || drop(policy))
        .unwrap()
        .join()
        .unwrap();

    // A huge collection: every item checked, problems capped with a summary.
    let d = defs();
    let mut p = windows();
    let many: Vec<Value> = (0..200_000).map(|_| json!({"value": ""})).collect();
    set(
        &mut p,
        "/settings/2/settingInstance/simpleSettingCollectionValue",
        Value::Array(many),
    );
    let problems = validate_policy(&p, &d, None);
    assert_eq!(problems.len(), policy_core::validate::MAX_PROBLEMS + 1);
    assert_eq!(problems[0].code, Code::TooManyItems);
    assert_eq!(problems.last().unwrap().code, Code::TooManyProblems);

    // A pattern that makes backtracking engines explode, against a long text: linear here.
    let mut defs = Definitions::default();
    defs.add_graph_json(&json!({"@odata.type": format!("{P}SimpleSettingDefinition"), "id": "x_evil",
        "valueDefinition": {"@odata.type": format!("{P}StringSettingValueDefinition"), "inputValidationSchema": "^(a+)+$", "maximumLength": 1_000_000}})).unwrap();
    let text = format!("{}!", "a".repeat(100_000));
    let p = json!({"settings": [{"settingInstance": simple("x_evil", "String", json!(text))}]});
    let problems = validate_policy(&p, &defs, None);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].code, Code::PatternMismatch);
    // A pattern too big to compile is a warning on the value, not a panic.
    let huge = format!(
        "^(?:{})$",
        (0..5000)
            .map(|i| format!("w{i}{{1,1000}}"))
            .collect::<Vec<_>>()
            .join("|")
    );
    let mut defs = Definitions::default();
    defs.add_graph_json(&json!({"@odata.type": format!("{P}SimpleSettingDefinition"), "id": "x_huge",
        "valueDefinition": {"@odata.type": format!("{P}StringSettingValueDefinition"), "inputValidationSchema": huge}})).unwrap();
    let p = json!({"settings": [{"settingInstance": simple("x_huge", "String", json!("w1"))}]});
    let problems = validate_policy(&p, &defs, None);
    assert_eq!(
        (problems.len(), problems[0].code, problems[0].severity),
        (1, Code::InvalidPattern, Severity::Warning)
    );
    // Wrong JSON kinds anywhere are problems, never panics.
    for junk in [
        json!(null),
        json!(1),
        json!("x"),
        json!([1, "a", null]),
        json!({"settings": 5}),
        json!({"settings": [1, {"settingInstance": []}]}),
    ] {
        let _ = validate_policy(&junk, &d, None);
        let _ = diff_settings(&junk, &windows(), &d);
    }
}

/// `dependentOn` between two top-level settings: the server applies only when the mode is
/// "Manual"; met by the mode set so, an error at the server's id otherwise (mode absent or
/// another option). A dependency on a setting the definitions do not know is not judged.
#[test]
fn a_top_level_setting_needs_the_setting_it_depends_on() {
    let mut d = Definitions::default();
    let added = d
        .add_graph_json(&json!({"value": [
            {"@odata.type": format!("{P}ChoiceSettingDefinition"), "id": "ourproxy_mode",
             "name": "mode", "displayName": "Proxy mode", "rootDefinitionId": "ourproxy_mode",
             "applicability": {"platform": "windows10", "technologies": "mdm"},
             "options": [{"itemId": "ourproxy_mode_0", "displayName": "Off"},
                         {"itemId": "ourproxy_mode_1", "displayName": "Manual"}]},
            {"@odata.type": format!("{P}SimpleSettingDefinition"), "id": "ourproxy_server",
             "name": "server", "displayName": "Proxy server", "rootDefinitionId": "ourproxy_server",
             "applicability": {"platform": "windows10", "technologies": "mdm"},
             "valueDefinition": {"@odata.type": format!("{P}StringSettingValueDefinition"), "maximumLength": 100},
             "dependentOn": [{"dependentOn": "ourproxy_mode_1", "parentSettingId": "ourproxy_mode"}]},
            {"@odata.type": format!("{P}SimpleSettingDefinition"), "id": "ourproxy_port",
             "name": "port", "rootDefinitionId": "ourproxy_port",
             "applicability": {"platform": "windows10", "technologies": "mdm"},
             "valueDefinition": {"@odata.type": format!("{P}IntegerSettingValueDefinition"), "minimumValue": 1, "maximumValue": 65535},
             "dependentOn": [{"dependentOn": "unknown_setting_1", "parentSettingId": "unknown_setting"}]}
        ]}))
        .unwrap();
    assert_eq!(added, 3);
    let policy = |mode: Option<&str>| {
        let mut settings = vec![
            json!({"settingInstance": simple("ourproxy_server", "String", json!("proxy.example:8080"))}),
            json!({"settingInstance": simple("ourproxy_port", "Integer", json!(8080))}),
        ];
        if let Some(m) = mode {
            settings.push(json!({"settingInstance": choice("ourproxy_mode", m)}));
        }
        json!({"platforms": "windows10", "technologies": "mdm", "settings": settings})
    };
    assert_eq!(found(&policy(Some("ourproxy_mode_1")), &d, None), vec![]);
    let unmet = vec![(
        "settings[0].settingInstance.settingDefinitionId".to_string(),
        Code::DependencyNotMet,
        Severity::Error,
    )];
    assert_eq!(found(&policy(None), &d, None), unmet);
    assert_eq!(found(&policy(Some("ourproxy_mode_0")), &d, None), unmet);
    let message = validate_policy(&policy(Some("ourproxy_mode_0")), &d, None)[0]
        .message
        .clone();
    assert!(message.contains("\"Manual\""), "{message}");
}
