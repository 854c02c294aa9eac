//! A structured (complex) value as a fieldset: a kind chooser when the declared type has
//! concrete derived kinds (the seven OMA setting kinds), then a row per property.

use policy_core::label::label;
use policy_core::model::{Schema, TypeId};
use policy_core::Problem;
use serde_json::{Map, Value};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::decide::{decide, Kind, Widget};
use super::row::{help_text, FieldRow};
use super::{editor, flags, input_id, Field, PropRef, SchemaRef};
use crate::state::Shared;

#[derive(Properties, PartialEq, Clone)]
pub struct ComplexEditorProps {
    pub schema: SchemaRef,
    pub declared: TypeId,
    pub path: AttrValue,
    pub value: Value,
    pub on_change: Callback<Value>,
    #[prop_or_default]
    pub read_only: bool,
    #[prop_or(true)]
    pub nullable: bool,
    pub problems: Shared<Vec<Problem>>,
}

/// The concrete type a value is, from its `@odata.type` when that names a kind of `declared`.
pub fn actual_type(s: &Schema, declared: TypeId, value: &Value) -> TypeId {
    value
        .get("@odata.type")
        .and_then(Value::as_str)
        .and_then(|t| s.find(t))
        .filter(|t| s.is_same_or_derived(*t, declared))
        .unwrap_or(declared)
}

/// A new value of a kind, keeping the properties the old value shares with it.
pub fn switch_kind(s: &Schema, kind: TypeId, old: &Value) -> Value {
    let t = s.get(kind);
    let mut map = Map::new();
    map.insert("@odata.type".into(), Value::String(t.odata_type()));
    if let Some(old) = old.as_object() {
        for (k, v) in old {
            if t.property(k).is_some() {
                map.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(map)
}

#[component]
pub fn ComplexEditor(props: &ComplexEditorProps) -> Html {
    let s = props.schema.0;
    let declared = s.get(props.declared);
    let kinds = s.concrete_types(props.declared);
    let path = props.path.to_string();

    if props.value.is_null() {
        let on_change = props.on_change.clone();
        let first = kinds.first().copied();
        let onclick = Callback::from(move |_| {
            if let Some(k) = first {
                on_change.emit(switch_kind(s, k, &Value::Null));
            }
        });
        return html! {
            <div class="complex empty">
                <span>{ "Not set." }</span>
                if !props.read_only && first.is_some() {
                    <button type="button" id={input_id(&path)} {onclick}>{ format!("Set {}", label(declared.short_name()).to_ascii_lowercase()) }</button>
                }
            </div>
        };
    }
    let Some(map) = props.value.as_object() else {
        return html! { <p class="error">{ "This value is not an object; edit the JSON or clear it." }</p> };
    };
    let actual = actual_type(s, props.declared, &props.value);
    let t = s.get(actual);

    let chooser = if kinds.len() > 1 || declared.is_abstract {
        let on_change = props.on_change.clone();
        let old = props.value.clone();
        let onchange = Callback::from(move |e: Event| {
            let name = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(k) = s.find(&name) {
                on_change.emit(switch_kind(s, k, &old));
            }
        });
        let kind_path = format!("{path}.@odata.type");
        html! {
            <div class="kind">
                <label for={input_id(&kind_path)}>{ "Kind" }</label>
                <select id={input_id(&kind_path)} name={kind_path} disabled={props.read_only} {onchange}>
                    if t.is_abstract {
                        <option value="" selected=true>{ "(choose a kind)" }</option>
                    }
                    { for kinds.iter().map(|k| {
                        let kt = s.get(*k);
                        html! { <option value={kt.name.clone()} selected={*k == actual}>{ label(kt.short_name()) }</option> }
                    }) }
                </select>
            </div>
        }
    } else {
        html! {}
    };

    let clear = if props.nullable && !props.read_only {
        let on_change = props.on_change.clone();
        html! { <button type="button" class="link" onclick={Callback::from(move |_| on_change.emit(Value::Null))}>{ "Clear" }</button> }
    } else {
        html! {}
    };

    let rows = t.properties.iter().map(|p| {
        let child_path: AttrValue = format!("{path}.{}", p.name).into();
        let value = map.get(&p.name).cloned().unwrap_or(Value::Null);
        let name = p.name.clone();
        let on_change = props.on_change.clone();
        let base = props.value.clone();
        let set = Callback::from(move |v: Value| {
            let mut obj = base.as_object().cloned().unwrap_or_default();
            obj.insert(name.clone(), v);
            on_change.emit(Value::Object(obj));
        });
        let decision = decide(p, Some(map), props.read_only, flags(props.schema));
        let on_file = matches!(decision.kind, Kind::Single(Widget::File { with_name: true })).then(|| {
            let on_change = props.on_change.clone();
            let base = props.value.clone();
            let name = p.name.clone();
            // The file's content and name arrive together and are set in one change.
            Callback::from(move |(content, file): (String, String)| {
                let mut obj = base.as_object().cloned().unwrap_or_default();
                obj.insert(name.clone(), Value::String(content));
                obj.insert("fileName".into(), Value::String(file));
                on_change.emit(Value::Object(obj));
            })
        });
        let reference = map
            .get("secretReferenceValueId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let read_only = decision.read_only;
        let group = decision.group;
        let editor = editor(Field {
            schema: props.schema,
            prop: PropRef(p),
            decision,
            path: child_path.clone(),
            value: Shared::new(value),
            on_change: set,
            problems: props.problems.clone(),
            on_file,
            reference: AttrValue::from(reference),
        });
        html! {
            <FieldRow key={p.name.clone()} name={p.name.clone()} path={child_path.clone()} help={help_text(p)}
                problems={props.problems.clone()} {read_only} {group}>
                { editor }
            </FieldRow>
        }
    });

    html! {
        <fieldset class="complex" data-path={props.path.clone()}>
            <legend>{ label(t.short_name()) } { clear }</legend>
            { chooser }
            { for rows }
        </fieldset>
    }
}
