//! The settings catalog's figures (`catalog.rs`) held against their targets: printed as a table
//! and written as JSON beside the two objects'; and the catalog module's own files
//! (`dist/catalog/`), which no `deviceConfigurations` form's first load may fetch.

use std::path::Path;

use serde_json::{json, Value};

use crate::browser::Keystroke;
use crate::catalog::{CatalogLoad, Picker, QUERY};
use crate::report::FileRow;
use crate::sizes::Sizes;
use crate::stats::{median, percentile};

/// Navigation → the policy's settings ready with its definitions kept, median, in ms.
pub const WARM_TARGET_MS: f64 = 300.0;
/// Keystroke in the picker's search box → the next frame (the results rendered), p95, in ms.
pub const PICKER_KEY_P95_TARGET_MS: f64 = 50.0;

/// A file of the catalog module: its name under `dist/` and its sizes.
pub struct ModuleFile {
    pub name: String,
    pub sizes: Sizes,
}

/// The catalog module's files: every `*.wasm` and `*.js` of `dist/catalog-<hash>/`, by name.
pub fn module_files(dist: &Path) -> Result<Vec<ModuleFile>, String> {
    let folder = e2e::module_dir(dist, "catalog");
    let dir = dist.join(&folder);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".wasm") || n.ends_with(".js"))
        .collect();
    if names.is_empty() {
        return Err(format!("{} holds no module (*.wasm, *.js)", dir.display()));
    }
    names.sort();
    names
        .into_iter()
        .map(|n| {
            Ok(ModuleFile {
                sizes: Sizes::of_file(&dir.join(&n))?,
                name: format!("{folder}/{n}"),
            })
        })
        .collect()
}

/// Everything measured on the settings catalog policy.
pub struct CatalogFigures {
    pub id: String,
    pub settings: usize,
    pub definitions: usize,
    pub cold: Vec<CatalogLoad>,
    pub warm: Vec<CatalogLoad>,
    /// The app files the cold loads fetched before the settings were ready.
    pub files: Vec<FileRow>,
    pub module: Vec<ModuleFile>,
    /// Files of `catalog/` a `deviceConfigurations` form's first load fetched (none, if met).
    pub module_in_forms: Vec<String>,
    pub picker: Picker,
}

