//! Fuzz targets for the app's own parsers of outside input, run natively (none of them touches
//! the browser): stored drafts, config.json's `msal` and `graphBases`, the stored sign-in
//! settings and what they resolve to, link query strings and their percent-decoding, number
//! fields and datetime-local values.
//!
//! The app has no proptest among its dev-dependencies, so these run on the small seeded harness
//! in `tests/fuzzkit` (one case is one input; `PROPTEST_CASES=N` sets the count, as for the
//! proptest targets of `policy-core`; see "Fuzzing the parsers" in README.md).

#![cfg(not(target_arch = "wasm32"))]

mod fuzzkit;

use fuzzkit::{check, Rng};
use intune_editor::auth::config::{
    allowed_bases, graph_scope, resolve, resolve_url, CacheLocation, HostConfig, UserOverrides,
};
use intune_editor::drafts::{SavedDraft, FORMAT};
use intune_editor::session::{link_query_for, parse_query, LinkParams, Settings};
use intune_editor::util::{number_from_text, rfc3339_to_utc_local, utc_local_to_rfc3339};
use policy_core::edm::is_date_time_offset;
use policy_core::endpoint::{percent_encode, Cloud, GraphBase};
use policy_core::model::ApiVersion;
use serde_json::{json, Map, Value};

/// Inputs per target in a plain `cargo test`.
const CASES: u64 = 256;

const DRAFT_KEYS: &[&str] = &[
    "format", "tab", "base", "api", "object", "type", "set", "id", "loaded", "draft", "saved_at",
];

const CONFIG_KEYS: &[&str] = &[
    "msal",
    "graphBases",
    "sandbox",
    "graph",
    "demoToken",
    "clientId",
    "tenant",
    "redirectUri",
    "authority",
    "knownAuthorities",
    "protocolMode",
    "authorityMetadata",
    "cloudDiscoveryMetadata",
    "scopes",
    "tokenRenewalOffsetSeconds",
    "cacheLocation",
];

/// Text that looks like the bases, authorities and pages the configuration holds.
const URL_PIECES: &[&str] = &[
    "https://",
    "http://",
    "HTTPS://",
    "://",
    "graph.microsoft.com",
    "graph.microsoft.us",
    "login.microsoftonline.com",
    "127.0.0.1",
    "localhost",
    "[::1]",
    ":8080",
    ":0",
    ":99999",
    "/",
    "//",
    "/..",
    "/.",
    "redirect.html",
    "index.html",
    "?",
    "#",
    "@",
    "%2e",
    "%",
    " ",
    "\\",
    "evil.example",
    "\u{e9}",
    "organizations",
    "common",
    "AAD",
    "OIDC",
    "sessionStorage",
    "localStorage",
    "memoryStorage",
    "",
];

fn url_like(rng: &mut Rng) -> String {
    if rng.chance(1, 4) {
        rng.text(40)
    } else {
        rng.pieces(URL_PIECES, 8)
    }
}

fn a_string(rng: &mut Rng) -> Value {
    if rng.bool() {
        Value::String(url_like(rng))
    } else {
        Value::String(rng.text(30))
    }
}

/// Sometimes the right kind of JSON, sometimes any.
fn or_junk(rng: &mut Rng, good: impl FnOnce(&mut Rng) -> Value) -> Value {
    match rng.below(10) {
        0 => Value::Null,
        1 => rng.json(3, CONFIG_KEYS),
        _ => good(rng),
    }
}

fn string_list(rng: &mut Rng) -> Value {
    let n = rng.len(5);
    Value::Array((0..n).map(|_| or_junk(rng, a_string)).collect::<Vec<_>>())
}

/// A config.json: the keys the app reads, values mostly of the right type.
fn hostile_config(rng: &mut Rng) -> Value {
    if rng.chance(1, 5) {
        return rng.json(5, CONFIG_KEYS);
    }
    let mut msal = Map::new();
    for key in [
        "clientId",
        "tenant",
        "redirectUri",
        "authority",
        "protocolMode",
    ] {
        if rng.chance(3, 4) {
            msal.insert(key.into(), or_junk(rng, a_string));
        }
    }
    for key in ["knownAuthorities", "scopes"] {
        if rng.bool() {
            msal.insert(key.into(), or_junk(rng, string_list));
        }
    }
    for key in ["authorityMetadata", "cloudDiscoveryMetadata"] {
        if rng.bool() {
            let v = or_junk(rng, |r| {
                let doc = r.json(3, CONFIG_KEYS);
                if r.bool() {
                    doc
                } else {
                    Value::String(r.json_text(CONFIG_KEYS))
                }
            });
            msal.insert(key.into(), v);
        }
    }
    if rng.bool() {
        let v = or_junk(rng, |r| r.json_number());
        msal.insert("tokenRenewalOffsetSeconds".into(), v);
    }
    let mut config = Map::new();
    config.insert("msal".into(), or_junk(rng, |_| Value::Object(msal)));
    if rng.bool() {
        config.insert("graphBases".into(), or_junk(rng, string_list));
    }
    if rng.bool() {
        let sandbox = json!({"graph": or_junk(rng, a_string), "demoToken": or_junk(rng, a_string)});
        config.insert("sandbox".into(), sandbox);
    }
    Value::Object(config)
}

