//! Graph's error responses, read from whatever came back: the OData error envelope, Intune's JSON
//! nested inside `message`, `Retry-After` in seconds or as an HTTP date, or a body that is none of
//! these. Any input yields a usable [`GraphError`].

use serde_json::{Map, Value};

use crate::dates::parse_http_date;
use crate::edm::truncate;
use crate::path::FieldPath;

/// One entry of `error.details`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    pub target: Option<String>,
}

/// When the service says to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    Seconds(u64),
    /// An HTTP date, as seconds since the Unix epoch.
    At(i64),
}

impl RetryAfter {
    /// Parses the header: delta-seconds or an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    pub fn parse(header: &str) -> Option<RetryAfter> {
        let h = header.trim();
        if let Ok(s) = h.parse::<u64>() {
            return Some(RetryAfter::Seconds(s));
        }
        parse_http_date(h).map(RetryAfter::At)
    }

    /// Seconds to wait from `now` (Unix seconds); never negative.
    pub fn delay_seconds(self, now: i64) -> u64 {
        match self {
            RetryAfter::Seconds(s) => s,
            RetryAfter::At(t) => u64::try_from(t.saturating_sub(now)).unwrap_or(0),
        }
    }
}

/// The delay before retry `attempt` (0-based) when the service gave none: capped exponential.
pub fn backoff_seconds(attempt: u32) -> u64 {
    (1u64 << attempt.min(6)).min(60)
}

/// Intune's own error, which it serialises as JSON inside `error.message`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IntuneError {
    pub message: String,
    pub custom_phrase: Option<String>,
    pub source_service: Option<String>,
}

/// A failed Graph response, ready to show and to copy into a support ticket.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GraphError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub target: Option<String>,
    pub details: Vec<ErrorDetail>,
    /// Codes of the nested `innerError`s, outermost first (`throttledRequest`, `quota`).
    pub inner_codes: Vec<String>,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    pub date: Option<String>,
    pub intune: Option<IntuneError>,
    pub retry_after: Option<RetryAfter>,
}

/// Looks a key up ignoring ASCII case (`innerError` / `innererror`).
fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn str_ci(map: &Map<String, Value>, key: &str) -> Option<String> {
    get_ci(map, key).and_then(Value::as_str).map(str::to_string)
}

/// The reason phrase for a status, for errors whose body says nothing.
pub fn status_text(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "HTTP error",
    }
}

impl GraphError {
    /// Reads a response. `retry_after` and `request_id` are the headers of the same name; the
    /// body's own values win where both exist.
    pub fn parse(
        status: u16,
        body: &[u8],
        retry_after: Option<&str>,
        request_id: Option<&str>,
    ) -> GraphError {
        let mut e = GraphError {
            status,
            retry_after: retry_after.and_then(RetryAfter::parse),
            request_id: request_id.map(str::to_string),
            ..GraphError::default()
        };
        let text = String::from_utf8_lossy(body);
        let envelope = serde_json::from_str::<Value>(&text).ok();
        let error = envelope
            .as_ref()
            .and_then(Value::as_object)
            .and_then(|m| get_ci(m, "error"))
            .and_then(Value::as_object);
        match error {
            Some(err) => e.read_envelope(err),
            None => {
                e.code = status_text(status).to_string();
                let t = text.trim();
                e.message = if t.is_empty() {
                    format!(
                        "The service answered {status} {} with no details.",
                        status_text(status)
                    )
                } else {
                    truncate(t, 500)
                };
            }
        }
        e
    }

