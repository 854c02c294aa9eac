//! Reading JSON objects by hand, field by field: the one way the app reads what a serde derive
//! would cost its download too much for (schema files in [`crate::read`], stored drafts,
//! `config.json`'s sign-in section and the user's sign-in settings).
//!
//! A [`Fields`] takes each key out of its object once, so strings and nested values move
//! rather than copy. The conventions are the same everywhere: `null` counts as absent, an
//! optional field that is absent reads as `None` (or an empty list), a required one that is
//! absent is an error, and every error is one sentence that names the key.

use serde_json::{Map, Number, Value};

/// A value read by hand, or why not: one sentence that names the key.
pub type Read<T> = Result<T, String>;

/// A JSON object being read one field at a time; each reading takes its field out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(Map<String, Value>);

/// `value`, or an error that says `key` is missing: for a field that must be there.
pub fn required<T>(key: &str, value: Option<T>) -> Read<T> {
    value.ok_or_else(|| format!("\"{key}\" is missing"))
}

impl Fields {
    /// `value` as an object; `what` names it in the error when it is not one ("the schema").
    pub fn new(value: Value, what: &str) -> Read<Fields> {
        match value {
            Value::Object(m) => Ok(Fields(m)),
            _ => Err(format!("{what} is not an object")),
        }
    }

