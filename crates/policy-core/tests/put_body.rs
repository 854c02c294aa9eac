//! The PUT of a settings catalog policy: the whole policy as Graph's update expects it, and the
//! checks Send makes with it (what changed, whether a lost PUT went through).

use policy_core::embedded::schema;
use policy_core::model::ApiVersion;
use policy_core::patch::{diff, put_applied_in, put_body, settings_changed};
use serde_json::{json, Value};

fn policy() -> Value {
    json!({
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        "id": "5d3a4ad6-0000-4000-8000-000000000001",
        "name": "Edge basics",
        "description": "",
        "platforms": "windows10",
        "technologies": "mdm",
        "roleScopeTagIds": ["0"],
        "createdDateTime": "2025-01-01T00:00:00Z",
        "lastModifiedDateTime": "2025-01-02T00:00:00Z",
        "settingCount": 1,
        "isAssigned": false,
        "templateReference": {
            "templateId": "",
            "templateFamily": "none",
            "templateDisplayName": null,
            "templateDisplayVersion": null
        },
        "settings@odata.context": "x",
        "settings": [{
            "id": "0",
            "settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                "settingDefinitionId": "device_vendor_msft_policy_config_a",
                "choiceSettingValue": {"value": "device_vendor_msft_policy_config_a_1", "children": []}
            },
            "settingDefinitions": [{"id": "device_vendor_msft_policy_config_a"}]
        }]
    })
}

#[test]
fn the_put_carries_the_writable_policy_and_each_setting_instance_only() {
    let beta = schema(ApiVersion::Beta);
    let t = beta
        .find("microsoft.graph.deviceManagementConfigurationPolicy")
        .unwrap();
    let body = put_body(beta, t, &policy()).unwrap();
    assert_eq!(
        body,
        json!({
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
            "description": "",
            "name": "Edge basics",
            "platforms": "windows10",
            "roleScopeTagIds": ["0"],
            "technologies": "mdm",
            "templateReference": {"templateId": ""},
            "settings": [{
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationSetting",
                "settingInstance": policy()["settings"][0]["settingInstance"]
            }]
        })
    );
    // The minimal PATCH never carries settings: they are a relationship there.
    let mut edited = policy();
    edited["settings"][0]["settingInstance"]["choiceSettingValue"]["value"] = json!("x_0");
    let patch = diff(beta, &policy(), &edited).unwrap();
    assert!(patch.is_empty());
    assert!(settings_changed(&policy(), &edited));
}

#[test]
fn only_a_change_of_a_setting_instance_is_a_change_of_settings() {
    let loaded = policy();
    let mut renumbered = policy();
    renumbered["settings"][0]["id"] = json!("7");
    renumbered["settings"][0]
        .as_object_mut()
        .unwrap()
        .remove("settingDefinitions");
    assert!(!settings_changed(&loaded, &renumbered));
    let mut removed = policy();
    removed["settings"] = json!([]);
    assert!(settings_changed(&loaded, &removed));
    // A policy read without its settings says nothing about them.
    let mut bare = policy();
    bare.as_object_mut().unwrap().remove("settings");
    assert!(!settings_changed(&loaded, &bare));
}

#[test]
fn a_put_whose_answer_was_lost_is_seen_in_the_policy_graph_holds() {
    let beta = schema(ApiVersion::Beta);
    let t = beta
        .find("microsoft.graph.deviceManagementConfigurationPolicy")
        .unwrap();
    let mut edited = policy();
    edited["name"] = json!("Edge, stricter");
    edited["settings"][0]["settingInstance"]["choiceSettingValue"]["value"] = json!("x_0");
    let sent = put_body(beta, t, &edited).unwrap();
    assert!(!put_applied_in(&sent, &policy()));
    let mut current = edited.clone();
    current["lastModifiedDateTime"] = json!("2025-02-01T00:00:00Z");
    current["settings"][0]["id"] = json!("0");
    assert!(put_applied_in(&sent, &current));
    let mut half = current.clone();
    half["name"] = json!("Edge basics");
    assert!(!put_applied_in(&sent, &half));
}
