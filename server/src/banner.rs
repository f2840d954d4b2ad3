//! What `dnevnik` prints when it starts: where to go and, in development, how to sign in.
//! Printed to standard output for the person at the terminal, not logged.

use std::net::SocketAddr;

use crate::config::redact_url;
use crate::db;
use crate::state::AppState;

#[cfg(feature = "demo")]
use crate::seed::demo::{self, DEMO_PARENTS, DEMO_SIGN_INS};

/// Prints the start-up banner.
pub async fn print(
    state: &AppState,
    address: SocketAddr,
    demo_code: Option<&str>,
) -> anyhow::Result<()> {
    #[cfg(not(feature = "demo"))]
    let _ = demo_code;
    let config = &state.config;
    let base = match &config.public_url {
        Some(_) => config.public_url(),
        None => format!("http://{address}"),
    };
    println!();
    println!(
        "Dnevnik is running in {} mode on {} ({}).",
        config.environment.as_str(),
        db::engine_name(&state.db),
        redact_url(&config.database_url())
    );
    println!("  GraphQL API:   {base}/graphql  (POST, application/json)");
    if !config.is_production() {
        println!("  GraphiQL:      {base}/graphql  (open in a browser)");
        println!(
            "  Live updates:  {}/graphql/ws  (graphql-ws)",
            base.replacen("http", "ws", 1)
        );
    }
    println!(
        "  Health:        {base}/healthz   Readiness: {base}/readyz   Metrics: {base}/metrics"
    );
    #[cfg(feature = "demo")]
    if config.demo_enabled() && demo::has_demo_sign_ins(&state.db).await? {
        println!();
        println!("Demo sign-ins (development only):");
        for (login, password, who) in DEMO_SIGN_INS {
            println!("  {login:<10} {password:<14} {who}");
        }
        println!(
            "Demo parents, through the development identity provider ({}):",
            demo::dev_issuer(config)
        );
        for (login, password, who) in DEMO_PARENTS {
            println!("  {login:<10} {password:<14} {who}");
        }
        println!("Sign in at {base}/ ; link a child at {base}/auth/link");
        match demo_code {
            Some(code) => {
                println!("Access code for parent2's child (valid 30 days, one use): {code}")
            }
            None => println!("No access code to print: parent2 has linked the child already."),
        }
    }
    println!();
    println!("Stop with Ctrl-C.");
    Ok(())
}
