//! The catalog of one API version: what the app's object browser lists (collections, single
//! objects, types a new draft can start from) without the types themselves.
//!
//! The whole schema of a version is hundreds of KB; what its catalog depends on is a few KB
//! ([`SchemaData::catalog_data`]: the entry sets and the entity types' names, kinds, bases and
//! abstract flags, no properties, no enums), so the browser's lists show without loading and
//! building every type. That part is stored as a [`SchemaData`], so the app reads it with the
//! reader it has anyway. A form still loads its type's pack (`crate::pack`). The catalog is
//! derived from a [`Schema`] ([`Schema::catalog`]), so the lists are the same whichever of the
//! two the app has (tested for both versions).

use crate::model::{
    short_name, ApiVersion, EntrySetData, Schema, SchemaData, StructuredTypeData, TypeKind,
};

/// See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub api: ApiVersion,
    /// Every entry set of the schema, in its order.
    pub entry_sets: Vec<EntrySetData>,
    /// Paths of the collections whose objects a form can show: the declared type, or a type
    /// derived from it, is concrete.
    pub collections: Vec<String>,
    /// Qualified names of the entity types a new draft can start from (concrete, with an entry
    /// set), ordered by their names without namespace.
    pub editable: Vec<String>,
}

impl SchemaData {
    /// The part of this schema its catalog depends on: the entry sets, and the entity types
    /// without their properties, keys and navigation. It resolves on its own (an entity type's
    /// bases are entity types).
    pub fn catalog_data(&self) -> SchemaData {
        SchemaData {
            api: self.api,
            entry_sets: self.entry_sets.clone(),
            types: self
                .types
                .iter()
                .filter(|t| t.kind == TypeKind::Entity)
                .map(|t| StructuredTypeData {
                    name: t.name.clone(),
                    kind: t.kind,
                    base: t.base.clone(),
                    is_abstract: t.is_abstract,
                    is_open: false,
                    key: Vec::new(),
                    properties: Vec::new(),
                    navigation: Vec::new(),
                })
                .collect(),
            enums: Vec::new(),
        }
    }
}

impl Schema {
    /// This schema's catalog.
    pub fn catalog(&self) -> Catalog {
        let collections = self
            .entry_sets
            .iter()
            .filter(|e| {
                e.collection
                    && self
                        .find(&e.type_name)
                        .is_some_and(|t| !self.concrete_types(t).is_empty())
            })
            .map(|e| e.path.clone())
            .collect();
        let editable = self
            .editable_types()
            .into_iter()
            .map(|t| self.get(t).name.clone())
            .collect();
        Catalog {
            api: self.api,
            entry_sets: self.entry_sets.clone(),
            collections,
            editable,
        }
    }
}

/// The name an entry set is listed by: its path without the singleton it hangs off
/// (`deviceManagement/`, `deviceAppManagement/`), whose collection names do not repeat.
pub fn set_name(path: &str) -> &str {
    path.split_once('/').map_or(path, |(_, name)| name)
}

impl Catalog {
    /// Paths of the single objects (`officeConfiguration`, …), the `deviceManagement` root
    /// left out: `officeConfiguration` first, the one administrators edit most, then by path.
    pub fn singletons(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.singleton_paths().collect();
        out.sort_unstable_by_key(|p| (*p != "officeConfiguration", *p));
        out
    }

    /// The same, in the schema's order (the list that shows them sorts them:
    /// `policy_core::home`, and a sort here would add its code to the app's first load).
    pub fn singleton_paths(&self) -> impl Iterator<Item = &str> {
        self.entry_sets
            .iter()
            .filter(|e| !e.collection && e.path != "deviceManagement")
            .map(|e| e.path.as_str())
    }

    /// The declared type (qualified) of the entry set at `path`.
    pub fn set_type(&self, path: &str) -> Option<&str> {
        self.entry_sets
            .iter()
            .find(|e| e.path == path)
            .map(|e| e.type_name.as_str())
    }

    /// The types a new draft can start from, as (qualified name, name without namespace).
    pub fn editable(&self) -> impl Iterator<Item = (&str, &str)> {
        self.editable.iter().map(|n| (n.as_str(), short_name(n)))
    }
}

#[cfg(all(test, feature = "embedded"))]
mod tests {
    use super::*;
    use crate::embedded;

    fn whole(api: ApiVersion) -> Schema {
        Schema::from_data(serde_json::from_str::<SchemaData>(embedded::json(api)).unwrap()).unwrap()
    }

