//! Intent setting definitions ([`IntentDefinition`]) read from Graph's JSON, with their
//! constraints ([`IntentConstraint`]), and the set of them the editor holds
//! ([`IntentDefinitions`]), keyed by id without regard to case.

use regex_lite::Regex;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{short_type, IntentsError};
use crate::settings::by_id::{ById, HasId, Shapes};
// Patterns compile with the settings catalog's bounds on size and nesting (a hostile pattern is
// refused, never run).
use crate::settings::compile_pattern;

/// What a setting's value is (Graph's `deviceManangementIntentValueType`, spelt as Graph
/// spells it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum IntentValueType {
    Integer,
    Boolean,
    String,
    /// An object of named properties (`deviceManagementComplexSettingInstance`).
    Complex,
    /// A list (`deviceManagementCollectionSettingInstance`).
    Collection,
    /// An object of one of several implementations
    /// (`deviceManagementAbstractComplexSettingInstance`).
    AbstractComplex,
    /// Missing, or a member this editor does not know: values are not judged by kind.
    Unknown,
}

impl IntentValueType {
    /// The kinds Graph's enum has.
    pub const KNOWN: [IntentValueType; 6] = [
        IntentValueType::Integer,
        IntentValueType::Boolean,
        IntentValueType::String,
        IntentValueType::Complex,
        IntentValueType::Collection,
        IntentValueType::AbstractComplex,
    ];

    /// The kind a `valueType` member names (without regard to case).
    pub fn parse(name: &str) -> IntentValueType {
        IntentValueType::KNOWN
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(name.trim()))
            .unwrap_or(IntentValueType::Unknown)
    }

    /// Graph's member name: `integer`, `abstractComplex`, …; `unknown` for [`Self::Unknown`].
    pub fn as_str(self) -> &'static str {
        match self {
            IntentValueType::Integer => "integer",
            IntentValueType::Boolean => "boolean",
            IntentValueType::String => "string",
            IntentValueType::Complex => "complex",
            IntentValueType::Collection => "collection",
            IntentValueType::AbstractComplex => "abstractComplex",
            IntentValueType::Unknown => "unknown",
        }
    }

    /// The `@odata.type` of an instance of this kind.
    pub fn instance_odata_type(self) -> Option<&'static str> {
        Some(match self {
            IntentValueType::Integer => "#microsoft.graph.deviceManagementIntegerSettingInstance",
            IntentValueType::Boolean => "#microsoft.graph.deviceManagementBooleanSettingInstance",
            IntentValueType::String => "#microsoft.graph.deviceManagementStringSettingInstance",
            IntentValueType::Complex => "#microsoft.graph.deviceManagementComplexSettingInstance",
            IntentValueType::Collection => {
                "#microsoft.graph.deviceManagementCollectionSettingInstance"
            }
            IntentValueType::AbstractComplex => {
                "#microsoft.graph.deviceManagementAbstractComplexSettingInstance"
            }
            IntentValueType::Unknown => return None,
        })
    }

    /// True for the kinds whose instance has a typed `value` property besides `valueJson`
    /// (boolean, integer, string); the others' `value` is a relationship in the metadata.
    pub fn has_value_property(self) -> bool {
        matches!(
            self,
            IntentValueType::Integer | IntentValueType::Boolean | IntentValueType::String
        )
    }

    /// A short word for messages.
    pub fn describe(self) -> &'static str {
        match self {
            IntentValueType::Integer => "a whole number",
            IntentValueType::Boolean => "true or false",
            IntentValueType::String => "text",
            IntentValueType::Complex | IntentValueType::AbstractComplex => "an object",
            IntentValueType::Collection => "a list",
            IntentValueType::Unknown => "a value",
        }
    }
}

/// One member of an enum constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnumValue {
    pub value: String,
    pub display_name: Option<String>,
}

/// A regex constraint: the pattern as Graph sent it, compiled once.
#[derive(Debug, Clone)]
pub struct RegexConstraint {
    pub pattern: String,
    compiled: Result<Regex, String>,
}

impl RegexConstraint {
    pub fn new(pattern: &str) -> RegexConstraint {
        RegexConstraint {
            pattern: pattern.to_string(),
            compiled: compile_pattern(pattern),
        }
    }

    /// Whether `text` contains a match; `None` when the pattern does not compile.
    pub fn is_match(&self, text: &str) -> Option<bool> {
        self.compiled.as_ref().ok().map(|re| re.is_match(text))
    }

    /// Why the pattern does not compile, if it does not.
    pub fn error(&self) -> Option<&str> {
        self.compiled.as_ref().err().map(String::as_str)
    }
}

