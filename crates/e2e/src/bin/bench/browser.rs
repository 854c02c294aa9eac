//! What is measured in the browser: a cold load (a new chromedriver, a fresh Chromium profile,
//! one navigation), a warm second visit (the same, navigated again once the service worker has
//! cached the app), keystrokes into one field, and the in-wasm validation timer; each plain or
//! under Chromium's network and CPU throttling ([`Conditions`]). Every figure is read in the page
//! (User Timing marks, Resource Timing, event time stamps), so the WebDriver round trips around
//! it do not count.

use std::time::Duration;

use e2e::{field, ChromeDriver, Page, WAIT};
use fantoccini::elements::Element;
use serde_json::{json, Value};

use crate::stats::median;

/// Throttled network: Lighthouse's "slow 4G" (mobile) figures, as DevTools applies them to
/// every request: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
pub const THROTTLE_LATENCY_MS: f64 = 150.0;
pub const THROTTLE_DOWN_BITS: f64 = 1_600_000.0;
pub const THROTTLE_UP_BITS: f64 = 750_000.0;
/// Throttled CPU: the page's main thread runs 4 times slower.
pub const THROTTLE_CPU_RATE: f64 = 4.0;

/// What a measurement runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conditions {
    /// The machine as it is, over loopback.
    Plain,
    /// Chromium's network and CPU throttling, through the DevTools protocol
    /// (`Network.emulateNetworkConditions`, `Emulation.setCPUThrottlingRate`).
    Throttled,
}

impl Conditions {
    /// Applies the conditions to the page's tab; they last across its navigations.
    pub async fn apply(self, page: &Page) {
        if self == Conditions::Plain {
            return;
        }
        page.cdp("Network.enable", json!({})).await;
        page.cdp(
            "Network.emulateNetworkConditions",
            json!({
                "offline": false,
                "latency": THROTTLE_LATENCY_MS,
                "downloadThroughput": THROTTLE_DOWN_BITS / 8.0,
                "uploadThroughput": THROTTLE_UP_BITS / 8.0,
            }),
        )
        .await;
        page.cdp(
            "Emulation.setCPUThrottlingRate",
            json!({ "rate": THROTTLE_CPU_RATE }),
        )
        .await;
    }

    /// How long a load may take before the run fails.
    fn wait(self) -> Duration {
        match self {
            Conditions::Plain => WAIT,
            Conditions::Throttled => Duration::from_secs(120),
        }
    }
}

/// A number a script returned (NaN when it returned something else).
pub fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// The numbers of a list a script returned.
fn nums(v: &Value) -> Vec<f64> {
    v.as_array().into_iter().flatten().map(num).collect()
}

/// One request the page made before its form was ready, from Resource or Navigation Timing.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub url: String,
    pub start_ms: f64,
    /// When its response had arrived.
    pub end_ms: f64,
    pub transfer_size: f64,
    /// The service worker answered it (`workerStart` is set).
    pub worker: bool,
}

/// One load of an object's link: a cold one, or a warm second visit.
#[derive(Debug, Clone)]
pub struct ColdLoad {
    /// Navigation start → `form-ready`.
    pub ready_ms: f64,
    /// `form-render-start` → `form-ready`.
    pub render_ms: f64,
    /// Navigation start → `form-complete`: the form builds its first fields, then the rest a
    /// batch per task (see the app's `FormView`); this is when the last field is in.
    pub complete_ms: f64,
    /// Every request that started before `form-ready`, the document first.
    pub fetched: Vec<Fetched>,
    /// The app's User Timing marks up to `form-ready` (name, ms from navigation), in order:
    /// where the time between the requests went.
    pub marks: Vec<(String, f64)>,
    pub user_agent: String,
}

/// Reads the marks and the requests once `form-ready` is there; null before.
const COLLECT: &str = r#"
const ready = performance.getEntriesByName('form-ready')[0];
const start = performance.getEntriesByName('form-render-start')[0];
if (!ready || !start) return null;
const entries = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));
return {
  ready: ready.startTime,
  renderStart: start.startTime,
  marks: performance.getEntriesByType('mark').filter(m => m.startTime <= ready.startTime)
                    .map(m => [m.name, m.startTime]),
  fetched: entries.filter(e => e.startTime < ready.startTime)
                  .map(e => ({ url: e.name, start: e.startTime, end: e.responseEnd, transfer: e.transferSize,
                               worker: e.workerStart > 0 })),
  userAgent: navigator.userAgent,
};"#;

