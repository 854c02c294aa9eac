//! The OData primitive (Edm) types and the exact lexical checks for each, as JSON carries them.

use serde_json::Value;

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
    pub code: &'static str,
    pub message: String,
}

fn problem(code: &'static str, message: impl Into<String>) -> PrimitiveProblem {
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
        match self {
            Edm::Boolean => match value {
                Value::Bool(_) => Ok(()),
                _ => Err(wrong_type(self, value)),
            },
            Edm::Byte | Edm::SByte | Edm::Int16 | Edm::Int32 | Edm::Int64 => {
                check_integer(self, value)
            }
            Edm::Single | Edm::Double | Edm::Decimal => check_float(self, value),
            Edm::Other => Ok(()),
            _ => {
                let Value::String(s) = value else {
                    return Err(wrong_type(self, value));
                };
                check_string(self, s)
            }
        }
    }
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
        "wrong-type",
        format!("Expected {}, found {}.", edm.describe(), json_kind(value)),
    )
}

fn check_integer(edm: Edm, value: &Value) -> Result<(), PrimitiveProblem> {
    let Value::Number(n) = value else {
        return Err(wrong_type(edm, value));
    };
    let (lo, hi) = edm.integer_range().expect("integral type");
    let in_range = if let Some(i) = n.as_i64() {
        i >= lo && i <= hi
    } else if n.as_u64().is_some() {
        false // Larger than i64::MAX.
    } else {
        return Err(problem(
            "not-integer",
            format!("Expected {}, found {n}.", edm.describe()),
        ));
    };
    if in_range {
        Ok(())
    } else {
        Err(problem(
            "out-of-range",
            format!("{n} does not fit: expected {}.", edm.describe()),
        ))
    }
}

fn check_float(edm: Edm, value: &Value) -> Result<(), PrimitiveProblem> {
    let Value::Number(n) = value else {
        return Err(wrong_type(edm, value));
    };
    let f = n.as_f64().unwrap_or(f64::NAN);
    if !f.is_finite() {
        return Err(problem("not-finite", "The number must be finite."));
    }
    if edm == Edm::Single && f.abs() > f32::MAX as f64 {
        return Err(problem(
            "out-of-range",
            format!("{n} is too large for a single-precision number."),
        ));
    }
    Ok(())
}

fn check_string(edm: Edm, s: &str) -> Result<(), PrimitiveProblem> {
    let (ok, code) = match edm {
        Edm::String => return Ok(()),
        Edm::Guid => (is_guid(s), "invalid-guid"),
        Edm::DateTimeOffset => (is_date_time_offset(s), "invalid-datetime"),
        Edm::Date => (is_date(s), "invalid-date"),
        Edm::TimeOfDay => (is_time_of_day(s), "invalid-time"),
        Edm::Duration => (is_duration(s), "invalid-duration"),
        Edm::Binary | Edm::Stream => (is_base64(s), "invalid-base64"),
        _ => (true, ""),
    };
    if ok {
        Ok(())
    } else {
        Err(problem(
            code,
            format!("{:?} is not {}.", truncate(s, 60), edm.describe()),
        ))
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
    let mut number = String::new();
    for c in segment.chars() {
        if c.is_ascii_digit() || c == '.' || c == ',' {
            number.push(c);
            continue;
        }
        let Some(pos) = allowed.iter().position(|&d| d as char == c) else {
            return false;
        };
        allowed = &allowed[pos + 1..];
        // Only the smallest part may carry a fraction, so nothing may follow one.
        if *fraction_seen || number.is_empty() {
            return false;
        }
        let (int, frac) = match number.split_once(['.', ',']) {
            Some((i, f)) => (i, Some(f)),
            None => (number.as_str(), None),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        if let Some(f) = frac {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            *fraction_seen = true;
        }
        number.clear();
        *parts += 1;
    }
    number.is_empty()
}

/// Base64 in the standard or the URL-safe alphabet, padded or not (OData JSON allows both).
pub fn is_base64(s: &str) -> bool {
    let b = s.trim_end_matches('=').as_bytes();
    let padding = s.len() - b.len();
    if padding > 2 || b.len() % 4 == 1 {
        return false;
    }
    if padding > 0 && (b.len() + padding) % 4 != 0 {
        return false;
    }
    let standard = b
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/');
    let url_safe = b
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_');
    standard || url_safe
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
