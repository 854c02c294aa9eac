//! axe-core in the test browser: the accessibility checks the end-to-end tests run on a page,
//! at WCAG 2.1 A and AA, and the assertion that there is nothing to report.
//!
//! axe-core comes from npm (`package.json`'s devDependencies, installed by `scripts/setup.sh`),
//! is read from `node_modules/axe-core/axe.min.js` and injected into the page through WebDriver's
//! script execution, which the page's Content-Security-Policy does not govern (the script runs as
//! a function the driver calls through the DevTools protocol, not as a `<script>` of the page).
//! It is never part of `dist/`, and no CDN is involved.

use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::Page;

/// The WCAG levels checked: 2.0 and 2.1, A and AA.
pub const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// One rule the page breaks, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The rule, such as `color-contrast` or `label`.
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// What the rule asks for, in a line.
    pub help: String,
    /// axe's page about the rule.
    pub help_url: String,
    pub nodes: Vec<Node>,
}

/// An element that breaks a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The CSS selectors that find it (more than one when it is inside a frame or shadow root).
    pub target: Vec<String>,
    /// The start of its HTML.
    pub html: String,
    /// What is wrong with it, as axe says.
    pub summary: String,
}

/// axe-core's source, read once from `node_modules`.
fn source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e} (run `bash scripts/setup.sh`, which installs axe-core from package-lock.json)",
                path.display()
            )
        })
    })
}

/// Puts axe-core into the page unless it is there already (a navigation removes it).
async fn inject(page: &Page) {
    let present = page
        .js("return typeof window.axe === 'object';", vec![])
        .await;
    if present.as_bool() == Some(true) {
        return;
    }
    // The source runs as the body of the function WebDriver calls: its UMD wrapper sets
    // `window.axe`.
    let loaded = page
        .js(
            &format!("{}\n;return typeof window.axe === 'object';", source()),
            vec![],
        )
        .await;
    assert_eq!(loaded, json!(true), "axe-core did not load in the page");
}

/// Runs axe-core on the whole document at [`TAGS`] and returns what it finds.
pub async fn violations(page: &Page) -> Vec<Violation> {
    inject(page).await;
    let answer = page
        .js_async(
            r#"const done = arguments[arguments.length - 1];
               const options = { runOnly: { type: "tag", values: arguments[0] },
                                 resultTypes: ["violations"] };
               axe.run(document, options).then(
                 r => done({ violations: r.violations.map(v => ({
                   id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                   nodes: v.nodes.map(n => ({ target: n.target.map(String), html: n.html,
                                              summary: n.failureSummary || "" })) })) }),
                 e => done({ error: String(e) }));"#,
            vec![json!(TAGS)],
        )
        .await;
    if let Some(e) = answer.get("error") {
        panic!("axe-core failed: {e}");
    }
    answer["violations"]
        .as_array()
        .expect("axe-core's violations")
        .iter()
        .map(violation)
        .collect()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn violation(v: &Value) -> Violation {
    let nodes = v["nodes"].as_array().map(Vec::as_slice).unwrap_or_default();
    Violation {
        id: text(&v["id"]),
        impact: text(&v["impact"]),
        help: text(&v["help"]),
        help_url: text(&v["helpUrl"]),
        nodes: nodes
            .iter()
            .map(|n| Node {
                target: n["target"]
                    .as_array()
                    .map(|t| t.iter().map(text).collect())
                    .unwrap_or_default(),
                html: text(&n["html"]),
                summary: text(&n["summary"]),
            })
            .collect(),
    }
}

/// The violations written out for a developer who has to fix them: per rule its id, impact and
/// help, then each element's selector, HTML and what is wrong.
pub fn report(violations: &[Violation]) -> String {
    let mut out = String::new();
    for v in violations {
        out.push_str(&format!(
            "\n[{}] {} ({} element{}): {}\n  {}\n",
            v.impact,
            v.id,
            v.nodes.len(),
            if v.nodes.len() == 1 { "" } else { "s" },
            v.help,
            v.help_url
        ));
        for n in &v.nodes {
            out.push_str(&format!("  - {}\n    {}\n", n.target.join(" >>> "), n.html));
            for line in n.summary.lines() {
                out.push_str(&format!("      {line}\n"));
            }
        }
    }
    out
}

/// Fails the test when axe-core finds anything on the page as it is now; `what` names the view
/// in the message.
pub async fn assert_accessible(page: &Page, what: &str) {
    let found = violations(page).await;
    assert!(
        found.is_empty(),
        "axe-core finds {} WCAG 2.1 AA violation{} on {what}:{}",
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        report(&found)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_names_the_rule_the_element_and_the_fix() {
        let v = violation(&json!({
            "id": "label", "impact": "critical", "help": "Form elements must have labels",
            "helpUrl": "https://dequeuniversity.com/rules/axe/4.14/label",
            "nodes": [{ "target": ["#f-x"], "html": "<input id=\"f-x\">",
                        "summary": "Fix any of the following:\n  Element has no label" }]
        }));
        assert_eq!(v.nodes[0].target, ["#f-x"]);
        let text = report(&[v]);
        for part in [
            "[critical] label (1 element): Form elements must have labels",
            "- #f-x\n    <input id=\"f-x\">",
            "Element has no label",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
    }
}