    /// Takes `key` out as it is: `None` only when absent (a `null` is `Some(Value::Null)`).
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.0.remove(key)
    }

    /// Takes `key` out as it is; `Value::Null` when absent.
    pub fn take(&mut self, key: &str) -> Value {
        self.remove(key).unwrap_or(Value::Null)
    }

    /// A string that must be there.
    pub fn string(&mut self, key: &str) -> Read<String> {
        required(key, self.optional_string(key)?)
    }

    /// A string, or `None` when absent or `null`.
    pub fn optional_string(&mut self, key: &str) -> Read<Option<String>> {
        match self.take(key) {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            _ => Err(format!("\"{key}\" is not a string")),
        }
    }

    /// A list of strings; empty when absent or `null`.
    pub fn strings(&mut self, key: &str) -> Read<Vec<String>> {
        let not = || format!("\"{key}\" is not a list of strings");
        match self.take(key) {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items
                .into_iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s),
                    _ => Err(not()),
                })
                .collect(),
            _ => Err(not()),
        }
    }

    /// A list, each item read by `item` (whose errors are prefixed with the key and index). A
    /// `required` list must be there; any other is empty when absent or `null`.
    pub fn list<T>(
        &mut self,
        key: &str,
        required: bool,
        mut item: impl FnMut(Value) -> Read<T>,
    ) -> Read<Vec<T>> {
        match self.take(key) {
            Value::Null if required => Err(format!("\"{key}\" is missing")),
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| item(v).map_err(|e| format!("\"{key}\"[{i}]: {e}")))
                .collect(),
            _ => Err(format!("\"{key}\" is not a list")),
        }
    }

    /// `true` or `false`, or `None` when absent or `null`.
    pub fn flag(&mut self, key: &str) -> Read<Option<bool>> {
        match self.take(key) {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(b)),
            _ => Err(format!("\"{key}\" is not true or false")),
        }
    }

    /// A whole number that fits a `u32`, or `None` when absent or `null`.
    pub fn u32(&mut self, key: &str) -> Read<Option<u32>> {
        self.number(key, "a whole number from 0 to 4294967295", |n| {
            n.as_u64().and_then(|n| u32::try_from(n).ok())
        })
    }

    /// A whole number that fits a `u64`, or `None` when absent or `null`.
    pub fn u64(&mut self, key: &str) -> Read<Option<u64>> {
        self.number(
            key,
            "a whole number from 0 to 18446744073709551615",
            Number::as_u64,
        )
    }

    /// A number, or `None` when absent or `null`.
    pub fn f64(&mut self, key: &str) -> Read<Option<f64>> {
        self.number(key, "a number", Number::as_f64)
    }

    fn number<T>(
        &mut self,
        key: &str,
        what: &str,
        convert: impl Fn(&Number) -> Option<T>,
    ) -> Read<Option<T>> {
        match self.take(key) {
            Value::Null => Ok(None),
            Value::Number(n) => convert(&n)
                .map(Some)
                .ok_or_else(|| format!("\"{key}\" is not {what}")),
            _ => Err(format!("\"{key}\" is not {what}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Fields {
        Fields::new(v, "it").unwrap()
    }

    #[test]
    fn only_an_object_has_fields() {
        assert_eq!(
            Fields::new(json!([1]), "the schema"),
            Err("the schema is not an object".to_string())
        );
        assert!(Fields::new(json!({}), "x").is_ok());
    }

    #[test]
    fn null_counts_as_absent_and_a_required_field_must_be_there() {
        let mut f = fields(json!({"a": null, "s": "x", "l": null, "n": null}));
        assert_eq!(f.optional_string("a"), Ok(None));
        assert_eq!(f.optional_string("gone"), Ok(None));
        assert_eq!(f.strings("l"), Ok(vec![]));
        assert_eq!(f.u32("n"), Ok(None));
        assert_eq!(f.f64("n"), Ok(None));
        assert_eq!(f.flag("n"), Ok(None));
        assert_eq!(f.string("s"), Ok("x".to_string()));
        // Taken out: a second reading finds nothing.
        assert_eq!(f.string("s"), Err("\"s\" is missing".to_string()));
        let mut f = fields(json!({"s": null}));
        assert_eq!(f.string("s"), Err("\"s\" is missing".to_string()));
        assert_eq!(
            required("k", None::<u8>),
            Err("\"k\" is missing".to_string())
        );
        assert_eq!(required("k", Some(1)), Ok(1));
        let mut f = fields(json!({"v": null}));
        assert_eq!(f.remove("v"), Some(Value::Null));
        assert_eq!(f.remove("v"), None);
    }

    #[test]
    fn each_error_names_its_key() {
        let mut f = fields(json!({
            "s": 5, "l": "x", "m": ["a", 1], "b": "yes", "u": -1, "big": 4294967296u64,
            "frac": 1.5, "f": "1", "list": [{"x": 1}, 2],
        }));
        for (got, key) in [
            (f.string("s").map(|_| ()), "\"s\" is not a string"),
            (f.strings("l").map(|_| ()), "\"l\" is not a list of strings"),
            (f.strings("m").map(|_| ()), "\"m\" is not a list of strings"),
            (f.flag("b").map(|_| ()), "\"b\" is not true or false"),
            (f.u32("u").map(|_| ()), "\"u\" is not a whole number"),
            (f.u32("big").map(|_| ()), "\"big\" is not a whole number"),
            (f.u64("frac").map(|_| ()), "\"frac\" is not a whole number"),
            (f.f64("f").map(|_| ()), "\"f\" is not a number"),
            (
                f.list("list", true, |v| Fields::new(v, "an item").map(|_| ()))
                    .map(|_| ()),
                "\"list\"[1]: an item is not an object",
            ),
        ] {
            let e = got.unwrap_err();
            assert!(e.starts_with(key), "{e}");
        }
    }

    #[test]
    fn values_read_as_written() {
        let mut f = fields(json!({
            "s": "é", "l": ["a", "b"], "t": true, "u": 4294967295u64, "w": 18446744073709551615u64,
            "x": -0.5, "i": 7, "items": [1, 2],
        }));
        assert_eq!(f.optional_string("s"), Ok(Some("é".to_string())));
        assert_eq!(f.strings("l"), Ok(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(f.flag("t"), Ok(Some(true)));
        assert_eq!(f.u32("u"), Ok(Some(u32::MAX)));
        assert_eq!(f.u64("w"), Ok(Some(u64::MAX)));
        assert_eq!(f.f64("x"), Ok(Some(-0.5)));
        assert_eq!(f.f64("i"), Ok(Some(7.0)));
        let items = f.list("items", true, |v| required("item", v.as_u64()));
        assert_eq!(items, Ok(vec![1, 2]));
        assert_eq!(
            f.list("none", true, Ok),
            Err("\"none\" is missing".to_string())
        );
        assert_eq!(f.list("none", false, Ok), Ok(vec![]));
        assert_eq!(f, Fields::default());
    }
}
