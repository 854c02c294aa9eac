//! The schema of each API version, as far as it is loaded.
//!
//! The app does not carry the schemas in its wasm: a form needs only its type's pack
//! (`policy_core::pack`, a few KB), which `net::ensure_type` fetches beside the app before the
//! form opens; the whole version (`net::ensure_whole`) only when an object or a file is of a
//! type no pack brought. Everything loaded is merged into one [`SchemaData`] per version, and
//! each merge builds a new [`Schema`] that [`schema`] hands out from then on. The object
//! browser's lists come from the version's catalog (`policy_core::catalog`, a few KB,
//! `net::ensure_catalog`), or from the whole version once that is in.
//!
//! Invariants: a merge only appends, so a [`TypeId`](policy_core::TypeId) taken from an earlier
//! schema means the same type in every later one (documents keep theirs across loads); a
//! schema handed out stays alive for the page's life (each is leaked once, and there are at most
//! a few per version: one per pack loaded before the whole version, then the whole version).

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use policy_core::catalog::Catalog;
use policy_core::model::{ApiVersion, SchemaData};
use policy_core::Schema;

struct Slot {
    data: SchemaData,
    current: &'static Schema,
    /// Qualified names of the types whose packs are in.
    roots: HashSet<String>,
    whole: bool,
    catalog: Option<Rc<Catalog>>,
}

impl Slot {
    fn new(api: ApiVersion) -> Slot {
        let data = SchemaData::empty(api);
        let current = leak(Schema::from_data(data.clone()).expect("an empty schema resolves"));
        Slot {
            data,
            current,
            roots: HashSet::new(),
            whole: false,
            catalog: None,
        }
    }
}

fn leak(s: Schema) -> &'static Schema {
    Box::leak(Box::new(s))
}

thread_local! {
    static SLOTS: RefCell<[Slot; 2]> = RefCell::new([Slot::new(ApiVersion::V1), Slot::new(ApiVersion::Beta)]);
    static REVISION: RefCell<u32> = const { RefCell::new(0) };
}

fn index(api: ApiVersion) -> usize {
    match api {
        ApiVersion::V1 => 0,
        ApiVersion::Beta => 1,
    }
}

/// What is loaded of `api`'s schema (no types before the first load).
pub fn schema(api: ApiVersion) -> &'static Schema {
    SLOTS.with(|s| s.borrow()[index(api)].current)
}

/// Grows with every load that added something: what depends on the set of known types (the
/// browser's type lists) is computed again when it changes.
pub fn revision() -> u32 {
    REVISION.with(|r| *r.borrow())
}

/// True when the whole version is in.
pub fn has_whole(api: ApiVersion) -> bool {
    SLOTS.with(|s| s.borrow()[index(api)].whole)
}

/// What the object browser lists for `api`, once its catalog or the whole version is in.
pub fn catalog(api: ApiVersion) -> Option<Rc<Catalog>> {
    SLOTS.with(|s| s.borrow()[index(api)].catalog.clone())
}

/// Keeps `api`'s catalog as loaded beside the app; once the whole version is in, its own catalog
/// stays.
pub fn set_catalog(api: ApiVersion, catalog: Catalog) -> Result<(), String> {
    if catalog.api != api {
        return Err(format!(
            "the catalog file is for the {} API, not {api}",
            catalog.api
        ));
    }
    SLOTS.with(|s| {
        let slot = &mut s.borrow_mut()[index(api)];
        if !slot.whole {
            slot.catalog = Some(Rc::new(catalog));
            REVISION.with(|r| *r.borrow_mut() += 1);
        }
    });
    Ok(())
}

/// True when a form of `type_name` (any spelling `Schema::find` accepts) can open: its pack or
/// the whole version is in.
pub fn has_type(api: ApiVersion, type_name: &str) -> bool {
    SLOTS.with(|s| {
        let slot = &s.borrow()[index(api)];
        slot.current
            .find(type_name)
            .is_some_and(|id| slot.whole || slot.roots.contains(&slot.current.get(id).name))
    })
}

