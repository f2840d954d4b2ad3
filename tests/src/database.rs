//! A fresh database per test: a temporary SQLite file by default, or a new PostgreSQL database
//! on the server named by `DNEVNIK_TEST_DATABASE_URL`. Both are removed when the test ends.
//!
//! Migrating, and above all seeding the demo school (seconds on PostgreSQL), would otherwise be
//! repeated by every test; instead each test process builds a template once per kind of
//! contents and each test starts from a copy (`CREATE DATABASE … TEMPLATE`, or a file copy).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

/// The variable that switches the suite to PostgreSQL.
pub const TEST_DATABASE_URL: &str = "DNEVNIK_TEST_DATABASE_URL";

/// One test's database.
#[derive(Debug)]
pub struct TestDatabase {
    /// URL the application connects to.
    pub url: String,
    engine: Engine,
}

#[derive(Debug)]
enum Engine {
    Sqlite(PathBuf),
    Postgres {
        server: String,
        name: String,
    },
    /// Another test app's database, which that app removes.
    Shared {
        postgres: bool,
    },
}

/// What a test database starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contents {
    /// Migrated, no rows.
    Migrated,
    /// Migrated, with the demo school seeded as of today, as the server seeds it on first start.
    Demo,
}

impl Contents {
    fn tag(self) -> &'static str {
        match self {
            Self::Migrated => "migrated",
            Self::Demo => "demo",
        }
    }
}

/// The templates this process has built: contents → database name or file path.
static TEMPLATES: Mutex<Vec<(Contents, String)>> = Mutex::new(Vec::new());

/// The prefix of template names, which end in the building process's id.
const TEMPLATE_PREFIX: &str = "dnevnik_tmpl_";

fn postgres_server() -> Option<String> {
    std::env::var(TEST_DATABASE_URL)
        .ok()
        .filter(|server| !server.is_empty())
}

fn sqlite_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("dnevnik-tests");
    if let Err(err) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {err}", dir.display());
    }
    dir
}

impl TestDatabase {
    /// Creates an empty database (not even migrated).
    pub async fn create() -> Self {
        match postgres_server() {
            Some(server) => Self::postgres(server, None).await,
            None => Self::sqlite(None),
        }
    }

    /// Creates a database that starts with `contents`, copied from this process's template.
    pub async fn create_with(contents: Contents) -> Self {
        let server = postgres_server();
        let template = template(contents, server.clone());
        match server {
            Some(server) => Self::postgres(server, Some(&template)).await,
            None => Self::sqlite(Some(Path::new(&template))),
        }
    }

    /// Whether the suite runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(
            self.engine,
            Engine::Postgres { .. } | Engine::Shared { postgres: true }
        )
    }

    /// The same database for a second server (a replica); the first one's removes it.
    pub fn share(&self) -> Self {
        Self {
            url: self.url.clone(),
            engine: Engine::Shared {
                postgres: self.is_postgres(),
            },
        }
    }

    fn sqlite(template: Option<&Path>) -> Self {
        let path = sqlite_dir().join(format!("{}.db", uuid::Uuid::new_v4().simple()));
        if let Some(template) = template
            && let Err(err) = std::fs::copy(template, &path)
        {
            panic!("cannot copy {}: {err}", template.display());
        }
        Self {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            engine: Engine::Sqlite(path),
        }
    }

    async fn postgres(server: String, template: Option<&str>) -> Self {
        let name = format!("dnevnik_test_{}", uuid::Uuid::new_v4().simple());
        let admin = match Database::connect(server.as_str()).await {
            Ok(db) => db,
            Err(err) => panic!("cannot reach {TEST_DATABASE_URL}: {err}"),
        };
        let create = match template {
            Some(template) => format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""),
            None => format!("CREATE DATABASE \"{name}\""),
        };
        if let Err(err) = admin.execute_unprepared(&create).await {
            panic!("cannot create the test database: {err}");
        }
        admin.close().await.ok();
        Self {
            url: replace_database(&server, &name),
            engine: Engine::Postgres { server, name },
        }
    }
}

