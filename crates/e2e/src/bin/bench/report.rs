//! The figures of one run, held against the targets and the React reference: printed as a table
//! and written as JSON.

use serde_json::{json, Value};

use crate::browser::{
    ColdLoad, Keystroke, Validation, THROTTLE_CPU_RATE, THROTTLE_DOWN_BITS, THROTTLE_LATENCY_MS,
    THROTTLE_UP_BITS,
};
use crate::cases::Loaded;
use crate::runs::Optional;
use crate::sizes::Sizes;
use crate::stats::{median, percentile};

/// First load, gzip: the target and the hard ceiling, in bytes (KB read as 1000 bytes, the
/// stricter reading).
pub const GZIP_TARGET: u64 = 165_000;
pub const GZIP_CEILING: u64 = 300_000;
/// Keydown → the first animation frame after the `input` event was handled, p95, in ms: one
/// frame at 60 Hz, so no keystroke misses a frame.
pub const KEYSTROKE_FRAME_P95_TARGET_MS: f64 = 16.7;

/// An app file the page fetched before its form was ready.
pub struct FileRow {
    pub name: String,
    pub sizes: Sizes,
    /// In how many of the cold loads it was fetched before the form was ready.
    pub loads: usize,
    /// What the browser reported as transferred for it (headers included), the first time.
    pub transferred: f64,
}

/// Everything measured on one object.
pub struct Figures<'a> {
    pub loaded: &'a Loaded,
    pub loads: Vec<ColdLoad>,
    pub files: Vec<FileRow>,
    /// Same-origin requests before the form that are neither Graph nor a file of `dist/`.
    pub other_requests: Vec<String>,
    pub text_keys: Vec<Keystroke>,
    pub number_keys: Vec<Keystroke>,
    pub validation: Validation,
    /// What the optional runs (`--throttle`, `--warm`) measured.
    pub optional: Optional,
}

/// The folders of the app's lazily loaded modules (`catalog-<hash>/`, `home-<hash>/`), which no
/// form's first load needs.
pub const LAZY_MODULES: [&str; 2] = ["catalog-", "home-"];

impl Figures<'_> {
    /// The files of a lazily loaded module this form's first load fetched (none, when the
    /// split holds).
    pub fn lazy_fetched(&self) -> Vec<&str> {
        self.files
            .iter()
            .map(|f| f.name.as_str())
            .filter(|n| LAZY_MODULES.iter().any(|m| n.starts_with(m)))
            .collect()
    }

    pub fn total(&self) -> Sizes {
        self.files
            .iter()
            .fold(Sizes::default(), |acc, f| acc + f.sizes)
    }

    fn ready(&self) -> Vec<f64> {
        self.loads.iter().map(|l| l.ready_ms).collect()
    }

    fn render(&self) -> Vec<f64> {
        self.loads.iter().map(|l| l.render_ms).collect()
    }
}

/// Met or missed, in the words the table uses.
fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

fn gzip_verdict(bytes: u64) -> &'static str {
    if bytes <= GZIP_TARGET {
        "met"
    } else if bytes <= GZIP_CEILING {
        "MISSED target (under ceiling)"
    } else {
        "MISSED (over the ceiling)"
    }
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn keys(k: &[Keystroke], f: impl Fn(&Keystroke) -> f64) -> Vec<f64> {
    k.iter().map(f).collect()
}

/// A row of the figures table: what, this app's figure, the target, React's, the verdict.
fn row(out: &mut String, cells: [&str; 5]) {
    out.push_str(&format!(
        "  {:<40} {:>19}  {:<24} {:>15}  {}\n",
        cells[0], cells[1], cells[2], cells[3], cells[4]
    ));
}