fn ready(loads: &[CatalogLoad]) -> Vec<f64> {
    loads.iter().map(|l| l.ready_ms).collect()
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn p50_p95(samples: &[f64]) -> String {
    format!(
        "{:.1} / {:.1} ms",
        median(samples),
        percentile(samples, 95.0)
    )
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

fn row(out: &mut String, cells: [&str; 4]) {
    out.push_str(&format!(
        "  {:<48} {:>21}  {:<16} {}\n",
        cells[0], cells[1], cells[2], cells[3]
    ));
}

fn sizes_row(out: &mut String, name: &str, s: Sizes) {
    out.push_str(&format!(
        "  {:<48} {:>12} {:>12} {:>12}\n",
        name,
        kib(s.raw),
        kib(s.gzip),
        kib(s.brotli)
    ));
}

fn keys(k: &[Keystroke], f: impl Fn(&Keystroke) -> f64) -> Vec<f64> {
    k.iter().map(f).collect()
}

/// The marks' medians over the loads that have them, in the order first seen.
fn marks(loads: &[CatalogLoad]) -> Vec<String> {
    let mut names: Vec<&str> = Vec::new();
    for l in loads {
        for (n, _) in &l.marks {
            if !names.contains(&n.as_str()) {
                names.push(n);
            }
        }
    }
    names
        .iter()
        .map(|n| {
            let at: Vec<f64> = loads
                .iter()
                .map(|l| l.mark(n))
                .filter(|t| !t.is_nan())
                .collect();
            format!("{n} {:.0}", median(&at))
        })
        .collect()
}

fn load_rows(out: &mut String, what: &str, loads: &[CatalogLoad], target: Option<f64>) {
    let r = ready(loads);
    let med = median(&r);
    row(
        out,
        [
            &format!("{what} ({})", loads.len()),
            &p50_p95(&r),
            &target.map_or(String::new(), |t| format!("median < {t} ms")),
            target.map_or("", |t| verdict(med < t)),
        ],
    );
    let phase = |pick: &dyn Fn(&CatalogLoad) -> f64| {
        let v: Vec<f64> = loads.iter().map(pick).filter(|t| !t.is_nan()).collect();
        if v.is_empty() {
            "–".to_string()
        } else {
            format!("{:.0}", median(&v))
        }
    };
    row(
        out,
        [
            "  module in / last Graph answer in (ms)",
            &format!(
                "{} / {}",
                phase(&|l| l.module_in_ms()),
                phase(&|l| l.graph_in_ms())
            ),
            "",
            "",
        ],
    );
    for chunk in marks(loads).chunks(3) {
        row(out, ["  marks (ms)", &chunk.join(" · "), "", ""]);
    }
}

/// The table of the settings catalog policy.
pub fn table(f: &CatalogFigures) -> String {
    let mut out = format!(
        "\nsettings catalog policy, {} settings, {} definitions ({}, id {})\n",
        f.settings,
        f.definitions,
        crate::catalog::TYPE_NAME,
        f.id
    );
    out.push_str(&format!(
        "  {:<48} {:>12} {:>12} {:>12}\n",
        "the catalog module (dist/catalog-<hash>/)", "raw", "gzip -9", "brotli 11"
    ));
    let mut module = Sizes::default();
    for m in &f.module {
        sizes_row(&mut out, &m.name, m.sizes);
        module = module + m.sizes;
    }
    sizes_row(&mut out, "total", module);
    out.push_str(&format!(
        "  {:<48} {:>12}  {}\n",
        "  fetched by a deviceConfigurations first load",
        if f.module_in_forms.is_empty() {
            "none".to_string()
        } else {
            f.module_in_forms.join(", ")
        },
        verdict(f.module_in_forms.is_empty())
    ));
    out.push_str(&format!(
        "  {:<48}\n",
        "app files fetched before the settings are ready (cold)"
    ));
    let mut total = Sizes::default();
    for file in &f.files {
        let name = if file.loads == f.cold.len() {
            file.name.clone()
        } else {
            format!("{} ({} of {})", file.name, file.loads, f.cold.len())
        };
        sizes_row(&mut out, &name, file.sizes);
        total = total + file.sizes;
    }
    sizes_row(&mut out, "total", total);
    out.push('\n');
    row(&mut out, ["figure", "median / p95", "target", ""]);
    load_rows(
        &mut out,
        "cold, empty cache: navigation → catalog-ready",
        &f.cold,
        None,
    );
    load_rows(
        &mut out,
        "warm, definitions kept: navigation → catalog-ready",
        &f.warm,
        Some(WARM_TARGET_MS),
    );
    let errors: Vec<i64> = f.cold.iter().chain(&f.warm).map(|l| l.errors).collect();
    row(
        &mut out,
        [
            "  errors the module counted at catalog-ready",
            &format!("{}", errors.iter().copied().max().unwrap_or_default()),
            "",
            "",
        ],
    );
    let p = &f.picker;
    row(
        &mut out,
        [
            &format!("picker over {} definitions: first open", p.definitions),
            &format!("{:.0} ms", p.first_open_ms),
            "",
            &format!("({} Graph requests)", p.first_open_requests),
        ],
    );
    row(
        &mut out,
        [
            "  open again, from the browser's cache",
            &format!("{:.0} ms", p.cached_open_ms),
            "",
            "",
        ],
    );
    let next = keys(&p.keys, |k| k.next_frame);
    row(
        &mut out,
        [
            &format!("  keystroke → next frame, p50 / p95 ({})", next.len()),
            &p50_p95(&next),
            &format!("p95 < {PICKER_KEY_P95_TARGET_MS} ms"),
            verdict(percentile(&next, 95.0) < PICKER_KEY_P95_TARGET_MS),
        ],
    );
    for (what, part) in [
        (
            "keystroke → repaint (2nd frame)",
            keys(&p.keys, |k| k.total),
        ),
        ("input event (search and render)", keys(&p.keys, |k| k.app)),
        ("slowest keystroke → next frame", next.clone()),
    ] {
        let shown = if what.starts_with("slowest") {
            format!("{:.1} ms", percentile(&part, 100.0))
        } else {
            p50_p95(&part)
        };
        row(&mut out, [&format!("    {what}"), &shown, "", ""]);
    }
    row(
        &mut out,
        [
            &format!("  results for {QUERY:?}"),
            &p.results_for_query.to_string(),
            "",
            "",
        ],
    );
    out
}

fn summary(samples: &[f64]) -> Value {
    json!({
        "median": median(samples),
        "p95": percentile(samples, 95.0),
        "min": percentile(samples, 0.0),
        "max": percentile(samples, 100.0),
        "samples": samples,
    })
}

fn loads_json(loads: &[CatalogLoad]) -> Value {
    json!({
        "navigation_to_catalog_ready_ms": summary(&ready(loads)),
        "loads": loads.iter().map(|l| json!({
            "catalog_ready_ms": l.ready_ms,
            "module_in_ms": l.module_in_ms(),
            "graph_in_ms": l.graph_in_ms(),
            "settings_shown": l.shown,
            "errors": l.errors,
            "marks": l.marks.iter().map(|(n, t)| json!([n, t])).collect::<Vec<_>>(),
            "fetched": l.fetched.iter().map(|r| json!({
                "url": r.url,
                "start_ms": r.start_ms,
                "end_ms": r.end_ms,
                "transfer_size": r.transfer_size,
                "service_worker": r.worker,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The same figures as JSON.
pub fn json(f: &CatalogFigures) -> Value {
    let p = &f.picker;
    let next = keys(&p.keys, |k| k.next_frame);
    let module = f.module.iter().fold(Sizes::default(), |a, m| a + m.sizes);
    let first = f.files.iter().fold(Sizes::default(), |a, m| a + m.sizes);
    json!({
        "type": crate::catalog::TYPE_NAME,
        "id": f.id,
        "data_file": crate::catalog_data::POLICY_FILE,
        "settings": f.settings,
        "catalog_definitions": f.definitions,
        "module": {
            "files": f.module.iter().map(|m| json!({"file": m.name, "sizes": m.sizes.to_json()})).collect::<Vec<_>>(),
            "total": module.to_json(),
            "fetched_by_device_configuration_first_loads": f.module_in_forms,
        },
        "first_load": {
            "files": f.files.iter().map(|file| json!({
                "file": file.name,
                "sizes": file.sizes.to_json(),
                "fetched_in_loads": file.loads,
            })).collect::<Vec<_>>(),
            "total": first.to_json(),
        },
        "cold": loads_json(&f.cold),
        "warm": loads_json(&f.warm),
        "picker": {
            "definitions": p.definitions,
            "first_open_ms": p.first_open_ms,
            "first_open_graph_requests": p.first_open_requests,
            "cached_open_ms": p.cached_open_ms,
            "query": QUERY,
            "results_for_query": p.results_for_query,
            "keystroke": {
                "to_next_frame_ms": summary(&next),
                "total_ms": summary(&keys(&p.keys, |k| k.total)),
                "input_event_ms": summary(&keys(&p.keys, |k| k.app)),
                "input_end_to_raf_ms": summary(&keys(&p.keys, |k| k.deferred)),
                "keydown_queued_ms": summary(&keys(&p.keys, |k| k.queued)),
                "long_animation_frames": summary(&keys(&p.keys, |k| k.long_frames)),
            },
        },
        "targets": {
            "warm_navigation_to_catalog_ready_median_ms": WARM_TARGET_MS,
            "picker_keystroke_to_next_frame_p95_ms": PICKER_KEY_P95_TARGET_MS,
        },
        "met": {
            "warm_navigation_to_catalog_ready": median(&ready(&f.warm)) < WARM_TARGET_MS,
            "picker_keystroke": percentile(&next, 95.0) < PICKER_KEY_P95_TARGET_MS,
            "module_not_in_device_configuration_first_loads": f.module_in_forms.is_empty(),
        },
    })
}
