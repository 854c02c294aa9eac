//! The list and the drafts panel, drawn from the page's [`Input`]; every button asks the page
//! ([`crate::ask`]).

use std::rc::Rc;

use policy_core::catalog::set_name;
use policy_core::home::{Action, Draft, Input, Unreadable};
use policy_core::label::label;
use policy_core::listing::{self, Column, Row};
use policy_core::model::short_name;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DragEvent, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::ask;

#[derive(Properties)]
pub struct HomeProps {
    pub input: Rc<Input>,
}

impl PartialEq for HomeProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.input, &other.input)
    }
}

/// A date and time as this browser writes them ("6 Dec 2026, 09:14"); the text as given when
/// it is not one.
fn local_date_time(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let d = js_sys::Date::new(&JsValue::from_str(text));
    if d.get_time().is_nan() {
        return text.to_string();
    }
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&opts, &"timeStyle".into(), &"short".into());
    d.to_locale_string("default", &opts).into()
}

/// Reads a chosen or dropped file and hands its text to the page.
fn read_file(file: web_sys::File) {
    let name = file.name();
    wasm_bindgen_futures::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
        let text = match text {
            Ok(t) => t.as_string().ok_or_else(|| "not text".to_string()),
            Err(e) => Err(e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "the browser could not read it".into())),
        };
        ask(Action::File(name, text));
    });
}

