//! Fault injection: what can go wrong with a Graph request, said in one small grammar and asked
//! for five ways (request header, path prefix, start-up option, control endpoint, and the
//! in-process queue the end-to-end tests' `TestSandbox::fault` fills).
//!
//! ```text
//! spec   = item *("," item)
//! item   = status [":" option]               ; status is 429, 500, 502, 503 or 504
//!        | "applied=" (lost | "drop")        ; handle the request, then lose its answer
//!        | "delay=" milliseconds             ; wait, then answer normally
//!        | "drop"                            ; close the connection, no HTTP answer
//!        | "concurrent"                      ; someone else edits the object first
//! option = "retry-after=" seconds            ; Retry-After: SECONDS (0 allowed)
//!        | "retry-after-date=" seconds       ; Retry-After: the HTTP date SECONDS from now
//! lost   = "500" | "502" | "503" | "504"     ; the status that replaces the real answer
//! rule   = spec ["@" METHOD] ["x" count]     ; the start-up option's form
//! ```
//!
//! A 429 without an option says `Retry-After: 1`, as Graph's throttling usually does. Both
//! options are bounded by [`MAX_RETRY_AFTER`]; `retry-after-date` is written as an IMF-fixdate
//! (`Sun, 06 Nov 1994 08:49:37 GMT`) from the sandbox's clock when the answer is made.
//!
//! `applied=…` is the lost answer: the request is carried out as usual (a PATCH is applied and
//! saved), then its answer is replaced by that status (a Graph-shaped error body) or the
//! connection is closed, as when a gateway times out after the service did the work. A status
//! or `drop` item in the same request wins over it: that request is never carried out.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::Error;

/// The longest delay a spec may ask for, so a hostile header cannot hold a task for ever.
pub const MAX_DELAY_MS: u64 = 60_000;
/// The longest `Retry-After` a spec may ask for.
pub const MAX_RETRY_AFTER: u64 = 86_400;

/// What a status fault says in `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: SECONDS` (delta-seconds; 0 allowed).
    Seconds(u32),
    /// `Retry-After: <HTTP date>`, that many seconds after the answer is made.
    DateIn(u32),
}

impl fmt::Display for RetryAfter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryAfter::Seconds(s) => write!(f, "retry-after={s}"),
            RetryAfter::DateIn(s) => write!(f, "retry-after-date={s}"),
        }
    }
}

/// How an answer is lost after the request was carried out (`applied=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lost {
    /// Replaced by this status (500, 502, 503 or 504) with a Graph-shaped error body.
    Status(u16),
    /// The connection is closed without any HTTP answer.
    Drop,
}

/// One thing that goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status (and `Retry-After` when set) instead of handling the request.
    Status {
        status: u16,
        retry_after: Option<RetryAfter>,
    },
    /// Handle the request normally, then lose the answer.
    Applied(Lost),
    /// Wait this long, then go on.
    Delay(Duration),
    /// Close the connection without any HTTP answer.
    Drop,
    /// Change the addressed object as another administrator would, then go on.
    Concurrent,
}

impl Fault {
    /// True for the faults that replace the answer rather than precede it.
    pub fn ends_request(self) -> bool {
        matches!(self, Fault::Status { .. } | Fault::Drop)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Status {
                status,
                retry_after: Some(r),
            } => write!(f, "{status}:{r}"),
            Fault::Status { status, .. } => write!(f, "{status}"),
            Fault::Applied(Lost::Status(s)) => write!(f, "applied={s}"),
            Fault::Applied(Lost::Drop) => f.write_str("applied=drop"),
            Fault::Delay(d) => write!(f, "delay={}", d.as_millis()),
            Fault::Drop => f.write_str("drop"),
            Fault::Concurrent => f.write_str("concurrent"),
        }
    }
}

fn spec_error(spec: &str, reason: impl Into<String>) -> Error {
    Error::FaultSpec {
        spec: crate::reply::shorten(spec, 100),
        reason: reason.into(),
    }
}

