//! The settings catalog policy in the browser (`catalog_data.rs`): navigation → the policy
//! judged by its definitions and its first screen of settings drawn (the catalog module's
//! `catalog-ready` mark; `catalog-complete` when the last is drawn), first with
//! an empty cache (a fresh profile), then again in the same profile once the definitions are
//! kept; and the picker over the whole catalog: opened once (from Graph, page by page), opened
//! again after a reload (from the browser's cache), then keystrokes into its search box, each
//! from its keydown to the first animation frame after its `input` event, as `browser.rs`
//! measures the form's keystrokes.

use std::time::Duration;

use e2e::{ChromeDriver, Page};
use serde_json::{json, Value};

use crate::browser::{
    num, Fetched, Keystroke, APP_CACHED, BACKSPACE, RECORD, SAMPLES, WAIT_SAMPLES,
};

/// The settings catalog policy's type, for the app's link.
pub const TYPE_NAME: &str = "deviceManagementConfigurationPolicy";
/// What the benchmark types into the picker's search box, a key at a time, then clears again
/// with Backspace, over and over. It matches some of the filler's names ("Limit download …").
pub const QUERY: &str = "limit download";

/// How long a load of the policy or the picker's catalog may take before the run fails.
const WAIT: Duration = Duration::from_secs(60);
const CATALOG_WAIT: Duration = Duration::from_secs(600);

/// One load of the policy: navigation → `catalog-ready`.
#[derive(Debug, Clone)]
pub struct CatalogLoad {
    pub ready_ms: f64,
    /// The User Timing marks up to `catalog-ready` (the app's and the module's), in order.
    pub marks: Vec<(String, f64)>,
    /// Every request that started before `catalog-ready`.
    pub fetched: Vec<Fetched>,
    /// The setting cards shown (top-level settings) and the errors the module counted.
    pub shown: usize,
    pub errors: i64,
}

impl CatalogLoad {
    /// When the last response whose URL satisfies `pick` had arrived (NaN if none).
    fn arrived(&self, pick: impl Fn(&str) -> bool) -> f64 {
        crate::browser::arrived(&self.fetched, pick)
    }

    /// When the catalog module's wasm had arrived.
    pub fn module_in_ms(&self) -> f64 {
        self.arrived(|u| u.contains("/catalog-") && u.ends_with(".wasm"))
    }

    /// When the last Graph answer before `catalog-ready` had arrived (the definitions, when
    /// they came from Graph).
    pub fn graph_in_ms(&self) -> f64 {
        self.arrived(|u| u.contains("/beta/deviceManagement/"))
    }

    /// A mark's time (NaN without it).
    pub fn mark(&self, name: &str) -> f64 {
        self.marks
            .iter()
            .find(|(n, _)| n == name)
            .map_or(f64::NAN, |(_, t)| *t)
    }
}

/// Reads the load's figures once `catalog-ready` (the first screen of settings drawn) and
/// `catalog-complete` (the last one drawn: big policies are drawn a batch per task) are there;
/// null before.
const COLLECT: &str = r#"
const ready = performance.getEntriesByName('catalog-ready')[0];
const complete = performance.getEntriesByName('catalog-complete')[0];
if (!ready || !complete) return null;
const entries = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));
const root = document.querySelector('#catalog-root .catalog');
return {
  ready: ready.startTime,
  marks: performance.getEntriesByType('mark').filter(m => m.startTime <= Math.max(ready.startTime, complete.startTime))
                    .map(m => [m.name, m.startTime]),
  fetched: entries.filter(e => e.startTime < ready.startTime)
                  .map(e => ({ url: e.name, start: e.startTime, end: e.responseEnd, transfer: e.transferSize,
                               worker: e.workerStart > 0 })),
  shown: document.querySelectorAll('#catalog-root section.setting[data-index]').length,
  errors: root ? Number(root.getAttribute('data-errors')) : -1,
};"#;

/// Waits for the policy's settings in the page's current load and reads its figures; fails
/// the run unless `settings` cards are shown.
async fn measure(page: &Page, settings: usize) -> CatalogLoad {
    let v = page
        .until_within("the catalog-ready mark", WAIT, || async {
            Some(page.js(COLLECT, vec![]).await).filter(|v| !v.is_null())
        })
        .await;
    let load = CatalogLoad {
        ready_ms: num(&v["ready"]),
        marks: v["marks"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| (m[0].as_str().unwrap_or_default().to_string(), num(&m[1])))
            .collect(),
        fetched: v["fetched"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| Fetched {
                url: e["url"].as_str().unwrap_or_default().to_string(),
                start_ms: num(&e["start"]),
                end_ms: num(&e["end"]),
                transfer_size: num(&e["transfer"]),
                worker: e["worker"].as_bool().unwrap_or(false),
            })
            .collect(),
        shown: v["shown"].as_u64().unwrap_or(0) as usize,
        errors: v["errors"].as_i64().unwrap_or(-1),
    };
    assert_eq!(
        load.shown, settings,
        "the policy's {settings} settings should all be shown at catalog-complete"
    );
    load
}

