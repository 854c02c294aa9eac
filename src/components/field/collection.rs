//! A list: each item with the widget of its type, and add, remove and reorder. Lists of
//! structured values are repeatable fieldsets; "Add" asks for the kind when there are several.

use std::cell::RefCell;
use std::rc::Rc;

use policy_core::label::label;
use policy_core::sample::single_value;
use policy_core::Problem;
use serde_json::Value;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::complex::switch_kind;
use super::decide::{item, Decision, Kind};
use super::{editor, flags, input_id, message_id, problems_at, Field, PropRef, SchemaRef};
use crate::state::Shared;

#[derive(Properties, PartialEq, Clone)]
pub struct CollectionEditorProps {
    pub schema: SchemaRef,
    pub prop: PropRef,
    pub path: AttrValue,
    /// The list (or null), shared with the draft: not copied to render it.
    pub value: Shared<Value>,
    pub on_change: Callback<Value>,
    #[prop_or_default]
    pub read_only: bool,
    pub problems: Shared<Vec<Problem>>,
}

/// What an item asks its list to do.
#[derive(Debug, Clone)]
pub enum ItemOp {
    Set(Value),
    Remove,
    Up,
    Down,
}

fn apply(list: &[Value], index: usize, op: ItemOp) -> Vec<Value> {
    let mut items = list.to_vec();
    match op {
        ItemOp::Set(v) if index < items.len() => items[index] = v,
        ItemOp::Remove if index < items.len() => {
            items.remove(index);
        }
        ItemOp::Up if index > 0 && index < items.len() => items.swap(index - 1, index),
        ItemOp::Down if index + 1 < items.len() => items.swap(index, index + 1),
        _ => {}
    }
    items
}

/// Items rendered at first. A long list (500 OMA settings) shows more on request, and always
/// every item up to the last one with a problem, so that the summary's links land.
const PAGE: usize = 50;
/// The first page is itself built in steps: this many items in the first render, then
/// `GROW` more per task, so a long list does not hold up the rest of the form.
const FIRST_ITEMS: usize = 2;
const GROW: usize = 14;

/// The index of the item a problem path points into, if it is under `list_path`.
fn item_index(problem_path: &str, list_path: &str) -> Option<usize> {
    let rest = problem_path.strip_prefix(list_path)?.strip_prefix('[')?;
    rest[..rest.find(']')?].parse().ok()
}

