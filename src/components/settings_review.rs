//! The review's setting-level changes of a settings catalog policy: each added, removed or
//! changed setting by its name, with its value before and after (never a JSON blob). The
//! catalog module writes the rows into the table (`crates/catalog-ui`'s `review`) whenever it
//! is new or its `data-rev` changed; until the module is loaded, a note says they will come.

use serde_json::Value;
use yew::prelude::*;

use super::catalog_host::rev;
use crate::state::Shared;

/// The table of the changes from `loaded` (the policy as loaded) to `settings` (as edited).
pub fn settings_review(settings: Option<&Shared<Value>>, loaded: &Shared<Value>) -> Html {
    html! {
        <div class="settings-review">
            <p class="unit">{ "The settings changed; their list of changes shows once the settings editor has loaded." }</p>
            <table class="diff" id="settings-diff" data-rev={rev(settings, Some(loaded))}></table>
        </div>
    }
}
