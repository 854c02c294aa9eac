//! Who may talk to the sandbox, checked before any route runs ([`crate::envelope`]):
//!
//! - **Host** (against DNS rebinding): only `localhost`, `127.0.0.0/8` or `[::1]`, parsed as
//!   addresses, with the port the sandbox listens on. A page on `evil.example` whose name later
//!   resolves to 127.0.0.1 still sends `Host: evil.example:PORT`, and is refused.
//! - **Origin** (CORS): the sandbox's own origins (`http://HOST:PORT`, and the loopback names
//!   of the same port) and the ones configured with `--allow-origin`. A request from any other
//!   origin is refused and gets no CORS headers, so a browser lets no page read it.
//! - **Control secret**: every `/_sandbox/*` route wants the header `x-sandbox-secret` with the
//!   per-run secret ([`generate_secret`], or `--secret` / `SANDBOX_SECRET`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use axum::http::{header, HeaderMap, StatusCode, Uri};

use crate::reply::{shorten, Failure};

/// The request header that carries the control secret.
pub const SECRET_HEADER: &str = "x-sandbox-secret";
/// The environment variable the command line reads the secret from (`--secret` wins).
pub const SECRET_ENV: &str = "SANDBOX_SECRET";
/// The path prefix of the control routes.
pub const CONTROL_PREFIX: &str = "/_sandbox";
/// The shortest secret accepted from `--secret` or `SANDBOX_SECRET`.
pub const MIN_SECRET_CHARS: usize = 16;
/// The longest secret accepted.
pub const MAX_SECRET_CHARS: usize = 256;

/// A fresh secret: 32 hexadecimal characters from the operating system's random source (a
/// version-4 UUID: 122 random bits).
pub fn generate_secret() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Checks a secret given by the user: 16 to 256 visible ASCII characters, no spaces (it has to
/// travel in a header and be typed into curl).
pub fn check_secret(secret: &str) -> Result<(), String> {
    let chars = secret.chars().count();
    if !(MIN_SECRET_CHARS..=MAX_SECRET_CHARS).contains(&chars) {
        return Err(format!(
            "the control secret must be {MIN_SECRET_CHARS} to {MAX_SECRET_CHARS} characters long (it has {chars})"
        ));
    }
    if !secret.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(
            "the control secret must be visible ASCII characters without spaces".to_string(),
        );
    }
    Ok(())
}