/// The table for one object: its files, then its figures.
pub fn table(f: &Figures) -> String {
    let c = f.loaded.case;
    let r = &c.reference;
    let mut out = format!(
        "\n{} ({}, id {})\n",
        c.name, f.loaded.type_name, f.loaded.id
    );

    out.push_str(&format!(
        "  {:<40} {:>12} {:>12} {:>12}\n",
        "app files fetched before the form is ready", "raw", "gzip -9", "brotli 11"
    ));
    for file in &f.files {
        let name = if file.loads == f.loads.len() {
            file.name.clone()
        } else {
            format!("{} ({} of {} loads)", file.name, file.loads, f.loads.len())
        };
        out.push_str(&format!(
            "  {:<40} {:>12} {:>12} {:>12}\n",
            name,
            kib(file.sizes.raw),
            kib(file.sizes.gzip),
            kib(file.sizes.brotli)
        ));
    }
    let total = f.total();
    out.push_str(&format!(
        "  {:<40} {:>12} {:>12} {:>12}\n\n",
        "total",
        kib(total.raw),
        kib(total.gzip),
        kib(total.brotli)
    ));
    for other in &f.other_requests {
        out.push_str(&format!("  (also fetched, not in dist/: {other})\n"));
    }
    let lazy = f.lazy_fetched();
    out.push_str(&format!(
        "  files of the lazy modules ({}) in this first load: {}\n\n",
        LAZY_MODULES.join(", "),
        if lazy.is_empty() {
            "none".to_string()
        } else {
            lazy.join(", ")
        }
    ));

    row(
        &mut out,
        ["figure", "this app", "target", "React reference", ""],
    );
    row(
        &mut out,
        [
            "first load, gzip",
            &format!("{} ({} B)", kib(total.gzip), total.gzip),
            "≤ 165 KB, ceiling 300 KB",
            &format!("{} KiB", r.gzip_kib),
            gzip_verdict(total.gzip),
        ],
    );
    let ready = f.ready();
    let (ready_med, ready_p95) = (median(&ready), percentile(&ready, 95.0));
    row(
        &mut out,
        [
            &format!("navigation → form, median / p95 ({})", ready.len()),
            &format!("{ready_med:.1} / {ready_p95:.1} ms"),
            &format!("median ≤ {} ms", c.load_target_ms),
            &format!("{} / {} ms", r.load_ms.0, r.load_ms.1),
            verdict(ready_med <= c.load_target_ms),
        ],
    );
    let phase = |pick: &dyn Fn(&ColdLoad) -> f64| {
        format!(
            "{:.0}",
            median(&f.loads.iter().map(pick).collect::<Vec<_>>())
        )
    };
    row(
        &mut out,
        [
            "  wasm in / object asked / in / render",
            &format!(
                "{} / {} / {} / {} ms",
                phase(&|l| l.wasm_in_ms()),
                phase(&|l| l.graph_asked_ms()),
                phase(&|l| l.graph_in_ms()),
                phase(&|l| l.ready_ms - l.render_ms)
            ),
            "",
            "",
            "",
        ],
    );
    // The app's own marks, each the median over the loads that have it.
    let mut names: Vec<&str> = Vec::new();
    for l in &f.loads {
        for (n, _) in &l.marks {
            if !names.contains(&n.as_str()) {
                names.push(n);
            }
        }
    }
    let marks: Vec<String> = names
        .iter()
        .map(|n| {
            let at: Vec<f64> = f
                .loads
                .iter()
                .filter_map(|l| l.marks.iter().find(|(m, _)| m == n).map(|(_, t)| *t))
                .collect();
            format!("{n} {:.0}", median(&at))
        })
        .collect();
    for chunk in marks.chunks(3) {
        row(
            &mut out,
            ["  app marks (ms)", &chunk.join(" · "), "", "", ""],
        );
    }
    row(
        &mut out,
        [
            "  every field built (form-complete), median",
            &format!(
                "{:.1} ms",
                median(&f.loads.iter().map(|l| l.complete_ms).collect::<Vec<_>>())
            ),
            "",
            "",
            "",
        ],
    );
    row(
        &mut out,
        [
            "  form render (data in hand), median",
            &format!("{:.1} ms", median(&f.render())),
            "",
            "",
            "",
        ],
    );
    for (what, path, k) in [
        ("text", c.text_field, &f.text_keys),
        ("number", c.number_field, &f.number_keys),
    ] {
        let next_frame = keys(k, |k| k.next_frame);
        let p95 = percentile(&next_frame, 95.0);
        out.push_str(&format!(
            "  keystrokes into {path} ({what}, {}):\n",
            next_frame.len()
        ));
        row(
            &mut out,
            [
                "  keydown → next frame, p50 / p95",
                &p50_p95(&next_frame),
                &format!("p95 ≤ {KEYSTROKE_FRAME_P95_TARGET_MS} ms"),
                "",
                verdict(p95 <= KEYSTROKE_FRAME_P95_TARGET_MS),
            ],
        );
        row(
            &mut out,
            [
                "  keydown → repaint (2nd frame), p50 / p95",
                &p50_p95(&keys(k, |k| k.total)),
                "",
                &format!("{} / {} ms", r.keystroke_ms.0, r.keystroke_ms.1),
                "",
            ],
        );
        for (what, part) in [
            ("input event (app)", keys(k, |k| k.app)),
            ("input end → rAF", keys(k, |k| k.deferred)),
            ("rAF → next rAF", keys(k, |k| k.frame)),
            ("long frames: script", keys(k, |k| k.long_frame_script)),
            (
                "long frames: style, layout, paint",
                keys(k, |k| k.long_frame_render),
            ),
        ] {
            row(
                &mut out,
                [
                    &format!("    {what}, p50 / p95"),
                    &format!("{:.1} / {:.1} ms", median(&part), percentile(&part, 95.0)),
                    "",
                    "",
                    "",
                ],
            );
        }
    }
    let v = &f.validation;
    row(
        &mut out,
        [
            "one validation (wasm), mean of 2000",
            &format!("{:.4} ms", v.mean_ms),
            &format!("≤ {} ms", c.validation_target_ms),
            &format!("{} ms", r.validation_ms),
            verdict(v.mean_ms <= c.validation_target_ms),
        ],
    );
    row(
        &mut out,
        [
            "  of which the timing loop (`{}`)",
            &format!("{:.4} ms", v.empty_mean_ms),
            "",
            "",
            "",
        ],
    );
    row(
        &mut out,
        [
            &format!("  median of {} timed one by one", v.runs),
            &format!("{:.3} ms", v.median_ms),
            "",
            "",
            &format!("(page clock step {:.3} ms)", v.clock_step_ms),
        ],
    );
    optional_rows(&mut out, f);
    out
}

