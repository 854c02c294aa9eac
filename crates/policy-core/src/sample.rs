//! Valid example values for any type: the benchmark's heavy objects, the sandbox's seeded state,
//! and the test that every generated type accepts a value built from its own declaration.

use serde_json::{json, Map, Value};

use crate::edm::Edm;
use crate::model::{Property, Schema, TypeId, ValueType};

/// How deep nested complex values are filled before they are left null (or out).
const MAX_DEPTH: usize = 4;

/// An object of type `id` with every writable property set to a valid value; read-only
/// properties are left out unless `with_read_only`.
pub fn sample_object(schema: &Schema, id: TypeId, with_read_only: bool) -> Value {
    structured(schema, id, with_read_only, 0)
}

fn structured(schema: &Schema, id: TypeId, with_read_only: bool, depth: usize) -> Value {
    // An abstract declared type is filled with its first concrete kind.
    let id = if schema.get(id).is_abstract {
        match schema.concrete_types(id).first() {
            Some(c) => *c,
            None => return Value::Null,
        }
    } else {
        id
    };
    let t = schema.get(id);
    let mut map = Map::new();
    map.insert("@odata.type".into(), json!(t.odata_type()));
    for p in &t.properties {
        if p.read_only && !with_read_only {
            continue;
        }
        let v = property_value(schema, p, with_read_only, depth);
        if v.is_null() && !p.nullable {
            continue; // Too deep to fill: better absent than invalid.
        }
        map.insert(p.name.clone(), v);
    }
    Value::Object(map)
}

fn property_value(schema: &Schema, p: &Property, with_read_only: bool, depth: usize) -> Value {
    let one = single_value(schema, p, with_read_only, depth);
    if p.collection {
        if one.is_null() {
            json!([])
        } else {
            json!([one])
        }
    } else {
        one
    }
}

/// A valid value for one element of the property (not the collection).
pub fn single_value(schema: &Schema, p: &Property, with_read_only: bool, depth: usize) -> Value {
    match p.value_type {
        ValueType::Primitive(edm) => primitive(edm, p),
        ValueType::Enum(e) => {
            let e = schema.enum_type(e);
            e.members
                .first()
                .map(|(m, _)| json!(m))
                .unwrap_or(Value::Null)
        }
        ValueType::Structured(id) if depth < MAX_DEPTH => {
            structured(schema, id, with_read_only, depth + 1)
        }
        _ => Value::Null,
    }
}

fn primitive(edm: Edm, p: &Property) -> Value {
    let c = &p.constraints;
    match edm {
        Edm::Boolean => json!(true),
        Edm::Single | Edm::Double | Edm::Decimal => json!(c.min.or(c.max).unwrap_or(1.5)),
        e if e.is_numeric() => {
            let v = c.min.or(c.max).unwrap_or(1.0);
            json!(v as i64)
        }
        Edm::String => {
            let max = c.max_length.unwrap_or(64) as usize;
            json!(format!("{} value", p.name)
                .chars()
                .take(max)
                .collect::<String>())
        }
        Edm::Guid => json!("4b5f7085-7085-4b5f-8570-5f4b85705f4b"),
        Edm::DateTimeOffset => json!("2024-05-01T08:30:00Z"),
        Edm::Date => json!("2024-05-01"),
        Edm::TimeOfDay => json!("08:30:00"),
        Edm::Duration => json!("PT1H30M"),
        Edm::Binary | Edm::Stream => json!("SGVsbG8="),
        _ => Value::Null,
    }
}