/// Merges loaded schema data: a type's pack (`root` names it) or the whole version.
pub fn add(api: ApiVersion, data: SchemaData, root: Option<&str>) -> Result<(), String> {
    if data.api != api {
        return Err(format!(
            "the schema file is for the {} API, not {api}",
            data.api
        ));
    }
    SLOTS.with(|s| {
        let mut slots = s.borrow_mut();
        let slot = &mut slots[index(api)];
        let mut merged = slot.data.clone();
        if merged.merge(data) {
            let built = Schema::from_data(merged.clone())
                .map_err(|e| format!("the {api} schema files do not fit together: {e}"))?;
            slot.data = merged;
            slot.current = leak(built);
            REVISION.with(|r| *r.borrow_mut() += 1);
        }
        match root {
            Some(r) => {
                if let Some(id) = slot.current.find(r) {
                    let name = slot.current.get(id).name.clone();
                    slot.roots.insert(name);
                }
            }
            None => {
                slot.whole = true;
                slot.catalog = Some(Rc::new(slot.current.catalog()));
                REVISION.with(|r| *r.borrow_mut() += 1);
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(name: &str) -> SchemaData {
        let whole: SchemaData =
            serde_json::from_str(policy_core::embedded::json(ApiVersion::Beta)).unwrap();
        whole.pack(&[name]).unwrap()
    }

    #[test]
    fn packs_merge_and_keep_type_ids() {
        let api = ApiVersion::Beta;
        assert!(schema(api).find("windows10GeneralConfiguration").is_none());
        assert!(!has_type(api, "windows10GeneralConfiguration"));
        let before = revision();
        add(
            api,
            pack("microsoft.graph.windows10GeneralConfiguration"),
            Some("microsoft.graph.windows10GeneralConfiguration"),
        )
        .unwrap();
        assert!(revision() > before);
        let id = schema(api).find("windows10GeneralConfiguration").unwrap();
        assert!(has_type(
            api,
            "#microsoft.graph.windows10GeneralConfiguration"
        ));
        // Its base is in the pack but was not asked for: a form of it waits for its own pack.
        assert!(schema(api).find("deviceConfiguration").is_some());
        assert!(!has_type(api, "deviceConfiguration"));
        add(
            api,
            pack("microsoft.graph.androidWorkProfileCustomConfiguration"),
            Some("androidWorkProfileCustomConfiguration"),
        )
        .unwrap();
        assert!(has_type(api, "androidWorkProfileCustomConfiguration"));
        assert_eq!(
            schema(api).get(id).short_name(),
            "windows10GeneralConfiguration"
        );
        // The same pack again changes nothing.
        let r = revision();
        add(
            api,
            pack("microsoft.graph.androidWorkProfileCustomConfiguration"),
            Some("androidWorkProfileCustomConfiguration"),
        )
        .unwrap();
        assert_eq!(revision(), r);
        // Another version's data is refused, and v1.0 is untouched.
        let err = add(
            ApiVersion::V1,
            pack("microsoft.graph.windows10GeneralConfiguration"),
            None,
        )
        .unwrap_err();
        assert!(err.contains("beta"), "{err}");
        assert!(schema(ApiVersion::V1)
            .find("windows10GeneralConfiguration")
            .is_none());
        assert!(!has_whole(ApiVersion::V1));
    }

    #[test]
    fn the_lists_come_from_the_catalog_until_the_whole_version_is_in() {
        let api = ApiVersion::V1;
        let whole: SchemaData = serde_json::from_str(policy_core::embedded::json(api)).unwrap();
        let full = Schema::from_data(whole.clone()).unwrap().catalog();
        assert!(catalog(api).is_none());
        // A catalog of the other version is refused.
        let mut wrong = full.clone();
        wrong.api = ApiVersion::Beta;
        assert!(set_catalog(api, wrong).unwrap_err().contains("beta"));
        assert!(catalog(api).is_none());

        let mut partial = full.clone();
        partial.editable.truncate(1);
        let before = revision();
        set_catalog(api, partial.clone()).unwrap();
        assert!(revision() > before, "the browser's lists render again");
        assert_eq!(*catalog(api).unwrap(), partial);
        // The catalog brings no types: a form still needs its pack.
        assert!(!has_type(api, &partial.editable[0]));

        add(api, whole, None).unwrap();
        assert_eq!(*catalog(api).unwrap(), full);
        // A late catalog file does not replace the whole version's own.
        set_catalog(api, partial).unwrap();
        assert_eq!(*catalog(api).unwrap(), full);
    }
}
