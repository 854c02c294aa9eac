//! The benchmark (`scripts/bench.sh` builds the app in release and runs this): what a user waits
//! for with two heavy objects (`crates/e2e/bench-data/`, built from the metadata by `data.rs`),
//! measured in headless Chromium against the Graph sandbox (in-process, seeded with both
//! objects, serving a copy of the built app taken at the start).
//!
//! For each object: the app files fetched until its form is ready and their size raw, gzip -9
//! and brotli 11; navigation → filled-in form and the form's render time over cold loads, each
//! in a new browser with a fresh profile; keystroke → next frame and → repaint in a text and a
//! number field; one full validation in wasm. With `--throttle`, cold loads and keystrokes
//! again under network and CPU throttling; with `--warm`, a second visit once the service
//! worker has cached the app (`runs.rs`). Then a settings catalog policy of 300 settings
//! (`catalog_data.rs`, served with a 16,000-definition catalog): navigation → its settings
//! ready, cold and with its definitions kept, and keystrokes into the picker's search
//! (`catalog.rs`); and the catalog module's own sizes. Prints a table beside the targets and a
//! React reference's figures, and writes the same figures as JSON.
//!
//! ```text
//! bench [--dist DIR] [--data DIR] [--out FILE] [--loads N] [--keys N] [--validations N]
//!       [--throttle] [--warm]
//! ```

mod browser;
mod cases;
mod catalog;
mod catalog_data;
mod catalog_report;
mod data;
mod report;
mod runs;
mod sizes;
mod stats;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use clap::{ArgAction, Parser};
use serde_json::json;

use browser::{cold_load, ColdLoad, Conditions, Fetched, Session};
use cases::Loaded;
use report::{Figures, FileRow};
use sizes::Sizes;

/// Keystrokes typed before the measured ones (the first edit's one-off work is not the steady
/// cost of typing).
const WARMUP_KEYS: usize = 10;

struct Options {
    dist: PathBuf,
    data: PathBuf,
    out: PathBuf,
    loads: usize,
    keys: usize,
    validations: u32,
    optional: runs::Flags,
}

/// The command line; its doc comments are the `--help` text.
#[derive(Parser)]
#[command(
    name = "bench",
    about = "The benchmark's driver (scripts/bench.sh builds the app and runs it): measures the
built app in headless Chromium against the Graph sandbox with the benchmark objects, prints a
table beside the targets and writes the figures as JSON.",
    next_line_help = true,
    disable_help_flag = true,
    args_override_self = true
)]
struct Args {
    /// The built app to measure (default: dist/ of the repository); a copy is taken at the
    /// start
    #[arg(long, value_name = "DIR", verbatim_doc_comment)]
    dist: Option<PathBuf>,
    /// The folder of the benchmark objects, *.data.json (default: crates/e2e/bench-data,
    /// built from the metadata)
    #[arg(long, value_name = "DIR", verbatim_doc_comment)]
    data: Option<PathBuf>,
    /// Where to write the figures as JSON (default: target/bench/results.json of the
    /// repository)
    #[arg(long, value_name = "FILE", verbatim_doc_comment)]
    out: Option<PathBuf>,
    /// Cold loads of each object, each in a new browser with a fresh profile (default: 20)
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = positive::<usize>,
        hide_default_value = true)]
    loads: usize,
    /// Keystrokes measured in each of an object's two fields, after 10 not counted
    /// (default: 200)
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = positive::<usize>,
        hide_default_value = true, verbatim_doc_comment)]
    keys: usize,
    /// Full validations of each object timed in wasm (default: 200)
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = positive::<u32>,
        hide_default_value = true)]
    validations: u32,
    #[command(flatten)]
    optional: runs::Flags,
    /// Show this text
    #[arg(short, long, action = ArgAction::Help)]
    help: Option<bool>,
}

/// A count of 1 or more.
fn positive<T: FromStr + PartialOrd + From<u8>>(text: &str) -> Result<T, String> {
    text.parse::<T>()
        .ok()
        .filter(|n| *n >= T::from(1))
        .ok_or_else(|| "not a positive whole number".to_string())
}

