//! Fuzz targets for every parser in policy-core that reads outside input: Graph error bodies and
//! `Retry-After` (HTTP dates), token claims and base64url, schema files read by hand
//! (`SchemaData::from_json`) and what is built from them, Edm values, the validator and the
//! diff on arbitrary JSON, strict URLs, Graph bases and object ids, field paths and pack file
//! names.
//!
//! Each property is one proptest target: one case is one input. The normal test run keeps the
//! default count small; `PROPTEST_CASES=N` sets it (see "Fuzzing the parsers" in README.md).
//! No failure-persistence files are written.

use policy_core::dates;
use policy_core::edm::{self, format_number, Edm};
use policy_core::embedded::schema;
use policy_core::endpoint::{percent_encode, Cloud, GraphBase, ObjectId, Target};
use policy_core::graph_error::{GraphError, RetryAfter};
use policy_core::model::{ApiVersion, Schema, SchemaData, TypeId};
use policy_core::pack::pack_file;
use policy_core::patch::diff;
use policy_core::sample::sample_object;
use policy_core::token::{base64url_decode, TokenInfo};
use policy_core::validate::MAX_PROBLEMS;
use policy_core::{label, validate, validate_as, validate_property, weburl, FieldPath, Mode};
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::Config as ProptestConfig;
use serde_json::{json, Map, Value};

/// `PROPTEST_CASES` when set, else a count that keeps a debug test run short.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generators shared by the targets.

/// Numbers at and beyond every limit a reader might assume.
const EXTREME_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-0.0",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "5e-324",
    "1e-400",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "9223372036854775807",
    "9007199254740993",
    "2147483648",
    "-2147483649",
    "4294967296",
    "256",
    "-129",
    "32768",
    "3.4028236e38",
    "123456789012345678901234567890",
    "0.1",
    "1.5",
];

/// Keys a hostile value should hit: the names the readers look for, in odd spellings too.
const KEYS: &[&str] = &[
    "@odata.type",
    "error",
    "Error",
    "code",
    "message",
    "Message",
    "target",
    "details",
    "innerError",
    "innererror",
    "request-id",
    "client-request-id",
    "date",
    "api",
    "entrySets",
    "types",
    "enums",
    "name",
    "kind",
    "base",
    "properties",
    "type",
    "collection",
    "nullable",
    "readOnly",
    "constraints",
    "min",
    "max",
    "maxItems",
    "maxLength",
    "members",
    "flags",
    "path",
    "key",
    "navigation",
    "abstract",
    "open",
    "omaSettings",
    "displayName",
    "value",
    "id",
    "version",
    "x@odata.type",
    "",
];

/// Type names: real ones, other spellings, and junk.
const TYPES: &[&str] = &[
    "#microsoft.graph.androidWorkProfileCustomConfiguration",
    "#microsoft.graph.omaSettingInteger",
    "microsoft.graph.omaSetting",
    "#microsoft.graph.androidForWorkGeneralDeviceConfiguration",
    "#microsoft.graph.windows10GeneralConfiguration",
    "graph.windows10GeneralConfiguration",
    "windows10GeneralConfiguration",
    "#microsoft.graph.deviceConfiguration",
    "#microsoft.graph.officeConfiguration",
    "Edm.String",
    "Edm.Int32",
    "#",
    "graph.",
    "microsoft.graph.",
];

/// Text that looks like the lexical forms the readers check.
const LEXICAL: &[&str] = &[
    "2024-02-29",
    "2023-02-29",
    "2024-05-01T08:30:00Z",
    "2024-05-01T08:30:00.123456789+05:30",
    "2024-05-01T24:00:00Z",
    "9999-12-31T23:59:59-23:59",
    "0000-01-01T00:00:00+00:01",
    "08:30",
    "08:30:00.",
    "PT1H30M",
    "P",
    "PT",
    "-P1Y2M3W4DT5H6M7.5S",
    "P1.5Y2M",
    "SGVsbG8=",
    "SGVsbG8",
    "S-_/",
    "====",
    "4b5f7085-7085-4b5f-8570-5f4b85705f4b",
    "4b5f7085-7085-4b5f-8570-5f4b85705f4", // one short
    "true",
    "null",
    "{\"Message\":\"nested\"}",
];

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)),
        select(EXTREME_NUMBERS).prop_map(|n| serde_json::from_str(n).unwrap_or(Value::Null)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC{0,24}",
        2 => select(TYPES).prop_map(str::to_string),
        2 => select(LEXICAL).prop_map(str::to_string),
        1 => select(KEYS).prop_map(str::to_string),
        1 => any::<String>(),
        1 => (1usize..3000).prop_map(|n| "é".repeat(n)),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
    ]
}

/// Arbitrary JSON, nested a few levels, with the keys the readers look for.
fn arb_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 128, 10, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..10).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![3 => select(KEYS).prop_map(str::to_string), 1 => text()],
                    inner
                ),
                0..10
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A value nested as deep as serde_json reads (128 levels), a chain of lists and objects.
fn deep_json() -> impl Strategy<Value = Value> {
    (0usize..=127, any::<u128>(), select(KEYS), leaf(), leaf()).prop_map(
        |(depth, shape, key, bottom, side)| {
            let mut v = bottom;
            for level in 0..depth {
                v = if (shape >> (level % 128)) & 1 == 1 {
                    json!([v, side.clone()])
                } else {
                    let mut m = Map::new();
                    m.insert(key.to_string(), v);
                    m.insert(
                        "@odata.type".into(),
                        json!("#microsoft.graph.omaSettingInteger"),
                    );
                    Value::Object(m)
                };
            }
            v
        },
    )
}

