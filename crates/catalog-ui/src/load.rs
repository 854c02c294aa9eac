//! Loading what a policy needs: its definitions (kept ones first, then fresh ones from Graph
//! through the page: `settings?$expand=settingDefinitions`, its template's `settingTemplates`,
//! and any definition a draft names that these lack), and the names of their categories (the
//! whole list in one request, kept). Fresh ones are kept in the browser for the next, possibly
//! offline, opening; they are shown again only when they differ from the kept ones.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use policy_core::settings::{Definition, Definitions, PolicyContext, Template};
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
    for d in entry
        .get("definitions")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
    {
        if let Ok(d) = Definition::from_graph_json(d) {
            defs.insert(d);
        }
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

/// The key of the category names kept for a namespace.
pub fn categories_key(namespace: &str) -> String {
    format!("{namespace}|categories")
}

/// The category list as Graph gives it (every page), each category's id and name only.
const CATEGORY_LIST: &str = "deviceManagement/configurationCategories?$select=id,displayName";
/// The same, whole: for a service that refuses `$select` on this list (Graph's reference does not
/// say that it takes it).
const CATEGORY_LIST_WHOLE: &str = "deviceManagement/configurationCategories";

/// Every category of the catalog, from Graph.
async fn category_list(host: &Host) -> Result<Vec<Value>, String> {
    let pages = |path: &'static str| async move {
        let mut list = Vec::new();
        host.get_pages(path, |_, page| {
            if let Some(items) = page.get("value").and_then(Value::as_array) {
                list.extend(items.iter().cloned());
            }
        })
        .await?;
        Ok::<_, String>(list)
    };
    match pages(CATEGORY_LIST).await {
        Ok(list) => Ok(list),
        Err(_) => pages(CATEGORY_LIST_WHOLE).await,
    }
}

/// Adds the names of `list` to `kept`; true when one is new or changed.
fn add_names(kept: &mut Map<String, Value>, list: Vec<Value>) -> bool {
    let mut changed = false;
    for c in list {
        if let (Some(id), Some(name)) = (
            c.get("id").and_then(Value::as_str),
            c.get("displayName").and_then(Value::as_str),
        ) {
            if kept.get(id).and_then(Value::as_str) != Some(name) {
                kept.insert(id.to_string(), json!(name));
                changed = true;
            }
        }
    }
    changed
}

/// The category list asked for while the definitions load: it ends in `slot`.
struct Early {
    done: js_sys::Promise,
    slot: Rc<RefCell<Option<Vec<Value>>>>,
}

impl Early {
    fn start(host: &Host) -> Early {
        let slot = Rc::new(RefCell::new(None));
        let (host, into) = (host.clone(), slot.clone());
        let done = wasm_bindgen_futures::future_to_promise(async move {
            if let Ok(list) = category_list(&host).await {
                *into.borrow_mut() = Some(list);
            }
            Ok(wasm_bindgen::JsValue::UNDEFINED)
        });
        Early { done, slot }
    }

    async fn list(self) -> Option<Vec<Value>> {
        let _ = wasm_bindgen_futures::JsFuture::from(self.done).await;
        self.slot.borrow_mut().take()
    }
}

/// Adds to `kept` the names of the categories of `defs` it lacks, from the list asked for
/// beside the definitions (`early`) or else asked for now: one request (a page) for them all.
/// True when a name was added.
async fn complete_categories(
    host: &Host,
    defs: &Definitions,
    kept: &mut Map<String, Value>,
    early: Option<Early>,
) -> bool {
    let missing = defs
        .iter()
        .filter_map(|d| d.category_id.as_deref())
        .any(|id| !kept.contains_key(id));
    let list = match early {
        Some(early) => early.list().await,
        None if missing => category_list(host).await.ok(),
        None => None,
    };
    list.is_some_and(|list| add_names(kept, list))
}

/// Loads the policy's definitions: the kept ones at once (unless `refresh`), then fresh ones,
/// shown again only when they differ; offline, the kept ones stay with a note saying so. The
/// category names come with them (kept, else asked for beside the definitions).
pub async fn definitions(host: Host, input: &Input, refresh: bool, dispatch: impl Fn(Msg)) {
    let key = input.policy_key();
    let cat_key = categories_key(&input.namespace);
    // Both entries are looked up at once (the module's start may have begun already).
    let (entry_lookup, cats_lookup) = (store::lookup(&key), store::lookup(&cat_key));
    let mut entry = match entry_lookup {
        Some(l) => store::read_started(l).await,
        None => None,
    }
    .unwrap_or_else(|| json!({}));
    let mut kept_cats: Map<String, Value> = match cats_lookup {
        Some(l) => store::read_started(l).await,
        None => None,
    }
    .and_then(|v| match v {
        Value::Object(m) => Some(m),
        _ => None,
    })
    .unwrap_or_default();
    store::mark("catalog-kept-read");
    let kept_as_of = entry
        .get("asOf")
        .and_then(Value::as_str)
        .map(str::to_string);
    let has_kept = entry
        .get("definitions")
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty());
    let mut shown = false;
    if has_kept && !refresh {
        let (defs, template) = from_entry(&entry);
        store::mark("catalog-kept-parsed");
        dispatch(Msg::Categories(names(&kept_cats)));
        dispatch(Msg::Definitions {
            defs,
            template,
            as_of: kept_as_of.clone(),
            note: None,
        });
        shown = true;
    }
    // No names kept yet: the list is asked for beside the definitions.
    let early = kept_cats.is_empty().then(|| Early::start(&host));
    match fresh(&host, input).await {
        Ok((raw, template)) => {
            let mut changed = merge_definitions(&mut entry, raw);
            if let Some(t) = template {
                changed |= entry.get("template") != Some(&t);
                entry["template"] = t;
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
            changed |= merge_definitions(&mut entry, single);
            let now = store::now_iso();
            entry["asOf"] = json!(now);
            let (defs, template) = from_entry(&entry);
            let cats_changed = complete_categories(&host, &defs, &mut kept_cats, early).await;
            if cats_changed {
                dispatch(Msg::Categories(names(&kept_cats)));
            }
            if changed || !shown {
                dispatch(Msg::Definitions {
                    defs,
                    template,
                    as_of: None,
                    note: None,
                });
            }
            // Shown first, kept next; "as of" once kept.
            store::write(&key, &entry).await;
            if cats_changed {
                store::write(&cat_key, &Value::Object(kept_cats)).await;
            }
            dispatch(Msg::AsOf(now));
        }
        Err(e) if has_kept => {
            let note = format!(
                "Graph could not be reached ({e}): the definitions kept in this browser are used."
            );
            if shown {
                dispatch(Msg::Note(note));
            } else {
                let (defs, template) = from_entry(&entry);
                dispatch(Msg::Categories(names(&kept_cats)));
                dispatch(Msg::Definitions {
                    defs,
                    template,
                    as_of: kept_as_of,
                    note: Some(note),
                });
            }
        }
        Err(e) => dispatch(Msg::Note(format!(
            "The setting definitions could not be loaded ({e}), and none are kept in this browser: the settings cannot be checked."
        ))),
    }
}

/// Every category of the catalog (paged), kept with the names already known.
pub async fn all_categories(host: &Host, namespace: &str) -> HashMap<String, String> {
    let key = categories_key(namespace);
    let mut kept: Map<String, Value> = store::read(&key)
        .await
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    if let Ok(list) = category_list(host).await {
        add_names(&mut kept, list);
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
