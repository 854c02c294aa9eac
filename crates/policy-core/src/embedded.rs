//! The generated schemas, compiled in: `schema/v1.0.json` and `schema/beta.json` at the
//! repository root, parsed once on first use.

use std::sync::OnceLock;

use crate::model::{ApiVersion, Schema};

/// The generated JSON of one API version.
pub fn json(api: ApiVersion) -> &'static str {
    match api {
        ApiVersion::V1 => include_str!("../../../schema/v1.0.json"),
        ApiVersion::Beta => include_str!("../../../schema/beta.json"),
    }
}

/// The parsed schema of one API version.
pub fn schema(api: ApiVersion) -> &'static Schema {
    static V1: OnceLock<Schema> = OnceLock::new();
    static BETA: OnceLock<Schema> = OnceLock::new();
    let cell = match api {
        ApiVersion::V1 => &V1,
        ApiVersion::Beta => &BETA,
    };
    // The files are generated and checked by the tests, so a failure here is a build defect.
    cell.get_or_init(|| Schema::from_json(json(api)).expect("the embedded schema is valid"))
}
