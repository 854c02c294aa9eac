//! The page in the browser and what the tests do with it: open a URL, wait for a selector or a
//! text, edit a field by its JSON path with the widget it has, click Send, read the drafts.
//!
//! Reads go through one small script each (`document.querySelector` and friends), so a read
//! never meets an element that Yew replaced in between; clicks and typing go through WebDriver,
//! as a person's would. Inputs are found by their id, `f-<json path>`.

use std::future::Future;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::driver::ChromeDriver;
use crate::{POLL, WAIT};

/// The widget an edit goes through, which decides how a person would change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widget {
    /// Typed: the field is cleared, then the text is typed key by key.
    Text,
    /// Typed like text, into `<input type=number>`.
    Number,
    /// Clicked when it is not already in the wanted state (`"true"` / `"false"`).
    Toggle,
    /// The option with this value is chosen.
    Select,
    /// A multi-select: exactly the comma-separated values are chosen.
    Flags,
    /// `<input type=datetime-local>` / `type=time`: the value is set as a picker sets it
    /// (typing into these is locale-dependent), then an `input` event.
    Picker,
}

/// The browser session.
pub struct Page {
    client: Client,
    /// The chromedriver it goes through (`http://127.0.0.1:PORT`), for [`Page::cdp`].
    driver: String,
}

/// The CSS selector of the input for a JSON path (ids hold dots and brackets).
pub fn field(path: &str) -> String {
    format!("[id=\"f-{path}\"]")
}

/// The CSS selector of the messages for a JSON path.
pub fn messages(path: &str) -> String {
    format!("[id=\"e-{path}\"]")
}

impl Page {
    /// Starts a browser session through `driver`.
    pub async fn open(driver: &ChromeDriver) -> Page {
        Page::open_with_args(driver, &[]).await
    }