/// A cold load of `url` in a browser of its own with a fresh profile, then, once the module
/// has kept the definitions and the service worker the app, the warm one: the same link again
/// in the same browser.
pub async fn cold_and_warm(url: &str, settings: usize) -> (CatalogLoad, CatalogLoad) {
    let driver = ChromeDriver::start();
    let page = Page::open(&driver).await;
    page.goto(url).await;
    let cold = measure(&page, settings).await;
    // The module writes the definitions to the Cache API before it says as of when.
    page.until_within("the definitions kept", WAIT, || async {
        page.text("#definitions-as-of")
            .await
            .filter(|t| t.contains("Definitions as of"))
    })
    .await;
    page.until_within(
        "the service worker to cache the app",
        Duration::from_secs(30),
        || async {
            page.js_async(APP_CACHED, vec![])
                .await
                .as_bool()
                .filter(|cached| *cached)
        },
    )
    .await;
    page.goto(url).await;
    let warm = measure(&page, settings).await;
    page.close().await;
    drop(driver);
    (cold, warm)
}

/// What the picker measured.
#[derive(Debug)]
pub struct Picker {
    /// How many definitions its status says the catalog has.
    pub definitions: usize,
    /// Click on "Add setting" → the catalog ready to search: from Graph (every page), and
    /// after a reload from the browser's cache.
    pub first_open_ms: f64,
    pub cached_open_ms: f64,
    /// Graph requests of the first opening (the catalog's pages and the categories').
    pub first_open_requests: usize,
    pub keys: Vec<Keystroke>,
    /// The results shown for [`QUERY`] typed whole.
    pub results_for_query: usize,
}

/// Clicks "Add setting" and records in `window.__pickerOpen` how long until the picker says
/// how many settings the catalog has (or why it has none).
const OPEN: &str = r#"
window.__pickerOpen = null;
const t0 = performance.now();
const check = () => {
  const s = document.querySelector('#picker-status');
  const text = s ? s.textContent : '';
  if (/settings in the catalog|could not be loaded/.test(text)) {
    window.__pickerOpen = { ms: performance.now() - t0, text, requests: performance.getEntriesByType('resource')
      .filter(e => e.startTime >= t0 && e.name.includes('/configuration')).length };
    return true;
  }
  return false;
};
const obs = new MutationObserver(() => { if (check()) obs.disconnect(); });
obs.observe(document.body, { subtree: true, childList: true, characterData: true });
document.querySelector('#add-setting').click();"#;

/// Opens the picker and waits until its catalog is ready: (ms, status text, Graph requests).
async fn open_picker(page: &Page) -> (f64, String, usize) {
    page.js(OPEN, vec![]).await;
    let v = page
        .until_within("the picker's catalog", CATALOG_WAIT, || async {
            Some(page.js("return window.__pickerOpen;", vec![]).await).filter(|v| !v.is_null())
        })
        .await;
    let text = v["text"].as_str().unwrap_or_default().to_string();
    assert!(
        text.contains("settings in the catalog"),
        "the picker's catalog: {text}"
    );
    (
        num(&v["ms"]),
        text,
        v["requests"].as_u64().unwrap_or(0) as usize,
    )
}

/// The picker of the policy at `url` in a browser of its own: opened from Graph, opened again
/// after a reload from the browser's cache, then `warmup + count` keys typed into its search
/// box (the first `warmup` not counted).
pub async fn picker(url: &str, settings: usize, warmup: usize, count: usize) -> Picker {
    let driver = ChromeDriver::start();
    let page = Page::open(&driver).await;
    page.goto(url).await;
    measure(&page, settings).await;
    let (first_open_ms, _, first_open_requests) = open_picker(&page).await;
    page.goto(url).await;
    measure(&page, settings).await;
    let (cached_open_ms, status, _) = open_picker(&page).await;
    let definitions = status
        .split(" settings in the catalog")
        .next()
        .and_then(|n| n.split_whitespace().last())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);

    page.js(RECORD, vec![json!("picker-search")]).await;
    let el = page.wait_for("#picker-search").await;
    let chars: Vec<String> = QUERY.chars().map(String::from).collect();
    let mut keys = chars.clone();
    keys.extend(std::iter::repeat_n(BACKSPACE.to_string(), chars.len()));
    for (i, key) in keys.iter().cycle().take(warmup + count).enumerate() {
        el.send_keys(key)
            .await
            .unwrap_or_else(|e| panic!("cannot type into the picker's search box: {e}"));
        page.js_async(WAIT_SAMPLES, vec![json!(i + 1)]).await;
    }
    let samples: Value = page.js(SAMPLES, vec![]).await;
    let keys = Keystroke::from_samples(&samples, warmup, count);

    page.set_value_as_paste("picker-search", QUERY).await;
    let results_for_query = page
        .until_within("the picker's results", WAIT, || async {
            let v = page
                .js(
                    "return Array.from(document.querySelectorAll('#picker-results button.pick')).map(b => b.textContent);",
                    vec![],
                )
                .await;
            let names: Vec<String> = v
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_lowercase))
                .collect();
            names
                .first()
                .filter(|n| n.starts_with(QUERY))
                .map(|_| names.len())
        })
        .await;
    page.close().await;
    drop(driver);
    Picker {
        definitions,
        first_open_ms,
        cached_open_ms,
        first_open_requests,
        keys,
        results_for_query,
    }
}
