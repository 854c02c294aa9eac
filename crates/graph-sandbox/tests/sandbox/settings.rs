//! The settings catalog: definitions, categories and templates served and paged as Graph beta
//! does, policies with their settings read, created, replaced (PUT, with the service's own
//! checks answering 400 at the setting's path), renamed (PATCH, never settings) and deleted,
//! secrets kept as tokens; and the fixtures themselves checked for consistency.

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use graph_sandbox::settings::catalog::{catalog, child_ids, fixture_policies, Kind};
use graph_sandbox::settings::checks::check_settings;
use graph_sandbox::settings::secrets::{plain_for_token, PLAIN_KEY};
use graph_sandbox::settings::{
    ANTIVIRUS_POLICY_ID, DEFINITIONS_PAGE, FIREWALL_POLICY_ID, LINUX_POLICY_ID, MACOS_POLICY_ID,
    WINDOWS_POLICY_ID, WINDOWS_POLICY_SECRET,
};
use serde_json::{json, Value};

use crate::common::{local, Harness};

const BETA: &str = "/beta/deviceManagement";
const DL: &str = "device_vendor_msft_policy_config_devicelock_";

fn policy_uri(id: &str) -> String {
    format!("{BETA}/configurationPolicies/{id}")
}

/// Every item of a list, following `@odata.nextLink`; also how many pages it took.
async fn walk(h: &Harness, first: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut next) = (Vec::new(), 0, Some(first.to_string()));
    while let Some(uri) = next {
        let r = h.get(&uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
        items.extend(r.json["value"].as_array().unwrap().iter().cloned());
        pages += 1;
        next = r.json["@odata.nextLink"].as_str().map(local);
        assert!(pages < 100, "paging does not end");
    }
    (items, pages)
}