    fn read_envelope(&mut self, err: &Map<String, Value>) {
        self.code = str_ci(err, "code").unwrap_or_else(|| status_text(self.status).to_string());
        let message = get_ci(err, "message").map(|m| match m {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        self.message = message.unwrap_or_default();
        self.target = str_ci(err, "target");
        if let Some(Value::Array(details)) = get_ci(err, "details") {
            self.details = details
                .iter()
                .filter_map(Value::as_object)
                .map(|d| ErrorDetail {
                    code: str_ci(d, "code").unwrap_or_default(),
                    message: str_ci(d, "message").unwrap_or_default(),
                    target: str_ci(d, "target"),
                })
                .collect();
        }
        let mut inner = get_ci(err, "innerError").and_then(Value::as_object);
        let mut depth = 0;
        while let Some(i) = inner {
            if let Some(id) = str_ci(i, "request-id") {
                self.request_id = Some(id);
            }
            if let Some(id) = str_ci(i, "client-request-id") {
                self.client_request_id = Some(id);
            }
            if let Some(d) = str_ci(i, "date") {
                self.date.get_or_insert(d);
            }
            if let Some(c) = str_ci(i, "code") {
                self.inner_codes.push(c);
            }
            depth += 1;
            inner = (depth < 16)
                .then(|| get_ci(i, "innerError").and_then(Value::as_object))
                .flatten();
        }
        self.intune = parse_intune(&self.message);
        self.message = truncate(&self.message, 2000);
    }

    pub fn is_throttled(&self) -> bool {
        self.status == 429
    }

    /// 429, 503 and 504 are worth retrying after a wait.
    pub fn is_retryable(&self) -> bool {
        matches!(self.status, 429 | 503 | 504)
    }

    /// The message to show: Intune's own when it nested one, else Graph's.
    pub fn display_message(&self) -> &str {
        match &self.intune {
            Some(i) if !i.message.is_empty() => &i.message,
            _ => &self.message,
        }
    }

    /// Paths the error names (its target and its details' targets), for showing at fields.
    pub fn field_messages(&self) -> Vec<(FieldPath, String)> {
        let mut out = Vec::new();
        let clean =
            |t: &str| FieldPath::parse(t.trim_start_matches('$').trim_start_matches("body."));
        if let Some(t) = self.target.as_deref().filter(|t| !t.is_empty()) {
            out.push((clean(t), self.display_message().to_string()));
        }
        for d in &self.details {
            if let Some(t) = d.target.as_deref().filter(|t| !t.is_empty()) {
                out.push((clean(t), d.message.clone()));
            }
        }
        out
    }

    /// Everything a support ticket needs, one fact a line.
    pub fn support_text(&self) -> String {
        let mut lines = vec![
            format!("HTTP {} {}", self.status, status_text(self.status)),
            format!("code: {}", self.code),
            format!("message: {}", self.display_message()),
        ];
        if !self.inner_codes.is_empty() {
            lines.push(format!("inner codes: {}", self.inner_codes.join(", ")));
        }
        if let Some(t) = &self.target {
            lines.push(format!("target: {t}"));
        }
        for d in &self.details {
            lines.push(format!(
                "detail: {} {} {}",
                d.code,
                d.target.as_deref().unwrap_or(""),
                d.message
            ));
        }
        if let Some(r) = &self.request_id {
            lines.push(format!("request-id: {r}"));
        }
        if let Some(r) = &self.client_request_id {
            lines.push(format!("client-request-id: {r}"));
        }
        if let Some(d) = &self.date {
            lines.push(format!("date: {d}"));
        }
        lines.join("\n")
    }
}

fn parse_intune(message: &str) -> Option<IntuneError> {
    let start = message.find('{')?;
    let v: Value = serde_json::from_str(&message[start..]).ok()?;
    let m = v.as_object()?;
    let msg = str_ci(m, "Message")?;
    Some(IntuneError {
        message: truncate(&msg, 2000),
        custom_phrase: str_ci(m, "CustomApiErrorPhrase").filter(|s| !s.is_empty()),
        source_service: str_ci(m, "ErrorSourceService").filter(|s| !s.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784111777)
        );
        assert_eq!(RetryAfter::parse("120"), Some(RetryAfter::Seconds(120)));
        assert_eq!(
            RetryAfter::parse("Thu, 01 Jan 1970 00:01:00 GMT").map(|r| r.delay_seconds(30)),
            Some(30)
        );
        assert_eq!(RetryAfter::parse("soon"), None);
        // Hostile dates and clocks: no overflow, no panic.
        assert_eq!(
            RetryAfter::parse("Sun, 06 Nov 99999999999999 08:49:37 GMT"),
            None
        );
        assert_eq!(RetryAfter::At(i64::MIN).delay_seconds(i64::MAX), 0);
        assert_eq!(
            RetryAfter::At(i64::MAX).delay_seconds(i64::MIN),
            i64::MAX as u64
        );
        assert_eq!(
            RetryAfter::parse("18446744073709551615"),
            Some(RetryAfter::Seconds(u64::MAX))
        );
        assert_eq!(backoff_seconds(0), 1);
        assert_eq!(backoff_seconds(10), 60);
    }
}
