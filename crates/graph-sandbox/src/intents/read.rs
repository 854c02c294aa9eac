//! The read routes of intents and templates as Graph beta answers them: lists paged with
//! `@odata.nextLink` (and `$top`, `$filter`, `$search`, `$select` as
//! [`crate::settings::query`] reads them), single objects with `@odata.context`. An intent
//! comes without its settings unless `$expand=settings`; its categories are its template's,
//! typed as intent categories, each with the intent's settings of its definitions; a template
//! counts its intents in `intentCount`.

use axum::http::StatusCode;
use axum::response::Response;
use policy_core::model::ApiVersion;
use serde_json::{json, Map, Value};

use super::catalog::{catalog, Category, TYPE_PREFIX};
use super::{not_found, Route, DEFINITIONS, INTENTS, PAGE, TEMPLATES};
use crate::reply::{json_response, Failure};
use crate::sandbox::Sandbox;
use crate::settings::query::Options;
use crate::settings::{entity, Call};
use crate::store::{Store, Stored};

/// The type of an intent's categories (a template's are
/// `deviceManagementTemplateSettingCategory`).
const INTENT_CATEGORY: &str = "deviceManagementIntentSettingCategory";

fn ok(body: &Value) -> Result<Response, Failure> {
    Ok(json_response(StatusCode::OK, body))
}

/// Answers a GET of `route`.
pub fn read(sandbox: &Sandbox, route: &Route, call: &Call<'_>) -> Result<Response, Failure> {
    let q = Options::parse(call.query)?;
    let root = call.api_root;
    // A list of `items` at `path`: filtered, paged, each projected.
    let list = |items: Vec<Value>, path: &str| -> Result<Response, Failure> {
        let kept = items
            .into_iter()
            .filter(|i| q.matches(i))
            .map(|i| q.project(i))
            .collect();
        ok(&q.page(kept, PAGE, root, path, path))
    };
    let one =
        |item: Value, path: &str| ok(&entity(root, &format!("{path}/$entity"), q.project(item)));
    let cat = catalog();
    let stores = sandbox.stores();
    let store = stores.get(ApiVersion::Beta);
    match route {
        Route::Intents => {
            let items = store
                .in_set(INTENTS)
                .filter(|s| q.matches(&Value::Object(s.value.clone())))
                .map(|s| shown(&s.value, &q))
                .collect();
            ok(&q.page(items, PAGE, root, INTENTS, INTENTS))
        }
        Route::Intent(id) => {
            let stored = find(store, id)?;
            ok(&entity(
                root,
                &format!("{INTENTS}/$entity"),
                shown(&stored.value, &q),
            ))
        }
        Route::IntentSettings {
            intent,
            category,
            one: wanted,
        } => {
            let stored = find(store, intent)?;
            let mut settings = settings_of(stored);
            let path = match category {
                Some(c) => {
                    let category = intent_category(stored, intent, c)?;
                    settings.retain(|s| {
                        let d = s
                            .get("definitionId")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        category
                            .definition_ids
                            .iter()
                            .any(|x| x.eq_ignore_ascii_case(d))
                    });
                    format!("{INTENTS}/{intent}/categories/{c}/settings")
                }
                None => format!("{INTENTS}/{intent}/settings"),
            };
            match wanted {
                Some(n) => {
                    let found = settings
                        .into_iter()
                        .find(|s| s.get("id").and_then(Value::as_str) == Some(n.as_str()))
                        .ok_or_else(|| not_found(&path, n))?;
                    one(found, &path)
                }
                None => list(settings, &path),
            }
        }
        Route::IntentCategories {
            intent,
            one: wanted,
        } => {
            let stored = find(store, intent)?;
            let path = format!("{INTENTS}/{intent}/categories");
            match wanted {
                Some(c) => one(
                    as_intent_category(intent_category(stored, intent, c)?),
                    &path,
                ),
                None => {
                    let template = template_of(stored);
                    let all = cat.categories(template).unwrap_or_default();
                    list(all.iter().map(as_intent_category).collect(), &path)
                }
            }
        }
        Route::IntentCategoryDefinitions { intent, category } => {
            let stored = find(store, intent)?;
            let c = intent_category(stored, intent, category)?;
            let path = format!("{INTENTS}/{intent}/categories/{category}/settingDefinitions");
            list(
                cat.category_definitions(c).into_iter().cloned().collect(),
                &path,
            )
        }
        Route::Templates => {
            let items = cat.templates().iter().map(|t| counted(store, t)).collect();
            list(items, TEMPLATES)
        }
        Route::Template(t) => {
            let found = cat.template(t).ok_or_else(|| not_found(TEMPLATES, t))?;
            one(counted(store, found), TEMPLATES)
        }
        Route::TemplateCategories {
            template,
            one: wanted,
        } => {
            let all = cat
                .categories(template)
                .ok_or_else(|| not_found(TEMPLATES, template))?;
            let path = format!("{TEMPLATES}/{template}/categories");
            match wanted {
                Some(c) => {
                    let found = cat
                        .category(template, c)
                        .ok_or_else(|| not_found(&path, c))?;
                    one(found.value.clone(), &path)
                }
                None => list(all.iter().map(|c| c.value.clone()).collect(), &path),
            }
        }
        Route::TemplateCategoryDefinitions { template, category } => {
            cat.template(template)
                .ok_or_else(|| not_found(TEMPLATES, template))?;
            let path = format!("{TEMPLATES}/{template}/categories");
            let found = cat
                .category(template, category)
                .ok_or_else(|| not_found(&path, category))?;
            let path = format!("{path}/{category}/settingDefinitions");
            list(
                cat.category_definitions(found)
                    .into_iter()
                    .cloned()
                    .collect(),
                &path,
            )
        }
        Route::TemplateSettings(template) => {
            let settings = cat
                .template_settings(template)
                .ok_or_else(|| not_found(TEMPLATES, template))?;
            list(
                settings.to_vec(),
                &format!("{TEMPLATES}/{template}/settings"),
            )
        }
        Route::Definitions => list(cat.definitions().to_vec(), DEFINITIONS),
        Route::Definition(d) => {
            let found = cat.definition(d).ok_or_else(|| not_found(DEFINITIONS, d))?;
            one(found.clone(), DEFINITIONS)
        }
        Route::UpdateSettings(_) => Err(Failure::method_not_allowed("GET", "POST")),
    }
}

