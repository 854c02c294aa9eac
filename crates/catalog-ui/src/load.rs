//! Loading what a policy needs: its definitions (kept ones first, then fresh ones from Graph
//! through the page: `settings?$expand=settingDefinitions`, its template's `settingTemplates`,
//! and any definition a draft names that these lack), and the names of their categories.
//! Fresh ones are kept in the browser for the next, possibly offline, opening.

use std::collections::{HashMap, HashSet};

use policy_core::settings::{Definitions, PolicyContext, Template};
use serde_json::{json, Map, Value};

use crate::state::{Input, Msg};
use crate::store::{self, merge_definitions, Host};

/// The most single definitions asked for one by one (those a draft names that the policy's
/// own answer lacks).
const MAX_SINGLE: usize = 200;

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// Every `settingDefinitionId` in `v` (instances and their children, any depth up to 64).
pub fn definition_ids(v: &Value, out: &mut HashSet<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        Value::Object(map) => {
            if let Some(id) = map.get("settingDefinitionId").and_then(Value::as_str) {
                out.insert(id.to_ascii_lowercase());
            }
            for (k, inner) in map {
                if k != "settingDefinitions" {
                    definition_ids(inner, out, depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| definition_ids(i, out, depth + 1)),
        _ => {}
    }
}

/// The definitions and template a kept entry holds.
fn from_entry(entry: &Value) -> (Definitions, Option<Template>) {
    let mut defs = Definitions::default();
    if let Some(map) = entry.get("definitions").and_then(Value::as_object) {
        let list: Vec<Value> = map.values().cloned().collect();
        let _ = defs.add_graph_json(&Value::Array(list));
    }
    let template = entry
        .get("template")
        .filter(|t| !t.is_null())
        .and_then(|t| Template::from_graph_json(t).ok());
    (defs, template)
}

/// The raw definitions of a Graph answer.
fn raw_of(page: &Value) -> Vec<Value> {
    let mut d = Definitions::default();
    let _ = d.add_graph_json(page);
    d.iter().map(|d| d.raw.clone()).collect()
}

/// Asks Graph (through the page) for what the policy needs; the raw definitions and the
/// template's setting templates.
async fn fresh(host: &Host, input: &Input) -> Result<(Vec<Value>, Option<Value>), String> {
    let mut raw = Vec::new();
    let id = input.policy.get("id").and_then(Value::as_str);
    if let (Some(id), true) = (id, input.loaded.is_some()) {
        let path = format!(
            "deviceManagement/configurationPolicies/{}/settings?$expand=settingDefinitions",
            enc(id)
        );
        host.get_pages(&path, |_, page| raw.extend(raw_of(page)))
            .await?;
    }
    let mut template = None;
    if let Some(t) = PolicyContext::of(&input.policy).template_id {
        let path = format!(
            "deviceManagement/configurationPolicyTemplates/{}/settingTemplates?$expand=settingDefinitions",
            enc(&t)
        );
        let mut items = Vec::new();
        host.get_pages(&path, |_, page| {
            raw.extend(raw_of(page));
            if let Some(list) = page.get("value").and_then(Value::as_array) {
                items.extend(list.iter().cloned());
            }
        })
        .await?;
        template = Some(json!({ "id": t, "value": items }));
    }
    Ok((raw, template))
}

/// Loads the policy's definitions: the kept ones at once (unless `refresh`), then fresh ones;
/// offline, the kept ones stay with a note saying so.
pub async fn definitions(host: Host, input: &Input, refresh: bool, dispatch: impl Fn(Msg)) {
    let key = input.policy_key();
    let mut entry = store::read(&key).await.unwrap_or_else(|| json!({}));
    let kept_as_of = entry
        .get("asOf")
        .and_then(Value::as_str)
        .map(str::to_string);
    let has_kept = entry
        .get("definitions")
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty());
    if has_kept && !refresh {
        let (defs, template) = from_entry(&entry);
        dispatch(Msg::Definitions {
            defs,
            template,
            as_of: kept_as_of.clone(),
            note: None,
        });
    }
    match fresh(&host, input).await {
        Ok((raw, template)) => {
            merge_definitions(&mut entry, raw);
            if template.is_some() {
                entry["template"] = template.unwrap_or_default();
            }
            // What a draft names and the policy's answer lacks (a setting added before).
            let mut wanted = HashSet::new();
            definition_ids(&input.policy, &mut wanted, 0);
            let known: HashSet<String> = entry["definitions"]
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            let mut single = Vec::new();
            for id in wanted.difference(&known).take(MAX_SINGLE) {
                let path = format!("deviceManagement/configurationSettings/{}", enc(id));
                if let Ok(d) = host.get(&path).await {
                    single.extend(raw_of(&d));
                }
            }
            merge_definitions(&mut entry, single);
            let now = store::now_iso();
            entry["asOf"] = json!(now);
            store::write(&key, &entry).await;
            let (defs, template) = from_entry(&entry);
            categories(&host, &input.namespace, &defs, &dispatch).await;
            dispatch(Msg::Definitions {
                defs,
                template,
                as_of: Some(now),
                note: None,
            });
        }
        Err(e) if has_kept => {
            let (defs, template) = from_entry(&entry);
            categories(&host, &input.namespace, &defs, &dispatch).await;
            dispatch(Msg::Definitions {
                defs,
                template,
                as_of: kept_as_of,
                note: Some(format!(
                    "Graph could not be reached ({e}): the definitions kept in this browser are used."
                )),
            });
        }
        Err(e) => dispatch(Msg::Note(format!(
            "The setting definitions could not be loaded ({e}), and none are kept in this browser: the settings cannot be checked."
        ))),
    }
}

/// The kept category names, with those of `defs` not kept yet asked for (one GET each).
pub async fn categories(host: &Host, namespace: &str, defs: &Definitions, dispatch: &impl Fn(Msg)) {
    let key = format!("{namespace}|categories");
    let mut kept: Map<String, Value> = store::read(&key)
        .await
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let wanted: HashSet<String> = defs.iter().filter_map(|d| d.category_id.clone()).collect();
    let mut changed = false;
    let missing: Vec<String> = wanted
        .into_iter()
        .filter(|id| !kept.contains_key(id))
        .take(100)
        .collect();
    for id in &missing {
        let path = format!("deviceManagement/configurationCategories/{}", enc(id));
        match host.get(&path).await {
            Ok(c) => {
                if let Some(name) = c.get("displayName").and_then(Value::as_str) {
                    kept.insert(id.clone(), json!(name));
                    changed = true;
                }
            }
            // Offline: the rest will not answer either.
            Err(_) => break,
        }
    }
    if changed {
        store::write(&key, &Value::Object(kept.clone())).await;
    }
    dispatch(Msg::Categories(names(&kept)));
}

/// Every category of the catalog (paged), kept with the names already known.
pub async fn all_categories(host: &Host, namespace: &str) -> HashMap<String, String> {
    let key = format!("{namespace}|categories");
    let mut kept: Map<String, Value> = store::read(&key)
        .await
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let mut fresh = Vec::new();
    let got = host
        .get_pages("deviceManagement/configurationCategories", |_, page| {
            if let Some(items) = page.get("value").and_then(Value::as_array) {
                fresh.extend(items.iter().cloned());
            }
        })
        .await;
    if got.is_ok() {
        for c in fresh {
            if let (Some(id), Some(name)) = (
                c.get("id").and_then(Value::as_str),
                c.get("displayName").and_then(Value::as_str),
            ) {
                kept.insert(id.to_string(), json!(name));
            }
        }
        store::write(&key, &Value::Object(kept.clone())).await;
    }
    names(&kept)
}

fn names(kept: &Map<String, Value>) -> HashMap<String, String> {
    kept.iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}

/// Keeps definitions the picker added with the policy's, so its draft validates offline.
pub async fn keep_added(key: &str, raw: Vec<Value>) {
    let mut entry = store::read(key).await.unwrap_or_else(|| json!({}));
    merge_definitions(&mut entry, raw);
    if entry.get("asOf").is_none() {
        entry["asOf"] = json!(store::now_iso());
    }
    store::write(key, &entry).await;
}
