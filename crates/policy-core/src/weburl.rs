//! A strict reader of the absolute `http(s)` URLs a token may travel to: the Graph base the
//! user chose and every URL requested under it (including a Graph answer's `@odata.nextLink`).
//!
//! It accepts a deliberately small language: `scheme://host[:port][/path][?query]` with an
//! ASCII host name (letters, digits, `-`, `.`), a canonical dotted IPv4 address or a bracketed
//! IPv6 address, and no user info, backslash, white space, control character, `%` in the host
//! or dot segment (`.`, `..`, `%2e%2e`, …) in the path. Anything else is refused, so whatever it
//! accepts means the same to the browser's WHATWG URL parser: the same origin, and a path with
//! the same segments. The tests hold it to that with the `url` crate as the reference.
//!
//! Why not the `url` crate itself: its IDNA tables add tens of KB to the app's download, and
//! the editor needs no more than this: a URL outside this language is simply not one the token
//! goes to.

use std::net::{Ipv4Addr, Ipv6Addr};

/// `http` or `https`; nothing else carries a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// The host of a URL, as the browser will resolve it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// A DNS name, ASCII lower case, without a trailing dot.
    Name(String),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

impl Host {
    /// `localhost`, 127.0.0.0/8 or `::1`: addresses that never leave the machine. Decided on
    /// the parsed address, so `127.evil.example` is a name like any other.
    pub fn is_loopback(&self) -> bool {
        match self {
            Host::Name(n) => n == "localhost",
            Host::Ipv4(ip) => ip.is_loopback(),
            Host::Ipv6(ip) => ip.is_loopback(),
        }
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Name(n) => f.write_str(n),
            Host::Ipv4(ip) => write!(f, "{ip}"),
            Host::Ipv6(ip) => write!(f, "[{ip}]"),
        }
    }
}

/// Why a URL is not in the accepted language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("it must start with https:// (or http:// for this machine)")]
    Scheme,
    #[error("it contains a space, a control character or a backslash")]
    Character,
    #[error("it has no host")]
    NoHost,
    #[error("it contains user information (an @ before the host)")]
    UserInfo,
    #[error("its host is not a plain host name or IP address (letters, digits, '-' and '.')")]
    Host,
    #[error("its port is not a number from 1 to 65535")]
    Port,
    #[error("its path contains a '.' or '..' segment, an empty segment or a bad %-escape")]
    Path,
    #[error("it has a fragment (#)")]
    Fragment,
}

/// An absolute URL in the accepted language, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrictUrl<'a> {
    pub scheme: Scheme,
    pub host: Host,
    /// The port as written, if any (`:443` on https is the same origin as none).
    pub port: Option<u16>,
    /// Empty, or `/` followed by segments; case and %-escapes as written.
    pub path: &'a str,
    pub query: Option<&'a str>,
}

impl StrictUrl<'_> {
    /// The port requests go to.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(self.scheme.default_port())
    }

    /// Same scheme, host and port: the browser's idea of one origin.
    pub fn same_origin(&self, other: &StrictUrl<'_>) -> bool {
        self.scheme == other.scheme
            && self.host == other.host
            && self.effective_port() == other.effective_port()
    }
}

/// True for a path segment the WHATWG parser treats as `.` or `..`.
fn is_dot_segment(seg: &str) -> bool {
    let lower = seg.to_ascii_lowercase();
    let rest = lower.replace("%2e", ".");
    rest == "." || rest == ".."
}

/// Every `%` starts a two-digit hex escape.
fn escapes_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// The WHATWG "ends in a number" rule: such a host is read as an IPv4 address, in forms
/// (`127.1`, `0x7f.1`, `010.0.0.1`) that only a canonical dotted quad is safe to accept.
fn ends_in_number(host: &str) -> bool {
    let last = host.rsplit('.').next().unwrap_or("");
    !last.is_empty()
        && (last.bytes().all(|b| b.is_ascii_digit())
            || ((last.starts_with("0x") || last.starts_with("0X"))
                && last[2..].bytes().all(|b| b.is_ascii_hexdigit())))
}

fn parse_host(text: &str) -> Result<Host, UrlError> {
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(UrlError::Host)?;
        return inner
            .parse::<Ipv6Addr>()
            .map(Host::Ipv6)
            .map_err(|_| UrlError::Host);
    }
    if text.is_empty() {
        return Err(UrlError::NoHost);
    }
    if text.len() > 253
        || !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        || text.split('.').any(|l| l.is_empty() || l.len() > 63)
    {
        return Err(UrlError::Host);
    }
    let lower = text.to_ascii_lowercase();
    if ends_in_number(&lower) {
        // std's parser takes exactly four decimal octets without leading zeros.
        return lower
            .parse::<Ipv4Addr>()
            .map(Host::Ipv4)
            .map_err(|_| UrlError::Host);
    }
    Ok(Host::Name(lower))
}

