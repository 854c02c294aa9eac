//! A labelled row around one widget: the label (the property name made readable, with Graph's
//! name and the JSON path shown on hover or focus), our own help text, and the messages for its
//! path, which the widget's `aria-describedby` points at.

use policy_core::label::label;
use policy_core::model::Property;
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
            // Graph's own name and the JSON path, shown on hover and focus (style.css).
            <code class="prop-name">{ path }</code>
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

/// Our own words for what a property takes: only what the user needs (see
/// `policy_core::label::help`).
pub fn help_text(p: &Property) -> String {
    policy_core::label::help(p)
}
