//! The schema model: the facts the editor knows about every Intune type of one API version.
//!
//! [`SchemaData`] is the serialisable form the generator writes into `schema/*.json` and the app
//! and the CLI embed. [`Schema`] is the same facts resolved once for fast look-ups: names to
//! indices, base chains flattened, derived types listed.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use crate::edm::Edm;
use crate::Error;

/// FNV-1a: property names are short and trusted (they come from the schema), so a simple hash
/// beats SipHash on the validator's hottest look-up.
#[derive(Default)]
pub struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type NameMap<V> = HashMap<String, V, BuildHasherDefault<NameHasher>>;

/// The namespace every type of interest lives in.
pub const GRAPH_NAMESPACE: &str = "microsoft.graph";

/// Which Graph API a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApiVersion {
    #[serde(rename = "v1.0")]
    V1,
    #[serde(rename = "beta")]
    Beta,
}

impl ApiVersion {
    pub const ALL: [ApiVersion; 2] = [ApiVersion::V1, ApiVersion::Beta];

    /// The path segment Graph uses for this version.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }

    pub fn parse(s: &str) -> Option<ApiVersion> {
        match s {
            "v1.0" | "v1" => Some(ApiVersion::V1),
            "beta" => Some(ApiVersion::Beta),
            _ => None,
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Limits taken from the metadata's descriptions (or the override table), as numbers only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Constraints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, rename = "maxItems", skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
    #[serde(default, rename = "maxLength", skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn yes() -> bool {
    true
}

/// One structural property as the metadata declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyData {
    pub name: String,
    /// `Edm.*` or a qualified type name, without `Collection(...)`.
    #[serde(rename = "type")]
    pub type_name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub collection: bool,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub nullable: bool,
    #[serde(default, rename = "readOnly", skip_serializing_if = "is_false")]
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TypeKind {
    Entity,
    Complex,
}

/// An entity or complex type with its own (not inherited) properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructuredTypeData {
    pub name: String,
    pub kind: TypeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    #[serde(default, rename = "abstract", skip_serializing_if = "is_false")]
    pub is_abstract: bool,
    #[serde(default, rename = "open", skip_serializing_if = "is_false")]
    pub is_open: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key: Vec<String>,
    #[serde(default, rename = "properties", skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyData>,
    /// Names of own navigation properties: never part of a form or a PATCH body.
    #[serde(default, rename = "navigation", skip_serializing_if = "Vec::is_empty")]
    pub navigation: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumData {
    pub name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub flags: bool,
    /// Member names with their numeric values, in declaration order.
    pub members: Vec<(String, i64)>,
}

/// A place under the service root where objects of a type live: a navigation property of the
/// `deviceManagement` singleton, or a singleton of its own such as `officeConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySetData {
    /// URL path from the service root, e.g. `deviceManagement/deviceConfigurations`.
    pub path: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// True for a collection of objects, false for a single object.
    pub collection: bool,
}

/// Everything the generator writes for one API version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaData {
    pub api: ApiVersion,
    #[serde(rename = "entrySets")]
    pub entry_sets: Vec<EntrySetData>,
    pub types: Vec<StructuredTypeData>,
    pub enums: Vec<EnumData>,
}

/// Index of a structured type in a [`Schema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

/// Index of an enum type in a [`Schema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnumId(pub u32);

/// What a property's value is, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Primitive(Edm),
    Enum(EnumId),
    Structured(TypeId),
    /// A type the metadata names but this schema does not hold (stubs outside the closure).
    Unresolved,
}

/// A property resolved against the schema, with the type that declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: String,
    pub type_name: String,
    pub value_type: ValueType,
    pub collection: bool,
    pub nullable: bool,
    pub read_only: bool,
    pub constraints: Constraints,
    pub declared_in: TypeId,
}

impl Property {
    /// Must be present in a whole object: not nullable, not read-only, not a list.
    pub fn is_required(&self) -> bool {
        !self.nullable && !self.read_only && !self.collection
    }
}

#[derive(Debug, Clone)]
pub struct StructuredType {
    pub name: String,
    pub kind: TypeKind,
    pub base: Option<TypeId>,
    pub is_abstract: bool,
    pub is_open: bool,
    pub key: Vec<String>,
    /// Every property, inherited ones first (root of the chain first), then own ones.
    pub properties: Vec<Property>,
    /// Every navigation property name, inherited included.
    pub navigation: Vec<String>,
    /// Direct and indirect derived types, in schema order.
    pub derived: Vec<TypeId>,
    prop_index: NameMap<usize>,
    /// How many properties must be present (not nullable, not read-only, not a collection).
    pub required_count: usize,
}

