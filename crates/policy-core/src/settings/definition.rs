//! Setting definitions ([`Definition`]) read from Graph's JSON, and the set of them the editor
//! holds ([`Definitions`]), keyed by id without regard to case.

use regex_lite::Regex;
use serde::Serialize;
use serde_json::{Map, Value};

use super::by_id::{ById, HasId, Shapes};
use super::{flags, SettingsError, PREFIX};

/// Which kind of setting a definition describes; each kind has its own instance type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DefinitionKind {
    /// One option of a list (`…ChoiceSettingDefinition`).
    Choice,
    /// Several options of a list (`…ChoiceSettingCollectionDefinition`).
    ChoiceCollection,
    /// One integer, text or secret (`…SimpleSettingDefinition`).
    Simple,
    /// A list of integers or texts (`…SimpleSettingCollectionDefinition`).
    SimpleCollection,
    /// A group of child settings (`…SettingGroupDefinition`).
    Group,
    /// A repeatable group of child settings (`…SettingGroupCollectionDefinition`).
    GroupCollection,
    /// A pointer to a setting of another profile type: never set in a policy
    /// (`…RedirectSettingDefinition`).
    Redirect,
    /// A definition of a kind this editor does not know; its instances are not judged by kind.
    Other,
}

impl DefinitionKind {
    /// The kind an `@odata.type` names (`#microsoft.graph.deviceManagementConfigurationChoiceSettingDefinition`).
    pub fn from_odata_type(odata_type: &str) -> DefinitionKind {
        let short = odata_type
            .strip_prefix(PREFIX)
            .or_else(|| odata_type.strip_prefix(&PREFIX[1..]))
            .unwrap_or("");
        match short {
            "ChoiceSettingDefinition" => DefinitionKind::Choice,
            "ChoiceSettingCollectionDefinition" => DefinitionKind::ChoiceCollection,
            "SimpleSettingDefinition" => DefinitionKind::Simple,
            "SimpleSettingCollectionDefinition" => DefinitionKind::SimpleCollection,
            "SettingGroupDefinition" => DefinitionKind::Group,
            "SettingGroupCollectionDefinition" => DefinitionKind::GroupCollection,
            "RedirectSettingDefinition" => DefinitionKind::Redirect,
            _ => DefinitionKind::Other,
        }
    }

    /// The `@odata.type` of an instance of this kind; `None` for a redirect or an unknown kind.
    pub fn instance_odata_type(self) -> Option<&'static str> {
        Some(match self {
            DefinitionKind::Choice => {
                "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance"
            }
            DefinitionKind::ChoiceCollection => {
                "#microsoft.graph.deviceManagementConfigurationChoiceSettingCollectionInstance"
            }
            DefinitionKind::Simple => {
                "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance"
            }
            DefinitionKind::SimpleCollection => {
                "#microsoft.graph.deviceManagementConfigurationSimpleSettingCollectionInstance"
            }
            DefinitionKind::Group => {
                "#microsoft.graph.deviceManagementConfigurationGroupSettingInstance"
            }
            DefinitionKind::GroupCollection => {
                "#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance"
            }
            DefinitionKind::Redirect | DefinitionKind::Other => return None,
        })
    }

    /// True for the kinds whose value is a list with count bounds.
    pub fn is_collection(self) -> bool {
        matches!(
            self,
            DefinitionKind::ChoiceCollection
                | DefinitionKind::SimpleCollection
                | DefinitionKind::GroupCollection
        )
    }

    /// A short word for messages: "choice", "group collection", ….
    pub fn describe(self) -> &'static str {
        match self {
            DefinitionKind::Choice => "choice",
            DefinitionKind::ChoiceCollection => "choice collection",
            DefinitionKind::Simple => "simple value",
            DefinitionKind::SimpleCollection => "simple collection",
            DefinitionKind::Group => "group",
            DefinitionKind::GroupCollection => "group collection",
            DefinitionKind::Redirect => "redirect",
            DefinitionKind::Other => "setting",
        }
    }
}

/// The `format` of a string value definition (Graph's `deviceManagementConfigurationStringFormat`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StringFormat {
    /// Any text (`none`).
    #[default]
    None,
    Email,
    Guid,
    Ip,
    Base64,
    Url,
    Version,
    Xml,
    Date,
    Time,
    Binary,
    RegEx,
    Json,
    DateTime,
    /// A format this editor does not check (`surfaceHub`, `bashScript`, …), by its name.
    Other(String),
}

