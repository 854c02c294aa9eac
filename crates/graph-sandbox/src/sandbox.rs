//! A running sandbox's shared state: the two stores, the seed state `POST /_sandbox/reset`
//! returns to, the fault queue, the request recording, and the state file written after every
//! change.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use policy_core::model::ApiVersion;
use serde::Serialize;
use serde_json::Value;

use crate::fault::{Queue, Rule};
use crate::seed;
use crate::store::Stores;
use crate::Error;

/// How the sandbox behaves; the command line fills it, tests build it directly.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where the stores are saved; nothing is saved when `None`.
    pub state_file: Option<PathBuf>,
    /// Start from the seeds even when the state file exists.
    pub reset: bool,
    /// Faults that apply from the start (`--fault`).
    pub faults: Vec<Rule>,
    /// Answer every successful PATCH with 204 and no body.
    pub respond_204: bool,
    /// Extra objects (`--seed`), each file with the API it goes to.
    pub seeds: Vec<(PathBuf, ApiVersion)>,
    /// The built web app to serve at `/`.
    pub dist: Option<PathBuf>,
    /// Top-level keys for the generated `config.json` besides `sandbox` (such as `msal`, to sign
    /// in against a test identity provider); they win over the keys of `dist/config.json`.
    pub app_config: Vec<(String, Value)>,
}

/// The most requests the recording keeps; older ones are forgotten first.
pub const MAX_RECORDED: usize = 1000;

/// One Graph request as `GET /_sandbox/requests` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recorded {
    pub method: String,
    /// Path and query as received, fault prefix included.
    pub path: String,
    pub authorization: Option<String>,
    #[serde(rename = "contentType")]
    pub content_type: Option<String>,
    /// The body as JSON, or null when it was empty or not JSON.
    pub body: Value,
    /// The status answered; null when the connection was dropped on purpose.
    pub status: Option<u16>,
}

/// The shared state.
#[derive(Debug)]
pub struct Sandbox {
    pub config: Config,
    stores: Mutex<Stores>,
    seeds: Stores,
    faults: Mutex<Queue>,
    recorded: Mutex<VecDeque<Recorded>>,
    /// Serialises writes of the state file so an older snapshot never overwrites a newer one.
    saving: tokio::sync::Mutex<()>,
}

/// Locks a mutex, recovering the data if a thread panicked while holding it: every update here
/// leaves the data consistent, so the lock's poison flag carries no information.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sandbox {
    /// Builds the seed state (built-in objects plus `--seed` files), then the current state: the
    /// state file when it exists and `reset` is off, else the seeds. `--seed` objects are put on
    /// top either way, since the option was given for this start.
    pub fn new(config: Config) -> Result<Sandbox, Error> {
        let mut seeds = seed::builtin();
        let mut extra = Vec::new();
        for (path, api) in &config.seeds {
            for (i, mut object) in seed::read_seed_file(path)?.into_iter().enumerate() {
                if let Some(map) = object.as_object_mut() {
                    seed::strip_context(map);
                }
                let origin = format!("{} [{i}]", path.display());
                seeds.get_mut(*api).insert(object.clone(), &origin)?;
                extra.push((*api, object, origin));
            }
        }
        let stores = match &config.state_file {
            Some(path) if !config.reset && path.exists() => {
                let doc = seed::read_json(path)?;
                let mut stores = Stores::from_json(doc, &path.display().to_string())?;
                for (api, object, origin) in extra {
                    stores.get_mut(api).insert(object, &origin)?;
                }
                stores
            }
            _ => seeds.clone(),
        };
        let faults = Queue::new(config.faults.clone());
        let sandbox = Sandbox {
            config,
            stores: Mutex::new(stores),
            seeds,
            faults: Mutex::new(faults),
            recorded: Mutex::new(VecDeque::new()),
            saving: tokio::sync::Mutex::new(()),
        };
        sandbox.save_now()?;
        Ok(sandbox)
    }

    pub fn stores(&self) -> MutexGuard<'_, Stores> {
        lock(&self.stores)
    }

    pub fn faults(&self) -> MutexGuard<'_, Queue> {
        lock(&self.faults)
    }

    /// Restores the seed state and saves it.
    pub async fn reset(&self) {
        *self.stores() = self.seeds.clone();
        self.save().await;
    }

    pub fn record(&self, entry: Recorded) {
        let mut recorded = lock(&self.recorded);
        if recorded.len() >= MAX_RECORDED {
            recorded.pop_front();
        }
        recorded.push_back(entry);
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        lock(&self.recorded).iter().cloned().collect()
    }

    pub fn clear_recorded(&self) {
        lock(&self.recorded).clear();
    }

    /// Writes the state file after a change. A failure is reported on stderr and the change is
    /// kept in memory: the request itself succeeded.
    pub async fn save(&self) {
        let Some(path) = self.config.state_file.clone() else {
            return;
        };
        let _turn = self.saving.lock().await;
        let text = self.snapshot();
        let result = tokio::task::spawn_blocking(move || write_atomically(&path, &text)).await;
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("graph-sandbox: the state was not saved: {e}"),
            Err(e) => eprintln!("graph-sandbox: the state was not saved: {e}"),
        }
    }

    /// The synchronous form, for start-up.
    fn save_now(&self) -> Result<(), Error> {
        match &self.config.state_file {
            Some(path) => write_atomically(path, &self.snapshot()),
            None => Ok(()),
        }
    }

    fn snapshot(&self) -> String {
        let doc = self.stores().to_json();
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }
}

/// Writes beside the target and renames, so a crash mid-write never leaves half a state file.
fn write_atomically(path: &std::path::Path, text: &str) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}
