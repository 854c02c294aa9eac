//! The older endpoint security "intents" as Graph beta serves them: `deviceManagement/intents`
//! with their `settings` (instances of `deviceManagementSettingInstance` whose value is JSON
//! text in `valueJson`) and `categories`, the bound action `updateSettings`, the templates
//! intents are made from (`deviceManagement/templates` with `categories`, their
//! `settingDefinitions`, and default `settings`) and every definition
//! (`deviceManagement/settingDefinitions`). [`crate::graph`] hands these paths here after the
//! settings catalog and before its generic resolution; v1.0 has none of them and answers 400,
//! as Graph does.
//!
//! The definitions and templates are fixtures the project writes itself ([`mod@catalog`]);
//! intents live in the beta store like every other object, their `settings` inside them (the
//! one copy), hidden from answers unless `$expand=settings` asks ([`hide_settings`]). Reads
//! are [`read`]'s; `updateSettings` is [`update`]'s, judged by [`checks`]. A PATCH of an
//! intent's own properties (`displayName`, `description`, …) is left to the generic handling.

pub mod catalog;
pub mod checks;
pub mod pattern;
pub mod read;
pub mod update;

use axum::http::Method;
use axum::response::Response;
use policy_core::model::ApiVersion;
use serde_json::{Map, Value};

use crate::reply::{shorten, Failure};
use crate::sandbox::Sandbox;
use crate::settings::json_body;
use crate::settings::{beta_only, Call};
pub use catalog::{catalog, Catalog, ValueType};
pub use update::seeded_intents;

/// The seeded intent of the endpoint protection baseline template (firewall, antivirus,
/// browser: every value type).
pub const ENDPOINT_INTENT_ID: &str = "1a7e0000-0000-4000-8000-000000000001";
/// The seeded BitLocker intent.
pub const BITLOCKER_INTENT_ID: &str = "1a7e0000-0000-4000-8000-000000000002";
/// The endpoint protection baseline template.
pub const ENDPOINT_TEMPLATE_ID: &str = "1a7e7e3a-0000-4000-8000-000000000001";
/// The BitLocker template.
pub const BITLOCKER_TEMPLATE_ID: &str = "1a7e7e3a-0000-4000-8000-000000000002";

/// The page size of every list here without `$top`.
pub const PAGE: usize = 100;

/// The entry set intents are stored in.
pub const INTENTS: &str = "deviceManagement/intents";
/// The templates' path.
pub const TEMPLATES: &str = "deviceManagement/templates";
/// Every definition's path.
pub const DEFINITIONS: &str = "deviceManagement/settingDefinitions";

/// Which resource a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Intents,
    Intent(String),
    /// `intents/{id}/settings[/{setting}]` or `intents/{id}/categories/{c}/settings[/{setting}]`.
    IntentSettings {
        intent: String,
        category: Option<String>,
        one: Option<String>,
    },
    IntentCategories {
        intent: String,
        one: Option<String>,
    },
    IntentCategoryDefinitions {
        intent: String,
        category: String,
    },
    UpdateSettings(String),
    Templates,
    Template(String),
    TemplateCategories {
        template: String,
        one: Option<String>,
    },
    TemplateCategoryDefinitions {
        template: String,
        category: String,
    },
    TemplateSettings(String),
    Definitions,
    Definition(String),
}

impl Route {
    /// The intent a route is about, if one.
    fn intent(&self) -> Option<&str> {
        match self {
            Route::Intent(i)
            | Route::IntentSettings { intent: i, .. }
            | Route::IntentCategories { intent: i, .. }
            | Route::IntentCategoryDefinitions { intent: i, .. }
            | Route::UpdateSettings(i) => Some(i),
            _ => None,
        }
    }
}

