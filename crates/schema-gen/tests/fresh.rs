//! The committed schema files are what the generator makes from `../shared/graph-metadata`, and
//! they hold facts only: no sentence of Microsoft's descriptions.

use policy_core::model::ApiVersion;
use serde_json::Value;

#[test]
fn committed_schemas_are_current() {
    if !schema_gen::metadata_dir().exists() {
        eprintln!(
            "skipped: {} is not present",
            schema_gen::metadata_dir().display()
        );
        return;
    }
    for api in ApiVersion::ALL {
        let (json, conflicts) = schema_gen::generate(api).unwrap();
        assert!(
            conflicts.is_empty(),
            "{api}: unsettled constraint conflicts: {conflicts:?}"
        );
        let committed = std::fs::read_to_string(schema_gen::schema_file(api)).unwrap();
        assert!(
            committed == json,
            "schema/{api}.json is stale: run `cargo run -p schema-gen`"
        );
    }
}

/// Every string in the data is a name: no spaces, so no prose.
fn strings_are_names(v: &Value, at: &str) {
    match v {
        Value::String(s) => assert!(!s.contains(' ') && s.len() < 200, "{at}: {s:?}"),
        Value::Array(a) => a.iter().for_each(|x| strings_are_names(x, at)),
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| strings_are_names(x, &format!("{at}.{k}"))),
        _ => {}
    }
}

#[test]
fn schemas_hold_no_description_text() {
    for api in ApiVersion::ALL {
        let text = std::fs::read_to_string(schema_gen::schema_file(api)).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        strings_are_names(&v, api.as_str());
    }
}

/// The app policy and app configuration collections of `deviceAppManagement` are in both
/// versions where the metadata declares them, each opening a concrete type.
#[test]
fn app_policy_collections_in_both_versions() {
    let common = [
        "managedAppPolicies",
        "iosManagedAppProtections",
        "androidManagedAppProtections",
        "defaultManagedAppProtections",
        "mdmWindowsInformationProtectionPolicies",
        "windowsInformationProtectionPolicies",
        "targetedManagedAppConfigurations",
        "mobileAppConfigurations",
    ];
    for api in ApiVersion::ALL {
        let text = std::fs::read_to_string(schema_gen::schema_file(api)).unwrap();
        let data: policy_core::model::SchemaData = serde_json::from_str(&text).unwrap();
        let schema = policy_core::Schema::from_data(data).unwrap();
        let collections = schema.catalog().collections;
        let mut expected: Vec<String> = common
            .iter()
            .map(|c| format!("deviceAppManagement/{c}"))
            .collect();
        if api == ApiVersion::Beta {
            expected.push("deviceAppManagement/windowsManagedAppProtections".into());
        }
        expected.sort();
        let found: Vec<String> = collections
            .into_iter()
            .filter(|c| c.starts_with("deviceAppManagement/"))
            .collect();
        assert_eq!(found, expected, "{api}");
        let ios = schema.find("iosManagedAppProtection").unwrap();
        assert_eq!(
            schema.entry_set_for(ios).unwrap().path,
            "deviceAppManagement/iosManagedAppProtections",
            "{api}"
        );
    }
}
