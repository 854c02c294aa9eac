//! Validation of a policy's `settings` against setting definitions: every problem at its JSON
//! path with a stable [`Code`], as [`crate::validate`] does for the policy's own properties.

use std::collections::HashMap;

use serde_json::Value;

use super::definition::StringRule;
use super::format;
use super::instance::InstanceKind;
use super::{
    key, ChoiceOption, Definition, DefinitionKind, Definitions, PolicyContext, Template, ValueRule,
    MAX_DEPTH,
};
use crate::code::Code;
use crate::edm::truncate;
use crate::path::{FieldPath, PathNode};
use crate::validate::{Collector, Problem, Severity};

/// Validates a settings catalog or endpoint security policy's `settings` (the policy as Graph
/// returns it, or a bare `settings` array) against `defs`, and against its template when one
/// is given. Paths start at `settings[i].settingInstance` (`[i].settingInstance` for a bare
/// array). The policy's own properties are [`crate::validate`]'s.
///
/// A definition id not in `defs` is an error (Graph refuses it): load the definitions the
/// policy names first.
pub fn validate_policy(
    policy: &Value,
    defs: &Definitions,
    template: Option<&Template>,
) -> Vec<Problem> {
    let ctx = PolicyContext::of(policy);
    let mut w = Walker::new(defs, &ctx);
    let root = FieldPath::root();
    let root_node = PathNode::Root(&root);
    let settings_node = PathNode::Prop(&root_node, "settings");
    let (node, settings) = match crate::settings::settings_to_check(policy, &mut w.problems) {
        Some((true, items)) => (root_node, items),
        Some((false, items)) => (settings_node, items),
        None => return w.finish(),
    };
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, setting) in settings.iter().enumerate() {
        let item = PathNode::Index(&node, i);
        let inst_node = PathNode::Prop(&item, "settingInstance");
        let Some(inst) = setting.get("settingInstance").filter(|v| v.is_object()) else {
            w.error(
                &inst_node,
                Code::MissingValue,
                "A setting needs its \"settingInstance\".".into(),
            );
            continue;
        };
        let id = inst.get("settingDefinitionId").and_then(Value::as_str);
        if let Some(id) = id {
            let id_node = PathNode::Prop(&inst_node, "settingDefinitionId");
            if let Some(&j) = first.get(&key(id)) {
                w.error(
                    &id_node,
                    Code::DuplicateSetting,
                    format!(
                        "{} is already set by settings[{j}]; a policy sets each setting once.",
                        w.name(id)
                    ),
                );
            } else {
                first.insert(key(id), i);
            }
            if let Some(t) = template {
                if !t.allows(id) && w.defs.get(id).is_some() {
                    w.error(
                        &id_node,
                        Code::NotInTemplate,
                        format!("{} is not a setting of this policy's template.", w.name(id)),
                    );
                }
            }
        }
        w.top_level(&inst_node, inst);
    }
    w.top_level_dependencies(&node, settings, &first);
    if let Some(t) = template {
        for req in t.required() {
            if !first.contains_key(&key(&req.definition_id)) {
                w.error(
                    &node,
                    Code::MissingTemplateSetting,
                    format!(
                        "{} is required by this policy's template and missing.",
                        w.name(&req.definition_id)
                    ),
                );
            }
        }
    }
    w.finish()
}

/// Validates one top-level setting instance (a `settingInstance`) at `path`: what the editor
/// runs when one setting changes. Applicability to the policy's context is checked; duplicates
/// and the template are [`validate_policy`]'s.
pub fn validate_setting(
    instance: &Value,
    path: &FieldPath,
    defs: &Definitions,
    ctx: &PolicyContext,
) -> Vec<Problem> {
    let mut w = Walker::new(defs, ctx);
    let node = PathNode::Root(path);
    w.top_level(&node, instance);
    w.finish()
}