fn overrides(rng: &mut Rng) -> UserOverrides {
    let field = |r: &mut Rng| if r.bool() { url_like(r) } else { String::new() };
    UserOverrides {
        client_id: field(rng),
        tenant: field(rng),
        redirect_uri: field(rng),
        authority: field(rng),
        cache_location: rng.pick(&CacheLocation::ALL),
    }
}

fn cloud(rng: &mut Rng) -> Option<Cloud> {
    if rng.chance(1, 3) {
        None
    } else {
        Some(rng.pick(&Cloud::ALL))
    }
}

fn base(rng: &mut Rng) -> GraphBase {
    const BASES: &[&str] = &[
        "https://graph.microsoft.com",
        "https://proxy.example/graph",
        "http://127.0.0.1:8080",
        "http://localhost:9",
    ];
    let text = url_like(rng);
    let fallback: &str = rng.pick(BASES);
    GraphBase::parse(&text).unwrap_or_else(|_| GraphBase::parse(fallback).unwrap())
}

// ---------------------------------------------------------------------------------------------
// Stored drafts.

/// A JSON value that survives serde_json's text round trip exactly (no float needing more than
/// its fast, exact path to read back).
fn exact_json(rng: &mut Rng, depth: usize) -> Value {
    if depth == 0 || rng.chance(2, 5) {
        return match rng.below(6) {
            0 => Value::Null,
            1 => Value::Bool(rng.bool()),
            2 => Value::from(rng.u64() as i64),
            3 => Value::from(rng.u64()),
            4 => json!(rng.range(-1_000_000, 1_000_000) as f64 / 10f64.powi(rng.below(7) as i32)),
            _ => Value::String(rng.text(20)),
        };
    }
    let n = rng.len(6);
    if rng.bool() {
        Value::Array((0..n).map(|_| exact_json(rng, depth - 1)).collect())
    } else {
        let mut m = Map::new();
        for _ in 0..n {
            let k = rng.text(10);
            let v = exact_json(rng, depth - 1);
            m.insert(k, v);
        }
        Value::Object(m)
    }
}

fn optional_text(rng: &mut Rng) -> Option<String> {
    rng.bool().then(|| rng.text(30))
}

#[test]
fn saved_draft_read_never_panics() {
    check(
        "saved_draft_read_never_panics",
        CASES,
        |rng| {
            if rng.bool() {
                return rng.json_text(DRAFT_KEYS);
            }
            // Draft-shaped, any field possibly missing or of the wrong type.
            let mut m = Map::new();
            for k in DRAFT_KEYS {
                if rng.chance(7, 8) {
                    let v = match rng.below(4) {
                        0 => rng.json(4, DRAFT_KEYS),
                        1 => rng.json_number(),
                        _ => Value::String(rng.text(20)),
                    };
                    m.insert(k.to_string(), v);
                }
            }
            Value::Object(m).to_string()
        },
        |text| {
            if let Some(d) = SavedDraft::read(text) {
                assert!(d.format <= FORMAT);
                let _ = (d.key(), d.object_key());
            }
        },
    );
}

#[test]
fn saved_draft_round_trip() {
    check(
        "saved_draft_round_trip",
        CASES,
        |rng| SavedDraft {
            format: rng.below(FORMAT as usize + 1) as u32,
            tab: if rng.bool() {
                rng.text(12)
            } else {
                String::new()
            },
            base: url_like(rng),
            api: rng.text(6),
            object: rng.text(40),
            type_name: rng.text(40),
            set: optional_text(rng),
            id: optional_text(rng),
            loaded: if rng.bool() {
                Some(exact_json(rng, 4)).filter(|v| !v.is_null())
            } else {
                None
            },
            draft: exact_json(rng, 4),
            // Milliseconds up to the year 5138. (Beyond 2^53 / 10, serde_json's reader without
            // `float_roundtrip` may be a unit off on the `.0` it writes: not this field's range.)
            saved_at: rng.range(0, 100_000_000_000_000) as f64,
        },
        |d| {
            let text = serde_json::to_string(d).unwrap();
            assert_eq!(SavedDraft::read(&text).as_ref(), Some(d), "{text}");
        },
    );
}

// ---------------------------------------------------------------------------------------------
// config.json and the stored sign-in settings.

