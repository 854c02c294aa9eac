//! A request as the review shows it, and the same request as a command to paste into a shell:
//! `curl` for POSIX shells and `Invoke-MgGraphRequest` for PowerShell. Every URL, header and
//! body is quoted for its shell so that it stays exactly one argument whatever it holds: a
//! copied command can never run anything but the request. The token is never written out.

/// What a request carries, for the review screen and the "copy as" commands.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestPreview {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    /// The request sent right after this one, if any (an intent's `updateSettings` after the
    /// PATCH of its own properties): shown and copied after it.
    pub then: Option<Box<RequestPreview>>,
}

/// `s` as one word of a POSIX shell: inside single quotes nothing is special, and a single
/// quote itself is closed, escaped and reopened (`'\''`).
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `s` as one PowerShell single-quoted string. PowerShell also closes such a string on the
/// typographic single quotes (U+2018, U+2019, U+201A, U+201B), so each of them is doubled like
/// the ASCII one; nothing else (`$`, backtick, newline) is special inside.
pub fn ps_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

impl RequestPreview {
    /// A curl command with the token left to the shell (`$TOKEN`, outside the quotes so the
    /// shell expands it), never written out.
    pub fn to_curl(&self) -> String {
        let mut out = format!("curl -X {} {}", self.method, sh_quote(&self.url));
        for (k, v) in &self.headers {
            if *k == "Authorization" {
                out.push_str(" \\\n  -H \"Authorization: Bearer $TOKEN\"");
            } else {
                out.push_str(&format!(" \\\n  -H {}", sh_quote(&format!("{k}: {v}"))));
            }
        }
        if !self.body.is_empty() {
            out.push_str(&format!(" \\\n  --data-binary {}", sh_quote(&self.body)));
        }
        if let Some(next) = &self.then {
            out.push('\n');
            out.push_str(&next.to_curl());
        }
        out
    }

    /// The request as the review shows it: the method and URL, the headers, a blank line and the
    /// body; then the next request, if any, after another blank line.
    pub fn text(&self) -> String {
        let mut out = format!("{} {}", self.method, self.url);
        for (k, v) in &self.headers {
            out.push_str(&format!("\n{k}: {v}"));
        }
        out.push_str("\n\n");
        out.push_str(&self.body);
        if let Some(next) = &self.then {
            out.push_str("\n\n");
            out.push_str(&next.text());
        }
        out
    }

    /// The same request for the Microsoft Graph PowerShell SDK, which brings its own token.
    pub fn to_powershell(&self) -> String {
        let mut out = String::new();
        if !self.body.is_empty() {
            out.push_str(&format!("$body = {}\n", ps_quote(&self.body)));
        }
        out.push_str(&format!(
            "Invoke-MgGraphRequest -Method {} -Uri {}",
            self.method,
            ps_quote(&self.url)
        ));
        if !self.body.is_empty() {
            out.push_str(" -Body $body -ContentType 'application/json'");
        }
        if let Some(next) = &self.then {
            out.push('\n');
            out.push_str(&next.to_powershell());
        }
        out
    }
}
