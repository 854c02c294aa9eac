//! The command line: options into a [`Config`], the host and the port, or a request for help.
//! The options are declared once, with `clap`; their doc comments are the `--help` text.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{ArgAction, CommandFactory, FromArgMatches, Parser};
use policy_core::endpoint::percent_encode;
use policy_core::model::ApiVersion;

use crate::access::{self, SECRET_ENV, SECRET_HEADER};
use crate::fault::Rule;
use crate::sandbox::Config;

/// A command line that cannot be understood; `print` it (it names the argument and why, and
/// ends with the usage line) and exit with status 2.
pub type Error = clap::Error;

/// The options as `clap` reads them; [`parse_with_secret`] turns them into [`Options`]. (No
/// `Debug`: it holds the secret.)
#[derive(Parser)]
#[command(
    name = "graph-sandbox",
    about = "graph-sandbox: a local look-alike of Microsoft Graph for the Intune editor (local use
only: it trusts unsigned tokens).",
    next_line_help = true,
    disable_help_flag = true,
    args_override_self = true
)]
struct Args {
    /// The address to listen on, a loopback one only: 127.0.0.1 (default), ::1 or localhost
    #[arg(long, value_name = "HOST", default_value = "127.0.0.1", value_parser = loopback_host,
        hide_default_value = true, verbatim_doc_comment)]
    host: String,
    /// The port to listen on (default: 8080); 0 picks a free one, and the first line printed
    /// says which
    #[arg(long, value_name = "PORT", default_value_t = 8080, value_parser = port,
        hide_default_value = true, verbatim_doc_comment)]
    port: u16,
    /// Serve the built web app from DIR at / (with a generated /config.json that points it at
    /// this sandbox)
    #[arg(long, value_name = "DIR", value_parser = built_app, verbatim_doc_comment)]
    dist: Option<PathBuf>,
    /// Where the objects are saved after every change (default: .sandbox-state.json in the
    /// current directory); it is read at start unless --reset is given
    #[arg(
        long,
        value_name = "FILE",
        default_value = ".sandbox-state.json",
        hide_default_value = true,
        verbatim_doc_comment
    )]
    state: PathBuf,
    /// Start from the seed objects, not from the state file
    #[arg(long)]
    reset: bool,
    /// Inject a fault into the Graph requests that match, repeatable. @METHOD limits it to one
    /// method (@PATCH), xCOUNT to the next COUNT matching requests; without xCOUNT it lasts
    /// as long as the process. SPEC is one or more of these, joined by commas:
    ///   STATUS[:retry-after=N]     answer 429, 500, 502, 503 or 504 instead, with
    ///                              Retry-After: N seconds (a 429 says 1 unless told)
    ///   STATUS:retry-after-date=N  the same, Retry-After as the HTTP date N seconds ahead
    ///   applied=STATUS|drop        carry the request out, then lose its answer: replaced by
    ///                              that status (500, 502, 503 or 504) or a closed connection
    ///   delay=MS                   wait MS milliseconds (at most 60000), then go on
    ///   drop                       close the connection without any answer
    ///   concurrent                 first change the object as another administrator would
    #[arg(long = "fault", value_name = "SPEC[@METHOD][xCOUNT]", value_parser = fault_rule,
        verbatim_doc_comment)]
    faults: Vec<Rule>,
    /// Answer successful PATCHes with 204 and no body (Graph's own answer) instead of the
    /// updated object
    #[arg(long = "respond-204", verbatim_doc_comment)]
    respond_204: bool,
    /// The API version, v1.0 or beta, of the --seed files that follow it (default: beta)
    #[arg(long = "seed-api", value_name = "VERSION", value_parser = api_version,
        verbatim_doc_comment)]
    seed_apis: Vec<ApiVersion>,
    /// Add the objects of FILE (one object, or a Graph list {"value": [...]}) on top of the
    /// state, repeatable
    #[arg(long = "seed", value_name = "FILE", verbatim_doc_comment)]
    seeds: Vec<PathBuf>,
    /// Also answer browser pages of this origin (CORS), such as http://localhost:8081: scheme,
    /// host and port only; repeatable. The sandbox's own origin is always allowed
    #[arg(long = "allow-origin", value_name = "URL", value_parser = origin,
        verbatim_doc_comment)]
    allowed_origins: Vec<String>,
    /// The control secret the /_sandbox/* routes want in the header x-sandbox-secret (16 to
    /// 256 visible characters). Default: the SANDBOX_SECRET environment variable (which the
    /// process list does not show), else a random one; printed at start
    // Checked after parsing: an error must not repeat the secret.
    #[arg(long, value_name = "SECRET", verbatim_doc_comment)]
    secret: Option<String>,
    /// Show this text
    #[arg(short, long, action = ArgAction::Help)]
    help: Option<bool>,
}

fn loopback_host(host: &str) -> Result<String, String> {
    if access::is_loopback_name(host) {
        Ok(host.to_string())
    } else {
        Err("the sandbox trusts unsigned tokens, so it listens on loopback addresses only (127.0.0.1, ::1, localhost)".into())
    }
}

