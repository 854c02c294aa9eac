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

    /// The kind of a definition; `None` for a type that is not a setting definition. Graph
    /// names the collections and groups `…ChoiceSettingCollectionDefinition`,
    /// `…SettingGroupDefinition` and so on; the fixtures' longer `…SettingDefinition` forms of
    /// those are taken too.
    pub fn of(definition: &Value) -> Option<Kind> {
        let t = definition.get("@odata.type")?.as_str()?;
        let name = t.strip_prefix(TYPE_PREFIX)?;
        let name = name
            .strip_suffix("SettingDefinition")
            .or_else(|| name.strip_suffix("Definition"))?;
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

/// The fixture catalog, or a sandbox's: the fixtures plus [`Additions`].
#[derive(Debug, Clone)]
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
        let by_id = index_by_id(&definitions);
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

/// More of the settings catalog for one sandbox ([`crate::Config::settings`]): a JSON file
/// `{"definitions": [...], "categories": [...], "policies": [...]}` (each list optional),
/// definitions and categories as Graph returns them, policies as [`fixture_policies`] are
/// written. The benchmark serves its own catalog this way.
#[derive(Debug, Default)]
pub struct Additions {
    pub definitions: Vec<Value>,
    pub categories: Vec<Value>,
    pub policies: Vec<Value>,
}

impl Additions {
    /// Reads an additions file; an unknown key or a list that is not one is an error.
    pub fn from_json(doc: Value) -> Result<Additions, String> {
        let Value::Object(map) = doc else {
            return Err("expected a JSON object".into());
        };
        let mut a = Additions::default();
        for (key, value) in map {
            let list = match value {
                Value::Array(items) => items,
                _ => return Err(format!("{key:?} must be a list")),
            };
            match key.as_str() {
                "definitions" => a.definitions = list,
                "categories" => a.categories = list,
                "policies" => a.policies = list,
                _ => {
                    return Err(format!(
                        "unknown key {key:?} (definitions, categories, policies)"
                    ))
                }
            }
        }
        Ok(a)
    }
}

/// The items of a JSON array; none for anything else.
pub(crate) fn array(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

/// Lower-cased `id` → place, for a fixture's definitions.
pub(crate) fn index_by_id(definitions: &[Value]) -> HashMap<String, usize> {
    definitions
        .iter()
        .enumerate()
        .filter_map(|(i, d)| Some((d.get("id")?.as_str()?.to_ascii_lowercase(), i)))
        .collect()
}

fn id_of(value: &Value) -> &str {
    value.get("id").and_then(Value::as_str).unwrap_or_default()
}

impl Catalog {
    /// This catalog with more definitions and categories. Each needs an id no other has
    /// (compared without regard to case), and each definition a setting definition's
    /// `@odata.type`.
    pub fn extended(
        &self,
        definitions: Vec<Value>,
        categories: Vec<Value>,
    ) -> Result<Catalog, String> {
        let mut c = self.clone();
        for d in definitions {
            let id = id_of(&d).to_ascii_lowercase();
            if id.is_empty() {
                return Err("a definition has no id".into());
            }
            if Kind::of(&d).is_none() {
                return Err(format!("{id}: not a setting definition's @odata.type"));
            }
            if c.by_id.insert(id.clone(), c.definitions.len()).is_some() {
                return Err(format!("{id}: a definition of that id is there already"));
            }
            c.definitions.push(d);
        }
        for cat in categories {
            let id = id_of(&cat);
            if id.is_empty() {
                return Err("a category has no id".into());
            }
            if c.category(id).is_some() {
                return Err(format!("{id}: a category of that id is there already"));
            }
            c.categories.push(cat);
        }
        Ok(c)
    }

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