impl StructuredType {
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.prop_index.get(name).map(|&i| &self.properties[i])
    }

    /// The name without the namespace, as labels and `#microsoft.graph.x` need it.
    pub fn short_name(&self) -> &str {
        short_name(&self.name)
    }

    /// The value of `@odata.type` for an object of this type.
    pub fn odata_type(&self) -> String {
        format!("#{}", self.name)
    }
}

#[derive(Debug, Clone)]
pub struct EnumType {
    pub name: String,
    pub flags: bool,
    pub members: Vec<(String, i64)>,
}

impl EnumType {
    pub fn has_member(&self, name: &str) -> bool {
        self.members.iter().any(|(m, _)| m == name)
    }
}

/// The resolved schema of one API version.
#[derive(Debug, Clone)]
pub struct Schema {
    pub api: ApiVersion,
    pub entry_sets: Vec<EntrySetData>,
    types: Vec<StructuredType>,
    enums: Vec<EnumType>,
    type_index: NameMap<TypeId>,
    enum_index: NameMap<EnumId>,
}

/// Strips the namespace from a qualified name: `microsoft.graph.omaSetting` → `omaSetting`.
pub fn short_name(qualified: &str) -> &str {
    qualified.rsplit('.').next().unwrap_or(qualified)
}

impl Schema {
    /// Parses the JSON the generator writes.
    pub fn from_json(json: &str) -> Result<Schema, Error> {
        let data: SchemaData = serde_json::from_str(json).map_err(Error::SchemaJson)?;
        Schema::from_data(data)
    }

