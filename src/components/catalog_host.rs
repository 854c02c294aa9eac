//! The place of a settings catalog policy's settings in the form: the element the lazily loaded
//! catalog module (`net::catalog_module`, `app::catalog`) mounts itself into. Rendering it
//! starts the module (once per page); its `data-rev` changes when the settings or the loaded
//! policy were replaced (a discard, a save, a rebase, another policy), and the module then
//! reads the policy anew.

use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use crate::net::catalog_module;
use crate::state::Shared;

/// What tells the module that the settings or the loaded policy were replaced: their
/// allocations (a value is replaced, never changed in place, while the state holds it).
pub fn rev(settings: Option<&Shared<Value>>, loaded: Option<&Shared<Value>>) -> String {
    let ptr = |v: Option<&Shared<Value>>| v.map_or(0, |v| Rc::as_ptr(&v.0) as usize);
    format!("{}-{}", ptr(settings), ptr(loaded))
}

/// The host of the settings: "Loading…" until the module renders (the stylesheet hides it
/// then), or why the module could not start, with "Try again" (`on_retry`).
pub fn catalog_host(
    settings: Option<&Shared<Value>>,
    loaded: Option<&Shared<Value>>,
    failed: Option<&str>,
    on_retry: Callback<MouseEvent>,
) -> Html {
    catalog_module::start(false);
    html! {
        <section class="catalog-host" aria-label="Settings">
            if let Some(e) = failed {
                <p class="blocked" id="catalog-failed">{ format!("The settings editor could not load: {e}. ") }
                    <button type="button" onclick={on_retry}>{ "Try again" }</button></p>
            } else {
                <p class="unit" id="catalog-loading">{ "Loading the settings editor…" }</p>
            }
            <div id="catalog-root" data-rev={rev(settings, loaded)}></div>
        </section>
    }
}