fn any_json() -> impl Strategy<Value = Value> {
    prop_oneof![4 => arb_json(), 1 => deep_json()]
}

/// JSON text, whole or damaged: cut anywhere, a byte flipped, nested past any reader's limit.
fn json_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => any_json().prop_map(|v| v.to_string().into_bytes()),
        2 => (any_json(), any::<Index>(), any::<u8>(), 0u8..3).prop_map(|(v, at, b, how)| {
            let mut bytes = v.to_string().into_bytes();
            let i = at.index(bytes.len() + 1);
            match how {
                0 => bytes.truncate(i),
                1 => bytes.insert(i, b),
                _ => {
                    if i < bytes.len() {
                        bytes[i] = b;
                    }
                }
            }
            bytes
        }),
        1 => (1usize..400, select(&["[", "{\"error\":", "{\"a\":[", "[{\"innerError\":"][..]))
            .prop_map(|(n, open)| open.repeat(n).into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

/// Standard or URL-safe base64, with or without padding.
fn base64(bytes: &[u8], url_safe: bool, pad: bool) -> String {
    let table: &[u8] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, &b| (a << 8) | b as u32) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(table[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// The %-escapes of `s` undone, byte by byte (the reference for `percent_encode`).
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

fn types_of(s: &Schema) -> Vec<TypeId> {
    s.types().map(|(id, _)| id).collect()
}

// ---------------------------------------------------------------------------------------------
// Graph error bodies and Retry-After.

/// A Graph error envelope with every part possibly of the wrong type, and a chain of inner
/// errors deeper than the reader follows.
fn hostile_envelope() -> impl Strategy<Value = Value> {
    (
        prop_oneof![text().prop_map(Value::String), arb_json()],
        prop_oneof![
            text().prop_map(Value::String),
            arb_json(),
            // Intune's JSON inside the message, maybe damaged.
            (text(), text(), any::<Index>()).prop_map(|(m, phrase, cut)| {
                let inner = json!({"Message": m, "CustomApiErrorPhrase": phrase,
                    "ErrorSourceService": "x"})
                .to_string();
                let keep = cut.index(inner.len() + 1);
                let inner: String = inner.chars().take(keep).collect();
                Value::String(format!("{{\"_version\": 3, \"Message\": {inner}"))
            }),
        ],
        prop::collection::vec(arb_json(), 0..6),
        0usize..40,
        any::<bool>(),
        select(&["error", "Error", "ERROR", "innerError", "odata.error"][..]),
    )
        .prop_map(|(code, message, details, inner_depth, lower, top)| {
            let inner_key = if lower { "innererror" } else { "innerError" };
            let mut inner = json!({"code": "deepest", "request-id": "r", "date": 7});
            for i in 0..inner_depth {
                inner = json!({"code": format!("c{i}"), "client-request-id": i, inner_key: inner});
            }
            json!({top: {"code": code, "message": message, "target": code,
                "details": details, inner_key: inner}})
        })
}

proptest! {
    #![proptest_config(config())]

    /// Any response body (JSON, damaged JSON, bytes), any status and headers: a usable error.
    #[test]
    fn graph_error_never_panics(
        body in json_bytes(),
        status in any::<u16>(),
        retry_after in proptest::option::of("\\PC{0,40}"),
        request_id in proptest::option::of(text()),
    ) {
        let e = GraphError::parse(status, &body, retry_after.as_deref(), request_id.as_deref());
        prop_assert_eq!(e.status, status);
        let _ = (e.support_text(), e.field_messages(), e.display_message());
        let _ = (e.is_retryable(), e.is_throttled());
        prop_assert!(e.message.chars().count() <= 2001);
    }

    /// Envelopes with parts of the wrong type, Intune's nested JSON and deep inner errors.
    #[test]
    fn graph_error_hostile_envelopes(v in hostile_envelope(), status in 100u16..600) {
        let e = GraphError::parse(status, v.to_string().as_bytes(), Some("3"), Some("hdr"));
        prop_assert!(e.inner_codes.len() <= 16);
        let _ = (e.support_text(), e.field_messages(), e.display_message());
    }

    /// A valid envelope keeps its code and message, and the header's request id.
    #[test]
    fn graph_error_keeps_code_and_message(
        code in "\\PC{0,60}",
        message in "\\PC{0,200}",
        status in 400u16..600,
        request_id in "[a-f0-9-]{1,36}",
    ) {
        let body = json!({"error": {"code": code, "message": message}}).to_string();
        let e = GraphError::parse(status, body.as_bytes(), None, Some(&request_id));
        prop_assert_eq!(&e.code, &code);
        prop_assert_eq!(&e.message, &message);
        prop_assert_eq!(e.request_id.as_deref(), Some(request_id.as_str()));
        prop_assert_eq!(e.status, status);
    }
}

/// HTTP-date-like text whose every field may be extreme.
fn http_date_like() -> impl Strategy<Value = String> {
    let field = || {
        prop_oneof![
            (0u32..100).prop_map(|n| format!("{n:02}")),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            select(
                &[
                    "",
                    "+1",
                    "-0",
                    "0000000000000000000000001",
                    "99999999999999999999999",
                    "1e3",
                    " 1",
                    "\u{663}",
                    "9999",
                    "10000",
                    "0",
                ][..]
            )
            .prop_map(str::to_string),
        ]
    };
    (
        select(&["Sun", "Mon", "Xyz", "", "Sunday", "\u{e9}"][..]),
        field(),
        select(
            &[
                "Jan",
                "Feb",
                "Dec",
                "jan",
                "JAN",
                "Foo",
                "",
                "\u{e9}t\u{e9}",
            ][..],
        ),
        field(),
        field(),
        field(),
        field(),
        select(&["GMT", "UTC", "gmt", "", "GMT GMT"][..]),
        select(&[", ", ",", ", , "][..]),
    )
        .prop_map(|(wd, d, mon, y, h, mi, s, z, comma)| {
            format!("{wd}{comma}{d} {mon} {y} {h}:{mi}:{s} {z}")
        })
}

/// Days from 0001-01-01 counted plainly, as the reference for the reader's date arithmetic.
fn reference_epoch(y: i64, mon: i64, d: i64, h: i64, mi: i64, s: i64) -> i64 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let before = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334][(mon - 1) as usize]
        + i64::from(mon > 2 && leap);
    let y0 = y - 1;
    let days = 365 * y0 + y0 / 4 - y0 / 100 + y0 / 400 - 719_162 + before + d - 1;
    days * 86_400 + h * 3_600 + mi * 60 + s
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

proptest! {
    #![proptest_config(config())]

    /// Any header text, and date-like text with extreme fields: no panic, and a delay for any
    /// clock.
    #[test]
    fn retry_after_never_panics(
        text in prop_oneof!["\\PC{0,40}", http_date_like()],
        now in any::<i64>(),
    ) {
        if let Some(r) = RetryAfter::parse(&text) {
            let _ = r.delay_seconds(now);
            let _ = r.delay_seconds(i64::MIN);
            let _ = r.delay_seconds(i64::MAX);
        }
    }

    /// Delta-seconds: any u64, with white space around, is read as itself.
    #[test]
    fn retry_after_seconds_of_any_u64(
        n in any::<u64>(),
        pre in "[ \t]{0,3}",
        post in "[ \t]{0,3}",
        now in any::<i64>(),
    ) {
        let r = RetryAfter::parse(&format!("{pre}{n}{post}"));
        prop_assert_eq!(r, Some(RetryAfter::Seconds(n)));
        prop_assert_eq!(r.unwrap().delay_seconds(now), n);
    }

    /// An IMF-fixdate of any year 1..=9999 is the instant a plain day count gives.
    #[test]
    fn retry_after_http_dates_are_read_exactly(
        y in 1i64..=9999,
        mon in 1i64..=12,
        day in any::<Index>(),
        h in 0i64..24,
        mi in 0i64..60,
        s in 0i64..=60,
        now in any::<i64>(),
    ) {
        let d = day.index(days_in_month(y, mon) as usize) as i64 + 1;
        let text = format!(
            "Sun, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT",
            MONTHS[(mon - 1) as usize]
        );
        let want = reference_epoch(y, mon, d, h, mi, s);
        prop_assert_eq!(RetryAfter::parse(&text), Some(RetryAfter::At(want)), "{}", text);
        let delay = RetryAfter::At(want).delay_seconds(now);
        // The difference saturates at i64::MAX seconds.
        let exact = (i128::from(want) - i128::from(now)).clamp(0, i128::from(i64::MAX));
        prop_assert_eq!(delay, exact as u64);
    }
}

proptest! {
    #![proptest_config(config())]

    /// The calendar under every reader of dates: any text, any instant, any day number.
    #[test]
    fn dates_never_panic(
        text in prop_oneof![lexical_like(), http_date_like(), select(LEXICAL).prop_map(str::to_string), "\\PC{0,40}"],
        seconds in any::<i64>(),
        days in prop_oneof![any::<i64>(), -(1i64 << 40)..(1i64 << 40)],
    ) {
        let _ = dates::parse_http_date(&text);
        if let Some(t) = dates::parse_rfc3339(&text) {
            prop_assert!(edm::is_date_time_offset(&text));
            let _ = dates::format_utc_date_time(t);
        }
        let _ = dates::format_utc_date_time(seconds);
        let (y, m, d) = dates::civil_from_days(days);
        prop_assert!((1..=12).contains(&m) && d >= 1 && d <= dates::days_in_month(y, m));
        match dates::days_from_civil(y, m, d) {
            Some(back) => prop_assert_eq!(back, days),
            None => prop_assert!(days.unsigned_abs() > 1 << 40),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Token claims.

const CLAIMS: &[&str] = &[
    "tid",
    "upn",
    "unique_name",
    "preferred_username",
    "app_displayname",
    "appid",
    "azp",
    "aud",
    "scp",
    "roles",
    "exp",
    "iss",
];

/// A JWT-like `a.b.c` whose payload is base64url (or not quite) of arbitrary JSON or bytes.
fn jwt_like() -> impl Strategy<Value = String> {
    let claims = prop::collection::vec((select(CLAIMS), prop_oneof![leaf(), arb_json()]), 0..12)
        .prop_map(|kv| {
            Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                .to_string()
                .into_bytes()
        });
    let payload = prop_oneof![
        3 => claims,
        1 => json_bytes(),
    ];
    (
        payload,
        any::<bool>(),
        any::<bool>(),
        select(&["", "Bearer ", "bearer ", "  ", "BEARER "][..]),
        select(&["", "sig", "a.b", "..", "é"][..]),
        select(&["", "=", "==", "===", "%3D", " ", "*"][..]),
        "[A-Za-z0-9_-]{0,20}",
    )
        .prop_map(|(p, url_safe, pad, prefix, sig, tail, header)| {
            format!("{prefix}{header}.{}{tail}.{sig}", base64(&p, url_safe, pad))
        })
}

fn jwt(payload: &Value) -> String {
    format!(
        "{}.{}.sig",
        base64(br#"{"alg":"none"}"#, true, false),
        base64(payload.to_string().as_bytes(), true, false)
    )
}

proptest! {
    #![proptest_config(config())]

    /// Any text and JWT-like text with arbitrary payloads: decoded or refused, never a panic;
    /// what decodes can be asked everything the page asks.
    #[test]
    fn token_decode_never_panics(
        token in prop_oneof!["\\PC{0,80}", jwt_like()],
        now in any::<i64>(),
        base in "\\PC{0,30}",
        cloud in proptest::option::of(select(&Cloud::ALL[..])),
    ) {
        if let Ok(t) = TokenInfo::decode(&token) {
            let _ = (t.can_read(), t.can_write(), t.grants(&base));
            let _ = t.seconds_left(now);
            let _ = t.audience_matches(&base, cloud);
        }
    }

    /// The claims of a well-formed token read back as written.
    #[test]
    fn token_claims_round_trip(
        tid in "\\PC{0,30}",
        upn in "\\PC{0,30}",
        aud in "\\PC{0,30}",
        iss in "\\PC{0,30}",
        appid in "\\PC{0,30}",
        scopes in prop::collection::vec("[A-Za-z.]{1,30}", 0..5),
        roles in prop::collection::vec("\\PC{0,20}", 0..5),
        exp in any::<i64>(),
        sep in "[ \t\n]{1,3}",
    ) {
        let payload = json!({"tid": tid, "upn": upn, "aud": aud, "iss": iss, "appid": appid,
            "scp": scopes.join(sep.as_str()), "roles": roles, "exp": exp});
        let t = TokenInfo::decode(&format!(" Bearer {} ", jwt(&payload))).unwrap();
        prop_assert_eq!(t.tenant.as_deref(), Some(tid.as_str()));
        prop_assert_eq!(t.user.as_deref(), Some(upn.as_str()));
        prop_assert_eq!(t.audience.as_deref(), Some(aud.as_str()));
        prop_assert_eq!(t.issuer.as_deref(), Some(iss.as_str()));
        prop_assert_eq!(t.app.as_deref(), Some(appid.as_str()));
        prop_assert_eq!(&t.scopes, &scopes);
        prop_assert_eq!(&t.roles, &roles);
        prop_assert_eq!(t.expires_at, Some(exp));
    }

    /// base64url (and the standard alphabet, padded or not) decodes what was encoded; any
    /// other text is refused without a panic.
    #[test]
    fn base64url_round_trip(
        bytes in prop::collection::vec(any::<u8>(), 0..200),
        url_safe in any::<bool>(),
        pad in any::<bool>(),
        junk in "\\PC{0,40}",
    ) {
        let encoded = base64(&bytes, url_safe, pad);
        prop_assert_eq!(base64url_decode(&encoded), Some(bytes));
        let _ = base64url_decode(&junk);
        let _ = base64url_decode(&format!("{encoded}{junk}"));
    }
}

// ---------------------------------------------------------------------------------------------
// Schema data read by hand, and everything built from it.

/// Names drawn from a small pool, so types collide, name each other as bases (cycles
/// included), use each other as property types and repeat property names.
const NAMES: &[&str] = &[
    "microsoft.graph.a",
    "microsoft.graph.b",
    "microsoft.graph.c",
    "microsoft.graph.e",
    "a",
    "",
    "Edm.Int32",
    "Edm.String",
    "Edm.Byte",
    "Edm.Single",
    "Edm.Guid",
    "Edm.Duration",
    "Edm.Nope",
];

/// Schema-shaped JSON is generated in two moods: well typed (the reader accepts it, so what is
/// built from it is exercised) and hostile (any field may be null or any JSON).
#[derive(Clone, Copy, Debug)]
struct Mood {
    hostile: bool,
}

impl Mood {
    /// `good`, or in the hostile mood sometimes null or any JSON.
    fn value<S: Strategy<Value = Value> + 'static>(self, good: S) -> BoxedStrategy<Value> {
        if self.hostile {
            prop_oneof![8 => good, 1 => Just(Value::Null), 1 => arb_json()].boxed()
        } else {
            good.boxed()
        }
    }

    fn name(self) -> BoxedStrategy<Value> {
        self.value(select(NAMES).prop_map(|n| json!(n)))
    }

    fn flag(self) -> BoxedStrategy<Value> {
        self.value(prop_oneof![3 => any::<bool>().prop_map(Value::Bool), 1 => Just(Value::Null)])
    }

    /// A bound (any number reads as one).
    fn number(self) -> BoxedStrategy<Value> {
        self.value(prop_oneof![
            2 => (0u32..300).prop_map(Value::from),
            1 => number(),
            1 => Just(Value::Null),
        ])
    }

    /// A count (a u32 when well typed).
    fn count(self) -> BoxedStrategy<Value> {
        if self.hostile {
            self.number()
        } else {
            prop_oneof![3 => any::<u32>().prop_map(Value::from), 1 => Just(Value::Null)].boxed()
        }
    }

    /// An enum member's value (an i64 when well typed).
    fn whole(self) -> BoxedStrategy<Value> {
        if self.hostile {
            self.number()
        } else {
            any::<i64>().prop_map(Value::from).boxed()
        }
    }

    fn list(self, item: BoxedStrategy<Value>, max: usize) -> BoxedStrategy<Value> {
        self.value(prop::collection::vec(item, 0..max).prop_map(Value::Array))
    }

    /// Which fields to leave out: mostly none; any in the hostile mood.
    fn drops(self) -> BoxedStrategy<u32> {
        if self.hostile {
            prop_oneof![3 => Just(0u32), 1 => any::<u32>()].boxed()
        } else {
            Just(0u32).boxed()
        }
    }
}

fn object(fields: Vec<(&'static str, Value)>, drop: u32) -> Value {
    Value::Object(
        fields
            .into_iter()
            .enumerate()
            .filter(|(i, _)| (drop >> (i % 32)) & 1 == 0)
            .map(|(_, (k, v))| (k.to_string(), v))
            .collect(),
    )
}

fn hostile_property(m: Mood) -> BoxedStrategy<Value> {
    let constraints = (m.number(), m.number(), m.count(), m.count(), any::<u8>()).prop_map(
        |(min, max, items, len, d)| {
            let c = vec![
                ("min", min),
                ("max", max),
                ("maxItems", items),
                ("maxLength", len),
            ];
            object(c, u32::from(d))
        },
    );
    (
        m.name(),
        m.name(),
        m.flag(),
        m.flag(),
        m.flag(),
        m.value(prop_oneof![Just(Value::Null), constraints]),
        m.drops(),
    )
        .prop_map(|(name, ty, collection, nullable, ro, c, d)| {
            object(
                vec![
                    ("name", name),
                    ("type", ty),
                    ("collection", collection),
                    ("nullable", nullable),
                    ("readOnly", ro),
                    ("constraints", c),
                ],
                d,
            )
        })
        .boxed()
}

fn hostile_type(m: Mood) -> BoxedStrategy<Value> {
    let kinds: &'static [&'static str] = if m.hostile {
        &["entity", "complex", "Entity", ""]
    } else {
        &["entity", "complex"]
    };
    (
        m.name(),
        m.value(select(kinds).prop_map(|k| json!(k))),
        m.value(prop_oneof![2 => Just(Value::Null), 1 => m.name()]),
        m.flag(),
        m.flag(),
        m.list(m.name(), 3),
        m.list(hostile_property(m), 7),
        m.list(m.name(), 3),
        m.drops(),
    )
        .prop_map(|(name, kind, base, abs, open, key, props, nav, d)| {
            object(
                vec![
                    ("name", name),
                    ("kind", kind),
                    ("base", base),
                    ("abstract", abs),
                    ("open", open),
                    ("key", key),
                    ("properties", props),
                    ("navigation", nav),
                ],
                d,
            )
        })
        .boxed()
}

fn hostile_enum(m: Mood) -> BoxedStrategy<Value> {
    let member = m.value((m.name(), m.whole()).prop_map(|(n, v)| json!([n, v])));
    (m.name(), m.flag(), m.list(member, 5), m.drops())
        .prop_map(|(name, flags, members, d)| {
            object(
                vec![("name", name), ("flags", flags), ("members", members)],
                d,
            )
        })
        .boxed()
}

fn hostile_entry_set(m: Mood) -> BoxedStrategy<Value> {
    (
        m.value("[a-zA-Z/]{0,20}".prop_map(Value::String)),
        m.name(),
        m.value(any::<bool>().prop_map(Value::Bool)),
        m.drops(),
    )
        .prop_map(|(path, ty, coll, d)| {
            object(vec![("path", path), ("type", ty), ("collection", coll)], d)
        })
        .boxed()
}

/// Schema-shaped JSON: the right keys, with colliding names; in the hostile mood, values of
/// the wrong type too.
fn hostile_schema(m: Mood) -> BoxedStrategy<Value> {
    let apis: &'static [&'static str] = if m.hostile {
        &["v1.0", "beta", "v1", "Beta"]
    } else {
        &["v1.0", "beta"]
    };
    (
        m.value(select(apis).prop_map(|a| json!(a))),
        m.list(hostile_entry_set(m), 4),
        m.list(hostile_type(m), 7),
        m.list(hostile_enum(m), 4),
        m.drops(),
    )
        .prop_map(|(api, sets, types, enums, d)| {
            object(
                vec![
                    ("api", api),
                    ("entrySets", sets),
                    ("types", types),
                    ("enums", enums),
                ],
                d,
            )
        })
        .boxed()
}

/// Everything the app does with a schema it loaded: resolve it, list its catalog, pack and
/// merge it, validate and diff values against every type, build samples.
fn use_schema(data: SchemaData, values: &[Value]) {
    let _ = data.catalog_data();
    let roots: Vec<String> = data.pack_roots().map(str::to_string).collect();
    for r in &roots {
        if let Some(pack) = data.pack(&[r.as_str()]) {
            let mut merged = SchemaData::empty(data.api);
            merged.merge(pack);
        }
    }
    let mut twice = data.clone();
    twice.merge(data.clone());
    let Ok(schema) = Schema::from_data(data) else {
        return;
    };
    let _ = schema.catalog();
    let _ = schema.editable_types();
    for id in types_of(&schema) {
        let _ = schema.concrete_types(id);
        let _ = schema.entry_set_for(id);
        let sample = sample_object(&schema, id, true);
        let _ = validate(&schema, &sample, Mode::Object);
        let names: Vec<String> = schema
            .get(id)
            .properties
            .iter()
            .map(|p| p.name.clone())
            .collect();
        for v in values.iter().chain([&sample]) {
            for mode in [Mode::Object, Mode::Patch] {
                let _ = validate_as(&schema, id, v, mode);
                for n in &names {
                    let _ = validate_property(&schema, id, n, v.get(n).unwrap_or(v), mode);
                }
            }
            let _ = diff(&schema, &sample, v);
        }
    }
    for v in values {
        let _ = validate(&schema, v, Mode::Object);
    }
}

/// Values shaped for the small schemas above: objects of those names, with wrong types.
fn values_for_small_schemas() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(
        (
            select(NAMES),
            prop::collection::vec((select(NAMES), any_json()), 0..6),
        )
            .prop_map(|(t, kv)| {
                let mut m: Map<String, Value> =
                    kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
                m.insert("@odata.type".into(), json!(format!("#{t}")));
                Value::Object(m)
            }),
        0..3,
    )
}

proptest! {
    #![proptest_config(config())]

    /// Any JSON is schema data or a reason; never a panic.
    #[test]
    fn schema_data_from_arbitrary_json(v in any_json()) {
        if let Ok(data) = SchemaData::from_json(v) {
            use_schema(data, &[]);
        }
    }

    /// Schema-shaped JSON with colliding names, cycles, dangling bases, extreme limits and wrong
    /// types: read (or refused) the way the serde derive reads the same text, and whatever is
    /// read can be resolved, packed, merged, validated against and diffed without a panic.
    #[test]
    fn schema_data_hostile(
        v in prop_oneof![
            hostile_schema(Mood { hostile: false }),
            hostile_schema(Mood { hostile: true }),
        ],
        values in values_for_small_schemas(),
    ) {
        let text = v.to_string();
        let by_hand = SchemaData::from_json(v);
        if let Ok(derived) = serde_json::from_str::<SchemaData>(&text) {
            prop_assert_eq!(by_hand.as_ref().ok(), Some(&derived), "{}", text);
        }
        if let Ok(data) = by_hand {
            use_schema(data, &values);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Validation and the diff on the real schemas, with hostile values.

/// An object of a real type: its own property names with values of any kind.
fn typed_object() -> impl Strategy<Value = (bool, Index, Value, Value)> {
    (
        any::<bool>(),
        any::<Index>(),
        prop::collection::vec((any::<Index>(), any_json()), 0..12),
        prop::collection::vec((any::<Index>(), any_json()), 0..12),
        prop_oneof![3 => Just(None), 1 => proptest::option::of(select(TYPES))],
    )
        .prop_map(|(beta, ty, a, b, odata)| {
            let api = if beta {
                ApiVersion::Beta
            } else {
                ApiVersion::V1
            };
            let s = schema(api);
            let ids = types_of(s);
            let t = s.get(ids[ty.index(ids.len())]);
            let build = |kv: Vec<(Index, Value)>| {
                let mut m = Map::new();
                m.insert(
                    "@odata.type".into(),
                    json!(odata.map(str::to_string).unwrap_or_else(|| t.odata_type())),
                );
                for (i, v) in kv {
                    let name = match t.properties.len() {
                        0 => "x".to_string(),
                        n => t.properties[i.index(n)].name.clone(),
                    };
                    m.insert(name, v);
                }
                Value::Object(m)
            };
            (beta, ty, build(a), build(b))
        })
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary and deep JSON against both whole schemas: problems, capped, never a panic.
    #[test]
    fn validate_arbitrary_json(v in any_json(), t in select(TYPES), ty in any::<Index>()) {
        for api in ApiVersion::ALL {
            let s = schema(api);
            let ids = types_of(s);
            let id = ids[ty.index(ids.len())];
            for mode in [Mode::Object, Mode::Patch] {
                prop_assert!(validate(s, &v, mode).len() <= MAX_PROBLEMS + 1);
                prop_assert!(validate_as(s, id, &v, mode).len() <= MAX_PROBLEMS + 1);
                let _ = validate_property(s, id, t, &v, mode);
            }
        }
    }

    /// Real types with their own property names holding values of the wrong type.
    #[test]
    fn validate_wrong_types_in_known_keys((beta, ty, a, b) in typed_object()) {
        let api = if beta { ApiVersion::Beta } else { ApiVersion::V1 };
        let s = schema(api);
        let ids = types_of(s);
        let id = ids[ty.index(ids.len())];
        for v in [&a, &b] {
            for mode in [Mode::Object, Mode::Patch] {
                let _ = validate(s, v, mode);
                let _ = validate_as(s, id, v, mode);
                for (k, value) in v.as_object().unwrap() {
                    let _ = validate_property(s, id, k, value, mode);
                }
            }
        }
    }

    /// The diff of arbitrary objects: no change gives no PATCH, and a PATCH that is sent leaves
    /// the edited object as Graph will hold it.
    #[test]
    fn diff_oracles((beta, _ty, a, b) in typed_object(), junk in any_json()) {
        let s = schema(if beta { ApiVersion::Beta } else { ApiVersion::V1 });
        for (x, y) in [(&a, &b), (&b, &a), (&a, &junk), (&junk, &b)] {
            if let Ok(p) = diff(s, x, y) {
                let _ = p.body();
                if !p.is_empty() {
                    prop_assert!(p.is_applied_in(y));
                }
            }
        }
        if let Ok(p) = diff(s, &a, &a) {
            prop_assert!(p.is_empty());
            prop_assert_eq!(p.body(), None);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Edm values.

const EDM_NAMES: &[&str] = &[
    "Edm.Boolean",
    "Edm.Byte",
    "Edm.SByte",
    "Edm.Int16",
    "Edm.Int32",
    "Edm.Int64",
    "Edm.Single",
    "Edm.Double",
    "Edm.Decimal",
    "Edm.String",
    "Edm.Guid",
    "Edm.DateTimeOffset",
    "Edm.Date",
    "Edm.TimeOfDay",
    "Edm.Duration",
    "Edm.Binary",
    "Edm.Stream",
    "Edm.Geography",
    "Edm.",
    "edm.Int32",
];

/// Text from the pieces of the lexical forms, in any order.
fn lexical_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        select(
            &[
                "0",
                "1",
                "2",
                "9",
                "12",
                "2024",
                "99999999999",
                "-",
                ":",
                "T",
                "Z",
                "+",
                ".",
                ",",
                "P",
                "Y",
                "M",
                "W",
                "D",
                "H",
                "S",
                "=",
                "/",
                "_",
                "A",
                "z",
                "\u{e9}",
                "\u{663}",
                "\u{10ffff}",
                " ",
                "",
            ][..],
        ),
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(config())]

    /// Every Edm type checks any JSON value, and every lexical reader any text.
    #[test]
    fn edm_never_panics(
        name in prop_oneof![select(EDM_NAMES).prop_map(str::to_string), "\\PC{0,20}"],
        v in any_json(),
        s in prop_oneof![lexical_like(), select(LEXICAL).prop_map(str::to_string), "\\PC{0,40}"],
    ) {
        if let Some(e) = Edm::parse(&name) {
            let _ = (e.describe(), e.integer_range(), e.is_numeric());
            let _ = e.check(&v);
            let _ = e.check(&Value::String(s.clone()));
        }
        let _ = (edm::is_guid(&s), edm::is_date(&s), edm::is_time_of_day(&s));
        let _ = (edm::is_date_time_offset(&s), edm::is_duration(&s), edm::is_base64(&s));
    }

    /// Integers are in range exactly when the type's bounds say; finite numbers are numbers.
    #[test]
    fn edm_numbers(n in any::<i64>(), u in any::<u64>(), f in any::<f64>()) {
        for e in [Edm::Byte, Edm::SByte, Edm::Int16, Edm::Int32, Edm::Int64] {
            let (lo, hi) = e.integer_range().unwrap();
            prop_assert_eq!(e.check(&json!(n)).is_ok(), lo <= n && n <= hi);
            prop_assert_eq!(e.check(&json!(u)).is_ok(), i64::try_from(u).is_ok_and(|u| u <= hi));
        }
        if f.is_finite() {
            prop_assert!(Edm::Double.check(&json!(f)).is_ok());
            prop_assert_eq!(Edm::Single.check(&json!(f)).is_ok(), f.abs() <= f32::MAX as f64);
            // A number as the page writes it reads back as the same number.
            prop_assert_eq!(format_number(f).parse::<f64>().ok(), Some(f));
        } else {
            let _ = format_number(f);
        }
    }

    /// Well-formed lexical values are accepted, and a date exactly when the calendar has it.
    #[test]
    fn edm_lexical_forms(
        y in 0u32..=9999,
        mo in 0u32..=13,
        d in 0u32..=32,
        h in 0u32..=24,
        mi in 0u32..=60,
        s in 0u32..=60,
        frac in "[0-9]{0,12}",
        zone in prop_oneof![
            Just("Z".to_string()),
            (any::<bool>(), 0u32..24, 0u32..60).prop_map(|(neg, zh, zm)| {
                format!("{}{zh:02}:{zm:02}", if neg { '-' } else { '+' })
            }),
        ],
        guid in any::<u128>(),
        bytes in prop::collection::vec(any::<u8>(), 0..64),
        url_safe in any::<bool>(),
        pad in any::<bool>(),
        parts in prop::collection::vec(0u32..1000, 8),
        part_mask in 1u8..=127,
    ) {
        let date = format!("{y:04}-{mo:02}-{d:02}");
        let real = (1..=12).contains(&mo)
            && d >= 1
            && i64::from(d) <= days_in_month(i64::from(y), i64::from(mo));
        prop_assert_eq!(edm::is_date(&date), real, "{}", date);
        let frac = if frac.is_empty() { String::new() } else { format!(".{frac}") };
        let time = format!("{h:02}:{mi:02}:{s:02}{frac}");
        let time_ok = h < 24 && mi < 60 && s < 60;
        prop_assert_eq!(edm::is_time_of_day(&time), time_ok, "{}", time);
        let dt = format!("{date}T{time}{zone}");
        prop_assert_eq!(edm::is_date_time_offset(&dt), real && time_ok, "{}", dt);

        let g = format!("{guid:032x}");
        let g = format!("{}-{}-{}-{}-{}", &g[..8], &g[8..12], &g[12..16], &g[16..20], &g[20..]);
        prop_assert!(edm::is_guid(&g));
        prop_assert!(edm::is_guid(&g.to_uppercase()));
        prop_assert!(edm::is_base64(&base64(&bytes, url_safe, pad)));

        // P[nY][nM][nW][nD][T[nH][nM][nS]], at least one part.
        let mut dur = String::from("P");
        for (i, des) in ["Y", "M", "W", "D"].iter().enumerate() {
            if (part_mask >> i) & 1 == 1 {
                dur.push_str(&format!("{}{des}", parts[i]));
            }
        }
        if part_mask >> 4 != 0 {
            dur.push('T');
            for (i, des) in ["H", "M", "S"].iter().enumerate() {
                if (part_mask >> (4 + i)) & 1 == 1 {
                    dur.push_str(&format!("{}{des}", parts[4 + i]));
                }
            }
        }
        prop_assert!(edm::is_duration(&dur), "{}", dur);
        prop_assert!(edm::is_duration(&format!("-{dur}")), "{}", dur);
    }
}

// ---------------------------------------------------------------------------------------------
// Strict URLs, Graph bases, object ids, field paths, pack files, labels.

/// URL-like text from pieces that trip parsers.
fn url_like() -> impl Strategy<Value = String> {
    (
        select(
            &[
                "https://",
                "http://",
                "HTTP://",
                "https:",
                "https:///",
                "ftp://",
                "",
                "//",
            ][..],
        ),
        prop::collection::vec(
            select(
                &[
                    "graph.microsoft.com",
                    "127.0.0.1",
                    "127.1",
                    "0x7f",
                    "0x",
                    "localhost",
                    "[::1]",
                    "[",
                    "]",
                    "[::1",
                    "[%25]",
                    "[v1.x]",
                    "a",
                    "-",
                    ".",
                    "..",
                    "@",
                    ":",
                    ":443",
                    ":0",
                    ":65536",
                    ":99999999999999999999",
                    "/",
                    "//",
                    "/%2e%2E",
                    "%",
                    "%4",
                    "%zz",
                    "%C3%28",
                    "?",
                    "?a=%",
                    "#",
                    "\\",
                    " ",
                    "\t",
                    "\u{130}",
                    "\u{ff0e}",
                    "\u{e9}",
                    "\u{10ffff}",
                ][..],
            ),
            0..12,
        ),
        "[a-z0-9.]{0,70}",
    )
        .prop_map(|(scheme, parts, label)| format!("{scheme}{label}{}", parts.concat()))
}

proptest! {
    #![proptest_config(config())]

    /// Any text: refused or split into parts that read back the same.
    #[test]
    fn weburl_parse(url in prop_oneof![url_like(), "\\PC{0,60}"]) {
        if let Ok(u) = weburl::parse(&url) {
            let port = u.port.map(|p| format!(":{p}")).unwrap_or_default();
            let query = u.query.map(|q| format!("?{q}")).unwrap_or_default();
            let again = format!("{}://{}{port}{}{query}", u.scheme.as_str(), u.host, u.path);
            let v = weburl::parse(&again);
            prop_assert_eq!(v.as_ref(), Ok(&u), "{} -> {}", url, again);
            prop_assert!(u.same_origin(&u));
            let _ = (u.effective_port(), u.host.is_loopback());
        }
    }

    /// A Graph base: refused, or normalised for good (parsing it again changes nothing), owning
    /// the URLs under it and not itself; `owns` answers any text.
    #[test]
    fn graph_base_parse_and_owns(
        text in prop_oneof![url_like(), "\\PC{0,60}"],
        other in prop_oneof![url_like(), "\\PC{0,60}"],
        path in "[a-zA-Z0-9/]{1,20}",
    ) {
        let _ = Cloud::from_graph_base(&text);
        if let Ok(b) = GraphBase::parse(&text) {
            let again = GraphBase::parse(b.as_str());
            prop_assert_eq!(again.as_ref(), Ok(&b));
            prop_assert!(!b.owns(b.as_str()));
            for api in ApiVersion::ALL {
                prop_assert!(b.owns(&b.url(api, "deviceManagement")), "{}", b);
                let _ = b.owns(&b.url(api, &path));
            }
            let _ = (b.is_loopback(), b.cloud_of(), b.owns(&other));
        }
    }

    /// An id is refused or becomes one path segment under the base that reads back as the id.
    #[test]
    fn object_id_parse(id in prop_oneof![
        "\\PC{0,40}",
        any::<String>(),
        select(&[".", "..", " .. ", "%2e%2e", "../x", "a/b", "a?b#c", "", "   "][..])
            .prop_map(str::to_string),
        (257usize..300).prop_map(|n| "x".repeat(n)),
    ]) {
        if let Ok(o) = ObjectId::parse(&id) {
            prop_assert_eq!(o.as_str(), id.trim());
            let enc = o.encoded();
            prop_assert!(enc.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            prop_assert_eq!(percent_decode(&enc), Some(o.as_str().as_bytes().to_vec()));
            let t = Target::device_configuration(&id).unwrap();
            for c in Cloud::ALL {
                let base = GraphBase::cloud(c);
                prop_assert!(base.owns(&t.url(&base, ApiVersion::Beta)), "{}", id);
            }
        }
    }

    /// `percent_encode` leaves only unreserved characters and escapes that decode back.
    #[test]
    fn percent_encode_round_trip(s in any::<String>()) {
        let enc = percent_encode(&s);
        prop_assert_eq!(percent_decode(&enc), Some(s.into_bytes()));
    }

    /// Paths parsed from any text (Graph error targets) split and compare without a panic; a
    /// path built below one starts with it.
    #[test]
    fn field_paths(s in "\\PC{0,40}", name in "\\PC{0,10}", i in any::<usize>(), t in "\\PC{0,40}") {
        let p = FieldPath::parse(&s);
        let q = FieldPath::parse(&t);
        let _ = (p.top_property(), p.starts_with(&q), q.starts_with(&p), p.is_root());
        let below = p.prop(&name).index(i);
        prop_assert!(below.starts_with(&p));
        let _ = below.top_property();
    }

    /// A link's type name becomes a pack file name only when it cannot leave its folder; names
    /// from schema files become labels.
    #[test]
    fn pack_files_and_labels(name in prop_oneof![
        "\\PC{0,40}",
        "[#.a-zA-Z/%_]{0,40}",
        select(TYPES).prop_map(str::to_string),
    ]) {
        if let Some(f) = pack_file(&name) {
            prop_assert!(f.ends_with(".json"));
            prop_assert!(!f.contains('/') && !f.contains('\\') && !f.contains(".."));
            prop_assert!(!f.starts_with('.'));
        }
        let _ = (label::label(&name), label::words(&name));
    }
}
