//! The older endpoint security policies, Graph's "intents" (`deviceManagement/intents`): their
//! setting definitions as Graph serves them at run time
//! (`templates/{id}/categories/{cid}/settingDefinitions`,
//! `intents/{id}/categories/{cid}/settingDefinitions`), validation of an intent's `settings`
//! against them, and the body of `POST intents/{id}/updateSettings`.
//!
//! An intent's setting is a `deviceManagementSettingInstance`: a `definitionId`, the value as
//! JSON text (`valueJson`) and, for the boolean, integer and string kinds, the same value typed
//! (`value`). Its definition says the kind (`valueType`) and the rules (`constraints`).
//!
//! As in [`crate::settings`], the definitions are not in Microsoft's metadata, nothing here
//! uses a [`crate::Schema`], reading is tolerant (a field of the wrong JSON kind is left out)
//! and every walk is bounded: `valueJson` is parsed with `serde_json`'s nesting limit and
//! patterns are compiled by `regex-lite` (linear-time matching) under a size limit.

mod body;
mod definition;
mod validate;

pub use body::update_settings_body;
pub use definition::{
    EnumValue, IntentConstraint, IntentDefinition, IntentDefinitions, IntentDependency,
    IntentValueType, RegexConstraint,
};
pub use validate::validate_intent;

/// The `@odata.type` of an intent.
pub const INTENT_TYPE: &str = "#microsoft.graph.deviceManagementIntent";

/// The `@odata.type` of the abstract setting instance, which Graph's own examples of
/// `updateSettings` send: it names no kind.
pub const BASE_INSTANCE_TYPE: &str = "#microsoft.graph.deviceManagementSettingInstance";

/// What can go wrong reading intent setting definitions.
#[derive(Debug, thiserror::Error)]
pub enum IntentsError {
    /// The JSON is none of the shapes intent setting definitions come in.
    #[error(
        "no intent setting definitions found: expected a settingDefinitions answer, a category or a template with them, a list or one definition"
    )]
    NoDefinitions,
    /// A definition has no text `id`.
    #[error("an intent setting definition has no \"id\"")]
    MissingId,
}

/// Ids compare as the settings catalog's do.
pub(crate) use crate::settings::key;

/// A Graph type name without `#` and `microsoft.graph.`, in lower case, for comparison.
pub(crate) fn short_type(odata_type: &str) -> String {
    let t = odata_type.trim().trim_start_matches('#');
    let t = match t.get(..16) {
        Some(p) if p.eq_ignore_ascii_case("microsoft.graph.") => &t[16..],
        _ => t,
    };
    t.to_ascii_lowercase()
}

/// What an instance's `@odata.type` says of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InstanceType {
    /// One of the six concrete kinds.
    Typed(IntentValueType),
    /// The abstract `deviceManagementSettingInstance`: no kind said.
    Base,
    /// Not an intent setting instance at all.
    Foreign,
}

impl InstanceType {
    pub(crate) fn of(odata_type: &str) -> InstanceType {
        let short = short_type(odata_type);
        if short == "devicemanagementsettinginstance" {
            return InstanceType::Base;
        }
        IntentValueType::KNOWN
            .into_iter()
            .find(|t| {
                t.instance_odata_type()
                    .is_some_and(|i| short_type(i) == short)
            })
            .map_or(InstanceType::Foreign, InstanceType::Typed)
    }
}

/// True when a JSON object looks like an intent's setting instance: an intent instance type,
/// or no type but a `definitionId` (and not a settings catalog setting).
pub fn is_intent_setting(item: &serde_json::Value) -> bool {
    let Some(map) = item.as_object() else {
        return false;
    };
    match map.get("@odata.type").and_then(serde_json::Value::as_str) {
        Some(t) => InstanceType::of(t) != InstanceType::Foreign,
        None => map.contains_key("definitionId") && !map.contains_key("settingInstance"),
    }
}

/// True for an intent: its `@odata.type` says so, or it has none but has a `templateId` and
/// `settings` that are all intent setting instances (at least one).
pub fn is_intent(item: &serde_json::Value) -> bool {
    match item.get("@odata.type").and_then(serde_json::Value::as_str) {
        Some(t) => short_type(t) == short_type(INTENT_TYPE),
        None => {
            item.get("templateId").is_some()
                && item
                    .get("settings")
                    .and_then(serde_json::Value::as_array)
                    .is_some_and(|s| !s.is_empty() && s.iter().all(is_intent_setting))
        }
    }
}
