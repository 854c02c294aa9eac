//! End-to-end test harness: the REAL built web app (`dist/`, from `trunk build`) in headless
//! Chromium, driven through chromedriver with `fantoccini`, against the Graph sandbox running
//! in-process on a free loopback port.
//!
//! One [`Harness`] per test: a [`TestSandbox`] that serves the app and answers Graph, a
//! chromedriver started on a free port (killed with every process it started by a drop guard,
//! even when the test panics), and a [`Page`] with the few helpers the tests need: open a URL,
//! wait for a selector or a text, set a field by its JSON path, read the drafts. Waits poll every
//! 50 ms up to [`WAIT`]; there are no fixed sleeps.
//!
//! What the tests share lives here too, so each test file only says what it tests: [`seeds`]
//! (the seeded objects' types and ids), [`cases`] (an object to open, the changes a person makes
//! through each widget, the PATCH body they must produce and the assertion every successful send
//! goes through), [`spy`] (another host, to see where a token goes) and [`axe`] (axe-core's
//! WCAG 2.1 AA checks in the page, and a report a developer can act on).
//!
//! The tests live in `tests/e2e/`, one module per topic in one test binary (one link of
//! fantoccini and Chromium's driver code instead of one per topic); `scripts/e2e.sh` builds the
//! app and runs them, one at a time. The benchmark's driver (`src/bin/bench/`, run by
//! `scripts/bench.sh`) uses the same harness.

pub mod axe;
pub mod cases;
mod driver;
mod http;
mod page;
mod sandbox;
pub mod seeds;
pub mod spy;

use std::path::PathBuf;
use std::time::Duration;

use policy_core::path::Step;
use serde_json::Value;

pub use driver::ChromeDriver;
pub use page::{field, messages, Page, Widget};
pub use sandbox::TestSandbox;

/// How long any wait lasts before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);
/// How often a wait looks again.
pub const POLL: Duration = Duration::from_millis(50);

/// The folder of the lazily loaded module `name` (`catalog`, `home`) in a built app: dist-seal
/// names it by its content (`home-<hash>`).
pub fn module_dir(dist: &std::path::Path, name: &str) -> String {
    std::fs::read_dir(dist)
        .expect("the built app")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|f| {
            f.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('-'))
        })
        .unwrap_or_else(|| panic!("no {name}-<hash> folder in {}", dist.display()))
}

/// Copies `from` (a built app, say) into `to`, folders included, but the top-level folder `skip`.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path, skip: &str) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("a folder").flatten() {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            if entry.file_name() != skip {
                copy_dir(&src, &dst, "");
            }
        } else {
            std::fs::copy(&src, &dst).expect("copied");
        }
    }
}

/// The built web app the tests drive: `<repo>/dist`.
pub fn dist_dir() -> PathBuf {
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist");
    assert!(
        dist.join("index.html").is_file(),
        "{} has no built app: run `trunk build` at the repository root first (scripts/e2e.sh does)",
        dist.display()
    );
    dist.canonicalize().unwrap_or(dist)
}

/// A link that opens an object in the editor: `/?graph=<graph>&api=<api>&type=<type>[&id=<id>]`.
pub fn link(app: &str, graph: &str, api: &str, type_name: &str, id: Option<&str>) -> String {
    let enc = policy_core::endpoint::percent_encode;
    let mut url = format!(
        "{app}/?graph={}&api={api}&type={}",
        enc(graph),
        enc(type_name)
    );
    if let Some(id) = id {
        url.push_str(&format!("&id={}", enc(id)));
    }
    url
}

/// A browser page on a sandbox of its own (which also serves the app), held in pieces so that a
/// test can stop the sandbox under the page (offline) and close the page itself.
pub struct Detached {
    pub sandbox: TestSandbox,
    pub driver: ChromeDriver,
    pub page: Page,
    /// The link to the object the test opens (beta, the sandbox as app and Graph).
    pub link: String,
}

impl Detached {
    /// A fresh sandbox and browser, and the beta link to object `id` of type `type_name`.
    pub async fn start(type_name: &str, id: &str) -> Detached {
        let sandbox = TestSandbox::start(Some(dist_dir())).await;
        let driver = ChromeDriver::start();
        let page = Page::open(&driver).await;
        let url = sandbox.url();
        let link = link(&url, &url, "beta", type_name, Some(id));
        Detached {
            sandbox,
            driver,
            page,
            link,
        }
    }