/// Reads `url` in the accepted language (see the module's documentation).
pub fn parse(url: &str) -> Result<StrictUrl<'_>, UrlError> {
    let (scheme, rest) = url.split_once("://").ok_or(UrlError::Scheme)?;
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        Scheme::Https
    } else if scheme.eq_ignore_ascii_case("http") {
        Scheme::Http
    } else {
        return Err(UrlError::Scheme);
    };
    // The WHATWG parser drops tabs and newlines anywhere, trims spaces and controls at the
    // ends, and reads a backslash as a slash: none of them may change what is compared here.
    if rest
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Err(UrlError::Character);
    }
    if rest.contains('#') {
        return Err(UrlError::Fragment);
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(end);
    if authority.is_empty() {
        return Err(UrlError::NoHost);
    }
    if authority.contains('@') {
        return Err(UrlError::UserInfo);
    }
    if !authority.is_ascii() || authority.contains('%') {
        return Err(UrlError::Host);
    }
    let (host_text, port_text) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(i) => {
                let (h, p) = authority.split_at(i + 1);
                match p {
                    "" => (h, None),
                    p => (h, Some(p.strip_prefix(':').ok_or(UrlError::Host)?)),
                }
            }
            None => return Err(UrlError::Host),
        }
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let host = parse_host(host_text)?;
    let port = match port_text {
        None => None,
        Some(p) => {
            if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(UrlError::Port);
            }
            match p.parse::<u16>() {
                Ok(n) if n > 0 => Some(n),
                _ => return Err(UrlError::Port),
            }
        }
    };
    let (path, query) = match after.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (after, None),
    };
    if !escapes_ok(path) {
        return Err(UrlError::Path);
    }
    if !path.is_empty() {
        let segments: Vec<&str> = path[1..].split('/').collect();
        let last = segments.len() - 1;
        for (i, seg) in segments.iter().enumerate() {
            // One trailing slash is allowed; an empty segment elsewhere (`//`) is not.
            if (seg.is_empty() && i != last) || is_dot_segment(seg) {
                return Err(UrlError::Path);
            }
        }
    }
    Ok(StrictUrl {
        scheme,
        host,
        port,
        path,
        query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_decided_on_the_parsed_address() {
        for (url, local) in [
            ("http://127.0.0.1:8080", true),
            ("http://127.255.1.2", true),
            ("http://localhost:1", true),
            ("http://[::1]:8080", true),
            ("http://LOCALHOST", true),
            ("http://127.evil.example", false),
            ("http://localhost.evil.example", false),
            ("http://[::2]", false),
            ("http://128.0.0.1", false),
        ] {
            assert_eq!(parse(url).unwrap().host.is_loopback(), local, "{url}");
        }
        for refused in [
            "http://127.1",
            "http://0x7f.0.0.1",
            "http://127.0.0.01",
            "http://2130706433",
            "http://127.0.0.1.",
            "http://localhost.",
        ] {
            assert!(parse(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn refused_shapes() {
        for (url, why) in [
            ("ftp://x", UrlError::Scheme),
            ("https:/x", UrlError::Scheme),
            ("https://", UrlError::NoHost),
            ("https://a b", UrlError::Character),
            ("https://a\\b", UrlError::Character),
            ("https://u@h", UrlError::UserInfo),
            ("https://h%2eexample", UrlError::Host),
            ("https://h\u{ff0e}example", UrlError::Host),
            ("https://graph.microsoft.co\u{e9}/beta", UrlError::Host),
            ("https://h:", UrlError::Port),
            ("https://h:0", UrlError::Port),
            ("https://h:65536", UrlError::Port),
            ("https://h/a/../b", UrlError::Path),
            ("https://h/a/%2E%2e/b", UrlError::Path),
            ("https://h/a/.%2e", UrlError::Path),
            ("https://h//b", UrlError::Path),
            ("https://h/%zz", UrlError::Path),
            ("https://h/a#f", UrlError::Fragment),
        ] {
            assert_eq!(parse(url), Err(why), "{url}");
        }
    }

    #[test]
    fn parts() {
        let u = parse("HTTPS://Graph.Microsoft.com:443/beta/x?$top=1&a=é").unwrap();
        assert_eq!(u.scheme, Scheme::Https);
        assert_eq!(u.host, Host::Name("graph.microsoft.com".into()));
        assert_eq!(u.effective_port(), 443);
        assert_eq!(u.path, "/beta/x");
        assert_eq!(u.query, Some("$top=1&a=é"));
        assert!(u.same_origin(&parse("https://graph.microsoft.com").unwrap()));
    }
}