impl StringFormat {
    /// The format Graph's name stands for.
    pub fn parse(name: &str) -> StringFormat {
        match name.to_ascii_lowercase().as_str() {
            "" | "none" => StringFormat::None,
            "email" => StringFormat::Email,
            "guid" => StringFormat::Guid,
            "ip" => StringFormat::Ip,
            "base64" => StringFormat::Base64,
            "url" => StringFormat::Url,
            "version" => StringFormat::Version,
            "xml" => StringFormat::Xml,
            "date" => StringFormat::Date,
            "time" => StringFormat::Time,
            "binary" => StringFormat::Binary,
            "regex" => StringFormat::RegEx,
            "json" => StringFormat::Json,
            "datetime" => StringFormat::DateTime,
            _ => StringFormat::Other(name.to_string()),
        }
    }
}

/// The rules of a text (or secret) value.
#[derive(Debug, Clone, Default)]
pub struct StringRule {
    /// The fewest characters allowed.
    pub min_len: Option<u64>,
    /// The most characters allowed.
    pub max_len: Option<u64>,
    pub format: StringFormat,
    /// The definition's `inputValidationSchema` when it is a regular expression (not a JSON or
    /// XML schema): a value must contain a match.
    pub pattern: Option<String>,
    /// File extensions the text may be read from (`fileTypes`), for the editor's file picker.
    pub file_types: Vec<String>,
    /// `pattern` compiled, or why it does not compile.
    pub(crate) compiled: Option<Result<Regex, String>>,
}

/// What a simple value (or each item of a simple collection) must be.
#[derive(Debug, Clone, Default)]
pub enum ValueRule {
    /// Not a simple setting, or its value definition is not given.
    #[default]
    None,
    /// A whole number, within the bounds when given.
    Integer { min: Option<i64>, max: Option<i64> },
    /// Text.
    String(StringRule),
    /// Text Graph keeps secret (`isSecret`); a stored value comes back as an opaque token.
    Secret(StringRule),
}

impl ValueRule {
    /// The string rule of a text or secret value.
    pub fn string_rule(&self) -> Option<&StringRule> {
        match self {
            ValueRule::String(r) | ValueRule::Secret(r) => Some(r),
            _ => None,
        }
    }
}

/// "This setting applies only when `parent_setting_id` has the option (or is the setting)
/// `dependent_on`."
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DependentOn {
    pub dependent_on: String,
    pub parent_setting_id: Option<String>,
}

/// "Setting `depended_on_by` depends on this one (or this option); `required`: it must then be
/// there."
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DependedOnBy {
    pub depended_on_by: String,
    pub required: bool,
}

/// One option of a choice definition.
#[derive(Debug, Clone)]
pub struct ChoiceOption {
    /// The id an instance's `value` names.
    pub item_id: String,
    pub name: String,
    /// The label (Graph's `displayName`, or `name` when it has none).
    pub display_name: String,
    /// The option's `optionValue.value` (an integer or a text the device receives).
    pub value: Option<Value>,
    pub dependent_on: Vec<DependentOn>,
    /// The children this option brings.
    pub depended_on_by: Vec<DependedOnBy>,
}

/// One setting definition, read from Graph's JSON ([`Definition::from_graph_json`]).
#[derive(Debug, Clone)]
pub struct Definition {
    pub id: String,
    pub name: String,
    /// The label (Graph's `displayName`, or `name`, or the id).
    pub display_name: String,
    pub kind: DefinitionKind,
    /// What a simple value must be.
    pub value: ValueRule,
    /// A choice's options, in Graph's order.
    pub options: Vec<ChoiceOption>,
    pub default_option_id: Option<String>,
    /// A simple setting's `defaultValue` as Graph sent it (`{"@odata.type": …, "value": …}`).
    pub default_value: Option<Value>,
    /// A collection's fewest items.
    pub min_count: Option<u64>,
    /// A collection's most items (0, as some definitions say, is read as no bound).
    pub max_count: Option<u64>,
    /// The settings that may appear below this one.
    pub child_ids: Vec<String>,
    pub dependent_on: Vec<DependentOn>,
    pub depended_on_by: Vec<DependedOnBy>,
    pub category_id: Option<String>,
    pub keywords: Vec<String>,
    /// The platforms of `applicability.platform` (`windows10`, `macOS`, …).
    pub platforms: Vec<String>,
    /// The technologies of `applicability.technologies` (`mdm`, `microsoftSense`, …).
    pub technologies: Vec<String>,
    pub version: Option<String>,
    pub root_definition_id: Option<String>,
    /// The definition as Graph sent it, to be cached and read again.
    pub raw: Value,
}

