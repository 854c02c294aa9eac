//! One setting of an intent drawn by its definition: its name and id, its value's fields (a
//! select for true/false and for a list of allowed values, a number with its range, text with its
//! length, a complex value's properties, a list item by item, JSON for anything else; an empty
//! field is "not configured"), what bounds it, and its problems at the field.

use policy_core::intents::{
    IntentConstraint, IntentDefinition, IntentDefinitions, IntentValueType,
};
use policy_core::Problem;
use serde_json::{json, Value};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::intent_model::{new_item, property_name, shown, value_of, with_property};
use crate::view::{problem_list, Ptr};

/// The deepest a value is drawn as fields; deeper, as JSON.
const MAX_DEPTH: usize = 4;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    /// Numbers the card's inputs.
    pub n: usize,
    pub id: AttrValue,
    /// The intent's instance of the setting; none when the intent does not have it.
    pub setting: Option<Ptr<Value>>,
    pub defs: Ptr<IntentDefinitions>,
    pub problems: Option<Ptr<Vec<Problem>>>,
    pub on_set: Callback<(String, Result<Value, String>)>,
}

/// One setting: its name and id, its value's fields, what bounds it, and its problems.
#[component]
pub fn IntentCard(p: &CardProps) -> Html {
    let defs = &p.defs.0;
    let def = defs.get(&p.id);
    let name = def
        .map(|d| d.display_name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| p.id.to_string());
    let value = p
        .setting
        .as_ref()
        .map(|s| value_of(&s.0))
        .unwrap_or(Ok(Value::Null));
    let problems: Vec<Problem> = p
        .problems
        .iter()
        .flat_map(|l| l.0.iter().cloned())
        .collect();
    let errors = problems.iter().any(Problem::is_error);
    let dom = format!("iv-{}", p.n);
    let described = format!("{dom}-m");
    let on = {
        let (on_set, id) = (p.on_set.clone(), p.id.to_string());
        Callback::from(move |v: Result<Value, String>| on_set.emit((id.clone(), v)))
    };
    let cx = Fx {
        defs,
        invalid: errors,
        described: (!problems.is_empty()).then(|| described.clone()),
    };
    let configured = !matches!(value, Ok(Value::Null));
    let body = match &value {
        Ok(v) => cx.field(def, v, &dom, &name, on.clone(), 0),
        Err(raw) => cx.json_area(&dom, raw, on.clone(), true),
    };
    let compound = matches!(&value, Ok(v) if is_group(def, v, 0));
    html! {
        <section class="setting" data-setting={p.id.clone()} data-configured={configured.to_string()}>
            <div class="instance" data-definition={p.id.clone()}>
                <div class="instance-head">
                    if compound { <span class="instance-label" id={format!("{dom}-l")}>{ &name }</span> }
                    else { <label for={dom.clone()}>{ &name }</label> }
                    { " " }<code class="setting-id">{ p.id.to_string() }</code>
                </div>
                { body }
                if let Some(h) = def.map(hint).filter(|h| !h.is_empty()) { <p class="unit hint">{ h }</p> }
                if compound && configured {
                    <button type="button" class="link clear-setting" aria-label={format!("Not configured: {name}")}
                        onclick={Callback::from(move |_| on.emit(Ok(Value::Null)))}>{ "Not configured" }</button>
                }
                { problem_list(&problems.iter().collect::<Vec<_>>(), &described) }
            </div>
        </section>
    }
}

/// True when `value` is drawn as a group of fields (a complex value's properties, a list's
/// items), labelled as a whole; false for one field, labelled by its `<label>`.
fn is_group(def: Option<&IntentDefinition>, value: &Value, depth: usize) -> bool {
    depth < MAX_DEPTH
        && match def.map(|d| d.value_type) {
            Some(IntentValueType::Complex) => {
                def.is_some_and(|d| !d.property_definition_ids.is_empty())
                    && (value.is_object() || value.is_null())
            }
            Some(IntentValueType::Collection) => value.is_array() || value.is_null(),
            _ => false,
        }
}

