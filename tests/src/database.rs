//! A fresh database per test: a temporary SQLite file by default, or a new PostgreSQL database
//! on the server named by `DNEVNIK_TEST_DATABASE_URL`. Both are removed when the test ends.

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, Database};

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

impl TestDatabase {
    /// Creates an empty database.
    pub async fn create() -> Self {
        match std::env::var(TEST_DATABASE_URL) {
            Ok(server) if !server.is_empty() => Self::postgres(server).await,
            _ => Self::sqlite(),
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

    fn sqlite() -> Self {
        let dir = std::env::temp_dir().join("dnevnik-tests");
        if let Err(err) = std::fs::create_dir_all(&dir) {
            panic!("cannot create {}: {err}", dir.display());
        }
        let path = dir.join(format!("{}.db", uuid::Uuid::new_v4().simple()));
        Self {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            engine: Engine::Sqlite(path),
        }
    }

    async fn postgres(server: String) -> Self {
        let name = format!("dnevnik_test_{}", uuid::Uuid::new_v4().simple());
        let admin = match Database::connect(server.as_str()).await {
            Ok(db) => db,
            Err(err) => panic!("cannot reach {TEST_DATABASE_URL}: {err}"),
        };
        if let Err(err) = admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
        {
            panic!("cannot create the test database: {err}");
        }
        admin.close().await.ok();
        Self {
            url: replace_database(&server, &name),
            engine: Engine::Postgres { server, name },
        }
    }
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