/// Beyond this a pattern is refused (and the definition's values are not matched against it).
const PATTERN_SIZE_LIMIT: usize = 1 << 20;
const PATTERN_NEST_LIMIT: u32 = 64;

/// Compiles a pattern from a definition or a value, bounded in size.
pub(crate) fn compile_pattern(pattern: &str) -> Result<Regex, String> {
    regex_lite::RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .nest_limit(PATTERN_NEST_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

fn text(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn count(map: &Map<String, Value>, name: &str) -> Option<u64> {
    map.get(name).and_then(Value::as_u64)
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

fn objects<'a>(
    map: &'a Map<String, Value>,
    name: &str,
) -> impl Iterator<Item = &'a Map<String, Value>> {
    map.get(name)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

fn dependent_on(map: &Map<String, Value>) -> Vec<DependentOn> {
    objects(map, "dependentOn")
        .filter_map(|d| {
            Some(DependentOn {
                dependent_on: text(d, "dependentOn")?,
                parent_setting_id: text(d, "parentSettingId"),
            })
        })
        .collect()
}

fn depended_on_by(map: &Map<String, Value>) -> Vec<DependedOnBy> {
    objects(map, "dependedOnBy")
        .filter_map(|d| {
            Some(DependedOnBy {
                depended_on_by: text(d, "dependedOnBy")?,
                required: d.get("required").and_then(Value::as_bool).unwrap_or(false),
            })
        })
        .collect()
}

fn value_rule(map: &Map<String, Value>) -> ValueRule {
    let Some(v) = map.get("valueDefinition").and_then(Value::as_object) else {
        return ValueRule::None;
    };
    let odata = v.get("@odata.type").and_then(Value::as_str).unwrap_or("");
    let is_integer = odata.ends_with("IntegerSettingValueDefinition")
        || (odata.is_empty() && (v.contains_key("minimumValue") || v.contains_key("maximumValue")));
    if is_integer {
        return ValueRule::Integer {
            min: v.get("minimumValue").and_then(Value::as_i64),
            max: v.get("maximumValue").and_then(Value::as_i64),
        };
    }
    if !odata.is_empty() && !odata.ends_with("StringSettingValueDefinition") {
        return ValueRule::None;
    }
    let format = StringFormat::parse(v.get("format").and_then(Value::as_str).unwrap_or(""));
    // `inputValidationSchema` may hold a JSON or XML schema instead of a pattern.
    let pattern = text(v, "inputValidationSchema").filter(|p| {
        !matches!(format, StringFormat::Json | StringFormat::Xml)
            && !p.trim_start().starts_with(['{', '<'])
    });
    let compiled = pattern.as_deref().map(compile_pattern);
    let rule = StringRule {
        min_len: count(v, "minimumLength"),
        max_len: count(v, "maximumLength"),
        format,
        pattern,
        file_types: texts(v, "fileTypes"),
        compiled,
    };
    if v.get("isSecret").and_then(Value::as_bool).unwrap_or(false) {
        ValueRule::Secret(rule)
    } else {
        ValueRule::String(rule)
    }
}

impl Definition {
    /// Reads one definition as Graph sends it. Fields of the wrong JSON kind are left out; only
    /// a missing `id` is refused.
    pub fn from_graph_json(json: &Value) -> Result<Definition, SettingsError> {
        let map = json.as_object().ok_or(SettingsError::MissingId)?;
        let id = text(map, "id").ok_or(SettingsError::MissingId)?;
        let name = text(map, "name").unwrap_or_else(|| id.clone());
        let display_name = text(map, "displayName").unwrap_or_else(|| name.clone());
        let kind = DefinitionKind::from_odata_type(
            map.get("@odata.type").and_then(Value::as_str).unwrap_or(""),
        );
        let options = objects(map, "options")
            .filter_map(|o| {
                let item_id = text(o, "itemId")?;
                let name = text(o, "name").unwrap_or_else(|| item_id.clone());
                Some(ChoiceOption {
                    display_name: text(o, "displayName").unwrap_or_else(|| name.clone()),
                    name,
                    value: o.get("optionValue").and_then(|v| v.get("value")).cloned(),
                    dependent_on: dependent_on(o),
                    depended_on_by: depended_on_by(o),
                    item_id,
                })
            })
            .collect();
        let applicability = map.get("applicability").and_then(Value::as_object);
        let app_flags = |name: &str| {
            applicability
                .and_then(|a| a.get(name))
                .and_then(Value::as_str)
                .map(flags)
                .unwrap_or_default()
        };
        let version = match map.get("version") {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        Ok(Definition {
            name,
            display_name,
            kind,
            value: value_rule(map),
            options,
            default_option_id: text(map, "defaultOptionId"),
            default_value: map.get("defaultValue").filter(|v| v.is_object()).cloned(),
            min_count: count(map, "minimumCount"),
            max_count: count(map, "maximumCount").filter(|&n| n > 0),
            child_ids: texts(map, "childIds"),
            dependent_on: dependent_on(map),
            depended_on_by: depended_on_by(map),
            category_id: text(map, "categoryId"),
            keywords: texts(map, "keywords"),
            platforms: app_flags("platform"),
            technologies: app_flags("technologies"),
            version,
            root_definition_id: text(map, "rootDefinitionId"),
            raw: json.clone(),
            id,
        })
    }

    /// The option with this `itemId` (compared without regard to case).
    pub fn option(&self, item_id: &str) -> Option<&ChoiceOption> {
        self.options
            .iter()
            .find(|o| o.item_id.eq_ignore_ascii_case(item_id))
    }

    /// The option a new instance starts with: the default, or else the first.
    pub fn default_option(&self) -> Option<&ChoiceOption> {
        self.default_option_id
            .as_deref()
            .and_then(|id| self.option(id))
            .or_else(|| self.options.first())
    }

    /// Every `dependentOn` of the definition and of its options (real definitions put a
    /// child's dependency on its parent's option on either).
    pub fn all_dependent_on(&self) -> impl Iterator<Item = &DependentOn> {
        self.dependent_on
            .iter()
            .chain(self.options.iter().flat_map(|o| &o.dependent_on))
    }

    /// True when `id` is among this definition's `childIds` or the children its options or
    /// itself name in `dependedOnBy`.
    pub fn has_child(&self, id: &str) -> bool {
        self.child_ids.iter().any(|c| c.eq_ignore_ascii_case(id))
            || self
                .depended_on_by
                .iter()
                .chain(self.options.iter().flat_map(|o| &o.depended_on_by))
                .any(|d| d.depended_on_by.eq_ignore_ascii_case(id))
    }
}

/// True when a JSON object looks like a setting definition rather than an instance or a page.
fn is_definition(map: &Map<String, Value>) -> bool {
    match map.get("@odata.type").and_then(Value::as_str) {
        Some(t) => t.ends_with("Definition") && !t.ends_with("ValueDefinition"),
        None => {
            map.get("id").is_some_and(Value::is_string)
                && !map.contains_key("settingInstance")
                && [
                    "options",
                    "valueDefinition",
                    "childIds",
                    "applicability",
                    "settingUsage",
                ]
                .iter()
                .any(|k| map.contains_key(*k))
        }
    }
}

/// The setting definitions the editor holds, keyed by id without regard to case, in the order
/// they were first added.
pub type Definitions = ById<Definition>;

impl HasId for Definition {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Where settings catalog definitions are in Graph's answers.
const SHAPES: Shapes = Shapes {
    max_depth: 6,
    containers: &[
        "value",
        "settings",
        "settingTemplates",
        "settingDefinitions",
    ],
    is_definition,
};

impl ById<Definition> {
    /// Adds every definition a Graph answer holds, replacing ones of the same id, and returns
    /// how many it read. Accepted: a `configurationSettings` page (`{"value": [definitions]}`),
    /// a `settings?$expand=settingDefinitions` page (`{"value": [{"settingInstance": …,
    /// "settingDefinitions": […]}]}`), a `settingTemplates?$expand=settingDefinitions` page, a
    /// policy whose `settings` carry `settingDefinitions`, a template with its
    /// `settingTemplates`, a bare array of definitions, or one definition. A page with no
    /// definitions in it (an empty `value`, settings without `settingDefinitions`) adds none;
    /// any other JSON is an error. Items that are not definitions are skipped.
    pub fn add_graph_json(&mut self, json: &Value) -> Result<usize, SettingsError> {
        self.add_walked(json, &SHAPES, Definition::from_graph_json)
            .ok_or(SettingsError::NoDefinitions(
                "a page, a policy, a list or one definition",
            ))
    }

    /// The `version` of the definition of this id, for caching.
    pub fn version_of(&self, id: &str) -> Option<&str> {
        self.get(id)?.version.as_deref()
    }
}
