//! A type's pack (see `policy_core::pack`) is enough for its form: for every entity type of both
//! API versions, validating objects of the type against the pack gives exactly the problems the
//! whole version's schema gives, every property type offers the same concrete kinds, and merging
//! packs keeps the type ids a document already holds.

use policy_core::embedded::{json, schema};
use policy_core::model::{ApiVersion, SchemaData, TypeKind, ValueType};
use policy_core::pack::pack_file;
use policy_core::sample::sample_object;
use policy_core::{validate, Mode, Schema};
use serde_json::{json, Value};

fn data(api: ApiVersion) -> SchemaData {
    serde_json::from_str(json(api)).unwrap()
}

/// The names of the concrete types a value of `t`'s property may be, in both schemas.
fn kinds(s: &Schema, vt: ValueType) -> Vec<String> {
    match vt {
        ValueType::Structured(id) => s
            .concrete_types(id)
            .into_iter()
            .map(|c| s.get(c).name.clone())
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn every_entity_type_validates_the_same_against_its_pack() {
    for api in ApiVersion::ALL {
        let full = schema(api);
        let d = data(api);
        let mut checked = 0;
        for root in d.pack_roots().map(str::to_string).collect::<Vec<_>>() {
            let pack = Schema::from_data(d.pack(&[&root]).unwrap())
                .unwrap_or_else(|e| panic!("{api} {root}: the pack does not resolve: {e}"));
            let id = pack.find(&root).unwrap();
            let full_id = full.find(&root).unwrap();
            for (pt, ft) in pack
                .get(id)
                .properties
                .iter()
                .zip(&full.get(full_id).properties)
            {
                assert_eq!(pt.name, ft.name);
                assert_eq!(
                    kinds(&pack, pt.value_type),
                    kinds(full, ft.value_type),
                    "{api} {root}.{}",
                    pt.name
                );
            }
            if pack.get(id).is_abstract {
                continue;
            }
            // A valid whole object, a valid PATCH body, and one with a wrong value in every
            // property (a nested object where a scalar goes, a string where an object goes).
            let object = sample_object(full, full_id, true);
            let body = sample_object(full, full_id, false);
            let mut broken = object.clone();
            for (k, v) in broken.as_object_mut().unwrap().iter_mut() {
                if k != "@odata.type" {
                    *v = if v.is_object() || v.is_array() {
                        json!("x")
                    } else {
                        json!({ "@odata.type": "#microsoft.graph.nope" })
                    };
                }
            }
            for (value, mode) in [
                (&object, Mode::Object),
                (&body, Mode::Patch),
                (&broken, Mode::Patch),
            ] {
                assert_eq!(
                    validate(&pack, value, mode),
                    validate(full, value, mode),
                    "{api} {root}"
                );
            }
            checked += 1;
        }
        assert!(checked > 20, "{api}: {checked}");
    }
}

#[test]
fn the_benchmark_objects_validate_the_same_against_their_packs() {
    let d = data(ApiVersion::Beta);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench-data");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return; // The shared folder is beside the repository on the project's machines only.
    };
    for e in entries.flatten() {
        let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(e.path()).unwrap()) else {
            continue;
        };
        let Some(t) = v["@odata.type"].as_str() else {
            continue;
        };
        let pack = Schema::from_data(d.pack(&[t.trim_start_matches('#')]).unwrap()).unwrap();
        let full = schema(ApiVersion::Beta);
        assert_eq!(
            validate(&pack, &v, Mode::Object),
            validate(full, &v, Mode::Object)
        );
        assert!(validate(&pack, &v, Mode::Object)
            .iter()
            .all(|p| !p.is_error()));
    }
}

#[test]
fn merging_packs_keeps_type_ids_and_ends_as_the_whole_schema() {
    let d = data(ApiVersion::Beta);
    let first = "microsoft.graph.windows10GeneralConfiguration";
    let second = "microsoft.graph.androidWorkProfileCustomConfiguration";
    let mut merged = d.pack(&[first]).unwrap();
    let before = Schema::from_data(merged.clone()).unwrap();
    assert!(merged.merge(d.pack(&[second]).unwrap()));
    assert!(
        !merged.merge(d.pack(&[second]).unwrap()),
        "a second merge adds nothing"
    );
    let after = Schema::from_data(merged.clone()).unwrap();
    for (id, t) in before.types() {
        assert_eq!(after.get(id).name, t.name);
    }
    assert!(after.find(second).is_some());
    // The whole version merged in last: every type, and the earlier ids still hold.
    merged.merge(d.clone());
    let all = Schema::from_data(merged.clone()).unwrap();
    assert_eq!(all.types().count(), d.types.len());
    assert_eq!(
        all.editable_types().len(),
        schema(ApiVersion::Beta).editable_types().len()
    );
    for (id, t) in before.types() {
        assert_eq!(all.get(id).name, t.name);
    }
    // Another version's data is refused.
    assert!(!merged.merge(data(ApiVersion::V1)));
}

#[test]
fn a_pack_is_much_smaller_than_its_version() {
    let d = data(ApiVersion::Beta);
    let whole = serde_json::to_string(&d).unwrap().len();
    let pack = serde_json::to_string(
        &d.pack(&["microsoft.graph.windows10GeneralConfiguration"])
            .unwrap(),
    )
    .unwrap()
    .len();
    assert!(pack * 5 < whole, "pack {pack} bytes, whole {whole}");
    assert!(d.pack(&["microsoft.graph.nope"]).is_none());
    assert!(d
        .types
        .iter()
        .filter(|t| t.kind == TypeKind::Entity)
        .all(|t| pack_file(&t.name).is_some()));
}