/// `p50 / p95 ms` of a sample.
fn p50_p95(samples: &[f64]) -> String {
    format!(
        "{:.1} / {:.1} ms",
        median(samples),
        percentile(samples, 95.0)
    )
}

/// The throttling as the table names it.
pub fn throttling() -> String {
    format!(
        "{THROTTLE_LATENCY_MS} ms RTT, {} Mbit/s down, {} kbit/s up, CPU ×{THROTTLE_CPU_RATE}",
        THROTTLE_DOWN_BITS / 1e6,
        THROTTLE_UP_BITS / 1e3
    )
}

/// A second-visit or throttled load series: navigation → form, and how many of the requests
/// before the form went through the service worker.
fn load_rows(out: &mut String, what: &str, loads: &[ColdLoad]) {
    let ready: Vec<f64> = loads.iter().map(|l| l.ready_ms).collect();
    let requests: usize = loads.iter().map(|l| l.fetched.len()).sum();
    let through: usize = loads
        .iter()
        .map(|l| l.fetched.iter().filter(|f| f.worker).count())
        .sum();
    row(
        out,
        [
            &format!("{what}: navigation → form ({})", loads.len()),
            &p50_p95(&ready),
            "",
            "",
            &format!("{through} of {requests} requests via the worker"),
        ],
    );
    let phase = |pick: &dyn Fn(&ColdLoad) -> f64| {
        format!("{:.0}", median(&loads.iter().map(pick).collect::<Vec<_>>()))
    };
    row(
        out,
        [
            "  wasm in / object asked / in / render",
            &format!(
                "{} / {} / {} / {} ms",
                phase(&|l| l.wasm_in_ms()),
                phase(&|l| l.graph_asked_ms()),
                phase(&|l| l.graph_in_ms()),
                phase(&|l| l.ready_ms - l.render_ms)
            ),
            "",
            "",
            "",
        ],
    );
    row(
        out,
        [
            "  every field built (form-complete), median",
            &format!(
                "{:.1} ms",
                median(&loads.iter().map(|l| l.complete_ms).collect::<Vec<_>>())
            ),
            "",
            "",
            "",
        ],
    );
}

