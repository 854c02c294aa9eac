//! Lists, GETs and PATCHes as the editor makes them.

use axum::body::Body;
use axum::http::{header, Method, StatusCode};
use graph_sandbox::Config;
use policy_core::model::ApiVersion;
use serde_json::{json, Value};

use crate::common::{Harness, CONFIGS, GENERAL, HOST};

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[tokio::test]
async fn list_selects_and_pages_with_next_links() {
    let h = Harness::new();
    let total = h
        .sandbox
        .stores()
        .get(ApiVersion::Beta)
        .in_set("deviceManagement/deviceConfigurations")
        .count();
    assert!(total >= 7, "{total}");

    let first = h
        .get(&format!("{CONFIGS}?$select=displayName,version&$top=3"))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(
        first.json["@odata.context"],
        format!("http://{HOST}/beta/$metadata#deviceManagement/deviceConfigurations(displayName,version)")
    );
    for item in first.json["value"].as_array().unwrap() {
        assert_eq!(keys(item), ["@odata.type", "id", "displayName", "version"]);
    }

    let mut seen = Vec::new();
    let mut page = first;
    loop {
        let items = page.json["value"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_string()));
        let Some(next) = page.json["@odata.nextLink"].as_str() else {
            break;
        };
        let prefix = format!("http://{HOST}/beta/deviceManagement/deviceConfigurations?");
        assert!(next.starts_with(&prefix), "{next}");
        assert!(next.contains("$skiptoken="), "{next}");
        page = h
            .get(next.strip_prefix(&format!("http://{HOST}")).unwrap())
            .await;
        assert_eq!(page.status, StatusCode::OK);
    }
    assert_eq!(seen.len(), total);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), total, "no object twice");

    // Without $top one page of up to 100 holds everything, whole objects, no next link.
    let all = h.get(CONFIGS).await;
    assert_eq!(all.json["value"].as_array().unwrap().len(), total);
    assert!(all.json.get("@odata.nextLink").is_none());
    assert!(all.json["value"][0]["lastModifiedDateTime"].is_string());
}

#[tokio::test]
async fn any_collection_lists_and_bad_paging_is_refused() {
    let h = Harness::new();
    let profiles = h
        .get("/beta/deviceManagement/androidForWorkEnrollmentProfiles")
        .await;
    assert_eq!(
        profiles.json["value"][0]["id"],
        "e6742553-2553-e674-5325-74e6532574e6"
    );
    let empty = h.get("/v1.0/deviceManagement/deviceCategories").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.json["value"], json!([]));
    let v1 = h
        .get("/v1.0/deviceManagement/deviceConfigurations?$top=999")
        .await;
    assert_eq!(v1.json["value"].as_array().unwrap().len(), 3);
    let zero = h.get(&format!("{CONFIGS}?$top=0")).await;
    assert_eq!(zero.json["value"], json!([]));
    for bad in ["$top=1000", "$top=-1", "$top=many", "$skiptoken=abc"] {
        h.get(&format!("{CONFIGS}?{bad}"))
            .await
            .graph_error(400, "BadRequest");
    }
}

#[tokio::test]
async fn get_by_id_by_alternate_paths_and_singletons() {
    let h = Harness::new();
    let direct = h.get(&format!("{CONFIGS}/{GENERAL}")).await;
    assert_eq!(direct.status, StatusCode::OK);
    assert_eq!(
        direct.json["@odata.context"],
        format!("http://{HOST}/beta/$metadata#deviceManagement/deviceConfigurations/$entity")
    );
    assert_eq!(direct.json["workProfilePasswordMinimumLength"], 6);

    let via_assignment = h
        .get(&format!(
            "{CONFIGS}/{GENERAL}/groupAssignments/g1/deviceConfiguration"
        ))
        .await;
    assert_eq!(via_assignment.json, direct.json);
    let via_network = h
        .get(&format!(
            "{CONFIGS}/any/microsoft.graph.windowsDomainJoinConfiguration/networkAccessConfigurations/{GENERAL}"
        ))
        .await;
    assert_eq!(via_network.json["id"], GENERAL);

    let office = h.get("/beta/officeConfiguration").await;
    assert_eq!(office.status, StatusCode::OK);
    assert_eq!(office.json["id"], "4b5f7085-7085-4b5f-8570-5f4b85705f4b");
    assert_eq!(
        office.json["@odata.context"],
        format!("http://{HOST}/beta/$metadata#officeConfiguration")
    );

    let selected = h
        .get(&format!("{CONFIGS}/{GENERAL}?$select=displayName"))
        .await;
    assert_eq!(
        keys(&selected.json),
        ["@odata.context", "@odata.type", "id", "displayName"]
    );

    // The v1.0 custom profile is also in beta; beta-only things are not in v1.0.
    let custom = "76c5d59b-d59b-76c5-9bd5-c5769bd5c576";
    for api in ["v1.0", "beta"] {
        let r = h
            .get(&format!(
                "/{api}/deviceManagement/deviceConfigurations/{custom}"
            ))
            .await;
        assert_eq!(
            r.json["omaSettings"][0]["@odata.type"],
            "microsoft.graph.omaSettingString"
        );
    }
    h.get(&format!(
        "/v1.0/deviceManagement/deviceConfigurations/{GENERAL}"
    ))
    .await
    .graph_error(404, "ResourceNotFound");
    h.get("/v1.0/officeConfiguration")
        .await
        .graph_error(404, "ResourceNotFound");
    h.get(&format!("{CONFIGS}/no-such-id"))
        .await
        .graph_error(404, "ResourceNotFound");
    // An object is found only in its own set.
    h.get(&format!(
        "/beta/deviceManagement/androidForWorkEnrollmentProfiles/{GENERAL}"
    ))
    .await
    .graph_error(404, "ResourceNotFound");
}