    /// Resolves names to indices; fails on a dangling base type, a cycle or a property declared
    /// twice in a type's chain.
    pub fn from_data(data: SchemaData) -> Result<Schema, Error> {
        let type_index: NameMap<TypeId> = data
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), TypeId(i as u32)))
            .collect();
        let enum_index: NameMap<EnumId> = data
            .enums
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.clone(), EnumId(i as u32)))
            .collect();

        let resolve = |type_name: &str| -> ValueType {
            if let Some(edm) = Edm::parse(type_name) {
                ValueType::Primitive(edm)
            } else if let Some(&id) = enum_index.get(type_name) {
                ValueType::Enum(id)
            } else if let Some(&id) = type_index.get(type_name) {
                ValueType::Structured(id)
            } else {
                ValueType::Unresolved
            }
        };

        let mut bases = Vec::with_capacity(data.types.len());
        for t in &data.types {
            let base = match &t.base {
                Some(b) => Some(
                    *type_index
                        .get(b)
                        .ok_or_else(|| Error::UnknownBaseType(t.name.clone(), b.clone()))?,
                ),
                None => None,
            };
            bases.push(base);
        }

        let mut types = Vec::with_capacity(data.types.len());
        for (i, t) in data.types.iter().enumerate() {
            // Walk up the chain, root last; a chain longer than the type count is a cycle.
            let mut chain = vec![i];
            let mut cur = bases[i];
            while let Some(TypeId(b)) = cur {
                if chain.len() > data.types.len() {
                    return Err(Error::BaseTypeCycle(t.name.clone()));
                }
                chain.push(b as usize);
                cur = bases[b as usize];
            }
            let mut properties = Vec::new();
            let mut navigation = Vec::new();
            for &c in chain.iter().rev() {
                let declaring = &data.types[c];
                for p in &declaring.properties {
                    properties.push(Property {
                        name: p.name.clone(),
                        type_name: p.type_name.clone(),
                        value_type: resolve(&p.type_name),
                        collection: p.collection,
                        nullable: p.nullable,
                        read_only: p.read_only,
                        constraints: p.constraints.clone(),
                        declared_in: TypeId(c as u32),
                    });
                }
                navigation.extend(declaring.navigation.iter().cloned());
            }
            let key = chain
                .iter()
                .rev()
                .map(|&c| &data.types[c].key)
                .find(|k| !k.is_empty())
                .cloned()
                .unwrap_or_default();
            let required_count = properties.iter().filter(|p| p.is_required()).count();
            // CSDL forbids two properties of one name in a type (its own or inherited), and the
            // validator's look-ups rely on it: schema data that has them is refused.
            let mut prop_index = NameMap::default();
            for (i, p) in properties.iter().enumerate() {
                if prop_index.insert(p.name.clone(), i).is_some() {
                    return Err(Error::DuplicateProperty(t.name.clone(), p.name.clone()));
                }
            }
            types.push(StructuredType {
                name: t.name.clone(),
                kind: t.kind,
                base: bases[i],
                is_abstract: t.is_abstract,
                is_open: t.is_open,
                key,
                properties,
                navigation,
                derived: Vec::new(),
                prop_index,
                required_count,
            });
        }
        for i in 0..types.len() {
            let mut cur = types[i].base;
            while let Some(b) = cur {
                types[b.0 as usize].derived.push(TypeId(i as u32));
                cur = types[b.0 as usize].base;
            }
        }
        let enums = data
            .enums
            .into_iter()
            .map(|e| EnumType {
                name: e.name,
                flags: e.flags,
                members: e.members,
            })
            .collect();
        Ok(Schema {
            api: data.api,
            entry_sets: data.entry_sets,
            types,
            enums,
            type_index,
            enum_index,
        })
    }

    pub fn types(&self) -> impl Iterator<Item = (TypeId, &StructuredType)> {
        self.types
            .iter()
            .enumerate()
            .map(|(i, t)| (TypeId(i as u32), t))
    }

    pub fn get(&self, id: TypeId) -> &StructuredType {
        &self.types[id.0 as usize]
    }

    pub fn enum_type(&self, id: EnumId) -> &EnumType {
        &self.enums[id.0 as usize]
    }

    pub fn enum_by_name(&self, name: &str) -> Option<EnumId> {
        self.enum_index.get(name).copied()
    }

    /// Finds a type by any of the spellings Graph uses: `#microsoft.graph.x`,
    /// `microsoft.graph.x`, `graph.x` or the bare `x`.
    pub fn find(&self, name: &str) -> Option<TypeId> {
        let name = name.strip_prefix('#').unwrap_or(name);
        if let Some(&id) = self.type_index.get(name) {
            return Some(id);
        }
        let bare = name.strip_prefix("graph.").unwrap_or(name);
        self.type_index
            .get(&format!("{GRAPH_NAMESPACE}.{bare}"))
            .copied()
    }

    /// True when `id` is `ancestor` or derives from it.
    pub fn is_same_or_derived(&self, id: TypeId, ancestor: TypeId) -> bool {
        let mut cur = Some(id);
        while let Some(c) = cur {
            if c == ancestor {
                return true;
            }
            cur = self.get(c).base;
        }
        false
    }

    /// The concrete types an object of declared type `id` may be: itself unless abstract, and
    /// every non-abstract derived type.
    pub fn concrete_types(&self, id: TypeId) -> Vec<TypeId> {
        let t = self.get(id);
        let mut out = Vec::new();
        if !t.is_abstract {
            out.push(id);
        }
        out.extend(
            t.derived
                .iter()
                .copied()
                .filter(|d| !self.get(*d).is_abstract),
        );
        out
    }

    /// The entry set (collection or singleton) where objects of type `id` are stored.
    pub fn entry_set_for(&self, id: TypeId) -> Option<&EntrySetData> {
        // The most specific declared type wins: `deviceConfigurations` before any base.
        let mut cur = Some(id);
        while let Some(c) = cur {
            let name = &self.get(c).name;
            if let Some(set) = self.entry_sets.iter().find(|s| &s.type_name == name) {
                return Some(set);
            }
            cur = self.get(c).base;
        }
        None
    }

    /// The concrete entity types an editor can open: those stored in an entry set.
    pub fn editable_types(&self) -> Vec<TypeId> {
        // In the schema's order: the list that shows them sorts them (policy_core::home), and a
        // sort here would add its code to the app's first load.
        self.types()
            .filter(|(id, t)| {
                t.kind == TypeKind::Entity && !t.is_abstract && self.entry_set_for(*id).is_some()
            })
            .map(|(id, _)| id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `tests/fuzz.rs` (`schema_data_hostile`): schema data with a type holding two
    /// properties of one name was accepted, and validating that type's own sample then failed
    /// the validator's assertion that a name finds the property it was matched to.
    #[test]
    fn a_property_declared_twice_is_refused() {
        let own = r#"{"api":"v1.0","entrySets":[],"enums":[],"types":[
            {"name":"microsoft.graph.a","kind":"entity","properties":[
                {"name":"p","type":"Edm.String"},{"name":"p","type":"Edm.String"}]}]}"#;
        let inherited = r#"{"api":"v1.0","entrySets":[],"enums":[],"types":[
            {"name":"microsoft.graph.b","kind":"entity","properties":[
                {"name":"p","type":"Edm.Int32"}]},
            {"name":"microsoft.graph.a","kind":"entity","base":"microsoft.graph.b",
                "properties":[{"name":"p","type":"Edm.String"}]}]}"#;
        for json in [own, inherited] {
            assert!(
                matches!(
                    Schema::from_json(json),
                    Err(Error::DuplicateProperty(t, p)) if t == "microsoft.graph.a" && p == "p"
                ),
                "{json}"
            );
        }
    }
}
