//! `policy-lint [--api v1.0|beta] [--patch [--allow-unknown]] [--definitions FILE]...
//! [--template FILE]... [--format text|json] FILE...`
//!
//! The editor's validation for a pipeline: each FILE holds one object or a Graph list response
//! (`{"value": [...]}`); `-` is standard input. A settings catalog or endpoint security policy's
//! `settings` are checked against the setting definitions of the `--definitions` files and those
//! the policies embed (`$expand=settingDefinitions`); an endpoint security policy's also against
//! its template's rules, from the `--template` files. An older endpoint security policy (an
//! intent, `deviceManagement/intents`) has its `settings` checked against the intent setting
//! definitions of the `--definitions` files and those it embeds
//! (`$expand=categories($expand=settingDefinitions)`). Exit 0 when no file has an error, 1 when
//! any has, 2 for a usage error or a file that is not readable JSON.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::{ArgAction, Parser, ValueEnum};

use policy_core::embedded::schema;
use policy_core::intents::{is_intent, validate_intent, IntentDefinitions, INTENT_TYPE};
use policy_core::model::ApiVersion;
use policy_core::settings::{
    validate_policy, DefinitionKind, Definitions, PolicyContext, Template,
};
use policy_core::{validate, validate_as, Code, FieldPath, Mode, Problem, Severity};
use serde::Serialize;
use serde_json::Value;

/// The command line. Its doc comments are the `--help` text, line by line.
#[derive(Debug, Parser)]
#[command(
    name = "policy-lint",
    about = "Checks exported Intune configuration objects (Graph JSON) against Microsoft's metadata,
offline: the editor's own validation, for scripts and pipelines. Settings catalog and endpoint
security policies, and the older endpoint security intents, have their settings checked against
setting definitions (--definitions).",
    after_help = "Exit status: 0 when no file has an error, 1 when any file has one, 2 for a usage
error or a file that cannot be read as JSON.",
    next_line_help = true,
    disable_help_flag = true,
    args_override_self = true
)]
struct Options {
    /// The Graph API version the objects come from, v1.0 or beta (default: beta); it picks
    /// the schema they are checked against
    #[arg(long, value_name = "VERSION", default_value = "beta", value_parser = api_version,
        hide_default_value = true, verbatim_doc_comment)]
    api: ApiVersion,
    /// Check each object as a PATCH body, as Graph judges one: properties it leaves out are
    /// not missing; a property the type does not declare is an error (Graph answers 400);
    /// read-only ones are warnings (Graph sets them; the editor never sends them), their
    /// values still checked for their type
    #[arg(long, verbatim_doc_comment)]
    patch: bool,
    /// With --patch: a property the type does not declare is a warning, not an error (for
    /// when the service is ahead of its metadata)
    #[arg(long, verbatim_doc_comment)]
    allow_unknown: bool,
    /// Setting definitions to check settings catalog and endpoint security policies
    /// against: a Graph answer as it comes (configurationSettings, or settings or
    /// settingTemplates with $expand=settingDefinitions), or a list of definitions;
    /// repeat for several files. A file may instead (or also) hold the setting
    /// definitions of endpoint security intents (deviceManagement/intents): an
    /// answer of templates/{id}/categories/{id}/settingDefinitions (or of intents/…),
    /// a category, or a template with $expand=categories($expand=settingDefinitions).
    /// Definitions a policy or an intent embeds are used too; without any, its
    /// settings are not checked (a warning)
    #[arg(long, value_name = "FILE", action = ArgAction::Append, verbatim_doc_comment)]
    definitions: Vec<String>,
    /// An endpoint security template, to check the policies made from it against its rules
    /// (only its settings; the ones it requires): Graph's answer to
    /// configurationPolicyTemplates/{id}/settingTemplates?$expand=settingDefinitions, which
    /// names its template and brings its definitions; repeat for several templates. A
    /// policy of a template not given gets a warning
    #[arg(long, value_name = "FILE", action = ArgAction::Append, verbatim_doc_comment)]
    template: Vec<String>,
    /// text (default): one `FILE: PATH: severity: message [code]` line a problem on
    /// standard output, and a count of files, errors and warnings on standard error;
    /// json: one document for all files on standard output
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = Format::Text,
        hide_default_value = true, hide_possible_values = true, verbatim_doc_comment)]
    format: Format,
    /// The files to check, each holding one object or a Graph list response
    /// ({"value": [...]}); - reads standard input
    #[arg(value_name = "FILE", required = true, verbatim_doc_comment)]
    files: Vec<String>,
    /// Show this text
    #[arg(short, long, action = ArgAction::Help)]
    help: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

