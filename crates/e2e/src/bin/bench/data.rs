//! The benchmark's two heavy objects, built from the metadata (the committed `schema/beta.json`,
//! compiled into `policy-core`) by [`policy_core::generate`]: facts only, names, types and
//! limits, no sentence of Microsoft's; and its settings catalog policy with its definitions
//! (`catalog_data.rs`). They are committed in `crates/e2e/bench-data/` so that
//! `scripts/bench.sh` runs from a fresh clone, and a test holds the files to what this module
//! builds, so they cannot go stale when the schema changes. To write them again:
//!
//! ```text
//! BENCH_DATA_WRITE=1 cargo test -p e2e --bin bench bench_data
//! ```

// The driver reads the committed files (it only needs [`dir`]); the builder runs in the tests.
#![cfg_attr(not(test), allow(dead_code))]

use std::path::PathBuf;

use policy_core::embedded::schema;
use policy_core::generate::{valid_item, valid_object, Options};
use policy_core::model::ApiVersion;
use serde_json::{json, Value};

/// How many OMA settings the custom profile holds.
pub const OMA_SETTINGS: usize = 500;

/// `crates/e2e/bench-data`, where the objects are committed.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench-data")
}

/// Every object: its file name (as [`crate::cases::CASES`] names it) and its JSON.
pub fn objects() -> Vec<(&'static str, Value)> {
    vec![
        ("windows10GeneralConfiguration.data.json", windows10()),
        (
            "androidWorkProfileCustomConfiguration.oma500.data.json",
            oma_settings(),
        ),
    ]
}

/// Every committed file: the objects, and the settings catalog policy with its definitions.
pub fn files() -> Vec<(&'static str, Value)> {
    let mut all = objects();
    all.push((
        crate::catalog_data::POLICY_FILE,
        crate::catalog_data::policy_additions(),
    ));
    all
}

/// A file's text: pretty JSON and a final line break.
pub fn text(object: &Value) -> String {
    serde_json::to_string_pretty(object).expect("JSON values serialize") + "\n"
}

/// A beta object of `type_name` as a GET returns it: every property the generator can fill
/// validly (read-only ones included), nested values three levels deep.
fn generated(type_name: &str) -> Value {
    let s = schema(ApiVersion::Beta);
    let id = s
        .find(type_name)
        .unwrap_or_else(|| panic!("beta has no {type_name}"));
    valid_object(s, id, &Options::default()).unwrap_or_else(|| panic!("{type_name} is abstract"))
}

/// The Windows 10 general profile: every one of its properties set.
fn windows10() -> Value {
    generated("windows10GeneralConfiguration")
}

/// A custom Android work profile with [`OMA_SETTINGS`] OMA settings, each concrete kind of
/// `omaSetting` in turn (in the schema's order), each with a name and an OMA-URI of its own.
/// None is encrypted: Graph masks the value of an encrypted setting, and the form would show
/// no value to type into.
fn oma_settings() -> Value {
    let s = schema(ApiVersion::Beta);
    let id = s
        .find("androidWorkProfileCustomConfiguration")
        .expect("beta has androidWorkProfileCustomConfiguration");
    let list = s
        .get(id)
        .property("omaSettings")
        .expect("a custom profile has omaSettings");
    let mut object = generated("androidWorkProfileCustomConfiguration");
    let settings: Vec<Value> = (0..OMA_SETTINGS)
        .map(|i| {
            let kind = Options {
                kind: i,
                ..Options::default()
            };
            let mut item = valid_item(s, list, &kind, 1).expect("an OMA setting");
            let n = i + 1;
            item["displayName"] = json!(format!("Setting {n}"));
            item["omaUri"] = json!(format!("./Vendor/MSFT/Policy/Config/Bench/Setting{n}"));
            item["isEncrypted"] = json!(false);
            item
        })
        .collect();
    object["omaSettings"] = Value::Array(settings);
    object
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy_core::validate::{validate, Mode};

    /// The committed files are what [`files`] builds; with `BENCH_DATA_WRITE=1` it writes them.
    #[test]
    fn bench_data_files_are_current() {
        let write = std::env::var_os("BENCH_DATA_WRITE").is_some();
        let mut stale = Vec::new();
        for (file, object) in files() {
            let path = dir().join(file);
            let want = text(&object);
            if write {
                std::fs::create_dir_all(dir()).expect("bench-data/ can be made");
                std::fs::write(&path, &want).expect("the file is written");
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
                stale.push(path.display().to_string());
            }
        }
        assert!(
            stale.is_empty(),
            "stale benchmark objects {stale:?}: run `BENCH_DATA_WRITE=1 cargo test -p e2e --bin bench bench_data`"
        );
    }

    /// Both validate without a single problem, and the fields the benchmark types into are
    /// there with a value it can type after (see `cases.rs`).
    #[test]
    fn bench_data_objects_are_valid_and_have_the_typed_fields() {
        let s = schema(ApiVersion::Beta);
        for (file, object) in objects() {
            let problems = validate(s, &object, Mode::Object);
            assert!(problems.is_empty(), "{file}: {problems:#?}");
            let case = crate::cases::CASES
                .iter()
                .find(|c| c.file == file)
                .expect("a case per file");
            for path in [case.text_field, case.number_field] {
                let pointer = format!(
                    "/{}",
                    path.replace('[', "/").replace(']', "").replace('.', "/")
                );
                assert!(object.pointer(&pointer).is_some(), "{file}: no {path}");
            }
        }
        let oma = oma_settings();
        assert_eq!(oma["omaSettings"].as_array().map(Vec::len), Some(500));
        assert_eq!(
            oma["omaSettings"][4]["@odata.type"],
            "#microsoft.graph.omaSettingInteger"
        );
    }
}
