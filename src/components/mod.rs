//! The editor's components, one per file. The form's fields are in [`field`], where one
//! function ([`field::decide`]) decides which field and widget a property gets; no component
//! looks a schema up globally: the form gets its schema as a prop.

pub mod catalog_host;
pub mod connection_panel;
pub mod error_view;
pub mod field;
pub mod form_view;
pub mod problem_summary;
pub mod review_panel;
pub mod settings_review;
pub mod sign_in_panel;
pub mod token_panel;

use policy_core::model::Property;
use policy_core::Problem;

use crate::state::Shared;

/// A property of a loaded schema (each lives as long as the page, see `schemas`), compared by
/// identity.
#[derive(Debug, Clone, Copy)]
pub struct PropRef(pub &'static Property);

impl PartialEq for PropRef {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

/// The id of the input at `path`, for labels, links from the summary and tests.
pub fn input_id(path: &str) -> String {
    format!("f-{path}")
}

/// The id of the element holding the messages for `path`.
pub fn message_id(path: &str) -> String {
    format!("e-{path}")
}

/// The problems reported exactly at `path`.
pub fn problems_at<'a>(
    problems: &'a Shared<Vec<Problem>>,
    path: &'a str,
) -> impl Iterator<Item = &'a Problem> {
    problems.iter().filter(move |p| p.path.as_str() == path)
}
