//! The command line: options into a [`Config`], the host and the port, or a request for help.

use std::path::PathBuf;

use policy_core::endpoint::percent_encode;
use policy_core::model::ApiVersion;

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
  -h, --help             show this text
";

/// What the command line asks for.
#[derive(Debug, Clone)]
pub enum Command {
    Help,
    Run(Options),
}

#[derive(Debug, Clone)]
pub struct Options {
    pub host: String,
    pub port: u16,
    pub config: Config,
}

impl Options {
    /// The lines printed on start, which tests and the README rely on.
    pub fn banner(&self, port: u16) -> Vec<String> {
        let base = format!("http://{}:{port}", self.host);
        let mut lines = vec![format!("graph-sandbox listening on {base}")];
        if self.config.dist.is_some() {
            lines.push(format!(
                "Open the editor: {base}/?graph={}&api=beta",
                percent_encode(&base)
            ));
        }
        lines
    }
}

/// True for the addresses that never leave this machine.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .and_then(|h| h.parse::<std::net::IpAddr>().ok())
            .is_some_and(|ip| ip.is_loopback())
}

pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command, Error> {
    let mut options = Options {
        host: "127.0.0.1".into(),
        port: 8080,
        config: Config {
            state_file: Some(PathBuf::from(".sandbox-state.json")),
            ..Config::default()
        },
    };
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
                if !is_loopback(&host) {
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
    Ok(Command::Run(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, Error> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Command::Run(o) => Ok(o),
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
        assert_eq!(
            o.banner(8080),
            vec!["graph-sandbox listening on http://127.0.0.1:8080".to_string()]
        );
        for bad in [
            &["--host", "0.0.0.0"][..],
            &["--port", "x"],
            &["--fault", "404"],
            &["--seed-api", "v2"],
            &["--what"],
            &["--port"],
        ] {
            assert!(run(bad).is_err(), "{bad:?}");
        }
        assert!(run(&["--host", "::1"]).is_ok());
    }

    #[test]
    fn banner_with_dist() {
        let dir = std::env::temp_dir();
        let o = run(&["--dist", dir.to_str().unwrap()]).unwrap();
        assert_eq!(
            o.banner(9000)[1],
            "Open the editor: http://127.0.0.1:9000/?graph=http%3A%2F%2F127.0.0.1%3A9000&api=beta"
        );
    }
}
