//! Measurement points for the benchmark (`scripts/bench.sh`), cheap enough to leave in: User
//! Timing marks around the first render of a form, and `window.intuneEditorBench.validate`, which
//! times the core's full validation inside this wasm module.

use crate::schemas::schema;
use policy_core::model::ApiVersion;
use policy_core::{validate, Mode};
use wasm_bindgen::prelude::*;

/// Records a User Timing mark (visible to `performance.getEntriesByName`).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Records a mark unless one of that name is there already.
pub fn mark_once(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        if p.get_entries_by_name(name).length() == 0 {
            let _ = p.mark(name);
        }
    }
}

/// The median time of one full validation of `json` (beta), over `runs` calls, in milliseconds;
/// or an error message when the JSON does not parse.
fn time_validation(json: &str, runs: u32) -> Result<f64, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let s = schema(ApiVersion::Beta);
    let perf = web_sys::window()
        .and_then(|w| w.performance())
        .ok_or("no performance clock")?;
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t0 = perf.now();
            let problems = validate(s, &value, Mode::Object);
            let t = perf.now() - t0;
            std::hint::black_box(problems);
            t
        })
        .collect();
    times.sort_unstable_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// Puts `intuneEditorBench.validate(json, runs)` on `window`.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let f = Closure::<dyn Fn(String, u32) -> JsValue>::new(|json: String, runs: u32| {
        match time_validation(&json, runs) {
            Ok(ms) => JsValue::from_f64(ms),
            Err(e) => JsValue::from_str(&e),
        }
    });
    let hooks = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&hooks, &"validate".into(), f.as_ref());
    let _ = js_sys::Reflect::set(&window, &"intuneEditorBench".into(), &hooks);
    // The page lives as long as the module; the closure must too.
    f.forget();
}
