//! The OData primitive (Edm) types and the exact lexical checks for each, as JSON carries them.

use serde_json::Value;

use crate::code::Code;

/// The Edm primitive types the metadata uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edm {
    Boolean,
    Byte,
    SByte,
    Int16,
    Int32,
    Int64,
    Single,
    Double,
    Decimal,
    String,
    Guid,
    DateTimeOffset,
    Date,
    TimeOfDay,
    Duration,
    Binary,
    Stream,
    /// Geography, geometry and untyped values: accepted as any JSON.
    Other,
}

/// Why a primitive value was rejected: a stable code and our own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrimitiveProblem {
    pub code: Code,
    pub message: String,
}

fn problem(code: Code, message: impl Into<String>) -> PrimitiveProblem {
    PrimitiveProblem {
        code,
        message: message.into(),
    }
}

impl Edm {
    pub fn parse(name: &str) -> Option<Edm> {
        let rest = name.strip_prefix("Edm.")?;
        Some(match rest {
            "Boolean" => Edm::Boolean,
            "Byte" => Edm::Byte,
            "SByte" => Edm::SByte,
            "Int16" => Edm::Int16,
            "Int32" => Edm::Int32,
            "Int64" => Edm::Int64,
            "Single" => Edm::Single,
            "Double" => Edm::Double,
            "Decimal" => Edm::Decimal,
            "String" => Edm::String,
            "Guid" => Edm::Guid,
            "DateTimeOffset" => Edm::DateTimeOffset,
            "Date" => Edm::Date,
            "TimeOfDay" => Edm::TimeOfDay,
            "Duration" => Edm::Duration,
            "Binary" => Edm::Binary,
            "Stream" => Edm::Stream,
            _ => Edm::Other,
        })
    }

    /// The inclusive integer range of an integral type.
    pub fn integer_range(self) -> Option<(i64, i64)> {
        match self {
            Edm::Byte => Some((0, 255)),
            Edm::SByte => Some((-128, 127)),
            Edm::Int16 => Some((i16::MIN as i64, i16::MAX as i64)),
            Edm::Int32 => Some((i32::MIN as i64, i32::MAX as i64)),
            Edm::Int64 => Some((i64::MIN, i64::MAX)),
            _ => None,
        }
    }

    pub fn is_numeric(self) -> bool {
        self.integer_range().is_some() || matches!(self, Edm::Single | Edm::Double | Edm::Decimal)
    }

    /// How a person would name the expected value, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Edm::Boolean => "true or false",
            Edm::Byte => "a whole number from 0 to 255",
            Edm::SByte => "a whole number from -128 to 127",
            Edm::Int16 => "a whole number from -32768 to 32767",
            Edm::Int32 => "a whole number from -2147483648 to 2147483647",
            Edm::Int64 => "a 64-bit whole number",
            Edm::Single | Edm::Double | Edm::Decimal => "a number",
            Edm::String => "text",
            Edm::Guid => "a GUID such as 00000000-0000-0000-0000-000000000000",
            Edm::DateTimeOffset => "a date and time with an offset, such as 2024-05-01T08:30:00Z",
            Edm::Date => "a date such as 2024-05-01",
            Edm::TimeOfDay => "a time of day such as 08:30:00",
            Edm::Duration => "an ISO 8601 duration such as PT1H30M",
            Edm::Binary | Edm::Stream => "base64-encoded data",
            Edm::Other => "a value",
        }
    }

    /// Checks one JSON value (never `null`: nullability is the caller's business).
    pub fn check(self, value: &Value) -> Result<(), PrimitiveProblem> {
        match self.fault(value) {
            None => Ok(()),
            Some(fault) => Err(self.problem(fault, value)),
        }
    }

    /// What [`Edm::check`] rejects `value` for, without the words: a valid value costs no
    /// message, and the answer is a single byte.
    pub(crate) fn fault(self, value: &Value) -> Option<Fault> {
        match self {
            Edm::Boolean => match value {
                Value::Bool(_) => None,
                _ => Some(Fault::WrongType),
            },
            Edm::Byte | Edm::SByte | Edm::Int16 | Edm::Int32 | Edm::Int64 => {
                integer_fault(self, value)
            }
            Edm::Single | Edm::Double | Edm::Decimal => float_fault(self, value),
            Edm::Other => None,
            _ => match value {
                Value::String(s) => string_fault(self, s),
                _ => Some(Fault::WrongType),
            },
        }
    }

    /// The problem [`Edm::check`] reports for a `fault` that [`Edm::fault`] found in `value`.
    pub(crate) fn problem(self, fault: Fault, value: &Value) -> PrimitiveProblem {
        match (fault, value) {
            (Fault::NotInteger, Value::Number(n)) => problem(
                Code::NotInteger,
                format!("Expected {}, found {n}.", self.describe()),
            ),
            (Fault::OutOfRange, Value::Number(n)) if self == Edm::Single => problem(
                Code::OutOfRange,
                format!("{n} is too large for a single-precision number."),
            ),
            (Fault::OutOfRange, Value::Number(n)) => problem(
                Code::OutOfRange,
                format!("{n} does not fit: expected {}.", self.describe()),
            ),
            (Fault::NotFinite, _) => problem(Code::NotFinite, "The number must be finite."),
            (Fault::Lexical, Value::String(s)) => problem(
                lexical_code(self),
                format!("{:?} is not {}.", truncate(s, 60), self.describe()),
            ),
            _ => wrong_type(self, value),
        }
    }
}

