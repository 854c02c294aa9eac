//! The editor's state and its pure reducer: the policy's settings (one shared value per
//! top-level setting, so an edit renders one card again), the definitions, the template, the
//! category names and the validation, redone after every change.

use std::collections::HashMap;
use std::rc::Rc;

use policy_core::settings::{validate_policy, Definitions, Template};
use policy_core::Problem;
use serde_json::Value;
use yew::Reducible;

use crate::model::{edit_list, group_problems, set_at};

/// What the page gives the module: the policy (its `settings` in it), its settings as loaded,
/// the namespace its cache entries are kept under (the Graph base and API version), and
/// whether it is an intent.
#[derive(Debug, Default)]
pub struct Input {
    pub policy: Value,
    pub loaded: Option<Value>,
    pub namespace: String,
    /// The policy is an endpoint security intent (`crate::intent`).
    pub intent: bool,
}

impl Input {
    pub fn parse(json: &str) -> Input {
        let v: Value = serde_json::from_str(json).unwrap_or_default();
        Input {
            policy: v.get("policy").cloned().unwrap_or_default(),
            loaded: v.get("loaded").filter(|l| l.is_array()).cloned(),
            namespace: v
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            intent: v.get("intent") == Some(&Value::Bool(true)),
        }
    }

    /// The key of this policy's cache entry.
    pub fn policy_key(&self) -> String {
        let id = self
            .policy
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("new");
        format!("{}|policy|{id}", self.namespace)
    }
}

/// A change of a list inside a setting.
#[derive(Debug)]
pub enum ListOp {
    Push(Value),
    Remove(usize),
}

#[derive(Debug)]
pub enum Msg {
    /// The page gave the policy anew (a discard, a save, a rebase).
    Input(Rc<Input>),
    /// Definitions arrived (kept ones, then fresh ones), with what the page should say.
    Definitions {
        defs: Definitions,
        template: Option<Template>,
        as_of: Option<String>,
        note: Option<String>,
    },
    Categories(HashMap<String, String>),
    /// The definitions shown are as fresh as Graph's (and kept) as of this time.
    AsOf(String),
    /// Why the definitions are missing, or old.
    Note(String),
    /// A value set at a JSON pointer inside top-level setting `index`.
    Set {
        index: usize,
        pointer: String,
        value: Value,
    },
    List {
        index: usize,
        pointer: String,
        op: ListOp,
    },
    /// A setting added from the picker, with the raw definitions it uses.
    Add(Value, Vec<Value>),
    Remove(usize),
}

#[derive(Clone, Default)]
pub struct Model {
    /// The policy without its settings (platforms, technologies, template reference).
    pub meta: Rc<Value>,
    pub settings: Vec<Rc<Value>>,
    pub defs: Rc<Definitions>,
    pub template: Option<Rc<Template>>,
    pub categories: Rc<HashMap<String, String>>,
    /// Problems per top-level setting (shared while unchanged), and the others.
    pub problems: Vec<Rc<Vec<Problem>>>,
    pub other_problems: Rc<Vec<Problem>>,
    pub errors: usize,
    /// Counts the user's edits: each is reported to the page.
    pub edits: u64,
    /// Definitions added by the picker, to keep with the policy's.
    pub added_defs: Rc<Vec<Value>>,
    pub as_of: Option<String>,
    pub note: Option<String>,
    /// False until definitions (kept or fresh) arrived: nothing is judged before.
    pub has_defs: bool,
}

impl Model {
    pub fn new(input: &Input) -> Model {
        let mut m = Model::default();
        m.take_input(input);
        m
    }

    fn take_input(&mut self, input: &Input) {
        let mut meta = input.policy.clone();
        let settings = meta
            .as_object_mut()
            .and_then(|m| m.remove("settings"))
            .and_then(|s| match s {
                Value::Array(items) => Some(items),
                _ => None,
            })
            .unwrap_or_default();
        self.meta = Rc::new(meta);
        self.settings = settings.into_iter().map(Rc::new).collect();
        self.validate();
    }

    /// The settings as the page keeps them.
    pub fn settings_value(&self) -> Value {
        Value::Array(self.settings.iter().map(|s| (**s).clone()).collect())
    }

    /// The policy with its settings, as validation reads it.
    pub fn policy_value(&self) -> Value {
        let mut p = (*self.meta).clone();
        if let Some(m) = p.as_object_mut() {
            m.insert("settings".into(), self.settings_value());
        }
        p
    }

    fn validate(&mut self) {
        let all = if self.has_defs {
            validate_policy(&self.policy_value(), &self.defs, self.template.as_deref())
        } else {
            Vec::new()
        };
        self.errors = all.iter().filter(|p| p.is_error()).count();
        let (by, rest) = group_problems(&all, self.settings.len());
        self.problems = by
            .into_iter()
            .enumerate()
            .map(|(i, list)| match self.problems.get(i) {
                Some(old) if **old == list => old.clone(),
                _ => Rc::new(list),
            })
            .collect();
        self.other_problems = Rc::new(rest);
    }

    /// The id of the definition of top-level setting `i`.
    pub fn definition_id(&self, i: usize) -> Option<&str> {
        self.settings
            .get(i)?
            .get("settingInstance")?
            .get("settingDefinitionId")?
            .as_str()
    }
}

impl Reducible for Model {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut m = (*self).clone();
        match msg {
            Msg::Input(input) => m.take_input(&input),
            Msg::Definitions {
                defs,
                template,
                as_of,
                note,
            } => {
                m.defs = Rc::new(defs);
                m.template = template.map(Rc::new);
                m.as_of = as_of.or(m.as_of);
                m.note = note;
                m.has_defs = true;
                m.validate();
                crate::store::mark("catalog-validated");
            }
            Msg::Categories(c) => m.categories = Rc::new(c),
            Msg::AsOf(t) => {
                m.as_of = Some(t);
                m.note = None;
            }
            Msg::Note(n) => m.note = Some(n),
            Msg::Set {
                index,
                pointer,
                value,
            } => {
                if let Some(s) = m.settings.get_mut(index) {
                    *s = Rc::new(set_at(s, &pointer, value));
                    m.edits += 1;
                    m.validate();
                }
            }
            Msg::List { index, pointer, op } => {
                if let Some(s) = m.settings.get_mut(index) {
                    *s = Rc::new(edit_list(s, &pointer, |items| match op {
                        ListOp::Push(v) => items.push(v),
                        ListOp::Remove(i) if i < items.len() => {
                            items.remove(i);
                        }
                        ListOp::Remove(_) => {}
                    }));
                    m.edits += 1;
                    m.validate();
                }
            }
            Msg::Add(setting, raw) => {
                let mut defs = (*m.defs).clone();
                let _ = defs.add_graph_json(&Value::Array(raw.clone()));
                m.defs = Rc::new(defs);
                let mut added = (*m.added_defs).clone();
                added.extend(raw);
                m.added_defs = Rc::new(added);
                m.settings.push(Rc::new(setting));
                m.edits += 1;
                m.validate();
            }
            Msg::Remove(i) => {
                if i < m.settings.len() {
                    m.settings.remove(i);
                    m.problems.clear();
                    m.edits += 1;
                    m.validate();
                }
            }
        }
        Rc::new(m)
    }
}
