//! Schema data read from parsed JSON field by field ([`SchemaData::from_json`]).
//!
//! The app reads every schema file it loads this way instead of through the serde derive: the
//! derive's deserializers are many KB of wasm, and serde_json's `Value` reader is in the app
//! anyway. The result is the same as the derive's for every file `schema-packs` writes (tested
//! for both versions, every pack and both catalogs). The derive stays for the generator, the
//! CLI and the sandbox.

use serde_json::{Map, Value};

use crate::model::{
    ApiVersion, Constraints, EntrySetData, EnumData, PropertyData, SchemaData, StructuredTypeData,
    TypeKind,
};

type Read<T> = Result<T, String>;

fn object(v: Value, what: &str) -> Read<Map<String, Value>> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(format!("{what} is not an object")),
    }
}

fn field(m: &mut Map<String, Value>, key: &str) -> Value {
    m.remove(key).unwrap_or(Value::Null)
}

fn string(v: Value, what: &str) -> Read<String> {
    match v {
        Value::String(s) => Ok(s),
        _ => Err(format!("{what} is not a string")),
    }
}

fn optional_string(v: Value, what: &str) -> Read<Option<String>> {
    match v {
        Value::Null => Ok(None),
        v => string(v, what).map(Some),
    }
}

fn flag(v: Value, what: &str, default: bool) -> Read<bool> {
    match v {
        Value::Null => Ok(default),
        Value::Bool(b) => Ok(b),
        _ => Err(format!("{what} is not true or false")),
    }
}

/// A list; `required` lists must be there, the others default to empty.
fn list<T>(
    v: Value,
    what: &str,
    required: bool,
    mut item: impl FnMut(Value) -> Read<T>,
) -> Read<Vec<T>> {
    match v {
        Value::Null if !required => Ok(Vec::new()),
        Value::Array(items) => items.into_iter().map(&mut item).collect(),
        _ => Err(format!("{what} is not a list")),
    }
}

fn number<T>(
    v: Value,
    what: &str,
    convert: impl Fn(&serde_json::Number) -> Option<T>,
) -> Read<Option<T>> {
    match &v {
        Value::Null => Ok(None),
        Value::Number(n) => convert(n)
            .map(Some)
            .ok_or_else(|| format!("{what} is out of range")),
        _ => Err(format!("{what} is not a number")),
    }
}

fn constraints(v: Value) -> Read<Constraints> {
    if v.is_null() {
        return Ok(Constraints::default());
    }
    let mut m = object(v, "constraints")?;
    let count = |n: &serde_json::Number| n.as_u64().and_then(|n| u32::try_from(n).ok());
    Ok(Constraints {
        min: number(field(&mut m, "min"), "min", serde_json::Number::as_f64)?,
        max: number(field(&mut m, "max"), "max", serde_json::Number::as_f64)?,
        max_items: number(field(&mut m, "maxItems"), "maxItems", count)?,
        max_length: number(field(&mut m, "maxLength"), "maxLength", count)?,
    })
}

fn property(v: Value) -> Read<PropertyData> {
    let mut m = object(v, "a property")?;
    Ok(PropertyData {
        name: string(field(&mut m, "name"), "a property's name")?,
        type_name: string(field(&mut m, "type"), "a property's type")?,
        collection: flag(field(&mut m, "collection"), "collection", false)?,
        nullable: flag(field(&mut m, "nullable"), "nullable", true)?,
        read_only: flag(field(&mut m, "readOnly"), "readOnly", false)?,
        constraints: constraints(field(&mut m, "constraints"))?,
    })
}

fn structured_type(v: Value) -> Read<StructuredTypeData> {
    let mut m = object(v, "a type")?;
    let name = string(field(&mut m, "name"), "a type's name")?;
    let kind = match field(&mut m, "kind").as_str() {
        Some("entity") => TypeKind::Entity,
        Some("complex") => TypeKind::Complex,
        _ => return Err(format!("{name}: kind is not \"entity\" or \"complex\"")),
    };
    let names = |v: Value, what: &str| list(v, what, false, |n| string(n, what));
    Ok(StructuredTypeData {
        kind,
        base: optional_string(field(&mut m, "base"), "base")?,
        is_abstract: flag(field(&mut m, "abstract"), "abstract", false)?,
        is_open: flag(field(&mut m, "open"), "open", false)?,
        key: names(field(&mut m, "key"), "key")?,
        properties: list(field(&mut m, "properties"), "properties", false, property)?,
        navigation: names(field(&mut m, "navigation"), "navigation")?,
        name,
    })
}

