//! `policy-lint [--api v1.0|beta] [--patch [--allow-unknown]] [--format text|json] FILE...`
//!
//! The editor's validation for a pipeline: each FILE holds one object or a Graph list response
//! (`{"value": [...]}`); `-` is standard input. Exit 0 when no file has an error, 1 when any has,
//! 2 for a usage error or a file that is not readable JSON.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::{ArgAction, Parser, ValueEnum};

use policy_core::embedded::schema;
use policy_core::model::ApiVersion;
use policy_core::{validate, Code, FieldPath, Mode, Problem, Severity};
use serde::Serialize;
use serde_json::Value;

/// The command line. Its doc comments are the `--help` text, line by line.
#[derive(Debug, Parser)]
#[command(
    name = "policy-lint",
    about = "Checks exported Intune configuration objects (Graph JSON) against Microsoft's metadata,
offline: the editor's own validation, for scripts and pipelines.",
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
}

impl Error {
    /// The problem code the file is reported with.
    fn code(&self) -> Code {
        match self {
            Error::Read(_) | Error::NotUtf8(_) => Code::Unreadable,
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

/// Validates one document: an object, or each object of a list response under `value[i]`.
fn check_document(doc: &Value, opts: &Options) -> Vec<Problem> {
    let s = schema(opts.api);
    let list = doc
        .as_object()
        .filter(|m| !m.contains_key("@odata.type"))
        .and_then(|m| m.get("value"))
        .and_then(Value::as_array);
    match list {
        Some(items) => items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| {
                let prefix = FieldPath::root().prop("value").index(i);
                validate(s, item, opts.mode())
                    .into_iter()
                    .map(move |mut p| {
                        p.path = if p.path.is_root() {
                            prefix.clone()
                        } else {
                            FieldPath::parse(&format!("{prefix}.{}", p.path))
                        };
                        p
                    })
            })
            .collect(),
        None => validate(s, doc, opts.mode()),
    }
    .into_iter()
    .map(|mut p| {
        // Graph refuses a PATCH naming a property its type does not declare.
        if opts.patch && !opts.allow_unknown && p.code == Code::UnknownProperty {
            p.severity = Severity::Error;
        }
        p
    })
    .collect()
}

fn check_file(file: &str, opts: &Options) -> (FileReport, bool) {
    let doc = match read_document(file) {
        Ok(doc) => doc,
        Err(e) => return (unreadable(file, e), false),
    };
    let problems = check_document(&doc, opts);
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
    let mut reports = Vec::new();
    let mut all_readable = true;
    for file in &opts.files {
        let (report, readable) = check_file(file, &opts);
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
