//! The summary at the top of the form: every problem, each a link to its field.

use policy_core::Problem;
use yew::prelude::*;

use super::input_id;
use crate::state::{Problems, Shared};

#[derive(Properties, PartialEq)]
pub struct ProblemSummaryProps {
    pub problems: Shared<Problems>,
}

fn item(p: &Problem) -> Html {
    let path = p.path.as_str();
    let where_ = if path.is_empty() {
        "Object".to_string()
    } else {
        path.to_string()
    };
    // Nested fieldsets without an input of their own are reached through their first field.
    html! {
        <li class={if p.is_error() { "error" } else { "warning" }}>
            <a href={format!("#{}", input_id(path))}>{ where_ }</a>
            { ": " }{ &p.message }
        </li>
    }
}

#[component]
pub fn ProblemSummary(props: &ProblemSummaryProps) -> Html {
    let all = &props.problems.all;
    let errors = props.problems.error_count();
    let warnings = all.len() - errors;
    if all.is_empty() {
        return html! { <div class="summary ok" id="problem-summary" role="status">{ "No problems found." }</div> };
    }
    html! {
        <div class={classes!("summary", (errors > 0).then_some("has-errors"))} id="problem-summary" role="status">
            <p>{ format!("{errors} error(s), {warnings} warning(s).") }
               if errors > 0 { { " Fix the errors to send." } }</p>
            <ul>{ for all.iter().filter(|p| p.is_error()).chain(all.iter().filter(|p| !p.is_error())).take(200).map(item) }</ul>
        </div>
    }
}
