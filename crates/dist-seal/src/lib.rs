//! The last step of every build (Trunk's `post_build` hook, see `Trunk.toml`), on the staged
//! `dist/`:
//!
//! - `index.html` gets a `Content-Security-Policy` meta tag as strict as static hosting allows:
//!   scripts only from the app's own origin plus the hashes of the inline scripts Trunk and we
//!   wrote (so an injected `<script>` or `on…=` attribute never runs), WebAssembly compilation,
//!   styles only from the inline stylesheet's hash, no plugins, no `<base>`, no form posts, and
//!   connections only to https hosts and this machine (a user may type any https Graph base).
//!   `frame-ancestors` cannot be set from a meta tag: the README's hosting section asks the host
//!   for it as a header.
//! - `sw.js` gets the list of the build's own files, the only files (with the schema files) the
//!   service worker caches: never `config.json`, the sign-in bridge or a page with a query.
//! - the lazily loaded modules' folders (`catalog/`, `home/`) are renamed by their content
//!   (`catalog-<hash>/`), so a host may cache them for good and a new build never meets an old
//!   module; `index.html` names them in `<meta name="app-modules">`, where the page and its
//!   inline scripts look them up;
//! - `index.html` loses its comments first (HTML comments, CSS comments in its stylesheet,
//!   whole-line `//` comments in its inline scripts): they are for this repository's readers,
//!   and every byte of the page is in every first load.

use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256};

/// Where `sw.js` receives the build's file list.
pub const SW_MARKER: &str = "/* APP_FILES */ []";

/// Files of the build the service worker must never cache: the host's settings (a sign-in
/// configuration, the sandbox's fresh demo token), the sign-in bridge (it carries an
/// authorization response), the worker itself, and the schema files (cached by pattern).
const NOT_APP_FILES: &[&str] = &[
    "config.json",
    "sw.js",
    "redirect.html",
    "redirect.js",
    "msal-redirect-bridge.min.js",
];

/// `'sha256-…'`, the CSP source of an inline element whose text is `text`.
pub fn hash_source(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The text of every inline `<tag>` element (for scripts: those without `src`).
pub fn inline_elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find(&open) {
        let start = at + i;
        let Some(gt) = lower[start..].find('>') else {
            break;
        };
        let attrs = &lower[start + open.len()..start + gt];
        // `<scripts`, `<styled-…>`: another element whose name starts the same.
        if !attrs.is_empty() && !attrs.starts_with(|c: char| c.is_whitespace()) {
            at = start + gt + 1;
            continue;
        }
        let body = start + gt + 1;
        let Some(end) = lower[body..].find(&close) else {
            break;
        };
        if !attrs.contains("src=") {
            out.push(&html[body..body + end]);
        }
        at = body + end + close.len();
    }
    out
}

