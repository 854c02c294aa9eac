//! One setting rendered by its definition: a choice as a select (radios for up to three
//! options) with its chosen option's children below it, a whole number with its range, text
//! with its length and pattern, a secret as a write-only field, collections with their count
//! bounds, groups and repeatable groups; each with the definition's name, its id, and its
//! problems at the field (`aria-invalid` and the message).

use std::rc::Rc;

use policy_core::settings::{value_text, Definition, Definitions, InstanceKind, ValueRule};
use policy_core::Problem;
use serde_json::{json, Value};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::model::{
    choose, choose_or_restore, new_choice_item, new_group_item, new_simple_item, simple_type,
};
use crate::state::{ListOp, Msg};

/// A shared value compared by identity: props built on it skip rendering while unchanged.
pub struct Ptr<T>(pub Rc<T>);

impl<T> Clone for Ptr<T> {
    fn clone(&self) -> Self {
        Ptr(self.0.clone())
    }
}

impl<T> PartialEq for Ptr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub index: usize,
    pub setting: Ptr<Value>,
    pub defs: Ptr<Definitions>,
    pub problems: Ptr<Vec<Problem>>,
    /// The setting of the same definition as loaded, if there was one.
    pub loaded: Option<Ptr<Value>>,
    pub dispatch: Callback<Msg>,
    /// False for a setting its template requires.
    pub removable: bool,
}

/// What rendering one setting needs.
struct Cx {
    index: usize,
    defs: Rc<Definitions>,
    problems: Rc<Vec<Problem>>,
    loaded: Option<Rc<Value>>,
    dispatch: Callback<Msg>,
}

impl Cx {
    fn set(&self, pointer: String, value: Value) {
        self.dispatch.emit(Msg::Set {
            index: self.index,
            pointer,
            value,
        });
    }

    fn list(&self, pointer: String, op: ListOp) {
        self.dispatch.emit(Msg::List {
            index: self.index,
            pointer,
            op,
        });
    }
}

/// The input id of a path (as the page's form names its own).
fn input_id(path: &str) -> String {
    format!("s-{path}")
}

fn message_id(path: &str) -> String {
    format!("m-{path}")
}

#[component]
pub fn SettingCard(p: &CardProps) -> Html {
    let cx = Rc::new(Cx {
        index: p.index,
        defs: p.defs.0.clone(),
        problems: p.problems.0.clone(),
        loaded: p.loaded.as_ref().map(|l| l.0.clone()),
        dispatch: p.dispatch.clone(),
    });
    let inst = p
        .setting
        .0
        .get("settingInstance")
        .cloned()
        .unwrap_or_default();
    let id = inst
        .get("settingDefinitionId")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let name = cx
        .defs
        .get(&id)
        .map(|d| d.display_name.clone())
        .unwrap_or_else(|| id.clone());
    let path = format!("settings[{}].settingInstance", p.index);
    let remove = {
        let (d, i) = (p.dispatch.clone(), p.index);
        Callback::from(move |_| d.emit(Msg::Remove(i)))
    };
    // Problems of the setting as a whole (its entry, a duplicate, the template).
    let top = format!("settings[{}]", p.index);
    let whole: Vec<&Problem> = cx
        .problems
        .iter()
        .filter(|q| q.path.as_str() == top)
        .collect();
    html! {
        <section class="setting" data-setting={id.clone()} data-index={p.index.to_string()}>
            { instance(&cx, &inst, &path, "/settingInstance") }
            { messages(&whole, &top) }
            <button type="button" class="link remove-setting" disabled={!p.removable}
                aria-label={format!("Remove {name}")} onclick={remove}>{ "Remove" }</button>
        </section>
    }
}

fn messages(problems: &[&Problem], path: &str) -> Html {
    problem_list(problems, &message_id(path))
}

