//! Schema packs: the part of one API version's schema that one type needs, so the app can load
//! the facts for the form it opens instead of every type of the version.
//!
//! A pack for a type holds the type, its base types, every type derived from it, and, for every
//! property of any of those, the property's type with its bases and derived types (a value may
//! be of any type derived from the declared one), recursively, plus the enums they use and the
//! entry sets where the included entity types live. A pack is a closed [`SchemaData`]: it
//! resolves on its own, and validating an object of the pack's type against it gives exactly the
//! problems the whole version's schema gives (tested for every entity type of both versions).
//!
//! Packs merge: [`SchemaData::merge`] appends what the receiver lacks and never reorders what it
//! has, so the [`crate::TypeId`]s of a schema built from the receiver stay valid in a schema built
//! after the merge.

use std::collections::{HashMap, HashSet};

use crate::edm::Edm;
use crate::model::{SchemaData, TypeKind, GRAPH_NAMESPACE};

impl SchemaData {
    /// The closure of `roots` (qualified names); `None` when a root is not a structured type of
    /// this schema.
    pub fn pack(&self, roots: &[&str]) -> Option<SchemaData> {
        let index: HashMap<&str, usize> = self
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        let enums: HashMap<&str, usize> = self
            .enums
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.as_str(), i))
            .collect();
        let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, t) in self.types.iter().enumerate() {
            if let Some(b) = &t.base {
                children.entry(b.as_str()).or_default().push(i);
            }
        }

        let mut types = HashSet::new();
        // Types whose derived types are in (a type reached only as a base does not bring them).
        let mut families = HashSet::new();
        let mut used_enums = HashSet::new();
        let mut work: Vec<usize> = Vec::new();
        // A type with its bases and every type derived from it. Each type is visited once, so
        // base types that form a cycle (data `Schema::from_data` refuses) cannot loop for ever.
        let with_family = |i: usize, work: &mut Vec<usize>| {
            work.push(i);
            let mut below = vec![i];
            let mut seen = HashSet::from([i]);
            while let Some(j) = below.pop() {
                for &c in children
                    .get(self.types[j].name.as_str())
                    .into_iter()
                    .flatten()
                {
                    if seen.insert(c) {
                        work.push(c);
                        below.push(c);
                    }
                }
            }
        };
        for root in roots {
            let i = *index.get(root)?;
            families.insert(i);
            with_family(i, &mut work);
        }
        while let Some(i) = work.pop() {
            if !types.insert(i) {
                continue;
            }
            let t = &self.types[i];
            if let Some(&b) = t.base.as_deref().and_then(|b| index.get(b)) {
                work.push(b);
            }
            for p in &t.properties {
                if Edm::parse(&p.type_name).is_some() {
                    continue;
                }
                if let Some(&e) = enums.get(p.type_name.as_str()) {
                    used_enums.insert(e);
                } else if let Some(&s) = index.get(p.type_name.as_str()) {
                    if families.insert(s) {
                        with_family(s, &mut work);
                    }
                }
            }
        }

        let names: HashSet<&str> = types.iter().map(|&i| self.types[i].name.as_str()).collect();
        Some(SchemaData {
            api: self.api,
            entry_sets: self
                .entry_sets
                .iter()
                .filter(|s| names.contains(s.type_name.as_str()))
                .cloned()
                .collect(),
            types: (0..self.types.len())
                .filter(|i| types.contains(i))
                .map(|i| self.types[i].clone())
                .collect(),
            enums: (0..self.enums.len())
                .filter(|i| used_enums.contains(i))
                .map(|i| self.enums[i].clone())
                .collect(),
        })
    }

    /// Adds the types, enums and entry sets of `other` this schema lacks, after its own; returns
    /// whether anything was added. `other` must be of the same API version (else nothing is).
    pub fn merge(&mut self, other: SchemaData) -> bool {
        if other.api != self.api {
            return false;
        }
        let before = (self.types.len(), self.enums.len(), self.entry_sets.len());
        let types: HashSet<String> = self.types.iter().map(|t| t.name.clone()).collect();
        let enums: HashSet<String> = self.enums.iter().map(|e| e.name.clone()).collect();
        let sets: HashSet<String> = self.entry_sets.iter().map(|s| s.path.clone()).collect();
        self.types
            .extend(other.types.into_iter().filter(|t| !types.contains(&t.name)));
        self.enums
            .extend(other.enums.into_iter().filter(|e| !enums.contains(&e.name)));
        self.entry_sets.extend(
            other
                .entry_sets
                .into_iter()
                .filter(|s| !sets.contains(&s.path)),
        );
        before != (self.types.len(), self.enums.len(), self.entry_sets.len())
    }

    /// An empty schema of `api`: no types yet.
    pub fn empty(api: crate::ApiVersion) -> SchemaData {
        SchemaData {
            api,
            entry_sets: Vec::new(),
            types: Vec::new(),
            enums: Vec::new(),
        }
    }

    /// The entity types that get a pack of their own: every one, abstract included (a link or a
    /// file may name any).
    pub fn pack_roots(&self) -> impl Iterator<Item = &str> {
        self.types
            .iter()
            .filter(|t| t.kind == TypeKind::Entity)
            .map(|t| t.name.as_str())
    }
}

/// The file a type's pack is stored in, relative to the folder of its API version: the name
/// without `microsoft.graph.` (types of nested namespaces such as
/// `microsoft.graph.deviceManagement.monitoring` keep theirs) and `.json`. `None` when
/// `type_name` (any spelling `Schema::find` accepts) is not a plain dotted name, so a hostile
/// link never becomes a path.
pub fn pack_file(type_name: &str) -> Option<String> {
    let name = type_name.strip_prefix('#').unwrap_or(type_name);
    let bare = name
        .strip_prefix(GRAPH_NAMESPACE)
        .and_then(|n| n.strip_prefix('.'))
        .or_else(|| name.strip_prefix("graph."))
        .unwrap_or(name);
    let ok = !bare.is_empty()
        && bare.len() <= 128
        && !bare.starts_with('.')
        && !bare.ends_with('.')
        && !bare.contains("..")
        && bare
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    ok.then(|| format!("{bare}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `tests/fuzz.rs` (`schema_data_hostile`): two types that name each other as base
    /// made `pack` walk their derived types for ever, its work list growing until the process
    /// ran out of memory.
    #[test]
    fn a_cycle_of_base_types_packs_without_looping() {
        let data: SchemaData = serde_json::from_str(
            r#"{"api":"beta","entrySets":[],"enums":[],"types":[
                {"name":"microsoft.graph.a","kind":"entity","base":"microsoft.graph.b"},
                {"name":"microsoft.graph.b","kind":"entity","base":"microsoft.graph.a"}]}"#,
        )
        .unwrap();
        let pack = data.pack(&["microsoft.graph.a"]).unwrap();
        assert_eq!(pack.types, data.types);
    }

    #[test]
    fn pack_file_names_only_plain_graph_names() {
        assert_eq!(
            pack_file("#microsoft.graph.windows10GeneralConfiguration").as_deref(),
            Some("windows10GeneralConfiguration.json")
        );
        assert_eq!(
            pack_file("graph.iosGeneralDeviceConfiguration").as_deref(),
            Some("iosGeneralDeviceConfiguration.json")
        );
        assert_eq!(
            pack_file("officeConfiguration").as_deref(),
            Some("officeConfiguration.json")
        );
        for hostile in ["", "../x", "a/b", "x.json?y", ".x", "x.", "a b", "%2e%2e"] {
            assert_eq!(pack_file(hostile), None, "{hostile}");
        }
    }
}