/// A policy as a client would PUT it back: read with its settings, context dropped.
async fn as_read(h: &Harness, id: &str) -> Value {
    let r = h.get(&format!("{}?$expand=settings", policy_uri(id))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let mut policy = r.json;
    policy.as_object_mut().unwrap().remove("@odata.context");
    policy
}

#[tokio::test]
async fn paging_walks_every_definition() {
    let h = Harness::new();
    let total = catalog().definitions().len();
    let first = h.get(&format!("{BETA}/configurationSettings")).await;
    assert_eq!(
        first.json["value"].as_array().unwrap().len(),
        DEFINITIONS_PAGE
    );
    assert!(first.json["@odata.nextLink"]
        .as_str()
        .unwrap()
        .contains("$skiptoken="));
    for top in [None, Some(40), Some(1000)] {
        let uri = match top {
            Some(n) => format!("{BETA}/configurationSettings?$top={n}"),
            None => format!("{BETA}/configurationSettings"),
        };
        let (items, pages) = walk(&h, &uri).await;
        let ids: HashSet<&str> = items.iter().map(|d| d["id"].as_str().unwrap()).collect();
        assert_eq!((items.len(), ids.len()), (total, total), "{uri}");
        assert_eq!(
            pages,
            total.div_ceil(top.unwrap_or(DEFINITIONS_PAGE)),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn definitions_filter_and_open_by_id() {
    let h = Harness::new();
    let (mac, _) = walk(
        &h,
        &format!("{BETA}/configurationSettings?$filter=applicability/platform%20has%20'macOS'"),
    )
    .await;
    assert!(mac.len() >= 20);
    assert!(mac.iter().all(|d| d["applicability"]["platform"]
        .as_str()
        .unwrap()
        .contains("macOS")));
    let id = format!("{DL}devicepasswordenabled");
    let one = h
        .get(&format!(
            "{BETA}/configurationSettings?$filter=id%20eq%20'{id}'"
        ))
        .await;
    assert_eq!(one.json["value"].as_array().unwrap().len(), 1);
    let category = one.json["value"][0]["categoryId"]
        .as_str()
        .unwrap()
        .to_string();
    let (same, _) = walk(
        &h,
        &format!("{BETA}/configurationSettings?$filter=categoryId%20eq%20'{category}'"),
    )
    .await;
    assert!(same.len() > 1 && same.iter().all(|d| d["categoryId"] == category.as_str()));
    let (found, _) = walk(
        &h,
        &format!("{BETA}/configurationSettings?$search=%22password%22"),
    )
    .await;
    assert!(found.iter().any(|d| d["id"] == id.as_str()));

    let def = h.get(&format!("{BETA}/configurationSettings/{id}")).await;
    assert_eq!(def.status, StatusCode::OK);
    assert_eq!(
        def.json["options"][0]["dependedOnBy"][0]["dependedOnBy"],
        format!("{DL}mindevicepasswordlength")
    );
    let keyed = h
        .get(&format!("{BETA}/configurationSettings('{id}')"))
        .await;
    assert_eq!(keyed.json["id"], id.as_str());
    h.get(&format!("{BETA}/configurationSettings/nothing_here"))
        .await
        .graph_error(404, "ResourceNotFound");
    h.get(&format!("{BETA}/configurationSettings?$filter=id%20gt%201"))
        .await
        .graph_error(400, "BadRequest");

    let cat = h
        .get(&format!("{BETA}/configurationCategories/{category}"))
        .await;
    assert_eq!(cat.status, StatusCode::OK);
    let parent = cat.json["parentCategoryId"].as_str().unwrap();
    assert_eq!(
        h.get(&format!("{BETA}/configurationCategories/{parent}"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn v1_has_no_settings_catalog() {
    let h = Harness::new();
    for path in [
        "configurationSettings",
        "configurationPolicies",
        "configurationPolicyTemplates",
        "configurationCategories",
    ] {
        h.get(&format!("/v1.0/deviceManagement/{path}"))
            .await
            .graph_error(400, "BadRequest");
    }
    h.get(&format!(
        "/v1.0/deviceManagement/configurationPolicies/{WINDOWS_POLICY_ID}"
    ))
    .await
    .graph_error(400, "BadRequest");
}

#[tokio::test]
async fn templates_list_their_settings_with_definitions() {
    let h = Harness::new();
    let list = h.get(&format!("{BETA}/configurationPolicyTemplates")).await;
    let families: Vec<&str> = list.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["templateFamily"].as_str().unwrap())
        .collect();
    assert!(
        families.contains(&"endpointSecurityAntivirus")
            && families.contains(&"endpointSecurityFirewall")
    );
    let av = h.get(&format!("{BETA}/configurationPolicyTemplates?$filter=templateFamily%20eq%20'endpointSecurityAntivirus'")).await;
    let template = &av.json["value"][0];
    assert_eq!(av.json["value"].as_array().unwrap().len(), 1);
    assert_eq!(template["platforms"], "windows10");
    assert_eq!(template["technologies"], "mdm,microsoftSense");
    let id = template["id"].as_str().unwrap();
    assert!(id.ends_with("_1") && template["version"] == 1);

    let plain = h
        .get(&format!(
            "{BETA}/configurationPolicyTemplates/{id}/settingTemplates"
        ))
        .await;
    let items = plain.json["value"].as_array().unwrap();
    assert_eq!(
        items.len() as u64,
        template["settingTemplateCount"].as_u64().unwrap()
    );
    assert!(items.iter().all(|i| i.get("settingDefinitions").is_none()));
    let expanded = h
        .get(&format!(
            "{BETA}/configurationPolicyTemplates/{id}/settingTemplates?$expand=settingDefinitions"
        ))
        .await;
    for item in expanded.json["value"].as_array().unwrap() {
        let root = item["settingInstanceTemplate"]["settingDefinitionId"]
            .as_str()
            .unwrap();
        let defs = item["settingDefinitions"].as_array().unwrap();
        assert_eq!(defs[0]["id"], root);
        assert!(item["settingInstanceTemplate"]["settingInstanceTemplateId"].is_string());
    }
    // The firewall template's rules come with their children's definitions.
    let fw = h.get(&format!("{BETA}/configurationPolicyTemplates?$filter=templateFamily%20eq%20'endpointSecurityFirewall'")).await;
    let fw_id = fw.json["value"][0]["id"].as_str().unwrap();
    let fw_items = h.get(&format!("{BETA}/configurationPolicyTemplates/{fw_id}/settingTemplates?$expand=settingDefinitions")).await;
    let rules = fw_items.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["settingInstanceTemplate"]["settingDefinitionId"]
                .as_str()
                .unwrap()
                .ends_with("{firewallrulename}")
        })
        .expect("rules are in the firewall template");
    assert!(rules["settingDefinitions"].as_array().unwrap().len() >= 7);
    h.get(&format!(
        "{BETA}/configurationPolicyTemplates/nope_1/settingTemplates"
    ))
    .await
    .graph_error(404, "ResourceNotFound");
}

#[tokio::test]
async fn policies_list_without_settings_unless_expanded() {
    let h = Harness::new();
    let list = h.get(&format!("{BETA}/configurationPolicies")).await;
    let items = list.json["value"].as_array().unwrap();
    for id in [
        WINDOWS_POLICY_ID,
        MACOS_POLICY_ID,
        ANTIVIRUS_POLICY_ID,
        FIREWALL_POLICY_ID,
        LINUX_POLICY_ID,
    ] {
        let p = items.iter().find(|p| p["id"] == id).expect(id);
        assert!(p.get("settings").is_none(), "{p}");
        assert!(p["settingCount"].as_u64().unwrap() > 0);
    }
    let expanded = h
        .get(&format!("{BETA}/configurationPolicies?$expand=settings"))
        .await;
    assert!(expanded.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["settings"].is_array()));
    let es = h.get(&format!("{BETA}/configurationPolicies?$filter=templateReference/templateFamily%20eq%20'endpointSecurityFirewall'")).await;
    assert_eq!(es.json["value"].as_array().unwrap().len(), 1);
    assert_eq!(es.json["value"][0]["id"], FIREWALL_POLICY_ID);

    let one = h.get(&policy_uri(WINDOWS_POLICY_ID)).await;
    assert!(one.json.get("settings").is_none());
    let with = h
        .get(&format!(
            "{}?$expand=settings",
            policy_uri(WINDOWS_POLICY_ID)
        ))
        .await;
    assert_eq!(
        with.json["settings"].as_array().unwrap().len() as u64,
        with.json["settingCount"].as_u64().unwrap()
    );
    let mac = h.get(&policy_uri(MACOS_POLICY_ID)).await;
    assert_eq!(mac.json["technologies"], "mdm,appleRemoteManagement");
}

#[tokio::test]
async fn policy_settings_expand_their_definitions_and_children() {
    let h = Harness::new();
    let r = h
        .get(&format!(
            "{}/settings?$expand=settingDefinitions",
            policy_uri(WINDOWS_POLICY_ID)
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let first = &r.json["value"][0];
    assert_eq!(
        first["settingInstance"]["settingDefinitionId"],
        format!("{DL}devicepasswordenabled")
    );
    let ids: Vec<&str> = first["settingDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    for want in [
        "devicepasswordenabled",
        "mindevicepasswordlength",
        "alphanumericdevicepasswordrequired",
        "mindevicepasswordcomplexcharacters",
    ] {
        assert!(
            ids.contains(&format!("{DL}{want}").as_str()),
            "{want} in {ids:?}"
        );
    }
    let plain = h
        .get(&format!(
            "{}/settings?$top=5",
            policy_uri(WINDOWS_POLICY_ID)
        ))
        .await;
    assert_eq!(plain.json["value"].as_array().unwrap().len(), 5);
    assert!(plain.json["value"][0].get("settingDefinitions").is_none());
    let (all, pages) = walk(
        &h,
        &format!("{}/settings?$top=5", policy_uri(WINDOWS_POLICY_ID)),
    )
    .await;
    assert_eq!((all.len(), pages), (16, 4));
    let one = h
        .get(&format!("{}/settings/3", policy_uri(WINDOWS_POLICY_ID)))
        .await;
    assert_eq!(one.json["id"], "3");
}

#[tokio::test]
async fn a_valid_put_round_trips() {
    let h = Harness::new();
    let mut policy = as_read(&h, WINDOWS_POLICY_ID).await;
    let before = policy["lastModifiedDateTime"].clone();
    // Change a ranged integer, drop one setting, add one.
    policy["settings"][1]["settingInstance"]["simpleSettingValue"]["value"] = json!(30);
    let settings = policy["settings"].as_array_mut().unwrap();
    settings.remove(9);
    settings.push(json!({"id": "whatever", "settingInstance": {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
        "settingDefinitionId": "device_vendor_msft_policy_config_update_activehoursmaxrange",
        "simpleSettingValue": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue", "value": 12}
    }}));
    policy["name"] = json!("Renamed by PUT");
    let r = h
        .send_json(Method::PUT, &policy_uri(WINDOWS_POLICY_ID), &policy)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());

    let after = as_read(&h, WINDOWS_POLICY_ID).await;
    assert_eq!(after["name"], "Renamed by PUT");
    assert_eq!(after["settingCount"], 16);
    assert_ne!(after["lastModifiedDateTime"], before);
    let got = after["settings"].as_array().unwrap();
    let ids: Vec<&str> = got.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let want: Vec<String> = (0..16).map(|i| i.to_string()).collect();
    assert_eq!(ids, want);
    assert_eq!(got[1]["settingInstance"]["simpleSettingValue"]["value"], 30);
    assert_eq!(
        got[15]["settingInstance"]["settingDefinitionId"],
        "device_vendor_msft_policy_config_update_activehoursmaxrange"
    );
    for (sent, stored) in policy["settings"].as_array().unwrap().iter().zip(got) {
        assert_eq!(
            sent["settingInstance"]["settingDefinitionId"],
            stored["settingInstance"]["settingDefinitionId"]
        );
    }
}

/// One mutation of the Windows policy per check: where, what, the code and the path answered.
#[tokio::test]
async fn each_put_check_answers_400_at_the_setting() {
    let h = Harness::new();
    let base = as_read(&h, WINDOWS_POLICY_ID).await;
    let s = |i: usize| format!("/settings/{i}/settingInstance");
    let cases: Vec<(String, Value, &str, &str, &str)> = vec![
        (format!("{}/settingDefinitionId", s(3)), json!("device_vendor_msft_policy_config_nothing_here"),
         "UnknownSettingDefinition", "settings[3].settingInstance.settingDefinitionId", "nothing_here"),
        (format!("{}/choiceSettingValue/value", s(2)), json!("device_vendor_msft_policy_config_update_allowautoupdate_9"),
         "InvalidChoiceOption", "settings[2].settingInstance.choiceSettingValue.value", "allowautoupdate"),
        (format!("{}/choiceSettingValue/children/0/simpleSettingValue/value", s(0)), json!(3),
         "ValueOutOfRange", "settings[0].settingInstance.choiceSettingValue.children[0].simpleSettingValue.value", "mindevicepasswordlength"),
        (format!("{}/simpleSettingValue/value", s(1)), json!(1000),
         "ValueOutOfRange", "settings[1].settingInstance.simpleSettingValue.value", "maxinactivitytimedevicelock"),
        (format!("{}/simpleSettingValue/value", s(8)), json!(format!("{}@example.com", "a".repeat(260))),
         "StringLengthOutOfRange", "settings[8].settingInstance.simpleSettingValue.value", "sendsupportcontactemail"),
        (format!("{}/simpleSettingCollectionValue", s(6)),
         json!((0..11).map(|i| json!({"@odata.type": "#microsoft.graph.deviceManagementConfigurationStringSettingValue", "value": format!("https://{i}.example.com")})).collect::<Vec<_>>()),
         "CollectionCountOutOfRange", "settings[6].settingInstance.simpleSettingCollectionValue", "homepages"),
        (format!("{}/simpleSettingCollectionValue", s(14)), json!([]),
         "CollectionCountOutOfRange", "settings[14].settingInstance.simpleSettingCollectionValue", "allowedports"),
        (format!("{}/choiceSettingValue/children", s(0)), json!([]),
         "MissingRequiredSetting", "settings[0].settingInstance.choiceSettingValue.children", "mindevicepasswordlength"),
        (format!("{}/groupSettingCollectionValue/0/children", s(11)), json!([]),
         "MissingRequiredSetting", "settings[11].settingInstance.groupSettingCollectionValue[0].children", "{ssid}_name"),
        (format!("{}/@odata.type", s(1)), json!("#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance"),
         "SettingTypeMismatch", "settings[1].settingInstance.@odata.type", "maxinactivitytimedevicelock"),
        (format!("{}/simpleSettingValue/@odata.type", s(3)), json!("#microsoft.graph.deviceManagementConfigurationStringSettingValue"),
         "ValueTypeMismatch", "settings[3].settingInstance.simpleSettingValue.@odata.type", "activehoursstart"),
        (format!("{}/choiceSettingValue/children/0/settingDefinitionId", s(2)), json!(format!("{DL}devicepasswordhistory")),
         "SettingNotAllowedHere", "settings[2].settingInstance.choiceSettingValue.children[0].settingDefinitionId", "devicepasswordhistory"),
        (format!("{}/settingDefinitionId", s(4)), json!("device_vendor_msft_policy_config_update_activehoursstart"),
         "DuplicateSetting", "settings[4].settingInstance.settingDefinitionId", "activehoursstart"),
    ];
    for (pointer, value, code, target, names) in cases {
        let mut policy = base.clone();
        *policy
            .pointer_mut(&pointer)
            .unwrap_or_else(|| panic!("{pointer}")) = value;
        let r = h
            .send_json(Method::PUT, &policy_uri(WINDOWS_POLICY_ID), &policy)
            .await;
        let error = r.graph_error(400, "BadRequest");
        let detail = error["details"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("{code} for {pointer}: {}", r.text()));
        assert_eq!(detail["target"], target, "{}", r.text());
        assert!(
            detail["message"].as_str().unwrap().contains(names),
            "{}",
            r.text()
        );
    }
    // Nothing was stored by the refused requests.
    assert_eq!(
        as_read(&h, WINDOWS_POLICY_ID).await["settings"],
        base["settings"]
    );
}

#[tokio::test]
async fn templated_policies_take_only_their_templates_settings() {
    let h = Harness::new();
    let mut policy = as_read(&h, ANTIVIRUS_POLICY_ID).await;
    assert_eq!(
        policy["templateReference"]["templateFamily"],
        "endpointSecurityAntivirus"
    );
    let ok = h
        .send_json(Method::PUT, &policy_uri(ANTIVIRUS_POLICY_ID), &policy)
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.text());
    // A real definition, valid on its own, that the antivirus template does not list.
    let outside = "device_vendor_msft_policy_config_defender_allowuseruiaccess";
    policy["settings"]
        .as_array_mut()
        .unwrap()
        .push(json!({"settingInstance": {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
        "settingDefinitionId": outside,
        "choiceSettingValue": {"value": format!("{outside}_1"), "children": []}}}));
    let n = policy["settings"].as_array().unwrap().len() - 1;
    let r = h
        .send_json(Method::PUT, &policy_uri(ANTIVIRUS_POLICY_ID), &policy)
        .await;
    let error = r.graph_error(400, "BadRequest");
    assert_eq!(error["details"][0]["code"], "SettingNotInTemplate");
    assert_eq!(
        error["details"][0]["target"],
        format!("settings[{n}].settingInstance.settingDefinitionId")
    );
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("allowuseruiaccess"));
    policy["settings"].as_array_mut().unwrap().pop();
    policy["templateReference"]["templateId"] = json!("00000000-0000-0000-0000-000000000000_1");
    h.send_json(Method::PUT, &policy_uri(ANTIVIRUS_POLICY_ID), &policy)
        .await
        .graph_error(400, "BadRequest");
}

#[tokio::test]
async fn patch_changes_the_name_but_never_settings() {
    let h = Harness::new();
    let before = as_read(&h, WINDOWS_POLICY_ID).await;
    let r = h
        .patch(&policy_uri(WINDOWS_POLICY_ID), &json!({"settings": []}))
        .await;
    let error = r.graph_error(400, "BadRequest");
    assert_eq!(error["target"], "settings");
    h.patch(
        &policy_uri(WINDOWS_POLICY_ID),
        &json!({"platforms": "macOS"}),
    )
    .await
    .graph_error(400, "BadRequest");
    let r = h
        .patch(
            &policy_uri(WINDOWS_POLICY_ID),
            &json!({"name": "New name", "description": "d"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json["name"], "New name");
    assert!(r.json.get("settings").is_none());
    let after = as_read(&h, WINDOWS_POLICY_ID).await;
    assert_eq!(after["settings"], before["settings"]);
    assert_eq!(after["description"], "d");
}

#[tokio::test]
async fn secrets_are_stored_as_tokens() {
    let h = Harness::new();
    let read = h
        .get(&format!(
            "{}?$expand=settings",
            policy_uri(WINDOWS_POLICY_ID)
        ))
        .await;
    for plain in [
        format!("\"{WINDOWS_POLICY_SECRET}\""),
        "office-wifi-key-1".to_string(),
    ] {
        assert!(
            !read.text().contains(&plain),
            "{plain} shown: {}",
            read.text()
        );
    }
    assert!(!read.text().contains(PLAIN_KEY), "{}", read.text());
    let value = read.json["settings"][12]["settingInstance"]["simpleSettingValue"].clone();
    assert_eq!(value["valueState"], "encryptedValueToken");
    let token = value["value"].as_str().unwrap().to_string();
    assert_ne!(token, WINDOWS_POLICY_SECRET);
    // The control route masks settings catalog secrets unless asked for them in plain text.
    let masked = h.stored("beta", WINDOWS_POLICY_ID).await;
    assert!(!masked.to_string().contains(PLAIN_KEY), "{masked}");
    let stored = h.stored_plain("beta", WINDOWS_POLICY_ID).await;
    assert_eq!(
        plain_for_token(&stored, &token),
        Some(json!(WINDOWS_POLICY_SECRET))
    );

    // Sent back unchanged: the same secret, the same token.
    let mut policy = as_read(&h, WINDOWS_POLICY_ID).await;
    let r = h
        .send_json(Method::PUT, &policy_uri(WINDOWS_POLICY_ID), &policy)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let stored = h.stored_plain("beta", WINDOWS_POLICY_ID).await;
    assert_eq!(
        plain_for_token(&stored, &token),
        Some(json!(WINDOWS_POLICY_SECRET))
    );

    // A new value: a new token for it.
    policy["settings"][12]["settingInstance"]["simpleSettingValue"] = json!({
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSecretSettingValue",
        "value": "987654", "valueState": "notEncrypted"});
    let r = h
        .send_json(Method::PUT, &policy_uri(WINDOWS_POLICY_ID), &policy)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let again = as_read(&h, WINDOWS_POLICY_ID).await;
    let new_value = &again["settings"][12]["settingInstance"]["simpleSettingValue"];
    assert_eq!(new_value["valueState"], "encryptedValueToken");
    let new_token = new_value["value"].as_str().unwrap();
    assert_ne!(new_token, token);
    let stored = h.stored_plain("beta", WINDOWS_POLICY_ID).await;
    assert_eq!(plain_for_token(&stored, new_token), Some(json!("987654")));
    assert_eq!(plain_for_token(&stored, &token), None);

    // A token that is not this policy's, and a plain value that breaks the rules.
    policy["settings"][12]["settingInstance"]["simpleSettingValue"] = json!({
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSecretSettingValue",
        "value": "3f1e0e9a-0000-4000-8000-000000000000", "valueState": "encryptedValueToken"});
    let r = h
        .send_json(Method::PUT, &policy_uri(WINDOWS_POLICY_ID), &policy)
        .await;
    assert_eq!(
        r.graph_error(400, "BadRequest")["details"][0]["code"],
        "UnknownSecretToken"
    );
    policy["settings"][12]["settingInstance"]["simpleSettingValue"] = json!({
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSecretSettingValue",
        "value": "12", "valueState": "notEncrypted"});
    let r = h
        .send_json(Method::PUT, &policy_uri(WINDOWS_POLICY_ID), &policy)
        .await;
    assert_eq!(
        r.graph_error(400, "BadRequest")["details"][0]["code"],
        "StringLengthOutOfRange"
    );
}

#[tokio::test]
async fn create_then_delete() {
    let h = Harness::new();
    let body = json!({
        "name": "Created in a test",
        "description": "",
        "platforms": "linux",
        "technologies": "linuxMdm",
        "settings": [{"settingInstance": {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
            "settingDefinitionId": "linux_mdatp_managed_antivirusengine_maximumondemandscanthreads",
            "simpleSettingValue": {"@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue", "value": 4}}}]
    });
    let r = h
        .send_json(
            Method::POST,
            &format!("{BETA}/configurationPolicies"),
            &body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json["id"].as_str().unwrap().to_string();
    assert_eq!(r.json["settingCount"], 1);
    assert_eq!(r.json["templateReference"]["templateFamily"], "none");
    let read = as_read(&h, &id).await;
    assert_eq!(read["settings"][0]["id"], "0");
    let mut bad = body.clone();
    bad["settings"][0]["settingInstance"]["simpleSettingValue"]["value"] = json!(65);
    h.send_json(Method::POST, &format!("{BETA}/configurationPolicies"), &bad)
        .await
        .graph_error(400, "BadRequest");
    let d = h
        .send(
            h.request(Method::DELETE, &policy_uri(&id))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    h.get(&policy_uri(&id))
        .await
        .graph_error(404, "ResourceNotFound");
}

/// The fixtures: enough definitions, every kind, every reference resolving, every seeded
/// policy accepted by the sandbox's own checks.
#[test]
fn fixtures_are_consistent() {
    let cat = catalog();
    let defs = cat.definitions();
    assert!(defs.len() >= 150, "{}", defs.len());
    for kind in Kind::ALL {
        assert!(defs.iter().any(|d| Kind::of(d) == Some(kind)), "{kind:?}");
    }
    let value_rule = |d: &Value, key: &str| d["valueDefinition"][key].clone();
    assert!(defs
        .iter()
        .any(|d| value_rule(d, "isSecret") == json!(true)));
    assert!(defs
        .iter()
        .any(|d| value_rule(d, "inputValidationSchema").is_string()));
    for format in ["guid", "email", "url", "ip", "regEx", "dateTime"] {
        assert!(
            defs.iter()
                .any(|d| value_rule(d, "format") == json!(format)),
            "{format}"
        );
    }
    for platform in ["windows10", "macOS", "iOS", "linux"] {
        assert!(
            defs.iter().any(|d| d["applicability"]["platform"]
                .as_str()
                .unwrap()
                .split(',')
                .any(|p| p == platform)),
            "{platform}"
        );
    }
    for tech in ["mdm", "appleRemoteManagement"] {
        assert!(
            defs.iter()
                .any(|d| d["applicability"]["platform"] == "macOS"
                    && d["applicability"]["technologies"] == tech),
            "{tech}"
        );
    }
    let ids: HashSet<&str> = defs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), defs.len(), "ids are unique");
    for d in defs {
        let id = d["id"].as_str().unwrap();
        assert!(
            d["description"].as_str().is_some_and(|s| s.len() < 80),
            "{id}: keep descriptions short and ours"
        );
        assert!(
            cat.category(d["categoryId"].as_str().unwrap()).is_some(),
            "{id}: category"
        );
        assert!(
            ids.contains(d["rootDefinitionId"].as_str().unwrap()),
            "{id}: root"
        );
        for child in child_ids(d) {
            let c = cat
                .definition(&child)
                .unwrap_or_else(|| panic!("{id}: child {child}"));
            let back = c["dependentOn"].as_array().unwrap();
            assert!(
                back.iter().any(|b| b["parentSettingId"] == id),
                "{child} names {id} as parent"
            );
        }
        for dep in d["dependentOn"].as_array().into_iter().flatten() {
            let parent = cat
                .definition(dep["parentSettingId"].as_str().unwrap())
                .unwrap_or_else(|| panic!("{id}: parent"));
            let on = dep["dependentOn"].as_str().unwrap();
            let option = parent["options"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|o| o["itemId"] == on);
            assert!(option || on == parent["id"], "{id}: dependentOn {on}");
            assert!(
                child_ids(parent).iter().any(|c| c == id),
                "{id}: its parent lists it"
            );
        }
        if let Some(default) = d["defaultOptionId"].as_str() {
            assert!(
                d["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o["itemId"] == default),
                "{id}: default"
            );
        }
    }
    for c in cat.categories() {
        if let Some(parent) = c["parentCategoryId"].as_str() {
            assert!(cat.category(parent).is_some(), "{c}");
        }
    }
    for t in cat.templates() {
        let tid = t["id"].as_str().unwrap();
        let items = cat.setting_templates(tid).unwrap();
        assert_eq!(
            items.len() as u64,
            t["settingTemplateCount"].as_u64().unwrap()
        );
        for item in items {
            assert!(
                ids.contains(
                    item["settingInstanceTemplate"]["settingDefinitionId"]
                        .as_str()
                        .unwrap()
                ),
                "{item}"
            );
        }
    }
    let policies = fixture_policies();
    assert_eq!(policies.len(), 5);
    for p in &policies {
        let template = p["templateReference"]["templateId"]
            .as_str()
            .filter(|t| !t.is_empty());
        let problems = check_settings(p["settings"].as_array().unwrap(), template, cat);
        assert!(problems.is_empty(), "{}: {problems:?}", p["id"]);
    }
    let windows = policies
        .iter()
        .find(|p| p["id"] == WINDOWS_POLICY_ID)
        .unwrap();
    let kinds: HashSet<&str> = windows["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["settingInstance"]["@odata.type"].as_str().unwrap())
        .collect();
    assert!(kinds.len() >= 5, "{kinds:?}");
    assert_eq!(
        windows["settings"][12]["settingInstance"]["simpleSettingValue"]["value"],
        WINDOWS_POLICY_SECRET
    );
}

#[tokio::test]
async fn a_fresh_sandbox_holds_every_seeded_policy() {
    let h = Harness::new();
    for id in [
        WINDOWS_POLICY_ID,
        MACOS_POLICY_ID,
        ANTIVIRUS_POLICY_ID,
        FIREWALL_POLICY_ID,
        LINUX_POLICY_ID,
    ] {
        let stored = h.stored("beta", id).await;
        assert_eq!(
            stored["@odata.type"],
            "#microsoft.graph.deviceManagementConfigurationPolicy"
        );
    }
}
