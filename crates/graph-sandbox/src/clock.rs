//! Wall-clock time in the spellings the sandbox writes: RFC 3339 for JSON properties and error
//! bodies, the HTTP date for the `Date` header, and Unix seconds for token claims.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Now as RFC 3339 in UTC with milliseconds, as Graph writes `lastModifiedDateTime`.
pub fn rfc3339_now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// Now as an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date_now() -> String {
    http_date_at(SystemTime::now())
}

/// The HTTP date `seconds` from now, as a `Retry-After` date says when to come back.
pub fn http_date_in(seconds: u64) -> String {
    http_date_at(SystemTime::now() + Duration::from_secs(seconds))
}

/// A time as an HTTP date: the IMF-fixdate of RFC 9110 (`Sun, 06 Nov 1994 08:49:37 GMT`),
/// always GMT, whole seconds (a fraction is dropped).
pub fn http_date_at(time: SystemTime) -> String {
    httpdate::fmt_http_date(time)
}

/// Now in seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unix: u64) -> String {
        http_date_at(UNIX_EPOCH + Duration::from_secs(unix))
    }

    #[test]
    fn http_dates_are_imf_fixdates() {
        // RFC 9110's own example, the epoch, a leap day, the turn of a century and a Saturday.
        assert_eq!(at(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(at(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(at(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(at(946_684_799), "Fri, 31 Dec 1999 23:59:59 GMT");
        assert_eq!(at(1_709_337_600), "Sat, 02 Mar 2024 00:00:00 GMT");
        assert_eq!(
            http_date_at(UNIX_EPOCH + Duration::from_millis(784_111_777_999)),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        let soon = httpdate::parse_http_date(&http_date_in(400)).unwrap();
        let wait = soon.duration_since(SystemTime::now()).unwrap_or_default();
        assert!((398..=400).contains(&wait.as_secs()), "{wait:?}");
    }
}