/// True once the service worker controls the page and its cache holds the app: the page itself
/// and every app file the page fetched (not Graph, the sandbox's routes or `config.json`, which
/// the worker never keeps).
pub const APP_CACHED: &str = r#"
const done = arguments[arguments.length - 1];
if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return done(false);
const own = performance.getEntriesByType('resource').map(e => new URL(e.name))
  .filter(u => u.origin === location.origin && !u.search && !/^\/(v1\.0|beta|_)/.test(u.pathname)
               && !u.pathname.endsWith('/config.json'))
  .map(u => u.href)
  .concat([location.origin + '/']);
Promise.all(own.map(u => caches.match(u, { ignoreVary: true })))
  .then(hits => done(hits.every(h => !!h)), () => done(false));"#;

/// Opens `url` in a browser of its own (under `conditions` from the first request on) and
/// waits for the form; `check` is a field's JSON path and the value it must show, so a form that
/// is there but empty does not count.
pub async fn cold_load(url: &str, check: (&str, &str), conditions: Conditions) -> ColdLoad {
    let driver = ChromeDriver::start();
    let page = Page::open(&driver).await;
    conditions.apply(&page).await;
    page.goto(url).await;
    let load = measure_load(&page, check, conditions).await;
    page.close().await;
    drop(driver);
    load
}

/// A warm second visit: opens `url` in a browser of its own, waits for the form and until the
/// service worker has cached the app, then (under `conditions`) opens `url` again and measures
/// that load.
pub async fn warm_load(url: &str, check: (&str, &str), conditions: Conditions) -> ColdLoad {
    let driver = ChromeDriver::start();
    let page = Page::open(&driver).await;
    page.goto(url).await;
    measure_load(&page, check, Conditions::Plain).await;
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
    conditions.apply(&page).await;
    page.goto(url).await;
    let load = measure_load(&page, check, conditions).await;
    page.close().await;
    drop(driver);
    load
}

/// Waits for the form of the page's current load and reads its figures.
async fn measure_load(page: &Page, check: (&str, &str), conditions: Conditions) -> ColdLoad {
    let wait = conditions.wait();
    let v = page
        .until_within("the form-ready mark", wait, || async {
            Some(page.js(COLLECT, vec![]).await).filter(|v| !v.is_null())
        })
        .await;
    let (path, expected) = check;
    page.until_within(
        &format!("{} to hold {expected:?}", field(path)),
        wait,
        || async { page.value(path).await.filter(|v| v == expected) },
    )
    .await;
    let complete = page
        .until_within("the form-complete mark", wait, || async {
            let v = page
                .js(
                    "const m = performance.getEntriesByName('form-complete')[0]; return m ? m.startTime : null;",
                    vec![],
                )
                .await;
            v.as_f64()
        })
        .await;
    ColdLoad {
        ready_ms: num(&v["ready"]),
        render_ms: num(&v["ready"]) - num(&v["renderStart"]),
        complete_ms: complete,
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
        marks: v["marks"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| (m[0].as_str().unwrap_or_default().to_string(), num(&m[1])))
            .collect(),
        user_agent: v["userAgent"].as_str().unwrap_or_default().to_string(),
    }
}

/// When the last of `fetched` whose URL satisfies `pick` had arrived (NaN if none).
pub fn arrived(fetched: &[Fetched], pick: impl Fn(&str) -> bool) -> f64 {
    fetched
        .iter()
        .filter(|f| pick(&f.url))
        .map(|f| f.end_ms)
        .fold(f64::NAN, f64::max)
}

impl ColdLoad {
    /// When the last response whose URL satisfies `pick` had arrived (NaN if none).
    fn arrived(&self, pick: impl Fn(&str) -> bool) -> f64 {
        arrived(&self.fetched, pick)
    }

    /// When the app's wasm had arrived.
    pub fn wasm_in_ms(&self) -> f64 {
        self.arrived(|url| url.ends_with(".wasm"))
    }

    /// When the last Graph response before the form had arrived (the object).
    pub fn graph_in_ms(&self) -> f64 {
        self.arrived(is_graph)
    }

    /// When the app asked Graph for the object (its first Graph request).
    pub fn graph_asked_ms(&self) -> f64 {
        self.fetched
            .iter()
            .filter(|f| is_graph(&f.url))
            .map(|f| f.start_ms)
            .fold(f64::NAN, f64::min)
    }
}

/// A request to Graph (the sandbox): under `/beta/` or `/v1.0/`, but not the app's own schema
/// files (`schema/beta/…`).
fn is_graph(url: &str) -> bool {
    (url.contains("/beta/") || url.contains("/v1.0/")) && !url.contains("/schema/")
}