fn enum_type(v: Value) -> Read<EnumData> {
    let mut m = object(v, "an enum")?;
    let member = |v: Value| -> Read<(String, i64)> {
        match v {
            Value::Array(pair) if pair.len() == 2 => {
                let mut pair = pair.into_iter();
                let name = string(pair.next().unwrap_or_default(), "a member's name")?;
                let value = pair
                    .next()
                    .and_then(|n| n.as_i64())
                    .ok_or_else(|| format!("{name}: the value is not a whole number"))?;
                Ok((name, value))
            }
            _ => Err("a member is not a [name, value] pair".into()),
        }
    };
    Ok(EnumData {
        name: string(field(&mut m, "name"), "an enum's name")?,
        flags: flag(field(&mut m, "flags"), "flags", false)?,
        members: list(field(&mut m, "members"), "members", true, member)?,
    })
}

fn entry_set(v: Value) -> Read<EntrySetData> {
    let mut m = object(v, "an entry set")?;
    Ok(EntrySetData {
        path: string(field(&mut m, "path"), "an entry set's path")?,
        type_name: string(field(&mut m, "type"), "an entry set's type")?,
        collection: match field(&mut m, "collection") {
            Value::Bool(b) => b,
            _ => return Err("an entry set's collection is not true or false".into()),
        },
    })
}

impl SchemaData {
    /// Reads schema data from parsed JSON, as the serde derive would (see the module
    /// documentation); says what is wrong when it is not schema data.
    pub fn from_json(v: Value) -> Result<SchemaData, String> {
        let mut m = object(v, "the schema")?;
        let api = match field(&mut m, "api").as_str() {
            Some("v1.0") => ApiVersion::V1,
            Some("beta") => ApiVersion::Beta,
            _ => return Err("api is not \"v1.0\" or \"beta\"".into()),
        };
        Ok(SchemaData {
            api,
            entry_sets: list(field(&mut m, "entrySets"), "entrySets", true, entry_set)?,
            types: list(field(&mut m, "types"), "types", true, structured_type)?,
            enums: list(field(&mut m, "enums"), "enums", true, enum_type)?,
        })
    }
}

#[cfg(all(test, feature = "embedded"))]
mod tests {
    use super::*;
    use crate::embedded;

    /// Reads `text` both ways and checks they agree.
    fn same_both_ways(text: &str) -> SchemaData {
        let derived: SchemaData = serde_json::from_str(text).unwrap();
        let by_hand = SchemaData::from_json(serde_json::from_str(text).unwrap()).unwrap();
        assert_eq!(by_hand, derived);
        by_hand
    }

    #[test]
    fn every_file_the_app_loads_reads_the_same_as_with_the_derive() {
        for api in ApiVersion::ALL {
            let whole = same_both_ways(embedded::json(api));
            same_both_ways(&serde_json::to_string(&whole.catalog_data()).unwrap());
            for root in whole.pack_roots() {
                let pack = whole.pack(&[root]).unwrap();
                same_both_ways(&serde_json::to_string(&pack).unwrap());
            }
        }
    }

    #[test]
    fn what_is_not_schema_data_is_refused_with_a_reason() {
        let cases = [
            (r#"[]"#, "not an object"),
            (
                r#"{"api":"v2","entrySets":[],"types":[],"enums":[]}"#,
                "api",
            ),
            (r#"{"api":"beta","entrySets":[],"enums":[]}"#, "types"),
            (
                r#"{"api":"beta","entrySets":[],"types":[{"name":"t","kind":"x"}],"enums":[]}"#,
                "kind",
            ),
            (
                r#"{"api":"beta","entrySets":[],"types":[{"name":"t","kind":"entity","properties":[{"name":"p","type":"Edm.Int32","constraints":{"maxLength":-1}}]}],"enums":[]}"#,
                "maxLength",
            ),
            (
                r#"{"api":"beta","entrySets":[],"types":[],"enums":[{"name":"e","members":[["a","1"]]}]}"#,
                "whole number",
            ),
            (
                r#"{"api":"beta","entrySets":[{"path":"p","type":"t"}],"types":[],"enums":[]}"#,
                "collection",
            ),
        ];
        for (text, reason) in cases {
            let e = SchemaData::from_json(serde_json::from_str(text).unwrap()).unwrap_err();
            assert!(e.contains(reason), "{text}: {e}");
            // The derive refuses the same files.
            assert!(serde_json::from_str::<SchemaData>(text).is_err(), "{text}");
        }
    }
}