#[tokio::test]
async fn patch_merges_bumps_version_and_answers_the_object() {
    let h = Harness::new();
    let before = h.stored("beta", GENERAL).await;
    let r = h
        .patch(
            &format!("{CONFIGS}/{GENERAL}"),
            &json!({
                "@odata.type": "microsoft.graph.androidForWorkGeneralDeviceConfiguration",
                "displayName": "Renamed",
                "passwordMinimumLength": 8,
                "createdDateTime": "2000-01-01T00:00:00Z"
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let after = h.stored("beta", GENERAL).await;
    assert_eq!(after["displayName"], "Renamed");
    assert_eq!(after["passwordMinimumLength"], 8);
    assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
    assert_ne!(
        after["lastModifiedDateTime"],
        before["lastModifiedDateTime"]
    );
    let modified = after["lastModifiedDateTime"].as_str().unwrap();
    assert!(
        policy_core::edm::is_date_time_offset(modified),
        "{modified}"
    );
    assert!(modified.ends_with('Z'));
    // Read-only properties are ignored, everything not sent is kept.
    assert_eq!(after["createdDateTime"], before["createdDateTime"]);
    for (k, v) in before.as_object().unwrap() {
        if ![
            "displayName",
            "passwordMinimumLength",
            "version",
            "lastModifiedDateTime",
        ]
        .contains(&k.as_str())
        {
            assert_eq!(&after[k], v, "{k}");
        }
    }
    // The answer is the whole stored object.
    let mut answered = r.json.clone();
    answered.as_object_mut().unwrap().remove("@odata.context");
    assert_eq!(answered, after);

    // The alternate path patches the same object; `#` in @odata.type is optional.
    let r = h
        .patch(
            &format!("{CONFIGS}/{GENERAL}/groupAssignments/g/deviceConfiguration"),
            &json!({"@odata.type": "#microsoft.graph.androidForWorkGeneralDeviceConfiguration", "description": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(h.stored("beta", GENERAL).await["description"], "x");

    // A singleton without lastModifiedDateTime in its type does not gain one.
    let office = "4b5f7085-7085-4b5f-8570-5f4b85705f4b";
    let r = h
        .patch(
            "/beta/officeConfiguration",
            &json!({"tenantUserCheckinSummary": {"succeededUserCount": 3, "failedUserCount": 0}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let stored = h.stored("beta", office).await;
    assert_eq!(stored["tenantUserCheckinSummary"]["succeededUserCount"], 3);
    assert!(stored.get("lastModifiedDateTime").is_none());
}

#[tokio::test]
async fn patch_answers_204_when_asked_or_configured() {
    let h = Harness::new();
    let uri = format!("{CONFIGS}/{GENERAL}");
    let r = h
        .send(
            h.request(Method::PATCH, &uri)
                .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
                .header("Prefer", "return=minimal")
                .body(Body::from(r#"{"displayName":"Quiet"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.raw.is_empty());
    assert_eq!(h.stored("beta", GENERAL).await["displayName"], "Quiet");

    let h = Harness::with(Config {
        respond_204: true,
        ..Config::default()
    });
    let r = h.patch(&uri, &json!({"displayName": "Quiet too"})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.raw.is_empty());
    assert_eq!(h.stored("beta", GENERAL).await["version"], 8);
}

/// One PATCH that must be refused.
struct Rejection {
    name: &'static str,
    body: String,
    content_type: &'static str,
    status: u16,
    code: &'static str,
    /// The first detail's code and target, which is also the error's target.
    detail: Option<(&'static str, &'static str)>,
}

fn rejection(name: &'static str, body: &str, status: u16, code: &'static str) -> Rejection {
    Rejection {
        name,
        body: body.to_string(),
        content_type: "application/json",
        status,
        code,
        detail: None,
    }
}

fn invalid(name: &'static str, body: &str, detail: (&'static str, &'static str)) -> Rejection {
    Rejection {
        detail: Some(detail),
        ..rejection(name, body, 400, "BadRequest")
    }
}

#[tokio::test]
async fn patch_rejections_are_graph_errors_and_change_nothing() {
    let h = Harness::new();
    let uri = format!("{CONFIGS}/{GENERAL}");
    let before = h.stored("beta", GENERAL).await;
    let big = format!(r#"{{"displayName":"{}"}}"#, "x".repeat(5 * 1024 * 1024));
    let cases = [
        invalid(
            "unknown property",
            r#"{"noSuchSetting":true}"#,
            ("unknown-property", "noSuchSetting"),
        ),
        invalid(
            "wrong JSON type",
            r#"{"passwordMinimumLength":"eight"}"#,
            ("wrong-type", "passwordMinimumLength"),
        ),
        invalid(
            "out of range",
            r#"{"workProfilePasswordMinimumLength":0}"#,
            ("out-of-range", "workProfilePasswordMinimumLength"),
        ),
        invalid(
            "nested error",
            r#"{"roleScopeTagIds":[1]}"#,
            ("wrong-type", "roleScopeTagIds[0]"),
        ),
        rejection(
            "other type",
            r##"{"@odata.type":"#microsoft.graph.windows10GeneralConfiguration","displayName":"x"}"##,
            400,
            "BadRequest",
        ),
        rejection(
            "unknown type",
            r#"{"@odata.type":"nonsense","displayName":"x"}"#,
            400,
            "BadRequest",
        ),
        rejection("empty body", "", 400, "BadRequest"),
        rejection("empty object", "{}", 400, "BadRequest"),
        rejection(
            "only the type",
            r#"{"@odata.type":"microsoft.graph.androidForWorkGeneralDeviceConfiguration"}"#,
            400,
            "BadRequest",
        ),
        rejection("a list", "[1,2]", 400, "BadRequest"),
        rejection("malformed JSON", r#"{"displayName": "#, 400, "BadRequest"),
        Rejection {
            content_type: "text/plain",
            ..rejection(
                "text/plain",
                r#"{"displayName":"x"}"#,
                415,
                "UnsupportedMediaType",
            )
        },
        Rejection {
            content_type: "",
            ..rejection(
                "no content type",
                r#"{"displayName":"x"}"#,
                415,
                "UnsupportedMediaType",
            )
        },
        rejection("5 MiB", &big, 413, "RequestEntityTooLarge"),
    ];
    for case in cases {
        let mut req = h.request(Method::PATCH, &uri);
        if !case.content_type.is_empty() {
            req = req.header(header::CONTENT_TYPE, case.content_type);
        }
        let r = h.send(req.body(Body::from(case.body)).unwrap()).await;
        let error = r.graph_error(case.status, case.code);
        let name = case.name;
        if let Some((detail_code, target)) = case.detail {
            assert_eq!(error["target"], target, "{name}");
            assert_eq!(error["details"][0]["code"], detail_code, "{name}");
            assert_eq!(error["details"][0]["target"], target, "{name}");
            assert!(error["details"][0]["message"].is_string(), "{name}");
        }
        if name == "other type" {
            assert_eq!(error["target"], "@odata.type");
        }
    }
    assert_eq!(h.stored("beta", GENERAL).await, before);
}

#[tokio::test]
async fn every_problem_is_listed() {
    let h = Harness::new();
    let r = h
        .patch(
            &format!("{CONFIGS}/{GENERAL}"),
            &json!({"a": 1, "b": 2, "passwordExpirationDays": "x"}),
        )
        .await;
    let error = r.graph_error(400, "BadRequest");
    let targets: Vec<&str> = error["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["a", "b", "passwordExpirationDays"]);
}
