//! "Add setting": a search over the whole settings catalog (loaded, paged, only when the picker
//! first opens, and kept in the browser), narrowed to the policy's platform and technologies,
//! by category and by name; a template policy picks among its template's settings only.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use policy_core::settings::{Definitions, Search, SearchFilter, Template};
use serde_json::{json, Value};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::load::all_categories;
use crate::model::add_setting;
use crate::store::{self, Host};
use crate::view::Ptr;

/// Results shown per search.
const LIMIT: usize = 50;

#[derive(Properties, PartialEq)]
pub struct PickerProps {
    pub host: Host,
    pub namespace: AttrValue,
    pub filter: Ptr<SearchFilter>,
    /// The template of an endpoint security policy: only its settings may be added.
    pub template: Option<Ptr<Template>>,
    /// The policy's definitions (a template's are among them).
    pub defs: Ptr<Definitions>,
    pub categories: Ptr<HashMap<String, String>>,
    /// How often the user asked for fresh definitions (Refresh): a change drops the catalog
    /// loaded here, so the next open reads it from Graph again.
    pub generation: u32,
    /// Definition ids the policy has already (lower case).
    pub present: Ptr<HashSet<String>>,
    pub on_add: Callback<(Value, Vec<Value>)>,
}

/// The catalog ready to search.
struct Catalog {
    defs: Definitions,
    search: Search,
    /// Its categories, by name.
    categories: Vec<(String, String)>,
}

/// Marks the kept catalog of `ns` stale (Refresh): the picker's next load asks Graph.
pub async fn forget_catalog(ns: &str) {
    store::write(&format!("{ns}|catalog|meta"), &json!({"pages": 0})).await;
}

/// The whole catalog, kept pages first (unless `fresh`: after Refresh), else from Graph page by
/// page (then kept).
async fn load_catalog(host: &Host, ns: &str, fresh: bool) -> Result<(Definitions, String), String> {
    let meta_key = format!("{ns}|catalog|meta");
    let mut defs = Definitions::default();
    let kept = if fresh {
        None
    } else {
        store::read(&meta_key).await
    };
    if let Some(meta) = kept {
        let pages = meta.get("pages").and_then(Value::as_u64).unwrap_or(0);
        let mut whole = pages > 0;
        for i in 0..pages {
            match store::read(&format!("{ns}|catalog|{i}")).await {
                Some(page) => {
                    let _ = defs.add_graph_json(&page);
                }
                None => {
                    whole = false;
                    break;
                }
            }
        }
        if whole {
            let as_of = meta
                .get("asOf")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            return Ok((defs, as_of));
        }
        defs = Definitions::default();
    }
    let mut pages = Vec::new();
    host.get_pages("deviceManagement/configurationSettings", |_, page| {
        let _ = defs.add_graph_json(page);
        pages.push(page.clone());
    })
    .await?;
    for (i, page) in pages.iter().enumerate() {
        store::write(&format!("{ns}|catalog|{i}"), page).await;
    }
    let now = store::now_iso();
    store::write(&meta_key, &json!({"asOf": now, "pages": pages.len()})).await;
    Ok((defs, now))
}

fn prepare(defs: Definitions, names: &HashMap<String, String>) -> Catalog {
    let search = Search::new(&defs);
    let ids: HashSet<String> = defs.iter().filter_map(|d| d.category_id.clone()).collect();
    let mut categories: Vec<(String, String)> = ids
        .into_iter()
        .map(|id| {
            let name = names.get(&id).cloned().unwrap_or_else(|| id.clone());
            (id, name)
        })
        .collect();
    categories.sort_by_key(|c| c.1.to_lowercase());
    Catalog {
        defs,
        search,
        categories,
    }
}

