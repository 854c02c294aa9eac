//! Finding something to edit: list a collection (filtered by type and name), open the
//! `officeConfiguration` singleton, open a JSON file (picker or drop), or start an empty draft.

use policy_core::catalog::set_name;
use policy_core::label::label;
use policy_core::listing::{self, Column, Row};
use policy_core::model::{short_name, ApiVersion};
use serde_json::Value;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::Shared;

/// A catalog as loaded, compared by identity (a new one is a new load).
#[derive(Debug, Clone)]
pub struct CatalogRef(pub std::rc::Rc<policy_core::catalog::Catalog>);

impl PartialEq for CatalogRef {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct ObjectBrowserProps {
    pub api: ApiVersion,
    /// The version's catalog (a few KB), once it is in: the lists show before any type is
    /// loaded.
    pub catalog: Option<CatalogRef>,
    /// Why the lists of collections and types could not be loaded.
    pub catalog_error: Option<AttrValue>,
    pub on_catalog_retry: Callback<()>,
    /// The collection being listed, e.g. `deviceManagement/deviceConfigurations`.
    pub set: AttrValue,
    pub items: Shared<Vec<Value>>,
    pub has_more: bool,
    pub loading: bool,
    pub on_set: Callback<String>,
    pub on_list: Callback<()>,
    pub on_more: Callback<()>,
    /// (entry set, id)
    pub on_open: Callback<(String, String)>,
    /// A singleton's path.
    pub on_open_singleton: Callback<String>,
    /// (file name, content)
    pub on_file: Callback<(String, String)>,
    /// A qualified type name from the catalog.
    pub on_new: Callback<String>,
}

fn read_file(file: web_sys::File, on_file: Callback<(String, String)>) {
    let file = gloo_file::File::from(file);
    wasm_bindgen_futures::spawn_local(async move {
        let name = file.name();
        match gloo_file::futures::read_as_text(&file).await {
            Ok(text) => on_file.emit((name, text)),
            Err(e) => on_file.emit((name, format!("\u{0}{e}"))),
        }
    });
}

#[component]
pub fn ObjectBrowser(props: &ObjectBrowserProps) -> Html {
    let name_filter = use_state(String::new);
    let type_filter = use_state(String::new);
    let sort_by = use_state_eq(|| (Column::Name, true));
    let new_type = use_state(String::new);
    let catalog = props.catalog.as_ref().map(|c| c.0.clone());
    let collections: Vec<&str> = catalog
        .as_deref()
        .map(|c| c.collections.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let singletons: Vec<&str> = catalog
        .as_deref()
        .map(|c| c.singletons())
        .unwrap_or_default();
    let chosen_singleton = use_state(String::new);
    let singleton = if chosen_singleton.is_empty() {
        singletons
            .first()
            .map(|s| s.to_string())
            .unwrap_or_default()
    } else {
        (*chosen_singleton).clone()
    };
    let on_singleton = {
        let c = chosen_singleton.clone();
        Callback::from(move |e: Event| {
            c.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let open_singleton = {
        let cb = props.on_open_singleton.clone();
        let path = singleton.clone();
        Callback::from(move |_| cb.emit(path.clone()))
    };
    let on_set = {
        let cb = props.on_set.clone();
        Callback::from(move |e: Event| {
            cb.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_name = {
        let f = name_filter.clone();
        Callback::from(move |e: InputEvent| {
            f.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_type = {
        let f = type_filter.clone();
        Callback::from(move |e: Event| {
            f.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let item_type = |v: &Value| -> String {
        v.get("@odata.type")
            .and_then(Value::as_str)
            .map(|t| short_name(t).to_string())
            .unwrap_or_default()
    };
    let mut types: Vec<String> = props
        .items
        .iter()
        .map(item_type)
        .filter(|t| !t.is_empty())
        .collect();
    types.sort_unstable();
    types.dedup();
    let needle = crate::util::lowercase(name_filter.trim());
    let mut rows: Vec<Row> = props
        .items
        .iter()
        .filter_map(listing::row)
        .filter(|r| type_filter.is_empty() || r.type_name == *type_filter)
        .filter(|r| listing::matches(r, &needle))
        .collect();
    let (by, ascending) = *sort_by;
    listing::sort(&mut rows, by, ascending);
    let count = rows.len();
    let rows: Vec<Html> = rows
        .into_iter()
        .map(|r| {
            let on_open = props.on_open.clone();
            let set = props.set.to_string();
            let open_id = r.id.clone();
            let onclick = Callback::from(move |_| on_open.emit((set.clone(), open_id.clone())));
            html! {
                <tr key={r.id.clone()}>
                    <td><button type="button" class="link open" {onclick} data-id={r.id.clone()}>{ r.name }</button></td>
                    <td>{ label(&r.type_name) }</td>
                    <td>{ r.platform }</td>
                    <td><time datetime={r.modified.clone()}>{ crate::util::local_date_time(&r.modified) }</time></td>
                    <td>{ match r.assigned { Some(true) => "Yes", Some(false) => "No", None => "" } }</td>
                </tr>
            }
        })
        .collect();
    let header = |c: Column| {
        let sort_by = sort_by.clone();
        let onclick = Callback::from(move |_| {
            let (by, asc) = *sort_by;
            sort_by.set((c, if by == c { !asc } else { true }))
        });
        let aria_sort = (by == c).then_some(if ascending { "ascending" } else { "descending" });
        html! {
            <th scope="col" aria-sort={aria_sort}>
                <button type="button" class="sort" {onclick}>{ c.title() }
                    <span aria-hidden="true">{ if by != c { "" } else if ascending { " ▲" } else { " ▼" } }</span>
                </button>
            </th>
        }
    };
    // Up and down arrows move between the rows' open buttons.
    let on_rows_key = Callback::from(|e: KeyboardEvent| {
        let down = match e.key().as_str() {
            "ArrowDown" => true,
            "ArrowUp" => false,
            _ => return,
        };
        let Some(row) = e
            .target_dyn_into::<web_sys::Element>()
            .and_then(|t| t.closest("tr").ok().flatten())
        else {
            return;
        };
        let next = if down {
            row.next_element_sibling()
        } else {
            row.previous_element_sibling()
        };
        if let Some(b) = next
            .and_then(|r| r.query_selector("button.open").ok().flatten())
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        {
            e.prevent_default();
            let _ = b.focus();
        }
    });

    let on_pick = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                read_file(f, on_file.clone());
            }
            input.set_value("");
        })
    };
    let on_drop = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(f) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|l| l.get(0))
            {
                read_file(f, on_file.clone());
            }
        })
    };
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());

    let on_new_type = {
        let t = new_type.clone();
        Callback::from(move |e: Event| {
            t.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_new = {
        let cb = props.on_new.clone();
        let chosen = new_type.clone();
        Callback::from(move |_| {
            if !chosen.is_empty() {
                cb.emit((*chosen).clone());
            }
        })
    };
    let list = props.on_list.clone();
    let more = props.on_more.clone();
    html! {
        <section class="panel browser" aria-labelledby="browser-title" ondragover={on_drag_over.clone()} ondrop={on_drop.clone()}>
            <h2 id="browser-title">{ "Objects" }</h2>
            if catalog.is_none() {
                if let Some(e) = &props.catalog_error {
                    <p class="error" role="alert" id="catalog-error">
                        { format!("Cannot list the {} collections and types: {e}. ", props.api) }
                        <button type="button" class="link" onclick={props.on_catalog_retry.reform(|_| ())}>{ "Try again" }</button>
                    </p>
                } else {
                    <p class="unit" role="status">{ format!("Loading the list of {} collections and types…", props.api) }</p>
                }
            }
            <div class="row">
                <label for="entry-set">{ "Collection" }</label>
                <select id="entry-set" onchange={on_set}>
                    { for collections.iter().map(|c| html! { <option value={c.to_string()} selected={*c == props.set.as_str()}>{ set_name(c) }</option> }) }
                </select>
                <button type="button" id="list-button" onclick={Callback::from(move |_| list.emit(()))} disabled={props.loading}>
                    { if props.loading { "Loading…" } else { "List objects" } }
                </button>
            </div>
            if !singletons.is_empty() {
                <div class="row">
                    <label for="singleton">{ "Single object" }</label>
                    <select id="singleton" onchange={on_singleton}>
                        { for singletons.iter().map(|p| html! { <option value={p.to_string()} selected={*p == singleton.as_str()}>{ set_name(p) }</option> }) }
                    </select>
                    <button type="button" id="open-singleton" onclick={open_singleton}>{ "Open" }</button>
                </div>
            }
            if !props.items.is_empty() {
                <div class="row filters">
                    <label for="name-filter">{ "Name contains" }</label>
                    <input id="name-filter" type="search" value={(*name_filter).clone()} oninput={on_name} />
                    <label for="type-filter">{ "Type" }</label>
                    <select id="type-filter" onchange={on_type}>
                        <option value="" selected={type_filter.is_empty()}>{ "All types" }</option>
                        { for types.iter().map(|t| html! { <option value={t.clone()} selected={*t == *type_filter}>{ label(t) }</option> }) }
                    </select>
                </div>
                <table class="objects" id="object-list" aria-describedby="object-count">
                    <thead><tr>{ for Column::ALL.iter().map(|c| header(*c)) }</tr></thead>
                    <tbody onkeydown={on_rows_key}>{ rows }</tbody>
                </table>
                <p class="unit" id="object-count" role="status">{ format!("{count} of {} objects{}", props.items.len(), if props.has_more { " loaded so far" } else { "" }) }</p>
                if props.has_more {
                    <button type="button" id="load-more" onclick={Callback::from(move |_| more.emit(()))} disabled={props.loading}>{ "Load more" }</button>
                }
            }
            <div class="row offline-tools">
                <label class="button" for="file-input">{ "Open JSON file…" }</label>
                <input id="file-input" class="visually-hidden" type="file" accept=".json,application/json" onchange={on_pick} />
                <span class="drop-hint">{ "or drop a file here" }</span>
            </div>
            <div class="row">
                <label for="new-type">{ "New draft of type" }</label>
                <select id="new-type" onchange={on_new_type}>
                    <option value="" selected={new_type.is_empty()}>{ "(choose a type)" }</option>
                    { for catalog.iter().flat_map(|c| c.editable()).map(|(name, short)| {
                        html! { <option value={name.to_string()} selected={*new_type == name}>{ format!("{} ({short})", label(short)) }</option> }
                    }) }
                </select>
                <button type="button" id="new-draft" onclick={on_new} disabled={new_type.is_empty()}>{ "Start draft" }</button>
            </div>
        </section>
    }
}