#[test]
fn host_config_and_resolution() {
    check(
        "host_config_and_resolution",
        CASES,
        |rng| {
            (
                hostile_config(rng),
                overrides(rng),
                cloud(rng),
                base(rng),
                url_like(rng),
            )
        },
        |(config, user, cloud, base, page)| {
            let allowed = allowed_bases(Some(config));
            let mut s = Settings::default();
            s.take_demo_token(Some(config));
            s.allow_link_base(&allowed);
            let host = match HostConfig::from_config(Some(config)) {
                Ok(Some(h)) => h,
                Ok(None) => return,
                Err(e) => {
                    assert!(!e.is_empty());
                    return;
                }
            };
            assert_eq!(host.graph_bases, allowed);
            for c in [*cloud, None, Some(Cloud::Global)] {
                let Ok(r) = resolve(&host, user, c, base, page) else {
                    continue;
                };
                let _ = r.msal_configuration();
                assert!(r.authority.to_ascii_lowercase().starts_with("https://"));
                // The host's scopes go only to the bases it allows.
                if !host.graph_bases.contains(base) {
                    assert_eq!(r.scopes, vec![graph_scope(base)]);
                }
            }
        },
    );
}

#[test]
fn user_overrides_read() {
    check(
        "user_overrides_read",
        CASES,
        |rng| {
            let u = overrides(rng);
            let text = match rng.below(3) {
                0 => rng.json_text(CONFIG_KEYS),
                1 => {
                    let mut v = serde_json::to_value(&u).unwrap();
                    let key = rng.pick(CONFIG_KEYS);
                    v[key] = rng.json(2, CONFIG_KEYS);
                    v.to_string()
                }
                _ => rng.text(60),
            };
            (u, text)
        },
        |(u, text)| {
            let _ = UserOverrides::read(text);
            // What the settings form writes reads back as it was.
            let stored = serde_json::to_string(u).unwrap();
            assert_eq!(&UserOverrides::read(&stored), u);
        },
    );
}

#[test]
fn allowed_bases_keep_exactly_the_valid_ones() {
    check(
        "allowed_bases_keep_exactly_the_valid_ones",
        CASES,
        |rng| {
            let n = rng.len(6);
            (0..n)
                .map(|_| or_junk(rng, a_string))
                .collect::<Vec<Value>>()
        },
        |list| {
            let want: Vec<GraphBase> = list
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|b| GraphBase::parse(b).ok())
                .collect();
            let config = json!({ "graphBases": list });
            assert_eq!(allowed_bases(Some(&config)), want);
        },
    );
}

