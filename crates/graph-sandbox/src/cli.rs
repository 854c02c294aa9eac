//! The command line: options into a [`Config`], the host and the port, or a request for help.

use std::path::PathBuf;

use policy_core::endpoint::percent_encode;
use policy_core::model::ApiVersion;

use crate::access::{self, SECRET_ENV, SECRET_HEADER};
use crate::fault::Rule;
use crate::sandbox::Config;
use crate::Error;

pub const USAGE: &str = "\
graph-sandbox: a local look-alike of Microsoft Graph for the Intune editor (local use only: it
trusts unsigned tokens).

Usage: graph-sandbox [OPTIONS]

  --host HOST            address to listen on, a loopback one only (default 127.0.0.1)
  --port PORT            port to listen on; 0 picks a free one (default 8080)
  --dist DIR             serve the built web app from DIR at / (and generate /config.json)
  --state FILE           where the objects are saved after every change
                         (default .sandbox-state.json in the current directory)
  --reset                start from the seed objects, not from the state file
  --fault SPEC[@METHOD][xCOUNT]
                         inject a fault into matching Graph requests, repeatable;
                         SPEC is 429[:retry-after=N] | 500 | 502 | 503[:retry-after=N] | 504 |
                         delay=MS | drop | concurrent, several joined by commas; without
                         xCOUNT it applies for the life of the process
  --respond-204          answer successful PATCHes with 204 and no body
  --seed-api v1.0|beta   the API of the --seed files after it (default beta)
  --seed FILE            add the objects of FILE (one object or {\"value\": [...]}), repeatable
  --allow-origin URL     also answer browser pages of this origin (CORS), e.g.
                         http://localhost:8081; repeatable (its own origin is always allowed)
  --secret SECRET        the control secret the /_sandbox/* routes want in the header
                         x-sandbox-secret (16 to 256 visible characters); default: the
                         SANDBOX_SECRET environment variable, else a random one; printed at start
  -h, --help             show this text
";

/// What the command line asks for.
#[derive(Debug, Clone)]
pub enum Command {
    Help,
    /// Boxed: the options are much larger than `Help`.
    Run(Box<Options>),
}

#[derive(Debug, Clone)]
pub struct Options {
    pub host: String,
    pub port: u16,
    pub config: Config,
}

impl Options {
    /// The lines printed on start, which tests and the README rely on; `secret` is the running
    /// sandbox's control secret.
    pub fn banner(&self, port: u16, secret: &str) -> Vec<String> {
        let host = match self.host.parse::<std::net::Ipv6Addr>() {
            Ok(v6) => format!("[{v6}]"),
            Err(_) => self.host.clone(),
        };
        let base = format!("http://{host}:{port}");
        let mut lines = vec![format!("graph-sandbox listening on {base}")];
        if self.config.dist.is_some() {
            lines.push(format!(
                "Open the editor: {base}/?graph={}&api=beta",
                percent_encode(&base)
            ));
        }
        lines.push(format!("control secret: {secret}"));
        lines.push(format!(
            "(the /_sandbox/* routes want it: curl -H '{SECRET_HEADER}: {secret}' {base}/_sandbox/requests)"
        ));
        lines
    }
}

/// Reads the command line; the control secret may also come from `SANDBOX_SECRET`.
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command, Error> {
    let env_secret = std::env::var(SECRET_ENV).ok();
    parse_with_secret(args, env_secret)
}

/// [`parse`] with the value of `SANDBOX_SECRET` given (unset or empty: `None`).
pub fn parse_with_secret<I: IntoIterator<Item = String>>(
    args: I,
    env_secret: Option<String>,
) -> Result<Command, Error> {
    let mut options = Options {
        host: "127.0.0.1".into(),
        port: 8080,
        config: Config {
            state_file: Some(PathBuf::from(".sandbox-state.json")),
            redact_credentials: true,
            ..Config::default()
        },
    };
    if let Some(secret) = env_secret.filter(|s| !s.is_empty()) {
        access::check_secret(&secret).map_err(|e| Error::Usage(format!("{SECRET_ENV}: {e}")))?;
        options.config.secret = Some(secret);
    }
    let mut seed_api = ApiVersion::Beta;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| Error::Usage(format!("{name} needs a value")))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--host" => {
                let host = value("--host")?;
                if !access::is_loopback_name(&host) {
                    return Err(Error::Usage(format!(
                        "--host {host}: the sandbox trusts unsigned tokens, so it listens on loopback addresses only (127.0.0.1, ::1, localhost)"
                    )));
                }
                options.host = host;
            }
            "--port" => {
                let port = value("--port")?;
                options.port = port
                    .parse()
                    .map_err(|_| Error::Usage(format!("--port {port}: not a port number")))?;
            }
            "--dist" => options.config.dist = Some(PathBuf::from(value("--dist")?)),
            "--state" => options.config.state_file = Some(PathBuf::from(value("--state")?)),
            "--reset" => options.config.reset = true,
            "--respond-204" => options.config.respond_204 = true,
            "--fault" => options
                .config
                .faults
                .push(Rule::parse_option(&value("--fault")?)?),
            "--seed-api" => {
                let api = value("--seed-api")?;
                seed_api = ApiVersion::parse(&api)
                    .ok_or_else(|| Error::Usage(format!("--seed-api {api}: use v1.0 or beta")))?;
            }
            "--seed" => options
                .config
                .seeds
                .push((PathBuf::from(value("--seed")?), seed_api)),
            "--allow-origin" => {
                let url = value("--allow-origin")?;
                let origin = access::normalize_origin(&url).ok_or_else(|| {
                    Error::Usage(format!(
                        "--allow-origin {url}: expected an origin such as http://localhost:8081 (scheme, host and port only)"
                    ))
                })?;
                if !options.config.allowed_origins.contains(&origin) {
                    options.config.allowed_origins.push(origin);
                }
            }
            "--secret" => {
                let secret = value("--secret")?;
                access::check_secret(&secret)
                    .map_err(|e| Error::Usage(format!("--secret: {e}")))?;
                options.config.secret = Some(secret);
            }
            other => return Err(Error::Usage(format!("unknown argument {other:?}"))),
        }
    }
    if let Some(dist) = &options.config.dist {
        if !dist.is_dir() {
            return Err(Error::Usage(format!(
                "--dist {}: not a directory (build the web app first)",
                dist.display()
            )));
        }
    }
    Ok(Command::Run(Box::new(options)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, Error> {
        run_with(args, None)
    }

    fn run_with(args: &[&str], env_secret: Option<&str>) -> Result<Options, Error> {
        match parse_with_secret(
            args.iter().map(|s| s.to_string()),
            env_secret.map(str::to_string),
        )? {
            Command::Run(o) => Ok(*o),
            Command::Help => panic!("help"),
        }
    }

    #[test]
    fn options() {
        let o = run(&[
            "--port",
            "0",
            "--fault",
            "429@PATCHx1",
            "--fault",
            "delay=10",
            "--seed",
            "a.json",
            "--seed-api",
            "v1.0",
            "--seed",
            "b.json",
            "--respond-204",
            "--reset",
        ])
        .unwrap();
        assert_eq!(o.port, 0);
        assert_eq!(o.config.faults.len(), 2);
        assert_eq!(
            o.config.seeds,
            vec![
                (PathBuf::from("a.json"), ApiVersion::Beta),
                (PathBuf::from("b.json"), ApiVersion::V1)
            ]
        );
        assert!(o.config.respond_204 && o.config.reset);
        assert!(
            o.config.redact_credentials,
            "the command never keeps tokens"
        );
        assert_eq!(o.config.secret, None);
        assert_eq!(
            o.banner(8080, "0123456789abcdef0123456789abcdef"),
            vec![
                "graph-sandbox listening on http://127.0.0.1:8080".to_string(),
                "control secret: 0123456789abcdef0123456789abcdef".to_string(),
                "(the /_sandbox/* routes want it: curl -H 'x-sandbox-secret: 0123456789abcdef0123456789abcdef' http://127.0.0.1:8080/_sandbox/requests)".to_string(),
            ]
        );
        for bad in [
            &["--host", "0.0.0.0"][..],
            &["--host", "127.evil.example"],
            &["--allow-origin", "*"],
            &["--allow-origin", "http://localhost:8081/app"],
            &["--secret", "short"],
            &["--secret"],
            &["--port", "x"],
            &["--fault", "404"],
            &["--seed-api", "v2"],
            &["--what"],
            &["--port"],
        ] {
            assert!(run(bad).is_err(), "{bad:?}");
        }
        assert!(run(&["--host", "::1"]).is_ok());
        assert_eq!(
            run(&["--host", "::1"]).unwrap().banner(9, "s")[0],
            "graph-sandbox listening on http://[::1]:9"
        );
    }

    #[test]
    fn origins_and_secrets() {
        let o = run(&[
            "--allow-origin",
            "HTTP://LocalHost:8081/",
            "--allow-origin",
            "http://localhost:8081",
            "--allow-origin",
            "https://editor.example:443",
        ])
        .unwrap();
        assert_eq!(
            o.config.allowed_origins,
            ["http://localhost:8081", "https://editor.example"]
        );
        let from_env = "from-the-environment-0123";
        let o = run_with(&[], Some(from_env)).unwrap();
        assert_eq!(o.config.secret.as_deref(), Some(from_env));
        let o = run_with(&["--secret", "from-the-command-line"], Some(from_env)).unwrap();
        assert_eq!(o.config.secret.as_deref(), Some("from-the-command-line"));
        assert_eq!(run_with(&[], Some("")).unwrap().config.secret, None);
        assert!(run_with(&[], Some("short")).is_err());
    }

    #[test]
    fn banner_with_dist() {
        let dir = std::env::temp_dir();
        let o = run(&["--dist", dir.to_str().unwrap()]).unwrap();
        assert_eq!(
            o.banner(9000, "s")[1],
            "Open the editor: http://127.0.0.1:9000/?graph=http%3A%2F%2F127.0.0.1%3A9000&api=beta"
        );
    }
}
