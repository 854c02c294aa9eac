//! The `graph-sandbox` command: parse options, load the state, print where it listens, serve
//! until Ctrl-C or SIGTERM.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use graph_sandbox::cli::{self, Command};
use graph_sandbox::{server, Error, Sandbox};

fn main() -> ExitCode {
    let command = match cli::parse(std::env::args_os().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            // Names the argument and why, then the usage line.
            eprint!("graph-sandbox: {}", e.render());
            return ExitCode::from(2);
        }
    };
    let options = match command {
        Command::Help => {
            print!("{}", cli::help());
            return ExitCode::SUCCESS;
        }
        Command::Run(o) => *o,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("graph-sandbox: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("graph-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: cli::Options) -> Result<(), Error> {
    let sandbox = Arc::new(Sandbox::new(options.config.clone())?);
    let listener = server::bind(&options.host, options.port).await?;
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or(options.port);
    let mut out = std::io::stdout().lock();
    for line in options.banner(port, sandbox.secret()) {
        let _ = writeln!(out, "{line}");
    }
    // Tests read these lines through a pipe, where stdout is block-buffered.
    let _ = out.flush();
    drop(out);
    server::serve(listener, sandbox, shutdown_signal()).await
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