/// Problems as the editors list them (`ul#id.problems`, each `li` with its code and path);
/// nothing when there are none.
pub fn problem_list(problems: &[&Problem], id: &str) -> Html {
    if problems.is_empty() {
        return Html::default();
    }
    html! {
        <ul class="problems" id={id.to_string()}>
            { for problems.iter().map(|q| html! {
                <li class={if q.is_error() { "error" } else { "warning" }} data-code={q.code.as_str()} data-path={q.path.as_str().to_string()}>{ &q.message }</li>
            }) }
        </ul>
    }
}

/// The head both editors start with: how fresh the definitions are and **Refresh**, why they
/// are missing or old, what the template allows, and the count of errors.
pub fn status(
    as_of: Option<&str>,
    has_defs: bool,
    note: Option<&str>,
    template_note: Option<&str>,
    errors: usize,
    on_refresh: Callback<MouseEvent>,
) -> Html {
    html! {
        <>
            <p class="unit" id="definitions-as-of">
                { match as_of {
                    Some(d) => format!("Definitions as of {}. ", d.get(..16).unwrap_or(d).replace('T', " ")),
                    None if has_defs => "Definitions loaded. ".to_string(),
                    None => "Loading the setting definitions… ".to_string(),
                } }
                <button type="button" class="link" id="refresh-definitions" onclick={on_refresh}>{ "Refresh" }</button>
            </p>
            if let Some(n) = note { <p class="blocked" id="definitions-note">{ n }</p> }
            if let Some(t) = template_note { <p class="unit" id="template-note">{ t }</p> }
            <p id="catalog-errors" class={if errors > 0 { "blocked" } else { "unit" }}>
                { match errors { 0 => "No errors in the settings.".to_string(), 1 => "1 error in the settings.".to_string(), n => format!("{n} errors in the settings.") } }
            </p>
        </>
    }
}

/// The problems of this instance itself (not of its children).
fn own<'a>(cx: &'a Cx, path: &str) -> Vec<&'a Problem> {
    cx.problems
        .iter()
        .filter(|q| {
            q.path.as_str().strip_prefix(path).is_some_and(|rest| {
                (rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
                    && !rest.contains("children[")
            })
        })
        .collect()
}

/// An input's `aria-invalid` and `aria-describedby` for the field at `field`.
fn invalid(
    problems: &[&Problem],
    field: &str,
    described: &str,
) -> (Option<&'static str>, Option<String>) {
    if problems
        .iter()
        .any(|q| q.path.as_str() == field && q.is_error())
    {
        (Some("true"), Some(message_id(described)))
    } else {
        (None, None)
    }
}

fn instance(cx: &Rc<Cx>, inst: &Value, path: &str, ptr: &str) -> Html {
    let id = inst
        .get("settingDefinitionId")
        .and_then(Value::as_str)
        .unwrap_or("");
    let def = cx.defs.get(id);
    let label = def
        .map(|d| d.display_name.as_str())
        .filter(|n| !n.is_empty())
        .unwrap_or(id);
    let problems = own(cx, path);
    let kind = InstanceKind::of(inst);
    let body = match (def, kind) {
        (Some(def), Some(InstanceKind::Choice)) => choice(cx, def, inst, path, ptr, &problems),
        (Some(def), Some(InstanceKind::Simple)) => simple(cx, def, inst, path, ptr, &problems),
        (Some(def), Some(InstanceKind::SimpleCollection)) => {
            simple_list(cx, def, inst, path, ptr, &problems)
        }
        (Some(def), Some(InstanceKind::ChoiceCollection)) => {
            choice_list(cx, def, inst, path, ptr, &problems)
        }
        (_, Some(InstanceKind::Group)) => children(
            cx,
            &inst["groupSettingValue"],
            &format!("{path}.groupSettingValue"),
            &format!("{ptr}/groupSettingValue"),
        ),
        (Some(def), Some(InstanceKind::GroupCollection)) => group_list(cx, def, inst, path, ptr),
        // Without its definition the value is shown, not edited.
        _ => html! { <p class="value-text"><code>{ value_text(inst, &cx.defs) }</code></p> },
    };
    html! {
        <div class="instance" data-definition={id.to_string()}>
            <div class="instance-head">
                // A list labels each of its items (`list_view`); a single value, its input.
                if let Some(field) = value_path(path, kind) {
                    <label for={input_id(&field)}>{ label }</label>
                } else {
                    <span class="instance-label">{ label }</span>
                }
                { " " }<code class="setting-id">{ id }</code>
            </div>
            { body }
            { messages(&problems, path) }
        </div>
    }
}

