//! Fuzz targets for the sandbox's fault specs (`graph_sandbox::fault`): what a request header,
//! a path prefix, a start-up option or the control endpoint may say.
//!
//! graph-sandbox has no proptest among its dev-dependencies, so these run on the small seeded
//! harness in the app's `tests/fuzzkit` (one case is one input; `PROPTEST_CASES=N` sets the
//! count; see "Fuzzing the parsers" in README.md).

#[path = "../../../tests/fuzzkit/mod.rs"]
mod fuzzkit;

use fuzzkit::{check, Rng};
use graph_sandbox::fault::{
    parse_spec, Fault, Lost, Plan, Queue, RetryAfter, Rule, MAX_DELAY_MS, MAX_RETRY_AFTER,
};

/// Inputs per target in a plain `cargo test`.
const CASES: u64 = 256;

/// The grammar's words, numbers at every limit and the separators.
const PIECES: &[&str] = &[
    "429",
    "500",
    "502",
    "503",
    "504",
    "404",
    "4290",
    ":retry-after=",
    ":RETRY-AFTER=",
    ":retry-after-date=",
    "applied=",
    "applied=drop",
    "applied=503",
    "APPLIED=",
    ":wait=",
    ":",
    "delay=",
    "DELAY=",
    "drop",
    "DROP",
    "concurrent",
    "Concurrent",
    ",",
    ", ",
    " ",
    "@",
    "@PATCH",
    "@get",
    "@",
    "x",
    "X",
    "x1",
    "x0",
    "x4294967295",
    "x4294967296",
    "0",
    "1",
    "60000",
    "60001",
    "86400",
    "86401",
    "18446744073709551615",
    "18446744073709551616",
    "-1",
    "+1",
    "1.5",
    "\u{e9}",
    "\u{130}",
    "\u{0}",
];

fn spec_like(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => rng.text(60),
        _ => rng.pieces(PIECES, 12),
    }
}

/// A well-formed item of the grammar.
fn item(rng: &mut Rng) -> String {
    let status = rng.pick(&["429", "500", "502", "503", "504"]);
    match rng.below(7) {
        0 => "drop".into(),
        1 => "concurrent".into(),
        2 => format!("delay={}", rng.range(0, MAX_DELAY_MS as i64)),
        3 => status.to_string(),
        4 => format!(
            "applied={}",
            rng.pick(&["drop", "500", "502", "503", "504"])
        ),
        _ => format!(
            "{status}:{}={}",
            rng.pick(&["retry-after", "retry-after-date"]),
            rng.range(0, MAX_RETRY_AFTER as i64)
        ),
    }
}

#[test]
fn fault_specs_never_panic() {
    check(
        "fault_specs_never_panic",
        CASES,
        |rng| (spec_like(rng), spec_like(rng)),
        |(spec, method)| {
            if let Ok(faults) = parse_spec(spec) {
                assert!(!faults.is_empty());
                for f in &faults {
                    match *f {
                        Fault::Delay(d) => assert!(d.as_millis() <= u128::from(MAX_DELAY_MS)),
                        Fault::Status {
                            status,
                            retry_after,
                        } => {
                            assert!([429, 500, 502, 503, 504].contains(&status));
                            let seconds = match retry_after {
                                Some(RetryAfter::Seconds(s) | RetryAfter::DateIn(s)) => s,
                                None => 0,
                            };
                            assert!(u64::from(seconds) <= MAX_RETRY_AFTER);
                        }
                        Fault::Applied(Lost::Status(s)) => {
                            assert!([500, 502, 503, 504].contains(&s));
                        }
                        Fault::Applied(Lost::Drop) | Fault::Drop | Fault::Concurrent => {}
                    }
                }
                let _ = Plan::from_sources(&[&faults, &faults]);
            }
            if let Ok(rule) = Rule::parse_option(spec) {
                assert!(rule
                    .method
                    .as_deref()
                    .is_none_or(|m| m.bytes().all(|b| b.is_ascii_uppercase())));
                let mut q = Queue::new(vec![rule]);
                for _ in 0..3 {
                    let _ = q.take(method, "/beta/x");
                    let _ = q.take("PATCH", spec);
                }
            }
        },
    );
}

#[test]
fn fault_specs_read_back_as_written() {
    check(
        "fault_specs_read_back_as_written",
        CASES,
        |rng| {
            let n = 1 + rng.below(5);
            let items: Vec<String> = (0..n).map(|_| item(rng)).collect();
            let sep = rng.pick(&[",", ", ", " ,"]);
            let spec = items.join(sep);
            let count = rng.bool().then(|| rng.range(1, u32::MAX as i64));
            let method = rng
                .bool()
                .then(|| rng.text_of("getpachGETPACH", 6))
                .filter(|m| !m.is_empty());
            (spec, method, count)
        },
        |(spec, method, count)| {
            let faults = parse_spec(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
            // Written out (as the control endpoint lists them) they read back the same.
            let written: Vec<String> = faults.iter().map(Fault::to_string).collect();
            assert_eq!(parse_spec(&written.join(",")).unwrap(), faults);
            let mut option = spec.clone();
            if let Some(m) = method {
                option.push_str(&format!("@{m}"));
            }
            if let Some(c) = count {
                option.push_str(&format!("x{c}"));
            }
            let rule = Rule::parse_option(&option).unwrap_or_else(|e| panic!("{option}: {e}"));
            assert_eq!(rule.spec, faults);
            assert_eq!(rule.method, method.as_ref().map(|m| m.to_ascii_uppercase()));
            assert_eq!(rule.remaining, count.map(|c| c as u32));
        },
    );
}
