//! The query options the settings catalog routes understand, and paging as Graph does it:
//! `$top`, `$skiptoken` (in `@odata.nextLink`), `$select`, `$expand`, `$search` (words in the
//! name, id or keywords) and a small `$filter`: clauses `path eq 'text'`, `path ne 'text'` and
//! `path has 'flag'` (for comma-separated flag values such as `applicability/platform`) joined
//! by `and`; literals may carry a type prefix (`microsoft.graph.x'windows10'`) or be `true`,
//! `false`, `null` or a number.

use serde_json::{json, Map, Value};

use crate::graph::percent_decode;
use crate::reply::{shorten, Failure};

/// The largest `$top` these routes take.
pub const MAX_TOP: usize = 1000;

/// A request's options.
#[derive(Debug, Default)]
pub struct Options {
    pub top: Option<usize>,
    pub skip: usize,
    pub select: Option<Vec<String>>,
    /// The `$expand` text as sent (e.g. `settings($expand=settingDefinitions)`).
    pub expand: String,
    pub search: Option<String>,
    pub filter: Vec<Clause>,
    /// The raw query string, to carry into `@odata.nextLink`.
    raw: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Eq,
    Ne,
    Has,
}

/// One `$filter` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub path: Vec<String>,
    pub op: Op,
    pub literal: Value,
}

impl Options {
    pub fn parse(raw: Option<&str>) -> Result<Options, Failure> {
        let raw = raw.unwrap_or_default();
        let mut o = Options {
            raw: raw.to_string(),
            ..Options::default()
        };
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(key).unwrap_or_default();
            let value = percent_decode(&value.replace('+', " ")).ok_or_else(|| {
                Failure::bad_request("The query has a malformed percent-escape or is not UTF-8.")
            })?;
            match key.trim_start_matches('$') {
                "top" => match value.trim().parse::<usize>() {
                    Ok(n) if n <= MAX_TOP => o.top = Some(n),
                    _ => {
                        return Err(Failure::bad_request(format!(
                            "$top must be a whole number from 0 to {MAX_TOP}."
                        )))
                    }
                },
                "skiptoken" => {
                    o.skip = value.parse().map_err(|_| {
                        Failure::bad_request("The $skiptoken is not one this service issued.")
                    })?
                }
                "select" => {
                    o.select = Some(
                        value
                            .split(',')
                            .map(|s| s.trim().to_string())
                            .filter(|s| !s.is_empty())
                            .collect(),
                    )
                }
                "expand" => o.expand = value,
                "search" => o.search = Some(value.trim().trim_matches('"').to_lowercase()),
                "filter" => o.filter = parse_filter(&value)?,
                _ => {}
            }
        }
        Ok(o)
    }

    /// True when `$expand` names `what` (at any depth: `settings($expand=settingDefinitions)`).
    pub fn expands(&self, what: &str) -> bool {
        self.expand
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w.eq_ignore_ascii_case(what))
    }

    /// True when an item passes `$filter` and `$search`.
    pub fn matches(&self, item: &Value) -> bool {
        self.filter.iter().all(|c| c.matches(item)) && self.search_matches(item)
    }

    fn search_matches(&self, item: &Value) -> bool {
        let Some(words) = &self.search else {
            return true;
        };
        let mut hay = String::new();
        for key in ["displayName", "name", "id", "description"] {
            if let Some(s) = item.get(key).and_then(Value::as_str) {
                hay.push_str(&s.to_lowercase());
                hay.push('\n');
            }
        }
        for k in item
            .get("keywords")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            hay.push_str(&k.as_str().unwrap_or_default().to_lowercase());
            hay.push('\n');
        }
        words.split_whitespace().all(|w| hay.contains(w))
    }

    /// Keeps the selected properties; `@odata.type` and `id` always stay.
    pub fn project(&self, item: Value) -> Value {
        match (&self.select, item) {
            (Some(names), Value::Object(map)) => Value::Object(
                map.into_iter()
                    .filter(|(k, _)| {
                        k == "@odata.type" || k == "id" || names.iter().any(|n| n == k)
                    })
                    .collect(),
            ),
            (_, item) => item,
        }
    }

    /// A page of `items` as Graph answers a list: `@odata.context`, `value`, and
    /// `@odata.nextLink` (this request's query with a new `$skiptoken`) while more remain.
    pub fn page(
        &self,
        items: Vec<Value>,
        default_page: usize,
        api_root: &str,
        path: &str,
        context: &str,
    ) -> Value {
        let size = self.top.unwrap_or(default_page);
        let total = items.len();
        let value: Vec<Value> = items.into_iter().skip(self.skip).take(size).collect();
        let mut body = Map::new();
        body.insert(
            "@odata.context".into(),
            json!(format!("{api_root}/$metadata#{context}")),
        );
        body.insert("value".into(), Value::Array(value));
        let next = self.skip.saturating_add(size);
        if size > 0 && next < total {
            let kept: Vec<&str> = self
                .raw
                .split('&')
                .filter(|p| {
                    !p.is_empty()
                        && !p.starts_with("$skiptoken=")
                        && !p.starts_with("%24skiptoken=")
                })
                .collect();
            let mut query = kept.join("&");
            if !query.is_empty() {
                query.push('&');
            }
            body.insert(
                "@odata.nextLink".into(),
                json!(format!("{api_root}/{path}?{query}$skiptoken={next}")),
            );
        }
        Value::Object(body)
    }
}

