//! A running sandbox's shared state: the two stores, the seed state `POST /_sandbox/reset`
//! returns to, the fault queue, the request recording, the control secret and allowed origins,
//! and the state file written (atomically) after every change.

use std::collections::VecDeque;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use policy_core::model::ApiVersion;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::access;
use crate::fault::{Queue, Rule};
use crate::seed;
use crate::settings::{self, policies, Catalog};
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
    /// More of the settings catalog: files of definitions, categories and policies (see
    /// [`crate::settings::catalog::Additions`]) served beside the fixtures; the policies are
    /// seeded as the fixture ones are, checked against the definitions.
    pub settings: Vec<PathBuf>,
    /// The built web app to serve at `/`.
    pub dist: Option<PathBuf>,
    /// Top-level keys for the generated `config.json` besides `sandbox` (such as `msal`, to sign
    /// in against a test identity provider); they win over the keys of `dist/config.json`.
    pub app_config: Vec<(String, Value)>,
    /// The secret the `/_sandbox/*` control routes want in `x-sandbox-secret` (`--secret`,
    /// `SANDBOX_SECRET`); a fresh random one when `None`.
    pub secret: Option<String>,
    /// Origins besides the sandbox's own that may call it from a browser (`--allow-origin`),
    /// such as `http://localhost:8081` for a development server.
    pub allowed_origins: Vec<String>,
    /// Store recorded `Authorization` headers redacted (`Bearer <redacted>`), as the command
    /// does. Off, the in-process [`Sandbox::recorded`] keeps the header as sent, for tests that
    /// embed the sandbox and check which token a request carried; `GET /_sandbox/requests`
    /// redacts it either way.
    pub redact_credentials: bool,
}

/// The most requests the recording keeps; older ones are forgotten first.
pub const MAX_RECORDED: usize = 1000;

/// One recorded Graph request. `GET /_sandbox/requests` lists it as
/// `{method, path, authorization, contentType, body, status}` with `authorization` always
/// redacted (`"Bearer <redacted>"`, null when the request had none); `Debug` redacts it too.
#[derive(Clone, PartialEq)]
pub struct Recorded {
    pub method: String,
    /// Path and query as received, fault prefix included.
    pub path: String,
    /// The `Authorization` header: as sent when the sandbox was embedded without
    /// [`Config::redact_credentials`], else redacted. Never served over HTTP as sent.
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    /// The body as JSON, or null when it was empty or not JSON.
    pub body: Value,
    /// The status answered; null when the connection was dropped on purpose.
    pub status: Option<u16>,
}

/// The schemes [`redact_authorization`] keeps; whatever else a header says is dropped.
const KNOWN_SCHEMES: [&str; 6] = ["Bearer", "Basic", "Digest", "Negotiate", "NTLM", "PoP"];

/// An `Authorization` value without its credentials: `Bearer <redacted>` (the scheme kept when
/// it is a well-known one), `<redacted>` otherwise.
pub fn redact_authorization(value: &str) -> String {
    let scheme = value.split_whitespace().next().unwrap_or_default();
    match KNOWN_SCHEMES
        .iter()
        .find(|k| k.eq_ignore_ascii_case(scheme))
    {
        Some(known) => format!("{known} <redacted>"),
        None => "<redacted>".to_string(),
    }
}

impl Recorded {
    /// The `Authorization` header without its credentials (`Bearer <redacted>`).
    pub fn redacted_authorization(&self) -> Option<String> {
        self.authorization.as_deref().map(redact_authorization)
    }

    /// True when the request carried an `Authorization` header.
    pub fn has_authorization(&self) -> bool {
        self.authorization.is_some()
    }

    /// The scheme of the `Authorization` header (`Bearer`), when it is a well-known one.
    pub fn authorization_scheme(&self) -> Option<&'static str> {
        let scheme = self.authorization.as_deref()?.split_whitespace().next()?;
        KNOWN_SCHEMES
            .iter()
            .find(|k| k.eq_ignore_ascii_case(scheme))
            .copied()
    }

    fn redact(&mut self) {
        self.authorization = self.redacted_authorization();
    }
}

