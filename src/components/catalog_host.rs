//! The place of a settings catalog policy's settings in the form: an element the lazily loaded
//! catalog module (`net::catalog_module`) renders into, fed the policy and reporting back the
//! edited `settings` and its error count.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{json, Value};
use yew::prelude::*;

use crate::net::catalog_module::{self, HostCallbacks, Mounted};
use crate::net::Connection;
use crate::state::{Draft, Shared};

#[derive(Properties, PartialEq)]
pub struct CatalogHostProps {
    /// The policy as edited (its `settings` included).
    pub draft: Draft,
    /// The policy as loaded, if it was.
    pub loaded: Option<Shared<Value>>,
    /// The connection the module's GETs go through (none: it works from its cache).
    pub conn: Option<Connection>,
    /// Where the module's definitions are kept apart from another tenant's.
    pub namespace: AttrValue,
    /// The new `settings`.
    pub on_settings: Callback<Value>,
    /// The module's count of errors in them.
    pub on_errors: Callback<usize>,
}

/// What the module is given: the policy, its settings as loaded and the cache's namespace.
/// Kept as props came (cheap clones) and written out only when the module needs it.
#[derive(Default)]
struct Input {
    draft: Draft,
    loaded: Option<Shared<Value>>,
    namespace: AttrValue,
}

impl Input {
    fn json(&self) -> String {
        json!({
            "policy": self.draft.to_value(),
            "loaded": self.loaded.as_ref().and_then(|l| l.0.get("settings")),
            "namespace": self.namespace.as_str(),
        })
        .to_string()
    }
}

#[derive(Clone, PartialEq)]
enum Status {
    Loading,
    Ready,
    Failed(String),
}

#[component]
pub fn CatalogHost(props: &CatalogHostProps) -> Html {
    let node = use_node_ref();
    let status = use_state_eq(|| Status::Loading);
    let tries = use_state_eq(|| 0u32);
    let mounted = use_mut_ref(|| None::<Mounted>);
    // The settings the module last reported: given back to it, they are not news.
    let reported = use_mut_ref(|| None::<Value>);
    let conn = use_mut_ref(|| None::<Connection>);
    *conn.borrow_mut() = props.conn.clone();
    let init = use_mut_ref(Input::default);
    *init.borrow_mut() = Input {
        draft: props.draft.clone(),
        loaded: props.loaded.clone(),
        namespace: props.namespace.clone(),
    };
    let settings = props.draft.get("settings").cloned();

    {
        let (node, status, mounted, reported, conn, init) = (
            node.clone(),
            status.clone(),
            mounted.clone(),
            reported.clone(),
            conn.clone(),
            init.clone(),
        );
        let (on_settings, on_errors) = (props.on_settings.clone(), props.on_errors.clone());
        use_effect_with(*tries, move |_| {
            let cleanup = mounted.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = catalog_module::load().await {
                    status.set(Status::Failed(e));
                    return;
                }
                let Some(element) = node.cast::<web_sys::Element>() else {
                    return;
                };
                let host = HostCallbacks {
                    conn,
                    on_change: Rc::new(move |text: String| {
                        if let Ok(v) = serde_json::from_str::<Value>(&text) {
                            *reported.borrow_mut() = Some(v.clone());
                            on_settings.emit(v);
                        }
                    }),
                    on_errors: Rc::new(move |n| on_errors.emit(n)),
                };
                let text = init.borrow().json();
                match Mounted::mount(&element, &text, host) {
                    Ok(m) => {
                        *mounted.borrow_mut() = Some(m);
                        status.set(Status::Ready);
                    }
                    Err(e) => status.set(Status::Failed(e)),
                }
            });
            move || drop(mounted_cleanup(&cleanup))
        });
    }
    {
        // A change the module did not make (a discard, a save, a rebase): given to it anew.
        let (mounted, reported, init) = (mounted.clone(), reported.clone(), init.clone());
        let loaded = props.loaded.clone();
        use_effect_with((settings, loaded), move |(settings, _)| {
            let known = reported.borrow().as_ref().is_some_and(|r| {
                settings
                    .as_ref()
                    .is_some_and(|s| policy_core::patch::json_eq(r, s))
            });
            if let Some(m) = mounted.borrow().as_ref() {
                if !known {
                    m.update(&init.borrow().json());
                }
            }
            *reported.borrow_mut() = None;
        });
    }
    let retry = {
        let (tries, status) = (tries.clone(), status.clone());
        Callback::from(move |_| {
            status.set(Status::Loading);
            tries.set(*tries + 1);
        })
    };
    html! {
        <section class="catalog-host" aria-label="Settings">
            if *status == Status::Loading {
                <p class="unit" id="catalog-loading">{ "Loading the settings editor…" }</p>
            }
            if let Status::Failed(e) = &*status {
                <p class="blocked" id="catalog-failed">{ format!("The settings editor could not load: {e}. ") }
                    <button type="button" onclick={retry}>{ "Try again" }</button></p>
            }
            <div ref={node} id="catalog-root"></div>
        </section>
    }
}

/// Takes the mounted module out (unmounting it when dropped).
fn mounted_cleanup(mounted: &Rc<RefCell<Option<Mounted>>>) -> Option<Mounted> {
    mounted.borrow_mut().take()
}