/// The walk over one policy's instances. Paths are [`PathNode`]s on the stack: a valid policy
/// costs no allocation for them.
struct Walker<'a> {
    defs: &'a Definitions,
    ctx: &'a PolicyContext,
    problems: Collector,
}

impl<'a> Walker<'a> {
    fn new(defs: &'a Definitions, ctx: &'a PolicyContext) -> Self {
        Walker {
            defs,
            ctx,
            problems: Collector::default(),
        }
    }

    fn finish(self) -> Vec<Problem> {
        self.problems.finish()
    }

    fn push(&mut self, node: &PathNode, code: Code, severity: Severity, message: String) {
        self.problems.push(node, code, severity, message)
    }

    fn error(&mut self, node: &PathNode, code: Code, message: String) {
        self.push(node, code, Severity::Error, message);
    }

    /// A setting's name for a message: its label and id, or the id alone when unknown.
    fn name(&self, id: &str) -> String {
        let def = self.defs.get(id);
        super::name_for_message(def.map(|d| (d.display_name.as_str(), d.id.as_str())), id)
    }

    /// `dependentOn` between top-level settings: a setting that applies only when another
    /// top-level setting is there (with one of the options named) is an error without it.
    /// Checked only where both definitions are known and both are roots (neither a child of
    /// the other), and met by any one of the setting's dependencies: no false error where the
    /// definitions say less.
    fn top_level_dependencies(
        &mut self,
        node: &PathNode,
        settings: &[Value],
        first: &HashMap<String, usize>,
    ) {
        let is_root = |d: &Definition| {
            d.root_definition_id
                .as_deref()
                .is_none_or(|r| r.eq_ignore_ascii_case(&d.id))
        };
        for (i, setting) in settings.iter().enumerate() {
            let inst = &setting["settingInstance"];
            let Some(def) = inst["settingDefinitionId"]
                .as_str()
                .and_then(|id| self.defs.get(id))
            else {
                continue;
            };
            if !is_root(def) {
                continue;
            }
            // Each dependency on another known root setting: (its definition, the option named
            // or None for the setting's mere presence).
            let deps: Vec<(&Definition, Option<&str>)> = def
                .dependent_on
                .iter()
                .filter_map(|d| {
                    let parent = self.defs.get(d.parent_setting_id.as_deref()?)?;
                    let other = !parent.id.eq_ignore_ascii_case(&def.id)
                        && is_root(parent)
                        && !parent.has_child(&def.id)
                        && !def.has_child(&parent.id);
                    other.then(|| {
                        let option = parent.option(&d.dependent_on).map(|o| o.item_id.as_str());
                        (parent, option)
                    })
                })
                .collect();
            if deps.is_empty() {
                continue;
            }
            let met = deps.iter().any(|(parent, option)| {
                let Some(&j) = first.get(&key(&parent.id)) else {
                    return false;
                };
                option.is_none_or(|want| {
                    settings[j]["settingInstance"]["choiceSettingValue"]["value"]
                        .as_str()
                        .is_some_and(|chosen| chosen.eq_ignore_ascii_case(want))
                })
            });
            if !met {
                let (parent, option) = deps[0];
                let what = match option.and_then(|o| parent.option(o)) {
                    Some(o) => format!(
                        "{} is set to \"{}\"",
                        self.name(&parent.id),
                        truncate(&o.display_name, 80)
                    ),
                    None => format!("{} is set", self.name(&parent.id)),
                };
                let item = PathNode::Index(node, i);
                let inst_node = PathNode::Prop(&item, "settingInstance");
                let id_node = PathNode::Prop(&inst_node, "settingDefinitionId");
                self.error(
                    &id_node,
                    Code::DependencyNotMet,
                    format!("{} applies only when {what}.", self.name(&def.id)),
                );
            }
        }
    }