impl Options {
    fn mode(&self) -> Mode {
        if self.patch {
            Mode::Patch
        } else {
            Mode::Object
        }
    }
}

/// An API version as `ApiVersion::parse` reads it.
fn api_version(text: &str) -> Result<ApiVersion, String> {
    ApiVersion::parse(text).ok_or_else(|| {
        let names: Vec<&str> = ApiVersion::ALL.iter().map(|v| v.as_str()).collect();
        format!("use {}", names.join(" or "))
    })
}

#[derive(Serialize)]
struct FileReport {
    file: String,
    valid: bool,
    problems: Vec<Problem>,
}

/// Why a file cannot be checked: reported as its one problem, and the run ends with status 2.
#[derive(Debug, thiserror::Error)]
enum Error {
    /// The file (or standard input) cannot be read.
    #[error("cannot read: {0}")]
    Read(#[source] std::io::Error),
    /// The bytes are not UTF-8; the number is where the first bad byte is.
    #[error("not UTF-8 text (byte {0})")]
    NotUtf8(usize),
    /// The text is not JSON.
    #[error("not valid JSON at line {line}, column {column}: {0}", line = .0.line(), column = .0.column())]
    Json(#[source] serde_json::Error),
    /// A `--definitions` file is JSON but holds no setting definitions.
    #[error("{0}")]
    Definitions(String),
}

impl Error {
    /// The problem code the file is reported with.
    fn code(&self) -> Code {
        match self {
            Error::Read(_) | Error::NotUtf8(_) | Error::Definitions(_) => Code::Unreadable,
            Error::Json(_) => Code::InvalidJson,
        }
    }
}

/// A file that could not be read as JSON: reported, and the run ends with status 2.
fn unreadable(file: &str, error: Error) -> FileReport {
    FileReport {
        file: file.to_string(),
        valid: false,
        problems: vec![Problem {
            path: FieldPath::root(),
            code: error.code(),
            severity: Severity::Error,
            message: error.to_string(),
        }],
    }
}

fn read_input(file: &str) -> Result<String, Error> {
    let mut bytes = Vec::new();
    let result = if file == "-" {
        std::io::stdin().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut bytes))
    };
    result.map_err(Error::Read)?;
    String::from_utf8(bytes).map_err(|e| Error::NotUtf8(e.utf8_error().valid_up_to()))
}

/// The JSON document a file holds.
fn read_document(file: &str) -> Result<Value, Error> {
    let text = read_input(file)?;
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(Error::Json)
}

/// Everything the settings of policies and intents are checked against.
#[derive(Default)]
struct Known {
    /// Settings catalog definitions.
    defs: Definitions,
    /// Endpoint security templates of settings catalog policies.
    templates: Vec<Template>,
    /// Intent setting definitions.
    intents: IntentDefinitions,
}

/// The `@odata.type` of a settings catalog (and endpoint security) policy.
const POLICY_TYPE: &str = "#microsoft.graph.deviceManagementConfigurationPolicy";

/// True for a settings catalog or endpoint security policy: its `@odata.type` says so, or it has
/// none but has `settings` and `platforms` as such a policy exported without one does.
fn is_settings_policy(item: &Value) -> bool {
    match item.get("@odata.type").and_then(Value::as_str) {
        Some(t) => t.eq_ignore_ascii_case(POLICY_TYPE),
        None => {
            item.get("settings").is_some_and(Value::is_array) && item.get("platforms").is_some()
        }
    }
}

