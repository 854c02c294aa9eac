//! The checks behind a string definition's `format`: each returns the problem's code and
//! message, or `None` when the text fits (or the format is one this editor does not check).

use crate::code::Code;
use crate::edm::{is_base64, is_date, is_date_time_offset, is_guid, is_time_of_day};

use super::definition::compile_pattern;
use super::StringFormat;

/// Why `text` is not in `format`, if it is not.
pub(crate) fn check(format: &StringFormat, text: &str) -> Option<(Code, &'static str)> {
    let (ok, code, what) = match format {
        StringFormat::Guid => {
            let bare = text
                .strip_prefix('{')
                .and_then(|t| t.strip_suffix('}'))
                .unwrap_or(text);
            (is_guid(bare), Code::InvalidGuid, "a GUID")
        }
        StringFormat::Base64 => (is_base64(text), Code::InvalidBase64, "base64"),
        StringFormat::Date => (is_date(text), Code::InvalidDate, "a date (YYYY-MM-DD)"),
        StringFormat::Time => (
            is_time_of_day(text),
            Code::InvalidTime,
            "a time of day (HH:MM:SS)",
        ),
        StringFormat::DateTime => (
            is_date_time_offset(text) || is_date_time_offset(&format!("{text}Z")),
            Code::InvalidDateTime,
            "a date and time (YYYY-MM-DDTHH:MM:SS)",
        ),
        StringFormat::Email => (is_email(text), Code::InvalidFormat, "an e-mail address"),
        StringFormat::Url => (is_url(text), Code::InvalidFormat, "a URL"),
        StringFormat::Ip => (is_ip(text), Code::InvalidFormat, "an IP address"),
        StringFormat::Version => (is_version(text), Code::InvalidFormat, "a version (1.2.3.4)"),
        StringFormat::Json => (
            serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok(),
            Code::InvalidFormat,
            "JSON",
        ),
        StringFormat::Xml => (
            is_well_formed_xml(text),
            Code::InvalidFormat,
            "well-formed XML",
        ),
        StringFormat::RegEx => (
            compile_pattern(text).is_ok(),
            Code::InvalidFormat,
            "a regular expression",
        ),
        StringFormat::None | StringFormat::Binary | StringFormat::Other(_) => return None,
    };
    (!ok).then_some((code, what))
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !s.chars().any(char::is_whitespace)
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// A scheme (`https:`, `ftp:`, `mailto:`), then something, and no white space.
fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(char::is_whitespace)
}

/// An IPv4 or IPv6 address, with an optional `/prefix`.
fn is_ip(s: &str) -> bool {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let max = match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => 32,
        Ok(std::net::IpAddr::V6(_)) => 128,
        Err(_) => return false,
    };
    prefix.is_none_or(|p| p.parse::<u8>().is_ok_and(|n| n <= max))
}

/// One to four dot-separated whole numbers.
fn is_version(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    (1..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 10 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Well-formed enough: every tag closed in order, one root element, comments, CDATA,
/// processing instructions and a DOCTYPE skipped. Entities and attribute syntax are not judged.
/// A loop with a stack of names, so depth costs memory, not call stack.
pub(crate) fn is_well_formed_xml(s: &str) -> bool {
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut rest = s;
    loop {
        let Some(lt) = rest.find('<') else {
            return stack.is_empty() && roots == 1 && rest.trim().is_empty();
        };
        if stack.is_empty() && !rest[..lt].trim().is_empty() {
            return false; // Text outside the root element.
        }
        rest = &rest[lt..];
        let skip = [
            ("<!--", "-->"),
            ("<![CDATA[", "]]>"),
            ("<?", "?>"),
            ("<!", ">"),
        ]
        .iter()
        .find(|(open, _)| rest.starts_with(open));
        if let Some((open, close)) = skip {
            if open == &"<![CDATA[" && stack.is_empty() {
                return false;
            }
            match rest[open.len()..].find(close) {
                Some(end) => rest = &rest[open.len() + end + close.len()..],
                None => return false,
            }
            continue;
        }
        let Some(gt) = tag_end(rest) else {
            return false;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop() != Some(name.trim()) {
                return false;
            }
        } else {
            let self_closing = tag.ends_with('/');
            let body = tag.strip_suffix('/').unwrap_or(tag);
            let name = body.split(|c: char| c.is_whitespace()).next().unwrap_or("");
            if name.is_empty()
                || !name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':')
            {
                return false;
            }
            if stack.is_empty() {
                roots += 1;
                if roots > 1 {
                    return false;
                }
            }
            if !self_closing {
                stack.push(name);
            }
        }
    }
}

/// Where a tag starting at `s[0] == '<'` ends, skipping `>` inside quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Some(i),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_accept_good_text_and_refuse_bad() {
        let cases: &[(StringFormat, &str, bool)] = &[
            (
                StringFormat::Guid,
                "6fd2d1c7-62c2-4f3f-9c8a-1b2c3d4e5f60",
                true,
            ),
            (
                StringFormat::Guid,
                "{6fd2d1c7-62c2-4f3f-9c8a-1b2c3d4e5f60}",
                true,
            ),
            (StringFormat::Guid, "6fd2d1c7", false),
            (StringFormat::Email, "admin@contoso.com", true),
            (StringFormat::Email, "admin@", false),
            (StringFormat::Email, "a b@c.d", false),
            (StringFormat::Url, "https://contoso.com/x", true),
            (StringFormat::Url, "contoso.com", false),
            (StringFormat::Ip, "10.0.0.1", true),
            (StringFormat::Ip, "10.0.0.0/8", true),
            (StringFormat::Ip, "fe80::1", true),
            (StringFormat::Ip, "10.0.0.256", false),
            (StringFormat::Ip, "10.0.0.0/33", false),
            (StringFormat::Version, "10.0.19041.1", true),
            (StringFormat::Version, "1.x", false),
            (StringFormat::Json, r#"{"a": [1]}"#, true),
            (StringFormat::Json, r#"{"a": "#, false),
            (
                StringFormat::Xml,
                r#"<?xml version="1.0"?><a x="1>2"><b/><!-- c --><c>t</c></a>"#,
                true,
            ),
            (StringFormat::Xml, "<a><b></a></b>", false),
            (StringFormat::Xml, "<a></a><b></b>", false),
            (StringFormat::Xml, "text", false),
            (StringFormat::Xml, "<a>", false),
            (StringFormat::Xml, "<a></a>tail", false),
            (StringFormat::RegEx, "^[a-z]+$", true),
            (StringFormat::RegEx, "([a-z]", false),
            (StringFormat::Date, "2025-02-28", true),
            (StringFormat::Date, "2025-02-30", false),
            (StringFormat::Time, "23:59:00", true),
            (StringFormat::Time, "24:00:00", false),
            (StringFormat::DateTime, "2025-01-01T10:00:00Z", true),
            (StringFormat::DateTime, "2025-01-01T10:00:00", true),
            (StringFormat::DateTime, "2025-01-01", false),
            (StringFormat::Base64, "aGVsbG8=", true),
            (StringFormat::Base64, "not base64!", false),
            (StringFormat::Other("bashScript".into()), "anything", true),
        ];
        for (format, text, ok) in cases {
            assert_eq!(check(format, text).is_none(), *ok, "{format:?} {text:?}");
        }
    }
}
