//! Where the token may go: `GraphBase::parse` and `owns` held to the WHATWG URL parser (the `url`
//! crate, which is what a browser does) on generated and hostile input, and the copied commands
//! held to a real shell-words splitter.

use policy_core::command::{ps_quote, sh_quote, RequestPreview};
use policy_core::endpoint::{Cloud, GraphBase};
use proptest::prelude::*;

/// The reference: does the browser send a request for `url` to the base's origin, under the
/// base's path? `None` when the browser cannot parse it at all (no request is made).
fn browser_owns(base: &GraphBase, url: &str) -> Option<bool> {
    let b = url::Url::parse(base.as_str()).expect("a parsed base is a URL");
    let u = url::Url::parse(url).ok()?;
    let base_path = b.path().trim_end_matches('/');
    let below = u
        .path()
        .strip_prefix(base_path)
        .and_then(|r| r.strip_prefix('/'))
        .is_some_and(|r| !r.is_empty());
    Some(u.origin() == b.origin() && below && u.username().is_empty() && u.password().is_none())
}

/// Pieces that trip URL parsers: dots that are not ASCII dots, escapes, separators, case.
const HOSTS: &[&str] = &[
    "graph.microsoft.com",
    "GRAPH.Microsoft.COM",
    "graph.microsoft.com.",
    "graph.microsoft.com.evil.example",
    "graph\u{ff0e}microsoft\u{ff0e}com",
    "graph\u{3002}microsoft.com",
    "graph%2emicrosoft.com",
    "graph.microsoft.co\u{e9}",
    "xn--graph-9ua.microsoft.com",
    "evil.example@graph.microsoft.com",
    "graph.microsoft.com@evil.example",
    "graph.microsoft.com%40evil.example",
    "127.0.0.1",
    "127.1",
    "0x7f.0.0.1",
    "2130706433",
    "127.evil.example",
    "localhost",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "",
];
const PORTS: &[&str] = &["", ":443", ":0443", ":80", ":8080", ":", ":99999", ":x"];
const SEGMENTS: &[&str] = &[
    "beta",
    "v1.0",
    "deviceManagement",
    "..",
    ".",
    "%2e%2e",
    ".%2E",
    "%2F",
    "a\\b",
    "",
    "\u{e9}",
    "x y",
    "x\ty",
    "_fault",
    "429:retry-after=3",
];
const QUERIES: &[&str] = &["", "?$top=2", "?$skiptoken=a%2Fb&x=\u{e9}", "#frag", "?a#b"];

fn generated_url() -> impl Strategy<Value = String> {
    (
        prop::sample::select(
            &[
                "https://",
                "http://",
                "HTTPS://",
                "https:/",
                "https:\\\\",
                " https://",
            ][..],
        ),
        prop::sample::select(HOSTS),
        prop::sample::select(PORTS),
        prop::collection::vec(prop::sample::select(SEGMENTS), 0..5),
        prop::sample::select(QUERIES),
    )
        .prop_map(|(scheme, host, port, segs, query)| {
            let path: String = segs.iter().map(|s| format!("/{s}")).collect();
            format!("{scheme}{host}{port}{path}{query}")
        })
}

