//! One top-level property of the open object. It re-renders only when its own value, its
//! problems or Graph's messages for it change.

use policy_core::{FieldPath, Problem};
use serde_json::Value;
use yew::prelude::*;

use super::decide::decide;
use super::row::{help_text, FieldRow};
use super::{editor, flags, Field, PropRef, SchemaRef};
use crate::state::Shared;

#[derive(Properties, PartialEq, Clone)]
pub struct PropertyFieldProps {
    pub schema: SchemaRef,
    pub prop: PropRef,
    pub value: Option<Shared<Value>>,
    pub problems: Shared<Vec<Problem>>,
    pub server: Shared<Vec<(FieldPath, String)>>,
    /// (property, new value); `None` clears it.
    pub on_edit: Callback<(String, Option<Value>)>,
}

#[component]
pub fn PropertyField(props: &PropertyFieldProps) -> Html {
    let p = props.prop.0;
    let name = p.name.clone();
    let on_edit = props.on_edit.clone();
    let on_change = Callback::from(move |v: Value| on_edit.emit((name.clone(), Some(v))));
    let path: AttrValue = p.name.clone().into();
    let server: Vec<String> = props
        .server
        .iter()
        .filter(|(fp, _)| fp.as_str() == p.name)
        .map(|(_, m)| m.clone())
        .collect();
    let nested_server: Vec<Html> = props
        .server
        .iter()
        .filter(|(fp, _)| fp.top_property() == p.name && fp.as_str() != p.name)
        .map(|(fp, m)| html! { <p class="error server">{ format!("Graph, at {fp}: {m}") }</p> })
        .collect();
    let decision = decide(p, None, false, flags(props.schema));
    let group = decision.group;
    let editor = editor(Field {
        schema: props.schema,
        prop: props.prop,
        decision,
        path: path.clone(),
        value: props
            .value
            .clone()
            .unwrap_or_else(|| Shared::new(Value::Null)),
        on_change,
        problems: props.problems.clone(),
        on_file: None,
        reference: AttrValue::default(),
    });
    html! {
        <FieldRow name={p.name.clone()} {path} help={help_text(p)} problems={props.problems.clone()}
            {server} read_only={p.read_only} {group}>
            { editor }
            { for nested_server }
        </FieldRow>
    }
}
