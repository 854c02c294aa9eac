//! A labelled row around one widget: the label (the property name made readable), our own help
//! text, and the messages for its path, which the widget's `aria-describedby` points at.

use policy_core::edm::{format_number, Edm};
use policy_core::label::label;
use policy_core::model::{Property, ValueType};
use policy_core::{Problem, Severity};
use yew::prelude::*;

use super::{input_id, message_id};
use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct FieldRowProps {
    pub name: AttrValue,
    pub path: AttrValue,
    pub help: AttrValue,
    /// Problems at exactly this path.
    pub problems: Shared<Vec<Problem>>,
    /// Graph's own messages for this path, from its last answer.
    #[prop_or_default]
    pub server: Vec<String>,
    #[prop_or_default]
    pub read_only: bool,
    /// Fieldsets (complex values, lists) label themselves with a legend instead of a label.
    #[prop_or_default]
    pub group: bool,
    pub children: Html,
}

#[component]
pub fn FieldRow(props: &FieldRowProps) -> Html {
    let path = props.path.as_str();
    let here: Vec<&Problem> = props
        .problems
        .iter()
        .filter(|p| p.path.as_str() == path)
        .collect();
    let has_error = here.iter().any(|p| p.severity == Severity::Error) || !props.server.is_empty();
    let class = classes!(
        "field",
        has_error.then_some("has-error"),
        props.read_only.then_some("read-only")
    );
    let title = html! {
        <>
            { label(&props.name) }
            if props.read_only { <span class="badge">{ "read-only" }</span> }
        </>
    };
    html! {
        <div {class} data-path={props.path.clone()}>
            if props.group {
                <div class="field-label">{ title }</div>
            } else {
                <label class="field-label" for={input_id(path)}>{ title }</label>
            }
            <div class="field-input">{ props.children.clone() }</div>
            <div class="field-help">{ &props.help }</div>
            <div class="field-messages" id={message_id(path)} aria-live="polite">
                { for here.iter().map(|p| html! {
                    <p class={if p.is_error() { "error" } else { "warning" }} data-code={p.code.as_str()}>{ &p.message }</p>
                }) }
                { for props.server.iter().map(|m| html! { <p class="error server">{ format!("Graph: {m}") }</p> }) }
            </div>
        </div>
    }
}

/// Our own words for what a property takes: its kind, limits and whether it may be empty.
pub fn help_text(schema: &policy_core::Schema, p: &Property) -> String {
    let c = &p.constraints;
    let mut parts = Vec::new();
    let kind = match p.value_type {
        ValueType::Primitive(edm) => match edm {
            Edm::Boolean => "On or off".to_string(),
            Edm::String => "Text".to_string(),
            Edm::Binary => "A file, sent as base64".to_string(),
            // The limits below say more than the type's own range.
            e if e.integer_range().is_some() && (c.min.is_some() || c.max.is_some()) => {
                "Whole number".to_string()
            }
            e => {
                let d = e.describe();
                let mut s = d.to_string();
                if let Some(f) = s.get_mut(0..1) {
                    f.make_ascii_uppercase();
                }
                s
            }
        },
        ValueType::Enum(e) => {
            let e = schema.enum_type(e);
            if e.flags {
                format!("Any of {} options", e.members.len())
            } else {
                format!("One of {} options", e.members.len())
            }
        }
        ValueType::Structured(t) => format!(
            "A {} group",
            label(schema.get(t).short_name()).to_ascii_lowercase()
        ),
        ValueType::Unresolved => "A value".to_string(),
    };
    parts.push(if p.collection {
        format!("List. Each item: {}", kind.to_ascii_lowercase())
    } else {
        kind
    });
    match (c.min.map(format_number), c.max.map(format_number)) {
        (Some(lo), Some(hi)) => parts.push(format!("from {lo} to {hi}")),
        (Some(lo), None) => parts.push(format!("at least {lo}")),
        (None, Some(hi)) => parts.push(format!("at most {hi}")),
        _ => {}
    }
    if let Some(n) = c.max_length {
        parts.push(format!("up to {n} characters"));
    }
    if let Some(n) = c.max_items {
        parts.push(format!("up to {n} items"));
    }
    if !p.nullable && !p.read_only {
        parts.push("required".into());
    }
    parts.join(", ") + "."
}
