//! Schema data read from parsed JSON field by field ([`SchemaData::from_json`]).
//!
//! The app reads every schema file it loads this way instead of through the serde derive: the
//! derive's deserializers are many KB of wasm, and serde_json's `Value` reader is in the app
//! anyway. The result is the same as the derive's for every file `schema-packs` writes (tested
//! for both versions, every pack and both catalogs). The derive stays for the generator, the
//! CLI and the sandbox. Fields are read with [`crate::json_read`], as the app's other hand
//! readers are.

use serde_json::Value;

use crate::json_read::{required, Fields, Read};
use crate::model::{
    ApiVersion, Constraints, EntrySetData, EnumData, PropertyData, SchemaData, StructuredTypeData,
    TypeKind,
};

fn constraints(v: Value) -> Read<Constraints> {
    if v.is_null() {
        return Ok(Constraints::default());
    }
    let mut f = Fields::new(v, "constraints")?;
    Ok(Constraints {
        min: f.f64("min")?,
        max: f.f64("max")?,
        max_items: f.u32("maxItems")?,
        max_length: f.u32("maxLength")?,
    })
}

fn property(v: Value) -> Read<PropertyData> {
    let mut f = Fields::new(v, "a property")?;
    Ok(PropertyData {
        name: f.string("name")?,
        type_name: f.string("type")?,
        collection: f.flag("collection")?.unwrap_or(false),
        nullable: f.flag("nullable")?.unwrap_or(true),
        read_only: f.flag("readOnly")?.unwrap_or(false),
        constraints: constraints(f.take("constraints"))?,
    })
}

fn structured_type(v: Value) -> Read<StructuredTypeData> {
    let mut f = Fields::new(v, "a type")?;
    let name = f.string("name")?;
    let kind = match f.take("kind").as_str() {
        Some("entity") => TypeKind::Entity,
        Some("complex") => TypeKind::Complex,
        _ => return Err(format!("{name}: kind is not \"entity\" or \"complex\"")),
    };
    Ok(StructuredTypeData {
        kind,
        base: f.optional_string("base")?,
        is_abstract: f.flag("abstract")?.unwrap_or(false),
        is_open: f.flag("open")?.unwrap_or(false),
        key: f.strings("key")?,
        properties: f.list("properties", false, property)?,
        navigation: f.strings("navigation")?,
        name,
    })
}

fn enum_type(v: Value) -> Read<EnumData> {
    let mut f = Fields::new(v, "an enum")?;
    let member = |v: Value| -> Read<(String, i64)> {
        match v {
            Value::Array(pair) if pair.len() == 2 => {
                let mut pair = pair.into_iter();
                let Some(Value::String(name)) = pair.next() else {
                    return Err("a member's name is not a string".into());
                };
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
        name: f.string("name")?,
        flags: f.flag("flags")?.unwrap_or(false),
        members: f.list("members", true, member)?,
    })
}

fn entry_set(v: Value) -> Read<EntrySetData> {
    let mut f = Fields::new(v, "an entry set")?;
    Ok(EntrySetData {
        path: f.string("path")?,
        type_name: f.string("type")?,
        collection: required("collection", f.flag("collection")?)?,
    })
}

impl SchemaData {
    /// Reads schema data from parsed JSON, as the serde derive would (see the module
    /// documentation); says what is wrong when it is not schema data.
    pub fn from_json(v: Value) -> Result<SchemaData, String> {
        let mut f = Fields::new(v, "the schema")?;
        let api = match f.take("api").as_str() {
            Some("v1.0") => ApiVersion::V1,
            Some("beta") => ApiVersion::Beta,
            _ => return Err("api is not \"v1.0\" or \"beta\"".into()),
        };
        Ok(SchemaData {
            api,
            entry_sets: f.list("entrySets", true, entry_set)?,
            types: f.list("types", true, structured_type)?,
            enums: f.list("enums", true, enum_type)?,
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
