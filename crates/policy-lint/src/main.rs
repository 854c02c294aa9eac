//! `policy-lint [--api v1.0|beta] [--patch] [--format text|json] FILE...`
//!
//! The editor's validation for a pipeline: each FILE holds one object or a Graph list response
//! (`{"value": [...]}`); `-` is standard input. Exit 0 when no file has an error, 1 when any has,
//! 2 for a usage error or a file that is not readable JSON.

use std::io::{Read, Write};
use std::process::ExitCode;

use policy_core::embedded::schema;
use policy_core::model::ApiVersion;
use policy_core::{validate, FieldPath, Mode, Problem, Severity};
use serde::Serialize;
use serde_json::Value;

const USAGE: &str = "usage: policy-lint [--api v1.0|beta] [--patch] [--format text|json] FILE...
  --api      the Graph API version the objects belong to (default: beta)
  --patch    check PATCH bodies: read-only properties are warnings
  --format   text (default): one 'FILE: PATH: message' line a problem; json: one document
  FILE       a JSON file with one object or a Graph list response ({\"value\": [...]}); - reads standard input
exit status: 0 no errors, 1 errors found, 2 usage error or unreadable input";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

#[derive(Debug)]
struct Options {
    api: ApiVersion,
    mode: Mode,
    format: Format,
    files: Vec<String>,
}

/// What the command line asked for, or why it cannot be understood.
enum Parsed {
    Run(Options),
    Help,
}

fn parse_args(args: &[String]) -> Result<Parsed, String> {
    let mut opts = Options {
        api: ApiVersion::Beta,
        mode: Mode::Object,
        format: Format::Text,
        files: Vec::new(),
    };
    let mut i = 0;
    let mut only_files = false;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if only_files || arg == "-" || !arg.starts_with('-') {
            opts.files.push(arg.clone());
            continue;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            let v = args
                .get(i)
                .cloned()
                .ok_or(format!("{what} needs a value"))?;
            i += 1;
            Ok(v)
        };
        match name {
            "--" => only_files = true,
            "-h" | "--help" => return Ok(Parsed::Help),
            "--patch" => opts.mode = Mode::Patch,
            "--api" => {
                let v = value("--api")?;
                opts.api =
                    ApiVersion::parse(&v).ok_or(format!("--api takes v1.0 or beta, not {v:?}"))?;
            }
            "--format" => {
                opts.format = match value("--format")?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    other => return Err(format!("--format takes text or json, not {other:?}")),
                }
            }
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    if opts.files.is_empty() {
        return Err("no FILE given".into());
    }
    Ok(Parsed::Run(opts))
}

#[derive(Serialize)]
struct FileReport {
    file: String,
    valid: bool,
    problems: Vec<Problem>,
}

/// A file that could not be read as JSON: reported, and the run ends with status 2.
fn unreadable(file: &str, code: &'static str, message: String) -> FileReport {
    FileReport {
        file: file.to_string(),
        valid: false,
        problems: vec![Problem {
            path: FieldPath::root(),
            code,
            severity: Severity::Error,
            message,
        }],
    }
}

fn read_input(file: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    let result = if file == "-" {
        std::io::stdin().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut bytes))
    };
    result.map_err(|e| format!("cannot read: {e}"))?;
    String::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
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
                validate(s, item, opts.mode).into_iter().map(move |mut p| {
                    p.path = if p.path.is_root() {
                        prefix.clone()
                    } else {
                        FieldPath::parse(&format!("{prefix}.{}", p.path))
                    };
                    p
                })
            })
            .collect(),
        None => validate(s, doc, opts.mode),
    }
}

fn check_file(file: &str, opts: &Options) -> (FileReport, bool) {
    let text = match read_input(file) {
        Ok(t) => t,
        Err(e) => return (unreadable(file, "unreadable", e), false),
    };
    let doc: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
        Ok(v) => v,
        Err(e) => {
            let msg = format!(
                "not valid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            );
            return (unreadable(file, "invalid-json", msg), false);
        }
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse_args(&args) {
        Ok(Parsed::Run(o)) => o,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("policy-lint: {e}\n{USAGE}");
            return ExitCode::from(2);
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
