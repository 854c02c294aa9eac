//! The state a fresh sandbox starts from: the five seed examples (as copied, with three fixes, into
//! `seed/`), large sample objects for the heavier editor screens, a custom profile with an
//! encrypted OMA setting, app protection and app configuration policies ([`app_policies`]), the
//! settings catalog policies and endpoint security intents of the fixtures, and objects from
//! `--seed` files.

use std::path::Path;

use policy_core::embedded::schema;
use policy_core::model::ApiVersion;
use policy_core::sample::sample_object;
use serde_json::{json, Map, Value};

use crate::store::Stores;
use crate::Error;

pub mod app_policies;

/// The seed examples: file name, its JSON, and the API its example was written for.
const EXAMPLES: &[(&str, &str, ApiVersion)] = &[
    (
        "androidWorkProfileCustomConfiguration.v1.0.json",
        include_str!("../seed/androidWorkProfileCustomConfiguration.v1.0.json"),
        ApiVersion::V1,
    ),
    (
        "androidForWorkGeneralDeviceConfiguration.beta.json",
        include_str!("../seed/androidForWorkGeneralDeviceConfiguration.beta.json"),
        ApiVersion::Beta,
    ),
    (
        "androidDeviceOwnerDerivedCredentialAuthenticationConfiguration.beta.json",
        include_str!(
            "../seed/androidDeviceOwnerDerivedCredentialAuthenticationConfiguration.beta.json"
        ),
        ApiVersion::Beta,
    ),
    (
        "androidForWorkEnrollmentProfile.beta.json",
        include_str!("../seed/androidForWorkEnrollmentProfile.beta.json"),
        ApiVersion::Beta,
    ),
    (
        "officeConfiguration.beta.json",
        include_str!("../seed/officeConfiguration.beta.json"),
        ApiVersion::Beta,
    ),
];

/// A large object built from the schema: API, type, fixed id, display name.
const SAMPLES: &[(ApiVersion, &str, &str, &str)] = &[
    (
        ApiVersion::Beta,
        "windows10GeneralConfiguration",
        "5a4dbe7a-0000-4000-8000-000000000001",
        "Windows 10 general (sandbox sample)",
    ),
    (
        ApiVersion::Beta,
        "iosGeneralDeviceConfiguration",
        "5a4dbe7a-0000-4000-8000-000000000002",
        "iOS general (sandbox sample)",
    ),
    (
        ApiVersion::Beta,
        "windows10EndpointProtectionConfiguration",
        "5a4dbe7a-0000-4000-8000-000000000003",
        "Windows 10 endpoint protection (sandbox sample)",
    ),
    (
        ApiVersion::V1,
        "windows10GeneralConfiguration",
        "5a4d0100-0000-4000-8000-000000000001",
        "Windows 10 general (sandbox sample)",
    ),
    (
        ApiVersion::V1,
        "iosGeneralDeviceConfiguration",
        "5a4d0100-0000-4000-8000-000000000002",
        "iOS general (sandbox sample)",
    ),
];

/// The id of the beta custom profile with many OMA settings.
pub const MANY_OMA_SETTINGS_ID: &str = "5a4dbe7a-0000-4000-8000-000000000004";
/// How many OMA settings it has.
pub const MANY_OMA_SETTINGS_COUNT: usize = 50;

/// The id of the beta Windows 10 custom profile with an encrypted OMA setting.
pub const ENCRYPTED_OMA_ID: &str = "5a4dbe7a-0000-4000-8000-000000000005";
/// The plain value of its encrypted setting, `omaSettings[2]`.
pub const ENCRYPTED_OMA_SECRET: &str = "s3cret-value";
/// The `secretReferenceValueId` of that secret in a fresh sandbox.
pub const ENCRYPTED_OMA_REFERENCE: &str = "5a4dbe7a-0000-4000-8000-000000000005_2_5eed0a5ec2e7";

/// The objects every fresh sandbox holds.
pub fn builtin() -> Stores {
    let mut stores = Stores::default();
    for (file, text, api) in EXAMPLES {
        // These files ship inside the binary and a test loads every one, so a failure here is a
        // build defect, not bad input.
        let value: Value = serde_json::from_str(text).expect("seed example is JSON");
        if *api == ApiVersion::V1 {
            // The editor shows the same object in both APIs, so the beta store gets a copy.
            insert_builtin(&mut stores, ApiVersion::Beta, value.clone(), file);
        }
        insert_builtin(&mut stores, *api, value, file);
    }
    for (api, type_name, id, name) in SAMPLES {
        if let Some(object) = sample(*api, type_name, id, name) {
            insert_builtin(&mut stores, *api, object, type_name);
        }
    }
    insert_builtin(
        &mut stores,
        ApiVersion::Beta,
        many_oma_settings(),
        "androidWorkProfileCustomConfiguration",
    );
    insert_builtin(
        &mut stores,
        ApiVersion::Beta,
        encrypted_oma_settings(),
        "windows10CustomConfiguration",
    );
    for policy in crate::settings::seeded_policies() {
        insert_builtin(&mut stores, ApiVersion::Beta, policy, "settings fixture");
    }
    for intent in crate::intents::seeded_intents() {
        insert_builtin(&mut stores, ApiVersion::Beta, intent, "intents fixture");
    }
    for api in ApiVersion::ALL {
        for policy in app_policies::objects(api) {
            insert_builtin(&mut stores, api, policy, "app policy");
        }
    }
    stores
}

