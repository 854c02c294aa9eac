//! The two objects the benchmark opens (`crates/e2e/bench-data/`, built from the metadata by
//! `data.rs`), the fields it types into, and the figures it holds them to: the targets, and a
//! React reference's measurements to compare with.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A React 18 + react-jsonschema-form 5 + ajv 8 form's figures for an object of the same type
/// and shape: the numbers of the README of the shared `bench-data` folder this benchmark used to
/// read its objects from (production build, headless Chromium 156 on a 2-core machine; medians,
/// and p95 where it gives one). That folder's objects have the same properties and the same 500
/// OMA settings of seven kinds in turn as ours, with other values. Its keystroke figure is
/// keystroke → repaint, compared with our double-frame figure.
#[derive(Debug, Clone, Copy)]
pub struct Reference {
    pub gzip_kib: f64,
    pub load_ms: (f64, f64),
    pub keystroke_ms: (f64, f64),
    pub validation_ms: f64,
}

/// One benchmark object and what is measured on it.
#[derive(Debug)]
pub struct Case {
    /// How the table names it.
    pub name: &'static str,
    /// Its file in the bench-data folder (see `data.rs`).
    pub file: &'static str,
    /// A text input and a number input of its form, by JSON path.
    pub text_field: &'static str,
    pub number_field: &'static str,
    /// The navigation → form target, in ms.
    pub load_target_ms: f64,
    /// The one-validation target, in ms.
    pub validation_target_ms: f64,
    pub reference: Reference,
}

pub const CASES: [Case; 2] = [
    Case {
        name: "windows10GeneralConfiguration",
        file: "windows10GeneralConfiguration.data.json",
        text_field: "displayName",
        // 1, range 1..=65535: one more digit stays in range.
        number_field: "enterpriseCloudPrintDiscoveryMaxLimit",
        load_target_ms: 100.0,
        validation_target_ms: 0.020,
        reference: Reference {
            gzip_kib: 161.0,
            load_ms: (783.0, 1048.0),
            keystroke_ms: (22.0, 34.0),
            validation_ms: 0.020,
        },
    },
    Case {
        name: "500 OMA settings",
        file: "androidWorkProfileCustomConfiguration.oma500.data.json",
        text_field: "displayName",
        // An omaSettingInteger (1, an unbounded Int32).
        number_field: "omaSettings[4].value",
        load_target_ms: 250.0,
        validation_target_ms: 0.23,
        reference: Reference {
            gzip_kib: 160.0,
            load_ms: (1925.0, 2392.0),
            keystroke_ms: (118.0, 180.0),
            validation_ms: 0.23,
        },
    },
];

/// A case's object as read, and the seed file the sandbox gets it from.
pub struct Loaded {
    pub case: &'static Case,
    /// The object exactly as in its data file.
    pub object: Value,
    pub type_name: String,
    /// The id it has in the sandbox (the data files share one id, so each gets its own).
    pub id: String,
    pub seed: PathBuf,
}

impl Loaded {
    /// The value at a JSON path such as `a[4].b`, as the form shows it.
    pub fn shown(&self, path: &str) -> Result<String, String> {
        let pointer = format!(
            "/{}",
            path.replace('[', "/").replace(']', "").replace('.', "/")
        );
        match self.object.pointer(&pointer) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) if n.is_i64() => Ok(n.to_string()),
            other => Err(format!(
                "{}: {path} is {other:?}, not text or a whole number",
                self.case.file
            )),
        }
    }
}

/// Reads every case's object from `data` and writes its seed (with its own id) into `seeds`.
pub fn load(data: &Path, seeds: &Path) -> Result<Vec<Loaded>, String> {
    CASES
        .iter()
        .map(|case| {
            let path = data.join(case.file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let object: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
            let type_name = object["@odata.type"]
                .as_str()
                .and_then(|t| t.strip_prefix("#microsoft.graph."))
                .ok_or_else(|| format!("{} has no @odata.type", path.display()))?
                .to_string();
            let id = format!("bench-{type_name}");
            let mut seeded = object.clone();
            seeded["id"] = Value::String(id.clone());
            let seed = seeds.join(case.file);
            std::fs::write(&seed, seeded.to_string())
                .map_err(|e| format!("cannot write {}: {e}", seed.display()))?;
            let loaded = Loaded {
                case,
                object,
                type_name,
                id,
                seed,
            };
            loaded.shown(case.text_field)?;
            loaded.shown(case.number_field)?;
            Ok(loaded)
        })
        .collect()
}