/// The objects of a document: itself, or each object of a list response with its path prefix.
fn objects(doc: &Value) -> Vec<(Option<FieldPath>, &Value)> {
    let list = doc
        .as_object()
        .filter(|m| !m.contains_key("@odata.type"))
        .and_then(|m| m.get("value"))
        .and_then(Value::as_array);
    match list {
        Some(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (Some(FieldPath::root().prop("value").index(i)), item))
            .collect(),
        None => vec![(None, doc)],
    }
}

/// The warning for settings that could not be checked.
fn settings_not_checked() -> Problem {
    Problem {
        path: FieldPath::root().prop("settings"),
        code: Code::SettingsNotChecked,
        severity: Severity::Warning,
        message: "The settings were not checked: give their definitions with --definitions FILE."
            .into(),
    }
}

/// True when the object has a non-empty `settings` list.
fn has_settings(item: &Value) -> bool {
    item.get("settings")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
}

/// Validates an intent against the schema and its settings against the intent definitions.
fn check_intent(item: &Value, opts: &Options, known: &Known) -> Vec<Problem> {
    let s = schema(opts.api);
    let intent_type = s.find(INTENT_TYPE.trim_start_matches('#'));
    let mut problems = match intent_type {
        Some(id) if item.get("@odata.type").is_none() => validate_as(s, id, item, opts.mode()),
        _ => validate(s, item, opts.mode()),
    };
    // `settings` is a relationship in the metadata; it is checked here instead.
    problems.retain(|p| !(p.code == Code::NavigationProperty && p.path.as_str() == "settings"));
    match item.get("settings") {
        None | Some(Value::Null) => {}
        Some(Value::Array(settings)) if known.intents.is_empty() => {
            if !settings.is_empty() {
                problems.push(settings_not_checked());
            }
        }
        // Not a list is said without definitions too.
        Some(_) => problems.extend(validate_intent(item, &known.intents)),
    }
    problems
}

/// Validates one object against the schema and, for a settings policy or an intent, its
/// settings.
fn check_object(item: &Value, opts: &Options, known: &Known) -> Vec<Problem> {
    let s = schema(opts.api);
    if !is_settings_policy(item) {
        if is_intent(item) {
            return check_intent(item, opts, known);
        }
        return validate(s, item, opts.mode());
    }
    let (defs, templates) = (&known.defs, &known.templates);
    let policy_type = s.find(POLICY_TYPE.trim_start_matches('#'));
    let mut problems = match policy_type {
        Some(id) if item.get("@odata.type").is_none() => validate_as(s, id, item, opts.mode()),
        _ => validate(s, item, opts.mode()),
    };
    // `settings` is a relationship in the metadata; it is checked here instead.
    problems.retain(|p| !(p.code == Code::NavigationProperty && p.path.as_str() == "settings"));
    if defs.is_empty() {
        if has_settings(item) {
            problems.push(settings_not_checked());
        }
    } else {
        let wanted = PolicyContext::of(item).template_id;
        let template = wanted.as_deref().and_then(|id| {
            templates.iter().find(|t| {
                t.template_id
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case(id))
            })
        });
        if let (Some(id), None) = (&wanted, template) {
            problems.push(Problem {
                path: FieldPath::root().prop("templateReference").prop("templateId"),
                code: Code::TemplateNotChecked,
                severity: Severity::Warning,
                message: format!(
                    "The rules of template {id} were not checked: give its settingTemplates with --template FILE."
                ),
            });
        }
        problems.extend(validate_policy(item, defs, template));
    }
    problems
}

