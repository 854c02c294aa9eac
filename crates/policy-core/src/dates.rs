//! The calendar, written once: days since 1970-01-01 to and from a date of the proleptic
//! Gregorian calendar, the HTTP date of a `Retry-After` header, and RFC 3339 date-times as Unix
//! seconds. Graph error parsing (`Retry-After`) and the app's datetime-local fields use these.
//!
//! Nothing here panics or overflows, whatever the input: a date that does not exist or cannot
//! be represented is `None`.

use crate::edm::is_date_time_offset;

/// Seconds in a day (leap seconds are not counted, as in Unix time).
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Days between 0000-03-01 and 1970-01-01; the algorithms count from the former.
const EPOCH_SHIFT: i64 = 719_468;
/// Days in 400 Gregorian years, the calendar's whole cycle (an "era").
const DAYS_PER_ERA: i64 = 146_097;

/// A year with a 29 February.
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days of `month` (1 to 12) in `year`; 0 for any other month.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 (negative before it) of `year`-`month`-`day`; `None` when that day does
/// not exist (month outside 1 to 12, day outside the month) or is too far out for an `i64`.
///
/// Howard Hinnant's `days_from_civil`: the year is taken to start on 1 March, so that the leap
/// day is the last day of a year and a month's first day follows from `(153 * m + 2) / 5`.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let (month, day) = (i64::from(month), i64::from(day));
    let y = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = y.div_euclid(400);
    let year_of_era = y.rem_euclid(400); // 0 to 399
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1; // 0 to 365, from 1 March
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era.checked_mul(DAYS_PER_ERA)?
        .checked_add(day_of_era - EPOCH_SHIFT)
}

/// The date (year, month 1 to 12, day 1 to 31) `days` days after 1970-01-01; the inverse of
/// [`days_from_civil`]. Defined for every `i64`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Shift to 0000-03-01 without overflowing: split into whole eras first.
    let shifted = days.rem_euclid(DAYS_PER_ERA) + EPOCH_SHIFT;
    let era = days.div_euclid(DAYS_PER_ERA) + shifted / DAYS_PER_ERA;
    let day_of_era = shifted % DAYS_PER_ERA; // 0 to 146096
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153; // month from March: 0 to 11
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// Parses an IMF-fixdate, the HTTP date of RFC 9110 (`Sun, 06 Nov 1994 08:49:37 GMT`), into
/// seconds since the Unix epoch. The year must have 1 to 4 digits (1 to 9999) and the day must
/// exist; the day name is not checked, and a leap second (`:60`) is read as the next second.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let (_, rest) = s.split_once(", ")?;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts[..] else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let year: i64 = year.parse().ok().filter(|y| (1..=9999).contains(y))?;
    let day: u32 = day.parse().ok()?;
    let time: Vec<u32> = time
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<Vec<_>>>()?;
    let [hour, minute, second] = time[..] else {
        return None;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day)?;
    Some(days * SECONDS_PER_DAY + seconds_of_day(hour, minute, second))
}

/// Reads an RFC 3339 date-time (an `Edm.DateTimeOffset` such as
/// `2016-12-31T23:56:33.957-08:00`) as seconds since the Unix epoch; the fraction of a second
/// is dropped. `None` unless [`is_date_time_offset`] accepts the text.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    if !is_date_time_offset(s) {
        return None;
    }
    let num = |range: std::ops::Range<usize>| s.get(range)?.parse::<u32>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let n = s.len();
    let offset_minutes = if s.ends_with('Z') {
        0
    } else {
        // `+HH:MM` or `-HH:MM`, as `is_date_time_offset` checked.
        let minutes = i64::from(num(n - 5..n - 3)? * 60 + num(n - 2..n)?);
        if s.as_bytes().get(n - 6) == Some(&b'-') {
            -minutes
        } else {
            minutes
        }
    };
    let days = days_from_civil(i64::from(year), month, day)?;
    Some(days * SECONDS_PER_DAY + seconds_of_day(hour, minute, second) - offset_minutes * 60)
}

/// Unix seconds as a UTC date and time without a zone, `YYYY-MM-DDTHH:MM:SS` (the value of an
/// `<input type=datetime-local>`).
pub fn format_utc_date_time(seconds: i64) -> String {
    let (year, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    let t = seconds.rem_euclid(SECONDS_PER_DAY);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        t / 3600,
        t % 3600 / 60,
        t % 60
    )
}

