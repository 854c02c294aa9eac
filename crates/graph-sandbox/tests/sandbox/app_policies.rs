//! App protection and app configuration policies under `deviceAppManagement`: listed, read and
//! patched in both versions like the `deviceManagement` objects; the base collection
//! `managedAppPolicies` lists and addresses every kind of app policy, as Graph does.

use axum::http::StatusCode;
use graph_sandbox::seed::app_policies::{
    ANDROID_PROTECTION_ID, APP_CONFIGURATION_ID, IOS_PROTECTION_ID, MDM_WIP_ID,
};
use serde_json::{json, Value};

use crate::common::{Harness, HOST};

const DAM: &str = "deviceAppManagement";

fn ids(list: &Value) -> Vec<&str> {
    list["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn each_collection_lists_its_own_and_the_base_lists_all() {
    let h = Harness::new();
    for api in ["v1.0", "beta"] {
        for (set, id) in [
            ("iosManagedAppProtections", IOS_PROTECTION_ID),
            ("androidManagedAppProtections", ANDROID_PROTECTION_ID),
            ("targetedManagedAppConfigurations", APP_CONFIGURATION_ID),
            ("mdmWindowsInformationProtectionPolicies", MDM_WIP_ID),
        ] {
            let r = h.get(&format!("/{api}/{DAM}/{set}")).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            assert_eq!(ids(&r.json), [id], "{api} {set}");
        }
        let all = h.get(&format!("/{api}/{DAM}/managedAppPolicies")).await;
        assert_eq!(
            ids(&all.json),
            [
                IOS_PROTECTION_ID,
                ANDROID_PROTECTION_ID,
                APP_CONFIGURATION_ID,
                MDM_WIP_ID
            ],
            "{api}"
        );
        let empty = h
            .get(&format!(
                "/{api}/{DAM}/windowsInformationProtectionPolicies"
            ))
            .await;
        assert_eq!(empty.json["value"], json!([]));
        // The list a picker asks for.
        let picked = h
            .get(&format!(
                "/{api}/{DAM}/iosManagedAppProtections?$select=id,displayName,lastModifiedDateTime&$top=100"
            ))
            .await;
        let keys: Vec<&String> = picked.json["value"][0]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            keys,
            ["@odata.type", "id", "displayName", "lastModifiedDateTime"]
        );
    }
    // Beta has Windows app protections (none seeded); v1.0 has not the collection.
    assert_eq!(
        h.get(&format!("/beta/{DAM}/windowsManagedAppProtections"))
            .await
            .json["value"],
        json!([])
    );
    h.get(&format!("/v1.0/{DAM}/windowsManagedAppProtections"))
        .await
        .graph_error(404, "ResourceNotFound");
}

#[tokio::test]
async fn get_by_own_collection_or_the_base_and_nowhere_else() {
    let h = Harness::new();
    let own = h
        .get(&format!(
            "/beta/{DAM}/iosManagedAppProtections/{IOS_PROTECTION_ID}"
        ))
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text());
    assert_eq!(
        own.json["@odata.context"],
        format!("http://{HOST}/beta/$metadata#{DAM}/iosManagedAppProtections/$entity")
    );
    assert_eq!(own.json["minimumPinLength"], 6);
    assert_eq!(own.json["thirdPartyKeyboardsBlocked"], true);
    let base = h
        .get(&format!(
            "/beta/{DAM}/managedAppPolicies/{IOS_PROTECTION_ID}"
        ))
        .await;
    assert_eq!(base.json["id"], IOS_PROTECTION_ID);
    // v1.0 has the same policy without beta's own properties.
    let v1 = h
        .get(&format!(
            "/v1.0/{DAM}/iosManagedAppProtections/{IOS_PROTECTION_ID}"
        ))
        .await;
    assert_eq!(v1.json["minimumPinLength"], 6);
    assert!(v1.json.get("thirdPartyKeyboardsBlocked").is_none());
    // A sibling collection of another type does not hold it.
    for path in [
        format!("/beta/{DAM}/androidManagedAppProtections/{IOS_PROTECTION_ID}"),
        format!("/beta/deviceManagement/deviceConfigurations/{IOS_PROTECTION_ID}"),
        format!("/beta/{DAM}/iosManagedAppProtections/no-such-policy"),
    ] {
        h.get(&path).await.graph_error(404, "ResourceNotFound");
    }
}

#[tokio::test]
async fn patch_changes_only_what_is_sent_and_refuses_what_graph_refuses() {
    let h = Harness::new();
    for api in ["v1.0", "beta"] {
        let url = format!("/{api}/{DAM}/iosManagedAppProtections/{IOS_PROTECTION_ID}");
        let before = h.stored(api, IOS_PROTECTION_ID).await;
        let r = h
            .patch(
                &url,
                &json!({
                    "@odata.type": "#microsoft.graph.iosManagedAppProtection",
                    "minimumPinLength": 8,
                    "printBlocked": true
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let after = h.stored(api, IOS_PROTECTION_ID).await;
        for (k, v) in before.as_object().unwrap() {
            match k.as_str() {
                "minimumPinLength" => assert_eq!(after[k], 8),
                "printBlocked" => assert_eq!(after[k], true),
                "lastModifiedDateTime" => assert_ne!(&after[k], v),
                _ => assert_eq!(&after[k], v, "{api} {k}"),
            }
        }

        // An enum member the type does not have, at its path.
        let bad = h
            .patch(
                &url,
                &json!({"pinCharacterSet": "letters", "minimumPinLength": 4}),
            )
            .await;
        let error = bad.graph_error(400, "BadRequest");
        assert_eq!(error["target"], "pinCharacterSet");
        assert_eq!(
            h.stored(api, IOS_PROTECTION_ID).await["minimumPinLength"],
            8
        );
    }
    // A beta-only property is unknown to v1.0.
    let r = h
        .patch(
            &format!("/v1.0/{DAM}/iosManagedAppProtections/{IOS_PROTECTION_ID}"),
            &json!({"thirdPartyKeyboardsBlocked": false}),
        )
        .await;
    assert_eq!(
        r.graph_error(400, "BadRequest")["target"],
        "thirdPartyKeyboardsBlocked"
    );
    // Through the base collection, a nested change to the WIP policy.
    let mut apps = h.stored("beta", MDM_WIP_ID).await["protectedApps"].clone();
    apps[1]["binaryVersionLow"] = json!("10.0.19041.0");
    let r = h
        .patch(
            &format!("/beta/{DAM}/managedAppPolicies/{MDM_WIP_ID}"),
            &json!({
                "@odata.type": "#microsoft.graph.mdmWindowsInformationProtectionPolicy",
                "protectedApps": apps
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        h.stored("beta", MDM_WIP_ID).await["protectedApps"][1]["binaryVersionLow"],
        "10.0.19041.0"
    );
    // Its @odata.type must be the object's own.
    h.patch(
        &format!("/beta/{DAM}/managedAppPolicies/{MDM_WIP_ID}"),
        &json!({"@odata.type": "#microsoft.graph.iosManagedAppProtection", "displayName": "x"}),
    )
    .await
    .graph_error(400, "BadRequest");
}
