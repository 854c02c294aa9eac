//! Arbitrary JSON and arbitrary bytes never panic the validator, the diff or the error reader.

use policy_core::embedded::schema;
use policy_core::graph_error::GraphError;
use policy_core::model::ApiVersion;
use policy_core::patch::diff;
use policy_core::{validate, Mode};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Property names worth hitting: real ones of the seed types, annotations and junk.
const KEYS: &[&str] = &[
    "@odata.type",
    "omaSettings",
    "value",
    "displayName",
    "omaUri",
    "passwordExpirationDays",
    "workProfilePasswordMinimumLength",
    "supportsScopeTags",
    "roleScopeTagIds",
    "id",
    "version",
    "deviceManagementApplicabilityRuleOsEdition",
    "osEditionTypes",
    "ruleType",
    "x@odata.type",
    "",
];
const TYPES: &[&str] = &[
    "#microsoft.graph.androidWorkProfileCustomConfiguration",
    "#microsoft.graph.omaSettingInteger",
    "microsoft.graph.omaSetting",
    "#microsoft.graph.androidForWorkGeneralDeviceConfiguration",
    "#microsoft.graph.deviceManagementApplicabilityRuleOsEdition",
    "#",
    "graph.x",
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        proptest::sample::select(TYPES).prop_map(|t| json!(t)),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((proptest::sample::select(KEYS), inner), 0..8).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

fn with_type(v: Value, t: &str) -> Value {
    match v {
        Value::Object(mut m) => {
            m.insert("@odata.type".into(), json!(t));
            Value::Object(m)
        }
        other => other,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn validation_never_panics(v in arb_json(), t in proptest::sample::select(TYPES)) {
        for api in ApiVersion::ALL {
            let s = schema(api);
            let _ = validate(s, &v, Mode::Object);
            let _ = validate(s, &with_type(v.clone(), t), Mode::Patch);
        }
    }

    #[test]
    fn diff_never_panics(a in arb_json(), b in arb_json(), t in proptest::sample::select(TYPES)) {
        let s = schema(ApiVersion::Beta);
        let _ = diff(s, &a, &b);
        if let Ok(p) = diff(s, &with_type(a, t), &with_type(b, t)) {
            let _ = p.body();
        }
    }

    #[test]
    fn error_reader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256), status in 100u16..600, ra in ".{0,40}") {
        let e = GraphError::parse(status, &bytes, Some(&ra), None);
        prop_assert!(!e.code.is_empty());
        let _ = e.support_text();
        let _ = e.field_messages();
    }

    #[test]
    fn error_reader_on_json(v in arb_json(), status in 400u16..600) {
        let body = json!({"error": v}).to_string();
        let _ = GraphError::parse(status, body.as_bytes(), None, None).support_text();
    }
}
