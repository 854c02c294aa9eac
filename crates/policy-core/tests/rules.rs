//! One mutation per validation rule: a valid object, one change, and the exact path and code.

use policy_core::embedded::schema;
use policy_core::model::ApiVersion;
use policy_core::{validate, Code, Mode, Schema, Severity};
use serde_json::{json, Value};

/// A small schema with every Edm type and every kind of constraint, so that each rule is tested
/// against a known declaration.
fn test_schema() -> Schema {
    Schema::from_json(
        &json!({
            "api": "beta",
            "entrySets": [{"path": "deviceManagement/things", "type": "microsoft.graph.thing", "collection": true}],
            "types": [
                {"name": "microsoft.graph.entity", "kind": "entity", "key": ["id"], "properties": [
                    {"name": "id", "type": "Edm.String", "nullable": false, "readOnly": true}]},
                {"name": "microsoft.graph.thing", "kind": "entity", "base": "microsoft.graph.entity",
                 "navigation": ["assignments"], "properties": [
                    {"name": "flag", "type": "Edm.Boolean", "nullable": false},
                    {"name": "b", "type": "Edm.Byte"},
                    {"name": "i32", "type": "Edm.Int32", "constraints": {"min": 1.0, "max": 365.0}},
                    {"name": "i64", "type": "Edm.Int64"},
                    {"name": "single", "type": "Edm.Single"},
                    {"name": "double", "type": "Edm.Double"},
                    {"name": "text", "type": "Edm.String", "constraints": {"maxLength": 5}},
                    {"name": "guid", "type": "Edm.Guid"},
                    {"name": "when", "type": "Edm.DateTimeOffset"},
                    {"name": "day", "type": "Edm.Date"},
                    {"name": "time", "type": "Edm.TimeOfDay"},
                    {"name": "span", "type": "Edm.Duration"},
                    {"name": "blob", "type": "Edm.Binary"},
                    {"name": "color", "type": "microsoft.graph.color"},
                    {"name": "days", "type": "microsoft.graph.weekDays"},
                    {"name": "tags", "type": "Edm.String", "collection": true, "constraints": {"maxItems": 2}},
                    {"name": "settings", "type": "microsoft.graph.setting", "collection": true},
                    {"name": "stamp", "type": "Edm.String", "readOnly": true}]},
                {"name": "microsoft.graph.setting", "kind": "complex", "abstract": true, "properties": [
                    {"name": "uri", "type": "Edm.String", "nullable": false}]},
                {"name": "microsoft.graph.settingInteger", "kind": "complex", "base": "microsoft.graph.setting", "properties": [
                    {"name": "value", "type": "Edm.Int32", "nullable": false}]},
                {"name": "microsoft.graph.other", "kind": "complex", "properties": []}
            ],
            "enums": [
                {"name": "microsoft.graph.color", "members": [["red", 0], ["green", 1]]},
                {"name": "microsoft.graph.weekDays", "flags": true, "members": [["monday", 1], ["tuesday", 2]]}
            ]
        })
        .to_string(),
    )
    .unwrap()
}

fn valid() -> Value {
    json!({
        "@odata.type": "#microsoft.graph.thing",
        "id": "t1",
        "flag": true,
        "b": 255,
        "i32": 365,
        "i64": 9007199254740993i64,
        "single": 1.5,
        "double": -2.5e10,
        "text": "héllo",
        "guid": "4b5f7085-7085-4b5f-8570-5f4b85705f4b",
        "when": "2016-12-31T23:56:33.9571764-08:00",
        "day": "2024-02-29",
        "time": "08:30:00",
        "span": "P1DT2H",
        "blob": "SGVsbG8=",
        "color": "green",
        "days": "monday,tuesday",
        "tags": ["a", "b"],
        "settings": [{"@odata.type": "#microsoft.graph.settingInteger", "uri": "./x", "value": 3},
                     {"@odata.type": "microsoft.graph.settingInteger", "uri": "./y", "value": 4}],
        "stamp": "s"
    })
}

/// The one assertion every case goes through: the problems of `mode`, as (path, code, severity).
fn check(value: &Value, mode: Mode, want: &[(&str, Code, Severity)]) {
    let got: Vec<(String, Code, Severity)> = validate(&test_schema(), value, mode)
        .into_iter()
        .map(|p| (p.path.to_string(), p.code, p.severity))
        .collect();
    let want: Vec<(String, Code, Severity)> = want
        .iter()
        .map(|(p, c, s)| (p.to_string(), *c, *s))
        .collect();
    assert_eq!(got, want, "for {value}");
}