#[test]
fn resolve_url_like_a_link() {
    check(
        "resolve_url_like_a_link",
        CASES,
        |rng| (url_like(rng), url_like(rng)),
        |(page, reference)| {
            let r = resolve_url(page, reference);
            if reference.contains("://") {
                assert_eq!(r, reference.trim());
            }
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Link query strings and percent-decoding.

const QUERY_PIECES: &[&str] = &[
    "%",
    "%2",
    "%ZZ",
    "%zz",
    "%C3%28",
    "%E2%82",
    "%FF",
    "%00",
    "%41",
    "%2B",
    "%2b",
    "%25",
    "%%",
    "%\u{e9}",
    "%-1",
    "%+",
    "+",
    "&",
    "=",
    "?",
    "#",
    ";",
    "graph=",
    "api=",
    "type=",
    "id=",
    "token=",
    "v1.0",
    "beta",
    "v1",
    "https%3A%2F%2Fgraph.microsoft.us",
    "http%3A%2F%2F127.0.0.1%3A9",
    "https://evil.example",
    "\u{e9}",
    "\u{0}",
    "\u{10ffff}",
    " ",
    "a",
    "0",
];

fn query_like(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => rng.text(60),
        _ => rng.pieces(QUERY_PIECES, 20),
    }
}

/// The reference: application/x-www-form-urlencoded value decoding as the WHATWG URL standard
/// (and `URLSearchParams`) does it: `+` is a space, `%` and two hex digits a byte, anything
/// else itself; then UTF-8 with replacement characters.
fn form_decode(s: &str) -> String {
    let b: Vec<u8> = s
        .bytes()
        .map(|c| if c == b'+' { b' ' } else { c })
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = |c: Option<&u8>| c.is_some_and(u8::is_ascii_hexdigit);
        if b[i] == b'%' && hex(b.get(i + 1)) && hex(b.get(i + 2)) {
            let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(h, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn parse_query_never_points_the_token_elsewhere() {
    check(
        "parse_query_never_points_the_token_elsewhere",
        CASES,
        |rng| (query_like(rng), base(rng)),
        |(query, allowed)| {
            let link = parse_query(query);
            // A link alone never changes where requests go: at most it picks a cloud.
            let mut s = Settings::default();
            s.apply_link(&link, &[]);
            assert!(s.base().is_ok_and(|b| b.cloud_of().is_some()), "{query}");
            // Allowed by the host: the link's base or a cloud, nothing else.
            s.allow_link_base(std::slice::from_ref(allowed));
            let b = s.base().unwrap();
            assert!(b.cloud_of().is_some() || &b == allowed, "{query}");
        },
    );
}

#[test]
fn parse_query_decodes_like_the_browser() {
    check(
        "parse_query_decodes_like_the_browser",
        CASES,
        |rng| rng.pieces(QUERY_PIECES, 20).replace('&', ""),
        |value| {
            let link = parse_query(&format!("?id={value}"));
            let want = form_decode(value);
            assert_eq!(link.id, Some(want).filter(|w| !w.is_empty()), "{value:?}");
        },
    );
}

#[test]
fn link_query_round_trip() {
    check(
        "link_query_round_trip",
        CASES,
        |rng| {
            let api = if rng.bool() {
                ApiVersion::Beta
            } else {
                ApiVersion::V1
            };
            (base(rng), api, optional_text(rng), optional_text(rng))
        },
        |(base, api, type_name, id)| {
            let q = link_query_for(base, *api, type_name.as_deref(), id.as_deref());
            let link = parse_query(&q);
            let non_empty = |s: &Option<String>| s.clone().filter(|s| !s.is_empty());
            assert_eq!(
                link,
                LinkParams {
                    graph: Some(base.to_string()),
                    api: Some(*api),
                    type_name: non_empty(type_name),
                    id: non_empty(id),
                    set: None,
                },
                "{q}"
            );
            // Any text, percent-encoded, reads back.
            let any = type_name.clone().unwrap_or_default();
            let p = parse_query(&format!("?graph={}", percent_encode(&any)));
            assert_eq!(p.graph, Some(any).filter(|s| !s.is_empty()));
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Number fields and datetime-local values.

const NUMBER_PIECES: &[&str] = &[
    "0",
    "1",
    "9",
    "-",
    "+",
    ".",
    "e",
    "E",
    "e-",
    "e+",
    "308",
    "400",
    "999999999999999999999",
    " ",
    "\t",
    "NaN",
    "inf",
    "Infinity",
    "0x",
    "_",
    ",",
    "\u{663}",
    "\u{e9}",
];

#[test]
fn number_fields() {
    check(
        "number_fields",
        CASES,
        |rng| {
            let text = match rng.below(3) {
                0 => rng.number_text(),
                1 => rng.pieces(NUMBER_PIECES, 10),
                _ => rng.text(30),
            };
            (
                text,
                rng.u64() as i64,
                rng.range(-1_000_000_000, 1_000_000_000) as f64 / 10f64.powi(rng.below(7) as i32),
            )
        },
        |(text, n, f)| {
            for integer in [true, false] {
                let _ = number_from_text(text, integer);
            }
            assert_eq!(number_from_text(&n.to_string(), true), json!(n));
            assert_eq!(number_from_text(&format!(" {f} "), false), json!(f), "{f}");
        },
    );
}

const DATE_PIECES: &[&str] = &[
    "0", "1", "2", "9", "00", "12", "23", "24", "29", "31", "59", "60", "2024", "0000", "9999",
    "-", ":", "T", "t", "Z", "z", "+", ".", "+14:00", "-23:59", "\u{663}", "\u{e9}", " ",
];

#[test]
fn datetime_local_values() {
    check(
        "datetime_local_values",
        CASES,
        |rng| {
            let text = match rng.below(3) {
                0 => rng.pieces(DATE_PIECES, 14),
                1 => rng.text(30),
                _ => String::new(),
            };
            let (y, mo, d) = (rng.range(0, 9999), rng.range(1, 12), rng.range(1, 28));
            let (h, mi, s) = (rng.range(0, 23), rng.range(0, 59), rng.range(0, 59));
            let frac = if rng.bool() {
                format!(".{}{}", rng.below(10), rng.text_of("0123456789", 12))
            } else {
                String::new()
            };
            let valid = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}Z");
            (text, valid)
        },
        |(text, valid)| {
            if let Some(local) = rfc3339_to_utc_local(text) {
                let _ = utc_local_to_rfc3339(&local);
            }
            let _ = utc_local_to_rfc3339(text);
            // A UTC date-time shows as itself, to the second, and the widget's value is one.
            let local = rfc3339_to_utc_local(valid).expect(valid);
            assert_eq!(local, valid[..19]);
            let back = utc_local_to_rfc3339(&local);
            assert!(is_date_time_offset(&back), "{back}");
            assert_eq!(rfc3339_to_utc_local(&back).as_deref(), Some(local.as_str()));
        },
    );
}
