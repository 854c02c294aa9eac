//! `schema-packs DIR` (or, run by Trunk, `$TRUNK_STAGING_DIR/schema`) writes what the web app
//! loads at run time (Trunk runs it after each build, see `Trunk.toml`):
//! - `DIR/{api}.json`, the whole schema of each API version;
//! - `DIR/{api}.catalog.json`, what its catalog depends on (`policy_core::catalog`), which is
//!   all the object browser lists;
//! - `DIR/{api}/{type}.json`, the pack of each entity type (`policy_core::pack`), which is all
//!   a form of that type needs.
//!
//! The input is the committed `schema/*.json`.

use std::path::Path;
use std::process::ExitCode;

use policy_core::embedded::json;
use policy_core::model::{ApiVersion, SchemaData};
use policy_core::pack::pack_file;
use schema_gen::Error;

fn write(path: &Path, data: &SchemaData) -> Result<(), Error> {
    let text = serde_json::to_string(data)?;
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

fn run(out: &Path) -> Result<usize, Error> {
    let mut count = 0;
    for api in ApiVersion::ALL {
        let data: SchemaData = serde_json::from_str(json(api))?;
        let dir = out.join(api.as_str());
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        write(&out.join(format!("{api}.json")), &data)?;
        write(
            &out.join(format!("{api}.catalog.json")),
            &data.catalog_data(),
        )?;
        for root in data.pack_roots() {
            let file = pack_file(root).ok_or_else(|| Error::NoPackFile(root.to_string()))?;
            let pack = data
                .pack(&[root])
                .ok_or_else(|| Error::NoPack(root.to_string()))?;
            write(&dir.join(file), &pack)?;
            count += 1;
        }
    }
    Ok(count)
}

fn main() -> ExitCode {
    // Trunk runs hooks without a shell: the staging folder comes from its environment.
    let out = std::env::args_os().nth(1).or_else(|| {
        std::env::var_os("TRUNK_STAGING_DIR").map(|d| Path::new(&d).join("schema").into())
    });
    let Some(out) = out else {
        eprintln!("usage: schema-packs DIR (or run by Trunk, with TRUNK_STAGING_DIR set)");
        return ExitCode::from(2);
    };
    match run(Path::new(&out)) {
        Ok(n) => {
            println!("schema-packs: {n} packs in {}", Path::new(&out).display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("schema-packs: {e}");
            ExitCode::from(2)
        }
    }
}
