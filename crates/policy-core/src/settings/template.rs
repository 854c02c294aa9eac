//! What a policy's settings are judged in: its platforms and technologies
//! ([`PolicyContext`]), and for an endpoint security policy its template ([`Template`]).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{flags, key, overlaps, Definition, SettingsError, MAX_DEPTH};

/// A policy's `platforms` and `technologies` (flag enums Graph writes as
/// `"mdm,appleRemoteManagement"`), and the template it was made from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyContext {
    pub platforms: Vec<String>,
    pub technologies: Vec<String>,
    /// `templateReference.templateId`, when the policy has one.
    pub template_id: Option<String>,
}

impl PolicyContext {
    /// Reads the context from a policy as Graph returns it; missing fields read as empty
    /// (which restricts nothing).
    pub fn of(policy: &Value) -> PolicyContext {
        let field = |name: &str| {
            policy
                .get(name)
                .and_then(Value::as_str)
                .map(flags)
                .unwrap_or_default()
        };
        PolicyContext {
            platforms: field("platforms"),
            technologies: field("technologies"),
            template_id: policy
                .get("templateReference")
                .and_then(|t| t.get("templateId"))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        }
    }

    /// True when a definition applies to a policy of this context: its platform is one of the
    /// policy's, and its technologies share at least one with the policy's (real macOS
    /// definitions carry only `mdm` or only `appleRemoteManagement`, while their policies list
    /// both). Either side saying nothing restricts nothing.
    pub fn applies(&self, definition: &Definition) -> bool {
        overlaps(&definition.platforms, &self.platforms)
            && overlaps(&definition.technologies, &self.technologies)
    }
}

/// One setting of a template, as its `settingInstanceTemplate` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSetting {
    pub definition_id: String,
    /// `settingInstanceTemplateId`, which an instance names in `settingInstanceTemplateReference`.
    pub instance_template_id: Option<String>,
    /// `isRequired`: a policy of the template must set it.
    pub required: bool,
}

/// An endpoint security template's settings, read from
/// `configurationPolicyTemplates/{id}/settingTemplates` (a page, a bare array, or the template
/// with its `settingTemplates`).
#[derive(Debug, Clone, Default)]
pub struct Template {
    /// The template's `id`, when the JSON holds it (the template with its `settingTemplates`,
    /// or a settingTemplates answer's `@odata.context`).
    pub template_id: Option<String>,
    settings: Vec<TemplateSetting>,
    /// Every definition id the template names, children included, lower-cased.
    all_ids: HashSet<String>,
    top_ids: HashSet<String>,
}

impl Template {
    /// Reads a template's setting templates; an error when there are none.
    pub fn from_graph_json(json: &Value) -> Result<Template, SettingsError> {
        let mut t = Template::default();
        let items = match json {
            Value::Array(items) => items.as_slice(),
            Value::Object(map) => {
                t.template_id = map
                    .get("id")
                    .and_then(Value::as_str)
                    .filter(|_| map.contains_key("settingTemplates"))
                    .map(str::to_string);
                match ["value", "settingTemplates"]
                    .iter()
                    .find_map(|f| map.get(*f).and_then(Value::as_array))
                {
                    Some(items) => items.as_slice(),
                    None => std::slice::from_ref(json),
                }
            }
            _ => return Err(SettingsError::NoTemplate),
        };
        // A settingTemplates answer as Graph sends it names its template in its context URL:
        // `…$metadata#deviceManagement/configurationPolicyTemplates('<id>')/settingTemplates…`.
        if t.template_id.is_none() {
            t.template_id = json
                .get("@odata.context")
                .and_then(Value::as_str)
                .and_then(|c| c.split_once("configurationPolicyTemplates('"))
                .and_then(|(_, rest)| rest.split_once("')"))
                .map(|(id, _)| id.to_string())
                .filter(|id| !id.is_empty());
        }
        for item in items {
            let Some(inst) = item
                .get("settingInstanceTemplate")
                .and_then(Value::as_object)
            else {
                continue;
            };
            let Some(id) = inst.get("settingDefinitionId").and_then(Value::as_str) else {
                continue;
            };
            t.top_ids.insert(key(id));
            t.settings.push(TemplateSetting {
                definition_id: id.to_string(),
                instance_template_id: inst
                    .get("settingInstanceTemplateId")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                required: inst
                    .get("isRequired")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            });
            collect_ids(inst, 0, &mut t.all_ids);
        }
        if t.settings.is_empty() {
            return Err(SettingsError::NoTemplate);
        }
        Ok(t)
    }

    /// The template's top-level settings, in its order.
    pub fn settings(&self) -> &[TemplateSetting] {
        &self.settings
    }

    /// True when a policy of the template may have this setting at its top level.
    pub fn allows(&self, definition_id: &str) -> bool {
        self.top_ids.contains(&key(definition_id))
    }

    /// True when the template names this setting anywhere, as a top-level setting or a child.
    pub fn mentions(&self, definition_id: &str) -> bool {
        self.all_ids.contains(&key(definition_id))
    }

    /// The settings a policy of the template must have.
    pub fn required(&self) -> impl Iterator<Item = &TemplateSetting> {
        self.settings.iter().filter(|s| s.required)
    }
}

/// Gathers every `settingDefinitionId` in an instance template and its children's.
fn collect_ids(map: &Map<String, Value>, depth: usize, out: &mut HashSet<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(id) = map.get("settingDefinitionId").and_then(Value::as_str) {
        out.insert(key(id));
    }
    for v in map.values() {
        match v {
            Value::Object(m) => collect_ids(m, depth + 1, out),
            Value::Array(items) => {
                for m in items.iter().filter_map(Value::as_object) {
                    collect_ids(m, depth + 1, out);
                }
            }
            _ => {}
        }
    }
}