fn port(text: &str) -> Result<u16, String> {
    text.parse()
        .map_err(|_| "not a port number (0 to 65535)".to_string())
}

fn built_app(dir: &str) -> Result<PathBuf, String> {
    let dir = PathBuf::from(dir);
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err("not a directory (build the web app first)".into())
    }
}

fn fault_rule(text: &str) -> Result<Rule, crate::Error> {
    Rule::parse_option(text)
}

/// An API version as `ApiVersion::parse` reads it.
fn api_version(text: &str) -> Result<ApiVersion, String> {
    ApiVersion::parse(text).ok_or_else(|| {
        let names: Vec<&str> = ApiVersion::ALL.iter().map(|v| v.as_str()).collect();
        format!("use {}", names.join(" or "))
    })
}

fn origin(url: &str) -> Result<String, String> {
    access::normalize_origin(url).ok_or_else(|| {
        "expected an origin such as http://localhost:8081 (scheme, host and port only)".into()
    })
}

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

/// The `--help` text.
pub fn help() -> String {
    Args::command().render_help().to_string()
}

/// Reads the command line (without the program's name); the control secret may also come from
/// `SANDBOX_SECRET`.
pub fn parse<I, T>(args: I) -> Result<Command, Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let env_secret = std::env::var(SECRET_ENV).ok();
    parse_with_secret(args, env_secret)
}

/// [`parse`] with the value of `SANDBOX_SECRET` given (unset or empty: `None`).
pub fn parse_with_secret<I, T>(args: I, env_secret: Option<String>) -> Result<Command, Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let argv =
        std::iter::once(OsString::from("graph-sandbox")).chain(args.into_iter().map(Into::into));
    let matches = match Args::command().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::DisplayHelp => return Ok(Command::Help),
        Err(e) => return Err(e),
    };
    // Each --seed takes the API of the last --seed-api before it, so the order matters.
    let indices = |id: &str| -> Vec<usize> {
        matches
            .indices_of(id)
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let (api_at, seed_at) = (indices("seed_apis"), indices("seeds"));
    let args = Args::from_arg_matches(&matches)?;
    let seeds = args
        .seeds
        .into_iter()
        .zip(seed_at)
        .map(|(file, at)| {
            let api = api_at
                .iter()
                .zip(&args.seed_apis)
                .rev()
                .find(|(i, _)| **i < at)
                .map_or(ApiVersion::Beta, |(_, api)| *api);
            (file, api)
        })
        .collect();
    let mut allowed_origins: Vec<String> = Vec::new();
    for origin in args.allowed_origins {
        if !allowed_origins.contains(&origin) {
            allowed_origins.push(origin);
        }
    }
    // Checked here, not by a value parser, so that no error repeats the secret; the variable
    // is checked even when --secret wins over it, since a bad one is a mistake worth saying.
    let env_secret = env_secret.filter(|s| !s.is_empty());
    for (source, secret) in [("--secret", &args.secret), (SECRET_ENV, &env_secret)] {
        if let Some(secret) = secret {
            access::check_secret(secret).map_err(|e| {
                Args::command().error(ErrorKind::ValueValidation, format!("{source}: {e}"))
            })?;
        }
    }
    let secret = args.secret.or(env_secret);
    Ok(Command::Run(Box::new(Options {
        host: args.host,
        port: args.port,
        config: Config {
            state_file: Some(args.state),
            reset: args.reset,
            faults: args.faults,
            respond_204: args.respond_204,
            seeds,
            dist: args.dist,
            secret,
            allowed_origins,
            redact_credentials: true,
            ..Config::default()
        },
    })))
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

    #[test]
    fn help_documents_every_option() {
        for flag in ["-h", "--help"] {
            assert!(matches!(parse_with_secret([flag], None), Ok(Command::Help)));
        }
        Args::command().debug_assert();
        let help = help();
        for arg in Args::command().get_arguments() {
            let long = arg.get_long().unwrap();
            assert!(help.contains(&format!("--{long}")), "{long}");
            assert!(arg.get_help().is_some(), "--{long} has no help text");
        }
    }

    #[test]
    fn seeds_take_the_api_named_before_them_and_repeats_keep_the_last() {
        let o = run(&[
            "--seed-api",
            "v1",
            "--seed",
            "a.json",
            "--seed-api=beta",
            "--seed=b.json",
            "--port",
            "1",
            "--port",
            "2",
        ])
        .unwrap();
        assert_eq!(
            o.config.seeds,
            vec![
                (PathBuf::from("a.json"), ApiVersion::V1),
                (PathBuf::from("b.json"), ApiVersion::Beta)
            ]
        );
        assert_eq!(o.port, 2);
        assert_eq!(
            o.config.state_file,
            Some(PathBuf::from(".sandbox-state.json"))
        );
    }

    #[test]
    fn a_refused_secret_is_not_repeated() {
        let secret = "not secret enough";
        for e in [
            run(&["--secret", secret]).unwrap_err(),
            run_with(&[], Some(secret)).unwrap_err(),
        ] {
            assert_eq!(e.kind(), ErrorKind::ValueValidation);
            assert!(!e.to_string().contains(secret), "{e}");
        }
    }
}
