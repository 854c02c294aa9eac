//! The editor of an endpoint security intent's settings (Graph's older `deviceManagement/intents`),
//! mounted instead of the settings catalog editor when the page's document is an intent: its
//! template's settings by category (each top-level setting of each category, configured or
//! not), each rendered by its definition (`intent_view`), validated with
//! `policy_core::intents`, its definitions kept in the browser for offline use. The page writes the changes with `updateSettings`, its body from
//! [`crate::update_body`].

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use policy_core::intents::{validate_intent, IntentDefinitions};
use policy_core::Problem;
use serde_json::Value;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::app::{use_batches, use_new_input, use_report_to_page, AppProps};
use crate::intent_model::{categories_of, entry, from_entry, instance_key, set_value, Category};
use crate::intent_view::IntentCard;
use crate::state::Input;
use crate::store::{self, Host};
use crate::view::{problem_list, status, Ptr};

/// The most categories read for one intent.
const MAX_CATEGORIES: usize = 200;
/// The most categories whose definitions are asked for at once.
const AT_ONCE: usize = 6;
/// The most definitions asked for one by one (those the intent's settings name that its
/// categories lack).
const MAX_SINGLE: usize = 100;

thread_local! {
    /// The definitions last loaded, for the page's review.
    pub static INTENT_DEFINITIONS: std::cell::RefCell<Rc<IntentDefinitions>> =
        std::cell::RefCell::new(Rc::default());
}

#[derive(Debug)]
pub enum IntentMsg {
    Input(Rc<Input>),
    Definitions {
        defs: IntentDefinitions,
        categories: Vec<Category>,
        as_of: Option<String>,
        note: Option<String>,
    },
    AsOf(String),
    Note(String),
    /// The setting of a definition set to a value (`null`: not configured), or to text that
    /// is not JSON (kept, and reported).
    Set {
        id: String,
        value: Result<Value, String>,
    },
}

#[derive(Clone, Default)]
pub struct IntentModel {
    /// The intent without its settings.
    pub meta: Rc<Value>,
    pub settings: Vec<Value>,
    /// The definition ids (lower case) the intent had as loaded.
    pub loaded: Rc<HashSet<String>>,
    pub defs: Rc<IntentDefinitions>,
    pub categories: Rc<Vec<Category>>,
    /// Problems by definition id (lower case), and those of no setting.
    pub problems: HashMap<String, Rc<Vec<Problem>>>,
    pub other_problems: Rc<Vec<Problem>>,
    pub errors: usize,
    pub edits: u64,
    pub as_of: Option<String>,
    pub note: Option<String>,
    pub has_defs: bool,
}

impl IntentModel {
    pub fn new(input: &Input) -> IntentModel {
        let mut m = IntentModel::default();
        m.take_input(input);
        m
    }

    fn take_input(&mut self, input: &Input) {
        let mut meta = input.policy.clone();
        self.settings = match meta.as_object_mut().and_then(|m| m.remove("settings")) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        self.meta = Rc::new(meta);
        self.loaded = Rc::new(
            input
                .loaded
                .iter()
                .flat_map(|l| l.as_array().into_iter().flatten())
                .filter_map(instance_key)
                .collect(),
        );
        self.validate();
    }

    pub fn settings_value(&self) -> Value {
        Value::Array(self.settings.clone())
    }

    fn validate(&mut self) {
        let all = if self.has_defs {
            let mut intent = (*self.meta).clone();
            if let Some(m) = intent.as_object_mut() {
                m.insert("settings".into(), self.settings_value());
            }
            validate_intent(&intent, &self.defs)
        } else {
            Vec::new()
        };
        self.errors = all.iter().filter(|p| p.is_error()).count();
        let mut by: HashMap<String, Vec<Problem>> = HashMap::new();
        let mut rest = Vec::new();
        for p in all {
            let key = setting_index(p.path.as_str())
                .and_then(|i| self.settings.get(i))
                .and_then(instance_key);
            match key {
                Some(k) => by.entry(k).or_default().push(p),
                None => rest.push(p),
            }
        }
        let old = std::mem::take(&mut self.problems);
        self.problems = by
            .into_iter()
            .map(|(k, list)| match old.get(&k) {
                Some(o) if **o == list => (k, o.clone()),
                _ => (k, Rc::new(list)),
            })
            .collect();
        self.other_problems = Rc::new(rest);
    }

    /// The instance of a definition, if the intent has one.
    fn instance(&self, id: &str) -> Option<&Value> {
        let k = id.to_ascii_lowercase();
        self.settings
            .iter()
            .find(|s| instance_key(s).as_deref() == Some(k.as_str()))
    }
}

/// `i` of a path `settings[i]…`.
fn setting_index(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("settings[")?;
    rest[..rest.find(']')?].parse().ok()
}

impl Reducible for IntentModel {
    type Action = IntentMsg;