impl Clause {
    fn matches(&self, item: &Value) -> bool {
        let mut at = item;
        for key in &self.path {
            match at.get(key) {
                Some(v) => at = v,
                None => return self.op == Op::Ne && !self.literal.is_null(),
            }
        }
        let equal = match (at, &self.literal) {
            (Value::String(a), Value::String(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        };
        match self.op {
            Op::Eq => equal,
            Op::Ne => !equal,
            Op::Has => match (at, &self.literal) {
                (Value::String(flags), Value::String(flag)) => flags
                    .split(',')
                    .any(|f| f.trim().eq_ignore_ascii_case(flag)),
                _ => false,
            },
        }
    }
}

fn unsupported(text: &str) -> Failure {
    Failure::bad_request(format!(
        "The $filter {:?} is not supported: use clauses like `categoryId eq 'id'` or \
         `applicability/platform has 'windows10'`, joined by `and`.",
        shorten(text, 120)
    ))
}

/// Splits on ` and ` outside quotes.
fn split_and(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            quoted = !quoted;
        }
        let rest: String = chars[i..chars.len().min(i + 5)].iter().collect();
        if !quoted && rest.eq_ignore_ascii_case(" and ") {
            parts.push(String::new());
            i += 5;
            continue;
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
        i += 1;
    }
    parts
}

pub fn parse_filter(text: &str) -> Result<Vec<Clause>, Failure> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    split_and(text)
        .iter()
        .map(|clause| {
            let clause = clause.trim();
            let mut words = clause.splitn(3, ' ');
            let (Some(path), Some(op), Some(literal)) = (words.next(), words.next(), words.next())
            else {
                return Err(unsupported(clause));
            };
            let op = match op.to_ascii_lowercase().as_str() {
                "eq" => Op::Eq,
                "ne" => Op::Ne,
                "has" => Op::Has,
                _ => return Err(unsupported(clause)),
            };
            let literal = parse_literal(literal.trim()).ok_or_else(|| unsupported(clause))?;
            Ok(Clause {
                path: path.split('/').map(str::to_string).collect(),
                op,
                literal,
            })
        })
        .collect()
}

/// `'text'` (with `''` for a quote, after an optional type name), or a JSON scalar.
fn parse_literal(text: &str) -> Option<Value> {
    if let Some(start) = text.find('\'') {
        let inner = text[start..].strip_prefix('\'')?.strip_suffix('\'')?;
        let prefix = &text[..start];
        if !prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
        {
            return None;
        }
        if inner.replace("''", "").contains('\'') {
            return None;
        }
        return Some(Value::String(inner.replace("''", "'")));
    }
    match serde_json::from_str::<Value>(text).ok()? {
        v @ (Value::Bool(_) | Value::Null | Value::Number(_)) => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_read_and_match() {
        let item = json!({"id": "A_b", "categoryId": "c1", "applicability": {"platform": "iOS,macOS"}, "n": 3});
        let yes = [
            "id eq 'a_B'",
            "applicability/platform has 'macOS' and categoryId eq 'c1'",
            "applicability/platform has microsoft.graph.deviceManagementConfigurationPlatforms'iOS'",
            "n eq 3",
            "categoryId ne 'c2'",
        ];
        for f in yes {
            let o = Options::parse(Some(&format!("$filter={f}"))).unwrap();
            assert!(o.matches(&item), "{f}");
        }
        for f in [
            "id eq 'x'",
            "applicability/platform has 'windows10'",
            "n eq 4",
        ] {
            let o = Options::parse(Some(&format!("$filter={f}"))).unwrap();
            assert!(!o.matches(&item), "{f}");
        }
        for bad in ["id", "id gt 'x'", "id eq x", "startswith(id,'a')"] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_filter("name eq 'it''s and more'").unwrap()[0].literal,
            json!("it's and more")
        );
    }

    #[test]
    fn pages_carry_the_query_on() {
        let o = Options::parse(Some("$top=2&$filter=x%20eq%201")).unwrap();
        let items: Vec<Value> = (0..5).map(|i| json!({"x": i})).collect();
        let page = o.page(items, 100, "http://h/beta", "a/b", "a/b");
        assert_eq!(page["value"].as_array().unwrap().len(), 2);
        assert_eq!(
            page["@odata.nextLink"],
            "http://h/beta/a/b?$top=2&$filter=x%20eq%201&$skiptoken=2"
        );
    }
}
