//! One single value with the widget [`super::decide`] chose for it: toggle, number, select,
//! multi-select, date-time, date, time, text, file upload (base64) or a secret.

use policy_core::edm::{format_number, Edm};
use policy_core::label::label;
use policy_core::Problem;
use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::decide::Widget;
use super::secret::SecretField;
use super::{input_id, message_id, problems_at, PropRef, SchemaRef};
use crate::state::Shared;
use crate::util::{
    base64_encode, display_text, number_from_text, rfc3339_to_utc_local, utc_local_to_rfc3339,
};

#[derive(Properties, PartialEq, Clone)]
pub struct ValueEditorProps {
    pub schema: SchemaRef,
    pub prop: PropRef,
    /// What [`super::decide`] chose for this value.
    pub widget: Widget,
    pub path: AttrValue,
    pub value: Value,
    pub on_change: Callback<Value>,
    #[prop_or_default]
    pub read_only: bool,
    /// Problems at this path and below.
    pub problems: Shared<Vec<Problem>>,
    /// For a file whose object has a `fileName` beside it: an upload reports the content and
    /// the file's name together.
    #[prop_or_default]
    pub on_file: Option<Callback<(String, String)>>,
    /// For a secret: its `secretReferenceValueId`.
    #[prop_or_default]
    pub reference: AttrValue,
}

/// The attributes every input shares: `id`, `name` (its JSON path), `aria-invalid` and
/// `aria-describedby`.
struct Common {
    id: String,
    name: AttrValue,
    invalid: &'static str,
    described_by: String,
    disabled: bool,
}

fn common(props: &ValueEditorProps) -> Common {
    let path = props.path.as_str();
    let invalid = problems_at(&props.problems, path).any(Problem::is_error);
    Common {
        id: input_id(path),
        name: props.path.clone(),
        invalid: if invalid { "true" } else { "false" },
        described_by: message_id(path),
        disabled: props.read_only,
    }
}

#[component]
pub fn ValueEditor(props: &ValueEditorProps) -> Html {
    let members = |e| -> Vec<String> {
        props
            .schema
            .0
            .enum_type(e)
            .members
            .iter()
            .map(|(m, _)| m.clone())
            .collect()
    };
    match props.widget {
        Widget::Toggle => toggle(props),
        Widget::Number(edm) => number_input(props, edm),
        Widget::DateTime => date_time(props),
        Widget::Date => text_input(props, "date"),
        Widget::Time => text_input(props, "time"),
        Widget::Text => text_input(props, "text"),
        Widget::File { .. } => binary(props),
        Widget::Select(e) => enum_select(props, &members(e)),
        Widget::Flags(e) => flags_select(props, &members(e)),
        Widget::Secret => html! {
            <SecretField path={props.path.clone()} reference={props.reference.clone()} value={props.value.clone()}
                on_change={props.on_change.clone()} read_only={props.read_only} />
        },
    }
}

fn toggle(props: &ValueEditorProps) -> Html {
    let c = common(props);
    let checked = props.value.as_bool().unwrap_or(false);
    let on_change = props.on_change.clone();
    let onchange = Callback::from(move |e: Event| {
        on_change.emit(Value::Bool(
            e.target_unchecked_into::<HtmlInputElement>().checked(),
        ))
    });
    let state = match props.value {
        Value::Bool(true) => "On",
        Value::Bool(false) => "Off",
        _ => "Not set",
    };
    html! {
        <span class="toggle">
            <input type="checkbox" role="switch" id={c.id} name={c.name} {checked} disabled={c.disabled}
                aria-invalid={c.invalid} aria-describedby={c.described_by} {onchange} />
            <span class="toggle-state">{ state }</span>
        </span>
    }
}

fn number_input(props: &ValueEditorProps, edm: Edm) -> Html {
    let c = common(props);
    let integer = edm.integer_range().is_some();
    let cons = &props.prop.0.constraints;
    let min = cons
        .min
        .or(edm.integer_range().map(|r| r.0 as f64))
        .map(format_number);
    let max = cons
        .max
        .or(edm.integer_range().map(|r| r.1 as f64))
        .map(format_number);
    let on_change = props.on_change.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        let text = e.target_unchecked_into::<HtmlInputElement>().value();
        on_change.emit(number_from_text(&text, integer));
    });
    html! {
        <input type="number" id={c.id} name={c.name} value={display_text(&props.value)}
            step={if integer { "1" } else { "any" }} min={min} max={max} disabled={c.disabled}
            aria-invalid={c.invalid} aria-describedby={c.described_by} {oninput} />
    }
}

fn text_input(props: &ValueEditorProps, kind: &'static str) -> Html {
    let c = common(props);
    let on_change = props.on_change.clone();
    let nullable = props.prop.0.nullable;
    let oninput = Callback::from(move |e: InputEvent| {
        let text = e.target_unchecked_into::<HtmlInputElement>().value();
        // An emptied optional field is cleared rather than sent as "".
        on_change.emit(if text.is_empty() && nullable && kind != "text" {
            Value::Null
        } else {
            Value::String(text)
        });
    });
    let maxlength = props.prop.0.constraints.max_length.map(|n| n.to_string());
    let step = (kind == "time").then_some("1");
    html! {
        <input type={kind} id={c.id} name={c.name} value={display_text(&props.value)} {maxlength} {step}
            disabled={c.disabled} aria-invalid={c.invalid} aria-describedby={c.described_by} {oninput} />
    }
}