    /// Stops the sandbox (the app's host and Graph) and opens the link again offline: the
    /// settings editor shows `setting` (CSS), the value at `invalid` (CSS) is flagged by the
    /// definitions the browser kept, and Send is blocked. Closes the page.
    pub async fn reopen_offline_flagged(self, setting: &str, invalid: &str) {
        self.sandbox.stop().await;
        let page = self.page;
        page.goto(&self.link).await;
        // Offline there is no config.json to vouch for the sandbox's address: the user says yes.
        page.click("#link-base-use").await;
        page.wait_for(setting).await;
        page.wait_for(&format!("{invalid}[aria-invalid=\"true\"]"))
            .await;
        page.wait_for_text("#definitions-as-of", "Definitions as of")
            .await;
        assert!(page.exists("#send[disabled]").await);
        page.close().await;
        drop(self.driver);
    }
}

/// A sandbox serving the app, a browser, and the page in it. Call [`Harness::finish`] at the end
/// of a test; if the test panics first, the drop guards still stop chromedriver and Chromium.
pub struct Harness {
    pub sandbox: TestSandbox,
    pub page: Page,
    driver: ChromeDriver,
}

impl Harness {
    /// Starts a sandbox with the app (fresh seeds, a temporary state file) and a browser.
    pub async fn start() -> Harness {
        Harness::with_sandbox(TestSandbox::start(Some(dist_dir())).await).await
    }

    /// A browser on a sandbox the test started itself (with seeds of its own).
    pub async fn with_sandbox(sandbox: TestSandbox) -> Harness {
        let driver = ChromeDriver::start();
        let page = Page::open(&driver).await;
        Harness {
            sandbox,
            page,
            driver,
        }
    }

    /// The link to an object of this harness's own sandbox.
    pub fn link(&self, api: &str, type_name: &str, id: Option<&str>) -> String {
        let url = self.sandbox.url();
        link(&url, &url, api, type_name, id)
    }

    /// The link to the home view pointed at this harness's own sandbox (which gives the page its
    /// demo token): `/?graph=<sandbox>&api=<api>`.
    pub fn home(&self, api: &str) -> String {
        let url = self.sandbox.url();
        let graph = policy_core::endpoint::percent_encode(&url);
        format!("{url}/?graph={graph}&api={api}")
    }

    /// Opens an object by its link and waits until its form shows `ready` (a field's path).
    pub async fn open(&self, api: &str, type_name: &str, id: Option<&str>, ready: &str) {
        self.page.goto(&self.link(api, type_name, id)).await;
        self.page.wait_for_field(ready).await;
    }

    /// Ends the browser session, chromedriver and the sandbox.
    pub async fn finish(self) {
        self.page.close().await;
        drop(self.driver);
        self.sandbox.stop().await;
    }
}

/// Sets `value` at a JSON path such as `a.b[2].c` inside `root` (read with
/// `policy_core::FieldPath::steps`, the editor's own spelling). Every step but the last must
/// exist; the last may be a new key of an object or the next index of a list (appended).
pub fn set_at_path(root: &mut Value, path: &str, value: Value) {
    let field = policy_core::FieldPath::parse(path);
    let steps = field
        .steps()
        .unwrap_or_else(|| panic!("{path} is not a JSON path"));
    let (last, init) = steps.split_last().expect("a path has at least one step");
    let mut cur = root;
    for step in init {
        cur = match *step {
            Step::Key(k) => cur.get_mut(k).unwrap_or_else(|| panic!("{path}: no {k}")),
            Step::Index(i) => cur
                .get_mut(i)
                .unwrap_or_else(|| panic!("{path}: no item {i}")),
        };
    }
    match *last {
        Step::Key(k) => {
            cur.as_object_mut()
                .unwrap_or_else(|| panic!("{path}: not an object before {k}"))
                .insert(k.to_string(), value);
        }
        Step::Index(i) => {
            let list = cur
                .as_array_mut()
                .unwrap_or_else(|| panic!("{path}: not a list before [{i}]"));
            if i == list.len() {
                list.push(value);
            } else {
                list[i] = value;
            }
        }
    }
}

/// The top-level property a JSON path is under.
pub fn top_property(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_paths() {
        let mut v = json!({"a": [{"b": 1}, {"b": [1, 2]}], "c": {"d": 1}});
        set_at_path(&mut v, "a[1].b[1]", json!(9));
        set_at_path(&mut v, "c.e", json!("x"));
        set_at_path(&mut v, "a[2]", json!({}));
        set_at_path(&mut v, "a[2].@odata.type", json!("#t"));
        assert_eq!(
            v,
            json!({"a": [{"b": 1}, {"b": [1, 9]}, {"@odata.type": "#t"}], "c": {"d": 1, "e": "x"}})
        );
        assert_eq!(top_property("a[1].b"), "a");
        assert_eq!(top_property("c.d"), "c");
        assert_eq!(top_property("x"), "x");
    }
}