/// Validates one document: an object, or each object of a list response under `value[i]`.
fn check_document(doc: &Value, opts: &Options, known: &Known) -> Vec<Problem> {
    objects(doc)
        .into_iter()
        .flat_map(|(prefix, item)| {
            check_object(item, opts, known)
                .into_iter()
                .map(move |mut p| {
                    if let Some(prefix) = &prefix {
                        p.path = if p.path.is_root() {
                            prefix.clone()
                        } else {
                            FieldPath::parse(&format!("{prefix}.{}", p.path))
                        };
                    }
                    p
                })
        })
        .map(|mut p| {
            // Graph refuses a PATCH naming a property its type does not declare.
            if opts.patch && !opts.allow_unknown && p.code == Code::UnknownProperty {
                p.severity = Severity::Error;
            }
            p
        })
        .collect()
}

/// Adds the definitions a document holds: settings catalog definitions to `known.defs`,
/// intent setting definitions to `known.intents`; returns how many of each it read, or why
/// it holds neither kind's shape.
fn add_definitions(doc: &Value, known: &mut Known) -> Result<(usize, usize), String> {
    let mut intents = IntentDefinitions::default();
    let intent_read = intents.add_graph_json(doc);
    // The settings catalog's reader takes any typed "…Definition" for one of its own, intent
    // definitions too: those are left to the intents.
    let mut catalog = Definitions::default();
    let catalog_read = catalog.add_graph_json(doc);
    let mut added = 0;
    for d in catalog.iter() {
        let intent = d.kind == DefinitionKind::Other && intents.get(&d.id).is_some();
        if !intent {
            known.defs.insert(d.clone());
            added += 1;
        }
    }
    let intent_added = intents.len();
    for d in intents.iter() {
        known.intents.insert(d.clone());
    }
    match (catalog_read, intent_read) {
        (Err(e), Err(_)) => Err(e.to_string()),
        _ => Ok((added, intent_added)),
    }
}

/// Reads the `--definitions` files; a file that cannot be read, or holds no definitions of
/// either kind (a mistaken file, most likely), is reported like an unreadable input file.
fn load_definitions(files: &[String], known: &mut Known) -> Vec<FileReport> {
    let mut failed = Vec::new();
    for file in files {
        let added = read_document(file).and_then(|doc| match add_definitions(&doc, known) {
            Ok((0, 0)) => Err(Error::Definitions(
                "no setting definitions in this file (a Graph answer with $expand=settingDefinitions, or configurationSettings, holds them; for intents, a settingDefinitions answer of a template's or an intent's categories)".into(),
            )),
            Ok(_) => Ok(()),
            Err(e) => Err(Error::Definitions(e)),
        });
        if let Err(e) = added {
            failed.push(unreadable(file, e));
        }
    }
    failed
}

/// Reads the `--template` files (their definitions join `defs`); a file that cannot be read,
/// holds no setting templates, or does not say which template it is, is reported like an
/// unreadable input file.
fn load_templates(
    files: &[String],
    defs: &mut Definitions,
    templates: &mut Vec<Template>,
) -> Vec<FileReport> {
    let mut failed = Vec::new();
    for file in files {
        let read = read_document(file).and_then(|doc| {
            let t = Template::from_graph_json(&doc)
                .map_err(|e| Error::Definitions(e.to_string()))?;
            if t.template_id.is_none() {
                return Err(Error::Definitions(
                    "this file does not say which template it is: give Graph's answer as it comes (its @odata.context names the template), or the template with its settingTemplates".into(),
                ));
            }
            // Without $expand=settingDefinitions it brings none; --definitions may.
            let _ = defs.add_graph_json(&doc);
            Ok(t)
        });
        match read {
            Ok(t) => templates.push(t),
            Err(e) => failed.push(unreadable(file, e)),
        }
    }
    failed
}