/// Parses a spec: one item or several separated by commas.
pub fn parse_spec(spec: &str) -> Result<Vec<Fault>, Error> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err(spec_error(spec, "it is empty"));
    }
    spec.split(',')
        .map(|item| parse_item(spec, item.trim()))
        .collect()
}

fn number(spec: &str, text: &str, what: &str, max: u64) -> Result<u64, Error> {
    let n: u64 = text
        .parse()
        .map_err(|_| spec_error(spec, format!("{what} must be a whole number")))?;
    if n > max {
        return Err(spec_error(spec, format!("{what} must be at most {max}")));
    }
    Ok(n)
}

fn parse_item(spec: &str, item: &str) -> Result<Fault, Error> {
    let lower = item.to_ascii_lowercase();
    match lower.as_str() {
        "drop" => return Ok(Fault::Drop),
        "concurrent" => return Ok(Fault::Concurrent),
        _ => {}
    }
    if let Some(ms) = lower.strip_prefix("delay=") {
        let ms = number(spec, ms, "the delay", MAX_DELAY_MS)?;
        return Ok(Fault::Delay(Duration::from_millis(ms)));
    }
    if let Some(lost) = lower.strip_prefix("applied=") {
        return match lost {
            "drop" => Ok(Fault::Applied(Lost::Drop)),
            "500" | "502" | "503" | "504" => {
                Ok(Fault::Applied(Lost::Status(lost.parse().unwrap_or(500))))
            }
            _ => Err(spec_error(
                spec,
                format!(
                    "applied={:?} is none of applied=500, applied=502, applied=503, applied=504, applied=drop",
                    crate::reply::shorten(lost, 40)
                ),
            )),
        };
    }
    let (status, option) = match lower.split_once(':') {
        Some((s, o)) => (s, Some(o)),
        None => (lower.as_str(), None),
    };
    let status: u16 = match status {
        "429" | "500" | "502" | "503" | "504" => status.parse().unwrap_or(500),
        _ => {
            return Err(spec_error(
                spec,
                format!(
                    "{:?} is none of 429, 500, 502, 503, 504, applied=STATUS, applied=drop, delay=MS, drop, concurrent",
                    crate::reply::shorten(item, 40)
                ),
            ))
        }
    };
    let seconds = |n: &str, what: &str| {
        number(spec, n, what, MAX_RETRY_AFTER).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    };
    let retry_after = match option {
        None => (status == 429).then_some(RetryAfter::Seconds(1)),
        Some(o) => {
            if let Some(n) = o.strip_prefix("retry-after-date=") {
                Some(RetryAfter::DateIn(seconds(n, "retry-after-date")?))
            } else if let Some(n) = o.strip_prefix("retry-after=") {
                Some(RetryAfter::Seconds(seconds(n, "retry-after")?))
            } else {
                return Err(spec_error(
                    spec,
                    "the options are :retry-after=SECONDS and :retry-after-date=SECONDS",
                ));
            }
        }
    };
    Ok(Fault::Status {
        status,
        retry_after,
    })
}

/// A fault waiting for matching requests: from `--fault` or `POST /_sandbox/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    #[serde(serialize_with = "serialize_faults")]
    pub spec: Vec<Fault>,
    /// Upper-case method to match; any method when `None`.
    pub method: Option<String>,
    /// A substring the request's path (with query) must contain.
    #[serde(rename = "pathContains")]
    pub path_contains: Option<String>,
    /// How many more requests it applies to; for ever when `None`.
    pub remaining: Option<u32>,
}

fn serialize_faults<S: serde::Serializer>(faults: &[Fault], s: S) -> Result<S::Ok, S::Error> {
    let text: Vec<String> = faults.iter().map(Fault::to_string).collect();
    s.serialize_str(&text.join(","))
}

