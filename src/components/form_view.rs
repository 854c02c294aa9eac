//! The form of the open object, generated from the schema: the type's own settings first, then
//! what it inherits, each base type a group; a filter box finds a field in big types.

use policy_core::label::label;
use policy_core::model::TypeId;
use policy_core::FieldPath;
use serde_json::Value;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::field::decide::weight;
use super::field::property::PropertyField;
use super::field::SchemaRef;
use super::PropRef;
use crate::state::{Draft, Problems, Shared};

#[derive(Properties, PartialEq, Clone)]
pub struct FormViewProps {
    pub schema: SchemaRef,
    pub type_id: TypeId,
    pub draft: Draft,
    pub problems: Shared<Problems>,
    pub server: Shared<Vec<(FieldPath, String)>>,
    pub on_edit: Callback<(String, Option<Value>)>,
}

/// True when a property matches the filter text, by name or by label.
pub fn matches_filter(name: &str, filter: &str) -> bool {
    let f = filter.trim().to_ascii_lowercase();
    f.is_empty()
        || name.to_ascii_lowercase().contains(&f)
        || label(name).to_ascii_lowercase().contains(&f)
}

/// Fields in the first render of a form, and added by each later one: the top of a big form is
/// on screen and usable at once, and the rest follows a batch per task, so typing is never
/// blocked for long (a field costs about half a millisecond to build). A group (a list or a
/// nested object) counts as several fields (`field::decide::weight`): it builds several widgets.
pub const FIRST_FIELDS: usize = 24;
pub const MORE_FIELDS: usize = 48;
#[component]
pub fn FormView(props: &FormViewProps) -> Html {
    // The benchmark reads these: rendering a type's form from data in hand to painted DOM.
    let first = use_mut_ref(|| true);
    if *first.borrow() {
        crate::bench_hooks::mark("form-render-start");
    }
    use_effect_with(props.type_id, move |_| {
        if std::mem::replace(&mut *first.borrow_mut(), false) {
            crate::bench_hooks::mark("form-ready");
        }
    });
    let filter = use_state(String::new);
    // How many fields are built so far, for this type.
    let limit = use_state_eq(|| (props.type_id, FIRST_FIELDS));
    let limit_now = if limit.0 == props.type_id {
        limit.1
    } else {
        FIRST_FIELDS
    };
    let s = props.schema.0;
    let t = s.get(props.type_id);
    let total = t.properties.len();
    let total_weight: usize = t.properties.iter().map(weight).sum();
    {
        let limit = limit.clone();
        let type_id = props.type_id;
        use_effect_with(
            (type_id, limit_now, total_weight),
            move |&(type_id, n, total)| {
                let timer = if n < total {
                    Some(gloo_timers::callback::Timeout::new(0, move || {
                        limit.set((type_id, n + MORE_FIELDS))
                    }))
                } else {
                    crate::bench_hooks::mark_once("form-complete");
                    None
                };
                move || drop(timer)
            },
        );
    }
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };

    // Groups in display order: the type itself, then each base up to the root.
    let mut chain = vec![props.type_id];
    let mut cur = t.base;
    while let Some(b) = cur {
        chain.push(b);
        cur = s.get(b).base;
    }
    let mut shown = 0usize;
    let mut cost = 0usize;
    let groups: Vec<Html> = chain
        .iter()
        .enumerate()
        .filter_map(|(depth, declaring)| {
            let fields: Vec<Html> = t
                .properties
                .iter()
                .filter(|p| p.declared_in == *declaring && matches_filter(&p.name, &filter))
                .filter(|p| {
                    shown += 1;
                    cost += weight(p);
                    cost <= limit_now
                })
                .map(|p| {
                    html! {
                        <PropertyField key={p.name.clone()} schema={props.schema} prop={PropRef(p)}
                            value={props.draft.get(&p.name).cloned()}
                            problems={props.problems.for_property(&p.name)}
                            server={props.server.clone()} on_edit={props.on_edit.clone()} />
                    }
                })
                .collect();
            if fields.is_empty() {
                return None;
            }
            let title = if depth == 0 {
                format!("{} settings", label(s.get(*declaring).short_name()))
            } else {
                format!(
                    "Inherited from {}",
                    label(s.get(*declaring).short_name()).to_ascii_lowercase()
                )
            };
            Some(html! {
                <section class="group" key={s.get(*declaring).name.clone()}>
                    <h3>{ title }</h3>
                    { fields }
                </section>
            })
        })
        .collect();
    let complete = cost <= limit_now;
    html! {
        <div class="form" data-complete={complete.then_some("true")}>
            <div class="form-tools">
                <label for="field-filter">{ "Find a field" }</label>
                <input id="field-filter" type="search" placeholder="name or label" value={(*filter).clone()} oninput={on_filter} />
                <span class="unit">{ format!("{shown} of {total} fields") }</span>
            </div>
            { groups }
            if shown == 0 { <p class="empty">{ "No field matches the filter." }</p> }
        </div>
    }
}
