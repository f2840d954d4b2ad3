//! The `dnevnik` binary: parses the command line and hands over to the library. Wiring lives
//! in `app.rs`; this file only dispatches subcommands.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use dnevnik_server::cli;
use dnevnik_server::config::Cli;

/// jemalloc returns freed memory to the system within seconds; glibc's malloc held on to the
/// peak of a few large answers for good (issue 9: 1 GB resident that never came down).
#[cfg(all(unix, not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let args = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("dnevnik: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    dnevnik_server::telemetry::init(&args.config);
    let result = runtime.block_on(cli::run(args));
    // Whatever is still running (a request cut at the end of the shutdown grace, a blocking
    // task) gets a moment, not a say in when the process exits.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dnevnik: {err:#}");
            ExitCode::FAILURE
        }
    }
}