/// The rows of the optional runs, when they were made.
fn optional_rows(out: &mut String, f: &Figures) {
    let c = f.loaded.case;
    if let Some(t) = &f.optional.throttled {
        out.push_str(&format!("  throttled ({}):\n", throttling()));
        load_rows(out, "  cold load", &t.loads);
        for (what, path, k) in [
            ("text", c.text_field, &t.text_keys),
            ("number", c.number_field, &t.number_keys),
        ] {
            row(
                out,
                [
                    &format!("  keydown → next frame, {what}, p50 / p95"),
                    &p50_p95(&keys(k, |k| k.next_frame)),
                    "",
                    "",
                    path,
                ],
            );
            row(
                out,
                [
                    &format!("  keydown → repaint, {what}, p50 / p95"),
                    &p50_p95(&keys(k, |k| k.total)),
                    "",
                    "",
                    "",
                ],
            );
        }
    }
    if let Some(loads) = &f.optional.warm {
        load_rows(out, "warm second visit", loads);
    }
    if let Some(loads) = &f.optional.warm_throttled {
        load_rows(out, "warm second visit, throttled", loads);
    }
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

fn keystrokes_json(path: &str, k: &[Keystroke]) -> Value {
    json!({
        "path": path,
        "to_next_frame_ms": summary(&keys(k, |k| k.next_frame)),
        "total_ms": summary(&keys(k, |k| k.total)),
        "input_event_ms": summary(&keys(k, |k| k.app)),
        "input_end_to_raf_ms": summary(&keys(k, |k| k.deferred)),
        "raf_to_next_raf_ms": summary(&keys(k, |k| k.frame)),
        "long_animation_frames_script_ms": summary(&keys(k, |k| k.long_frame_script)),
        "long_animation_frames_render_ms": summary(&keys(k, |k| k.long_frame_render)),
        "long_animation_frames": summary(&keys(k, |k| k.long_frames)),
        "long_animation_frames_duration_ms": summary(&keys(k, |k| k.long_frame_duration)),
        "keydown_queued_ms": summary(&keys(k, |k| k.queued)),
    })
}

/// A load series as JSON: its summaries and every load.
fn loads_json(loads: &[ColdLoad]) -> Value {
    let of = |pick: fn(&ColdLoad) -> f64| summary(&loads.iter().map(pick).collect::<Vec<_>>());
    json!({
        "navigation_to_form_ms": of(|l| l.ready_ms),
        "form_render_ms": of(|l| l.render_ms),
        "form_complete_ms": of(|l| l.complete_ms),
        "wasm_in_ms": of(ColdLoad::wasm_in_ms),
        "object_asked_ms": of(ColdLoad::graph_asked_ms),
        "object_in_ms": of(ColdLoad::graph_in_ms),
        "loads": loads.iter().map(load_json).collect::<Vec<_>>(),
    })
}

fn load_json(l: &ColdLoad) -> Value {
    json!({
        "form_ready_ms": l.ready_ms,
        "form_render_ms": l.render_ms,
        "form_complete_ms": l.complete_ms,
        "marks": l.marks.iter().map(|(n, t)| json!([n, t])).collect::<Vec<_>>(),
        "fetched": l.fetched.iter().map(|r| json!({
            "url": r.url,
            "start_ms": r.start_ms,
            "end_ms": r.end_ms,
            "transfer_size": r.transfer_size,
            "service_worker": r.worker,
        })).collect::<Vec<_>>(),
    })
}

/// The throttling's settings as JSON.
pub fn throttling_json() -> Value {
    json!({
        "latency_ms": THROTTLE_LATENCY_MS,
        "download_bits_per_s": THROTTLE_DOWN_BITS,
        "upload_bits_per_s": THROTTLE_UP_BITS,
        "cpu_slowdown": THROTTLE_CPU_RATE,
    })
}

/// The optional runs' figures as JSON (`null` for a run not made).
fn optional_json(f: &Figures) -> Value {
    let c = f.loaded.case;
    let o = &f.optional;
    json!({
        "throttled": o.throttled.as_ref().map(|t| json!({
            "cold": loads_json(&t.loads),
            "keystroke": {
                "text": keystrokes_json(c.text_field, &t.text_keys),
                "number": keystrokes_json(c.number_field, &t.number_keys),
            },
        })),
        "warm": o.warm.as_deref().map(loads_json),
        "warm_throttled": o.warm_throttled.as_deref().map(loads_json),
    })
}

/// The same figures as JSON.
pub fn json(f: &Figures) -> Value {
    let c = f.loaded.case;
    let r = &c.reference;
    let total = f.total();
    let ready = f.ready();
    let text = keys(&f.text_keys, |k| k.next_frame);
    let number = keys(&f.number_keys, |k| k.next_frame);
    json!({
        "name": c.name,
        "type": f.loaded.type_name,
        "id": f.loaded.id,
        "data_file": c.file,
        "first_load": {
            "files": f.files.iter().map(|file| json!({
                "file": file.name,
                "sizes": file.sizes.to_json(),
                "fetched_in_loads": file.loads,
                "transfer_size_seen": file.transferred,
            })).collect::<Vec<_>>(),
            "total": total.to_json(),
            "other_requests": f.other_requests,
            "lazy_module_files": f.lazy_fetched(),
        },
        "navigation_to_form_ms": summary(&ready),
        "cold_loads": f.loads.iter().map(load_json).collect::<Vec<_>>(),
        "form_render_ms": summary(&f.render()),
        "form_complete_ms": summary(&f.loads.iter().map(|l| l.complete_ms).collect::<Vec<_>>()),
        "wasm_in_ms": summary(&f.loads.iter().map(ColdLoad::wasm_in_ms).collect::<Vec<_>>()),
        "object_asked_ms": summary(&f.loads.iter().map(ColdLoad::graph_asked_ms).collect::<Vec<_>>()),
        "object_in_ms": summary(&f.loads.iter().map(ColdLoad::graph_in_ms).collect::<Vec<_>>()),
        "keystroke": {
            "text": keystrokes_json(c.text_field, &f.text_keys),
            "number": keystrokes_json(c.number_field, &f.number_keys),
        },
        "validation_ms": {
            "mean": f.validation.mean_ms,
            "median_of_calls_timed_one_by_one": f.validation.median_ms,
            "calls_timed_one_by_one": f.validation.runs,
            "timing_loop_mean": f.validation.empty_mean_ms,
            "page_clock_step": f.validation.clock_step_ms,
        },
        "targets": {
            "first_load_gzip_bytes": GZIP_TARGET,
            "first_load_gzip_ceiling_bytes": GZIP_CEILING,
            "navigation_to_form_median_ms": c.load_target_ms,
            "keystroke_to_next_frame_p95_ms": KEYSTROKE_FRAME_P95_TARGET_MS,
            "validation_ms": c.validation_target_ms,
        },
        "met": {
            "first_load_gzip": total.gzip <= GZIP_TARGET,
            "first_load_gzip_ceiling": total.gzip <= GZIP_CEILING,
            "navigation_to_form": median(&ready) <= c.load_target_ms,
            "keystroke_text": percentile(&text, 95.0) <= KEYSTROKE_FRAME_P95_TARGET_MS,
            "keystroke_number": percentile(&number, 95.0) <= KEYSTROKE_FRAME_P95_TARGET_MS,
            "validation": f.validation.mean_ms <= c.validation_target_ms,
        },
        "react_reference": {
            "first_load_gzip_kib": r.gzip_kib,
            "load_ms": { "median": r.load_ms.0, "p95": r.load_ms.1 },
            "keystroke_ms": { "median": r.keystroke_ms.0, "p95": r.keystroke_ms.1 },
            "validation_ms": r.validation_ms,
        },
        "optional": optional_json(f),
    })
}
