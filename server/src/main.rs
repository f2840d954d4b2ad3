//! The `dnevnik` binary: parses the command line and hands over to the library. Wiring lives
//! in `app.rs`; this file only dispatches subcommands.

use std::process::ExitCode;

use clap::Parser;
use dnevnik_server::cli;
use dnevnik_server::config::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Cli::parse();
    dnevnik_server::telemetry::init(&args.config);
    match cli::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dnevnik: {err:#}");
            ExitCode::FAILURE
        }
    }
}