impl Rule {
    /// Parses the start-up form `SPEC[@METHOD][xCOUNT]`, e.g. `429@PATCHx1`; without a count the
    /// rule applies for the life of the process.
    pub fn parse_option(text: &str) -> Result<Rule, Error> {
        let mut rest = text.trim();
        let mut remaining = None;
        if let Some((head, count)) = rest.rsplit_once(['x', 'X']) {
            if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) {
                let n = number(text, count, "the count", u32::MAX as u64)? as u32;
                remaining = Some(n);
                rest = head;
            }
        }
        let mut method = None;
        if let Some((head, m)) = rest.rsplit_once('@') {
            if m.is_empty() || !m.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(spec_error(
                    text,
                    "@ must be followed by a method such as PATCH",
                ));
            }
            method = Some(m.to_ascii_uppercase());
            rest = head;
        }
        Ok(Rule {
            spec: parse_spec(rest)?,
            method,
            path_contains: None,
            remaining,
        })
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.remaining != Some(0)
            && self.method.as_deref().is_none_or(|m| m == method)
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| path.contains(p))
    }
}

/// The queued rules, first match wins.
#[derive(Debug, Default)]
pub struct Queue {
    rules: Vec<Rule>,
}

impl Queue {
    pub fn new(rules: Vec<Rule>) -> Queue {
        Queue { rules }
    }

    pub fn push(&mut self, rule: Rule) {
        self.rules.push(rule);
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Takes the faults of the first rule that matches, using up one of its count.
    pub fn take(&mut self, method: &str, path: &str) -> Vec<Fault> {
        let Some(i) = self.rules.iter().position(|r| r.matches(method, path)) else {
            return Vec::new();
        };
        let rule = &mut self.rules[i];
        let faults = rule.spec.clone();
        if let Some(n) = rule.remaining.as_mut() {
            *n -= 1;
            if *n == 0 {
                self.rules.remove(i);
            }
        }
        faults
    }
}

/// What a request meets, all sources together: the delays add up, `concurrent` happens once,
/// the first status or drop (header before path prefix before queue) ends the request, and
/// the first `applied=…` loses the answer of a request that was carried out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub delay: Duration,
    pub concurrent: bool,
    pub end: Option<Fault>,
    /// How the answer is lost after the request was handled; moot when `end` is set.
    pub lost: Option<Lost>,
}

