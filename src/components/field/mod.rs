//! The form-field module: every widget of the form, and the one place that decides which field
//! and widget a property gets ([`decide`]). Widgets receive what they need as props (the schema
//! as a [`SchemaRef`], the decision, the value) and look nothing up globally.

pub mod collection;
pub mod complex;
pub mod decide;
pub mod property;
pub mod row;
pub mod secret;
pub mod value;

use policy_core::Problem;
use policy_core::Schema;
use serde_json::Value;
use yew::prelude::*;

pub use crate::components::{input_id, message_id, problems_at, PropRef};
use crate::state::Shared;
use decide::{Decision, Kind};

/// A loaded schema (each lives as long as the page, see `schemas`), compared by identity: a
/// form renders again when more of its version is loaded.
#[derive(Debug, Clone, Copy)]
pub struct SchemaRef(pub &'static Schema);

impl PartialEq for SchemaRef {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

/// Tells a flags enum from a plain one, for [`decide::decide`].
pub fn flags(schema: SchemaRef) -> impl Fn(policy_core::model::EnumId) -> bool {
    move |e| schema.0.enum_type(e).flags
}

/// What it takes to render one decided field.
pub struct Field {
    pub schema: SchemaRef,
    pub prop: PropRef,
    pub decision: Decision,
    pub path: AttrValue,
    /// The value (a list shared with the draft: not copied to render it).
    pub value: Shared<Value>,
    pub on_change: Callback<Value>,
    pub problems: Shared<Vec<Problem>>,
    /// A file's content and name set together (see [`decide::Widget::File`]).
    pub on_file: Option<Callback<(String, String)>>,
    /// A secret's `secretReferenceValueId`.
    pub reference: AttrValue,
}

/// The editor of a decided field: a list, a nested fieldset, or one widget.
pub fn editor(f: Field) -> Html {
    let read_only = f.decision.read_only;
    match f.decision.kind {
        Kind::List => html! {
            <collection::CollectionEditor schema={f.schema} prop={f.prop} path={f.path} value={f.value}
                on_change={f.on_change} {read_only} problems={f.problems} />
        },
        Kind::Group(declared) => html! {
            <complex::ComplexEditor schema={f.schema} {declared} path={f.path} value={(*f.value.0).clone()}
                on_change={f.on_change} {read_only} nullable={f.prop.0.nullable} problems={f.problems} />
        },
        Kind::Single(widget) => html! {
            <value::ValueEditor schema={f.schema} prop={f.prop} {widget} path={f.path} value={(*f.value.0).clone()}
                on_change={f.on_change} {read_only} problems={f.problems} on_file={f.on_file}
                reference={f.reference} />
        },
    }
}