/// The stored intent `id`, or 404.
pub fn find<'s>(store: &'s Store, id: &str) -> Result<&'s Stored, Failure> {
    store
        .get(id)
        .filter(|s| store.holds(INTENTS, s))
        .ok_or_else(|| not_found(INTENTS, id))
}

/// An intent as answered: its settings only when `$expand=settings` asks.
fn shown(intent: &Map<String, Value>, q: &Options) -> Value {
    let mut value = intent.clone();
    if q.expands("settings") {
        value
            .entry("settings")
            .or_insert_with(|| Value::Array(Vec::new()));
    } else {
        value.remove("settings");
    }
    q.project(Value::Object(value))
}

fn settings_of(stored: &Stored) -> Vec<Value> {
    stored
        .value
        .get("settings")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn template_of(stored: &Stored) -> &str {
    stored
        .value
        .get("templateId")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The category `id` of the intent's template, or 404.
fn intent_category<'c>(stored: &Stored, intent: &str, id: &str) -> Result<&'c Category, Failure> {
    catalog()
        .category(template_of(stored), id)
        .ok_or_else(|| not_found(&format!("{INTENTS}/{intent}/categories"), id))
}

/// A template category as an intent shows it.
fn as_intent_category(category: &Category) -> Value {
    let mut value = category.value.clone();
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "@odata.type".into(),
            json!(format!("{TYPE_PREFIX}{INTENT_CATEGORY}")),
        );
    }
    value
}

/// A template with `intentCount`: how many stored intents name it.
fn counted(store: &Store, template: &Value) -> Value {
    let id = template
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let count = store
        .in_set(INTENTS)
        .filter(|s| {
            s.value
                .get("templateId")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case(id))
        })
        .count();
    let mut value = template.clone();
    if let Some(map) = value.as_object_mut() {
        map.insert("intentCount".into(), json!(count));
    }
    value
}
