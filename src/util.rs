//! Small conversions the widgets share: date-time text for `<input type=datetime-local>`, base64
//! for file uploads, numbers typed as text, and the browser's clock.

use policy_core::dates;
use serde_json::Value;

/// Seconds since the Unix epoch, from the browser's clock.
pub fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// `2016-12-31T23:56:33.957-08:00` → `2017-01-01T07:56:33` (UTC, as a datetime-local value).
/// `None` when the text is not a valid date-time, so the widget can fall back to plain text.
pub fn rfc3339_to_utc_local(s: &str) -> Option<String> {
    dates::parse_rfc3339(s).map(dates::format_utc_date_time)
}

/// A datetime-local value (`YYYY-MM-DDTHH:MM[:SS]`) read as UTC → RFC 3339 with `Z`.
pub fn utc_local_to_rfc3339(s: &str) -> String {
    match s.len() {
        16 => format!("{s}:00Z"),
        _ => format!("{s}Z"),
    }
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, as Graph expects for Edm.Binary.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What a number field's text means: a JSON number when it is one, `null` when empty, and the
/// text itself otherwise, so that validation can say what is wrong instead of losing the input.
pub fn number_from_text(text: &str, integer: bool) -> Value {
    let t = text.trim();
    if t.is_empty() {
        return Value::Null;
    }
    if integer {
        if let Ok(i) = t.parse::<i64>() {
            return Value::from(i);
        }
    }
    match parse_number(t) {
        // A whole number written another way (`2e3`) is that whole number.
        Some(f) if integer && f.fract() == 0.0 && f.abs() <= 9.0e15 => Value::from(f as i64),
        Some(f) if f.is_finite() => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::String(t.into())),
        _ => Value::String(t.to_string()),
    }
}

/// A decimal number as a number field gives it (`-1.5`, `.5`, `2e3`), read with serde_json's
/// number reader, which the app has anyway (the standard library's is 6 KB more to download).
fn parse_number(t: &str) -> Option<f64> {
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", t.strip_prefix('+').unwrap_or(t)),
    };
    let text = if digits.starts_with('.') {
        format!("{sign}0{digits}")
    } else {
        format!("{sign}{digits}")
    };
    serde_json::from_str::<f64>(&text).ok()
}

/// A value as the text a field shows.
pub fn display_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A wait as a person reads it: "45 s", "12 min 30 s", "2 h 5 min".
pub fn wait_text(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(
            rfc3339_to_utc_local("2016-12-31T23:56:33.9571764-08:00").unwrap(),
            "2017-01-01T07:56:33"
        );
        assert_eq!(
            rfc3339_to_utc_local("2024-03-01T00:30:00+01:00").unwrap(),
            "2024-02-29T23:30:00"
        );
        assert_eq!(rfc3339_to_utc_local("junk"), None);
        assert_eq!(
            utc_local_to_rfc3339("2024-01-02T03:04"),
            "2024-01-02T03:04:00Z"
        );
        assert_eq!(base64_encode(b"Hello"), "SGVsbG8=");
        assert_eq!(base64_encode(b""), "");
        assert_eq!(number_from_text("42", true), serde_json::json!(42));
        assert_eq!(number_from_text("4.5", true), serde_json::json!(4.5));
        assert_eq!(number_from_text("x", false), serde_json::json!("x"));
        assert_eq!(number_from_text("", false), Value::Null);
        // What a number field may give: a leading point, a sign, an exponent.
        assert_eq!(number_from_text(".5", false), serde_json::json!(0.5));
        assert_eq!(number_from_text("-.25", false), serde_json::json!(-0.25));
        assert_eq!(
            number_from_text("-1.5e3", false),
            serde_json::json!(-1500.0)
        );
        assert_eq!(number_from_text("2e3", true), serde_json::json!(2000));
        assert_eq!(number_from_text("1.", false), serde_json::json!("1."));
        assert_eq!(number_from_text("NaN", false), serde_json::json!("NaN"));
        assert_eq!(number_from_text("--1", false), serde_json::json!("--1"));
    }

    #[test]
    fn waits_read_like_a_clock() {
        assert_eq!(wait_text(0), "0 s");
        assert_eq!(wait_text(45), "45 s");
        assert_eq!(wait_text(600), "10 min");
        assert_eq!(wait_text(750), "12 min 30 s");
        assert_eq!(wait_text(7500), "2 h 5 min");
        assert_eq!(wait_text(7200), "2 h");
        assert!(wait_text(u64::MAX).contains(" h"));
    }
}