/// What bounds a setting's value, in words.
fn hint(def: &IntentDefinition) -> String {
    let mut out = Vec::new();
    for c in &def.constraints {
        match c {
            IntentConstraint::Integer { min, max } => out.push(match (min, max) {
                (Some(a), Some(b)) => format!("From {a} to {b}."),
                (Some(a), None) => format!("At least {a}."),
                (None, Some(b)) => format!("At most {b}."),
                (None, None) => continue,
            }),
            IntentConstraint::StringLength { min, max } => out.push(match (min, max) {
                (Some(a), Some(b)) => format!("{a} to {b} characters."),
                (Some(a), None) => format!("At least {a} characters."),
                (None, Some(b)) => format!("At most {b} characters."),
                (None, None) => continue,
            }),
            IntentConstraint::Regex(r) => out.push(format!("Must match {}.", r.pattern)),
            IntentConstraint::Collection { min, max } => out.push(match (min, max) {
                (Some(a), Some(b)) => format!("{a} to {b} items."),
                (Some(a), None) => format!("At least {a} items."),
                (None, Some(b)) => format!("At most {b} items."),
                (None, None) => continue,
            }),
            _ => {}
        }
    }
    out.join(" ")
}

/// What drawing a setting's fields needs.
struct Fx<'a> {
    defs: &'a IntentDefinitions,
    /// The setting has an error: its first field says so.
    invalid: bool,
    described: Option<String>,
}

fn enum_of(def: &IntentDefinition) -> Option<&[policy_core::intents::EnumValue]> {
    def.constraints.iter().find_map(|c| match c {
        IntentConstraint::Enum(v) => Some(v.as_slice()),
        _ => None,
    })
}

fn integer_bounds(def: &IntentDefinition) -> (Option<i64>, Option<i64>) {
    def.constraints
        .iter()
        .find_map(|c| match c {
            IntentConstraint::Integer { min, max } => Some((*min, *max)),
            _ => None,
        })
        .unwrap_or((None, None))
}

fn max_length(def: &IntentDefinition) -> Option<u64> {
    def.constraints.iter().find_map(|c| match c {
        IntentConstraint::StringLength { max, .. } => *max,
        _ => None,
    })
}