/// Why [`Edm::fault`] rejects a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Not the JSON kind the type needs.
    WrongType,
    /// A number with a fraction (or written as a float within `i64`'s range, such as `5.0`)
    /// where a whole one is needed.
    NotInteger,
    /// A number beyond the type's bounds.
    OutOfRange,
    /// A number that is not finite.
    NotFinite,
    /// Text that is not the type's lexical form.
    Lexical,
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn wrong_type(edm: Edm, value: &Value) -> PrimitiveProblem {
    problem(
        Code::WrongType,
        format!("Expected {}, found {}.", edm.describe(), json_kind(value)),
    )
}

fn integer_fault(edm: Edm, value: &Value) -> Option<Fault> {
    let Value::Number(n) = value else {
        return Some(Fault::WrongType);
    };
    let (lo, hi) = edm.integer_range()?;
    let in_range = if let Some(i) = n.as_i64() {
        i >= lo && i <= hi
    } else if n.as_u64().is_some()
        || n.as_f64()
            .is_some_and(|f| f.fract() == 0.0 && f.abs() >= 2f64.powi(63))
    {
        // Larger than i64::MAX, or a whole number beyond i64 and u64 (serde_json reads a float).
        false
    } else {
        return Some(Fault::NotInteger);
    };
    (!in_range).then_some(Fault::OutOfRange)
}

fn float_fault(edm: Edm, value: &Value) -> Option<Fault> {
    let Value::Number(n) = value else {
        return Some(Fault::WrongType);
    };
    let f = n.as_f64().unwrap_or(f64::NAN);
    if !f.is_finite() {
        return Some(Fault::NotFinite);
    }
    (edm == Edm::Single && f.abs() > f32::MAX as f64).then_some(Fault::OutOfRange)
}

fn string_fault(edm: Edm, s: &str) -> Option<Fault> {
    let ok = match edm {
        Edm::Guid => is_guid(s),
        Edm::DateTimeOffset => is_date_time_offset(s),
        Edm::Date => is_date(s),
        Edm::TimeOfDay => is_time_of_day(s),
        Edm::Duration => is_duration(s),
        Edm::Binary | Edm::Stream => is_base64(s),
        _ => true,
    };
    (!ok).then_some(Fault::Lexical)
}

/// The code of a string that is not the lexical form of `edm`.
fn lexical_code(edm: Edm) -> Code {
    match edm {
        Edm::Guid => Code::InvalidGuid,
        Edm::DateTimeOffset => Code::InvalidDateTime,
        Edm::Date => Code::InvalidDate,
        Edm::TimeOfDay => Code::InvalidTime,
        Edm::Duration => Code::InvalidDuration,
        _ => Code::InvalidBase64,
    }
}

/// Shortens a hostile or huge value before it goes into a message.
pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max_chars).collect();
        out.push('…');
        out
    }
}

