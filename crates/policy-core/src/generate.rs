//! Valid values by construction, for any type of a schema: an object of an entity type that
//! [`validate`](crate::validate::validate) accepts without a single problem, and the limits it
//! was built within.
//!
//! Unlike [`crate::sample`] (quick examples for the benchmark and the sandbox's seeds), this
//! follows the validator rule by rule: every value lies inside its Edm type's range and its
//! declared constraints, an abstract declared type is filled with a concrete kind named in
//! `@odata.type`, every required property is there and nothing is `null`. The schema-aware
//! mutation test starts from these objects and changes one field at a time.
//!
//! Everything here is pure and deterministic: the same schema and type give the same value.

use serde_json::{json, Map, Value};

use crate::edm::Edm;
use crate::model::{Constraints, EnumType, Property, Schema, TypeId, ValueType};

/// What [`valid_object`] fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Also fill read-only properties, as a GET returns them. A PATCH body leaves them out.
    pub read_only: bool,
    /// Nested complex values (single or in a list) are filled down to this depth; below it only
    /// the required ones are, so a recursive type ends.
    pub max_depth: usize,
    /// Which kind a nested value whose declared type has several concrete kinds is filled with:
    /// the `kind % n`-th of its [`Schema::concrete_types`]. Counting it up from 0 visits every
    /// kind of every such place; 0 is the declared type itself unless it is abstract.
    pub kind: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            read_only: true,
            max_depth: 3,
            kind: 0,
        }
    }
}

/// Required complex values below this depth are left out (the validator then warns): only a
/// cycle of required complex properties, which no Graph type has, reaches it.
const HARD_DEPTH: usize = 16;

/// A valid object of type `id` (an entity type, or a complex one as it is nested), with
/// `@odata.type`, every required property and every other property it can fill validly. For an
/// abstract `id`, a concrete kind derived from it (see [`Options::kind`]); `None` when there is
/// none.
pub fn valid_object(schema: &Schema, id: TypeId, options: &Options) -> Option<Value> {
    let id = if schema.get(id).is_abstract {
        concrete_kind(schema, id, options.kind)?
    } else {
        id
    };
    Some(Generator { schema, options }.object(id, 0))
}

/// A valid value for one element of `p` (an item when `p` is a list), as nested at `depth`;
/// `None` when there is none (an abstract type without a concrete kind, unsatisfiable limits, a
/// type the schema does not hold).
pub fn valid_item(schema: &Schema, p: &Property, options: &Options, depth: usize) -> Option<Value> {
    Generator { schema, options }.item(p, depth)
}

/// The concrete type a value of declared type `id` is filled with: the `kind % n`-th of its `n`
/// concrete types (`id` itself first unless it is abstract, then its derived types).
pub fn concrete_kind(schema: &Schema, id: TypeId, kind: usize) -> Option<TypeId> {
    let kinds = schema.concrete_types(id);
    (!kinds.is_empty()).then(|| kinds[kind % kinds.len()])
}

/// The whole numbers a property of integral type `edm` accepts: its Edm range narrowed by the
/// declared minimum and maximum. `None` for a type that is not integral or an empty range.
pub fn integer_bounds(edm: Edm, c: &Constraints) -> Option<(i64, i64)> {
    let (mut lo, mut hi) = edm.integer_range()?;
    if let Some(min) = c.min {
        // `as` saturates, so a minimum beyond `i64` is still the right bound.
        lo = lo.max(min.ceil() as i64);
    }
    if let Some(max) = c.max {
        hi = hi.min(max.floor() as i64);
    }
    (lo <= hi).then_some((lo, hi))
}

/// A valid value of a primitive property: inside the Edm type's range and the constraints.
pub fn valid_primitive(edm: Edm, c: &Constraints, name: &str) -> Option<Value> {
    Some(match edm {
        Edm::Boolean => json!(true),
        Edm::Byte | Edm::SByte | Edm::Int16 | Edm::Int32 | Edm::Int64 => {
            let (lo, hi) = integer_bounds(edm, c)?;
            json!(1i64.clamp(lo, hi))
        }
        Edm::Single | Edm::Double | Edm::Decimal => {
            let (lo, hi) = (c.min.unwrap_or(f64::MIN), c.max.unwrap_or(f64::MAX));
            if lo > hi || !lo.is_finite() || !hi.is_finite() {
                return None;
            }
            let x = 1.5f64.clamp(lo, hi);
            if edm == Edm::Single && x.abs() > f32::MAX as f64 {
                return None;
            }
            json!(x)
        }
        Edm::String => {
            let max = c.max_length.map_or(usize::MAX, |m| m as usize);
            json!(name.chars().take(max).collect::<String>())
        }
        Edm::Guid => json!("4b5f7085-7085-4b5f-8570-5f4b85705f4b"),
        Edm::DateTimeOffset => json!("2024-05-01T08:30:00Z"),
        Edm::Date => json!("2024-05-01"),
        Edm::TimeOfDay => json!("08:30:00"),
        Edm::Duration => json!("PT1H30M"),
        Edm::Binary | Edm::Stream => json!("SGVsbG8="),
        // Geography and untyped values: the validator takes any JSON.
        Edm::Other => json!({}),
    })
}

/// A valid value of an enum: its first member, or for a flags enum its first two members with
/// a value other than zero, as Graph writes a combination (`"a,b"`).
pub fn valid_enum(e: &EnumType) -> Option<Value> {
    if e.flags {
        let set: Vec<&str> = e
            .members
            .iter()
            .filter(|(_, v)| *v != 0)
            .take(2)
            .map(|(m, _)| m.as_str())
            .collect();
        if !set.is_empty() {
            return Some(json!(set.join(",")));
        }
    }
    e.members.first().map(|(m, _)| json!(m))
}

struct Generator<'a> {
    schema: &'a Schema,
    options: &'a Options,
}

impl Generator<'_> {
    /// An object of the concrete type `id`.
    fn object(&self, id: TypeId, depth: usize) -> Value {
        let t = self.schema.get(id);
        let mut map = Map::new();
        map.insert("@odata.type".into(), json!(t.odata_type()));
        // In the schema's order, as Graph writes objects (and as the validator looks first).
        for p in &t.properties {
            if p.read_only && !self.options.read_only {
                continue;
            }
            if let Some(v) = self.property(p, depth) {
                map.insert(p.name.clone(), v);
            }
        }
        Value::Object(map)
    }

    /// The whole value of `p` in an object at `depth`, or `None` to leave it out.
    fn property(&self, p: &Property, depth: usize) -> Option<Value> {
        let nested = matches!(p.value_type, ValueType::Structured(_));
        if nested && !p.is_required() && depth >= self.options.max_depth {
            return None;
        }
        if p.collection {
            let n = p.constraints.max_items.map_or(1, |m| m.min(1));
            let items: Option<Vec<Value>> = (0..n).map(|_| self.item(p, depth)).collect();
            return items.map(Value::Array);
        }
        self.item(p, depth)
    }

    fn item(&self, p: &Property, depth: usize) -> Option<Value> {
        match p.value_type {
            ValueType::Primitive(edm) => valid_primitive(edm, &p.constraints, &p.name),
            ValueType::Enum(e) => valid_enum(self.schema.enum_type(e)),
            ValueType::Structured(declared) if depth < HARD_DEPTH => {
                let id = concrete_kind(self.schema, declared, self.options.kind)?;
                Some(self.object(id, depth + 1))
            }
            // The validator takes any value of a type the schema does not hold: leave it out.
            ValueType::Structured(_) | ValueType::Unresolved => None,
        }
    }
}