fn seconds_of_day(hour: u32, minute: u32, second: u32) -> i64 {
    i64::from(hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, UNIX_EPOCH};

    /// 9999-12-31T23:59:59Z, the last second of a four-digit year.
    const LAST_SECOND: i64 = 253_402_300_799;

    #[test]
    fn known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(1969, 12, 31), Some(-1));
        assert_eq!(days_from_civil(2000, 2, 29), Some(11_016));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(1, 1, 1), Some(-719_162));
        assert_eq!(days_from_civil(0, 3, 1), Some(-EPOCH_SHIFT));
        assert_eq!(days_from_civil(9999, 12, 31), Some(2_932_896));
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(2_932_896), (9999, 12, 31));
        assert_eq!(civil_from_days(-719_162), (1, 1, 1));
    }

    #[test]
    fn leap_years_and_days_that_do_not_exist() {
        for (year, leap) in [(1900, false), (2000, true), (2023, false), (2024, true)] {
            assert_eq!(is_leap_year(year), leap, "{year}");
            assert_eq!(days_from_civil(year, 2, 29).is_some(), leap, "{year}");
        }
        assert!(is_leap_year(0) && is_leap_year(-4) && !is_leap_year(-100));
        assert_eq!(days_from_civil(2024, 4, 31), None);
        assert_eq!(days_from_civil(2024, 13, 1), None);
        assert_eq!(days_from_civil(2024, 0, 1), None);
        assert_eq!(days_from_civil(2024, 1, 0), None);
        assert_eq!(days_in_month(2024, 0), 0);
        // Out of an i64's reach: no overflow, no panic.
        assert_eq!(days_from_civil(i64::MAX, 1, 1), None);
        assert_eq!(days_from_civil(i64::MIN, 1, 1), None);
        assert_eq!(days_from_civil(i64::MAX, 3, 1), None);
        assert_eq!(days_from_civil(i64::MIN, 3, 1), None);
        let _ = civil_from_days(i64::MAX);
        let _ = civil_from_days(i64::MIN);
    }

    #[test]
    fn http_dates() {
        // RFC 9110's own example.
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        // A leap second is the next day's first.
        assert_eq!(
            parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"),
            parse_http_date("Sun, 01 Jan 2017 00:00:00 GMT")
        );
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2000 12:00:00 GMT"),
            Some(951_825_600)
        );
        assert_eq!(
            parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(LAST_SECOND)
        );
        assert_eq!(
            parse_http_date("Mon, 01 Jan 0001 00:00:00 GMT"),
            Some(-62_135_596_800)
        );
        for bad in [
            "Sun, 06 Nov 99999999999999 08:49:37 GMT",
            "Sun, 06 Nov 0 08:49:37 GMT",
            "Sun, 06 Nov 10000 08:49:37 GMT",
            "Thu, 30 Feb 2000 00:00:00 GMT",
            "Thu, 29 Feb 1900 00:00:00 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:61 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rfc3339_date_times() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2016-12-31T23:56:33.9571764-08:00"),
            parse_rfc3339("2017-01-01T07:56:33Z")
        );
        assert_eq!(
            parse_rfc3339("2024-03-01T00:30:00+01:00"),
            parse_rfc3339("2024-02-29T23:30:00Z")
        );
        assert_eq!(parse_rfc3339("9999-12-31T23:59:59Z"), Some(LAST_SECOND));
        assert_eq!(parse_rfc3339("2023-02-29T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("junk"), None);
        assert_eq!(format_utc_date_time(0), "1970-01-01T00:00:00");
        assert_eq!(format_utc_date_time(-1), "1969-12-31T23:59:59");
        assert_eq!(format_utc_date_time(951_825_600), "2000-02-29T12:00:00");
        assert_eq!(format_utc_date_time(LAST_SECOND), "9999-12-31T23:59:59");
    }

    proptest! {
        #[test]
        fn days_round_trip(days in -1_000_000_000i64..1_000_000_000) {
            let (year, month, day) = civil_from_days(days);
            prop_assert_eq!(days_from_civil(year, month, day), Some(days));
        }

        /// Every date `httpdate` writes (1970 to 9999) reads back as the same second, and so
        /// does the same moment written as RFC 3339.
        #[test]
        fn http_dates_agree_with_httpdate(seconds in 0..=LAST_SECOND) {
            let text = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(seconds as u64));
            prop_assert_eq!(parse_http_date(&text), Some(seconds));
            let rfc3339 = format!("{}Z", format_utc_date_time(seconds));
            prop_assert_eq!(parse_rfc3339(&rfc3339), Some(seconds));
        }

        /// A day exists for us exactly when `httpdate` accepts it under one of the seven day
        /// names (it checks the name; we do not), and then both read the same second.
        #[test]
        fn days_that_exist_agree_with_httpdate(
            year in 1970u32..=9999,
            month in 0usize..12,
            day in 1u32..=31,
            hour in 0u32..24,
            minute in 0u32..60,
            second in 0u32..60,
        ) {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let rest = format!(
                "{day:02} {} {year:04} {hour:02}:{minute:02}:{second:02} GMT",
                MONTHS[month]
            );
            let theirs = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                .iter()
                .find_map(|name| httpdate::parse_http_date(&format!("{name}, {rest}")).ok());
            let theirs = theirs.map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64);
            prop_assert_eq!(parse_http_date(&format!("Mon, {rest}")), theirs);
        }
    }
}