    fn reduce(self: Rc<Self>, msg: IntentMsg) -> Rc<Self> {
        let mut m = (*self).clone();
        match msg {
            IntentMsg::Input(input) => m.take_input(&input),
            IntentMsg::Definitions {
                defs,
                categories,
                as_of,
                note,
            } => {
                m.defs = Rc::new(defs);
                m.categories = Rc::new(categories);
                m.as_of = as_of.or(m.as_of);
                m.note = note;
                m.has_defs = true;
                m.validate();
            }
            IntentMsg::AsOf(t) => {
                m.as_of = Some(t);
                m.note = None;
            }
            IntentMsg::Note(n) => m.note = Some(n),
            IntentMsg::Set { id, value } => {
                m.settings = set_value(&m.settings, &m.defs, &m.loaded, &id, value);
                m.edits += 1;
                m.validate();
            }
        }
        Rc::new(m)
    }
}

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// The key of an intent's kept definitions.
pub fn intent_key(input: &Input) -> String {
    let id = input
        .policy
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("new");
    format!("{}|intent|{id}", input.namespace)
}

fn items(page: &Value) -> impl Iterator<Item = &Value> {
    page.get("value")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// Graph's categories of the intent, each with its definitions; then any definition the
/// intent's settings name that these lack, one by one.
async fn fresh(host: &Host, input: &Input) -> Result<(Vec<Value>, Vec<Category>), String> {
    let id = input
        .policy
        .get("id")
        .and_then(Value::as_str)
        .ok_or("the intent has no id")?;
    let base = format!("deviceManagement/intents/{}", enc(id));
    let mut cats = Vec::new();
    host.get_pages(&format!("{base}/categories"), |_, page| {
        cats.extend(items(page).cloned())
    })
    .await?;
    let cats: Vec<Value> = cats
        .into_iter()
        .filter(|c| c.get("id").and_then(Value::as_str).is_some())
        .take(MAX_CATEGORIES)
        .collect();
    let mut answers = Vec::new();
    let mut raw = Vec::new();
    // A few categories' definitions asked for at once (a baseline has a dozen or more).
    for batch in cats.chunks(AT_ONCE) {
        let started: Vec<js_sys::Promise> = batch
            .iter()
            .map(|c| {
                let cid = c.get("id").and_then(Value::as_str).unwrap_or_default();
                let path = format!("{base}/categories/{}/settingDefinitions", enc(cid));
                let host = host.clone();
                wasm_bindgen_futures::future_to_promise(async move {
                    let mut defs = Vec::new();
                    host.get_pages(&path, |_, page| defs.extend(items(page).cloned()))
                        .await
                        .map_err(|e| JsValue::from_str(&e))?;
                    Ok(JsValue::from_str(&Value::Array(defs).to_string()))
                })
            })
            .collect();
        for (c, promise) in batch.iter().zip(started) {
            let answer = JsFuture::from(promise)
                .await
                .map_err(|e| e.as_string().unwrap_or_else(|| "no answer".into()))?;
            let defs = match serde_json::from_str(&answer.as_string().unwrap_or_default()) {
                Ok(Value::Array(defs)) => defs,
                _ => Vec::new(),
            };
            raw.extend(defs.iter().cloned());
            answers.push((c.clone(), defs));
        }
    }
    let known: HashSet<String> = raw
        .iter()
        .filter_map(|d| d.get("id").and_then(Value::as_str))
        .map(str::to_ascii_lowercase)
        .collect();
    let wanted: Vec<String> = input
        .policy
        .get("settings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("definitionId").and_then(Value::as_str))
        .filter(|d| !known.contains(&d.to_ascii_lowercase()))
        .map(str::to_string)
        .take(MAX_SINGLE)
        .collect();
    for d in wanted {
        if let Ok(def) = host
            .get(&format!("deviceManagement/settingDefinitions/{}", enc(&d)))
            .await
        {
            if def.get("id").is_some() {
                raw.push(def);
            }
        }
    }
    Ok((raw, categories_of(&answers)))
}

/// Loads the intent's definitions: the kept ones at once (unless `refresh`), then fresh ones,
/// shown again only when they differ; offline, the kept ones stay with a note saying so.
async fn load(host: Host, input: &Input, refresh: bool, dispatch: impl Fn(IntentMsg)) {
    let key = intent_key(input);
    let kept = store::read(&key).await;
    let has_kept = kept
        .as_ref()
        .and_then(|k| k.get("definitions"))
        .and_then(Value::as_array)
        .is_some_and(|d| !d.is_empty());
    let same_as_kept = |e: &Value| {
        kept.as_ref().is_some_and(|k| {
            k.get("definitions") == e.get("definitions")
                && k.get("categories") == e.get("categories")
        })
    };
    if let (Some(k), true, false) = (&kept, has_kept, refresh) {
        let (defs, categories, as_of) = from_entry(k);
        dispatch(IntentMsg::Definitions {
            defs,
            categories,
            as_of,
            note: None,
        });
    }
    match fresh(&host, input).await {
        Ok((raw, categories)) => {
            let now = store::now_iso();
            let e = entry(&raw, &categories, &now);
            if refresh || !has_kept || !same_as_kept(&e) {
                let (defs, categories, _) = from_entry(&e);
                dispatch(IntentMsg::Definitions {
                    defs,
                    categories,
                    as_of: None,
                    note: None,
                });
            }
            store::write(&key, &e).await;
            dispatch(IntentMsg::AsOf(now));
        }
        Err(e) if has_kept => {
            let note = format!(
                "Graph could not be reached ({e}): the definitions kept in this browser are used."
            );
            if refresh {
                if let Some(k) = &kept {
                    let (defs, categories, as_of) = from_entry(k);
                    dispatch(IntentMsg::Definitions {
                        defs,
                        categories,
                        as_of,
                        note: Some(note),
                    });
                }
            } else {
                dispatch(IntentMsg::Note(note));
            }
        }
        Err(e) => dispatch(IntentMsg::Note(format!(
            "The setting definitions could not be loaded ({e}), and none are kept in this browser: the settings cannot be checked."
        ))),
    }
}

#[component]
pub fn IntentApp(p: &AppProps) -> Html {
    let model = use_reducer(|| IntentModel::new(&p.input));
    let refresh = use_state_eq(|| 0u32);
    {
        let d = model.dispatcher();
        use_new_input(&p.input, move |input| d.dispatch(IntentMsg::Input(input)));
    }
    {
        let (d, host, input) = (model.dispatcher(), p.host.clone(), p.input.clone());
        use_effect_with((*refresh, intent_key(&input)), move |(n, _)| {
            let again = *n > 0;
            wasm_bindgen_futures::spawn_local(async move {
                load(host, &input, again, move |m| d.dispatch(m)).await;
            });
        });
    }
    {
        let defs = model.defs.clone();
        use_effect_with(Ptr(defs), |defs| {
            INTENT_DEFINITIONS.with(|d| *d.borrow_mut() = defs.0.clone())
        });
    }
    {
        let m = model.clone();
        use_report_to_page(&p.host, model.edits, model.errors, move || {
            m.settings_value()
        });
    }
    let on_set = {
        let d = model.dispatcher();
        Callback::from(move |(id, value): (String, Result<Value, String>)| {
            d.dispatch(IntentMsg::Set { id, value })
        })
    };
    let on_refresh = {
        let refresh = refresh.clone();
        Callback::from(move |_| refresh.set(*refresh + 1))
    };
    // Each category's top-level settings; the intent's other settings after them.
    let listed: HashSet<String> = model
        .categories
        .iter()
        .flat_map(|c| c.ids.iter().map(|i| i.to_ascii_lowercase()))
        .collect();
    let others: Vec<String> = model
        .settings
        .iter()
        .filter_map(|s| s.get("definitionId").and_then(Value::as_str))
        .filter(|id| !listed.contains(&id.to_ascii_lowercase()))
        .map(str::to_string)
        .collect();
    // Drawn in batches, as a settings catalog policy is (a baseline has hundreds of settings);
    // none until the definitions came or are known not to.
    let ready = model.has_defs || model.note.is_some();
    let total = match ready {
        true => model.categories.iter().map(|c| c.ids.len()).sum::<usize>() + others.len(),
        false => 0,
    };
    let limit = use_batches(total);
    let mut n = 0usize;
    let mut card = |id: &str| {
        n += 1;
        if n > limit || !ready {
            return Html::default();
        }
        let key = id.to_ascii_lowercase();
        html! {
            <IntentCard key={key.clone()} n={n} id={AttrValue::from(id.to_string())}
                setting={model.instance(id).cloned().map(|s| Ptr(Rc::new(s)))}
                defs={Ptr(model.defs.clone())}
                problems={model.problems.get(&key).cloned().map(Ptr)}
                on_set={on_set.clone()} />
        }
    };
    let sections: Vec<Html> = model
        .categories
        .iter()
        .filter(|c| !c.ids.is_empty())
        .map(|c| {
            html! {
                <section class="category">
                    <h3>{ c.name.clone() }</h3>
                    { for c.ids.iter().map(|id| card(id)) }
                </section>
            }
        })
        .collect();
    let others: Vec<Html> = others.iter().map(|id| card(id)).collect();
    let other_problems: Vec<_> = model.other_problems.iter().collect();
    html! {
        <div class="catalog intent" data-errors={model.errors.to_string()}>
            { status(model.as_of.as_deref(), model.has_defs, model.note.as_deref(),
                Some("This endpoint security policy comes from a template: it holds the template's settings, each configured or not. Empty fields are not configured."),
                model.errors, on_refresh) }
            { problem_list(&other_problems, "settings-problems") }
            if !ready { <p class="unit" id="settings-loading">{ "Loading definitions…" }</p> }
            { for sections }
            if !others.is_empty() && ready {
                <section class="category">
                    <h3>{ if model.categories.is_empty() { "Settings" } else { "Other settings" } }</h3>
                    { for others }
                </section>
            }
            if model.settings.is_empty() && model.categories.is_empty() && model.has_defs {
                <p class="unit">{ "This policy has no settings." }</p>
            }
        </div>
    }
}