/// The path of the input of an instance (its value, or its first item).
/// The path of the input a setting's label names: its value's, for a choice or a simple value;
/// none for a list or a group (their items are labelled one by one).
fn value_path(path: &str, kind: Option<InstanceKind>) -> Option<String> {
    match kind {
        Some(InstanceKind::Choice) => Some(format!("{path}.choiceSettingValue.value")),
        Some(InstanceKind::Simple) => Some(format!("{path}.simpleSettingValue.value")),
        _ => None,
    }
}

fn children(cx: &Rc<Cx>, value: &Value, path: &str, ptr: &str) -> Html {
    let Some(items) = value.get("children").and_then(Value::as_array) else {
        return Html::default();
    };
    if items.is_empty() {
        return Html::default();
    }
    html! {
        <div class="children">
            { for items.iter().enumerate().map(|(i, c)| instance(cx, c, &format!("{path}.children[{i}]"), &format!("{ptr}/children/{i}"))) }
        </div>
    }
}

/// A select (or radios) over the options of `def`; `on_pick` gets the chosen item id.
fn option_picker(
    def: &Definition,
    current: &str,
    field: &str,
    problems: &[&Problem],
    described: &str,
    on_pick: Callback<String>,
) -> Html {
    let (bad, describedby) = invalid(problems, field, described);
    let unknown = !current.is_empty() && def.option(current).is_none();
    if def.options.len() <= 3 && !unknown {
        return html! {
            <fieldset class="radios" id={input_id(field)} aria-invalid={bad} aria-describedby={describedby}>
                { for def.options.iter().map(|o| {
                    let (pick, item) = (on_pick.clone(), o.item_id.clone());
                    html! {
                        <label class="radio">
                            <input type="radio" name={field.to_string()} value={o.item_id.clone()} checked={o.item_id == current}
                                onchange={Callback::from(move |_| pick.emit(item.clone()))} />
                            { option_name(o) }
                        </label>
                    }
                }) }
            </fieldset>
        };
    }
    let onchange = Callback::from(move |e: Event| {
        let el: HtmlSelectElement = e.target_unchecked_into();
        on_pick.emit(el.value());
    });
    html! {
        <select id={input_id(field)} name={field.to_string()} aria-invalid={bad} aria-describedby={describedby} {onchange}>
            if current.is_empty() { <option value="" selected=true>{ "(choose)" }</option> }
            if unknown { <option value={current.to_string()} selected=true>{ format!("{current} (not an option)") }</option> }
            { for def.options.iter().map(|o| html! {
                <option value={o.item_id.clone()} selected={o.item_id == current}>{ option_name(o) }</option>
            }) }
        </select>
    }
}

fn option_name(o: &policy_core::settings::ChoiceOption) -> String {
    if o.display_name.is_empty() {
        o.item_id.clone()
    } else {
        o.display_name.clone()
    }
}

fn choice(
    cx: &Rc<Cx>,
    def: &Definition,
    inst: &Value,
    path: &str,
    ptr: &str,
    problems: &[&Problem],
) -> Html {
    let value = &inst["choiceSettingValue"];
    let current = value.get("value").and_then(Value::as_str).unwrap_or("");
    let field = format!("{path}.choiceSettingValue.value");
    let on_pick = {
        let (cx, def, old, ptr) = (cx.clone(), def.clone(), value.clone(), ptr.to_string());
        Callback::from(move |item: String| {
            let at = format!("{ptr}/choiceSettingValue");
            let loaded = cx.loaded.as_ref().and_then(|l| l.pointer(&at));
            let v = choose_or_restore(&def, &cx.defs, &item, &old, loaded);
            cx.set(at, v);
        })
    };
    html! {
        <>
            { option_picker(def, current, &field, problems, path, on_pick) }
            { children(cx, value, &format!("{path}.choiceSettingValue"), &format!("{ptr}/choiceSettingValue")) }
        </>
    }
}