fn bases() -> Vec<GraphBase> {
    [
        "https://graph.microsoft.com",
        "https://graph.microsoft.us",
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080/_fault/429",
        "https://proxy.example/graph",
        "http://[::1]:9000",
        "http://localhost:1",
    ]
    .iter()
    .map(|b| GraphBase::parse(b).unwrap())
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    /// Any Unicode text: parsing a base and asking whether a URL is under it never panics.
    #[test]
    fn parse_and_owns_never_panic(text in "\\PC*", raw in any::<String>()) {
        for s in [&text, &raw] {
            let _ = GraphBase::parse(s);
            for b in bases() {
                let _ = b.owns(s);
            }
        }
    }

    /// Whenever the editor would attach the token, the browser sends the request to the same
    /// origin, under the base's path.
    #[test]
    fn owns_implies_the_browser_agrees(url in generated_url(), text in "\\PC*") {
        for b in bases() {
            for u in [&url, &text] {
                if b.owns(u) {
                    prop_assert_eq!(browser_owns(&b, u), Some(true), "{} owns {}", b, u);
                }
            }
        }
    }

    /// On clean URLs (no dot segments, escapes in hosts or odd characters) the two agree both
    /// ways: nothing Graph sends is refused for no reason.
    #[test]
    fn owns_matches_the_browser_on_clean_urls(
        host in prop::sample::select(&["graph.microsoft.com", "GRAPH.microsoft.com", "graph.microsoft.us", "127.0.0.1", "proxy.example", "[::1]", "localhost"][..]),
        scheme in prop::sample::select(&["https", "http", "HTTPS"][..]),
        port in prop::sample::select(&["", ":443", ":80", ":8080", ":9000", ":1"][..]),
        segs in prop::collection::vec("[a-zA-Z0-9_.~-]{1,8}|%2F|_fault|graph|beta|429", 0..5),
        query in prop::sample::select(&["", "?$top=2", "?$skiptoken=x%2F1"][..]),
    ) {
        let segs: Vec<String> = segs.into_iter().filter(|s| s != "." && s != "..").collect();
        let url = format!("{scheme}://{host}{port}/{}{query}", segs.join("/"));
        for b in bases() {
            prop_assert_eq!(Some(b.owns(&url)), browser_owns(&b, &url), "{} vs {}", b, url);
        }
    }

    /// Whatever text the user types as a base, a base the editor accepts parses to the same
    /// origin in the browser, is https unless it is this machine, and prints back unchanged.
    #[test]
    fn accepted_bases_mean_the_same_to_the_browser(url in generated_url()) {
        if let Ok(b) = GraphBase::parse(&url) {
            let u = url::Url::parse(b.as_str()).expect("an accepted base parses");
            prop_assert_eq!(u.as_str().trim_end_matches('/'), b.as_str());
            if u.scheme() == "http" {
                prop_assert!(b.is_loopback(), "{}", b);
            }
            prop_assert_eq!(GraphBase::parse(b.as_str()), Ok(b.clone()));
        }
    }

    /// The hand-written encoder of ids (kept to spare the app's download a crate) encodes
    /// exactly as the `percent-encoding` crate does with RFC 3986's unreserved set kept, and
    /// the crate decodes it back.
    #[test]
    fn ids_are_percent_encoded_as_the_crate_does(text in "\\PC*", raw in any::<String>()) {
        use percent_encoding::{utf8_percent_encode, percent_decode_str, NON_ALPHANUMERIC, AsciiSet};
        const KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
        for s in [&text, &raw] {
            let ours = policy_core::endpoint::percent_encode(s);
            prop_assert_eq!(&ours, &utf8_percent_encode(s, KEEP).to_string());
            prop_assert_eq!(percent_decode_str(&ours).decode_utf8().unwrap(), s.as_str());
        }
    }

    /// Any text quoted for a shell comes back as exactly that one word.
    #[test]
    fn quoting_keeps_one_word(text in "\\PC*") {
        let words = shell_words::split(&sh_quote(&text)).expect("a quoted word splits");
        prop_assert_eq!(words, vec![text.clone()]);
        prop_assert_eq!(powershell_words(&ps_quote(&text)), vec![text]);
    }
}

/// Hostile bases: each is refused, or accepted as exactly the origin the browser would use.
#[test]
fn hostile_bases() {
    let cases: &[(&str, Option<&str>)] = &[
        ("http://127.evil.example", None),
        ("http://127.0.0.1.evil.example:8080", None),
        ("http://127.1:8080", None),
        ("http://0x7f000001", None),
        ("http://2130706433", None),
        ("http://127.0.0.1.", None),
        ("http://localhost.evil.example", None),
        ("http://[::ffff:127.0.0.1]", None),
        ("https://user@graph.microsoft.com", None),
        ("https://graph.microsoft.com@evil.example", None),
        ("https://evil.example%40graph.microsoft.com", None),
        ("https://graph.microsoft.com%2eevil.example", None),
        ("https://graph\u{ff0e}microsoft\u{ff0e}com", None),
        ("https://graph\u{3002}microsoft\u{3002}com", None),
        ("https://graph.microsoft.com.", None),
        ("https://graph.microsoft.co\u{e9}", None),
        ("https://evil.example\\graph.microsoft.com", None),
        ("https://graph.microsoft.com/a/%2e%2e/b", None),
        ("https://graph.microsoft.com/a/../b", None),
        ("https://graph.microsoft.com//evil.example", None),
        ("https://proxy.example/g';id;'", None),
        ("https://proxy.example/g\"$(id)\"", None),
        ("https://proxy.example/`id`", None),
        ("https://proxy.example/$HOME", None),
        ("https://proxy.example/a;b", None),
        ("https://proxy.example/a|b", None),
        ("https://proxy.example/a b", None),
        ("https://proxy.example/a?x=1", None),
        ("https://proxy.example/a#x", None),
        ("javascript:alert(1)", None),
        ("http://example.com", None),
        (
            "https://graph.microsoft.com:443",
            Some("https://graph.microsoft.com"),
        ),
        (
            "HTTPS://GRAPH.MICROSOFT.US/",
            Some("https://graph.microsoft.us"),
        ),
        (
            "https://xn--grph-8na.example",
            Some("https://xn--grph-8na.example"),
        ),
        (
            "http://127.0.0.1:8080/_fault/429:retry-after=3",
            Some("http://127.0.0.1:8080/_fault/429:retry-after=3"),
        ),
        ("http://[::1]:8080", Some("http://[::1]:8080")),
        ("http://localhost:80", Some("http://localhost")),
    ];
    assert!(cases.len() >= 30);
    for (text, expected) in cases {
        let parsed = GraphBase::parse(text);
        assert_eq!(
            parsed.as_ref().ok().map(GraphBase::as_str),
            *expected,
            "{text}: {parsed:?}"
        );
        if let Ok(b) = parsed {
            let u = url::Url::parse(b.as_str()).unwrap();
            assert_eq!(u.as_str().trim_end_matches('/'), b.as_str());
            assert_copied_commands_keep_one_argument(&b.url(policy_core::ApiVersion::Beta, "x"));
        }
        // Whatever the base text, the copied commands keep it as one argument.
        assert_copied_commands_keep_one_argument(text);
    }
    assert_eq!(
        GraphBase::parse("https://graph.microsoft.com:443")
            .unwrap()
            .cloud_of(),
        Some(Cloud::Global)
    );
}