fn options() -> Result<Options, String> {
    let args = match Args::try_parse() {
        Ok(args) => args,
        // Anything but `--help` is a usage error: it names the argument and why.
        Err(e) if e.use_stderr() => {
            eprint!("bench: {}", e.render());
            std::process::exit(2);
        }
        Err(help) => {
            print!("{}", help.render());
            std::process::exit(0);
        }
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let o = Options {
        dist: args.dist.unwrap_or_else(|| root.join("dist")),
        data: args.data.unwrap_or_else(data::dir),
        out: args
            .out
            .unwrap_or_else(|| root.join("target/bench/results.json")),
        loads: args.loads,
        keys: args.keys,
        validations: args.validations,
        optional: args.optional,
    };
    if !o.dist.join("index.html").is_file() {
        return Err(format!(
            "{} has no built app: run `trunk build --release` first (scripts/bench.sh does)",
            o.dist.display()
        ));
    }
    if !o.data.is_dir() {
        return Err(format!(
            "no benchmark objects: {} is missing (it holds the *.data.json files)",
            o.data.display()
        ));
    }
    Ok(o)
}

/// Which file of `dist/` a same-origin URL is: `None` for Graph and the sandbox's own routes,
/// `Some(Err(path))` for a path that is no file of `dist/`.
fn app_file(url: &str, origin: &str, dist: &Path) -> Option<Result<String, String>> {
    let path = url.strip_prefix(origin)?;
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if ["/beta/", "/v1.0/", "/_"]
        .iter()
        .any(|p| path.starts_with(p))
    {
        return None;
    }
    let file = match path.trim_start_matches('/') {
        "" => "index.html",
        f => f,
    };
    Some(if dist.join(file).is_file() {
        Ok(file.to_string())
    } else {
        Err(path.to_string())
    })
}

/// The app files the loads fetched before their form was ready (each load's requests), in the
/// order first fetched, with their sizes; and the other same-origin requests.
fn first_load_files(
    loads: &[&[Fetched]],
    origin: &str,
    dist: &Path,
) -> Result<(Vec<FileRow>, Vec<String>), String> {
    let mut files: Vec<FileRow> = Vec::new();
    let mut other = Vec::new();
    for load in loads {
        let mut fetched = load.to_vec();
        fetched.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
        let mut seen = Vec::new();
        for f in fetched {
            match app_file(&f.url, origin, dist) {
                Some(Err(path)) if !other.contains(&path) => other.push(path),
                Some(Ok(name)) if !seen.contains(&name) => {
                    if let Some(row) = files.iter_mut().find(|r| r.name == name) {
                        row.loads += 1;
                    } else {
                        files.push(FileRow {
                            sizes: Sizes::of_file(&dist.join(&name))?,
                            name: name.clone(),
                            loads: 1,
                            transferred: f.transfer_size,
                        });
                    }
                    seen.push(name);
                }
                // Graph, or a file or path already counted.
                _ => {}
            }
        }
    }
    Ok((files, other))
}

/// Copies a folder and everything in it.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let fail = |p: &Path, e: std::io::Error| format!("cannot copy {}: {e}", p.display());
    std::fs::create_dir_all(to).map_err(|e| fail(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| fail(from, e))? {
        let entry = entry.map_err(|e| fail(from, e))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).map_err(|e| fail(&src, e))?;
        }
    }
    Ok(())
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The settings catalog the sandbox serves beside its fixtures: the committed policy with its
/// definitions, and the generated filler that makes the catalog
/// [`catalog_data::CATALOG_SIZE`] definitions.
struct CatalogSetup {
    files: Vec<PathBuf>,
    settings: usize,
    definitions: usize,
}