fn insert_builtin(stores: &mut Stores, api: ApiVersion, value: Value, origin: &str) {
    stores
        .get_mut(api)
        .insert(value, origin)
        .expect("built-in seed objects are storable");
}

/// A schema sample with read-only properties filled, a fixed id and a readable name.
fn sample(api: ApiVersion, type_name: &str, id: &str, display_name: &str) -> Option<Value> {
    let schema = schema(api);
    let type_id = schema.find(type_name)?;
    let mut object = sample_object(schema, type_id, true);
    let map = object.as_object_mut()?;
    map.insert("id".into(), json!(id));
    map.insert("displayName".into(), json!(display_name));
    map.insert(
        "description".into(),
        json!(format!("Built by the sandbox from the {api} schema.")),
    );
    if map.contains_key("version") {
        map.insert("version".into(), json!(1));
    }
    Some(object)
}

/// An Android work profile custom profile with 50 OMA settings, cycling through the seven kinds.
fn many_oma_settings() -> Value {
    let schema = schema(ApiVersion::Beta);
    let mut object = sample(
        ApiVersion::Beta,
        "androidWorkProfileCustomConfiguration",
        MANY_OMA_SETTINGS_ID,
        "Android work profile custom, 50 OMA settings (sandbox sample)",
    )
    .unwrap_or_else(|| json!({}));
    let kinds: Vec<_> = schema
        .find("omaSetting")
        .map(|base| schema.concrete_types(base))
        .unwrap_or_default();
    let settings: Vec<Value> = (0..MANY_OMA_SETTINGS_COUNT)
        .filter_map(|i| {
            let kind = *kinds.get(i % kinds.len().max(1))?;
            let mut setting = sample_object(schema, kind, false);
            let map = setting.as_object_mut()?;
            let short = schema
                .get(kind)
                .short_name()
                .trim_start_matches("omaSetting");
            map.insert(
                "displayName".into(),
                json!(format!("Setting {} ({short})", i + 1)),
            );
            map.insert(
                "description".into(),
                json!(format!("OMA setting number {} of the sample", i + 1)),
            );
            map.insert(
                "omaUri".into(),
                json!(format!("./Vendor/MSFT/Sandbox/Setting{}", i + 1)),
            );
            Some(setting)
        })
        .collect();
    if let Some(map) = object.as_object_mut() {
        map.insert("omaSettings".into(), Value::Array(settings));
    }
    object
}

/// A Windows 10 custom profile with three OMA settings as Graph stores them: a plain string,
/// a plain integer and an encrypted string (see [`crate::oma`]).
fn encrypted_oma_settings() -> Value {
    let mut object = sample(
        ApiVersion::Beta,
        "windows10CustomConfiguration",
        ENCRYPTED_OMA_ID,
        "Windows 10 custom, encrypted OMA setting (sandbox sample)",
    )
    .unwrap_or_else(|| json!({}));
    let settings = json!([
        {
            "@odata.type": "#microsoft.graph.omaSettingString",
            "displayName": "Proxy server",
            "description": "A plain string setting",
            "omaUri": "./Vendor/MSFT/Policy/Config/Connectivity/ProxyServer",
            "value": "proxy.example.com:8080",
            "isEncrypted": false,
            "secretReferenceValueId": null
        },
        {
            "@odata.type": "#microsoft.graph.omaSettingInteger",
            "displayName": "Screen timeout",
            "description": "A plain integer setting",
            "omaUri": "./Vendor/MSFT/Policy/Config/DeviceLock/MaxInactivityTimeDeviceLock",
            "value": 15,
            "isReadOnly": false,
            "isEncrypted": false,
            "secretReferenceValueId": null
        },
        {
            "@odata.type": "#microsoft.graph.omaSettingString",
            "displayName": "Wi-Fi pre-shared key",
            "description": "An encrypted string setting: Graph shows its value as ****",
            "omaUri": "./Vendor/MSFT/WiFi/Profile/SandboxWiFi/WlanXml",
            "value": ENCRYPTED_OMA_SECRET,
            "isEncrypted": true,
            "secretReferenceValueId": ENCRYPTED_OMA_REFERENCE
        }
    ]);
    if let Some(map) = object.as_object_mut() {
        map.insert("omaSettings".into(), settings);
    }
    object
}

/// Reads a JSON file, with the path in either error.
pub fn read_json(path: &Path) -> Result<Value, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| Error::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads a `--seed` file: one object, or `{"value": [objects]}` as a Graph list returns them.
pub fn read_seed_file(path: &Path) -> Result<Vec<Value>, Error> {
    match read_json(path)? {
        Value::Object(mut map) if !map.contains_key("@odata.type") => match map.remove("value") {
            Some(Value::Array(items)) => Ok(items),
            _ => Err(Error::BadObject {
                origin: path.display().to_string(),
                reason: "expected one object with \"@odata.type\", or {\"value\": [objects]}"
                    .into(),
            }),
        },
        Value::Object(map) => Ok(vec![Value::Object(map)]),
        _ => Err(Error::BadObject {
            origin: path.display().to_string(),
            reason: "expected a JSON object".into(),
        }),
    }
}

/// Removes response-only annotations (`@odata.context`) a saved Graph answer may carry.
pub fn strip_context(map: &mut Map<String, Value>) {
    map.retain(|k, _| k == "@odata.type" || !k.starts_with('@'));
}
