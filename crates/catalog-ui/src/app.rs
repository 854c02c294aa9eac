//! The settings editor as the page mounts it: the definitions' date and Refresh, the settings
//! grouped by category, the picker, and the reports to the page (each edit's `settings`, the
//! error count).

use std::collections::HashSet;
use std::rc::Rc;

use policy_core::settings::{PolicyContext, SearchFilter};
use serde_json::Value;
use yew::prelude::*;

use crate::load;
use crate::picker::Picker;
use crate::state::{Input, Model, Msg};
use crate::store::Host;
use crate::view::{problem_list, status, Ptr, SettingCard};

/// Settings in the first drawing of a policy, and added by each later one.
const FIRST_SETTINGS: usize = 40;
const MORE_SETTINGS: usize = 80;

/// A User Timing mark, for the benchmark.
fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

#[derive(Properties)]
pub struct AppProps {
    pub input: Rc<Input>,
    pub host: Host,
}

impl PartialEq for AppProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.input, &other.input) && self.host == other.host
    }
}

thread_local! {
    /// The definitions last loaded, for the page's review (`diff`).
    pub static DEFINITIONS: std::cell::RefCell<Rc<policy_core::settings::Definitions>> =
        std::cell::RefCell::new(Rc::default());
}

/// How many of `total` settings to draw now. A big policy is drawn a batch per task, as the
/// page's big forms are: the first screen is there at once and typing is never held up for long
/// (`catalog-complete` marks the end). Nothing is marked while `total` is 0 (not known yet).
#[hook]
pub fn use_batches(total: usize) -> usize {
    let limit = use_state_eq(|| FIRST_SETTINGS);
    {
        let limit = limit.clone();
        use_effect_with((*limit, total), move |&(n, total)| {
            let timer = if total == 0 {
                None
            } else if n < total {
                Some(gloo_timers::callback::Timeout::new(0, move || {
                    limit.set(n + MORE_SETTINGS)
                }))
            } else {
                mark("catalog-complete");
                None
            };
            move || drop(timer)
        });
    }
    *limit
}

/// Gives `on_new` each input the page gives after the first (after a discard, a save, a
/// rebase, another policy in the same place).
#[hook]
pub fn use_new_input<F>(input: &Rc<Input>, on_new: F)
where
    F: Fn(Rc<Input>) + 'static,
{
    let first = use_mut_ref(|| true);
    use_effect_with(Ptr(input.clone()), move |input| {
        if !std::mem::replace(&mut *first.borrow_mut(), false) {
            on_new(input.0.clone());
        }
    });
}

/// Each edit's `settings` (from `settings`, once `edits` counts one) and the error count go to
/// the page, whenever they change.
#[hook]
pub fn use_report_to_page<F>(host: &Host, edits: u64, errors: usize, settings: F)
where
    F: FnOnce() -> serde_json::Value + 'static,
{
    let to_change = host.clone();
    use_effect_with(edits, move |edits| {
        if *edits > 0 {
            to_change.change(&settings());
        }
    });
    let to_count = host.clone();
    use_effect_with(errors, move |n| to_count.errors(*n));
}