/// One keystroke, from its keydown's time stamp, in ms.
#[derive(Debug, Clone, Copy)]
pub struct Keystroke {
    /// → the first animation frame after its `input` event was handled: the frame that shows
    /// the keystroke's result. Over one frame (16.7 ms at 60 Hz) means the keystroke missed one.
    pub next_frame: f64,
    /// → the second animation frame after its `input` event: the repaint is on screen.
    pub total: f64,
    /// → the first keydown listener ran (the browser was busy before that).
    pub queued: f64,
    /// The `input` event's own time: every listener, the app's edit, validation and render
    /// (Yew renders in a microtask, which runs before the window's bubbling listener).
    pub app: f64,
    /// The end of the `input` event → the first animation frame: work the app left for later
    /// tasks (Yew yields after 16 ms; effects) and the wait for the frame.
    pub deferred: f64,
    /// The first animation frame after it → the second: the browser's style, layout and paint
    /// of that frame, and the wait for the next one.
    pub frame: f64,
    /// In the long animation frames (over 50 ms) during this keystroke: time in scripts, and
    /// time from the start of rendering (style, layout, paint) to the frame's end. Zero when
    /// no frame was that long.
    pub long_frame_script: f64,
    pub long_frame_render: f64,
    /// How many long animation frames, and their whole duration.
    pub long_frames: f64,
    pub long_frame_duration: f64,
}

impl Keystroke {
    /// The keystrokes of what [`SAMPLES`] returned, the first `warmup` left out.
    pub fn from_samples(samples: &Value, warmup: usize, count: usize) -> Vec<Keystroke> {
        samples
            .as_array()
            .into_iter()
            .flatten()
            .skip(warmup)
            .take(count)
            .map(|s| Keystroke {
                next_frame: num(&s["frame"]) - num(&s["keydown"]),
                total: num(&s["painted"]) - num(&s["keydown"]),
                queued: num(&s["listener"]) - num(&s["keydown"]),
                app: num(&s["inputEnd"]) - num(&s["inputStart"]),
                deferred: num(&s["frame"]) - num(&s["inputEnd"]),
                frame: num(&s["painted"]) - num(&s["frame"]),
                long_frame_script: num(&s["loafScript"]),
                long_frame_render: num(&s["loafRender"]),
                long_frames: num(&s["loafCount"]),
                long_frame_duration: num(&s["loafDuration"]),
            })
            .collect()
    }
}

/// Records, for keystrokes into the element with `window.__bench.id`, the keydown's time stamp,
/// the `input` event's start (capturing on window) and end (bubbling to window), and the second
/// animation frame after it; wakes `window.__bench.waiter` with each sample.
pub const RECORD: &str = r#"
window.__bench = { id: arguments[0], samples: [], pending: null, waiter: null, frames: [] };
if (!window.__benchListening) {
  window.__benchListening = true;
  new PerformanceObserver(list => {
    for (const f of list.getEntries()) window.__bench.frames.push({
      start: f.startTime, end: f.startTime + f.duration, renderStart: f.renderStart,
      script: f.scripts.reduce((sum, s) => sum + s.duration, 0),
    });
  }).observe({ type: 'long-animation-frame' });
  const mine = e => e.target && e.target.id === window.__bench.id;
  addEventListener('keydown', e => {
    if (mine(e)) window.__bench.pending = { keydown: e.timeStamp, listener: performance.now() };
  }, true);
  addEventListener('input', e => {
    const p = window.__bench.pending;
    if (mine(e) && p) p.inputStart = performance.now();
  }, true);
  addEventListener('input', e => {
    const b = window.__bench, p = b.pending;
    if (!mine(e) || !p) return;
    b.pending = null;
    p.inputEnd = performance.now();
    requestAnimationFrame(() => { p.frame = performance.now(); requestAnimationFrame(() => {
      p.painted = performance.now();
      b.samples.push(p);
      if (b.waiter) { const w = b.waiter; b.waiter = null; w(b.samples.length); }
    }); });
  }, false);
}"#;

/// Ends when `arguments[0]` samples are recorded.
pub const WAIT_SAMPLES: &str = r#"
const n = arguments[0], done = arguments[arguments.length - 1];
const b = window.__bench;
if (b.samples.length >= n) done(b.samples.length); else b.waiter = done;"#;

/// The samples, each with the long animation frames that overlap it summed up.
pub const SAMPLES: &str = r#"
const b = window.__bench;
return b.samples.map(p => {
  const frames = b.frames.filter(f => f.end > p.keydown && f.start < p.painted);
  const sum = g => frames.reduce((t, f) => t + g(f), 0);
  return Object.assign({}, p, {
    loafScript: sum(f => f.script),
    loafRender: sum(f => f.renderStart > 0 ? f.end - f.renderStart : 0),
    loafCount: frames.length,
    loafDuration: sum(f => f.end - f.start),
  });
});"#;

pub const BACKSPACE: &str = "\u{E003}";

/// A browser with an object's form open, for keystrokes and the validation timer.
pub struct Session {
    page: Page,
    driver: ChromeDriver,
}