    /// A top-level instance: the instance itself, and whether it applies to the policy.
    fn top_level(&mut self, node: &PathNode, inst: &Value) {
        if let Some(def) = self.instance(node, inst, 0) {
            if !self.ctx.applies(def) {
                let id_node = PathNode::Prop(node, "settingDefinitionId");
                self.error(
                    &id_node,
                    Code::NotApplicable,
                    format!(
                        "{} is for {} ({}), not for this policy's {} ({}).",
                        self.name(&def.id),
                        join_or(&def.platforms, "any platform"),
                        join_or(&def.technologies, "any technology"),
                        join_or(&self.ctx.platforms, "platform"),
                        join_or(&self.ctx.technologies, "technologies"),
                    ),
                );
            }
        }
    }

    /// Checks one instance and its children; returns its definition when it is known.
    fn instance(&mut self, node: &PathNode, inst: &Value, depth: usize) -> Option<&'a Definition> {
        if depth > MAX_DEPTH {
            self.error(node, Code::TooDeep, format!("Settings nest more than {MAX_DEPTH} levels deep here; the rest is not checked."));
            return None;
        }
        let Some(map) = inst.as_object() else {
            self.error(
                node,
                Code::NotObject,
                "Expected a setting instance (a JSON object).".into(),
            );
            return None;
        };
        let id_node = PathNode::Prop(node, "settingDefinitionId");
        let Some(id) = map.get("settingDefinitionId").and_then(Value::as_str) else {
            self.error(
                &id_node,
                Code::MissingValue,
                "A setting instance needs its \"settingDefinitionId\".".into(),
            );
            return None;
        };
        let Some(def) = self.defs.get(id) else {
            self.error(
                &id_node,
                Code::UnknownSetting,
                format!("{:?} is not a known setting definition.", truncate(id, 200)),
            );
            return None;
        };
        let kind = InstanceKind::of(inst);
        let fits = match (def.kind, kind) {
            (DefinitionKind::Redirect, _) => false,
            (DefinitionKind::Other, _) | (_, None) => true,
            (d, Some(k)) => k.definition_kind() == d,
        };
        if !fits {
            let at = if map.contains_key("@odata.type") {
                PathNode::Prop(node, "@odata.type")
            } else {
                *node
            };
            let what = match def.kind.instance_odata_type() {
                Some(t) => format!("an instance of type {}", t.trim_start_matches('#')),
                None => "never set in a policy".into(),
            };
            self.error(
                &at,
                Code::SettingKindMismatch,
                format!(
                    "{} is a {} setting: {what}.",
                    self.name(id),
                    def.kind.describe()
                ),
            );
            return Some(def);
        }
        let kind = match kind {
            Some(k) => k,
            None => match def.kind {
                DefinitionKind::Choice => InstanceKind::Choice,
                DefinitionKind::ChoiceCollection => InstanceKind::ChoiceCollection,
                DefinitionKind::Simple => InstanceKind::Simple,
                DefinitionKind::SimpleCollection => InstanceKind::SimpleCollection,
                DefinitionKind::Group => InstanceKind::Group,
                DefinitionKind::GroupCollection => InstanceKind::GroupCollection,
                // An unknown kind with no value field: nothing more to judge.
                DefinitionKind::Redirect | DefinitionKind::Other => return Some(def),
            },
        };
        let field = kind.value_field();
        let value_node = PathNode::Prop(node, field);
        let value = map.get(field).filter(|v| !v.is_null());
        let Some(value) = value else {
            self.error(
                &value_node,
                Code::MissingValue,
                format!("{} has no \"{field}\".", self.name(id)),
            );
            return Some(def);
        };
        match kind {
            InstanceKind::Choice => self.choice_value(&value_node, value, def, depth),
            InstanceKind::Simple => self.simple_value(&value_node, value, def),
            InstanceKind::Group => match value.get("children") {
                Some(children) => {
                    let c = PathNode::Prop(&value_node, "children");
                    self.children(&c, children, def, Choice::Group, depth);
                }
                None => self.error(
                    &value_node,
                    Code::MissingValue,
                    "A group value needs its \"children\".".into(),
                ),
            },
            InstanceKind::ChoiceCollection
            | InstanceKind::SimpleCollection
            | InstanceKind::GroupCollection => {
                let Some(items) = value.as_array() else {
                    self.error(&value_node, Code::WrongType, "Expected a list.".into());
                    return Some(def);
                };
                self.count(&value_node, items.len(), def);
                for (i, item) in items.iter().enumerate() {
                    let item_node = PathNode::Index(&value_node, i);
                    match kind {
                        InstanceKind::ChoiceCollection => {
                            self.choice_value(&item_node, item, def, depth)
                        }
                        InstanceKind::SimpleCollection => self.simple_value(&item_node, item, def),
                        _ => {
                            let c = PathNode::Prop(&item_node, "children");
                            match item.get("children") {
                                Some(children) => {
                                    self.children(&c, children, def, Choice::Group, depth)
                                }
                                None => self.error(
                                    &item_node,
                                    Code::MissingValue,
                                    "A group needs its \"children\".".into(),
                                ),
                            }
                        }
                    }
                }
            }
        }
        Some(def)
    }

    fn count(&mut self, node: &PathNode, n: usize, def: &Definition) {
        let n = n as u64;
        if let Some(min) = def.min_count.filter(|&m| n < m) {
            self.error(
                node,
                Code::TooFewItems,
                format!("At least {min} items are needed; there are {n}."),
            );
        }
        if let Some(max) = def.max_count.filter(|&m| n > m) {
            self.error(
                node,
                Code::TooManyItems,
                format!("At most {max} items are allowed; there are {n}."),
            );
        }
    }

    /// A choice value `{value, children}`: the option must be one of the definition's, and the
    /// children must be the option's.
    fn choice_value(&mut self, node: &PathNode, v: &Value, def: &'a Definition, depth: usize) {
        let value_node = PathNode::Prop(node, "value");
        let option = match v.get("value") {
            Some(Value::String(item)) => match def.option(item) {
                Some(o) => Some(o),
                None => {
                    let names: Vec<&str> = def
                        .options
                        .iter()
                        .take(12)
                        .map(|o| o.item_id.as_str())
                        .collect();
                    let more = if def.options.len() > 12 { ", …" } else { "" };
                    self.error(
                        &value_node,
                        Code::InvalidOption,
                        format!(
                            "{:?} is not an option of {}; the options are: {}{more}.",
                            truncate(item, 200),
                            self.name(&def.id),
                            names.join(", ")
                        ),
                    );
                    None
                }
            },
            None | Some(Value::Null) => {
                self.error(
                    &value_node,
                    Code::MissingValue,
                    format!("{} needs an option.", self.name(&def.id)),
                );
                None
            }
            Some(_) => {
                self.error(
                    &value_node,
                    Code::WrongType,
                    "An option is named by its text id.".into(),
                );
                None
            }
        };
        let children_node = PathNode::Prop(node, "children");
        let choice = option.map_or(Choice::Unknown, Choice::Option);
        let empty = Value::Array(Vec::new());
        let children = v.get("children").filter(|c| !c.is_null()).unwrap_or(&empty);
        self.children(&children_node, children, def, choice, depth);
    }

    /// The children of a choice's option, or of a group.
    fn children(
        &mut self,
        node: &PathNode,
        children: &Value,
        parent: &'a Definition,
        choice: Choice<'a>,
        depth: usize,
    ) {
        let Some(items) = children.as_array() else {
            self.error(
                node,
                Code::WrongType,
                "Expected a list of child settings.".into(),
            );
            return;
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let child_node = PathNode::Index(node, i);
            let id_node = PathNode::Prop(&child_node, "settingDefinitionId");
            if let Some(id) = item.get("settingDefinitionId").and_then(Value::as_str) {
                if let Some(&j) = seen.get(&key(id)) {
                    self.error(
                        &id_node,
                        Code::DuplicateSetting,
                        format!("{} is already set by child [{j}].", self.name(id)),
                    );
                } else {
                    seen.insert(key(id), i);
                }
                if let Some(child) = self.defs.get(id) {
                    self.placement(&id_node, parent, choice, child);
                }
            }
            if depth >= MAX_DEPTH {
                self.error(&child_node, Code::TooDeep, format!("Settings nest more than {MAX_DEPTH} levels deep here; the rest is not checked."));
                return;
            }
            self.instance(&child_node, item, depth + 1);
        }
        let required: Vec<&str> = match choice {
            Choice::Option(o) => o
                .depended_on_by
                .iter()
                .filter(|d| d.required)
                .map(|d| d.depended_on_by.as_str())
                .collect(),
            Choice::Group => parent
                .depended_on_by
                .iter()
                .filter(|d| d.required)
                .map(|d| d.depended_on_by.as_str())
                .collect(),
            Choice::Unknown => Vec::new(),
        };
        for id in required {
            if !seen.contains_key(&key(id)) {
                let what = match choice {
                    Choice::Option(o) => {
                        format!("the option \"{}\"", truncate(&o.display_name, 80))
                    }
                    _ => "this group".into(),
                };
                self.error(
                    node,
                    Code::MissingChildSetting,
                    format!("{} is required by {what} and missing.", self.name(id)),
                );
            }
        }
    }

    /// Whether a child belongs under its parent, and under the option chosen.
    fn placement(
        &mut self,
        id_node: &PathNode,
        parent: &Definition,
        choice: Choice,
        child: &Definition,
    ) {
        let names_parent = child.all_dependent_on().any(|d| {
            d.parent_setting_id
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case(&parent.id))
                || d.dependent_on.eq_ignore_ascii_case(&parent.id)
                || parent.option(&d.dependent_on).is_some()
        });
        if !parent.has_child(&child.id) && !names_parent {
            self.error(
                id_node,
                Code::ChildNotAllowed,
                format!(
                    "{} is not a child of {}.",
                    self.name(&child.id),
                    self.name(&parent.id)
                ),
            );
            return;
        }
        let Choice::Option(chosen) = choice else {
            return;
        };
        // The options this child belongs to, as either side says.
        let mut owners = parent
            .options
            .iter()
            .filter(|o| {
                o.depended_on_by
                    .iter()
                    .any(|d| d.depended_on_by.eq_ignore_ascii_case(&child.id))
            })
            .map(|o| o.item_id.as_str())
            .chain(
                child
                    .all_dependent_on()
                    .filter(|d| parent.option(&d.dependent_on).is_some())
                    .map(|d| d.dependent_on.as_str()),
            )
            .peekable();
        if owners.peek().is_none() {
            return;
        }
        if !owners.any(|o| o.eq_ignore_ascii_case(&chosen.item_id)) {
            self.error(
                id_node,
                Code::DependencyNotMet,
                format!(
                    "{} belongs to another option of {} than the one chosen (\"{}\").",
                    self.name(&child.id),
                    self.name(&parent.id),
                    truncate(&chosen.display_name, 80)
                ),
            );
        }
    }

    /// A simple value `{"@odata.type": …SettingValue, "value": …}` against the definition's rule.
    fn simple_value(&mut self, node: &PathNode, v: &Value, def: &Definition) {
        let Some(map) = v.as_object() else {
            self.error(
                node,
                Code::NotObject,
                "Expected a setting value (a JSON object).".into(),
            );
            return;
        };
        let odata = map.get("@odata.type").and_then(Value::as_str);
        let type_node = PathNode::Prop(node, "@odata.type");
        let value_node = PathNode::Prop(node, "value");
        let value = map.get("value");
        let is = |suffix: &str| odata.is_none_or(|t| t.ends_with(suffix));
        match &def.value {
            ValueRule::None => {}
            ValueRule::Integer { min, max } => {
                if !is("IntegerSettingValue") {
                    self.error(
                        &type_node,
                        Code::WrongType,
                        format!(
                            "{} takes a whole number (IntegerSettingValue).",
                            self.name(&def.id)
                        ),
                    );
                    return;
                }
                match value {
                    Some(Value::Number(n)) => match n.as_i64() {
                        Some(x) => {
                            if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) {
                                self.error(
                                    &value_node,
                                    Code::OutOfRange,
                                    range_message(x, *min, *max),
                                );
                            }
                        }
                        None => self.error(
                            &value_node,
                            Code::NotInteger,
                            format!("Expected a whole number, found {n}."),
                        ),
                    },
                    None | Some(Value::Null) => self.error(
                        &value_node,
                        Code::MissingValue,
                        "A whole number is needed.".into(),
                    ),
                    Some(_) => self.error(
                        &value_node,
                        Code::WrongType,
                        format!("Expected a whole number{}.", range_suffix(*min, *max)),
                    ),
                }
            }
            ValueRule::String(rule) => {
                if !(is("StringSettingValue") || is("ReferenceSettingValue")) {
                    self.error(
                        &type_node,
                        Code::WrongType,
                        format!("{} takes text (StringSettingValue).", self.name(&def.id)),
                    );
                    return;
                }
                self.text(&value_node, value, rule);
            }
            ValueRule::Secret(rule) => {
                if !is("SecretSettingValue") {
                    self.error(
                        &type_node,
                        Code::WrongType,
                        format!(
                            "{} takes a secret (SecretSettingValue).",
                            self.name(&def.id)
                        ),
                    );
                    return;
                }
                // A stored secret comes back as an opaque token: nothing to judge.
                if map.get("valueState").and_then(Value::as_str) == Some("encryptedValueToken") {
                    return;
                }
                self.text(&value_node, value, rule);
            }
        }
    }

    fn text(&mut self, node: &PathNode, value: Option<&Value>, rule: &StringRule) {
        let s = match value {
            Some(Value::String(s)) => s.as_str(),
            None | Some(Value::Null) => "",
            Some(_) => {
                self.error(node, Code::WrongType, "Expected text.".into());
                return;
            }
        };
        let len = s.chars().count() as u64;
        if let Some(min) = rule.min_len.filter(|&m| len < m) {
            self.error(
                node,
                Code::TooShort,
                format!("At least {min} characters are needed; this has {len}."),
            );
        }
        if let Some(max) = rule.max_len.filter(|&m| len > m) {
            self.error(
                node,
                Code::TooLong,
                format!("At most {max} characters are allowed; this has {len}."),
            );
        }
        // Empty text is judged by its length alone.
        if s.is_empty() {
            return;
        }
        if let Some((code, what)) = format::check(&rule.format, s) {
            self.error(node, code, format!("Expected {what}."));
        }
        match &rule.compiled {
            Some(Ok(re)) if !re.is_match(s) => {
                let pattern = rule.pattern.as_deref().unwrap_or("");
                self.error(node, Code::PatternMismatch, format!("The text does not match the pattern {}.", truncate(pattern, 120)));
            }
            Some(Err(e)) => self.push(
                node,
                Code::InvalidPattern,
                Severity::Warning,
                format!("The setting's pattern cannot be used, so the text is not matched against it: {}", truncate(e, 160)),
            ),
            _ => {}
        }
    }
}

/// Where children are: under a choice's option (known or not), or in a group.
#[derive(Clone, Copy)]
enum Choice<'a> {
    Option(&'a ChoiceOption),
    Unknown,
    Group,
}

fn join_or(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        empty.into()
    } else {
        items.join(", ")
    }
}

fn range_suffix(min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!(" from {a} to {b}"),
        (Some(a), None) => format!(" of at least {a}"),
        (None, Some(b)) => format!(" of at most {b}"),
        (None, None) => String::new(),
    }
}

fn range_message(x: i64, min: Option<i64>, max: Option<i64>) -> String {
    format!(
        "{x} is out of range: expected a whole number{}.",
        range_suffix(min, max)
    )
}
