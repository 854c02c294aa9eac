//! The endpoint security intent catalog the sandbox serves: the project's own fixture setting
//! definitions, templates with their categories and default settings, and the seeded intents
//! (`fixtures/intents/*.json`, built into the binary), read once and indexed by id. Definitions
//! and templates are read-only, as in Graph; intents live in the beta store.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::settings::catalog::{array, index_by_id};

const DEFINITIONS: &str = include_str!("../../fixtures/intents/definitions.json");
const TEMPLATES: &str = include_str!("../../fixtures/intents/templates.json");
const INTENTS: &str = include_str!("../../fixtures/intents/intents.json");

/// The `@odata.type` prefix of every Graph type.
pub const TYPE_PREFIX: &str = "#microsoft.graph.";
/// The abstract base type of every intent setting instance; Graph's own example of
/// `updateSettings` sends it, so it is taken for any kind of value.
pub const BASE_INSTANCE: &str = "deviceManagementSettingInstance";
/// The fixture-only key of a template category listing its definitions; it is served as the
/// category's `settingDefinitions`, never as a property.
const DEFINITION_IDS: &str = "settingDefinitionIds";

/// The `valueType` of a definition (`deviceManangementIntentValueType` in the metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Integer,
    Boolean,
    String,
    Complex,
    Collection,
    AbstractComplex,
}

impl ValueType {
    /// Every value type the metadata declares, for the fixture test.
    pub const ALL: [ValueType; 6] = [
        ValueType::Integer,
        ValueType::Boolean,
        ValueType::String,
        ValueType::Complex,
        ValueType::Collection,
        ValueType::AbstractComplex,
    ];

    /// The value type of a definition; `None` for one without a known `valueType`.
    pub fn of(definition: &Value) -> Option<ValueType> {
        let name = definition.get("valueType")?.as_str()?;
        ValueType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The enum member as Graph writes it.
    pub fn name(self) -> &'static str {
        match self {
            ValueType::Integer => "integer",
            ValueType::Boolean => "boolean",
            ValueType::String => "string",
            ValueType::Complex => "complex",
            ValueType::Collection => "collection",
            ValueType::AbstractComplex => "abstractComplex",
        }
    }

    /// The instance type (without namespace) that carries a value of this type.
    pub fn instance_type(self) -> &'static str {
        match self {
            ValueType::Integer => "deviceManagementIntegerSettingInstance",
            ValueType::Boolean => "deviceManagementBooleanSettingInstance",
            ValueType::String => "deviceManagementStringSettingInstance",
            ValueType::Complex => "deviceManagementComplexSettingInstance",
            ValueType::Collection => "deviceManagementCollectionSettingInstance",
            ValueType::AbstractComplex => "deviceManagementAbstractComplexSettingInstance",
        }
    }

    /// True for the kinds whose instances carry the value in a typed `value` property too
    /// (for the others `value` is a navigation property Graph does not return).
    pub fn has_plain_value(self) -> bool {
        matches!(
            self,
            ValueType::Integer | ValueType::Boolean | ValueType::String
        )
    }
}

/// A template's category: the object Graph answers, and the ids of its definitions (top-level
/// ones and every definition below them).
#[derive(Debug, Clone)]
pub struct Category {
    pub value: Value,
    pub definition_ids: Vec<String>,
}

