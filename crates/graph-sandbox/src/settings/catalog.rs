//! The settings catalog the sandbox serves: the project's own fixture definitions, categories
//! and endpoint security templates (`fixtures/settings/*.json`, built into the binary), read
//! once and indexed by id. Definitions are read-only, as in Graph; policies live in the store.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::Value;

const DEFINITIONS: &str = include_str!("../../fixtures/settings/definitions.json");
const CATEGORIES: &str = include_str!("../../fixtures/settings/categories.json");
const TEMPLATES: &str = include_str!("../../fixtures/settings/templates.json");
const POLICIES: &str = include_str!("../../fixtures/settings/policies.json");

/// The `@odata.type` prefix of every settings catalog type.
pub const TYPE_PREFIX: &str = "#microsoft.graph.deviceManagementConfiguration";

/// What a definition is, from its `@odata.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Choice,
    ChoiceCollection,
    Simple,
    SimpleCollection,
    Group,
    GroupCollection,
    Redirect,
}

impl Kind {
    /// Every kind, for the fixture test.
    pub const ALL: [Kind; 7] = [
        Kind::Choice,
        Kind::ChoiceCollection,
        Kind::Simple,
        Kind::SimpleCollection,
        Kind::Group,
        Kind::GroupCollection,
        Kind::Redirect,
    ];

    /// The kind of a definition; `None` for a type that is not a setting definition.
    pub fn of(definition: &Value) -> Option<Kind> {
        let t = definition.get("@odata.type")?.as_str()?;
        let name = t
            .strip_prefix(TYPE_PREFIX)?
            .strip_suffix("SettingDefinition")?;
        Some(match name {
            "Choice" => Kind::Choice,
            "ChoiceSettingCollection" => Kind::ChoiceCollection,
            "Simple" => Kind::Simple,
            "SimpleSettingCollection" => Kind::SimpleCollection,
            "SettingGroup" => Kind::Group,
            "SettingGroupCollection" => Kind::GroupCollection,
            "Redirect" => Kind::Redirect,
            _ => return None,
        })
    }

    /// The instance types Graph takes for a definition of this kind (the group ones have an
    /// older name too); none for a redirect, which only points elsewhere.
    pub fn instance_types(self) -> &'static [&'static str] {
        match self {
            Kind::Choice => &["ChoiceSettingInstance"],
            Kind::ChoiceCollection => &["ChoiceSettingCollectionInstance"],
            Kind::Simple => &["SimpleSettingInstance"],
            Kind::SimpleCollection => &["SimpleSettingCollectionInstance"],
            Kind::Group => &["GroupSettingInstance", "SettingGroupInstance"],
            Kind::GroupCollection => &[
                "GroupSettingCollectionInstance",
                "SettingGroupCollectionInstance",
            ],
            Kind::Redirect => &[],
        }
    }
}

/// The fixture catalog.
#[derive(Debug)]
pub struct Catalog {
    definitions: Vec<Value>,
    /// Lower-cased id → index in `definitions` (Graph compares ids without regard to case).
    by_id: HashMap<String, usize>,
    categories: Vec<Value>,
    templates: Vec<Value>,
    /// Template id → its `settingTemplates` items, without `settingDefinitions`.
    setting_templates: HashMap<String, Vec<Value>>,
}

/// The catalog, read on first use. The fixtures ship inside the binary and a test reads them,
/// so a failure here is a build defect, not bad input.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let parse =
            |text: &str| -> Value { serde_json::from_str(text).expect("settings fixture is JSON") };
        let definitions = array(parse(DEFINITIONS));
        let by_id = definitions
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((d.get("id")?.as_str()?.to_ascii_lowercase(), i)))
            .collect();
        let mut templates = parse(TEMPLATES);
        let setting_templates = match templates.get_mut("settingTemplates").map(Value::take) {
            Some(Value::Object(map)) => map.into_iter().map(|(k, v)| (k, array(v))).collect(),
            _ => HashMap::new(),
        };
        Catalog {
            definitions,
            by_id,
            categories: array(parse(CATEGORIES)),
            templates: array(
                templates
                    .get_mut("templates")
                    .map(Value::take)
                    .unwrap_or_default(),
            ),
            setting_templates,
        }
    })
}

fn array(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

fn id_of(value: &Value) -> &str {
    value.get("id").and_then(Value::as_str).unwrap_or_default()
}

impl Catalog {
    pub fn definitions(&self) -> &[Value] {
        &self.definitions
    }

    /// A definition by id, compared without regard to case.
    pub fn definition(&self, id: &str) -> Option<&Value> {
        self.by_id
            .get(&id.to_ascii_lowercase())
            .map(|&i| &self.definitions[i])
    }

    pub fn categories(&self) -> &[Value] {
        &self.categories
    }

    pub fn category(&self, id: &str) -> Option<&Value> {
        self.categories
            .iter()
            .find(|c| id_of(c).eq_ignore_ascii_case(id))
    }

    pub fn templates(&self) -> &[Value] {
        &self.templates
    }

    pub fn template(&self, id: &str) -> Option<&Value> {
        self.templates
            .iter()
            .find(|t| id_of(t).eq_ignore_ascii_case(id))
    }

    /// A template's `settingTemplates`, without their definitions.
    pub fn setting_templates(&self, template_id: &str) -> Option<&[Value]> {
        let template = self.template(template_id)?;
        self.setting_templates
            .get(id_of(template))
            .map(Vec::as_slice)
    }

    /// The definition ids (lower case) a template lets a policy set at its top level.
    pub fn template_allows(&self, template_id: &str) -> Option<HashSet<String>> {
        let items = self.setting_templates(template_id)?;
        Some(
            items
                .iter()
                .filter_map(|st| {
                    st.pointer("/settingInstanceTemplate/settingDefinitionId")?
                        .as_str()
                        .map(str::to_ascii_lowercase)
                })
                .collect(),
        )
    }

    /// A definition and all its descendants (children of every option, group members), each
    /// once, the definition first: what Graph sends as a setting's `settingDefinitions`.
    pub fn tree(&self, id: &str) -> Vec<&Value> {
        let mut out: Vec<&Value> = Vec::new();
        let mut seen = HashSet::new();
        let mut todo = vec![id.to_ascii_lowercase()];
        while let Some(next) = todo.pop() {
            if !seen.insert(next.clone()) {
                continue;
            }
            let Some(def) = self.definition(&next) else {
                continue;
            };
            out.push(def);
            let mut children = child_ids(def);
            children.reverse();
            todo.extend(children.into_iter().map(|c| c.to_ascii_lowercase()));
        }
        out
    }
}

/// The ids of a definition's possible children: every option's `dependedOnBy` and `childIds`.
pub fn child_ids(def: &Value) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for option in def
        .get("options")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        ids.extend(depended_on_by(option).into_iter().map(|(id, _)| id));
    }
    for child in strings(def.get("childIds")) {
        if !ids.contains(&child) {
            ids.push(child);
        }
    }
    ids
}

/// `dependedOnBy` of a definition or option: (child id, required).
pub fn depended_on_by(node: &Value) -> Vec<(String, bool)> {
    node.get("dependedOnBy")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let id = d.get("dependedOnBy")?.as_str()?.to_string();
            Some((id, d.get("required") == Some(&Value::Bool(true))))
        })
        .collect()
}

/// The text items of an array value.
pub fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The seeded policies, as written in the fixture (secrets still plain).
pub fn fixture_policies() -> Vec<Value> {
    array(serde_json::from_str(POLICIES).expect("settings fixture is JSON"))
}
