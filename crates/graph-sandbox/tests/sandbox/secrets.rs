//! Encrypted OMA settings, as Graph keeps them: stored plain, masked in every answer, revealed
//! by `getOmaSettingPlainTextValue` to a token that may write, and overwritten by whatever a
//! PATCH sends as their value, the mask included.

use axum::body::Body;
use axum::http::{header, Method, StatusCode};
use graph_sandbox::auth::TokenRequest;
use graph_sandbox::oma::OMA_MASK;
use graph_sandbox::sandbox::temp_path;
use graph_sandbox::seed::{
    ENCRYPTED_OMA_ID, ENCRYPTED_OMA_REFERENCE, ENCRYPTED_OMA_SECRET, MANY_OMA_SETTINGS_ID,
};
use graph_sandbox::Config;
use policy_core::token::WRITE_PERMISSION;
use serde_json::{json, Value};

use crate::common::{bearer, Harness, Reply, CONFIGS, HOST};

fn object_uri() -> String {
    format!("{CONFIGS}/{ENCRYPTED_OMA_ID}")
}

fn reveal_uri(reference: &str) -> String {
    format!(
        "{}/getOmaSettingPlainTextValue(secretReferenceValueId='{reference}')",
        object_uri()
    )
}

/// The object as stored, plain secrets included (the control endpoint's `?secrets=plain`).
async fn plain(h: &Harness) -> Value {
    let r = h
        .get(&format!(
            "/_sandbox/objects/beta/{ENCRYPTED_OMA_ID}?secrets=plain"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json
}

/// The secret as the function reveals it with the write token.
async fn reveal(h: &Harness, reference: &str) -> Reply {
    h.get(&reveal_uri(reference)).await
}

fn secret_of(object: &Value) -> &Value {
    &object["omaSettings"][2]
}

fn assert_masked(object: &Value, reference: &str) {
    let item = secret_of(object);
    assert_eq!(item["value"], OMA_MASK, "{object}");
    assert_eq!(item["isEncrypted"], true);
    assert_eq!(item["secretReferenceValueId"], reference);
    assert_eq!(object["omaSettings"][0]["value"], "proxy.example.com:8080");
    assert_eq!(object["omaSettings"][1]["value"], 15);
}

/// A GET's `omaSettings`, as the editor would send them back whole.
async fn settings_as_read(h: &Harness) -> Value {
    h.get(&object_uri()).await.json["omaSettings"].clone()
}

#[tokio::test]
async fn every_answer_masks_the_secret() {
    let h = Harness::new();
    let one = h.get(&object_uri()).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(
        one.json["@odata.type"],
        "#microsoft.graph.windows10CustomConfiguration"
    );
    assert_masked(&one.json, ENCRYPTED_OMA_REFERENCE);

    let list = h.get(&format!("{CONFIGS}?$top=999")).await;
    let listed = list.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == ENCRYPTED_OMA_ID)
        .expect("listed");
    assert_masked(listed, ENCRYPTED_OMA_REFERENCE);

    let selected = h
        .get(&format!("{}?$select=omaSettings", object_uri()))
        .await;
    assert_masked(&selected.json, ENCRYPTED_OMA_REFERENCE);
    let selected_list = h
        .get(&format!(
            "{CONFIGS}?$select=displayName,omaSettings&$top=999"
        ))
        .await;
    assert!(!selected_list.text().contains(ENCRYPTED_OMA_SECRET));

    let control = h
        .get(&format!("/_sandbox/objects/beta/{ENCRYPTED_OMA_ID}"))
        .await;
    assert_masked(&control.json, ENCRYPTED_OMA_REFERENCE);
    let stored = plain(&h).await;
    assert_eq!(secret_of(&stored)["value"], ENCRYPTED_OMA_SECRET);
    assert_eq!(
        secret_of(&stored)["secretReferenceValueId"],
        ENCRYPTED_OMA_REFERENCE
    );
    h.get(&format!(
        "/_sandbox/objects/beta/{ENCRYPTED_OMA_ID}?secrets=yes"
    ))
    .await
    .graph_error(400, "BadRequest");

    // A PATCH's answer masks it too.
    let r = h
        .patch(&object_uri(), &json!({"displayName": "Renamed"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_masked(&r.json, ENCRYPTED_OMA_REFERENCE);

    for r in [&one, &list, &selected, &control, &r] {
        assert!(!r.text().contains(ENCRYPTED_OMA_SECRET), "{}", r.text());
    }
}

#[tokio::test]
async fn the_function_reveals_to_writers_only() {
    let h = Harness::new();
    let r = reveal(&h, ENCRYPTED_OMA_REFERENCE).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json,
        json!({
            "@odata.context": format!("http://{HOST}/beta/$metadata#Edm.String"),
            "value": ENCRYPTED_OMA_SECRET,
        })
    );
    // The other spellings of the call: a parameter alias, percent-encoded quotes, the
    // namespace-qualified name.
    for uri in [
        format!(
            "{}/getOmaSettingPlainTextValue(secretReferenceValueId=@p)?@p='{ENCRYPTED_OMA_REFERENCE}'",
            object_uri()
        ),
        format!(
            "{}/getOmaSettingPlainTextValue(secretReferenceValueId=@ref)?%40ref=%27{ENCRYPTED_OMA_REFERENCE}%27",
            object_uri()
        ),
        format!(
            "{}/getOmaSettingPlainTextValue(secretReferenceValueId=%27{ENCRYPTED_OMA_REFERENCE}%27)",
            object_uri()
        ),
        format!(
            "{}/microsoft.graph.getOmaSettingPlainTextValue(secretReferenceValueId='{ENCRYPTED_OMA_REFERENCE}')",
            object_uri()
        ),
    ] {
        let r = h.get(&uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
        assert_eq!(r.json["value"], ENCRYPTED_OMA_SECRET, "{uri}");
    }

    // An application token with the write role may too.
    let with = |auth: String| {
        h.control(Method::GET, &reveal_uri(ENCRYPTED_OMA_REFERENCE))
            .header(header::AUTHORIZATION, auth)
            .body(Body::empty())
            .unwrap()
    };
    let app = bearer(&TokenRequest {
        roles: vec![WRITE_PERMISSION.into()],
        ..TokenRequest::default()
    });
    assert_eq!(h.send(with(app)).await.json["value"], ENCRYPTED_OMA_SECRET);

    // A token that may only read gets 403, none at all 401.
    let r = h.send(with(bearer(&TokenRequest::read_only()))).await;
    let error = r.graph_error(403, "Forbidden");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains(WRITE_PERMISSION),
        "{error}"
    );
    assert!(!r.text().contains(ENCRYPTED_OMA_SECRET));
    h.send(
        h.control(Method::GET, &reveal_uri(ENCRYPTED_OMA_REFERENCE))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .graph_error(401, "InvalidAuthenticationToken");

    // Unknown references, a reference of another object, no such object: 404.
    reveal(&h, "nope")
        .await
        .graph_error(404, "ResourceNotFound");
    reveal(&h, &format!("{ENCRYPTED_OMA_ID}_0_000000000000"))
        .await
        .graph_error(404, "ResourceNotFound");
    h.get(&format!(
        "{CONFIGS}/{MANY_OMA_SETTINGS_ID}/getOmaSettingPlainTextValue(secretReferenceValueId='{ENCRYPTED_OMA_REFERENCE}')"
    ))
    .await
    .graph_error(404, "ResourceNotFound");
    h.get(&format!(
        "{CONFIGS}/no-such-object/getOmaSettingPlainTextValue(secretReferenceValueId='{ENCRYPTED_OMA_REFERENCE}')"
    ))
    .await
    .graph_error(404, "ResourceNotFound");

    // A call it cannot read: 400; another method: 405.
    for bad in [
        "getOmaSettingPlainTextValue",
        "getOmaSettingPlainTextValue()",
        "getOmaSettingPlainTextValue(secretReferenceValueId=unquoted)",
        "getOmaSettingPlainTextValue(secretReferenceValueId=@p)",
    ] {
        h.get(&format!("{}/{bad}", object_uri()))
            .await
            .graph_error(400, "BadRequest");
    }
    let r = h
        .send(
            h.request(Method::POST, &reveal_uri(ENCRYPTED_OMA_REFERENCE))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    r.graph_error(405, "MethodNotAllowed");
    assert_eq!(r.header("allow"), Some("GET"));

    // Recorded like every Graph request.
    let recorded = h.sandbox.recorded();
    assert_eq!(recorded[0].path, reveal_uri(ENCRYPTED_OMA_REFERENCE));
    assert_eq!(recorded[0].status, Some(200));
    let statuses: Vec<Option<u16>> = recorded
        .iter()
        .filter(|r| r.path.contains("getOmaSettingPlainTextValue"))
        .map(|r| r.status)
        .collect();
    assert!(statuses.contains(&Some(403)), "{statuses:?}");
    assert!(statuses.contains(&Some(404)), "{statuses:?}");
}

#[tokio::test]
async fn patching_the_mask_back_overwrites_the_secret() {
    let h = Harness::new();
    let settings = settings_as_read(&h).await;
    assert_eq!(secret_of_list(&settings)["value"], OMA_MASK);
    let r = h
        .patch(&object_uri(), &json!({ "omaSettings": settings }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // The hazard: the stored secret is now the mask itself, under a new reference.
    let stored = plain(&h).await;
    assert_eq!(secret_of(&stored)["value"], OMA_MASK);
    let reference = secret_of(&stored)["secretReferenceValueId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(reference, ENCRYPTED_OMA_REFERENCE);
    assert!(
        reference.starts_with(&format!("{ENCRYPTED_OMA_ID}_2_")),
        "{reference}"
    );
    assert_masked(&r.json, &reference);
    assert_eq!(reveal(&h, &reference).await.json["value"], OMA_MASK);
    reveal(&h, ENCRYPTED_OMA_REFERENCE)
        .await
        .graph_error(404, "ResourceNotFound");
}

fn secret_of_list(settings: &Value) -> &Value {
    &settings[2]
}

#[tokio::test]
async fn patching_without_the_value_keeps_the_secret() {
    let h = Harness::new();
    for absent in [None, Some(Value::Null)] {
        let mut settings = settings_as_read(&h).await;
        settings[0]["value"] = json!("proxy.example.org:3128");
        let item = settings[2].as_object_mut().unwrap();
        match &absent {
            None => item.remove("value"),
            Some(null) => item.insert("value".into(), null.clone()),
        };
        let r = h
            .patch(&object_uri(), &json!({ "omaSettings": settings }))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{absent:?}: {}", r.text());
        let stored = plain(&h).await;
        assert_eq!(
            stored["omaSettings"][0]["value"], "proxy.example.org:3128",
            "{absent:?}"
        );
        assert_eq!(secret_of(&stored)["value"], ENCRYPTED_OMA_SECRET);
        assert_eq!(
            secret_of(&stored)["secretReferenceValueId"],
            ENCRYPTED_OMA_REFERENCE
        );
        assert_eq!(
            reveal(&h, ENCRYPTED_OMA_REFERENCE).await.json["value"],
            ENCRYPTED_OMA_SECRET
        );
    }

    // Without a value and without a reference this object has, it is refused; nothing changes.
    let before = plain(&h).await;
    for reference in [json!("someone-else_2_000000000000"), Value::Null] {
        let mut settings = settings_as_read(&h).await;
        let item = settings[2].as_object_mut().unwrap();
        item.remove("value");
        item.insert("secretReferenceValueId".into(), reference);
        let r = h
            .patch(&object_uri(), &json!({ "omaSettings": settings }))
            .await;
        let error = r.graph_error(400, "BadRequest");
        assert_eq!(error["target"], "omaSettings[2].value");
        assert_eq!(error["details"][0]["code"], "missing-secret");
    }
    assert_eq!(plain(&h).await, before);
}

#[tokio::test]
async fn patching_a_new_value_stores_it() {
    let h = Harness::new();
    let mut settings = settings_as_read(&h).await;
    settings[2]["value"] = json!("n3w-secret");
    let r = h
        .patch(&object_uri(), &json!({ "omaSettings": settings }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(!r.text().contains("n3w-secret"));
    let stored = plain(&h).await;
    assert_eq!(secret_of(&stored)["value"], "n3w-secret");
    let reference = secret_of(&stored)["secretReferenceValueId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(reference, ENCRYPTED_OMA_REFERENCE);
    assert_masked(&h.get(&object_uri()).await.json, &reference);
    assert_eq!(reveal(&h, &reference).await.json["value"], "n3w-secret");

    // A new encrypted item gets its own reference; an item without isEncrypted is stored as
    // sent, masked by nobody.
    let mut settings = settings_as_read(&h).await;
    let items = settings.as_array_mut().unwrap();
    items[2].as_object_mut().unwrap().remove("value");
    items.push(json!({
        "@odata.type": "#microsoft.graph.omaSettingString",
        "displayName": "Second secret",
        "omaUri": "./Vendor/MSFT/Second",
        "value": "another",
        "isEncrypted": true
    }));
    items.push(json!({
        "@odata.type": "#microsoft.graph.omaSettingString",
        "displayName": "Plain",
        "omaUri": "./Vendor/MSFT/Plain",
        "value": "visible"
    }));
    let r = h
        .patch(&object_uri(), &json!({ "omaSettings": settings }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json["omaSettings"][3]["value"], OMA_MASK);
    assert_eq!(r.json["omaSettings"][4]["value"], "visible");
    let second = r.json["omaSettings"][3]["secretReferenceValueId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(second.starts_with(&format!("{ENCRYPTED_OMA_ID}_3_")));
    assert_eq!(reveal(&h, &second).await.json["value"], "another");
    assert_eq!(
        reveal(&h, &reference).await.json["value"],
        "n3w-secret",
        "sent back without a value, the first secret is kept"
    );
}

#[tokio::test]
async fn secrets_survive_a_restart_and_the_state_file_is_never_served() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
    let state = dist.path().join(".sandbox-state.json");
    let config = Config {
        state_file: Some(state.clone()),
        dist: Some(dist.path().to_path_buf()),
        ..Config::default()
    };
    let h = Harness::with(config.clone());
    let mut settings = settings_as_read(&h).await;
    settings[2]["value"] = json!("kept-on-disk");
    assert_eq!(
        h.patch(&object_uri(), &json!({ "omaSettings": settings }))
            .await
            .status,
        StatusCode::OK
    );
    let reference = plain(&h).await["omaSettings"][2]["secretReferenceValueId"]
        .as_str()
        .unwrap()
        .to_string();
    // The state file keeps the plain value, so the secret outlives the process...
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(text.contains("kept-on-disk"));
    drop(h);
    let again = Harness::with(config);
    assert_eq!(
        reveal(&again, &reference).await.json["value"],
        "kept-on-disk"
    );
    assert_masked(&again.get(&object_uri()).await.json, &reference);

    // ...and the static file server never hands it out, under any spelling.
    assert_eq!(again.get("/index.html").await.status, StatusCode::OK);
    for path in [
        "/.sandbox-state.json",
        "/%2Esandbox-state.json",
        "/.sandbox-state.json?x=1",
        "/./.sandbox-state.json",
    ] {
        let r = again.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.text().contains("kept-on-disk"), "{path}");
    }
    // Nor a temporary file of a save (one left behind by a crash).
    let tmp = temp_path(&state);
    std::fs::write(&tmp, &text).unwrap();
    let name = tmp.file_name().unwrap().to_str().unwrap();
    let r = again.get(&format!("/{name}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{name}");
    // Another file of the same directory is still served.
    std::fs::write(dist.path().join(".other.json"), "{}").unwrap();
    assert_eq!(again.get("/.other.json").await.status, StatusCode::OK);
}