/// The route of a path (segments after the version, percent-decoded); `None` for paths that
/// are not the intents', `Some(Err)` for one of their paths that names nothing.
pub fn route(segments: &[String]) -> Option<Result<Route, Failure>> {
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let ["deviceManagement", collection, rest @ ..] = s.as_slice() else {
        return None;
    };
    let id = |x: &&str| x.to_string();
    let some = |x: &&str| Some(x.to_string());
    let route = match (*collection, rest) {
        ("intents", []) => Route::Intents,
        ("intents", [i]) => Route::Intent(id(i)),
        ("intents", [i, "settings", one @ ..]) if one.len() <= 1 => Route::IntentSettings {
            intent: id(i),
            category: None,
            one: one.first().and_then(some),
        },
        ("intents", [i, "categories", one @ ..]) if one.len() <= 1 => Route::IntentCategories {
            intent: id(i),
            one: one.first().and_then(some),
        },
        ("intents", [i, "categories", c, "settings", one @ ..]) if one.len() <= 1 => {
            Route::IntentSettings {
                intent: id(i),
                category: some(c),
                one: one.first().and_then(some),
            }
        }
        ("intents", [i, "categories", c, "settingDefinitions"]) => {
            Route::IntentCategoryDefinitions {
                intent: id(i),
                category: id(c),
            }
        }
        ("intents", [i, "updateSettings" | "microsoft.graph.updateSettings"]) => {
            Route::UpdateSettings(id(i))
        }
        ("templates", []) => Route::Templates,
        ("templates", [t]) => Route::Template(id(t)),
        ("templates", [t, "categories", one @ ..]) if one.len() <= 1 => Route::TemplateCategories {
            template: id(t),
            one: one.first().and_then(some),
        },
        ("templates", [t, "categories", c, "settingDefinitions"]) => {
            Route::TemplateCategoryDefinitions {
                template: id(t),
                category: id(c),
            }
        }
        ("templates", [t, "settings"]) => Route::TemplateSettings(id(t)),
        ("settingDefinitions", []) => Route::Definitions,
        ("settingDefinitions", [d]) => Route::Definition(id(d)),
        ("intents" | "templates" | "settingDefinitions", _) => {
            return Some(Err(Failure::not_found(&shorten(&segments.join("/"), 200))))
        }
        _ => return None,
    };
    Some(Ok(route))
}

/// Answers an intents request; `None` when the path is not one, or is a write the generic
/// resolution handles (a PATCH of the intent's own properties).
pub async fn serve(
    sandbox: &Sandbox,
    api: ApiVersion,
    segments: &[String],
    call: &Call<'_>,
) -> Option<Result<Response, Failure>> {
    let served = "endpoint security intents and their templates are";
    let route = match beta_only(route(segments)?, api, segments, served) {
        Ok(r) => r,
        Err(f) => return Some(Err(f)),
    };
    let method = call.method;
    match &route {
        Route::Intents | Route::Intent(_) if *method != Method::GET => return None,
        Route::UpdateSettings(_) if *method != Method::POST => {
            return Some(Err(Failure::method_not_allowed(method.as_str(), "POST")))
        }
        Route::UpdateSettings(_) => {}
        _ if *method != Method::GET => {
            return Some(Err(Failure::method_not_allowed(method.as_str(), "GET")))
        }
        _ => {}
    }
    if let (true, Some(intent)) = (call.concurrent, route.intent()) {
        crate::graph::change_elsewhere(sandbox, ApiVersion::Beta, intent);
        sandbox.save().await;
    }
    Some(match route {
        Route::UpdateSettings(intent) => update::update_settings(sandbox, &intent, call).await,
        route => read::read(sandbox, &route, call),
    })
}

/// Takes the stored settings out of an intent's answer: Graph returns a navigation property
/// only when `$expand` asks for it. The generic handling calls this for every object it
/// answers with (a PATCH of an intent answers the intent).
pub fn hide_settings(set: &str, body: &mut Map<String, Value>) {
    if set == INTENTS {
        body.remove("settings");
    }
}

fn not_found(path: &str, id: &str) -> Failure {
    Failure::not_found(&format!("{path}/{}", shorten(id, 200)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn r(path: &str) -> Option<Result<Route, Failure>> {
        let segs: Vec<String> = path.split('/').map(str::to_string).collect();
        route(&segs)
    }

    #[test]
    fn routes_read_paths() {
        assert_eq!(
            r("deviceManagement/intents/i/categories/c/settings")
                .unwrap()
                .unwrap(),
            Route::IntentSettings {
                intent: "i".into(),
                category: Some("c".into()),
                one: None
            }
        );
        assert_eq!(
            r("deviceManagement/intents/i/microsoft.graph.updateSettings")
                .unwrap()
                .unwrap(),
            Route::UpdateSettings("i".into())
        );
        assert_eq!(
            r("deviceManagement/templates/t/categories/c/settingDefinitions")
                .unwrap()
                .unwrap(),
            Route::TemplateCategoryDefinitions {
                template: "t".into(),
                category: "c".into()
            }
        );
        for unknown in [
            "deviceManagement/templates/t/settingDefinitions",
            "deviceManagement/intents/i/assignments",
            "deviceManagement/intents/i/settings/s/x",
        ] {
            assert_eq!(
                r(unknown).unwrap().unwrap_err().status,
                StatusCode::NOT_FOUND,
                "{unknown}"
            );
        }
        assert!(r("deviceManagement/deviceConfigurations").is_none());
    }
}