/// A rule on a setting's value, from the definition's `constraints`.
#[derive(Debug, Clone)]
pub enum IntentConstraint {
    /// `deviceManagementSettingIntegerConstraint`: a whole number within the bounds.
    Integer { min: Option<i64>, max: Option<i64> },
    /// `deviceManagementSettingStringLengthConstraint`: text of this many characters.
    StringLength { min: Option<u64>, max: Option<u64> },
    /// `deviceManagementSettingRegexConstraint`: text that contains a match.
    Regex(RegexConstraint),
    /// `deviceManagementEnumConstraint`: one of these values.
    Enum(Vec<EnumValue>),
    /// `deviceManagementSettingBooleanConstraint`: this value only.
    Boolean(bool),
    /// `deviceManagementSettingCollectionConstraint`: a list of this many items.
    Collection { min: Option<u64>, max: Option<u64> },
    /// Any other kind (secret, file, app, SDDL, XML, required, …), by its type name without
    /// `#microsoft.graph.` (empty when it has none): read, never judged.
    Other(String),
}

/// "This setting depends on setting `definition_id`, whose value meets `constraints`." Read
/// for the editor; not judged.
#[derive(Debug, Clone)]
pub struct IntentDependency {
    pub definition_id: String,
    pub constraints: Vec<IntentConstraint>,
}

/// One intent setting definition, read from Graph's JSON
/// ([`IntentDefinition::from_graph_json`]).
#[derive(Debug, Clone)]
pub struct IntentDefinition {
    pub id: String,
    /// The label (Graph's `displayName`, or the id).
    pub display_name: String,
    pub value_type: IntentValueType,
    /// Whether the setting stands on its own in an intent's `settings` (`isTopLevel`).
    pub is_top_level: Option<bool>,
    pub constraints: Vec<IntentConstraint>,
    pub dependencies: Vec<IntentDependency>,
    /// A collection's item definition (`elementDefinitionId`).
    pub element_definition_id: Option<String>,
    /// A complex setting's property definitions (`propertyDefinitionIds`).
    pub property_definition_ids: Vec<String>,
    /// An abstract complex setting's implementation definitions (`implementations`).
    pub implementations: Vec<String>,
    /// The definition as Graph sent it.
    pub raw: Value,
}