/// Compares without stopping at the first difference, so the time taken does not tell how
/// much of a guess was right.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    if given.len() != expected.len() {
        return false;
    }
    given
        .iter()
        .zip(expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// True for a path the control secret guards: `/_sandbox` and everything under it.
pub fn is_control_path(path: &str) -> bool {
    path == CONTROL_PREFIX
        || path
            .strip_prefix(CONTROL_PREFIX)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The 403 for a control request without the right `x-sandbox-secret`.
pub fn check_control_secret(headers: &HeaderMap, secret: &str) -> Result<(), Failure> {
    let mut given = headers.get_all(SECRET_HEADER).iter();
    let ok = match (given.next(), given.next()) {
        (Some(v), None) => same_secret(v.as_bytes(), secret.as_bytes()),
        _ => false,
    };
    if ok {
        return Ok(());
    }
    Err(Failure::new(
        StatusCode::FORBIDDEN,
        "Forbidden",
        format!(
            "The /_sandbox/ control endpoints need the header {SECRET_HEADER} with this run's control secret (graph-sandbox prints it at start as \"control secret: ...\")."
        ),
    ))
}

/// True for the host names that never leave this machine: `localhost`, an IPv4 address in
/// 127.0.0.0/8 and `::1` (bare or in brackets). Addresses are parsed, never matched by prefix:
/// `127.evil.example` is not loopback.
pub fn is_loopback_name(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Splits a `Host` value (or a URL's authority) into host and port: `name[:port]`,
/// `a.b.c.d[:port]`, `[v6][:port]`. `None` for anything else (user info, a bare IPv6 address,
/// an empty or non-numeric port).
pub fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (host, rest) = authority.split_at(end + 1);
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() || (!host.starts_with('[') && host.contains(':')) {
        return None;
    }
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        Some(_) => return None,
    };
    Some((host, port))
}

/// An origin written the way browsers send it: lower-case scheme and host, no default port
/// (`:80` for http, `:443` for https), no path. `None` when `text` is not `http(s)://host[:port]`
/// (an optional trailing `/` is dropped).
pub fn normalize_origin(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#', '\\']) || !authority.is_ascii() {
        return None;
    }
    let (host, port) = split_host_port(authority)?;
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b".-[]:".contains(&b))
    {
        return None;
    }
    let host = host.to_ascii_lowercase();
    Some(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// Where the sandbox is reached: the origins it calls its own and the port a `Host` must name.
#[derive(Debug, Clone)]
pub struct Site {
    port: u16,
    own_origins: Vec<String>,
}

impl Site {
    /// The site of a listener bound to `addr`: `http://ADDR`, and for a loopback address also
    /// `http://localhost:PORT`, `http://127.0.0.1:PORT` and `http://[::1]:PORT`.
    pub fn new(addr: SocketAddr) -> Site {
        let port = addr.port();
        let mut own_origins = vec![format!("http://{addr}")];
        if addr.ip().is_loopback() {
            for ip in [
                "localhost".to_string(),
                Ipv4Addr::LOCALHOST.to_string(),
                format!("[{}]", Ipv6Addr::LOCALHOST),
            ] {
                own_origins.push(format!("http://{ip}:{port}"));
            }
        }
        let mut unique: Vec<String> = Vec::new();
        for origin in own_origins.iter().filter_map(|o| normalize_origin(o)) {
            if !unique.contains(&origin) {
                unique.push(origin);
            }
        }
        Site {
            port,
            own_origins: unique,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The sandbox's own origins, as browsers write them.
    pub fn own_origins(&self) -> &[String] {
        &self.own_origins
    }

    /// True for `http://` and a host this site accepts ([`Site::accepts_authority`]): its own
    /// origins, and any other loopback name of its port (`http://127.0.0.2:PORT`). `origin` is
    /// as browsers write it ([`normalize_origin`]).
    pub fn is_own_origin(&self, origin: &str) -> bool {
        self.own_origins.iter().any(|o| o == origin)
            || origin
                .strip_prefix("http://")
                .is_some_and(|authority| self.accepts_authority(authority))
    }

    /// True when `authority` (a `Host` value) names a loopback host and this site's port (no
    /// port counts as 80).
    pub fn accepts_authority(&self, authority: &str) -> bool {
        split_host_port(authority)
            .is_some_and(|(host, port)| is_loopback_name(host) && port.unwrap_or(80) == self.port)
    }

    /// The 421 for a request whose `Host` (or absolute URI) names another host or port, or that
    /// has no `Host` (or several).
    pub fn check_host(&self, uri: &Uri, headers: &HeaderMap) -> Result<(), Failure> {
        let mut hosts = headers.get_all(header::HOST).iter();
        let host = match (hosts.next(), hosts.next()) {
            (Some(h), None) => h.to_str().ok(),
            _ => None,
        };
        let from_uri = uri.authority().map(|a| a.as_str());
        let ok = host.is_some_and(|h| self.accepts_authority(h))
            && from_uri.is_none_or(|a| self.accepts_authority(a));
        if ok {
            return Ok(());
        }
        let shown = match host {
            Some(h) => format!("{:?}", shorten(h, 100)),
            None if headers.contains_key(header::HOST) => "unreadable or repeated".to_string(),
            None => "missing".to_string(),
        };
        Err(Failure::new(
            StatusCode::MISDIRECTED_REQUEST,
            "MisdirectedRequest",
            format!(
                "This local sandbox answers only requests addressed to http://localhost:{port}, http://127.0.0.1:{port} or http://[::1]:{port}; the Host header is {shown}. (Other host names are refused so that no web page can reach it through DNS rebinding.)",
                port = self.port
            ),
        ))
    }
}

/// The 403 for a request (or preflight) from an origin the sandbox does not allow.
pub fn refused_origin(origin: &str) -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        "Forbidden",
        format!(
            "Requests from the origin {:?} are refused: the sandbox answers its own origin and those given with --allow-origin.",
            shorten(origin, 100)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_are_parsed_not_prefixed() {
        for yes in [
            "localhost",
            "LocalHost",
            "127.0.0.1",
            "127.255.0.9",
            "[::1]",
            "::1",
        ] {
            assert!(is_loopback_name(yes), "{yes}");
        }
        for no in [
            "127.evil.example",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "evil.example",
            "127.1",
            "0177.0.0.1",
            "128.0.0.1",
            "0.0.0.0",
            "[::]",
            "[::ffff:8.8.8.8]",
            "localhost.",
            "",
        ] {
            assert!(!is_loopback_name(no), "{no}");
        }
    }

    #[test]
    fn host_headers() {
        let site = Site::new("127.0.0.1:8080".parse().unwrap());
        for yes in [
            "127.0.0.1:8080",
            "localhost:8080",
            "[::1]:8080",
            "127.0.0.2:8080",
        ] {
            assert!(site.accepts_authority(yes), "{yes}");
        }
        for no in [
            "127.0.0.1",
            "127.0.0.1:8081",
            "127.evil.example:8080",
            "evil.example:8080",
            "localhost:8080:8080",
            "localhost:",
            "localhost:+8080",
            "user@127.0.0.1:8080",
            "::1:8080",
            "[::1]8080",
            "",
        ] {
            assert!(!site.accepts_authority(no), "{no}");
        }
        assert!(Site::new("127.0.0.1:80".parse().unwrap()).accepts_authority("localhost"));
    }

    #[test]
    fn origins() {
        let site = Site::new("127.0.0.1:8080".parse().unwrap());
        assert_eq!(
            site.own_origins(),
            [
                "http://127.0.0.1:8080",
                "http://localhost:8080",
                "http://[::1]:8080"
            ]
        );
        for own in [
            "http://127.0.0.1:8080",
            "http://localhost:8080",
            "http://[::1]:8080",
            "http://127.0.0.2:8080",
        ] {
            assert!(site.is_own_origin(own), "{own}");
        }
        for foreign in [
            "https://127.0.0.1:8080",
            "http://127.0.0.1:8081",
            "http://127.evil.example:8080",
            "http://evil.example:8080",
            "http://127.0.0.1",
            "null",
        ] {
            assert!(!site.is_own_origin(foreign), "{foreign}");
        }
        assert_eq!(
            normalize_origin("HTTP://LocalHost:80/").as_deref(),
            Some("http://localhost")
        );
        assert_eq!(
            normalize_origin("https://app.example:443").as_deref(),
            Some("https://app.example")
        );
        assert_eq!(
            normalize_origin("http://[::1]:3000").as_deref(),
            Some("http://[::1]:3000")
        );
        for bad in [
            "*",
            "null",
            "app.example",
            "ftp://app.example",
            "http://app.example/path",
            "http://user@app.example",
            "http://app.example:port",
            "http://",
            "http://app example",
        ] {
            assert_eq!(normalize_origin(bad), None, "{bad}");
        }
    }

    #[test]
    fn secrets() {
        let a = generate_secret();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, generate_secret());
        assert!(check_secret(&a).is_ok());
        assert!(check_secret("short").is_err());
        assert!(check_secret("has a space in it, sadly").is_err());
        assert!(check_secret(&"x".repeat(257)).is_err());
        let mut h = HeaderMap::new();
        assert!(check_control_secret(&h, &a).is_err());
        h.insert(SECRET_HEADER, a.parse().unwrap());
        assert!(check_control_secret(&h, &a).is_ok());
        assert!(check_control_secret(&h, &generate_secret()).is_err());
        h.append(SECRET_HEADER, a.parse().unwrap());
        assert!(check_control_secret(&h, &a).is_err(), "one header only");
        assert!(is_control_path("/_sandbox") && is_control_path("/_sandbox/token"));
        assert!(!is_control_path("/_sandboxes") && !is_control_path("/beta/_sandbox"));
    }
}
