//! chromedriver on a free loopback port, and the guard that stops it: dropping a
//! [`ChromeDriver`] kills chromedriver and every process it started (Chromium and its helpers),
//! found by walking `/proc` from chromedriver's own pid, so a failing test leaks nothing.

use std::collections::HashMap;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use tempfile::TempDir;

use crate::{POLL, WAIT};

/// A running chromedriver and the fresh Chromium profile directory its session uses.
pub struct ChromeDriver {
    child: Child,
    port: u16,
    profile: TempDir,
}

/// The chromedriver binary: `$CHROMEDRIVER`, else Debian's.
fn chromedriver_path() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// The Chromium binary: `$CHROMIUM`, else Debian's.
pub(crate) fn chromium_path() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl ChromeDriver {
    /// Starts chromedriver on a free port and waits until it accepts connections.
    pub fn start() -> ChromeDriver {
        // A port is free when chosen but may be taken before chromedriver binds it; chromedriver
        // then exits at once, and another port is tried.
        for _ in 0..3 {
            if let Some(driver) = ChromeDriver::try_start() {
                return driver;
            }
        }
        panic!(
            "chromedriver exited at start three times ({})",
            chromedriver_path()
        );
    }

    fn try_start() -> Option<ChromeDriver> {
        let port = free_port();
        let path = chromedriver_path();
        let child = Command::new(&path)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .arg("--log-level=OFF")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {path}: {e} (install chromium-driver: scripts/setup.sh)")
            });
        let profile = tempfile::Builder::new()
            .prefix("e2e-chromium-")
            .tempdir()
            .expect("a temporary profile directory");
        let mut driver = ChromeDriver {
            child,
            port,
            profile,
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(_)) = driver.child.try_wait() {
                return None;
            }
            assert!(
                started.elapsed() < WAIT,
                "chromedriver did not listen on port {port} within {WAIT:?}"
            );
            std::thread::sleep(POLL);
        }
        Some(driver)
    }

    /// The WebDriver URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The session's capabilities: Debian's Chromium, headless, quiet on the network, with this
    /// driver's fresh profile directory, plus any flags in `E2E_CHROMIUM_ARGS` (space-separated;
    /// for trying the benchmark under another engine setting).
    pub fn capabilities(&self) -> serde_json::Map<String, serde_json::Value> {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1024",
        ]
        .iter()
        .map(|a| a.to_string())
        .chain([format!("--user-data-dir={}", self.profile.path().display())])
        .chain(
            std::env::var("E2E_CHROMIUM_ARGS")
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>(),
        )
        .collect::<Vec<_>>();
        let caps = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium_path(), "args": args },
        });
        caps.as_object().cloned().unwrap_or_default()
    }
}

/// Every live process below `root`, from `/proc/*/stat` (`pid (comm) state ppid ...`).
fn descendants(root: u32) -> Vec<u32> {
    let mut parent_of: HashMap<u32, u32> = HashMap::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // The command name may hold spaces and parentheses: read after the last ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse().ok());
            if let Some(ppid) = ppid {
                parent_of.insert(pid, ppid);
            }
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(
            parent_of
                .iter()
                .filter(|(_, pp)| **pp == p)
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    found.remove(0);
    found
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // Collected before anything dies, while the parent links still lead to them.
        let below = descendants(self.child.id());
        let _ = self.child.kill();
        for pid in below {
            if let Ok(pid) = i32::try_from(pid) {
                // SAFETY: kill(2) with a pid this driver started (directly or through
                // chromedriver) and a valid signal number; it touches no memory.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
        let _ = self.child.wait();
    }
}
