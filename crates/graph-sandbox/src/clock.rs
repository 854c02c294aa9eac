//! Wall-clock time in the spellings the sandbox writes: RFC 3339 for JSON properties and error
//! bodies, the HTTP date for the `Date` header, and Unix seconds for token claims.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now as RFC 3339 in UTC with milliseconds, as Graph writes `lastModifiedDateTime`.
pub fn rfc3339_now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// Now as an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date_now() -> String {
    httpdate::fmt_http_date(SystemTime::now())
}

/// Now in seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
