//! Invariants that test themselves (in the manner of rust-analyzer's `tidy`): the rules
//! ARCHITECTURE.md states about where things live, checked on the source text. Each test names
//! the rule it holds; breaking the rule makes it fail with the file and line.

#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file below `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The code of a line: comments and the insides of string literals removed, so words in prose
/// and in the page's text do not count.
fn code(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    in_string = false;
                    out.push('"');
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push('"');
            }
            '/' if chars.peek() == Some(&'/') => break,
            c => out.push(c),
        }
    }
    out
}

/// True when `word` occurs in `text` as a whole identifier.
fn has_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// The lines of the files below `dir` (relative to the repository) whose code matches `bad`,
/// except in files `allowed` says may.
fn offending(dir: &str, allowed: impl Fn(&str) -> bool, bad: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for file in rust_files(&root().join(dir)) {
        let name = rel(&file);
        if allowed(&name) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        for (n, line) in text.lines().enumerate() {
            if bad(&code(line)) {
                out.push(format!("{name}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    out
}

#[test]
fn policy_core_has_no_browser_dependency() {
    let manifest = std::fs::read_to_string(root().join("crates/policy-core/Cargo.toml")).unwrap();
    let deps = manifest
        .split("\n[")
        .filter(|section| section.starts_with("dependencies]"))
        .collect::<String>();
    for browser in ["yew", "web-sys", "js-sys", "gloo", "wasm-bindgen"] {
        assert!(
            !deps.lines().any(|l| l.trim_start().starts_with(browser)),
            "policy-core must test natively: it depends on {browser}"
        );
    }
}

#[test]
fn only_the_network_module_touches_the_network() {
    let bad = offending(
        "src",
        |f| f.starts_with("src/net/"),
        |code| {
            has_word(code, "gloo_net")
                || has_word(code, "Request")
                || has_word(code, "fetch")
                || code.contains("fetch_with")
        },
    );
    assert!(
        bad.is_empty(),
        "only src/net/ names gloo_net, fetch or Request:\n{}",
        bad.join("\n")
    );
}

#[test]
fn only_auth_msal_binds_msal_js() {
    let bad = offending(
        "src",
        |f| f == "src/auth/msal.rs",
        |code| code.contains("js_namespace") && code.contains("msal"),
    );
    assert!(
        bad.is_empty(),
        "only src/auth/msal.rs binds MSAL.js:\n{}",
        bad.join("\n")
    );
}

#[test]
fn only_the_form_field_module_decides_a_widget_and_no_component_looks_a_schema_up() {
    let bad = offending(
        "src/components",
        |f| f.starts_with("src/components/field/"),
        |code| has_word(code, "ValueType") || code.contains("Edm::"),
    );
    assert!(
        bad.is_empty(),
        "only src/components/field/ looks at a property's type to choose its widget:\n{}",
        bad.join("\n")
    );
    let bad = offending(
        "src/components",
        |_| false,
        |code| code.contains("schemas::"),
    );
    assert!(
        bad.is_empty(),
        "components get their schema as a prop, never from crate::schemas:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_file_under_src_passes_600_lines() {
    let long: Vec<String> = rust_files(&root().join("src"))
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).ok()?.lines().count();
            (n > 600).then(|| format!("{}: {n} lines", rel(f)))
        })
        .collect();
    assert!(long.is_empty(), "split these files:\n{}", long.join("\n"));
}

#[test]
fn every_module_says_what_it_is() {
    let mut dirs = vec![root().join("src")];
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let crate_dir = entry.unwrap().path();
        for sub in ["src", "tests"] {
            if crate_dir.join(sub).is_dir() {
                dirs.push(crate_dir.join(sub));
            }
        }
    }
    let mut bare = Vec::new();
    for dir in dirs {
        for file in rust_files(&dir) {
            let text = std::fs::read_to_string(&file).unwrap();
            if !text.trim_start().starts_with("//!") {
                bare.push(rel(&file));
            }
        }
    }
    assert!(
        bare.is_empty(),
        "start each with a //! line saying what it is:\n{}",
        bare.join("\n")
    );
}

#[test]
fn the_checks_themselves_read_code_not_prose() {
    assert_eq!(
        code(r#"let a = "fetch // Request"; // fetch"#),
        r#"let a = ""; "#
    );
    assert!(has_word("web_sys::Request::new", "Request"));
    assert!(!has_word("RequestPreview", "Request"));
    assert!(!has_word("prefetch(api)", "fetch"));
    assert!(has_word("w.fetch(x)", "fetch"));
}