fn date_time(props: &ValueEditorProps) -> Html {
    let text = display_text(&props.value);
    let local = if text.is_empty() {
        Some(String::new())
    } else {
        rfc3339_to_utc_local(&text)
    };
    let Some(local) = local else {
        // A value the picker cannot show stays editable as text, so nothing is lost.
        return text_input(props, "text");
    };
    let c = common(props);
    let on_change = props.on_change.clone();
    let nullable = props.prop.0.nullable;
    let oninput = Callback::from(move |e: InputEvent| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value();
        on_change.emit(if v.is_empty() {
            if nullable {
                Value::Null
            } else {
                Value::String(String::new())
            }
        } else {
            Value::String(utc_local_to_rfc3339(&v))
        });
    });
    html! {
        <span class="datetime">
            <input type="datetime-local" step="1" id={c.id} name={c.name} value={local} disabled={c.disabled}
                aria-invalid={c.invalid} aria-describedby={c.described_by} {oninput} />
            <span class="unit">{ "UTC" }</span>
        </span>
    }
}

/// Text as a value: an empty choice or field clears the property.
fn text_or_null(text: String) -> Value {
    if text.is_empty() {
        Value::Null
    } else {
        Value::String(text)
    }
}

fn enum_select(props: &ValueEditorProps, members: &[String]) -> Html {
    let c = common(props);
    let current = props.value.as_str().unwrap_or("").to_string();
    let known = current.is_empty() || members.contains(&current);
    let on_change = props.on_change.clone();
    let onchange = Callback::from(move |e: Event| {
        on_change.emit(text_or_null(
            e.target_unchecked_into::<HtmlSelectElement>().value(),
        ));
    });
    html! {
        <select id={c.id} name={c.name} disabled={c.disabled} aria-invalid={c.invalid}
            aria-describedby={c.described_by} {onchange}>
            <option value="" selected={current.is_empty()}>{ "(not set)" }</option>
            if !known {
                <option value={current.clone()} selected=true>{ format!("{current} (not a member)") }</option>
            }
            { for members.iter().map(|m| html! {
                <option value={m.clone()} selected={*m == current}>{ label(m) }</option>
            }) }
        </select>
    }
}

fn flags_select(props: &ValueEditorProps, members: &[String]) -> Html {
    let c = common(props);
    let current: Vec<String> = props
        .value
        .as_str()
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let on_change = props.on_change.clone();
    let onchange = Callback::from(move |e: Event| {
        let select = e.target_unchecked_into::<HtmlSelectElement>();
        let options = select.selected_options();
        let chosen: Vec<String> = (0..options.length())
            .filter_map(|i| options.item(i))
            .filter_map(|o| o.get_attribute("value"))
            .collect();
        on_change.emit(text_or_null(chosen.join(",")));
    });
    html! {
        <select multiple=true size={members.len().clamp(2, 8).to_string()} id={c.id} name={c.name}
            disabled={c.disabled} aria-invalid={c.invalid} aria-describedby={c.described_by} {onchange}>
            { for members.iter().map(|m| html! {
                <option value={m.clone()} selected={current.contains(m)}>{ label(m) }</option>
            }) }
        </select>
    }
}

fn binary(props: &ValueEditorProps) -> Html {
    let c = common(props);
    let on_change = props.on_change.clone();
    let on_file = props.on_file.clone();
    let onchange_file = Callback::from(move |e: Event| {
        let input = e.target_unchecked_into::<HtmlInputElement>();
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let file = gloo_file::File::from(file);
        let name = file.name();
        let on_change = on_change.clone();
        let on_file = on_file.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(bytes) = gloo_file::futures::read_as_bytes(&file).await {
                let encoded = base64_encode(&bytes);
                match on_file {
                    Some(cb) => cb.emit((encoded, name)),
                    None => on_change.emit(Value::String(encoded)),
                }
            }
        });
    });
    let on_text = props.on_change.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        on_text.emit(text_or_null(
            e.target_unchecked_into::<HtmlInputElement>().value(),
        ));
    });
    let size = props.value.as_str().map(|s| s.len() * 3 / 4).unwrap_or(0);
    html! {
        <span class="binary">
            <input type="text" id={c.id.clone()} name={c.name} value={display_text(&props.value)}
                placeholder="base64" disabled={c.disabled} aria-invalid={c.invalid}
                aria-describedby={c.described_by} {oninput} />
            if !c.disabled {
                <label class="button">{ "Upload file…" }
                    <input type="file" class="visually-hidden" onchange={onchange_file} />
                </label>
            }
            if size > 0 { <span class="unit">{ format!("about {size} bytes") }</span> }
        </span>
    }
}
