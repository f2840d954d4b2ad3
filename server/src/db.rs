//! Connecting to the database and keeping its schema current. SQLite gets the pragmas that make
//! it safe for a server (WAL, foreign keys, a busy timeout, `synchronous=FULL`); PostgreSQL gets a
//! statement timeout. Nothing here knows about the domain.

use std::time::Duration;

use dnevnik_migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::config::Config;

/// Opens a connection pool for the configured database.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    connect_url(
        &config.database_url(),
        config.db_max_connections,
        // A statement never outlives the request that started it: past the request timeout
        // nobody waits for its answer.
        Duration::from_millis(config.db_statement_timeout_ms).min(config.request_timeout()),
        Duration::from_millis(config.db_acquire_timeout_ms),
    )
    .await
}

/// Opens a connection pool for a URL (tests and tools use this directly).
pub async fn connect_url(
    url: &str,
    max_connections: u32,
    statement_timeout: Duration,
    acquire_timeout: Duration,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        // A first connection may wait for a server that is still starting; a request must not
        // wait that long for a connection of the pool.
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(acquire_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_before_acquire(|conn, _| Box::pin(outside_any_transaction(conn)))
        .map_sqlx_sqlite_opts(|opts: SqliteConnectOptions| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                // An acknowledged write survives a power cut, at the price of an fsync per commit.
                .synchronous(SqliteSynchronous::Full)
                .create_if_missing(true)
        });
    if !statement_timeout.is_zero() {
        let millis = statement_timeout.as_millis().to_string();
        options.map_sqlx_postgres_opts(move |opts: PgConnectOptions| {
            opts.options([("statement_timeout", millis.as_str())])
        });
    }
    Database::connect(options).await
}

/// Whether a pooled SQLite connection may be handed out: it must not be inside a transaction,
/// neither one that sqlx counts nor one that SQLite alone still holds. A COMMIT or ROLLBACK that
/// fails (a full disk) can leave either behind; such a connection would hold the write lock
/// and turn the next request's transaction into a savepoint of the stale one, acknowledging
/// writes that never commit. It is closed instead (which rolls back) and replaced.
async fn outside_any_transaction(
    conn: &mut sea_orm::sqlx::SqliteConnection,
) -> Result<bool, sea_orm::sqlx::Error> {
    use sea_orm::sqlx::{Connection as _, Executor as _};
    if conn.is_in_transaction() {
        tracing::warn!("closing a pooled SQLite connection left inside a transaction");
        return Ok(false);
    }
    // BEGIN fails inside a transaction; a deferred BEGIN takes no lock, so this costs nothing.
    if conn.execute("BEGIN").await.is_err() {
        tracing::warn!("closing a pooled SQLite connection SQLite still holds in a transaction");
        return Ok(false);
    }
    conn.execute("ROLLBACK").await?;
    Ok(true)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Whether every known migration has been applied (used by `/readyz`).
pub async fn is_migrated(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.is_empty())
}

/// Runs a trivial statement to prove the database answers.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// Proves that a write can commit right now, in a transaction of its own: a full disk, a
/// read-only file or a standby server fail it where a read would still succeed.
pub async fn probe_write(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::sea_query::{Alias, OnConflict, Query};
    let txn = begin_write(db).await?;
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new("health_probes"))
        .columns([Alias::new("id"), Alias::new("probed_at")])
        .values([1_i64.into(), chrono::Utc::now().into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::column(Alias::new("id"))
                .update_column(Alias::new("probed_at"))
                .to_owned(),
        );
    txn.execute(&insert).await?;
    txn.commit().await
}

/// A short, password-free description of the engine for banners.
pub fn engine_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Sqlite => "SQLite",
        DbBackend::Postgres => "PostgreSQL",
        _ => "unsupported",
    }
}

/// Begins a transaction that writes. On SQLite it is `BEGIN IMMEDIATE`: it takes the write lock
/// up front and waits for it under the busy timeout, where a deferred transaction that reads
/// first would fail outright when another writer got in between.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    })
    .await
}