impl Serialize for Recorded {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Recorded", 6)?;
        s.serialize_field("method", &self.method)?;
        s.serialize_field("path", &self.path)?;
        s.serialize_field("authorization", &self.redacted_authorization())?;
        s.serialize_field("contentType", &self.content_type)?;
        s.serialize_field("body", &self.body)?;
        s.serialize_field("status", &self.status)?;
        s.end()
    }
}

impl fmt::Debug for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("authorization", &self.redacted_authorization())
            .field("content_type", &self.content_type)
            .field("body", &self.body)
            .field("status", &self.status)
            .finish()
    }
}

/// The shared state.
#[derive(Debug)]
pub struct Sandbox {
    pub config: Config,
    secret: String,
    /// Origins allowed besides the site's own: `config.allowed_origins` plus
    /// [`Sandbox::allow_origin`]'s, normalised.
    origins: Mutex<Vec<String>>,
    stores: Mutex<Stores>,
    seeds: Stores,
    /// The settings catalog with [`Config::settings`] added; `None` for the fixtures alone.
    catalog: Option<Catalog>,
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

/// The fixture catalog with the additions of `files` (`None` without any); their policies,
/// accepted as the fixture ones are, go to `seeded` (beta).
fn settings_catalog(
    files: &[PathBuf],
    seeded: &mut Vec<(ApiVersion, Value, String)>,
) -> Result<Option<Catalog>, Error> {
    if files.is_empty() {
        return Ok(None);
    }
    let bad = |path: &Path, reason: String| Error::BadObject {
        origin: path.display().to_string(),
        reason,
    };
    let mut catalog = settings::catalog().clone();
    let mut policy_files = Vec::new();
    for path in files {
        let more = settings::catalog::Additions::from_json(seed::read_json(path)?)
            .map_err(|e| bad(path, e))?;
        catalog = catalog
            .extended(more.definitions, more.categories)
            .map_err(|e| bad(path, e))?;
        policy_files.push((path, more.policies));
    }
    for (path, list) in policy_files {
        for (i, policy) in list.into_iter().enumerate() {
            let policy = policies::seeded(&catalog, policy).map_err(|f| {
                let details: Vec<String> = f
                    .details
                    .iter()
                    .map(|d| format!("{}: {}", d.target, d.message))
                    .collect();
                bad(
                    path,
                    format!("policy [{i}]: {} {}", f.message, details.join("; ")),
                )
            })?;
            seeded.push((
                ApiVersion::Beta,
                policy,
                format!("{} [{i}]", path.display()),
            ));
        }
    }
    Ok(Some(catalog))
}

impl Sandbox {
    /// Builds the seed state (built-in objects plus `--seed` files), then the current state: the
    /// state file when it exists and `reset` is off, else the seeds. `--seed` objects are put on
    /// top either way, since the option was given for this start.
    pub fn new(config: Config) -> Result<Sandbox, Error> {
        let secret = match &config.secret {
            Some(s) => {
                access::check_secret(s).map_err(Error::Usage)?;
                s.clone()
            }
            None => access::generate_secret(),
        };
        let origins = config
            .allowed_origins
            .iter()
            .map(|o| parse_origin(o))
            .collect::<Result<Vec<_>, _>>()?;
        let mut seeds = seed::builtin();
        let mut extra = Vec::new();
        let catalog = settings_catalog(&config.settings, &mut extra)?;
        for (api, object, origin) in &extra {
            seeds.get_mut(*api).insert(object.clone(), origin)?;
        }
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
            secret,
            origins: Mutex::new(origins),
            stores: Mutex::new(stores),
            seeds,
            catalog,
            faults: Mutex::new(faults),
            recorded: Mutex::new(VecDeque::new()),
            saving: tokio::sync::Mutex::new(()),
        };
        sandbox.save_now()?;
        Ok(sandbox)
    }