/// `css` without its `/* … */` comments (strings kept as they are, a comment inside one
/// included).
pub fn strip_css_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' | '\'' => {
                out.push(c);
                let mut escaped = false;
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == c {
                        break;
                    }
                }
            }
            '/' if css[i..].starts_with("/*") => {
                let end = css[i + 2..].find("*/").map_or(css.len(), |e| i + 2 + e + 2);
                while chars.peek().is_some_and(|&(j, _)| j < end) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    // The lines a comment filled go too.
    out.lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `js` without the lines that hold only a `//` comment.
pub fn strip_js_comment_lines(js: &str) -> String {
    js.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `html` without comments: HTML comments outside its inline scripts and styles, and the
/// comments inside those ([`strip_css_comments`], [`strip_js_comment_lines`]).
pub fn strip_comments(html: &str) -> String {
    // The inline elements' bodies, in document order, with what replaces each.
    let mut bodies: Vec<(usize, usize, String)> = Vec::new();
    for (tag, strip) in [
        ("style", strip_css_comments as fn(&str) -> String),
        ("script", strip_js_comment_lines),
    ] {
        for body in inline_elements(html, tag) {
            let start = body.as_ptr() as usize - html.as_ptr() as usize;
            bodies.push((start, start + body.len(), strip(body)));
        }
    }
    bodies.sort_by_key(|b| b.0);
    let strip_html = |text: &str| {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("<!--") {
            out.push_str(&rest[..i]);
            match rest[i..].find("-->") {
                Some(e) => rest = rest[i + e + 3..].trim_start_matches([' ', '\n']),
                None => {
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    };
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for (start, end, text) in bodies {
        out.push_str(&strip_html(&html[at..start]));
        out.push_str(&text);
        at = end;
    }
    out.push_str(&strip_html(&html[at..]));
    out
}

/// The policy for a page with these inline scripts and styles.
pub fn policy(scripts: &[&str], styles: &[&str]) -> String {
    let hashes = |items: &[&str]| {
        items
            .iter()
            .map(|t| hash_source(t))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut script_src = "'self' 'wasm-unsafe-eval'".to_string();
    if !scripts.is_empty() {
        script_src.push(' ');
        script_src.push_str(&hashes(scripts));
    }
    let style_src = if styles.is_empty() {
        "'self'".to_string()
    } else {
        format!("'self' {}", hashes(styles))
    };
    [
        "default-src 'self'".to_string(),
        format!("script-src {script_src}"),
        format!("style-src {style_src}"),
        "img-src 'self' data:".to_string(),
        // Any https Graph base or sign-in host the user may choose, and this machine for the
        // sandbox (CSP cannot name an IPv6 literal, so [::1] is out; 127.0.0.1 and localhost
        // are in).
        "connect-src 'self' https: http://localhost:* http://127.0.0.1:*".to_string(),
        // MSAL.js renews tokens in a hidden frame of the sign-in host, which comes back to the
        // redirect page on this origin.
        "frame-src 'self' https:".to_string(),
        "worker-src 'self'".to_string(),
        "object-src 'none'".to_string(),
        "base-uri 'none'".to_string(),
        "form-action 'none'".to_string(),
    ]
    .join("; ")
}

/// `html` with `policy` as its first `<head>` child (replacing a policy written before).
pub fn with_policy(html: &str, policy: &str) -> Result<String, String> {
    with_head_meta(
        html,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"",
        policy,
        "index.html has an unterminated policy",
    )
}

/// `html` with the meta element that starts with `meta_start` (up to its `content="`) holding
/// `content`, as the first `<head>` child, in place of an earlier one; `unterminated` is the
/// error for an earlier one without its end.
fn with_head_meta(
    html: &str,
    meta_start: &str,
    content: &str,
    unterminated: &str,
) -> Result<String, String> {
    let mut html = html.to_string();
    if let Some(i) = html.find(meta_start) {
        let end = html[i..].find("\">").ok_or(unterminated)?;
        let from = if html[..i].ends_with("\n  ") {
            i - 3
        } else {
            i
        };
        html.replace_range(from..i + end + 2, "");
    }
    let head = html
        .to_ascii_lowercase()
        .find("<head>")
        .ok_or("index.html has no <head>")?;
    let at = head + "<head>".len();
    html.insert_str(at, &format!("\n  {meta_start}{content}\">"));
    Ok(html)
}

/// The lazily loaded modules, each built into a folder of this name (scripts/build-modules.sh).
pub const MODULES: [&str; 2] = ["catalog", "home"];

/// The `<meta>` that names the modules' folders for the page.
const MODULES_META: &str = "<meta name=\"app-modules\" content=\"";

/// A short hash of every file below `dir` (names and contents, in name order).
fn content_hash(dir: &Path) -> Result<String, String> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let path = entry.map_err(|e| format!("{}: {e}", d.display()))?.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut hash = Sha256::new();
    for f in &files {
        let rel = f.strip_prefix(dir).map_err(|e| e.to_string())?;
        hash.update(rel.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update(std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?);
        hash.update([0]);
    }
    Ok(hash
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Renames each module's folder below `dir` by its content (`home` → `home-<16 hex>`; one
/// renamed already stays) and returns the folders' names.
pub fn name_modules(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for name in MODULES {
        let plain = dir.join(name);
        if plain.is_dir() {
            let named = format!("{name}-{}", content_hash(&plain)?);
            let to = dir.join(&named);
            if to.exists() {
                std::fs::remove_dir_all(&to).map_err(|e| format!("{}: {e}", to.display()))?;
            }
            std::fs::rename(&plain, &to).map_err(|e| format!("{}: {e}", plain.display()))?;
        }
        for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let file_name = entry.map_err(|e| e.to_string())?.file_name();
            let file_name = file_name.to_string_lossy();
            let hashed = file_name
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()));
            if hashed {
                out.push(file_name.into_owned());
            }
        }
    }
    Ok(out)
}

/// `html` with `<meta name="app-modules" content="catalog-… home-…">` right after `<head>`
/// (in place of an earlier one).
pub fn with_modules(html: &str, folders: &[String]) -> Result<String, String> {
    with_head_meta(
        html,
        MODULES_META,
        &folders.join(" "),
        "index.html has an unterminated app-modules",
    )
}

/// The build's own files below `dir` (paths relative to it, `/`-separated, sorted), which the
/// service worker may cache.
pub fn app_files(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", d.display()))?;
            let path = entry.path();
            let rel = path
                .strip_prefix(dir)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if rel != "schema" {
                    todo.push(path);
                }
            } else if !NOT_APP_FILES.contains(&rel.as_str()) {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `sw` with the file list in place of [`SW_MARKER`].
pub fn with_app_files(sw: &str, files: &[String]) -> Result<String, String> {
    if !sw.contains(SW_MARKER) {
        return Err(format!("sw.js has no {SW_MARKER} to fill"));
    }
    let list = serde_json::to_string(files).map_err(|e| e.to_string())?;
    Ok(sw.replacen(SW_MARKER, &list, 1))
}

/// Seals a staged build: the policy into `index.html`, the file list into `sw.js`. Returns how
/// many files the list holds.
pub fn seal(dir: &Path) -> Result<usize, String> {
    let index = dir.join("index.html");
    let html = std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let html = strip_comments(&html);
    let html = with_modules(&html, &name_modules(dir)?)?;
    let p = policy(
        &inline_elements(&html, "script"),
        &inline_elements(&html, "style"),
    );
    let sealed = with_policy(&html, &p)?;
    std::fs::write(&index, sealed).map_err(|e| format!("{}: {e}", index.display()))?;
    let files = app_files(dir)?;
    let sw_path = dir.join("sw.js");
    let sw =
        std::fs::read_to_string(&sw_path).map_err(|e| format!("{}: {e}", sw_path.display()))?;
    std::fs::write(&sw_path, with_app_files(&sw, &files)?)
        .map_err(|e| format!("{}: {e}", sw_path.display()))?;
    Ok(files.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!doctype html><html><head><style>body{}</style>\n<script type=\"module\">import init from './a.js';init();</script><script src=\"x.js\"></script><scripts>no</scripts></head><body><script>\nvar a = 1;\n</script></body></html>";

    #[test]
    fn modules_are_named_by_their_content_and_the_page_told() {
        let dir = std::env::temp_dir().join(format!("dist-seal-modules-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home")).unwrap();
        std::fs::create_dir_all(dir.join("catalog")).unwrap();
        std::fs::write(dir.join("home/boot.js"), "a").unwrap();
        std::fs::write(dir.join("catalog/boot.js"), "b").unwrap();
        let first = name_modules(&dir).unwrap();
        assert_eq!(first.len(), 2, "{first:?}");
        assert!(first[0].starts_with("catalog-") && first[1].starts_with("home-"));
        assert!(!dir.join("home").exists() && dir.join(&first[1]).join("boot.js").is_file());
        // Again: the named folders stay; another content, another name.
        assert_eq!(name_modules(&dir).unwrap(), first);
        std::fs::remove_dir_all(dir.join(&first[1])).unwrap();
        std::fs::create_dir_all(dir.join("home")).unwrap();
        std::fs::write(dir.join("home/boot.js"), "c").unwrap();
        let second = name_modules(&dir).unwrap();
        assert_ne!(second[1], first[1]);
        let html = with_modules("<html><head><title>x</title></head></html>", &second).unwrap();
        let html = with_modules(&html, &second).unwrap();
        assert_eq!(html.matches("app-modules").count(), 1, "{html}");
        assert!(
            html.contains(&format!("content=\"{} {}\"", second[0], second[1])),
            "{html}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn comments_go_and_code_stays() {
        assert_eq!(
            strip_css_comments("/* a */\nbody { color: red; } /* b */\n\n/* c\n d */\np::before { content: \"/* not a comment */\"; }"),
            "body { color: red; } \np::before { content: \"/* not a comment */\"; }"
        );
        assert_eq!(
            strip_css_comments("a { b: 'x\\'/*y*/' }"),
            "a { b: 'x\\'/*y*/' }"
        );
        assert_eq!(strip_css_comments("a{}/* unterminated"), "a{}");
        assert_eq!(
            strip_js_comment_lines("  // says why\n  var u = 'http://x'; // kept\n//\nf();"),
            "  var u = 'http://x'; // kept\nf();"
        );
        let page = "<!doctype html><head><!-- note -->\n  <style>/* c */\nb{}</style><script>\n// why\nvar a = '<!-- x -->';\n</script><script src=\"x.js\">// kept</script></head><body><!-- end --></body>";
        let stripped = strip_comments(page);
        assert_eq!(
            stripped,
            "<!doctype html><head><style>b{}</style><script>\nvar a = '<!-- x -->';</script><script src=\"x.js\">// kept</script></head><body></body>"
        );
        // What is hashed is what is served.
        assert_eq!(
            inline_elements(&stripped, "script"),
            ["\nvar a = '<!-- x -->';"]
        );
    }

    #[test]
    fn hashes_are_the_csp_sha256_of_the_exact_text() {
        // sha256("") in base64, as browsers compute it for an empty inline script.
        assert_eq!(
            hash_source(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
        assert_eq!(
            inline_elements(PAGE, "script"),
            vec!["import init from './a.js';init();", "\nvar a = 1;\n"]
        );
        assert_eq!(inline_elements(PAGE, "style"), vec!["body{}"]);
    }

    #[test]
    fn the_policy_allows_the_page_and_nothing_injected() {
        let p = policy(
            &inline_elements(PAGE, "script"),
            &inline_elements(PAGE, "style"),
        );
        for part in [
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-src 'self' https:",
            "connect-src 'self' https: http://localhost:* http://127.0.0.1:*",
        ] {
            assert!(p.contains(part), "{part} in {p}");
        }
        assert!(!p.contains("unsafe-inline"), "{p}");
        assert_eq!(p.matches("'sha256-").count(), 3, "{p}");
        let sealed = with_policy(PAGE, &p).unwrap();
        assert!(sealed.starts_with(
            "<!doctype html><html><head>\n  <meta http-equiv=\"Content-Security-Policy\""
        ));
        // Sealing twice leaves one policy.
        let again = with_policy(&sealed, &p).unwrap();
        assert_eq!(again.matches("Content-Security-Policy").count(), 1);
        assert_eq!(again, sealed);
        assert!(with_policy("<html></html>", &p).is_err());
    }

    #[test]
    fn the_worker_list_leaves_out_settings_sign_in_and_schema() {
        let dir = std::env::temp_dir().join(format!("dist-seal-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("schema/beta")).unwrap();
        for f in [
            "index.html",
            "config.json",
            "sw.js",
            "redirect.html",
            "redirect.js",
            "msal-redirect-bridge.min.js",
            "msal-browser.min.js",
            "intune-editor-1a.js",
            "intune-editor-1a_bg.wasm",
            "schema/beta.json",
            "schema/beta/x.json",
        ] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let files = app_files(&dir).unwrap();
        assert_eq!(
            files,
            [
                "index.html",
                "intune-editor-1a.js",
                "intune-editor-1a_bg.wasm",
                "msal-browser.min.js"
            ]
        );
        let sw = with_app_files("const APP_FILES = /* APP_FILES */ [];", &files).unwrap();
        assert!(sw.starts_with("const APP_FILES = [\"index.html\","), "{sw}");
        assert!(with_app_files("nothing", &files).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
