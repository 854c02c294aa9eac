//! Turns Microsoft's CSDL into the schema files the editor embeds (`schema/v1.0.json`,
//! `schema/beta.json`), written one type per line so that a metadata update reads as a small diff.

use std::path::{Path, PathBuf};

use policy_core::csdl;
use policy_core::model::{ApiVersion, SchemaData};

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where Microsoft's metadata is kept beside the checkout.
pub fn metadata_dir() -> PathBuf {
    repo_root().join("../shared/graph-metadata")
}

pub fn metadata_file(api: ApiVersion) -> PathBuf {
    metadata_dir().join(format!("{}.xml", api.as_str()))
}

pub fn schema_file(api: ApiVersion) -> PathBuf {
    repo_root()
        .join("schema")
        .join(format!("{}.json", api.as_str()))
}

/// Serialises with one entry set, type or enum a line.
pub fn render(data: &SchemaData) -> String {
    fn lines<T: serde::Serialize>(items: &[T]) -> String {
        items
            .iter()
            .map(|i| serde_json::to_string(i).expect("serialisable"))
            .collect::<Vec<_>>()
            .join(",\n")
    }
    format!(
        "{{\"api\":{},\n\"entrySets\":[\n{}],\n\"types\":[\n{}],\n\"enums\":[\n{}]}}\n",
        serde_json::to_string(&data.api).expect("serialisable"),
        lines(&data.entry_sets),
        lines(&data.types),
        lines(&data.enums)
    )
}

/// Generates the schema of one API version from its CSDL file.
pub fn generate(api: ApiVersion) -> Result<(String, Vec<String>), String> {
    let path = metadata_file(api);
    let xml = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let generated =
        csdl::generate(xml.trim_start_matches('\u{feff}'), api).map_err(|e| e.to_string())?;
    Ok((render(&generated.schema), generated.conflicts))
}
