//! The form of the open object, generated from the schema, in sections (`policy_core::sections`:
//! Defender, Edge, Password… then each base type's) with a table of contents that counts what
//! each holds and follows the scroll; filters show only what is set, changed or wrong, and a
//! search box finds a field by name or label.

use policy_core::label::label;
use policy_core::model::{Property, TypeId};
use policy_core::patch::{DiffError, Patch};
use policy_core::sections::{sections, Section};
use policy_core::FieldPath;
use serde_json::Value;
use wasm_bindgen::JsCast;
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
    /// The draft's changes (the review's rows), for the "Changed" filter.
    #[prop_or_default]
    pub patch: Option<Shared<Result<Patch, DiffError>>>,
    pub on_edit: Callback<(String, Option<Value>)>,
}

/// Which fields the form shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    All,
    /// Properties with a value (not absent, not null).
    Set,
    /// Properties the draft changes.
    Changed,
    /// Properties with a problem (or Graph's message) at or under them.
    Problems,
}

impl Show {
    const ALL: [(Show, &'static str, &'static str); 4] = [
        (Show::All, "all", "All"),
        (Show::Set, "set", "Set"),
        (Show::Changed, "changed", "Changed"),
        (Show::Problems, "problems", "With problems"),
    ];
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

/// The element id of a section.
fn section_id(key: &str) -> String {
    format!("sec-{key}")
}

/// Which section is at the top of the window: the last one whose heading has scrolled past
/// a band under the top edge.
fn current_section(keys: &[String]) -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let mut current = keys.first().cloned();
    for k in keys {
        let Some(el) = doc.get_element_by_id(&section_id(k)) else {
            continue;
        };
        // The band: the sticky tools bar and the scroll padding (style.css) above a heading
        // that was scrolled to.
        if el.get_bounding_client_rect().top() <= 160.0 {
            current = Some(k.clone());
        } else {
            break;
        }
    }
    current
}

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
    let show = use_state_eq(|| Show::All);
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
    let secs = use_memo((props.schema, props.type_id), |(schema, id)| {
        sections(schema.0, *id)
    });
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
    // The table of contents follows the scroll.
    let current = use_state_eq(|| None::<String>);
    {
        let current = current.clone();
        let keys: Vec<String> = secs.iter().map(|s| s.key.clone()).collect();
        use_effect_with(props.type_id, move |_| {
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "scroll", move |_| {
                    current.set(current_section(&keys))
                })
            });
            move || drop(listener)
        });
    }
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };

    let problems = &props.problems;
    let server = &props.server;
    let visible = |p: &Property| -> bool {
        matches_filter(&p.name, &filter)
            && match *show {
                Show::All => true,
                Show::Set => props.draft.get(&p.name).is_some_and(|v| !v.is_null()),
                Show::Changed => props.patch.as_ref().is_some_and(|patch| {
                    patch
                        .0
                        .as_ref()
                        .as_ref()
                        .is_ok_and(|x| x.changes().iter().any(|c| c.property == p.name))
                }),
                Show::Problems => {
                    !problems.for_property(&p.name).is_empty()
                        || server.iter().any(|(fp, _)| fp.top_property() == p.name)
                }
            }
    };
    let mut shown = 0usize;
    let mut cost = 0usize;
    // (section, its visible properties)
    let groups: Vec<(&Section, Vec<&Property>)> = secs
        .iter()
        .map(|sec| {
            let props_in: Vec<&Property> = sec
                .properties
                .iter()
                .filter_map(|n| t.property(n))
                .filter(|p| visible(p))
                .collect();
            (sec, props_in)
        })
        .collect();
    let toc: Vec<Html> = groups
        .iter()
        .filter(|(_, ps)| !ps.is_empty())
        .map(|(sec, ps)| {
            let errors = ps
                .iter()
                .filter(|p| problems.for_property(&p.name).iter().any(|x| x.is_error()))
                .count();
            let id = section_id(&sec.key);
            let onclick = {
                let id = id.clone();
                Callback::from(move |e: MouseEvent| {
                    e.prevent_default();
                    let el = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id(&id));
                    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        el.scroll_into_view();
                        let _ = el.focus();
                    }
                })
            };
            let here = current.as_deref() == Some(sec.key.as_str());
            html! {
                <li key={sec.key.clone()}>
                    <a href={format!("#{id}")} {onclick} aria-current={here.then_some("true")}>
                        { &sec.title }
                        <span class="count">{ ps.len() }</span>
                        if errors > 0 { <span class="count errors" title="fields with errors">{ errors }</span> }
                    </a>
                </li>
            }
        })
        .collect();
    let body: Vec<Html> = groups
        .into_iter()
        .filter(|(_, ps)| !ps.is_empty())
        .map(|(sec, ps)| {
            let fields: Vec<Html> = ps
                .into_iter()
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
            let id = section_id(&sec.key);
            html! {
                <section class="group" key={sec.key.clone()} aria-labelledby={format!("{id}-h")}>
                    <h3 id={format!("{id}-h")}><span id={id} tabindex="-1">{ &sec.title }</span></h3>
                    { fields }
                </section>
            }
        })
        .collect();
    let complete = cost <= limit_now;
    let type_name = t.short_name();
    html! {
        <div class="form-layout">
            <nav class="toc" aria-label="Sections of the form">
                <ol>{ toc }</ol>
            </nav>
            <div class="form" data-complete={complete.then_some("true")}>
                <div class="form-tools">
                    <label for="field-filter">{ "Find a field" }</label>
                    <input id="field-filter" type="search" placeholder="name or label" value={(*filter).clone()} oninput={on_filter} />
                    <div class="show" role="group" aria-label="Show">
                        { for Show::ALL.iter().map(|&(mode, key, text)| {
                            let onclick = { let show = show.clone(); Callback::from(move |_| show.set(mode)) };
                            html! { <button type="button" id={format!("show-{key}")} aria-pressed={(*show == mode).to_string()} {onclick}>{ text }</button> }
                        }) }
                    </div>
                    <span class="unit" id="field-count">{ format!("{shown} of {total} fields") }</span>
                    <a class="reference" id="graph-reference" href={graph_reference(type_name, s.api.as_str())} target="_blank" rel="noopener noreferrer">
                        { format!("Graph reference for {type_name}") }
                    </a>
                </div>
                { body }
                if shown == 0 { <p class="empty">{ "No field matches the filter." }</p> }
            </div>
        </div>
    }
}

/// Microsoft Graph's reference page of a resource type, built from its name and the API version
/// (Graph's documentation uses the type name in lower case, and `view=graph-rest-beta` or
/// `graph-rest-1.0`). Type names are ASCII identifiers: nothing to escape.
pub fn graph_reference(type_name: &str, api: &str) -> String {
    let view = if api == "beta" { "beta" } else { "1.0" };
    let name: String = type_name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    format!("https://learn.microsoft.com/graph/api/resources/{name}?view=graph-rest-{view}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_link_is_built_from_the_type_and_version_only() {
        assert_eq!(
            graph_reference("windows10GeneralConfiguration", "beta"),
            "https://learn.microsoft.com/graph/api/resources/windows10generalconfiguration?view=graph-rest-beta"
        );
        assert_eq!(
            graph_reference("iosGeneralDeviceConfiguration", "v1.0"),
            "https://learn.microsoft.com/graph/api/resources/iosgeneraldeviceconfiguration?view=graph-rest-1.0"
        );
        // A hostile name cannot leave the path.
        let hostile = graph_reference("x?y=1#\"><script>", "beta");
        let path = hostile.split("?view=").next().unwrap();
        assert!(!path.contains(['?', '#', '"', '<', '>']), "{hostile}");
    }
}
