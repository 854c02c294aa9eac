//! Measurement points for the benchmark (`scripts/bench.sh`), cheap enough to leave in: User
//! Timing marks around the first render of a form, and `window.intuneEditorBench.validate`, which
//! times the core's full validation inside this wasm module (the driver takes the median: a sort
//! here would add its code to every first load).

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

/// The time of each of `runs` full validations of `json` (beta), in milliseconds; or an error
/// message when the JSON does not parse.
fn time_validation(json: &str, runs: u32) -> Result<Vec<f64>, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let s = schema(ApiVersion::Beta);
    let perf = web_sys::window()
        .and_then(|w| w.performance())
        .ok_or("no performance clock")?;
    let times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t0 = perf.now();
            let problems = validate(s, &value, Mode::Object);
            let t = perf.now() - t0;
            std::hint::black_box(problems);
            t
        })
        .collect();
    Ok(times)
}

/// Puts `intuneEditorBench.validate(json, runs)` on `window`: a `Float64Array` of the times, or
/// the error's text.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let f = Closure::<dyn Fn(String, u32) -> JsValue>::new(|json: String, runs: u32| {
        match time_validation(&json, runs) {
            Ok(times) => js_sys::Float64Array::from(&times[..]).into(),
            Err(e) => JsValue::from_str(&e),
        }
    });
    let hooks = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&hooks, &"validate".into(), f.as_ref());
    let _ = js_sys::Reflect::set(&window, &"intuneEditorBench".into(), &hooks);
    // The page lives as long as the module; the closure must too.
    f.forget();
}