fn with(key: &str, v: Value) -> Value {
    let mut o = valid();
    o[key] = v;
    o
}

use Severity::{Error as E, Warning as W};

#[test]
fn the_valid_object_is_valid() {
    check(&valid(), Mode::Object, &[]);
}

#[test]
fn primitives() {
    let cases: Vec<(&str, Value, Code)> = vec![
        ("flag", json!("true"), Code::WrongType),
        ("b", json!(256), Code::OutOfRange),
        ("b", json!(-1), Code::OutOfRange),
        ("i32", json!(1.5), Code::NotInteger),
        ("i32", json!(2147483648i64), Code::OutOfRange),
        ("i32", json!("5"), Code::WrongType),
        ("i64", json!(18446744073709551615u64), Code::OutOfRange),
        ("single", json!(1e39), Code::OutOfRange),
        ("double", json!("NaN"), Code::WrongType),
        ("text", json!(5), Code::WrongType),
        (
            "guid",
            json!("4b5f7085-7085-4b5f-8570-5f4b85705f4"),
            Code::InvalidGuid,
        ),
        ("when", json!("2016-12-31T23:56:33"), Code::InvalidDateTime),
        ("when", json!("2023-02-29T00:00:00Z"), Code::InvalidDateTime),
        ("day", json!("2024-02-30"), Code::InvalidDate),
        ("time", json!("25:00"), Code::InvalidTime),
        ("span", json!("1 hour"), Code::InvalidDuration),
        ("blob", json!("not base64!"), Code::InvalidBase64),
    ];
    for (key, v, code) in cases {
        check(&with(key, v), Mode::Object, &[(key, code, E)]);
    }
}

#[test]
fn ranges_and_lengths() {
    check(
        &with("i32", json!(0)),
        Mode::Object,
        &[("i32", Code::OutOfRange, E)],
    );
    check(
        &with("i32", json!(366)),
        Mode::Object,
        &[("i32", Code::OutOfRange, E)],
    );
    check(&with("i32", json!(1)), Mode::Object, &[]);
    check(
        &with("text", json!("héllo!")),
        Mode::Object,
        &[("text", Code::TooLong, E)],
    );
}

#[test]
fn enums_and_flags() {
    check(
        &with("color", json!("blue")),
        Mode::Object,
        &[("color", Code::InvalidEnum, E)],
    );
    check(
        &with("color", json!(1)),
        Mode::Object,
        &[("color", Code::WrongType, E)],
    );
    check(
        &with("days", json!("monday, sunday")),
        Mode::Object,
        &[("days", Code::InvalidEnum, E)],
    );
    check(&with("days", json!("tuesday")), Mode::Object, &[]);
    check(
        &with("color", json!("monday,green")),
        Mode::Object,
        &[("color", Code::InvalidEnum, E)],
    );
}

#[test]
fn collections() {
    check(
        &with("tags", json!(["a", "b", "c"])),
        Mode::Object,
        &[("tags", Code::TooManyItems, E)],
    );
    check(
        &with("tags", json!("a")),
        Mode::Object,
        &[("tags", Code::WrongType, E)],
    );
    check(
        &with("tags", json!(["a", 7])),
        Mode::Object,
        &[("tags[1]", Code::WrongType, E)],
    );
}

#[test]
fn derived_and_abstract_complex_values() {
    let mut o = valid();
    o["settings"][1] = json!({"@odata.type": "#microsoft.graph.setting", "uri": "./y"});
    check(&o, Mode::Object, &[("settings[1]", Code::AbstractType, E)]);
    o["settings"][1] = json!({"uri": "./y"});
    check(&o, Mode::Object, &[("settings[1]", Code::AbstractType, E)]);
    o["settings"][1] = json!({"@odata.type": "#microsoft.graph.other"});
    check(
        &o,
        Mode::Object,
        &[("settings[1].@odata.type", Code::IncompatibleType, E)],
    );
    o["settings"][1] = json!({"@odata.type": "microsoft.graph.nope"});
    check(
        &o,
        Mode::Object,
        &[("settings[1].@odata.type", Code::UnknownType, E)],
    );
    o["settings"][1] =
        json!({"@odata.type": "#microsoft.graph.settingInteger", "uri": "./y", "value": "x"});
    check(
        &o,
        Mode::Object,
        &[("settings[1].value", Code::WrongType, E)],
    );
    o["settings"][1] = json!({"@odata.type": "#microsoft.graph.settingInteger", "uri": "./y"});
    check(
        &o,
        Mode::Object,
        &[("settings[1].value", Code::MissingRequired, W)],
    );
    o["settings"][1] = json!([]);
    check(&o, Mode::Object, &[("settings[1]", Code::WrongType, E)]);
}