/// This process's template for `contents` (a PostgreSQL database name, or a SQLite file path),
/// built on first use. Tests run on runtimes of their own, so the build runs on a thread with
/// its own runtime while the others wait for it.
fn template(contents: Contents, server: Option<String>) -> String {
    let mut built = TEMPLATES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, template)) = built.iter().find(|(c, _)| *c == contents) {
        return template.clone();
    }
    let name = format!("{TEMPLATE_PREFIX}{}_{}", contents.tag(), std::process::id());
    let made = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| err.to_string())?;
        runtime.block_on(build_template(contents, server, name))
    })
    .join();
    match made {
        Ok(Ok(template)) => {
            built.push((contents, template.clone()));
            template
        }
        Ok(Err(err)) => panic!("cannot build the {} template: {err}", contents.tag()),
        Err(_) => panic!("building the {} template panicked", contents.tag()),
    }
}

/// Whether a template was left by a process that has ended (its name ends in the pid).
fn abandoned(name: &str) -> bool {
    name.rsplit('_')
        .next()
        .and_then(|pid| pid.parse::<u32>().ok())
        .is_some_and(|pid| {
            pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
        })
}

async fn build_template(
    contents: Contents,
    server: Option<String>,
    name: String,
) -> Result<String, String> {
    let (url, template) = match &server {
        Some(server) => {
            let admin = Database::connect(server.as_str())
                .await
                .map_err(|err| err.to_string())?;
            // Templates of earlier runs would pile up on a developer's server.
            let rows = admin
                .query_all_raw(Statement::from_string(
                    admin.get_database_backend(),
                    format!(
                        "SELECT datname FROM pg_database WHERE datname LIKE '{TEMPLATE_PREFIX}%'"
                    ),
                ))
                .await
                .map_err(|err| err.to_string())?;
            for row in rows {
                let old: String = row.try_get("", "datname").map_err(|err| err.to_string())?;
                if abandoned(&old) || old == name {
                    admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)"
                        ))
                        .await
                        .map_err(|err| err.to_string())?;
                }
            }
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .map_err(|err| err.to_string())?;
            admin.close().await.ok();
            (replace_database(server, &name), name)
        }
        None => {
            let dir = sqlite_dir();
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for entry in entries.flatten() {
                    let file = entry.file_name().to_string_lossy().into_owned();
                    if let Some(stem) = file.strip_prefix(TEMPLATE_PREFIX)
                        && abandoned(stem.trim_end_matches(".db"))
                    {
                        std::fs::remove_file(entry.path()).ok();
                    }
                }
            }
            let path = dir.join(format!("{name}.db"));
            std::fs::remove_file(&path).ok();
            (
                format!("sqlite://{}?mode=rwc", path.display()),
                path.display().to_string(),
            )
        }
    };
    let mut config = crate::test_config(&url);
    config.demo = contents == Contents::Demo;
    let db = dnevnik_server::db::connect(&config)
        .await
        .map_err(|err| err.to_string())?;
    fill(&db, contents, &config)
        .await
        .map_err(|err| format!("{err:#}"))?;
    if server.is_none() {
        // Everything into the main file, which is all that gets copied.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .map_err(|err| err.to_string())?;
    }
    db.close().await.map_err(|err| err.to_string())?;
    Ok(template)
}

async fn fill(
    db: &DatabaseConnection,
    contents: Contents,
    config: &dnevnik_server::config::Config,
) -> anyhow::Result<()> {
    dnevnik_server::db::migrate(db).await?;
    if contents == Contents::Demo {
        let today = crate::today();
        dnevnik_server::seed::demo::seed(db, today, config).await?;
    }
    Ok(())
}

/// The same server URL pointing at another database.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.engine {
            Engine::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    std::fs::remove_file(file).ok();
                }
            }
            Engine::Postgres { server, name } => {
                // Drop runs inside the test's runtime, which cannot be blocked on; a separate
                // thread with its own runtime can.
                let server = server.clone();
                let name = name.clone();
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    runtime.block_on(async {
                        let admin = Database::connect(server.as_str()).await.ok()?;
                        admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await
                            .ok()?;
                        admin.close().await.ok()
                    })
                });
                dropped.join().ok();
            }
            Engine::Shared { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn the_database_name_is_replaced_and_options_kept() {
        assert_eq!(
            replace_database(
                "postgres://u:p@localhost:5432/postgres?sslmode=disable",
                "t1"
            ),
            "postgres://u:p@localhost:5432/t1?sslmode=disable"
        );
        assert_eq!(
            replace_database("postgres://localhost", "t2"),
            "postgres://localhost/t2"
        );
    }
}
