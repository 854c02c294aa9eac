//! The minimal PATCH and the Graph error reader, on the seeds' objects and real error shapes.

use policy_core::embedded::schema;
use policy_core::graph_error::{GraphError, RetryAfter};
use policy_core::model::ApiVersion;
use policy_core::patch::{diff, DiffError, SkipReason};
use serde_json::{json, Value};

fn seed(name: &str) -> Value {
    let path = format!("{}/tests/data/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn only_changed_writable_properties_are_sent() {
    let beta = schema(ApiVersion::Beta);
    let loaded = seed("androidForWorkGeneralDeviceConfiguration.beta.response.json");
    let mut edited = loaded.clone();
    edited["passwordExpirationDays"] = json!(90);
    edited["displayName"] = json!("Kiosk phones");
    edited["supportsScopeTags"] = json!(false); // read-only: never sent
    edited["lastModifiedDateTime"] = json!("2030-01-01T00:00:00Z"); // server-managed
    edited["deviceManagementApplicabilityRuleOsVersion"]["name"] = json!("renamed");
    let patch = diff(beta, &loaded, &edited).unwrap();
    assert_eq!(
        patch.body().unwrap(),
        json!({
            "@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration",
            "deviceManagementApplicabilityRuleOsVersion": edited["deviceManagementApplicabilityRuleOsVersion"],
            "displayName": "Kiosk phones",
            "passwordExpirationDays": 90
        })
    );
    let props: Vec<&str> = patch
        .changes()
        .iter()
        .map(|c| c.property.as_str())
        .collect();
    assert_eq!(props.len(), 3);
    assert_eq!(
        patch
            .changes()
            .iter()
            .find(|c| c.property == "passwordExpirationDays")
            .unwrap()
            .old,
        Some(loaded["passwordExpirationDays"].clone())
    );
    let skipped: Vec<(&str, SkipReason)> = patch
        .skipped()
        .iter()
        .map(|s| (s.property.as_str(), s.reason))
        .collect();
    assert!(skipped.contains(&("supportsScopeTags", SkipReason::ReadOnly)));
    assert!(skipped.contains(&("lastModifiedDateTime", SkipReason::ReadOnly)));

    // A PATCH whose answer was lost: the re-read tells whether it went through.
    assert!(!patch.is_applied_in(&loaded));
    let mut after = loaded.clone();
    for c in patch.changes() {
        after[&c.property] = c.new.clone();
    }
    after["lastModifiedDateTime"] = json!("2030-01-02T00:00:00Z");
    assert!(patch.is_applied_in(&after));
    after["passwordExpirationDays"] = json!(91);
    assert!(
        !patch.is_applied_in(&after),
        "someone else's value is not ours"
    );
}

#[test]
fn a_changed_collection_is_sent_whole_and_no_change_sends_nothing() {
    let v1 = schema(ApiVersion::V1);
    let loaded = json!({"@odata.type": "#microsoft.graph.androidWorkProfileCustomConfiguration", "id": "x", "version": 1,
        "omaSettings": [{"@odata.type": "#microsoft.graph.omaSettingInteger", "displayName": "a", "omaUri": "./a", "value": 1},
                        {"@odata.type": "#microsoft.graph.omaSettingString", "displayName": "b", "omaUri": "./b", "value": "x"}]});
    let same = diff(v1, &loaded, &loaded.clone()).unwrap();
    assert!(same.is_empty());
    assert_eq!(same.body(), None);
    // 1 and 1.0 are the same number to Graph.
    let mut renumbered = loaded.clone();
    renumbered["version"] = json!(1.0);
    assert!(diff(v1, &loaded, &renumbered).unwrap().is_empty());
    let mut edited = loaded.clone();
    edited["omaSettings"][1]["value"] = json!("y");
    let body = diff(v1, &loaded, &edited).unwrap().body().unwrap();
    assert_eq!(body["omaSettings"], edited["omaSettings"]);
    assert_eq!(body.as_object().unwrap().len(), 2);
}

#[test]
fn removed_properties_are_cleared_and_types_cannot_change() {
    let v1 = schema(ApiVersion::V1);
    let loaded = json!({"@odata.type": "#microsoft.graph.windows10CustomConfiguration", "description": "old", "bogus": 1});
    let edited = json!({"@odata.type": "#microsoft.graph.windows10CustomConfiguration"});
    let patch = diff(v1, &loaded, &edited).unwrap();
    assert_eq!(
        patch.body().unwrap(),
        json!({"@odata.type": "#microsoft.graph.windows10CustomConfiguration", "description": null})
    );
    assert_eq!(patch.skipped()[0].reason, SkipReason::Unknown);
    let other = json!({"@odata.type": "#microsoft.graph.windows10GeneralConfiguration"});
    assert!(matches!(
        diff(v1, &loaded, &other),
        Err(DiffError::TypeChanged { .. })
    ));
    assert_eq!(diff(v1, &json!({}), &json!({})), Err(DiffError::NoType));
    assert_eq!(diff(v1, &json!(1), &json!({})), Err(DiffError::NotObject));
}

#[test]
fn graph_error_envelopes() {
    let body = br#"{"error":{"code":"BadRequest","message":"{\r\n  \"_version\": 3,\r\n  \"Message\": \"Property passwordExpirationDays is out of range - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000\",\r\n  \"CustomApiErrorPhrase\": \"\",\r\n  \"RetryAfter\": null,\r\n  \"ErrorSourceService\": \"\",\r\n  \"HttpHeaders\": \"{}\"\r\n}","target":"passwordExpirationDays","details":[{"code":"outOfRange","message":"too big","target":"omaSettings[2].value"}],"innerError":{"date":"2024-01-01T00:00:00","request-id":"r-1","client-request-id":"c-1"}}}"#;
    let e = GraphError::parse(400, body, None, Some("header-id"));
    assert_eq!(e.code, "BadRequest");
    assert_eq!(e.request_id.as_deref(), Some("r-1"));
    assert_eq!(e.client_request_id.as_deref(), Some("c-1"));
    assert_eq!(e.date.as_deref(), Some("2024-01-01T00:00:00"));
    assert!(e
        .display_message()
        .starts_with("Property passwordExpirationDays is out of range"));
    let fields: Vec<String> = e
        .field_messages()
        .into_iter()
        .map(|(p, _)| p.to_string())
        .collect();
    assert_eq!(fields, ["passwordExpirationDays", "omaSettings[2].value"]);
    assert!(e.support_text().contains("request-id: r-1"));
}

#[test]
fn throttling_lowercase_inner_error_and_garbage() {
    let body = br#"{"error":{"code":"activityLimitReached","message":"The request has been throttled","innererror":{"code":"throttledRequest","innerError":{"code":"quota"},"date":"2021-11-30T12:17:46","request-id":"g"}}}"#;
    let e = GraphError::parse(429, body, Some("7"), None);
    assert!(e.is_throttled() && e.is_retryable());
    assert_eq!(e.retry_after, Some(RetryAfter::Seconds(7)));
    assert_eq!(e.inner_codes, ["throttledRequest", "quota"]);
    assert_eq!(e.request_id.as_deref(), Some("g"));
    for garbage in [
        &b""[..],
        b"<html>502</html>",
        b"\xff\xfe\x00",
        b"{\"error\":5}",
        b"[]",
        b"{\"error\":{\"code\":[1]}}",
    ] {
        let e = GraphError::parse(502, garbage, Some("never"), None);
        assert!(!e.code.is_empty(), "{garbage:?}");
        assert!(
            !e.message.is_empty() || garbage.starts_with(b"{"),
            "{garbage:?}"
        );
        assert_eq!(e.retry_after, None);
    }
}
