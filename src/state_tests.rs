//! The document's reducer: loading, editing, saving with edits in flight, reverting.

use super::*;
use serde_json::json;

fn beta() -> &'static Schema {
    if !crate::schemas::has_whole(ApiVersion::Beta) {
        let data = serde_json::from_str(policy_core::embedded::json(ApiVersion::Beta)).unwrap();
        crate::schemas::add(ApiVersion::Beta, data, None).unwrap();
    }
    schema(ApiVersion::Beta)
}

#[test]
fn a_loaded_document_is_the_same_however_it_is_built() {
    let s = beta();
    let t = s.find("androidForWorkGeneralDeviceConfiguration").unwrap();
    let object = json!({
        "@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration",
        "id": "x", "displayName": "Loaded", "passwordExpirationDays": 400,
    });
    let origin = Origin::File {
        name: "x".into(),
        key: "k".into(),
    };
    let a = Document::from_loaded(ApiVersion::Beta, t, origin.clone(), object.clone());
    let b = Document::new(ApiVersion::Beta, t, origin, Some(object.clone()), &object);
    assert_eq!(a.draft_value(), b.draft_value());
    assert_eq!(a.draft_value(), object);
    assert_eq!(*a.problems.all, *b.problems.all);
    assert!(
        a.problems.has_errors(),
        "passwordExpirationDays is out of range"
    );
    assert_eq!(a.patch(), b.patch());
    assert!(!a.is_dirty());
}

/// An editor holding `object` (of type `t`) as loaded, from a file.
fn opened(t: TypeId, object: Value) -> Rc<EditorState> {
    let origin = Origin::File {
        name: "x".into(),
        key: "k".into(),
    };
    Rc::new(EditorState {
        doc: Some(Document::from_loaded(ApiVersion::Beta, t, origin, object)),
    })
}

#[test]
fn an_edit_changes_the_patch_and_the_problems_once() {
    let s = beta();
    let t = s.find("androidForWorkGeneralDeviceConfiguration").unwrap();
    let object = json!({
        "@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration",
        "id": "x", "displayName": "Loaded", "passwordExpirationDays": 30,
    });
    let state = opened(t, object);
    let next = state.reduce(Action::Edit {
        property: "passwordExpirationDays".into(),
        value: Some(json!(400)),
    });
    let doc = next.doc.as_ref().unwrap();
    assert!(doc.is_dirty());
    let patch = doc.patch().unwrap().as_ref().unwrap();
    assert_eq!(patch.body().unwrap()["passwordExpirationDays"], json!(400));
    assert!(doc.problems.has_errors());
    // The shared copy the review panel gets is the document's own, not a new one.
    assert_eq!(doc.patch_shared(), doc.patch_shared());
}

#[test]
fn edits_made_while_send_is_in_flight_stay_on_top_of_the_fresh_object() {
    let s = beta();
    let t = s.find("androidForWorkGeneralDeviceConfiguration").unwrap();
    let object = json!({
        "@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration",
        "id": "x", "displayName": "Loaded", "passwordExpirationDays": 30, "description": "d",
    });
    let state = opened(t, object);
    let state = state.reduce(Action::Edit {
        property: "passwordExpirationDays".into(),
        value: Some(json!(60)),
    });
    let sent = state.doc.as_ref().unwrap().draft_value();
    // While the PATCH is out, the user goes on typing.
    let state = state.reduce(Action::Edit {
        property: "displayName".into(),
        value: Some(json!("Typed during send")),
    });
    let state = state.reduce(Action::Edit {
        property: "description".into(),
        value: None,
    });
    let mut fresh = sent.clone();
    fresh["version"] = json!(2);
    let state = state.reduce(Action::Saved {
        fresh: fresh.clone(),
        sent,
    });
    let doc = state.doc.as_ref().unwrap();
    assert_eq!(doc.loaded.as_ref().unwrap().0.as_ref(), &fresh);
    let draft = doc.draft_value();
    assert_eq!(draft["displayName"], json!("Typed during send"));
    assert_eq!(draft["passwordExpirationDays"], json!(60));
    assert_eq!(draft["version"], json!(2));
    assert!(draft.get("description").is_none());
    assert!(doc.is_dirty());
    let body = doc.patch().unwrap().as_ref().unwrap().body().unwrap();
    assert_eq!(body["displayName"], json!("Typed during send"));
    assert!(body.get("passwordExpirationDays").is_none());
}

#[test]
fn a_row_of_the_review_reverts_one_property_to_what_was_loaded() {
    let s = beta();
    let t = s.find("androidForWorkGeneralDeviceConfiguration").unwrap();
    let object = json!({
        "@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration",
        "id": "x", "displayName": "Loaded", "passwordExpirationDays": 30,
    });
    let state = opened(t, object);
    let state = state
        .reduce(Action::Edit {
            property: "displayName".into(),
            value: Some(json!("Edited")),
        })
        .reduce(Action::Edit {
            property: "description".into(),
            value: Some(json!("Added")),
        });
    let state = state.reduce(Action::Revert("displayName".into()));
    let doc = state.doc.as_ref().unwrap();
    assert_eq!(doc.draft_value()["displayName"], json!("Loaded"));
    let changed: Vec<&str> = doc
        .patch()
        .unwrap()
        .as_ref()
        .unwrap()
        .changes()
        .iter()
        .map(|c| c.property.as_str())
        .collect();
    assert_eq!(changed, ["description"]);
    // A property the object did not have goes away again.
    let state = state.reduce(Action::Revert("description".into()));
    let doc = state.doc.as_ref().unwrap();
    assert!(doc.draft_value().get("description").is_none());
    assert!(!doc.is_dirty());
}