fn check_file(
    file: &str,
    doc: Result<Value, Error>,
    opts: &Options,
    known: &Known,
) -> (FileReport, bool) {
    let doc = match doc {
        Ok(doc) => doc,
        Err(e) => return (unreadable(file, e), false),
    };
    let problems = check_document(&doc, opts, known);
    let valid = !problems.iter().any(Problem::is_error);
    (
        FileReport {
            file: file.to_string(),
            valid,
            problems,
        },
        true,
    )
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn main() -> ExitCode {
    let opts = match Options::try_parse() {
        Ok(o) => o,
        // Anything but `--help` is a usage error: it names the argument and why.
        Err(e) if e.use_stderr() => {
            eprint!("policy-lint: {}", e.render());
            return ExitCode::from(2);
        }
        Err(help) => {
            print!("{}", help.render());
            return ExitCode::SUCCESS;
        }
    };
    let mut known = Known::default();
    let mut reports = load_definitions(&opts.definitions, &mut known);
    reports.extend(load_templates(
        &opts.template,
        &mut known.defs,
        &mut known.templates,
    ));
    let mut all_readable = reports.is_empty();
    // Every file is read first, so that the definitions policies and intents embed serve them
    // all.
    let docs: Vec<Result<Value, Error>> = opts.files.iter().map(|f| read_document(f)).collect();
    for doc in docs.iter().flatten() {
        for (_, item) in objects(doc) {
            // One without embedded definitions adds none; that is not an error.
            if is_settings_policy(item) {
                let _ = known.defs.add_graph_json(item);
            } else if is_intent(item) {
                let _ = known.intents.add_graph_json(item);
            }
        }
    }
    for (file, doc) in opts.files.iter().zip(docs) {
        let (report, readable) = check_file(file, doc, &opts, &known);
        all_readable &= readable;
        reports.push(report);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match opts.format {
        Format::Json => {
            let doc = serde_json::json!({ "files": reports });
            writeln!(out, "{doc}")
        }
        Format::Text => reports.iter().try_for_each(|r| {
            r.problems.iter().try_for_each(|p| {
                let path = if p.path.is_root() {
                    "(object)"
                } else {
                    p.path.as_str()
                };
                writeln!(
                    out,
                    "{}: {path}: {}: {} [{}]",
                    r.file,
                    severity_word(p.severity),
                    p.message,
                    p.code
                )
            })
        }),
    };
    if written.is_err() {
        return ExitCode::from(2); // A closed pipe: nothing more can be said.
    }
    if opts.format == Format::Text {
        let errors: usize = reports
            .iter()
            .flat_map(|r| &r.problems)
            .filter(|p| p.is_error())
            .count();
        let warnings: usize = reports
            .iter()
            .flat_map(|r| &r.problems)
            .filter(|p| !p.is_error())
            .count();
        eprintln!(
            "policy-lint: {} file(s), {errors} error(s), {warnings} warning(s)",
            reports.len()
        );
    }
    if !all_readable {
        ExitCode::from(2)
    } else if reports.iter().all(|r| r.valid) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_option_is_documented() {
        let command = Options::command();
        command.clone().debug_assert();
        for arg in command.get_arguments() {
            assert!(
                arg.get_help().is_some(),
                "{:?} has no help text",
                arg.get_id()
            );
        }
        let help = command.clone().render_help().to_string();
        assert!(help.contains("Exit status: 0"), "{help}");
    }

    #[test]
    fn options_read_as_before() {
        let o =
            Options::try_parse_from(["policy-lint", "a.json", "--api=v1", "--patch", "-"]).unwrap();
        assert_eq!(o.api, ApiVersion::V1);
        assert_eq!(o.mode(), Mode::Patch);
        assert_eq!(o.format, Format::Text);
        assert_eq!(o.files, ["a.json", "-"]);
        // The last of a repeated option wins; after `--` everything is a file.
        let o = Options::try_parse_from([
            "policy-lint",
            "--format",
            "json",
            "--format",
            "text",
            "--",
            "--patch",
        ])
        .unwrap();
        assert_eq!((o.format, o.mode()), (Format::Text, Mode::Object));
        assert_eq!(o.files, ["--patch"]);
    }
}