impl Fx<'_> {
    /// The attributes of the field at `dom`: invalid (and described) only at the top.
    fn aria(&self, top: bool) -> (Option<&'static str>, Option<String>) {
        if top && self.invalid {
            (Some("true"), self.described.clone())
        } else {
            (None, if top { self.described.clone() } else { None })
        }
    }

    /// The fields of `value` as `def` describes it; `on` gets the new value.
    fn field(
        &self,
        def: Option<&IntentDefinition>,
        value: &Value,
        dom: &str,
        label: &str,
        on: Callback<Result<Value, String>>,
        depth: usize,
    ) -> Html {
        let top = depth == 0;
        let (bad, describedby) = self.aria(top);
        let kind = def.map_or(IntentValueType::Unknown, |d| d.value_type);
        let aria_label = (!top).then(|| label.to_string());
        match (kind, def) {
            (IntentValueType::Boolean, _) => {
                let current = match value {
                    Value::Bool(true) => "true",
                    Value::Bool(false) => "false",
                    _ => "",
                };
                let onchange = Callback::from(move |e: Event| {
                    let el: HtmlSelectElement = e.target_unchecked_into();
                    on.emit(Ok(match el.value().as_str() {
                        "true" => json!(true),
                        "false" => json!(false),
                        _ => Value::Null,
                    }));
                });
                html! {
                    <select id={dom.to_string()} aria-label={aria_label} aria-invalid={bad} aria-describedby={describedby} {onchange}>
                        <option value="" selected={current.is_empty()}>{ "Not configured" }</option>
                        <option value="true" selected={current == "true"}>{ "Yes" }</option>
                        <option value="false" selected={current == "false"}>{ "No" }</option>
                        if !value.is_null() && !value.is_boolean() {
                            <option value="" selected=true>{ format!("{} (not true or false)", shown(&Ok(value.clone()))) }</option>
                        }
                    </select>
                }
            }
            (IntentValueType::Integer, Some(d)) => {
                let (min, max) = integer_bounds(d);
                let text = input_text(value);
                let oninput = Callback::from(move |e: InputEvent| {
                    let el: HtmlInputElement = e.target_unchecked_into();
                    let t = el.value();
                    let t = t.trim();
                    on.emit(Ok(if t.is_empty() {
                        Value::Null
                    } else {
                        t.parse::<i64>().map(|n| json!(n)).unwrap_or(json!(t))
                    }));
                });
                html! {
                    <input type="number" step="1" id={dom.to_string()} value={text} placeholder="Not configured"
                        min={min.map(|m| m.to_string())} max={max.map(|m| m.to_string())}
                        aria-label={aria_label} aria-invalid={bad} aria-describedby={describedby} {oninput} />
                }
            }
            (IntentValueType::String, Some(d)) if enum_of(d).is_some() => {
                let members = enum_of(d).unwrap_or_default();
                let current = value.as_str().unwrap_or("");
                let unknown = !value.is_null() && !members.iter().any(|m| m.value == current);
                let onchange = Callback::from(move |e: Event| {
                    let el: HtmlSelectElement = e.target_unchecked_into();
                    let v = el.value();
                    on.emit(Ok(if v.is_empty() { Value::Null } else { json!(v) }));
                });
                html! {
                    <select id={dom.to_string()} aria-label={aria_label} aria-invalid={bad} aria-describedby={describedby} {onchange}>
                        // "(empty)" where the list has a member named "Not configured".
                        <option value="" selected={value.is_null()}>{ if members.iter().any(|m| m.display_name.as_deref() == Some("Not configured")) { "(empty)" } else { "Not configured" } }</option>
                        if unknown {
                            <option value={current.to_string()} selected=true>{ format!("{} (not an option)", shown(&Ok(value.clone()))) }</option>
                        }
                        { for members.iter().map(|m| html! {
                            <option value={m.value.clone()} selected={!unknown && m.value == current}>
                                { m.display_name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| m.value.clone()) }
                            </option>
                        }) }
                    </select>
                }
            }
            (IntentValueType::String, d) => {
                let text = input_text(value);
                let oninput = Callback::from(move |e: InputEvent| {
                    let el: HtmlInputElement = e.target_unchecked_into();
                    let t = el.value();
                    on.emit(Ok(if t.is_empty() { Value::Null } else { json!(t) }));
                });
                html! {
                    <input type="text" id={dom.to_string()} value={text} placeholder="Not configured"
                        maxlength={d.and_then(max_length).map(|m| m.to_string())}
                        aria-label={aria_label} aria-invalid={bad} aria-describedby={describedby} {oninput} />
                }
            }
            (IntentValueType::Complex, Some(d)) if is_group(def, value, depth) => {
                let labelledby = format!("{dom}-l");
                html! {
                    <div class="complex" role="group" aria-labelledby={top.then_some(labelledby)} aria-label={aria_label}
                        aria-invalid={bad} aria-describedby={describedby}>
                        { for d.property_definition_ids.iter().map(|pid| {
                            let pdef = self.defs.get(pid);
                            let key = property_name(pid).to_string();
                            let plabel = pdef.map(|p| p.display_name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| key.clone());
                            let pdom = format!("{dom}-{key}");
                            let inner = value.get(&key).cloned().unwrap_or(Value::Null);
                            let (obj, on, k) = (value.clone(), on.clone(), key.clone());
                            let pon = Callback::from(move |r: Result<Value, String>| {
                                if let Ok(v) = r {
                                    on.emit(Ok(with_property(&obj, &k, v)));
                                }
                            });
                            html! {
                                <div class="property">
                                    <label for={pdom.clone()}>{ &plabel }</label>
                                    { self.field(pdef, &inner, &pdom, &plabel, pon, depth + 1) }
                                    if let Some(h) = pdef.map(hint).filter(|h| !h.is_empty()) { <p class="unit hint">{ h }</p> }
                                </div>
                            }
                        }) }
                    </div>
                }
            }
            (IntentValueType::Collection, Some(d)) if is_group(def, value, depth) => {
                let element = d
                    .element_definition_id
                    .as_deref()
                    .and_then(|e| self.defs.get(e));
                let list = value.as_array().cloned().unwrap_or_default();
                let add = {
                    let (on, list, item) = (on.clone(), list.clone(), new_item(element));
                    Callback::from(move |_| {
                        let mut l = list.clone();
                        l.push(item.clone());
                        on.emit(Ok(Value::Array(l)));
                    })
                };
                let labelledby = format!("{dom}-l");
                // Items of text when the element is not described.
                let fallback;
                let element = match element {
                    Some(e) => Some(e),
                    None => {
                        fallback = string_definition();
                        Some(&fallback)
                    }
                };
                html! {
                    <div class="collection" role="group" aria-labelledby={top.then_some(labelledby)} aria-label={aria_label.clone()}
                        aria-invalid={bad} aria-describedby={describedby}>
                        <ol>
                            { for list.iter().enumerate().map(|(i, item)| {
                                let idom = format!("{dom}-{i}");
                                let ilabel = format!("{label} item {}", i + 1);
                                let (l, on1) = (list.clone(), on.clone());
                                let ion = Callback::from(move |r: Result<Value, String>| {
                                    if let Ok(v) = r {
                                        let mut l = l.clone();
                                        if i < l.len() { l[i] = v; }
                                        on1.emit(Ok(Value::Array(l)));
                                    }
                                });
                                let (l, on2) = (list.clone(), on.clone());
                                let remove = Callback::from(move |_| {
                                    let mut l = l.clone();
                                    if i < l.len() { l.remove(i); }
                                    on2.emit(Ok(if l.is_empty() { Value::Null } else { Value::Array(l) }));
                                });
                                html! {
                                    <li class="item">
                                        { self.field(element, item, &idom, &ilabel, ion, depth + 1) }
                                        <button type="button" class="link remove-item" aria-label={format!("Remove {ilabel}")} onclick={remove}>{ "Remove" }</button>
                                    </li>
                                }
                            }) }
                        </ol>
                        <button type="button" class="add-item" aria-label={format!("Add item to {label}")} onclick={add}>{ "Add item" }</button>
                    </div>
                }
            }
            _ => {
                let text = if value.is_null() {
                    String::new()
                } else {
                    serde_json::to_string_pretty(value).unwrap_or_default()
                };
                self.json_area(dom, &text, on, top)
            }
        }
    }

    /// A value as JSON text: empty for not configured; text that is not JSON is kept (and
    /// reported) at the top, refused below it.
    fn json_area(
        &self,
        dom: &str,
        text: &str,
        on: Callback<Result<Value, String>>,
        top: bool,
    ) -> Html {
        let (bad, describedby) = self.aria(top);
        let onchange = Callback::from(move |e: Event| {
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            let t = el.value();
            if t.trim().is_empty() {
                on.emit(Ok(Value::Null));
            } else {
                match serde_json::from_str::<Value>(&t) {
                    Ok(v) => on.emit(Ok(v)),
                    Err(_) if top => on.emit(Err(t)),
                    Err(_) => {}
                }
            }
        });
        html! {
            <textarea id={dom.to_string()} class="json" rows="4" spellcheck="false" placeholder="Not configured (JSON)"
                value={text.to_string()} aria-invalid={bad} aria-describedby={describedby} {onchange} />
        }
    }
}

/// What a text or number input shows of a value: nothing for not configured, text as it is,
/// anything else as JSON.
fn input_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// The definition list items of text are drawn by when their list has no element definition.
fn string_definition() -> IntentDefinition {
    IntentDefinition::from_graph_json(&json!({"id": "item", "valueType": "string"}))
        .expect("a definition with an id")
}