fn text(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn texts(map: &Map<String, Value>, name: &str) -> Vec<String> {
    map.get(name)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A whole number as Graph writes an Int32 (a number; text from a hand-edited file).
pub(crate) fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn bound(map: &Map<String, Value>, name: &str) -> Option<i64> {
    map.get(name).and_then(int)
}

fn length(map: &Map<String, Value>, name: &str) -> Option<u64> {
    bound(map, name).and_then(|n| u64::try_from(n).ok())
}

fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

impl IntentConstraint {
    /// Reads one constraint. Its kind comes from `@odata.type`, or, without one, from its
    /// fields (`minimumLength` on a collection's definition is the collection's).
    pub fn from_graph_json(json: &Value, value_type: IntentValueType) -> IntentConstraint {
        let Some(map) = json.as_object() else {
            return IntentConstraint::Other(String::new());
        };
        let odata = map
            .get("@odata.type")
            .and_then(Value::as_str)
            .map(short_type)
            .unwrap_or_default();
        let lengths = || (length(map, "minimumLength"), length(map, "maximumLength"));
        let kind = if odata.is_empty() {
            if map.get("regex").is_some_and(Value::is_string) {
                "devicemanagementsettingregexconstraint"
            } else if map.get("values").is_some_and(Value::is_array) {
                "devicemanagementenumconstraint"
            } else if map.contains_key("minimumValue") || map.contains_key("maximumValue") {
                "devicemanagementsettingintegerconstraint"
            } else if map.contains_key("minimumLength") || map.contains_key("maximumLength") {
                if value_type == IntentValueType::Collection {
                    "devicemanagementsettingcollectionconstraint"
                } else {
                    "devicemanagementsettingstringlengthconstraint"
                }
            } else if map.get("value").and_then(boolean).is_some() {
                "devicemanagementsettingbooleanconstraint"
            } else {
                ""
            }
        } else {
            odata.as_str()
        };
        match kind {
            "devicemanagementsettingintegerconstraint" => IntentConstraint::Integer {
                min: bound(map, "minimumValue"),
                max: bound(map, "maximumValue"),
            },
            "devicemanagementsettingstringlengthconstraint" => {
                let (min, max) = lengths();
                IntentConstraint::StringLength { min, max }
            }
            "devicemanagementsettingcollectionconstraint" => {
                let (min, max) = lengths();
                IntentConstraint::Collection { min, max }
            }
            "devicemanagementsettingregexconstraint" => match map.get("regex") {
                Some(Value::String(p)) if !p.is_empty() => {
                    IntentConstraint::Regex(RegexConstraint::new(p))
                }
                _ => IntentConstraint::Other(odata.clone()),
            },
            "devicemanagementenumconstraint" => IntentConstraint::Enum(
                map.get("values")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| {
                        let value = match v.get("value")? {
                            Value::String(s) => s.clone(),
                            Value::Number(n) => n.to_string(),
                            Value::Bool(b) => b.to_string(),
                            _ => return None,
                        };
                        Some(EnumValue {
                            value,
                            display_name: v.as_object().and_then(|m| text(m, "displayName")),
                        })
                    })
                    .collect(),
            ),
            "devicemanagementsettingbooleanconstraint" => {
                match map.get("value").and_then(boolean) {
                    Some(b) => IntentConstraint::Boolean(b),
                    None => IntentConstraint::Other(odata.clone()),
                }
            }
            _ => IntentConstraint::Other(odata.clone()),
        }
    }
}

fn constraints(map: &Map<String, Value>, value_type: IntentValueType) -> Vec<IntentConstraint> {
    map.get("constraints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| IntentConstraint::from_graph_json(c, value_type))
        .collect()
}

impl IntentDefinition {
    /// Reads one definition as Graph sends it. Fields of the wrong JSON kind are left out;
    /// only a missing `id` is refused.
    pub fn from_graph_json(json: &Value) -> Result<IntentDefinition, IntentsError> {
        let map = json.as_object().ok_or(IntentsError::MissingId)?;
        let id = text(map, "id").ok_or(IntentsError::MissingId)?;
        let value_type =
            IntentValueType::parse(map.get("valueType").and_then(Value::as_str).unwrap_or(""));
        let dependencies = map
            .get("dependencies")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .filter_map(|d| {
                Some(IntentDependency {
                    definition_id: text(d, "definitionId")?,
                    // The depended-on setting's kind is unknown here.
                    constraints: constraints(d, IntentValueType::Unknown),
                })
            })
            .collect();
        Ok(IntentDefinition {
            display_name: text(map, "displayName").unwrap_or_else(|| id.clone()),
            value_type,
            is_top_level: map.get("isTopLevel").and_then(Value::as_bool),
            constraints: constraints(map, value_type),
            dependencies,
            element_definition_id: text(map, "elementDefinitionId"),
            property_definition_ids: texts(map, "propertyDefinitionIds"),
            implementations: texts(map, "implementations"),
            raw: json.clone(),
            id,
        })
    }
}

/// The type names of intent setting definitions, as [`short_type`] writes them.
const DEFINITION_TYPES: [&str; 4] = [
    "devicemanagementsettingdefinition",
    "devicemanagementcollectionsettingdefinition",
    "devicemanagementcomplexsettingdefinition",
    "devicemanagementabstractcomplexsettingdefinition",
];

/// True when a JSON object looks like an intent setting definition rather than a settings
/// catalog one, an instance, a category or a page.
fn is_definition(map: &Map<String, Value>) -> bool {
    match map.get("@odata.type").and_then(Value::as_str) {
        Some(t) => DEFINITION_TYPES.contains(&short_type(t).as_str()),
        None => {
            map.get("id").is_some_and(Value::is_string)
                && map.get("valueType").is_some_and(Value::is_string)
                && !map.contains_key("definitionId")
                && !map.contains_key("settingInstance")
        }
    }
}

/// The intent setting definitions the editor holds, keyed by id without regard to case, in
/// the order they were first added.
pub type IntentDefinitions = ById<IntentDefinition>;

impl HasId for IntentDefinition {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Where intent setting definitions are in Graph's answers, a few levels at most (page → list
/// → template → `categories` → list → category → `settingDefinitions` → list → definition).
const SHAPES: Shapes = Shapes {
    max_depth: 8,
    containers: &["value", "settingDefinitions", "categories"],
    is_definition,
};

impl ById<IntentDefinition> {
    /// Adds every intent setting definition a Graph answer holds, replacing ones of the same
    /// id, and returns how many it read. Accepted: a `settingDefinitions` page
    /// (`{"value": [definitions]}`), a bare array, one definition, a category with its
    /// `settingDefinitions`, a template or an intent with `categories[].settingDefinitions`,
    /// and a page of categories or templates. Anything else inside them is skipped (settings
    /// catalog definitions among them); a shape that holds none (an empty page, a template
    /// without expanded categories) adds none; any other JSON is an error.
    pub fn add_graph_json(&mut self, json: &Value) -> Result<usize, IntentsError> {
        self.add_walked(json, &SHAPES, IntentDefinition::from_graph_json)
            .ok_or(IntentsError::NoDefinitions)
    }
}