    /// The secret the `/_sandbox/*` routes want in the `x-sandbox-secret` header.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Lets a browser page of `origin` (`http://localhost:8081`) call the sandbox from now on,
    /// as `--allow-origin` does at start.
    pub fn allow_origin(&self, origin: &str) -> Result<(), Error> {
        let origin = parse_origin(origin)?;
        let mut origins = lock(&self.origins);
        if !origins.contains(&origin) {
            origins.push(origin);
        }
        Ok(())
    }

    /// True for an origin allowed with `--allow-origin` or [`Sandbox::allow_origin`] (already
    /// normalised, as [`access::normalize_origin`] writes it). The site's own origins are
    /// checked by [`access::Site`].
    pub fn allows_origin(&self, origin: &str) -> bool {
        lock(&self.origins).iter().any(|o| o == origin)
    }

    /// The settings catalog this sandbox serves.
    pub fn catalog(&self) -> &Catalog {
        self.catalog.as_ref().unwrap_or_else(|| settings::catalog())
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

    /// Keeps a request for `GET /_sandbox/requests`, its `Authorization` redacted when
    /// [`Config::redact_credentials`] says so.
    pub fn record(&self, mut entry: Recorded) {
        if self.config.redact_credentials {
            entry.redact();
        }
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

/// Reads an origin for the allow-list.
fn parse_origin(origin: &str) -> Result<String, Error> {
    access::normalize_origin(origin).ok_or_else(|| {
        Error::Usage(format!(
            "allowed origin {origin:?}: expected an origin such as http://localhost:8081 (scheme, host and port only)"
        ))
    })
}

/// Makes the temporary files of [`write_atomically`] unique within the process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary name beside `path` that no other write uses: the process id, a counter and
/// random characters, e.g. `.state.json.4711-3-9f2c1a0b.tmp`.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_string());
    let count = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let random = uuid::Uuid::new_v4().simple().to_string();
    path.with_file_name(format!(
        ".{name}.{}-{count}-{}.tmp",
        std::process::id(),
        &random[..8]
    ))
}

/// Writes `text` to `path` so that no reader ever sees half of it, even with other writers
/// (another sandbox on the same file): into a new file of a unique name in the same directory
/// ([`temp_path`], created exclusively), flushed to disk, then renamed over `path`, then the
/// directory flushed. On failure the temporary file is removed.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = temp_path(path);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    // The rename itself reaches the disk with the directory; where a directory cannot be
    // opened or flushed (not on every platform) the file is still whole.
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_unique_and_beside_the_target() {
        let target = Path::new("/some/dir/state.json");
        let a = temp_path(target);
        let b = temp_path(target);
        assert_ne!(a, b);
        assert_eq!(a.parent(), target.parent());
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(".state.json."), "{name}");
        assert!(name.ends_with(".tmp"), "{name}");
        assert!(name.contains(&std::process::id().to_string()), "{name}");
    }

    #[test]
    fn authorization_is_redacted() {
        assert_eq!(
            redact_authorization("Bearer secret-token-xyz"),
            "Bearer <redacted>"
        );
        assert_eq!(redact_authorization("bearer x"), "Bearer <redacted>");
        assert_eq!(
            redact_authorization("Basic dXNlcjpwYXNz"),
            "Basic <redacted>"
        );
        assert_eq!(redact_authorization("secret-token-xyz"), "<redacted>");
        assert_eq!(redact_authorization("hunter2 two"), "<redacted>");
        assert_eq!(redact_authorization(""), "<redacted>");
        let mut r = Recorded {
            method: "GET".into(),
            path: "/beta/x".into(),
            authorization: Some("Bearer secret-token-xyz".into()),
            content_type: None,
            body: Value::Null,
            status: Some(200),
        };
        assert_eq!(r.authorization_scheme(), Some("Bearer"));
        assert!(!format!("{r:?}").contains("secret-token-xyz"));
        let json = serde_json::to_string(&r).unwrap();
        assert!(!json.contains("secret-token-xyz"), "{json}");
        assert!(
            json.contains(r#""authorization":"Bearer <redacted>""#),
            "{json}"
        );
        r.redact();
        assert_eq!(r.authorization.as_deref(), Some("Bearer <redacted>"));
        assert!(r.has_authorization());
    }
}