/// The input of one simple value at `field` (pointer `ptr` to the value object).
fn simple_input(
    cx: &Rc<Cx>,
    def: &Definition,
    value: &Value,
    field: &str,
    ptr: &str,
    problems: &[&Problem],
    described: &str,
) -> Html {
    let (bad, describedby) = invalid(problems, field, described);
    let text = match value.get("value") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    };
    match &def.value {
        ValueRule::Integer { min, max } => {
            let (cx, ptr) = (cx.clone(), ptr.to_string());
            let oninput = Callback::from(move |e: InputEvent| {
                let el: HtmlInputElement = e.target_unchecked_into();
                let t = el.value();
                let v = t
                    .trim()
                    .parse::<i64>()
                    .map(|n| json!(n))
                    .unwrap_or(json!(t));
                cx.set(format!("{ptr}/value"), v);
            });
            html! {
                <input type="number" step="1" id={input_id(field)} name={field.to_string()} value={text}
                    min={min.map(|m| m.to_string())} max={max.map(|m| m.to_string())}
                    aria-invalid={bad} aria-describedby={describedby} {oninput} />
            }
        }
        ValueRule::Secret(_) => {
            let kept =
                value.get("valueState").and_then(Value::as_str) == Some("encryptedValueToken");
            let (cx, ptr, odata) = (cx.clone(), ptr.to_string(), simple_type(def));
            let oninput = Callback::from(move |e: InputEvent| {
                let el: HtmlInputElement = e.target_unchecked_into();
                cx.set(
                    ptr.clone(),
                    json!({"@odata.type": odata, "value": el.value(), "valueState": "notEncrypted"}),
                );
            });
            html! {
                <input type="password" autocomplete="off" id={input_id(field)} name={field.to_string()}
                    value={if kept { String::new() } else { text }}
                    placeholder={if kept { "Encrypted: kept unless you type a new value" } else { "" }}
                    aria-invalid={bad} aria-describedby={describedby} {oninput} />
            }
        }
        rule => {
            let s = rule.string_rule();
            let (cx, ptr) = (cx.clone(), ptr.to_string());
            let oninput = Callback::from(move |e: InputEvent| {
                let el: HtmlInputElement = e.target_unchecked_into();
                cx.set(format!("{ptr}/value"), json!(el.value()));
            });
            html! {
                <input type="text" id={input_id(field)} name={field.to_string()} value={text}
                    maxlength={s.and_then(|s| s.max_len).map(|m| m.to_string())}
                    minlength={s.and_then(|s| s.min_len).map(|m| m.to_string())}
                    aria-invalid={bad} aria-describedby={describedby} {oninput} />
            }
        }
    }
}

fn simple(
    cx: &Rc<Cx>,
    def: &Definition,
    inst: &Value,
    path: &str,
    ptr: &str,
    problems: &[&Problem],
) -> Html {
    simple_input(
        cx,
        def,
        &inst["simpleSettingValue"],
        &format!("{path}.simpleSettingValue.value"),
        &format!("{ptr}/simpleSettingValue"),
        problems,
        path,
    )
}

/// "1–5 items", as the definition bounds a collection.
fn bounds(def: &Definition) -> String {
    match (def.min_count, def.max_count) {
        (Some(a), Some(b)) => format!("{a}–{b} items"),
        (Some(a), None) => format!("at least {a} items"),
        (None, Some(b)) => format!("at most {b} items"),
        (None, None) => String::new(),
    }
}

