//! Turns Microsoft's CSDL into the schema files the editor embeds (`schema/v1.0.json`,
//! `schema/beta.json`), written one type per line so that a metadata update reads as a small diff.
//!
//! The CSDL reader ([`csdl`]) and the numeric limits it reads from descriptions
//! ([`constraints`]) live here: only the generator reads Microsoft's metadata; the app, the CLI
//! and the sandbox read the generated files through `policy-core`.

use std::path::{Path, PathBuf};

use policy_core::model::{ApiVersion, SchemaData};

pub mod constraints;
pub mod csdl;

/// What can go wrong while generating the schema files or the app's packs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The CSDL document cannot be read.
    #[error("metadata (CSDL) is not readable: {0}")]
    Csdl(String),
    /// Schema data does not read or write as JSON.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// An entity type whose name makes no pack file name.
    #[error("{0}: no file name")]
    NoPackFile(String),
    /// An entity type no pack can be made for.
    #[error("{0}: no pack")]
    NoPack(String),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

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

/// Generates the schema of one API version from its CSDL file: the file's text and the
/// constraint conflicts left to settle.
pub fn generate(api: ApiVersion) -> Result<(String, Vec<String>), Error> {
    let path = metadata_file(api);
    let xml = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let generated = csdl::generate(xml.trim_start_matches('\u{feff}'), api)?;
    Ok((render(&generated.schema), generated.conflicts))
}