    /// Starts a browser session with Chromium arguments added to the driver's (such as
    /// `--ignore-certificate-errors` for a test identity provider's self-signed certificate).
    pub async fn open_with_args(driver: &ChromeDriver, extra: &[&str]) -> Page {
        let mut caps = driver.capabilities();
        if let Some(args) = caps
            .get_mut("goog:chromeOptions")
            .and_then(|o| o.get_mut("args"))
            .and_then(Value::as_array_mut)
        {
            args.extend(extra.iter().map(|a| json!(a)));
        }
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| panic!("no Chromium session through chromedriver: {e}"));
        Page {
            client,
            driver: driver.url(),
        }
    }

    /// Ends the session; chromedriver then stops Chromium.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    pub async fn refresh(&self) {
        self.client.refresh().await.expect("the page reloads");
    }

    /// Runs a script in the page and returns what it returns.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Runs an asynchronous script (its last argument is the callback that ends it) and returns
    /// what it passes to that callback.
    pub async fn js_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute_async(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls `probe` every [`POLL`] until it gives a value; fails the test after [`WAIT`],
    /// saying what the page shows.
    pub async fn until<T, F, Fut>(&self, what: &str, probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        self.until_within(what, WAIT, probe).await
    }

    /// [`Page::until`] with a wait of its own (a throttled browser may need longer).
    pub async fn until_within<T, F, Fut>(&self, what: &str, wait: Duration, mut probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        let started = Instant::now();
        loop {
            if let Some(v) = probe().await {
                return v;
            }
            if started.elapsed() > wait {
                panic!(
                    "waited {wait:?} for {what}; the page shows:\n{}",
                    self.describe().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Sends a Chrome DevTools Protocol command to the page (chromedriver's
    /// `POST /session/{id}/goog/cdp/execute`) and returns its result, such as
    /// `Network.emulateNetworkConditions` or `Emulation.setCPUThrottlingRate`.
    pub async fn cdp(&self, command: &str, params: Value) -> Value {
        let session = self
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let path = format!("/session/{session}/goog/cdp/execute");
        let body = json!({ "cmd": command, "params": params });
        let (status, answer) = crate::http::post_json(&self.driver, &path, &body)
            .await
            .unwrap_or_else(|e| panic!("{command}: no answer from chromedriver: {e}"));
        assert_eq!(status, 200, "{command}: {answer}");
        answer["value"].clone()
    }

    /// Waits until this page could open again offline with the settings editor: the app's
    /// own files it fetched and the editor module's are in the service worker's cache, and the
    /// editor's cache holds an entry whose key contains `entry` (`|policy|`, `|intent|`).
    pub async fn until_settings_kept_offline(&self, entry: &str) {
        self.until_answered_true(
            "the settings editor and its definitions kept offline",
            "const done = arguments[arguments.length - 1];
             const files = performance.getEntriesByType('resource').map(e => e.name)
               .filter(u => new URL(u).origin === location.origin && !/\\/(v1\\.0|beta)\\//.test(u)
                 && !/config\\.json$/.test(u))
               .concat(['boot.js', 'catalog_ui.js', 'catalog_ui_bg.wasm']
                 .map(f => new URL(arguments[0] + '/' + f, location.href).href));
             Promise.all(files.map(u => caches.match(u)))
               .then(hits => caches.open('intune-editor-settings-v1').then(c => c.keys())
                 .then(keys => done(hits.every(h => h)
                   && keys.some(k => decodeURIComponent(k.url).includes(arguments[1])))))
               .catch(() => done(false));",
            vec![
                json!(crate::module_dir(&crate::dist_dir(), "catalog")),
                json!(entry),
            ],
        )
        .await;
    }

    /// Polls an asynchronous script (its last argument is its callback) until it answers `true`.
    pub async fn until_answered_true(&self, what: &str, script: &str, args: Vec<Value>) {
        self.until(what, || async {
            self.js_async(script, args.clone())
                .await
                .as_bool()
                .unwrap_or(false)
                .then_some(())
        })
        .await;
    }

    /// Waits until the select `#id` offers more than `n` options.
    pub async fn wait_for_options(&self, id: &str, n: u64) {
        self.until(&format!("more than {n} options in #{id}"), || async {
            let have = self
                .js(
                    "return document.querySelectorAll('#' + arguments[0] + ' option').length;",
                    vec![json!(id)],
                )
                .await;
            (have.as_u64().unwrap_or(0) > n).then_some(())
        })
        .await;
    }

    /// Opens the connection panel from the header bar (it folds away once there is a
    /// credential), as a person clicks the bar; nothing when it is open already.
    pub async fn open_connection(&self) {
        self.wait_for("#connection").await;
        let open = self
            .js(
                "return document.getElementById('connection').open === true;",
                vec![],
            )
            .await;
        if open != json!(true) {
            self.click("#connection-summary").await;
        }
        self.until("the connection panel to be open", || async {
            let open = self
                .js(
                    "return document.getElementById('connection').open === true;",
                    vec![],
                )
                .await;
            (open == json!(true)).then_some(())
        })
        .await;
    }

    /// Goes from the open object (if one is open) back to the list (the header's "All
    /// objects" link) and waits for the list's controls.
    pub async fn back_to_list(&self) {
        if self.exists("#back-to-list").await {
            self.click("#back-to-list").await;
        }
        self.wait_for("#list-button").await;
    }

    /// Waits until the browser's new-draft list holds the beta types (its catalog is in).
    pub async fn wait_for_type_list(&self) {
        self.wait_for_options("new-type", 150).await;
    }

    /// Starts a new draft of `type_name` (qualified, `microsoft.graph.…`) from the browser and
    /// waits until the document's title says `title`.
    pub async fn start_draft(&self, type_name: &str, title: &str) {
        self.js(
            "const s = document.getElementById('new-type');
             s.value = arguments[0];
             s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![json!(type_name)],
        )
        .await;
        self.click("#new-draft").await;
        self.wait_for_text("#doc-title", title).await;
    }

    /// The text of the first element matching `css`, or `None` when there is none.
    pub async fn text(&self, css: &str) -> Option<String> {
        let v = self
            .js(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
                vec![json!(css)],
            )
            .await;
        v.as_str().map(str::to_string)
    }

    /// True when an element matches `css` now.
    pub async fn exists(&self, css: &str) -> bool {
        self.js(
            "return document.querySelector(arguments[0]) !== null;",
            vec![json!(css)],
        )
        .await
        .as_bool()
            == Some(true)
    }

    /// Waits until an element matches `css` and returns it.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.until(&format!("an element matching {css}"), move || async move {
            self.client
                .find_all(Locator::Css(css))
                .await
                .ok()
                .and_then(|mut all| (!all.is_empty()).then(|| all.remove(0)))
        })
        .await
    }

    /// Waits until no element matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        self.until(&format!("no element matching {css}"), move || async move {
            (!self.exists(css).await).then_some(())
        })
        .await;
    }

    /// Waits until the first element matching `css` contains `needle`; returns its whole text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        self.until(&format!("{css} to say {needle:?}"), move || async move {
            self.text(css).await.filter(|t| t.contains(needle))
        })
        .await
    }

    /// Waits until the input of a JSON path is on the page.
    pub async fn wait_for_field(&self, path: &str) -> Element {
        self.wait_for(&field(path)).await
    }

    /// The current value of the input of a JSON path (its `value` property; `checked` for a
    /// checkbox; the chosen values joined by commas for a multi-select).
    pub async fn value(&self, path: &str) -> Option<String> {
        let v = self
            .js(
                r#"const e = document.getElementById(arguments[0]);
                   if (!e) return null;
                   if (e.type === "checkbox") return String(e.checked);
                   if (e.multiple) return Array.from(e.selectedOptions).map(o => o.value).join(",");
                   return e.value;"#,
                vec![json!(format!("f-{path}"))],
            )
            .await;
        v.as_str().map(str::to_string)
    }

    /// Waits until the input of `path` holds `expected` (see [`Page::value`]).
    pub async fn wait_for_value(&self, path: &str, expected: &str) {
        self.until(
            &format!("{} to hold {expected:?}", field(path)),
            move || async move { self.value(path).await.filter(|v| v == expected) },
        )
        .await;
    }

    /// Edits the field at `path` as a person would with its widget, then waits until the field
    /// holds the new value (so the app took it and did not put the old one back).
    pub async fn edit(&self, path: &str, widget: Widget, input: &str) {
        if matches!(widget, Widget::Flags | Widget::Picker) {
            self.wait_for_field(path).await;
        }
        match widget {
            Widget::Text | Widget::Number => {
                self.with_field(path, move |el| async move {
                    el.clear().await?;
                    el.send_keys(input).await
                })
                .await
            }
            Widget::Toggle => {
                if self.value(path).await.as_deref() != Some(input) {
                    // As a person scrolls a switch into sight before clicking it: WebDriver
                    // alone brings it to the bottom edge, where a sticky panel may cover it.
                    self.js(
                        "document.getElementById(arguments[0])?.scrollIntoView({ block: 'center' });",
                        vec![json!(format!("f-{path}"))],
                    )
                    .await;
                    self.with_field(path, |el| async move { el.click().await })
                        .await;
                }
            }
            Widget::Select => {
                self.with_field(
                    path,
                    move |el| async move { el.select_by_value(input).await },
                )
                .await
            }
            Widget::Flags => {
                self.js(
                    r#"const e = document.getElementById(arguments[0]);
                       const want = arguments[1].split(",");
                       for (const o of e.options) o.selected = want.includes(o.value);
                       e.dispatchEvent(new Event("change", { bubbles: true }));"#,
                    vec![json!(format!("f-{path}")), json!(input)],
                )
                .await;
            }
            Widget::Picker => {
                self.set_value_as_paste(&format!("f-{path}"), input).await;
            }
        }
        self.wait_for_value(path, input).await;
    }

    /// Does `act` to the input of `path`, again on a fresh lookup if it fails (the element was
    /// replaced, or not yet interactable), until it succeeds.
    async fn with_field<F, Fut>(&self, path: &str, act: F)
    where
        F: Fn(Element) -> Fut,
        Fut: Future<Output = Result<(), fantoccini::error::CmdError>>,
    {
        let css = field(path);
        let act = &act;
        let css = css.as_str();
        self.until(&format!("{css} to take the edit"), move || async move {
            let el = self.client.find(Locator::Css(css)).await.ok()?;
            act(el).await.ok()
        })
        .await;
    }

    /// Sets an input's or a textarea's whole value at once and fires `input`, as a paste does.
    pub async fn set_value_as_paste(&self, id: &str, value: &str) {
        self.js(
            r#"const e = document.getElementById(arguments[0]);
               e.focus();
               e.value = arguments[1];
               e.dispatchEvent(new Event("input", { bubbles: true }));
               e.dispatchEvent(new Event("change", { bubbles: true }));"#,
            vec![json!(id), json!(value)],
        )
        .await;
    }

    /// Clicks the first element matching `css`, once there is one and it takes the click (an
    /// element Yew replaced in between is looked up again).
    pub async fn click(&self, css: &str) {
        let started = Instant::now();
        // The last refusal (not there, covered by another element, …) goes into the message.
        let mut last = String::from("no element matches");
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                // As a person scrolls what they want to click to the middle of the window,
                // clear of the sticky toolbar and the review pinned to the bottom.
                if let Ok(arg) = serde_json::to_value(&el) {
                    let _ = self
                        .client
                        .execute(
                            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                            vec![arg],
                        )
                        .await;
                }
                match el.click().await {
                    Ok(()) => return,
                    Err(e) => last = e.to_string(),
                }
            }
            if started.elapsed() > WAIT {
                panic!(
                    "waited {WAIT:?} for a click on {css} ({last}); the page shows:\n{}",
                    self.describe().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits for an enabled Send button and clicks it.
    pub async fn send(&self) {
        self.click("#send:not([disabled])").await;
    }

    /// Clicks Send and waits for the "Saved" message.
    pub async fn send_and_wait_saved(&self) -> String {
        self.send().await;
        self.wait_for_text("#info", "Saved").await
    }

    /// The token the page holds (the demo token from the sandbox's `config.json`, or a pasted one).
    pub async fn token(&self) -> String {
        self.until("a token in #token", move || async move {
            let v = self
                .js(
                    "const e = document.getElementById('token'); return e ? e.value : null;",
                    vec![],
                )
                .await;
            v.as_str().filter(|t| !t.is_empty()).map(str::to_string)
        })
        .await
    }

    /// Pastes a token into the "Access token" box and waits until the page has read it.
    pub async fn paste_token(&self, token: &str) {
        self.set_value_as_paste("token", token).await;
        self.until("the pasted token to be taken", move || async move {
            (self.token().await == token && self.exists("#token-info").await).then_some(())
        })
        .await;
    }

    /// The properties the review lists as changed (`#diff tr[data-property]`), in order.
    pub async fn diff_properties(&self) -> Vec<String> {
        self.attributes("#diff tr[data-property]", "data-property")
            .await
    }

    /// One attribute of every element matching `css`.
    pub async fn attributes(&self, css: &str, attribute: &str) -> Vec<String> {
        let v = self
            .js(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]));",
                vec![json!(css), json!(attribute)],
            )
            .await;
        strings(&v)
    }

    /// Every draft the editor keeps in this browser's localStorage.
    pub async fn drafts(&self) -> Vec<Value> {
        let v = self
            .js(
                r#"const out = [];
                   for (let i = 0; i < localStorage.length; i++) {
                     const k = localStorage.key(i);
                     if (k.startsWith("intune-editor.draft|")) out.push(JSON.parse(localStorage.getItem(k)));
                   }
                   return out;"#,
                vec![],
            )
            .await;
        v.as_array().cloned().unwrap_or_default()
    }

    /// Waits until a stored draft has `property` = `value` (drafts are written a moment after
    /// the last keystroke).
    pub async fn wait_for_draft(&self, property: &str, value: Value) {
        self.until("the edit in a stored draft", || async {
            self.drafts()
                .await
                .iter()
                .any(|d| d["draft"][property] == value)
                .then_some(())
        })
        .await;
    }

    /// From now on, records every text the element with this id shows, however briefly (a
    /// countdown lasts a second; polling could miss it). Read them with [`Page::seen`].
    pub async fn watch(&self, id: &str) {
        self.js(
            r#"const id = arguments[0];
               window.__e2eSeen = window.__e2eSeen || {};
               const seen = window.__e2eSeen[id] = [];
               const look = () => {
                 const e = document.getElementById(id);
                 const t = e ? e.textContent : null;
                 if (t !== null && seen[seen.length - 1] !== t) seen.push(t);
               };
               new MutationObserver(look).observe(document.body,
                 { subtree: true, childList: true, characterData: true, attributes: true });
               look();"#,
            vec![json!(id)],
        )
        .await;
    }

    /// The texts the watched element showed, in order.
    pub async fn seen(&self, id: &str) -> Vec<String> {
        let v = self
            .js(
                "return (window.__e2eSeen && window.__e2eSeen[arguments[0]]) || [];",
                vec![json!(id)],
            )
            .await;
        strings(&v)
    }

    /// Opens a new tab of the same browser (same localStorage, its own sessionStorage) and
    /// switches to it; returns the handle of the tab that was current, for [`Page::switch_to`].
    pub async fn new_tab(&self) -> fantoccini::wd::WindowHandle {
        let previous = self.client.window().await.expect("the current tab");
        let tab = self.client.new_window(true).await.expect("a new tab opens");
        self.client
            .switch_to_window(tab.handle)
            .await
            .expect("the new tab takes the session");
        previous
    }

    /// The handle of the current tab.
    pub async fn tab(&self) -> fantoccini::wd::WindowHandle {
        self.client.window().await.expect("the current tab")
    }

    /// Makes `tab` the one the session drives.
    pub async fn switch_to(&self, tab: fantoccini::wd::WindowHandle) {
        self.client
            .switch_to_window(tab)
            .await
            .expect("the tab takes the session");
    }

    /// Presses and releases `key` (a character or a [`fantoccini::key::Key`] such as `Key::Tab`)
    /// in whatever has the focus, as a keyboard does; with `shift`, while holding Shift.
    pub async fn press(&self, key: impl Into<char>, shift: bool) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        use fantoccini::key::Key;
        let key = key.into();
        let mut keys = KeyActions::new("keyboard".into());
        if shift {
            keys = keys.then(KeyAction::Down {
                value: Key::Shift.into(),
            });
        }
        keys = keys
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        if shift {
            keys = keys.then(KeyAction::Up {
                value: Key::Shift.into(),
            });
        }
        self.client
            .perform_actions(keys)
            .await
            .unwrap_or_else(|e| panic!("cannot press {key:?}: {e}"));
    }

    /// Types `text` key by key into whatever has the focus.
    pub async fn type_keys(&self, text: &str) {
        for c in text.chars() {
            self.press(c, false).await;
        }
    }

    /// The element that has the focus, in a line (`tag#id.class "text"`), for checks and
    /// failure messages.
    pub async fn focused(&self) -> String {
        let v = self
            .js(
                r##"const e = document.activeElement;
                   if (!e || e === document.body) return "(nothing)";
                   const cls = e.className && typeof e.className === "string"
                     ? "." + e.className.trim().split(/\s+/).join(".") : "";
                   return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + cls
                     + " " + JSON.stringify((e.textContent || "").trim().slice(0, 40));"##,
                vec![],
            )
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// True when the element that has the focus matches `css`.
    pub async fn focus_is(&self, css: &str) -> bool {
        self.js(
            "const e = document.activeElement; return !!e && e.matches(arguments[0]);",
            vec![json!(css)],
        )
        .await
            == json!(true)
    }

    /// Moves the focus with the keyboard to the element matching `css`: Tab when it comes after
    /// the focused element in the document, Shift+Tab when before, at most `presses` times;
    /// fails the test, saying where the focus went, if it never gets there.
    pub async fn tab_to(&self, css: &str, presses: usize) {
        let back = self
            .js(
                r#"const target = document.querySelector(arguments[0]);
                   const from = document.activeElement || document.body;
                   if (!target || from === document.body) return false;
                   const at = from.compareDocumentPosition(target);
                   return (at & Node.DOCUMENT_POSITION_PRECEDING) !== 0
                     && (at & Node.DOCUMENT_POSITION_CONTAINS) === 0;"#,
                vec![json!(css)],
            )
            .await
            == json!(true);
        let mut path = Vec::new();
        for _ in 0..presses {
            if self.focus_is(css).await {
                return;
            }
            self.press(fantoccini::key::Key::Tab, back).await;
            path.push(self.focused().await);
        }
        if !self.focus_is(css).await {
            let last: Vec<_> = path.iter().rev().take(15).rev().collect();
            panic!(
                "{presses} presses of {} never reached {css}; the focus went last through:\n{}",
                if back { "Shift+Tab" } else { "Tab" },
                last.iter()
                    .map(|s| format!("  {s}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }

    /// Makes the page's viewport exactly `width` x `height` CSS pixels at a device pixel ratio
    /// of 1 (what a screenshot then holds; the window's own size would include the space
    /// headless Chromium keeps for its window frame).
    pub async fn resize(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        )
        .await;
    }

    /// A PNG of what the browser shows now (for the README's pictures and for debugging).
    pub async fn screenshot(&self) -> Vec<u8> {
        self.client.screenshot().await.expect("a screenshot")
    }

    /// Clicks the first element matching `css` the way WebDriver does, and says why not when it
    /// cannot (another element covers it, it is out of view): `None` when the click went in.
    pub async fn try_click(&self, css: &str) -> Option<String> {
        let el = self.client.find(Locator::Css(css)).await.ok()?;
        el.click().await.err().map(|e| e.to_string())
    }

    /// Gives a local file to a file input, as choosing it in the file dialog does.
    pub async fn choose_file(&self, css: &str, path: &std::path::Path) {
        let input = self.wait_for(css).await;
        input
            .send_keys(&path.display().to_string())
            .await
            .unwrap_or_else(|e| panic!("cannot give {} to {css}: {e}", path.display()));
    }

    /// What the page says now, for failure messages: the URL and the status areas.
    pub async fn describe(&self) -> String {
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let v = self
            .client
            .execute(
                r#"const t = s => { const e = document.querySelector(s); return e ? e.textContent : null; };
                   return { info: t('#info'), retry: t('#retry'), error: t('.error-view'),
                            conflict: t('#conflict'), blocked: t('#send-blocked'),
                            problems: t('#problem-summary'), title: t('#doc-title') };"#,
                vec![],
            )
            .await
            .unwrap_or(Value::Null);
        format!("{url}\n{v:#}")
    }
}

/// The strings of a JSON array a script returned (anything else counts as none).
fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