pub fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &d| {
        acc.checked_mul(10)?.checked_add((d - b'0') as u32)
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// `YYYY-MM-DD` with a real calendar day.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    match (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10])) {
        (Some(y), Some(m), Some(d)) => (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m),
        _ => false,
    }
}

/// `HH:MM:SS` with an optional fraction of any length (seconds may be omitted, as OData allows).
pub fn is_time_of_day(s: &str) -> bool {
    time_part(s.as_bytes(), false)
}

fn time_part(b: &[u8], seconds_required: bool) -> bool {
    if b.len() < 5 || b[2] != b':' {
        return false;
    }
    let (Some(h), Some(m)) = (digits(&b[0..2]), digits(&b[3..5])) else {
        return false;
    };
    if h > 23 || m > 59 {
        return false;
    }
    let rest = &b[5..];
    if rest.is_empty() {
        return !seconds_required;
    }
    if rest.len() < 3 || rest[0] != b':' {
        return false;
    }
    let Some(sec) = digits(&rest[1..3]) else {
        return false;
    };
    if sec > 59 {
        return false;
    }
    match &rest[3..] {
        [] => true,
        [b'.', frac @ ..] => !frac.is_empty() && frac.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, any number of fraction digits.
pub fn is_date_time_offset(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || b[10] != b'T' || !is_date(&s[..10]) {
        return false;
    }
    let rest = &b[11..];
    let (time, zone) = if rest.last() == Some(&b'Z') {
        (&rest[..rest.len() - 1], &rest[rest.len() - 1..])
    } else if rest.len() >= 6 && matches!(rest[rest.len() - 6], b'+' | b'-') {
        rest.split_at(rest.len() - 6)
    } else {
        return false;
    };
    if !time_part(time, true) {
        return false;
    }
    match zone {
        [b'Z'] => true,
        [_, h1, h2, b':', m1, m2] => {
            matches!((digits(&[*h1, *h2]), digits(&[*m1, *m2])), (Some(h), Some(m)) if h <= 23 && m <= 59)
        }
        _ => false,
    }
}

/// ISO 8601 duration: `[-]P[nY][nM][nW][nD][T[nH][nM][n[.n]S]]` with at least one part; only the
/// last part may carry a fraction.
pub fn is_duration(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some(body) = s.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match body.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return false;
            }
            (d, Some(t))
        }
        None => (body, None),
    };
    let mut parts = 0usize;
    let mut fraction_seen = false;
    if !scan_duration_parts(date, b"YMWD", &mut parts, &mut fraction_seen) {
        return false;
    }
    if let Some(t) = time {
        let before = parts;
        if !scan_duration_parts(t, b"HMS", &mut parts, &mut fraction_seen) || parts == before {
            return false;
        }
    }
    parts > 0
}

/// Reads `n<designator>` parts in the order `designators` gives, each at most once.
fn scan_duration_parts(
    segment: &str,
    designators: &[u8],
    parts: &mut usize,
    fraction_seen: &mut bool,
) -> bool {
    let mut allowed = designators;
    let bytes = segment.as_bytes();
    // Where the number before the next designator begins.
    let mut start = 0;
    for (i, &c) in bytes.iter().enumerate() {
        if c.is_ascii_digit() || c == b'.' || c == b',' {
            continue;
        }
        // Designators are ASCII, so no byte of any other character matches one.
        let Some(pos) = allowed.iter().position(|&d| d == c) else {
            return false;
        };
        allowed = &allowed[pos + 1..];
        let number = &bytes[start..i];
        // Only the smallest part may carry a fraction, so nothing may follow one.
        if *fraction_seen || number.is_empty() {
            return false;
        }
        let (int, frac) = match number.iter().position(|&b| b == b'.' || b == b',') {
            Some(dot) => (&number[..dot], Some(&number[dot + 1..])),
            None => (number, None),
        };
        if int.is_empty() || !int.iter().all(u8::is_ascii_digit) {
            return false;
        }
        if let Some(f) = frac {
            if f.is_empty() || !f.iter().all(u8::is_ascii_digit) {
                return false;
            }
            *fraction_seen = true;
        }
        start = i + 1;
        *parts += 1;
    }
    start == bytes.len()
}