impl Category {
    pub fn id(&self) -> &str {
        self.value
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// The fixture catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    definitions: Vec<Value>,
    /// Lower-cased id → index in `definitions` (Graph compares ids without regard to case).
    by_id: HashMap<String, usize>,
    templates: Vec<Value>,
    /// Lower-cased template id → its categories.
    categories: HashMap<String, Vec<Category>>,
    /// Lower-cased template id → its default setting instances (`templates/{id}/settings`).
    settings: HashMap<String, Vec<Value>>,
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("intent fixture is JSON")
}

/// The catalog, read on first use. The fixtures ship inside the binary and a test reads them,
/// so a failure here is a build defect, not bad input.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let definitions = array(parse(DEFINITIONS));
        let by_id = index_by_id(&definitions);
        let mut doc = parse(TEMPLATES);
        let mut take = |key: &str| match doc.get_mut(key).map(Value::take) {
            Some(Value::Object(map)) => map,
            _ => Map::new(),
        };
        let categories = take("categories")
            .into_iter()
            .map(|(t, list)| {
                let list = array(list).into_iter().map(category).collect();
                (t.to_ascii_lowercase(), list)
            })
            .collect();
        let settings = take("settings")
            .into_iter()
            .map(|(t, list)| (t.to_ascii_lowercase(), array(list)))
            .collect();
        let templates = array(
            doc.get_mut("templates")
                .map(Value::take)
                .unwrap_or_default(),
        );
        Catalog {
            definitions,
            by_id,
            templates,
            categories,
            settings,
        }
    })
}

/// A fixture category: its definition list taken out of the served object.
fn category(mut value: Value) -> Category {
    let ids = value.as_object_mut().and_then(|m| m.remove(DEFINITION_IDS));
    Category {
        definition_ids: strings(ids.as_ref()),
        value,
    }
}

/// The seeded intents as the fixture writes them (with their settings).
pub fn fixture_intents() -> Vec<Value> {
    array(parse(INTENTS))
}

/// The strings of a JSON list (others skipped).
pub fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// The ids of the definitions directly below one: a complex setting's properties, an
/// abstract one's implementations, a collection's element.
pub fn children(definition: &Value) -> Vec<String> {
    let mut out = strings(definition.get("propertyDefinitionIds"));
    out.extend(strings(definition.get("implementations")));
    if let Some(e) = definition
        .get("elementDefinitionId")
        .and_then(Value::as_str)
    {
        out.push(e.to_string());
    }
    out
}

/// The property name a property definition stands for: what follows the last `_` of
/// `deviceConfiguration--<type>_<property>`, the key of the value in a complex `valueJson`.
pub fn property_name(definition_id: &str) -> &str {
    definition_id
        .rsplit_once('_')
        .map_or(definition_id, |(_, name)| name)
}

impl Catalog {
    pub fn definitions(&self) -> &[Value] {
        &self.definitions
    }

    pub fn definition(&self, id: &str) -> Option<&Value> {
        self.by_id
            .get(&id.to_ascii_lowercase())
            .and_then(|&i| self.definitions.get(i))
    }

    pub fn templates(&self) -> &[Value] {
        &self.templates
    }

    pub fn template(&self, id: &str) -> Option<&Value> {
        self.templates.iter().find(|t| {
            t.get("id")
                .and_then(Value::as_str)
                .is_some_and(|x| x.eq_ignore_ascii_case(id))
        })
    }

    /// A template's categories; `None` for an unknown template.
    pub fn categories(&self, template: &str) -> Option<&[Category]> {
        self.template(template)?;
        Some(
            self.categories
                .get(&template.to_ascii_lowercase())
                .map_or(&[], Vec::as_slice),
        )
    }

    pub fn category(&self, template: &str, id: &str) -> Option<&Category> {
        self.categories(template)?
            .iter()
            .find(|c| c.id().eq_ignore_ascii_case(id))
    }

    /// The definitions of a category, in its order.
    pub fn category_definitions(&self, category: &Category) -> Vec<&Value> {
        category
            .definition_ids
            .iter()
            .filter_map(|d| self.definition(d))
            .collect()
    }

    /// A template's default setting instances; `None` for an unknown template.
    pub fn template_settings(&self, template: &str) -> Option<&[Value]> {
        self.template(template)?;
        Some(
            self.settings
                .get(&template.to_ascii_lowercase())
                .map_or(&[], Vec::as_slice),
        )
    }

    /// The category of `template` that lists `definition`, if one does.
    pub fn category_of(&self, template: &str, definition: &str) -> Option<&Category> {
        self.categories(template)?.iter().find(|c| {
            c.definition_ids
                .iter()
                .any(|d| d.eq_ignore_ascii_case(definition))
        })
    }
}
