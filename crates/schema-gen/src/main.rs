//! `cargo run -p schema-gen` rewrites `schema/*.json` from `../shared/graph-metadata`;
//! `--check` only reports whether the committed files are current.

use std::process::ExitCode;

use policy_core::model::ApiVersion;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let mut stale = false;
    for api in ApiVersion::ALL {
        let (json, conflicts) = match schema_gen::generate(api) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("schema-gen: {e}");
                return ExitCode::from(2);
            }
        };
        for c in &conflicts {
            eprintln!("schema-gen: {api}: {c}: the description states disagreeing ranges; add it to the override table");
        }
        let path = schema_gen::schema_file(api);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if check {
            if current != json {
                eprintln!("schema-gen: {} is stale", path.display());
                stale = true;
            }
        } else if let Err(e) = std::fs::write(&path, &json) {
            eprintln!("schema-gen: {}", schema_gen::Error::io(&path, e));
            return ExitCode::from(2);
        } else {
            println!("wrote {} ({} bytes)", path.display(), json.len());
        }
    }
    if stale {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
