//! `dist-seal [DIR]` (Trunk runs it after each build with `$TRUNK_STAGING_DIR`): writes the
//! Content-Security-Policy into `DIR/index.html` and the build's file list into `DIR/sw.js`
//! (see the library).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(PathBuf::from));
    let Some(dir) = dir else {
        eprintln!("dist-seal: usage: dist-seal DIR (or set TRUNK_STAGING_DIR)");
        return ExitCode::from(2);
    };
    match dist_seal::seal(&dir) {
        Ok(files) => {
            println!(
                "dist-seal: index.html has its Content-Security-Policy; sw.js lists {files} files"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dist-seal: {e}");
            ExitCode::FAILURE
        }
    }
}