/// A button that asks the page for `action`.
fn asking(action: Action) -> Callback<MouseEvent> {
    Callback::from(move |_| ask(action.clone()))
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// Up and down arrows move between the rows' open buttons.
fn on_rows_key(e: KeyboardEvent) {
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
}

fn row_html(r: Row, set: &str) -> Html {
    let onclick = asking(Action::Open(set.to_string(), r.id.clone()));
    html! {
        <tr key={r.id.clone()}>
            <td><button type="button" class="link open" {onclick} data-id={r.id}>{ r.name }</button></td>
            <td>{ label(&r.type_name) }</td>
            <td>{ r.platform }</td>
            <td><time datetime={r.modified.clone()}>{ local_date_time(&r.modified) }</time></td>
            <td>{ match r.assigned { Some(true) => "Yes", Some(false) => "No", None => "" } }</td>
        </tr>
    }
}

#[component]
pub fn Home(props: &HomeProps) -> Html {
    let input = &props.input;
    let name_filter = use_state(String::new);
    let type_filter = use_state(String::new);
    let sort_by = use_state_eq(|| (Column::Name, true));
    let new_type = use_state(String::new);
    let chosen_singleton = use_state(String::new);
    let lists = input.lists.clone().unwrap_or_default();
    let singleton = if chosen_singleton.is_empty() {
        lists.singletons.first().cloned().unwrap_or_default()
    } else {
        (*chosen_singleton).clone()
    };

    let needle = name_filter.trim().to_lowercase();
    let mut rows: Vec<Row> = input
        .rows
        .iter()
        .filter(|r| type_filter.is_empty() || r.type_name == *type_filter)
        .filter(|r| listing::matches(r, &needle))
        .cloned()
        .collect();
    let (by, ascending) = *sort_by;
    listing::sort(&mut rows, by, ascending);
    let count = rows.len();
    let rows: Vec<Html> = rows.into_iter().map(|r| row_html(r, &input.set)).collect();
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
    let setter = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: Event| s.set(select_value(&e)))
    };
    let on_name = {
        let f = name_filter.clone();
        Callback::from(move |e: InputEvent| {
            f.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_pick = Callback::from(|e: Event| {
        let input = e.target_unchecked_into::<HtmlInputElement>();
        if let Some(f) = input.files().and_then(|l| l.get(0)) {
            read_file(f);
        }
        input.set_value("");
    });
    let on_drop = Callback::from(|e: DragEvent| {
        e.prevent_default();
        if let Some(f) = e
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|l| l.get(0))
        {
            read_file(f);
        }
    });
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    let on_new = {
        let chosen = new_type.clone();
        Callback::from(move |_| {
            if !chosen.is_empty() {
                ask(Action::New((*chosen).clone()));
            }
        })
    };
    let api = &input.api;
    html! {
        <>
        <section class="panel browser" aria-labelledby="browser-title" ondragover={on_drag_over} ondrop={on_drop}>
            <h2 id="browser-title">{ "Objects" }</h2>
            if input.lists.is_none() {
                if let Some(e) = &input.catalog_error {
                    <p class="error" role="alert" id="catalog-error">
                        { format!("Cannot list the {api} collections and types: {e}. ") }
                        <button type="button" class="link" onclick={asking(Action::Retry)}>{ "Try again" }</button>
                    </p>
                } else {
                    <p class="unit" role="status">{ format!("Loading the list of {api} collections and types…") }</p>
                }
            }
            <div class="row">
                <label for="entry-set">{ "Collection" }</label>
                <select id="entry-set" onchange={Callback::from(|e: Event| ask(Action::Set(select_value(&e))))}>
                    { for lists.collections.iter().map(|c| html! { <option value={c.clone()} selected={*c == input.set}>{ set_name(c) }</option> }) }
                </select>
                <button type="button" id="list-button" onclick={asking(Action::List)} disabled={input.loading}>
                    { if input.loading { "Loading…" } else { "List objects" } }
                </button>
            </div>
            if !lists.singletons.is_empty() {
                <div class="row">
                    <label for="singleton">{ "Single object" }</label>
                    <select id="singleton" onchange={setter(&chosen_singleton)}>
                        { for lists.singletons.iter().map(|p| html! { <option value={p.clone()} selected={*p == singleton}>{ set_name(p) }</option> }) }
                    </select>
                    <button type="button" id="open-singleton" onclick={asking(Action::Singleton(singleton.clone()))}>{ "Open" }</button>
                </div>
            }
            if input.items > 0 {
                <div class="row filters">
                    <label for="name-filter">{ "Name contains" }</label>
                    <input id="name-filter" type="search" value={(*name_filter).clone()} oninput={on_name} />
                    <label for="type-filter">{ "Type" }</label>
                    <select id="type-filter" onchange={setter(&type_filter)}>
                        <option value="" selected={type_filter.is_empty()}>{ "All types" }</option>
                        { for input.types().into_iter().map(|t| html! { <option value={t.clone()} selected={t == *type_filter}>{ label(&t) }</option> }) }
                    </select>
                </div>
                <table class="objects" id="object-list" aria-describedby="object-count">
                    <thead><tr>{ for Column::ALL.iter().map(|c| header(*c)) }</tr></thead>
                    <tbody onkeydown={Callback::from(on_rows_key)}>{ rows }</tbody>
                </table>
                <p class="unit" id="object-count" role="status">{ format!("{count} of {} objects{}", input.items, if input.has_more { " loaded so far" } else { "" }) }</p>
                if input.has_more {
                    <button type="button" id="load-more" onclick={asking(Action::More)} disabled={input.loading}>{ "Load more" }</button>
                }
            }
            <div class="row offline-tools">
                <label class="button" for="file-input">{ "Open JSON file…" }</label>
                <input id="file-input" class="visually-hidden" type="file" accept=".json,application/json" onchange={on_pick} />
                <span class="drop-hint">{ "or drop a file here" }</span>
            </div>
            <div class="row">
                <label for="new-type">{ "New draft of type" }</label>
                <select id="new-type" onchange={setter(&new_type)}>
                    <option value="" selected={new_type.is_empty()}>{ "(choose a type)" }</option>
                    { for lists.editable.iter().map(|(name, short)| {
                        html! { <option value={name.clone()} selected={*new_type == *name}>{ format!("{} ({short})", label(short)) }</option> }
                    }) }
                </select>
                <button type="button" id="new-draft" onclick={on_new} disabled={new_type.is_empty()}>{ "Start draft" }</button>
            </div>
        </section>
        { drafts_panel(&input.drafts, &input.unreadable) }
        </>
    }
}

/// Every stored draft (this tab's and other tabs'), the entries that could not be read (kept,
/// with Export), and "Forget drafts on this device"; nothing when there are none.
fn drafts_panel(saved: &[Draft], unreadable: &[Unreadable]) -> Html {
    if saved.is_empty() && unreadable.is_empty() {
        return html! {};
    }
    html! {
        <section class="panel drafts" aria-labelledby="drafts-title">
            <h2 id="drafts-title">{ "Unsaved drafts" }</h2>
            <ul>
                { for saved.iter().map(|d| {
                    let name = if d.name.is_empty() { "(no name)" } else { d.name.as_str() };
                    let whose = if d.other_tab { ", another tab" } else { "" };
                    html! {
                        <li>
                            <button type="button" class="link" onclick={asking(Action::DraftOpen(d.key.clone()))}>{ format!("{name} — {} ({}, {}{whose})", label(short_name(&d.type_name)), d.api, d.object) }</button>
                            { " " }<button type="button" class="link" onclick={asking(Action::DraftDiscard(d.key.clone()))}>{ "Discard" }</button>
                        </li>
                    }
                }) }
            </ul>
            if !unreadable.is_empty() {
                <h3>{ "Could not be restored" }</h3>
                <p class="unit">{ "Kept as stored (damaged, or written by a newer version of the editor): export to keep the content." }</p>
                <ul id="unreadable-drafts">
                    { for unreadable.iter().map(|u| html! {
                        <li>
                            <span>{ u.what.clone() }</span>{ " " }
                            <button type="button" class="link" onclick={asking(Action::DraftExport(u.key.clone()))}>{ "Export" }</button>{ " " }
                            <button type="button" class="link" onclick={asking(Action::DraftDiscard(u.key.clone()))}>{ "Discard" }</button>
                        </li>
                    }) }
                </ul>
            }
            <button type="button" id="forget-drafts" onclick={asking(Action::ForgetAll)}>{ "Forget drafts on this device" }</button>
        </section>
    }
}