    #[test]
    fn the_catalog_lists_what_an_administrator_opens_in_both_versions() {
        for api in ApiVersion::ALL {
            let c = whole(api).catalog();
            assert_eq!(c.api, api);
            assert!(c
                .collections
                .iter()
                .any(|p| p == "deviceManagement/deviceConfigurations"));
            assert_eq!(
                c.set_type("deviceManagement/deviceConfigurations"),
                Some("microsoft.graph.deviceConfiguration")
            );
            let singletons = c.singletons();
            assert!(!singletons.is_empty());
            assert!(!singletons.contains(&"deviceManagement"));
            assert!(singletons.iter().all(|p| c.set_type(p).is_some()));
            if api == ApiVersion::Beta {
                // Only beta has it; it comes first there.
                assert_eq!(singletons[0], "officeConfiguration");
                assert!(singletons[1..].windows(2).all(|w| w[0] <= w[1]));
            }
            assert!(c.editable().any(|(q, s)| q
                == "microsoft.graph.windows10GeneralConfiguration"
                && s == "windows10GeneralConfiguration"));
            // Abstract types never start a draft.
            assert!(!c
                .editable
                .iter()
                .any(|n| n == "microsoft.graph.deviceConfiguration"));
            // The list puts them in order by short name.
            let lists = crate::home::Lists {
                editable: c
                    .editable()
                    .map(|(n, s)| (n.to_string(), s.to_string()))
                    .collect(),
                ..Default::default()
            };
            let json = crate::home::input_json(
                "beta",
                "",
                Some(&lists),
                None,
                &[],
                false,
                false,
                &[],
                &[],
            );
            let shown = crate::home::Input::parse(&json).lists.unwrap().editable;
            assert_eq!(shown.len(), lists.editable.len());
            assert!(
                shown.windows(2).all(|w| w[0].1 <= w[1].1),
                "ordered by short name"
            );
        }
    }

    /// The browser lists entry sets by [`set_name`]: app policies under `deviceAppManagement`
    /// read as plainly as the `deviceManagement` collections, and no two names are alike.
    #[test]
    fn entry_sets_are_listed_by_distinct_names() {
        for api in ApiVersion::ALL {
            let c = whole(api).catalog();
            let mut names: Vec<&str> = c.entry_sets.iter().map(|e| set_name(&e.path)).collect();
            assert!(names.contains(&"iosManagedAppProtections"), "{api}");
            assert!(names.contains(&"deviceConfigurations"), "{api}");
            names.sort_unstable();
            let n = names.len();
            names.dedup();
            assert_eq!(names.len(), n, "{api}: two entry sets share a name");
        }
        assert_eq!(set_name("officeConfiguration"), "officeConfiguration");
        assert_eq!(
            set_name("deviceAppManagement/targetedManagedAppConfigurations"),
            "targetedManagedAppConfigurations"
        );
    }

    #[test]
    fn every_catalog_entry_opens_from_a_pack() {
        // The browser offers these; each must open with its pack alone (`crate::pack`).
        for api in ApiVersion::ALL {
            let data: SchemaData = serde_json::from_str(embedded::json(api)).unwrap();
            let s = whole(api);
            let c = s.catalog();
            for name in &c.editable {
                let t = s.find(name).unwrap();
                assert_eq!(s.get(t).kind, TypeKind::Entity, "{name}");
                assert!(crate::pack::pack_file(name).is_some(), "{name}");
                let pack = Schema::from_data(data.pack(&[name.as_str()]).unwrap()).unwrap();
                assert!(pack.find(name).is_some(), "{name}");
            }
            for path in &c.collections {
                let declared = c.set_type(path).unwrap();
                assert!(data.pack(&[declared]).is_some(), "{path}");
            }
        }
    }

    #[test]
    fn the_catalog_data_gives_the_whole_versions_catalog() {
        for api in ApiVersion::ALL {
            let data: SchemaData = serde_json::from_str(embedded::json(api)).unwrap();
            let small = data.catalog_data();
            let text = serde_json::to_string(&small).unwrap();
            let read: SchemaData = serde_json::from_str(&text).unwrap();
            let from_small = Schema::from_data(read).unwrap().catalog();
            assert_eq!(from_small, whole(api).catalog(), "{api}");
            // A small part of the whole version.
            let all = serde_json::to_string(&data).unwrap();
            assert!(
                text.len() * 5 < all.len(),
                "{api}: {} of {} bytes",
                text.len(),
                all.len()
            );
        }
    }
}