impl Plan {
    pub fn from_sources(sources: &[&[Fault]]) -> Plan {
        let mut plan = Plan::default();
        for fault in sources.iter().flat_map(|s| s.iter().copied()) {
            match fault {
                Fault::Delay(d) => plan.delay += d,
                Fault::Concurrent => plan.concurrent = true,
                Fault::Applied(lost) => {
                    plan.lost.get_or_insert(lost);
                }
                f if plan.end.is_none() && f.ends_request() => plan.end = Some(f),
                _ => {}
            }
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        let cases: &[(&str, &[Fault])] = &[
            (
                "429",
                &[Fault::Status {
                    status: 429,
                    retry_after: Some(RetryAfter::Seconds(1)),
                }],
            ),
            (
                "429:retry-after=3",
                &[Fault::Status {
                    status: 429,
                    retry_after: Some(RetryAfter::Seconds(3)),
                }],
            ),
            (
                "429:retry-after=0",
                &[Fault::Status {
                    status: 429,
                    retry_after: Some(RetryAfter::Seconds(0)),
                }],
            ),
            (
                "429:Retry-After-Date=400",
                &[Fault::Status {
                    status: 429,
                    retry_after: Some(RetryAfter::DateIn(400)),
                }],
            ),
            (
                "503:retry-after-date=86400",
                &[Fault::Status {
                    status: 503,
                    retry_after: Some(RetryAfter::DateIn(86_400)),
                }],
            ),
            ("applied=502", &[Fault::Applied(Lost::Status(502))]),
            ("APPLIED=drop", &[Fault::Applied(Lost::Drop)]),
            (
                "delay=5,applied=504",
                &[
                    Fault::Delay(Duration::from_millis(5)),
                    Fault::Applied(Lost::Status(504)),
                ],
            ),
            (
                "503",
                &[Fault::Status {
                    status: 503,
                    retry_after: None,
                }],
            ),
            ("delay=250", &[Fault::Delay(Duration::from_millis(250))]),
            ("DROP", &[Fault::Drop]),
            (
                "delay=5, concurrent",
                &[Fault::Delay(Duration::from_millis(5)), Fault::Concurrent],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_spec(text).unwrap(), *expected, "{text}");
        }
        for bad in [
            "",
            "404",
            "429:wait=3",
            "delay=x",
            "delay=999999999",
            "drop,",
            "429:retry-after=86401",
            "429:retry-after-date=86401",
            "429:retry-after-date=",
            "429:retry-after-date=-1",
            "429:retry-after-date=1.5",
            "429:retry-after-date",
            "applied=429",
            "applied=200",
            "applied=",
            "applied",
            "applied=drop:retry-after=1",
            "applied=503:retry-after=1",
        ] {
            assert!(parse_spec(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn specs_print_as_parsed() {
        for text in [
            "429:retry-after=0",
            "429:retry-after-date=400",
            "503",
            "applied=500",
            "applied=drop",
            "delay=5,concurrent,drop",
        ] {
            let printed: Vec<String> = parse_spec(text)
                .unwrap()
                .iter()
                .map(Fault::to_string)
                .collect();
            assert_eq!(printed.join(","), text);
        }
    }

    #[test]
    fn option_form_and_queue() {
        let r = Rule::parse_option("429@patchx2").unwrap();
        assert_eq!(r.method.as_deref(), Some("PATCH"));
        assert_eq!(r.remaining, Some(2));
        let d = Rule::parse_option("delay=100").unwrap();
        assert_eq!(d.remaining, None);
        assert!(Rule::parse_option("500@").is_err());
        let a = Rule::parse_option("applied=drop@PATCHx3").unwrap();
        assert_eq!(a.spec, [Fault::Applied(Lost::Drop)]);
        assert_eq!((a.method.as_deref(), a.remaining), (Some("PATCH"), Some(3)));
        let d = Rule::parse_option("429:retry-after-date=400x1").unwrap();
        assert_eq!(
            d.spec,
            [Fault::Status {
                status: 429,
                retry_after: Some(RetryAfter::DateIn(400))
            }]
        );
        assert_eq!(d.remaining, Some(1));

        let mut q = Queue::new(vec![r]);
        assert!(q.take("GET", "/beta/x").is_empty());
        assert_eq!(q.take("PATCH", "/beta/x").len(), 1);
        assert_eq!(q.take("PATCH", "/beta/x").len(), 1);
        assert!(q.take("PATCH", "/beta/x").is_empty());
        assert!(q.rules().is_empty());
    }

    #[test]
    fn plan_combines_sources() {
        let header = parse_spec("delay=10,503").unwrap();
        let queued = parse_spec("drop,concurrent").unwrap();
        let plan = Plan::from_sources(&[&header, &queued]);
        assert_eq!(plan.delay, Duration::from_millis(10));
        assert!(plan.concurrent);
        assert_eq!(
            plan.end,
            Some(Fault::Status {
                status: 503,
                retry_after: None
            })
        );
        assert_eq!(plan.lost, None);

        let header = parse_spec("applied=502").unwrap();
        let queued = parse_spec("applied=drop,delay=3").unwrap();
        let plan = Plan::from_sources(&[&header, &queued]);
        assert_eq!(
            plan.lost,
            Some(Lost::Status(502)),
            "the header's comes first"
        );
        assert_eq!(plan.end, None);
        assert_eq!(plan.delay, Duration::from_millis(3));
    }
}