#[test]
fn nullability() {
    check(
        &with("flag", Value::Null),
        Mode::Object,
        &[("flag", Code::NotNullable, E)],
    );
    check(&with("i32", Value::Null), Mode::Object, &[]);
    let mut o = valid();
    o["settings"][0]["uri"] = Value::Null;
    check(
        &o,
        Mode::Object,
        &[("settings[0].uri", Code::NotNullable, E)],
    );
}

#[test]
fn unknown_navigation_and_annotations() {
    check(
        &with("bogus", json!(1)),
        Mode::Object,
        &[("bogus", Code::UnknownProperty, W)],
    );
    check(
        &with("assignments", json!([])),
        Mode::Object,
        &[("assignments", Code::NavigationProperty, W)],
    );
    check(&with("@odata.etag", json!("W/1")), Mode::Object, &[]);
    check(&with("i32@odata.type", json!("#Int32")), Mode::Object, &[]);
}

#[test]
fn top_level_type() {
    let mut o = valid();
    o.as_object_mut().unwrap().remove("@odata.type");
    check(&o, Mode::Object, &[("", Code::MissingOdataType, E)]);
    check(
        &with("@odata.type", json!("#microsoft.graph.unknownThing")),
        Mode::Object,
        &[("@odata.type", Code::UnknownType, E)],
    );
    check(
        &with("@odata.type", json!(3)),
        Mode::Object,
        &[("@odata.type", Code::WrongType, E)],
    );
    check(
        &with("@odata.type", json!("microsoft.graph.thing")),
        Mode::Object,
        &[],
    );
    check(&json!([1]), Mode::Object, &[("", Code::NotObject, E)]);
    let s = schema(ApiVersion::Beta);
    let problems = validate(
        s,
        &json!({"@odata.type": "#microsoft.graph.deviceConfiguration"}),
        Mode::Patch,
    );
    assert_eq!(problems[0].code, Code::AbstractType);
    assert_eq!(problems[0].path.as_str(), "");
}

#[test]
fn patch_bodies() {
    // Read-only properties warn, and their values are still checked for their type (a
    // number where the key's text belongs is an error); required ones may be left out.
    check(
        &json!({"@odata.type": "#microsoft.graph.thing", "id": 5, "stamp": "x", "i32": 2}),
        Mode::Patch,
        &[
            ("id", Code::ReadOnly, W),
            ("id", Code::WrongType, E),
            ("stamp", Code::ReadOnly, W),
        ],
    );
    check(
        &json!({"@odata.type": "#microsoft.graph.thing"}),
        Mode::Object,
        &[("flag", Code::MissingRequired, W)],
    );
}

#[test]
fn real_metadata_spellings() {
    let s = schema(ApiVersion::V1);
    for t in [
        "#microsoft.graph.omaSettingInteger",
        "microsoft.graph.omaSettingInteger",
    ] {
        let v = json!({"@odata.type": "#microsoft.graph.androidWorkProfileCustomConfiguration", "displayName": "x",
            "omaSettings": [{"@odata.type": t, "displayName": "d", "omaUri": "./u", "value": 2147483648i64}]});
        let p = validate(s, &v, Mode::Patch);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            (p[0].path.as_str(), p[0].code),
            ("omaSettings[0].value", Code::OutOfRange)
        );
    }
    let beta = schema(ApiVersion::Beta);
    let shared = json!({"@odata.type": "#microsoft.graph.sharedPCConfiguration", "allowedAccounts": "guest,domain"});
    assert!(validate(beta, &shared, Mode::Patch).is_empty());
    let shared = json!({"@odata.type": "#microsoft.graph.sharedPCConfiguration", "allowedAccounts": "guest,everyone"});
    assert_eq!(
        validate(beta, &shared, Mode::Patch)[0].code,
        Code::InvalidEnum
    );
}

#[test]
fn hostile_sizes_are_bounded() {
    let many: Vec<Value> = (0..5000).map(|_| json!(1)).collect();
    let problems = validate(
        &test_schema(),
        &with("tags", Value::Array(many)),
        Mode::Object,
    );
    assert_eq!(problems.len(), policy_core::validate::MAX_PROBLEMS + 1);
    assert_eq!(problems.last().unwrap().code, Code::TooManyProblems);
}