/// A list with add and remove: `item` renders entry `i`.
fn list_view(
    cx: &Rc<Cx>,
    def: &Definition,
    items: &[Value],
    list_ptr: &str,
    new_item: Value,
    item_field: impl Fn(usize) -> Option<String>,
    item: impl Fn(usize, &Value) -> Html,
) -> Html {
    let n = items.len() as u64;
    let add = {
        let (cx, ptr) = (cx.clone(), list_ptr.to_string());
        Callback::from(move |_| cx.list(ptr.clone(), ListOp::Push(new_item.clone())))
    };
    html! {
        <div class="collection">
            <ol>
                { for items.iter().enumerate().map(|(i, v)| {
                    let remove = {
                        let (cx, ptr) = (cx.clone(), list_ptr.to_string());
                        Callback::from(move |_| cx.list(ptr.clone(), ListOp::Remove(i)))
                    };
                    html! {
                        <li class="item">
                            if let Some(field) = item_field(i) {
                                <label class="visually-hidden" for={input_id(&field)}>{ format!("{}, item {}", def.display_name, i + 1) }</label>
                            }
                            { item(i, v) }
                            <button type="button" class="link remove-item" aria-label={format!("Remove item {}", i + 1)}
                                disabled={def.min_count.is_some_and(|m| n <= m)} onclick={remove}>{ "Remove" }</button>
                        </li>
                    }
                }) }
            </ol>
            <button type="button" class="add-item" disabled={def.max_count.is_some_and(|m| n >= m)} onclick={add}>{ "Add item" }</button>
            <span class="unit">{ " " }{ bounds(def) }</span>
        </div>
    }
}

fn simple_list(
    cx: &Rc<Cx>,
    def: &Definition,
    inst: &Value,
    path: &str,
    ptr: &str,
    problems: &[&Problem],
) -> Html {
    let items = inst["simpleSettingCollectionValue"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let list_ptr = format!("{ptr}/simpleSettingCollectionValue");
    let field = |i: usize| format!("{path}.simpleSettingCollectionValue[{i}].value");
    list_view(
        cx,
        def,
        &items,
        &list_ptr,
        new_simple_item(def),
        |i| Some(field(i)),
        |i, v| {
            simple_input(
                cx,
                def,
                v,
                &field(i),
                &format!("{list_ptr}/{i}"),
                problems,
                path,
            )
        },
    )
}

fn choice_list(
    cx: &Rc<Cx>,
    def: &Definition,
    inst: &Value,
    path: &str,
    ptr: &str,
    problems: &[&Problem],
) -> Html {
    let items = inst["choiceSettingCollectionValue"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let list_ptr = format!("{ptr}/choiceSettingCollectionValue");
    list_view(
        cx,
        def,
        &items,
        &list_ptr,
        new_choice_item(def, &cx.defs),
        |i| Some(format!("{path}.choiceSettingCollectionValue[{i}].value")),
        |i, v| {
            let current = v.get("value").and_then(Value::as_str).unwrap_or("");
            let on_pick = {
                let (cx, def, old, ptr) = (
                    cx.clone(),
                    def.clone(),
                    v.clone(),
                    format!("{list_ptr}/{i}"),
                );
                Callback::from(move |item: String| {
                    cx.set(ptr.clone(), choose(&def, &cx.defs, &item, &old))
                })
            };
            let item_path = format!("{path}.choiceSettingCollectionValue[{i}]");
            html! {
                <>
                    { option_picker(def, current, &format!("{item_path}.value"), problems, path, on_pick) }
                    { children(cx, v, &item_path, &format!("{list_ptr}/{i}")) }
                </>
            }
        },
    )
}

fn group_list(cx: &Rc<Cx>, def: &Definition, inst: &Value, path: &str, ptr: &str) -> Html {
    let items = inst["groupSettingCollectionValue"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let list_ptr = format!("{ptr}/groupSettingCollectionValue");
    list_view(
        cx,
        def,
        &items,
        &list_ptr,
        new_group_item(def, &cx.defs),
        // A group is a fieldset with its legend.
        |_| None,
        |i, v| {
            html! {
                <fieldset class="group">
                    <legend>{ format!("Entry {}", i + 1) }</legend>
                    { children(cx, v, &format!("{path}.groupSettingCollectionValue[{i}]"), &format!("{list_ptr}/{i}")) }
                </fieldset>
            }
        },
    )
}