#[component]
pub fn Picker(p: &PickerProps) -> Html {
    let open = use_state_eq(|| false);
    let catalog = use_state(|| None::<Rc<Catalog>>);
    let status = use_state_eq(|| None::<String>);
    let query = use_state_eq(String::new);
    let category = use_state_eq(|| None::<String>);
    let names = use_state(|| Rc::new(HashMap::<String, String>::new()));

    // The catalog loads when the picker first opens; after Refresh (a new generation), the
    // one loaded here goes and the next open reads it from Graph again.
    let loaded_generation = use_mut_ref(|| 0u32);
    {
        let (catalog, status, names) = (catalog.clone(), status.clone(), names.clone());
        let (host, ns, template, defs, known) = (
            p.host.clone(),
            p.namespace.to_string(),
            p.template.clone(),
            p.defs.clone(),
            p.categories.clone(),
        );
        use_effect_with((*open, p.generation), move |&(open, generation)| {
            let stale = *loaded_generation.borrow() != generation;
            if stale {
                catalog.set(None);
                status.set(None);
            }
            if !open || (!stale && (catalog.is_some() || status.is_some())) {
                return;
            }
            *loaded_generation.borrow_mut() = generation;
            if template.is_some() {
                // A template's settings are among the policy's definitions already.
                catalog.set(Some(Rc::new(prepare((*defs.0).clone(), &known.0))));
                return;
            }
            status.set(Some("Loading the settings catalog…".into()));
            wasm_bindgen_futures::spawn_local(async move {
                match load_catalog(&host, &ns, generation > 0).await {
                    Ok((defs, as_of)) => {
                        let mut all = all_categories(&host, &ns).await;
                        all.extend(known.0.iter().map(|(k, v)| (k.clone(), v.clone())));
                        let c = prepare(defs, &all);
                        status.set(Some(format!(
                            "{} settings in the catalog as of {}.",
                            c.defs.len(),
                            as_of.get(..10).unwrap_or(&as_of)
                        )));
                        names.set(Rc::new(all));
                        catalog.set(Some(Rc::new(c)));
                    }
                    Err(e) => status.set(Some(format!(
                        "The settings catalog could not be loaded: {e}."
                    ))),
                }
            });
        });
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let on_query = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            query.set(el.value());
        })
    };
    let on_category = {
        let category = category.clone();
        Callback::from(move |e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            let v = el.value();
            category.set((!v.is_empty()).then_some(v));
        })
    };
    let results = match (&*catalog, *open) {
        (Some(c), true) => {
            let mut filter = (*p.filter.0).clone();
            filter.category = (*category).clone();
            let allowed = |id: &str| p.template.as_ref().is_none_or(|t| t.0.allows(id));
            c.search
                .query(&query, &filter, LIMIT * 4)
                .into_iter()
                .filter(|id| allowed(id))
                .take(LIMIT)
                .filter_map(|id| c.defs.get(id))
                .map(|d| {
                    let added = p.present.0.contains(&d.id.to_ascii_lowercase());
                    let onclick = {
                        let (c, id, on_add) = (c.clone(), d.id.clone(), p.on_add.clone());
                        Callback::from(move |_| {
                            if let Some(found) = add_setting(&c.defs, &id) {
                                on_add.emit(found);
                            }
                        })
                    };
                    let cat = d
                        .category_id
                        .as_ref()
                        .map(|id| names.get(id).or_else(|| p.categories.0.get(id)).cloned().unwrap_or_else(|| id.clone()));
                    html! {
                        <li>
                            <button type="button" class="pick" data-definition={d.id.clone()} disabled={added} {onclick}>
                                { if d.display_name.is_empty() { d.id.clone() } else { d.display_name.clone() } }
                            </button>
                            { " " }<code class="setting-id">{ &d.id }</code>
                            if let Some(cat) = cat { <span class="unit">{ format!(" · {cat}") }</span> }
                            if added { <span class="unit">{ " · in the policy" }</span> }
                        </li>
                    }
                })
                .collect::<Html>()
        }
        _ => Html::default(),
    };
    html! {
        <div class="picker">
            <button type="button" id="add-setting" aria-expanded={(*open).to_string()} onclick={toggle}>{ "Add setting" }</button>
            if *open {
                <div id="picker" role="group" aria-label="Add a setting">
                    <input type="search" id="picker-search" aria-label="Search settings by name or id" placeholder="Search by name or id" value={(*query).clone()} oninput={on_query} />
                    <select id="picker-category" aria-label="Category" onchange={on_category}>
                        <option value="" selected={category.is_none()}>{ "All categories" }</option>
                        { for catalog.iter().flat_map(|c| c.categories.iter()).map(|(id, name)| html! {
                            <option value={id.clone()} selected={category.as_deref() == Some(id.as_str())}>{ name }</option>
                        }) }
                    </select>
                    if let Some(s) = &*status { <p class="unit" id="picker-status">{ s }</p> }
                    <ul id="picker-results">{ results }</ul>
                </div>
            }
        </div>
    }
}