#[component]
pub fn App(p: &AppProps) -> Html {
    let model = use_reducer(|| Model::new(&p.input));
    let refresh = use_state_eq(|| 0u32);
    let dispatch = {
        let d = model.dispatcher();
        Callback::from(move |m: Msg| d.dispatch(m))
    };
    {
        let d = model.dispatcher();
        use_new_input(&p.input, move |input| d.dispatch(Msg::Input(input)));
    }
    // Definitions: kept ones, then fresh ones (again on Refresh).
    {
        let (d, host, input) = (model.dispatcher(), p.host.clone(), p.input.clone());
        use_effect_with((*refresh, input.policy_key()), move |(n, _)| {
            let again = *n > 0;
            wasm_bindgen_futures::spawn_local(async move {
                load::definitions(host, &input, again, move |m| d.dispatch(m)).await;
            });
        });
    }
    {
        let defs = model.defs.clone();
        use_effect_with(Ptr(defs), |defs| {
            DEFINITIONS.with(|d| *d.borrow_mut() = defs.0.clone())
        });
    }
    // The benchmark's `catalog-ready` mark (crates/e2e/src/bin/bench): the whole policy judged
    // and the first screen of its settings drawn, usable.
    use_effect_with(model.has_defs, |ready| {
        if *ready {
            mark("catalog-ready");
        }
    });
    {
        let m = model.clone();
        use_report_to_page(&p.host, model.edits, model.errors, move || {
            m.settings_value()
        });
    }
    // Definitions the picker added are kept with the policy's.
    {
        let key = p.input.policy_key();
        use_effect_with(Ptr(model.added_defs.clone()), move |added| {
            if !added.0.is_empty() {
                let raw = (*added.0).clone();
                wasm_bindgen_futures::spawn_local(async move { load::keep_added(&key, raw).await });
            }
        });
    }

    let ctx = PolicyContext::of(&model.meta);
    let template_required: HashSet<String> = model
        .template
        .iter()
        .flat_map(|t| t.required().map(|s| s.definition_id.to_ascii_lowercase()))
        .collect();
    let present: HashSet<String> = (0..model.settings.len())
        .filter_map(|i| model.definition_id(i).map(str::to_ascii_lowercase))
        .collect();
    // Settings by category, in the order each category first comes.
    // None before their definitions come (or are known not to): then every setting is drawn
    // once, by its definition.
    let drawn = if model.has_defs || model.note.is_some() {
        model.settings.len()
    } else {
        0
    };
    let limit = use_batches(drawn);
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for i in 0..drawn.min(limit) {
        let cat = model
            .definition_id(i)
            .and_then(|id| model.defs.get(id))
            .and_then(|d| d.category_id.clone());
        let name = match &cat {
            Some(c) => model
                .categories
                .get(c)
                .cloned()
                .unwrap_or_else(|| format!("Category {c}")),
            None => "Other settings".to_string(),
        };
        match groups.iter_mut().find(|g| g.0 == name) {
            Some(g) => g.1.push(i),
            None => groups.push((name, vec![i])),
        }
    }
    let on_refresh = {
        let refresh = refresh.clone();
        let ns = p.input.namespace.clone();
        Callback::from(move |_| {
            refresh.set(*refresh + 1);
            // The picker's kept catalog is renewed too, when it next opens.
            let ns = ns.clone();
            wasm_bindgen_futures::spawn_local(
                async move { crate::picker::forget_catalog(&ns).await },
            );
        })
    };
    let on_add = {
        let d = model.dispatcher();
        Callback::from(move |(setting, raw)| d.dispatch(Msg::Add(setting, raw)))
    };
    let other: Vec<_> = model.other_problems.iter().collect();
    // The loaded settings by definition id, for a choice put back as it was.
    let loaded = use_memo(Ptr(p.input.clone()), |input| {
        input
            .0
            .loaded
            .iter()
            .flat_map(|l| l.as_array().into_iter().flatten())
            .filter_map(|s| {
                let id = s
                    .get("settingInstance")?
                    .get("settingDefinitionId")?
                    .as_str()?;
                Some((id.to_ascii_lowercase(), Rc::new(s.clone())))
            })
            .collect::<std::collections::HashMap<String, Rc<Value>>>()
    });
    html! {
        <div class="catalog" data-errors={model.errors.to_string()}>
            { status(model.as_of.as_deref(), model.has_defs, model.note.as_deref(),
                model.template.is_some().then_some("This policy comes from a template: only the template's settings can be added, and its required ones cannot be removed."),
                model.errors, on_refresh) }
            { problem_list(&other, "settings-problems") }
            if !model.has_defs && model.note.is_none() && !model.settings.is_empty() {
                <p class="unit" id="settings-loading">{ "Loading definitions…" }</p>
            }
            { for groups.into_iter().map(|(name, items)| html! {
                <section class="category">
                    <h3>{ name }</h3>
                    { for items.into_iter().map(|i| {
                        let removable = model.definition_id(i).is_none_or(|id| !template_required.contains(&id.to_ascii_lowercase()));
                        html! {
                            <SettingCard key={format!("{i}-{}", model.definition_id(i).unwrap_or(""))} index={i}
                                setting={Ptr(model.settings[i].clone())} defs={Ptr(model.defs.clone())}
                                problems={Ptr(model.problems.get(i).cloned().unwrap_or_default())}
                                loaded={model.definition_id(i).and_then(|id| loaded.get(&id.to_ascii_lowercase())).cloned().map(Ptr)}
                                dispatch={dispatch.clone()} {removable} />
                        }
                    }) }
                </section>
            }) }
            if model.settings.is_empty() { <p class="unit">{ "This policy has no settings yet." }</p> }
            <Picker host={p.host.clone()} namespace={AttrValue::from(p.input.namespace.clone())}
                filter={Ptr(Rc::new(SearchFilter::for_policy(&ctx)))} template={model.template.clone().map(Ptr)}
                defs={Ptr(model.defs.clone())} categories={Ptr(model.categories.clone())} generation={*refresh}
                present={Ptr(Rc::new(present))} {on_add} />
        </div>
    }
}