impl Session {
    /// Opens `url` in a browser of its own and waits until the form is ready.
    pub async fn open(url: &str, ready_field: &str) -> Session {
        let driver = ChromeDriver::start();
        let page = Page::open(&driver).await;
        page.goto(url).await;
        page.wait_for_field(ready_field).await;
        // Keystrokes are measured on the whole form, once its last batch of fields is built.
        page.until("the whole form", || async {
            let v = page
                .js(
                    "return !!document.querySelector('.form[data-complete]') && !document.querySelector('.collection[data-growing]');",
                    vec![],
                )
                .await;
            v.as_bool().filter(|b| *b)
        })
        .await;
        Session { page, driver }
    }

    pub async fn close(self) {
        self.page.close().await;
        drop(self.driver);
    }

    /// Puts the browser under `conditions` from now on (for keystrokes: the CPU's slowdown).
    pub async fn apply(&self, conditions: Conditions) {
        conditions.apply(&self.page).await;
    }

    /// Types `warmup + count` keys into the field at `path` with WebDriver, a digit and
    /// Backspace in turn (so the value stays valid and ends as it began: one Backspace more, not
    /// counted, when that number is odd), one at a time: the next key goes only once the last
    /// one is painted. The first `warmup` are left out.
    pub async fn keystrokes(&self, path: &str, warmup: usize, count: usize) -> Vec<Keystroke> {
        let before = self.page.value(path).await;
        self.page.js(RECORD, vec![json!(format!("f-{path}"))]).await;
        let mut el = self.page.wait_for_field(path).await;
        let total = warmup + count;
        for i in 0..total + total % 2 {
            let key = if i % 2 == 0 { "5" } else { BACKSPACE };
            el = self.send_key(el, path, key).await;
            self.page.js_async(WAIT_SAMPLES, vec![json!(i + 1)]).await;
        }
        let after = self.page.value(path).await;
        assert_eq!(
            before, after,
            "{path}: a digit and Backspace in turn should leave the value as it was"
        );
        let samples = self.page.js(SAMPLES, vec![]).await;
        Keystroke::from_samples(&samples, warmup, count)
    }

    /// Sends one key to the field; looks it up again once if Yew replaced it.
    async fn send_key(&self, el: Element, path: &str, key: &str) -> Element {
        if el.send_keys(key).await.is_ok() {
            return el;
        }
        let el = self.page.wait_for_field(path).await;
        el.send_keys(key)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {}: {e}", field(path)));
        el
    }

    /// `intuneEditorBench.validate(JSON.stringify(object), runs)`: the median of `runs` timed
    /// validations (the page gives each time); and the mean time of one, from the difference between a long run and a
    /// short one (`validate` times every validation on its own with the page's clock, whose
    /// step is 0.1 ms without cross-origin isolation, so a median far below that step reads as
    /// 0 or one step).
    pub async fn validation(&self, object: &Value, runs: u32) -> Validation {
        let v = self
            .page
            .js(
                r#"const text = JSON.stringify(arguments[0]), runs = arguments[1];
                   const check = m => { if (!(m instanceof Float64Array)) throw new Error(m); return m; };
                   const times = check(intuneEditorBench.validate(text, runs)).sort();
                   const median = times[times.length >> 1];
                   const wall = (t, r) => { const t0 = performance.now();
                                            check(intuneEditorBench.validate(t, r));
                                            return performance.now() - t0; };
                   const extra = 2000, mean = t => (wall(t, 100 + extra) - wall(t, 100)) / extra;
                   const means = [], empty = [];
                   for (let i = 0; i < 5; i++) { means.push(mean(text)); empty.push(mean('{}')); }
                   let a = performance.now(), b = a;
                   const steps = [];
                   for (let i = 0; i < 20; i++) { while (b === a) b = performance.now(); steps.push(b - a); a = b; }
                   return { median, means, empty, clockStep: Math.min(...steps) };"#,
                vec![object.clone(), json!(runs)],
            )
            .await;
        Validation {
            runs,
            empty_mean_ms: median(&nums(&v["empty"])),
            median_ms: num(&v["median"]),
            mean_ms: median(&nums(&v["means"])),
            clock_step_ms: num(&v["clockStep"]),
        }
    }
}

/// One full validation of an object in the page's wasm.
#[derive(Debug, Clone, Copy)]
pub struct Validation {
    /// How many calls `median_ms` is the median of.
    pub runs: u32,
    /// The median of the individually timed calls `intuneEditorBench.validate` returns.
    pub median_ms: f64,
    /// The mean of one call, from 2000 calls timed together (median of five such estimates).
    pub mean_ms: f64,
    /// The same for `{}` (no type, nothing to check): what the timing loop itself costs.
    pub empty_mean_ms: f64,
    /// The smallest step of `performance.now()` in the page.
    pub clock_step_ms: f64,
}