#[test]
fn a_unicode_next_link_is_refused_without_a_panic() {
    let b = GraphBase::cloud(Cloud::Global);
    assert!(!b.owns("https://graph.microsoft.co\u{e9}/beta/x"));
    assert!(!b.owns("https://graph.microsoft.com\u{e9}/beta/x"));
    assert!(!b.owns("https://graph.microsoft.c\u{f3}m"));
    assert!(b.owns("https://graph.microsoft.com/beta/x?$skiptoken=\u{e9}"));
    assert!(!b.owns("https://graph.microsoft.com/beta/../../evil"));
    assert!(!b.owns("https://graph.microsoft.com:444/beta/x"));
    assert!(b.owns("https://graph.microsoft.com:443/beta/x"));
    assert!(!b.owns("http://graph.microsoft.com/beta/x"));
    assert!(!b.owns("https://graph.microsoft.com"));
    assert!(!b.owns("https://graph.microsoft.com/"));
    let sandbox = GraphBase::parse("http://127.0.0.1:8080/_fault/429").unwrap();
    assert!(sandbox.owns("http://127.0.0.1:8080/_fault/429/beta/x"));
    assert!(!sandbox.owns("http://127.0.0.1:8080/_fault/4290/beta/x"));
    assert!(!sandbox.owns("http://127.0.0.1:8080/beta/x"));
}

/// Splits a PowerShell command line into its single-quoted literals, as PowerShell reads them:
/// `''` and the typographic single quotes doubled stand for one quote. An independent reading of
/// the language's rules, not the code under test.
fn powershell_words(line: &str) -> Vec<String> {
    let is_quote = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}');
    let chars: Vec<char> = line.chars().collect();
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_quote(chars[i]) {
            let mut word = String::new();
            i += 1;
            loop {
                assert!(i < chars.len(), "unterminated string in {line:?}");
                if is_quote(chars[i]) {
                    if i + 1 < chars.len() && is_quote(chars[i + 1]) {
                        word.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                word.push(chars[i]);
                i += 1;
            }
            words.push(word);
        } else {
            i += 1;
        }
    }
    words
}

fn assert_copied_commands_keep_one_argument(url: &str) {
    let body = "{\n  \"displayName\": \"it's $(id) `id` ‘x’\"\n}\nJSON\n'@";
    let p = RequestPreview {
        method: "PATCH",
        url: url.to_string(),
        headers: vec![
            ("Authorization", "Bearer <redacted>".into()),
            ("Content-Type", "application/json".into()),
        ],
        body: body.to_string(),
        then: None,
    };
    let curl = p.to_curl().replace("\\\n", " ");
    let words = shell_words::split(&curl).expect("the curl command splits");
    assert_eq!(
        words,
        vec![
            "curl",
            "-X",
            "PATCH",
            url,
            "-H",
            "Authorization: Bearer $TOKEN",
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            body
        ],
        "{curl}"
    );
    let ps = p.to_powershell();
    assert_eq!(
        powershell_words(&ps),
        vec![body, url, "application/json"],
        "{ps}"
    );
    // Two requests in a row (an intent's PATCH, then its updateSettings): two commands, each
    // keeping its arguments, in that order.
    let mut two = p.clone();
    let mut next = p.clone();
    next.method = "POST";
    next.body = "{\"settings\": []} '; rm -rf ~ #".into();
    two.then = Some(Box::new(next.clone()));
    let curl = two.to_curl().replace("\\\n", " ");
    let commands: Vec<Vec<String>> = curl
        .split("\ncurl ")
        .map(|c| shell_words::split(c.trim_start_matches("curl ")).expect("each command splits"))
        .collect();
    assert_eq!(commands.len(), 2, "{curl}");
    assert_eq!(commands[0][1], "PATCH");
    assert_eq!(commands[1][1], "POST");
    assert_eq!(
        commands[1].last().map(String::as_str),
        Some(next.body.as_str())
    );
    let ps = two.to_powershell();
    assert_eq!(
        powershell_words(&ps),
        vec![
            body,
            url,
            "application/json",
            &next.body,
            url,
            "application/json"
        ],
        "{ps}"
    );
    assert_eq!(two.text(), format!("{}\n\n{}", p.text(), next.text()));
    assert!(p
        .text()
        .starts_with(&format!("PATCH {url}\nAuthorization: Bearer <redacted>\n")));
}
