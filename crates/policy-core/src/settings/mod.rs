//! The settings catalog: setting definitions as Graph serves them at run time
//! (`deviceManagement/configurationSettings`, `…/settings?$expand=settingDefinitions`,
//! `configurationPolicyTemplates/{id}/settingTemplates`), and what the editor does with them:
//! validation of a settings catalog or endpoint security policy's `settings`, search over the
//! catalog, a setting-level diff and new instances for the picker.
//!
//! The definitions are not in Microsoft's metadata, so nothing here uses a [`crate::Schema`]:
//! a policy's own properties (`name`, `platforms`, …) are checked by [`crate::validate`] as
//! for any other type, and its `settings` by [`validate_policy`] against [`Definitions`].
//!
//! Everything is tolerant of what it reads (a definition with a field of the wrong JSON kind is
//! read with that field left out) and bounded on what it walks: instances nested deeper than
//! [`MAX_DEPTH`] are reported, never recursed into, and patterns are compiled by `regex-lite`
//! (linear-time matching) under a size limit.

pub(crate) mod by_id;
mod definition;

pub(crate) use definition::compile_pattern;
mod diff;
mod format;
mod instance;
mod search;
mod template;
mod validate;

pub use definition::{
    ChoiceOption, Definition, DefinitionKind, Definitions, DependedOnBy, DependentOn, StringFormat,
    StringRule, ValueRule,
};
pub use diff::{diff_settings, ChangeKind, SettingChange};
pub use instance::{new_instance, new_setting, option_label, value_text, InstanceKind};
pub use search::{Search, SearchFilter};
pub use template::{PolicyContext, Template, TemplateSetting};
pub use validate::{validate_policy, validate_setting};

/// How deep setting instances may nest (a child of a child …) before the walk stops and says
/// so with [`Code::TooDeep`](crate::Code::TooDeep). Real policies nest a handful of levels.
pub const MAX_DEPTH: usize = 32;

/// The `@odata.type` prefix every settings catalog type shares.
pub(crate) const PREFIX: &str = "#microsoft.graph.deviceManagementConfiguration";

/// What can go wrong reading settings catalog JSON.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The JSON is none of the shapes definitions come in.
    #[error("no setting definitions found: expected a Graph answer holding definitions ({0})")]
    NoDefinitions(&'static str),
    /// The JSON holds no setting templates (`settingInstanceTemplate`).
    #[error(
        "no setting templates found: expected a settingTemplates answer or a template with them"
    )]
    NoTemplate,
    /// A definition has no text `id`.
    #[error("a setting definition has no \"id\"")]
    MissingId,
}

/// Lower-cases an id for comparison: Graph's are lower case, but files edited by hand may not
/// be.
pub(crate) fn key(id: &str) -> String {
    id.to_ascii_lowercase()
}

/// Where a document's settings are, for a settings catalog policy and an intent alike: a bare
/// list (`true`: at the root), or its `settings` (none when absent or null). `None` when
/// `settings` is something else, which is then reported to `problems` at `settings`.
pub(crate) fn settings_to_check<'d>(
    doc: &'d serde_json::Value,
    problems: &mut crate::validate::Collector,
) -> Option<(bool, &'d [serde_json::Value])> {
    use serde_json::Value;
    match doc {
        Value::Array(items) => Some((true, items.as_slice())),
        _ => match doc.get("settings") {
            None | Some(Value::Null) => Some((false, &[][..])),
            Some(Value::Array(items)) => Some((false, items.as_slice())),
            Some(_) => {
                let root = crate::path::FieldPath::root();
                let root = crate::path::PathNode::Root(&root);
                problems.push(
                    &crate::path::PathNode::Prop(&root, "settings"),
                    crate::code::Code::WrongType,
                    crate::validate::Severity::Error,
                    "\"settings\" must be a list of settings.".into(),
                );
                None
            }
        },
    }
}

/// A setting's name for a message: its label and id (`label_and_id`, its definition's), or
/// `id` alone when it has no definition or its label is its id.
pub(crate) fn name_for_message(label_and_id: Option<(&str, &str)>, id: &str) -> String {
    use crate::edm::truncate;
    match label_and_id {
        Some((label, def_id)) if label != def_id => {
            format!("\"{}\" ({})", truncate(label, 80), truncate(def_id, 200))
        }
        _ => truncate(id, 200),
    }
}

/// Splits a flags enum value as Graph writes it (`"mdm,microsoftSense"`) into its members,
/// leaving out `none` and empty parts.
pub(crate) fn flags(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("none"))
        .map(str::to_string)
        .collect()
}

/// True when two lists of flag members share one (case-insensitively), or either says nothing.
pub(crate) fn overlaps(a: &[String], b: &[String]) -> bool {
    a.is_empty()
        || b.is_empty()
        || a.iter()
            .any(|x| b.iter().any(|y| x.eq_ignore_ascii_case(y)))
}