/// Base64 in the standard or the URL-safe alphabet, padded or not (OData JSON allows both).
pub fn is_base64(s: &str) -> bool {
    let all = s.as_bytes();
    let data = all.len() - all.iter().rev().take_while(|&&c| c == b'=').count();
    let (b, padding) = (&all[..data], all.len() - data);
    if padding > 2 || b.len() % 4 == 1 {
        return false;
    }
    if padding > 0 && (b.len() + padding) % 4 != 0 {
        return false;
    }
    // One pass: the data may use either alphabet, but not both.
    let (mut standard, mut url_safe) = (false, false);
    for &c in b {
        match c {
            b'+' | b'/' => standard = true,
            b'-' | b'_' => url_safe = true,
            _ if c.is_ascii_alphanumeric() => {}
            _ => return false,
        }
    }
    !(standard && url_safe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_offsets() {
        for ok in [
            "2016-12-31T23:56:33.9571764-08:00",
            "2024-02-29T00:00:00Z",
            "2024-01-01T12:00:00.1+05:30",
            "2024-01-01T12:00:00.123456789012Z",
        ] {
            assert!(is_date_time_offset(ok), "{ok}");
        }
        for bad in [
            "2023-02-29T00:00:00Z",
            "2024-01-01T12:00:00",
            "2024-01-01 12:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T12:00Z",
            "2024-01-01T12:00:00.Z",
            "2024-13-01T12:00:00Z",
            "2024-01-01T12:00:00+5:30",
            "",
        ] {
            assert!(!is_date_time_offset(bad), "{bad}");
        }
    }

    #[test]
    fn durations() {
        for ok in ["PT1H", "P1D", "P1Y2M3DT4H5M6.5S", "-PT0.5S", "P2W", "PT90M"] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in [
            "P",
            "PT",
            "1H",
            "P1H",
            "PT1.5H30M",
            "P1DT",
            "PT1D",
            "P-1D",
            "P1M1Y",
        ] {
            assert!(!is_duration(bad), "{bad}");
        }
    }

    #[test]
    fn base64_and_guid() {
        assert!(is_base64("SGVsbG8="));
        assert!(is_base64("SGVsbG8"));
        assert!(is_base64(""));
        assert!(is_base64("a-_b"));
        assert!(!is_base64("SGVsbG8==="));
        assert!(!is_base64("S"));
        assert!(!is_base64("SGV*bG8="));
        assert!(!is_base64("a-+b"));
        assert!(is_guid("4b5f7085-7085-4b5f-8570-5f4b85705f4b"));
        assert!(!is_guid("4b5f7085-7085-4b5f-8570-5f4b85705f4"));
        assert!(!is_guid("4b5f7085x7085-4b5f-8570-5f4b85705f4b"));
    }

    #[test]
    fn times_and_dates() {
        assert!(is_time_of_day("08:30"));
        assert!(is_time_of_day("08:30:15.25"));
        assert!(!is_time_of_day("8:30"));
        assert!(!is_time_of_day("08:60"));
        assert!(is_date("2000-02-29"));
        assert!(!is_date("1900-02-29"));
    }
}

/// A number as people write it: whole numbers without a decimal point, others in the shortest
/// form that reads back the same. Written with serde_json's formatter, which the app has anyway,
/// so the standard library's float formatting stays out of its download.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        return (x as i64).to_string();
    }
    match serde_json::Number::from_f64(x) {
        Some(n) => n.to_string(),
        None if x.is_nan() => "NaN".into(),
        None if x > 0.0 => "infinity".into(),
        None => "-infinity".into(),
    }
}

#[cfg(test)]
mod format_number_tests {
    use super::format_number;

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(format_number(5.0), "5");
        assert_eq!(format_number(-2147483648.0), "-2147483648");
        assert_eq!(format_number(0.5), "0.5");
        assert_eq!(format_number(1.25e-7), "1.25e-7");
        assert_eq!(format_number(f64::NAN), "NaN");
        assert_eq!(format_number(f64::INFINITY), "infinity");
        assert_eq!(
            format_number(9223372036854775807.0),
            "9.223372036854776e+18"
        );
    }
}