impl CatalogSetup {
    /// Reads the policy's file from `data` and writes the filler into `work`.
    fn write(data: &Path, work: &Path) -> Result<CatalogSetup, String> {
        let policy = data.join(catalog_data::POLICY_FILE);
        let text = std::fs::read_to_string(&policy)
            .map_err(|e| format!("cannot read {}: {e}", policy.display()))?;
        let doc: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not JSON: {e}", policy.display()))?;
        let count = |v: &serde_json::Value| v.as_array().map_or(0, Vec::len);
        let settings = count(&doc["policies"][0]["settings"]);
        let fixtures = graph_sandbox::settings::catalog().definitions().len();
        let own = count(&doc["definitions"]);
        let filler_count = catalog_data::CATALOG_SIZE
            .checked_sub(fixtures + own)
            .ok_or("the sandbox's catalog is larger than the benchmark's")?;
        let filler = work.join("catalog-filler.json");
        std::fs::write(&filler, catalog_data::filler(filler_count).to_string())
            .map_err(|e| format!("cannot write {}: {e}", filler.display()))?;
        Ok(CatalogSetup {
            files: vec![policy, filler],
            settings,
            definitions: fixtures + own + filler_count,
        })
    }
}

/// The settings catalog policy's runs (`catalog.rs`): cold and warm loads in turn, each pair in
/// a browser of its own (one pair first, not counted), then the picker.
async fn measure_catalog(
    o: &Options,
    setup: &CatalogSetup,
    origin: &str,
    dist: &Path,
    forms: &[Figures<'_>],
) -> Result<catalog_report::CatalogFigures, String> {
    let id = catalog_data::POLICY_ID;
    let url = e2e::link(origin, origin, "beta", catalog::TYPE_NAME, Some(id));
    eprintln!("bench: the settings catalog policy: warming up (one load, not counted)");
    catalog::cold_and_warm(&url, setup.settings).await;
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for i in 0..o.loads {
        let (c, w) = catalog::cold_and_warm(&url, setup.settings).await;
        eprintln!(
            "bench: settings catalog load {}/{}: ready at {:.1} ms cold, {:.1} ms with the definitions kept",
            i + 1,
            o.loads,
            c.ready_ms,
            w.ready_ms
        );
        cold.push(c);
        warm.push(w);
    }
    eprintln!(
        "bench: the picker over {} definitions, then keystrokes",
        setup.definitions
    );
    let picker = catalog::picker(&url, setup.settings, WARMUP_KEYS, o.keys).await;
    let fetched: Vec<&[Fetched]> = cold.iter().map(|l| l.fetched.as_slice()).collect();
    let (files, _) = first_load_files(&fetched, origin, dist)?;
    let module_in_forms = forms
        .iter()
        .flat_map(|f| &f.files)
        .filter(|f| f.name.starts_with("catalog-"))
        .map(|f| f.name.clone())
        .collect();
    Ok(catalog_report::CatalogFigures {
        id: id.to_string(),
        settings: setup.settings,
        definitions: setup.definitions,
        cold,
        warm,
        files,
        module: catalog_report::module_files(dist)?,
        module_in_forms,
        picker,
    })
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("bench: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let o = options()?;
    let started = Instant::now();
    let load_before = loadavg();
    let work = tempfile::Builder::new()
        .prefix("bench-")
        .tempdir()
        .map_err(|e| format!("no temporary directory: {e}"))?;
    let objects = cases::load(&o.data, work.path())?;
    // What is served and weighed is a copy, so a build that replaces the folder meanwhile
    // cannot mix two builds in one run.
    let dist = work.path().join("dist");
    copy_dir(&o.dist, &dist)?;
    let settings = CatalogSetup::write(&o.data, work.path())?;
    let sandbox = e2e::TestSandbox::start_with_settings(
        Some(dist.clone()),
        objects.iter().map(|l| l.seed.clone()).collect(),
        settings.files.clone(),
    )
    .await;
    let origin = sandbox.url();
    let link = |l: &Loaded| e2e::link(&origin, &origin, "beta", &l.type_name, Some(l.id.as_str()));
    let check = |l: &'_ Loaded| -> (String, String) {
        let path = l.case.text_field.to_string();
        let shown = l.shown(&path).unwrap_or_default();
        (path, shown)
    };

    // One load first, not counted: it brings Chromium and the app's files into the OS cache,
    // which the first of the cold loads would otherwise pay for alone.
    eprintln!("bench: warming up (one load, not counted)");
    let (path, shown) = check(&objects[0]);
    cold_load(&link(&objects[0]), (&path, &shown), Conditions::Plain).await;

    // The cold loads of the two objects take turns, so a change in the machine's load
    // while they run falls on both alike.
    let mut loads: Vec<Vec<ColdLoad>> = vec![Vec::new(); objects.len()];
    for i in 0..o.loads {
        for (l, out) in objects.iter().zip(loads.iter_mut()) {
            let (path, shown) = check(l);
            let load = cold_load(&link(l), (&path, &shown), Conditions::Plain).await;
            eprintln!(
                "bench: cold load {}/{} of {}: form ready at {:.1} ms (render {:.1} ms)",
                i + 1,
                o.loads,
                l.case.name,
                load.ready_ms,
                load.render_ms
            );
            out.push(load);
        }
    }

    let mut figures = Vec::new();
    for (l, loads) in objects.iter().zip(loads) {
        eprintln!("bench: keystrokes and validation in {}", l.case.name);
        let session = Session::open(&link(l), l.case.number_field).await;
        let text_keys = session
            .keystrokes(l.case.text_field, WARMUP_KEYS, o.keys)
            .await;
        let number_keys = session
            .keystrokes(l.case.number_field, WARMUP_KEYS, o.keys)
            .await;
        let validation = session.validation(&l.object, o.validations).await;
        session.close().await;
        let fetched: Vec<&[Fetched]> = loads.iter().map(|l| l.fetched.as_slice()).collect();
        let (files, other_requests) = first_load_files(&fetched, &origin, &dist)?;
        figures.push(Figures {
            loaded: l,
            loads,
            files,
            other_requests,
            text_keys,
            number_keys,
            validation,
            optional: runs::Optional::default(),
        });
    }
    // The optional runs (--throttle, --warm), once the default run's figures are in.
    let plan = runs::Plan {
        flags: o.optional,
        loads: o.loads,
        keys: o.keys,
    };
    let optional = runs::optional(&objects, &link, &check, plan).await;
    for (f, optional) in figures.iter_mut().zip(optional) {
        f.optional = optional;
    }
    let catalog_figures = measure_catalog(&o, &settings, &origin, &dist, &figures).await?;
    sandbox.stop().await;

    let browser = figures
        .first()
        .and_then(|f| f.loads.first())
        .map(|l| l.user_agent.clone())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load_after = loadavg();
    let runtime = started.elapsed().as_secs_f64();

    println!(
        "Benchmark of {} ({} cold loads, {} keystrokes per field after {WARMUP_KEYS} not counted, {} validations)",
        o.dist.display(),
        o.loads,
        o.keys,
        o.validations
    );
    println!("{browser}; {cores} cores; load average {load_before} before, {load_after} after");
    for f in &figures {
        print!("{}", report::table(f));
    }
    print!("{}", catalog_report::table(&catalog_figures));
    println!("\nmedian / p95 by nearest rank; KiB = 1024 B, the targets' KB = 1000 B; took {runtime:.0} s");

    let doc = json!({
        "browser": browser,
        "cores": cores,
        "load_average": { "before": load_before, "after": load_after },
        "runtime_s": runtime,
        "runs": {
            "cold_loads": o.loads,
            "keystrokes": o.keys,
            "warmup_keystrokes": WARMUP_KEYS,
            "validations": o.validations,
            "throttled": o.optional.throttle,
            "warm": o.optional.warm,
            "throttling": report::throttling_json(),
        },
        "objects": figures.iter().map(report::json).collect::<Vec<_>>(),
        "settings_catalog": catalog_report::json(&catalog_figures),
    });
    if let Some(dir) = o.out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    std::fs::write(&o.out, text + "\n").map_err(|e| format!("{}: {e}", o.out.display()))?;
    println!("figures written to {}", o.out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line() {
        let command = Args::command();
        command.clone().debug_assert();
        for arg in command.get_arguments() {
            assert!(
                arg.get_help().is_some(),
                "{:?} has no help text",
                arg.get_id()
            );
        }
        let args = Args::try_parse_from(["bench", "--loads", "1", "--validations=3"]).unwrap();
        assert_eq!((args.loads, args.keys, args.validations), (1, 200, 3));
        for bad in [
            ["--keys", "0"],
            ["--loads", "-1"],
            ["--validations", "4294967296"],
        ] {
            assert!(
                Args::try_parse_from(["bench", bad[0], bad[1]]).is_err(),
                "{bad:?}"
            );
        }
    }
}