#[test]
fn changed_settings_of_a_settings_policy_are_sent_whole_and_typed_secrets_never_stored() {
    let s = beta();
    let t = s.find(SETTINGS_POLICY).unwrap();
    let secret = |value: &str, state: &str| {
        json!({"settingInstance": {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
            "settingDefinitionId": "x_pin",
            "simpleSettingValue": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationSecretSettingValue",
                "value": value, "valueState": state
            }
        }})
    };
    let policy = json!({
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        "id": "p", "name": "Policy", "platforms": "windows10", "technologies": "mdm",
        "settings": [secret("token-1", "encryptedValueToken")],
    });
    let editor = opened(t, policy);
    let doc = editor.doc.as_ref().unwrap();
    // `settings` is the catalog module's: no warning about a relationship, nothing to send.
    assert!(doc.problems.all.is_empty(), "{:?}", doc.problems.all);
    assert!(doc.put().is_none() && !doc.is_dirty());
    let editor = editor.reduce(Action::Edit {
        property: "settings".into(),
        value: Some(json!([secret("typed", "notEncrypted")])),
    });
    let doc = editor.doc.as_ref().unwrap();
    let put = doc.put().expect("a PUT");
    assert_eq!(
        put["settings"][0]["settingInstance"]["simpleSettingValue"]["value"],
        "typed"
    );
    assert!(doc.is_dirty());
    // The draft as stored keeps no typed secret.
    let stored = doc.draft_to_store();
    assert_eq!(
        stored["settings"][0]["settingInstance"]["simpleSettingValue"]["value"],
        ""
    );
    // The module's errors block Send.
    let editor = editor.reduce(Action::CatalogErrors(2));
    let doc = editor.doc.as_ref().unwrap();
    assert_eq!(
        doc.send_blocked(true),
        Some("Fix the errors in the settings before sending.")
    );
}

#[test]
fn an_intent_sends_only_its_changed_settings_and_a_rebase_keeps_theirs() {
    let s = beta();
    let t = s.find(INTENT).unwrap();
    let setting = |id: &str, v: Value| {
        json!({"@odata.type": "#microsoft.graph.deviceManagementBooleanSettingInstance",
            "id": format!("s-{id}"), "definitionId": id, "valueJson": v.to_string(), "value": v})
    };
    let intent = json!({
        "@odata.type": "#microsoft.graph.deviceManagementIntent",
        "id": "i", "displayName": "Firewall", "templateId": "t", "isAssigned": false,
        "lastModifiedDateTime": "2026-01-01T00:00:00Z",
        "settings": [setting("a", json!(true)), setting("b", json!(false))],
    });
    let editor = opened(t, intent.clone());
    let doc = editor.doc.as_ref().unwrap();
    assert!(doc.is_intent() && doc.has_module_settings() && !doc.is_settings_policy());
    // `settings` is the module's: no warning about a relationship, nothing to send.
    assert!(doc.problems.all.is_empty(), "{:?}", doc.problems.all);
    assert!(!doc.settings_update() && doc.put().is_none() && !doc.is_dirty());
    let editor = editor.reduce(Action::Edit {
        property: "settings".into(),
        value: Some(json!([
            setting("a", json!(false)),
            setting("b", json!(false))
        ])),
    });
    let doc = editor.doc.as_ref().unwrap();
    assert!(doc.settings_update() && doc.put().is_none() && doc.is_dirty());
    // The intent's own properties still go by PATCH, without its settings.
    let editor = editor.reduce(Action::Edit {
        property: "displayName".into(),
        value: Some(json!("Firewall 2")),
    });
    let doc = editor.doc.as_ref().unwrap();
    let patch = doc.patch().unwrap().as_ref().unwrap();
    let body = patch.body().unwrap();
    assert_eq!(body["displayName"], "Firewall 2");
    assert!(body.get("settings").is_none(), "{body}");
    // Someone else changed `b` and added `c`: mine goes on top of theirs, theirs stays.
    let mut current = intent.clone();
    current["settings"][1] = setting("b", json!(true));
    current["settings"]
        .as_array_mut()
        .unwrap()
        .push(setting("c", json!(true)));
    let editor = editor.reduce(Action::Rebase(current));
    let doc = editor.doc.as_ref().unwrap();
    let settings = doc.draft_value()["settings"].clone();
    let values: Vec<&str> = settings
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["valueJson"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["false", "true", "true"]);
    assert!(doc.settings_update());
    assert_eq!(doc.draft_value()["displayName"], "Firewall 2");
    // Back to theirs: nothing left to write in the settings.
    let theirs = doc.loaded.as_ref().unwrap().0["settings"].clone();
    let editor = editor.reduce(Action::Edit {
        property: "settings".into(),
        value: Some(theirs),
    });
    assert!(!editor.doc.as_ref().unwrap().settings_update());
}
