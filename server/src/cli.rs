//! What each subcommand does. Every command validates the configuration first, so production
//! rules (explicit database, no demo data) hold for tools as much as for the server.

use anyhow::{Context as _, bail};
use dnevnik_migration::{Migrator, MigratorTrait};

#[cfg(feature = "demo")]
use crate::config::SeedCommand;
use crate::config::{Cli, Command, Config, MigrateCommand, redact_url};
#[cfg(feature = "demo")]
use crate::seed;
use crate::{Application, db, graphql};

/// Runs the parsed command line.
pub async fn run(args: Cli) -> anyhow::Result<()> {
    let config = args.config;
    match args.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate(command) => migrate(config, command).await,
        Command::PrintSchema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        #[cfg(feature = "demo")]
        Command::Seed(SeedCommand::Demo) => seed_demo(config).await,
        #[cfg(feature = "demo")]
        Command::Seed(SeedCommand::Synthetic(size)) => {
            config.validate()?;
            let db = db::connect(&config).await?;
            db::migrate(&db).await?;
            seed::synthetic::seed(&db, &size, config.clock.today_in(crate::clock::MOSCOW)).await
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    crate::banner::print(app.state(), app.address(), app.demo_code()).await?;
    app.run_until_stopped().await
}

async fn migrate(config: Config, command: MigrateCommand) -> anyhow::Result<()> {
    config.validate()?;
    let db = db::connect(&config)
        .await
        .context("cannot connect to the database")?;
    match command {
        MigrateCommand::Up => Migrator::up(&db, None).await?,
        MigrateCommand::Down { all: true, .. } => Migrator::down(&db, None).await?,
        MigrateCommand::Down { steps, .. } => Migrator::down(&db, Some(steps)).await?,
        MigrateCommand::Status => Migrator::status(&db).await?,
        MigrateCommand::Fresh => {
            if config.is_production() {
                bail!("`migrate fresh` drops every table and is refused in production");
            }
            Migrator::fresh(&db).await?;
        }
    }
    println!(
        "{}: migrations done on {}",
        db::engine_name(&db),
        redact_url(&config.database_url())
    );
    Ok(())
}

#[cfg(feature = "demo")]
async fn seed_demo(config: Config) -> anyhow::Result<()> {
    config.validate()?;
    if config.is_production() {
        bail!("the demo school is never seeded in production");
    }
    let db = db::connect(&config).await?;
    db::migrate(&db).await?;
    if !seed::demo::is_empty(&db).await? {
        bail!("the database already holds data; use `dnevnik migrate fresh` first");
    }
    let today = config.clock.today_in(crate::clock::MOSCOW);
    seed::demo::seed(&db, today, &config).await?;
    println!("The demo school is seeded.");
    Ok(())
}