#[component]
pub fn CollectionEditor(props: &CollectionEditorProps) -> Html {
    let limit = use_state_eq(|| FIRST_ITEMS);
    let items: &[Value] = props.value.as_array().map(Vec::as_slice).unwrap_or(&[]);
    let count = items.len();
    let growing = *limit < PAGE.min(count);
    {
        let limit = limit.clone();
        use_effect_with((*limit, growing), move |&(n, growing)| {
            let timer = growing.then(|| {
                gloo_timers::callback::Timeout::new(0, move || limit.set((n + GROW).min(PAGE)))
            });
            move || drop(timer)
        });
    }
    // Items get one callback that never changes, so an edit re-renders only the item it touched;
    // it reads the list as it is now from this cell.
    let latest = use_mut_ref(|| (Shared::new(Value::Null), Callback::<Value>::noop()));
    *latest.borrow_mut() = (props.value.clone(), props.on_change.clone());
    let on_item = {
        let latest: Rc<RefCell<(Shared<Value>, Callback<Value>)>> = latest.clone();
        use_callback((), move |(index, op): (usize, ItemOp), _| {
            let (list, on_change) = latest.borrow().clone();
            let list = list.as_array().map(Vec::as_slice).unwrap_or(&[]);
            on_change.emit(Value::Array(apply(list, index, op)));
        })
    };
    let kind = use_state(|| None::<String>);

    let s = props.schema.0;
    let p = props.prop.0;
    let kinds = match item(p, flags(props.schema)) {
        Kind::Group(t) => s.concrete_types(t),
        _ => Vec::new(),
    };
    let path = props.path.to_string();
    let at_max = p
        .constraints
        .max_items
        .is_some_and(|m| items.len() >= m as usize);

    let add = {
        let on_change = props.on_change.clone();
        let limit = limit.clone();
        let list = props.value.clone();
        let kind = kind.clone();
        let kinds = kinds.clone();
        let prop = props.prop;
        Callback::from(move |_| {
            let new_item = match kinds.as_slice() {
                // A blank text or the first member; numbers start at their minimum.
                [] => match single_value(s, prop.0, false, 0) {
                    Value::String(_) => Value::String(String::new()),
                    other => other,
                },
                [first, ..] => {
                    let chosen = (*kind).as_deref().and_then(|k| s.find(k)).unwrap_or(*first);
                    switch_kind(s, chosen, &Value::Null)
                }
            };
            let mut next = list.as_array().cloned().unwrap_or_default();
            next.push(new_item);
            // A new item is where the user looks next: keep it on screen.
            limit.set((*limit).max(next.len()));
            on_change.emit(Value::Array(next));
        })
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            kind.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    let last_problem = props
        .problems
        .iter()
        .filter_map(|p| item_index(p.path.as_str(), &path))
        .max();
    let visible = count.min((*limit).max(last_problem.map_or(0, |i| i + 1)));
    let show = |n: usize| {
        let limit = limit.clone();
        Callback::from(move |_: MouseEvent| limit.set(n))
    };
    html! {
        <div class="collection" data-path={props.path.clone()} data-growing={growing.then_some("true")}>
            <ol class="items">
                { for items.iter().take(visible).enumerate().map(|(index, value)| html! {
                    <CollectionItem key={index} {index} {count} value={value.clone()} schema={props.schema} prop={props.prop}
                        path={AttrValue::from(format!("{path}[{index}]"))} on_item={on_item.clone()}
                        read_only={props.read_only} problems={props.problems.clone()} />
                }) }
            </ol>
            if visible < count {
                <div class="more">
                    <span class="unit">{ format!("Showing {visible} of {count} items.") }</span>
                    <button type="button" onclick={show(visible + PAGE)}>{ format!("Show {} more", PAGE.min(count - visible)) }</button>
                    <button type="button" onclick={show(count)}>{ "Show all" }</button>
                </div>
            }
            if !props.read_only {
                <div class="add">
                    if kinds.len() > 1 {
                        <select aria-label="Kind of the new item" onchange={on_kind}>
                            { for kinds.iter().map(|k| {
                                let t = s.get(*k);
                                html! { <option value={t.name.clone()} selected={kind.as_deref() == Some(t.name.as_str())}>{ label(t.short_name()) }</option> }
                            }) }
                        </select>
                    }
                    <button type="button" id={input_id(&format!("{path}.add"))} onclick={add} disabled={at_max}>
                        { "Add item" }
                    </button>
                    <span class="unit">{ format!("{count} item(s)") }</span>
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct CollectionItemProps {
    pub index: usize,
    pub count: usize,
    pub value: Value,
    pub schema: SchemaRef,
    pub prop: PropRef,
    pub path: AttrValue,
    pub on_item: Callback<(usize, ItemOp)>,
    pub read_only: bool,
    pub problems: Shared<Vec<Problem>>,
}

#[component]
pub fn CollectionItem(props: &CollectionItemProps) -> Html {
    let index = props.index;
    let op = |o: ItemOp| {
        let on_item = props.on_item.clone();
        Callback::from(move |_: MouseEvent| on_item.emit((index, o.clone())))
    };
    let on_change = props
        .on_item
        .reform(move |v: Value| (index, ItemOp::Set(v)));
    let path = props.path.as_str();
    let kind = item(props.prop.0, flags(props.schema));
    let editor = editor(Field {
        schema: props.schema,
        prop: props.prop,
        decision: Decision {
            kind,
            group: matches!(kind, Kind::Group(_)),
            read_only: props.read_only,
        },
        path: props.path.clone(),
        value: Shared::new(props.value.clone()),
        on_change,
        problems: props.problems.clone(),
        on_file: None,
        reference: AttrValue::default(),
    });
    html! {
        <li class="item" data-path={props.path.clone()}>
            // A structured item's fields carry their own labels; a plain value gets one here.
            if !matches!(kind, Kind::Group(_)) {
                <label class="item-label" for={input_id(path)}>{ format!("Item {}", index + 1) }</label>
            }
            { editor }
            if !props.read_only {
                <span class="item-actions">
                    <button type="button" title="Move up" aria-label={format!("Move item {} up", index + 1)}
                        disabled={index == 0} onclick={op(ItemOp::Up)}>{ "↑" }</button>
                    <button type="button" title="Move down" aria-label={format!("Move item {} down", index + 1)}
                        disabled={index + 1 >= props.count} onclick={op(ItemOp::Down)}>{ "↓" }</button>
                    <button type="button" title="Remove" aria-label={format!("Remove item {}", index + 1)}
                        onclick={op(ItemOp::Remove)}>{ "Remove" }</button>
                </span>
            }
            // The item's own messages: its widget's aria-describedby points here.
            <div class="field-messages" id={message_id(path)} aria-live="polite">
                { for problems_at(&props.problems, path).map(|p| html! {
                    <p class={if p.is_error() { "error" } else { "warning" }} data-code={p.code.as_str()}>{ &p.message }</p>
                }) }
            </div>
        </li>
    }
}
